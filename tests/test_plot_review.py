"""Plots and pickles: what a review of them found wrong.

Each test failed before its fix: the information plane cut its bound bands
off at the top, drew nothing visible for a one-point path and crashed on a
path with only a lower bound; a norm given to the radial allocation was
scaled by its first panel; a fitted selector or Pipeline read as unfitted;
the distinguishability figure with margins left its path point out of the
title; ``keep_snapshots=False`` pickled the weights twice; and the upgrade
hint of a pickle without a version read ``skdib>=None``.
"""

import pickle

import matplotlib
import numpy as np
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdib import DistributedIBClassifier, DistributedIBSelector, InformationPath
from skdib.exceptions import IncompatiblePickleError
from skdib.plotting import (
    plot_distinguishability,
    plot_information_plane,
    plot_radial_allocation,
)

matplotlib.use("Agg")

TINY = dict(n_pretrain_steps=20, n_steps=60, n_checkpoints=3, random_state=0)


def _path(n_points, lower=True, upper=True):
    info = np.linspace(1.0, 0.2, n_points)[:, None] * np.ones((1, 2))
    return InformationPath(
        beta=np.geomspace(1e-3, 1.0, n_points), kl=info + 1.0, information=info,
        information_lower=info - 0.1 if lower else None,
        information_upper=info + 0.8 if upper else None,
        loss_train=np.linspace(0.1, 0.9, n_points),
        loss_val=np.linspace(0.2, 0.9, n_points),
        score_val=np.linspace(0.9, 0.5, n_points), feature_names=("a", "b"))


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    return X, (X[:, 0] > 0).astype(int)


def test_plane_axis_holds_the_bands():
    ax = plot_information_plane(_path(4))
    twin = ax.figure.axes[1]
    assert twin.get_ylim()[1] >= 1.8  # the largest upper bound


def test_plane_of_one_point_shows_markers():
    ax = plot_information_plane(_path(1))
    drawn = [line for a in ax.figure.axes for line in a.get_lines()
             if line.get_label() in ("a", "b", "loss (train)", "loss (validation)")]
    assert len(drawn) == 4
    assert all(line.get_marker() == "o" for line in drawn)


def test_plane_without_an_upper_bound_draws_no_band():
    ax = plot_information_plane(_path(3, upper=False))
    assert not ax.figure.axes[1].collections


def test_radial_norm_spans_every_panel():
    from matplotlib.colors import PowerNorm

    radii = np.arange(1.0, 4.0)
    info = np.zeros((2, 6))
    info[:, :3], info[:, 3:] = 0.3, 4.0  # type A channels small, B large
    path = InformationPath(
        beta=np.array([1e-3, 1e-2]), kl=info, information=info,
        loss_train=np.zeros(2), loss_val=np.zeros(2), score_val=np.zeros(2),
        feature_names=tuple(f"G_{t}({r:g})" for t in "AB" for r in radii))
    fig = plot_radial_allocation(path, radii, type_names=("A", "B"),
                                 norm=PowerNorm(0.5))
    images = [ax.images[0] for ax in fig.axes if ax.images]
    assert all(image.norm.vmax == pytest.approx(4.0) for image in images)


def test_plots_read_the_sweep_inside_a_selector_or_pipeline(data):
    X, y = data
    sel = DistributedIBSelector(DistributedIBClassifier(**TINY),
                                n_features_to_select=2).fit(X, y)
    pipe = make_pipeline(StandardScaler(), DistributedIBClassifier(**TINY)).fit(X, y)
    for fitted, inner in ((sel, sel.estimator_), (pipe, pipe[-1])):
        ax = plot_information_plane(fitted)
        first = ax.figure.axes[1].get_lines()[0].get_ydata()
        np.testing.assert_allclose(first, inner.information_path_.information[:, 0])


def test_distinguishability_figure_names_its_point(data):
    X, y = data
    clf = DistributedIBClassifier(**TINY).fit(X, y)
    fig = plot_distinguishability(clf, 0, X=X, point=0)
    # the figure's texts hold its suptitle (Figure.get_suptitle is matplotlib 3.8+)
    assert any("(path point 0)" in text.get_text() for text in fig.texts)


def test_no_snapshots_pickles_the_weights_once(data):
    X, y = data
    sizes, models = {}, {}
    for keep in (True, False):
        models[keep] = DistributedIBClassifier(**TINY, keep_snapshots=keep).fit(X, y)
        sizes[keep] = len(pickle.dumps(models[keep]))
    assert sizes[False] <= sizes[True]
    loaded = pickle.loads(pickle.dumps(models[False]))
    np.testing.assert_array_equal(loaded.predict_proba(X),
                                  models[False].predict_proba(X))


def test_upgrade_hint_without_a_version(data):
    X, y = data
    state = DistributedIBClassifier(**TINY).fit(X, y).__getstate__()
    state["_skdib_pickle_format"] = 99
    state.pop("_skdib_version")
    with pytest.raises(IncompatiblePickleError) as error:
        DistributedIBClassifier().__setstate__(state)
    assert "None" not in str(error.value) and "Upgrade skdib" in str(error.value)
