"""A fit does not depend on the inputs' units or offsets.

Columns such as Unix times or map coordinates vary in their seventh
significant digit, and a quantity in SI units can be 1e-13 of its own
size in others. The network standardises every column in float64 before
its float32 arithmetic, so an affine change of units leaves the path and
the predictions as they were, up to float32 rounding. Before, a column at
5e6 with a spread of 0.1 kept one to three float32 values and none of its
information, and a spread below 1e-12 was taken for a constant column.
"""

import numpy as np
import pytest

from skdib import DistributedIBClassifier, DistributedIBRegressor
from skdib._dib._inputs import normalise_weights, weighted_moments

TINY = dict(n_pretrain_steps=20, n_steps=200, n_checkpoints=3, random_state=0)
SLOPE = np.array([0.1, 1e-13, 1e6])
OFFSET = np.array([5e6, 0.0, -3e9])


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    return X, (X[:, 0] + X[:, 1] ** 2 > 0.5).astype(int)


def _paths_agree(a, b, atol):
    np.testing.assert_allclose(a.information_path_.information,
                               b.information_path_.information, atol=atol)


def test_classifier_path_ignores_units_and_offsets(data):
    X, y = data
    plain = DistributedIBClassifier(**TINY).fit(X, y)
    moved = DistributedIBClassifier(**TINY).fit(X * SLOPE + OFFSET, y)
    assert plain.information_path_.information[:, :2].max() > 0.1
    _paths_agree(plain, moved, atol=1e-5)
    np.testing.assert_allclose(plain.predict_proba(X),
                               moved.predict_proba(X * SLOPE + OFFSET), atol=1e-5)


def test_lookup_tables_read_offset_codes(data):
    X, _ = data
    codes = (X > 0).astype(float)
    y = codes[:, 0].astype(int) ^ codes[:, 1].astype(int)
    plain = DistributedIBClassifier(**TINY).fit(codes, y)
    moved = DistributedIBClassifier(**TINY).fit(codes * SLOPE + OFFSET, y)
    assert moved.recipe_["kind"] == "discrete"
    _paths_agree(plain, moved, atol=1e-6)


def test_regressor_target_in_any_unit(data):
    X, _ = data
    y = X[:, 0] + 0.1 * X[:, 1]
    plain = DistributedIBRegressor(**TINY).fit(X, y)
    assert plain.score(X, y) > 0.5
    for unit in (1e-13, 1e200):
        scaled = DistributedIBRegressor(**TINY).fit(X, y * unit)
        _paths_agree(plain, scaled, atol=1e-5)
        np.testing.assert_allclose(scaled.predict(X) / unit, plain.predict(X),
                                   atol=1e-5)


@pytest.mark.parametrize("value", [6.02214076e23, 1.1e100, -3e9])
def test_a_constant_column_standardises_to_zero(data, value):
    """A constant column, whatever its size, reads as exactly 0: its mean
    can miss its value by a few ulps, which for 6e23 is 7e7."""
    X, y = data
    padded = np.c_[X, np.full(len(X), value)]
    center, scale = weighted_moments(padded, None)
    assert np.all((padded[:, 3] - center[3]) / scale[3] == 0)
    fitted = DistributedIBClassifier(**TINY).fit(padded, y)
    zeros = np.c_[X, np.zeros(len(X))]
    plain = DistributedIBClassifier(**TINY).fit(zeros, y)
    _paths_agree(fitted, plain, atol=1e-6)
    np.testing.assert_allclose(fitted.predict_proba(padded),
                               plain.predict_proba(zeros), atol=1e-6)


def test_a_huge_constant_target_standardises_to_zero(data):
    X, _ = data
    y = np.full(len(X), 1e200)  # its mean was off by 1.7e184 standard units
    center, scale = weighted_moments(y, None)
    assert (y[0] - center) / scale == 0
    with pytest.warns(UserWarning, match="y is constant"):
        reg = DistributedIBRegressor(**TINY).fit(X, y)
    np.testing.assert_allclose(reg.predict(X[:5]), 1e200, rtol=1e-12)


def test_weights_whose_sum_overflows_are_scaled_first(data):
    X, y = data
    weights = np.ones(len(X))
    weights[:2] = 1e308
    normalised = normalise_weights(weights)
    assert np.all(np.isfinite(normalised)) and normalised[2] > 0
    np.testing.assert_allclose(normalised.mean(), 1.0)
