"""``skdib analyze``: the report folder and the names in it.

Each test failed before its fix: a column named with "$" crashed the
report at its first figure (exit 1, only path.csv and model.joblib
written), and so did any figure that failed to draw; ``--out`` overwrote
the input table and the files of a folder that held no report; a column
name starting with "-" met argparse's bare "expected one argument"; and the
distinguishability figure skipped categorical channels.
"""

import json
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from skdib.__main__ import main
from skdib._cli import _main
from skdib._cli._parser import build_parser
from skdib._cli.report import _figures, _folder

TINY = ["--n-steps", "100", "--n-pretrain-steps", "20", "--n-checkpoints", "5",
        "--cv", "0", "--quiet"]
COLUMNS = ("a$_$b", "Income ($) - Tax ($)", "colour")


def table(n=260, seed=0):
    """y is the colour; the other two columns are noise."""
    rng = np.random.default_rng(seed)
    colour = rng.choice(["red", "green", "blue"], size=n)
    return pd.DataFrame({COLUMNS[0]: rng.normal(size=n),
                         COLUMNS[1]: rng.normal(size=n), COLUMNS[2]: colour,
                         "y": (colour == "red").astype(int)})


def plain():
    """:func:`table` with plain names."""
    return table().rename(columns={COLUMNS[0]: "a", COLUMNS[1]: "b"})


@pytest.fixture(scope="module")
def dollar_report(analyze_csv):
    return analyze_csv("dollar", table(), "--target", "y", *TINY)


def test_dollar_names_give_a_whole_report(dollar_report):
    status, out = dollar_report
    assert status == 0
    for name in ("index.html", "run.json", "path.csv", "model.joblib",
                 "information_plane.png", "information_allocation.png",
                 "distinguishability.png"):
        assert (out / name).stat().st_size > 0, name
    html = (out / "index.html").read_text(encoding="utf-8")
    for column in COLUMNS[:2]:
        assert f'<td class="channel">{column}</td>' in html
    run = json.loads((out / "run.json").read_text())
    assert "figures_not_drawn" not in run


def test_a_categorical_channel_gets_the_distinguishability_plot(dollar_report):
    _, out = dollar_report
    run = json.loads((out / "run.json").read_text())
    assert run["ranking"][0] == "colour"  # y is the colour
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Distinguishability of colour" in html
    assert "distinguishability.png" in run["files"]


def test_the_plot_of_a_categorical_channel_ranked_first(tmp_path):
    data = tmp_path / "t.csv"
    plain().to_csv(data, index=False)
    out = tmp_path / "report"
    assert main(["analyze", str(data), "--target", "y", *TINY, "--out",
                 str(out)]) == 0
    run = json.loads((out / "run.json").read_text())
    assert run["ranking"][0] == "colour"
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Distinguishability of colour" in html
    assert (out / "distinguishability.png").stat().st_size > 0


def test_a_figure_that_fails_is_noted_and_the_report_written(
        tmp_path, capsys, monkeypatch):
    def fail(*args, **kwargs):
        raise ValueError("cannot draw this\nsecond line")

    monkeypatch.setattr(_figures, "plot_information_allocation", fail)
    data = tmp_path / "t.csv"
    table().to_csv(data, index=False)
    out = tmp_path / "report"
    assert main(["analyze", str(data), "--target", "y", *TINY, "--out",
                 str(out)]) == 0
    err = capsys.readouterr().err
    assert "information_allocation.png was not drawn" in err
    assert "cannot draw this" in err
    run = json.loads((out / "run.json").read_text())
    assert run["figures_not_drawn"] == {
        "information_allocation.png": "ValueError: cannot draw this second line"}
    assert "information_allocation.png" not in run["files"]
    assert not (out / "information_allocation.png").exists()
    assert (out / "information_plane.png").exists()
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Not drawn: ValueError: cannot draw this" in html
    assert 'src="information_allocation.png"' not in html


@pytest.fixture
def no_fit(monkeypatch):
    """The command must stop before the fit."""
    def fit(*args, **kwargs):
        raise AssertionError("the fit ran")

    monkeypatch.setattr(_main, "_fit", fit)


def test_out_never_overwrites_the_input(tmp_path, capsys, no_fit):
    proj = tmp_path / "proj"
    proj.mkdir()
    data = proj / "path.csv"
    table().to_csv(data, index=False)
    before = data.read_bytes()
    (proj / "index.html").write_text("<p>mine</p>")
    assert main(["analyze", str(data), "--target", "y", *TINY, "--out",
                 str(proj)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("skdib: error: ") and len(err.splitlines()) == 1
    assert "would overwrite the input" in err and "path.csv" in err
    assert data.read_bytes() == before
    assert (proj / "index.html").read_text() == "<p>mine</p>"
    assert sorted(p.name for p in proj.iterdir()) == ["index.html", "path.csv"]


def test_out_keeps_the_input_even_in_an_earlier_report(tmp_path, capsys, no_fit):
    out = tmp_path / "report"
    out.mkdir()
    (out / "run.json").write_text(json.dumps(
        {"command": "skdib demo", "versions": {"skdib": "0.1"}}))
    data = out / "path.csv"  # the earlier report's path, analysed
    table().to_csv(data, index=False)
    before = data.read_bytes()
    assert main(["analyze", str(data), "--target", "y", "--out", str(out)]) == 2
    assert "would overwrite the input" in capsys.readouterr().err
    assert data.read_bytes() == before


@pytest.mark.parametrize("run_json", [None, '{"command": "make"}', "not json"])
def test_out_refuses_a_folder_of_other_files(tmp_path, capsys, no_fit, run_json):
    data = tmp_path / "t.csv"
    table().to_csv(data, index=False)
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "index.html").write_text("<p>mine</p>")
    (proj / "plot.png").write_bytes(b"png")
    if run_json is not None:
        (proj / "run.json").write_text(run_json)
    assert main(["analyze", str(data), "--target", "y", *TINY, "--out",
                 str(proj)]) == 2
    err = capsys.readouterr().err
    assert "not empty" in err and "choose another folder or empty it" in err
    assert (proj / "index.html").read_text() == "<p>mine</p>"
    assert (proj / "plot.png").read_bytes() == b"png"


def test_demo_refuses_a_folder_of_other_files(tmp_path, capsys, no_fit):
    (tmp_path / "index.html").write_text("<p>mine</p>")
    assert main(["demo", "--quiet", "--out", str(tmp_path)]) == 2
    assert "choose another folder or empty it" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]


def test_out_replaces_an_earlier_report_and_takes_an_empty_folder(tmp_path):
    data = tmp_path / "t.csv"
    plain().to_csv(data, index=False)
    out = tmp_path / "out"
    out.mkdir()
    (out / ".hidden").write_text("")  # as a file manager may leave
    argv = ["analyze", str(data), "--target", "y", "--n-steps", "30",
            "--n-pretrain-steps", "10", "--n-checkpoints", "3", "--cv", "0",
            "--quiet", "--out", str(out)]
    assert main(argv) == 0
    (out / "notes.txt").write_text("mine")  # a report folder with notes
    assert main(argv) == 0
    assert (out / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("flag", ["--target", "--drop", "--categorical",
                                  "--groups"])
def test_a_dash_column_hints_at_the_equals_form(tmp_path, capsys, flag):
    argv = ["analyze", "t.csv", "--target", "y", flag, "-x"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "expected one argument" in err and f"{flag}=VALUE" in err
    args = build_parser().parse_args(["analyze", "t.csv", "--target", "y",
                                      f"{flag}=-x"])
    assert getattr(args, flag[2:]) == "-x"
    assert main(["analyze", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert f"{flag}=VALUE form" in help_text


@pytest.mark.parametrize("argv, command", [
    (["analyze", "t.csv", "--target", "y", "--bogus"], "analyze"),
    (["analyze", "t.csv", "--target", "y", "--cv", "2", "extra"], "analyze"),
    (["demo", "--bogus", "1"], "demo"),
])
def test_an_unknown_argument_points_to_its_command_s_help(capsys, argv,
                                                          command):
    # before the fix: (see 'skdib --help'), which lists no option of analyze
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("skdib: error: unrecognized arguments: ")
    assert err.endswith(f"(see 'skdib {command} --help')")


def test_other_options_get_no_column_hint(capsys):
    assert main(["analyze", "t.csv", "--target", "y", "--n-steps"]) == 2
    assert "=VALUE" not in capsys.readouterr().err


def test_a_dash_column_can_be_dropped(tmp_path, capsys):
    data = tmp_path / "t.csv"
    plain().assign(**{"-id": np.arange(260)}).to_csv(data, index=False)
    out = tmp_path / "out"
    assert main(["analyze", str(data), "--target", "y", "--drop=-id",
                 "--n-steps", "30", "--n-pretrain-steps", "10",
                 "--n-checkpoints", "3", "--cv", "0", "--quiet", "--out",
                 str(out)]) == 0
    assert "-id" not in set(pd.read_csv(out / "path.csv")["feature"])


@pytest.mark.parametrize("files", [
    ("model.joblib",),  # the user's own model
    ("model.joblib", "path.csv"),  # named like a report's, no run.json
    ("model.joblib", "path.csv", "notes.txt"),
    ("path.csv", "index.html"),
])
def test_files_named_like_a_report_are_no_report(tmp_path, capsys, files):
    # before the fix a folder holding only model.joblib (and path.csv) was
    # taken for an earlier report, and the user's model was overwritten
    data = tmp_path / "t.csv"
    plain().to_csv(data, index=False)
    out = tmp_path / "mymodels"
    out.mkdir()
    for name in files:
        (out / name).write_bytes(b"mine")
    assert main(["analyze", str(data), "--target", "y", *TINY, "--out",
                 str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "not empty" in err and "holds no earlier skdib report" in err
    assert all((out / name).read_bytes() == b"mine" for name in files)
    assert sorted(p.name for p in out.iterdir()) == sorted(files)


def _contents(folder):
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("earlier", [False, True])
def test_ctrl_c_while_the_report_is_written_leaves_out_as_it_was(
        tmp_path, monkeypatch, capsys, earlier):
    # before the fix the report was written straight into --out: a Ctrl-C
    # there left an earlier report's folder mixing two runs' files
    data = tmp_path / "t.csv"
    plain().to_csv(data, index=False)
    out = tmp_path / "report"
    if earlier:
        assert main(["analyze", str(data), "--target", "y", *TINY,
                     "--out", str(out)]) == 0
    before = _contents(out) if earlier else None

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_figures, "plot_information_plane", stop)
    assert main(["analyze", str(data), "--target", "y", *TINY, "--seed", "1",
                 "--out", str(out)]) == 130
    assert capsys.readouterr().err.strip().endswith("skdib: interrupted")
    if earlier:
        assert _contents(out) == before
    else:
        assert not out.exists() or not any(out.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["t.csv"] + (["report"] if out.exists() else []))  # no temporary


def test_the_demo_says_why_a_path_gets_no_score():
    assert "not settled" in _main._share(float("nan"), "no settled subset")
    assert "not a miss" in _main._share(float("nan"), "no proper subset")
    assert _main._share(0.75, "scored") == "75%"


def _argv(data, out, *extra):
    return ["analyze", str(data), "--target", "y", *TINY, "--out", str(out),
            *extra]


def test_a_failed_move_leaves_a_folder_the_next_run_replaces(
        tmp_path, capsys, monkeypatch):
    # before the fix the report was written beside --out and renamed into
    # it: across file systems (a mounted --out) the rename failed after the
    # earlier run.json was gone, and later runs refused the folder
    data = tmp_path / "t.csv"
    plain().to_csv(data, index=False)
    out = tmp_path / "report"
    assert main(_argv(data, out)) == 0
    replace, calls = _folder.os.replace, []

    def fail_third(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(18, "Invalid cross-device link")
        return replace(src, dst)

    monkeypatch.setattr(_folder.os, "replace", fail_third)
    capsys.readouterr()
    assert main(_argv(data, out, "--seed", "1")) == 2
    err = [line for line in capsys.readouterr().err.splitlines()
           if not line.startswith("skdib: warning")]
    assert len(err) == 1
    err = err[0]
    assert "could not write the report" in err and "cross-device" in err
    assert "part of this report and part of the earlier one" in err
    assert all(Path(dst).parent == out for dst in calls)  # renamed within out
    assert (out / ".skdib-moving").read_text().startswith("skdib")
    assert not list(out.glob(".skdib-writing-*"))  # no temporary left
    assert not (out / "run.json").exists()
    monkeypatch.setattr(_folder.os, "replace", replace)
    assert main(_argv(data, out, "--seed", "2")) == 0
    assert json.loads((out / "run.json").read_text())["seed"] == 2
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report", "t.csv"]


def test_a_stale_temporary_folder_is_removed(tmp_path):
    data = tmp_path / "t.csv"
    plain().to_csv(data, index=False)
    out = tmp_path / "report"
    stale = out / ".skdib-writing-99999999"  # a run that is gone
    stale.mkdir(parents=True)
    (stale / "index.html").write_text("half")
    assert main(_argv(data, out)) == 0
    assert not stale.exists() and (out / "run.json").exists()


@pytest.mark.parametrize("exists", [True, False])
def test_an_unwritable_out_is_refused_before_the_fit(
        tmp_path, capsys, monkeypatch, no_fit, exists):
    # before the fix the run failed after the whole fit
    data = tmp_path / "t.csv"
    plain().to_csv(data, index=False)
    locked = tmp_path / "locked"
    locked.mkdir()
    out = locked if exists else locked / "new" / "report"
    access = os.access
    monkeypatch.setattr(_folder.os, "access", lambda path, mode, **kw: (
        Path(path) != locked and access(path, mode, **kw)))
    assert main(_argv(data, out)) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "is not writable; choose a folder you may write to" in err
    assert (f"its parent {locked} " in err) != exists
    assert sorted(p.name for p in locked.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="chmod does not stop root")
def test_a_read_only_out_is_refused_before_the_fit(tmp_path, capsys, no_fit):
    data = tmp_path / "t.csv"
    plain().to_csv(data, index=False)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        assert main(_argv(data, locked)) == 2
    finally:
        locked.chmod(0o755)
    assert "is not writable" in capsys.readouterr().err


def test_partial_reports_inside_out_do_not_make_it_foreign(tmp_path):
    # a folder left holding only the partial report an interrupted run put
    # in it (out/interrupted) is still one a report may go to; a folder of
    # that name with other files is not
    run = json.dumps({"command": "skdib analyze", "versions": {"skdib": "0"}})
    (tmp_path / "interrupted-2").mkdir()
    (tmp_path / "interrupted-2" / "run.json").write_text(run)
    _folder.check_out_folder(tmp_path)
    assert _folder.partial_folder(tmp_path) == tmp_path.resolve()
    (tmp_path / "interrupted").mkdir()
    with pytest.raises(_main.CLIError, match="not empty .interrupted."):
        _folder.check_out_folder(tmp_path)
