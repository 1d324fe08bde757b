"""I(U; X) of a channel whose input takes finitely many values (torch, float64).

* :func:`mixture_information` -- the information of the finite Gaussian
  mixture p(u) = sum_v w_v N(u; mu_v, diag exp(lv_v)), by Monte Carlo over
  every component at once, with its standard error.
* :func:`plug_in_bias` -- how far it falls short with frequencies counted on
  a sample of rows.
* :func:`mixture_information_bounds` -- its Kolchinsky-Tracey (2017)
  pairwise bounds, in closed form.

Block sizes follow :data:`skdib._backend.dib._information.BLOCK_ELEMENTS`
(read at call time, so a smaller budget applies here too).
"""

import math

import torch

from skdib._backend.dib import _information
from skdib._backend.dib._information import (
    LN2,
    _block_rows,
    _by_dim,
    _log_density,
    _pairwise,
    bhattacharyya_distance,
    kl_divergence,
)


def _mixture_inputs(mu, log_var, weights):
    """Float64 inputs, padding (zero weight) set to N(0, 1): it cannot leak NaN."""
    mu, log_var, weights = (t.to(device=mu.device, dtype=torch.float64)
                            for t in (mu, log_var, weights))
    if (mu.dim() != 3 or log_var.shape != mu.shape or weights.shape != mu.shape[:2]
            or bool((weights < 0).any())):
        raise ValueError("mu, log_var need shape (c, V, d); weights (c, V), >= 0.")
    real = (weights > 0)[..., None]
    return torch.where(real, mu, 0.0), torch.where(real, log_var, 0.0), weights


def _component_seeds(weights, generator):
    """One seed per positive-weight component (channel-major), so each draws
    from its own generator: no dependence on chunking or padding (no seed)."""
    device = weights.device if generator is None else generator.device
    active = (weights > 0).cpu()
    flat = iter(torch.randint(0, 2**62, (int(active.sum()),), generator=generator,
                              device=device).tolist())
    return [[next(flat) if a else -1 for a in row] for row in active.tolist()], device


def _component_noise(seeds, n_samples, d, gen_device, device):
    """``(d, c, g, n_samples)`` standard-normal noise; zeros for seed -1."""
    out = torch.zeros((d, len(seeds), len(seeds[0]), n_samples),
                      dtype=torch.float64, device=device)
    for i, row in enumerate(seeds):
        for j, seed in enumerate(row):
            if seed >= 0:
                gen = torch.Generator(device=gen_device).manual_seed(seed)
                out[:, i, j] = torch.randn((d, n_samples), generator=gen,
                                           dtype=torch.float64, device=gen_device)
    return out


def _mixture_chunks(n_channels, n_values, n_samples, d):
    """Channels and components per chunk (noise within :data:`BLOCK_ELEMENTS`)
    and rows per cache-sized ``(channels, V, rows)`` block."""
    per_component = n_samples * d
    block = _information.BLOCK_ELEMENTS
    v_chunk = max(1, min(n_values, block // per_component))
    c_chunk = 1 if v_chunk < n_values else max(
        1, min(n_channels, block // (n_values * per_component)))
    r_chunk = min(v_chunk * n_samples, _block_rows(c_chunk, n_values))
    return c_chunk, v_chunk, r_chunk


def _mixture_terms(mu, log_var, log_w, eps, v0, r_chunk):
    """``(c, g, n_samples)`` terms log p(u|v) - log sum_v' w_v' p(u|v') (nats)
    of the draws ``eps`` ``(d, c, g, n_samples)`` of components v0 .. v0 + g."""
    d, c, g, n_samples = eps.shape
    group = slice(v0, v0 + g)
    m_t, w_t = _by_dim(mu)[..., None], _by_dim(torch.exp(-log_var))[..., None]
    u_t = torch.addcmul(m_t[:, :, group], w_t[:, :, group].rsqrt(), eps)
    u_t = u_t.reshape(d, c, 1, g * n_samples)
    # Exact log p(u | own component) = -1/2 sum_d (eps^2 + lv); with log w_v.
    matched = (-0.5 * log_var[:, group].sum(dim=-1))[..., None].repeat(1, 1, n_samples)
    for e in eps:
        matched.addcmul_(e, e, value=-0.5)
    matched = matched.reshape(c, -1)
    own = (v0 + torch.arange(g * n_samples, device=mu.device) // n_samples)
    own_w = matched + log_w[:, group].repeat_interleave(n_samples, dim=1)
    # log w_v - 1/2 sum_d lv_vd: -inf for padding, so it drops out exactly.
    bias = (log_w - 0.5 * log_var.sum(dim=-1))[..., None]
    terms = torch.empty_like(matched)
    for start in range(0, g * n_samples, r_chunk):
        stop = min(g * n_samples, start + r_chunk)
        logp = _log_density(u_t[..., start:stop], m_t, w_t, bias)
        logp.scatter_(1, own[None, None, start:stop].expand(c, 1, -1),
                      own_w[:, None, start:stop])
        terms[:, start:stop] = matched[:, start:stop] - torch.logsumexp(logp, 1)
    return terms.reshape(c, g, n_samples)


def mixture_information(mu, log_var, weights, *, n_samples=256, generator=None,
                        n_rows=None, bias=True):
    """I(U; X) in bits of channels whose input takes finitely many values.

    I = sum_v w_v E_{u ~ p(u|v)}[log p(u|v) - log sum_v' w_v' p(u|v')], from
    ``n_samples`` draws of every p(u|v) = N(mu_v, diag exp(log_var_v)).

    Parameters
    ----------
    mu, log_var : torch.Tensor of shape (n_channels, V, d)
        The posterior of each distinct value.
    weights : torch.Tensor of shape (n_channels, V)
        Probabilities of the values (rows sum to 1). Zero weights mark padding
        and are ignored exactly: no draws, no part in the mixture.
    n_samples : int
        Monte Carlo draws per component (at least 2).
    generator : torch.Generator or None
        Source of randomness; the noise is drawn on its device.
    n_rows : float or None
        The (effective) number of rows the weights were counted on. Given,
        the standard error also counts the sampling of those rows: the
        plug-in estimate moves with the value frequencies by
        sum_v w_v (D_v - I)² / n_rows in variance (the delta method), where
        D_v is value v's KL to the mixture, and is biased low by about
        :func:`plug_in_bias`, which is added in quadrature. None: Monte
        Carlo error only.
    bias : bool
        False: the plug-in bias is left out of the standard error (as in the
        sweeps that older skdib started, which keep their definition).

    Returns
    -------
    estimate, standard_error : torch.Tensor of shape (n_channels,), float64
        In bits, on the device of ``mu``; the estimate is not clamped to [0, H(w)].
    """
    mu, log_var, weights = _mixture_inputs(mu, log_var, weights)
    n_samples = int(n_samples)
    if n_samples < 2:
        raise ValueError("mixture_information needs n_samples >= 2.")
    n_channels, n_values, d = mu.shape
    active, log_w = weights > 0, weights.log()  # log 0 = -inf: padding drops out
    seeds, gen_device = _component_seeds(weights, generator)
    c_chunk, v_chunk, r_chunk = _mixture_chunks(n_channels, n_values, n_samples, d)
    means, variances, ratios = mu.new_zeros((3, n_channels, n_values))
    for c0 in range(0, n_channels, c_chunk):
        cs = slice(c0, c0 + c_chunk)
        for v0 in range(0, n_values, v_chunk):
            vs = slice(v0, v0 + v_chunk)
            eps = _component_noise([row[vs] for row in seeds[cs]], n_samples, d,
                                   gen_device, mu.device)
            terms = _mixture_terms(mu[cs], log_var[cs], log_w[cs], eps, v0, r_chunk)
            variances[cs, vs], means[cs, vs] = torch.var_mean(terms, dim=-1)
            ratios[cs, vs] = terms.exp().mean(dim=-1)  # <= 1 / w_v: no overflow
    # Padding is masked out, not multiplied by zero: its terms may be inf.
    estimate = torch.where(active, weights * means, 0.0).sum(dim=-1)
    spread = torch.where(active, weights.square() * variances, 0.0).sum(dim=-1)
    variance = spread / n_samples
    if n_rows is not None:
        deviation = torch.where(active, means - estimate[:, None], 0.0)
        variance = variance + (weights * deviation.square()).sum(dim=-1) / n_rows
        if bias:
            variance = variance + plug_in_bias(weights, ratios, n_rows).square()
    return estimate / LN2, variance.sqrt() / LN2


def plug_in_bias(weights, ratios, n_rows):
    """How far (nats) the plug-in information of frequencies counted on
    ``n_rows`` rows falls short of that of the true ones, on average.

    The second-order delta method: with frequencies of covariance
    (diag w - w w^T) / n and the Hessian -int p(u|v) p(u|v') / p(u) du of
    the information, the bias is -(sum_v w_v E_v[p(u|v) / p(u)] - 1) / (2 n),
    ``ratios`` holding the Monte Carlo E_v[p(u|v) / p(u)]. It is (V - 1) /
    (2 n) for V values whose components do not overlap (the entropy's
    Miller-Madow term) and 0 for components that coincide (no information).

    Returns
    -------
    torch.Tensor of shape (n_channels,)
        The size of the bias, >= 0, in nats.
    """
    spread = torch.where(weights > 0, weights * ratios, 0.0).sum(dim=-1) - 1.0
    return spread.clamp_min(0.0) / (2.0 * n_rows)


def _pairwise_bound(dist, weights):
    """``-sum_i w_i log sum_j w_j exp(-dist_ij)`` in bits, padding ignored."""
    active, log_w = weights > 0, weights.log()
    logits = torch.where(active[:, None, :], log_w[:, None, :] - dist, -math.inf)
    inner = torch.logsumexp(logits, dim=-1)
    return -torch.where(active, weights * inner, 0.0).sum(dim=-1) / LN2


def mixture_information_bounds(mu, log_var, weights):
    """Kolchinsky-Tracey (2017) bounds on the information of finite mixtures.

    Parameters
    ----------
    mu, log_var, weights : torch.Tensor
        As in :func:`mixture_information` (zero weights are padding).

    Returns
    -------
    lower, upper : torch.Tensor of shape (n_channels,), float64
        In bits, ``-sum_i w_i log sum_j w_j exp(-D(p_i || p_j))`` with D the
        Bhattacharyya distance (lower) or the KL divergence (upper).
    """
    mu, log_var, weights = _mixture_inputs(mu, log_var, weights)
    return tuple(_pairwise_bound(_pairwise(dist, mu, log_var, mu, log_var), weights)
                 for dist in (bhattacharyya_distance, kl_divergence))
