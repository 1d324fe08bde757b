"""Information of every feature subset against its size, with the path's subsets."""

from skdib._utils._random import numpy_rng
from skdib.plotting._common import as_path, new_axes
from skdib.plotting._layout import place_legend

__all__ = ["plot_subset_frontier"]


def plot_subset_frontier(subset_info, path=None, ax=None, *, threshold=0.05,
                         jitter=0.15, random_state=0):
    """Every subset's information against its size, the frontier, the path.

    The layout of Fig. 2c of the Distributed IB paper: one grey dot per
    feature subset (sizes jittered sideways so they do not pile up), the
    maximum information of each size as a line, H(Y) dotted, and the
    distinct subsets that a Distributed IB path uses (channels above
    ``threshold`` bits at some settled checkpoint, see
    :func:`skdib.datasets.path_subset_score`) as open circles when they are
    the most informative subsets of their size, red crosses otherwise.

    The legend goes under the x axis label, as the information plane's
    (see :func:`plot_information_plane`): a figure made when ``ax`` is None
    has constrained layout; one of yours needs a layout pass to keep the
    legend on the page (``layout="constrained"``, ``fig.tight_layout()`` or
    ``savefig(bbox_inches="tight")``).

    Parameters
    ----------
    subset_info : DataFrame
        The table from :func:`skdib.datasets.subset_information`.
    path : InformationPath or fitted estimator, optional
        A path whose channels are the columns of ``subset_info``: matched
        by name where both carry names, else in order (see
        :func:`skdib.datasets.path_subset_score`).
    ax : matplotlib Axes, default=None
        Axes to draw on; a new figure is made when None.
    threshold : float, default=0.05
        Bits above which a channel counts as used by the path.
    jitter : float, default=0.15
        Half-width of the sideways jitter of the dots, in subset sizes.
    random_state : int, default=0
        Seed of the jitter.

    Returns
    -------
    ax : matplotlib Axes
        ``ax.collections[0]`` holds the subsets (x jittered around ``size``,
        y ``information``), ``ax.lines[0]`` the frontier
        (:func:`~skdib.datasets.information_frontier`), ``ax.lines[1]`` H(Y)
        when known. With a path, the later collections hold its subsets.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skdib.datasets import subset_information
    >>> from skdib.plotting import plot_subset_frontier
    >>> X = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]])
    >>> ax = plot_subset_frontier(subset_information(X, X[:, 0]))
    >>> ax.lines[0].get_ydata().tolist()
    [0.0, 1.0, 1.0, 1.0]
    """
    from skdib.datasets import information_frontier, path_subset_score

    frontier = information_frontier(subset_info)
    ax = new_axes(ax, (6.0, 4.2))
    rng = numpy_rng(random_state)
    size = subset_info["size"].to_numpy(dtype=float)
    ax.scatter(size + rng.uniform(-jitter, jitter, len(size)),
               subset_info["information"], s=9, color="0.55", alpha=0.45,
               lw=0, label="all subsets")
    ax.plot(frontier.index, frontier["information"], color="k", lw=1.3,
            marker="o", ms=3, label="most informative of each size")
    entropy = subset_info.attrs.get("target_entropy")
    if entropy is not None:
        ax.axhline(entropy, color="k", ls=":", lw=1.2, label="H(Y)")
    if path is not None:
        path = as_path(path)[0]
        _, details = path_subset_score(path, subset_info, threshold=threshold,
                                       return_details=True)
        good = details["on_frontier"].to_numpy(dtype=bool)
        ax.scatter(details["size"][good], details["information"][good], s=70,
                   facecolors="none", edgecolors="tab:blue", lw=1.6,
                   label="path subsets (most informative)", zorder=3)
        if (~good).any():
            ax.scatter(details["size"][~good], details["information"][~good],
                       s=60, marker="x", color="tab:red", lw=1.6,
                       label="path subsets (not the best)", zorder=3)
    ax.set_xticks(frontier.index)
    ax.set_xlabel("subset size (number of features)")
    ax.set_ylabel("I(subset; Y) (bits)")
    place_legend(ax, *ax.get_legend_handles_labels())
    return ax
