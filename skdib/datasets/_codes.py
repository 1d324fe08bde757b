"""Discrete columns as integer codes, and the entropy of such codes."""

import numpy as np
import pandas as pd

__all__ = ["as_array", "code_entropy", "encode_columns", "row_entropies",
           "target_entropy", "value_codes"]


def as_array(values):
    """``values`` as an ndarray, keeping each entry's own type: numpy would
    turn a list that mixes text and numbers into text, so that 1 and 1.0
    become two symbols and NaN the text 'nan'; such a list becomes an array
    of objects, as a DataFrame of the same values gives."""
    array = np.asarray(values)
    if array.dtype.kind in "US" and not isinstance(values, np.ndarray):
        array = np.asarray(values, dtype=object)
    return array


def value_codes(values, name="y"):
    """Integer codes 0..k-1 of the values of one column, and k.

    Missing entries (None, NaN, ``pd.NA``) are one more value, as NaNs are
    in a column of floats (``np.unique`` keeps them together). An object
    column (text, mixed types, missing entries; every column of an array
    made from a table that holds text) is coded by hashing, as its values
    need not be orderable; one with unhashable entries (lists) by sorting.
    ``name`` says which column when neither works.
    """
    if values.dtype == object:
        try:
            codes, distinct = pd.factorize(values, use_na_sentinel=False)
            return codes, len(distinct)
        except TypeError:  # unhashable entries: sorted, if they can be
            pass
    try:
        distinct, codes = np.unique(values, return_inverse=True)
    except TypeError as error:
        raise TypeError(f"{name} holds values that are neither hashable nor "
                        f"orderable, so they cannot be categories: {error}.",
                        ) from None
    return codes, len(distinct)


def encode_columns(X, feature_names):
    """Integer codes 0..k_j-1 per column, and the number of values k_j."""
    codes = np.empty(X.shape, dtype=np.int64)
    radix = np.empty(X.shape[1], dtype=np.int64)
    for j in range(X.shape[1]):
        codes[:, j], radix[j] = value_codes(X[:, j],
                                            f"X column {feature_names[j]!r}")
    return codes, radix


def code_entropy(codes):
    """Entropy in bits of the empirical distribution of integer codes."""
    return float(row_entropies(np.sort(codes)[None, :])[0])


def target_entropy(y):
    """H(Y) in bits of the empirical distribution of ``y`` (1-D), as
    :func:`subset_information` records it in ``attrs["target_entropy"]``."""
    return code_entropy(value_codes(as_array(y))[0])


def row_entropies(sorted_codes):
    """Entropy in bits of the values in each row of a row-wise sorted array."""
    m, n = sorted_codes.shape
    new_run = np.empty((m, n), dtype=bool)
    new_run[:, 0] = True
    np.not_equal(sorted_codes[:, 1:], sorted_codes[:, :-1], out=new_run[:, 1:])
    starts = np.flatnonzero(new_run)
    counts = np.diff(starts, append=m * n).astype(float)
    sum_clogc = np.bincount(starts // n, weights=counts * np.log2(counts),
                            minlength=m)
    return np.log2(n) - sum_clogc / n
