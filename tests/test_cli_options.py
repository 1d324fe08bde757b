"""The command's advice names what the command offers.

Before the fix the estimators' messages reached command-line users as
written for Python: "Pass a smaller validation_fraction ... or an explicit
X_val", "raise beta_end", "Use skdib.compare.cross_validate_path", with no
option to follow them, and a table with a date column got the estimator's
advice on ``.astype('category')`` instead of ``--drop`` or
``--categorical``. The command now has ``--validation-fraction`` and
``--beta-end``, and says its own options.
"""

import json
import re

import joblib
import numpy as np
import pandas as pd
import pytest

from skdib import DistributedIBClassifier, DistributedIBRegressor
from skdib.__main__ import main
from skdib._cli._data import CLIError, prepare_dataset
from skdib._cli.report._summary import path_table

TINY = ["--n-steps", "60", "--n-pretrain-steps", "20", "--n-checkpoints", "4",
        "--cv", "0", "--quiet", "--device", "cpu"]


@pytest.fixture
def regression(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=120)
    path = tmp_path / "reg.csv"
    pd.DataFrame({"x": x, "y": x + 0.3 * rng.normal(size=120)}).to_csv(
        path, index=False)
    return path


def test_help_gives_the_estimators_defaults_of_the_new_options(capsys):
    assert main(["analyze", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for option, name in [("--validation-fraction F", "validation_fraction"),
                         ("--beta-end B", "beta_end")]:
        found = re.search(rf"{option} .*?\(default: the estimator's, "
                          r"([\d.e+-]+)\)", text)
        assert found, option
        for cls in (DistributedIBClassifier, DistributedIBRegressor):
            assert float(found.group(1)) == cls().get_params()[name]


def test_the_new_options_reach_the_estimator(regression, tmp_path):
    out = tmp_path / "report"
    assert main(["analyze", str(regression), "--target", "y", *TINY,
                 "--validation-fraction", "0.3", "--beta-end", "20", "--out",
                 str(out)]) == 0
    params = joblib.load(out / "model.joblib").get_params()
    assert params["validation_fraction"] == 0.3 and params["beta_end"] == 20
    run = json.loads((out / "run.json").read_text())
    assert run["params"]["beta_end"] == 20
    assert run["scores"]["validation"]["n_rows"] == 36


@pytest.mark.parametrize("option, value, says", [
    ("--validation-fraction", "1", "--validation-fraction must be at least 0 "
                                   "and below 1, got 1"),
    ("--validation-fraction", "-0.1", "got -0.1"),
    ("--beta-end", "0", "--beta-end must be a number above 0, got 0"),
    ("--beta-end", "inf", "got inf"),
])
def test_the_new_options_are_checked_before_the_fit(
        regression, tmp_path, capsys, option, value, says):
    assert main(["analyze", str(regression), "--target", "y", *TINY, option,
                 value, "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and says in err
    assert not (tmp_path / "r").exists()


def test_too_many_classes_for_the_split_name_the_option(tmp_path, capsys):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=60), "z": rng.normal(size=60),
                          "y": [f"c{i % 50}" for i in range(60)]})
    data = tmp_path / "c50.csv"
    frame.to_csv(data, index=False)
    assert main(["analyze", str(data), "--target", "y", *TINY, "--out",
                 str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert "Pass a smaller --validation-fraction (now 0.2)." in err
    assert "X_val" not in err and "validation_fraction" not in err


def test_fit_warnings_name_the_options(regression, tmp_path, capsys):
    out = tmp_path / "report"
    assert main(["analyze", str(regression), "--target", "y", *TINY, "--out",
                 str(out)]) == 0
    err = capsys.readouterr().err
    notes = " ".join(json.loads((out / "run.json").read_text())["fit_warnings"])
    for said in (err, notes):
        assert "raise --beta-end." in said
        assert "--validation-fraction=0.2 of 120 rows" in said
        assert "Cross-validation (--cv K) scores the chosen point" in said
        for python in ("cross_validate_path", "X_val", "beta_end",
                       "validation_fraction"):
            assert python not in said


@pytest.mark.parametrize("when", [
    pd.date_range("2020-01-01", periods=40),
    pd.date_range("2020-01-01", periods=40).date,  # an object column of dates
])
def test_a_date_column_names_drop_and_categorical(when):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=40), "when": when,
                          "y": [0, 1] * 20})
    with pytest.raises(CLIError, match=r"'when' hold dates or times.*--drop "
                       r"when, name them in --categorical"):
        prepare_dataset(frame, "y")
    data = prepare_dataset(frame, "y", categorical=["when"])
    assert list(data.categorical) == ["when"]


def test_warnings_are_the_command_s_lines(regression, tmp_path, capsys):
    # before the fix: "<frozen runpy>:88: UserWarning: ..." (the file and
    # line warnings.warn pointed to), and in pytest not printed at all
    assert main(["analyze", str(regression), "--target", "y", *TINY, "--cv",
                 "2", "--out", str(tmp_path / "r")]) == 0
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines and all(line.startswith("skdib: warning: ") for line in lines)
    assert not any("runpy" in line or "UserWarning" in line for line in lines)


def test_a_library_warning_says_its_kind():
    import io

    from skdib._cli._hints import show_warning

    shown = io.StringIO()
    show_warning(FutureWarning("a change is coming"), FutureWarning, "x.py", 1,
                 file=shown)
    assert shown.getvalue() == ("skdib: warning: FutureWarning: a change is "
                                "coming\n")


def test_a_fraction_of_0_says_the_scores_are_on_the_training_rows(
        regression, tmp_path):
    # before the fix the cards and the score table said "(120 held-out
    # rows)" and "standard error over the held-out rows" although no row
    # was held out: the path is then scored on the rows it was fitted on
    out = tmp_path / "report"
    assert main(["analyze", str(regression), "--target", "y", *TINY,
                 "--validation-fraction", "0", "--out", str(out)]) == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    run = json.loads((out / "run.json").read_text())
    assert run["scores"]["validation"]["fraction"] == 0
    assert "held-out rows" not in html
    assert ("(120 training rows; --validation-fraction 0 holds none out)"
            in html)  # the card and the score table's row
    assert html.count("120 training rows") == 2
    assert ("standard error over the training rows (--validation-fraction 0 "
            "holds none out)") in html
    # before the fix the terminal's path table headed that score "val R²",
    # and the card, the score table and its note called it "validation"
    assert "validation R²" not in html
    assert "training R² at the chosen point (120 training rows" in html
    assert "path&#x27;s own training score, point" in html
    assert "only the path&#x27;s own training R² is shown" in html
    assert "dashed: the training rows scored at each checkpoint" in html
    table = path_table(joblib.load(out / "model.joblib"))
    assert table.splitlines()[0].split()[-2:] == ["train", "R²"]
    assert "val R²" not in table
    assert "train R²: on the training rows (--validation-fraction 0" in table
    held_out = tmp_path / "held-out"
    assert main(["analyze", str(regression), "--target", "y", *TINY,
                 "--validation-fraction", "0.3", "--out", str(held_out)]) == 0
    html = (held_out / "index.html").read_text(encoding="utf-8")
    assert "(36 held-out rows)" in html and "training rows" not in html
    assert "standard error over the held-out rows." in html
    assert "validation R² at the chosen point (36 held-out rows)" in html
    assert "path&#x27;s own validation, point" in html
    assert "validation dashed" in html
    table = path_table(joblib.load(held_out / "model.joblib"))
    assert table.splitlines()[0].split()[-2:] == ["val", "R²"]
    assert "train" not in table


def test_a_beta_end_below_the_start_says_what_to_pass(regression, tmp_path,
                                                      capsys):
    # before the fix: "--beta-end (1e-05) must be >= beta_start (0.0001)",
    # a setting the command has no option for
    assert main(["analyze", str(regression), "--target", "y", *TINY,
                 "--beta-end", "1e-5", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("skdib: error: --beta-end (1e-05) must be at least 0.0001, "
                   "the β the sweep starts at (the command has no option to "
                   "change it): pass a --beta-end of 0.0001 or more.")
    assert "beta_start" not in err


def test_the_start_warning_names_the_start_without_beta_start():
    # before the fix the warning kept "(beta_start=0.0001)" from the
    # estimators' text; its advice was already the command's
    from types import SimpleNamespace

    from skdib._cli._hints import for_the_command
    from skdib._dib._beta_range import beta_range_problems

    path = SimpleNamespace(  # lowest held-out loss at the first checkpoint
        n_points=4, beta=np.array([1e-4, 1e-3, 1e-2, 1e-1]),
        total_information=np.array([2.0, 1.0, 0.5, 0.0]),
        prediction_loss_val=np.array([0.2, 0.4, 0.5, 0.6]),
        prediction_loss_diff_se=np.full(4, 0.02))
    (problem,) = beta_range_problems(path)
    text = for_the_command(problem)
    assert "beta_start" not in text
    assert text.startswith("The held-out loss is lowest at the first "
                           "checkpoint (β = 0.0001, where the sweep starts) "
                           "and worse at the next ones")
    assert text.endswith("so more pretraining steps (--n-pretrain-steps) may "
                         "predict better than any point on this path.")
