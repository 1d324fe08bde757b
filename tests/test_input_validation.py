"""Bad input gets a clear error naming the problem, never a torch traceback."""

import numpy as np
import pandas as pd
import pytest

from skdib import DistributedIBClassifier, DistributedIBRegressor
from skdib._dib._channels import resolve_channels

X = np.random.default_rng(0).normal(size=(40, 3))
Y = (X[:, 0] > 0).astype(int)


def fit(**params):
    return DistributedIBClassifier(n_steps=5, n_pretrain_steps=0, n_checkpoints=2,
                                   **params)


@pytest.mark.parametrize("X_bad, match", [
    (np.where(np.eye(40, 3) > 0, np.nan, X), "NaN"),
    (np.where(np.eye(40, 3) > 0, np.inf, X), "infinity"),
    (X[:1], "1 sample"),
    (np.empty((0, 3)), "0 sample"),
])
def test_bad_X(X_bad, match):
    with pytest.raises(ValueError, match=match):
        fit().fit(X_bad, Y[: len(X_bad)])


def test_one_class():
    with pytest.raises(ValueError, match="only 1 class"):
        fit().fit(X, np.zeros(40))


def test_continuous_target_for_classifier():
    with pytest.raises(ValueError, match="Unknown label type"):
        fit().fit(X, X[:, 0])


def test_non_numeric_columns_named_when_categories_are_off():
    df = pd.DataFrame({"a": X[:, 0], "colour": ["red", "blue"] * 20})
    with pytest.raises(ValueError, match=r"non-numeric columns \['colour'\].*"
                                         "categorical_features='auto'"):
        fit(categorical_features=None).fit(df, Y)


def test_wrong_number_of_features_at_predict():
    clf = fit(random_state=0).fit(X, Y)
    with pytest.raises(ValueError, match="3 features"):
        clf.predict(X[:, :2])


@pytest.mark.parametrize("params, match", [
    ({"beta_start": 0.0}, "beta_start"),
    ({"beta_start": 1.0, "beta_end": 0.1}, "beta_end"),
    ({"n_steps": 0}, "n_steps"),
    ({"encoder_hidden": (8, -1)}, "encoder_hidden"),
    ({"activation": "sigmoidish"}, "activation"),
    ({"validation_fraction": 1.0}, "validation_fraction"),
    ({"fourier_frequencies": [np.nan]}, "fourier_frequencies"),
    ({"device": "tpu"}, "device"),
    ({"learning_rate": -1}, "learning_rate"),
])
def test_invalid_hyperparameters(params, match):
    with pytest.raises((ValueError, TypeError), match=match):
        fit(**params).fit(X, Y)


@pytest.mark.skipif(
    __import__("torch").cuda.is_available(), reason="machine has CUDA"
)
def test_cuda_requested_without_gpu():
    with pytest.raises(ValueError, match="CUDA is not available"):
        fit(device="cuda").fit(X, Y)


def test_regressor_rejects_non_numeric_target():
    with pytest.raises(ValueError):
        DistributedIBRegressor(n_steps=2).fit(X, np.array(["a"] * 40))


class TestResolveChannels:
    def test_default_one_per_column(self):
        assert resolve_channels(None, 3) == ([[0], [1], [2]], ["x0", "x1", "x2"])

    def test_mixed_groups_and_names(self):
        chans, names = resolve_channels([0, ["b", "c"]], 3, ["a", "b", "c"])
        assert chans == [[0], [1, 2]] and names == ["a", "b+c"]

    def test_dict_and_negative_index(self):
        chans, names = resolve_channels({"pos": [0, -1]}, 3)
        assert chans == [[0, 2]] and names == ["pos"]

    @pytest.mark.parametrize("groups, match", [
        ([[0, 0]], "repeats"),
        ([[5]], "has 3 columns"),
        ([[]], "empty group"),
        ([], "empty"),
        (["a"], "no column names"),
        ("abc", "must be None"),
        ([[1.5]], "indices or names"),
    ])
    def test_errors(self, groups, match):
        with pytest.raises((ValueError, TypeError), match=match):
            resolve_channels(groups, 3)

    def test_unknown_name(self):
        with pytest.raises(ValueError, match="unknown column 'z'"):
            resolve_channels(["z"], 2, ["a", "b"])
