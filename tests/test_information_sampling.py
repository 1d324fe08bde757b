"""What the bits estimate when the held-out rows are weighted, few, or
values of a discrete input drawn at random.

* Weighted held-out rows: the sandwich bounds of a continuous channel must
  describe the same weighted population as ``kl`` (which caps them) and the
  mixtures of discrete channels; integer weights act as repeated rows.
* A discrete channel's standard error must count the sampling of the
  held-out rows (the value frequencies), not only the Monte Carlo draws.
* A continuous column of a tiny table is not a discrete input.
"""

import math

import numpy as np
import pytest
import torch
from scipy import integrate, stats

from skdib._backend.dib._mixture import mixture_information
from skdib._dib._estimates import discrete_channels
from skdib.information import mutual_information_bounds


def _bounds(mu, log_var, seed, weights=None):
    lower, upper, se = mutual_information_bounds(
        mu, log_var, batch_size=1024, n_batches=2, random_state=seed,
        return_se=True, sample_weight=weights)
    return 0.5 * (lower + upper), se


def test_weighted_bounds_equal_repeated_rows():
    """U = 3x + N(0, 1). Rows near x = 0 weighted 10 (a population crowded
    at 0, whose information is lower) against the same rows repeated 10
    times; both differ from the unweighted rows by many standard errors."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 1))
    weights = np.where(np.abs(x[:, 0]) < 0.3, 10.0, 1.0)
    mu, log_var = 3.0 * x, np.zeros_like(x)
    repeated = np.repeat(np.arange(len(x)), weights.astype(int))
    diffs, unweighted_gaps = [], []
    for seed in range(6):
        weighted, se_w = _bounds(mu, log_var, seed, weights)
        copies, se_c = _bounds(mu[repeated], log_var[repeated], seed)
        plain, _ = _bounds(mu, log_var, seed)
        diffs.append((weighted - copies) / math.hypot(se_w, se_c))
        unweighted_gaps.append((plain - copies) / math.hypot(se_w, se_c))
    assert np.all(np.abs(diffs) < 3)
    assert np.all(np.array(unweighted_gaps) > 4)


def _binary_channel_truth(p, mu):
    """I(U; X) in bits, X ~ Bernoulli(p), U | X ~ N(+-mu, 1), by quadrature."""
    def integrand(u):
        a, b = stats.norm.pdf(u, mu, 1), stats.norm.pdf(u, -mu, 1)
        mix = p * a + (1 - p) * b
        return p * a * np.log2(a / mix) + (1 - p) * b * np.log2(b / mix)
    return integrate.quad(integrand, -mu - 12, mu + 12, limit=200)[0]


def test_mixture_se_counts_the_held_out_rows():
    """The plug-in estimate moves with the held-out value frequencies; with
    n_rows its standard error covers the truth about 95 % of the time (with
    Monte Carlo error only it was near 0 and covered about a fifth)."""
    p, mu, n = 0.3, 1.0, 100
    truth = _binary_channel_truth(p, mu)
    means = torch.tensor([[[mu], [-mu]]], dtype=torch.float64)
    log_vars = torch.zeros_like(means)
    rng = np.random.default_rng(1)
    z = []
    for seed in range(150):
        share = rng.binomial(n, p) / n
        freqs = torch.tensor([[share, 1 - share]], dtype=torch.float64)
        value, se = mixture_information(
            means, log_vars, freqs, n_samples=1024,
            generator=torch.Generator().manual_seed(seed), n_rows=n)
        z.append((float(value) - truth) / float(se))
    z = np.asarray(z)
    assert np.mean(np.abs(z) <= 2) >= 0.85
    assert 0.7 <= z.std() <= 1.4


@pytest.mark.parametrize("n_train, values, discrete", [
    (60, None, False),       # a continuous column of a tiny table
    (60, [0.0, 1.0], True),  # a binary column of the same table
    (40, np.arange(20.0), True),  # 20 codes, 2 rows each
    (40, np.arange(30.0), False),  # 30 codes in 40 rows: hardly repeat
])
def test_discrete_inputs_repeat_their_values(n_train, values, discrete):
    rng = np.random.default_rng(0)
    column = (rng.normal(size=n_train) if values is None
              else rng.permutation(np.resize(values, n_train)))
    X_train = column[:, None]
    X_val = X_train[:15]
    found = discrete_channels(X_train, X_val, [[0]])[0]
    assert (found is not None) == discrete


def test_cluster_robust_se_of_correlated_elements():
    """100 sets of 10 elements whose inputs share 90 % of their variance
    within a set: not 1000 independent rows. Treated as independent, the
    midpoint's errors were 2.1 standard errors wide; with the set as
    cluster 1.3 (the rows of a batch also share the bounds' denominators,
    which no per-row error formula captures, so not quite 1)."""
    gain, noise_var, rho = 1.0, 0.5, 0.9
    truth = 0.5 * math.log2(1 + gain**2 / noise_var)
    sets = np.repeat([f"set{i}" for i in range(100)], 10)  # any labels
    z = {False: [], True: []}
    for seed in range(40):
        rng = np.random.default_rng(seed)
        shared = np.repeat(rng.normal(size=100), 10)
        x = (math.sqrt(rho) * shared + math.sqrt(1 - rho) * rng.normal(size=1000))
        mu = gain * x[:, None]
        lv = np.full_like(mu, math.log(noise_var))
        for clustered in (False, True):
            lower, upper, se = mutual_information_bounds(
                mu, lv, batch_size=1024, n_batches=2, random_state=seed,
                return_se=True, groups=sets if clustered else None)
            z[clustered].append((0.5 * (lower + upper) - truth) / se)
    assert np.std(z[False]) > 1.7
    assert np.std(z[True]) < 1.7
    assert np.mean(np.abs(z[True]) <= 2) > np.mean(np.abs(z[False]) <= 2)


@pytest.mark.parametrize("kwargs, match", [
    (dict(sample_weight=np.ones(5)), "inconsistent|shape"),
    (dict(sample_weight=-np.ones(10)), "Negative values"),
    # by name at every scikit-learn release (1.6 let them through, later
    # releases refuse them without naming sample_weight)
    (dict(sample_weight=np.zeros(10)), "sample_weight is 0 in every row"),
    (dict(sample_weight=0), "sample_weight is 0 in every row"),
    (dict(groups=np.arange(5)), "groups has 5 labels for 10 samples"),
])
def test_bad_weights_and_groups_are_named(kwargs, match):
    mu = np.random.default_rng(0).normal(size=(10, 1))
    with pytest.raises(ValueError, match=match):
        mutual_information_bounds(mu, np.zeros_like(mu), **kwargs)


def test_a_grouped_split_gives_the_bounds_its_held_out_groups(monkeypatch):
    """Rows of one group are correlated: the held-out rows' groups reach the
    bounds (a cluster-robust standard error), and they are exactly the
    groups the split held out."""
    from skdib import DistributedIBClassifier
    from skdib._backend import facade

    seen = {}
    real = facade.make_information_fn

    def spy(*args, **kwargs):
        seen["groups"] = kwargs.get("clusters")
        return real(*args, **kwargs)

    monkeypatch.setattr(facade, "make_information_fn", spy)
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(40), 10)
    X = np.repeat(rng.normal(size=(40, 2)), 10, axis=0) + 0.01 * rng.normal(
        size=(400, 2))
    y = (X[:, 0] > 0).astype(int)
    clf = DistributedIBClassifier(encoder_hidden=(8,), decoder_hidden=(8,),
                                  n_pretrain_steps=10, n_steps=30, n_checkpoints=2,
                                  random_state=0).fit(X, y, groups=groups)
    held_out = seen["groups"]
    assert held_out is not None and len(held_out) == 80  # 20 % of the rows
    assert len(set(held_out)) == 8 and np.all(np.bincount(held_out)[
        np.unique(held_out)] == 10)
    assert np.all(np.isfinite(clf.information_path_.information_se))


def test_equal_weights_are_no_weights_and_one_group_has_no_error():
    """Weights that are all equal must not change the bits (drawing weighted
    batches with replacement did, by 1.5 bits near log2 K); a single group
    gives no spread between groups, so no standard error (it was 0)."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 2))
    mu, lv = 8.0 * x, np.zeros_like(x)  # about 6 bits: near log2(100)
    plain = mutual_information_bounds(mu, lv, random_state=0, return_se=True)
    ones = mutual_information_bounds(mu, lv, random_state=0, return_se=True,
                                     sample_weight=np.full(100, 3.0))
    np.testing.assert_allclose(ones, plain, rtol=1e-12)
    nearly = mutual_information_bounds(mu, lv, random_state=0, return_se=True,
                                       sample_weight=1 + 1e-9 * rng.random(100))
    np.testing.assert_allclose(nearly, plain, rtol=1e-6)
    one = mutual_information_bounds(mu, lv, random_state=0, return_se=True,
                                    groups=np.zeros(100))
    assert np.isnan(one[2]) and one[0] == plain[0]
