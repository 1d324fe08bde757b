"""Stability selection along the β path: half-samples, probabilities, bound."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

import skdib
from skdib import DistributedIBClassifier, DistributedIBRegressor
from skdib.selection import StabilityPaths, stability_paths
from skdib.selection._stability import half_samples

RELEVANT = [0, 1, 2]
SMALL = dict(encoder_hidden=(16,), embedding_dim=2, decoder_hidden=(32,),
             n_pretrain_steps=300, n_steps=300, n_checkpoints=6, batch_size=64,
             learning_rate=1e-2)


@pytest.fixture(scope="module")
def three_of_23():
    """y = 1[x0 + x1 + x2 > 0]; x3 ... x22 are pure noise."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(600, 23))
    y = (X[:, RELEVANT].sum(axis=1) > 0).astype(int)
    return X, y


@pytest.fixture(scope="module")
def stability(three_of_23):
    X, y = three_of_23
    return stability_paths(DistributedIBClassifier(**SMALL), X, y, n_resamples=8,
                           random_state=0, return_estimators=True)


def test_relevant_features_are_stable_and_noise_is_not(stability):
    """At the error-controlled point (the least compressed checkpoint where the
    Meinshausen-Bühlmann bound allows at most one false selection in
    expectation, for π_thr = 0.9) the three relevant features are selected by
    nearly every half and the noise by almost none. Earlier on the path,
    where β is too weak to squeeze the noise out, the noise is selected too:
    the point matters."""
    point = stability.controlled_point(pi_threshold=0.9)
    prob = stability.selection_probability
    noise = np.setdiff1d(np.arange(23), RELEVANT)
    assert np.all(prob[point, RELEVANT] >= 0.9)
    assert np.all(prob[point, noise] <= 0.2)
    assert stability.expected_false_selections(0.9)[point] <= 1.0
    assert list(stability.selected(pi_threshold=0.9)) == RELEVANT
    assert prob[0, noise].mean() > prob[point, noise].mean() + 0.5


def test_probabilities_are_shares_of_the_halves(stability):
    info = np.stack([est.information_path_.information
                     for est in stability.estimators])
    np.testing.assert_array_equal(stability.information, info)
    expected = (info > stability.threshold).sum(axis=0) / 8
    np.testing.assert_array_equal(stability.selection_probability, expected)
    assert stability.n_resamples == 8
    assert stability.feature_names == tuple(f"x{i}" for i in range(23))
    np.testing.assert_array_equal(stability.beta,
                                  stability.estimators[0].information_path_.beta)


def test_every_half_is_validated_on_the_other_half(stability, three_of_23):
    X, _ = three_of_23
    seeds = {est.random_state for est in stability.estimators}
    assert len(seeds) == 8  # each half has its own seed
    for est in stability.estimators:
        assert est.n_validation_samples_ == len(X) - len(X) // 2


def test_half_samples_are_stratified_halves():
    y = np.r_[np.zeros(70, int), np.ones(31, int)]
    halves = half_samples(y, 5, classification=True, seed=0)
    assert len(halves) == 5
    for train, val in halves:
        assert len(train) == 50 and len(val) == 51
        assert not set(train) & set(val)
        assert sorted(np.r_[train, val]) == list(range(101))
        assert abs(y[train].mean() - y.mean()) <= 1 / 50
    assert len({tuple(sorted(train)) for train, _ in halves}) == 5
    # regression targets are split without strata
    t = np.linspace(0, 1, 11)
    assert all(len(train) == 5 for train, _ in half_samples(t, 3, False, 0))


def test_meinshausen_buhlmann_bound():
    prob = np.array([[1.0, 1.0, 0.5, 0.5], [1.0, 0.75, 0.25, 0.0],
                     [0.5, 0.0, 0.0, 0.0]])
    paths = StabilityPaths(beta=np.array([0.01, 0.1, 1.0]),
                           selection_probability=prob,
                           feature_names=("a", "b", "c", "d"), threshold=0.05,
                           information=np.zeros((4, 3, 4)), score=np.zeros((4, 3)))
    q = prob.sum(axis=1)
    for pi in (0.6, 0.9, 1.0):
        np.testing.assert_allclose(paths.expected_false_selections(pi),
                                   q**2 / ((2 * pi - 1) * 4))
    # bounds at pi=0.9: 2.81, 1.25, 0.08: the first point at most 1 is 2
    assert paths.controlled_point(0.9) == 2
    assert paths.controlled_point(0.9, max_false=2.0) == 1
    assert list(paths.selected(0.9)) == []
    # no checkpoint within the budget: the lowest bound, with a warning
    with pytest.warns(UserWarning, match=r"max_false=0.05; the lowest is 0.0781"):
        assert paths.controlled_point(0.9, max_false=0.05) == 2
    with pytest.warns(UserWarning, match="does not control the error"):
        assert list(paths.selected(0.6, max_false=0.01)) == []
    assert list(paths.selected(0.7, point=1)) == [0, 1]
    assert list(paths.selected(0.9, point=-3)) == [0, 1]
    frame = paths.to_frame()
    assert frame.shape == (12, 4)
    assert frame.loc[(frame.point == 1) & (frame.feature == "b"),
                     "selection_probability"].item() == 0.75


@pytest.mark.parametrize("kwargs, error, match", [
    ({"n_resamples": 1}, ValueError, "n_resamples must be an int >= 2"),
    ({"n_resamples": 2.5}, ValueError, "n_resamples"),
    ({"n_resamples": True}, ValueError, "n_resamples"),
    ({"threshold": -0.1}, ValueError, "threshold must be a finite number"),
    ({"threshold": np.nan}, ValueError, "threshold"),
])
def test_bad_arguments(kwargs, error, match):
    X, y = np.zeros((10, 2)), np.arange(10) % 2
    with pytest.raises(error, match=match):
        stability_paths(DistributedIBClassifier(), X, y, **kwargs)


def test_a_non_dib_estimator_is_refused():
    X, y = np.zeros((10, 2)), np.arange(10) % 2
    with pytest.raises(TypeError, match="Expected a Distributed IB estimator.*"
                                        "got LogisticRegression"):
        stability_paths(LogisticRegression(), X, y)


def test_bad_pi_threshold_and_point(stability):
    with pytest.raises(ValueError, match=r"pi_threshold .* \(0.5, 1\]"):
        stability.expected_false_selections(0.5)
    with pytest.raises(ValueError, match="pi_threshold"):
        stability.selected(1.2)
    with pytest.raises(ValueError, match="out of range"):
        stability.selected(0.9, point=6)
    with pytest.raises(TypeError, match="point must be an int"):
        stability.selected(0.9, point=1.0)


def test_too_few_rows():
    with pytest.raises(ValueError, match="at least 4 rows"):
        stability_paths(DistributedIBRegressor(), np.zeros((3, 2)), np.arange(3.0))


def test_reproducible_and_exported(tiny_params):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(160, 3))
    t = X[:, 0] + 0.2 * rng.normal(size=160)
    est = DistributedIBRegressor(**{**tiny_params, "n_checkpoints": 4})
    runs = [skdib.stability_paths(est, X, t, n_resamples=3, random_state=5)
            for _ in range(2)]
    np.testing.assert_array_equal(runs[0].information, runs[1].information)
    assert runs[0].estimators is None
    assert runs[0].selection_probability.shape == (4, 3)
    assert skdib.stability_paths is stability_paths


def test_weights_reach_every_half(tiny_params):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(160, 3))
    y = (X[:, 0] + 0.5 * rng.normal(size=160) > 0).astype(int)
    est = DistributedIBClassifier(**{**tiny_params, "n_checkpoints": 4})
    plain = stability_paths(est, X, y, n_resamples=2, random_state=0)
    ones = stability_paths(est, X, y, n_resamples=2, random_state=0,
                           sample_weight=np.full(160, 2.0))  # equal: no effect
    skewed = stability_paths(est, X, y, n_resamples=2, random_state=0,
                             sample_weight=np.where(y == 1, 5.0, 1.0))
    np.testing.assert_array_equal(plain.information, ones.information)
    assert np.abs(plain.information - skewed.information).max() > 1e-3
    with pytest.raises(ValueError, match=r"shape == \(3,\), expected \(160,\)"):
        stability_paths(est, X, y, n_resamples=2, sample_weight=np.ones(3))


def test_grouped_halves_keep_every_group_on_one_side():
    y = np.arange(60) % 2
    groups = np.repeat(np.arange(12), 5)
    halves = half_samples(y, 6, True, 0, groups)
    assert len(halves) == 6
    for train, val in halves:
        assert not set(groups[train]) & set(groups[val])
        assert len(set(groups[train])) == 6
        assert len(train) + len(val) == 60
    with pytest.raises(ValueError, match="one label per row"):
        half_samples(y, 2, True, 0, groups[:10])
    with pytest.raises(ValueError, match="at least 2 groups"):
        half_samples(y, 2, True, 0, np.zeros(60))


def test_set_estimators_get_stability_paths():
    """Sets (n_samples, n_elements, n_features) take the same path as
    cross_validate_path: one channel per element feature."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 5, 2))
    y = (X[:, :, 0].mean(axis=1) > 0).astype(int)
    groups = np.repeat(np.arange(30), 4)
    est = skdib.DistributedIBSetClassifier(
        encoder_hidden=(8,), decoder_width=8, n_pretrain_steps=20, n_steps=40,
        n_checkpoints=3, random_state=0)
    stab = stability_paths(est, X, y, n_resamples=2, random_state=0,
                           groups=groups, return_estimators=True)
    assert stab.selection_probability.shape == (3, len(stab.feature_names))
    for fitted in stab.estimators:
        assert fitted.information_path_.n_points == 3
