"""The nearest neighbours of each neighbourhood, as sets for the set models."""

from numbers import Integral

import numpy as np

from skdib.featurizers._radial import _as_neighbourhoods, _check_rows

__all__ = ["nearest_neighbours"]


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
