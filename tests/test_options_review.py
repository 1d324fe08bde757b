"""Estimator options that a review found to change more than they should.

Each test failed before its fix: ``information_bounds`` and the InfoNCE
``codebook_size`` shifted the seeds of the training (so switching off a
report changed the model), a weighted regressor's prediction loss was not
1 - its weighted R², bad ``class_weight`` values gave internal errors or
silently dropped a class, the path's KL dipped below 0 (under its own
upper bound), and one ramp step never reached ``beta_end``.
"""

import numpy as np
import pytest

from skdib import DistributedIBClassifier, DistributedIBRegressor

TINY = dict(n_pretrain_steps=20, n_steps=60, n_checkpoints=3, random_state=0)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    return X, (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)


def test_bounds_change_what_is_reported_not_what_is_trained(data):
    X, y = data
    on = DistributedIBClassifier(**TINY, information_bounds=True).fit(X, y)
    off = DistributedIBClassifier(**TINY, information_bounds=False).fit(X, y)
    np.testing.assert_array_equal(on.information_path_.kl, off.information_path_.kl)
    np.testing.assert_array_equal(on.predict_proba(X), off.predict_proba(X))
    assert off.information_path_.information_lower is None


def test_codebook_size_changes_no_training(data):
    X, _ = data
    y = X[:, 0] + 0.1 * X[:, 1]
    paths = [DistributedIBRegressor(**TINY, head="infonce", codebook_size=size)
             .fit(X, y).information_path_ for size in (50, 1024)]
    np.testing.assert_array_equal(paths[0].kl, paths[1].kl)
    np.testing.assert_array_equal(paths[0].loss_train, paths[1].loss_train)


def test_weighted_prediction_loss_is_one_minus_weighted_r2(data):
    X, _ = data
    rng = np.random.default_rng(1)
    y = X[:, 0] + 0.3 * rng.normal(size=len(X))
    X_val = rng.normal(size=(150, 3))
    y_val = X_val[:, 0] + 0.3 * rng.normal(size=150)
    w = np.r_[rng.uniform(0.2, 3.0, len(X))]
    reg = DistributedIBRegressor(**TINY).fit(
        np.r_[X, X_val], np.r_[y, y_val], sample_weight=np.r_[w, rng.uniform(
            0.2, 3.0, 150)])
    path = reg.information_path_
    np.testing.assert_allclose(path.prediction_loss_val, 1.0 - path.score_val,
                               atol=1e-9)


@pytest.mark.parametrize("weights", [{0: np.nan}, {0: np.inf}, {0: -1.0},
                                     {0: "heavy"}])
def test_bad_class_weights_are_refused(data, weights):
    X, y = data
    with pytest.raises(ValueError, match="class_weight values must be finite"):
        DistributedIBClassifier(**TINY, class_weight=weights).fit(X, y)


def test_path_kl_is_never_negative(data):
    X, y = data
    path = DistributedIBClassifier(**TINY, weight_decay=1e3).fit(X, y).information_path_
    assert path.kl.min() >= 0.0
    assert np.all(path.information_upper <= path.kl)


def test_a_one_step_ramp_ends_at_beta_end(data):
    X, y = data
    clf = DistributedIBClassifier(n_pretrain_steps=5, n_steps=1, n_checkpoints=1,
                                  beta_end=3.0, random_state=0).fit(X, y)
    np.testing.assert_allclose(clf.information_path_.beta, [3.0])


def test_relevance_bound_is_floored_like_the_information_bounds(data):
    X, _ = data
    y = X[:, 0] + 0.1 * X[:, 1]
    path = DistributedIBRegressor(**TINY, head="infonce", temperature=1e-6).fit(
        X, y).information_path_
    assert np.all(path.relevance_lower >= 0.0)


def test_class_weight_weights_only_a_validation_split_from_X(data):
    """The docstring said class weights weight the validation metrics; an
    explicit X_val's rows count equally (the docs now say so)."""
    doc = DistributedIBClassifier.__doc__
    entry = doc[doc.index("class_weight :"):doc.index("predict_samples :")]
    assert "explicit ``X_val`` count" in entry and "equally" in entry
    X, y = data
    clf = DistributedIBClassifier(**TINY, class_weight={0: 1.0, 1: 3.0})
    X_c, y_c, weights = clf._check_fit_input(X, y)
    rng = np.random.default_rng(0)
    split = clf._training_data(X_c, y_c, None, None, None, rng, weights)
    assert len(np.unique(split["w_val"])) == 2  # the classes weigh 1 and 3
    given = clf._training_data(X_c, y_c, X_c[:50], y_c[:50], None, rng, weights)
    assert given["w_val"] is None
