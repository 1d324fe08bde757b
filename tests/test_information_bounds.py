"""Tests of skdib.information: KL, mutual-information bounds, distinguishability."""

import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from skdib._backend.dib import _information as backend
from skdib.information import (
    bhattacharyya_distance,
    distinguishability,
    kl_divergence,
    mutual_information_bounds,
)

LN2 = math.log(2.0)
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(),
                                reason="needs a CUDA GPU")


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _posteriors(shape, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape), rng.normal(scale=0.7, size=shape)


# ----------------------------------------------------------------- numpy refs
def _kl_reference(mu, lv):
    return 0.5 * np.sum(mu**2 + np.exp(lv) - lv - 1.0, axis=-1) / LN2


def _gauss_logpdf(u, mu, lv):
    """log N(u; mu, diag exp(lv)) for one u against many (mu, lv) rows."""
    return -0.5 * np.sum(np.log(2 * np.pi) + lv + (u - mu) ** 2 / np.exp(lv),
                         axis=-1)


def _bounds_reference(mu, lv, eps):
    """Summed InfoNCE / leave-one-out summands (nats) for one channel batch."""
    k = mu.shape[0]
    u = mu + np.exp(0.5 * lv) * eps
    lower = upper = 0.0
    for i in range(k):
        logp = _gauss_logpdf(u[i], mu, lv)
        others = np.delete(logp, i)
        lower += logp[i] - np.log(np.mean(np.exp(logp)))
        upper += logp[i] - np.log(np.mean(np.exp(others)))
    return lower, upper


def _bhattacharyya_reference(mu1, lv1, mu2, lv2):
    v1, v2 = np.exp(lv1), np.exp(lv2)
    v = 0.5 * (v1 + v2)
    quad = 0.125 * np.sum((mu1 - mu2) ** 2 / v)
    logdet = 0.5 * (np.sum(np.log(v)) - 0.5 * (np.sum(lv1) + np.sum(lv2)))
    return quad + logdet


# ------------------------------------------------------------------------ KL
def test_kl_matches_numpy_formula():
    mu, lv = _posteriors((3, 6, 4))
    per_sample = kl_divergence(mu, lv, reduction="none")
    assert per_sample.shape == (3, 6)
    np.testing.assert_allclose(per_sample, _kl_reference(mu, lv), rtol=1e-12)
    np.testing.assert_allclose(kl_divergence(mu, lv),
                               _kl_reference(mu, lv).mean(axis=1), rtol=1e-12)
    one = kl_divergence(mu[1], lv[1])
    assert isinstance(one, float)
    assert one == pytest.approx(_kl_reference(mu[1], lv[1]).mean(), rel=1e-12)


def test_kl_zero_at_prior_and_accepts_tensors():
    zeros = torch.zeros(5, 3)
    assert kl_divergence(zeros, zeros) == 0.0
    out = kl_divergence(torch.ones(2, 5, 3), zeros.expand(2, 5, 3),
                        reduction="none")
    assert isinstance(out, np.ndarray)
    np.testing.assert_allclose(out, 1.5 / LN2)


def test_backend_kl_keeps_leading_shape():
    mu, lv = (torch.as_tensor(a) for a in _posteriors((2, 3, 5, 4)))
    assert backend.kl_bits(mu, lv).shape == (2, 3, 5)


# -------------------------------------------------------- bounds: exactness
def test_bound_sums_match_numpy_reference():
    mu, lv = _posteriors((3, 9, 2), seed=1)
    eps = np.random.default_rng(2).normal(size=mu.shape)
    t = [torch.as_tensor(a) for a in (mu, lv, eps)]
    for r_chunk in (9, 4, 1):
        lower, upper, _ = backend._bound_sums(*t, r_chunk)
        for c in range(3):
            ref_lower, ref_upper = _bounds_reference(mu[c], lv[c], eps[c])
            assert lower[c].item() == pytest.approx(ref_lower, abs=1e-10)
            assert upper[c].item() == pytest.approx(ref_upper, abs=1e-10)


def test_bounds_do_not_depend_on_chunking(monkeypatch):
    mu, lv = (torch.as_tensor(a) for a in _posteriors((5, 40, 3), seed=3))
    kwargs = dict(batch_size=16, n_batches=3)
    whole = backend.mi_bounds(mu, lv, generator=torch.Generator().manual_seed(7),
                              **kwargs)
    monkeypatch.setattr(backend, "BLOCK_ELEMENTS", 40)
    assert backend._chunk_sizes(5, 16, 3) == (1, 2)
    chunked = backend.mi_bounds(mu, lv, generator=torch.Generator().manual_seed(7),
                                **kwargs)
    for a, b in zip(whole, chunked, strict=True):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-12)


def test_stacked_bounds_match_per_channel_numpy_reference():
    # Replay the draws of mi_bounds (per batch: row permutation, then the
    # noise of all channels) and evaluate every channel with the numpy loop.
    n_channels, n, d, k, n_batches = 3, 12, 2, 8, 2
    mu, lv = _posteriors((n_channels, n, d), seed=4)
    lower, upper = mutual_information_bounds(mu, lv, batch_size=k,
                                             n_batches=n_batches, random_state=11)
    gen = torch.Generator().manual_seed(11)
    ref = np.zeros((2, n_channels))
    for _ in range(n_batches):
        idx = torch.randperm(n, generator=gen)[:k].numpy()
        eps = torch.randn((n_channels, k, d), generator=gen,
                          dtype=torch.float64).numpy()
        for c in range(n_channels):
            ref[:, c] += _bounds_reference(mu[c, idx], lv[c, idx], eps[c])
    ref /= n_batches * k * LN2
    np.testing.assert_allclose(lower, ref[0], rtol=0, atol=1e-10)
    np.testing.assert_allclose(upper, ref[1], rtol=0, atol=1e-10)


# ------------------------------------------------------ bounds: behaviour
def test_bounds_reproducible_with_seed():
    mu, lv = _posteriors((2, 50, 3), seed=5)
    a = mutual_information_bounds(mu, lv, batch_size=32, random_state=3)
    b = mutual_information_bounds(mu, lv, batch_size=32, random_state=3)
    c = mutual_information_bounds(mu, lv, batch_size=32, random_state=4)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    g1 = mutual_information_bounds(mu, lv, batch_size=32,
                                   random_state=np.random.default_rng(0))
    g2 = mutual_information_bounds(mu, lv, batch_size=32,
                                   random_state=np.random.default_rng(0))
    np.testing.assert_array_equal(g1[0], g2[0])
    rs = mutual_information_bounds(mu, lv, random_state=np.random.RandomState(0))
    assert np.all(rs[0] <= rs[1])


def test_zero_information_when_all_posteriors_coincide():
    mu = np.full((2, 300, 4), 0.3)
    lv = np.full((2, 300, 4), -0.5)
    lower, upper = mutual_information_bounds(mu, lv, batch_size=128,
                                             random_state=0)
    np.testing.assert_allclose(lower, 0.0, atol=1e-10)
    np.testing.assert_allclose(upper, 0.0, atol=1e-10)


def test_small_dataset_uses_every_sample_per_batch():
    # 40 well separated posteriors: the lower bound saturates at log2(n).
    n = 40
    mu = 50.0 * np.eye(n)
    lower, upper = mutual_information_bounds(mu, np.zeros_like(mu),
                                             random_state=0)
    assert lower == pytest.approx(math.log2(n), abs=1e-9)
    assert upper > 100.0


def test_bounds_accept_torch_tensors_and_return_numpy():
    mu, lv = (torch.as_tensor(a, dtype=torch.float32)
              for a in _posteriors((3, 64, 2), seed=6))
    lower, upper = mutual_information_bounds(mu.requires_grad_(), lv,
                                             batch_size=32, random_state=0)
    assert isinstance(lower, np.ndarray) and lower.dtype == np.float64
    assert lower.shape == upper.shape == (3,)
    assert np.all(lower <= upper)


# ------------------------------------------------------ SI Fig. S4 benchmark
N_DIMS = 32
N_SAMPLES = 1024
SEPARATIONS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 7.0)


def _axis_means(n_values, distance):
    """Value k at distance along axis k % 32 (+ for k < 32, - beyond)."""
    k = np.arange(n_values)
    means = np.zeros((n_values, N_DIMS))
    means[k, k % N_DIMS] = np.where(k < N_DIMS, distance, -distance)
    return means


def _mc_information(means, n_draws, rng):
    """Monte Carlo I(U;X) in bits, X uniform over the rows of ``means``."""
    x = rng.integers(0, means.shape[0], size=n_draws)
    u = means[x] + rng.standard_normal((n_draws, N_DIMS))
    # Unit variance: log p(u|x_k) = u.m_k - |m_k|^2 / 2 + (same for every k).
    scores = u @ means.T - 0.5 * np.sum(means**2, axis=1)
    log_ratio = scores[np.arange(n_draws), x] - (
        np.logaddexp.reduce(scores, axis=1) - math.log(means.shape[0]))
    return log_ratio.mean() / LN2


@pytest.fixture(scope="module")
def s4_sweep():
    """Truth and bounds for 1..6 bits; all separations as channels at once."""
    rng = np.random.default_rng(0)
    rows = []
    for n_bits in range(1, 7):
        n_values = 2**n_bits
        x = np.arange(N_SAMPLES) % n_values  # exactly uniform over the values
        means = np.stack([_axis_means(n_values, d)[x] for d in SEPARATIONS])
        lower, upper = mutual_information_bounds(
            means, np.zeros_like(means), batch_size=1024, n_batches=8,
            random_state=n_bits)
        truth = [_mc_information(_axis_means(n_values, d), 2**16, rng)
                 for d in SEPARATIONS]
        rows.extend(zip([n_bits] * len(SEPARATIONS), truth, lower, upper,
                        strict=True))
    return np.array(rows)


@pytest.mark.slow
def test_s4_bounds_track_monte_carlo(s4_sweep):
    n_bits, truth, lower, upper = s4_sweep.T
    # The sweep spans ~0 to the full entropy for every number of bits.
    for b in range(1, 7):
        assert truth[n_bits == b].min() < 0.01
        assert truth[n_bits == b].max() > b - 0.01
    low_info = truth <= 2.0
    np.testing.assert_allclose(lower[low_info], truth[low_info], atol=0.05)
    np.testing.assert_allclose(upper[low_info], truth[low_info], atol=0.05)
    assert np.all(upper - lower < 0.1)
    assert np.all(lower <= upper)
    assert np.all(lower <= np.log2(1024))


# ------------------------------------------------------------- Bhattacharyya
def test_bhattacharyya_matches_closed_form_in_numpy():
    mu_a, lv_a = _posteriors((4, 3), seed=7)
    mu_b, lv_b = _posteriors((5, 3), seed=8)
    got = bhattacharyya_distance(mu_a, lv_a, mu_b, lv_b)
    assert got.shape == (4, 5)
    ref = np.array([[_bhattacharyya_reference(mu_a[i], lv_a[i], mu_b[j], lv_b[j])
                     for j in range(5)] for i in range(4)])
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(("m1", "s1", "m2", "s2"),
                         [(0.0, 1.0, 1.5, 1.0), (-0.5, 0.4, 1.0, 2.5)])
def test_bhattacharyya_matches_numerical_integration(m1, s1, m2, s2):
    def integrand(u):
        return math.sqrt(stats.norm.pdf(u, m1, s1) * stats.norm.pdf(u, m2, s2))

    coefficient, _ = integrate.quad(integrand, -np.inf, np.inf)
    got = bhattacharyya_distance([[m1]], [[2 * math.log(s1)]],
                                 [[m2]], [[2 * math.log(s2)]])
    assert got[0, 0] == pytest.approx(-math.log(coefficient), rel=1e-8)
    dist = distinguishability([[m1]], [[2 * math.log(s1)]],
                              [[m2]], [[2 * math.log(s2)]])
    assert dist[0, 0] == pytest.approx(1.0 - coefficient, rel=1e-8)


def test_distinguishability_matrix_properties():
    mu, lv = _posteriors((2, 7, 3), seed=9)
    mu[:, 3] = 40.0  # one far-away value
    mat = distinguishability(mu, lv)
    assert mat.shape == (2, 7, 7)
    np.testing.assert_allclose(mat, mat.transpose(0, 2, 1), atol=1e-14)
    np.testing.assert_allclose(np.diagonal(mat, axis1=1, axis2=2), 0.0,
                               atol=1e-14)
    assert np.all((mat >= 0.0) & (mat <= 1.0))
    np.testing.assert_allclose(mat[:, 3, [0, 1, 2, 4, 5, 6]], 1.0)
    np.testing.assert_allclose(mat, distinguishability(mu, lv, mu, lv))


def test_pairwise_distances_do_not_depend_on_blocking(monkeypatch):
    mu, lv = (torch.as_tensor(a) for a in _posteriors((2, 9, 3), seed=10))
    whole = backend.pairwise_bhattacharyya(mu, lv, mu[:, :5], lv[:, :5])
    monkeypatch.setattr(backend, "BLOCK_ELEMENTS", 50)
    blocked = backend.pairwise_bhattacharyya(mu, lv, mu[:, :5], lv[:, :5])
    assert blocked.shape == (2, 9, 5)
    torch.testing.assert_close(whole, blocked, rtol=0, atol=0)


# ---------------------------------------------------------------- bad input
GOOD = np.zeros((6, 2))


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: kl_divergence(GOOD, np.zeros((6, 3))), ValueError, "same shape"),
        (lambda: kl_divergence(np.zeros(6), np.zeros(6)), ValueError, "shape"),
        (lambda: kl_divergence(np.zeros((0, 2)), np.zeros((0, 2))), ValueError,
         "empty"),
        (lambda: kl_divergence(np.full((6, 2), np.nan), GOOD), ValueError, "NaN"),
        (lambda: kl_divergence(GOOD, np.full((6, 2), np.inf)), ValueError,
         "log_vars contains"),
        (lambda: kl_divergence([["a", "b"]], [["c", "d"]]), TypeError, "numeric"),
        (lambda: kl_divergence(GOOD, GOOD, reduction="sum"), ValueError,
         "reduction"),
        (lambda: mutual_information_bounds(GOOD, GOOD, batch_size=1), ValueError,
         "batch_size"),
        (lambda: mutual_information_bounds(GOOD, GOOD, n_batches=0), ValueError,
         "n_batches"),
        (lambda: mutual_information_bounds(GOOD, GOOD, batch_size=2.5), TypeError,
         "batch_size"),
        (lambda: mutual_information_bounds(GOOD[:1], GOOD[:1]), ValueError,
         "at least 2 samples"),
        (lambda: mutual_information_bounds(GOOD, GOOD, random_state="x"),
         TypeError, "random_state"),
        (lambda: mutual_information_bounds(GOOD, GOOD, random_state=-1),
         ValueError, "random_state"),
        (lambda: distinguishability(GOOD, GOOD, GOOD), ValueError, "both"),
        (lambda: distinguishability(GOOD, GOOD, np.zeros((6, 3)),
                                    np.zeros((6, 3))), ValueError, "agree"),
        (lambda: bhattacharyya_distance(np.zeros((2, 6, 2)), np.zeros((2, 6, 2)),
                                        GOOD, GOOD), ValueError, "agree"),
    ],
)
def test_bad_input_raises_clear_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------------- CUDA
@needs_cuda
def test_cuda_inputs_give_cpu_numpy_results():
    mu, lv = _posteriors((3, 200, 4), seed=12)
    mu_gpu, lv_gpu = (torch.as_tensor(a, device="cuda") for a in (mu, lv))
    np.testing.assert_allclose(kl_divergence(mu_gpu, lv_gpu),
                               kl_divergence(mu, lv), rtol=1e-12)
    np.testing.assert_allclose(distinguishability(mu_gpu, lv_gpu),
                               distinguishability(mu, lv), rtol=1e-10, atol=1e-12)
    gpu = mutual_information_bounds(mu_gpu, lv_gpu, batch_size=128, n_batches=64,
                                    random_state=0)
    cpu = mutual_information_bounds(mu, lv, batch_size=128, n_batches=64,
                                    random_state=0)
    assert isinstance(gpu[0], np.ndarray) and gpu[0].shape == (3,)
    again = mutual_information_bounds(mu_gpu, lv_gpu, batch_size=128,
                                      n_batches=64, random_state=0)
    np.testing.assert_array_equal(gpu[0], again[0])
    # Different random streams on the two devices: agree statistically.
    np.testing.assert_allclose(gpu[0], cpu[0], atol=0.05)
    np.testing.assert_allclose(gpu[1], cpu[1], atol=0.05)
