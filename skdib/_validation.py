"""Input checks shared by the estimators and the command line (no torch)."""

import numpy as np
from pandas.api.types import is_bool_dtype, is_numeric_dtype

__all__ = ["check_groups", "non_numeric_columns"]


def non_numeric_columns(frame):
    """Names of the columns of a DataFrame that are neither numeric nor bool.

    Returns an empty list for objects without ``dtypes`` (e.g. numpy arrays).
    """
    dtypes = getattr(frame, "dtypes", None)
    if dtypes is None:
        return []
    return [str(c) for c, t in dtypes.items()
            if not (is_numeric_dtype(t) or is_bool_dtype(t))]


def check_groups(groups, n_rows):
    """``groups`` as an array with one label per row, or None."""
    if groups is None:
        return None
    groups = np.asarray(groups)
    if len(groups) != n_rows:
        raise ValueError(f"groups has {len(groups)} entries but X has {n_rows} rows.")
    return groups
