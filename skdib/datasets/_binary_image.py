"""Binary images in two dimensions: labels from the position of a pixel."""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch, check_random_state

from skdib.datasets._image import _pixel_positions

__all__ = ["make_binary_image"]

_BINARY_KINDS = ("stripes", "checkerboard", "warped_checkerboard", "slant",
                 "circle")


def _cell_parity(u, n_cells):
    """Parity of the index of the cell holding u, for n_cells cells on [-1, 1]."""
    return np.floor(n_cells * (u + 1) / 2).astype(np.int64) % 2


def _binary_labels(kind, u, n_cells, warp, angle):
    """Class of each point of u (normalised coordinates in [-1, 1]^2)."""
    u1, u2 = u[:, 0], u[:, 1]
    if kind == "stripes":
        return _cell_parity(u1, n_cells)
    if kind == "checkerboard":
        return _cell_parity(u1, n_cells) ^ _cell_parity(u2, n_cells)
    if kind == "warped_checkerboard":
        amplitude = warp * 2 / n_cells
        v1 = u1 + amplitude * np.sin(n_cells * np.pi * u2)
        v2 = u2 + amplitude * np.sin(n_cells * np.pi * u1)
        return _cell_parity(v1, n_cells) ^ _cell_parity(v2, n_cells)
    if kind == "slant":
        theta = np.deg2rad(angle)
        return (u2 * np.cos(theta) - u1 * np.sin(theta) > 0).astype(np.int64)
    return (u1**2 + u2**2 < 2 / np.pi).astype(np.int64)


def _check_binary_args(kind, resolution, n_cells, warp, angle, extent,
                       n_samples):
    if kind not in _BINARY_KINDS:
        raise ValueError(
            f"Unknown binary image {kind!r}; valid kinds are {list(_BINARY_KINDS)}."
        )
    for label, value, low in (("resolution", resolution, 1),
                              ("n_cells", n_cells, 2)):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < low:
            raise ValueError(f"{label} must be an int >= {low}, got {value!r}.")
    if n_cells % 2:
        raise ValueError(
            f"n_cells must be even so that both classes have the same area "
            f"(H(Y) = 1 bit), got {n_cells}."
        )
    for label, value in (("warp", warp), ("angle", angle), ("extent", extent)):
        if isinstance(value, bool) or not isinstance(value, Real) or not np.isfinite(
            value
        ):
            raise ValueError(f"{label} must be a finite number, got {value!r}.")
    if extent <= 0:
        raise ValueError(f"extent must be > 0, got {extent}.")
    if n_samples is not None and (
        isinstance(n_samples, bool) or not isinstance(n_samples, Integral)
        or n_samples < 1
    ):
        raise ValueError(f"n_samples must be None or an int >= 1, got {n_samples!r}.")


def make_binary_image(kind, *, resolution=64, n_cells=4, warp=0.1, angle=60.0,
                      extent=1.0, n_samples=None, random_state=None):
    """Make one of the binary images of Appendix B (Fig. 5) of the DIB paper.

    Each image is a function from a position in the square
    ``[-extent, extent]^2`` to a class in {0, 1}; both classes cover half of
    the square, so H(Y) = 1 bit. The paper calls the square "the unit square
    around the origin"; ``extent=1`` (the default) gives [-1, 1]^2, the range
    of the longer side in the image task, and ``extent=0.5`` a square of side
    1. With ``u`` the position divided by ``extent``:

    - "stripes": ``n_cells`` vertical stripes; the class is the parity of the
      stripe index, so it depends on the horizontal coordinate only (Fig. 5a,
      5b differ in the number of stripes).
    - "checkerboard": ``n_cells x n_cells`` squares, the class is the parity of
      the sum of the two cell indices: one bit about each coordinate (the
      parity of its cell index) determines it (Fig. 5c).
    - "warped_checkerboard": the checkerboard of the warped coordinates
      ``u1 + a sin(n_cells pi u2)`` and ``u2 + a sin(n_cells pi u1)``, with
      ``a = warp * 2 / n_cells`` (``warp`` in cell widths): wavy, rounded cell
      boundaries (Fig. 5d). The warp has the period of two cells, so shifting
      by one cell still swaps the classes and they stay balanced.
    - "slant": class 1 on the left of a line through the origin at ``angle``
      degrees from the horizontal axis (Fig. 5e).
    - "circle": class 1 inside the circle centred at the origin with half the
      square's area, radius ``sqrt(2 / pi)`` (Fig. 5f).

    The exact geometry of Fig. 5 (cell counts, warp, slope) is not given in
    the text; the defaults here are choices. On the pixel grid, stripes and
    checkerboards (warped or not) are exactly balanced when ``resolution`` is
    a multiple of ``n_cells``; slant and circle are balanced up to
    discretisation.

    Parameters
    ----------
    kind : {"stripes", "checkerboard", "warped_checkerboard", "slant", \
"circle"}
        Which image.
    resolution : int, default=64
        Pixels per side of ``image`` (and of the grid in ``data``).
    n_cells : int, default=4
        Number of stripes, or of cells per side of the checkerboards; even.
    warp : float, default=0.1
        Warp amplitude of "warped_checkerboard", in cell widths.
    angle : float, default=60.0
        Angle of the "slant" boundary, in degrees from the horizontal axis.
    extent : float, default=1.0
        Half-width of the square.
    n_samples : int or None, default=None
        None: ``data`` holds the ``resolution ** 2`` pixel centres, row by row
        from the top left (the order of ``image.ravel()``). An int: that many
        positions drawn uniformly in the square with ``random_state``.
    random_state : int, RandomState instance or None, default=None
        Seed for ``n_samples``.

    Returns
    -------
    task : :class:`~sklearn.utils.Bunch`
        ``data`` (n, 2) positions (horizontal, vertical with the vertical
        increasing upwards), ``target`` (n,) int 0/1, ``image`` (resolution,
        resolution) int 0/1 with row 0 at the top, ``feature_names`` ["x",
        "y"], ``feature_groups`` [[0], [1]], ``extent``, ``kind`` and
        ``description``.

    Examples
    --------
    >>> from skdib.datasets import make_binary_image
    >>> board = make_binary_image("checkerboard", resolution=8, n_cells=2)
    >>> board.image
    array([[1, 1, 1, 1, 0, 0, 0, 0],
           [1, 1, 1, 1, 0, 0, 0, 0],
           [1, 1, 1, 1, 0, 0, 0, 0],
           [1, 1, 1, 1, 0, 0, 0, 0],
           [0, 0, 0, 0, 1, 1, 1, 1],
           [0, 0, 0, 0, 1, 1, 1, 1],
           [0, 0, 0, 0, 1, 1, 1, 1],
           [0, 0, 0, 0, 1, 1, 1, 1]])
    >>> board.data.shape, float(board.target.mean())
    ((64, 2), 0.5)
    """
    _check_binary_args(kind, resolution, n_cells, warp, angle, extent, n_samples)
    grid = _pixel_positions(resolution, resolution)
    labels = _binary_labels(kind, grid, n_cells, warp, angle)
    if n_samples is None:
        positions, target = grid, labels
    else:
        rng = check_random_state(random_state)
        unit = rng.uniform(-1.0, 1.0, size=(n_samples, 2))
        positions, target = unit, _binary_labels(kind, unit, n_cells, warp, angle)
    return Bunch(
        data=positions * extent,
        target=target,
        image=labels.reshape(resolution, resolution),
        feature_names=["x", "y"],
        feature_groups=[[0], [1]],
        extent=float(extent),
        kind=kind,
        description=(
            f"Binary image {kind!r} on [-{extent}, {extent}]^2: position -> "
            "class in {0, 1}, both classes of equal area."
        ),
    )
