"""Helpers shared by the plotting functions."""

import numpy as np

from skdib._dib._path import DEFAULT_SELECTION_RULE
from skdib._dib._ranking import DROP_THRESHOLD, rank_channels
from skdib.plotting._finder import as_path

__all__ = ["as_path", "best_point", "channel_colors", "channel_ranking", "new_axes",
           "text_label", "tick_positions"]


def best_point(path, est=None):
    """The estimator's default point, else the point its rule picks on the path."""
    if est is not None and hasattr(est, "best_point_"):
        return int(est.best_point_)
    return path.select_point(DEFAULT_SELECTION_RULE)


def channel_ranking(path, threshold=DROP_THRESHOLD):
    """Channel indices, most important first: the selector's own rule.

    See :func:`skdib._dib._ranking.rank_channels`.
    """
    return rank_channels(path, threshold)


# tab10 with its grey swapped for navy: grey marks the unlabelled channels
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
           "#e377c2", "#bcbd22", "#17becf", "#393b79")
# ranks 11 to 20: saturated colours from matplotlib's qualitative maps
# (tab20b, tab20c, Set1-3, Dark2, Accent), none grey, chosen to lie far from
# the ten above and from each other, in an order where neighbours differ in
# hue by at least 59 degrees
PALETTE_MORE = ("#bf5b17", "#7b4173", "#a6761d", "#1b9e77", "#e6ab02",
                "#7fc97f", "#fb8072", "#637939", "#f0027f", "#fdae6b")
UNLABELLED = "0.75"  # the colour of the channels outside the legend


def channel_colors(n):
    """``n`` distinct colours: 20 fixed ones (no grey), then a colour map.

    The first ten are :data:`PALETTE`, so a channel keeps its colour while
    there are up to 20; past 20, colours spread over ``turbo``.
    """
    from matplotlib import colormaps

    fixed = PALETTE + PALETTE_MORE
    if n <= len(fixed):
        return list(fixed[:n])
    cmap = colormaps["turbo"]
    return [cmap(v) for v in np.linspace(0.05, 0.95, n)]


def new_axes(ax, figsize):
    """Return ``ax``, or the axes of a new pyplot figure when it is None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def tick_positions(n, max_ticks):
    """At most ``max_ticks`` evenly spread indices of ``range(n)``, ends included."""
    return np.unique(np.linspace(0, n - 1, min(n, max_ticks)).round().astype(int))


def text_label(name, *, legend=False):
    """``name`` (a column, channel, category or method name: data, not
    markup) as matplotlib text that shows it as it is.

    Every ``$`` is escaped, so a name is never read as mathtext (two of them
    would be parsed as a formula, and a bad one fails at draw time). With
    ``legend=True``, a name that starts with ``_`` gets an invisible
    zero-width space in front: matplotlib leaves such labels out of legends.
    """
    text = str(name).replace("$", r"\$")
    if legend and text.startswith("_"):
        text = "\u200b" + text
    return text
