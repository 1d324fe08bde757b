"""Property-based tests of skdib.information and information imbalance."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from skdib import information_imbalance
from skdib.information import (
    distinguishability,
    kl_divergence,
    mixture_information,
    mutual_information_bounds,
)

FAST = settings(max_examples=25, deadline=None)
finite = st.floats(-50, 50, allow_nan=False, width=64)
log_var = st.floats(-12, 4, allow_nan=False, width=64)


@st.composite
def posteriors(draw, n=(2, 12), d=(1, 3)):
    n = draw(st.integers(*n))
    d = draw(st.integers(*d))
    mu = draw(arrays(np.float64, (n, d), elements=finite))
    lv = draw(arrays(np.float64, (n, d), elements=log_var))
    return mu, lv


@FAST
@given(posteriors())
def test_kl_is_positive_away_from_the_prior(pair):
    mu, lv = pair
    kl = kl_divergence(mu, lv, reduction="none")
    at_prior = np.all(np.isclose(mu, 0.0) & np.isclose(lv, 0.0), axis=1)
    assert np.all(kl[~at_prior] > 0)
    np.testing.assert_allclose(kl[at_prior], 0.0, atol=1e-12)
    assert kl_divergence(np.zeros_like(mu), np.zeros_like(lv)) == 0.0


@FAST
@given(posteriors())
def test_kl_does_not_depend_on_sample_order(pair):
    mu, lv = pair
    perm = np.random.default_rng(0).permutation(len(mu))
    np.testing.assert_allclose(kl_divergence(mu[perm], lv[perm]),
                               kl_divergence(mu, lv), rtol=1e-12)


@FAST
@given(posteriors(), st.integers(0, 2**31 - 1))
def test_infonce_never_exceeds_log2_of_its_batch(pair, seed):
    mu, lv = pair
    k = len(mu)
    lower, upper = mutual_information_bounds(mu, lv, batch_size=k, n_batches=2,
                                             random_state=seed)
    assert -1e-9 <= lower <= np.log2(k) + 1e-9
    assert np.isfinite(upper)


@FAST
@given(posteriors(n=(4, 10)))
def test_bounds_do_not_depend_on_sample_order(pair):
    # The batch is every row; reordering the rows changes only which latent
    # draw each row gets, so the bounds agree to Monte Carlo precision.
    mu, lv = pair
    mu, lv = np.repeat(mu, 40, axis=0), np.repeat(lv, 40, axis=0)
    perm = np.random.default_rng(1).permutation(len(mu))
    kw = dict(batch_size=len(mu), n_batches=4, random_state=5)
    a = np.array(mutual_information_bounds(mu, lv, **kw))
    b = np.array(mutual_information_bounds(mu[perm], lv[perm], **kw))
    np.testing.assert_allclose(a, b, atol=0.15)


@FAST
@given(posteriors(n=(1, 8)))
def test_distinguishability_is_a_dissimilarity(pair):
    mu, lv = pair
    m = distinguishability(mu, lv)
    np.testing.assert_allclose(m, m.T, atol=1e-12)
    assert np.all((m >= 0) & (m <= 1))
    np.testing.assert_allclose(np.diag(m), 0.0, atol=1e-12)


@FAST
@given(posteriors(n=(2, 6)), st.lists(st.floats(0.05, 1.0), min_size=6, max_size=6))
def test_mixture_estimate_lies_within_its_exact_bounds(pair, raw_weights):
    mu, lv = pair
    w = np.asarray(raw_weights[:len(mu)])
    w = w / w.sum()
    info, se, lower, upper = mixture_information(mu, lv, w, n_samples=2000,
                                                 random_state=0)
    entropy = -np.sum(w * np.log2(w))
    assert -1e-9 <= lower <= upper + 1e-9
    assert upper <= entropy + 1e-9
    assert lower - 5 * se - 1e-6 <= info <= upper + 5 * se + 1e-6


@FAST
@given(arrays(np.float64, st.tuples(st.integers(6, 30), st.integers(1, 3)),
              elements=st.floats(-10, 10, allow_nan=False), unique=True))
def test_imbalance_of_a_space_with_itself_is_minimal(A):
    # Distinct points: every nearest neighbour in A has rank 1 in A, so
    # Δ(A→A) = 2/N, its smallest possible value (0 as N grows).
    if len(np.unique(A, axis=0)) < len(A):
        return
    d = np.sqrt(((A[:, None] - A[None]) ** 2).sum(-1))
    np.fill_diagonal(d, np.inf)
    if np.any(np.sort(d, axis=1)[:, 0] == np.sort(d, axis=1)[:, 1]):
        return  # a tie for the nearest neighbour: Δ is then not exactly 0
    assert information_imbalance(A, A, device="cpu") == pytest.approx(2 / len(A))
