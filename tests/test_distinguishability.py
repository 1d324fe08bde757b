"""Distinguishability matrices and the bounds recorded on the path."""

import numpy as np
import pytest

from skdib import DistributedIBClassifier


@pytest.fixture(scope="module")
def step_fit():
    """y = 1[x0 > 0.3]; x1 is noise."""
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, size=(1500, 2))
    y = (X[:, 0] > 0.3).astype(int)
    clf = DistributedIBClassifier(n_pretrain_steps=300, n_steps=2000,
                                  n_checkpoints=12, random_state=0)
    return clf.fit(X, y)


def test_two_blocks_split_at_threshold(step_fit):
    path = step_fit.information_path_
    # a point where channel 0 still carries >= 0.5 bits and noise is gone
    ok = (path.information[:, 0] >= 0.5) & (path.information[:, 1] < 0.05)
    point = int(np.flatnonzero(ok)[-1])
    values = np.linspace(0.02, 0.98, 25)
    _, D = step_fit.distinguishability_matrix(0, values, point=point)
    low, high = values < 0.25, values > 0.35
    assert D[np.ix_(low, low)].max() < 0.2
    assert D[np.ix_(high, high)].max() < 0.2
    assert D[np.ix_(low, high)].min() > 0.5
    # the noise feature's matrix is about zero
    _, D1 = step_fit.distinguishability_matrix("x1", values, point=point)
    assert D1.max() < 0.1


def test_matrix_properties_and_point_restored(step_fit):
    before = step_fit.path_point_
    values, D = step_fit.distinguishability_matrix(0, point=0)
    assert step_fit.path_point_ == before
    assert D.shape == (len(values), len(values))
    np.testing.assert_allclose(D, D.T, atol=1e-12)
    np.testing.assert_allclose(np.diag(D), 0.0, atol=1e-12)
    assert D.min() >= 0 and D.max() <= 1
    # default values: quantiles of the training data, sorted
    assert len(values) == 25 and np.all(np.diff(values) > 0)
    assert 0 <= values[0] < 0.1 and 0.9 < values[-1] <= 1


def test_bounds_on_path(step_fit):
    path = step_fit.information_path_
    assert path.has_bounds
    np.testing.assert_allclose(
        path.information, (path.information_lower + path.information_upper) / 2)
    # the KL is an upper bound on the information (up to estimation noise)
    assert np.all(path.information_upper <= path.kl + 0.05)
    # H(Y) bounds what the relevant channel needs; y is a 70/30 split
    assert step_fit.target_entropy_ == pytest.approx(0.88, abs=0.02)
    assert 0 <= step_fit.bounds_time_ < step_fit.fit_time_


def test_groups_take_rows(tiny_params):
    rng = np.random.default_rng(0)
    X = rng.integers(0, 2, size=(200, 3)).astype(float)
    y = X[:, 0].astype(int) ^ X[:, 1].astype(int)
    clf = DistributedIBClassifier(**tiny_params, feature_groups=[[0, 1], [2]])
    clf.fit(X, y)
    values, D = clf.distinguishability_matrix(0)
    assert values.shape == (4, 2)  # the four distinct rows of the group
    assert D.shape == (4, 4)
    with pytest.raises(ValueError, match="shape"):
        clf.distinguishability_matrix(0, [0.0, 1.0])
    with pytest.raises(ValueError, match="Unknown channel"):
        clf.distinguishability_matrix("nope")


def test_bounds_off(tiny_params, threshold_data):
    X, y = threshold_data
    clf = DistributedIBClassifier(**tiny_params, information_bounds=False).fit(X, y)
    assert not clf.information_path_.has_bounds
    np.testing.assert_array_equal(clf.information_path_.information,
                                  clf.information_path_.kl)
    assert clf.bounds_time_ == 0.0


@pytest.mark.filterwarnings("ignore:At beta_end")
def test_groups_of_categories_list_their_default_rows_by_category(tiny_params):
    import pandas as pd

    rng = np.random.default_rng(0)
    colour = pd.Series(rng.choice(["blue", "green", "red"], 250))
    shade = pd.Series(rng.choice(["dark", "light", "pale"], 250))
    X = pd.get_dummies(colour, dtype=float)  # blue, green, red
    X[["light", "pale"]] = pd.get_dummies(shade, drop_first=True, dtype=float)
    X["kind"] = rng.choice(["c", "d", "e"], 250)  # categorical, in a group
    X["flag"] = rng.integers(0, 2, 250).astype(float)
    y = ((colour == "red") ^ (X["flag"] == 1) ^ (shade == "pale")).astype(int)
    groups = {"colour": ["blue", "green", "red"], "shade": ["light", "pale"],
              "mix": ["kind", "flag"]}
    tables = {k: v for k, v in tiny_params.items() if k != "encoder_hidden"}
    clf = DistributedIBClassifier(**tables, feature_groups=groups).fit(X, y)
    expected = {
        # one-hot rows by the position of their 1 in the group's columns
        # (sorted as rows they came red, green, blue); the all-zero row is
        # the category drop_first dropped (dark), the first
        "colour": np.eye(3),
        "shade": np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]),
        # by category (c, d, e; it came e, d, c), then by number
        "mix": np.array([[k, f] for k in "cde" for f in (0.0, 1.0)],
                        dtype=object),
    }
    for name, rows in expected.items():
        values, D = clf.distinguishability_matrix(name)
        np.testing.assert_array_equal(values, rows, err_msg=name)
        # the matrix belongs to the values in that order
        _, D_given = clf.distinguishability_matrix(name, rows)
        np.testing.assert_allclose(D, D_given, atol=1e-12, err_msg=name)
