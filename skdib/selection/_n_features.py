"""How many features (or channels) a selector keeps: one rule for all."""

from numbers import Integral, Real

__all__ = ["resolve_n_features"]


def resolve_n_features(wanted, n_available, what="features"):
    """The count that ``n_features_to_select=wanted`` means out of ``n_available``.

    None keeps half (at least one), as
    :class:`~sklearn.feature_selection.SequentialFeatureSelector` does; a float
    in (0, 1] is a fraction (at least one); an int is a count, which may not
    exceed ``n_available``.

    Examples
    --------
    >>> from skdib.selection._n_features import resolve_n_features
    >>> [resolve_n_features(k, 7) for k in (None, 0.5, 3)]
    [3, 3, 3]
    """
    if wanted is None:
        return max(1, n_available // 2)
    if isinstance(wanted, Real) and not isinstance(wanted, Integral):
        return max(1, int(wanted * n_available))
    if wanted > n_available:
        raise ValueError(
            f"n_features_to_select={wanted} is more than the {n_available} "
            f"{what} available.")
    return int(wanted)
