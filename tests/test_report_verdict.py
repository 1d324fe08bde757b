"""The report says when a baseline predicts better than the Distributed IB
model, judged on the paired fold differences."""

import json
import re

import numpy as np
import pandas as pd
import pytest

from skdib import DistributedIBRegressor
from skdib.__main__ import main
from skdib._cli.report._summary import baseline_verdict, scores_note

TINY = ["--n-steps", "30", "--n-pretrain-steps", "10", "--n-checkpoints", "3"]


def _scores(dib, linear, forest):
    entry = lambda label, folds: {"label": label, "mean": float(np.mean(folds)),  # noqa: E731
                                  "se": 0.0, "folds": list(folds)}
    # as the command's: the path's own score on its 20 held-out rows first
    validation = {"n_rows": 20, "fraction": 0.2, "point": 1, "score": 0.5,
                  "se": 0.1}
    return {"validation": validation, "cv": len(dib), "n_rows": 100, "models": {
        "distributed_ib": entry("Distributed IB", dib),
        "linear": entry("linear", linear),
        "random_forest": entry("forest", forest)}}


@pytest.fixture(scope="module")
def regressor():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    return DistributedIBRegressor(n_pretrain_steps=5, n_steps=10, n_checkpoints=2,
                                  random_state=0).fit(X, X[:, 0])


def _numbers(text):
    return [float(v) for v in re.findall(r"\d+\.\d{3}", text)]


def test_a_gap_beyond_the_paired_error_names_the_best_baseline(regressor):
    dib, linear, forest = [0.5, 0.6, 0.55], [0.8, 0.85, 0.9], [0.7, 0.7, 0.7]
    text = baseline_verdict(_scores(dib, linear, forest), regressor)
    gap = np.subtract(linear, dib)
    se = gap.std(ddof=1) / np.sqrt(3)
    assert "below the linear's" in text and "beyond the standard error" in text
    assert _numbers(text) == pytest.approx([gap.mean(), se], abs=5e-4)
    assert "R²" in text


def test_the_error_is_paired_over_folds_not_the_models_own(regressor):
    # fold scores vary a lot but the baseline is above on every fold by 0.02:
    # unpaired errors would overlap, the paired one does not
    dib = [0.2, 0.5, 0.8, 0.4]
    linear = [0.22, 0.52, 0.82, 0.42]
    text = baseline_verdict(_scores(dib, linear, [0.0] * 4), regressor)
    assert "beyond the standard error" in text


def test_a_gap_within_the_error_says_so_and_no_gap_says_nothing(regressor):
    within = baseline_verdict(_scores([0.5, 0.7, 0.6], [0.7, 0.5, 0.62],
                                      [0.1] * 3), regressor)
    assert "within the standard error" in within
    assert "predicts worse" not in within
    assert baseline_verdict(_scores([0.9] * 3, [0.8] * 3, [0.7] * 3),
                            regressor) == ""
    assert baseline_verdict({"cv": 0, "models": {}}, regressor) == ""


@pytest.mark.filterwarnings("ignore::skdib.exceptions.BetaRangeWarning")
def test_the_report_of_an_undertrained_fit_says_the_baseline_wins(tmp_path, capsys):
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    frame["y"] = 2.0 * frame["a"] - frame["b"] + 0.1 * rng.normal(size=200)
    data = tmp_path / "lin.csv"
    frame.to_csv(data, index=False)
    out = tmp_path / "out"
    assert main(["analyze", str(data), "--target", "y", *TINY, "--cv", "3",
                 "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    run = json.loads((out / "run.json").read_text())
    models = run["scores"]["models"]
    gap = np.subtract(models["linear"]["folds"], models["distributed_ib"]["folds"])
    assert gap.mean() > 0.1  # 30 steps cannot fit what RidgeCV fits exactly
    assert "below the linear (RidgeCV" in stdout
    assert f"{gap.mean():.3f} below" in stdout
    html = (out / "index.html").read_text()
    assert "beyond the standard error of the paired fold differences" in html


def test_the_note_keeps_its_source_sentence_first(regressor):
    note = scores_note(_scores([0.1] * 3, [0.9] * 3, [0.8] * 3), regressor)
    assert note.startswith("Cross-validated R²")
    assert note.index("Cross-validated") < note.index("below the linear")
