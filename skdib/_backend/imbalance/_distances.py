"""Information imbalance in torch: distance ranks, Δ(A→B) and the greedy selection.

Definitions (Eq. 12 of the glassy-dynamics paper, averaged over k neighbours)::

    Δ(A→B) = 2 / (N² k) · Σ_i Σ_{j ∈ kNN_A(i)} r^B_ij

* Distances are ``Σ_f |(a_if − a_jf) / s_f|^p``, summed feature by feature in
  float64, with ``p = 2`` (squared Euclidean: the same ranks as Euclidean) or
  ``p = 1`` (Manhattan); ``s_f`` is an optional unit per column (1 when none is
  given, or when it is not positive). The unit divides the column's
  *differences*, never its values, so equal gaps in a column give bit-identical
  terms and ties stay ties (standardising the values first would round
  ``(x − m) / s`` differently at every x and break them). Every distance term
  of one column is computed by :func:`_column_term`, which keeps the pruned
  search's bounds and the cached distances consistent to the last bit. A point
  is never its own neighbour and has no rank.
* **Ties in B** (rank rule): ``r^B_ij = 1 + #{l ≠ i : d^B_il < d^B_ij}
  + #{l ∉ {i, j} : d^B_il = d^B_ij} / 2``, the average of the ranks that the tied
  block occupies. Δ stays ≈ 1 for independent spaces even when B is discrete.
* **Ties in A** (neighbour rule): the expectation over a uniformly random
  tie-break. Points strictly closer than the k-th distance get weight 1; the
  ``k − m`` remaining slots are shared equally by the ``t`` points at exactly the
  k-th distance (weight ``(k − m) / t`` each). Nothing depends on the row order.

The greedy step scores every candidate feature at once. For the current set S
and a candidate c, ``d_{S∪c} = d_S + |x_ic − x_jc|^p`` with both terms
non-negative, so a point j outside a probed set P can be no closer than the
smallest ``d_S`` (or ``|Δx_c|^p``) outside P. The neighbour search in S∪c (the
supervised score, and the Δ(X_S∪c → X) half of the unsupervised one) probes, per
row, the nearest points in S (a top-k on ``d_S``, or a window in the sorted
column when S has one feature, or a window in the sorted column c when S is
empty); a (row, candidate) pair whose k-th distance found in P is not strictly
below that bound is probed again with a four times larger set, up to a full
row. The result is exact. The probe size adapts from one step to the next.
The other unsupervised half, Δ(X → X_S∪c), counts over every pair, in blocks
small enough to stay in the CPU cache.

Ranks in a one-dimensional B (the usual target y) are found by bisection in
the sorted values, with no N × N matrix. Otherwise the rank rows of B are
cached (float32) when they fit in ``cache_bytes`` (for a 1-D target the cache
is used below ``cache_bytes / 8``, where it is faster), and recomputed per row
chunk when they do not; ``d_S`` is cached (float64) in what remains. Work is
done in row chunks, so memory otherwise grows linearly with N. All functions
run on CPU or CUDA tensors.
"""

import math

import torch

__all__ = [
    "column_units",
    "distance_rows",
    "neighbour_weights",
    "rank_rows",
    "ranks_at",
]

_CHUNK_BYTES = 1 << 27  # about 128 MiB for the temporaries of one row chunk
_PROBE_CHUNK_BYTES = 1 << 25  # smaller chunks keep the probed rows in cache
_BRUTE_CHUNK_BYTES = 1 << 23  # (R, C, N) distance blocks that stay in cache
_CACHE_BYTES = 1 << 31  # the N × N caches are kept when they fit in 2 GiB
_COMPARE_MAX = 4  # rank at most this many values per row by counting, not sorting
_SORTED_FRACTION = 8  # a 1-D target is ranked by bisection above cache_bytes / 8
_ESCALATE = 4  # each probe level is this many times larger than the previous



def _spans(n, rows_per_chunk):
    for start in range(0, n, rows_per_chunk):
        yield start, min(start + rows_per_chunk, n)


def _rows_per_chunk(bytes_per_row, chunk_size, budget=_CHUNK_BYTES):
    if chunk_size is not None:
        return max(1, int(chunk_size))
    return max(1, budget // max(1, int(bytes_per_row)))


def _column_term(diff, p, unit=None):
    """The distance term of one column, ``|diff / unit|^p``, in place on ``diff``.

    ``diff`` holds differences of values of the column; ``unit`` is None (no
    unit) or a positive tensor that broadcasts to ``diff`` (see
    :func:`column_units`). The one rule for every column difference.
    """
    if unit is not None:
        diff.div_(unit)
    return diff.square_() if p == 2 else diff.abs_()


def column_units(units, n_columns):
    """Per-column units as given to the public functions, ready for
    :func:`_column_term`: None stays None, and a unit that is not positive
    (a constant column's standard deviation) becomes 1, so that the column's
    zero differences still add 0."""
    if units is None:
        return None
    units = units.reshape(-1)
    if units.shape[0] != n_columns:
        raise ValueError(f"{units.shape[0]} units for {n_columns} columns.")
    return torch.where(units > 0, units, torch.ones_like(units))


def distance_rows(Z, start, stop, p, units=None):
    """Distances from rows ``start:stop`` of Z to all rows, (R, N); self is +inf.

    ``Z`` has shape (N, F); F may be 0, which gives zero distances. ``units``
    (F,) divide the columns' differences (None: no units).
    """
    n = Z.shape[0]
    d = torch.zeros(stop - start, n, dtype=Z.dtype, device=Z.device)
    if Z.shape[1]:
        cols = Z.T.contiguous()
        tmp = torch.empty_like(d)
        for f in range(Z.shape[1]):
            torch.sub(cols[f, start:stop, None], cols[f, None, :], out=tmp)
            d += _column_term(tmp, p, None if units is None else units[f])
    d.diagonal(offset=start).fill_(math.inf)
    return d


def neighbour_weights(d, k, dim=-1):
    """Tie-shared k-nearest-neighbour weights along axis ``dim`` of ``d``.

    Returns ``(idx, w, kth)``: indices (Q entries along ``dim``), their float64
    weights summing to k, and the k-th smallest value (one entry along ``dim``).
    """
    if k == 1:
        kth, idx = d.min(dim, keepdim=True)
        if int((d == kth).sum(dim).max()) == 1:
            return idx, torch.ones_like(kth, dtype=torch.float64), kth
    else:
        kth = torch.topk(d, k, dim=dim, largest=False).values.narrow(dim, k - 1, 1)
    n_less = (d < kth).sum(dim, keepdim=True)
    n_tied = (d == kth).sum(dim, keepdim=True)
    vals, idx = torch.topk(d, int((n_less + n_tied).max()), dim=dim, largest=False)
    share = (k - n_less).to(torch.float64) / n_tied.clamp(min=1).to(torch.float64)
    w = (vals < kth).to(torch.float64) + (vals == kth).to(torch.float64) * share
    return idx, w, kth


def ranks_at(d, values):
    """Average ranks (float64) of ``values`` (…, Q) within the rows of ``d`` (…, N).

    Every value must occur in its row of ``d``; +inf entries (self) do not count.
    """
    if values.shape[-1] <= _COMPARE_MAX:
        cmp_d, cmp_v = d.unsqueeze(-2), values.unsqueeze(-1)
        less = (cmp_d < cmp_v).sum(-1)
        tied = (cmp_d == cmp_v).sum(-1)
    else:
        ordered = torch.sort(d, dim=-1).values
        values = values.contiguous()
        less = torch.searchsorted(ordered, values, side="left")
        tied = torch.searchsorted(ordered, values, side="right") - less
    return less.to(torch.float64) + (tied.to(torch.float64) + 1.0) / 2.0


def _as_int(d):
    """Non-negative floats viewed as integers of the same width: same order,
    and integer sorts and selections are faster."""
    return d.view(torch.int64 if d.dtype == torch.float64 else torch.int32)


def rank_rows(d):
    """Average ranks (float64) of every finite entry of ``d`` within its row.

    ``d`` holds non-negative distances (+inf allowed), as distance rows do.
    """
    ordered, perm = torch.sort(_as_int(d), dim=-1)
    n = d.shape[-1]
    pos = torch.arange(n, device=d.device).expand_as(perm)
    starts = torch.ones_like(perm, dtype=torch.bool)
    starts[..., 1:] = ordered[..., 1:] != ordered[..., :-1]
    if bool(starts.all()):
        ranks = (pos + 1).to(torch.float64)
    else:
        ends = torch.ones_like(starts)
        ends[..., :-1] = starts[..., 1:]
        first = torch.where(starts, pos, 0).cummax(-1).values
        last = torch.where(ends, pos, n).flip(-1).cummin(-1).values.flip(-1)
        ranks = (first + last).to(torch.float64) / 2.0 + 1.0
    return torch.empty_like(ranks).scatter_(-1, perm, ranks)
