"""Information estimates for diagonal-Gaussian channels (torch, float64).

* :func:`kl_bits` -- KL divergence to the standard-normal prior, in bits.
* :func:`mi_bounds` -- the InfoNCE lower bound and the "leave one out" upper
  bound on I(U; X) (Poole et al. 2019; SI Eqs. 5-6 of the information
  decomposition paper), in bits, for many channels in one computation.
* :func:`bhattacharyya_distance` -- closed form between diagonal Gaussians.

Shapes: a stack of channels is ``(n_channels, n, d)``: ``n`` posteriors
p(u | x_i) = N(mu_i, diag exp(log_var_i)) in a ``d``-dimensional embedding.
"""

import math

import torch

LN2 = math.log(2.0)

# Float64 elements in one block of pairwise log-densities (and in one chunk of
# the per-channel features); 2**23 elements are 64 MiB, which keeps the peak
# memory of ``mi_bounds`` for 100 channels x 1024 samples x 64 dims to a few
# hundred MiB.
BLOCK_ELEMENTS = 2**23


def kl_nats(mu, log_var):
    """KL(N(mu, diag exp(log_var)) || N(0, I)) in nats, summed over the last axis."""
    return 0.5 * (mu.square() + log_var.exp() - log_var - 1.0).sum(dim=-1)


def kl_bits(mu, log_var):
    """:func:`kl_nats` in bits."""
    return kl_nats(mu, log_var) / LN2


def _as_channels(mu, log_var):
    """``(n_channels, n, d)`` views of the inputs (2-D is one channel)."""
    if mu.dim() == 2:
        return mu.unsqueeze(0), log_var.unsqueeze(0)
    return mu, log_var


def _chunk_sizes(n_channels, k, d):
    """Channels per chunk and rows per block so each block is bounded."""
    per_channel = k * max(2 * d, k)
    c_chunk = max(1, min(n_channels, BLOCK_ELEMENTS // per_channel))
    r_chunk = max(1, min(k, BLOCK_ELEMENTS // (c_chunk * k)))
    return c_chunk, r_chunk


def _bound_sums(mu, log_var, eps, r_chunk):
    """Sums over the batch of the lower and upper bound summands, in nats.

    ``mu``, ``log_var``, ``eps``: ``(c, k, d)`` float64, with the latent sample
    of row i being ``u_i = mu_i + exp(log_var_i / 2) * eps_i``. The constant
    -d/2 log(2 pi) cancels in every ratio and is left out.
    """
    c, k, _ = mu.shape
    inv_var = torch.exp(-log_var)
    u = mu + torch.exp(0.5 * log_var) * eps
    # Centre per channel: the expansion below is then better conditioned.
    centre = mu.mean(dim=1, keepdim=True)
    u, m = u - centre, mu - centre
    # log p(u_i | x_j) = -1/2 sum_d [u_i^2 w_j - 2 u_i m_j w_j + m_j^2 w_j + lv_j]
    #                  = [u_i^2, u_i] . [-w_j / 2, m_j w_j] + bias_j
    feats_u = torch.cat([u.square(), u], dim=-1)
    feats_x = torch.cat([-0.5 * inv_var, m * inv_var], dim=-1).transpose(1, 2)
    bias = -0.5 * (m.square() * inv_var + log_var).sum(dim=-1).unsqueeze(1)
    # Exact matched term log p(u_i | x_i).
    matched = -0.5 * (eps.square() + log_var).sum(dim=-1)
    lower = mu.new_zeros(c)
    upper = mu.new_zeros(c)
    for start in range(0, k, r_chunk):
        stop = min(k, start + r_chunk)
        logp = torch.baddbmm(bias, feats_u[:, start:stop], feats_x)
        rows = torch.arange(stop - start, device=mu.device)
        logp[:, rows, rows + start] = -math.inf
        diag = matched[:, start:stop]
        lse_others = torch.logsumexp(logp, dim=-1)
        lse_all = torch.logaddexp(lse_others, diag)
        lower += (diag - lse_all).sum(dim=-1)
        upper += (diag - lse_others).sum(dim=-1)
    lower += k * math.log(k)
    upper += k * math.log(k - 1)
    return lower, upper


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
        ``upper = mean_i log[p(u_i|x_i) / (1/(K-1) sum_{j != i} p(u_i|x_j))]``.
    """
    mu, log_var = _as_channels(mu, log_var)
    n_channels, n, d = mu.shape
    k = min(int(batch_size), n)
    if k < 2:
        raise ValueError("The bounds need a batch of at least 2 samples.")
    c_chunk, r_chunk = _chunk_sizes(n_channels, k, d)
    lower = torch.zeros(n_channels, dtype=torch.float64, device=mu.device)
    upper = torch.zeros_like(lower)
    for _ in range(n_batches):
        idx = torch.randperm(n, generator=generator, device=mu.device)[:k]
        eps = torch.randn((n_channels, k, d), generator=generator,
                          device=mu.device, dtype=torch.float64)
        for c0 in range(0, n_channels, c_chunk):
            c1 = min(n_channels, c0 + c_chunk)
            # Gather, then convert: only a chunk is ever held in float64.
            lo, up = _bound_sums(mu[c0:c1, idx].to(torch.float64),
                                 log_var[c0:c1, idx].to(torch.float64),
                                 eps[c0:c1], r_chunk)
            lower[c0:c1] += lo
            upper[c0:c1] += up
    scale = 1.0 / (n_batches * k * LN2)
    return lower * scale, upper * scale


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


def pairwise_bhattacharyya(mu_a, log_var_a, mu_b, log_var_b):
    """Matrix of distances between rows of a and rows of b, in row blocks.

    Inputs ``(..., n, d)`` and ``(..., m, d)`` with the same leading shape;
    returns ``(..., n, m)`` float64, never holding more than about
    ``BLOCK_ELEMENTS`` broadcast elements at once.
    """
    mu_a, log_var_a, mu_b, log_var_b = (
        t.to(torch.float64) for t in (mu_a, log_var_a, mu_b, log_var_b))
    *lead, n, d = mu_a.shape
    m = mu_b.shape[-2]
    per_row = max(1, math.prod(lead) * m * d)
    step = max(1, BLOCK_ELEMENTS // per_row)
    mu_b, log_var_b = mu_b.unsqueeze(-3), log_var_b.unsqueeze(-3)
    blocks = [
        bhattacharyya_distance(mu_a[..., s:s + step, None, :],
                               log_var_a[..., s:s + step, None, :],
                               mu_b, log_var_b)
        for s in range(0, n, step)
    ]
    return torch.cat(blocks, dim=-2) if blocks else mu_a.new_zeros((*lead, 0, m))
