"""``skdib analyze --out``: folders no report can be written to, refused
before the fit, and the folders a failed report leaves.

Each test failed before its fix: an ``--out`` through an executable file
or through a symbolic link to nothing passed the checks and the run failed
(or wrote through the link) only after the whole fit; one through a plain
file was refused as "not writable"; a loop of links ended in a traceback
after the fit; and a report that failed in a new nested ``--out`` left
the parent folders the run had created.
"""

import errno
import os

import numpy as np
import pandas as pd
import pytest

from skdib.__main__ import main
from skdib._cli import _main
from skdib._cli.report import _folder

TINY = ["--n-steps", "60", "--n-pretrain-steps", "20", "--n-checkpoints", "4",
        "--cv", "0", "--quiet", "--device", "cpu"]


@pytest.fixture
def data(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    path = tmp_path / "t.csv"
    frame.assign(y=(frame.a > 0).astype(int)).to_csv(path, index=False)
    return path


@pytest.fixture
def no_fit(monkeypatch):
    """The command must stop before the fit."""
    def fit(*args, **kwargs):
        raise AssertionError("the fit ran")

    monkeypatch.setattr(_main, "_fit", fit)


def _error(capsys):
    """The one line on stderr."""
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("skdib: error: --out ")
    return err


@pytest.mark.parametrize("executable", [False, True])
@pytest.mark.parametrize("below", ["rep", "new/rep"])
def test_an_out_through_a_file_is_refused_before_the_fit(
        data, capsys, no_fit, executable, below):
    # an executable file passed os.access(W_OK | X_OK) and the fit ran
    if executable:
        data.chmod(0o755)
    assert main(["analyze", str(data), "--target", "y", *TINY,
                 "--out", str(data / below)]) == 2
    err = _error(capsys)
    assert f"its parent {data} is a file, not a folder" in err
    assert "not writable" not in err
    assert data.is_file()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links")
@pytest.mark.parametrize("case", ["dangling", "through a file", "loop",
                                  "dangling parent"])
def test_an_out_through_a_broken_link_is_refused_before_the_fit(
        data, tmp_path, capsys, no_fit, case):
    # before the fix the fit ran; then a dangling link was followed and its
    # target created, one into a file failed, and a loop was a traceback
    link = tmp_path / "link"
    target = {"dangling": tmp_path / "nowhere" / "x",
              "through a file": data / "x", "loop": link,
              "dangling parent": tmp_path / "nowhere"}[case]
    link.symlink_to(target)
    out = link / "report" if case == "dangling parent" else link
    assert main(["analyze", str(data), "--target", "y", *TINY,
                 "--out", str(out)]) == 2
    err = _error(capsys)
    whose = f"its parent {link} " if case == "dangling parent" else ""
    if case == "loop":
        assert f"{out}: is a symbolic link that loops back on itself" in err
    else:
        assert (f"{out}: {whose}is a symbolic link to {target}, which does "
                "not exist (a dangling link)") in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "t.csv"]


def test_a_link_to_a_folder_is_a_folder(tmp_path):
    folder = tmp_path / "folder"
    folder.mkdir()
    (tmp_path / "link").symlink_to(folder)
    _folder.check_out_folder(tmp_path / "link")
    _folder.check_out_folder(tmp_path / "link" / "new" / "report")


def _fail(folder):
    (folder / "index.html").write_text("half")
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_failed_report_leaves_none_of_the_folders_it_created(tmp_path):
    # before the fix only the empty --out itself was removed: new/deeper stayed
    (tmp_path / "kept").mkdir()
    with pytest.raises(OSError):
        _folder.place_report(tmp_path / "kept" / "new" / "deeper" / "report",
                             _fail)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept"]
    assert list((tmp_path / "kept").iterdir()) == []
    # a folder that came to hold other files meanwhile is not removed
    deeper = tmp_path / "kept" / "new" / "deeper"

    def fail_beside(folder):
        (deeper / "theirs.txt").write_text("not the run's")
        _fail(folder)

    with pytest.raises(OSError):
        _folder.place_report(deeper / "report", fail_beside)
    assert [p.name for p in deeper.iterdir()] == ["theirs.txt"]
    index = _folder.place_report(tmp_path / "a" / "b",
                                 lambda folder: (folder / "run.json").write_text("{}"))
    assert index.parent.is_dir() and (index.parent / "run.json").exists()


def test_a_failed_nested_report_of_the_command_cleans_up(
        data, tmp_path, capsys, monkeypatch):
    from skdib._cli.report import _figures

    def full_disk(folder, *args, **kwargs):
        _fail(folder)

    monkeypatch.setattr(_figures, "write_report", full_disk)
    out = tmp_path / "new" / "deeper" / "report"
    assert main(["analyze", str(data), "--target", "y", *TINY,
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err == (f"skdib: error: could not write the report to {out}: No "
                   "space left on device")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]
