"""Information estimates for diagonal-Gaussian channels (torch, float64).

* :func:`kl_bits` -- KL divergence to the standard-normal prior, in bits.
* :func:`mi_bounds` -- InfoNCE lower and leave-one-out upper bounds on I(U; X)
  (Poole et al. 2019; SI Eqs. 5-6 of the paper), in bits, for many channels.
* :func:`kl_divergence`, :func:`bhattacharyya_distance` -- between Gaussians.

The finite mixtures of discrete channels are in
:mod:`skdib._backend.dib._mixture`.

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


def _row_bounds(x, k, weights=None, own=None):
    """Per-row bound summands (nats) from ``x_ij = log p(u_i|x_j) - log p(u_i|x_i)``
    (diagonal -inf; overwritten): equal log-densities give exactly 0, and the
    shift by the row maximum ``a`` keeps the sums finite.

    ``weights`` (the batch's row weights, (k,)) make the marginal a weighted
    mixture, sum_j w_j p(u_i|x_j) / sum_j w_j (without row i for the upper
    bound); ``own`` holds the rows' own weights. Equal weights give the
    unweighted summands.
    """
    a = x.amax(dim=-1)
    e = x.sub_(a[..., None]).exp_()
    if weights is None:
        s, own, total = e.sum(dim=-1), 1.0, k  # s >= 1: it holds exp(0)
    else:
        s, total = (e * weights).sum(dim=-1), weights.sum()
    upper = -a - torch.log(s / (total - own))
    b = a.clamp_min(0.0)
    lower = -b - torch.log((own * torch.exp(-b) + s * torch.exp(a - b)) / total)
    return lower, upper


def _path_sums(mu, log_var, eps, r_chunk, expand, terms=None, weights=None):
    """``(3, c)`` sums (nats) of channels that all take one path: bound
    summands, lower and upper, and squared midpoints (``terms``, a
    ``(2, c, k)`` tensor, also receives each row's lower and upper summand);
    with ``weights`` (the batch's row weights) weighted sums of the weighted
    summands."""
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
    sums = mu.new_zeros((3, c))
    for start in range(0, k, r_chunk):
        stop = min(k, start + r_chunk)
        x = block(start, stop).sub_(matched[:, start:stop, None])
        rows = torch.arange(stop - start, device=mu.device)
        x[:, rows, rows + start] = -math.inf
        own = None if weights is None else weights[start:stop]
        lower, upper = _row_bounds(x, k, weights, own)
        summands = torch.stack([lower, upper, (lower + upper).square() / 4])
        sums += (summands if own is None else summands * own).sum(-1)
        if terms is not None:
            terms[:, :, start:stop] = torch.stack([lower, upper])
    return sums


def _bound_sums(mu, log_var, eps, r_chunk, terms=None, weights=None):
    """Sums over the batch of the lower and upper bound summands, and of
    the squared midpoints of the two (for their spread), in nats; each row's
    two summands also go to ``terms`` (``(2, c, k)``) when given; ``weights``
    as in :func:`_path_sums`.

    ``mu``, ``log_var``, ``eps``: ``(c, k, d)`` float64, ``u_i = mu_i +
    exp(log_var_i / 2) eps_i`` (-d/2 log 2 pi cancels and is left out).
    Channels whose expansion is provably accurate take it, others go
    difference first.
    """
    centre = mu.mean(dim=1, keepdim=True)
    u = mu + torch.exp(0.5 * log_var) * eps
    fast = _expansion_is_accurate(u - centre, mu - centre, log_var)
    sums = mu.new_zeros((3, mu.shape[0]))
    for expand, sel in ((True, fast), (False, ~fast)):
        if bool(sel.all()):
            return tuple(_path_sums(mu, log_var, eps, r_chunk, expand, terms,
                                    weights))
        if bool(sel.any()):
            part = None if terms is None else terms[:, sel]
            sums[:, sel] = _path_sums(mu[sel], log_var[sel], eps[sel], r_chunk,
                                      expand, part, weights)
            if part is not None:
                terms[:, sel] = part
    return tuple(sums)


def effective_rows(weights):
    """Kish's effective number of rows of ``weights``: (sum w)² / sum w²."""
    w = torch.as_tensor(weights, dtype=torch.float64)
    return float(w.sum().square() / w.square().sum())


class _ClusterSums:
    """Per-cluster sums of the bounds' row midpoints, for a cluster-robust
    standard error of their mean."""

    def __init__(self, clusters, n_channels):
        self.clusters = clusters.to(torch.long)
        n_clusters = int(self.clusters.max()) + 1
        self.sums = torch.zeros((n_channels, n_clusters), dtype=torch.float64,
                                device=clusters.device)
        self.counts = torch.zeros(n_clusters, dtype=torch.float64,
                                  device=clusters.device)

    def add(self, idx, midpoints, weights=None):
        ids = self.clusters[idx.to(self.clusters.device)]
        w = (torch.ones_like(ids, dtype=torch.float64) if weights is None
             else weights.to(self.counts.device))
        self.sums.index_add_(1, ids, (midpoints * w).to(self.sums.device))
        self.counts.index_add_(0, ids, w)

    def standard_error(self, mean):
        """``sqrt(G / (G - 1) sum_g (S_g - mean n_g)² / N²)``, nats (weighted
        sums and counts); NaN with fewer than 2 clusters, where one cluster
        says nothing about the spread between clusters."""
        used = self.counts > 0
        g = int(used.sum())
        if g < 2:
            return torch.full_like(mean, math.nan)
        deviation = self.sums[:, used] - mean[:, None] * self.counts[used]
        variance = deviation.square().sum(dim=1) / self.counts.sum().square()
        return torch.sqrt(variance * g / (g - 1))


def _weighted_pool(weights, n, device):
    """The rows batches are drawn from (those of positive weight) and the
    weights as float64 on ``device`` (None when not given)."""
    if weights is None:
        return torch.arange(n, device=device), None
    weights = torch.as_tensor(weights, dtype=torch.float64, device=device)
    return torch.nonzero(weights > 0).ravel(), weights


def _weight_entropy_sum(w):
    """``W log W - sum_i w_i log w_i`` (nats) of a batch's weights: W times
    the entropy of the normalised weights, the most a weighted InfoNCE
    summand of that batch can average to."""
    total = w.sum()
    return float(total * total.log() - torch.special.xlogy(w, w).sum())


def mi_bounds(mu, log_var, *, batch_size=1024, n_batches=8, generator=None,
              return_se=False, weights=None, clusters=None, ceiling=None,
              influence=None):
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
    return_se : bool
        Also return the Monte Carlo standard error of the bounds' midpoint.
    weights : array-like or torch.Tensor of shape (n,) or None
        Row weights: the bounds then describe the weighted population. The
        batches are drawn as without weights (among the rows of positive
        weight), and each batch's summands use the weighted marginal
        sum_j w_j p(u_i|x_j) / sum_j w_j and are averaged with the weights
        w_i (importance weighting: equal weights give the unweighted bounds
        exactly; integer weights give the lower bound of repeated rows, and
        an upper bound that leaves row i's whole weight out of its own
        marginal, looser than repeated rows', which leave one copy in). The
        standard error counts Kish's effective numbers, (sum w)² / sum w².
    clusters : torch.Tensor of shape (n,) of int or None
        Rows that share a label are correlated (the elements of one set):
        the standard error is then the cluster-robust one, from the spread
        of the clusters' summed midpoints, as rows of one cluster do not
        average out each other's deviations.
    ceiling : list or None
        Given (and with ``weights``), the most the lower bound can reach on
        the batches drawn is appended to it, in bits: the entropy of each
        batch's normalised weights, averaged as the bound is. It is log2(K)
        without weights (nothing is appended then).
    influence : RowInfluence or None
        Given, every row's lower and upper summands of each batch are added
        to it (:class:`~._row_influence.RowInfluence`: how far the bits
        fall without the row that moves them most).

    Returns
    -------
    lower, upper[, se] : torch.Tensor of shape (n_channels,), float64
        On the device of the inputs. For one batch of K rows,
        ``lower = mean_i log[p(u_i|x_i) / (1/K sum_j p(u_i|x_j))]`` and
        ``upper = mean_i log[p(u_i|x_i) / (1/(K-1) sum_{j != i} p(u_i|x_j))]``;
        both are floored at 0, the information's own floor. ``se``: the
        spread of the per-row midpoints over the square root of the number of
        distinct rows drawn (rows repeat across batches when n < K x
        batches; their x-to-x spread does not average out), Kish-effective
        numbers with weights; with ``clusters`` the cluster-robust error
        (NaN for fewer than 2 clusters); in bits.
    """
    mu, log_var = _as_channels(mu, log_var)
    n_channels, n, d = mu.shape
    pool, weights = _weighted_pool(weights, n, mu.device)
    k = min(int(batch_size), len(pool))
    if k < 2:
        raise ValueError("The bounds need a batch of at least 2 samples.")
    c_chunk, r_chunk = _chunk_sizes(n_channels, k, d)
    sums = torch.zeros((3, n_channels), dtype=torch.float64, device=mu.device)
    n_rows = len(pool) if weights is None else effective_rows(weights[pool])
    by_cluster = None if clusters is None else _ClusterSums(clusters, n_channels)
    drawn = torch.zeros(2, dtype=torch.float64)  # sum w, sum w² of the terms
    entropy_sum = 0.0
    for _ in range(n_batches):
        idx = pool[torch.randperm(len(pool), generator=generator,
                                  device=mu.device)[:k]]
        w = None if weights is None else weights[idx]
        entropy_sum += 0.0 if w is None else _weight_entropy_sum(w)
        drawn += (torch.tensor([k, k], dtype=torch.float64) if w is None
                  else torch.stack([w.sum(), w.square().sum()]).cpu())
        eps = torch.randn((n_channels, k, d), generator=generator,
                          device=mu.device, dtype=torch.float64)
        terms = (None if by_cluster is None and influence is None
                 else sums.new_zeros((2, n_channels, k)))
        for c0 in range(0, n_channels, c_chunk):
            c1 = min(n_channels, c0 + c_chunk)
            # Gather, then convert: only a chunk is ever held in float64.
            sums[:, c0:c1] += torch.stack(_bound_sums(
                mu[c0:c1, idx].to(torch.float64),
                log_var[c0:c1, idx].to(torch.float64), eps[c0:c1], r_chunk,
                None if terms is None else terms[:, c0:c1], w))
        if by_cluster is not None:
            by_cluster.add(idx, terms.mean(dim=0), w)
        if influence is not None:
            influence.add(idx, terms, w)
    lower, upper, square = sums / float(drawn[0])
    if ceiling is not None and weights is not None:
        ceiling.append(entropy_sum / float(drawn[0]) / LN2)
    n_terms = float(drawn[0] ** 2 / drawn[1])  # Kish: n_batches k unweighted
    spread = (square - (0.5 * (lower + upper)).square()).clamp_min(0.0)
    se = torch.sqrt(spread * n_terms / max(n_terms - 1, 1) / min(n_terms, n_rows))
    if by_cluster is not None:
        se = by_cluster.standard_error(0.5 * (lower + upper))
    # Batch averages can dip below 0 near zero information; I(U; X) >= 0, so
    # max(0, .) keeps both valid and ordered there.
    out = (lower / LN2).clamp_min(0.0), (upper / LN2).clamp_min(0.0), se / LN2
    return out if return_se else out[:2]


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
