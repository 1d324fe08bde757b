"""Input checks shared by the estimators and the command line (no torch)."""

import numbers
from decimal import Decimal

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype, is_object_dtype

__all__ = ["as_pandas", "check_groups", "check_n_jobs", "check_number",
           "check_not_series", "check_numeric_frame",
           "check_positive_int", "holds_real_numbers", "is_frame",
           "is_number_column", "is_real_number", "is_series",
           "non_numeric_columns", "plain_value", "refuse_complex",
           "rescaled_by_power_of_two"]

_ENCODE_HINT = (
    "Encode them first (for example one-hot with "
    "sklearn.preprocessing.OneHotEncoder) and pass each encoded block as one "
    "entry of feature_groups."
)


def is_series(X):
    """Whether ``X`` is a pandas Series (one column, one dtype)."""
    return hasattr(X, "dtype") and hasattr(X, "to_frame") and not hasattr(
        X, "columns")


def is_frame(X):
    """Whether ``X`` is a table with named columns and their dtypes (a
    DataFrame of pandas or of another library)."""
    return hasattr(X, "columns") and hasattr(X, "dtypes")


def as_pandas(X, name="X"):
    """``X`` itself, or, when it is a table of another library (polars,
    pyarrow, ... anything :func:`narwhals.from_native` reads), the same
    table as a pandas DataFrame: column names, values, missing entries and
    categories (of ``Categorical`` and ``Enum`` columns) kept.

    The estimators read pandas; converting at the entry lets every later
    check (categorical columns, names, numbers) see one kind of table.

    Raises
    ------
    TypeError
        For a table that narwhals (a dependency of scikit-learn >= 1.9)
        cannot read, or any other table when narwhals is absent.
    """
    if isinstance(X, pd.DataFrame) or is_series(X) or not is_frame(X):
        return X
    try:
        import narwhals.stable.v2 as nw
        frame = nw.from_native(X, eager_only=True, pass_through=True)
    except ImportError:  # pragma: no cover - scikit-learn < 1.9 without it
        nw = frame = None
    if nw is None or not isinstance(frame, nw.DataFrame):
        kind = f"{type(X).__module__}.{type(X).__qualname__}"
        raise TypeError(
            f"{name} is a {kind}, a table skdib cannot read; pass a pandas "
            f"DataFrame (for example {name}.to_pandas()) or a NumPy array.")
    return pd.DataFrame({c: _pandas_column(frame.get_column(c), nw)
                         for c in frame.columns}, index=pd.RangeIndex(len(frame)))


def _pandas_column(series, nw):
    """One narwhals column as values for pandas (categories kept)."""
    if series.dtype == nw.Categorical or series.dtype == nw.Enum:
        categories = series.cat.get_categories().to_numpy()
        return pd.Categorical(series.to_numpy(), categories=categories)
    return series.to_numpy()


def is_real_number(value):
    """Whether ``value`` is a real number: a Python or numpy number, a
    ``Decimal`` or a boolean (as in a numeric array), not text."""
    return isinstance(value, (numbers.Real, Decimal, np.bool_))


def holds_real_numbers(values):
    """Whether every present entry of ``values`` (missing ones aside: None,
    NaN, ``pd.NA``) is a real number, and at least one is present: an object
    column that holds numbers (``X.iloc[[0]]`` of a mixed table, Decimals)."""
    present = [v for v in values if not (v is None or v is pd.NA or (
        isinstance(v, float) and v != v))]
    return len(present) > 0 and all(is_real_number(v) for v in present)


def is_number_column(column):
    """Whether a pandas column (a Series) holds numbers: a numeric or boolean
    dtype, or an object column whose entries are all real numbers (missing
    ones aside), as ``X.iloc[[0]]`` of a mixed table or a column of Decimals
    gives."""
    dtype = column.dtype
    if is_numeric_dtype(dtype) or is_bool_dtype(dtype):
        return True
    return is_object_dtype(dtype) and holds_real_numbers(column)


def non_numeric_columns(frame):
    """Names of the columns of a DataFrame that do not hold numbers (see
    :func:`is_number_column`).

    A pandas Series counts as one column (its name, or ``'0'``). Returns an
    empty list for objects without ``dtypes`` (e.g. numpy arrays).
    """
    if is_series(frame):
        ok = is_number_column(frame)
        return [] if ok else [str(frame.name if frame.name is not None else 0)]
    dtypes = getattr(frame, "dtypes", None)
    if dtypes is None or not hasattr(dtypes, "items"):
        return []
    # the dtype decides, except for object columns (a scan of their entries)
    return [str(c) for j, (c, t) in enumerate(dtypes.items())
            if not (is_numeric_dtype(t) or is_bool_dtype(t))
            and not is_number_column(frame.iloc[:, j])]


def check_groups(groups, n_rows, *, min_labels=1, weights=None):
    """``groups`` as an array with one label per row, or None.

    Parameters
    ----------
    groups : array-like of shape (n_rows,) or None
    n_rows : int
        Rows of X.
    min_labels : int, default=1
        Fewest distinct labels that make sense for the caller (holding out
        whole groups needs at least 2).
    weights : ndarray of shape (n_rows,) or None, default=None
        Row weights: the labels are counted among the rows of positive
        weight, the rows a fit keeps (None: every row).

    Returns
    -------
    groups : ndarray of shape (n_rows,) or None
    """
    if groups is None:
        return None
    groups = np.asarray(groups)
    if groups.ndim != 1:
        raise ValueError(
            f"groups must be one label per row (1-D); got shape {groups.shape}.")
    if len(groups) != n_rows:
        raise ValueError(f"groups has {len(groups)} entries but X has {n_rows} rows.")
    kept, among = groups, ""
    if weights is not None and not np.all(weights > 0):
        kept = groups[np.asarray(weights) > 0]
        among = (f" among the {len(kept)} rows of positive weight (rows of "
                 "weight 0 are left out)")
    n_labels = len(np.unique(kept.astype(str)))
    if n_labels < min_labels:
        raise ValueError(
            f"groups has only {n_labels} distinct label(s) "
            f"({plain_value(kept[0])!r}){among}; holding out whole groups needs "
            f"at least {min_labels}. Drop groups to split the rows at random, "
            "or give one label per experiment, run or subject.")
    return groups


def group_codes(groups):
    """Integer codes 0, 1, ... of group labels of any type, one per row (the
    clusters of a cluster-robust standard error)."""
    return np.unique(np.asarray(groups), return_inverse=True)[1].ravel()


def plain_value(value):
    """A numpy scalar as the Python value it holds (for readable messages)."""
    return value.item() if isinstance(value, np.generic) else value


def _first_non_number(values):
    """The first entry of an object or string array that is not a number."""
    for v in np.ravel(values):
        try:
            float(v)
        except (TypeError, ValueError):
            return plain_value(v)
    return None


def check_not_series(X, *, name="X"):
    """Refuse a pandas Series where a 2-D table is needed, saying how to pass
    one column or one row (scikit-learn's own refusal names the class by a
    module path that differs between pandas versions, and no way through).

    Raises
    ------
    ValueError
        When ``X`` is a pandas Series.
    """
    if is_series(X):
        raise ValueError(
            f"{name} is a pandas Series (one-dimensional); estimators need a 2-D "
            f"table of shape (n_samples, n_features). Use {name}.to_frame() for "
            f"a single feature, or {name}.to_numpy().reshape(1, -1) for a "
            "single sample.")


def check_numeric_frame(X, *, name="X", hint=_ENCODE_HINT, allow_series=False):
    """Refuse non-numeric input, naming the columns or the first bad value.

    Parameters
    ----------
    X : array-like
        A DataFrame, a Series, a numpy array or anything array-like.
    name : str, default="X"
        How the input is called in messages.
    hint : str
        What the user should do about non-numeric columns.
    allow_series : bool, default=False
        Accept a numeric pandas Series (for inputs where 1-D means one column).

    Raises
    ------
    ValueError
        For a pandas Series (a single column: pass ``X.to_frame()``), for
        DataFrame columns that do not hold numbers, and for string
        or object arrays with an entry that is not a number.
    """
    if not allow_series:
        check_not_series(X, name=name)
    bad = non_numeric_columns(X)
    if bad:
        raise ValueError(f"{name} has non-numeric columns {bad}. {hint}")
    if isinstance(X, (list, tuple)):
        try:
            X = np.asarray(X)
        except ValueError:  # ragged: scikit-learn's own message names it
            return
    dtype = getattr(X, "dtype", None)
    if getattr(dtype, "kind", None) in ("O", "S", "U"):
        try:
            np.asarray(X, dtype=np.float64)
        except ValueError:  # strings; a TypeError is left to scikit-learn
            value = _first_non_number(X)
            raise ValueError(
                f"{name} contains a non-numeric value {value!r} (array of dtype "
                f"{dtype}). {hint}") from None


def check_positive_int(value, name, minimum=1):
    """``value`` as an int of at least ``minimum``, or a clear error naming
    ``name`` (a bool is no integer here)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}.")
    return int(value)


def check_n_jobs(n_jobs):
    """``n_jobs`` as joblib takes it: None, or a nonzero int (-1 for all
    cores, -2 for all but one, ...); a clear error otherwise (a float, a
    string, a bool or 0)."""
    if n_jobs is None:
        return None
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError("n_jobs must be None or a nonzero integer (-1 for all "
                        f"cores); got {n_jobs!r}.")
    if n_jobs == 0:
        raise ValueError("n_jobs must be None or a nonzero integer (-1 for all "
                         "cores); got 0.")
    return int(n_jobs)


def refuse_complex(X, name, hint):
    """Refuse complex numbers in ``X``, which a float conversion would cut to
    their real part with no more than a ``ComplexWarning`` (scikit-learn's
    ``check_array`` refuses them for tables): a ValueError saying that
    ``name`` holds complex numbers, followed by ``hint`` (what is accepted
    instead). Anything that is not one array (ragged lists) passes: the
    conversion that follows explains it."""
    try:
        kind = np.asarray(X).dtype.kind
    except (TypeError, ValueError):
        return
    if kind == "c":
        raise ValueError(f"{name} holds complex numbers; {hint}")


def check_number(value, name, *, positive=True, unit=""):
    """``value`` as a finite float, > 0 if ``positive`` else >= 0, or a clear
    error naming ``name`` (a string or a bool is no number here)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number; got {value!r}.")
    value = float(value)
    if not np.isfinite(value) or value < 0 or (positive and value == 0):
        what = "a positive finite number" if positive else "a finite number >= 0"
        raise ValueError(f"{name} must be {what}{unit}; got {value!r}.")
    return value


def rescaled_by_power_of_two(a, *, per_column=False):
    """``a`` times a power of two when its values are so large (or small)
    that squared distances would overflow (or underflow) float64. A common
    factor changes no rank, and a power of two changes no digit (nor the
    differences of values). ``per_column``: one power of two per column of a
    2-D ``a``, for columns whose differences are measured in their own unit."""
    largest = np.abs(a).max(axis=0 if per_column else None)
    fine = (largest == 0) | ((2.0**-256 < largest) & (largest < 2.0**256))
    if np.all(fine):
        return a
    return np.ldexp(a, np.where(fine, 0, -np.frexp(largest)[1]))
