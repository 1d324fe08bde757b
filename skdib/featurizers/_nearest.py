"""The nearest neighbours of each neighbourhood, as sets for the set models."""

from numbers import Integral

import numpy as np

from skdib._utils._validation import refuse_complex
from skdib.featurizers._radial import _REAL_HINT, _as_neighbourhoods, _check_rows

__all__ = ["nearest_neighbours", "polar_features"]


def nearest_neighbours(X, n_neighbors=50, types=(0, 1)):
    """The ``n_neighbors`` particles nearest to each centre, nearest first.

    The per-particle scheme of the information-decomposition paper (Fig. 4)
    compresses the 50 nearest particles of every neighbourhood; this keeps
    them as a set for :class:`~skdib.DistributedIBSetClassifier`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_neighbors_in, 3)
        Neighbourhoods with (dx, dy, type) per neighbour relative to the
        centre; rows of NaN are padding (as from
        :func:`~skdib.datasets.load_sheared_glass`).
    n_neighbors : int, default=50
    types : tuple, default=(0, 1)
        The allowed type codes.

    Returns
    -------
    ndarray of shape (n_samples, n_neighbors, 3)
        Sorted by distance; a neighbourhood with fewer particles is padded
        with rows of NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.featurizers import nearest_neighbours
    >>> X = np.array([[[2.0, 0.0, 0], [0.5, 0.0, 1], [np.nan] * 3]])
    >>> nearest_neighbours(X, n_neighbors=3)[0, :, 0]
    array([0.5, 2. , nan])
    """
    if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, Integral) \
            or n_neighbors < 1:
        raise ValueError(f"n_neighbors must be a positive int, got {n_neighbors!r}.")
    X = _as_neighbourhoods(X)
    real = _check_rows(X, types)
    r = np.where(real, np.hypot(X[..., 0], X[..., 1]), np.inf)
    order = np.argsort(r, axis=1, kind="stable")[:, :n_neighbors]
    out = np.take_along_axis(X, order[..., None], axis=1)
    keep = np.take_along_axis(real, order, axis=1)
    out[~keep] = np.nan
    if out.shape[1] < n_neighbors:
        pad = np.full((len(X), n_neighbors - out.shape[1], 3), np.nan)
        out = np.concatenate([out, pad], axis=1)
    return out


def polar_features(X):
    """Each particle as (unit vector x, unit vector y, distance, type).

    Positions (dx, dy) relative to the centre become the direction and the
    distance, the numbers the paper's per-particle encoder was given besides
    the position (SI, "Per-particle measurement scheme"); a shell of the
    neighbourhood is then a threshold on one number. Padding rows stay NaN;
    a particle at the centre itself gets direction (0, 0).

    Parameters
    ----------
    X : array-like of shape (..., 3)
        (dx, dy, type) per particle: neighbourhoods (n_samples, n, 3) or
        probe rows (n_probes, 3).

    Returns
    -------
    ndarray of shape (..., 4)

    Examples
    --------
    >>> from skdib.featurizers import polar_features
    >>> polar_features([[3.0, 4.0, 1.0]])
    array([[0.6, 0.8, 5. , 1. ]])
    """
    refuse_complex(X, "X", _REAL_HINT)
    X = np.asarray(X, dtype=np.float64)
    if X.shape[-1] != 3:
        raise ValueError(f"Particles must be (dx, dy, type) rows; got shape "
                         f"{X.shape}.")
    r = np.hypot(X[..., 0], X[..., 1])
    with np.errstate(invalid="ignore", divide="ignore"):
        unit = np.where(r[..., None] > 0, X[..., :2] / r[..., None], 0.0)
    unit[np.isnan(r)] = np.nan
    return np.concatenate([unit, r[..., None], X[..., 2:]], axis=-1)
