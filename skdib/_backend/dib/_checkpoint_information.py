"""Information estimates of every channel at one checkpoint of the sweep.

Continuous channels get the InfoNCE lower and leave-one-out upper bounds on a
batch of held-out posteriors; discrete channels (few distinct input values)
get the information of their finite Gaussian mixture, estimated from all
components at once, with the Kolchinsky-Tracey pairwise bounds around it.
A mixture has one component per value among all the fit's rows, weighted by
its frequency there: its posteriors are those of probe rows (one per value,
see :func:`skdib._dib._estimates.probe_rows`), not of held-out rows, so a
value absent from the held-out rows still counts.
"""

import time

import numpy as np
import torch

from skdib._backend._tensors import make_generator, to_numpy
from skdib._backend.dib._information import effective_rows, kl_bits, kl_nats, mi_bounds
from skdib._backend.dib._mixture import mixture_information, mixture_information_bounds
from skdib._backend.dib._row_influence import RowInfluence

__all__ = ["ESTIMATE_KEYS", "make_information_fn", "with_estimate_keys"]

ESTIMATE_KEYS = ("nce_lower", "loo_upper", "sandwich_se", "mixture", "mixture_se",
                 "mixture_lower", "mixture_upper", "mixture_kl", "nce_ceiling",
                 "row_influence")


def with_estimate_keys(record):
    """A training record (lists per checkpoint) with every key of
    :data:`ESTIMATE_KEYS`: NaN where a key is newer than the record (a sweep
    captured for resume before ``sandwich_se`` was recorded)."""
    shapes = [np.shape(v) for v in record.get("nce_lower", ())]
    for key in ESTIMATE_KEYS:
        record.setdefault(key, [np.full(shape, np.nan) for shape in shapes])
    return record


def _components(discrete, device):
    """Channel indices and padded weights of the mixtures: value j of a
    channel is probe row j."""
    channels = [c for c, d in enumerate(discrete) if d is not None]
    if not channels:
        return None
    n_values = max(len(discrete[c][1]) for c in channels)
    weights = np.zeros((len(channels), n_values))
    for i, c in enumerate(channels):
        weights[i, :len(discrete[c][1])] = discrete[c][1]
    return (torch.as_tensor(channels, device=device),
            torch.as_tensor(weights, dtype=torch.float64, device=device))


def _probe_components(mixtures, probe_mu, probe_log_var):
    """The discrete channels' components (float64 means and log-variances,
    padded to the most values): value j of a channel is probe row j."""
    if probe_mu is None:
        raise ValueError("Discrete channels need the posteriors of their "
                         "probe rows.")
    channels, freqs = mixtures
    n_values = freqs.shape[1]
    return (probe_mu[channels, :n_values].to(torch.float64),
            probe_log_var[channels, :n_values].to(torch.float64))


def _values_kl(freqs, m, lv):
    """The frequency-weighted mean KL (bits) of a mixture's components to
    the prior: padding has weight 0 and a finite KL."""
    return (freqs * kl_bits(m, lv)).sum(dim=-1).clamp_min(0.0)


def _mixture_estimates(mixtures, probe_mu, probe_log_var, n_samples, generator,
                       n_rows, held_out_rule=False):
    """Channel indices and the mixture estimates of the discrete channels,
    including the frequency-weighted mean KL (bits) of their values (both
    as the older rule had them with ``held_out_rule``: no mean KL, no
    plug-in bias in the standard error)."""
    channels, freqs = mixtures
    m, lv = _probe_components(mixtures, probe_mu, probe_log_var)
    value, se = mixture_information(m, lv, freqs, n_samples=n_samples,
                                    generator=generator, n_rows=n_rows,
                                    bias=not held_out_rule)
    lo, up = mixture_information_bounds(m, lv, freqs)
    out = {"mixture": value, "mixture_se": se, "mixture_lower": lo,
           "mixture_upper": up}
    if not held_out_rule:
        out["mixture_kl"] = _values_kl(freqs, m, lv)
    return to_numpy(channels), out


def _values_kl_fn(mixtures, probes):
    """The function of ``information_bounds=False``: each discrete channel's
    ``mixture_kl`` (the path's ``kl`` of that channel) from the probes'
    posteriors, NaN for the others; no bounds and no held-out posteriors
    (its ``bounds`` attribute is False)."""

    @torch.no_grad()
    def estimate(mu, log_var, probe_mu=None, probe_log_var=None):
        out = np.full(probe_mu.shape[0], np.nan)
        m, lv = _probe_components(mixtures, probe_mu, probe_log_var)
        out[to_numpy(mixtures[0])] = to_numpy(_values_kl(mixtures[1], m, lv))
        return {"mixture_kl": out}

    estimate.elapsed, estimate.probes, estimate.bounds = 0.0, probes, False
    return estimate


def make_information_fn(*, batch_size, n_batches, seed, discrete,
                        n_mixture_samples, device, weights=None, clusters=None,
                        probes=None, mixture_rows=None, bounds=True,
                        held_out_rule=False):
    """A function of held-out posteriors returning per-channel estimates.

    Parameters
    ----------
    batch_size, n_batches : int
        Evaluation batch K and number of batches of the sandwich bounds.
    seed : int
        Every call reseeds, so checkpoints are compared on the same draws.
    discrete : list
        Per channel: None (continuous) or ``(values, weights)``: its
        distinct input values among all the fit's rows and their
        frequencies there (see :func:`skdib._dib._estimates.discrete_channels`).
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
    probes : ndarray of shape (n_probes, n_features) or None
        Input rows whose row j holds value j of every discrete channel
        (:func:`skdib._dib._estimates.probe_rows`); kept as the function's
        ``probes`` attribute, for the caller to encode.
    mixture_rows : float or None
        The effective number of rows the mixtures' frequencies were counted
        on (None: that of the held-out rows), for their standard error.
    bounds : bool
        False: the function returns only ``mixture_kl`` (see below), from
        the probes alone (``mu`` and ``log_var`` may be None); it is then
        needed only when a channel is discrete. Its ``bounds`` attribute
        says which.
    held_out_rule : bool
        True for a sweep started under the older rule (``discrete`` then
        counts the held-out rows' values): no ``mixture_kl`` (that rule's
        ``kl`` is the held-out rows' mean KL) and no plug-in bias in the
        mixtures' standard error, as its first checkpoints were recorded.
        Otherwise ``mixture_kl``, each discrete channel's values' mean KL to
        the prior under their frequencies, is returned, and the caller
        reports it as that channel's ``kl``.

    Returns
    -------
    estimate : callable
        ``estimate(mu, log_var, probe_mu=None, probe_log_var=None)`` with
        tensors (n_channels, n_val, d) of the held-out rows (and
        (n_channels, n_probes, d) of the probes, needed when a channel is
        discrete) returns a dict of numpy arrays of shape (n_channels,)
        keyed by :data:`ESTIMATE_KEYS` (NaN where an estimate does not
        apply; ``nce_ceiling`` only with ``weights``; ``row_influence``:
        how far a continuous channel's bits, the midpoint of its bounds with
        the upper one capped at the held-out rows' mean KL, fall without its
        most influential held-out row, in bits). Its ``elapsed``
        attribute accumulates the seconds spent.
    """
    continuous = [c for c, d in enumerate(discrete) if d is None]
    cont_index = torch.as_tensor(continuous, dtype=torch.long, device=device)
    mixtures = _components(discrete, device)
    if not bounds:
        return _values_kl_fn(mixtures, probes)
    n_rows = None  # the held-out rows' number: known at the first call
    if weights is not None:
        weights = torch.as_tensor(np.asarray(weights, dtype=np.float64),
                                  device=device)
        n_rows = effective_rows(weights)
    if clusters is not None:
        clusters = torch.as_tensor(clusters, dtype=torch.long, device=device)

    @torch.no_grad()
    def estimate(mu, log_var, probe_mu=None, probe_log_var=None):
        start = time.perf_counter()
        out = {k: np.full(mu.shape[0], np.nan) for k in ESTIMATE_KEYS}
        gen = make_generator(seed, mu.device)
        if continuous:
            ceiling, influence = [], RowInfluence()
            mu_c, log_var_c = mu[cont_index], log_var[cont_index]
            lower, upper, se = mi_bounds(
                mu_c, log_var_c, batch_size=batch_size,
                n_batches=n_batches, generator=gen, return_se=True,
                weights=weights, clusters=clusters, ceiling=ceiling,
                influence=influence)
            out["nce_lower"][continuous] = to_numpy(lower)
            out["loo_upper"][continuous] = to_numpy(upper)
            out["sandwich_se"][continuous] = to_numpy(se)
            out["nce_ceiling"][continuous] = ceiling or np.nan
            # capped at the held-out rows' mean KL, as the path's bits are
            out["row_influence"][continuous] = to_numpy(influence.largest_fall(
                kl_nats(mu_c, log_var_c), weights))
        if mixtures is not None:
            idx, values = _mixture_estimates(
                mixtures, probe_mu, probe_log_var, n_mixture_samples, gen,
                mixture_rows or n_rows or mu.shape[1], held_out_rule)
            for key, t in values.items():
                out[key][idx] = to_numpy(t)
        estimate.elapsed += time.perf_counter() - start
        return out

    estimate.elapsed = 0.0
    estimate.probes = None if mixtures is None else probes
    estimate.bounds = True
    return estimate
