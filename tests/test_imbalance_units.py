"""InformationImbalanceSelector: standardised units that keep ties, and
string targets that stay labels.

Each test failed before its fix: standardising the *values*, ``(x - m) / s``,
rounded equal gaps of a discrete column (0 to 1, 1 to 2) to unequal
distances, which broke the ties that the imbalance shares (the scores changed
with the row order and exact copies of a feature scored differently); and a
pandas Series of class labels "1", "2", "10" was read as the numbers 1, 2, 10.
"""

import math

import numpy as np
import pandas as pd
import pytest
import torch

from skdib._backend.imbalance._distances import distance_rows, rank_rows
from skdib._backend.imbalance._greedy import greedy_selection
from skdib._backend.imbalance._ranks import _SortedRanks
from skdib.selection import InformationImbalanceSelector


def ref_distances(Z, units):
    """Σ_f ((z_if − z_jf) / unit_f)², +inf on the diagonal."""
    d = sum(((Z[:, f, None] - Z[None, :, f]) / units[f]) ** 2
            for f in range(Z.shape[1]))
    np.fill_diagonal(d, np.inf)
    return d


def ref_imbalance(d_a, d_b):
    """Δ(A→B), k = 1: ties at the nearest distance share the slot, ties in B
    get the average rank."""
    n = len(d_a)
    total = 0.0
    for i in range(n):
        near = np.flatnonzero(d_a[i] == d_a[i].min())
        below = (d_b[i][None, :] < d_b[i, near, None]).sum(1)
        tied = (d_b[i][None, :] == d_b[i, near, None]).sum(1)
        total += np.mean(below + (tied + 1) / 2)
    return 2.0 * total / n**2


def ref_first_steps(X, y):
    """Scores of the first two greedy steps (one and two features), in
    standardised units (population standard deviations)."""
    units = X.std(axis=0)
    d_y = ref_distances(y[:, None], [1.0])
    first = [ref_imbalance(ref_distances(X[:, [c]], units[[c]]), d_y)
             for c in range(X.shape[1])]
    best = int(np.argmin(first))
    second = [np.nan if c == best else
              ref_imbalance(ref_distances(X[:, [best, c]], units[[best, c]]), d_y)
              for c in range(X.shape[1])]
    return np.array([first, second])


@pytest.fixture(scope="module")
def discrete():
    """A discrete feature x, exact affine copies of it, and a second discrete
    feature; y depends on both."""
    rng = np.random.default_rng(0)
    n = 150
    x = rng.integers(0, 40, size=n).astype(float)
    z = rng.integers(0, 7, size=n).astype(float)
    y = x + 2 * z + rng.integers(-3, 4, size=n)
    X = np.column_stack([x, 4 * x + 1, x + 1000.5, 3 * z - 7.25])
    return X, y


def test_exact_copies_of_a_discrete_feature_score_the_same(discrete):
    X, y = discrete
    fitted = InformationImbalanceSelector(1, device="cpu").fit(X, y)
    scores = fitted.candidate_imbalances_[0]
    assert scores[0] == scores[1] == scores[2]
    assert fitted.get_support(indices=True).tolist() == [0]  # lowest index
    expected = ref_imbalance(ref_distances(X[:, [0]], [1.0]),
                             ref_distances(y[:, None], [1.0]))
    assert scores[0] == pytest.approx(expected, abs=1e-12)


def test_standardised_scores_match_the_reference(discrete):
    X, y = discrete
    fitted = InformationImbalanceSelector(2, device="cpu").fit(X, y)
    expected = ref_first_steps(X, y)
    np.testing.assert_allclose(fitted.candidate_imbalances_, expected,
                               rtol=0, atol=1e-12)
    assert fitted.get_support(indices=True).tolist() == [0, 3]


@pytest.mark.parametrize("mode", ["supervised", "unsupervised"])
def test_row_order_and_affine_units_change_nothing(discrete, mode):
    X, y = discrete
    params = {"n_features_to_select": 3, "mode": mode, "device": "cpu"}
    base = InformationImbalanceSelector(**params).fit(X, y)
    perm = np.random.default_rng(1).permutation(len(X))
    moved = X[perm] * np.array([3.0, 0.5, 1.0, 2.0]) + np.array([5.5, -3, 0, 1])
    other = InformationImbalanceSelector(**params).fit(moved, y[perm])
    np.testing.assert_array_equal(other.ranking_, base.ranking_)
    np.testing.assert_allclose(other.candidate_imbalances_,
                               base.candidate_imbalances_, rtol=1e-12)


def test_columns_of_equal_values_stay_tied_in_any_row_order():
    """Columns holding the same values get the same unit bit for bit, however
    the rows are ordered (a row-order sum gave units one ulp apart, and a
    shuffle changed the selection)."""
    X = np.array([[3, 0, 3, 1, 2, 1, 2, 1, 2, 2], [2, 3, 2, 2, 1, 2, 3, 1, 0, 1],
                  [2, 3, 1, 1, 1, 2, 2, 2, 0, 3]], float).T
    y = np.array([7.0, 4.5, 6.5, 4.5, 3.5, 5.0, 6.0, 4.0, 3.0, 5.5])
    fits = [InformationImbalanceSelector(n_features_to_select=2, device="cpu")
            .fit(X[rows], y[rows])
            for rows in (np.arange(10), [6, 9, 3, 5, 2, 0, 4, 8, 7, 1])]
    np.testing.assert_array_equal(fits[1].ranking_, fits[0].ranking_)
    np.testing.assert_array_equal(fits[1].imbalance_path_, fits[0].imbalance_path_)


def test_standardize_false_keeps_the_values(discrete):
    X, y = discrete
    plain = InformationImbalanceSelector(2, standardize=False,
                                         device="cpu").fit(X, y)
    d_y = ref_distances(y[:, None], [1.0])
    expected = [ref_imbalance(ref_distances(X[:, [c]], [1.0]), d_y)
                for c in range(X.shape[1])]
    np.testing.assert_allclose(plain.candidate_imbalances_[0], expected,
                               rtol=0, atol=1e-12)


def _labels():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 3))
    labels = np.where(X[:, 0] > 0.5, "10", np.where(X[:, 1] > 0, "2", "1"))
    return X, labels


@pytest.mark.parametrize("make", [
    lambda s: s,
    lambda s: s.astype(object),
    lambda s: pd.Series(s),
    lambda s: pd.Series(s, dtype="string"),
    lambda s: pd.Series(s, dtype="category"),
], ids=["numpy-str", "numpy-object", "series-object", "series-string",
        "series-category"])
def test_numeric_looking_strings_are_labels(make):
    X, labels = _labels()
    fitted = InformationImbalanceSelector(1, device="cpu").fit(X, make(labels))
    onehot = np.eye(3)[np.unique(labels, return_inverse=True)[1]]
    d_y = ref_distances(onehot, np.ones(3))
    units = X.std(axis=0)
    expected = [ref_imbalance(ref_distances(X[:, [c]], units[[c]]), d_y)
                for c in range(3)]
    np.testing.assert_allclose(fitted.candidate_imbalances_[0], expected,
                               rtol=0, atol=1e-12)


def test_object_numbers_stay_numbers():
    X, labels = _labels()
    numbers = labels.astype(float)
    plain = InformationImbalanceSelector(1, device="cpu").fit(X, numbers)
    for y in (numbers.astype(object), pd.Series(numbers.astype(int), dtype="Int64"),
              np.array([int(v) if v > 1 else v for v in numbers], dtype=object)):
        fitted = InformationImbalanceSelector(1, device="cpu").fit(X, y)
        np.testing.assert_array_equal(fitted.candidate_imbalances_,
                                      plain.candidate_imbalances_)
    mixed = labels.astype(object)
    mixed[0] = 10
    with pytest.raises(ValueError, match="mixes label types"):
        InformationImbalanceSelector(1, device="cpu").fit(X, mixed)


# --------------------------------------------------------------------------- #
# The backend: units divide differences everywhere, so pruning stays exact
# --------------------------------------------------------------------------- #


def _discrete_tensors():
    rng = np.random.default_rng(3)
    Z = rng.integers(0, 5, size=(300, 5)).astype(float)
    X = Z * np.array([1.0, 3.0, 0.7, 10.0, 1.0]) + np.array([0, 1, -2.5, 7, 0])
    X[:, 4] = 2.0  # a constant column: unit 0 counts as 1 and adds 0
    units = np.array([1.3, 4.1, 0.9, 14.2, 0.0])
    y = Z[:, 0] + Z[:, 2] + rng.integers(0, 2, size=300)
    return (torch.as_tensor(X), torch.as_tensor(units),
            torch.as_tensor(y[:, None]), torch.as_tensor(Z[:, [1, 3]]))


@pytest.mark.parametrize("kind", ["1-d", "2-d", "unsupervised"])
def test_pruned_search_with_units_equals_full_scan(kind):
    X, units, y, y2 = _discrete_tensors()
    target, target_units = {"1-d": (y, None),
                            "2-d": (y2, torch.tensor([0.8, 2.9])),
                            "unsupervised": (None, None)}[kind]
    for k, options in ((1, {}), (2, {"cache_bytes": 0, "chunk_size": 13})):
        kwargs = {"target": target, "k": k, "units": units,
                  "target_units": target_units, **options}
        pruned = greedy_selection(X, 4, **kwargs)
        full = greedy_selection(X, 4, prune=False, **kwargs)
        assert pruned[0] == full[0]
        np.testing.assert_allclose(pruned[2], full[2], rtol=0, atol=1e-12)
    if target is not None:  # the constant column adds nothing
        assert pruned[2][1, 4] == pytest.approx(pruned[1][0], abs=1e-12)


@pytest.mark.parametrize("p", [1, 2])
def test_bisection_ranks_with_a_unit_equal_rank_rows(p):
    rng = np.random.default_rng(10)
    b = torch.as_tensor(rng.integers(0, 6, size=300) * 0.3 + 1.7)
    unit = torch.tensor([0.37])
    dense = rank_rows(distance_rows(b[:, None], 0, 300, p, unit))
    i = torch.arange(300)[:, None]
    j = torch.as_tensor(rng.integers(0, 299, size=(300, 7)))
    j = j + (j >= i)
    assert torch.equal(_SortedRanks(b, p, unit[0]).at(i, j), dense.gather(1, j))


def test_affine_copies_of_a_discrete_feature_tie_at_every_step():
    """An affine copy of a discrete column (``0.1 x + 5``) scores exactly as
    the column itself from the second step on too (its differences and unit
    each rounded differently, so the sums with the selected column's terms
    did not tie), and both scores are the brute-force reference's."""
    rng = np.random.default_rng(0)
    f0 = rng.integers(0, 4, 60).astype(float)
    x = rng.permutation(f0)
    X = np.column_stack([f0, x, 0.1 * x + 5, -0.3 * x + 1000])
    y = 2 * f0 + x + rng.integers(0, 2, 60)
    table = InformationImbalanceSelector(2, device="cpu").fit(X, y)
    second = table.candidate_imbalances_[1]
    assert second[1] == second[2]
    assert second[3] == pytest.approx(second[1], rel=1e-15)  # mirrored: sum order
    # exact reference: Σ_f Δx_f² / var_f in fractions, on the integer columns
    d_y = ref_distances(y[:, None], [1.0])
    expected = ref_imbalance(exact_standardised_distances(X[:, :2]), d_y)
    assert second[1] == pytest.approx(expected, abs=1e-12)


def exact_standardised_distances(X):
    """Σ_f (x_if − x_jf)² / var_f as exact fractions (integer X), +inf on
    the diagonal: no rounding decides a tie."""
    from fractions import Fraction

    X = X.astype(int)
    n = len(X)
    var = [Fraction(n * int((c * c).sum()) - int(c.sum()) ** 2, n * n)
           for c in X.T]
    d = np.empty((n, n), dtype=object)
    for i in range(n):
        for j in range(n):
            d[i, j] = (math.inf if i == j else
                       sum(Fraction(int(X[i, f] - X[j, f]) ** 2) / var[f]
                           for f in range(X.shape[1])))
    return d


def test_discrete_codes_keep_the_unit_and_reject_continuous_columns():
    from skdib.selection._lattice import code_unit, lattice_codes

    x = np.array([0.0, 2.0, 5.0, 5.0, 2.0, 9.0])  # lattice of step 1
    for a, b in ((1.0, 0.0), (0.1, 1000.0), (-0.3, 7.0), (3e4, -2.5)):
        codes = lattice_codes(a * x + b)
        np.testing.assert_array_equal(codes, x if a > 0 else 9.0 - x)
        assert code_unit(codes) == code_unit(x)
    assert code_unit(x) == pytest.approx(np.std(x), rel=1e-15)
    assert lattice_codes(np.random.default_rng(0).normal(size=50)) is None
    assert lattice_codes(np.array([0.0, 1.0, 2.0 + 1e-7])) is None
    assert lattice_codes(np.ones(5)) is None


@pytest.mark.parametrize("factor, accepted", [(0.9, True), (1.1, False)])
def test_lattice_codes_accept_the_documented_tolerance(factor, accepted):
    """lattice_codes' docstring: codes within _SLACK times the rounding bound
    4 u (M / h + 1) (1 + q) are accepted (the code used 8 u, twice the bound
    with _SLACK = 8 written beside it)."""
    from skdib.selection._lattice import _SLACK, lattice_codes

    column = np.arange(11.0)
    bound = 4 * np.finfo(np.float64).eps * (10 / 1 + 1) * (1 + 10)
    column[-1] += factor * _SLACK * bound
    codes = lattice_codes(column)
    # rejected at step 1, the column is read on the lattice of step 1/2
    assert (codes is not None and codes.max() == 10) == accepted
