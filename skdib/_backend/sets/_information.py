"""Information of the shared element encoders: per-element bounds at the
checkpoints, and per-outcome bounds of probe elements (information maps).

Every element of type t is one draw of that type's "measurement"; the
bounds treat the existing elements of a batch of sets as the sample (the
SI's per-particle scheme), so they are bits per element. The estimator turns
them into bits per set by the mean number of elements of each type.
"""

import math
import time

import numpy as np
import torch

from skdib._backend._tensors import make_generator, to_numpy
from skdib._backend.dib._checkpoint_information import ESTIMATE_KEYS
from skdib._backend.dib._information import (
    _by_dim,
    _log_density,
    kl_bits,
    kl_nats,
    mi_bounds,
)
from skdib._backend.dib._row_influence import RowInfluence

__all__ = ["element_posteriors", "make_element_information_fn", "probe_bounds",
           "probe_information"]

LN2 = math.log(2.0)


def make_element_information_fn(*, batch_size, n_batches, seed):
    """``estimate(mu, log_var)`` of messages in the NaN layout (T, N, E, d):
    per type, the InfoNCE lower and leave-one-out upper bounds in bits per
    element over that type's existing elements (NaN for a type with fewer
    than 2), as a dict keyed by :data:`ESTIMATE_KEYS` (``row_influence``:
    how far the bits fall without the held-out set, all its elements of
    that type, that moves them most). Reseeds every call.
    ``n_batches`` is a number, or a function of a type's batch size K (its
    elements, at most ``batch_size``) giving the batches to average."""

    @torch.no_grad()
    def estimate(mu, log_var):
        start = time.perf_counter()
        n_types = mu.shape[0]
        out = {k: np.full(n_types, np.nan) for k in ESTIMATE_KEYS}
        gen = make_generator(seed, mu.device)
        for t in range(n_types):
            present = ~torch.isnan(mu[t, ..., 0])
            m, lv = mu[t][present], log_var[t][present]
            if m.shape[0] < 2:
                continue
            # the elements of one set are correlated: the error counts sets
            sets = torch.arange(present.shape[0], device=present.device)
            owner = sets[:, None].expand_as(present)[present]
            k, influence = min(batch_size, m.shape[0]), RowInfluence(owner)
            lower, upper, se = mi_bounds(
                m, lv, batch_size=batch_size,
                n_batches=n_batches(k) if callable(n_batches) else n_batches,
                generator=gen, return_se=True, influence=influence,
                clusters=owner)
            out["nce_lower"][t] = lower.item()
            out["loo_upper"][t] = upper.item()
            out["sandwich_se"][t] = se.item()
            # a set's elements leave together; capped at the elements'
            # mean KL, as the path's bits are
            out["row_influence"][t] = influence.largest_fall(
                kl_nats(m, lv)[None]).item()
        estimate.elapsed += time.perf_counter() - start
        return out

    estimate.elapsed = 0.0
    return estimate


@torch.no_grad()
def probe_bounds(mu_probe, lv_probe, mu_ref, lv_ref, *, n_draws, generator,
                 floor=True):
    """Per-probe InfoNCE-style lower and upper bounds in bits.

    For a probe element x* with message u ~ p(u|x*) and reference elements
    x_1..x_K of the same type (a sample of the data), the summands of the
    sandwich bounds (SI, "Information transmitted per particle"):
    ``lower = E log[p(u|x*) / ((p(u|x*) + sum_k p(u|x_k)) / (K + 1))]`` and
    ``upper = E log[p(u|x*) / (sum_k p(u|x_k) / K)]``, the expectation over
    ``n_draws`` draws of u, made on the generator's device and moved to the
    messages'. Floored at 0, the information's own floor
    (``floor=False``: not yet, for a caller that averages more draws first;
    a floor per draw would lift the average above the information).

    ``mu_probe``, ``lv_probe``: (G, d); ``mu_ref``, ``lv_ref``: (K, d).
    Returns two float64 tensors of shape (G,).
    """
    mu_p, lv_p = mu_probe.double(), lv_probe.double()
    m_t = _by_dim(mu_ref.double())[:, None, :]
    w_t = _by_dim(torch.exp(-lv_ref.double()))[:, None, :]
    bias = (-0.5 * lv_ref.double().sum(dim=-1))[None, :]
    k = mu_ref.shape[0]
    sums = mu_p.new_zeros((2, mu_p.shape[0]))
    for _ in range(n_draws):
        eps = torch.randn(mu_p.shape, generator=generator,
                          device=generator.device,
                          dtype=torch.float64).to(mu_p.device)
        u = mu_p + torch.exp(0.5 * lv_p) * eps
        own = -0.5 * (eps.square() + lv_p).sum(dim=-1)
        refs = _log_density(_by_dim(u)[:, :, None], m_t, w_t, bias)
        log_sum = torch.logsumexp(refs, dim=-1)
        sums[0] += own - (torch.logaddexp(own, log_sum) - math.log(k + 1))
        sums[1] += own - (log_sum - math.log(k))
    lower, upper = sums / (n_draws * LN2)
    return (lower.clamp_min(0.0), upper.clamp_min(0.0)) if floor else (lower, upper)


def element_posteriors(net, rows, type_index):
    """(mu, log_var), each (G, d), of element rows (G, F) under the encoder of
    type ``type_index`` (whatever their type column says)."""
    dev = next(net.parameters()).device
    dtype = next(net.parameters()).dtype
    x = torch.as_tensor(np.asarray(rows), dtype=dtype, device=dev)
    mu, log_var, _ = net._posteriors(x.unsqueeze(0))
    return mu[type_index, 0], log_var[type_index, 0]


def probe_information(net, probes, references, type_index, *, seed):
    """Numpy per-probe (lower, upper, kl) in bits for element rows of one type.

    ``net`` is a float64 network; ``probes`` (G, F) are element rows in its
    input format and ``references`` (n_batches, K, F) one batch of data
    elements per message draw, all encoded by encoder ``type_index``. The
    bounds average :func:`probe_bounds` over the batches, with no floor: a
    probe's average may dip below 0 by noise, and flooring it would lift
    the mean over probes above the information (by about 0.4 times the
    noise of one probe's average where the information is near 0). The
    draws are made
    on the CPU, as :func:`~skdib._backend.dib._predictive.predictive_noise`
    makes those of ``predict_proba``: a fitted model's map does not depend
    on the device it is evaluated on.
    """
    gen = make_generator(seed, "cpu")
    mu_p, lv_p = element_posteriors(net, probes, type_index)
    sums = 0.0
    for batch in references:
        mu_r, lv_r = element_posteriors(net, batch, type_index)
        sums = sums + torch.stack(probe_bounds(mu_p, lv_p, mu_r, lv_r, n_draws=1,
                                               generator=gen, floor=False))
    lower, upper = sums / len(references)
    return to_numpy(lower), to_numpy(upper), to_numpy(kl_bits(mu_p, lv_p))
