"""Explicit validation sets, grouped splits, cross-validated paths and the SVM
baseline: the machinery of the glass comparison (Fig. 4 of the DIB paper)."""

import numpy as np
import pytest
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC

from skdib import DistributedIBClassifier, DistributedIBRegressor
from skdib.compare import compare_selectors, cross_validate_path, linear_svm_baseline
from skdib.compare._folds import make_folds
from skdib.exceptions import BetaRangeWarning


@pytest.fixture(scope="module")
def grouped():
    """y = 1[x0 > 0]; rows come in 30 groups of 8 that share their x1."""
    rng = np.random.default_rng(3)
    groups = np.repeat(np.arange(30), 8)
    X = rng.normal(size=(240, 3))
    X[:, 1] = rng.normal(size=30)[groups]
    return X, (X[:, 0] > 0).astype(int), groups


@pytest.fixture(scope="module")
def cv_path(grouped, tiny_params):
    X, y, groups = grouped
    dib = DistributedIBClassifier(**{**tiny_params, "beta_end": 3.0})
    return cross_validate_path(dib, X, y, cv=3, groups=groups, random_state=0,
                               return_estimators=True)


def test_explicit_validation_set_is_the_path_score(grouped, tiny_params):
    X, y, _ = grouped
    est = DistributedIBClassifier(**tiny_params).fit(
        X[:180], y[:180], X_val=X[180:], y_val=y[180:])
    path = est.information_path_
    for i in (0, path.n_points - 1):
        est.set_path_point(i)
        assert path.score_val[i] == pytest.approx(est.score(X[180:], y[180:]))


def test_regressor_takes_a_validation_set(grouped, tiny_params):
    X, _, _ = grouped
    t = 2 * X[:, 0]
    est = DistributedIBRegressor(**tiny_params).fit(
        X[:180], t[:180], X_val=X[180:], y_val=t[180:])
    est.set_path_point(0)
    assert est.information_path_.score_val[0] == pytest.approx(
        est.score(X[180:], t[180:]))


def test_groups_keep_each_group_on_one_side(grouped, tiny_params, monkeypatch):
    X, y, groups = grouped
    seen = {}
    real_fit = DistributedIBClassifier.fit

    def spy(api_fit):
        def fit_network(net, X_tr, y_tr, X_val, *args, **kwargs):
            seen["train"], seen["val"] = X_tr[:, 1], X_val[:, 1]
            return api_fit(net, X_tr, y_tr, X_val, *args, **kwargs)
        return fit_network

    from skdib._backend import facade
    monkeypatch.setattr(facade, "fit_network", spy(facade.fit_network))
    real_fit(DistributedIBClassifier(**tiny_params), X, y, groups=groups)
    # x1 identifies the group: no value may appear on both sides
    assert len(seen["val"]) > 0
    assert not set(seen["train"].tolist()) & set(seen["val"].tolist())


@pytest.mark.parametrize("kwargs, match", [
    ({"X_val": "X"}, "both X_val and y_val"),
    ({"y_val": "y"}, "both X_val and y_val"),
    ({"X_val": "X", "y_val": "y", "groups": "g"}, "cannot be combined"),
    ({"groups": "g_short"}, "groups has 5 entries"),
    ({"X_val": "X_narrow", "y_val": "y"}, "2 features"),
    ({"X_val": "X", "y_val": "y_new_class"}, r"classes \[7\] that never occur"),
])
def test_bad_validation_arguments(grouped, kwargs, match):
    X, y, groups = grouped
    values = {"X": X, "y": y, "g": groups, "g_short": groups[:5],
              "X_narrow": X[:, :2], "y_new_class": np.where(y == 1, 7, 0)}
    est = DistributedIBClassifier(n_steps=5, n_pretrain_steps=0)
    with pytest.raises(ValueError, match=match):
        est.fit(X, y, **{k: values[v] for k, v in kwargs.items()})


def test_groups_need_a_validation_fraction(grouped):
    X, y, groups = grouped
    est = DistributedIBClassifier(n_steps=5, n_pretrain_steps=0,
                                  validation_fraction=0)
    with pytest.raises(ValueError, match="validation_fraction > 0"):
        est.fit(X, y, groups=groups)


def test_make_folds_grouped_and_stratified(grouped):
    X, y, groups = grouped
    folds = make_folds(4, X, y, classification=True, groups=groups, random_state=0)
    assert len(folds) == 4
    held_out = np.concatenate([test for _, test in folds])
    assert np.array_equal(np.sort(held_out), np.arange(len(y)))
    for train, test in folds:
        assert not set(groups[train]) & set(groups[test])
    # an explicit splitter is used as given
    explicit = make_folds(GroupKFold(3), X, y, classification=True, groups=groups)
    assert len(explicit) == 3


def test_cross_validated_path_matches_each_fold(grouped, cv_path):
    X, y, groups = grouped
    assert cv_path.score.shape == (3, len(cv_path.beta))
    assert cv_path.information.shape == (3, len(cv_path.beta), 3)
    for (train, test), est, scores in zip(cv_path.folds, cv_path.estimators,
                                          cv_path.score, strict=True):
        assert not set(groups[train]) & set(groups[test])
        # each fold's path was scored on exactly its held-out rows
        est.set_path_point(0)
        assert scores[0] == pytest.approx(est.score(X[test], y[test]))
    np.testing.assert_array_equal(
        cv_path.settled, [est.information_path_.settled for est in cv_path.estimators])
    np.testing.assert_allclose(cv_path.mean_score, cv_path.score.mean(axis=0))
    assert cv_path.best_score == pytest.approx(cv_path.mean_score.max())
    assert cv_path.best_score > 0.9  # the task is easy
    # the squeeze removes the information at the end of the sweep
    total = cv_path.information.sum(axis=2).mean(axis=0)
    assert total[-1] < total[0]


def test_cross_validated_path_is_reproducible(grouped, tiny_params, cv_path):
    X, y, groups = grouped
    dib = DistributedIBClassifier(**{**tiny_params, "beta_end": 3.0})
    again = cross_validate_path(dib, X, y, cv=3, groups=groups, random_state=0)
    np.testing.assert_array_equal(again.score, cv_path.score)
    assert "estimators" not in again


def test_svm_baseline_equals_grid_search_on_the_same_folds(grouped):
    X, y, groups = grouped
    Cs = [1e-3, 1e-1, 10.0]
    svm = linear_svm_baseline(X, y, Cs=Cs, cv=3, groups=groups, random_state=0)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), SVC(kernel="linear")),
        {"svc__C": Cs}, cv=svm.folds).fit(X, y)
    np.testing.assert_allclose(svm.mean_score,
                               search.cv_results_["mean_test_score"])
    assert svm.best_C == search.best_params_["svc__C"]
    assert svm.best_score == pytest.approx(search.best_score_)


def test_svm_and_path_share_folds(grouped, cv_path):
    X, y, groups = grouped
    svm = linear_svm_baseline(X, y, Cs=[1.0], cv=3, groups=groups, random_state=0)
    for (a, b), (c, d) in zip(svm.folds, cv_path.folds, strict=True):
        assert np.array_equal(a, c) and np.array_equal(b, d)


def test_svm_baseline_rejects_bad_cs(grouped):
    X, y, _ = grouped
    with pytest.raises(ValueError, match="positive finite"):
        linear_svm_baseline(X, y, Cs=[0.0, 1.0])


def test_compare_selectors_respects_groups(grouped):
    X, y, groups = grouped
    res = compare_selectors(X, y, methods=["random"], k_values=[1], cv=3,
                            groups=groups, random_state=0)
    assert sorted(res["fold"].unique()) == [0, 1, 2]
    with pytest.raises(ValueError, match="groups has 4 entries"):
        compare_selectors(X, y, methods=["random"], k_values=[1], cv=3,
                          groups=groups[:4])


def test_mean_path_of_the_folds(cv_path):
    path = cv_path.path
    np.testing.assert_allclose(path.information, cv_path.information.mean(axis=0))
    np.testing.assert_allclose(path.score_val, cv_path.mean_score)
    np.testing.assert_allclose(path.loss_val, cv_path.loss_val.mean(axis=0))
    point = path.coarsest_point(0.9)
    assert point is not None and path.score_val[point] >= 0.9
    # nothing with less information reaches 0.9
    less = path.total_information < path.total_information[point]
    assert np.all(path.score_val[less] < 0.9)


def test_mean_path_carries_the_folds_bounds(grouped, tiny_params, cv_path):
    """The fold means of the folds' bounds bound the fold mean of the bits,
    and the information plane draws them as bands; without bounds, none."""
    from skdib.plotting import plot_information_plane

    paths = [est.information_path_ for est in cv_path.estimators]
    path = cv_path.path
    for name in ("information_lower", "information_upper"):
        assert getattr(path, name) is not None, name
        expected = sum(getattr(p, name) for p in paths) / len(paths)
        np.testing.assert_allclose(getattr(path, name), expected, rtol=1e-12)
    assert np.all(path.information_lower <= path.information + 1e-9)
    assert np.all(path.information <= path.information_upper + 1e-9)
    assert np.all(path.information_upper <= path.kl)  # exactly, discrete too
    twin = next(a for a in plot_information_plane(path).figure.axes
                if a.get_label() == "channels")
    assert len(twin.collections) == 3  # one band per channel
    band = twin.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(path.information_lower[:, 0].min())
    assert band[:, 1].max() == pytest.approx(path.information_upper[:, 0].max())
    X, y, _ = grouped
    bare = cross_validate_path(
        DistributedIBClassifier(**tiny_params, information_bounds=False), X, y,
        cv=2, random_state=0).path
    assert bare.information_lower is None and bare.information_upper is None
    assert bare.bounds_saturated is None


def test_mean_path_flags_where_any_fold_is_saturated():
    """A saturated fold's lower bound pulls the mean lower bound down, so the
    mean path flags every (point, channel) where any fold is saturated, in
    ``to_frame()`` too. Here y is x0 almost exactly, so x0's bits reach the
    log2(16) ceiling of the 16 held-out rows."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(48, 2))
    y = X[:, 0] + 0.01 * rng.normal(size=48)
    est = DistributedIBRegressor(
        n_pretrain_steps=100, n_steps=300, n_checkpoints=5, random_state=0,
        encoder_hidden=(16,), decoder_hidden=(16,), embedding_dim=2,
        batch_size=32, beta_start=1e-4, beta_end=1e-2, learning_rate=1e-2)
    cvp = cross_validate_path(est, X, y, cv=3, random_state=0,
                              return_estimators=True, batched=False)
    flags = np.stack([e.information_path_.bounds_saturated
                      for e in cvp.estimators])
    expected = flags.any(axis=0)
    assert expected.any()  # the test needs a saturated cell
    np.testing.assert_array_equal(cvp.path.bounds_saturated, expected)
    np.testing.assert_array_equal(cvp.path.to_frame()["bounds_saturated"],
                                  expected.ravel())


def test_dataframe_columns_name_the_channels(grouped, tiny_params):
    pd = pytest.importorskip("pandas")
    X, y, groups = grouped
    frame = pd.DataFrame(X, columns=["signal", "shared", "noise"])
    res = cross_validate_path(DistributedIBClassifier(**tiny_params), frame, y,
                              cv=2, groups=groups, random_state=0)
    assert res.feature_names == ("signal", "shared", "noise")
    assert res.path.feature_names == ("signal", "shared", "noise")


def test_read_only_input_is_accepted_without_warning(grouped, tiny_params):
    import warnings
    X, y, _ = grouped
    X = X.copy()
    X.flags.writeable = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # the tiny schedule's path may end with bits left: not about the input
        warnings.simplefilter("ignore", BetaRangeWarning)
        est = DistributedIBClassifier(**tiny_params).fit(X, y, X_val=X, y_val=y)
        assert est.score(X, y) > 0.8


def test_other_models_are_refused_before_any_fit(grouped):
    from sklearn.linear_model import LogisticRegression

    X, y, _ = grouped
    with pytest.raises(TypeError, match="got LogisticRegression.*cross_validate"):
        cross_validate_path(LogisticRegression(), X, y, cv=3)


def test_weights_reach_every_folds_fit(grouped, tiny_params):
    from sklearn.base import clone

    X, y, _ = grouped
    w = np.where(y == 1, 3.0, 1.0)
    dib = DistributedIBClassifier(**tiny_params)
    weighted = cross_validate_path(dib, X, y, cv=3, random_state=0,
                                   sample_weight=w, return_estimators=True)
    train, test = weighted.folds[1]
    reference = clone(dib).set_params(
        random_state=weighted.estimators[1].random_state).fit(
        X[train], y[train], sample_weight=w[train], X_val=X[test], y_val=y[test])
    np.testing.assert_array_equal(weighted.information[1],
                                  reference.information_path_.information)
    plain = cross_validate_path(dib, X, y, cv=3, random_state=0)
    assert np.abs(plain.information - weighted.information).max() > 1e-3
    with pytest.raises(ValueError, match=r"shape == \(239,\), expected \(240,\)"):
        cross_validate_path(dib, X, y, cv=3, sample_weight=w[:-1])
    with pytest.raises(ValueError,
                       match="Negative values in data passed to `sample_weight`"):
        cross_validate_path(dib, X, y, cv=3, sample_weight=-w)
