"""``skdib analyze`` and ``skdib demo`` when a fit or a step stops early.

Each test failed before its fix: Ctrl-C during ``--cv`` threw away the
finished fit (no report, only "skdib: interrupted"), Ctrl-C during the
fit threw away the checkpoints the estimator had kept, and a fit that
diverged (on a value far out of range) ended in a traceback, exit status 1.
"""

import json

import numpy as np
import pandas as pd
import pytest

from skdib.__main__ import main
from skdib._cli import _scores

TINY = ["--n-steps", "60", "--n-pretrain-steps", "20", "--n-checkpoints", "4",
        "--quiet", "--device", "cpu"]


def _table(n=120, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    return frame.assign(y=(frame.a > 0).astype(int))


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "t.csv"
    _table().to_csv(path, index=False)
    return path


def _last_line(captured):
    """The last line on stderr (``capsys.readouterr()``), which holds
    neither a traceback nor advice for Python users (``continue_fit``)."""
    err = captured.err
    assert "Traceback" not in err and "continue_fit" not in err
    return err.strip().splitlines()[-1]


@pytest.fixture
def interrupt_cv(monkeypatch, interrupt_at_checkpoint):
    """``arm()``: Ctrl-C comes at the second checkpoint of ``--cv``'s first
    fold, after the fit has run to its end."""
    def arm():
        real = _scores.cross_validate_path

        def first_fold_interrupted(*args, **kwargs):
            interrupt_at_checkpoint(2)  # inside a fold's sweep
            return real(*args, **kwargs)

        monkeypatch.setattr(_scores, "cross_validate_path",
                            first_fold_interrupted)

    return arm


def test_ctrl_c_during_cv_writes_the_report_then_exits_130(
        data, tmp_path, capsys, interrupt_cv):
    interrupt_cv()
    out = tmp_path / "report"
    assert main(["analyze", str(data), "--target", "y", *TINY, "--cv", "3",
                 "--out", str(out)]) == 130
    captured = capsys.readouterr()
    last = _last_line(captured)
    assert last.startswith("skdib: interrupted during cross-validation")
    assert "written without cross-validated scores" in last and "130" in last
    run = json.loads((out / "run.json").read_text())
    assert run["fit_status"] == "complete"
    assert run["scores"]["cv_stopped"].startswith(
        "Cross-validation was interrupted")
    assert run["scores"]["models"] == {}
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Cross-validation was interrupted (Ctrl-C) after the fit" in html
    assert (out / "model.joblib").stat().st_size > 0
    # before the fix the page had no banner: only stdout said "Partial
    # report (interrupted)"; the fit's own stop has had one
    assert captured.out.startswith("Partial report (interrupted) written to ")
    banner = ('<p class="banner" role="alert">Interrupted: cross-validation '
              "stopped after the fit, which ran to its end")
    assert html.count('class="banner"') == 1 and banner in html
    assert html.index(banner) < html.index("<h1>")
    assert "kept to the end" in html and "kept to the stop" not in html


@pytest.mark.parametrize("command", ["analyze", "demo"])
def test_ctrl_c_during_the_fit_writes_the_path_so_far(
        data, tmp_path, capsys, interrupt_at_checkpoint, command):
    out = tmp_path / "report"
    head = (["analyze", str(data), "--target", "y", "--cv", "3"]
            if command == "analyze" else ["demo"])
    interrupt_at_checkpoint(3)  # two checkpoints kept
    assert main([*head, *TINY, "--out", str(out)]) == 130
    last = _last_line(capsys.readouterr())
    assert last.startswith("skdib: interrupted during the fit")
    assert "2 checkpoint(s)" in last and "run the command again" in last
    run = json.loads((out / "run.json").read_text())
    assert run["fit_status"] == "interrupted"
    assert pd.read_csv(out / "path.csv")["point"].nunique() == 2
    assert any("interrupted (Ctrl-C) after 2 checkpoint(s)" in note
               for note in run["fit_warnings"])
    if command == "analyze":
        assert run["scores"]["cv_stopped"].startswith(
            "Cross-validation was not run")
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.count('class="banner"') == 1  # the sweep's, not the cv's
    assert "Interrupted: the sweep stopped after" in html
    assert "cross-validation stopped" not in html


def test_an_interrupted_report_says_so_at_its_top(
        data, tmp_path, capsys, interrupt_at_checkpoint):
    # before the fix the page said so only among the fit's warnings, stdout
    # said "Report written to", and channels holding their bits at the last
    # checkpoint before the stop were "kept to the end"
    args = ["analyze", str(data), "--target", "y", *TINY, "--cv", "0"]
    whole = tmp_path / "whole"
    assert main([*args, "--out", str(whole)]) == 0
    assert capsys.readouterr().out.startswith("Report written to ")
    html = (whole / "index.html").read_text(encoding="utf-8")
    assert "kept to the end" in html and "kept to the stop" not in html
    assert 'class="banner"' not in html and "Interrupted" not in html
    partial = tmp_path / "partial"
    interrupt_at_checkpoint(3)  # two checkpoints kept
    assert main([*args, "--out", str(partial)]) == 130
    out = capsys.readouterr().out.strip()
    assert out == ("Partial report (interrupted) written to "
                   f"{(partial / 'index.html').resolve()}")
    html = (partial / "index.html").read_text(encoding="utf-8")
    beta = pd.read_csv(partial / "path.csv")["beta"].max()
    banner = (f'<p class="banner" role="alert">Interrupted: the sweep stopped '
              f"after β = {beta:.3g} (checkpoint 2 of 4); the path, ranking "
              "and scores describe the checkpoints before the stop.")
    assert banner in html
    assert html.index(banner) < html.index("<h1>")  # above everything else
    assert "kept to the stop" in html and "kept to the end" not in html


@pytest.mark.parametrize("where", ["fit", "cv"])
def test_an_interrupted_rerun_keeps_the_earlier_report(
        data, tmp_path, capsys, interrupt_at_checkpoint, interrupt_cv, where):
    # before the fix the partial report replaced the earlier whole one;
    # then it went to a sibling <out>-interrupted, outside --out, where the
    # parent of a writable --out (--out .) may not be writable
    out = tmp_path / "report"
    args = ["analyze", str(data), "--target", "y", *TINY, "--out", str(out)]
    assert main([*args, "--cv", "0"]) == 0
    (out / "interrupted").mkdir()  # taken: the next name is used
    before = _files(out)
    if where == "fit":
        interrupt_at_checkpoint(3)
    else:
        interrupt_cv()
    capsys.readouterr()
    assert main([*args, "--cv", "3", "--seed", "1"]) == 130
    assert _files(out) == before
    partial = out / "interrupted-2"
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert f"the earlier report in {out} is kept" in last
    assert str(partial) in last
    run = json.loads((partial / "run.json").read_text())
    assert run["seed"] == 1 and "--cv" in run["argv"]
    assert run["fit_status"] == ("interrupted" if where == "fit"
                                 else "complete")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report", "t.csv"]
    assert not list(out.glob(".skdib*")) and not list(partial.glob(".skdib*"))
    kept = _files(partial)
    # the next whole run replaces the earlier report and keeps the partial
    # one: a report's folder may hold it, and only the report's files go
    assert main([*args, "--cv", "0", "--seed", "2"]) == 0
    assert json.loads((out / "run.json").read_text())["seed"] == 2
    assert _files(partial) == kept


def _files(folder):
    """``{name: bytes}`` of the files directly in ``folder``."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_ctrl_c_before_the_first_checkpoint_writes_nothing(
        data, tmp_path, capsys, interrupt_at_checkpoint):
    out = tmp_path / "report"
    interrupt_at_checkpoint(1)
    assert main(["analyze", str(data), "--target", "y", *TINY, "--cv", "0",
                 "--out", str(out)]) == 130
    err = capsys.readouterr().err
    assert err.strip() == "skdib: interrupted"
    assert not out.exists()


def _outlier_table():
    """c holds 1e12 in its sixth row; y = 1[a + b > 0]."""
    X = np.random.default_rng(0).normal(size=(120, 3))
    X[5, 2] = 1e12
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    return frame.assign(y=(frame.a + frame.b > 0).astype(int))


def test_a_fit_that_diverges_on_a_far_value_names_it(tmp_path, capsys):
    # before the fix: a DivergenceError traceback and exit status 1
    data = tmp_path / "outlier.csv"
    _outlier_table().to_csv(data, index=False)
    out = tmp_path / "report"
    assert main(["analyze", str(data), "--target", "y", *TINY, "--cv", "0",
                 "--seed", "1", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("skdib: error: the fit diverged at step ")
    assert "column 'c' holds 1e+12 in data row 6" in err


def test_a_divergence_without_a_far_value_says_what_to_try(
        data, tmp_path, capsys, monkeypatch):
    from skdib import DistributedIBClassifier
    from skdib.exceptions import DivergenceError

    def diverge(self, X, y):
        raise DivergenceError(
            "The β sweep diverged at step 7 (β = 0.5): the loss is NaN. "
            "Try a lower learning_rate (now 0.001).", step=7, beta=0.5,
            detail="the loss is NaN")

    monkeypatch.setattr(DistributedIBClassifier, "fit", diverge)
    assert main(["analyze", str(data), "--target", "y", *TINY, "--cv", "0",
                 "--out", str(tmp_path / "report")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("skdib: error: the fit diverged at step 7 (β = 0.5): the "
                   "loss is NaN; try another --seed or a smaller --beta-end, "
                   "or standardise the columns (or their units), and run again")


def test_far_values_are_told_by_the_quartiles():
    from skdib._cli._stops import far_value

    frame = pd.DataFrame({"ok": np.arange(100.0), "text": ["a"] * 100,
                          "flag": [True] * 100})
    assert far_value(frame) is None
    frame.loc[3, "ok"] = -99999.0 * 1000
    assert far_value(frame)[:3] == ("ok", -99999000.0, 4)
    # counts that are mostly 0 (quartiles coincide) and numeric codes read
    # as categories are no column to blame: before the fix they were
    zero_inflated = pd.DataFrame({"reads": np.r_[np.zeros(90), 10 ** np.arange(10)]})
    assert far_value(zero_inflated) is None
    codes = pd.DataFrame({"site": np.r_[np.arange(99) % 4, 90210]})
    assert far_value(codes)[:2] == ("site", 90210.0)
    assert far_value(codes, categorical=["site"]) is None
    y = np.r_[np.arange(100.0), 1e9]
    assert far_value(pd.DataFrame({"x": np.ones(101)}), y=y)[:3] == (
        "the target", 1e9, 101)


def _zero_inflated(n=150, seed=0):
    """'reads' is 0 in most rows and up to 5000 in a few (its quartiles
    coincide); y = 1[a > 0]."""
    rng = np.random.default_rng(seed)
    reads = np.where(rng.random(n) < 0.1, rng.integers(1, 200, n), 0)
    reads[40] = 5000
    frame = pd.DataFrame({"a": rng.normal(size=n), "reads": reads.astype(float)})
    return frame.assign(y=(frame.a > 0).astype(int))


def test_a_divergence_from_a_large_beta_end_blames_beta(tmp_path, capsys):
    # before the fix the line blamed the 5000 in 'reads' and said to remove
    # that row, which does not help: --beta-end 1e8 made the fit diverge
    data = tmp_path / "zi.csv"
    _zero_inflated().to_csv(data, index=False)
    assert main(["analyze", str(data), "--target", "y", *TINY, "--cv", "0",
                 "--beta-end", "1e8", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("skdib: error: the fit diverged at step ")
    assert "(β = 1e+08)" in err and "lower --beta-end" in err
    assert "reads" not in err and "remove" not in err


def test_a_far_value_is_only_something_to_check(data, tmp_path, capsys,
                                                monkeypatch):
    from skdib import DistributedIBClassifier
    from skdib.exceptions import DivergenceError

    def diverge(self, X, y):
        raise DivergenceError("The β sweep diverged at step 7 (β = 0.5): the "
                              "loss is NaN. ", step=7, beta=0.5,
                              detail="the loss is NaN")

    monkeypatch.setattr(DistributedIBClassifier, "fit", diverge)
    table = _table().assign(site=np.r_[np.arange(119) % 4, 90210],
                            c=np.r_[np.arange(119.0), 1e12])
    table.to_csv(data, index=False)
    args = ["analyze", str(data), "--target", "y", *TINY, "--cv", "0",
            "--out", str(tmp_path / "r")]
    assert main([*args, "--categorical", "site", "--drop", "c"]) == 2
    err = capsys.readouterr().err.strip()
    assert "site" not in err and "90210" not in err  # codes: no blame
    assert "try another --seed or a smaller --beta-end" in err
    assert main([*args, "--categorical", "site"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.index("try another --seed") < err.index("column 'c' holds 1e+12")
    assert err.endswith("check it (a typing error, or a code for a missing "
                        "value?)") and "remove" not in err
