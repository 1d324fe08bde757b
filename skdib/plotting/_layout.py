"""Room on the page: the figure an Axes lives in, and widths in points."""

__all__ = ["axes_width", "root_figure"]


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
