"""Resolve ``feature_groups`` into channels (lists of column indices)."""

from collections.abc import Iterable
from numbers import Integral

__all__ = ["resolve_channels"]


def _column_index(item, n_features, names):
    if isinstance(item, bool):
        raise TypeError(f"feature_groups entries must be ints or names, got {item!r}.")
    if isinstance(item, Integral):
        idx = int(item)
        if not -n_features <= idx < n_features:
            raise ValueError(
                f"feature_groups refers to column {idx}, but X has {n_features} "
                "columns."
            )
        return idx % n_features
    if isinstance(item, str):
        if names is None:
            raise ValueError(
                f"feature_groups refers to column {item!r} by name, but X has no "
                "column names; pass a pandas DataFrame or use integer indices."
            )
        try:
            return names.index(item)
        except ValueError:
            raise ValueError(
                f"feature_groups refers to unknown column {item!r}."
            ) from None
    raise TypeError(
        f"feature_groups entries must be column indices or names, got {item!r}."
    )


def resolve_channels(feature_groups, n_features, feature_names_in=None):
    """Turn the ``feature_groups`` parameter into channels and channel names.

    Parameters
    ----------
    feature_groups : None, list or dict
        None: one channel per column. A list: one channel per entry, where an
        entry is a column (index or name) or a list of columns. A dict: channel
        name -> column or list of columns.
    n_features : int
    feature_names_in : sequence of str or None

    Returns
    -------
    channels : list of list of int
    names : list of str
    """
    names = None if feature_names_in is None else [str(n) for n in feature_names_in]
    column_names = names or [f"x{i}" for i in range(n_features)]
    if feature_groups is None:
        return [[i] for i in range(n_features)], list(column_names)
    if isinstance(feature_groups, dict):
        labels, groups = list(map(str, feature_groups)), list(feature_groups.values())
    elif isinstance(feature_groups, (list, tuple)):
        labels, groups = None, list(feature_groups)
    else:
        raise TypeError(
            "feature_groups must be None, a list of column groups or a dict "
            f"name -> columns; got {type(feature_groups).__name__}."
        )
    if not groups:
        raise ValueError("feature_groups is empty; give at least one group.")
    channels = []
    for group in groups:
        # one column (an index, a name, or something _column_index refuses
        # by name, such as 0.0 or None) or an iterable of columns
        members = (list(group) if isinstance(group, Iterable)
                   and not isinstance(group, str) else [group])
        if not members:
            raise ValueError("feature_groups contains an empty group.")
        cols = [_column_index(m, n_features, names) for m in members]
        if len(set(cols)) != len(cols):
            raise ValueError(f"feature_groups group {group!r} repeats a column.")
        channels.append(cols)
    if labels is None:
        labels = ["+".join(column_names[c] for c in cols) for cols in channels]
    if len(set(labels)) != len(labels):
        raise ValueError("feature_groups gives two channels the same name.")
    _check_disjoint(channels, labels, column_names)
    return channels, labels


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
