"""Heatmap of the bits kept from each channel along the path."""

import numpy as np

from skdib.plotting._common import (
    as_path,
    channel_ranking,
    new_axes,
    text_label,
    tick_positions,
)

__all__ = ["plot_information_allocation"]

MAX_TICKS = 7
MAX_ROW_LABELS = 40


def _bits_label(total):
    """A total in bits as a tick label: "?" where unknown (NaN)."""
    if not np.isfinite(total):
        return "?"
    return f"{total:.2g}" if total >= 0.005 else "0"


def plot_information_allocation(est_or_path, ax=None, *, threshold=0.05,
                                cmap="viridis", colorbar=True):
    """Heatmap of bits per channel (rows) along the path (columns).

    Rows are the channels, the one that keeps its information longest on
    top (ordered by :meth:`InformationPath.drop_order`; ties by the bits at
    the last checkpoint above the threshold, then by the bits summed over
    the path, then by index). Columns are the path's points in sweep order
    (β increasing), so reading left to right follows the channels dropping
    out one after another. The bottom
    axis gives the total information in bits at each column ("?" where a
    channel's bits could not be estimated, a NaN total; its cells are
    blank), the top axis β.

    Parameters
    ----------
    est_or_path : fitted DistributedIBClassifier, DistributedIBRegressor or \
InformationPath
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure is made when None.
    threshold : float, default=0.05
        Bits below which a channel counts as dropped (for the row order).
    cmap : str or Colormap, default="viridis"
    colorbar : bool, default=True
        Add a colour bar in bits.

    Returns
    -------
    ax : matplotlib Axes
        ``ax.images[0]`` holds the drawn (n_channels, n_points) array:
        ``path.information[:, rows].T``.

    See Also
    --------
    plot_information_plane : The same bits as curves, with the loss.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skdib import InformationPath
    >>> from skdib.plotting import plot_information_allocation
    >>> bits = np.array([[1.0, 0.5], [0.8, 0.1], [0.2, 0.0]])
    >>> path = InformationPath(
    ...     beta=np.array([1e-3, 1e-2, 1e-1]), kl=bits, information=bits,
    ...     loss_train=np.array([0.1, 0.3, 0.8]),
    ...     loss_val=np.array([0.2, 0.3, 0.8]),
    ...     score_val=np.array([0.95, 0.9, 0.6]), feature_names=("a", "b"))
    >>> ax = plot_information_allocation(path)
    >>> ax.images[0].get_array().tolist()
    [[1.0, 0.8, 0.2], [0.5, 0.1, 0.0]]
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['a', 'b']
    """
    path, _ = as_path(est_or_path)
    rows = channel_ranking(path, threshold)
    matrix = np.asarray(path.information, dtype=float)[:, rows].T
    n_rows, n_cols = matrix.shape
    ax = new_axes(ax, (max(5.0, 0.18 * n_cols + 3.0),
                       max(2.5, 0.28 * min(n_rows, 60) + 1.2)))
    vmax = max(float(np.nanmax(matrix)), threshold)
    image = ax.imshow(matrix, aspect="auto", interpolation="nearest", cmap=cmap,
                      vmin=0.0, vmax=vmax)

    names = [text_label(path.feature_names[r]) for r in rows]
    step = int(np.ceil(n_rows / MAX_ROW_LABELS))
    ax.set_yticks(np.arange(0, n_rows, step))
    ax.set_yticklabels(names[::step])
    ticks = tick_positions(n_cols, MAX_TICKS)
    ax.set_xticks(ticks)
    total = path.total_information
    ax.set_xticklabels([_bits_label(total[t]) for t in ticks])
    ax.set_xlabel("total information (bits)")
    top = ax.secondary_xaxis("top")
    top.set_xticks(ticks)
    top.set_xticklabels([f"{path.beta[t]:.1e}" for t in ticks],
                        fontsize="small")
    top.set_xlabel("β")
    if colorbar:
        bar = ax.figure.colorbar(image, ax=ax, pad=0.02)
        bar.set_label("information (bits)")
    return ax
