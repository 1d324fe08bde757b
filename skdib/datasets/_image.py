"""Image tasks: pixel position -> colour, and binary images in two dimensions."""

from numbers import Integral

import numpy as np
from sklearn.utils import Bunch, check_random_state

__all__ = ["load_image_task"]

_BUNDLED_IMAGES = {"china": "china.jpg", "flower": "flower.jpg"}
_DECOMPOSITIONS = ("xy", "projections", "distances", "none")
_DEFAULT_COMPONENTS = {"xy": 2, "none": 2, "projections": 6, "distances": 4}
_ANCHORS = ("circle", "random")


def _pixel_positions(height, width):
    """Pixel centres, row-major, centred; the longer side spans [-1, 1].

    Column 0 is horizontal (left to right), column 1 vertical (bottom to top,
    so row 0 of the image is at the top).
    """
    scale = 2.0 / max(height, width)
    xs = (np.arange(width) + 0.5 - width / 2) * scale
    ys = (height / 2 - np.arange(height) - 0.5) * scale
    grid_x, grid_y = np.meshgrid(xs, ys)
    return np.column_stack([grid_x.ravel(), grid_y.ravel()])


def _area_weights(n_in, n_out):
    """(n_out, n_in) matrix averaging input cells over each output cell."""
    edges_in = np.arange(n_in + 1) / n_in
    edges_out = np.arange(n_out + 1) / n_out
    overlap = np.clip(
        np.minimum(edges_out[1:, None], edges_in[None, 1:])
        - np.maximum(edges_out[:-1, None], edges_in[None, :-1]),
        0.0, None,
    )
    return overlap / overlap.sum(axis=1, keepdims=True)


def _resize_area(image, shape):
    """Area-average resize of an (h, w, c) image to shape (H, W)."""
    rows = _area_weights(image.shape[0], shape[0])
    cols = _area_weights(image.shape[1], shape[1])
    return np.einsum("ai,ijc,bj->abc", rows, image, cols, optimize=True)


def _read_image(name):
    if isinstance(name, str):
        if name not in _BUNDLED_IMAGES:
            raise ValueError(
                f"Unknown image {name!r}; bundled images are "
                f"{sorted(_BUNDLED_IMAGES)}, or pass an (height, width, 3) array."
            )
        from sklearn.datasets import load_sample_image

        image = load_sample_image(_BUNDLED_IMAGES[name])
    else:
        image = np.asarray(name)
    if image.ndim != 3 or image.shape[2] != 3 or min(image.shape[:2]) < 1:
        raise ValueError(
            f"The image must be an RGB array of shape (height, width, 3), got "
            f"shape {image.shape}."
        )
    if np.issubdtype(image.dtype, np.integer):
        if image.min() < 0 or image.max() > 255:
            raise ValueError(
                f"An integer image must have values in 0..255 (8 bits per "
                f"channel), got {image.min()}..{image.max()}. Scale it to "
                "0..255, or pass floats in [0, 1].")
        return image.astype(float) / 255.0
    image = image.astype(float)
    if not (np.all(np.isfinite(image)) and image.min() >= 0 and image.max() <= 1):
        raise ValueError("A float image must have values in [0, 1].")
    return image


def _check_shape(shape, original):
    if shape is None:
        return tuple(original)
    try:
        height, width = shape
    except (TypeError, ValueError):
        raise ValueError(
            f"shape must be (height, width) or None, got {shape!r}."
        ) from None
    for value in (height, width):
        if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
            raise ValueError(f"shape must hold positive ints, got {shape!r}.")
    return int(height), int(width)


def _check_n_components(decomposition, n_components):
    if decomposition not in _DECOMPOSITIONS:
        raise ValueError(
            f"Unknown decomposition {decomposition!r}; valid ones are "
            f"{list(_DECOMPOSITIONS)}."
        )
    default = _DEFAULT_COMPONENTS[decomposition]
    if n_components is None:
        return default
    if isinstance(n_components, bool) or not isinstance(n_components, Integral):
        raise TypeError(f"n_components must be an int, got {n_components!r}.")
    if decomposition in ("xy", "none") and n_components != 2:
        raise ValueError(
            f"decomposition={decomposition!r} has 2 coordinates; n_components "
            f"must be None or 2, got {n_components}."
        )
    if n_components < 1:
        raise ValueError(f"n_components must be >= 1, got {n_components}.")
    return int(n_components)


def _projection_axes(n_axes):
    """Unit vectors at angles k * pi / n_axes, k = 0 .. n_axes - 1."""
    angles = np.pi * np.arange(n_axes) / n_axes
    return np.column_stack([np.cos(angles), np.sin(angles)])


def _anchor_points(anchors, n_points, positions, random_state):
    if isinstance(anchors, str):
        if anchors == "circle":
            angles = 2 * np.pi * np.arange(n_points) / n_points
            return np.column_stack([np.cos(angles), np.sin(angles)])
        if anchors == "random":
            low, high = positions.min(axis=0), positions.max(axis=0)
            rng = check_random_state(random_state)
            return rng.uniform(low, high, size=(n_points, 2))
        raise ValueError(
            f"Unknown anchors {anchors!r}; use one of {list(_ANCHORS)} or an "
            "array of shape (n_points, 2)."
        )
    points = np.asarray(anchors, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2 or len(points) < 1:
        raise ValueError(
            f"anchors must be an array of shape (n_points, 2), got shape "
            f"{points.shape}."
        )
    if len(points) != n_points:
        raise ValueError(
            f"n_components={n_points} but {len(points)} anchor points were given."
        )
    return points


def _decompose(positions, decomposition, n_components, anchors, random_state):
    """Derived columns, their names, groups and the extra outputs."""
    if decomposition in ("xy", "none"):
        names = ["x", "y"]
        groups = [[0], [1]] if decomposition == "xy" else [[0, 1]]
        return positions.copy(), names, groups, {}
    if decomposition == "projections":
        axes = _projection_axes(n_components)
        names = [f"proj{k}" for k in range(n_components)]
        extra = {"axes": axes}
        data = positions @ axes.T
    else:
        points = _anchor_points(anchors, n_components, positions, random_state)
        names = [f"dist{k}" for k in range(n_components)]
        extra = {"anchors": points}
        data = np.linalg.norm(positions[:, None, :] - points[None], axis=2)
    return data, names, [[k] for k in range(n_components)], extra


def load_image_task(name="china", *, shape=(40, 60), decomposition="xy",
                    n_components=None, anchors="circle", random_state=None):
    """Load an image as a regression task: pixel position -> RGB colour.

    This is the image task of Fig. 3 of the Distributed IB paper (there, the
    Mona Lisa at 600x400 pixels), on an image that ships with scikit-learn.
    The image is downscaled by area averaging. Pixel centres are placed on a
    grid centred at the origin whose longer side spans [-1, 1], keeping the
    aspect ratio (the paper's "2 x 4/3 rectangle"). The position is then
    decomposed into components, each of which becomes one channel
    (``feature_groups``) of the Distributed IB.

    Parameters
    ----------
    name : {"china", "flower"} or array-like of shape (height, width, 3)
        A sample image of scikit-learn (427x640 pixels), or an RGB image of
        your own (integers in 0..255, or floats in [0, 1]).
    shape : (int, int) or None, default=(40, 60)
        (height, width) after area-average resizing; None keeps the original.
    decomposition : {"xy", "projections", "distances", "none"}, default="xy"
        - "xy": horizontal and vertical coordinates (Fig. 3a), 2 groups;
        - "projections": projections on ``n_components`` axes at angles
          ``k * 180 / n_components`` degrees (Fig. 3b; default 6);
        - "distances": Euclidean distances to ``n_components`` anchor points
          (Fig. 3c; default 4);
        - "none": both coordinates in a single group, the standard IB
          (Fig. 3d).
    n_components : int, default=None
        Number of components; None gives the default of the decomposition.
    anchors : {"circle", "random"} or array-like of shape (n_components, 2)
        Anchor points of "distances": evenly spaced on the unit circle
        (the first at (1, 0)), drawn uniformly in the image rectangle with
        ``random_state``, or given.
    random_state : int, RandomState instance or None, default=None
        Seed for ``anchors="random"``.

    Returns
    -------
    task : :class:`~sklearn.utils.Bunch`
        - ``data``: ndarray of shape (n_pixels, n_columns), the derived
          columns; rows follow the pixels row by row from the top left.
        - ``target``: ndarray of shape (n_pixels, 3), RGB in [0, 1].
        - ``feature_groups``: list of lists of column indices, one per
          component, to pass as the estimator's ``feature_groups``.
        - ``feature_names``, ``group_names``: names of the columns and groups.
        - ``positions``: ndarray of shape (n_pixels, 2), (horizontal,
          vertical) coordinates, the vertical one increasing upwards.
        - ``image_shape``: (height, width); ``image``: the resized image,
          shape (height, width, 3), equal to ``target.reshape(height, width,
          3)``.
        - ``axes`` (projections) or ``anchors`` (distances): shape
          (n_components, 2).
        - ``decomposition`` and ``description``.

    Examples
    --------
    >>> from skdib.datasets import load_image_task
    >>> task = load_image_task("china", shape=(20, 30),
    ...                        decomposition="projections", n_components=3)
    >>> task.data.shape, task.target.shape
    ((600, 3), (600, 3))
    >>> task.feature_groups
    [[0], [1], [2]]
    """
    n_components = _check_n_components(decomposition, n_components)
    original = _read_image(name)
    shape = _check_shape(shape, original.shape[:2])
    image = original if shape == original.shape[:2] else _resize_area(original,
                                                                       shape)
    image = np.clip(image, 0.0, 1.0)
    positions = _pixel_positions(*shape)
    data, names, groups, extra = _decompose(positions, decomposition,
                                            n_components, anchors, random_state)
    group_names = ["xy"] if decomposition == "none" else list(names)
    label = name if isinstance(name, str) else "custom"
    return Bunch(
        data=data,
        target=image.reshape(-1, 3),
        feature_groups=groups,
        feature_names=names,
        group_names=group_names,
        positions=positions,
        image_shape=shape,
        image=image,
        decomposition=decomposition,
        description=(
            f"Image {label!r} at {shape[0]}x{shape[1]} pixels: position -> RGB, "
            f"decomposition {decomposition!r} into {len(groups)} channel(s)."
        ),
        **extra,
    )
