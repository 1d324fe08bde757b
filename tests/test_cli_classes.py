"""``skdib analyze`` on classification targets that are numbers: forced
classes with fractional values, and how the report lists the classes."""

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from skdib.__main__ import main
from skdib._cli._data import prepare_dataset
from skdib._cli._main import _data_description

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


def describe(frame, name="t.csv"):
    data = prepare_dataset(frame, "y")
    return _data_description(SimpleNamespace(data=name), data)


def test_integer_classes_are_listed_by_value():
    frame = pd.DataFrame({"a": np.arange(48.0), "y": np.arange(48) % 12})
    assert "12 classes: 0, 1, 2, 3, 4, 5, 6, 7, ...)" in describe(frame)


def test_text_classes_are_listed_as_text():
    frame = pd.DataFrame({"a": np.arange(12.0), "y": ["b", "a", "c"] * 4})
    assert "3 classes: a, b, c)" in describe(frame)


def test_one_feature_column_in_one_channel_is_singular():
    frame = pd.DataFrame({"a": np.arange(12.0), "y": [0, 1] * 6})
    assert "; 1 feature column in 1 channel." in describe(frame)
    frame["b"] = frame["a"] ** 2
    assert "; 2 feature columns in 2 channels." in describe(frame)
