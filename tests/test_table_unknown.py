"""An unknown category under a lookup-table encoder: the prior, not a neighbour.

An unknown category is encoded as the all-zero one-hot block, the channel's
'unknown' input, which must carry no information about the category. A
table channel gives it the prior N(0, I) (mean 0, log-variance 0, zero KL)
instead of the message of the nearest training row, which for an all-zero
block (equally far from every category) was the first or last category.
"""

import itertools
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch

from skdib import DistributedIBClassifier
from skdib._backend.dib._tables import ChannelTables, radices, table_layout
from skdib.exceptions import UnknownCategoryWarning

PRIOR = -1  # the code-to-row entry of the prior (_tables.PRIOR_ROW)
TINY = dict(encoder_hidden=(16,), embedding_dim=2, decoder_hidden=(32,),
            n_pretrain_steps=30, n_steps=150, n_checkpoints=4, random_state=0)


@pytest.mark.parametrize("seed", range(4))
def test_layout_with_one_hot_columns_matches_a_brute_force_reference(seed):
    rng = np.random.default_rng(seed)
    one_hot = np.eye(3)[rng.integers(0, 3, 40)]
    number = rng.integers(0, 3, (40, 1)) * 2.0
    rows = np.c_[one_hot, number]
    block = [0, 0, 0, -1]  # one one-hot block and a number
    _, code_to_row, _ = table_layout(rows, block)
    assert code_to_row.tolist() == _blocks_reference(rows, block)
    # without exact columns: the nearest row, as before
    _, plain, _ = table_layout(rows)
    assert plain.tolist() == _blocks_reference(rows, [-1] * 4)
    assert PRIOR not in plain.tolist()


def _blocks_reference(rows, block):
    """Brute force for several one-hot blocks: PRIOR when one block's part
    matches no training row's, else the row with the fewest differing blocks,
    then the least rank distance in the numbers (the first on ties)."""
    values = [sorted(set(rows[:, j].tolist())) for j in range(rows.shape[1])]
    seen = sorted({tuple(values[j].index(v) for j, v in enumerate(r))
                   for r in rows.tolist()})
    ids = sorted({b for b in block if b >= 0})
    out = []
    for combo in itertools.product(*[range(len(v)) for v in values]):
        def part(r, b):
            return tuple(r[j] for j in range(len(r)) if block[j] == b)
        if any(all(part(combo, b) != part(s, b) for s in seen) for b in ids):
            out.append(PRIOR)
            continue
        keys = [(sum(part(combo, b) != part(s, b) for b in ids),
                 sum(abs(a - c) for a, c, b in zip(combo, s, block, strict=True)
                     if b < 0)) for s in seen]
        out.append(keys.index(min(keys)))
    return out


@pytest.mark.parametrize("seed", range(3))
def test_two_categorical_blocks_known_apart_keep_their_nearest_row(seed):
    rng = np.random.default_rng(seed)
    c1 = rng.integers(0, 2, 30)
    c2 = np.where(c1 == 0, rng.integers(0, 2, 30), 1)  # (1, 0) never together
    rows = np.c_[np.eye(2)[c1], np.eye(2)[c2], rng.integers(0, 3, (30, 1))]
    block = [0, 0, 1, 1, -1]
    _, code_to_row, _ = table_layout(rows, block)
    assert code_to_row.tolist() == _blocks_reference(rows, block)
    # c1 = 1 and c2 = 0 are both known: a training row, not the prior
    values = [np.array([0.0, 1.0])] * 4 + [np.unique(rows[:, 4])]
    code = np.array([0, 1, 1, 0, 0]) @ radices(values)
    assert code_to_row[code] != PRIOR


def test_the_unknown_input_of_a_one_hot_table_gets_the_prior():
    rows = np.eye(3)[[0, 1, 2, 0, 1, 2]]
    tables = ChannelTables([[0, 1, 2]], [rows], out_features=4,
                           exact=[[0, 0, 0]])
    x = torch.tensor([[0.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1.0, 1.0, 0.0]])
    out = tables(x).detach()[0]
    assert torch.equal(out[0], torch.zeros(4))  # unknown: mean 0, log-var 0
    # a category: (0, 0, 1) is the first of the sorted distinct rows
    assert torch.equal(out[1], tables.table[0, 0].detach())
    assert torch.equal(out[2], torch.zeros(4))  # no category's block
    # the prior receives no gradient: it is not trained
    tables(x)[0, 0].sum().backward()
    assert tables.table.grad is None or not tables.table.grad.any()


def _categorical_table(n=240, seed=0):
    rng = np.random.default_rng(seed)
    c1 = np.array(["x", "y", "z"])[rng.integers(0, 3, n)]
    c2 = np.array(["p", "q"])[rng.integers(0, 2, n)]
    return pd.DataFrame({"c1": c1, "c2": c2}), ((c1 == "x") ^ (c2 == "p")).astype(int)


@pytest.fixture(scope="module")
def fitted():
    X, y = _categorical_table()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return DistributedIBClassifier(**TINY).fit(X, y)


def test_an_unknown_category_carries_no_category_information(fitted):
    assert fitted.recipe_["discrete_encoder"] == "table"
    rows = pd.DataFrame({"c1": ["NEW", "x", "y", "z"], "c2": ["p"] * 4})
    with pytest.warns(UnknownCategoryWarning, match="'c1'"):
        mu, log_var = fitted.encode(rows)
    # c1's message for the unknown category is the prior ...
    np.testing.assert_array_equal(mu[0, 0], 0.0)
    np.testing.assert_array_equal(log_var[0, 0], 0.0)
    # ... and that of no known category; c2's message is c2's as usual
    for k in (1, 2, 3):
        assert not np.allclose(mu[0, 0], mu[0, k])
    np.testing.assert_array_equal(mu[1, 0], mu[1, 1])
    with pytest.warns(UnknownCategoryWarning):
        proba = fitted.predict_proba(rows)
    for k in (1, 2, 3):
        assert not np.allclose(proba[0], proba[k], atol=1e-3)
    # every unknown category gets the same message (no category information)
    other = rows.assign(c1=["OTHER", "x", "y", "z"])
    with pytest.warns(UnknownCategoryWarning):
        np.testing.assert_array_equal(fitted.predict_proba(other), proba)


def test_the_prior_survives_pickling(fitted):
    rows = pd.DataFrame({"c1": ["NEW", "x"], "c2": ["q", "q"]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnknownCategoryWarning)
        before = fitted.predict_proba(rows)
        after = pickle.loads(pickle.dumps(fitted)).predict_proba(rows)
    np.testing.assert_array_equal(before, after)


def test_unknown_validation_categories_get_the_prior_too():
    X, y = _categorical_table()
    X_val, y_val = _categorical_table(60, seed=1)
    X_val.loc[:9, "c1"] = "NEW"
    with pytest.warns(UnknownCategoryWarning, match="'c1'"):
        clf = DistributedIBClassifier(**TINY).fit(X, y, X_val=X_val, y_val=y_val)
    with pytest.warns(UnknownCategoryWarning):
        mu, log_var = clf.encode(X_val[:10])
    np.testing.assert_array_equal(mu[0], 0.0)
    np.testing.assert_array_equal(log_var[0], 0.0)
    assert np.all(np.isfinite(clf.information_path_.information))


def test_a_numeric_discrete_channel_keeps_the_nearest_value():
    """A numeric value has a meaningful neighbour: it keeps the nearest
    training value's message (documented in the user guide)."""
    rng = np.random.default_rng(2)
    code = rng.integers(0, 3, 240) * 2.0
    flag = rng.integers(0, 2, 240)
    X = pd.DataFrame({"code": code, "flag": flag})
    y = ((code > 1) ^ (flag == 1)).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = DistributedIBClassifier(**TINY).fit(X, y)
    assert clf.recipe_["discrete_encoder"] == "table"
    mu, _ = clf.encode(pd.DataFrame({"code": [2.6, 2.0], "flag": [0, 0]}))
    np.testing.assert_array_equal(mu[0, 0], mu[0, 1])


def test_the_table_grid_of_a_fitted_categorical_is_its_training_codes():
    """The fitted table holds one code per combination of the values its
    training rows have (2 per one-hot column), not more."""
    from skdib._backend.dib._tables import table_codes

    X, y = _categorical_table()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = DistributedIBClassifier(**TINY).fit(X, y)
    tables = clf.network_.tables
    assert tables.code_to_row.shape[1] == max(
        table_codes(np.eye(3)[[0, 1, 2]]), table_codes(np.eye(2)[[0, 1]]))
