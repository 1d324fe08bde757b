"""The names of X's columns, and the one rule that finds a listed column.

scikit-learn records ``feature_names_in_`` only when every column label of a
DataFrame is a string. A table read with ``pd.read_csv(..., header=None)``
has integer labels (0, 1, 2, ...; after ``y = df.pop(0)``: 1, 2, 3, ...),
and naming its channels ``x0, x1, ...`` by position would shift every name
by one. Such labels are kept at ``fit`` (:func:`integer_labels`) and name
the channels as text ("1", "2", ...). ``categorical_features`` and
``feature_groups`` resolve their entries with :func:`column_position`:
an integer is a position, a string a name.
"""

from numbers import Integral

import numpy as np

__all__ = ["column_names", "column_position", "integer_labels"]


def integer_labels(X):
    """The column labels of a DataFrame whose labels are all integers (as
    ints), else None (arrays, string names, mixed labels)."""
    columns = getattr(X, "columns", None)
    if columns is None or not hasattr(X, "dtypes") or len(columns) == 0:
        return None
    labels = list(columns)
    if all(isinstance(c, Integral) and not isinstance(c, (bool, np.bool_))
           for c in labels):
        return [int(c) for c in labels]
    return None


def column_names(est, n_features=None):
    """One name per input column of a fitted ``est``: ``feature_names_in_``,
    else the integer labels its DataFrame had (as text), else ``x0, x1, ...``.
    """
    names = getattr(est, "feature_names_in_", None)
    if names is None:
        names = getattr(est, "_integer_labels", None)
    if names is None:
        n = est.n_features_in_ if n_features is None else n_features
        return [f"x{j}" for j in range(n)]
    return [str(n) for n in names]


def column_position(item, n_columns, names, labels, param):
    """The position of one column listed in ``param``.

    Parameters
    ----------
    item : int or str
        A position (negative counts from the end) or a column name.
    n_columns : int
    names : list of str or None
        The columns' names (None: X has none, only positions are allowed).
    labels : list of int or None
        The integer labels of X's columns, when it has them. An integer that
        is one of them but at another position is refused as ambiguous.
    param : str
        The parameter, for the messages.
    """
    if isinstance(item, (bool, np.bool_)):
        raise TypeError(f"{param} entries must be ints or names, got {item!r}.")
    if isinstance(item, Integral):
        if not -n_columns <= item < n_columns:
            raise ValueError(f"{param} refers to column {item}, but X has "
                             f"{n_columns} columns.")
        position = int(item) % n_columns
        if labels is not None and item in labels and labels.index(item) != position:
            raise ValueError(_ambiguous(item, position, labels, param))
        return position
    if not isinstance(item, str):
        raise TypeError(f"{param} entries must be column indices or names, "
                        f"got {item!r}.")
    if names is None:
        raise ValueError(f"{param} refers to column {item!r} by name, but X has "
                         "no column names; pass a pandas DataFrame or use "
                         "positions.")
    if item not in names:
        raise ValueError(f"{param} refers to unknown column {item!r}: there is "
                         f"no column {item!r}; the columns are {names}.")
    return names.index(item)


def _ambiguous(item, position, labels, param):
    return (f"{param} lists {item!r}, which is ambiguous: X's columns are "
            f"labelled by integers {labels}, and an integer in {param} is a "
            f"position, so {item!r} would mean the column at position "
            f"{position} (labelled {labels[position]!r}), not the column "
            f"labelled {item!r} (at position {labels.index(item)}). Pass the "
            f"label as a string ({str(item)!r}) to mean that column, or "
            "reorder or rename X's columns (for example X.columns = "
            "X.columns.astype(str)).")
