"""Resolve ``feature_groups`` into channels (lists of column indices)."""

from collections.abc import Iterable

from skdib._dib._columns import column_position

__all__ = ["resolve_channels"]


def resolve_channels(feature_groups, n_features, feature_names_in=None,
                     labels=None):
    """Turn the ``feature_groups`` parameter into channels and channel names.

    Parameters
    ----------
    feature_groups : None, list or dict
        None: one channel per column. A list: one channel per entry, where an
        entry is a column (index or name) or a list of columns. A dict: channel
        name -> column or list of columns.
    n_features : int
    feature_names_in : sequence of str or None
    labels : list of int or None
        The integer column labels of a DataFrame without string names
        (:func:`~skdib._dib._columns.integer_labels`): they name the channels
        as text, and an integer entry that is a label at another position is
        refused as ambiguous (see :func:`~skdib._dib._columns.column_position`).

    Returns
    -------
    channels : list of list of int
    names : list of str
    """
    given = feature_names_in if feature_names_in is not None else labels
    names = None if given is None else [str(n) for n in given]
    column_names = names or [f"x{i}" for i in range(n_features)]
    if feature_groups is None:
        return [[i] for i in range(n_features)], list(column_names)
    if isinstance(feature_groups, dict):
        titles = list(map(str, feature_groups))
        groups = list(feature_groups.values())
    elif isinstance(feature_groups, (list, tuple)):
        titles, groups = None, list(feature_groups)
    else:
        raise TypeError(
            "feature_groups must be None, a list of column groups or a dict "
            f"name -> columns; got {type(feature_groups).__name__}."
        )
    if not groups:
        raise ValueError("feature_groups is empty; give at least one group.")
    channels = []
    for group in groups:
        # one column (an index, a name, or something column_position refuses
        # by name, such as 0.0 or None) or an iterable of columns
        members = (list(group) if isinstance(group, Iterable)
                   and not isinstance(group, str) else [group])
        if not members:
            raise ValueError("feature_groups contains an empty group.")
        cols = [column_position(m, n_features, names, labels, "feature_groups")
                for m in members]
        if len(set(cols)) != len(cols):
            raise ValueError(f"feature_groups group {group!r} repeats a column.")
        channels.append(cols)
    if titles is None:
        titles = ["+".join(column_names[c] for c in cols) for cols in channels]
    if len(set(titles)) != len(titles):
        raise ValueError("feature_groups gives two channels the same name.")
    _check_disjoint(channels, titles, column_names)
    return channels, titles


def _check_disjoint(channels, labels, column_names):
    """Refuse a column that belongs to two groups, naming both."""
    owner = {}
    for c, cols in enumerate(channels):
        for col in cols:
            if col in owner:
                raise ValueError(
                    f"feature_groups puts column {column_names[col]!r} (index "
                    f"{col}) in two groups, {labels[owner[col]]!r} and "
                    f"{labels[c]!r}. Each column may belong to one group only "
                    "(the bits of a shared column would be counted twice); "
                    "remove it from one group, or duplicate the column in X "
                    "if both groups really need it.")
            owner[col] = c
