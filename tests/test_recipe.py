"""The default recipe: 'auto' settings resolved from the data, recorded."""

import pickle

import numpy as np
import pytest

from skdib import DistributedIBClassifier, DistributedIBRegressor
from skdib._dib._recipe import (
    HEAD_RECIPES,
    RECIPES,
    SETTINGS,
    SMALL_TABLE,
    SMALL_TABLE_ROWS,
    recipe_kind,
    resolve_recipe,
)

SHORT = dict(n_pretrain_steps=20, n_steps=40, n_checkpoints=3, random_state=0)


def test_kind_needs_every_channel_discrete():
    assert recipe_kind([(0,), (1,)]) == "discrete"
    assert recipe_kind([(0,), None]) == "continuous"
    assert recipe_kind([]) == "continuous"


def test_given_values_are_kept_and_auto_ones_filled():
    params = {name: "auto" for name in SETTINGS}
    params["embedding_dim"] = 3
    recipe = resolve_recipe(params, [None])
    assert recipe["embedding_dim"] == 3
    assert recipe["auto"] == tuple(n for n in SETTINGS if n != "embedding_dim")
    for name in recipe["auto"]:
        assert recipe[name] == RECIPES["continuous"][name]


@pytest.mark.parametrize("binary", [True, False])
def test_fit_records_and_uses_the_recipe(binary):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    if binary:
        X = np.sign(X)
    y = (X[:, 0] > 0).astype(int)
    clf = DistributedIBClassifier(**SHORT).fit(X, y)
    kind = "discrete" if binary else "continuous"
    expected = {**RECIPES[kind], **SMALL_TABLE[kind]}  # 160 training rows
    assert clf.recipe_["kind"] == kind
    assert clf.recipe_["small_table"]
    assert clf.recipe_["n_steps"] == 40  # given, not the recipe's
    assert "n_steps" not in clf.recipe_["auto"]
    # the network really has the recipe's sizes
    assert clf.transform(X).shape == (200, 3 * expected["embedding_dim"])
    if binary:  # Boolean channels: lookup tables, no encoder network
        assert clf.network_.encoder is None
        assert clf.network_.tables.table.shape == (3, 2, 2 * expected["embedding_dim"])
    else:
        first = clf.network_.encoder.layers[0].weight
        assert first.shape[-1] == expected["encoder_hidden"][0]
    assert clf.get_params()["encoder_hidden"] == "auto"  # parameters untouched
    # the classifier's label smoothing: resolved per recipe, given to the head
    assert clf.recipe_["label_smoothing"] == HEAD_RECIPES[kind]["label_smoothing"]
    assert "label_smoothing" in clf.recipe_["auto"]
    assert clf.network_.head.label_smoothing == HEAD_RECIPES[kind]["label_smoothing"]
    given = DistributedIBClassifier(label_smoothing=0.2, **SHORT).fit(X, y)
    assert given.recipe_["label_smoothing"] == 0.2
    assert "label_smoothing" not in given.recipe_["auto"]
    assert given.network_.head.label_smoothing == 0.2


def test_small_table_counts_the_rows_the_network_trains_on():
    """The rule reads the training rows left after the validation split."""
    rng = np.random.default_rng(2)
    n = int(SMALL_TABLE_ROWS / 0.9) + 20   # 0.8 of it is small, 0.95 is not
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] > 0).astype(int)
    tiny = dict(SHORT, n_pretrain_steps=2, n_steps=4, n_checkpoints=1,
                information_bounds=False)
    hidden = {}
    for fraction in (0.2, 0.05):
        clf = DistributedIBClassifier(validation_fraction=fraction, **tiny)
        clf.fit(X, y)
        hidden[fraction] = (clf.recipe_["small_table"],
                            clf.network_.encoder.layers[0].weight.shape[-1],
                            len(clf.network_.encoder.layers))
    small = SMALL_TABLE["continuous"]["encoder_hidden"]
    large = RECIPES["continuous"]["encoder_hidden"]
    assert small != large
    assert hidden[0.2][:2] == (True, small[0])
    assert hidden[0.05][:2] == (False, large[0])
    assert hidden[0.2][2] < hidden[0.05][2]  # one hidden layer against two


def test_small_table_counts_rows_not_weights():
    """Duplicated rows add no information: the rule counts rows, so a table
    of weight 2 is small while its duplicate is not (user guide, "Sample and
    class weights")."""
    rng = np.random.default_rng(3)
    n = SMALL_TABLE_ROWS - 200
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] > 0).astype(int)
    X_val = rng.normal(size=(60, 2))
    y_val = (X_val[:, 0] > 0).astype(int)
    tiny = dict(SHORT, n_pretrain_steps=2, n_steps=4, n_checkpoints=1,
                information_bounds=False)

    def small_table(X_fit, y_fit, w=None):
        clf = DistributedIBClassifier(**tiny)
        clf.fit(X_fit, y_fit, sample_weight=w, X_val=X_val, y_val=y_val)
        return clf.recipe_["small_table"]

    # weights of raw sum ~20000: a rule on the weights' sum calls it large
    assert small_table(X, y, rng.uniform(1.0, 50.0, size=n))
    X2, y2 = np.vstack([X, X]), np.concatenate([y, y])
    assert not small_table(X2, y2)
    # a tenth of the rows at weight 100: an effective sample size of ~200,
    # which a rule on the weights' spread calls small
    w2 = np.where(np.arange(2 * n) % 10 == 0, 100.0, 1.0)
    assert w2.sum() ** 2 / (w2 ** 2).sum() < SMALL_TABLE_ROWS
    assert not small_table(X2, y2, w2)


def _first_layer_fit(X, y, learning_rate, **params):
    """A 20-step fit with two exact snapshots (steps 1 and 19): the
    classifier and its first encoder layer's weights at both."""
    clf = DistributedIBClassifier(
        n_pretrain_steps=0, n_steps=20, n_checkpoints=2,
        learning_rate=learning_rate, information_bounds=False,
        keep_snapshots="exact", random_state=0, **params).fit(X, y)
    name = "encoder.layers.0.weight"
    return clf, clf._snapshots[0][name], clf._snapshots[1][name]


def test_weight_decay_small_continuous_tables_only_and_reaches_the_weights():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(200, 2))
    y = (X[:, 0] > 0).astype(int)
    auto = _first_layer_fit(X, y, 1e-3)[0]
    assert auto.recipe_["small_table"]
    assert auto.recipe_["weight_decay"] == SMALL_TABLE["continuous"]["weight_decay"] > 0
    assert "weight_decay" in auto.recipe_["auto"]
    assert RECIPES["continuous"]["weight_decay"] == 0  # larger tables: none
    boolean = DistributedIBClassifier(n_steps=4, n_pretrain_steps=0, n_checkpoints=1,
                                      information_bounds=False, random_state=0)
    boolean.fit((X > 0).astype(int), y)
    assert boolean.recipe_["weight_decay"] == RECIPES["discrete"]["weight_decay"] == 0

    def shrink(decay):
        clf, first, last = _first_layer_fit(X, y, 1e-3, weight_decay=decay)
        assert clf.recipe_["weight_decay"] == decay
        return float(last.norm() / first.norm())

    # 19 steps at 1 - 1e-3 * 50 shrink the weights to 0.95^19 = 0.38 of
    # their norm, while Adam alone moves each weight by at most ~0.02
    assert shrink(50.0) < 0.5
    assert shrink(0.0) > 0.8


def test_regressor_and_old_pickles():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(150, 2))
    reg = DistributedIBRegressor(embedding_dim=2, **SHORT).fit(X, X[:, 0])
    assert reg.recipe_["embedding_dim"] == 2
    assert "label_smoothing" not in reg.recipe_  # a classifier's setting
    assert reg.recipe_["learning_rate"] == RECIPES["continuous"]["learning_rate"]
    # a pickle from before recipes: names from the parameter itself
    state = reg.__getstate__()
    del state["recipe_"]
    old = DistributedIBRegressor.__new__(DistributedIBRegressor)
    old.__setstate__(pickle.loads(pickle.dumps(state)))
    assert len(old.get_feature_names_out()) == 2 * 2


def test_warm_up_is_in_the_recipe_and_slows_the_first_steps():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 3))
    y = (X[:, 0] > 0).astype(int)

    def fit_and_move(warmup):
        clf, first, last = _first_layer_fit(X, y, 1e-5, warmup_fraction=warmup)
        return clf, float((last - first).abs().mean())  # steps 1 to 19

    auto, moved_auto = fit_and_move("auto")
    assert auto.recipe_["warmup_fraction"] == RECIPES["continuous"]["warmup_fraction"]
    assert "warmup_fraction" in auto.recipe_["auto"]
    warm, moved_warm = fit_and_move(1.0)
    assert warm.recipe_["warmup_fraction"] == 1.0
    # steps at 2/20 ... 20/20 of the rate move Adam's weights about 0.55 as far
    ratio = moved_warm / moved_auto
    assert 0.4 < ratio < 0.85, ratio
