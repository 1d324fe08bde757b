"""How much one row moves the sandwich bounds' midpoint.

The leave-one-out upper bound has no ceiling per row: a held-out row far
from every other (an input many standard deviations out, which the encoder
maps far from all other messages) gets a summand of thousands of nats, and
the channel's midpoint follows that one row. :class:`RowInfluence` gathers
each row's midpoint summands over the batches and says, per channel, how
much the midpoint would fall without the row that moves it most.
"""

import math

import torch

__all__ = ["RowInfluence"]

LN2 = math.log(2.0)


class RowInfluence:
    """Per-row sums of the bounds' midpoint summands, over the batches.

    ``add(idx, midpoints, weights)`` takes one batch: the rows drawn (``(k,)``
    indices into the input rows), their midpoint summands in nats (``(c,
    k)``) and their weights (``(k,)`` or None). :meth:`largest_drop` gives,
    per channel, the largest fall of the weighted mean of all summands when
    every summand of one row leaves it, in bits.
    """

    def __init__(self):
        self._idx, self._mids, self._weights = [], [], []

    def add(self, idx, midpoints, weights=None):
        self._idx.append(idx)
        self._mids.append(midpoints)
        self._weights.append(torch.ones_like(midpoints[0]) if weights is None
                             else weights.to(midpoints))

    def largest_drop(self):
        """Float64 bits, ``(c,)``: 0 where fewer than two rows were drawn."""
        idx = torch.cat(self._idx)
        mids, w = torch.cat(self._mids, dim=1), torch.cat(self._weights)
        rows, inverse = torch.unique(idx, return_inverse=True)
        per_row = mids.new_zeros((mids.shape[0], len(rows)))
        per_row.index_add_(1, inverse, mids * w)
        weight = w.new_zeros(len(rows)).index_add_(0, inverse, w)
        total, total_weight = per_row.sum(dim=1, keepdim=True), weight.sum()
        rest = total_weight - weight
        if len(rows) < 2 or not bool((rest > 0).any()):
            return mids.new_zeros(mids.shape[0])
        without = (total - per_row) / rest.clamp_min(torch.finfo(w.dtype).tiny)
        drop = torch.where(rest > 0, total / total_weight - without, -math.inf)
        return (drop.amax(dim=1) / LN2).clamp_min(0.0)
