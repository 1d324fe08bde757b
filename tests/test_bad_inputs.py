"""The bad-input matrix: every public estimator, selector and function.

Each bad input gets a ValueError, TypeError or warning whose message names
the problem (a fragment of it is asserted), raised from skdib or
scikit-learn, never a raw torch, pandas or numpy traceback.
"""

import pathlib
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.pipeline import make_pipeline

from skdib import (
    DistributedIBClassifier,
    DistributedIBRegressor,
    DistributedIBSelector,
    InformationImbalanceSelector,
    information_imbalance,
)
from skdib import information as info
from skdib._dib._split import split_validation
from skdib.exceptions import BetaRangeWarning, DivergenceError

# categorical_features=None: string and category columns are refused, the
# case this matrix checks (tests/test_tables.py fits them as categories).
FAST = dict(encoder_hidden=(8,), embedding_dim=2, decoder_hidden=(8,),
            n_pretrain_steps=10, n_steps=10, n_checkpoints=2, batch_size=64,
            learning_rate=1e-2, information_bounds=False, random_state=0,
            categorical_features=None)
N = 300  # 60 validation rows: no small-validation warning unless asked for
RNG = np.random.default_rng(0)
X = RNG.normal(size=(N, 3))
LABELS = np.where(X[:, 0] > 0, "pos", "neg")
VALUES = X[:, 0] + 0.1 * RNG.normal(size=N)
FRAME = pd.DataFrame(X, columns=["a", "b", "c"])

# name -> (unfitted estimator factory, its target)
ESTIMATORS = {
    "classifier": (lambda: DistributedIBClassifier(**FAST), LABELS),
    "regressor": (lambda: DistributedIBRegressor(**FAST), VALUES),
    "dib_selector": (lambda: DistributedIBSelector(
        DistributedIBClassifier(**FAST), n_features_to_select=1, cache=False),
        LABELS),
    "imbalance_selector": (
        lambda: InformationImbalanceSelector(n_features_to_select=1), VALUES),
}
NAMES = list(ESTIMATORS)
# Where a raised error may come from: not torch, pandas or numpy internals.
FOREIGN = ("torch", "pandas", "numpy")


def raises(exc, match):
    """``pytest.raises`` that also refuses errors raised inside torch/pandas."""
    return _Raises(exc, match)


class _Raises:
    def __init__(self, exc, match):
        self._ctx = pytest.raises(exc, match=match)

    def __enter__(self):
        self._info = self._ctx.__enter__()
        return self._info

    def __exit__(self, *exc_info):
        handled = self._ctx.__exit__(*exc_info)
        where = pathlib.Path(str(self._info.traceback[-1].path)).parts
        assert not any(p in where for p in FOREIGN[:2]), (
            f"raised from inside {where}: {self._info.value!r}")
        return handled


def _with(column, values):
    frame = FRAME.copy()
    frame[column] = values
    return frame


BAD_X = {
    "nan": (np.where(np.eye(N, 3) > 0, np.nan, X), ValueError, "contains NaN"),
    "+inf": (np.where(np.eye(N, 3) > 0, np.inf, X), ValueError, "infinity"),
    "-inf": (np.where(np.eye(N, 3) > 0, -np.inf, X), ValueError, "infinity"),
    "empty": (np.empty((0, 3)), ValueError, "0 sample"),
    "one sample": (X[:1], ValueError, "1 sample"),
    "no features": (np.empty((N, 0)), ValueError, "0 feature"),
    "1-D": (X[:, 0], ValueError, "Expected 2D array"),
    "3-D": (X.reshape(N, 3, 1), ValueError, "dim 3"),
    "Series": (FRAME["a"], ValueError, r"pandas Series.*to_frame\(\)"),
    "sparse": (sp.csr_matrix(X), TypeError, "Sparse data"),
    "string column": (_with("colour", ["red", "blue"] * (N // 2)), ValueError,
                      r"non-numeric columns \['colour'\]"),
    "categorical column": (
        _with("kind", pd.Categorical(["x", "y", "z"] * (N // 3))), ValueError,
        r"non-numeric columns \['kind'\]"),
    "object array": (np.where(X > 2, "big", X.astype(str)).astype(object),
                     ValueError, "non-numeric value 'big'"),
}


@pytest.mark.parametrize("case", list(BAD_X))
@pytest.mark.parametrize("name", NAMES)
def test_bad_X_at_fit(name, case):
    make, y = ESTIMATORS[name]
    X_bad, exc, match = BAD_X[case]
    with raises(exc, match):
        make().fit(X_bad, y[:max(X_bad.shape[0], 1)])


BAD_Y = {
    "nan": (lambda y: np.where(np.arange(N) == 3, np.nan, VALUES > 0),
            "y contains NaN"),
    "wrong length": (lambda y: y[:-1], "inconsistent numbers of samples"),
    "2-D of 3 dims": (lambda y: y.reshape(N, 1, 1), "dim 3|shape"),
}


@pytest.mark.parametrize("case", list(BAD_Y))
@pytest.mark.parametrize("name", NAMES)
def test_bad_y(name, case):
    make, y = ESTIMATORS[name]
    bad, match = BAD_Y[case]
    with raises(ValueError, match):
        make().fit(X, bad(y))


@pytest.mark.parametrize("name, match", [
    ("classifier", "only 1 class"),
    ("dib_selector", "y is constant.*nothing to select"),
    ("imbalance_selector", "y is constant.*nothing to select"),
])
def test_constant_y_is_refused(name, match):
    make, y = ESTIMATORS[name]
    with raises(ValueError, match):
        make().fit(X, np.full(N, y[0]))


def test_constant_y_regressor_warns():
    with pytest.warns(UserWarning, match=r"y is constant \(every value is 2\)"):
        reg = DistributedIBRegressor(**FAST).fit(X, np.full(N, 2.0))
    # R² is undefined: the path scores 0 (no better than the mean), as
    # scikit-learn's r2_score does, not -1e8 from a division by rounding
    np.testing.assert_array_equal(reg.information_path_.score_val, 0.0)


def test_constant_y_selector_with_regressor_is_refused():
    selector = DistributedIBSelector(DistributedIBRegressor(**FAST))
    with raises(ValueError, match="y is constant"):
        selector.fit(X, np.full(N, 2.0))


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
@pytest.mark.parametrize("name", ["classifier", "regressor", "dib_selector"])
def test_two_to_six_samples(name, n):
    make, y = ESTIMATORS[name]
    y_small = np.array(["a", "b"] * 3)[:n] if name != "regressor" else VALUES[:n]
    with raises(ValueError, match=rf"X has {n} rows.*at least 2 of each"):
        make().fit(X[:n], y_small)


@pytest.mark.parametrize("n", [2, 3, 6])
def test_two_to_six_samples_imbalance_selector(n):
    selector = InformationImbalanceSelector(n_features_to_select=1).fit(
        X[:n], VALUES[:n])
    assert selector.get_support().sum() == 1
    with raises(ValueError, match=rf"X has {n} samples, but k={n}"):
        InformationImbalanceSelector(k=n).fit(X[:n], VALUES[:n])


@pytest.mark.parametrize("name", NAMES)
def test_one_feature_fits(name):
    make, y = ESTIMATORS[name]
    fitted = make().fit(X[:, :1], y)
    assert fitted.n_features_in_ == 1


# -- small validation sets -------------------------------------------------------
@pytest.mark.parametrize("n_rows, n_val", [(32, 6), (120, 24)])
def test_small_validation_set_warns_with_its_size(n_rows, n_val):
    with pytest.warns(UserWarning,
                      match=rf"Only {n_val} validation rows.*cross_validate_path"):
        DistributedIBClassifier(**FAST).fit(X[:n_rows], LABELS[:n_rows])


def test_warnings_name_the_users_line():
    # not a line inside skdib (or scikit-learn's Pipeline) that passed it on
    pipe = make_pipeline(DistributedIBClassifier(**FAST))
    for fit in (DistributedIBClassifier(**FAST).fit, pipe.fit):
        with pytest.warns(UserWarning, match="validation rows") as caught:
            fit(X[:32], LABELS[:32])
        ours = [w for w in caught if "validation rows" in str(w.message)
                or issubclass(w.category, BetaRangeWarning)]
        assert ours and {w.filename for w in ours} == {__file__}


def test_explicit_tiny_validation_set_is_refused():
    with raises(ValueError, match="X_val has 1 row"):
        DistributedIBClassifier(**FAST).fit(X, LABELS, X_val=X[:1],
                                            y_val=LABELS[:1])


# -- groups ------------------------------------------------------------------------
@pytest.mark.parametrize("groups, match", [
    (np.zeros(N), r"only 1 distinct label.*at least 2"),
    (np.arange(N - 1), f"groups has {N - 1} entries but X has {N} rows"),
    (np.zeros((N, 2)), "one label per row"),
])
@pytest.mark.parametrize("name", ["classifier", "regressor"])
def test_bad_groups(name, groups, match):
    make, y = ESTIMATORS[name]
    with raises(ValueError, match):
        make().fit(X, y, groups=groups)


def test_two_groups_are_too_few_rows_per_side():
    groups = np.r_[np.zeros(N - 1), 1]
    with raises(ValueError, match="by groups holds out"):
        DistributedIBClassifier(**FAST).fit(X, LABELS, groups=groups)


def test_a_class_held_out_whole_by_groups_is_refused():
    """Two of ten subjects are ill; a grouped split that holds both out
    leaves no ill rows to train on, which must not fit silently."""
    subject = np.repeat(np.arange(10), 12)
    y = np.where(subject >= 8, "ill", "well")
    rows = np.random.default_rng(0).normal(size=(120, 3))
    refused = 0
    for seed in range(40):
        try:
            DistributedIBClassifier(**FAST).set_params(random_state=seed).fit(
                rows, y, groups=subject)
        except ValueError as error:
            assert "no training rows of class(es) ['ill']" in str(error)
            assert "groups keep each group on one side" in str(error)
            refused += 1
    # both ill subjects among the two held out: 1 of 45 pairs
    assert 0 < refused < 10


def test_a_class_of_one_row_stays_in_training():
    """Held out, a class's only row could be neither learned nor predicted."""
    y = np.r_[np.zeros(50, int), np.ones(49, int), 2]
    for seed in range(30):
        train, val = split_validation(y, 0.2, True, None,
                                      np.random.default_rng(seed))
        assert 99 in train and 99 not in val
        assert len(val) == 20 and len(np.union1d(train, val)) == 100
        assert np.bincount(y[val]).tolist() == [10, 10]  # still stratified


# -- feature groups ----------------------------------------------------------------
@pytest.mark.parametrize("feature_groups, exc, match", [
    ([[0, 1], [1, 2]], ValueError,
     r"column 'x1' \(index 1\) in two groups, 'x0\+x1' and 'x1\+x2'"),
    ({"pos": [0, 1], "x": [0]}, ValueError, "in two groups, 'pos' and 'x'"),
    ([[0], [7]], ValueError, "column 7, but X has 3 columns"),
    ([], ValueError, "feature_groups is empty"),
    ([[0], []], ValueError, "empty group"),
    ([["a"]], ValueError, "no column names"),
    ([[True]], TypeError, "ints or names"),
    ([0.0, 1], TypeError, "must be column indices or names, got 0.0"),
    ([None], TypeError, "must be column indices or names, got None"),
])
@pytest.mark.parametrize("name", ["classifier", "regressor"])
def test_bad_feature_groups(name, feature_groups, exc, match):
    make, y = ESTIMATORS[name]
    with raises(exc, match):
        make().set_params(feature_groups=feature_groups).fit(X, y)


def test_feature_group_with_a_missing_name():
    with raises(ValueError, match="unknown column 'z'"):
        DistributedIBClassifier(**FAST, feature_groups=[["a", "z"]]).fit(
            FRAME, LABELS)


# -- hyperparameters ---------------------------------------------------------------
HYPERPARAMETERS = [
    ("classifier", {"learning_rate": -1}, "learning_rate"),
    ("classifier", {"n_checkpoints": 50}, "n_checkpoints=50 is more than n_steps"),
    ("classifier", {"beta_start": 1.0, "beta_end": 0.1}, r"beta_end \(0.1\)"),
    ("classifier", {"encoder_hidden": (8, 0)}, "encoder_hidden"),
    ("classifier", {"validation_fraction": 1.5}, "validation_fraction"),
    ("classifier", {"n_threads": 0}, "n_threads"),
    ("regressor", {"head": "poisson"}, "head"),
    ("regressor", {"codebook_size": 1}, "codebook_size"),
    ("dib_selector", {"n_features_to_select": 0}, "n_features_to_select"),
    ("dib_selector", {"n_features_to_select": 9}, "more than the 3 features"),
    ("dib_selector", {"n_features_to_select": 1, "threshold": 0.1},
     "only one selection rule"),
    ("dib_selector", {"information_budget": -1.0}, "information_budget"),
    ("dib_selector", {"memory": 5}, "memory"),
    ("dib_selector", {"memory": "unused-dir"}, "memory is set but cache=False"),
    ("dib_selector", {"estimator": InformationImbalanceSelector()},
     "must be a DistributedIBClassifier"),
    ("imbalance_selector", {"k": 0}, "'k' parameter"),
    ("imbalance_selector", {"mode": "semi"}, "'mode' parameter"),
    ("imbalance_selector", {"max_samples": 1}, "max_samples"),
    ("imbalance_selector", {"n_features_to_select": 1.5}, "n_features_to_select"),
]


@pytest.mark.parametrize("name, params, match", HYPERPARAMETERS,
                         ids=[f"{n}-{'-'.join(p)}" for n, p, _ in HYPERPARAMETERS])
def test_invalid_hyperparameters(name, params, match):
    make, y = ESTIMATORS[name]
    with raises((ValueError, TypeError), match):
        make().set_params(**params).fit(X, y)


# -- after fit: predict / transform / inspection -----------------------------------
@pytest.fixture(scope="module", params=NAMES)
def fitted(request):
    make, y = ESTIMATORS[request.param]
    return make().fit(FRAME, y)


def _method(est):
    return est.transform if hasattr(est, "get_support") else est.predict


@pytest.mark.parametrize("case, X_bad, match", [
    ("wrong width", FRAME[["a", "b"]], "missing|2 features"),
    ("renamed", FRAME.rename(columns={"a": "z"}), "Feature names unseen at fit"),
    ("nan", FRAME.where(FRAME > 1.5), "contains NaN"),
    # the estimators' own message, with the way through, in the selectors too
    ("Series", FRAME["a"], r"X is a pandas Series.*X\.to_frame\(\)"),
])
@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_bad_X_after_fit(fitted, case, X_bad, match):
    with raises((ValueError, TypeError), match):
        _method(fitted)(X_bad)


def test_series_to_inverse_transform_is_refused_with_the_way_through(fitted):
    """scikit-learn's refusal named the class by a module path that differs
    between pandas versions, and gave no way through."""
    if not hasattr(fitted, "get_support"):
        pytest.skip("not a selector")
    reduced = pd.DataFrame(fitted.transform(FRAME))
    with raises(ValueError, match=r"X is a pandas Series.*X\.to_frame\(\)"):
        fitted.inverse_transform(reduced.iloc[:, 0])
    assert fitted.inverse_transform(reduced.to_numpy()).shape == FRAME.shape


def test_string_column_after_fit(fitted):
    X_str = _with("a", ["u", "v"] * (N // 2))
    if hasattr(fitted, "get_support"):  # selectors pass columns through
        assert fitted.transform(X_str).shape == (N, 1)
    else:
        with raises(ValueError, match=r"non-numeric columns \['a'\]"):
            fitted.predict(X_str)


def test_numpy_after_dataframe_fit_warns(fitted):
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        _method(fitted)(X)


@pytest.mark.parametrize("channel, values, exc, match", [
    ("nope", None, ValueError, "nope"),
    ("a", [0.0, np.nan], ValueError, "finite numbers"),
    ("a", [], ValueError, "non-empty"),
    ("a", np.zeros((3, 2)), ValueError, "must have shape"),
])
def test_bad_distinguishability_matrix(classifier, channel, values, exc, match):
    with raises(exc, match):
        classifier.distinguishability_matrix(channel, values)


@pytest.fixture(scope="module")
def classifier():
    return DistributedIBClassifier(**FAST).fit(FRAME, LABELS)


# -- functions ---------------------------------------------------------------------
SPACE = RNG.normal(size=(50, 2))


@pytest.mark.parametrize("A, B, kwargs, exc, match", [
    (np.where(SPACE > 1, np.nan, SPACE), SPACE, {}, ValueError, "A contains NaN"),
    (SPACE, np.where(SPACE > 1, np.inf, SPACE), {}, ValueError, "B contains inf"),
    (SPACE, -np.full_like(SPACE, np.inf), {}, ValueError, "B contains inf"),
    (np.empty((0, 2)), np.empty((0, 2)), {}, ValueError, "0 sample"),
    (SPACE[:1], SPACE[:1], {}, ValueError, "more than k=1 samples; got 1"),
    (SPACE[:3], SPACE[:3], {"k": 3}, ValueError, "more than k=3 samples"),
    (SPACE, SPACE[:40], {}, ValueError, "same number of samples; got 50 and 40"),
    (np.empty((50, 0)), SPACE, {}, ValueError, "0 feature|no features"),
    (SPACE.reshape(50, 2, 1), SPACE, {}, ValueError, "dim 3"),
    (sp.csr_matrix(SPACE), SPACE, {}, TypeError, "Sparse data was passed for A"),
    (pd.DataFrame({"s": ["x"] * 50}), SPACE, {}, ValueError,
     r"A has non-numeric columns \['s'\]"),
    (np.array(["x"] * 50, dtype=object), SPACE, {}, ValueError,
     "A contains a non-numeric value 'x'"),
    (SPACE, SPACE, {"k": 0}, ValueError, "k must be a positive integer"),
    (SPACE, SPACE, {"metric": "cosine"}, ValueError, "metric must be one of"),
])
def test_bad_information_imbalance(A, B, kwargs, exc, match):
    with raises(exc, match):
        information_imbalance(A, B, **kwargs)


def test_information_imbalance_takes_a_series_as_one_column():
    frame = pd.DataFrame(SPACE, columns=["p", "q"])
    assert information_imbalance(frame["p"], frame) == information_imbalance(
        SPACE[:, 0], SPACE)


MU = RNG.normal(size=(20, 2))
LV = np.zeros((20, 2))
POSTERIOR_FUNCTIONS = {
    "kl_divergence": lambda m, v: info.kl_divergence(m, v),
    "mutual_information_bounds": lambda m, v: info.mutual_information_bounds(
        m, v, n_batches=1, random_state=0),
    "mixture_information": lambda m, v: info.mixture_information(
        m, v, np.ones(20), n_samples=8, random_state=0),
    "bhattacharyya_distance": lambda m, v: info.bhattacharyya_distance(m, v),
    "distinguishability": lambda m, v: info.distinguishability(m, v),
}
BAD_POSTERIORS = {
    "nan": (np.where(MU > 1, np.nan, MU), LV, ValueError, "NaN or infinite"),
    "+inf": (MU, np.where(MU > 1, np.inf, LV), ValueError, "NaN or infinite"),
    "-inf": (np.where(MU > 1, -np.inf, MU), LV, ValueError, "NaN or infinite"),
    "empty": (np.empty((0, 2)), np.empty((0, 2)), ValueError, "empty axis"),
    "1-D": (MU[:, 0], LV[:, 0], ValueError, "must have shape"),
    "4-D": (MU[None, None], LV[None, None], ValueError, "must have shape"),
    "shapes differ": (MU, LV[:, :1], ValueError, "same shape"),
    "strings": (np.full(MU.shape, "a"), LV, TypeError, "numeric array-like"),
    "sparse": (sp.csr_matrix(MU), LV, TypeError, "numeric array-like"),
}


@pytest.mark.parametrize("case", list(BAD_POSTERIORS))
@pytest.mark.parametrize("function", list(POSTERIOR_FUNCTIONS))
def test_bad_posteriors(function, case):
    means, log_vars, exc, match = BAD_POSTERIORS[case]
    with raises(exc, match):
        POSTERIOR_FUNCTIONS[function](means, log_vars)


@pytest.mark.parametrize("call, exc, match", [
    (lambda: info.mutual_information_bounds(MU[:1], LV[:1]), ValueError,
     "at least 2 samples; got 1"),
    (lambda: info.mutual_information_bounds(MU, LV, batch_size=1), ValueError,
     "batch_size must be at least 2"),
    (lambda: info.mutual_information_bounds(MU, LV, n_batches=1.5), TypeError,
     "n_batches must be an integer"),
    (lambda: info.kl_divergence(MU, LV, reduction="sum"), ValueError,
     "reduction must be"),
    (lambda: info.mixture_information(MU, LV, np.ones(3)), ValueError,
     "weights must have shape"),
    (lambda: info.mixture_information(MU, LV, -np.ones(20)), ValueError,
     "finite and non-negative"),
    (lambda: info.mixture_information(MU, LV, np.zeros(20)), ValueError,
     "at least one positive weight"),
    (lambda: info.bhattacharyya_distance(MU, LV, MU[:, :1], LV[:, :1]),
     ValueError, "dims|shape"),
])
def test_bad_information_arguments(call, exc, match):
    with raises(exc, match):
        call()


def test_an_x_val_in_other_units_is_named_not_blamed_on_training():
    """An X_val left raw while X was standardised (as a Pipeline passes it)
    is warned about; when its KL explodes, the error says the held-out rows
    did, not that training diverged."""
    rng = np.random.default_rng(0)
    raw = 1000 + 100 * rng.normal(size=(300, 3))
    labels = (raw[:, 0] > 1000).astype(int)
    scaled = (raw - raw[:200].mean(axis=0)) / raw[:200].std(axis=0)
    est = DistributedIBClassifier(n_pretrain_steps=20, n_steps=40, n_checkpoints=3,
                                  random_state=0)
    with pytest.warns(UserWarning, match=r"Most rows of X_val lie far beyond .* "
                      r"training ranges \(column 'x"):
        try:
            est.fit(scaled[:200], labels[:200], X_val=raw[200:], y_val=labels[200:])
        except DivergenceError as error:
            assert "an X_val not transformed like X" in str(error)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # in the same units: quiet
        warnings.simplefilter("ignore", BetaRangeWarning)
        est.fit(scaled[:200], labels[:200], X_val=scaled[200:], y_val=labels[200:])
        # a sparse column's rare large value is data, not a change of units:
        # 70 training deviations away, but 4 training ranges
        sparse = np.zeros((300, 1))
        sparse[[5, 250], 0] = [1.0, 5.0]
        est.fit(np.c_[scaled, sparse][:200], labels[:200],
                X_val=np.c_[scaled, sparse][200:], y_val=labels[200:])
        # nor when a fold's range of it is tiny: held-out rows 30 ranges out
        sparse[5, 0], sparse[[210, 230, 250], 0] = 0.1, 3.0
        est.fit(np.c_[scaled, sparse][:200], labels[:200],
                X_val=np.c_[scaled, sparse][200:], y_val=labels[200:])


def test_a_held_out_explosion_is_told_apart_from_a_diverged_training():
    import torch

    from skdib._backend.dib._sweep_state import divergence

    net = torch.nn.Linear(2, 1)
    point = {"loss_train": 0.6, "loss_val": 0.7, "kl": [7e6, 0.1]}
    assert "on the held-out rows (the last training loss: 0.5 nats)" in divergence(
        0.5, point, net)
    assert "held-out" not in divergence(0.5, {**point, "loss_train": 2e6}, net)


def test_far_x_val_names_the_table_column_behind_one_hot_blocks():
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"colour": rng.choice(["r", "g", "b"], 100),
                          "a": rng.normal(size=100), "b": rng.normal(size=100)})
    labels = (table["a"] > 0).astype(int).to_numpy()
    far = table.iloc[:60].assign(b=table["b"].iloc[:60] * 1000)
    with pytest.warns(UserWarning, match=r"training ranges .*\(column 'b'"):
        DistributedIBClassifier(**{**FAST, "categorical_features": "auto"}).fit(
            table, labels, X_val=far, y_val=labels[:60])


@pytest.mark.parametrize("y, fraction, match", [
    (np.arange(12), 0.2, r"10 training rows cannot hold 12 classes"),
    (np.repeat(np.arange(6), 2), 0.6, r"5 training rows cannot hold 6 classes"),
])
def test_too_few_training_rows_for_the_classes_say_so(y, fraction, match):
    """No split can train every class: the message says why and what helps
    (not another random_state, and no crash inside numpy)."""
    with raises(ValueError, match=match + r".*smaller validation_fraction"):
        split_validation(y, fraction, True, None, np.random.default_rng(0))
