"""How much one held-out row moves a channel's bits.

The leave-one-out upper bound has no ceiling per row: a held-out row far
from every other (an input many standard deviations out, which the encoder
maps far from all other messages) gets a summand of thousands of nats, and
the channel's bits follow that one row. :class:`RowInfluence` gathers each
row's bound summands over the batches and says, per channel, how far the
bits would fall without the row that moves them most.

The bits are those the path reports: the midpoint of the two bounds, each
floored at 0, the upper one capped at the held-out rows' mean KL
(:func:`capped_midpoint`). The cap matters: under a sharp encoder the
leave-one-out bound of an unbounded column runs far above the KL, led by
its most isolated rows, and its fall without one of them leaves the capped
bits where they were.
"""

import math

import torch

__all__ = ["RowInfluence", "capped_midpoint"]

LN2 = math.log(2.0)


def capped_midpoint(bounds, cap):
    """``(lower + upper) / 2`` of mean summands ``bounds`` (``(2, ...)``:
    lower, upper), the upper floored at 0 and capped at ``cap``, the lower
    between 0 and that upper: the path's ``information`` (nats), as
    :func:`skdib._dib._estimates.combine_estimates` makes it (change both
    together)."""
    upper = torch.minimum(bounds[1], cap).clamp_min(0.0)
    lower = torch.minimum(bounds[0].clamp_min(0.0), upper)
    return 0.5 * (lower + upper)


class RowInfluence:
    """Per-row sums of the bounds' summands over the batches of
    :func:`~._information.mi_bounds`, and the largest fall of the bits
    without one row.

    Parameters
    ----------
    units : torch.Tensor of shape (n,) of int or None
        The unit each input row belongs to, whose rows leave together (the
        held-out set of each element of a set estimator); None: every row
        is its own unit.
    """

    def __init__(self, units=None):
        self.units = None if units is None else units.to(torch.long)
        self._idx, self._terms, self._weights = [], [], []

    def add(self, idx, terms, weights=None):
        """One batch: the rows drawn (``(k,)`` indices into the input rows),
        their lower and upper summands in nats (``(2, c, k)``) and their
        weights (``(k,)`` or None)."""
        units = idx if self.units is None else self.units.to(idx.device)[idx]
        self._idx.append(units)
        self._terms.append(terms)
        self._weights.append(torch.ones_like(terms[0, 0]) if weights is None
                             else weights.to(terms))

    def _row_kl(self, kl, weights, drawn):
        """The weighted mean of ``kl`` (``(c, n)``, every input row's KL in
        nats) over all rows, ``(c, 1)``, and without each unit ``drawn``,
        ``(c, m)`` (+inf where nothing would be left)."""
        w = (torch.ones_like(kl[0]) if weights is None
             else torch.as_tensor(weights).to(kl))
        ids = (torch.arange(kl.shape[1], device=kl.device) if self.units is None
               else self.units.to(kl.device))
        n_ids = int(ids.max()) + 1
        per_unit = kl.new_zeros((kl.shape[0], n_ids)).index_add_(1, ids, kl * w)
        weight = w.new_zeros(n_ids).index_add_(0, ids, w)
        drawn = drawn.to(kl.device)
        total, total_weight = per_unit.sum(dim=1, keepdim=True), weight.sum()
        rest = total_weight - weight[drawn]
        without = (total - per_unit[:, drawn]) / rest.clamp_min(
            torch.finfo(kl.dtype).tiny)
        return (total / total_weight,
                torch.where(rest > 0, without, math.inf))

    def largest_fall(self, kl=None, kl_weights=None):
        """Per channel, how far the bits fall without the unit that moves
        them most, in bits (float64, ``(c,)``).

        Every summand of the unit leaves the bounds' weighted means; given
        ``kl`` (``(c, n)``: each input row's KL to the prior, in nats,
        averaged with ``kl_weights``, ``(n,)`` or None for equal), the
        upper bound is capped at that mean, from which the unit's rows
        leave too (:func:`capped_midpoint`); without it, uncapped. 0 where
        fewer than two units were drawn; never below 0.
        """
        idx = torch.cat(self._idx)
        terms, w = torch.cat(self._terms, dim=2), torch.cat(self._weights)
        drawn, inverse = torch.unique(idx, return_inverse=True)
        n_channels = terms.shape[1]
        if len(drawn) < 2:
            return terms.new_zeros(n_channels)
        per_unit = terms.new_zeros((2, n_channels, len(drawn)))
        per_unit.index_add_(2, inverse, terms * w)
        weight = w.new_zeros(len(drawn)).index_add_(0, inverse, w)
        total, total_weight = per_unit.sum(dim=2, keepdim=True), weight.sum()
        rest = total_weight - weight
        without = (total - per_unit) / rest.clamp_min(torch.finfo(w.dtype).tiny)
        cap, cap_without = ((terms.new_tensor(math.inf),) * 2 if kl is None
                            else self._row_kl(kl.to(terms), kl_weights, drawn))
        fall = (capped_midpoint(total / total_weight, cap)
                - capped_midpoint(without, cap_without))
        fall = torch.where(rest > 0, fall, -math.inf)
        return (fall.amax(dim=1) / LN2).clamp_min(0.0)
