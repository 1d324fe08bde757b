"""Scores of the heads' predictions, and the InfoNCE relevance bound."""

import math

import torch

__all__ = ["infonce_lower_bound", "r2_rows", "r2_with_se", "weighted_mean_se"]


def infonce_lower_bound(mean_nll, batch_size):
    """InfoNCE lower bound on I(U; Y) in nats from a batch's mean InfoNCE loss.

    With the other ``batch_size - 1`` pairs of the batch as negatives, the bound
    is ``log(batch_size) - mean loss`` (Eq. 5 of the Distributed IB paper).
    """
    return math.log(batch_size) - mean_nll


def weighted_mean_se(values, weights=None):
    """Weighted mean of per-row ``values`` and its standard error (float64):
    the one rule for every score's standard error (accuracy, R²), weighted
    or not (``weights`` None: equal).

    With normalised weights p_i = w_i / sum w, the mean is sum p_i v_i and its
    standard error sqrt(sum p_i^2 (v_i - mean)^2), which for equal weights is
    the population standard deviation over sqrt(n).
    """
    v = values.double()
    if weights is None:
        weights = torch.ones_like(v)
    p = weights.double() / weights.double().sum()
    mean = (p * v).sum()
    return mean, ((p * (v - mean)).square().sum()).sqrt()


def r2_with_se(pred, y, weights=None):
    """R² of ``pred`` averaged over outputs, and its standard error.

    R² = 1 - mean_i t_i with t_i the squared error of sample i over the
    variance of y (averaged over outputs); the standard error is that of the
    mean of t_i. With ``weights`` the means and the variance of y are
    weighted.
    """
    t = _squared_error_ratios(pred, y, weights)
    mean, se = weighted_mean_se(t, weights)
    return 1.0 - mean, se


def _over_variance(squared_error, var, constant):
    """Squared errors over the variance of y, per output. Where y does not
    vary (``constant``, see :func:`constant_outputs`), R² is undefined; as
    scikit-learn's ``r2_score`` does, the output then scores 1 if every
    prediction is exact and 0 otherwise (the ratio is 0 or 1), not a huge
    negative number from dividing by a rounding error."""
    ratio = squared_error / torch.where(constant, torch.ones_like(var), var)
    exact = (squared_error == 0).all(dim=0)
    fallback = torch.where(exact, 0.0, 1.0).to(ratio.dtype).expand_as(ratio)
    return torch.where(constant, fallback, ratio)


def constant_outputs(y, weights=None):
    """Per output, whether y takes one value on every row of positive weight.

    The test is exact, as scikit-learn's ``r2_score`` asks for a variance of
    exactly 0, and reads y on its own scale: held-out targets are in the
    training target's standard units, and a spread that is tiny on that
    scale (the training target had an outlier of 1e8) still varies, so its
    R² is that of ``score``, not the constant target's 0 or 1.
    """
    if weights is not None:
        y = y[weights > 0]
    return (y == y[:1]).all(dim=0)


def _squared_error_ratios(pred, y, weights=None):
    """t_i: each row's squared error over var(y), averaged over outputs; with
    ``weights`` the variance is the weighted one, so that the weighted mean
    of t_i is 1 - the weighted R² (:func:`r2_with_se`). The variance is
    taken in y's dtype, as it always was (the path's scores stay those of
    earlier releases); only whether y is constant is read from its values
    (:func:`constant_outputs`), which a variance far below the training
    scale (still far above float32's smallest numbers) leaves alone."""
    if weights is None:
        var = ((y - y.mean(dim=0)) ** 2).mean(dim=0)
    else:
        p = (weights / weights.sum())[:, None].to(y.dtype)
        var = (p * (y - (p * y).sum(dim=0)) ** 2).sum(dim=0)
    return _over_variance((y - pred) ** 2, var,
                          constant_outputs(y, weights)).mean(dim=1).double()


def squared_error_rows(pred, y, weights=None):
    """Each row's squared error over var(y), averaged over outputs: the
    per-row loss whose (weighted) mean is 1 - R²
    (:func:`_squared_error_ratios`)."""
    return _squared_error_ratios(pred, y, weights)


def r2_rows(pred, y, weights=None):
    """Per-row terms 1 - t_i of R² (:func:`_squared_error_ratios`).

    Differences of these between two predictions on the same rows are what a
    paired comparison of R² needs (the variance is the same for both).
    """
    return 1.0 - _squared_error_ratios(pred, y, weights)
