"""The distinguishability matrix of one channel, with optional data margins."""

import numpy as np

from skdib._dib._columns import column_names
from skdib._dib._inspection import dummy_rows
from skdib.plotting._common import as_path, new_axes, text_label

__all__ = ["plot_distinguishability"]

MAX_TICK_LABELS = 12


def _column_names(est, cols):
    names = column_names(est)
    return [names[c] for c in cols]


def _row_labels(values, column_names, dummies):
    """Tick labels for the rows of a group: for a group of dummy columns (its
    training rows were dummy rows) whose every row drawn is one too, the hot
    column, or "none of (a, b)" for an all-zero row; else the tuple."""
    if dummies and dummy_rows(values):
        none = "none of (" + ", ".join(column_names) + ")"
        return [column_names[int(np.argmax(row))] if row.any() else none
                for row in values]
    return ["(" + ", ".join(f"{v:.3g}" for v in row) + ")" for row in values]


def _cell_edges(values):
    """Edges between consecutive sorted values (half a gap beyond the ends)."""
    if len(values) == 1:
        return np.array([values[0] - 0.5, values[0] + 0.5])
    mid = (values[1:] + values[:-1]) / 2
    return np.concatenate([[2 * values[0] - mid[0]], mid, [2 * values[-1] - mid[-1]]])


def _nearest_counts(samples, values):
    """How many rows of ``samples`` are nearest to each row of ``values``."""
    samples = samples.reshape(len(samples), -1)
    values = values.reshape(len(values), -1)
    nearest = np.empty(len(samples), dtype=int)
    for start in range(0, len(samples), 4096):
        block = samples[start:start + 4096]
        d = ((block[:, None, :] - values[None, :, :]) ** 2).sum(axis=2)
        nearest[start:start + 4096] = np.argmin(d, axis=1)
    return np.bincount(nearest, minlength=len(values))


def _category_counts(est, X, col, values):
    """Rows of ``X`` in each category of column ``col``, in ``values`` order."""
    if not hasattr(X, "iloc") or X.shape[1] != est.n_features_in_:
        raise ValueError(
            f"X must be the training DataFrame with {est.n_features_in_} columns.")
    column = X.iloc[:, col].astype(object).astype(str)
    counts = column.value_counts()
    return np.array([counts.get(str(v), 0) for v in values])


def _mixed_label(row):
    """Tick label of a row of categories and numbers."""
    return "(" + ", ".join(f"{v:.3g}" if isinstance(v, float) else str(v)
                           for v in row) + ")"


def _mixed_counts(est, X, c, values):
    """Rows of ``X`` nearest to each value row of a group with categorical
    columns, in the network's columns (one-hot categories, numbers scaled
    by their spread, so a category mismatch outweighs any number)."""
    if not hasattr(X, "iloc") or X.shape[1] != est.n_features_in_:
        raise ValueError(
            f"X must be the training DataFrame with {est.n_features_in_} columns.")
    columns = est._net_channels[c]
    samples = est._validated(X)[:, columns]
    _, block = est._channel_rows(c, values)
    spread = samples.std(axis=0)
    spread[spread == 0] = 1.0
    return _nearest_counts(samples / spread, block / spread)


def _channel_data(est, X, cols):
    X = X.to_numpy() if hasattr(X, "to_numpy") else np.asarray(X)
    if X.ndim != 2 or X.shape[1] != est.n_features_in_:
        raise ValueError(
            f"X must be the training data with {est.n_features_in_} columns; got "
            f"shape {X.shape}."
        )
    return np.asarray(X[:, cols], dtype=float)


def _draw_matrix(ax, values, matrix, cmap, label, tick_labels, categorical):
    """Draw on ``ax``; return (artist, centres, widths) of the cells.

    ``tick_labels`` None: numeric values on value axes; else index axes with
    these labels (group rows, or the categories of a ``categorical`` column)
    when there are few, else with the index.
    """
    if tick_labels is None:
        edges = _cell_edges(values)
        mesh = ax.pcolormesh(edges, edges, matrix, cmap=cmap, vmin=0.0, vmax=1.0)
        ax.set_xlabel(label)
        ax.set_ylabel(label)
        if len(values) <= MAX_TICK_LABELS:
            ticks = [f"{v:.3g}" for v in values]
            ax.set_xticks(values, ticks)
            ax.set_yticks(values, ticks)
        # a cell spans half the gap to each neighbour, so it is centred on
        # its value only where the gaps are equal: margin bars fill the cell
        return mesh, (edges[:-1] + edges[1:]) / 2, np.diff(edges)
    n = len(values)
    image = ax.imshow(matrix, cmap=cmap, vmin=0.0, vmax=1.0, origin="lower",
                      interpolation="nearest", aspect="auto")
    named = n <= MAX_TICK_LABELS
    kind = "category" if categorical else "value"
    axis = kind if categorical and named else f"{kind} index"  # ticks: names
    ax.set_xlabel(f"{label}: {axis}")
    ax.set_ylabel(f"{label}: {axis}")
    if named:
        tick_labels = [text_label(t) for t in tick_labels]
        ax.set_xticks(np.arange(n), tick_labels, rotation=45, ha="right")
        ax.set_yticks(np.arange(n), tick_labels)
    return image, np.arange(n, dtype=float), np.ones(n)


def plot_distinguishability(est, channel, values=None, *, ax=None, fig=None,
                            X=None, point=None, cmap="viridis"):
    """Show which input values a compressed channel can still tell apart.

    Draws ``est.distinguishability_matrix(channel, values, point=point)``:
    entry (a, b) is 1 - exp(-D_B) between the encodings of values a and b,
    0 (dark) when the decoder cannot tell them apart, 1 (bright) when their
    encodings do not overlap. Blocks of dark cells are values the channel
    lumps together: the distinctions it keeps are the ones that matter for y.

    A one-column channel has value axes (each cell spans half the gap to its
    neighbours); a multi-column group has index axes, labelled with the value
    rows when there are few (or with the hot column for a group of dummy
    columns: one whose every training row was 0 or 1 with at most one 1, as
    ``pd.get_dummies`` makes them, not a numeric group that was given rows
    of 0 and 1; an all-zero row, the category ``drop_first=True`` drops, is
    labelled "none of (a, b)" after the group's columns); a
    categorical column has its categories on the axes. With ``X``, the
    margins show how many training samples lie nearest to each value (or
    fall in each category).

    Parameters
    ----------
    est : fitted DistributedIBClassifier or DistributedIBRegressor
    channel : int or str
        Channel index or name; an index that is also the name of another
        channel is refused, as in ``distinguishability_matrix``.
    values : array-like, optional
        Values to compare, passed to ``distinguishability_matrix``. One-column
        values are sorted first.
    ax : matplotlib Axes, default=None
        Axes to draw on, without ``X``. A new figure is made when None.
    fig : matplotlib Figure, default=None
        Figure to fill, with ``X`` (matrix, two margins and a colour bar). A
        new figure is made when None.
    X : array-like of shape (n_samples, n_features), optional
        Training data (all the estimator's input columns) for the margins.
    point : int, optional
        Path point to use; default the estimator's current point.
    cmap : str or Colormap, default="viridis"

    Returns
    -------
    ax : matplotlib Axes
        Without ``X``: the matrix axes; its first collection (one column) or
        image (group) holds the matrix.
    fig : matplotlib Figure
        With ``X``: the figure; ``fig.axes[0]`` is the matrix, ``fig.axes[1]``
        the top margin and ``fig.axes[2]`` the right margin.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from skdib import DistributedIBClassifier
    >>> from skdib.plotting import plot_distinguishability
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(size=(300, 2))
    >>> y = (X[:, 0] > 0.5).astype(int)
    >>> clf = DistributedIBClassifier(n_steps=200, n_pretrain_steps=100,
    ...                               n_checkpoints=5, beta_end=30,
    ...                               random_state=0).fit(X, y)
    >>> ax = plot_distinguishability(clf, 0, np.linspace(0, 1, 11))
    >>> ax.collections[0].get_array().size  # one colour per cell of the 11 x 11
    121
    """
    path, est = as_path(est)
    if est is None:
        raise TypeError("plot_distinguishability needs a fitted estimator, not a "
                        "path: the matrix comes from the channel's encoder.")
    if not hasattr(est, "distinguishability_matrix"):
        raise TypeError(
            f"plot_distinguishability needs a DistributedIBClassifier or "
            f"DistributedIBRegressor; a {type(est).__name__} has no "
            "distinguishability matrix (for set estimators see "
            "information_map and plot_information_map).")
    c = est._channel_index(channel)
    cols = list(est.channels_[c])
    # by its name: the position c, passed again, would be refused where the
    # channels are named by integers ("1", "2", "3") and c names another one
    values, matrix = est.distinguishability_matrix(
        est.information_path_.feature_names[c], values, point=point)
    categorical = est._categories_of(c) is not None
    mixed = est._mixed_group(c)  # categories and numbers in one group
    matrix = np.asarray(matrix, dtype=float)
    if not (categorical or mixed):
        values = np.asarray(values, dtype=float)
    if values.ndim == 1 and not categorical:
        order = np.argsort(values, kind="stable")
        values, matrix = values[order], matrix[np.ix_(order, order)]
    label = text_label(path.feature_names[c])
    tick_labels = ([str(v) for v in values] if categorical else
                   [_mixed_label(row) for row in values] if mixed else None
                   if values.ndim == 1 else
                   _row_labels(values, _column_names(est, cols),
                               est._one_hot_group(c)))
    if X is None:
        if fig is not None:
            raise ValueError("fig is for the figure with margins; pass ax without X.")
        ax = new_axes(ax, (5.0, 4.2))
        artist, _, _ = _draw_matrix(ax, values, matrix, cmap, label, tick_labels,
                                    categorical)
        ax.figure.colorbar(artist, ax=ax, label="distinguishability")
        title = "" if point is None else f" (path point {point})"
        ax.set_title(f"Distinguishability of {label}{title}", fontsize="medium")
        return ax
    if ax is not None:
        raise ValueError("With X the plot needs a whole figure: pass fig, not ax.")
    counts = (_category_counts(est, X, cols[0], values) if categorical
              else _mixed_counts(est, X, c, values) if mixed
              else _nearest_counts(_channel_data(est, X, cols), values))
    if fig is None:
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(6.0, 5.6), layout="constrained")
    grid = fig.add_gridspec(2, 3, width_ratios=(4, 1, 0.2), height_ratios=(1, 4))
    main = fig.add_subplot(grid[1, 0])
    top = fig.add_subplot(grid[0, 0], sharex=main)
    right = fig.add_subplot(grid[1, 1], sharey=main)
    artist, centres, widths = _draw_matrix(main, values, matrix, cmap, label,
                                           tick_labels, categorical)
    top.bar(centres, counts, width=widths * 0.9, color="0.55")
    right.barh(centres, counts, height=widths * 0.9, color="0.55")
    top.set_ylabel("samples")
    right.set_xlabel("samples")
    top.tick_params(labelbottom=False)
    right.tick_params(labelleft=False)
    fig.colorbar(artist, cax=fig.add_subplot(grid[1, 2]),
                 label="distinguishability")
    title = "" if point is None else f" (path point {point})"
    fig.suptitle(f"Distinguishability of {label}{title}", fontsize="medium")
    return fig
