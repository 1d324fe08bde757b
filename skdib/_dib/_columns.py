"""The names of X's columns, and the one rule that finds a listed column.

scikit-learn records ``feature_names_in_`` only when every column label of a
DataFrame is a string. A table read with ``pd.read_csv(..., header=None)``
has integer labels (0, 1, 2, ...; after ``y = df.pop(0)``: 1, 2, 3, ...),
and naming its channels ``x0, x1, ...`` by position would shift every name
by one. Such labels are kept at ``fit`` (:func:`integer_labels`) and name
the channels as text ("1", "2", ...), and an X given later (``predict``,
``transform``, ``X_val``) must have the same labels in the same order
(:func:`check_integer_labels`), as scikit-learn requires of string names.
``categorical_features`` and
``feature_groups`` resolve their entries with :func:`column_position`:
an integer is a position, a string a name.
"""

import warnings
from numbers import Integral

import numpy as np

from skdib._utils._validation import is_series, plain_value
from skdib._utils._warnings import user_stacklevel

__all__ = ["check_integer_labels", "column_names", "column_position",
           "integer_labels", "refuse_ambiguous_integer"]


def integer_labels(X):
    """The column labels of a DataFrame whose labels are all integers (as
    ints), else None (arrays, string names, mixed labels)."""
    columns = getattr(X, "columns", None)
    if columns is None or not hasattr(X, "dtypes") or len(columns) == 0:
        return None
    labels = list(columns)
    if all(_is_integer(c) for c in labels):
        return [int(c) for c in labels]
    return None


def _is_integer(label):
    """Whether a column label is an integer label (numpy's included; a bool
    is not, nor is an integer-valued float)."""
    return isinstance(label, Integral) and not isinstance(label, (bool, np.bool_))


def _label_key(label):
    """A column label as compared with fit's integer labels, by type and
    value: an integer by its value, anything else (``0.0``, ``True``,
    ``'0'``) as a label of its own type, never equal to an integer label."""
    if _is_integer(label):
        return ("int", int(label))
    return (type(label).__name__, repr(label))


def check_integer_labels(est, X, input_name="X"):
    """Refuse an ``X`` whose column labels are not the integer labels of the
    DataFrame ``est`` was fitted on (``est._integer_labels``), in the same
    order: scikit-learn checks string names only, and would read such a
    table by position. Labels are compared by type and value (see
    :func:`_label_key`): ``0.0`` and ``True`` are not the label ``0`` or
    ``1``. An ``X`` without labels (an array) is read by position, with a
    warning unless fit's labels were the positions themselves (0, 1, ...,
    as ``pd.DataFrame(array)`` gives: scikit-learn is silent there too).
    ``input_name`` names the argument (``'X_val'``) in the messages.

    Examples
    --------
    >>> import pandas as pd
    >>> from skdib._dib._columns import check_integer_labels
    >>> class Fitted:
    ...     _integer_labels = [1, 2, 3]
    >>> X = pd.DataFrame([[0.0, 1.0, 2.0]], columns=[1, 2, 3])
    >>> check_integer_labels(Fitted(), X)
    >>> check_integer_labels(Fitted(), X[[3, 1, 2]])
    Traceback (most recent call last):
    ...
    ValueError: The feature names should match those that were passed during fit: ...
    """
    fitted = getattr(est, "_integer_labels", None)
    if fitted is None or is_series(X):
        return
    if not hasattr(X, "columns"):
        if fitted != list(range(len(fitted))):
            warnings.warn(
                f"{input_name} has no column labels, but {type(est).__name__} "
                f"was fitted on a DataFrame with integer column labels "
                f"{_shown(fitted)}; its columns are read by position as "
                "those.", UserWarning, stacklevel=user_stacklevel())
        return
    if integer_labels(X) == fitted:
        return
    given = [plain_value(c) for c in X.columns]
    raise ValueError(
        "The feature names should match those that were passed during fit: "
        f"the model was fitted on a DataFrame with integer column labels "
        f"{_shown(fitted)}, and {input_name}'s columns are labelled "
        f"{_shown(given)} ({_label_difference(fitted, given, input_name)}).")


def _label_difference(fitted, given, input_name):
    """What differs between fit's integer labels and the labels ``given``,
    compared by :func:`_label_key`, for the message."""
    keys = [_label_key(c) for c in given]
    fitted_keys = [_label_key(c) for c in fitted]
    unseen = [c for c, key in zip(given, keys, strict=True) if key not in fitted_keys]
    missing = [c for c, key in zip(fitted, fitted_keys, strict=True) if key not in keys]
    if not (unseen or missing):
        return ("the same labels in another order; select the columns in fit's "
                f"order, for example {input_name}[{_shown(fitted)}]")
    typed = ("; labels are compared by type and value, so 0.0 or True is not "
             "the integer label 0 or 1" if any(not _is_integer(c) for c in unseen)
             else "")
    return (f"labels unseen at fit: {_shown(unseen)}; labels seen at fit, yet "
            f"now missing: {_shown(missing)}{typed}")


def _shown(labels, most=12):
    """A list of labels for a message, cut after ``most`` entries."""
    labels = list(labels)
    if len(labels) <= most:
        return repr(labels)
    return repr(labels[:most])[:-1] + f", ... ({len(labels)} in all)]"


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
        refuse_ambiguous_integer(
            item, position, labels, subject=f"{param} entry", kind="column",
            advice=", or reorder or rename X's columns (for example X.columns "
                   "= X.columns.astype(str))")
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


def refuse_ambiguous_integer(item, position, labels, *, subject, kind,
                             advice=""):
    """Refuse the integer ``item``, read as the position ``position``, where
    it is also the label of the {kind} at another position (labels compared
    as text, so the channel named "2" counts as labelled 2): the one rule
    for columns (:func:`column_position`) and channels
    (``distinguishability_matrix``). ``labels`` None: nothing to refuse.

    Examples
    --------
    >>> from skdib._dib._columns import refuse_ambiguous_integer
    >>> refuse_ambiguous_integer(0, 0, ["0", "2"], subject="channel",
    ...                          kind="channel")
    >>> refuse_ambiguous_integer(1, 1, ["0", "2"], subject="channel",
    ...                          kind="channel")
    >>> refuse_ambiguous_integer(2, 0, ["0", "2"], subject="channel",
    ...                          kind="channel")
    Traceback (most recent call last):
    ...
    ValueError: channel 2 is ambiguous: ...
    """
    if labels is None:
        return
    texts = [str(label) for label in labels]
    if str(item) not in texts or texts.index(str(item)) == position:
        return
    shown = int(item)  # 2, not np.int64(2)
    raise ValueError(
        f"{subject} {shown} is ambiguous: the {kind}s are labelled "
        f"{list(labels)}, and an integer is a {kind}'s position, so {shown} "
        f"would mean the {kind} at position {position} (labelled "
        f"{labels[position]!r}), not the {kind} labelled {shown} (at "
        f"position {texts.index(str(shown))}). Pass the label as a string "
        f"({str(shown)!r}) to mean that {kind}{advice}.")
