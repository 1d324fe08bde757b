"""The InfoNCE head, and the standard IB as the one-channel special case."""

import numpy as np
import pytest
import torch

from skdib import DistributedIBClassifier, DistributedIBRegressor


@pytest.fixture(scope="module")
def infonce_fit():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(600, 3))
    Y = np.c_[np.sin(3 * X[:, 0]), X[:, 1] ** 2]  # x2 is noise
    reg = DistributedIBRegressor(head="infonce", n_steps=600, n_pretrain_steps=200,
                                 n_checkpoints=8, codebook_size=256,
                                 learning_rate=1e-3, random_state=0)
    return reg.fit(X, Y), X, Y


def test_infonce_predicts_from_codebook(infonce_fit):
    reg, X, Y = infonce_fit
    pred = reg.predict(X)
    assert pred.shape == Y.shape
    # every prediction is a training target (nearest codebook entry)
    train_rows = {tuple(np.round(r, 9)) for r in Y}
    assert all(tuple(np.round(r, 9)) in train_rows for r in pred)
    assert reg.score(X, Y) > 0.8


def test_infonce_relevance_bound_on_path(infonce_fit):
    reg, _, _ = infonce_fit
    path = reg.information_path_
    rel = path.relevance_lower
    assert rel is not None and rel.shape == (path.n_points,)
    n_val = round(0.2 * 600)
    assert np.all(rel <= np.log2(n_val) + 1e-9)  # InfoNCE is capped at log K
    assert rel[0] > 1.0 and rel[-1] < rel[0]
    # the noise input is squeezed out first
    assert path.information[-1, 2] < path.information[-1, :2].min()


def test_gaussian_regressor_has_no_relevance_bound(tiny_params):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    reg = DistributedIBRegressor(**tiny_params).fit(X, X[:, 0])
    assert reg.information_path_.relevance_lower is None


def test_infonce_bad_parameters():
    X = np.zeros((20, 2))
    with pytest.raises(ValueError, match="head"):
        DistributedIBRegressor(head="poisson").fit(X, X[:, 0])
    with pytest.raises(ValueError, match="temperature"):
        DistributedIBRegressor(head="infonce", temperature=0).fit(X, X[:, 0])


@pytest.fixture(scope="module")
def xor_bits():
    X = np.tile([[0, 0], [0, 1], [1, 0], [1, 1]], (150, 1)).astype(float)
    return X, (X[:, 0] != X[:, 1]).astype(int)


def plateau(path):
    """Information at the most compressed point that still conveys H(Y).

    The relevance term (the sampled cross-entropy, ``loss_val``) decides this,
    not the accuracy: predictions from posterior means stay perfect long
    after the stochastic channel has started to lose the bit.
    """
    ok = np.flatnonzero(path.loss_val < 0.1)
    return path.information[ok[-1]]


@pytest.mark.slow
def test_standard_ib_vs_distributed_on_xor(xor_bits):
    """SI Fig. S2: the distributed IB needs 1 bit from each input before it
    knows y, the standard (one-channel) IB only the 1 bit of y itself."""
    X, y = xor_bits
    settings = dict(n_steps=2500, n_pretrain_steps=300, n_checkpoints=20,
                    learning_rate=1e-3, random_state=0)
    dib = DistributedIBClassifier(**settings).fit(X, y)
    ib = DistributedIBClassifier(**settings, feature_groups=[[0, 1]]).fit(X, y)
    assert ib.information_path_.information.shape[1] == 1
    assert ib.information_path_.feature_names == ("x0+x1",)
    per_input = plateau(dib.information_path_)
    np.testing.assert_allclose(per_input, 1.0, atol=0.2)
    assert plateau(ib.information_path_)[0] == pytest.approx(1.0, abs=0.2)


def test_score_standard_errors_follow_one_rule_weighted_or_not():
    """Equal weights and no weights give the same standard error, for R² and
    for accuracy: the spread of the per-row terms (population form) over
    the root of the number of rows, computed here with numpy."""
    from skdib._backend.dib._heads import CategoricalHead
    from skdib._backend.dib._metrics import r2_with_se

    rng = np.random.default_rng(0)
    y = torch.as_tensor(rng.normal(size=(40, 2)))
    pred = y + torch.as_tensor(rng.normal(scale=0.5, size=(40, 2)))
    ones = torch.ones(40, dtype=torch.float64)
    r2, se = r2_with_se(pred, y)
    r2_w, se_w = r2_with_se(pred, y, ones)
    t = (((y - pred) ** 2).numpy() / y.numpy().var(axis=0)).mean(axis=1)
    assert float(r2) == pytest.approx(1 - t.mean())
    assert float(se) == pytest.approx(t.std() / np.sqrt(40), rel=1e-12)
    assert float(se) == pytest.approx(float(se_w), rel=1e-12)
    assert float(r2) == pytest.approx(float(r2_w), rel=1e-12)
    logits = torch.as_tensor(rng.normal(size=(40, 3)))
    labels = torch.as_tensor(rng.integers(0, 3, 40))
    head = CategoricalHead(4, 3)
    acc, acc_se = head.score(logits, labels)
    acc_w, acc_se_w = head.score(logits, labels, ones)
    assert float(acc_se) == pytest.approx(float(acc_se_w), rel=1e-12)


def test_infonce_needs_two_rows_per_batch():
    """A batch of one row has no negatives: its contrastive loss is 0 at
    every step, so nothing would be learned."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    with pytest.raises(ValueError, match="batches of at least 2 rows"):
        DistributedIBRegressor(head="infonce", batch_size=1, n_pretrain_steps=5,
                               n_steps=5, n_checkpoints=1).fit(X, X[:, 0])
