"""The path's numbers do not depend on the order of the rows: ``loss_train``
is scored on a random subset of a large training table, and the InfoNCE
bound of a large held-out set on random batches of it."""

import warnings

import numpy as np
import pytest

from skdib import DistributedIBRegressor

torch = pytest.importorskip("torch")

from skdib._backend.dib._evaluation import (  # noqa: E402
    LN2,
    _batched_eval,
    _chunk_order,
    _eval_chunks,
    train_eval_rows,
)

FAST = dict(n_steps=100, n_pretrain_steps=40, n_checkpoints=2, random_state=0,
            information_bounds=False)


def _fit(X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return DistributedIBRegressor(**FAST, **kwargs.pop("params", {})).fit(
            X, y, **kwargs)


def test_train_eval_rows_are_a_fixed_random_subset():
    assert train_eval_rows(4096, 4096, 1) is None  # small tables: every row
    rows = train_eval_rows(10_000, 4096, 1)
    assert len(rows) == len(torch.unique(rows)) == 4096
    assert torch.equal(rows, train_eval_rows(10_000, 4096, 1))  # every checkpoint
    # spread over the table, not its first rows
    assert rows.max() > 9000 and (rows >= 4096).float().mean() > 0.5


def test_loss_train_of_a_sorted_table_matches_its_shuffled_version():
    # noise 0.2 for x1 < 0 and 2.2 above: the first 4096 rows of the table
    # sorted by x1 are the easy half, whose loss is far below the held-out one
    rng = np.random.default_rng(7)
    n = 8000
    X = rng.normal(size=(n, 2))
    y = X[:, 0] + (0.2 + 2 * (X[:, 1] > 0)) * rng.normal(size=n)
    Xv = rng.normal(size=(1000, 2))
    yv = Xv[:, 0] + (0.2 + 2 * (Xv[:, 1] > 0)) * rng.normal(size=1000)
    order = np.argsort(X[:, 1])
    path = _fit(X[order], y[order], X_val=Xv, y_val=yv).information_path_
    # in-distribution training rows: loss_train within noise of loss_val
    assert np.all(np.abs(path.loss_train - path.loss_val) < 0.2)


def _infonce_net():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = X[:, 0] + 0.3 * rng.normal(size=200)
    return _fit(X, y, params={"head": "infonce"}).network_


def _eval(net, x, y, weights, chunk=64):
    gen = torch.Generator().manual_seed(5)
    posteriors = []
    with torch.no_grad():
        out = _batched_eval(net, x, y, gen, chunk, posteriors, weights)
    return out, posteriors[0]


def test_infonce_chunks_do_not_follow_the_row_order():
    net = _infonce_net()
    rng = np.random.default_rng(1)
    x = rng.normal(size=(1024, 2))
    y = x[:, :1] + 0.3 * rng.normal(size=(1024, 1))
    w = rng.uniform(0.5, 2.0, size=1024)
    order = np.argsort(y[:, 0])

    def run(rows):
        return _eval(net, torch.tensor(x[rows], dtype=torch.float32),
                     torch.tensor(y[rows], dtype=torch.float32),
                     torch.tensor(w[rows], dtype=torch.float32))

    (kl, loss, score, _, rel, score_rows, loss_rows), (mu, _) = run(np.arange(1024))
    (kl_s, loss_s, score_s, _, rel_s, score_rows_s, loss_rows_s), (mu_s, _) = run(order)
    # sorted by y, 64-row chunks of near-equal y: the bound was near 0
    assert rel > 0.3 and abs(rel - rel_s) < 0.1
    assert abs(loss - loss_s) < 0.15
    np.testing.assert_allclose(kl, kl_s, atol=1e-6)
    assert score == pytest.approx(score_s, rel=1e-6)
    # per-row outputs and posteriors stay in the rows' given order
    np.testing.assert_allclose(score_rows[order], score_rows_s, atol=1e-5)
    np.testing.assert_allclose(loss_rows[order], loss_rows_s, atol=1e-5)
    np.testing.assert_allclose(mu[:, order].numpy(), mu_s.numpy(), atol=1e-5)


def test_infonce_weights_stay_with_their_rows_in_random_chunks():
    # a one-hot weight gives the loss of its own row, which was evaluated in
    # a chunk of the seeded permutation of a held-out set sorted by y
    net = _infonce_net()
    rng = np.random.default_rng(3)
    x = torch.tensor(rng.normal(size=(300, 2)), dtype=torch.float32)
    y = x[:, :1] + 0.3 * torch.tensor(rng.normal(size=(300, 1)),
                                      dtype=torch.float32)
    rows = torch.argsort(y[:, 0])
    x, y = x[rows], y[rows]
    gen = torch.Generator().manual_seed(5)
    with torch.no_grad():
        order = _chunk_order(True, 300, 64, gen)
        parts, _ = _eval_chunks(net, x[order], y[order], gen, 64, 0)
    own = torch.cat(parts["nll"])[torch.argsort(order)].double() / LN2
    assert (own.max() - own.min()).item() > 0.5  # rows' losses differ
    for i in (0, 7, 150, 299):
        weights = torch.zeros(300)
        weights[i] = 1.0
        loss = _eval(net, x, y, weights)[0][1]
        assert loss == pytest.approx(own[i].item(), abs=1e-9)


def test_posteriors_are_kept_only_when_asked_for(monkeypatch):
    # the training rows' evaluation (no posteriors) joined every row's
    # (mu, log_var) too: the only 3-D tensors the chunks join
    net = _infonce_net()
    x, y = torch.zeros(200, 2), torch.zeros(200, 1)
    joined, cat = [], torch.cat

    def spy(tensors, *args, **kwargs):
        joined.extend(t.dim() for t in tensors)
        return cat(tensors, *args, **kwargs)

    monkeypatch.setattr(torch, "cat", spy)
    with torch.no_grad():
        _batched_eval(net, x, y, torch.Generator().manual_seed(0), 64)
        assert 3 not in joined
        _batched_eval(net, x, y, torch.Generator().manual_seed(0), 64, [])
    assert 3 in joined


def test_a_sorted_held_out_set_gets_the_bound_of_a_shuffled_one():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(1000, 2))
    y = X[:, 0] + 0.3 * rng.normal(size=1000)
    Xv = rng.normal(size=(9000, 2))
    yv = Xv[:, 0] + 0.3 * rng.normal(size=9000)
    order = np.argsort(yv)
    params = {"head": "infonce"}
    shuffled = _fit(X, y, X_val=Xv, y_val=yv, params=params).information_path_
    ordered = _fit(X, y, X_val=Xv[order], y_val=yv[order],
                   params=params).information_path_
    np.testing.assert_allclose(ordered.relevance_lower, shuffled.relevance_lower,
                               atol=0.05)
    np.testing.assert_allclose(ordered.score_val, shuffled.score_val, atol=1e-6)


def test_infonce_bound_describes_the_unweighted_held_out_rows():
    # loss_val is weighted; the bound log K - L holds for the rows as drawn,
    # so it is that of the unweighted rows (user guide, "Sample and class
    # weights")
    net = _infonce_net()
    rng = np.random.default_rng(2)
    x = torch.tensor(rng.normal(size=(256, 2)), dtype=torch.float32)
    y = x[:, :1] + 0.3 * torch.tensor(rng.normal(size=(256, 1)),
                                      dtype=torch.float32)
    w = torch.tensor(np.where(x[:, 0].numpy() > 0, 0.05, 1.0), dtype=torch.float32)
    (_, loss_w, _, _, rel_w, _, _), _ = _eval(net, x, y, w, chunk=256)
    (_, loss, _, _, rel, _, _), _ = _eval(net, x, y, None, chunk=256)
    assert rel_w == rel == pytest.approx(max(np.log2(256) - loss, 0.0), abs=1e-5)
    assert abs(loss_w - loss) > 1e-3
