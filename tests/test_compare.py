"""compare_selectors: the tidy frame, shared folds, averaging, optional methods."""

import sys
import warnings
from functools import partial

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdib import DistributedIBClassifier
from skdib.compare import compare_selectors, rank_dib, rank_lasso, rank_random
from skdib.compare._harness import _resolve_k

TINY = dict(encoder_hidden=(16,), embedding_dim=2, decoder_hidden=(32,),
            n_pretrain_steps=100, n_steps=300, n_checkpoints=6, batch_size=64,
            learning_rate=1e-2, random_state=0)


@pytest.fixture(scope="module")
def clf_data():
    """y = 1[x1 > 0] among 5 columns."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 5))
    return X, (X[:, 1] > 0).astype(int)


@pytest.fixture(scope="module")
def reg_data():
    """y = 2 x3 - x0 + noise among 5 columns."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(150, 5))
    return X, 2 * X[:, 3] - X[:, 0] + 0.3 * rng.normal(size=150)


def test_frame_has_every_method_k_and_fold(clf_data):
    X, y = clf_data
    res = compare_selectors(X, y, methods=["lasso", "mutual_info", "random"],
                            k_values=[1, 3], cv=3, random_state=0)
    assert list(res.columns) == ["method", "k", "fold", "score", "fit_time"]
    assert set(res["method"]) == {"lasso", "mutual_info", "random"}
    assert len(res) == 3 * 2 * 3
    assert res.groupby(["method", "k"]).size().eq(3).all()
    assert res["score"].between(0, 1).all()
    assert (res["fit_time"] >= 0).all()
    # the informative column is found: k=1 beats chance clearly
    top1 = res[(res.k == 1) & (res.method != "random")].groupby("method")["score"]
    assert top1.mean().min() > 0.9


def _recorder(log, name):
    def rank(X, y, task, random_state):
        log.append((name, X.copy(), y.copy(), task, random_state))
        return np.arange(X.shape[1])
    return rank


def test_every_method_sees_the_same_folds_and_seeds(clf_data):
    X, y = clf_data
    log = []
    compare_selectors(X, y, methods={"a": _recorder(log, "a"),
                                     "b": _recorder(log, "b")},
                      k_values=[2], cv=3, random_state=0)
    a = [entry for entry in log if entry[0] == "a"]
    b = [entry for entry in log if entry[0] == "b"]
    assert len(a) == len(b) == 3
    for (_, Xa, ya, ta, sa), (_, Xb, yb, tb, sb) in zip(a, b, strict=True):
        np.testing.assert_array_equal(Xa, Xb)
        np.testing.assert_array_equal(ya, yb)
        assert (ta, sa) == (tb, sb) == ("classification", sa)
        # the methods see the training fold standardised
        np.testing.assert_allclose(Xa.mean(axis=0), 0, atol=1e-12)
    assert len({entry[4] for entry in a}) == 3  # one seed per fold


def test_lasso_score_reproduced_by_hand(reg_data):
    X, y = reg_data
    folds = list(KFold(3, shuffle=True, random_state=0).split(X))
    res = compare_selectors(X, y, methods=["lasso"], k_values=[1, 2], cv=folds)
    train, test = folds[0]
    scaler = StandardScaler().fit(X[train])
    order = rank_lasso(scaler.transform(X[train]), y[train], "regression", 0)
    assert set(order[:2]) == {0, 3}
    for k in (1, 2):
        cols = order[:k]
        model = make_pipeline(StandardScaler(), Ridge()).fit(X[train][:, cols],
                                                            y[train])
        expected = r2_score(y[test], model.predict(X[test][:, cols]))
        got = res.query("fold == 0 and k == @k")["score"].item()
        assert got == pytest.approx(expected)


def test_several_orders_are_averaged(clf_data):
    X, y = clf_data
    good, bad = [1, 0, 2, 3, 4], [0, 2, 3, 4, 1]
    res = compare_selectors(
        X, y, k_values=[1], cv=3, random_state=0,
        methods={"good": lambda *a: np.array(good), "bad": lambda *a: np.array(bad),
                 "both": lambda *a: np.array([good, bad])})
    mean = res.groupby("fold")
    for _, fold in mean:
        s = fold.set_index("method")["score"]
        assert s["both"] == pytest.approx((s["good"] + s["bad"]) / 2)


def test_rank_random_gives_several_permutations(clf_data):
    X, y = clf_data
    orders = rank_random(X, y, "classification", 0, n_repeats=4)
    assert orders.shape == (4, 5)
    assert all(sorted(row) == list(range(5)) for row in orders)
    assert len({tuple(row) for row in orders}) > 1


def test_dib_method(clf_data):
    X, y = clf_data
    dib = partial(rank_dib, estimator=DistributedIBClassifier(**TINY))
    res = compare_selectors(X, y, methods={"dib": dib}, k_values=[1], cv=2,
                            random_state=0)
    assert res["score"].mean() > 0.9


def test_information_imbalance_methods(clf_data):
    X, y = clf_data
    res = compare_selectors(X, y, methods=["ii_supervised", "ii_unsupervised"],
                            k_values=[1, 5], cv=2, random_state=0)
    assert set(res["method"]) == {"ii_supervised", "ii_unsupervised"}
    sup = res.query("method == 'ii_supervised' and k == 1")["score"]
    assert sup.mean() > 0.9
    # all 5 columns: the same model whatever the order
    full = res[res.k == 5].pivot(index="fold", columns="method", values="score")
    np.testing.assert_allclose(full["ii_supervised"], full["ii_unsupervised"],
                               atol=1e-6)


def test_optional_methods_skipped_when_missing(clf_data, monkeypatch):
    X, y = clf_data
    monkeypatch.setitem(sys.modules, "shap", None)  # import now fails
    monkeypatch.setitem(sys.modules, "sage", None)
    with pytest.warns(UserWarning) as record:
        res = compare_selectors(X, y, methods=["shap", "sage", "random"],
                                k_values=[2], cv=2, random_state=0)
    assert set(res["method"]) == {"random"}
    messages = " ".join(str(w.message) for w in record)
    assert "pip install shap" in messages
    assert "pip install sage-importance" in messages
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="No method"):
        compare_selectors(X, y, methods=["shap"], cv=2)


@pytest.mark.parametrize("method, module", [
    pytest.param("shap", "shap", marks=pytest.mark.slow),  # numba compiles ~7 s
    ("sage", "sage"),
])
def test_optional_method_ranks_the_signal(clf_data, method, module):
    pytest.importorskip(module)
    X, y = clf_data
    res = compare_selectors(X, y, methods=[method], k_values=[1], cv=2,
                            random_state=0)
    assert res["score"].mean() > 0.9


def test_parallel_folds_match_serial(clf_data):
    X, y = clf_data
    kwargs = dict(methods=["lasso", "random"], k_values=[1, 2], cv=2,
                  random_state=0)
    serial = compare_selectors(X, y, n_jobs=1, **kwargs)
    parallel = compare_selectors(X, y, n_jobs=2, **kwargs)
    np.testing.assert_allclose(serial["score"], parallel["score"])


def test_default_k_values():
    assert _resolve_k(None, 4) == [1, 2, 3, 4]
    grid = _resolve_k(None, 60)
    assert grid[0] == 1 and grid[-1] == 60 and len(grid) <= 10
    assert _resolve_k([3, 1, 3], 5) == [1, 3]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(methods=["nope"]), ValueError, "Unknown method"),
    (dict(methods={"x": 3}), TypeError, "callable"),
    (dict(k_values=[0]), ValueError, "k_values"),
    (dict(k_values=[6]), ValueError, "k_values"),
    (dict(methods={"short": lambda *a: np.array([0])}, k_values=[2]), ValueError,
     "at least 2"),
    (dict(methods={"dup": lambda *a: np.array([0, 0, 1, 2, 3])}), ValueError,
     "distinct"),
])
def test_bad_arguments(clf_data, kwargs, error, match):
    X, y = clf_data
    kwargs = dict(dict(methods=["random"], cv=2), **kwargs)
    with pytest.raises(error, match=match):
        compare_selectors(X, y, **kwargs)


def test_an_integer_quantity_can_be_scored_as_regression(reg_data):
    X, y = reg_data
    counts = np.round(3 * y).astype(int)  # integers: classes under 'auto'
    auto = compare_selectors(X, counts, methods=["lasso"], k_values=[2], cv=3,
                             random_state=0)
    told = compare_selectors(X, counts, methods=["lasso"], k_values=[2], cv=3,
                             random_state=0, task="regression")
    assert auto.attrs["task"] == "classification"
    assert told.attrs["task"] == "regression"
    # Ridge on the two relevant columns explains most of the variance
    assert told["score"].mean() > 0.8
    with pytest.raises(ValueError, match="needs class labels"):
        compare_selectors(X, y, methods=["random"], task="classification")
    with pytest.raises(ValueError, match="task must be"):
        compare_selectors(X, y, methods=["random"], task="ordinal")


def test_multioutput_target_rejected(clf_data):
    X, _ = clf_data
    with pytest.raises(ValueError):
        compare_selectors(X, np.zeros((len(X), 2)), methods=["random"])


def test_scorer_sees_the_class_labels_as_given():
    """'f1' and pos_label refer to the user's labels {1, 2}, not to codes:
    the scores equal scikit-learn's cross_val_score on the same folds."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import f1_score, make_scorer
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = np.where(X[:, 0] + rng.normal(size=200) > 0.8, 2, 1)
    cv = StratifiedKFold(5, shuffle=True, random_state=3)
    first = {"first": lambda X, y, task, seed: np.arange(X.shape[1])}
    model = make_pipeline(StandardScaler(), LogisticRegression())
    for scoring in ("f1", make_scorer(f1_score, pos_label=2)):
        got = compare_selectors(X, y, methods=first, k_values=[1], cv=cv,
                                estimator=model, scoring=scoring)
        want = cross_val_score(model, X[:, :1], y, cv=cv, scoring=scoring)
        np.testing.assert_allclose(got["score"], want, rtol=1e-12)


def _model_calls_per_row(monkeypatch, X, y, n_permutations):
    """Rows the explained model predicts per (explained, background) row."""
    import skdib.compare._methods as methods
    from skdib.compare import rank_shap

    made = []

    class Counting:
        def __init__(self, model):
            self.model, self.rows = model, 0

        def predict(self, Z):
            self.rows += len(Z)
            return self.model.predict(Z)

    fit = methods._nonlinear_model
    monkeypatch.setattr(methods, "_nonlinear_model",
                        lambda *a, **k: made.append(Counting(fit(*a, **k)))
                        or made[-1])
    rank_shap(X, y, "regression", 0, n_explain=8, n_background=4,
              n_permutations=n_permutations)
    return made[-1].rows / (8 * 4)


@pytest.mark.slow  # numba compiles shap's explainer (~7 s)
def test_shap_runs_the_permutations_asked_for(monkeypatch, reg_data):
    """Each further permutation costs the same number of model calls per row,
    up to 2 n_features + 1 (shap's permutation explainer goes forward and
    back through the features; it skips masks it has already evaluated)."""
    pytest.importorskip("shap")
    X, y = reg_data
    calls = [_model_calls_per_row(monkeypatch, X, y, k) for k in (1, 2, 3)]
    first, second = np.diff(calls)
    assert first == pytest.approx(second)
    assert X.shape[1] < first <= 2 * X.shape[1] + 1


@pytest.mark.parametrize("n_permutations, most", [(8, 8), (40, 40), (65, 66)])
def test_sage_runs_about_the_permutations_asked_for(monkeypatch, reg_data,
                                                    n_permutations, most):
    sage = pytest.importorskip("sage")
    from skdib.compare import rank_sage

    X, y = reg_data
    seen = []
    process = sage.PermutationEstimator._process_sample

    def counting(self, x, *args, **kwargs):
        seen.append(len(x))
        return process(self, x, *args, **kwargs)

    monkeypatch.setattr(sage.PermutationEstimator, "_process_sample", counting)
    rank_sage(X, y, "regression", 0, n_permutations=n_permutations)
    # sage may stop early at convergence, never beyond the count asked for
    # (rounded up to equal batches of at most 64)
    assert 0 < sum(seen) <= most and max(seen) <= 64


def test_methods_that_take_groups_get_the_training_folds_groups(monkeypatch):
    """compare_selectors(groups=...) used the groups for its folds only:
    rank_dib's sweep split its validation rows at random inside the training
    fold. A method with a ``groups`` parameter now gets the training rows'
    groups (rank_dib passes them to the selector's fit); one without it is
    called with the four arguments as before."""
    from skdib.selection._dib_selector import DistributedIBSelector

    rng = np.random.default_rng(2)
    X = rng.normal(size=(60, 3))
    y = np.arange(60) + 0.5  # continuous, and it names the training rows
    groups = np.repeat(np.arange(6), 10)[rng.permutation(60)]
    seen = []

    def spy_fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None,
                groups=None):
        seen.append(("dib", y.copy(), groups))
        self.ranking_ = np.arange(1, X.shape[1] + 1)
        return self

    def spy(X, y, task, random_state, groups=None):
        seen.append(("spy", y.copy(), groups))
        return np.arange(X.shape[1])

    def plain(X, y, task, random_state):
        return np.arange(X.shape[1])

    monkeypatch.setattr(DistributedIBSelector, "fit", spy_fit)
    compare_selectors(X, y, methods={"dib": "dib", "spy": spy, "plain": plain},
                      k_values=[1], cv=3, groups=groups, random_state=0)
    assert sorted(name for name, *_ in seen) == ["dib"] * 3 + ["spy"] * 3
    for _, y_train, got in seen:
        rows = (y_train - 0.5).astype(int)
        assert len(rows) == 40
        np.testing.assert_array_equal(got, groups[rows])


TINY_DIB = dict(encoder_hidden=(8,), embedding_dim=2, decoder_hidden=(8,),
                n_pretrain_steps=10, n_steps=20, n_checkpoints=2,
                information_bounds=False, n_threads=1)


@pytest.mark.parametrize("n_groups, cv", [(2, 2), (3, 3), (6, 3)])
@pytest.mark.parametrize("fraction", [0.2, 0.0])
def test_dib_runs_where_the_folds_groups_cannot_shape_its_split(n_groups, cv,
                                                                fraction):
    """Passing the training fold's groups to rank_dib made the estimator
    refuse validation_fraction=0 and folds of 1 group, layouts that ran
    before. The groups now go on only where the estimator's split can use
    them; elsewhere the sweep splits at random, with a warning."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    groups = np.repeat(np.arange(n_groups), 60 // n_groups)
    method = partial(rank_dib, estimator=DistributedIBClassifier(
        **TINY_DIB, validation_fraction=fraction))
    refused = fraction == 0 or n_groups == 2
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        frame = compare_selectors(X, y, methods={"dib": method}, k_values=[1],
                                  cv=cv, groups=groups, random_state=0)
    assert len(frame) == cv
    told = [w for w in caught if "could not shape" in str(w.message)]
    assert bool(told) == refused


def test_dib_runs_when_a_class_lies_in_one_group():
    """A class confined to one group: a grouped split that draws that group
    for validation leaves the class without training rows, which the
    estimator refuses; the sweep now splits that fold at random. The outer
    folds are given (scikit-learn's shuffled StratifiedGroupKFold draws other
    folds from one version to the next); with them, random_state=4 draws
    that group for the grouped validation split of a fold."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    groups = np.repeat(np.arange(6), 10)
    y[groups == 5] = 2
    rows = np.arange(60)
    cv = [(rows[~np.isin(groups, test)], rows[np.isin(groups, test)])
          for test in ([0, 3], [1, 4], [2, 5])]
    method = partial(rank_dib, estimator=DistributedIBClassifier(
        **TINY_DIB, validation_fraction=0.2))
    with pytest.warns(UserWarning, match="no training rows of class"):
        frame = compare_selectors(X, y, methods={"dib": method}, k_values=[1],
                                  cv=cv, groups=groups, random_state=4)
    assert len(frame) == 3
    with pytest.raises(ValueError, match="groups has 59 entries"):
        rank_dib(X, y, "classification", 0, groups=groups[1:])


def test_dib_error_unrelated_to_groups_is_raised_without_blaming_groups():
    """A setting the estimator refuses whatever the split (beta_end below
    beta_start) is raised as it is, with no warning that the groups could
    not be used (the grouped fit fails first, then the ungrouped one)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    estimator = DistributedIBClassifier(**TINY_DIB, beta_start=1.0, beta_end=1e-3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ValueError, match="beta_end"):
            rank_dib(X, y, "classification", 0, estimator=estimator,
                     groups=np.repeat(np.arange(3), 20))
    assert not [w for w in caught if "could not shape" in str(w.message)]
