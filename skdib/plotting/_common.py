"""Helpers shared by the plotting functions."""

import numpy as np
from sklearn.exceptions import NotFittedError

from skdib._dib._path import DEFAULT_SELECTION_RULE, InformationPath
from skdib._dib._ranking import DROP_THRESHOLD, rank_channels

__all__ = ["as_path", "best_point", "channel_colors", "channel_ranking", "new_axes",
           "text_label", "tick_positions"]


def as_path(est_or_path):
    """Return ``(path, estimator)`` from a fitted estimator or a path.

    ``estimator`` is None when an :class:`~skdib.InformationPath` is given.
    """
    if isinstance(est_or_path, InformationPath):
        return est_or_path, None
    path = getattr(est_or_path, "information_path_", None)
    if isinstance(path, InformationPath):
        return path, est_or_path
    inner = _fitted_inner(est_or_path)
    if inner is not None:  # a fitted selector or Pipeline: the sweep inside
        return as_path(inner)
    if hasattr(est_or_path, "fit") and hasattr(est_or_path, "get_params"):
        raise NotFittedError(  # a ValueError too, as scikit-learn's
            f"This {type(est_or_path).__name__} is not fitted yet: call fit "
            "before plotting its information path."
        )
    raise TypeError(
        "Expected a fitted DistributedIBClassifier / DistributedIBRegressor or "
        f"an InformationPath, got {type(est_or_path).__name__}."
    )


def _fitted_inner(obj):
    """The fitted Distributed IB estimator inside a fitted selector
    (``estimator_``) or Pipeline (its last step), else None."""
    inner = getattr(obj, "estimator_", None)
    if inner is None and hasattr(obj, "steps"):
        inner = obj.steps[-1][1]
    has_path = inner is not None and (
        hasattr(inner, "information_path_") or _fitted_inner(inner) is not None)
    return inner if has_path else None


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


def channel_colors(n):
    """``n`` distinct colours (10 fixed ones, then tab20, then a colour map)."""
    from matplotlib import colormaps

    if n <= len(PALETTE):
        return list(PALETTE[:n])
    if n <= 20:
        return [colormaps["tab20"](i) for i in range(n)]
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
