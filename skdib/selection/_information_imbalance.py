"""The information imbalance Δ(A→B) as a plain function."""

from numbers import Integral

import numpy as np
from sklearn.utils import check_array

from skdib._backend import facade
from skdib._utils._validation import check_numeric_frame, rescaled_by_power_of_two
from skdib.selection._imbalance_selector import ENCODE_HINT, weighted_points

__all__ = ["information_imbalance"]

_METRIC_POWER = {"euclidean": 2, "manhattan": 1}


def _as_space(a, name):
    """A 2-D float64 array of finite values; a 1-D array becomes one column."""
    check_numeric_frame(a, name=name, hint=ENCODE_HINT, allow_series=True)
    a = check_array(
        a,
        ensure_2d=False,
        dtype=np.float64,
        ensure_all_finite=True,
        input_name=name,
    )
    if a.ndim == 1:
        a = a.reshape(-1, 1)
    if a.shape[1] == 0:
        raise ValueError(f"{name} has no features (shape {a.shape}).")
    return rescaled_by_power_of_two(a)


def information_imbalance(A, B, *, k=1, metric="euclidean", device=None,
                          sample_weight=None):
    """Information imbalance Δ(A→B): how well distances in A predict those in B.

    For each point i, take its k nearest neighbours j in space A and look up
    the rank r^B_ij of j among the distances from i in space B (1 = nearest).
    Δ(A→B) = 2/(N² k) Σ_i Σ_j r^B_ij (Eq. 12 of Sharma et al. with the
    k-neighbour average of Glielmo et al.). It is close to 1 when A carries no
    information about B, and lowest when A predicts the neighbourhoods of B:
    (k + 1)/N when B has no ties. Tied points of B share their ranks, so a
    B with few values has a higher floor: for a class label whose classes
    hold n_c of the N points (each more than k), Δ(A→B) ≥ Σ_c (n_c/N)², the
    share of a point's class averaged over the points (0.5 for two balanced
    classes, 1/3 for three). It is not symmetric: Δ(A→B) < Δ(B→A) means that A
    is more informative than B.

    Ties are shared, so the value does not depend on the order of the rows:
    points tied in B get the average of the ranks they occupy, and points tied
    at the k-th distance in A share the remaining neighbour slots equally (the
    expectation over a random tie-break). A point is never its own neighbour.
    The computation is exact, in float64, and runs in row chunks, so memory
    grows linearly with N.

    Parameters
    ----------
    A : array-like of shape (n_samples, n_features_A) or (n_samples,)
        The space whose neighbours are taken. Features are used as given (no
        standardisation).
    B : array-like of shape (n_samples, n_features_B) or (n_samples,)
        The space in which those neighbours are ranked.
    k : int, default=1
        Number of nearest neighbours in A averaged over.
    metric : {"euclidean", "manhattan"}, default="euclidean"
        Distance used in both spaces.
    device : str or None, default=None
        ``"cpu"``, ``"cuda"``, ``"cuda:N"`` or ``"auto"``; None means
        ``"auto"`` (a GPU when one is available). The result is the same.
    sample_weight : array-like of shape (n_samples,), optional
        Non-negative weights of the points i in the average over points
        (normalised to mean 1). A point of weight 0 is left out, as if
        absent; any other serves once as a neighbour whatever its weight.

    Returns
    -------
    float
        Δ(A→B), in (0, ~1]; slightly above 1 is possible for anti-informative A.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib import information_imbalance
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(500, 2))
    >>> full, first = x, x[:, 0]
    >>> information_imbalance(full, first) < information_imbalance(first, full)
    True
    >>> information_imbalance(first, first) == 2 / 500
    True
    >>> label = np.repeat([0, 1], 200)  # two balanced classes: the floor is 0.5
    >>> round(information_imbalance(label, label), 6)
    0.5
    """
    if isinstance(k, bool) or not isinstance(k, Integral) or k < 1:
        raise ValueError(f"k must be a positive integer; got {k!r}.")
    if metric not in _METRIC_POWER:
        raise ValueError(
            f"metric must be one of {sorted(_METRIC_POWER)}; got {metric!r}."
        )
    A, B = _as_space(A, "A"), _as_space(B, "B")
    if A.shape[0] != B.shape[0]:
        raise ValueError(
            f"A and B must have the same number of samples; got {A.shape[0]} and "
            f"{B.shape[0]}."
        )
    A, B, weights = weighted_points(sample_weight, A, B)
    if A.shape[0] <= k:
        raise ValueError(
            f"information_imbalance needs more than k={k} samples; got "
            f"{A.shape[0]} (rows of weight 0 do not count)."
        )
    return facade.information_imbalance(A, B, k=int(k), p=_METRIC_POWER[metric],
                                        device=device, row_weights=weights)
