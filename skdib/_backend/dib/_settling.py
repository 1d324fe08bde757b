"""Whether the network had settled at a checkpoint's β.

Across the hold before a checkpoint β is constant (see
:func:`~skdib._backend.dib._schedule.beta_schedule`), so a network at an
optimum of the Lagrangian keeps each channel's training KL up to batch noise.
The drift of a channel compares its mean KL over the first and the second
half of the hold; in a sweep caught in the middle of a transition (all
channels collapsing together) many channels drift by most of their KL.
"""

import math

import numpy as np
import torch

#: KL (nats) below which changes do not count: 0.05 bits, a channel unused.
KL_FLOOR = 0.05 * math.log(2)
#: Fewer steps at one β than this and no drift is measured (reported as NaN,
#: "not measured", which the path counts as settled: 0 would read as "did
#: not move at all").
MIN_STEPS = 4


class HoldWindow:
    """The batch KL of every step taken at the β now held.

    ``add`` takes the per-channel KL of one step, of shape (C,) for one
    network or (R, C) for R replicates; values stay on the device until
    :meth:`drift` is read, once per checkpoint.
    """

    def __init__(self):
        self.beta = None
        self.values = []

    def add(self, beta, kl):
        if beta != self.beta:
            self.beta, self.values = beta, []
        self.values.append(kl.detach())

    def drift(self):
        """Per channel, the relative change of the mean KL over the hold.

        ``|b - a| / max(a, b, KL_FLOOR)`` with ``a`` and ``b`` the means over
        its first and second half: a list of C floats for one network, R
        such lists for replicates; NaN (not measured) after fewer than
        ``MIN_STEPS``.
        """
        n = len(self.values)
        if n < MIN_STEPS:
            return torch.full_like(self.values[-1], math.nan,
                                   dtype=torch.float64).tolist()
        kl = torch.stack(self.values).double()
        half = n // 2
        first, second = kl[:half].mean(dim=0), kl[n - half:].mean(dim=0)
        scale = torch.clamp(torch.maximum(first, second), min=KL_FLOOR)
        return ((second - first).abs() / scale).tolist()


def with_drift(record):
    """The record with ``kl_drift``: NaN where it was kept from before
    checkpoints measured their drift.

    One array of NaN per checkpoint, shaped as that checkpoint's KL (the
    path counts NaN as settled), for states captured for resume and replicate
    records of older fits; a record that has drifts (or None) is returned
    as it is.
    """
    if record is None or "kl_drift" in record:
        return record
    return {**record, "kl_drift": [np.full(np.shape(kl), np.nan)
                                   for kl in record.get("kl", ())]}
