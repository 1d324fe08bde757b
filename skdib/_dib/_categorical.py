"""Categorical columns of a table: one channel each, one-hot inside.

A pandas DataFrame may hold string, object or ``category`` columns (and,
when named in ``categorical_features``, integer codes). Each such column
becomes one channel: the estimator sees its one-hot block, the path and the
report see the column. Categories are learned at ``fit``; a category first
seen at ``predict`` is encoded as the all-zero block with a warning, like
``OneHotEncoder(handle_unknown='warn')``; a lookup-table encoder gives that
block the prior as its message (see :mod:`skdib._backend.dib._tables`).
"""

import datetime
import warnings
from numbers import Real

import numpy as np
import pandas as pd
from pandas.api.types import (
    is_complex_dtype,
    is_object_dtype,
)

from skdib._dib._columns import column_position, integer_labels
from skdib._utils._validation import is_frame, non_numeric_columns
from skdib._utils._warnings import user_stacklevel
from skdib.exceptions import UnknownCategoryWarning

__all__ = ["CategoricalLayout", "fit_layout"]

# Most categories a column may have before it is refused as an identifier.
MAX_CATEGORIES = 1000
# Share of distinct values among the rows above which a categorical column
# is warned about as an identifier (or a numeric column read as text).
IDENTIFIER_SHARE = 0.5


def _auto_columns(frame):
    """Positions of the columns that do not hold numbers."""
    names = set(non_numeric_columns(frame))
    return [j for j, c in enumerate(frame.columns) if str(c) in names]


def _is_temporal(dtype):
    """Datetimes (with or without a time zone), timedeltas, periods and
    intervals: quantities, not categories (a ``category`` dtype is neither)."""
    return (getattr(dtype, "kind", None) in ("M", "m")
            or isinstance(dtype, (pd.PeriodDtype, pd.IntervalDtype)))


def _holds_times(column):
    """An object column of dates or times (``Series.dt.date`` gives one),
    missing entries aside."""
    present = [v for v in column if not pd.isna(v)] if is_object_dtype(
        column.dtype) else []
    return len(present) > 0 and all(
        isinstance(v, (datetime.date, datetime.time, datetime.timedelta))
        for v in present)


def _refuse_temporal(frame, positions):
    """Refuse the temporal columns that 'auto' would make categorical."""
    temporal = [str(frame.columns[j]) for j in positions
                if _is_temporal(frame.dtypes.iloc[j])
                or _holds_times(frame.iloc[:, j])]
    if temporal:
        raise ValueError(
            f"X has date, time, period or interval columns {temporal}, which "
            "categorical_features='auto' does not make categorical: each "
            "distinct time would be a category of its own. Convert a quantity "
            "to numbers (for example a duration with .dt.total_seconds(), a "
            "date with .astype('int64') or as days since a reference date); if "
            "the values really are a few categories, pass .astype('category') "
            "or list the columns in categorical_features.")


def _check_unique_names(frame):
    """Refuse duplicate column names (a name must say which column)."""
    if not frame.columns.is_unique:
        twice = sorted({str(c) for c in frame.columns[frame.columns.duplicated()]})
        raise ValueError(
            f"X has duplicate column names {twice}; feature names must be "
            "unique. Rename the columns (for example X.columns = [...]).")


def _not_real(frame, skip=()):
    """Names of the columns outside ``skip`` (positions) that are not real
    numbers or booleans: text, dates and times, complex numbers. An object
    column of real numbers (as ``X.iloc[[0]]`` of a mixed table gives) is
    real."""
    keep = [j for j in range(frame.shape[1]) if j not in skip]
    rest = frame.iloc[:, keep]
    return non_numeric_columns(rest) + [
        str(c) for c, t in rest.dtypes.items() if is_complex_dtype(t)]


def _named_columns(frame, spec):
    """Positions of the columns listed in ``categorical_features`` (the rule
    of :func:`~skdib._dib._columns.column_position`, as for
    ``feature_groups``)."""
    names = [str(c) for c in frame.columns]
    labels = integer_labels(frame)
    return sorted({column_position(item, len(names), names, labels,
                                   "categorical_features") for item in spec})


def _categories(column, name):
    """The sorted categories of one column (its own order for ``category``)."""
    if column.isna().any():
        raise ValueError(
            f"Categorical column {name!r} has missing values. Fill them (for "
            "example with a 'missing' category) or drop those rows.")
    if isinstance(column.dtype, pd.CategoricalDtype):
        # in the dtype's order, without the categories no row has (left over
        # after filtering a table): no channel input is left untrained
        observed = np.unique(column.cat.codes.to_numpy())
        cats = np.asarray(column.cat.categories[observed], dtype=object)
    else:
        cats = np.asarray(_sorted(pd.unique(column)), dtype=object)
    if len(cats) > MAX_CATEGORIES:
        raise ValueError(
            f"Categorical column {name!r} has {len(cats)} distinct values "
            f"(more than {MAX_CATEGORIES}); it looks like an identifier. Drop "
            "it, or bin it into fewer categories.")
    if len(cats) > IDENTIFIER_SHARE * len(column) and len(column) >= 20:
        warnings.warn(
            f"Categorical column {name!r} has {len(cats)} distinct values in "
            f"{len(column)} rows, so nearly every row is a category of its own "
            f"and the channel cannot generalise.{_stray_values(column)}",
            UserWarning, stacklevel=user_stacklevel())
    return cats


def _sorted(values):
    """Values in order: by value when they are all numbers or all of one
    type (1, 2, 10; strings alphabetically), else by type name and text."""
    values = list(values)
    if (all(isinstance(v, Real) for v in values)
            or len({type(v) for v in values}) <= 1):
        try:
            return sorted(values)
        except TypeError:  # unorderable values (complex numbers, ...)
            pass
    return sorted(values, key=lambda v: (type(v).__name__, str(v)))


def _stray_values(column):
    """For a column of mostly numbers: the entries that are not numbers."""
    parsed = pd.to_numeric(column.astype(object), errors="coerce")
    stray = column[parsed.isna()]
    if len(stray) == 0 or len(stray) > len(column) / 2:
        return ""
    shown = ", ".join(repr(v) for v in pd.unique(stray)[:5])
    return (f" Most of its values are numbers; these are not: {shown}. Clean "
            "them (for example replace them with NaN and drop or fill those "
            "rows) so that the column is read as numeric.")


class CategoricalLayout:
    """Where each input column lands in the numeric matrix the network sees.

    Parameters
    ----------
    n_columns : int
        Columns of the input table.
    categories : dict of int to ndarray
        For each categorical column (by position), its categories in order.
    """

    def __init__(self, n_columns, categories):
        self.n_columns = n_columns
        self.categories = categories
        self.blocks = []
        start = 0
        for j in range(n_columns):
            width = len(categories[j]) if j in categories else 1
            self.blocks.append(list(range(start, start + width)))
            start += width
        self.n_outputs = start

    def expand_channels(self, channels):
        """Channels of input columns as channels of numeric columns."""
        return [[k for j in cols for k in self.blocks[j]] for cols in channels]

    def one_hot_flags(self, net_channels):
        """Per channel of numeric columns: for each column, the categorical
        column whose one-hot block it belongs to, or -1 (a number)."""
        block = {k: j for j in self.categories for k in self.blocks[j]}
        return [[block.get(k, -1) for k in cols] for cols in net_channels]

    def channel_categories(self, channels):
        """Per channel: the categories of a lone categorical column, else None."""
        return [self.categories.get(cols[0]) if len(cols) == 1 else None
                for cols in channels]

    def read_only(self, channels):
        """Leave the categorical columns in no channel unread from now on (no
        warning about their new categories, no error for their missing
        values): the fitted model does not use them."""
        used = {j for cols in channels for j in cols}
        self.unread = {j for j in self.categories if j not in used}

    def transform(self, frame, *, warn=True, read_all=False):
        """The numeric matrix: numeric columns as they are, categories one-hot
        (``read_all``: also those :meth:`read_only` leaves unread, as ``fit``
        read them)."""
        _check_numbers(frame, self.categories)
        out = np.zeros((len(frame), self.n_outputs))
        # absent in models pickled before it existed
        unread = () if read_all else getattr(self, "unread", ())
        for j in range(self.n_columns):
            column = frame.iloc[:, j]
            block = self.blocks[j]
            if j not in self.categories:
                out[:, block[0]] = _numeric(column)
                continue
            if j in unread:
                continue
            if column.isna().any():
                raise ValueError(f"Categorical column {column.name!r} has missing "
                                 "values; fill or drop them before predicting.")
            codes = pd.Index(self.categories[j]).get_indexer(column.astype(object))
            unknown = codes < 0
            if warn and unknown.any():
                seen = sorted({str(v) for v in column[unknown]})[:5]
                warnings.warn(
                    f"Column {column.name!r} has categories not seen during fit "
                    f"({', '.join(seen)}); they are encoded as all zeros, the "
                    "channel's 'unknown' input.", UnknownCategoryWarning,
                    stacklevel=user_stacklevel())
            rows = np.flatnonzero(codes >= 0)
            out[rows, np.asarray(block)[codes[rows]]] = 1.0
        return out


def _numeric(column):
    """A numeric or boolean column as float64 (booleans as 0 and 1)."""
    return column.to_numpy(dtype=np.float64, na_value=np.nan)


_CONVERT_HINT = (
    "Convert them to real numbers: a date or duration with .dt.total_seconds() "
    "or .astype('int64'), text with decimal commas with "
    "pd.to_numeric(s.str.replace(',', '.')), a complex number as two columns "
    "(its real and imaginary parts).")


def _check_numbers(frame, categorical, *, listed=False):
    """Refuse, naming them, the columns outside ``categorical`` (positions)
    that are not real numbers: at ``fit`` (``listed``: the categorical
    columns are those of an explicit ``categorical_features``) and at
    ``predict`` alike."""
    bad = _not_real(frame, categorical)
    if not bad:
        return
    if listed:
        raise ValueError(
            f"X has non-numeric columns {bad} that categorical_features does "
            "not list. Add the categorical ones to the list (or pass "
            "categorical_features='auto' to take every text column), drop "
            f"them, or convert them. {_CONVERT_HINT}")
    raise ValueError(f"X has non-numeric columns {bad}, where the model reads "
                     f"numbers. {_CONVERT_HINT}")


def fit_layout(X, categorical_features):
    """The layout of a table, or None when it has no categorical column.

    Parameters
    ----------
    X : array-like
        The training input. Only pandas DataFrames can hold categories.
    categorical_features : 'auto', list of str or int, or None
        'auto': every column that does not hold numbers (an object column
        of real numbers holds numbers; date, time, period and interval
        columns are refused: quantities). A list
        names the columns (names or positions; integer codes allowed). None:
        no column is categorical (non-numeric columns are refused).
    """
    if categorical_features is None or not is_frame(X):
        if categorical_features not in (None, "auto"):
            raise ValueError(
                "categorical_features names columns, which needs a pandas "
                "DataFrame; X has no column names.")
        return None
    _check_unique_names(X)
    if isinstance(categorical_features, str):
        if categorical_features != "auto":
            raise ValueError("categorical_features must be 'auto', None or a list "
                             f"of columns; got {categorical_features!r}.")
        positions = _auto_columns(X)
        _refuse_temporal(X, positions)
    else:
        positions = _named_columns(X, list(categorical_features))
        _check_numbers(X, positions, listed=True)
    if not positions:
        return None
    names = [str(c) for c in X.columns]
    categories = {j: _categories(X.iloc[:, j], names[j]) for j in positions}
    return CategoricalLayout(X.shape[1], categories)
