"""Scores of the heads' predictions, and the InfoNCE relevance bound."""

import math

__all__ = ["infonce_lower_bound", "r2_with_se"]


def infonce_lower_bound(mean_nll, batch_size):
    """InfoNCE lower bound on I(U; Y) in nats from a batch's mean InfoNCE loss.

    With the other ``batch_size - 1`` pairs of the batch as negatives, the bound
    is ``log(batch_size) - mean loss`` (Eq. 5 of the Distributed IB paper).
    """
    return math.log(batch_size) - mean_nll


def r2_with_se(pred, y):
    """R² of ``pred`` averaged over outputs, and its standard error.

    R² = 1 - mean_i t_i with t_i the squared error of sample i over the
    variance of y (averaged over outputs); the standard error is that of the
    mean of t_i.
    """
    var = ((y - y.mean(dim=0)) ** 2).mean(dim=0).clamp_min(1e-12)
    t = (((y - pred) ** 2) / var).mean(dim=1).double()
    return 1.0 - t.mean(), t.std() / math.sqrt(len(t))
