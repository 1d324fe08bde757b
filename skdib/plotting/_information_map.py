"""Where in an element's space the set model's information lives: a map."""

import numpy as np

from skdib._sets._inputs import type_code_text

__all__ = ["plot_information_map"]


def _check_set_estimator(est):
    if not hasattr(est, "information_map") or not hasattr(est, "position_probes"):
        raise TypeError(
            "plot_information_map needs a fitted DistributedIBSetClassifier or "
            f"DistributedIBSetRegressor, got {type(est).__name__}.")


def plot_information_map(est, element_type=None, *, extent=None, resolution=41,
                         position_columns=(0, 1), make_probes=None,
                         positions_of=None,
                         quantity="information", n_references=512, n_batches=16,
                         random_state=0, cmap="magma", figure=None):
    """Bits per probe element over a 2-D neighbourhood, beside the density.

    The view of Fig. 4 (b-d) of the information-decomposition paper. Left:
    :meth:`~skdib.DistributedIBSetClassifier.information_map` on a regular
    grid of probe positions (a hypothetical element of ``element_type`` at
    each point), at the model's current path point. Right, on the same axes:
    where the real elements of that type lie (a 2-D histogram of the
    validation elements the probes are compared with). Informative regions
    that hold few elements show up as bright areas on the left over sparse
    areas on the right.

    Parameters
    ----------
    est : fitted DistributedIBSetClassifier or DistributedIBSetRegressor
    element_type : number, optional
        Required when the model has several element types.
    extent : float or (xmin, xmax, ymin, ymax), optional
        The square ``[-extent, extent]^2`` or a box. Default: the range of
        the real elements' positions (the validation elements of
        ``element_type``), per axis and with no margin, so neither panel
        holds much space where no element lies. The panels keep equal
        aspect (positions are lengths), so where one range is less than a
        quarter of the other it is widened about its centre to a quarter:
        the map is at most 4 times longer than wide. An axis on which every
        element has one value is widened the same way (±0.5 around it when
        both are).
    resolution : int, default=41
        Grid points per side.
    position_columns, make_probes :
        How a position becomes an element row; see
        :meth:`~skdib.DistributedIBSetClassifier.position_probes`.
    positions_of : callable, optional
        Element rows to 2-D positions, for the density panel (needed when
        the elements are described by other numbers than their position;
        default: their ``position_columns``).
    quantity : {'information', 'lower', 'upper', 'kl'}, default='information'
        Which per-probe value to draw (bits).
    n_references, n_batches, random_state :
        Passed to ``information_map``.
    cmap : str, default='magma'
    figure : matplotlib Figure, optional
        Drawn into (two panels); a new one by default.

    Returns
    -------
    figure : matplotlib.figure.Figure
        With the map values in ``figure.information_map`` (the Bunch of
        ``information_map`` plus ``grid_x`` and ``grid_y``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skdib import DistributedIBSetClassifier
    >>> from skdib.plotting import plot_information_map
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 6, 2))  # sets of six 2-D positions
    >>> y = (np.hypot(X[..., 0], X[..., 1]) < 0.5).any(axis=1).astype(int)
    >>> clf = DistributedIBSetClassifier(n_pretrain_steps=50, n_steps=100,
    ...                                  n_checkpoints=3, random_state=0).fit(X, y)
    >>> fig = plot_information_map(clf, extent=2.0, resolution=11, n_batches=4)
    >>> fig.information_map.information.shape
    (121,)
    """
    _check_set_estimator(est)
    if quantity not in ("information", "lower", "upper", "kl"):
        raise ValueError(f"quantity must be 'information', 'lower', 'upper' or "
                         f"'kl', got {quantity!r}.")
    sample = est.element_sample(element_type)
    refs = (sample[:, list(position_columns)] if positions_of is None
            else np.asarray(positions_of(sample), dtype=float))
    box = _box(extent, refs)
    # probes at the pixels' centres, so the map and the histogram of the
    # elements (bins of the same box) line up
    gx, gy = np.meshgrid(_centres(box[0], box[1], resolution),
                         _centres(box[2], box[3], resolution))
    probes = est.position_probes(np.c_[gx.ravel(), gy.ravel()], element_type,
                                 position_columns, make_probes)
    result = est.information_map(probes, element_type, n_references=n_references,
                                 n_batches=n_batches, random_state=random_state)
    result.grid_x, result.grid_y = gx, gy
    if figure is None:
        import matplotlib.pyplot as plt

        figure = plt.figure(figsize=(9, 4), layout="constrained")
    left, right = figure.subplots(1, 2, sharex=True, sharey=True)
    values = getattr(result, quantity).reshape(gx.shape)
    image = left.imshow(values, origin="lower", extent=box, cmap=cmap,
                        aspect="equal")
    figure.colorbar(image, ax=left, label=f"{quantity} per probe (bits)")
    left.set_title(f"bits per element, type {type_code_text(result.element_type)}")
    counts, _, _ = np.histogram2d(refs[:, 1], refs[:, 0], bins=resolution,
                                  range=[box[2:], box[:2]])
    dens = right.imshow(counts, origin="lower", extent=box, cmap="Greys",
                        aspect="equal")
    figure.colorbar(dens, ax=right, label="elements per bin")
    right.set_title("where the elements lie")
    for ax in (left, right):
        ax.set_xlabel("x")
    left.set_ylabel("y")
    figure.information_map = result
    return figure


def _centres(low, high, n):
    """Centres of ``n`` equal cells spanning [low, high]."""
    return low + (np.arange(n) + 0.5) * (high - low) / n


def _box(extent, refs):
    """The map's ``(xmin, xmax, ymin, ymax)``: from ``extent``, else the
    elements' range."""
    if extent is None:
        return _positions_range(refs)
    if np.ndim(extent) == 0:
        e = float(extent)
        if not e > 0:
            raise ValueError(f"extent must be positive, got {extent!r}.")
        return (-e, e, -e, e)
    box = tuple(float(v) for v in extent)
    if len(box) != 4 or not (box[0] < box[1] and box[2] < box[3]):
        raise ValueError("extent must be a positive number or (xmin, xmax, ymin, "
                         f"ymax) with min < max; got {extent!r}.")
    return box


MAX_ASPECT = 4  # the default map is never more than 4 times longer than wide


def _positions_range(refs):
    """Per axis, the smallest and largest position of the real elements,
    the shorter range widened about its centre to at least a quarter of the
    longer (``MAX_ASPECT``): the panels keep equal aspect, and a thin strip
    of data would make them slivers.

    An axis on which every element sits at one value is widened the same
    way (±0.5 when both are), and no elements at all give [-1, 1]^2.
    """
    finite = refs[np.isfinite(refs).all(axis=1)] if len(refs) else refs
    if not len(finite):
        return (-1.0, 1.0, -1.0, 1.0)
    low, high = finite.min(axis=0).astype(float), finite.max(axis=0).astype(float)
    span = high - low
    least = span.max() / MAX_ASPECT if span.max() > 0 else 1.0
    narrow = span < least
    centre = (low + high) / 2
    low[narrow], high[narrow] = centre[narrow] - least / 2, centre[narrow] + least / 2
    return (low[0], high[0], low[1], high[1])
