"""Room on the page: the figure an Axes lives in, widths in points, and
where a legend goes."""

import functools

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


def text_widths(texts, font=None, dpi=None):
    """The width in points of each of ``texts`` (shown as they are, no
    mathtext) in ``font`` (a FontProperties, or a size or a name such as
    ``"small"`` in the default font): that of
    its widest line. With ``dpi``, the wider of its outline's width and the
    width Agg draws at that dpi, whose hinting snaps glyphs to pixels and so
    widens or narrows a line by up to a few percent."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = (font.copy() if isinstance(font, FontProperties)
            else FontProperties(size=font))
    measures = [(TextToPath(), 1.0)]
    if dpi is not None:
        measures.append((_agg_renderer(float(dpi)), 72.0 / dpi))
    return np.array([
        max(measure.get_text_width_height_descent(line, prop, ismath=False)[0]
            * scale for line in str(text).split("\n")
            for measure, scale in measures)
        for text in texts], dtype=float)


@functools.lru_cache(maxsize=8)
def _agg_renderer(dpi):
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(1, 1, dpi)


def place_legend(ax, handles, labels):
    """One legend of ``handles`` under the x axis label of ``ax``, in as many
    columns as fit the axes' width.

    There it meets no title and no tick label, as matplotlib's own legends
    outside the axes: it lies outside the axes' box, so a layout pass has to
    make room for it on the page. A figure the plots make themselves has
    constrained layout; in one made by the user, ``layout="constrained"``,
    ``fig.tight_layout()`` or ``savefig(bbox_inches="tight")`` keeps it on
    the page.
    """
    from matplotlib.transforms import ScaledTranslation

    below = ScaledTranslation(0, -x_decoration_height() / 72,
                              root_figure(ax).dpi_scale_trans)
    return ax.legend(handles, labels, loc="upper center",
                     bbox_to_anchor=(0.5, 0.0), frameon=False,
                     bbox_transform=ax.transAxes + below, borderaxespad=0.0,
                     ncol=legend_columns(ax, labels), fontsize=LEGEND_FONT)


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
    """The most columns (up to 4) that fit the axes' width, the entries split
    as matplotlib's legend splits them: into exactly ``ncol`` columns, in
    order, the first ``n % ncol`` of them one entry longer."""
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties

    font = FontProperties(size=LEGEND_FONT).get_size_in_points()
    dpi = root_figure(ax).dpi
    entries = text_widths(labels, LEGEND_FONT, dpi) + (
        rcParams["legend.handlelength"] + rcParams["legend.handletextpad"]) * font
    room = axes_width(ax) - 2 * rcParams["legend.borderpad"] * font
    for ncol in range(min(MAX_LEGEND_COLUMNS, len(labels)), 1, -1):
        widths = [column.max() for column in np.array_split(entries, ncol)]
        spacing = rcParams["legend.columnspacing"] * font * (ncol - 1)
        if sum(widths) + spacing <= room:
            return ncol
    return 1
