"""Partial radial distribution functions from 2-D local neighbourhoods."""

import numpy as np
from sklearn.utils import Bunch

from skdib._utils._validation import check_number
from skdib.featurizers._radial import _as_neighbourhoods, _check_rows

__all__ = ["radial_distribution"]


def radial_distribution(X, *, r_max=4.0, n_bins=80, types=(0, 1), density=None):
    """Partial radial distribution functions g(r) around the centre particles.

    For every neighbour type t, ``g_t(r)`` is the mean number of type-t
    neighbours in the ring [r, r + dr) around a centre, divided by the ring's
    area 2πr·dr and by the number density of type t. With centres of type A,
    ``g[0]`` is g_AA(r) and ``g[1]`` is g_AB(r): the curves against which the
    Distributed IB paper reads the informative structure functions (Fig. 4).
    Pass neighbourhoods of typical particles (e.g. the random negatives of
    :func:`~skdib.datasets.load_sheared_glass`), not only special ones.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_neighbors, 3) or \
            (n_samples, n_neighbors * 3)
        Neighbourhoods, ``(dx, dy, type)`` per neighbour (NaN rows pad). They
        must list every neighbour closer than ``r_max``.
    r_max : float, default=4.0
        Largest distance.
    n_bins : int, default=80
        Number of rings of equal width on (0, r_max].
    types : sequence of int, default=(0, 1)
        Type codes, one curve each.
    density : sequence of float or None, default=None
        Number density of each type in the whole system. None estimates it
        from the neighbourhoods themselves (neighbours within ``r_max`` per
        unit area), which is close for ``r_max`` of several particle
        diameters.

    Returns
    -------
    result : Bunch
        ``r`` (n_bins,) ring centres, ``edges`` (n_bins + 1,), ``g``
        (len(types), n_bins) and ``density`` (len(types),).

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.featurizers import radial_distribution
    >>> rng = np.random.default_rng(0)
    >>> xy = rng.uniform(-6, 6, size=(400, 150, 2))   # an ideal gas
    >>> X = np.concatenate([xy, np.zeros((400, 150, 1))], axis=2)
    >>> rdf = radial_distribution(X, r_max=5.0, n_bins=10, types=(0,),
    ...                           density=[150 / 144])
    >>> bool(np.all(np.abs(rdf.g[0] - 1) < 0.1))
    True
    """
    X = _as_neighbourhoods(X)
    types = list(types)
    real = _check_rows(X, types)
    r_max = check_number(r_max, "r_max")
    if int(n_bins) != n_bins or n_bins < 1:
        raise ValueError(f"n_bins must be a positive int; got {n_bins!r}.")
    distance = np.hypot(X[..., 0], X[..., 1])[real]
    kind = X[..., 2][real]
    edges = np.linspace(0.0, r_max, int(n_bins) + 1)
    area = np.pi * np.diff(edges**2)
    counts = np.stack([np.histogram(distance[kind == t], bins=edges)[0]
                       for t in types]).astype(float)
    n_centres = X.shape[0]
    if density is None:
        density = counts.sum(axis=1) / (n_centres * np.pi * r_max**2)
    density = np.asarray(density, dtype=float).ravel()
    if density.shape != (len(types),) or np.any(~(density > 0)):
        raise ValueError(
            f"density needs one positive number per type ({len(types)}); got "
            f"{density!r}.")
    g = counts / (n_centres * area * density[:, None])
    return Bunch(r=(edges[:-1] + edges[1:]) / 2, edges=edges, g=g, density=density)
