"""Plots, paths and docstrings: what a sixth review found wrong.

Each test failed before its fix: the information plane labelled an InfoNCE
regressor's loss as a negative log-likelihood and set its training curve
(scored on more rows, which alone lowers an InfoNCE loss) beside the
validation curve; NaN totals read as 0 bits or drew empty axes; the subset
score matched channels by position, not by name; the distinguishability
plot read a numeric group's rows as one-hot categories; a path with list
bounds crashed the plane; and the classifier's docstring promised two
batches for the bounds.
"""

import math
import re

import matplotlib
import numpy as np
import pandas as pd
import pytest

from skdib import DistributedIBClassifier, DistributedIBRegressor, InformationPath
from skdib._dib._settings import BOUNDS_BATCH_SIZE, bounds_n_batches
from skdib.datasets import path_subset_score, subset_information
from skdib.plotting import (
    plot_distinguishability,
    plot_information_allocation,
    plot_information_plane,
    plot_subset_frontier,
)

matplotlib.use("Agg")

TINY = dict(encoder_hidden=(16,), decoder_hidden=(16,), n_pretrain_steps=30,
            n_steps=90, n_checkpoints=3, random_state=0)


def _path(**over):
    bits = np.array([[1.0, 0.5], [0.8, 0.1], [0.2, 0.0]])
    kw = dict(beta=np.array([1e-3, 1e-2, 1e-1]), kl=bits, information=bits,
              loss_train=np.array([0.1, 0.3, 0.8]),
              loss_val=np.array([0.2, 0.3, 0.8]),
              score_val=np.array([0.95, 0.9, 0.6]), feature_names=("a", "b"))
    return InformationPath(**{**kw, **over})


def _labels(ax):
    return [line.get_label() for line in ax.lines]


# -- 1. the information plane of an InfoNCE regressor ---------------------
def test_infonce_plane_draws_the_validation_loss_alone_and_names_it():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    Y = np.column_stack([X[:, 0], X[:, 1] ** 2]) + 0.1 * rng.normal(size=(300, 2))
    reg = DistributedIBRegressor(head="infonce", **TINY).fit(X, Y)
    path = reg.information_path_
    ax = plot_information_plane(reg, x="beta")
    assert "InfoNCE" in ax.get_ylabel()
    assert "likelihood" not in ax.get_ylabel()
    curves = [line for line in ax.lines if "loss" in line.get_label()]
    assert [c.get_label() for c in curves] == ["InfoNCE loss (validation)"]
    np.testing.assert_allclose(curves[0].get_ydata(), path.loss_val)
    # a Gaussian regressor keeps both curves and its likelihood label
    gauss = DistributedIBRegressor(**TINY).fit(X, Y[:, 0])
    ax = plot_information_plane(gauss, x="beta")
    assert _labels(ax)[:2] == ["loss (train)", "loss (validation)"]
    assert "log-likelihood" in ax.get_ylabel()


def test_bare_infonce_path_draws_one_loss_curve():
    ax = plot_information_plane(_path(relevance_lower=np.array([3.0, 2.0, 1.0])))
    assert _labels(ax)[0] == "InfoNCE loss (validation)"
    assert "loss (train)" not in _labels(ax)


# -- 7. a path built with lists -------------------------------------------
def test_plane_draws_a_path_with_list_bounds():
    bits = [[1.0, 0.5], [0.8, 0.1], [0.2, 0.0]]
    path = _path(information_lower=[[b - 0.1 for b in row] for row in bits],
                 information_upper=[[b + 0.1 for b in row] for row in bits])
    ax = plot_information_plane(path)
    twin = next(a for a in ax.figure.axes if a.get_label() == "channels")
    assert len(twin.collections) == 2  # one band per channel
    np.testing.assert_allclose(twin.lines[0].get_ydata(), [1.0, 0.8, 0.2])


def test_docstring_states_the_number_of_bound_batches():
    doc = " ".join(DistributedIBClassifier.__doc__.split())
    assert "two batches" not in doc
    assert "max(2, ceil(256 / K))" in doc
    assert f"min({BOUNDS_BATCH_SIZE}, held-out rows)" in doc
    two, draws = map(int, re.search(r"max\((\d+), ceil\((\d+) / K\)\)",
                                    doc).groups())
    for k in (1, 7, 100, 127, 128, 1024):
        assert bounds_n_batches(k) == max(two, math.ceil(draws / k))


# -- 2. NaN bits (an element type with too few validation elements) -------
def _nan_path():
    bits = np.array([[1.0, np.nan], [0.8, np.nan], [0.002, np.nan]])
    return _path(kl=np.nan_to_num(bits, nan=0.5), information=bits,
                 feature_names=("common", "rare"))


def test_allocation_labels_an_unknown_total_as_unknown():
    ax = plot_information_allocation(_nan_path())
    assert [t.get_text() for t in ax.get_xticklabels()] == ["?", "?", "?"]
    bits = _path().information.copy()
    bits[1, 1] = np.nan
    ax = plot_information_allocation(_path(information=bits))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1.5", "?", "0.2"]


def test_plane_refuses_unknown_totals_and_draws_them_against_beta():
    with pytest.raises(ValueError, match=r"not finite at 3 of 3 .*'rare'.*x='beta'"):
        plot_information_plane(_nan_path())
    ax = plot_information_plane(_nan_path(), x="beta")
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [1e-3, 1e-2, 1e-1])
    twin = next(a for a in ax.figure.axes if a.get_label() == "channels")
    np.testing.assert_allclose(twin.lines[0].get_ydata(), [1.0, 0.8, 0.002])


# -- 3. channels of a path and features of a subset table, by name --------
@pytest.fixture
def named_table():
    X = pd.DataFrame([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]],
                     columns=["a", "b", "c"])
    return subset_information(X, X["a"].to_numpy())  # y = a


def _bits_path(bits, names):
    bits = np.asarray(bits, dtype=float)
    n = len(bits)
    return InformationPath(beta=np.geomspace(1e-3, 1.0, n), kl=bits,
                           information=bits, loss_train=np.zeros(n),
                           loss_val=np.zeros(n), score_val=np.ones(n),
                           feature_names=names)


def test_subset_score_matches_channels_by_name(named_table):
    # (a) alone is best of size 1, (b) is not: in table order a, b, c
    bits = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    assert path_subset_score(_bits_path(bits, ("a", "b", "c")),
                             named_table) == 0.5
    # the same channels in another order: b's bits sit in column 0
    shuffled = _bits_path([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], ("b", "a", "c"))
    score, details = path_subset_score(shuffled, named_table,
                                       return_details=True)
    assert score == 0.5
    assert details["subset"].tolist() == [(0,), (1,)]  # a first, then b
    assert details["on_frontier"].tolist() == [True, False]
    ax = plot_subset_frontier(named_table, shuffled)
    np.testing.assert_allclose(ax.collections[1].get_offsets(), [[1, 1.0]])
    np.testing.assert_allclose(ax.collections[2].get_offsets(), [[1, 0.0]])


def test_subset_score_refuses_other_names_and_keeps_positions_without(
        named_table):
    bits = [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]]
    with pytest.raises(ValueError, match=r"\['d'\] only on the path, \['c'\] "
                                         r"only in subset_info"):
        path_subset_score(_bits_path(bits, ("b", "a", "d")), named_table)
    with pytest.raises(ValueError, match="other names"):
        plot_subset_frontier(named_table, _bits_path(bits, ("b", "a", "d")))
    # no names (a bare array, or x0, x1, ... of an unnamed array): by position
    _, details = path_subset_score(np.array(bits), named_table,
                                   return_details=True)
    assert details["subset"].tolist() == [(1,), (0,)]
    unnamed = _bits_path(bits, ("x0", "x1", "x2"))
    _, details = path_subset_score(unnamed, named_table, return_details=True)
    assert details["subset"].tolist() == [(1,), (0,)]


# -- 5. one-hot tick labels from the channel, not from the values ---------
def test_distinguishability_names_hot_columns_only_of_dummy_groups():
    rng = np.random.default_rng(0)
    colour = rng.integers(0, 3, 300)
    X = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    for k, name in enumerate(("red", "green", "blue")):
        X[name] = (colour == k).astype(float)
    y = ((X["a"] > 0) ^ (colour == 0)).astype(int)
    clf = DistributedIBClassifier(
        **TINY, feature_groups={"g1": ["a", "b"],
                                "colour": ["red", "green", "blue"]}).fit(X, y)
    rows = np.array([[0.0, 1.0], [1.0, 0.0]])
    ax = plot_distinguishability(clf, "g1", rows)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["(0, 1)", "(1, 0)"]
    ax = plot_distinguishability(clf, "colour", np.eye(3)[[2, 0]])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["blue", "red"]
    ax = plot_distinguishability(clf, "colour", [[0.5, 0.5, 0.0], [1, 0, 0]])
    assert ax.get_yticklabels()[0].get_text() == "(0.5, 0.5, 0)"
    # a model pickled before the flags reads them from its default rows
    del clf._one_hot_channels
    assert [clf._one_hot_group(c) for c in range(2)] == [False, True]
