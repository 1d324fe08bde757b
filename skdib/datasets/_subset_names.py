"""Which channel of a path is which feature of a subset table: by name.

A path (``path.feature_names``) and a table of
:func:`~skdib.datasets.subset_information` (``attrs["feature_names"]``) both
name their columns. Where both carry the same set of names, the path's
channels are put in the table's order by name (the default ``x0, x1, ...``
of an array without column names included, so ``x1, x0, x2`` against
``x0, x1, x2`` is a reordering). A side without names, or one with only
the default names in order facing other names, is matched by position.
"""

__all__ = ["table_order"]


def _names(names, n_features):
    """``names`` as text, or None where they name nothing (absent, or
    another count)."""
    if names is None:
        return None
    names = [str(n) for n in names]
    return names if len(names) == n_features else None


def _default(names):
    """Whether ``names`` are the default ``x0, x1, ...`` in order, as an
    array without column names gets them."""
    return names == [f"x{j}" for j in range(len(names))]


def table_order(path, subset_info, n_features):
    """Columns of the path's information in the table's feature order.

    Parameters
    ----------
    path : object
        The path given to ``path_subset_score`` (``feature_names``, if any).
    subset_info : DataFrame
        The table of :func:`~skdib.datasets.subset_information`.
    n_features : int
        The number of features (and channels, already checked).

    Returns
    -------
    order : list of int or None
        ``information[:, order]`` has the table's columns; None to keep the
        path's order (a side without names, or the default ``x0, x1, ...``
        in order facing other names).

    Raises
    ------
    ValueError
        When both sides carry names, neither has only the default names in
        order, and they are not the same names.
    """
    mine = _names(getattr(path, "feature_names", None), n_features)
    theirs = _names(subset_info.attrs.get("feature_names"), n_features)
    if mine is None or theirs is None:
        return None
    if len(set(mine)) == n_features and set(mine) == set(theirs):
        position = {name: j for j, name in enumerate(mine)}
        return [position[name] for name in theirs]
    if _default(mine) or _default(theirs):
        return None
    only_path = [n for n in mine if n not in set(theirs)]
    only_table = [n for n in theirs if n not in set(mine)]
    raise ValueError(
        "The path's channels and subset_info's features have other names: "
        f"{only_path} only on the path, {only_table} only in subset_info "
        f"(path: {mine}; subset_info: {theirs}). Name the columns alike "
        "(fit and subset_information on the same DataFrame), or pass "
        "path.information to match them by position.")
