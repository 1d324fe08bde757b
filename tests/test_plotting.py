"""skdib.plotting: the drawn artists carry exactly the path's numbers."""

import matplotlib
import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from skdib import (
    DistributedIBClassifier,
    DistributedIBRegressor,
    InformationPath,
)
from skdib.datasets import (
    information_frontier,
    make_boolean_circuit,
    path_subset_score,
    subset_information,
)
from skdib.plotting import (
    plot_distinguishability,
    plot_information_allocation,
    plot_information_plane,
    plot_radial_allocation,
    plot_selector_comparison,
    plot_subset_frontier,
)

COLOURS = ["c_red", "c_green", "c_blue"]


@pytest.fixture(scope="module")
def colour_data():
    """y depends on a and on a one-hot colour; b is noise."""
    rng = np.random.default_rng(0)
    n = 300
    colour = rng.integers(0, 3, n)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    for k, name in enumerate(COLOURS):
        X[name] = (colour == k).astype(float)
    y = ((X["a"] > 0) ^ (colour == 2)).astype(int)
    return X, y


@pytest.fixture(scope="module")
def clf(colour_data, tiny_params):
    X, y = colour_data
    groups = {"a": ["a"], "b": ["b"], "colour": COLOURS}
    return DistributedIBClassifier(feature_groups=groups, **tiny_params).fit(X, y)


@pytest.fixture(scope="module")
def reg(tiny_params):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 2))
    return DistributedIBRegressor(**tiny_params).fit(X, X[:, 0] ** 2)


def make_path(bounds=False):
    info = np.array([[2.0, 1.0, 0.5], [1.2, 0.6, 0.0], [0.5, 0.0, 0.0],
                     [0.0, 0.0, 0.0]])
    extra = {}
    if bounds:
        extra = dict(information_lower=info - 0.1, information_upper=info + 0.2)
    return InformationPath(
        beta=np.array([1e-3, 1e-2, 1e-1, 1.0]), kl=info + 0.1, information=info,
        loss_train=np.array([0.1, 0.2, 0.5, 1.0]),
        loss_val=np.array([0.2, 0.3, 0.6, 1.0]),
        score_val=np.array([0.9, 0.9, 0.7, 0.5]),
        feature_names=("a", "b", "c"), **extra)


def channel_axes(ax):
    return next(a for a in ax.figure.axes if a.get_label() == "channels")


def reference_ranking(path, threshold=0.05):
    """Last survivor first; ties by bits summed over the path."""
    drop = path.drop_order(threshold)
    area = path.information.sum(axis=0)
    return sorted(range(len(drop)), key=lambda j: (-drop[j], -area[j], j))


# -- information plane ---------------------------------------------------
def test_plane_lines_carry_the_path(clf):
    path = clf.information_path_
    ax = plot_information_plane(clf)
    train, val = ax.lines[0], ax.lines[1]
    np.testing.assert_allclose(train.get_xdata(), path.total_information)
    np.testing.assert_allclose(train.get_ydata(), path.loss_train)
    np.testing.assert_allclose(val.get_ydata(), path.loss_val)
    twin = channel_axes(ax)
    assert len(twin.lines) == len(path.feature_names)
    for j, line in enumerate(twin.lines):
        np.testing.assert_allclose(line.get_xdata(), path.total_information)
        np.testing.assert_allclose(line.get_ydata(), path.information[:, j])
    labels = [line.get_label() for line in ax.lines]
    best = ax.lines[labels.index("default point")]
    b = clf.best_point_
    assert best.get_xdata()[0] == pytest.approx(path.total_information[b])
    assert best.get_ydata()[0] == pytest.approx(path.loss_val[b])
    entropy = ax.lines[labels.index("H(Y)")]
    assert entropy.get_ydata()[0] == pytest.approx(clf.target_entropy_)


def test_plane_against_beta_and_score(clf):
    path = clf.information_path_
    ax = plot_information_plane(clf, x="beta", relevance="score")
    assert ax.get_xscale() == "log"
    np.testing.assert_allclose(ax.lines[0].get_xdata(), path.beta)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), path.score_val)
    assert "H(Y)" not in [line.get_label() for line in ax.lines]


def test_plane_from_path_with_bounds_and_entropy():
    path = make_path(bounds=True)
    ax = plot_information_plane(path, target_entropy=1.0)
    twin = channel_axes(ax)
    assert len(twin.collections) == 3  # one band per channel
    band = twin.collections[0].get_paths()[0].vertices
    assert band[:, 1].min() == pytest.approx(path.information_lower[:, 0].min())
    assert band[:, 1].max() == pytest.approx(path.information_upper[:, 0].max())
    labels = [line.get_label() for line in ax.lines]
    assert ax.lines[labels.index("H(Y)")].get_ydata()[0] == 1.0
    # a bare path marks the point the estimators' own rule picks; without
    # losses or standard errors that is the best score, ties to the lower loss
    best = ax.lines[labels.index("default point")]
    b = path.select_point("one_se")
    assert b == path.select_point("best") == 0
    assert best.get_xdata()[0] == pytest.approx(path.total_information[b])
    assert not channel_axes(plot_information_plane(make_path())).collections


def test_plane_rings_the_checkpoints_that_had_not_settled():
    import dataclasses

    path = make_path()
    drift = np.zeros((4, 3))
    drift[2, :2] = 0.8  # two channels moved by 80 % during the hold
    ax = plot_information_plane(dataclasses.replace(path, kl_drift=drift))
    labels = [line.get_label() for line in ax.lines]
    ring = ax.lines[labels.index("not settled (mid-transition)")]
    np.testing.assert_allclose(ring.get_xdata(), [path.total_information[2]])
    np.testing.assert_allclose(ring.get_ydata(), [path.loss_val[2]])
    bare = [line.get_label() for line in plot_information_plane(path).lines]
    assert "not settled (mid-transition)" not in bare


def test_plane_greys_out_unlabelled_channels():
    ax = plot_information_plane(make_path(), max_labeled=1)
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "a" in texts and "b" not in texts and "2 other channels" in texts


def test_plane_regressor_has_no_entropy_line(reg):
    ax = plot_information_plane(reg)
    assert "H(Y)" not in [line.get_label() for line in ax.lines]
    assert "log-likelihood" in ax.get_ylabel()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"x": "steps"}, ValueError, "x must be"),
    ({"relevance": "auc"}, ValueError, "relevance must be"),
])
def test_plane_bad_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_information_plane(make_path(), **kwargs)


def test_unfitted_or_wrong_input(tiny_params):
    # scikit-learn's NotFittedError, as plot_information_map raises
    with pytest.raises(NotFittedError, match="not fitted"):
        plot_information_plane(DistributedIBClassifier(**tiny_params))
    with pytest.raises(TypeError, match="InformationPath"):
        plot_information_allocation(np.zeros((3, 2)))


def test_plane_draws_on_given_axes():
    fig, ax = plt.subplots()
    assert plot_information_plane(make_path(), ax=ax) is ax


# -- allocation heatmap --------------------------------------------------
def test_allocation_array_is_the_reordered_path(clf):
    path = clf.information_path_
    ax = plot_information_allocation(clf)
    order = reference_ranking(path)
    drawn = ax.images[0].get_array()
    np.testing.assert_allclose(drawn, path.information[:, order].T)
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert names == [path.feature_names[j] for j in order]
    assert len(ax.figure.axes) >= 2  # the colour bar


def test_allocation_last_survivor_on_top():
    ax = plot_information_allocation(make_path())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["a", "b", "c"]
    np.testing.assert_allclose(ax.images[0].get_array()[0], [2.0, 1.2, 0.5, 0.0])
    ticks = [t.get_text() for t in ax.get_xticklabels()]
    assert ticks[0] == "3.5" and ticks[-1] == "0"


# -- distinguishability --------------------------------------------------
def test_distinguishability_image_is_the_matrix(clf):
    values, matrix = clf.distinguishability_matrix(0)
    ax = plot_distinguishability(clf, "a")
    mesh = ax.collections[0]
    np.testing.assert_allclose(np.asarray(mesh.get_array()).reshape(matrix.shape),
                               matrix)
    assert ax.get_xlabel() == "a" and ax.get_ylabel() == "a"


def test_distinguishability_sorts_given_values(clf):
    values = np.array([0.5, -1.0, 2.0, 0.0])
    _, matrix = clf.distinguishability_matrix(0, values)
    ax = plot_distinguishability(clf, 0, values)
    order = np.argsort(values)
    drawn = np.asarray(ax.collections[0].get_array()).reshape(4, 4)
    np.testing.assert_allclose(drawn, matrix[np.ix_(order, order)])
    np.testing.assert_allclose(ax.get_xticks(), np.sort(values))


def test_distinguishability_margins_count_samples(clf, colour_data):
    X, _ = colour_data
    values = np.linspace(-2, 2, 9)
    fig = plot_distinguishability(clf, "a", values, X=X)
    assert isinstance(fig, matplotlib.figure.Figure)
    top = fig.axes[1]
    heights = np.array([p.get_height() for p in top.patches])
    nearest = [np.argmin(np.abs(values - x)) for x in X["a"]]
    np.testing.assert_array_equal(heights, np.bincount(nearest, minlength=9))
    right = fig.axes[2]
    np.testing.assert_array_equal([p.get_width() for p in right.patches], heights)


def test_distinguishability_margin_bars_sit_in_their_cells(clf, colour_data):
    """Unevenly spaced values: each bar lies inside its own matrix cell (the
    cell spans half the gap to each neighbour), and no two bars overlap."""
    X, _ = colour_data
    values = np.array([-2.0, -1.9, -0.5, 0.0, 1.5, 1.6, 2.0])
    fig = plot_distinguishability(clf, "a", values, X=X)
    main, top = fig.axes[0], fig.axes[1]
    edges = np.r_[values[0] - 0.05, (values[:-1] + values[1:]) / 2, 2.2]
    mesh_x = main.collections[0].get_coordinates()[0, :, 0]
    np.testing.assert_allclose(mesh_x, edges)
    lo = np.array([p.get_x() for p in top.patches])
    hi = lo + np.array([p.get_width() for p in top.patches])
    assert np.all(lo >= edges[:-1] - 1e-12) and np.all(hi <= edges[1:] + 1e-12)
    assert np.all(hi[:-1] <= lo[1:])


def test_distinguishability_group_has_index_axes(clf, colour_data):
    X, _ = colour_data
    values, matrix = clf.distinguishability_matrix("colour", np.eye(3))
    ax = plot_distinguishability(clf, "colour", np.eye(3))
    np.testing.assert_allclose(ax.images[0].get_array(), matrix)
    assert [t.get_text() for t in ax.get_xticklabels()] == COLOURS
    assert "index" in ax.get_xlabel()
    fig = plot_distinguishability(clf, "colour", np.eye(3), X=X)
    counts = [p.get_height() for p in fig.axes[1].patches]
    np.testing.assert_array_equal(counts, X[COLOURS].sum().to_numpy())


def test_distinguishability_bad_calls(clf, colour_data):
    X, _ = colour_data
    with pytest.raises(TypeError, match="estimator"):
        plot_distinguishability(clf.information_path_, 0)
    with pytest.raises(ValueError, match="Unknown channel"):
        plot_distinguishability(clf, "nope")
    with pytest.raises(ValueError, match="columns"):
        plot_distinguishability(clf, 0, X=X.iloc[:, :2])
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="pass fig"):
        plot_distinguishability(clf, 0, X=X, ax=ax)


# -- selector comparison -------------------------------------------------
def test_selector_comparison_means_and_bands():
    rng = np.random.default_rng(0)
    rows = [{"method": m, "k": k, "fold": f, "score": rng.uniform()}
            for m in ("dib", "lasso", "random") for k in (3, 1, 2)
            for f in range(4)]
    frame = pd.DataFrame(rows)
    ax = plot_selector_comparison(frame)
    assert [line.get_label() for line in ax.lines] == ["dib", "lasso", "random"]
    for line, method in zip(ax.lines, ("dib", "lasso", "random"), strict=True):
        part = frame[frame["method"] == method]
        expected = part.groupby("k")["score"].mean().sort_index()
        np.testing.assert_allclose(line.get_xdata(), expected.index)
        np.testing.assert_allclose(line.get_ydata(), expected.to_numpy())
    assert len(ax.collections) == 3
    std = frame[frame["method"] == "dib"].groupby("k")["score"].std(ddof=1)
    band = ax.collections[0].get_paths()[0].vertices[:, 1]
    mean = ax.lines[0].get_ydata()
    assert band.max() == pytest.approx(np.max(mean + std.sort_index().to_numpy()))


def test_selector_comparison_needs_tidy_columns():
    with pytest.raises(ValueError, match="fold"):
        plot_selector_comparison(pd.DataFrame({"method": ["a"], "k": [1],
                                               "score": [0.5]}))
    with pytest.raises(TypeError, match="DataFrame"):
        plot_selector_comparison({"method": ["a"]})


# -- subset frontier -----------------------------------------------------
@pytest.fixture(scope="module")
def circuit_subsets():
    circuit = make_boolean_circuit(5, random_state=0)
    return circuit, subset_information(circuit.X, circuit.y)


def test_frontier_line_and_scatter(circuit_subsets):
    _, subsets = circuit_subsets
    ax = plot_subset_frontier(subsets, jitter=0.2)
    frontier = information_frontier(subsets)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), frontier.index)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), frontier["information"])
    offsets = ax.collections[0].get_offsets()
    np.testing.assert_allclose(offsets[:, 1], subsets["information"])
    assert np.all(np.abs(offsets[:, 0] - subsets["size"].to_numpy()) <= 0.2)
    assert ax.lines[1].get_ydata()[0] == pytest.approx(
        subsets.attrs["target_entropy"])


def test_frontier_marks_the_path_subsets(circuit_subsets):
    circuit, subsets = circuit_subsets
    rng = np.random.default_rng(0)
    bits = np.where(rng.uniform(size=(6, 5)) > 0.5, 1.0, 0.0)
    path = InformationPath(beta=np.logspace(-3, 0, 6), kl=bits, information=bits,
                           loss_train=np.zeros(6), loss_val=np.zeros(6),
                           score_val=np.ones(6), feature_names=circuit.feature_names)
    _, details = path_subset_score(path, subsets, return_details=True)
    ax = plot_subset_frontier(subsets, path)
    marked = np.concatenate([c.get_offsets() for c in ax.collections[1:]])
    expected = np.column_stack([details["size"], details["information"]])
    good = details["on_frontier"].to_numpy()
    expected = np.concatenate([expected[good], expected[~good]])
    np.testing.assert_allclose(marked, expected)


def radial_path(n_types=2, n_radii=4, n_points=3):
    rng = np.random.default_rng(0)
    info = rng.uniform(0, 2, size=(n_points, n_types * n_radii))
    names = [f"G_{t}({r})" for t in "AB"[:n_types] for r in range(n_radii)]
    return InformationPath(
        beta=np.logspace(-3, 0, n_points), kl=info, information=info,
        loss_train=np.zeros(n_points), loss_val=np.zeros(n_points),
        score_val=np.zeros(n_points), feature_names=names)


def test_radial_allocation_rows_are_radii_of_each_type():
    path = radial_path()
    radii = np.array([0.5, 1.0, 1.5, 2.0])
    r = np.linspace(0.4, 2.1, 18)
    g = np.vstack([np.sin(r) + 1, np.cos(r) + 1])
    fig = plot_radial_allocation(path, radii, rdf=(r, g))
    heat_a, curve_a, heat_b, curve_b = fig.axes[:4]
    np.testing.assert_allclose(heat_a.images[0].get_array(), path.information[:, :4].T)
    np.testing.assert_allclose(heat_b.images[0].get_array(), path.information[:, 4:].T)
    # g(r) is drawn sideways, on the heatmap's radius axis
    x, y = curve_b.lines[0].get_data()
    inside = (r >= 0.25) & (r <= 2.25)
    np.testing.assert_allclose(x, g[1][inside])
    np.testing.assert_allclose(y, r[inside])
    assert curve_a.get_xlabel() == "g_AA(r)" and curve_b.get_xlabel() == "g_AB(r)"
    lo, hi = heat_a.get_ylim()
    assert lo == pytest.approx(0.25) and hi == pytest.approx(2.25)


def test_radial_allocation_without_rdf_and_bad_shapes():
    path = radial_path()
    fig = plot_radial_allocation(path, [1.0, 2.0, 3.0, 4.0])
    assert len([ax for ax in fig.axes if ax.images]) == 2
    with pytest.raises(ValueError, match="2 types x 3 radii"):
        plot_radial_allocation(path, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="one g"):
        plot_radial_allocation(path, [1.0, 2.0, 3.0, 4.0],
                               rdf=(np.arange(5.0), np.ones((1, 5))))


def test_radial_allocation_takes_a_colour_norm():
    from matplotlib.colors import PowerNorm

    norm = PowerNorm(0.5, vmin=0)
    fig = plot_radial_allocation(radial_path(), [1.0, 2.0, 3.0, 4.0], norm=norm)
    assert fig.axes[0].images[0].norm is norm
