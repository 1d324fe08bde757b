"""Lookup-table encoders of discrete channels (``discrete_encoder='table'``).

The references here are written independently of ``skdib._backend.dib._tables``:
a dictionary from each distinct training row to its table row, and a brute
force nearest-row search over the columns' ranks.
"""

import itertools
import pickle
import warnings

import numpy as np
import pytest
import torch
from sklearn.base import clone

from skdib import DistributedIBClassifier
from skdib._backend.dib._model import DistributedIBNet
from skdib._backend.dib._tables import ChannelTables, table_layout
from skdib._dib._replicated_fit import fit_on_splits
from skdib.compare import cross_validate_path
from skdib.exceptions import BetaRangeWarning

SHORT = dict(n_pretrain_steps=20, n_steps=60, n_checkpoints=3, batch_size=64,
             random_state=0)


def _nearest_row_reference(rows):
    """Code -> row by brute force over every combination of column values."""
    rows = np.asarray(rows)
    values = [sorted(set(rows[:, j].tolist())) for j in range(rows.shape[1])]
    seen = sorted({tuple(values[j].index(v) for j, v in enumerate(r))
                   for r in rows.tolist()})
    out = []
    for combo in itertools.product(*[range(len(v)) for v in values]):
        d = [sum(abs(a - b) for a, b in zip(combo, s, strict=True)) for s in seen]
        out.append(d.index(min(d)))
    return out, len(seen)


@pytest.mark.parametrize("seed", range(4))
def test_layout_matches_a_brute_force_reference(seed):
    rng = np.random.default_rng(seed)
    cards = rng.integers(1, 4, size=3)
    grid = np.array(list(itertools.product(*[range(c) for c in cards])))
    keep = grid[rng.random(len(grid)) < 0.5]
    rows = np.repeat(keep if len(keep) else grid[:1], 3, axis=0) * 1.5 - 2.0
    _, code_to_row, n_rows = table_layout(rows)
    expected, n_expected = _nearest_row_reference(rows)
    assert n_rows == n_expected
    assert code_to_row.tolist() == expected


def test_every_training_row_finds_its_own_entry():
    rng = np.random.default_rng(0)
    rows = rng.integers(0, 3, size=(200, 2)).astype(float) * [1.0, 10.0]
    tables = ChannelTables([[0, 1]], [rows], out_features=4)
    looked_up = tables.rows(torch.as_tensor(rows, dtype=torch.float32))[0].numpy()
    # reference: distinct rows in sorted order, numbered
    distinct = sorted({tuple(r) for r in rows.tolist()})
    number = {r: i for i, r in enumerate(distinct)}
    assert looked_up.tolist() == [number[tuple(r)] for r in rows.tolist()]
    out = tables(torch.as_tensor(rows, dtype=torch.float32))
    assert torch.equal(out[0], tables.table[0, looked_up])


def test_an_unseen_value_takes_the_nearest_training_value():
    rows = np.array([[0.0], [1.0], [5.0]])
    tables = ChannelTables([[0]], [rows], out_features=2)
    x = torch.tensor([[0.4], [0.6], [2.9], [3.1], [-7.0], [99.0]])
    assert tables.rows(x)[0].tolist() == [0, 1, 1, 2, 0, 2]


def _encoder_net(tables):
    torch.manual_seed(0)
    return DistributedIBNet(
        channels=[[0], [1], [2, 3]], n_features=4, center=np.zeros(4),
        scale=np.ones(4), frequencies=[], encoder_hidden=(8,), embedding_dim=2,
        decoder_hidden=(8,), activation="tanh", head="categorical", n_outputs=2,
        tables=tables)


def test_mixed_channels_keep_their_order():
    rng = np.random.default_rng(1)
    X = np.c_[rng.normal(size=50), rng.integers(0, 2, 50),
              rng.normal(size=(50, 2))].astype(np.float32)
    net = _encoder_net([None, X[:, [1]], None])
    x = torch.as_tensor(X)
    mu, log_var = net.encode(x)
    # channel 1 is the table; channels 0 and 2 are the network, in order
    rows = x[:, 1].long()
    table = net.tables.table.detach()
    np.testing.assert_array_equal(mu[1].detach(), table[0, rows, :2])
    np.testing.assert_array_equal(log_var[1].detach(), table[0, rows, 2:])
    mlp = net.encoder(net.channel_inputs(x))
    np.testing.assert_array_equal(mu[[0, 2]].detach(), mlp[..., :2].detach())


def test_gradients_reach_only_the_looked_up_entries():
    X = np.array([[0.0, 0.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0]] * 4, dtype=np.float32)
    rows = np.array([[0.0], [1.0], [2.0]])
    net = _encoder_net([None, rows, None])
    mu, _ = net.encode(torch.as_tensor(X))
    mu[1].sum().backward()
    grad = net.tables.table.grad[0]
    assert torch.all(grad[:2, :2] != 0)
    assert torch.all(grad[2] == 0)  # value 2 never occurs in this batch


@pytest.fixture(scope="module")
def boolean_task():
    rng = np.random.default_rng(3)
    X = rng.integers(0, 2, size=(400, 3)).astype(float)
    y = np.logical_xor(X[:, 0], X[:, 1]).astype(int)
    return X, y


@pytest.fixture(scope="module")
def table_fit(boolean_task):
    X, y = boolean_task
    return DistributedIBClassifier(learning_rate=1e-2, **SHORT).fit(X, y)


def test_boolean_inputs_get_tables_and_mlp_is_kept_on_request(table_fit,
                                                              boolean_task):
    X, y = boolean_task
    assert table_fit.recipe_["discrete_encoder"] == "table"
    assert table_fit.network_.encoder is None
    assert table_fit.network_.tables.table.shape[:2] == (3, 2)
    mlp = DistributedIBClassifier(discrete_encoder="mlp", **SHORT).fit(X, y)
    assert mlp.network_.tables is None
    assert mlp.network_.encoder is not None


def test_a_table_fit_learns_xor_and_survives_pickling(table_fit, boolean_task):
    X, y = boolean_task
    assert table_fit.score(X, y) > 0.95
    again = pickle.loads(pickle.dumps(table_fit))
    np.testing.assert_array_equal(again.predict_proba(X), table_fit.predict_proba(X))
    # a value between 0 and 1 is encoded as the nearer of the two
    near = X.copy()
    near[near == 1] = 0.9
    np.testing.assert_array_equal(table_fit.transform(near), table_fit.transform(X))


def test_encoder_settings_without_an_encoder_are_warned_about(boolean_task):
    """With a lookup table on every channel, encoder_hidden and
    fourier_frequencies shape nothing: say so and name the way out."""
    X, y = boolean_task
    with pytest.warns(UserWarning, match=r"encoder_hidden=\(8,\) and "
                      r"fourier_frequencies=2 .*discrete_encoder='mlp'"):
        DistributedIBClassifier(encoder_hidden=(8,), fourier_frequencies=2,
                                **SHORT).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", BetaRangeWarning)
        DistributedIBClassifier(encoder_hidden=(8,), discrete_encoder="mlp",
                                **SHORT).fit(X, y)
        DistributedIBClassifier(**SHORT).fit(X, y)  # 'auto': nothing to say


def test_mixed_data_gets_both_encoders():
    rng = np.random.default_rng(4)
    X = np.c_[rng.normal(size=300), rng.integers(0, 3, 300)]
    y = ((X[:, 0] > 0) ^ (X[:, 1] == 2)).astype(int)
    # 'auto' keeps network encoders for mixed data; 'table' mixes both
    auto = DistributedIBClassifier(**SHORT).fit(X, y)
    assert auto.recipe_["discrete_encoder"] == "mlp"
    assert auto.network_.tables is None
    clf = DistributedIBClassifier(discrete_encoder="table", **SHORT).fit(X, y)
    assert clf.network_.encoder is not None
    assert clf.network_.tables.table.shape[:2] == (1, 3)
    values, m = clf.distinguishability_matrix(1)
    assert values.tolist() == [0, 1, 2]
    # value 2 flips the label: the channel must tell it from 0 and 1
    assert min(m[2, 0], m[2, 1]) > 0.5


def test_batched_sweeps_of_table_networks_equal_separate_fits(boolean_task):
    X, y = boolean_task
    est = DistributedIBClassifier(learning_rate=1e-2, **SHORT)
    runs = {b: cross_validate_path(est, X, y, cv=2, random_state=0, batched=b)
            for b in (True, False)}
    np.testing.assert_allclose(runs[True].information, runs[False].information,
                               rtol=1e-4, atol=1e-3)


def test_folds_with_different_tables_fall_back_to_separate_fits():
    rng = np.random.default_rng(5)
    X = rng.integers(0, 2, size=(120, 2)).astype(float)
    X[0, 1] = 2.0  # a value only one fold's training rows have
    y = X[:, 0].astype(int)
    est = DistributedIBClassifier(learning_rate=1e-2, **SHORT)
    splits = [(np.arange(60, 120), np.arange(60)), (np.arange(60), np.arange(60, 120))]
    fits = fit_on_splits(est, X, y, splits, [0, 1], batched=True)
    shapes = sorted(f.network_.tables.table.shape[1] for f in fits)
    assert shapes == [2, 3]
    # each equals its own ordinary fit
    alone = clone(est).set_params(random_state=1).fit(
        X[splits[1][0]], y[splits[1][0]], X_val=X[splits[1][1]], y_val=y[splits[1][1]])
    np.testing.assert_allclose(fits[1].information_path_.information,
                               alone.information_path_.information, atol=1e-6)


def test_a_small_continuous_table_is_not_taken_for_codes():
    # 60 training rows of a continuous column: 60 distinct values, each once
    rng = np.random.default_rng(6)
    X = rng.normal(size=(75, 2))
    y = (X[:, 0] > 0).astype(int)
    clf = DistributedIBClassifier(discrete_encoder="table", **SHORT).fit(X, y)
    assert clf.recipe_["kind"] == "continuous"
    assert clf.network_.tables is None
    # a code with 3 values among 60 rows is still a code
    X[:, 1] = rng.integers(0, 3, 75)
    clf = DistributedIBClassifier(discrete_encoder="table", **SHORT).fit(X, y)
    assert clf.network_.tables.table.shape[:2] == (1, 3)
    assert clf.recipe_["kind"] == "continuous"
