"""Checks of set-valued inputs and the element bookkeeping around them.

A sample is a set of up to ``n_elements`` elements, each described by
``n_features`` numbers: X has shape (n_samples, n_elements, n_features). A
row of NaN is padding (a set with fewer elements); any other NaN or an
infinite value is an error. One column may hold the element's type.
"""

from numbers import Integral

import numpy as np

from skdib._sets._type_warnings import listed
from skdib._utils._validation import refuse_complex

__all__ = ["check_sets", "check_type_column", "element_counts", "element_rows",
           "element_types", "membership", "type_code_text", "type_names"]


def check_sets(X, n_features=None, type_column=None, types=None):
    """X as float64 (n_samples, n_elements, n_features), checked.

    ``n_features`` (after fit): the number the estimator was fitted on.
    ``types`` (after fit): the known type codes; an element of another type
    is an error.
    """
    refuse_complex(
        X, "X", "the set estimators take real numbers only. Give the real and "
        "imaginary parts as two columns of the elements.")
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"X must be a numeric array of sets: {exc}. Sets of different "
            "sizes are padded to a common size with all-NaN elements (rows "
            "of NaN), which the estimators skip.") from None
    if X.ndim != 3:
        raise ValueError(
            "X must have shape (n_samples, n_elements, n_features): one set of "
            f"elements per sample; got an array with {X.ndim} dimension(s). "
            "For a table with one row per sample use DistributedIBClassifier "
            "or DistributedIBRegressor.")
    n, n_elements, width = X.shape
    if n == 0 or n_elements == 0 or width == 0:
        raise ValueError(f"X of shape {X.shape} holds no elements.")
    if n_features is not None and width != n_features:
        raise ValueError(f"X has {width} features per element, but the "
                         f"estimator was fitted with {n_features}.")
    if np.isinf(X).any():
        raise ValueError("X contains infinite values.")
    missing = np.isnan(X)
    padding = missing.all(axis=-1)
    if (missing.any(axis=-1) & ~padding).any():
        raise ValueError("X has elements with some but not all numbers NaN; an "
                         "element is either complete or padding (all NaN).")
    empty = np.flatnonzero(padding.all(axis=1))
    if len(empty):
        raise ValueError(f"{len(empty)} sample(s) have no element (all rows NaN), "
                         f"the first at index {empty[0]}.")
    check_type_column(type_column, width)
    if type_column is not None and types is not None:
        codes = X[..., type_column][~padding]
        unknown = np.setdiff1d(np.unique(codes), types)
        if len(unknown):
            raise ValueError(
                f"Element types [{listed(unknown.tolist())}] did not occur in "
                f"training (known: [{listed(np.asarray(types).tolist())}]).")
    return X


def check_type_column(type_column, width):
    """``type_column`` must be None or a column index of the elements."""
    if type_column is None:
        return
    if isinstance(type_column, bool) or not isinstance(type_column, Integral):
        raise TypeError(f"type_column must be an int or None, got {type_column!r}.")
    if not 0 <= type_column < width:
        raise ValueError(f"type_column={type_column} is not a column of elements "
                         f"with {width} numbers.")
    if width == 1:
        raise ValueError("type_column leaves no numbers to encode: the elements "
                         "have only the type column.")


def element_types(X, type_column):
    """Sorted distinct type codes of the existing elements ([0.0] if none)."""
    if type_column is None:
        return np.array([0.0])
    exists = ~np.isnan(X).all(axis=-1)
    return np.unique(X[..., type_column][exists])


def membership(X, type_column, types):
    """Boolean (n_types, n_samples, n_elements): element exists with type t."""
    exists = ~np.isnan(X).all(axis=-1)
    if type_column is None:
        return exists[None]
    return (X[None, ..., type_column] == np.asarray(types)[:, None, None]) & exists


def element_counts(X, type_column, types):
    """Mean number of elements of each type per sample, shape (n_types,)."""
    return membership(X, type_column, types).sum(axis=-1).mean(axis=-1)


def element_rows(X, type_column, types, index):
    """All existing elements of type ``types[index]``, shape (m, n_features)."""
    return X[membership(X, type_column, types)[index]]


def type_names(type_column, types):
    """Channel names of the path: ``'type=<code>'`` per type, or 'element'."""
    if type_column is None:
        return ["element"]
    return [f"type={type_code_text(t)}" for t in types]


def type_code_text(code):
    """A type code as text: an integer as one ('1'), any other number in the
    shortest form that reads back as the same float ('1.0000001'), so that
    distinct codes never share a name."""
    code = float(code)
    if code.is_integer():
        return str(int(code))
    return np.format_float_positional(code, trim="-")
