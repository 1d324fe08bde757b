"""The set estimators refuse what the tabular ones refuse, with the same
messages, and say clearly what they cannot do (weights, complex numbers,
maps without validation elements, a column that is no type column)."""

import functools
import re
import warnings

import numpy as np
import pytest

from skdib import (
    DistributedIBClassifier,
    DistributedIBRegressor,
    DistributedIBSetClassifier,
    DistributedIBSetRegressor,
)
from skdib._sets._inputs import check_sets, type_names
from skdib.compare import cross_validate_path
from skdib.featurizers import nearest_neighbours
from skdib.selection import stability_paths

TINY = dict(encoder_hidden=(8,), decoder_width=8, n_pretrain_steps=5,
            n_steps=10, n_checkpoints=2, n_threads=1, random_state=0)


def _sets(n=80, seed=0):
    """Sets of 5 elements (x, z, type in {0, 1}), every third one padded."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5, 3))
    X[..., 2] = rng.integers(0, 2, size=(n, 5))
    X[::3, -1] = np.nan
    return X, (np.nansum(X[..., 0], axis=1) > 0).astype(int)


def _message(fit):
    with pytest.raises(ValueError) as info:
        fit()
    return str(info.value)


@pytest.mark.parametrize("case", ["strings for ints", "class only in y_val",
                                  "one class in y"])
def test_y_val_classes_not_in_y_are_refused_as_for_tables(case):
    X, y = _sets()
    y_tr = np.zeros(60, int) if case == "one class in y" else y[:60]
    y_val = {"strings for ints": np.array(["no", "yes"])[y[60:]],
             "class only in y_val": np.r_[2, y[61:]],
             "one class in y": np.ones(20, int)}[case]
    sets = _message(lambda: DistributedIBSetClassifier(type_column=2, **TINY).fit(
        X[:60], y_tr, X_val=X[60:], y_val=y_val))
    X2 = np.nan_to_num(X[:, :, 0])
    table = _message(lambda: DistributedIBClassifier().fit(
        X2[:60], y_tr, X_val=X2[60:], y_val=y_val))
    assert "never occur in y" in sets
    assert sets == table


@pytest.mark.parametrize("request_, expected", [
    ({"groups": np.zeros(80)}, "only 1 distinct label"),
    ({"groups": np.arange(80), "X_val": 20}, "cannot be combined"),
    ({"X_val": 1}, "X_val has 1 row"),
])
def test_validation_requests_are_refused_as_for_tables(request_, expected):
    X, y = _sets()
    X2 = np.nan_to_num(X[:, :, 0])

    def kwargs(X):
        out = {k: v for k, v in request_.items() if k == "groups"}
        if "X_val" in request_:
            out.update(X_val=X[:request_["X_val"]], y_val=y[:request_["X_val"]])
        return out

    sets = _message(lambda: DistributedIBSetClassifier(type_column=2, **TINY).fit(
        X, y, **kwargs(X)))
    table = _message(lambda: DistributedIBClassifier().fit(X2, y, **kwargs(X2)))
    assert expected in sets
    assert sets == table


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_set_regressor_warns_about_a_constant_target_as_for_tables():
    X, _ = _sets()
    with pytest.warns(UserWarning, match=r"y is constant \(every value is 3\)"):
        DistributedIBSetRegressor(**TINY).fit(X, np.full(80, 3.0))
    with pytest.warns(UserWarning, match=r"y is constant \(every value is 3\)"):
        DistributedIBRegressor(n_pretrain_steps=5, n_steps=10, n_checkpoints=2,
                               random_state=0).fit(X[:, 0, :2], np.full(80, 3.0))


@pytest.mark.parametrize("run", [cross_validate_path, stability_paths],
                         ids=["cross_validate_path", "stability_paths"])
def test_weighted_splits_of_a_set_estimator_are_refused_up_front(run, monkeypatch):
    X, y = _sets()

    @functools.wraps(DistributedIBSetClassifier.fit)  # keeps its signature
    def no_fit(*args, **kwargs):
        raise AssertionError("a fit started")

    monkeypatch.setattr(DistributedIBSetClassifier, "fit", no_fit)
    with pytest.raises(ValueError, match="DistributedIBSetClassifier takes no "
                                         "sample weights"):
        run(DistributedIBSetClassifier(**TINY), X, y, sample_weight=np.ones(80))


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_continue_fit_with_weights_names_no_wrong_method(interrupt_at_checkpoint,
                                                         monkeypatch):
    X, y = _sets()
    clf = DistributedIBSetClassifier(type_column=2, **TINY)
    interrupt_at_checkpoint(2)
    with pytest.warns(UserWarning), pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    monkeypatch.undo()
    with pytest.raises(TypeError, match="takes no sample_weight") as info:
        clf.continue_fit(X, y, sample_weight=np.ones(80))
    assert ".fit takes" not in str(info.value)
    assert "continue_fit" in str(info.value)
    assert clf.continue_fit(X, y).fit_status_ == "complete"


@pytest.fixture(scope="module")
def no_type_1_in_validation():
    """A fit whose validation sets hold no element of type 1."""
    X, y = _sets()
    X_val = X[:20].copy()
    X_val[..., 2] = np.where(np.isnan(X_val[..., 2]), np.nan, 0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return DistributedIBSetClassifier(type_column=2, **TINY).fit(
            X, y, X_val=X_val, y_val=y[:20])


def test_radial_split_without_validation_elements_says_why(no_type_1_in_validation):
    clf = no_type_1_in_validation
    start = "Fewer than 2 validation elements of this type (type=1: 0)"
    with pytest.raises(ValueError, match=re.escape(start)):
        clf.information_map([[0.0, 0.0, 1.0]], element_type=1)
    with pytest.raises(ValueError, match=re.escape(start)):
        clf.radial_azimuthal_information([1.0], element_type=1)
    # given ring weights need no validation elements
    split = clf.radial_azimuthal_information([0.5, 1.0], element_type=1,
                                             radial_weights=[1, 1], n_angles=4)
    assert np.isfinite(split.total)


def test_type_codes_keep_distinct_names():
    names = type_names(2, np.array([-1.0, 0.5, 1.0, 1.0000001, 3.0]))
    assert names == ["type=-1", "type=0.5", "type=1", "type=1.0000001", "type=3"]
    assert type_names(None, np.array([0.0])) == ["element"]


def test_a_continuous_type_column_warns_once_with_short_lists():
    X, y = _sets()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        DistributedIBSetClassifier(**{**TINY, "type_column": 1}).fit(X, y)
    messages = [str(w.message) for w in caught]
    many = [m for m in messages if "is it a type column?" in m]
    assert len(many) == 1
    assert re.match(r"type_column=1 has \d{3} distinct codes among \d{3} "
                    r"elements; is it a type column\?", many[0])
    listings = [m for m in messages if m.startswith("Element types")]
    assert listings and all(re.search(r" and \d+ more", m) for m in listings)
    assert all(len(m) < 600 for m in messages)


def test_a_type_column_of_few_codes_does_not_warn():
    X, y = _sets(seed=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        DistributedIBSetClassifier(type_column=2, **TINY).fit(X, y)
    assert not [w for w in caught if "is it a type column" in str(w.message)]


def test_unknown_types_are_listed_briefly():
    X = np.zeros((1, 12, 2))
    X[0, :, 1] = np.arange(12) + 1
    with pytest.raises(ValueError, match=r"Element types \[1.0, 2.0, 3.0, 4.0, "
                                         r"5.0 and 7 more\] did not occur"):
        check_sets(X, 2, type_column=1, types=np.array([0.0]))


@pytest.mark.parametrize("X", [np.ones((2, 3, 2)) * (1 + 5j),
                               np.ones((2, 3, 2), dtype=np.complex64)])
def test_complex_sets_are_refused(X):
    with pytest.raises(ValueError, match="complex numbers"):
        check_sets(X)
    with pytest.raises(ValueError, match="complex numbers"):
        DistributedIBSetRegressor(**TINY).fit(X, np.arange(2.0))


def test_non_numeric_neighbourhoods_name_no_other_caller():
    with pytest.raises(TypeError, match="neighbourhoods must be numeric") as info:
        nearest_neighbours([["a"]])
    assert "RadialStructureFunctions" not in str(info.value)
