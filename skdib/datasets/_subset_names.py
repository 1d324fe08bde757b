"""Which channel of a path is which feature of a subset table: by name.

A path (``path.feature_names``) and a table of
:func:`~skdib.datasets.subset_information` (``attrs["feature_names"]``) both
name their columns. Where both carry names, the path's channels are put in
the table's order by name; a side without names, or with the names given to
an unnamed array (``x0, x1, ...``), is matched by position.
"""

__all__ = ["table_order"]


def _named(names, n_features):
    """``names`` as text, or None where they name nothing (absent, another
    count, or the default ``x0, x1, ...`` of an array without names)."""
    if names is None:
        return None
    names = [str(n) for n in names]
    if len(names) != n_features or names == [f"x{j}" for j in range(n_features)]:
        return None
    return names


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
        path's order (a side without names).

    Raises
    ------
    ValueError
        When both sides carry names and they are not the same names.
    """
    mine = _named(getattr(path, "feature_names", None), n_features)
    theirs = _named(subset_info.attrs.get("feature_names"), n_features)
    if mine is None or theirs is None:
        return None
    position = {name: j for j, name in enumerate(mine)}
    if len(position) != n_features or set(mine) != set(theirs):
        only_path = [n for n in mine if n not in set(theirs)]
        only_table = [n for n in theirs if n not in set(mine)]
        raise ValueError(
            "The path's channels and subset_info's features have other names: "
            f"{only_path} only on the path, {only_table} only in subset_info "
            f"(path: {mine}; subset_info: {theirs}). Name the columns alike "
            "(fit and subset_information on the same DataFrame), or pass "
            "path.information to match them by position.")
    return [position[name] for name in theirs]
