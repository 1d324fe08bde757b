"""The information plane: relevance and bits per channel along the path."""

import numpy as np

from skdib.plotting._common import (
    UNLABELLED,
    as_path,
    best_point,
    channel_colors,
    channel_ranking,
    new_axes,
    text_label,
)
from skdib.plotting._layout import place_legend

__all__ = ["plot_information_plane"]

CHANNEL_AXES_LABEL = "channels"


def _relevance_label(est):
    from sklearn.base import is_classifier, is_regressor

    if est is not None and is_classifier(est):
        return "cross-entropy (bits)"
    if est is not None and is_regressor(est):
        return "neg. log-likelihood (bits)"
    return "loss (bits)"


def _draw_relevance(ax, xs, path, relevance, est):
    """Draw the relevance curves; return the curve that gets the best marker."""
    marker = "o" if path.n_points == 1 else None  # one point: no line to see
    if relevance == "loss" and path.relevance_lower is not None:
        # InfoNCE head: the loss grows with log2 of the rows scored together,
        # so the training rows' loss cannot be set beside the validation one
        ax.plot(xs, path.loss_val, color="0.45", lw=1.8, ls="--",
                label="InfoNCE loss (validation)", marker=marker)
        ax.set_ylabel("InfoNCE loss, validation (bits)")
        return np.asarray(path.loss_val, dtype=float)
    if relevance == "loss":
        ax.plot(xs, path.loss_train, color="k", lw=1.8, label="loss (train)",
                marker=marker)
        ax.plot(xs, path.loss_val, color="0.45", lw=1.8, ls="--",
                label="loss (validation)", marker=marker)
        ax.set_ylabel(_relevance_label(est))
        return np.asarray(path.loss_val, dtype=float)
    from sklearn.base import is_regressor

    name = ("accuracy" if hasattr(est, "classes_")
            else "R²" if est is not None and is_regressor(est) else "score")
    ax.plot(xs, path.score_val, color="k", lw=1.8, label=f"validation {name}",
            marker=marker)
    ax.set_ylabel(f"validation {name}")
    return np.asarray(path.score_val, dtype=float)


def _draw_channels(twin, xs, path, max_labeled, show_bounds, threshold):
    n = len(path.feature_names)
    ranked = channel_ranking(path, threshold)[:max_labeled]
    colors = dict(zip(ranked.tolist(), channel_colors(len(ranked)), strict=True))
    info = np.asarray(path.information, dtype=float)
    bands = (show_bounds and path.information_lower is not None
             and path.information_upper is not None)
    marker = "o" if path.n_points == 1 else None  # one point: no line to see
    for j, name in enumerate(path.feature_names):
        color = colors.get(j, UNLABELLED)
        label = text_label(name, legend=True) if j in colors else "_nolegend_"
        lw = 1.6 if j in colors else 0.8
        twin.plot(xs, info[:, j], color=color, lw=lw, label=label, marker=marker)
        if bands:
            twin.fill_between(xs, path.information_lower[:, j],
                              path.information_upper[:, j], color=color,
                              alpha=0.2, lw=0)
    twin.set_ylabel("information per channel (bits)")
    # head room: the plateaus sit below a dotted H(Y) near the top
    shown = np.asarray(path.information_upper, dtype=float) if bands else info
    low, high = min(0.0, float(np.nanmin(info))), float(np.nanmax(shown))
    twin.set_ylim(low, high * 1.2 if high > 0 else 1.0)
    return n - len(ranked)


def _total_information(path):
    """The abscissa ``x="information"``, refused where it is not a number."""
    totals = np.asarray(path.total_information, dtype=float)
    if np.all(np.isfinite(totals)):
        return totals
    unknown = ~np.isfinite(np.asarray(path.information, dtype=float)).all(axis=0)
    names = [path.feature_names[j] for j in np.flatnonzero(unknown)]
    raise ValueError(
        f"total_information is not finite at {int((~np.isfinite(totals)).sum())}"
        f" of {len(totals)} checkpoints: the bits of {names} could not be "
        "estimated (for a set estimator: an element type with fewer than 2 "
        "validation elements). Draw against beta with x='beta'.")


def plot_information_plane(est_or_path, ax=None, *, x="information",
                           relevance="loss", target_entropy=None,
                           show_bounds=True, max_labeled=10, threshold=0.05,
                           legend=True):
    """Relevance and the bits of every channel along the information path.

    The left axis shows how well the model still predicts y at each path
    point (training and validation loss in bits, or the validation score);
    the right (twin) axis shows the information kept from each channel, one
    curve per channel. Both are drawn against the *total* information in bits
    (the sum over channels), so reading from right to left follows the
    β sweep from "everything kept" to "nothing kept": every curve ends at 0 on
    the left, and where the loss steps up, the channels that fall at the same
    abscissa are the ones whose loss cost it. Total information is the clearer
    common axis than β: it is in bits, it does not depend on the β schedule,
    and it makes paths of different fits comparable. ``x="beta"`` gives the
    Fig. 2b layout of the Distributed IB paper (log β) instead.

    Parameters
    ----------
    est_or_path : fitted DistributedIBClassifier, DistributedIBRegressor or \
InformationPath
    ax : matplotlib Axes, default=None
        Axes for the relevance curves; a new figure is made when None. The
        channel curves go on a twin axes sharing its x axis.
    x : {"information", "beta"}, default="information"
        The abscissa: total information in bits, or β on a log scale. A path
        whose total is NaN at some checkpoint (a channel's bits could not be
        estimated) is refused with ``"information"``; ``"beta"`` draws it,
        the channel's curve with gaps where its bits are NaN.
    relevance : {"loss", "score"}, default="loss"
        ``"loss"``: training (solid) and validation (dashed) loss in bits.
        For the InfoNCE head (a path with ``relevance_lower``, a fitted one
        or the ``path`` of ``cross_validate_path``) only the
        validation loss is drawn: an InfoNCE loss grows with log2 of the
        number of rows scored together, and the training loss is scored on
        up to 4096 training rows, more than the validation rows, so the two
        curves differ by that alone.
        ``"score"``: the validation score (accuracy or R²).
    target_entropy : float, optional
        H(Y) in bits, drawn as a dotted line (the loss of knowing nothing).
        Taken from the classifier's ``target_entropy_`` when not given.
    show_bounds : bool, default=True
        Shade the band between the lower and upper information bounds of each
        channel, when the path has them.
    max_labeled : int, default=10
        Channels in colour and in the legend: the ones that keep their
        information longest. The others are thin grey lines.
    threshold : float, default=0.05
        Bits below which a channel counts as dropped (for the ranking).
    legend : bool, default=True
        Draw one legend for both axes, under the x axis label (clear of a
        title and of the data), in as many columns (up to 4) as fit the
        axes' width. It lies outside the axes, so the figure needs a layout
        pass to keep it on the page: the figure made when ``ax`` is None has
        constrained layout; for one of yours, make it with
        ``layout="constrained"``, call ``fig.tight_layout()`` once the
        titles are set, or save it with ``bbox_inches="tight"`` (as
        Jupyter's inline display does).

    Returns
    -------
    ax : matplotlib Axes
        The relevance axes. Its lines are, in order: the loss curves (train,
        validation; validation only for the InfoNCE head) or the score
        curve, the best-point marker (label ``"default point"``), a vertical
        line at the best point, rings on checkpoints that had not settled
        (label ``"not settled (mid-transition)"``, only where there are
        some) and ``H(Y)`` when drawn. The twin axes (label ``"channels"``, in
        ``ax.figure.axes``) holds one line per channel in channel order.

    See Also
    --------
    plot_information_allocation : The same bits as a heatmap.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skdib import InformationPath
    >>> from skdib.plotting import plot_information_plane
    >>> path = InformationPath(
    ...     beta=np.array([1e-3, 1e-2, 1e-1]),
    ...     kl=np.array([[1.0, 0.5], [0.8, 0.1], [0.2, 0.0]]),
    ...     information=np.array([[1.0, 0.5], [0.8, 0.1], [0.2, 0.0]]),
    ...     loss_train=np.array([0.1, 0.3, 0.8]),
    ...     loss_val=np.array([0.2, 0.3, 0.8]),
    ...     score_val=np.array([0.95, 0.9, 0.6]), feature_names=("a", "b"))
    >>> ax = plot_information_plane(path, target_entropy=1.0)
    >>> ax.lines[0].get_xdata().tolist()
    [1.5, 0.9, 0.2]
    """
    if x not in ("information", "beta"):
        raise ValueError(f"x must be 'information' or 'beta', got {x!r}.")
    if relevance not in ("loss", "score"):
        raise ValueError(f"relevance must be 'loss' or 'score', got {relevance!r}.")
    path, est = as_path(est_or_path)
    if target_entropy is None and est is not None:
        target_entropy = getattr(est, "target_entropy_", None)
    ax = new_axes(ax, (7.0, 4.5))
    xs = _total_information(path) if x == "information" else np.asarray(path.beta)

    twin = ax.twinx()
    twin.set_label(CHANNEL_AXES_LABEL)
    n_grey = _draw_channels(twin, xs, path, max(0, int(max_labeled)), show_bounds,
                            threshold)
    # relevance on top of the channel curves, with a see-through background
    ax.set_zorder(twin.get_zorder() + 1)
    ax.patch.set_visible(False)

    curve = _draw_relevance(ax, xs, path, relevance, est)
    b = best_point(path, est)
    ax.plot([xs[b]], [curve[b]], ls="none", marker="*", ms=13, color="crimson",
            mec="white", mew=0.8, label="default point", zorder=5)
    ax.axvline(xs[b], color="crimson", lw=0.8, alpha=0.5, ls="-")
    moving = ~path.settled
    if moving.any():
        ax.plot(xs[moving], np.asarray(curve)[moving], ls="none", marker="o",
                ms=7, mfc="none", mec="darkorange", mew=1.4, zorder=4,
                label="not settled (mid-transition)")
    if relevance == "loss" and target_entropy is not None:
        ax.axhline(float(target_entropy), color="k", ls=":", lw=1.2, label="H(Y)")
    if relevance == "loss" and np.nanmin([path.loss_train, path.loss_val]) >= 0:
        ax.set_ylim(bottom=0.0)

    if x == "beta":
        ax.set_xscale("log")
        ax.set_xlabel("β (bottleneck strength)")
    else:
        ax.set_xlim(left=min(0.0, float(np.nanmin(xs))))
        ax.set_xlabel("total information (bits)")
    if legend:
        _draw_legend(ax, twin, n_grey)
    return ax


def _draw_legend(ax, twin, n_grey):
    """One legend for both axes, under the x axis label (see
    :func:`~skdib.plotting._layout.place_legend`)."""
    handles, labels = ax.get_legend_handles_labels()
    h2, l2 = twin.get_legend_handles_labels()
    if n_grey:
        from matplotlib.lines import Line2D

        h2 = [*h2, Line2D([], [], color=UNLABELLED, lw=0.8)]
        l2 = [*l2, f"{n_grey} other channels"]
    place_legend(ax, [*handles, *h2], [*labels, *l2])
