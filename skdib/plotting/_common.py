"""Helpers shared by the plotting functions."""

import numpy as np
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from skdib._dib._path import DEFAULT_SELECTION_RULE, InformationPath
from skdib._dib._ranking import DROP_THRESHOLD, rank_channels

__all__ = ["as_path", "best_point", "channel_colors", "channel_ranking", "new_axes",
           "text_label", "tick_positions"]


def as_path(est_or_path):
    """Return ``(path, estimator)`` from a fitted estimator or a path.

    ``estimator`` is None when an :class:`~skdib.InformationPath` is given.
    A fitted selector, Pipeline (any step) or search (its
    ``best_estimator_``) gives the one fitted sweep inside it; several are
    refused with a ValueError naming them.
    """
    if isinstance(est_or_path, InformationPath):
        return est_or_path, None
    path = getattr(est_or_path, "information_path_", None)
    if isinstance(path, InformationPath):
        return path, est_or_path
    inner = _fitted_inner(est_or_path)
    if inner is not None:  # a fitted selector, Pipeline or search: the sweep inside
        return as_path(inner)
    if hasattr(est_or_path, "fit") and hasattr(est_or_path, "get_params"):
        _refuse_estimator(est_or_path)
    raise TypeError(
        "Expected a fitted DistributedIBClassifier / DistributedIBRegressor or "
        f"an InformationPath, got {type(est_or_path).__name__}."
    )


def _refuse_estimator(est):
    """Raise for an estimator that holds no fitted sweep: NotFittedError when
    it is not fitted, else a TypeError saying it holds no sweep."""
    try:
        check_is_fitted(est)
    except NotFittedError:
        raise NotFittedError(  # a ValueError too, as scikit-learn's
            f"This {type(est).__name__} is not fitted yet: call fit "
            "before plotting its information path.") from None
    raise TypeError(
        f"This fitted {type(est).__name__} holds no fitted Distributed IB "
        "estimator (looked in the steps of a Pipeline, a selector's "
        "estimator_ and a search's best_estimator_): pass the fitted "
        "DistributedIBClassifier / DistributedIBRegressor or its "
        "information_path_.")


def _fitted_inner(obj):
    """The one fitted Distributed IB estimator inside ``obj``, else None.

    Looks into a Pipeline's steps (any of them), a selector's
    ``estimator_`` and a search's ``best_estimator_``, at any depth. Raises
    ValueError, naming them, when there are several.
    """
    found = _sweeps_inside(obj, type(obj).__name__)
    if len(found) > 1:
        names = ", ".join(where for where, _ in found)
        raise ValueError(
            f"This {type(obj).__name__} holds {len(found)} fitted Distributed "
            f"IB estimators ({names}); pass the one to plot.")
    return found[0][1] if found else None


def _sweeps_inside(obj, where):
    """``(where, estimator)`` for every fitted sweep in or under ``obj``."""
    if isinstance(getattr(obj, "information_path_", None), InformationPath):
        return [(where, obj)]
    found = []
    for attr in ("estimator_", "best_estimator_"):
        inner = getattr(obj, attr, None)
        if inner is not None:
            found += _sweeps_inside(inner, f"{where}.{attr}")
    steps = getattr(obj, "steps", None)
    if isinstance(steps, list):
        for step in steps:
            if isinstance(step, tuple) and len(step) == 2:
                found += _sweeps_inside(step[1], f"{where}[{step[0]!r}]")
    return found


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
