"""Information estimates for diagonal-Gaussian channels (torch, float64).

* :func:`kl_bits` -- KL divergence to the standard-normal prior, in bits.
* :func:`mi_bounds` -- InfoNCE lower and leave-one-out upper bounds on I(U; X)
  (Poole et al. 2019; SI Eqs. 5-6 of the paper), in bits, for many channels.
* :func:`mixture_information`, :func:`mixture_information_bounds` -- I(U; X)
  with finitely many input values, and its Kolchinsky-Tracey (2017) bounds.

Channels stack as ``(n_channels, n, d)``: posteriors N(mu_i, diag exp(lv_i)).
Log-densities -1/2 sum_d [(u_d - m_d)^2 exp(-lv_d) + lv_d] are formed difference
first: the expanded square cancels in float64 as exp(-lv) |u - m|^2 nears 1e16
(lv reaches -30); :func:`mi_bounds` expands only where the error is bounded.
"""

import math

import torch

LN2 = math.log(2.0)

# Float64 elements in a chunk of features or a block of expanded log-densities
# (64 MiB): a few hundred MiB peak for 100 channels x 1024 samples x 64 dims.
BLOCK_ELEMENTS = 2**23
# Float64 elements per thread in a block of difference-first log-densities
# (2 MiB): the d axis is summed into it one dimension at a time, in cache.
CACHE_ELEMENTS = 2**18
# Bound (nats) on the rounding error of an expanded log-density below which a
# channel takes the expansion (one matrix product: far fewer passes).
EXPANSION_TOL = 1e-9


def kl_nats(mu, log_var):
    """KL(N(mu, diag exp(log_var)) || N(0, I)) in nats, summed over the last axis."""
    return 0.5 * (mu.square() + log_var.exp() - log_var - 1.0).sum(dim=-1)


def kl_bits(mu, log_var):
    """:func:`kl_nats` in bits."""
    return kl_nats(mu, log_var) / LN2


def _as_channels(mu, log_var):
    """``(n_channels, n, d)`` views of the inputs (2-D is one channel)."""
    return (mu[None], log_var[None]) if mu.dim() == 2 else (mu, log_var)


def _block_rows(n_lead, width):
    """Rows per cache-sized block of a ``(n_lead, rows, width)`` array."""
    block = min(BLOCK_ELEMENTS, CACHE_ELEMENTS * torch.get_num_threads())
    return max(1, block // (n_lead * width))


def _chunk_sizes(n_channels, k, d):
    """Channels per chunk (``c k max(2d, k) <= BLOCK_ELEMENTS``) and rows per
    block (``c rows k <= BLOCK_ELEMENTS``) of :func:`mi_bounds`."""
    per_channel = k * max(2 * d, k)
    c_chunk = max(1, min(n_channels, BLOCK_ELEMENTS // per_channel))
    return c_chunk, max(1, min(k, BLOCK_ELEMENTS // (c_chunk * k)))


def _log_density(u, m, inv_var, bias):
    """``bias - 1/2 sum_d (u_d - m_d)^2 inv_var_d``, one dimension at a time.

    ``u``: ``(d, *a)``; ``m``, ``inv_var``: ``(d, *b)``; all broadcast. The
    difference comes before squaring: a small relative error at any variance.
    """
    shape = torch.broadcast_shapes(u.shape[1:], m.shape[1:])
    out = bias.expand(shape).clone(memory_format=torch.contiguous_format)
    diff = torch.empty_like(out)
    for u_d, m_d, w_d in zip(u, m, inv_var, strict=True):
        torch.sub(u_d, m_d, out=diff)
        diff.square_()
        out.addcmul_(diff, w_d, value=-0.5)
    return out


def _by_dim(t):
    """``(d, ...)`` copy of a ``(..., d)`` tensor: each dimension contiguous."""
    return t.movedim(-1, 0).contiguous()


def _expansion_is_accurate(u, m, log_var):
    """Channels whose expanded log-densities err by at most EXPANSION_TOL nats.

    With ``u``, ``m`` centred, u^2 w - 2 u m w + m^2 w + lv summed over d (2d + 1
    rounded terms), and the centring, err below (2d + 4) eps sum_d [w (|u| +
    |m|)^2 + |lv|] / 2, eps the machine epsilon.
    """
    reach = u.abs().amax(dim=1, keepdim=True) + m.abs()
    worst = (torch.exp(-log_var) * reach.square() + log_var.abs()).sum(dim=-1)
    scale = 0.5 * (2 * u.shape[-1] + 4) * torch.finfo(u.dtype).eps
    return scale * worst.amax(dim=-1) <= EXPANSION_TOL


def _expanded(u, m, log_var):
    """Row blocks of log p(u_i|x_j) = [u^2, u] . [-w/2, m w] + bias_j (centred)."""
    inv_var = torch.exp(-log_var)
    feats_u = torch.cat([u.square(), u], dim=-1)
    feats_x = torch.cat([-0.5 * inv_var, m * inv_var], dim=-1).transpose(1, 2)
    bias = -0.5 * (m.square() * inv_var + log_var).sum(dim=-1).unsqueeze(1)
    return lambda start, stop: torch.baddbmm(bias, feats_u[:, start:stop], feats_x)


def _differences(u, m, log_var):
    """Row blocks of log p(u_i | x_j), difference first (:func:`_log_density`)."""
    u_t, m_t = _by_dim(u), _by_dim(m)[:, :, None]
    w_t, bias = _by_dim(torch.exp(-log_var))[:, :, None], -0.5 * log_var.sum(-1)
    return lambda start, stop: _log_density(u_t[:, :, start:stop, None], m_t, w_t,
                                            bias[:, None])


def _row_bounds(x, k):
    """Per-row bound summands (nats) from ``x_ij = log p(u_i|x_j) - log p(u_i|x_i)``
    (diagonal -inf; overwritten): equal log-densities give exactly 0, and the
    shift by the row maximum ``a`` keeps the sums finite."""
    a = x.amax(dim=-1)
    s = x.sub_(a[..., None]).exp_().sum(dim=-1)  # >= 1: it holds exp(0)
    upper = -a - torch.log(s / (k - 1))
    b = a.clamp_min(0.0)
    lower = -b - torch.log((torch.exp(-b) + s * torch.exp(a - b)) / k)
    return lower, upper


def _path_sums(mu, log_var, eps, r_chunk, expand):
    """``(2, c)`` bound sums (nats) of channels that all take one path."""
    c, k, d = mu.shape
    u = mu + torch.exp(0.5 * log_var) * eps
    # Exact log p(u_i|x_i) = -1/2 sum_d (eps^2 + lv), in the pairwise order.
    eps_t, flat = _by_dim(eps), eps.new_zeros((d, 1, 1))
    matched = _log_density(eps_t, flat, flat + 1.0, -0.5 * log_var.sum(dim=-1))
    if expand:
        centre = mu.mean(dim=1, keepdim=True)
        block = _expanded(u - centre, mu - centre, log_var)
    else:
        block, r_chunk = _differences(u, mu, log_var), min(r_chunk, _block_rows(c, k))
    sums = mu.new_zeros((2, c))
    for start in range(0, k, r_chunk):
        stop = min(k, start + r_chunk)
        x = block(start, stop).sub_(matched[:, start:stop, None])
        rows = torch.arange(stop - start, device=mu.device)
        x[:, rows, rows + start] = -math.inf
        sums += torch.stack(_row_bounds(x, k)).sum(dim=-1)
    return sums


def _bound_sums(mu, log_var, eps, r_chunk):
    """Sums over the batch of the lower and upper bound summands, in nats.

    ``mu``, ``log_var``, ``eps``: ``(c, k, d)`` float64, ``u_i = mu_i +
    exp(log_var_i / 2) eps_i`` (-d/2 log 2 pi cancels and is left out).
    Channels whose expansion is provably accurate take it, others go
    difference first.
    """
    centre = mu.mean(dim=1, keepdim=True)
    u = mu + torch.exp(0.5 * log_var) * eps
    fast = _expansion_is_accurate(u - centre, mu - centre, log_var)
    sums = mu.new_zeros((2, mu.shape[0]))
    for expand, sel in ((True, fast), (False, ~fast)):
        if bool(sel.all()):
            return tuple(_path_sums(mu, log_var, eps, r_chunk, expand))
        if bool(sel.any()):
            sums[:, sel] = _path_sums(mu[sel], log_var[sel], eps[sel], r_chunk, expand)
    return sums[0], sums[1]


def mi_bounds(mu, log_var, *, batch_size=1024, n_batches=8, generator=None):
    """InfoNCE lower and leave-one-out upper bounds on I(U; X), in bits.

    Parameters
    ----------
    mu, log_var : torch.Tensor of shape (n_channels, n, d) or (n, d)
        Posterior means and log-variances of each channel for ``n`` samples.
    batch_size : int
        Evaluation batch size K (at least 2); ``min(batch_size, n)`` is used.
    n_batches : int
        Number of batches drawn (rows without replacement, one latent sample
        per row) whose bounds are averaged.
    generator : torch.Generator or None
        Source of randomness, on the device of the inputs.

    Returns
    -------
    lower, upper : torch.Tensor of shape (n_channels,), float64
        On the device of the inputs. For one batch of K rows,
        ``lower = mean_i log[p(u_i|x_i) / (1/K sum_j p(u_i|x_j))]`` and
        ``upper = mean_i log[p(u_i|x_i) / (1/(K-1) sum_{j != i} p(u_i|x_j))]``;
        both are floored at 0, the information's own floor.
    """
    mu, log_var = _as_channels(mu, log_var)
    n_channels, n, d = mu.shape
    k = min(int(batch_size), n)
    if k < 2:
        raise ValueError("The bounds need a batch of at least 2 samples.")
    c_chunk, r_chunk = _chunk_sizes(n_channels, k, d)
    sums = torch.zeros((2, n_channels), dtype=torch.float64, device=mu.device)
    for _ in range(n_batches):
        idx = torch.randperm(n, generator=generator, device=mu.device)[:k]
        eps = torch.randn((n_channels, k, d), generator=generator,
                          device=mu.device, dtype=torch.float64)
        for c0 in range(0, n_channels, c_chunk):
            c1 = min(n_channels, c0 + c_chunk)
            # Gather, then convert: only a chunk is ever held in float64.
            sums[:, c0:c1] += torch.stack(_bound_sums(
                mu[c0:c1, idx].to(torch.float64),
                log_var[c0:c1, idx].to(torch.float64), eps[c0:c1], r_chunk))
    lower, upper = sums / (n_batches * k * LN2)
    # Batch averages can dip below 0 near zero information; I(U; X) >= 0, so
    # max(0, .) keeps both valid and ordered there.
    return lower.clamp_min(0.0), upper.clamp_min(0.0)


# ------------------------------------------------ finite Gaussian mixtures
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
    v_chunk = max(1, min(n_values, BLOCK_ELEMENTS // per_component))
    c_chunk = 1 if v_chunk < n_values else max(
        1, min(n_channels, BLOCK_ELEMENTS // (n_values * per_component)))
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


def mixture_information(mu, log_var, weights, *, n_samples=256, generator=None):
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
    means, variances = mu.new_zeros((2, n_channels, n_values))
    for c0 in range(0, n_channels, c_chunk):
        cs = slice(c0, c0 + c_chunk)
        for v0 in range(0, n_values, v_chunk):
            vs = slice(v0, v0 + v_chunk)
            eps = _component_noise([row[vs] for row in seeds[cs]], n_samples, d,
                                   gen_device, mu.device)
            terms = _mixture_terms(mu[cs], log_var[cs], log_w[cs], eps, v0, r_chunk)
            variances[cs, vs], means[cs, vs] = torch.var_mean(terms, dim=-1)
    # Padding is masked out, not multiplied by zero: its terms may be inf.
    estimate = torch.where(active, weights * means, 0.0).sum(dim=-1)
    spread = torch.where(active, weights.square() * variances, 0.0).sum(dim=-1)
    return estimate / LN2, (spread / n_samples).sqrt() / LN2


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


# --------------------------------------------- distances between Gaussians
def kl_divergence(mu1, log_var1, mu2, log_var2):
    """KL(N(mu1, v1) || N(mu2, v2)) in nats between diagonal Gaussians,
    1/2 sum_d [(mu1 - mu2)^2 / v2 + v1 / v2 - 1 - log(v1 / v2)], broadcasting
    (``expm1``: accurate for v1 ~ v2; rounding below zero clamped)."""
    dlv = log_var1 - log_var2
    quad = (mu1 - mu2).square() * torch.exp(-log_var2)
    return 0.5 * (quad + torch.expm1(dlv) - dlv).sum(dim=-1).clamp_min(0.0)


def bhattacharyya_distance(mu1, log_var1, mu2, log_var2):
    """Bhattacharyya distance (nats) between diagonal Gaussians, broadcasting.

    D_B = sum_d [(mu1 - mu2)^2 / (4 (v1 + v2))
                 + 1/2 log((v1 + v2) / 2) - 1/4 (log v1 + log v2)],
    reduced over the last axis.
    """
    log_mean_var = torch.logaddexp(log_var1, log_var2) - LN2
    quad = 0.125 * (mu1 - mu2).square() * torch.exp(-log_mean_var)
    log_term = 0.5 * log_mean_var - 0.25 * (log_var1 + log_var2)
    # Non-negative in exact arithmetic; clamp away rounding below zero.
    return (quad + log_term).sum(dim=-1).clamp_min(0.0)


def _pairwise(distance, mu_a, log_var_a, mu_b, log_var_b):
    """``(..., n, m)`` float64 ``distance`` between rows of ``(..., n, d)`` and
    ``(..., m, d)`` inputs, in row blocks of about ``BLOCK_ELEMENTS``."""
    mu_a, log_var_a, mu_b, log_var_b = (
        t.to(torch.float64) for t in (mu_a, log_var_a, mu_b, log_var_b))
    (*lead, n, d), m = mu_a.shape, mu_b.shape[-2]
    per_row = max(1, math.prod(lead) * m * d)
    step = max(1, BLOCK_ELEMENTS // per_row)
    mu_b, log_var_b = mu_b.unsqueeze(-3), log_var_b.unsqueeze(-3)
    blocks = [distance(mu_a[..., s:s + step, None, :],
                       log_var_a[..., s:s + step, None, :], mu_b, log_var_b)
              for s in range(0, n, step)]
    return torch.cat(blocks, dim=-2) if blocks else mu_a.new_zeros((*lead, 0, m))


def pairwise_bhattacharyya(mu_a, log_var_a, mu_b, log_var_b):
    """Bhattacharyya distances between rows of a and b (see :func:`_pairwise`)."""
    return _pairwise(bhattacharyya_distance, mu_a, log_var_a, mu_b, log_var_b)
