"""Numerics of the information estimates at extreme scales.

* the InfoNCE / leave-one-out sums against a direct float64 reference, down
  to log-variances of -30 with means up to 1e3 (where expanding the square
  cancels catastrophically);
* the finite-mixture information against numerical integration, and the
  Kolchinsky-Tracey bounds around it.
"""

import math

import numpy as np
import pytest
import torch
from scipy import integrate
from scipy.special import logsumexp

from skdib._backend.dib import _information as backend
from skdib._backend.dib import _mixture as mixture

LN2 = math.log(2.0)
K = 64
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(),
                                reason="needs a CUDA GPU")


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _t(a):
    return torch.as_tensor(np.asarray(a, dtype=np.float64))


# ------------------------------------------------------- direct references
def _direct_sums(mu, lv, eps):
    """Lower and upper bound sums (nats) per channel, pair by pair in numpy,
    and the sum of each row's squared midpoint of the two."""
    out = np.zeros((3, mu.shape[0]))
    for c in range(mu.shape[0]):
        k = mu.shape[1]
        u = mu[c] + np.exp(0.5 * lv[c]) * eps[c]
        # logp[i, j] = log p(u_i | x_j), the squared difference formed first.
        sq = (u[:, None, :] - mu[c][None, :, :]) ** 2 / np.exp(lv[c])[None]
        logp = -0.5 * np.sum(sq + lv[c][None], axis=-1)
        matched = -0.5 * np.sum(eps[c] ** 2 + lv[c], axis=-1)
        others = np.where(np.eye(k, dtype=bool), -np.inf, logp)
        lse_others = logsumexp(others, axis=1)
        lse_all = np.logaddexp(lse_others, matched)
        lower = matched - lse_all + math.log(k)
        upper = matched - lse_others + math.log(k - 1)
        out[:, c] = lower.sum(), upper.sum(), np.sum(((lower + upper) / 2) ** 2)
    return out


def _replayed_reference(mu, lv, batch_size, n_batches, seed):
    """Bits per channel, replaying the draws of ``mi_bounds`` (numpy pairs)."""
    gen = torch.Generator().manual_seed(seed)
    n_channels, n, d = mu.shape
    total = np.zeros((3, n_channels))
    for _ in range(n_batches):
        idx = torch.randperm(n, generator=gen)[:batch_size].numpy()
        eps = torch.randn((n_channels, batch_size, d), generator=gen,
                          dtype=torch.float64).numpy()
        total += _direct_sums(mu[:, idx], lv[:, idx], eps)
    return total[:2] / (n_batches * batch_size * LN2)


def _channels(log_var, d, rng):
    """Three channels at one log-variance level, means up to ~1e3.

    A tight cluster at 1e3 (spread of a few sigma), two clusters at +-200
    with sigma-scale jitter, and means spread over [-1e3, 1e3].
    """
    sigma = math.exp(0.5 * log_var)
    tight = 1e3 + 2.0 * sigma * rng.normal(size=(K, d))
    signs = np.where(np.arange(K) % 2 == 0, 1.0, -1.0)[:, None]
    two = 200.0 * signs + sigma * rng.normal(size=(K, d))
    spread = rng.uniform(-1e3, 1e3, size=(K, d))
    mu = np.stack([tight, two, spread])
    lv = log_var + rng.uniform(-1.0, 1.0, size=mu.shape)
    return mu, lv, rng.normal(size=mu.shape)


# -------------------------------------------- 1. the bound sums, directly
@pytest.mark.parametrize("d", [1, 3])
@pytest.mark.parametrize("log_var", [-30.0, -10.0, 0.0, 5.0])
def test_bound_sums_match_direct_reference(log_var, d):
    rng = np.random.default_rng(int(10 * log_var) + d + 1000)
    mu, lv, eps = _channels(log_var, d, rng)
    ref = _direct_sums(mu, lv, eps) / (K * LN2)
    whole = torch.stack(backend._bound_sums(_t(mu), _t(lv), _t(eps), K))
    # 1e-6 bits; rtol only matters where the upper bound of the spread channel
    # is astronomical (~1e17 bits at log sigma^2 = -30: its ulp is ~100).
    np.testing.assert_allclose(whole.numpy() / (K * LN2), ref, rtol=1e-13,
                               atol=1e-6)
    assert np.all(np.isfinite(ref)) and np.all(ref[0] <= math.log2(K) + 1e-12)
    # Row blocks smaller than K (including a ragged last block) change
    # nothing beyond rounding.
    for r_chunk in (7, 1):
        chunked = torch.stack(backend._bound_sums(_t(mu), _t(lv), _t(eps), r_chunk))
        np.testing.assert_allclose(chunked.numpy() / (K * LN2),
                                   whole.numpy() / (K * LN2), rtol=1e-14,
                                   atol=1e-9)


def test_chunk_sizes_bound_memory_for_large_stacks():
    # 100 channels x 1024 samples x 64 dims: the features of a chunk, the
    # expanded blocks and the (cache-sized) difference-first blocks stay
    # bounded; the d axis of the differences is accumulated, never held.
    c, rows = backend._chunk_sizes(100, 1024, 64)
    assert 1 <= c <= 100 and 1 <= rows <= 1024
    assert c * 1024 * max(2 * 64, 1024) <= backend.BLOCK_ELEMENTS
    assert c * rows * 1024 <= backend.BLOCK_ELEMENTS
    cache_rows = min(rows, backend._block_rows(c, 1024))
    assert c * cache_rows * 1024 <= backend.CACHE_ELEMENTS  # one thread (fixture)
    assert backend._chunk_sizes(3, 64, 3) == (3, 64)


def _accuracy(mu, lv, eps):
    mu, lv, eps = _t(mu), _t(lv), _t(eps)
    centre = mu.mean(dim=1, keepdim=True)
    u = mu + torch.exp(0.5 * lv) * eps
    return backend._expansion_is_accurate(u - centre, mu - centre, lv).tolist()


def test_both_paths_are_taken_where_expected():
    # Channels of _channels(): a tight cluster at 1e3, two clusters at +-200,
    # means spread over [-1e3, 1e3]. The sharp, spread-out ones must go
    # difference first; everything is expandable at log sigma^2 = 5.
    rng = np.random.default_rng(0)
    assert _accuracy(*_channels(-30.0, 3, rng)) == [True, False, False]
    assert _accuracy(*_channels(5.0, 3, rng)) == [True, True, True]


def test_expansion_error_stays_within_its_bound():
    # Channels scaled so that the bound accepts them only just: the expanded
    # sums agree with the difference-first ones to 2 * EXPANSION_TOL per row.
    rng = np.random.default_rng(1)
    base = rng.normal(size=(40, K, 3))
    lv = np.full_like(base, -10.0)
    eps = rng.normal(size=base.shape)
    scales = np.geomspace(1e-3, 1.0, len(base))[:, None, None]
    accepted = np.array(_accuracy(scales * base, lv, eps))
    assert accepted.any() and not accepted.all()
    mu = (scales * base)[accepted]
    args = (_t(mu), _t(lv[accepted]), _t(eps[accepted]), K)
    fast = backend._path_sums(*args, True)
    slow = backend._path_sums(*args, False)
    np.testing.assert_allclose(fast[:2].numpy() / K, slow[:2].numpy() / K, rtol=0,
                               atol=2 * backend.EXPANSION_TOL)
    # the squared midpoints (for the spread) err by the same per row, squared
    np.testing.assert_allclose(fast[2].numpy(), slow[2].numpy(), rtol=1e-7)
    # Mixed chunks are split by path: the same as each path on its own.
    both = torch.stack(backend._bound_sums(_t(scales * base), _t(lv), _t(eps), K))
    np.testing.assert_allclose(both[:, accepted].numpy(), fast.numpy(), rtol=1e-13,
                               atol=1e-9)


# --------------------------------------- 2. mi_bounds in the sharp regime
def test_sharp_spread_out_channel_matches_direct_reference():
    # log sigma^2 = -30 with means at +-200 (plus sigma-scale jitter): the
    # expanded square cancelled here to lower -2.6 / upper 5.2 bits.
    rng = np.random.default_rng(0)
    n, d, sigma = 256, 2, math.exp(-15.0)
    signs = np.where(np.arange(n) % 2 == 0, 1.0, -1.0)[:, None]
    mu = np.stack([200.0 * signs + s * sigma * rng.normal(size=(n, d))
                   for s in (0.5, 2.0)])
    lv = np.full_like(mu, -30.0)
    lower, upper = backend.mi_bounds(_t(mu), _t(lv), batch_size=K, n_batches=3,
                                     generator=torch.Generator().manual_seed(5))
    ref = _replayed_reference(mu, lv, K, 3, seed=5)
    assert torch.all(lower <= math.log2(K) + 1e-12)
    assert torch.all(lower >= 1.0)  # the sign of the mean alone is 1 bit
    # The brief asks for 0.01 bits; the difference-first sums agree to 1e-6.
    np.testing.assert_allclose(lower.numpy(), ref[0], rtol=0, atol=1e-6)
    np.testing.assert_allclose(upper.numpy(), ref[1], rtol=0, atol=1e-6)


def test_sharp_channel_carrying_one_bit():
    # Two values, identical posteriors within each: I(U; X) = 1 bit exactly.
    n = 2048
    mu = np.where(np.arange(n) % 2 == 0, 200.0, -200.0)[None, :, None]
    lv = np.full_like(mu, -30.0)
    lower, upper = backend.mi_bounds(_t(mu), _t(lv), batch_size=1024,
                                     n_batches=2,
                                     generator=torch.Generator().manual_seed(0))
    assert lower.item() == pytest.approx(1.0, abs=0.02)
    assert upper.item() == pytest.approx(1.0, abs=0.02)


# ------------------------------------------ 3. finite-mixture information
MU_OVER_SIGMA = (0.1, 0.5, 1.0, 2.0, 4.0, 8.0)
HALF_LOG_2PIE = 0.5 * math.log(2 * math.pi * math.e)


def _exact_mixture_bits(a, w_low):
    """I(U; X), X in {-a, +a} w.p. (w_low, 1 - w_low), U | X ~ N(X, 1).

    h(U) = -int p log p by quadrature, minus h(U | X) = 1/2 log(2 pi e).
    """
    log_w = (math.log(w_low), math.log1p(-w_low))

    def log_p(u):
        return np.logaddexp(log_w[0] - 0.5 * (u + a) ** 2,
                            log_w[1] - 0.5 * (u - a) ** 2) - 0.5 * math.log(2 * math.pi)

    def integrand(u):
        lp = log_p(u)
        return -math.exp(lp) * lp

    h, err = integrate.quad(integrand, -a - 40.0, a + 40.0, points=[-a, 0.0, a],
                            epsabs=1e-13, epsrel=1e-13, limit=500)
    assert err < 1e-10
    return (h - HALF_LOG_2PIE) / LN2


def _two_component_channels(w_low):
    a = np.asarray(MU_OVER_SIGMA)
    mu = np.stack([-a, a], axis=1)[..., None]  # (6, 2, 1)
    weights = np.tile([w_low, 1.0 - w_low], (len(a), 1))
    return mu, np.zeros_like(mu), weights


@pytest.fixture(scope="module")
def exact_values():
    return {w: np.array([_exact_mixture_bits(a, w) for a in MU_OVER_SIGMA])
            for w in (0.5, 0.8)}


@pytest.mark.parametrize("w_low", [0.5, 0.8])
def test_mixture_information_matches_numerical_integration(w_low, exact_values):
    mu, lv, weights = _two_component_channels(w_low)
    info, se = mixture.mixture_information(
        _t(mu), _t(lv), _t(weights), n_samples=2**18,
        generator=torch.Generator().manual_seed(1))
    exact = exact_values[w_low]
    assert exact[0] < 0.01 and exact[-1] > 0.99 * _entropy_bits(weights[0])
    assert info.shape == se.shape == (len(MU_OVER_SIGMA),)
    assert info.dtype == se.dtype == torch.float64
    assert torch.all(se < 0.002)
    np.testing.assert_allclose(info.numpy(), exact, rtol=0, atol=0.005)


def test_mixture_information_has_no_cancellation_at_tiny_variance():
    # Shift by 1e3 and shrink sigma to exp(-15): the same draws give the same
    # information (it is invariant), to rounding of u at |u| ~ 1e3.
    mu, lv, weights = _two_component_channels(0.5)
    sigma = math.exp(-15.0)
    kwargs = dict(n_samples=4096)
    unit = mixture.mixture_information(_t(mu), _t(lv), _t(weights),
                                       generator=torch.Generator().manual_seed(2),
                                       **kwargs)[0]
    sharp = mixture.mixture_information(_t(1e3 + sigma * mu), _t(lv - 30.0),
                                        _t(weights),
                                        generator=torch.Generator().manual_seed(2),
                                        **kwargs)[0]
    np.testing.assert_allclose(sharp.numpy(), unit.numpy(), rtol=0, atol=1e-5)


def test_padding_is_ignored_exactly():
    # Same generator seed, hence the same draws: a zero-weight component
    # takes no seed and drops out of the mixture, so the values agree to
    # rounding (1e-12), whatever the padded component holds (here NaN).
    mu, lv, weights = _two_component_channels(0.8)
    mu3 = np.concatenate([mu[:, :1], np.full_like(mu[:, :1], np.nan), mu[:, 1:]],
                         axis=1)
    lv3 = np.concatenate([lv[:, :1], np.full_like(lv[:, :1], 7.0), lv[:, 1:]],
                         axis=1)
    w3 = np.stack([weights[:, 0], np.zeros(len(weights)), weights[:, 1]], axis=1)
    two = mixture.mixture_information(_t(mu), _t(lv), _t(weights), n_samples=512,
                                      generator=torch.Generator().manual_seed(3))
    three = mixture.mixture_information(_t(mu3), _t(lv3), _t(w3), n_samples=512,
                                        generator=torch.Generator().manual_seed(3))
    for a, b in zip(two, three, strict=True):
        assert torch.all(torch.isfinite(b))
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=0, atol=1e-12)
    bounds2 = mixture.mixture_information_bounds(_t(mu), _t(lv), _t(weights))
    bounds3 = mixture.mixture_information_bounds(_t(mu3), _t(lv3), _t(w3))
    for a, b in zip(bounds2, bounds3, strict=True):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=0, atol=1e-12)


def test_mixture_information_is_reproducible_and_seed_dependent():
    mu, lv, weights = (_t(a) for a in _two_component_channels(0.5))
    a = mixture.mixture_information(mu, lv, weights, n_samples=64,
                                    generator=torch.Generator().manual_seed(4))
    b = mixture.mixture_information(mu, lv, weights, n_samples=64,
                                    generator=torch.Generator().manual_seed(4))
    c = mixture.mixture_information(mu, lv, weights, n_samples=64,
                                    generator=torch.Generator().manual_seed(5))
    assert torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[0], c[0])


# ---------------------------------------- 4. Kolchinsky-Tracey bounds
def _entropy_bits(w):
    w = np.asarray(w)[np.asarray(w) > 0]
    return float(-np.sum(w * np.log2(w)))


@pytest.mark.parametrize("w_low", [0.5, 0.8])
def test_pairwise_bounds_bracket_the_exact_information(w_low, exact_values):
    mu, lv, weights = _two_component_channels(w_low)
    lower, upper = mixture.mixture_information_bounds(_t(mu), _t(lv), _t(weights))
    exact = exact_values[w_low]
    assert np.all(lower.numpy() <= exact + 1e-9)
    assert np.all(exact + 1e-9 <= upper.numpy() + 2e-9)
    # Closed forms for equal unit variances: D_B = a^2 / 2, KL = 2 a^2.
    a = np.asarray(MU_OVER_SIGMA)
    w = np.array([w_low, 1.0 - w_low])

    def kt_bits(dist):
        inner = np.log(w[:, None] + w[::-1, None] * np.exp(-dist))
        return -(w[:, None] * inner).sum(axis=0) / LN2

    np.testing.assert_allclose(lower.numpy(), kt_bits(0.5 * a**2), rtol=1e-12,
                               atol=1e-15)
    np.testing.assert_allclose(upper.numpy(), kt_bits(2.0 * a**2), rtol=1e-12,
                               atol=1e-15)


def test_pairwise_bounds_at_the_extremes():
    # Far apart (also at log sigma^2 = -30, |mu| ~ 1e3): both bounds are
    # H(w); identical components: both are 0.
    weights = np.array([[0.5, 0.25, 0.25], [0.7, 0.2, 0.1], [0.2, 0.3, 0.5]])
    far = np.array([[[-50.0, 0.0], [0.0, 50.0], [50.0, 0.0]],
                    [[1e3, 1e3], [1e3 + 1e-4, 1e3], [1e3, 1e3 - 1e-4]],
                    [[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]])
    lv = np.zeros_like(far)
    lv[1] = -30.0
    lv[2] = [[-30.0, 5.0]] * 3
    lower, upper = mixture.mixture_information_bounds(_t(far), _t(lv), _t(weights))
    entropy = [_entropy_bits(w) for w in weights[:2]]
    np.testing.assert_allclose(lower.numpy()[:2], entropy, rtol=0, atol=1e-6)
    np.testing.assert_allclose(upper.numpy()[:2], entropy, rtol=0, atol=1e-6)
    assert abs(lower[2].item()) < 1e-12 and abs(upper[2].item()) < 1e-12


def test_kl_divergence_matches_numerical_integration():
    m1, s1, m2, s2 = 0.3, 0.5, -1.0, 2.0

    def integrand(u):
        log_p = -0.5 * ((u - m1) / s1) ** 2 - math.log(s1)
        log_q = -0.5 * ((u - m2) / s2) ** 2 - math.log(s2)
        return math.exp(log_p - 0.5 * math.log(2 * math.pi)) * (log_p - log_q)

    ref, _ = integrate.quad(integrand, -30.0, 30.0, epsabs=1e-13, limit=200)
    got = backend.kl_divergence(_t([m1]), _t([2 * math.log(s1)]),
                                _t([m2]), _t([2 * math.log(s2)]))
    assert got.item() == pytest.approx(ref, rel=1e-9)


# ------------------------------------------------ 5. chunking invariance
def test_mixture_results_do_not_depend_on_chunking(monkeypatch):
    rng = np.random.default_rng(6)
    mu = _t(rng.normal(scale=2.0, size=(3, 5, 3)))
    lv = _t(rng.normal(scale=0.5, size=(3, 5, 3)))
    weights = rng.uniform(0.1, 1.0, size=(3, 5))
    weights[1, 2] = 0.0  # one padded component
    weights = _t(weights / weights.sum(axis=1, keepdims=True))

    def run():
        return mixture.mixture_information(mu, lv, weights, n_samples=64,
                                           generator=torch.Generator().manual_seed(7))

    whole = run()
    assert mixture._mixture_chunks(3, 5, 64, 3) == (3, 5, 320)
    # Groups of two components of one channel, in row blocks of 80 samples.
    monkeypatch.setattr(backend, "BLOCK_ELEMENTS", 400)
    assert mixture._mixture_chunks(3, 5, 64, 3) == (1, 2, 80)
    split = run()
    # Two channels per chunk, whole channels, small row blocks.
    monkeypatch.setattr(backend, "BLOCK_ELEMENTS", 2000)
    assert mixture._mixture_chunks(3, 5, 64, 3) == (2, 5, 200)
    paired = run()
    for other in (split, paired):
        for a, b in zip(whole, other, strict=True):
            torch.testing.assert_close(a, b, rtol=0, atol=1e-12)


# ---------------------------------------------------------------------- CUDA
@needs_cuda
def test_cuda_matches_cpu_reference():
    rng = np.random.default_rng(8)
    mu, lv, eps = _channels(-30.0, 3, rng)
    cpu = torch.stack(backend._bound_sums(_t(mu), _t(lv), _t(eps), 7))
    gpu = torch.stack(backend._bound_sums(*(_t(a).cuda() for a in (mu, lv, eps)), 7))
    torch.testing.assert_close(gpu.cpu(), cpu, rtol=1e-12, atol=1e-6)
    mu2, lv2, w2 = (_t(a).cuda() for a in _two_component_channels(0.8))
    gen = torch.Generator(device="cuda")
    info, se = mixture.mixture_information(mu2, lv2, w2, n_samples=2**14,
                                           generator=gen.manual_seed(0))
    again = mixture.mixture_information(mu2, lv2, w2, n_samples=2**14,
                                        generator=gen.manual_seed(0))
    assert info.device.type == "cuda" and torch.equal(info, again[0])
    cpu_info, _ = mixture.mixture_information(
        mu2.cpu(), lv2.cpu(), w2.cpu(), n_samples=2**14,
        generator=torch.Generator().manual_seed(0))
    torch.testing.assert_close(info.cpu(), cpu_info, rtol=0, atol=0.02)
    bounds = mixture.mixture_information_bounds(mu2, lv2, w2)
    assert bounds[0].device.type == "cuda"
