"""Information imbalance: the function, the torch backend and the selector.

The references below are deliberately plain: a loop over points with numpy
rows, and a pure-Python double loop to check that loop on tiny data. They use
the same conventions as the backend (squared distances summed feature by
feature, ties in B → average rank, ties at the k-th distance in A → shared
weight).
"""

import math

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from skdib._backend.facade import greedy_imbalance_selection
from skdib._backend.imbalance._distances import distance_rows, rank_rows, ranks_at
from skdib._backend.imbalance._greedy import greedy_selection
from skdib._backend.imbalance._ranks import _SortedRanks, imbalance
from skdib.selection._imbalance_selector import InformationImbalanceSelector
from skdib.selection._information_imbalance import information_imbalance

# --------------------------------------------------------------------------- #
# References
# --------------------------------------------------------------------------- #


def ref_distances(Z, p=2):
    """N × N distance matrix, summed feature by feature; +inf on the diagonal."""
    Z = np.asarray(Z, dtype=np.float64).reshape(len(Z), -1)
    d = np.zeros((len(Z), len(Z)))
    for f in range(Z.shape[1]):
        d += np.abs(Z[:, f, None] - Z[None, :, f]) ** p
    np.fill_diagonal(d, np.inf)
    return d


def ref_imbalance(A, B, k=1, p=2, w=None):
    """Loop over points i, then over the neighbours j of i in A; point i
    counts with weight ``w[i]`` (weights scaled to mean 1)."""
    d_a, d_b = ref_distances(A, p), ref_distances(B, p)
    n = len(d_a)
    w = np.ones(n) if w is None else np.asarray(w, float) / np.mean(w)
    total = 0.0
    for i in range(n):
        kth = np.sort(d_a[i])[k - 1]
        n_less = np.sum(d_a[i] < kth)
        n_tied = np.sum(d_a[i] == kth)
        for j in np.flatnonzero(d_a[i] <= kth):
            weight = 1.0 if d_a[i, j] < kth else (k - n_less) / n_tied
            rank = np.sum(d_b[i] < d_b[i, j]) + (np.sum(d_b[i] == d_b[i, j]) + 1) / 2
            total += w[i] * weight * rank
    return 2.0 * total / (n * n * k)


def pure_python_imbalance(A, B, k=1):
    """The definition spelled out with Python loops (tiny N only)."""
    n = len(A)

    def dist(Z, i, j):
        return sum((Z[i][f] - Z[j][f]) ** 2 for f in range(len(Z[i])))

    total = 0.0
    for i in range(n):
        others = [j for j in range(n) if j != i]
        kth = sorted(dist(A, i, j) for j in others)[k - 1]
        n_less = sum(dist(A, i, j) < kth for j in others)
        n_tied = sum(dist(A, i, j) == kth for j in others)
        for j in others:
            if dist(A, i, j) > kth:
                continue
            weight = 1.0 if dist(A, i, j) < kth else (k - n_less) / n_tied
            below = sum(dist(B, i, m) < dist(B, i, j) for m in others)
            tied = sum(dist(B, i, m) == dist(B, i, j) for m in others)
            total += weight * (below + (tied + 1) / 2)
    return 2.0 * total / (n * n * k)


def ref_greedy(X, n_select, y=None, k=1, w=None):
    """Greedy forward selection with the loop reference (lowest index on ties)."""
    selected, path = [], []
    for _ in range(n_select):
        scores = {}
        for c in range(X.shape[1]):
            if c in selected:
                continue
            sub = X[:, selected + [c]]
            if y is None:
                scores[c] = (ref_imbalance(X, sub, k, w=w)
                             + ref_imbalance(sub, X, k, w=w)) / math.sqrt(2.0)
            else:
                scores[c] = ref_imbalance(sub, y, k, w=w)
        best = min(scores, key=lambda c: (scores[c], c))
        selected.append(best)
        path.append(scores[best])
    return selected, np.array(path)


# --------------------------------------------------------------------------- #
# Data
# --------------------------------------------------------------------------- #


@pytest.fixture(scope="module")
def problem():
    """N = 1000, 10 standardised features; y depends on features 0, 1 and 2."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 10))
    y = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2] + 0.05 * rng.normal(size=1000)
    return X, y


@pytest.fixture(scope="module")
def supervised_reference(problem):
    X, y = problem
    return ref_greedy(X, 3, y=y[:, None])


@pytest.fixture(scope="module")
def fitted_selector(problem):
    X, y = problem
    return InformationImbalanceSelector(n_features_to_select=3, device="cpu").fit(X, y)


def _tensor(a):
    return torch.as_tensor(np.asarray(a, dtype=np.float64).reshape(len(a), -1))


# --------------------------------------------------------------------------- #
# Δ(A→B)
# --------------------------------------------------------------------------- #


def test_loop_reference_matches_pure_python_definition():
    rng = np.random.default_rng(1)
    A = rng.integers(0, 3, size=(25, 2)).astype(float)  # many ties
    B = rng.integers(0, 4, size=(25, 1)).astype(float)
    for k in (1, 3):
        expected = pure_python_imbalance(A.tolist(), B.tolist(), k)
        assert ref_imbalance(A, B, k) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("k", [1, 4])
@pytest.mark.parametrize("metric,p", [("euclidean", 2), ("manhattan", 1)])
def test_imbalance_matches_reference(problem, k, metric, p):
    X, y = problem
    for A, B in [(X[:, :3], y), (y, X[:, :3]), (X[:, 3:], X[:, :2])]:
        got = information_imbalance(A, B, k=k, metric=metric, device="cpu")
        assert got == pytest.approx(ref_imbalance(A, B, k, p), abs=1e-6)


def test_imbalance_with_ties_matches_reference():
    rng = np.random.default_rng(2)
    A = rng.integers(0, 4, size=(300, 2)).astype(float)
    B = np.concatenate([A[:, :1], rng.integers(0, 2, size=(300, 1))], axis=1)
    for k in (1, 5):
        for a, b in [(A, B), (B, A)]:
            got = information_imbalance(a, b, k=k, device="cpu")
            assert got == pytest.approx(ref_imbalance(a, b, k), abs=1e-12)


def test_imbalance_does_not_depend_on_row_order():
    rng = np.random.default_rng(3)
    A = rng.integers(0, 3, size=(200, 2)).astype(float)
    B = A[:, 0] + rng.integers(0, 2, size=200)
    perm = rng.permutation(200)
    assert information_imbalance(A, B, k=2) == pytest.approx(
        information_imbalance(A[perm], B[perm], k=2), abs=1e-12
    )


def test_self_imbalance_is_minimal(problem):
    X, _ = problem
    # Without ties every nearest neighbour has rank 1: Δ = 2/N, the minimum.
    assert information_imbalance(X[:, :4], X[:, :4]) == pytest.approx(2 / len(X))
    assert information_imbalance(X[:, :4], X[:, :4]) < 0.01


def test_independent_spaces_give_about_one(problem):
    X, _ = problem
    # The standard deviation of Δ for independent spaces is about 2/√(12 N) ≈ 0.018.
    assert information_imbalance(X[:, :2], X[:, 5:7]) == pytest.approx(1.0, abs=0.1)
    assert information_imbalance(X[:, 5:7], X[:, :2]) == pytest.approx(1.0, abs=0.1)


def test_more_informative_space_has_smaller_imbalance(problem):
    X, _ = problem
    full, part = X[:, :3], X[:, 0]
    forward, backward = (
        information_imbalance(full, part),
        information_imbalance(part, full),
    )
    assert forward < backward
    assert forward < 0.2 and backward > 0.5


def test_chunking_does_not_change_imbalance(problem):
    X, y = problem
    A, B = _tensor(X[:, :3]), _tensor(y)
    one_chunk = imbalance(A, B, k=3)
    assert imbalance(A, B, k=3, chunk_size=7) == pytest.approx(one_chunk, abs=1e-12)
    assert imbalance(A, B, k=3, chunk_size=1) == pytest.approx(one_chunk, abs=1e-12)


def test_rank_helpers_agree_with_counting():
    rng = np.random.default_rng(4)
    d = torch.as_tensor(rng.integers(0, 5, size=(6, 40)).astype(float))
    d[torch.arange(6), torch.arange(6)] = math.inf
    full = rank_rows(d)
    values = d[:, 10:20]
    expected = ranks_at(d, values)  # sort path
    counted = ranks_at(d, values[:, :3])  # counting path
    assert torch.equal(full[:, 10:20], expected)
    assert torch.equal(expected[:, :3], counted)


@pytest.mark.parametrize("p", [1, 2])
def test_bisection_ranks_equal_rank_rows(p):
    rng = np.random.default_rng(10)
    for b in (rng.normal(size=300), rng.integers(0, 6, size=300).astype(float)):
        b = torch.as_tensor(b)
        dense = rank_rows(distance_rows(b[:, None], 0, 300, p))
        i = torch.arange(300)[:, None]
        j = torch.as_tensor(rng.integers(0, 299, size=(300, 7)))
        j = j + (j >= i)  # never the point itself
        got = _SortedRanks(b, p).at(i, j)
        assert torch.equal(got, dense.gather(1, j))


# --------------------------------------------------------------------------- #
# Greedy selection (backend)
# --------------------------------------------------------------------------- #


def test_greedy_supervised_matches_reference(problem, supervised_reference):
    X, y = problem
    order, path, table = greedy_imbalance_selection(X, 3, target=y[:, None],
                                                    device="cpu")
    ref_order, ref_path = supervised_reference
    assert list(order) == ref_order
    np.testing.assert_allclose(path, ref_path, atol=1e-6)
    assert set(ref_order) == {0, 1, 2}
    # The table holds every candidate's score; check a few against the reference.
    assert table[0, 5] == pytest.approx(ref_imbalance(X[:, [5]], y), abs=1e-6)
    assert table[1, 7] == pytest.approx(
        ref_imbalance(X[:, [ref_order[0], 7]], y), abs=1e-6
    )
    assert np.isnan(table[1, ref_order[0]])


def test_greedy_unsupervised_matches_reference():
    rng = np.random.default_rng(5)
    z = rng.normal(size=(400, 3))
    X = np.concatenate([z, z[:, :2] + 0.3 * rng.normal(size=(400, 2))], axis=1)
    order, path, _ = greedy_imbalance_selection(X, 3, device="cpu")
    ref_order, ref_path = ref_greedy(X, 3)
    assert list(order) == ref_order
    np.testing.assert_allclose(path, ref_path, atol=1e-6)


@pytest.mark.parametrize("k", [1, 3])
def test_pruned_search_equals_full_scan(k):
    rng = np.random.default_rng(6)
    X = _tensor(rng.normal(size=(700, 12)))
    y = _tensor(X[:, 0] * X[:, 1] + torch.sin(3 * X[:, 2]))
    pruned = greedy_selection(X, 6, target=y, k=k)
    full = greedy_selection(X, 6, target=y, k=k, prune=False)
    assert pruned[0] == full[0]
    np.testing.assert_allclose(pruned[2], full[2], atol=1e-12)


def test_pruned_unsupervised_equals_full_scan():
    rng = np.random.default_rng(11)
    z = rng.normal(size=(400, 3))
    X = _tensor(np.concatenate([z, z @ rng.normal(size=(3, 4))], axis=1))
    pruned = greedy_selection(X, 4, k=2)
    full = greedy_selection(X, 4, k=2, prune=False)
    assert pruned[0] == full[0]
    np.testing.assert_allclose(pruned[2], full[2], atol=1e-12)


def test_pruned_search_with_discrete_features_equals_full_scan():
    rng = np.random.default_rng(7)
    X = _tensor(rng.integers(0, 3, size=(400, 6)))
    y = _tensor((X[:, 0] + X[:, 3]) % 3)
    for k in (1, 4):
        pruned = greedy_selection(X, 3, target=y, k=k)
        full = greedy_selection(X, 3, target=y, k=k, prune=False)
        assert pruned[0] == full[0]
        np.testing.assert_allclose(pruned[2], full[2], atol=1e-12)


def test_greedy_chunking_and_caching_do_not_change_the_result(problem):
    X, y = problem
    X, y = _tensor(X[:500]), _tensor(y[:500])
    base = greedy_selection(X, 3, target=y)
    tiny = greedy_selection(X, 3, target=y, chunk_size=13, cache_bytes=0)
    assert base[0] == tiny[0]
    np.testing.assert_allclose(base[2], tiny[2], atol=1e-12)
    # A two-column target is ranked from dense rows, recomputed per chunk here.
    y2 = torch.cat([y, X[:, 4:5]], 1)
    dense = greedy_selection(X, 3, target=y2)
    dense_tiny = greedy_selection(X, 3, target=y2, chunk_size=13, cache_bytes=0)
    assert dense[0] == dense_tiny[0]
    np.testing.assert_allclose(dense[2], dense_tiny[2], atol=1e-12)
    unsup = greedy_selection(X[:200], 2, chunk_size=None)
    unsup_tiny = greedy_selection(X[:200], 2, chunk_size=5, cache_bytes=0)
    assert unsup[0] == unsup_tiny[0]
    np.testing.assert_allclose(unsup[2], unsup_tiny[2], atol=1e-12)


# --------------------------------------------------------------------------- #
# The selector
# --------------------------------------------------------------------------- #


def test_selector_finds_relevant_features(fitted_selector, supervised_reference):
    sel = fitted_selector
    ref_order, ref_path = supervised_reference
    assert sel.get_support(indices=True).tolist() == [0, 1, 2]
    assert sel.ranking_[ref_order].tolist() == [1, 2, 3]
    assert np.all(sel.ranking_[3:] == 4)
    # Standardising these already standard features barely moves the imbalance.
    np.testing.assert_allclose(sel.imbalance_path_, ref_path, atol=0.05)
    assert sel.imbalance_path_.shape == (3,)
    assert sel.candidate_imbalances_.shape == (3, 10)
    assert sel.transform(np.zeros((2, 10))).shape == (2, 3)


def test_selector_unsupervised_picks_one_feature_per_group():
    rng = np.random.default_rng(8)
    z = rng.normal(size=(500, 3))
    noisy = z[:, [0, 0, 1, 1, 2, 2]] + 0.05 * rng.normal(size=(500, 6))
    sel = InformationImbalanceSelector(3, mode="unsupervised", device="cpu")
    sel.fit(noisy, y=rng.normal(size=500))  # y is ignored
    groups = sel.get_support(indices=True) // 2
    assert sorted(groups.tolist()) == [0, 1, 2]
    assert np.all(np.diff(sel.imbalance_path_) < 0)


def test_selector_accepts_label_targets():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(300, 4))
    y = np.where(X[:, 2] > 0, "up", "down")
    sel = InformationImbalanceSelector(1, device="cpu").fit(X, y)
    assert sel.get_support(indices=True).tolist() == [2]


def test_selector_pandas_feature_names(problem):
    pd = pytest.importorskip("pandas")
    X, y = problem
    names = [f"f{i}" for i in range(X.shape[1])]
    frame = pd.DataFrame(X[:300], columns=names)
    sel = InformationImbalanceSelector(2, device="cpu").set_output(transform="pandas")
    out = sel.fit(frame, y[:300]).transform(frame)
    assert list(sel.feature_names_in_) == names
    assert list(out.columns) == list(sel.get_feature_names_out())
    assert set(out.columns) <= {"f0", "f1", "f2"}


@pytest.mark.parametrize("wanted,expected", [(None, 5), (0.3, 3), (1.0, 10), (4, 4)])
def test_n_features_to_select_forms(problem, wanted, expected):
    X, y = problem
    sel = InformationImbalanceSelector(wanted, device="cpu").fit(X[:150], y[:150])
    assert sel.n_features_to_select_ == expected
    assert sel.support_.sum() == expected
    assert sorted(sel.ranking_[sel.support_]) == list(range(1, expected + 1))


def test_max_samples_subsamples_reproducibly(problem):
    X, y = problem
    params = dict(n_features_to_select=2, max_samples=200, device="cpu")
    a = InformationImbalanceSelector(**params, random_state=0).fit(X, y)
    b = InformationImbalanceSelector(**params, random_state=0).fit(X, y)
    full = InformationImbalanceSelector(2, max_samples=None, device="cpu").fit(
        X[:200], y[:200]
    )
    np.testing.assert_array_equal(a.imbalance_path_, b.imbalance_path_)
    assert not np.array_equal(a.imbalance_path_, full.imbalance_path_)
    # Fewer points means sparser neighbourhoods, never an error.
    assert a.n_features_in_ == 10


def test_selector_in_pipeline_and_clone(problem):
    X, y = problem
    pipe = make_pipeline(
        InformationImbalanceSelector(3, device="cpu"), LinearRegression()
    )
    pipe.fit(X[:300], y[:300])
    assert pipe.predict(X[:5]).shape == (5,)
    twin = clone(pipe.steps[0][1])
    assert twin.get_params() == pipe.steps[0][1].get_params()
    assert not hasattr(twin, "support_")


@pytest.mark.parametrize("scale", [1e160, 1e-200])
def test_extreme_scales_keep_the_ranks(scale):
    # squared distances of 1e160 overflow float64 (and of 1e-200 underflow);
    # a common factor changes no neighbour and no rank
    rng = np.random.default_rng(4)
    A, B = rng.normal(size=(40, 3)), rng.normal(size=(40, 2))
    for metric in ("euclidean", "manhattan"):
        assert (information_imbalance(A * scale, B * scale, metric=metric)
                == information_imbalance(A, B, metric=metric))


# --------------------------------------------------------------------------- #
# Bad input
# --------------------------------------------------------------------------- #


@pytest.mark.parametrize(
    "A,B,kwargs,match",
    [
        (np.ones((5, 2)), np.ones(4), {}, "same number of samples"),
        (np.full((5, 2), np.nan), np.ones(5), {}, "NaN"),
        (np.ones((5, 2)), np.ones(5), {"metric": "cosine"}, "metric"),
        (np.ones((5, 2)), np.ones(5), {"k": 0}, "positive integer"),
        (np.ones((5, 2)), np.ones(5), {"k": 5}, "more than k=5"),
        (np.ones((5, 2, 2)), np.ones(5), {}, "dim 3"),
        (np.ones((5, 0)), np.ones(5), {}, "no features|0 feature"),
    ],
)
def test_information_imbalance_rejects_bad_input(A, B, kwargs, match):
    with pytest.raises(ValueError, match=match):
        information_imbalance(A, B, **kwargs)


def test_selector_rejects_bad_input(problem):
    X, y = problem
    X, y = X[:50], y[:50]
    with pytest.raises(ValueError, match="more than the 10 features"):
        InformationImbalanceSelector(11).fit(X, y)
    with pytest.raises(ValueError, match="mode"):
        InformationImbalanceSelector(mode="both").fit(X, y)
    with pytest.raises(ValueError, match="requires y"):
        InformationImbalanceSelector(2).fit(X)
    with pytest.raises(ValueError, match="max_samples"):
        InformationImbalanceSelector(2, k=3, max_samples=3).fit(X, y)
    with pytest.raises(ValueError, match="device"):
        InformationImbalanceSelector(2, device="tpu").fit(X, y)
    mixed = np.array([1, "a"] * 25, dtype=object)
    with pytest.raises(ValueError, match=r"mixes label types \['int', 'str'\]"):
        InformationImbalanceSelector(2).fit(X, mixed)
    with pytest.raises(ValueError, match="NaN"):
        InformationImbalanceSelector(2).fit(np.where(X > 2, np.nan, X), y)


# --------------------------------------------------------------------------- #
# scikit-learn contract and devices
# --------------------------------------------------------------------------- #

# One check cannot pass by design; every other failure is a bug.
EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "Weights weight the points in the average over points, while every "
        "point of positive weight serves once as a neighbour; a repeated row "
        "instead becomes its copy's nearest neighbour at distance 0, so "
        "repeating is not weighting for a nearest-neighbour statistic. "
        "test_weighted_*_matches_reference checks the weighted definition; "
        "weight 0 is removal (tests/test_selection_review.py)."),
}


@parametrize_with_checks(
    [
        InformationImbalanceSelector(device="cpu"),
        InformationImbalanceSelector(mode="unsupervised", k=2, device="cpu"),
    ],
    expected_failed_checks=lambda est: EXPECTED_FAILURES,
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_cuda_matches_cpu(problem):
    X, y = problem
    assert information_imbalance(X[:, :3], y, k=2, device="cuda") == pytest.approx(
        information_imbalance(X[:, :3], y, k=2, device="cpu"), abs=1e-12
    )
    on_gpu = greedy_imbalance_selection(X, 3, target=y[:, None], device="cuda")
    on_cpu = greedy_imbalance_selection(X, 3, target=y[:, None], device="cpu")
    np.testing.assert_array_equal(on_gpu[0], on_cpu[0])
    np.testing.assert_allclose(on_gpu[2], on_cpu[2], atol=1e-12)
    sel = InformationImbalanceSelector(3, device="cuda").fit(X, y)
    assert sel.get_support(indices=True).tolist() == [0, 1, 2]


# --------------------------------------------------------------------------- #
# Weighted points
# --------------------------------------------------------------------------- #

def _weighted_problem(n=300, seed=3):
    """y follows feature 0 where z < 0 and feature 1 elsewhere; the weights
    decide which half the selection serves."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = np.where(X[:, 3] < 0, X[:, 0], X[:, 1]) + 0.05 * rng.normal(size=n)
    w = np.where(X[:, 3] < 0, 10.0, 0.1)
    return X, y, w


def test_weighted_imbalance_matches_reference():
    X, y, w = _weighted_problem(120)
    for A in (X[:, [0]], X[:, :2]):
        got = information_imbalance(A, y, sample_weight=w, device="cpu")
        assert got == pytest.approx(ref_imbalance(A, y, w=w), abs=1e-9)
    assert information_imbalance(X, y, sample_weight=np.full(120, 3.0)) == (
        pytest.approx(information_imbalance(X, y), abs=1e-12))


@pytest.mark.parametrize("supervised", [True, False])
def test_weighted_greedy_matches_reference(supervised):
    X, y, w = _weighted_problem(150)
    target = y[:, None] if supervised else None
    order, path, _ = greedy_imbalance_selection(X, 2, target=target, device="cpu",
                                                row_weights=w / w.mean())
    ref_order, ref_path = ref_greedy(X, 2, y=target, w=w)
    assert list(order) == ref_order
    np.testing.assert_allclose(path, ref_path, atol=1e-6)


def test_selector_weights_decide_which_points_count():
    X, y, w = _weighted_problem()
    heavy_low = InformationImbalanceSelector(n_features_to_select=1, device="cpu")
    heavy_high = InformationImbalanceSelector(n_features_to_select=1, device="cpu")
    assert heavy_low.fit(X, y, sample_weight=w).get_support(indices=True)[0] == 0
    assert heavy_high.fit(X, y, sample_weight=1 / w).get_support(
        indices=True)[0] == 1
    with pytest.raises(ValueError, match="Negative values"):
        heavy_low.fit(X, y, sample_weight=-w)
