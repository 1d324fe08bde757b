"""Selection and comparison tools: what a review of them found wrong.

Each test failed before its fix: ``batched=0`` switched batching on, the
information imbalance selector lost columns (or y) in units of 1e-200 or
1e160, ``max_samples`` could draw only rows of weight 0, and
``StabilityPaths.controlled_point`` took the first admissible checkpoint
rather than the one with the most selections, as documented.
"""

import numpy as np
import pytest

from skdib import (
    DistributedIBClassifier,
    DistributedIBRegressor,
    DistributedIBSelector,
    information_imbalance,
)
from skdib.compare import cross_validate_path
from skdib.selection import InformationImbalanceSelector
from skdib.selection._stability import StabilityPaths


@pytest.mark.parametrize("batched", [0, None, "no", 1.0])
def test_batched_takes_a_bool_or_auto(batched):
    X = np.random.default_rng(0).normal(size=(60, 2))
    y = (X[:, 0] > 0).astype(int)
    with pytest.raises(ValueError, match="batched must be True, False or 'auto'"):
        cross_validate_path(DistributedIBClassifier(n_steps=10, n_checkpoints=2),
                            X, y, cv=2, batched=batched)


@pytest.mark.parametrize("unit", [1e-200, 1e160])
def test_imbalance_selector_in_any_unit(unit):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    y = X[:, 2] + 0.3 * X[:, 0]
    plain = InformationImbalanceSelector(2).fit(X, y)
    assert list(np.flatnonzero(plain.support_)) == [0, 2]
    scaled = X.copy()
    scaled[:, 2] *= unit
    for Xs, ys in ((scaled, y), (X, y * unit)):
        fitted = InformationImbalanceSelector(2).fit(Xs, ys)
        np.testing.assert_array_equal(fitted.support_, plain.support_)
        np.testing.assert_allclose(fitted.imbalance_path_, plain.imbalance_path_,
                                   rtol=1e-9)
    # without standardisation a common factor changes no rank either
    raw = InformationImbalanceSelector(2, standardize=False)
    np.testing.assert_allclose(raw.fit(X * unit, y * unit).imbalance_path_,
                               raw.fit(X, y).imbalance_path_, rtol=1e-9)


def test_max_samples_draws_among_weighted_rows():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 4))
    y = X[:, 1] + 0.1 * rng.normal(size=40)
    weights = np.r_[np.zeros(30), np.ones(10)]
    drawn = InformationImbalanceSelector(2, max_samples=10, random_state=1).fit(
        X, y, sample_weight=weights)
    alone = InformationImbalanceSelector(2).fit(X[30:], y[30:])
    np.testing.assert_array_equal(drawn.support_, alone.support_)
    np.testing.assert_allclose(drawn.imbalance_path_, alone.imbalance_path_)


@pytest.mark.parametrize("max_samples", [None, 300, 299, 150])
def test_a_row_of_weight_zero_is_as_if_removed(max_samples):
    """At any max_samples (subsampling or not) weight 0 removes the row, as
    scikit-learn's convention has it: it is no neighbour either."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 5))
    y = X[:, 0] + 0.5 * X[:, 1] ** 2 + 0.3 * rng.normal(size=300)
    weights = np.r_[np.zeros(100), np.ones(200)]
    kwargs = dict(max_samples=max_samples, random_state=0)
    weighted = InformationImbalanceSelector(5, **kwargs).fit(
        X, y, sample_weight=weights)
    removed = InformationImbalanceSelector(5, **kwargs).fit(X[100:], y[100:])
    np.testing.assert_allclose(weighted.imbalance_path_, removed.imbalance_path_)
    function = information_imbalance(X[:, :2], y, sample_weight=weights)
    assert function == pytest.approx(information_imbalance(X[100:, :2], y[100:]))


def test_controlled_point_has_the_most_selections_within_budget():
    # 10 channels; expected selections q = 10, 1, 2.5, 0 per checkpoint
    probability = np.zeros((4, 10))
    probability[0] = 1.0
    probability[1, 0] = 1.0
    probability[2, :5] = 0.5
    paths = StabilityPaths(beta=np.arange(4.0), selection_probability=probability,
                           feature_names=tuple("abcdefghij"), threshold=0.05,
                           information=np.zeros((2, 4, 10)), score=np.zeros((2, 4)))
    bound = paths.expected_false_selections(0.9)
    assert np.all(bound[1:] <= 1.0) and bound[0] > 1.0
    assert paths.controlled_point(0.9, max_false=1.0) == 2
    assert paths.controlled_point(0.9, max_false=0.01) == 3


def test_cross_validated_path_applies_the_fit_rule_to_prediction_losses():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    est = DistributedIBClassifier(n_pretrain_steps=20, n_steps=60, n_checkpoints=4)
    cv = cross_validate_path(est, X, y, cv=3, random_state=0,
                             return_estimators=True)
    folds = np.stack([e.information_path_.prediction_loss_val
                      for e in cv.estimators])
    np.testing.assert_allclose(cv.path.prediction_loss_val, folds.mean(axis=0))
    # the one-SE rule by hand: the most compressed point whose mean loss
    # exceeds the lowest by at most the standard error (over folds) of its
    # paired difference from the lowest
    mean = folds.mean(axis=0)
    lowest = int(np.argmin(mean))
    se = (folds - folds[:, [lowest]]).std(axis=0, ddof=1) / np.sqrt(len(folds))
    expected = max(p for p in range(len(mean)) if mean[p] - mean[lowest] <= se[p])
    assert cv.path.select_point("one_se") == expected


TINY = dict(n_pretrain_steps=20, n_steps=60, n_checkpoints=3, random_state=0,
            information_bounds=False, n_threads=1)


def _grouped(n=120, size=10):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 3))
    return X, (X[:, 0] > 0).astype(int), np.repeat(np.arange(n // size), size)


def _path_of(est):
    return est.information_path_.information


def test_the_selector_passes_groups_and_keys_its_cache_on_them():
    """The selector's fit took sample_weight only: its sweep split the rows
    at random even when they came in correlated groups."""
    X, y, groups = _grouped()
    DistributedIBSelector.clear_cache()

    def select(**fit_params):
        return DistributedIBSelector(DistributedIBClassifier(**TINY),
                                     n_features_to_select=1).fit(X, y, **fit_params)

    grouped = select(groups=groups)
    direct = DistributedIBClassifier(**TINY).fit(X, y, groups=groups)
    np.testing.assert_array_equal(_path_of(grouped.estimator_), _path_of(direct))
    assert grouped.estimator_.n_validation_samples_ % 10 == 0  # whole groups
    assert select(groups=groups).estimator_ is grouped.estimator_  # reused
    other = select(groups=groups[::-1])  # other groups: another sweep
    assert other.estimator_ is not grouped.estimator_
    assert select().estimator_ is not grouped.estimator_


def test_the_selector_passes_a_validation_set():
    X, y, _ = _grouped()
    sel = DistributedIBSelector(DistributedIBClassifier(**TINY), cache=False,
                                n_features_to_select=1).fit(X, y, X_val=X[:30],
                                                            y_val=y[:30])
    assert sel.estimator_.n_validation_samples_ == 30


def test_the_selector_requests_what_its_estimator_takes():
    import sklearn

    with sklearn.config_context(enable_metadata_routing=True):
        ours = DistributedIBSelector().get_metadata_routing().fit.requests
        inner = DistributedIBClassifier().get_metadata_routing().fit.requests
        assert set(ours) == set(inner) >= {"sample_weight", "groups", "X_val"}
        DistributedIBSelector().set_fit_request(groups=True)


@pytest.mark.parametrize("estimator, multi_output", [
    (None, True), (DistributedIBRegressor(), True),
    (DistributedIBClassifier(), False)])
def test_the_selector_tags_multi_output_as_its_estimator(estimator, multi_output):
    from sklearn.utils import get_tags

    tags = get_tags(DistributedIBSelector(estimator)).target_tags
    assert tags.multi_output is multi_output


def test_the_cache_key_reads_groups_and_validation_sets_as_arrays():
    """groups, X_val and y_val were hashed as given: the same groups as a
    list, a Series and an array ran three sweeps. Fits given none of them
    keep their keys (stored sweeps of earlier fits still hit)."""
    import joblib
    import pandas as pd

    from skdib._backend import facade
    from skdib.selection._sweep_cache import _code_versions, sweep_key

    X, y, groups = _grouped()
    est = DistributedIBClassifier(**TINY)

    def key(**fit_params):
        return sweep_key(est, X, y, None, fit_params)

    assert key(groups=list(groups)) == key(groups=pd.Series(groups)) \
        == key(groups=groups) == key(groups=groups.astype(np.int32)) \
        != key(groups=groups[::-1])
    names = np.array([f"run_{g}" for g in groups])  # string labels, as usual
    assert key(groups=names) == key(groups=pd.Series(names)) \
        == key(groups=list(names)) != key(groups=names[::-1])
    assert key(X_val=X[:30].tolist(), y_val=pd.Series(y[:30])) \
        == key(X_val=X[:30], y_val=y[:30])
    assert key(X_val=pd.DataFrame(X[:30], columns=list("abc")), y_val=y[:30]) \
        == key(X_val=pd.DataFrame(X[:30], columns=list("abc")), y_val=list(y[:30]))
    frame = pd.DataFrame(X, columns=list("abc"))
    sliced = frame.iloc[50:80]  # row labels 50..79
    assert key(X_val=sliced, y_val=y[50:80]) \
        == key(X_val=sliced.reset_index(drop=True), y_val=y[50:80]) \
        != key(X_val=frame.iloc[20:50].set_axis(sliced.index), y_val=y[50:80])
    cls = type(est)
    assert key() == joblib.hash((f"{cls.__module__}.{cls.__qualname__}",
                                 est.get_params(), X, y, None, _code_versions(),
                                 facade.device_type(est.device)))
    DistributedIBSelector.clear_cache()
    first = DistributedIBSelector(est, n_features_to_select=1).fit(
        X, y, groups=list(groups))
    again = DistributedIBSelector(est, n_features_to_select=1).fit(
        X, y, groups=pd.Series(groups))
    assert again.estimator_ is first.estimator_
