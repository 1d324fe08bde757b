"""Heatmap of the bits kept from each channel along the path."""

import numpy as np
from matplotlib.ticker import Formatter, Locator

from skdib.plotting._common import (
    as_path,
    channel_ranking,
    new_axes,
    text_label,
    tick_positions,
)
from skdib.plotting._layout import axes_width, root_figure, text_widths

__all__ = ["plot_information_allocation"]

MAX_TICKS = 7
MAX_ROW_LABELS = 40


def _bits_label(total):
    """A total in bits as a tick label: "?" where unknown (NaN)."""
    if not np.isfinite(total):
        return "?"
    return f"{total:.2g}" if total >= 0.005 else "0"


def _fitting_ticks(sets, room):
    """Columns to label: the most (up to ``MAX_TICKS``, ends first) whose
    labels, centred on their columns, leave a gap between neighbours in
    ``room`` points, in every one of ``sets`` (each the labels' widths and
    the gap, about a character, in points), so that every axis can label the
    same columns."""
    n = len(sets[0][0])
    for m in range(min(n, MAX_TICKS), 1, -1):
        ticks = tick_positions(n, m)
        apart = np.diff(ticks) * room / n
        if all(np.all(apart >= (widths[ticks[:-1]] + widths[ticks[1:]]) / 2 + gap)
               for widths, gap in sets):
            return ticks
    return tick_positions(n, min(n, 2))


def _label_columns(ax, top, bits, betas):
    """Label the same columns with ``bits`` below and ``betas`` on ``top``,
    as many as fit the width the axes has when the ticks are made: at draw
    time, after a layout engine has shrunk the axes."""
    columns = _Columns(ax, top, bits, betas)
    for axis, labels in ((ax.xaxis, bits), (top.xaxis, betas)):
        axis.set_major_locator(_ColumnLocator(columns))
        axis.set_major_formatter(_ColumnLabel(labels))


class _Columns:
    """The columns the heatmap's two x axes label, from the width of ``ax``
    and each axis's tick label font (the top one is "small") as they are
    now. The labels' widths are measured once per font and dpi: the tick
    passes of a draw and later redraws reuse them."""

    def __init__(self, ax, top, bits, betas):
        self.axes, self.labels = (ax, top), (bits, betas)
        self.measured = {}

    def __call__(self):
        room = max(axes_width(self.axes[0]), 36.0)
        return _fitting_ticks([self._widths(axes, labels) for axes, labels
                               in zip(self.axes, self.labels, strict=True)], room)

    def _widths(self, axes, labels):
        """The widths of ``labels`` in the tick font of ``axes`` at the
        figure's dpi now, and the gap between two labels, in points."""
        font = axes.xaxis.majorTicks[0].label1.get_fontproperties()
        dpi = root_figure(axes).dpi
        key = (tuple(labels), hash(font), dpi)  # FontProperties' own equality
        if key not in self.measured:
            if len(self.measured) >= 8:
                self.measured.clear()
            self.measured[key] = (text_widths(labels, font, dpi),
                                  0.6 * font.get_size_in_points())
        return self.measured[key]


class _ColumnLocator(Locator):
    """Ticks at the columns :class:`_Columns` picks, when they are made."""

    def __init__(self, columns):
        self.columns = columns

    def __call__(self):
        return self.columns()

    def tick_values(self, vmin, vmax):
        return self.columns()


class _ColumnLabel(Formatter):
    """The label of the column at a tick."""

    def __init__(self, labels):
        self.labels = labels

    def __call__(self, value, pos=None):
        column = int(round(value))
        return self.labels[column] if 0 <= column < len(self.labels) else ""


def plot_information_allocation(est_or_path, ax=None, *, threshold=0.05,
                                cmap="viridis", colorbar=True):
    """Heatmap of bits per channel (rows) along the path (columns).

    Rows are the channels, the one that keeps its information longest on
    top (ordered by :meth:`~skdib.InformationPath.drop_order`; ties by the bits at
    the last checkpoint above the threshold, then by the bits summed over
    the path, then by index). Columns are the path's points in sweep order
    (β increasing), so reading left to right follows the channels dropping
    out one after another. The bottom
    axis gives the total information in bits at each column ("?" where a
    channel's bits could not be estimated, a NaN total; its cells are
    blank), the top axis β. Both axes label the same columns: at most 7,
    first and last included, and fewer where the labels would run into each
    other. The columns are chosen when the figure is drawn, from the width a
    layout engine has left the axes and the tick labels' font.

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
    ax.set_xlabel("total information (bits)")
    top = ax.secondary_xaxis("top")
    top.tick_params(axis="x", labelsize="small")
    top.set_xlabel("β")
    _label_columns(ax, top, [_bits_label(t) for t in path.total_information],
                   [f"{b:.1e}" for b in path.beta])
    if colorbar:
        bar = ax.figure.colorbar(image, ax=ax, pad=0.02)
        bar.set_label("information (bits)")
    return ax
