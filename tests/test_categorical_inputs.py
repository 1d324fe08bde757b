"""Tables with categorical columns: rows of weight 0, against the fit
without them."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skdib import DistributedIBClassifier
from skdib.exceptions import SweepInterruptedWarning, UnknownCategoryWarning

TINY = dict(encoder_hidden=(16,), embedding_dim=2, decoder_hidden=(32,),
            n_pretrain_steps=30, n_steps=150, n_checkpoints=4, random_state=0)


def _fit(X, y, **kwargs):
    params = {**TINY, **kwargs.pop("params", {})}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return DistributedIBClassifier(**params).fit(X, y, **kwargs)


def _table(n=150, seed=0):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=n), rng.integers(0, 3, n)
    X = pd.DataFrame({"a": a, "c": np.array(["x", "y", "z"])[b]})
    return X, (a + b > 1).astype(int)


def _same_fit(fitted, reference, X):
    np.testing.assert_array_equal(fitted.information_path_.information,
                                  reference.information_path_.information)
    np.testing.assert_array_equal(fitted.classes_, reference.classes_)
    np.testing.assert_array_equal(fitted.predict_proba(X), reference.predict_proba(X))


# -- rows of weight 0 ------------------------------------------------------
def test_a_category_only_in_rows_of_weight_0_is_no_category():
    X, y = _table()
    w = np.ones(len(X))
    w[:5] = 0
    Xw = X.copy()
    Xw.loc[:4, "c"] = "outlier"
    reference = _fit(X[5:], y[5:])
    fitted = _fit(Xw, y, sample_weight=w)
    assert list(fitted.distinguishability_matrix("c")[0]) == ["x", "y", "z"]
    _same_fit(fitted, reference, X[5:])
    # it is unknown at predict, as for the fit without those rows
    with pytest.warns(UnknownCategoryWarning, match="outlier"):
        fitted.predict(Xw[:5])


def test_a_class_only_in_rows_of_weight_0_is_no_class():
    X, y = _table()
    w = np.ones(len(X))
    w[:5] = 0
    y2 = y.copy()
    y2[:5] = 2
    Xn = X.assign(c=X.c.map({"x": 0, "y": 1, "z": 2}))
    reference = _fit(Xn[5:], y[5:])
    fitted = _fit(Xn, y2, sample_weight=w)
    assert fitted.classes_.tolist() == [0, 1]
    _same_fit(fitted, reference, Xn[5:])


def test_rows_of_weight_0_leave_their_groups_too():
    X, y = _table()
    groups = np.arange(len(X)) % 10
    w = np.ones(len(X))
    w[groups == 3] = 0
    keep = w > 0
    reference = _fit(X[keep], y[keep], groups=groups[keep])
    fitted = _fit(X, y, sample_weight=w, groups=groups)
    _same_fit(fitted, reference, X)


def test_continue_fit_drops_rows_of_weight_0_as_fit_did(monkeypatch,
                                                        interrupt_at_checkpoint):
    X, y = _table()
    w = np.ones(len(X))
    w[:5] = 0
    Xw = X.copy()
    Xw.loc[:4, "c"] = "outlier"
    reference = _fit(X[5:], y[5:])
    clf = DistributedIBClassifier(**TINY)
    interrupt_at_checkpoint(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with pytest.warns(SweepInterruptedWarning), pytest.raises(KeyboardInterrupt):
            clf.fit(Xw, y, sample_weight=w)
        monkeypatch.undo()
        clf.continue_fit(Xw, y, sample_weight=w)
    _same_fit(clf, reference, X[5:])


def test_weights_are_still_checked_before_rows_are_dropped():
    X, y = _table(40)
    with pytest.raises(ValueError, match="at least one non-zero|sum to 0"):
        _fit(X, y, sample_weight=np.zeros(len(X)))
    with pytest.raises(ValueError, match="[Nn]egative"):
        _fit(X, y, sample_weight=-np.ones(len(X)))
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        _fit(X, y[:-1], sample_weight=np.ones(len(X)))
    with pytest.raises(ValueError, match="positive sample weight hold only 1 class"):
        _fit(X, y, sample_weight=(y == 1).astype(float))
