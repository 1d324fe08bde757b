"""Room on the page: the figure an Axes lives in, and widths in points."""

import numpy as np

__all__ = ["axes_width", "root_figure", "text_widths"]


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
