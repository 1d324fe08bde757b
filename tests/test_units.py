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
