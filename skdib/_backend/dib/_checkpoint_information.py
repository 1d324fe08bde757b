"""Information estimates of every channel at one checkpoint of the sweep.

Continuous channels get the InfoNCE lower and leave-one-out upper bounds on a
batch of held-out posteriors; discrete channels (few distinct input values)
get the information of their finite Gaussian mixture, estimated from all
components at once, with the Kolchinsky-Tracey pairwise bounds around it.
"""

import time

import numpy as np
import torch

from skdib._backend._tensors import make_generator, to_numpy
from skdib._backend.dib._information import effective_rows, mi_bounds
from skdib._backend.dib._mixture import mixture_information, mixture_information_bounds

__all__ = ["ESTIMATE_KEYS", "make_information_fn", "with_estimate_keys"]

ESTIMATE_KEYS = ("nce_lower", "loo_upper", "sandwich_se", "mixture", "mixture_se",
                 "mixture_lower", "mixture_upper")


def with_estimate_keys(record):
    """A training record (lists per checkpoint) with every key of
    :data:`ESTIMATE_KEYS`: NaN where a key is newer than the record (a sweep
    captured for resume before ``sandwich_se`` was recorded)."""
    shapes = [np.shape(v) for v in record.get("nce_lower", ())]
    for key in ESTIMATE_KEYS:
        record.setdefault(key, [np.full(shape, np.nan) for shape in shapes])
    return record


def _components(discrete, device):
    """Channel indices, padded representative rows and weights of the mixtures."""
    channels = [c for c, d in enumerate(discrete) if d is not None]
    if not channels:
        return None
    n_values = max(len(discrete[c][0]) for c in channels)
    rows = np.zeros((len(channels), n_values), dtype=np.int64)
    weights = np.zeros((len(channels), n_values))
    for i, c in enumerate(channels):
        idx, w = discrete[c]
        rows[i, :len(idx)] = idx
        weights[i, :len(w)] = w
    return (torch.as_tensor(channels, device=device),
            torch.as_tensor(rows, device=device),
            torch.as_tensor(weights, dtype=torch.float64, device=device))


def make_information_fn(*, batch_size, n_batches, seed, discrete,
                        n_mixture_samples, device, weights=None, clusters=None):
    """A function of held-out posteriors returning per-channel estimates.

    Parameters
    ----------
    batch_size, n_batches : int
        Evaluation batch K and number of batches of the sandwich bounds.
    seed : int
        Every call reseeds, so checkpoints are compared on the same draws.
    discrete : list
        Per channel: None (continuous) or ``(rows, weights)``: the held-out
        rows that represent each distinct input value, and the values'
        frequencies among the held-out rows.
    n_mixture_samples : int
        Monte Carlo draws per mixture component.
    weights : array-like of shape (n_val,) or None
        The held-out rows' weights: the sandwich bounds then describe the
        weighted population, as ``kl`` and the mixtures' frequencies do, and
        every standard error counts the effective number of rows.
    clusters : array-like of shape (n_val,) of int or None
        Codes 0, 1, ... of correlated held-out rows (the groups of a grouped
        split): the continuous channels' standard error is then
        cluster-robust.

    Returns
    -------
    estimate : callable
        ``estimate(mu, log_var)`` with tensors (n_channels, n_val, d) returns
        a dict of numpy arrays of shape (n_channels,) keyed by
        :data:`ESTIMATE_KEYS` (NaN where an estimate does not apply). Its
        ``elapsed`` attribute accumulates the seconds spent.
    """
    continuous = [c for c, d in enumerate(discrete) if d is None]
    cont_index = torch.as_tensor(continuous, dtype=torch.long, device=device)
    mixtures = _components(discrete, device)
    n_rows = None  # the held-out rows' number: known at the first call
    if weights is not None:
        weights = torch.as_tensor(np.asarray(weights, dtype=np.float64),
                                  device=device)
        n_rows = effective_rows(weights)
    if clusters is not None:
        clusters = torch.as_tensor(clusters, dtype=torch.long, device=device)

    @torch.no_grad()
    def estimate(mu, log_var):
        start = time.perf_counter()
        out = {k: np.full(mu.shape[0], np.nan) for k in ESTIMATE_KEYS}
        gen = make_generator(seed, mu.device)
        if continuous:
            lower, upper, se = mi_bounds(
                mu[cont_index], log_var[cont_index], batch_size=batch_size,
                n_batches=n_batches, generator=gen, return_se=True,
                weights=weights, clusters=clusters)
            out["nce_lower"][continuous] = to_numpy(lower)
            out["loo_upper"][continuous] = to_numpy(upper)
            out["sandwich_se"][continuous] = to_numpy(se)
        if mixtures is not None:
            channels, rows, freqs = mixtures
            m = mu[channels[:, None], rows].to(torch.float64)
            lv = log_var[channels[:, None], rows].to(torch.float64)
            value, se = mixture_information(m, lv, freqs,
                                            n_samples=n_mixture_samples,
                                            generator=gen,
                                            n_rows=n_rows or mu.shape[1])
            lo, up = mixture_information_bounds(m, lv, freqs)
            idx = to_numpy(channels)
            for key, t in (("mixture", value), ("mixture_se", se),
                           ("mixture_lower", lo), ("mixture_upper", up)):
                out[key][idx] = to_numpy(t)
        estimate.elapsed += time.perf_counter() - start
        return out

    estimate.elapsed = 0.0
    return estimate
