"""Information imbalance in torch: distance ranks, Δ(A→B) and the greedy selection.

Definitions (Eq. 12 of the glassy-dynamics paper, averaged over k neighbours)::

    Δ(A→B) = 2 / (N² k) · Σ_i Σ_{j ∈ kNN_A(i)} r^B_ij

* Distances are ``Σ_f |a_if − a_jf|^p``, summed feature by feature in float64,
  with ``p = 2`` (squared Euclidean: the same ranks as Euclidean) or ``p = 1``
  (Manhattan). A point is never its own neighbour and has no rank.
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

import numpy as np
import torch

from skdib._backend._device import resolve_device

__all__ = [
    "distance_rows",
    "greedy_selection",
    "greedy_selection_numpy",
    "imbalance",
    "imbalance_numpy",
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


def _power(diff, p):
    return diff.square_() if p == 2 else diff.abs_()


def distance_rows(Z, start, stop, p):
    """Distances from rows ``start:stop`` of Z to all rows, (R, N); self is +inf.

    ``Z`` has shape (N, F); F may be 0, which gives zero distances.
    """
    n = Z.shape[0]
    d = torch.zeros(stop - start, n, dtype=Z.dtype, device=Z.device)
    if Z.shape[1]:
        cols = Z.T.contiguous()
        tmp = torch.empty_like(d)
        for f in range(Z.shape[1]):
            torch.sub(cols[f, start:stop, None], cols[f, None, :], out=tmp)
            d += _power(tmp, p)
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


def imbalance(A, B, *, k=1, p=2, chunk_size=None):
    """Δ(A→B) for float64 tensors A (N, F_A) and B (N, F_B) on one device."""
    n = A.shape[0]
    sorted_b = _SortedRanks(B[:, 0], p) if B.shape[1] == 1 else None
    total = torch.zeros((), dtype=torch.float64, device=A.device)
    for start, stop in _spans(n, _rows_per_chunk(40 * n, chunk_size)):
        idx, w, _ = neighbour_weights(distance_rows(A, start, stop, p), k)
        if sorted_b is not None:
            rows = torch.arange(start, stop, device=A.device)[:, None]
            ranks = sorted_b.at(rows, idx)
        else:
            d_b = distance_rows(B, start, stop, p)
            ranks = ranks_at(d_b, d_b.gather(1, idx))
        total += (w * ranks).sum()
    return float(total) * 2.0 / (n * n * k)


class _SortedRanks:
    """Exact average ranks in a one-dimensional space, by binary search.

    Along the sorted values, the distance from point i falls towards i and
    rises after it (floating-point subtraction is monotone), so the points
    closer than a given distance form one run of sorted positions around i.
    Its two ends are found by bisection with the same arithmetic as
    :func:`distance_rows`, so the ranks are exactly those of the distance rows.
    """

    def __init__(self, b, p):
        self.b, self.p, n = b, p, b.shape[0]
        self.sorted, order = torch.sort(b, stable=True)
        self.pos = torch.empty_like(order)
        self.pos[order] = torch.arange(n, device=b.device)
        self.n_iter = max(1, math.ceil(math.log2(n)) + 1)

    def _end(self, b_i, v, lo, hi, strict, upper):
        """Last (``upper``) or first sorted position whose distance is < v (≤ v)."""
        for _ in range(self.n_iter):
            mid = (lo + hi + 1) // 2 if upper else (lo + hi) // 2
            dist = _power(b_i - self.sorted[mid], self.p)
            inside = dist < v if strict else dist <= v
            if upper:
                lo, hi = torch.where(inside, mid, lo), torch.where(inside, hi, mid - 1)
            else:
                lo, hi = torch.where(inside, lo, mid + 1), torch.where(inside, mid, hi)
        return lo

    def at(self, i, j):
        """Average rank (float64) of point j among the distances from point i."""
        i, j = torch.broadcast_tensors(i, j)
        b_i = self.b[i]
        v = _power(b_i - self.b[j], self.p)
        centre, last = self.pos[i], torch.full_like(i, self.b.shape[0] - 1)
        first = torch.zeros_like(i)
        counts = []
        for strict in (True, False):
            top = self._end(b_i, v, centre, last, strict, upper=True)
            bottom = self._end(b_i, v, first, centre, strict, upper=False)
            counts.append((top - bottom).to(torch.float64))
        less = torch.where(v > 0, counts[0], 0.0)
        return less + (counts[1] - less + 1.0) / 2.0

    def chunk(self, start, stop):
        return _SortedChunk(self, start, stop)


class _SortedChunk:
    """Rank lookups from the rows of one chunk, by bisection."""

    def __init__(self, ranks, start, stop):
        self.ranks, self.start, self.stop = ranks, start, stop

    def at(self, r_sel, pts):
        """Ranks of points ``pts`` from chunk rows ``r_sel`` (None: leading axis)."""
        if r_sel is None:
            rows = torch.arange(self.start, self.stop, device=pts.device)
            rows = rows.view(-1, *([1] * (pts.dim() - 1)))
        else:
            rows = self.start + r_sel[..., None]
        return self.ranks.at(rows, pts)


class _DenseChunk:
    """Rank lookups in the (R, N) rank rows of one chunk."""

    def __init__(self, rows):
        self.rows = rows

    def at(self, r_sel, pts):
        if r_sel is None:
            return self.rows.gather(1, pts.flatten(1)).view(pts.shape)
        return self.rows[r_sel[..., None], pts]


class _TargetRanks:
    """Rank rows of a fixed space B, cached as an N × N float32 matrix if small."""

    def __init__(self, B, p, chunk_size, cache_bytes):
        self.B, self.p, n = B, p, B.shape[0]
        self.cache = None
        if 4 * n * n <= cache_bytes:
            self.cache = torch.empty(n, n, dtype=torch.float32, device=B.device)
            for start, stop in _spans(n, _rows_per_chunk(48 * n, chunk_size)):
                self.cache[start:stop] = self._compute(start, stop)

    def _compute(self, start, stop):
        return rank_rows(distance_rows(self.B, start, stop, self.p))

    def chunk(self, start, stop):
        if self.cache is not None:
            return _DenseChunk(self.cache[start:stop])
        return _DenseChunk(self._compute(start, stop))


class _SubsetDistances:
    """``d_S`` rows for a growing feature set S, cached (N × N) if small.

    A newly added feature is folded into the cache lazily, chunk by chunk, the
    next time those rows are read, so the update and the search that follows
    touch the same memory while it is warm.
    """

    def __init__(self, X, p, cache_bytes):
        self.X, self.p, n = X, p, X.shape[0]
        self.selected, self.pending = [], []
        self.cache = None
        if 8 * n * n <= cache_bytes:
            self.cache = torch.zeros(n, n, dtype=X.dtype, device=X.device)
            self.cache.fill_diagonal_(math.inf)

    def add(self, feature):
        self.selected.append(feature)
        self.pending.append(feature)

    def rows(self, start, stop):
        """Rows ``start:stop``; read every row once per step, in order."""
        if self.cache is None:
            return distance_rows(self.X[:, self.selected], start, stop, self.p)
        block = self.cache[start:stop]
        for feature in self.pending:
            col = self.X[:, feature]
            block += _power(col[start:stop, None] - col, self.p)
        if stop == self.X.shape[0]:
            self.pending = []
        return block


def _columns_sorted(X):
    """Per-column sort order (M, N) and each row's position in it (N, M)."""
    order = torch.argsort(X, dim=0, stable=True)
    pos = torch.empty_like(order)
    arange = torch.arange(X.shape[0], device=X.device).unsqueeze(1).expand_as(order)
    pos.scatter_(0, order, arange)
    return order.T.contiguous(), pos


def _window(order, values, col, centre, x_q, half, p):
    """``2 half + 1`` points around ``centre`` in sorted column ``col``, and the
    smallest ``|Δx|^p`` that any point outside the window can have."""
    n = order.shape[1]
    width = 2 * half + 1
    start = (centre - half).clamp(0, n - width)
    col = col[..., None]
    pts = order[col, start[..., None] + torch.arange(width, device=order.device)]
    edges = torch.stack((start - 1, start + width), -1)
    ends = order[col, edges.clamp(0, n - 1)]
    gaps = _power(values[col, ends] - x_q[..., None], p)
    tau = gaps.masked_fill((edges < 0) | (edges >= n), math.inf).amin(-1)
    return pts, tau


def _near_set(ctx, d_s, rows, size):
    """Probed points of chunk rows ``rows`` in S: values, points, outside bound."""
    if ctx["n_selected"] == 1:
        g = ctx["start"] + rows
        x_s = ctx["x_s"]
        centre, x_q = ctx["pos_s"][g], x_s[0, g]
        pts, tau = _window(ctx["order_s"], x_s, 0 * g, centre, x_q, size, ctx["p"])
        return d_s[rows[:, None], pts], pts, tau
    d_rows = d_s if len(rows) == len(d_s) else d_s.index_select(0, rows)
    vals, pts = torch.topk(_as_int(d_rows), size + 1, dim=1, largest=False)
    vals = vals.view(d_s.dtype)
    return vals[:, :size], pts[:, :size], vals[:, size]


def _finish(d, pts, r_b, r_sel, tau, k, dim):
    """Rank sums of the tie-shared neighbours along ``dim`` and exactness flags.

    ``pts`` maps positions along ``dim`` to points (None: they are points);
    ``r_sel`` picks the rank row of each batch entry (None: the leading axis).
    """
    idx, w, kth = neighbour_weights(d, k, dim)
    if pts is not None:
        idx = pts.expand(d.shape).gather(dim, idx)
    sums = (w * r_b.at(r_sel, idx).to(torch.float64)).sum(dim)
    return sums, None if tau is None else kth.squeeze(dim) < tau


def _probe_rows(ctx, d_s, r_b, size):
    """First level for every (row, candidate) pair of the chunk, S non-empty.

    All candidates of a row share its probed points, so the distances are laid
    out (R, size, C) and reduced over the middle axis.
    """
    rows = torch.arange(d_s.shape[0], device=d_s.device)
    vals, pts, tau = _near_set(ctx, d_s, rows, size)
    x_near = ctx["X_c"].index_select(0, pts.flatten()).view(*pts.shape, -1)
    d = _power(x_near - ctx["x_i"][:, None, :], ctx["p"])
    d += vals[..., None]
    return _finish(d, pts[..., None], r_b, None, tau[:, None], ctx["k"], 1)


def _probe_pairs(ctx, d_s, r_b, r_idx, c_idx, size):
    """Rank sums and exactness flags for (row, candidate) pairs.

    ``r_idx`` (rows of the chunk) and ``c_idx`` (candidates) broadcast to the
    batch shape; ``size`` is the probe size (a half-width for windows). The flag
    is None when full rows were used.
    """
    n, p, k, x_ct = d_s.shape[1], ctx["p"], ctx["k"], ctx["X_ct"]
    x_q = ctx["x_i"][r_idx, c_idx]
    if 2 * size + 3 >= n:
        d = d_s[r_idx] + _power(x_ct[c_idx] - x_q[..., None], p)
        return _finish(d, None, r_b, r_idx, None, k, -1)
    if ctx["n_selected"]:
        rows, inv = torch.unique(r_idx, return_inverse=True)
        vals, pts, tau = (t[inv] for t in _near_set(ctx, d_s, rows, size))
        d = _power(x_ct[c_idx[..., None], pts] - x_q[..., None], p) + vals
    else:
        centre = ctx["pos_c"][ctx["start"] + r_idx, c_idx]
        pts, tau = _window(ctx["order_c"], x_ct, c_idx, centre, x_q, size, p)
        d = d_s[r_idx[..., None], pts]
        d += _power(x_ct[c_idx[..., None], pts] - x_q[..., None], p)
    return _finish(d, pts, r_b, r_idx, tau, k, -1)


def _pruned_sums(ctx, start, d_s, r_b):
    """Σ_j w_ij r^B_ij for every row of the chunk and every candidate: (R, C)."""
    dev = d_s.device
    n_rows, n = d_s.shape
    ctx["start"] = start
    ctx["x_i"] = ctx["X_c"][start : start + n_rows]
    size = ctx["size"]
    if ctx["n_selected"] and 2 * size + 3 < n:
        sums, ok = _probe_rows(ctx, d_s, r_b, size)
    else:
        r_all = torch.arange(n_rows, device=dev)[:, None]
        c_all = torch.arange(ctx["x_i"].shape[1], device=dev)[None, :]
        sums, ok = _probe_pairs(ctx, d_s, r_b, r_all, c_all, size)
    bad = (~ok).nonzero() if ok is not None else sums[:0, :0].long()
    ctx["stats"].append((size, sums.numel(), len(bad)))
    while len(bad):
        size *= _ESCALATE
        per_pair = 48 * min(n, 2 * size + 1)
        still = []
        for part in bad.split(max(1, _CHUNK_BYTES // per_pair)):
            r_f, c_f = part[:, 0], part[:, 1]
            part_sums, part_ok = _probe_pairs(ctx, d_s, r_b, r_f, c_f, size)
            sums[r_f, c_f] = part_sums
            if part_ok is not None:
                still.append(part[~part_ok])
        n_in = len(bad)
        bad = torch.cat(still) if still else bad[:0]
        ctx["stats"].append((size, n_in, len(bad)))
    return sums


def _next_size(stats, k):
    """Probe size for the next step: half the size that left ≤ 5 % unresolved."""
    totals = {}
    for size, n_in, n_bad in stats:
        t = totals.setdefault(size, [0, 0])
        t[0] += n_in
        t[1] += n_bad
    first = min(totals)
    n_pairs = totals[first][0]
    for size in sorted(totals):
        if totals[size][1] <= 0.05 * n_pairs:
            return max(k + 1, 8, size // 2)
    return max(k + 1, 8, max(totals))


def _brute_sums(ctx, start, d_s, r_b, full_nb):
    """Rank sums from full (R, C, N) distance rows: forward (skipped when
    ``r_b`` is None) and backward (when ``full_nb`` is given)."""
    x_i = ctx["X_c"][start : start + d_s.shape[0]]
    d = d_s[:, None, :] + _power(x_i[..., None] - ctx["X_ct"][None], ctx["p"])
    fwd = bwd = None
    if r_b is not None:
        idx, w, _ = neighbour_weights(d, ctx["k"])
        fwd = (w * r_b.at(None, idx).to(torch.float64)).sum(-1)
    if full_nb is not None:
        nb_idx, nb_w = (t[start : start + d_s.shape[0], None, :] for t in full_nb)
        values = d.gather(-1, nb_idx.expand(*d.shape[:2], -1))
        bwd = (nb_w * ranks_at(d, values)).sum(-1)
    return fwd, bwd


def _step_sums(ctx, d_sub, r_target, full_nb, chunk_size):
    """Rank sums of every candidate: forward, Σ over Δ(S∪c → B), and backward,
    Σ over Δ(X → S∪c) when ``full_nb`` holds the neighbours of the full X."""
    n, n_cand = ctx["X_c"].shape
    fwd = torch.zeros(n_cand, dtype=torch.float64, device=ctx["X_c"].device)
    bwd = None if full_nb is None else torch.zeros_like(fwd)
    if ctx["pruned"]:
        per_row = 48 * n_cand * (2 * ctx["size"] + 1) + 16 * n
        rows = _rows_per_chunk(per_row, chunk_size, _PROBE_CHUNK_BYTES)
        for start, stop in _spans(n, rows):
            d_s, r_b = d_sub.rows(start, stop), r_target.chunk(start, stop)
            fwd += _pruned_sums(ctx, start, d_s, r_b).sum(0)
        if full_nb is None:
            return fwd, bwd
    rows = _rows_per_chunk(8 * n_cand * n, chunk_size, _BRUTE_CHUNK_BYTES)
    for start, stop in _spans(n, rows):
        r_b = None if ctx["pruned"] else r_target.chunk(start, stop)
        f, b = _brute_sums(ctx, start, d_sub.rows(start, stop), r_b, full_nb)
        if f is not None:
            fwd += f.sum(0)
        if b is not None:
            bwd += b.sum(0)
    return fwd, bwd


def _full_neighbours(X, k, p, chunk_size):
    """Tie-shared k-neighbour indices and weights of every row, zero-padded."""
    n = X.shape[0]
    found = []
    for start, stop in _spans(n, _rows_per_chunk(40 * n, chunk_size)):
        idx, w, _ = neighbour_weights(distance_rows(X, start, stop, p), k)
        found.append((idx, w))
    q = max(idx.shape[1] for idx, _ in found)
    pad = torch.nn.functional.pad
    return (
        torch.cat([pad(idx, (0, q - idx.shape[1])) for idx, _ in found]),
        torch.cat([pad(w, (0, q - w.shape[1])) for _, w in found]),
    )


def greedy_selection(
    X,
    n_select,
    *,
    target=None,
    k=1,
    p=2,
    chunk_size=None,
    cache_bytes=_CACHE_BYTES,
    prune=True,
):
    """Greedy forward selection by information imbalance.

    Parameters
    ----------
    X : float64 tensor of shape (N, M)
    n_select : int
    target : float64 tensor of shape (N, q) or None
        Supervised: minimise Δ(X_S → target). None (unsupervised): minimise
        ``[Δ(X → X_S) + Δ(X_S → X)] / √2`` (Eq. 16).
    k, p : int
        Neighbours averaged over, and the distance power (2 or 1).
    chunk_size : int or None
        Rows per chunk; None sizes chunks to about 128 MiB of temporaries.
    cache_bytes : int
        Largest N × N cache kept (target ranks, then ``d_S``).
    prune : bool
        False scores every candidate on full rows (slow; for checking).

    Returns
    -------
    order : list of int
        Selected columns, first selected first. Equal scores go to the lowest
        column index.
    path : ndarray of shape (n_select,)
        The minimised imbalance after each addition.
    table : ndarray of shape (n_select, M)
        The score of every candidate at every step (NaN once selected).
    """
    n, m = X.shape
    supervised = target is not None
    space = target if supervised else X
    if space.shape[1] == 1 and 4 * n * n > cache_bytes // _SORTED_FRACTION:
        r_target, rank_bytes = _SortedRanks(space[:, 0], p), 0
    else:
        r_target = _TargetRanks(space, p, chunk_size, cache_bytes)
        rank_bytes = 0 if r_target.cache is None else 4 * n * n
    d_sub = _SubsetDistances(X, p, cache_bytes - rank_bytes)
    full_nb = None if supervised else _full_neighbours(X, k, p, chunk_size)
    order_all, pos_all = _columns_sorted(X) if prune else (None, None)
    path, table, size = [], np.full((n_select, m), np.nan), k + 1
    scale = 2.0 / (n * n * k)
    for step in range(n_select):
        sel = d_sub.selected
        cand = torch.tensor([c for c in range(m) if c not in sel], device=X.device)
        X_c = X[:, cand]
        ctx = {"X_c": X_c, "X_ct": X_c.T.contiguous(), "k": k, "p": p,
               "n_selected": len(sel), "stats": [], "pruned": prune}  # fmt: skip
        if prune:
            ctx["order_c"], ctx["pos_c"] = order_all[cand], pos_all[:, cand]
            if len(sel) == 1:
                ctx["order_s"], ctx["pos_s"] = order_all[sel], pos_all[:, sel[0]]
                ctx["x_s"] = X[:, sel].T.contiguous()
                size = max(k + 1, math.isqrt(n))
            ctx["size"] = size
        fwd, bwd = _step_sums(ctx, d_sub, r_target, full_nb, chunk_size)
        score = fwd * scale
        if not supervised:
            score = (score + bwd * scale) / math.sqrt(2.0)
        score = score.cpu().numpy()
        best = int(np.argmin(score))
        table[step, cand.cpu().numpy()] = score
        path.append(float(score[best]))
        d_sub.add(int(cand[best]))
        if prune and ctx["n_selected"]:
            size = _next_size(ctx["stats"], k)
    return list(d_sub.selected), np.asarray(path), table


def _as_tensor(a, device):
    return torch.as_tensor(np.ascontiguousarray(a, dtype=np.float64), device=device)


def imbalance_numpy(A, B, *, k=1, p=2, device=None, chunk_size=None):
    """Numpy-in, float-out :func:`imbalance` on 2-D arrays."""
    dev = resolve_device("auto" if device is None else device)
    A, B = _as_tensor(A, dev), _as_tensor(B, dev)
    return imbalance(A, B, k=k, p=p, chunk_size=chunk_size)


def greedy_selection_numpy(X, n_select, *, target=None, device=None, **kwargs):
    """Numpy-in, numpy-out :func:`greedy_selection`."""
    dev = resolve_device("auto" if device is None else device)
    y = None if target is None else _as_tensor(target, dev)
    order, path, table = greedy_selection(
        _as_tensor(X, dev), n_select, target=y, **kwargs
    )
    return np.asarray(order, dtype=np.intp), path, table
