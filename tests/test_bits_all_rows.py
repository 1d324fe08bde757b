"""Bits of discrete channels measured on every row, the saturation ceiling of
weighted held-out rows, and drifts that were not measured.

* A discrete channel's mixture weights its values by their frequencies among
  all the fit's rows: a rare value absent from the few held-out rows still
  counts, and many values on few rows carry their plug-in bias in the error.
* The InfoNCE lower bound of weighted rows cannot exceed the entropy of the
  normalised weights: ``bounds_saturated`` tests that ceiling.
* A hold of fewer than 4 steps measures no drift: NaN, counted as settled.
"""

import numpy as np
import pytest
import torch
from scipy.special import logsumexp

from skdib import DistributedIBClassifier, DistributedIBRegressor
from skdib._backend.dib._information import mi_bounds
from skdib._backend.dib._settling import HoldWindow

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _reference_information(mu, log_var, weights, n_draws=4000, seed=0):
    """I(U; V) in bits of the mixture sum_v w_v N(mu_v, diag exp(lv_v)) by
    plain Monte Carlo in numpy, with its Monte Carlo standard error."""
    mu, log_var = np.asarray(mu, float), np.asarray(log_var, float)
    weights = np.asarray(weights, float) / np.sum(weights)
    rng = np.random.default_rng(seed)
    log_norm = -0.5 * log_var.sum(axis=1)  # the 2 pi terms cancel
    means, variances = np.zeros(len(mu)), np.zeros(len(mu))
    for v in np.flatnonzero(weights > 0):
        eps = rng.standard_normal((n_draws, mu.shape[1]))
        u = mu[v] + np.exp(0.5 * log_var[v]) * eps
        own = log_norm[v] - 0.5 * (eps ** 2).sum(axis=1)
        quad = ((u[:, None, :] - mu[None]) ** 2 * np.exp(-log_var)[None]).sum(-1)
        every = np.log(np.where(weights > 0, weights, 1e-300)) + log_norm - 0.5 * quad
        terms = own - logsumexp(every[:, weights > 0], axis=1)
        means[v], variances[v] = terms.mean(), terms.var()
    info = np.sum(weights * means) / np.log(2)
    return info, np.sqrt(np.sum(weights ** 2 * variances / n_draws)) / np.log(2)


def test_a_rare_value_absent_from_the_held_out_rows_still_counts():
    # 48 rows, ~10 held out; b = 1 in 6 of 48 rows, none of them held out
    rng = np.random.default_rng(1)
    n = 48
    b = (rng.random(n) < 0.15).astype(float)
    x = rng.normal(size=n)
    X = np.column_stack([b, x])
    y = 3 * b + x + 0.1 * rng.normal(size=n)
    reg = DistributedIBRegressor(n_pretrain_steps=300, n_steps=60,
                                 n_checkpoints=2, random_state=1).fit(X, y)
    path = reg.information_path_
    assert path.information_method[0] == "mixture"
    share = np.array([1 - b.mean(), b.mean()])
    for k in range(path.n_points):
        reg.set_path_point(index=k)
        mu, log_var = reg.encode(np.array([[0.0, 0.0], [1.0, 0.0]]))
        ref, ref_se = _reference_information(mu[0], log_var[0], share)
        info, se = path.information[k, 0], path.information_se[k, 0]
        assert ref > 0.1 and info > 0.1 and se > 0
        assert abs(info - ref) <= 2 * np.hypot(se, ref_se), (k, info, se, ref)
        # the upper bound is capped by the values' mean KL over all rows
        kl = 0.5 * (mu[0] ** 2 + np.exp(log_var[0]) - log_var[0] - 1).sum(axis=1)
        assert (path.information_lower[k, 0] <= info
                <= path.information_upper[k, 0]
                <= share @ kl / np.log(2) + 1e-6)


@pytest.mark.slow
def test_many_codes_on_few_rows_carry_their_bias_in_the_error():
    # 40 equally likely codes, 200 rows, 40 held out; well-separated
    # components: the population's information is log2(40) = 5.32 bits
    V = 40
    rng = np.random.default_rng(5)
    n = 200
    code = rng.integers(0, V, n).astype(float)
    labels = rng.integers(0, 2, V)
    X = np.column_stack([code, rng.normal(size=n)])
    y = labels[code.astype(int)]
    clf = DistributedIBClassifier(
        n_pretrain_steps=1500, learning_rate=3e-3, n_steps=40, n_checkpoints=2,
        beta_start=1e-6, beta_end=1e-5, random_state=0).fit(X, y)
    path = clf.information_path_
    assert path.information_method[0] == "mixture"
    grid = np.column_stack([np.arange(V, dtype=float), np.zeros(V)])
    for k in range(path.n_points):
        clf.set_path_point(index=k)
        mu, log_var = clf.encode(grid)
        ref, ref_se = _reference_information(mu[0], log_var[0], np.ones(V),
                                             n_draws=500)
        assert ref > 5.0
        info, se = path.information[k, 0], path.information_se[k, 0]
        assert abs(info - ref) <= 2 * np.hypot(se, ref_se), (k, info, se, ref)


def test_the_lower_bound_ceiling_of_weighted_rows_is_their_entropy():
    # components far apart: the lower bound reaches its ceiling
    n = 64
    mu = torch.arange(n, dtype=torch.float64)[:, None] * 100
    log_var = torch.zeros((n, 1), dtype=torch.float64)
    weights = np.r_[np.full(4, 50.0), np.ones(n - 4)]
    p = weights / weights.sum()
    entropy = -np.sum(p * np.log2(p))
    ceiling = []
    lower, _ = mi_bounds(mu, log_var, batch_size=1024, n_batches=3,
                         generator=torch.Generator().manual_seed(0),
                         weights=torch.as_tensor(weights), ceiling=ceiling)
    assert ceiling == [pytest.approx(entropy, abs=1e-9)]
    assert float(lower) == pytest.approx(entropy, abs=1e-6)
    assert entropy < np.log2(n) - 1  # a test against log2 K would not flag it
    unweighted = []
    mi_bounds(mu, log_var, batch_size=1024, n_batches=3,
              generator=torch.Generator().manual_seed(0), ceiling=unweighted)
    assert unweighted == []  # log2 K, as before


@pytest.mark.slow
def test_saturation_is_flagged_under_the_weights_ceiling():
    rng = np.random.default_rng(3)
    n = 150
    X = rng.normal(size=(n, 2))
    y = X[:, 0] + 0.01 * rng.normal(size=n)
    w = np.where(rng.random(n) < 0.1, 30.0, 1.0)
    params = dict(n_pretrain_steps=2000, learning_rate=3e-3, n_steps=60,
                  n_checkpoints=2, beta_start=1e-5, beta_end=1e-4,
                  random_state=0)
    weighted = DistributedIBRegressor(**params).fit(
        X, y, sample_weight=w).information_path_
    K = weighted.bounds_batch_size
    # well below log2 K - 1, yet at the entropy of the held-out weights
    assert np.all(weighted.information_lower[:, 0] < np.log2(K) - 1)
    assert np.all(weighted.bounds_saturated[:, 0])
    assert not np.any(weighted.bounds_saturated[:, 1])
    plain = DistributedIBRegressor(**params).fit(X, y).information_path_
    np.testing.assert_array_equal(
        plain.bounds_saturated,
        plain.information_lower >= np.log2(plain.bounds_batch_size) - 1)


def test_a_hold_too_short_to_measure_reads_nan_not_zero():
    window = HoldWindow()
    for value in (1.0, 5.0, 9.0):  # 3 steps: moving, but not measured
        window.add(0.1, torch.tensor([value, value]))
    assert np.all(np.isnan(window.drift()))
    window.add(0.1, torch.tensor([13.0, 13.0]))
    assert np.all(np.asarray(window.drift()) > 0.5)


def test_checkpoints_one_step_apart_are_not_called_settled_by_measurement():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] > 0).astype(int)
    path = DistributedIBClassifier(n_pretrain_steps=20, n_steps=20,
                                   n_checkpoints=20, random_state=0
                                   ).fit(X, y).information_path_
    # one step between checkpoints: no hold reaches 4 steps
    assert np.all(np.isnan(path.kl_drift[1:]))
    assert np.all(path.settled)  # NaN counts as settled, as documented
