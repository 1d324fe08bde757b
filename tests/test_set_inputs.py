"""Set estimators: inputs in any unit, any type codes, and unbiased maps.

Each test failed before its fix. The set network standardised its element
features in float32 (a coordinate at 1e6 with a spread of 0.01 kept no
distinct values; 1e-13 was taken for a constant), compared type codes in
float32 during training and in float64 at prediction (codes like 0.1 matched
no element at predict), learnt its types from the training split only, and
floored each draw of an information map before averaging them.
"""

import math

import numpy as np
import pytest
import torch
from torch import nn

from skdib import DistributedIBSetClassifier, DistributedIBSetRegressor
from skdib._backend.sets._information import probe_information

TINY = dict(n_pretrain_steps=30, n_steps=90, n_checkpoints=3, random_state=0,
            encoder_hidden=(16,), decoder_width=16)


@pytest.fixture(scope="module")
def sets():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5, 2))
    return X, X[..., 0].sum(axis=1) + 0.5 * X[..., 1].max(axis=1)


def test_set_regressor_ignores_units_and_offsets(sets):
    X, y = sets
    longer = {**TINY, "n_pretrain_steps": 200}
    plain = DistributedIBSetRegressor(**longer).fit(X, y)
    moved = DistributedIBSetRegressor(**longer).fit(
        X * np.array([0.01, 1e-13]) + np.array([1e6, 0.0]), y * 1e200)
    assert plain.score(X, y) > 0.5
    np.testing.assert_allclose(plain.information_path_.information,
                               moved.information_path_.information, atol=1e-4)
    np.testing.assert_allclose(
        moved.predict(X * np.array([0.01, 1e-13]) + np.array([1e6, 0.0])) / 1e200,
        plain.predict(X), atol=1e-4)


def test_type_codes_need_not_be_float32_numbers(sets):
    X, _ = sets
    kind = (X[..., :1] > 0).astype(float)
    y = (np.where(kind[..., 0] == 1, X[..., 1], 0.0).sum(axis=1) > 0).astype(int)
    probabilities = []
    for codes in ((0.0, 1.0), (0.1, 0.2), (2.0**24 + 1, 2.0**24 + 3)):
        Xt = np.concatenate([X, np.where(kind == 1, codes[1], codes[0])], axis=2)
        clf = DistributedIBSetClassifier(**{**TINY, "n_pretrain_steps": 200},
                                         type_column=2).fit(Xt, y)
        probabilities.append(clf.predict_proba(Xt))
        assert clf.score(Xt, y) > 0.7
    for other in probabilities[1:]:
        np.testing.assert_allclose(other, probabilities[0], atol=1e-4)


def test_a_type_seen_only_in_validation_is_known_at_predict(sets):
    X, _ = sets
    Xt = np.concatenate([X, np.zeros(X.shape[:2] + (1,))], axis=2)
    y = (X[..., 0].sum(axis=1) > 0).astype(int)
    Xt[5, 0, 2] = 2.0  # one element of a third type
    train = np.r_[0:5, 6:300]  # the set with the third type is held out
    with pytest.warns(UserWarning, match=r"only in the validation sets"):
        clf = DistributedIBSetClassifier(**TINY, type_column=2).fit(
            Xt[train], y[train], X_val=Xt[:50], y_val=y[:50])
    assert list(clf.element_types_) == [0.0, 2.0]
    assert clf.predict(Xt).shape == y.shape


class _Posteriors(nn.Module):
    """A one-type set network whose posteriors are N(first columns, 1)."""

    def __init__(self):
        super().__init__()
        self.unused = nn.Parameter(torch.zeros(1, dtype=torch.float64))

    def _posteriors(self, x):
        mu = x[..., :2]
        return mu.unsqueeze(0), torch.zeros_like(mu).unsqueeze(0), None


def test_information_map_floors_after_averaging():
    # probes at 0, reference elements spread by 0.3: the pointwise
    # information is KL(N(0, 1) || N(0, 1.09)) per dimension, 0.005 bits in all
    refs = 0.3 * np.random.default_rng(0).normal(size=(200, 16, 2))
    lower, upper, _ = probe_information(_Posteriors(), np.zeros((5, 2)), refs, 0,
                                        seed=0)
    truth = (1 / 1.09 - 1 + math.log(1.09)) / math.log(2)
    assert truth < 0.01
    assert lower.mean() < 0.03  # a floor per draw lifted it to about 0.07
    assert np.all(lower <= upper)


@pytest.fixture(scope="module")
def typed(sets):
    X, y = sets
    Xt = np.concatenate([X, (X[..., :1] > 0).astype(float)], axis=2)
    return DistributedIBSetRegressor(**TINY, type_column=2).fit(Xt, y)


@pytest.mark.parametrize("call, match", [
    (lambda m: m.information_map(np.zeros((2, 3)), 0, n_references=0),
     "n_references must be at least 2"),
    (lambda m: m.information_map(np.zeros((2, 3)), 0, n_batches=0),
     "n_batches must be at least 1"),
    (lambda m: m.radial_azimuthal_information([0.5], 0, n_angles=0),
     "n_angles must be at least 1"),
    (lambda m: m.radial_azimuthal_information([], 0), "radii must be"),
])
def test_map_arguments_are_checked(typed, call, match):
    with pytest.raises(ValueError, match=match):
        call(typed)


def test_distinguishability_plot_refuses_a_set_model(typed):
    import matplotlib

    matplotlib.use("Agg")
    from skdib.plotting import plot_distinguishability

    with pytest.raises(TypeError, match="information_map"):
        plot_distinguishability(typed, 0)


def test_cross_validated_path_of_sets_matches_a_fold_refit(sets):
    from skdib.compare import cross_validate_path

    X, y = sets
    X = X.copy()
    X[::7, 4] = np.nan  # a padded element in every seventh set
    labels = (y > np.median(y)).astype(int)
    est = DistributedIBSetClassifier(**TINY)
    cv = cross_validate_path(est, X, labels, cv=2, random_state=0,
                             return_estimators=True)
    train, test = cv["folds"][0]
    seed = cv["estimators"][0].random_state
    alone = DistributedIBSetClassifier(**{**TINY, "random_state": seed}).fit(
        X[train], labels[train], X_val=X[test], y_val=labels[test])
    np.testing.assert_allclose(cv["score"][0], alone.information_path_.score_val)
