"""A checkpoint's evaluation of the network on held-out and training rows:
KL, losses, scores and the InfoNCE relevance bound, in row chunks."""

import math

import torch

from skdib._backend.dib._metrics import infonce_lower_bound
from skdib._backend.dib._predictive import averaged_prediction, predictive_noise

LN2 = math.log(2.0)

#: The rule by which a checkpoint picks the rows it evaluates. 2: a training
#: table larger than ``max_train_eval`` is scored on a seeded random subset
#: (:func:`train_eval_rows`) and a contrastive head cuts more held-out rows
#: than one chunk into seeded random chunks (:func:`_chunk_order`). 1 (skdib
#: before this rule): the first training rows, and consecutive chunks.
EVAL_ROWS = 2


def sweep_eval_rows(resume):
    """The evaluation-row rule of a sweep: :data:`EVAL_ROWS` for a new one;
    a resumed sweep keeps the rule it started with, which its saved state
    records (``resume["eval_rows"]``; a state saved by an older skdib has
    no marker and rule 1), so its path equals one uninterrupted fit."""
    return EVAL_ROWS if resume is None else resume.get("eval_rows", 1)


def _weighted_mean(values, weights):
    """Mean over rows (axis -1), weighted when ``weights`` is given."""
    if weights is None:
        return values.mean(dim=-1)
    return (values * weights).sum(dim=-1) / weights.sum()


def _chunk_order(contrastive, n_rows, chunk, generator, rule=EVAL_ROWS):
    """The row order in which :func:`_batched_eval` cuts its chunks: None
    (the order given) unless a contrastive head has more rows than one chunk
    (and ``rule``, see :data:`EVAL_ROWS`, is 2).

    A contrastive head's chunk is the batch of negatives of its rows, so
    consecutive chunks of a table sorted by y (or by anything related to it)
    would hold similar rows and a bound that depends on that order. Its
    chunks are then cut from a permutation drawn from ``generator`` (seeded
    the same at every checkpoint): random batches whatever the row order.
    """
    if not contrastive or n_rows <= chunk or rule < 2:
        return None
    return torch.randperm(n_rows, generator=generator,
                          device=generator.device)


def _eval_chunks(model, x, y, generator, chunk, predict_samples,
                 posteriors=False):
    """Per chunk of rows: KLs, losses, head outputs and, when ``posteriors``
    is true, the posteriors (kept only then: they hold every row's
    message), plus the InfoNCE bound (nats) summed over rows (see
    :func:`_batched_eval`)."""
    parts = {"kl": [], "nll": [], "out": []}
    if posteriors:
        parts.update(mu=[], log_var=[])
    rel_sum = 0.0
    for start in range(0, x.shape[0], chunk):
        xb = x[start:start + chunk]
        mu, log_var = model.encode(xb)
        if posteriors:
            parts["mu"].append(mu)
            parts["log_var"].append(log_var)
        parts["kl"].append(model.message_kl(mu, log_var))
        eps = torch.randn(mu.shape, generator=generator, device=mu.device,
                          dtype=torch.float32)
        out = model.decode(mu + torch.exp(0.5 * log_var) * eps)
        nll = model.head.nll(out, y[start:start + chunk])
        parts["nll"].append(nll)
        rel_sum += len(xb) * infonce_lower_bound(nll.mean().item(), len(xb))
        if predict_samples:
            noise = predictive_noise(predict_samples, mu.shape, mu.device)
            parts["out"].append(averaged_prediction(model, mu, log_var, noise))
        else:
            parts["out"].append(model.decode(mu))
    return parts, rel_sum


# the parts whose rows lie on axis 1 (channels first); the others: axis 0
_CHANNELS_FIRST = ("kl", "mu", "log_var")


def _in_row_order(parts, order):
    """The chunks' tensors joined, in the rows' given order (``order``: the
    permutation they were evaluated in, or None)."""
    joined = {k: torch.cat(v, dim=1 if k in _CHANNELS_FIRST else 0)
              for k, v in parts.items()}
    if order is None:
        return joined
    inverse = torch.argsort(order)
    return {k: v[:, inverse] if k in _CHANNELS_FIRST else v[inverse]
            for k, v in joined.items()}


def _batched_eval(model, x, y, generator, chunk, posteriors=None, weights=None,
                  predict_samples=0, rule=EVAL_ROWS):
    """Mean KL per channel, prediction loss, score (+ SE), relevance bound,
    every row's score term (``head.row_scores``) and every row's loss of the
    estimator's prediction (``head.loss_rows``).

    The relevance bound is the InfoNCE lower bound on I(U; Y) in bits for
    contrastive heads (each chunk is one batch of negatives; with more rows
    than one chunk, the chunks are cut from a seeded permutation, see
    :func:`_chunk_order`), else NaN. It is the unweighted mean over rows:
    the bound holds for rows drawn as the held-out rows were, not for a
    reweighted population. When ``posteriors`` is a list, the rows'
    (mu, log_var) are appended to it so callers can reuse the encoding
    instead of running the encoders again. ``weights`` (one per row) weight
    the means and the score. The score is that of the estimator's
    prediction: from the posterior means, or averaged over
    ``predict_samples`` fixed draws of the messages. Per-row outputs follow
    the rows' given order. ``rule``: the sweep's :data:`EVAL_ROWS`.
    """
    order = _chunk_order(model.head.contrastive, x.shape[0], chunk, generator,
                         rule)
    xs, ys = (x, y) if order is None else (x[order], y[order])
    parts, rel_sum = _eval_chunks(model, xs, ys, generator, chunk,
                                  predict_samples, posteriors is not None)
    joined = _in_row_order(parts, order)
    if posteriors is not None:
        posteriors.append((joined["mu"], joined["log_var"]))
    outs = joined["out"]
    score, score_se = (v.item() for v in model.head.score(outs, y, weights))
    score_rows = model.head.row_scores(outs, y, weights).cpu().numpy()
    pred = outs if predict_samples else model.head.predict(outs)
    loss_rows = model.head.loss_rows(pred, y, weights).cpu().numpy()
    nll_rows = joined["nll"].double()
    weights = None if weights is None else weights.double()
    # float32 KLs of posteriors at the prior can round a hair below 0
    kl_bits = (_weighted_mean(joined["kl"].double(), weights)
               / LN2).clamp_min(0.0)
    # I(U; Y) >= 0, so a batch estimate below 0 bounds it no better than 0
    relevance = (max(rel_sum / x.shape[0] / LN2, 0.0) if model.head.contrastive
                 else float("nan"))
    return (kl_bits.cpu().numpy(), _weighted_mean(nll_rows, weights).item() / LN2,
            score, score_se, relevance, score_rows, loss_rows)


def train_eval_rows(n_rows, limit, seed, rule=EVAL_ROWS):
    """The training rows a checkpoint scores ``loss_train`` on: all of them
    (None) up to ``limit``, else a fixed random subset of ``limit`` rows
    (under ``rule`` 1, see :data:`EVAL_ROWS`: the first ``limit`` rows).

    Training rows come in the order given (with an explicit validation set
    or ``groups`` they are not shuffled), so the first rows of a table sorted
    by time, by a column or by y would be one part of the data. The subset
    is drawn from its own generator seeded with ``seed`` (the checkpoints'
    evaluation seed): the same rows at every checkpoint, and no draw taken
    from the training generator.
    """
    if n_rows <= limit:
        return None
    if rule < 2:
        return torch.arange(limit)
    gen = torch.Generator().manual_seed(int(seed))
    return torch.randperm(n_rows, generator=gen)[:limit].sort().values
