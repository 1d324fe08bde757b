"""Rank lookups in the target space and cached subset distances."""

import math

import torch

from skdib._backend.imbalance._distances import (
    _column_term,
    _rows_per_chunk,
    _spans,
    distance_rows,
    neighbour_weights,
    rank_rows,
    ranks_at,
)

__all__ = ["imbalance"]


def imbalance(A, B, *, k=1, p=2, chunk_size=None, row_weights=None):
    """Δ(A→B) for float64 tensors A (N, F_A) and B (N, F_B) on one device.

    ``row_weights`` (N,), mean 1, weight the points in the average over i.
    """
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
        per_row = (w * ranks).sum(-1)
        if row_weights is not None:
            per_row = per_row * row_weights[start:stop]
        total += per_row.sum()
    return float(total) * 2.0 / (n * n * k)


class _SortedRanks:
    """Exact average ranks in a one-dimensional space, by binary search.

    Along the sorted values, the distance from point i falls towards i and
    rises after it (floating-point subtraction is monotone), so the points
    closer than a given distance form one run of sorted positions around i.
    Its two ends are found by bisection with the same arithmetic as
    :func:`distance_rows` (``unit``: the column's unit, a one-element tensor,
    or None), so the ranks are exactly those of the distance rows.
    """

    def __init__(self, b, p, unit=None):
        self.b, self.p, self.unit, n = b, p, unit, b.shape[0]
        self.sorted, order = torch.sort(b, stable=True)
        self.pos = torch.empty_like(order)
        self.pos[order] = torch.arange(n, device=b.device)
        self.n_iter = max(1, math.ceil(math.log2(n)) + 1)

    def _end(self, b_i, v, lo, hi, strict, upper):
        """Last (``upper``) or first sorted position whose distance is < v (≤ v)."""
        for _ in range(self.n_iter):
            mid = (lo + hi + 1) // 2 if upper else (lo + hi) // 2
            dist = _column_term(b_i - self.sorted[mid], self.p, self.unit)
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
        v = _column_term(b_i - self.b[j], self.p, self.unit)
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
    """Rank rows of a fixed space B (``units``: per column, or None), cached
    as an N × N float32 matrix if small."""

    def __init__(self, B, p, chunk_size, cache_bytes, units=None):
        self.B, self.p, self.units, n = B, p, units, B.shape[0]
        self.cache = None
        if 4 * n * n <= cache_bytes:
            self.cache = torch.empty(n, n, dtype=torch.float32, device=B.device)
            for start, stop in _spans(n, _rows_per_chunk(48 * n, chunk_size)):
                self.cache[start:stop] = self._compute(start, stop)

    def _compute(self, start, stop):
        return rank_rows(distance_rows(self.B, start, stop, self.p, self.units))

    def chunk(self, start, stop):
        if self.cache is not None:
            return _DenseChunk(self.cache[start:stop])
        return _DenseChunk(self._compute(start, stop))


class _SubsetDistances:
    """``d_S`` rows for a growing feature set S, cached (N × N) if small.
    ``units`` (M,) or None are the columns' units.

    A newly added feature is folded into the cache lazily, chunk by chunk, the
    next time those rows are read, so the update and the search that follows
    touch the same memory while it is warm.
    """

    def __init__(self, X, p, cache_bytes, units=None):
        self.X, self.p, self.units, n = X, p, units, X.shape[0]
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
            units = None if self.units is None else self.units[self.selected]
            return distance_rows(self.X[:, self.selected], start, stop, self.p,
                                 units)
        block = self.cache[start:stop]
        for feature in self.pending:
            col = self.X[:, feature]
            unit = None if self.units is None else self.units[feature]
            block += _column_term(col[start:stop, None] - col, self.p, unit)
        if stop == self.X.shape[0]:
            self.pending = []
        return block
