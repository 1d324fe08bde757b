"""Score against the number of selected features, one curve per method."""

import numpy as np
import pandas as pd

from skdib.plotting._common import channel_colors, new_axes, text_label

__all__ = ["plot_selector_comparison"]

REQUIRED = ("method", "k", "fold", "score")


def _fold_mean(scores):
    """Mean of one (method, k)'s fold scores: NaN when any fold is NaN.

    A fold scored NaN failed (``error_score`` of
    :func:`~skdib.compare.compare_selectors`); averaging the other folds
    would hide that, so the point is NaN, as the mean of scikit-learn's
    ``cross_validate`` scores would be.
    """
    return float(np.mean(scores.to_numpy(dtype=float)))


def _fold_std(scores):
    """Standard deviation (ddof=1) of the fold scores: NaN when any is NaN,
    0 with a single fold."""
    values = scores.to_numpy(dtype=float)
    return float(np.std(values, ddof=1)) if len(values) > 1 else 0.0 * values[0]


def _summary(frame):
    """Mean and std over folds per (method, k); methods in order of appearance.

    A (method, k) with a failed (NaN) fold gets a NaN mean and std.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got "
                        f"{type(frame).__name__}.")
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks the columns {missing}; it needs "
                         f"{list(REQUIRED)} (one row per method, k and fold).")
    if frame.empty:
        raise ValueError("frame is empty.")
    stats = (frame.groupby(["method", "k"], sort=False)["score"]
             .agg(mean=_fold_mean, std=_fold_std)
             .reset_index())
    methods = list(dict.fromkeys(frame["method"]))
    return methods, stats


def plot_selector_comparison(frame, ax=None, *, ylabel=None):
    """Score against the number of selected features k, per selection method.

    Parameters
    ----------
    frame : DataFrame
        Tidy results with columns ``method``, ``k``, ``fold`` and ``score``
        (one row per method, k and cross-validation fold).
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure is made when None.
    ylabel : str, optional
        Label of the score axis; default ``frame.attrs["scoring"]`` or
        ``"score"``.

    Returns
    -------
    ax : matplotlib Axes
        ``ax.lines[i]`` is method ``i`` (in order of first appearance): x is
        the sorted k, y the mean score over folds; the shaded band is ± one
        standard deviation (0 with a single fold). Where a fold's score is
        NaN (a fold that failed, see ``error_score`` of
        :func:`~skdib.compare.compare_selectors`), that method's mean and
        band at that k are NaN, a gap in its curve, as the mean of
        scikit-learn's ``cross_validate`` scores would be; the legend's
        title then says so. The other folds are not averaged on their own.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import pandas as pd
    >>> from skdib.plotting import plot_selector_comparison
    >>> frame = pd.DataFrame({"method": ["dib"] * 4 + ["lasso"] * 4,
    ...                       "k": [1, 1, 2, 2] * 2, "fold": [0, 1] * 4,
    ...                       "score": [0.7, 0.8, 0.9, 0.9, 0.6, 0.6, 0.8, 0.9]})
    >>> ax = plot_selector_comparison(frame)
    >>> [line.get_label() for line in ax.lines]
    ['dib', 'lasso']
    >>> ax.lines[0].get_ydata().round(2).tolist()
    [0.75, 0.9]
    """
    methods, stats = _summary(frame)
    ax = new_axes(ax, (6.0, 4.0))
    for method, color in zip(methods, channel_colors(len(methods)), strict=True):
        rows = stats[stats["method"] == method].sort_values("k")
        k = rows["k"].to_numpy(dtype=float)
        mean, std = rows["mean"].to_numpy(), rows["std"].to_numpy()
        ax.plot(k, mean, marker="o", ms=4, color=color,
                label=text_label(method, legend=True))
        ax.fill_between(k, mean - std, mean + std, color=color, alpha=0.2, lw=0)
    ks = np.unique(frame["k"].to_numpy(dtype=float))
    if len(ks) <= 20 and np.all(ks == np.round(ks)):
        ax.set_xticks(ks)
    ax.set_xlabel("number of selected features k")
    ax.set_ylabel(ylabel or text_label(frame.attrs.get("scoring", "score")))
    ax.legend(fontsize="small", title_fontsize="small",
              title=_legend_title(frame, stats))
    return ax


def _legend_title(frame, stats):
    """What the points are: the number of folds averaged, and a note when a
    failed fold left a point out."""
    n_folds = frame["fold"].nunique()
    lines = [f"mean ± std over {n_folds} folds"] if n_folds > 1 else []
    if stats["mean"].isna().any():
        lines.append("no point where a fold failed (NaN)")
    return "\n".join(lines) or None
