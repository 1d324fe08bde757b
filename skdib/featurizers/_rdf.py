"""Partial radial distribution functions from 2-D local neighbourhoods."""

import numpy as np
from scipy.special import gammaincc
from sklearn.utils import Bunch

from skdib._utils._validation import check_number, refuse_complex
from skdib.featurizers._radial import _as_neighbourhoods, _check_rows

__all__ = ["radial_distribution"]

# The coverage check refuses r_max when neighbours spread uniformly over the
# discs of radius r_max would all miss the part no neighbourhood lists with a
# chance below this (see radial_distribution, Notes).
_COVERAGE_CHANCE = 1e-6


def radial_distribution(X, *, r_max=4.0, n_bins=80, types=(0, 1), density=None,
                        radius=None):
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
        must list every neighbour closer than ``r_max``: beyond the distance
        up to which they do, g(r) falls towards 0 and an estimated density is
        too low. ``r_max`` reaching visibly beyond it is refused (see Notes).
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
    radius : float or None, default=None
        The distance up to which the neighbourhoods list every neighbour
        (for :func:`~skdib.datasets.load_sheared_glass`,
        ``metadata["radius"]``). Given, an ``r_max`` beyond it is refused
        and the data are not checked; None: the data are checked (Notes).

    Returns
    -------
    result : Bunch
        ``r`` (n_bins,) ring centres, ``edges`` (n_bins + 1,), ``g``
        (len(types), n_bins) and ``density`` (len(types),).

    Raises
    ------
    ValueError
        If ``r_max`` reaches beyond ``radius``, or, without ``radius``,
        beyond the neighbours the data list (Notes).

    Notes
    -----
    Without ``radius`` the data are checked for the distance up to which
    they list every neighbour. A neighbourhood with padding rows is taken
    to list every neighbour up to the farthest one of any neighbourhood; one
    that fills every row may have been cut to its size (the k nearest) and
    counts up to its own farthest neighbour. Were the data complete within
    ``r_max`` and the neighbours spread uniformly over the discs of radius
    ``r_max``, the n neighbours of a group ending at a distance d closer
    than ``r_max`` (the padded neighbourhoods together, each full one
    alone) would all lie within d with chance q = (d / r_max)^(2n), and
    -log q would be an Exp(1) draw (at most), independent between the
    groups; the data are refused when the sum over the m such groups is
    one that a Gamma(m, 1) exceeds with a chance below 1e-6 (for one group,
    q < 1e-6). ``radius=r_max`` vouches for data that do list every
    neighbour. The chance depends on the number of neighbours, not on a
    density guessed beforehand: sparse data are refused only when the gap
    is wide for so few, and a shell structure (no neighbour at the centre)
    makes the chance smaller still, so complete data are refused less often
    than the threshold says, however sparse and whether padded or not.
    Neighbourhoods listed by a common radius are refused for any ``r_max``
    that ends visibly past it (glass neighbourhoods to 5σ: ``r_max`` of
    5.001 is refused, 5.0 is not). Cut to the nearest k, each neighbourhood
    ending before ``r_max`` is judged from its own k distances, so a slight
    cut passes: the 50 nearest glass neighbours (the 50th 3.43 to 3.90 from
    the centre) pass at ``r_max`` 3.6, g's last ring of 0.18 reading 3 %
    low, and are refused at 3.65.

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
    _check_coverage(X, real, r_max, radius)
    distance = np.hypot(X[..., 0], X[..., 1])[real]
    kind = X[..., 2][real]
    edges = np.linspace(0.0, r_max, int(n_bins) + 1)
    area = np.pi * np.diff(edges**2)
    counts = np.stack([np.histogram(distance[kind == t], bins=edges)[0]
                       for t in types]).astype(float)
    n_centres = X.shape[0]
    if density is None:
        density = counts.sum(axis=1) / (n_centres * np.pi * r_max**2)
    refuse_complex(density, "density", "it takes real numbers only.")
    density = np.asarray(density, dtype=float).ravel()
    if density.shape != (len(types),) or np.any(~(density > 0)):
        raise ValueError(
            f"density needs one positive number per type ({len(types)}); got "
            f"{density!r}.")
    g = counts / (n_centres * area * density[:, None])
    return Bunch(r=(edges[:-1] + edges[1:]) / 2, edges=edges, g=g, density=density)


def _check_coverage(X, real, r_max, radius):
    """Refuse an ``r_max`` beyond the neighbours the data list (see
    :func:`radial_distribution`, Notes)."""
    if radius is not None:
        radius = check_number(radius, "radius")
        if r_max > radius:
            raise ValueError(
                f"r_max={r_max:g} is beyond radius={radius:g}, up to which the "
                "neighbourhoods list every neighbour: g(r) would fall to 0 past "
                f"it. Use r_max <= {radius:g}.")
        return
    distance = np.where(real, np.hypot(X[..., 0], X[..., 1]), -np.inf)
    within = np.count_nonzero(real & (distance < r_max), axis=1)
    n_within = int(within.sum())
    if n_within == 0:
        return
    farthest = distance.max(axis=1)
    full = real.all(axis=1)
    # One term per group that would have to miss the unlisted part: the
    # neighbourhoods with padding together (one common reach), and each full
    # one alone (its own reach). Complete data make each active term (a
    # group ending closer than r_max) at most Exp(1), independent, so their
    # sum is compared with a Gamma(number of terms) (Notes).
    counts = np.append(within[full], within[~full].sum())
    reach = np.minimum(np.append(farthest[full], farthest.max()), r_max)
    shares = (reach / r_max)**2
    active = (counts > 0) & (shares < 1)
    if not active.any():
        return
    statistic = -float(np.sum(counts[active] * np.log(shares[active])))
    # gammaincc(m, s): the chance that m independent Exp(1) sum to more than s
    if gammaincc(int(active.sum()), statistic) >= _COVERAGE_CHANCE:
        return
    expected = float(np.sum(counts[active] * (1.0 / shares[active] - 1.0)))
    short = full & (farthest < r_max)
    why = []
    if farthest.max() < r_max:
        why.append(f"no neighbour is farther than {farthest.max():.4g}")
    if short.any():
        why.append(f"{np.count_nonzero(short)} of {len(X)} neighbourhoods fill "
                   "every row, so may hold the nearest k only, and end closer "
                   "than r_max")
    raise ValueError(
        f"r_max={r_max:g} reaches beyond the neighbours listed: {'; '.join(why)}"
        f". The {n_within} neighbours closer than r_max imply about "
        f"{expected:,.0f} more in the part left unlisted; g(r) would fall "
        "towards 0 there and the estimated density would be too low. Use a "
        "smaller r_max (load_sheared_glass lists every neighbour closer than "
        "metadata['radius']) or neighbourhoods listing every neighbour closer "
        "than r_max; if they do, say so with radius=r_max.")

