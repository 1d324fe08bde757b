"""Room on the page: the figure an Axes lives in, widths in points, and
where a legend goes."""

import numpy as np

__all__ = ["axes_width", "place_legend", "root_figure", "text_widths"]

LEGEND_FONT = "small"
MAX_LEGEND_COLUMNS = 4


def root_figure(artist):
    """The top-level Figure that ``artist`` is drawn on, also from inside a
    SubFigure (which has no size, dpi or canvas of its own)."""
    try:
        return artist.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10: a SubFigure's .figure is the root
        figure = artist.figure
        return getattr(figure, "figure", None) or figure


def axes_width(ax):
    """The width of ``ax`` in points, as it is laid out now."""
    return ax.bbox.width * 72.0 / root_figure(ax).dpi


def text_widths(texts, fontsize=None):
    """The width in points of each of ``texts`` (shown as they are, no
    mathtext) at ``fontsize`` (a size or a name such as ``"small"``): that of
    its widest line."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(size=fontsize)
    measure = TextToPath()
    return np.array([
        max(measure.get_text_width_height_descent(line, prop, ismath=False)[0]
            for line in str(text).split("\n"))
        for text in texts], dtype=float)


def laid_out(ax):
    """Whether the figure of ``ax`` has a layout engine (constrained or tight)
    that makes room for what sticks out of its axes when it is drawn."""
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    engine = root_figure(ax).get_layout_engine()
    return engine is not None and not isinstance(engine, PlaceHolderLayoutEngine)


def place_legend(ax, handles, labels):
    """One legend of ``handles``, in as many columns as fit the axes' width,
    where the page has room for it.

    In a figure with a layout engine it goes under the x axis label: there
    it meets no title and no tick label, and the layout makes room for it.
    In a figure without one it goes above the axes, in the room the default
    top margin leaves, when it fits there below the figure's top and no
    other axes lies above; else inside the axes, where it covers the fewest
    of the axes' points (``loc="best"``), on a see-through frame.
    """
    from matplotlib.transforms import ScaledTranslation

    style = dict(ncol=legend_columns(ax, labels), fontsize=LEGEND_FONT,
                 borderaxespad=0.0)
    if laid_out(ax):
        below = ScaledTranslation(0, -x_decoration_height() / 72,
                                  root_figure(ax).dpi_scale_trans)
        return ax.legend(handles, labels, loc="upper center",
                         bbox_to_anchor=(0.5, 0.0), frameon=False,
                         bbox_transform=ax.transAxes + below, **style)
    if not _axes_above(ax):
        legend = ax.legend(handles, labels, loc="lower center",
                           bbox_to_anchor=(0.5, 1.02), frameon=False, **style)
        if legend.get_window_extent().y1 <= ax.get_figure().bbox.y1:
            return legend
    style["borderaxespad"] = 0.5
    return ax.legend(handles, labels, loc="best", framealpha=0.8, **style)


def _axes_above(ax):
    """Whether another axes of the figure (not a twin or a child) lies above
    ``ax``, over some of its width: its tick labels take the room there."""
    box, twins = ax.get_position(), set(ax.get_shared_x_axes().get_siblings(ax))
    for other in ax.get_figure().axes:
        if other is ax or other in twins or not other.get_visible():
            continue
        pos = other.get_position()
        if pos.y0 >= box.y1 - 1e-9 and min(pos.x1, box.x1) > max(pos.x0, box.x0):
            return True
    return False


def x_decoration_height():
    """Points from the bottom of the axes to below its x axis label: the
    tick, the tick labels (room for exponents) and the label, from rcParams."""
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties

    tick_font = FontProperties(size=rcParams["xtick.labelsize"]).get_size_in_points()
    label_font = FontProperties(size=rcParams["axes.labelsize"]).get_size_in_points()
    return (max(rcParams["xtick.major.size"], 0) + rcParams["xtick.major.pad"]
            + 1.5 * tick_font + rcParams["axes.labelpad"] + 1.3 * label_font + 2)


def legend_columns(ax, labels):
    """The most columns (up to 4) that fit the axes' width, entries filling
    the columns top to bottom as matplotlib's legend does."""
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties

    font = FontProperties(size=LEGEND_FONT).get_size_in_points()
    entries = text_widths(labels, LEGEND_FONT) + (
        rcParams["legend.handlelength"] + rcParams["legend.handletextpad"]) * font
    room = axes_width(ax)
    for ncol in range(min(MAX_LEGEND_COLUMNS, len(labels)), 1, -1):
        rows = -(-len(labels) // ncol)
        widths = [entries[i:i + rows].max() for i in range(0, len(labels), rows)]
        spacing = rcParams["legend.columnspacing"] * font * (len(widths) - 1)
        if sum(widths) + spacing <= room:
            return ncol
    return 1
