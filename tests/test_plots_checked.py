"""Plots checked against their numbers.

Each test failed before its fix: the selector comparison averaged only the
folds that did not fail; plots refused a fitted Pipeline whose sweep is not
its last step, and a fitted search; the information map's default extent
was a square around the origin, not the elements' range; the channel
colours for 11 to 20 channels held greys and look-alike neighbours; the
information plane's legend sat on the title; and the allocation heatmap's
β ticks overlapped.
"""

import itertools
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import rgb_to_hsv, to_hex, to_rgb
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skdib import (
    DistributedIBClassifier,
    DistributedIBSelector,
    DistributedIBSetClassifier,
    InformationPath,
)
from skdib.compare import compare_selectors
from skdib.exceptions import DivergenceError
from skdib.plotting import (
    plot_information_allocation,
    plot_information_map,
    plot_information_plane,
    plot_selector_comparison,
)

matplotlib.use("Agg")
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

TINY = dict(encoder_hidden=(8,), decoder_hidden=(8,), n_pretrain_steps=20,
            n_steps=60, n_checkpoints=3, random_state=0)


# -- 1. a failed fold is a gap, not a mean over the other folds -----------
def _flaky_ranking():
    calls = []

    def flaky(X, y, task, random_state):
        calls.append(1)
        if len(calls) == 1:  # the first fold's sweep diverges
            raise DivergenceError("diverged at step 10", 10, 0.1)
        return np.argsort(-np.abs(X.T @ y))
    return flaky


def test_selector_comparison_draws_no_mean_over_a_failed_fold():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 4))
    y = X[:, 0] + 0.5 * X[:, 1] + 0.3 * rng.normal(size=90)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frame = compare_selectors(X, y, methods={"flaky": _flaky_ranking(),
                                                 "lasso": "lasso"},
                                  k_values=[1, 2], cv=3, random_state=0)
    flaky = frame[frame["method"] == "flaky"]
    assert flaky["score"].isna().sum() == 2  # one fold, at both k
    ax = plot_selector_comparison(frame)
    # the failed method: no point at any k (sklearn's mean would be NaN)
    assert np.isnan(ax.lines[0].get_ydata()).all()
    # the other method: the plain mean of its three folds
    lasso = frame[frame["method"] == "lasso"].sort_values(["k", "fold"])
    expected = lasso["score"].to_numpy().reshape(2, 3).mean(axis=1)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), expected)
    title = ax.get_legend().get_title().get_text()
    assert "3 folds" in title and "fold failed" in title


def test_selector_comparison_keeps_the_points_where_every_fold_scored():
    frame = pd.DataFrame({"method": ["a"] * 6, "k": [1, 1, 1, 2, 2, 2],
                          "fold": [0, 1, 2] * 2,
                          "score": [0.5, np.nan, 0.7, 0.8, 0.9, 1.0]})
    ax = plot_selector_comparison(frame)
    y = ax.lines[0].get_ydata()
    assert np.isnan(y[0]) and y[1] == pytest.approx(0.9)
    # the band at k=2 spans 0.9 ± the sample std of 0.8, 0.9, 1.0 (0.1)
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    assert band.min() == pytest.approx(0.8) and band.max() == pytest.approx(1.0)
    clean = frame.assign(score=frame["score"].fillna(0.6))
    assert plot_selector_comparison(clean).get_legend().get_title().get_text() \
        == "mean ± std over 3 folds"


# -- 3. the sweep inside a Pipeline (any step) or a search ----------------
@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    return X, (X[:, 0] > 0).astype(int)


def _allocation_rows(ax):
    """The heatmap's rows keyed by their tick labels (the channel names)."""
    names = [t.get_text() for t in ax.get_yticklabels()]
    return dict(zip(names, np.asarray(ax.images[0].get_array()), strict=True))


def test_plots_find_the_sweep_in_any_pipeline_step_or_search(data):
    X, y = data
    select = DistributedIBSelector(DistributedIBClassifier(**TINY),
                                   n_features_to_select=2)
    pipe = Pipeline([("select", select), ("clf", LogisticRegression())]).fit(X, y)
    search = GridSearchCV(DistributedIBClassifier(**TINY),
                          {"beta_end": [1.0]}, cv=2).fit(X, y)
    for fitted, inner in ((pipe, pipe["select"].estimator_),
                          (search, search.best_estimator_)):
        path = inner.information_path_
        rows = _allocation_rows(plot_information_allocation(fitted))
        assert sorted(rows) == sorted(path.feature_names)
        for j, name in enumerate(path.feature_names):
            np.testing.assert_allclose(rows[name], path.information[:, j])
        ax = plot_information_plane(fitted)
        np.testing.assert_allclose(ax.lines[0].get_xdata(),
                                   path.total_information)


def test_plots_refuse_a_pipeline_with_two_sweeps_naming_them(data):
    X, y = data
    two = Pipeline([
        ("a", DistributedIBSelector(DistributedIBClassifier(**TINY),
                                    n_features_to_select=2)),
        ("b", DistributedIBClassifier(**TINY))]).fit(X, y)
    with pytest.raises(ValueError, match=r"2 fitted.*\['a'\]\.estimator_.*\['b'\]"):
        plot_information_plane(two)
    # fitted, but no sweep anywhere: not "not fitted"
    plain = Pipeline([("clf", LogisticRegression())]).fit(X, y)
    with pytest.raises(TypeError, match="holds no fitted Distributed IB"):
        plot_information_plane(plain)
    with pytest.raises(NotFittedError, match="not fitted"):
        plot_information_plane(Pipeline([("clf", DistributedIBClassifier())]))


# -- 4. the information map spans where the elements lie ------------------
def test_information_map_default_extent_is_the_elements_range():
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 4, size=(150, 5, 2))  # positions in [0, 4]^2
    y = (np.hypot(X[..., 0] - 1, X[..., 1] - 1) < 0.6).any(axis=1).astype(int)
    clf = DistributedIBSetClassifier(
        encoder_hidden=(8,), decoder_width=8, n_pretrain_steps=20,
        n_steps=40, n_checkpoints=2, random_state=0).fit(X, y)
    fig = plot_information_map(clf, resolution=5, n_batches=2, n_references=64)
    left, right = (ax for ax in fig.axes if ax.images and ax.get_title())
    xmin, xmax, ymin, ymax = left.images[0].get_extent()
    # inside the data's square, and reaching close to its edges
    assert 0 <= xmin < 0.5 and 3.5 < xmax <= 4
    assert 0 <= ymin < 0.5 and 3.5 < ymax <= 4
    # the density panel counts every element it was given
    n_elements = len(clf.element_sample(None))
    assert right.images[0].get_array().sum() == n_elements
    # an explicit extent is still the square around the origin
    fig = plot_information_map(clf, extent=1.0, resolution=3, n_batches=2,
                               n_references=64)
    assert list(fig.axes[0].images[0].get_extent()) == [-1.0, 1.0, -1.0, 1.0]


# -- 6. 11 to 20 labelled channels: no grey, neighbours of other hues -----
def _hue_gap(a, b):
    """Angle in degrees between the hues of two colours."""
    ha, hb = (rgb_to_hsv(to_rgb(c))[0] for c in (a, b))
    gap = abs(ha - hb)
    return 360 * min(gap, 1 - gap)


def _chroma(color):
    rgb = np.asarray(to_rgb(color))
    return rgb.max() - rgb.min()


def _staircase_path(n_channels, n_points=25):
    """Channel j keeps 1 bit until checkpoint j + 2: ranked j = 0 last."""
    beta = np.logspace(-3, 1, n_points)
    bits = (np.arange(n_points)[:, None] < np.arange(n_channels)[None, ::-1] + 2)
    bits = bits.astype(float)
    loss = np.linspace(0.1, 1.0, n_points)
    return InformationPath(beta=beta, kl=bits, information=bits, loss_train=loss,
                           loss_val=loss, score_val=1 - loss,
                           feature_names=tuple(f"f{j}" for j in range(n_channels)))


@pytest.mark.parametrize("n", [11, 15, 20])
def test_labelled_channels_are_never_grey_and_neighbours_differ(n):
    ax = plot_information_plane(_staircase_path(n + 3), max_labeled=n)
    twin = next(a for a in ax.figure.axes if a.get_label() == "channels")
    labelled = [line for line in twin.get_lines()
                if not line.get_label().startswith("_")]
    grey = {to_hex(line.get_color()) for line in twin.get_lines()} - {
        to_hex(line.get_color()) for line in labelled}
    assert len(labelled) == n and len(grey) == 1
    grey_rgb = np.asarray(to_rgb(grey.pop()))
    for line in labelled:
        rgb = np.asarray(to_rgb(line.get_color()))
        assert np.linalg.norm(rgb - grey_rgb) > 0.25, line.get_label()
        assert _chroma(rgb) > 0.2, line.get_label()
    # channels next in rank (f0 drops last, then f1, ...) differ in hue
    by_name = {line.get_label(): line.get_color() for line in labelled}
    ranked = [by_name[f"f{j}"] for j in range(n)]
    for a, b in itertools.pairwise(ranked):
        assert _hue_gap(a, b) > 30
    assert len({to_hex(c) for c in ranked}) == n


# -- 7. the legend meets no title, no axis label and no other entry -------
def _overlap(a, b):
    """Whether two display boxes share more than a pixel."""
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > 1
            and min(a.y1, b.y1) - max(a.y0, b.y0) > 1)


def _boxes(texts, renderer):
    return [t.get_window_extent(renderer) for t in texts if t.get_text()]


@pytest.mark.parametrize("x", ["information", "beta"])
def test_plane_legend_clears_the_title_labels_and_itself(x):
    names = [f"a long channel name that goes on and on {i}" for i in range(3)]
    path = _staircase_path(6)
    path = InformationPath(beta=path.beta, kl=path.kl, information=path.information,
                           loss_train=path.loss_train, loss_val=path.loss_val,
                           score_val=path.score_val,
                           feature_names=(*names, "b", "c", "d"))
    ax = plot_information_plane(path, x=x)
    ax.set_title("a title")
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend()
    box = legend.get_window_extent(renderer)
    others = [ax.title, ax.xaxis.label, *ax.get_xticklabels()]
    for artist in others:
        if artist.get_text():
            assert not _overlap(box, artist.get_window_extent(renderer)), \
                artist.get_text()
    entries = _boxes(legend.get_texts(), renderer)
    assert len(entries) == 9  # two losses, the default point, six channels
    for a, b in itertools.combinations(entries, 2):
        assert not _overlap(a, b)


def test_allocation_beta_ticks_do_not_overlap():
    ax = plot_information_allocation(_staircase_path(5, n_points=8))
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for axis in (ax, *ax.child_axes):  # total information, and β on top
        labels = _boxes(axis.get_xticklabels(), renderer)
        assert len(labels) >= 2
        for a, b in itertools.pairwise(labels):
            assert not _overlap(a, b)
    top = [t.get_text() for t in ax.child_axes[0].get_xticklabels()]
    assert top[0] == "1.0e-03" and top[-1] == "1.0e+01"  # the ends stay
