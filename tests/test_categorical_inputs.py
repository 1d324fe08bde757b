"""Tables with categorical columns: rows of weight 0, column types, category
order and column names, each against a reference the fit must equal."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skdib import DistributedIBClassifier

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
def test_rows_of_weight_0_leave_their_groups_too():
    X, y = _table()
    groups = np.arange(len(X)) % 10
    w = np.ones(len(X))
    w[groups == 3] = 0
    keep = w > 0
    reference = _fit(X[keep], y[keep], groups=groups[keep])
    fitted = _fit(X, y, sample_weight=w, groups=groups)
    _same_fit(fitted, reference, X)


def test_a_class_only_in_rows_of_weight_0_stays_a_class():
    """As in scikit-learn's classifiers, classes_ lists every label of y, so
    cross-validation folds that hold such rows at full weight still score."""
    from skdib.compare import cross_validate_path

    X, y = _table()
    labels = np.where(y == 1, "B", "A").astype(object)
    labels[:6] = "C"
    w = (labels != "C").astype(float)
    fitted = _fit(X, labels, sample_weight=w)
    assert fitted.classes_.tolist() == ["A", "B", "C"]
    cvp = cross_validate_path(DistributedIBClassifier(**TINY), X, labels, cv=3,
                              sample_weight=w, batched=False, random_state=0)
    assert np.isfinite(cvp.mean_score).all()


# -- non-numeric columns beside categorical ones -----------------------------
@pytest.fixture(scope="module")
def with_categories():
    X, y = _table()
    X = X.assign(b=np.arange(len(X)) % 3 * 1.0)
    return X, _fit(X, y)


@pytest.mark.parametrize("change", [
    lambda b: pd.to_datetime(b, unit="s"),
    lambda b: pd.to_timedelta(b, unit="s"),
    lambda b: b.astype(str).str.replace(".", ","),
    lambda b: b + 1j,
], ids=["datetime", "timedelta", "decimal comma", "complex"])
def test_predict_refuses_a_numeric_column_that_changed_type(with_categories, change):
    X, clf = with_categories
    bad = X.assign(b=change(X.b))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning: an error
        with pytest.raises(ValueError, match=r"non-numeric columns \['b'\]"):
            clf.predict(bad)


def test_a_row_taken_out_of_a_mixed_table_predicts_as_in_the_table(
        with_categories):
    """X.iloc[0] of a mixed table is an object Series: its numbers arrive in
    object columns, which hold real numbers and are read as such."""
    X, clf = with_categories
    row = X.iloc[0].to_frame().T
    assert all(t.kind == "O" for t in row.dtypes)
    np.testing.assert_array_equal(clf.predict_proba(row), clf.predict_proba(X[:1]))
    np.testing.assert_array_equal(clf.predict_proba(X[:3].astype(object)),
                                  clf.predict_proba(X[:3]))


def test_fit_refuses_a_complex_column_beside_categories():
    X, y = _table()
    with pytest.raises(ValueError, match=r"non-numeric columns \['a'\]"):
        _fit(X.assign(a=X.a + 1j), y)


# -- dates and times under 'auto' --------------------------------------------
def _times(n=150):
    rng = np.random.default_rng(0)
    day = pd.to_datetime("2024-01-01") + pd.to_timedelta(rng.integers(0, 5, n),
                                                         unit="D")
    return pd.DataFrame({
        "a": rng.normal(size=n),
        "day": day,
        "utc": day.tz_localize("UTC"),
        "dur": pd.to_timedelta(rng.integers(0, 5, n), unit="min"),
        "month": day.to_period("M"),
        "bin": pd.IntervalIndex(pd.cut(rng.normal(size=n), 3)),  # not category
        "date": np.asarray(day.date, dtype=object),  # Series.dt.date's objects
        "gap": np.r_[[None], np.asarray(day.date, dtype=object)[1:]],
    })


@pytest.mark.parametrize("column", ["day", "utc", "dur", "month", "bin", "date",
                                    "gap"])
def test_auto_refuses_date_time_and_interval_columns(column):
    X = _times()[["a", column]]
    y = (X.a > 0).astype(int)
    with pytest.raises(ValueError, match=rf"columns \['{column}'\].*total_seconds"
                                         r".*astype\('category'\)"):
        _fit(X, y)


def test_dates_listed_or_of_category_dtype_are_categories():
    X = _times()[["a", "day"]]
    y = (X.a > 0).astype(int)
    listed = _fit(X, y, params=dict(categorical_features=["day"]))
    as_category = _fit(X.assign(day=X.day.astype("category")), y)
    for clf in (listed, as_category):
        assert clf._categorical_columns() == ["day"]
        assert len(clf.distinguishability_matrix("day")[0]) == 5


# -- the order of categories -------------------------------------------------
def test_numeric_codes_are_sorted_by_value():
    rng = np.random.default_rng(0)
    month = rng.integers(1, 13, 200)
    X = pd.DataFrame({"a": rng.normal(size=200), "month": month})
    y = ((month >= 7) ^ (X.a > 0)).astype(int)
    clf = _fit(X, y, params=dict(categorical_features=["month"]))
    assert list(clf.distinguishability_matrix("month")[0]) == list(range(1, 13))


def test_strings_sort_alphabetically_and_mixed_types_by_type():
    from skdib._dib._categorical import _sorted

    assert _sorted(["b", "a", "B"]) == ["B", "a", "b"]
    assert _sorted([2.5, 10, 1]) == [1, 2.5, 10]
    assert _sorted([10, "b", 2, "a"]) == [10, 2, "a", "b"]  # int < str by name


# -- duplicate column names --------------------------------------------------
@pytest.mark.parametrize("categorical_features", [["c"], "auto"])
def test_duplicate_column_names_are_named(categorical_features):
    X = pd.DataFrame([[0.1, "u", "p"], [0.2, "v", "q"]] * 10, columns=["a", "c", "c"])
    with pytest.raises(ValueError, match=r"duplicate column names \['c'\]"):
        _fit(X, np.arange(20) % 2,
             params=dict(categorical_features=categorical_features))


# -- object columns that hold numbers ----------------------------------------
def test_auto_reads_an_object_column_of_numbers_as_numbers():
    """Decimals, or floats held as objects, are numbers: the fit equals the
    one on the float column (before, 'auto' made each value a category)."""
    from decimal import Decimal

    X, y = _table(80)
    X = X.assign(a=X.a.round(3))
    reference = _fit(X, y)
    for column in (X.a.map(lambda v: Decimal(str(v))), X.a.astype(object)):
        fitted = _fit(X.assign(a=column), y)
        assert fitted._categorical_columns() == ["c"]
        _same_fit(fitted, reference, X)
    listed = _fit(X.assign(a=X.a.astype(object)),
                  y, params=dict(categorical_features=["a", "c"]))
    assert listed._categorical_columns() == ["a", "c"]
