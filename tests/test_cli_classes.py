"""``skdib analyze`` on classification targets that are numbers: forced
classes with fractional values, and how the report lists the classes."""

import json

import numpy as np
import pandas as pd
import pytest

from skdib.__main__ import main
from skdib._cli._data import prepare_dataset

TINY = ["--n-steps", "40", "--n-pretrain-steps", "20", "--n-checkpoints", "3",
        "--device", "cpu", "--quiet"]


def fractional(n=60, seed=0):
    """A target of two fractional values (0.5, 1.5) that ``a`` predicts."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])
    frame["y"] = np.where(frame["a"] > 0, 1.5, 0.5)
    return frame


@pytest.mark.parametrize("cv", ["3", "0"])
def test_forced_classes_with_fractional_values_fit(tmp_path, cv):
    data = tmp_path / "frac.csv"
    fractional().to_csv(data, index=False)
    out = tmp_path / "o"
    assert main(["analyze", str(data), "--target", "y", "--task",
                 "classification", "--force-task", "--cv", cv, "--out",
                 str(out), *TINY]) == 0
    assert json.loads((out / "run.json").read_text())["data"]["task"] == \
        "classification"
    html = (out / "index.html").read_text()
    assert "(classification, 2 classes: 0.5, 1.5)" in html


def test_forced_fractional_classes_keep_distinct_values_distinct():
    frame = fractional()
    frame["y"] = np.where(frame["a"] > 0, 0.1 + 1e-12, 0.1)
    data = prepare_dataset(frame, "y", task="classification", force_task=True)
    assert len(np.unique(data.y)) == 2
    assert sorted(np.unique(data.y), key=float) == ["0.1", repr(0.1 + 1e-12)]

