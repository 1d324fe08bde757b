"""The plots on the page: where their legends and tick labels land.

Each test failed before its fix: the information plane and the allocation
heatmap raised AttributeError on an Axes inside a SubFigure (which has no
figure width of its own); a legend label of two lines was measured as one
line, with a "Glyph 10 missing" warning; the information plane's legend,
placed above the axes or inside them in a figure made without a layout
engine, met the titles or covered the data of the gallery's plt.subplots
grids, which tight_layout lays out after the titles are set; the legend's
columns were budgeted as columns of ceil(n / ncol) entries, where matplotlib
splits the entries into exactly ncol columns, so a legend of 6 entries in 4
columns was wider than its axes; the allocation heatmap measured all its
tick labels at every tick pass of every draw; it also
chose its labelled columns before a layout engine shrank its axes, so in
the report's figure the β labels overlapped; and the information map of
elements spread over [0, 4] x [0, 0.2] was a 20:1 sliver. (The legend in
a constrained figure with titles already cleared them: that test guards it.)
"""

import itertools
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

from skdib import DistributedIBSetClassifier, InformationPath
from skdib.datasets import subset_information
from skdib.plotting import (
    plot_information_allocation,
    plot_information_map,
    plot_information_plane,
    plot_subset_frontier,
)

matplotlib.use("Agg")
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _path(n_points=8, names=("a", "b", "c")):
    beta = np.logspace(-3, 1, n_points)
    bits = np.random.default_rng(0).uniform(0, 1, (n_points, len(names)))
    loss = np.linspace(0.1, 1.0, n_points)
    return InformationPath(beta=beta, kl=bits, information=bits, loss_train=loss,
                           loss_val=loss, score_val=1 - loss,
                           feature_names=tuple(names))


def _overlap(a, b):
    """Whether two display boxes share more than a pixel."""
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > 1
            and min(a.y1, b.y1) - max(a.y0, b.y0) > 1)


def _tick_boxes(axis, renderer):
    return [t.get_window_extent(renderer) for t in axis.get_xticklabels()
            if t.get_text()]


def test_plots_draw_on_axes_inside_subfigures():
    fig = plt.figure(figsize=(10, 4), layout="constrained")
    left, right = fig.subfigures(1, 2)
    plane = plot_information_plane(_path(), ax=left.subplots())
    heat = plot_information_allocation(_path(), ax=right.subplots())
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert len(plane.get_legend().get_texts()) == 6  # 2 losses, star, 3 channels
    for axis in (heat, *heat.child_axes):
        boxes = _tick_boxes(axis, renderer)
        assert len(boxes) >= 2
        assert not any(_overlap(a, b) for a, b in itertools.pairwise(boxes))
    plt.close(fig)


@pytest.mark.parametrize("layout", ["constrained", "tight"])
@pytest.mark.parametrize("labelsize", [None, 15])
def test_allocation_tick_labels_do_not_overlap_once_laid_out(layout, labelsize):
    """The report's case: long row names take most of the width when the
    layout runs, after the plot has chosen its columns."""
    names = [f"a very long measurement name that takes room {i}" for i in range(4)]
    rc = {} if labelsize is None else {"xtick.labelsize": labelsize}
    with matplotlib.rc_context(rc):
        fig, ax = plt.subplots(figsize=(7, 3), layout=layout)
        plot_information_allocation(_path(20, names), ax=ax)
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    top = ax.child_axes[0]
    for axis in (ax, top):  # total information below, β on top
        boxes = _tick_boxes(axis, renderer)
        assert len(boxes) >= 2
        assert not any(_overlap(a, b) for a, b in itertools.pairwise(boxes))
    # both axes label the same columns, the first and the last among them
    columns = [list(axis.get_xticks()) for axis in (ax, top)]
    assert columns[0] == columns[1] and columns[0][::len(columns[0]) - 1] == [0, 19]
    plt.close(fig)


def test_a_label_of_several_lines_is_measured_by_its_widest_line():
    names = ("first line\nand a second one", "b", "c")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = plot_information_plane(_path(names=names))
    assert not [w for w in caught if "Glyph" in str(w.message)]
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert names[0] in texts
    plt.close(ax.figure)
    from skdib.plotting._layout import text_widths

    one, two = text_widths(["a rather long line", "a rather long line\nshort"])
    assert two == pytest.approx(one)


# -- the legend goes under the x label; a layout pass keeps it on the page
LONG = tuple(f"a rather long feature name {i}" for i in range(6))


def _inside(box, figure_box):
    return (box.x0 >= figure_box.x0 - 1 and box.x1 <= figure_box.x1 + 1
            and box.y0 >= figure_box.y0 - 1 and box.y1 <= figure_box.y1 + 1)


def _assert_legends_clear(fig):
    """Each legend lies on the page and meets no axes, no title (of any
    axes, nor the figure's), no axis label and no tick label."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = [t for ax in fig.axes for t in (
        ax.title, ax.xaxis.label, ax.yaxis.label,
        *ax.get_xticklabels(), *ax.get_yticklabels())]
    if fig._suptitle is not None:
        texts.append(fig._suptitle)
    obstacles = [ax.get_window_extent(renderer) for ax in fig.axes] + [
        t.get_window_extent(renderer) for t in texts if t.get_text()]
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    assert legends
    for legend in legends:
        box = legend.get_window_extent(renderer)
        assert _inside(box, fig.bbox), (box, fig.bbox)
        assert not any(_overlap(box, other) for other in obstacles), box


@pytest.mark.parametrize("shape, figsize, images", [
    ((3, 4), (12, 8), True),  # examples/plot_binary_images.py
    ((1, 3), (11, 3.8), False),  # examples/plot_image_task.py
])
@pytest.mark.parametrize("suptitle", [False, True])
def test_plane_legends_in_the_gallerys_grids_meet_nothing(shape, figsize, images,
                                                          suptitle):
    """The examples plot into plt.subplots, set titles after plotting, then
    call tight_layout, which makes room under each panel for its legend."""
    fig, axes = plt.subplots(*shape, figsize=figsize, squeeze=False)
    for row in axes:
        if images:
            row[0].imshow(np.zeros((4, 4)))
        for ax in row[int(images):]:
            plot_information_plane(_path(), ax=ax, x="beta", target_entropy=1.0)
            ax.set_title("a method")
    if suptitle:
        fig.suptitle("an experiment")
    fig.tight_layout()
    _assert_legends_clear(fig)
    plt.close(fig)


@pytest.fixture(scope="module")
def table():
    X = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]] * 3)
    return subset_information(X, X[:, 0] ^ X[:, 1])


@pytest.mark.parametrize("plot", ["plane", "frontier"])
@pytest.mark.parametrize("grid, figsize", [((1, 1), (6.4, 4.8)), ((2, 2), (10, 8))])
def test_legend_meets_nothing_in_a_constrained_figure_with_titles(plot, grid,
                                                                  figsize, table):
    fig, axes = plt.subplots(*grid, figsize=figsize, layout="constrained",
                             squeeze=False)
    for ax in axes.flat:
        if plot == "plane":
            plot_information_plane(_path(names=LONG), ax=ax)
        else:
            plot_subset_frontier(table, ax=ax)
        ax.set_title("a title")
    fig.suptitle("an experiment")
    _assert_legends_clear(fig)
    plt.close(fig)


@pytest.mark.parametrize("save", ["tight_layout", "bbox_inches"])
def test_a_plain_figure_keeps_the_legend_after_a_layout_pass(save, tmp_path):
    """Under the x label in a figure without a layout engine as well: the
    legend is in the figure's tight box, so either pass keeps it."""
    fig, ax = plt.subplots()
    plot_information_plane(_path(names=LONG), ax=ax)
    ax.set_title("a title")
    if save == "tight_layout":
        fig.tight_layout()
        _assert_legends_clear(fig)
    else:
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        legend = ax.get_legend().get_window_extent(renderer)
        assert legend.y1 < ax.xaxis.label.get_window_extent(renderer).y0
        tight = fig.get_tightbbox(renderer)  # inches: what bbox_inches keeps
        assert legend.y0 >= tight.y0 * fig.dpi - 1
    plt.close(fig)


def test_information_map_of_a_thin_strip_is_at_most_four_times_longer():
    rng = np.random.default_rng(0)
    X = np.stack([rng.uniform(0, 4, (150, 5)), rng.uniform(0, 0.2, (150, 5))],
                 axis=-1)  # a strip 20 times longer than wide
    y = (X[..., 0] < 1).any(axis=1).astype(int)
    clf = DistributedIBSetClassifier(
        encoder_hidden=(8,), decoder_width=8, n_pretrain_steps=20, n_steps=40,
        n_checkpoints=2, random_state=0).fit(X, y)
    fig = plot_information_map(clf, resolution=5, n_batches=2, n_references=64)
    xmin, xmax, ymin, ymax = fig.axes[0].images[0].get_extent()
    positions = clf.element_sample(None)[:, :2]
    low, high = positions.min(axis=0), positions.max(axis=0)
    assert (xmin, xmax) == pytest.approx((low[0], high[0]))  # the long axis as is
    assert (xmax - xmin) / (ymax - ymin) == pytest.approx(4.0)
    assert (ymin + ymax) / 2 == pytest.approx((low[1] + high[1]) / 2)
    fig.canvas.draw()  # equal aspect: the drawn map has the same proportions
    box = fig.axes[0].get_window_extent()
    assert box.width / box.height == pytest.approx(4.0, rel=0.05)
    plt.close(fig)


def test_information_map_widens_a_flat_axis_to_a_quarter_of_the_other():
    from skdib.plotting._information_map import _positions_range

    flat = np.c_[np.linspace(-2.0, 6.0, 9), np.full(9, 1.0)]
    assert _positions_range(flat) == pytest.approx((-2.0, 6.0, 0.0, 2.0))
    assert _positions_range(np.ones((3, 2))) == pytest.approx((0.5, 1.5, 0.5, 1.5))
    square = np.array([[0.0, 0.0], [3.0, 1.0]])  # within 4:1: left as is
    assert _positions_range(square) == pytest.approx((0.0, 3.0, 0.0, 1.0))


# -- the legend's columns fit the axes as matplotlib fills them -------------
SHORT_LABELS = tuple("abcdefgh")
LONG_LABELS = ("loss (train)", "loss (validation)", "default point",
               "not settled (mid-transition)", "H(Y)",
               *(f"a long channel name {i}" for i in range(3)))
MIXED_LABELS = (*LONG_LABELS[:3], *SHORT_LABELS[:5])


@pytest.mark.parametrize("labels", [SHORT_LABELS, LONG_LABELS, MIXED_LABELS])
@pytest.mark.parametrize("n", range(1, 9))
@pytest.mark.parametrize("width", [3.5, 5.0, 8.0])
def test_legend_columns_fit_the_axes_as_matplotlib_splits_them(labels, n, width):
    """matplotlib splits n entries into exactly ncol columns (the first
    n % ncol one entry longer), not into columns of ceil(n / ncol): with 6
    entries ncol=4 draws 4 columns where ceil filling budgets for 3."""
    from matplotlib.lines import Line2D

    from skdib.plotting._layout import place_legend

    fig, ax = plt.subplots(figsize=(width, 3))
    legend = place_legend(ax, [Line2D([], []) for _ in labels[:n]], labels[:n])
    fig.canvas.draw()
    assert legend.get_window_extent().width <= ax.bbox.width + 0.5
    plt.close(fig)


# -- the heatmap measures its tick labels once per font and dpi -------------
def test_allocation_redraw_does_not_measure_the_labels_again(monkeypatch):
    """The draw-time locator measured every label at each of the ~24 tick
    passes of a constrained draw, and again at every redraw."""
    from skdib.plotting import _allocation

    calls = []

    def spy(texts, *args, **kwargs):
        calls.append(len(texts))
        return measure(texts, *args, **kwargs)

    measure = _allocation.text_widths
    monkeypatch.setattr(_allocation, "text_widths", spy)
    ax = plot_information_allocation(_path(200))
    fig = ax.figure
    fig.canvas.draw()
    first = len(calls)
    assert 0 < first <= 2  # one measure per axis: total bits and β
    fig.canvas.draw()
    assert len(calls) == first
    ax.tick_params(axis="x", labelsize=15)  # the bottom axis's font changes
    fig.canvas.draw()
    assert len(calls) > first
    columns = list(ax.get_xticks())
    assert columns[0] == 0 and columns[-1] == 199
    plt.close(fig)
