"""class_weight read together with sample_weight, as scikit-learn's
LogisticRegression reads them: 'balanced' counts the classes by the rows'
weights, so a row of weight 0 is as if absent and a row of weight k is k
copies of it."""

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.utils.class_weight import compute_class_weight

from skdib import DistributedIBClassifier
from skdib._dib._inputs import balanced_class_weights

TINY = dict(encoder_hidden=(8,), embedding_dim=2, decoder_hidden=(8,),
            n_pretrain_steps=20, n_steps=20, n_checkpoints=2, batch_size=64,
            learning_rate=1e-2, random_state=0, class_weight="balanced")


def _rare_ones(n=200, seed=0):
    """Two columns; class 1 is about a fifth of the rows."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, (X[:, 0] + rng.normal(size=n) > 1).astype(int)


def _fit(X, y, **fit_params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short sweeps
        return DistributedIBClassifier(**TINY).fit(X, y, **fit_params)


def _with_unweighted_rows(X, y, n=80):
    """(X, y) with ``n`` rows of class 0 at weight 0 appended, and the
    weights: counted, such rows would lower the weight of class 0 and raise
    that of class 1 under 'balanced'."""
    extra = np.random.default_rng(1).normal(size=(n, 2))
    return (np.vstack([X, extra]), np.concatenate([y, np.zeros(n, dtype=int)]),
            np.concatenate([np.ones(len(y)), np.zeros(n)]))


def test_balanced_rows_of_weight_zero_act_as_absent():
    X, y = _rare_ones()
    X_all, y_all, w = _with_unweighted_rows(X, y)
    edited = _fit(X, y)
    weighted = _fit(X_all, y_all, sample_weight=w)
    assert weighted.target_entropy_ == pytest.approx(edited.target_entropy_,
                                                     abs=1e-12)
    for name in ("information", "kl", "loss_train", "loss_val"):
        np.testing.assert_allclose(getattr(weighted.information_path_, name),
                                   getattr(edited.information_path_, name),
                                   rtol=1e-4, atol=1e-6, err_msg=name)
    np.testing.assert_allclose(weighted.predict_proba(X), edited.predict_proba(X),
                               rtol=1e-4, atol=1e-6)


def test_balanced_weight_k_is_k_copies():
    X, y = _rare_ones()
    rng = np.random.default_rng(2)
    X_val = rng.normal(size=(60, 2))
    y_val = (X_val[:, 0] > 1).astype(int)
    ones = y == 1
    # every row of X trains (X_val given), so target_entropy_ is the entropy
    # of X's labels under the weights the fit trains with
    weighted = _fit(X, y, sample_weight=np.where(ones, 3.0, 1.0),
                    X_val=X_val, y_val=y_val)
    repeated = _fit(np.vstack([X, X[ones], X[ones]]),
                    np.concatenate([y, y[ones], y[ones]]), X_val=X_val, y_val=y_val)
    # balanced classes: 1 bit for both (counting rows once gave 0.81 bits)
    assert repeated.target_entropy_ == pytest.approx(1.0, abs=1e-12)
    assert weighted.target_entropy_ == pytest.approx(repeated.target_entropy_,
                                                     abs=1e-12)


@pytest.mark.skipif(sklearn.__version__.split(".")[:2] in (["1", "6"],),
                    reason="compute_class_weight takes sample_weight from 1.7")
def test_balanced_weights_are_scikit_learns_weighted_ones():
    rng = np.random.default_rng(3)
    y = rng.choice(["a", "b", "c"], 50)
    w = rng.uniform(0.1, 5.0, 50)
    classes = np.unique(y)
    expected = compute_class_weight("balanced", classes=classes, y=y,
                                    sample_weight=w)
    np.testing.assert_allclose(balanced_class_weights(y, w),
                               expected[np.searchsorted(classes, y)])


def test_each_fold_counts_its_own_weighted_training_rows():
    from skdib.compare import cross_validate_path

    X, y = _rare_ones()
    X_all, y_all, w = _with_unweighted_rows(X, y)
    rows = np.arange(len(y))
    folds = [(rows[rows % 2 == k], rows[rows % 2 != k]) for k in (0, 1)]
    # the rows of weight 0 train in every fold (held out, they would count)
    folds_all = [(np.concatenate([train, np.arange(len(y), len(y_all))]), test)
                 for train, test in folds]
    est = DistributedIBClassifier(**TINY)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        edited = cross_validate_path(est, X, y, cv=folds, random_state=0,
                                     batched=False)
        weighted = cross_validate_path(est, X_all, y_all, cv=folds_all,
                                       random_state=0, batched=False,
                                       sample_weight=w)
    for name in ("information", "loss_val", "score"):
        np.testing.assert_allclose(weighted[name], edited[name], rtol=1e-4,
                                   atol=1e-6, err_msg=name)


@pytest.mark.parametrize("labels", [[1, 2, 3], ["a", "b", "c"]])
def test_the_dib_ranking_weights_the_classes_the_estimator_weights(labels,
                                                                   monkeypatch):
    """compare_selectors ranks on class codes 0..K-1 while the downstream
    estimator sees the labels. A class_weight dict keyed by the labels must
    weight the same rows in rank_dib's sweep as it does downstream: with
    labels 1, 2, 3, {2: 10} weighted code 2 (label 3); with text labels the
    sweep refused the dict."""
    from functools import partial

    from sklearn.model_selection import StratifiedKFold
    from sklearn.utils.class_weight import compute_sample_weight

    from skdib.compare import compare_selectors, rank_dib

    rng = np.random.default_rng(4)
    X = rng.normal(size=(90, 3))
    y = np.asarray(labels)[np.arange(90) % 3]
    class_weight = {labels[1]: 10.0}
    folds = list(StratifiedKFold(2, shuffle=True, random_state=0).split(X, y))
    seen = []
    real = DistributedIBClassifier._class_weights

    def spy(self, *args, **kwargs):  # whatever the private hook takes
        weights = real(self, *args, **kwargs)
        seen.append(weights)
        return weights

    monkeypatch.setattr(DistributedIBClassifier, "_class_weights", spy)
    sweep = DistributedIBClassifier(
        **dict(TINY, class_weight=class_weight, information_bounds=False))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compare_selectors(X, y, methods={"dib": partial(rank_dib, estimator=sweep)},
                          k_values=[1], cv=folds, random_state=0)
    assert len(seen) == len(folds)
    for weights, (train, _) in zip(seen, folds, strict=True):
        # the row weights the downstream estimator gets from scikit-learn
        expected = compute_sample_weight(class_weight, y[train])
        np.testing.assert_array_equal(weights, expected)


def test_target_entropy_is_that_of_the_weighted_training_labels():
    """The value is the entropy of the training labels under sample times
    class weights (scipy's entropy of the weighted class totals), and its
    docstring says so (it said "the training labels")."""
    numpydoc = pytest.importorskip("numpydoc.docscrape")
    from scipy.stats import entropy

    X, y = _rare_ones()
    X_val, y_val = _rare_ones(60, seed=5)
    w = np.random.default_rng(6).uniform(0.5, 2.0, len(y))
    class_weight = {0: 1.0, 1: 3.0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = DistributedIBClassifier(**dict(TINY, class_weight=class_weight))
        clf.fit(X, y, sample_weight=w, X_val=X_val, y_val=y_val)
    row_weights = w * np.where(y == 1, 3.0, 1.0)  # every row of X trains
    totals = np.bincount(y, weights=row_weights)
    assert clf.target_entropy_ == pytest.approx(entropy(totals, base=2),
                                                abs=1e-12)
    doc = numpydoc.ClassDoc(DistributedIBClassifier)
    (entry,) = [p for p in doc["Attributes"] if p.name == "target_entropy_"]
    text = " ".join(entry.desc)
    assert "sample_weight" in text and "class_weight" in text


def test_the_classes_convention_is_documented_with_the_methods():
    """compare_selectors documented which methods get the labels under
    ``scoring``; the method contract is under ``methods``."""
    numpydoc = pytest.importorskip("numpydoc.docscrape")
    from skdib.compare import compare_selectors

    doc = numpydoc.FunctionDoc(compare_selectors)
    entries = {p.name: " ".join(p.desc) for p in doc["Parameters"]}
    assert "``classes`` parameter" in entries["methods"]
    assert "codes 0..K-1" in entries["methods"]
    assert "``classes``" not in entries["scoring"]


@pytest.mark.skipif(sklearn.__version__.split(".")[:2] in (["1", "6"],),
                    reason="compute_class_weight takes sample_weight from 1.7")
def test_a_class_of_weight_zero_only_is_left_out_of_the_balance():
    """As the docstring says: where scikit-learn gives a class held only by
    rows of weight 0 an infinite weight (and counts it in K), skdib gives
    it 0 and the other classes scikit-learn's weights for the table
    without its rows."""
    y = np.array([0, 0, 1, 1, 2])
    w = np.array([1.0, 2.0, 1.0, 3.0, 0.0])
    weights = balanced_class_weights(y, w)
    assert weights[4] == 0
    without = compute_class_weight("balanced", classes=np.array([0, 1]),
                                   y=y[:4], sample_weight=w[:4])
    np.testing.assert_allclose(weights[:4], without[y[:4]])
    doc = balanced_class_weights.__doc__
    assert "inf" in doc and "left out of K" in doc


def test_balanced_target_entropy_counts_the_classes_of_positive_weight():
    """Class 2 has only rows of weight 0: it is one of classes_, but
    'balanced' puts the entropy near log2 of the 2 classes that keep
    weight, not of the 3 classes, and the docstring now says so."""
    numpydoc = pytest.importorskip("numpydoc.docscrape")

    X, y = _rare_ones()
    y[:10] = 2
    clf = _fit(X, y, sample_weight=np.where(y == 2, 0.0, 1.0))
    assert len(clf.classes_) == 3
    assert clf.target_entropy_ == pytest.approx(1.0, abs=0.01)
    doc = numpydoc.ClassDoc(DistributedIBClassifier)
    (entry,) = [p for p in doc["Attributes"] if p.name == "target_entropy_"]
    assert "classes that have rows of positive weight" in " ".join(entry.desc)
