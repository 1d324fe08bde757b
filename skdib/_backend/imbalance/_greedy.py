"""Greedy forward selection by information imbalance (exact, pruned search).

How the pruning stays exact is explained in :mod:`skdib._backend.imbalance._distances`.
"""

import math

import numpy as np
import torch

from skdib._backend.imbalance._distances import (
    _BRUTE_CHUNK_BYTES,
    _CACHE_BYTES,
    _CHUNK_BYTES,
    _ESCALATE,
    _PROBE_CHUNK_BYTES,
    _SORTED_FRACTION,
    _as_int,
    _column_term,
    _rows_per_chunk,
    _spans,
    column_units,
    distance_rows,
    neighbour_weights,
    ranks_at,
)
from skdib._backend.imbalance._ranks import (
    _SortedRanks,
    _SubsetDistances,
    _TargetRanks,
)

__all__ = ["greedy_selection"]


def _columns_sorted(X):
    """Per-column sort order (M, N) and each row's position in it (N, M)."""
    order = torch.argsort(X, dim=0, stable=True)
    pos = torch.empty_like(order)
    arange = torch.arange(X.shape[0], device=X.device).unsqueeze(1).expand_as(order)
    pos.scatter_(0, order, arange)
    return order.T.contiguous(), pos


def _window(order, values, units, col, centre, x_q, half, p):
    """``2 half + 1`` points around ``centre`` in sorted column ``col``, and the
    smallest term ``|Δx / unit|^p`` that any point outside the window can have
    (``units``: one per row of ``values``, or None)."""
    n = order.shape[1]
    width = 2 * half + 1
    start = (centre - half).clamp(0, n - width)
    col = col[..., None]
    pts = order[col, start[..., None] + torch.arange(width, device=order.device)]
    edges = torch.stack((start - 1, start + width), -1)
    ends = order[col, edges.clamp(0, n - 1)]
    gaps = _column_term(values[col, ends] - x_q[..., None], p,
                        None if units is None else units[col])
    tau = gaps.masked_fill((edges < 0) | (edges >= n), math.inf).amin(-1)
    return pts, tau


def _near_set(ctx, d_s, rows, size):
    """Probed points of chunk rows ``rows`` in S: values, points, outside bound."""
    if ctx["n_selected"] == 1:
        g = ctx["start"] + rows
        x_s = ctx["x_s"]
        centre, x_q = ctx["pos_s"][g], x_s[0, g]
        pts, tau = _window(ctx["order_s"], x_s, ctx["unit_s"], 0 * g, centre, x_q,
                           size, ctx["p"])
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
    d = _column_term(x_near - ctx["x_i"][:, None, :], ctx["p"], ctx["units_c"])
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
    units = ctx["units_c"]
    unit = None if units is None else units[c_idx][..., None]
    if 2 * size + 3 >= n:
        d = d_s[r_idx] + _column_term(x_ct[c_idx] - x_q[..., None], p, unit)
        return _finish(d, None, r_b, r_idx, None, k, -1)
    if ctx["n_selected"]:
        rows, inv = torch.unique(r_idx, return_inverse=True)
        vals, pts, tau = (t[inv] for t in _near_set(ctx, d_s, rows, size))
        d = _column_term(x_ct[c_idx[..., None], pts] - x_q[..., None], p, unit)
        d += vals
    else:
        centre = ctx["pos_c"][ctx["start"] + r_idx, c_idx]
        pts, tau = _window(ctx["order_c"], x_ct, units, c_idx, centre, x_q, size, p)
        d = d_s[r_idx[..., None], pts]
        d += _column_term(x_ct[c_idx[..., None], pts] - x_q[..., None], p, unit)
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
    units = ctx["units_c"]
    d = d_s[:, None, :] + _column_term(x_i[..., None] - ctx["X_ct"][None], ctx["p"],
                                       None if units is None else units[:, None])
    fwd = bwd = None
    if r_b is not None:
        idx, w, _ = neighbour_weights(d, ctx["k"])
        fwd = (w * r_b.at(None, idx).to(torch.float64)).sum(-1)
    if full_nb is not None:
        nb_idx, nb_w = (t[start : start + d_s.shape[0], None, :] for t in full_nb)
        values = d.gather(-1, nb_idx.expand(*d.shape[:2], -1))
        bwd = (nb_w * ranks_at(d, values)).sum(-1)
    return fwd, bwd


def _row_sum(sums, ctx, start):
    """Σ over the rows of a chunk of ``sums`` (R, C), each row weighted by
    its point's weight when the selection is weighted."""
    weights = ctx.get("row_weights")
    if weights is None:
        return sums.sum(0)
    return (sums * weights[start:start + sums.shape[0], None]).sum(0)


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
            fwd += _row_sum(_pruned_sums(ctx, start, d_s, r_b), ctx, start)
        if full_nb is None:
            return fwd, bwd
    rows = _rows_per_chunk(8 * n_cand * n, chunk_size, _BRUTE_CHUNK_BYTES)
    for start, stop in _spans(n, rows):
        r_b = None if ctx["pruned"] else r_target.chunk(start, stop)
        f, b = _brute_sums(ctx, start, d_sub.rows(start, stop), r_b, full_nb)
        if f is not None:
            fwd += _row_sum(f, ctx, start)
        if b is not None:
            bwd += _row_sum(b, ctx, start)
    return fwd, bwd


def _full_neighbours(X, k, p, chunk_size, units):
    """Tie-shared k-neighbour indices and weights of every row, zero-padded."""
    n = X.shape[0]
    found = []
    for start, stop in _spans(n, _rows_per_chunk(40 * n, chunk_size)):
        idx, w, _ = neighbour_weights(distance_rows(X, start, stop, p, units), k)
        found.append((idx, w))
    q = max(idx.shape[1] for idx, _ in found)
    pad = torch.nn.functional.pad
    return (
        torch.cat([pad(idx, (0, q - idx.shape[1])) for idx, _ in found]),
        torch.cat([pad(w, (0, q - w.shape[1])) for _, w in found]),
    )


def _target_ranks(space, units, p, chunk_size, cache_bytes):
    """Rank lookups in the space that the neighbours are ranked in, and the
    bytes their cache takes: bisection for one large column, else rank rows."""
    n = space.shape[0]
    if space.shape[1] == 1 and 4 * n * n > cache_bytes // _SORTED_FRACTION:
        unit = None if units is None else units[0]
        return _SortedRanks(space[:, 0], p, unit), 0
    ranks = _TargetRanks(space, p, chunk_size, cache_bytes, units)
    return ranks, 0 if ranks.cache is None else 4 * n * n


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
    row_weights=None,
    units=None,
    target_units=None,
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
    row_weights : float64 tensor of shape (N,) or None
        Weights of the points in the averages over points i (mean 1); every
        point still serves as a neighbour. None: all equal.
    units, target_units : float64 tensors of shape (M,) and (q,), or None
        Units of the columns of X and of the target: every difference of
        values in a column is divided by its unit before it is raised to the
        power p (standardised distances when the units are the standard
        deviations). A unit that is not positive counts as 1; None: no units.

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
    units = column_units(units, m)
    space, space_units = (
        (target, column_units(target_units, target.shape[1])) if supervised
        else (X, units))
    r_target, rank_bytes = _target_ranks(space, space_units, p, chunk_size,
                                         cache_bytes)
    d_sub = _SubsetDistances(X, p, cache_bytes - rank_bytes, units)
    full_nb = None if supervised else _full_neighbours(X, k, p, chunk_size, units)
    order_all, pos_all = _columns_sorted(X) if prune else (None, None)
    path, table, size = [], np.full((n_select, m), np.nan), k + 1
    scale = 2.0 / (n * n * k)
    for step in range(n_select):
        sel = d_sub.selected
        cand = torch.tensor([c for c in range(m) if c not in sel], device=X.device)
        X_c = X[:, cand]
        ctx = {"X_c": X_c, "X_ct": X_c.T.contiguous(), "k": k, "p": p,
               "n_selected": len(sel), "stats": [], "pruned": prune,
               "row_weights": row_weights,
               "units_c": None if units is None else units[cand]}  # fmt: skip
        if prune:
            ctx["order_c"], ctx["pos_c"] = order_all[cand], pos_all[:, cand]
            if len(sel) == 1:
                ctx["order_s"], ctx["pos_s"] = order_all[sel], pos_all[:, sel[0]]
                ctx["x_s"] = X[:, sel].T.contiguous()
                ctx["unit_s"] = None if units is None else units[sel]
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
