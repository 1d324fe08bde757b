"""Plots and subset scores: what a review of the sixth review's fixes found.

Each test failed before its fix: ``path_subset_score`` matched a path named
``x1, x0, x2`` to a table named ``x0, x1, x2`` by position; the information
plane of a cross-validated InfoNCE path drew the training curve and a
likelihood label; and a group of dummy columns with a dropped first
category (an all-zero row) got tuple tick labels.
"""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from skdib import DistributedIBClassifier, DistributedIBRegressor, InformationPath
from skdib.compare import cross_validate_path
from skdib.datasets import path_subset_score, subset_information
from skdib.plotting import (
    plot_distinguishability,
    plot_information_plane,
    plot_subset_frontier,
)

matplotlib.use("Agg")

TINY = dict(encoder_hidden=(8,), decoder_hidden=(8,), n_pretrain_steps=20,
            n_steps=60, n_checkpoints=3, random_state=0)


# -- 1. default names in another order are matched by name ----------------
def _xor_table():
    X = pd.DataFrame([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]],
                     columns=["x0", "x1", "x2"])
    return subset_information(X, X["x0"].to_numpy())


def _one_channel_path(names):
    return InformationPath(beta=[1e-3], kl=[[0, 1, 0]], information=[[0, 1, 0]],
                           loss_train=[0], loss_val=[0], score_val=[1],
                           feature_names=names)


def test_default_names_in_another_order_are_matched_by_name():
    table = _xor_table()
    # the path's second channel is x0, the one feature that predicts y
    assert path_subset_score(_one_channel_path(("x1", "x0", "x2")), table) == 1.0
    ax = plot_subset_frontier(table, _one_channel_path(("x1", "x0", "x2")))
    np.testing.assert_allclose(ax.collections[1].get_offsets(), [[1, 1.0]])
    # names a, b, c with y = b: the same by name; default names in order
    # against other names are matched by position (channel 1 is b)
    other = subset_information(
        pd.DataFrame([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]],
                     columns=["a", "b", "c"]), np.array([0, 1, 0, 1]))
    assert path_subset_score(_one_channel_path(("a", "b", "c")), other) == 1.0
    assert path_subset_score(_one_channel_path(("b", "a", "c")), other) == 0.0
    assert path_subset_score(_one_channel_path(("x0", "x1", "x2")), other) == 1.0
    with pytest.raises(ValueError, match="other names"):
        path_subset_score(_one_channel_path(("x1", "x0", "d")), other)


# -- 2. the InfoNCE plane of a cross-validated path -----------------------
@pytest.mark.filterwarnings("ignore:At beta_end")
def test_cross_validated_infonce_path_draws_the_validation_loss_alone():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(160, 2))
    Y = np.column_stack([X[:, 0], X[:, 1] ** 2]) + 0.1 * rng.normal(size=(160, 2))
    cvp = cross_validate_path(DistributedIBRegressor(head="infonce", **TINY),
                              X, Y, cv=2, random_state=0, batched=False,
                              return_estimators=True)
    folds = [est.information_path_.relevance_lower for est in cvp.estimators]
    np.testing.assert_allclose(cvp.path.relevance_lower, np.mean(folds, axis=0))
    ax = plot_information_plane(cvp.path, x="beta")
    curves = [line for line in ax.get_lines() if "loss" in line.get_label()]
    assert [c.get_label() for c in curves] == ["InfoNCE loss (validation)"]
    assert ax.get_ylabel() == "InfoNCE loss, validation (bits)"
    # a Gaussian head's folds have no bound, nor has their mean path
    gauss = cross_validate_path(DistributedIBRegressor(**TINY), X, Y[:, 0],
                                cv=2, random_state=0, batched=False)
    assert gauss.path.relevance_lower is None


# -- 3. dummy columns with the first category dropped ---------------------
def _ticks(ax):
    return [t.get_text() for t in ax.get_yticklabels()]


@pytest.mark.filterwarnings("ignore:At beta_end")
def test_dummies_without_their_first_category_are_named():
    rng = np.random.default_rng(0)
    colour = pd.Series(rng.choice(["blue", "green", "red"], 250))
    X = pd.get_dummies(colour, drop_first=True, dtype=float)  # green, red
    # two 0/1 flags that may both be set: numbers, not categories
    X["f1"], X["f2"] = rng.integers(0, 2, 250), rng.integers(0, 2, 250)
    y = ((colour == "red") ^ (X["f1"] == 1)).astype(int)
    tables = {k: v for k, v in TINY.items() if k != "encoder_hidden"}
    clf = DistributedIBClassifier(
        **tables, feature_groups={"colour": ["green", "red"],
                                "flags": ["f1", "f2"]}).fit(X, y)
    ax = plot_distinguishability(clf, "colour", [[0, 1], [0, 0], [1, 0]])
    assert _ticks(ax) == ["red", "none of (green, red)", "green"]
    # the default rows (the training rows) read the same
    ax = plot_distinguishability(clf, "colour")
    assert sorted(_ticks(ax)) == ["green", "none of (green, red)", "red"]
    # rows that are no dummy rows, and a group that is none: tuples
    ax = plot_distinguishability(clf, "colour", [[0, 1], [1, 1]])
    assert _ticks(ax) == ["(0, 1)", "(1, 1)"]
    ax = plot_distinguishability(clf, "flags", [[0, 1], [1, 0], [0, 0]])
    assert _ticks(ax) == ["(0, 1)", "(1, 0)", "(0, 0)"]
    # a model pickled before the flags reads them from its default rows
    del clf._one_hot_channels
    assert [clf._one_hot_group(c) for c in range(2)] == [True, False]
