"""A regressor's R² and its y_val in the units of the training target:
``score`` in standard units, the path's R² on a tiny held-out spread, the
far-from-training warning of ``y_val`` and the target checks on weighted
rows."""

import warnings

import numpy as np
import pytest
import torch
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import r2_score

from skdib import DistributedIBRegressor
from skdib._backend.dib._metrics import r2_rows
from skdib._dib._scoring import scaled_r2_score

FAST = dict(n_steps=60, n_pretrain_steps=20, n_checkpoints=3, random_state=0,
            information_bounds=False)


def _data(seed=0, n=200, n_val=80):
    rng = np.random.default_rng(seed)
    X, Xv = rng.normal(size=(n, 3)), rng.normal(size=(n_val, 3))
    return (X, X[:, 0] + 0.3 * rng.normal(size=n),
            Xv, Xv[:, 0] + 0.3 * rng.normal(size=n_val))


def _quiet_fit(X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return DistributedIBRegressor(**FAST).fit(X, y, **fit_params)


@pytest.mark.parametrize("weighted", [False, True])
def test_scaled_r2_is_sklearns_r2_at_normal_scale(weighted):
    rng = np.random.default_rng(1)
    y = rng.normal(size=(50, 2)) * [1.0, 30.0] + [0.0, 5.0]
    pred = y + rng.normal(size=(50, 2)) * [0.5, 40.0]
    w = rng.uniform(0.1, 3.0, size=50) if weighted else None
    center, scale = np.array([0.3, 4.0]), np.array([1.2, 25.0])
    assert scaled_r2_score(y, pred, center, scale, w) == pytest.approx(
        r2_score(y, pred, sample_weight=w), abs=1e-12)
    assert scaled_r2_score(y[:, 0], pred[:, 0], center[:1], scale[:1], w) == (
        pytest.approx(r2_score(y[:, 0], pred[:, 0], sample_weight=w), abs=1e-12))


def test_scaled_r2_of_a_constant_target_is_sklearns():
    # standardising a constant (0 - centre) / scale left values whose mean
    # rounds a hair away from them: -4.6e31 where r2_score gives 0
    rng = np.random.default_rng(5)
    center, scale = np.array([0.36572464]), np.array([0.55276391])
    for n in range(2, 41):
        y, pred = np.zeros(n), rng.normal(size=n)
        assert scaled_r2_score(y, pred, center, scale) == r2_score(y, pred)
        assert scaled_r2_score(y, y.copy(), center, scale) == 1.0  # exact
    # one value far off on the constant column: 0, not r2_score's rounding
    y = np.full(10, 0.1)
    assert scaled_r2_score(y, y + 0.01, center, scale) == 0.0


@pytest.mark.parametrize("exact", [False, True])
def test_scaled_r2_of_a_constant_weighted_column_is_sklearns(exact):
    # a column constant (0.0) on the rows of positive weight, not on the rows
    # of weight 0; the other column varies (r2_score 0.43, was -4.1e31)
    rng = np.random.default_rng(0)
    y = np.c_[rng.normal(size=30), np.zeros(30)]
    pred = y + 0.3 * rng.normal(size=(30, 2))
    if exact:
        pred[4:, 1] = 0.0  # the rows of weight 0 do not count
    w = rng.uniform(0.2, 3.0, size=30)
    w[:4] = 0.0
    y[:4, 1] = [5.0, -1.0, 7.0, 0.5]
    center, scale = np.array([0.1, 0.3]), np.array([1.3, 0.7])
    expected = r2_score(y, pred, sample_weight=w)
    assert scaled_r2_score(y, pred, center, scale, w) == pytest.approx(
        expected, abs=1e-12)
    per = r2_score(y, pred, sample_weight=w, multioutput="raw_values")
    assert per[1] == (1.0 if exact else 0.0)


def test_score_is_the_same_in_extreme_units():
    X, y, Xv, yv = _data()
    w = np.random.default_rng(2).uniform(0.5, 2.0, size=len(yv))
    scores = [_quiet_fit(X, y * s, X_val=Xv, y_val=yv * s).score(
        Xv, yv * s, sample_weight=w) for s in (1.0, 1e200, 1e-200)]
    assert np.isfinite(scores).all()
    assert scores[0] < 0.99  # not the underflow's perfect 1.0
    np.testing.assert_allclose(scores[1:], scores[0], rtol=1e-6)


def test_path_r2_of_a_tiny_held_out_spread_is_that_of_score():
    # one training outlier of 1e8: the held-out spread is ~1e-7 training
    # scales, which the path called a constant target (R² 0)
    X, y, Xv, yv = _data(seed=4)
    y = y.copy()
    y[5] = 1e8
    est = _quiet_fit(X, y, X_val=Xv, y_val=yv)
    path = est.information_path_
    for k in range(len(path.beta)):
        est.set_path_point(k)
        # float32 held-out targets round the spread by ~1e-4 of itself
        assert path.score_val[k] == pytest.approx(est.score(Xv, yv), rel=1e-2)
    assert np.all(path.score_val < -1e6)


def test_path_r2_of_a_constant_held_out_target_is_still_0():
    X, y, Xv, _ = _data()
    est = _quiet_fit(X, y, X_val=Xv, y_val=np.full(len(Xv), 0.7))
    np.testing.assert_array_equal(est.information_path_.score_val, 0.0)


def test_y_val_in_other_units_warns():
    X, y, Xv, yv = _data()
    with pytest.warns(UserWarning, match="y_val lie far beyond"):
        DistributedIBRegressor(**FAST).fit(X, y, X_val=Xv, y_val=yv * 1000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.filterwarnings("ignore", message=".*beta_end.*")
        DistributedIBRegressor(**FAST).fit(X, y, X_val=Xv, y_val=yv)


def test_transformed_target_regressor_y_val_warns():
    X, y, Xv, yv = _data()
    model = TransformedTargetRegressor(DistributedIBRegressor(**FAST),
                                       func=np.log, inverse_func=np.exp)
    with pytest.warns(UserWarning, match="TransformedTargetRegressor"):
        model.fit(X, np.exp(6 + y), X_val=Xv, y_val=np.exp(6 + yv))


def test_nan_in_y_val_is_refused_by_name():
    X, y, Xv, yv = _data()
    with pytest.raises(ValueError, match="Input y_val contains NaN"):
        DistributedIBRegressor(**FAST).fit(X, y, X_val=Xv,
                                           y_val=np.r_[np.nan, yv[1:]])


def test_constant_target_on_the_weighted_rows_warns():
    X, y, _, _ = _data()
    y = y.copy()
    w = np.zeros(len(y))
    w[:100] = 1.0
    y[:100] = 2.0
    with pytest.warns(UserWarning, match="y is constant"):
        DistributedIBRegressor(**FAST).fit(X, y, sample_weight=w)


@pytest.mark.parametrize("weighted", [False, True])
def test_path_r2_takes_the_variance_as_earlier_releases(weighted):
    # the path's R² divides by the float32 variance, as before the exact
    # constant test: every regressor's path stays bit-identical (a float64
    # variance moved score_val and its SEs in the 8th digit)
    gen = torch.Generator().manual_seed(0)
    y = torch.randn(300, 2, generator=gen) * 0.9 + 0.2
    pred = y + 0.4 * torch.randn(300, 2, generator=gen)
    w = torch.rand(300, generator=gen) + 0.1 if weighted else None
    if w is None:
        var = ((y - y.mean(dim=0)) ** 2).mean(dim=0)
    else:
        p = (w / w.sum())[:, None]
        var = (p * (y - (p * y).sum(dim=0)) ** 2).sum(dim=0)
    expected = 1.0 - ((y - pred) ** 2 / var).mean(dim=1).double()
    assert torch.equal(r2_rows(pred, y, w), expected)


def test_scaled_r2_of_one_row_is_nan_as_sklearns():
    """One row of a 2-output target raised IndexError (r2_score gives one nan
    there, not one per output); R² is not defined on one row."""
    true, pred = np.array([[1.0, 2.0]]), np.array([[1.5, 2.5]])
    with pytest.warns(UndefinedMetricWarning):
        expected = r2_score(true, pred)
    with pytest.warns(UndefinedMetricWarning):
        got = scaled_r2_score(true, pred, np.zeros(2), np.ones(2))
    assert np.isnan(expected) and np.isnan(got)
