"""The training loop: β annealing with a checkpoint recorder."""

import math
from dataclasses import dataclass

import numpy as np
import torch

from skdib._backend._model import kl_nats
from skdib._backend._schedule import beta_schedule, checkpoint_steps

LN2 = math.log(2.0)


@dataclass
class TrainConfig:
    """Settings of one β sweep (validated by the estimator)."""

    beta_start: float
    beta_end: float
    n_pretrain_steps: int
    n_steps: int
    batch_size: int
    learning_rate: float
    n_checkpoints: int
    keep_snapshots: bool = True
    eval_batch_size: int = 4096
    max_train_eval: int = 4096
    progress: object = None


def _batched_eval(model, x, y, generator, chunk, posteriors=None):
    """Mean KL per channel, prediction loss, score (+ SE), relevance bound.

    The relevance bound is the InfoNCE lower bound on I(U; Y) in bits for
    contrastive heads (each chunk is one batch of negatives), else NaN. When
    ``posteriors`` is a list, each chunk's (mu, log_var) is appended to it so
    callers can reuse the encoding instead of running the encoders again.
    """
    kl_sum = None
    nll_sum = 0.0
    rel_sum = 0.0
    contrastive = hasattr(model.head, "relevance_lower_bound")
    outs = []
    for start in range(0, x.shape[0], chunk):
        xb = x[start:start + chunk]
        mu, log_var = model.encode(xb)
        if posteriors is not None:
            posteriors.append((mu, log_var))
        kl = kl_nats(mu, log_var).sum(dim=1)
        kl_sum = kl if kl_sum is None else kl_sum + kl
        eps = torch.randn(mu.shape, generator=generator, device=mu.device)
        out = model.decode(mu + torch.exp(0.5 * log_var) * eps)
        nll = model.head.nll(out, y[start:start + chunk]).sum().item()
        nll_sum += nll
        rel_sum += len(xb) * math.log(len(xb)) - nll
        outs.append(model.decode(mu))
    score, score_se = (v.item() for v in model.head.score(torch.cat(outs), y))
    n = x.shape[0]
    kl_bits = (kl_sum / n / LN2).double().cpu().numpy()
    relevance = rel_sum / n / LN2 if contrastive else float("nan")
    return kl_bits, nll_sum / n / LN2, score, score_se, relevance


def encode_chunked(model, x, chunk):
    """``model.encode`` over row chunks, concatenated along the sample axis."""
    parts = [model.encode(x[s:s + chunk]) for s in range(0, x.shape[0], chunk)]
    return (torch.cat([p[0] for p in parts], dim=1),
            torch.cat([p[1] for p in parts], dim=1))


def _snapshot(model):
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


def train(model, x_train, y_train, x_val, y_val, config, seed, bounds_fn=None):
    """Run the sweep and return the recorded path as numpy arrays.

    ``bounds_fn(mu, log_var)``, when given, returns per-channel (lower, upper)
    information bounds in bits from held-out posteriors.
    """
    device = x_train.device
    gen = torch.Generator(device=device).manual_seed(seed)
    eval_seed = seed + 1
    betas = beta_schedule(config.beta_start, config.beta_end,
                          config.n_pretrain_steps, config.n_steps)
    record_at = set(checkpoint_steps(config.n_pretrain_steps, config.n_steps,
                                     config.n_checkpoints).tolist())
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    n = x_train.shape[0]
    bs = min(config.batch_size, n)
    n_eval_train = min(n, config.max_train_eval)
    rec = {k: [] for k in ("beta", "kl", "loss_train", "loss_val", "score_val",
                           "score_val_se", "relevance", "lower", "upper", "step",
                           "snapshots")}
    perm, cursor = torch.randperm(n, generator=gen, device=device), 0
    for step, beta in enumerate(betas):
        if cursor + bs > n:
            perm, cursor = torch.randperm(n, generator=gen, device=device), 0
        idx = perm[cursor:cursor + bs]
        cursor += bs
        out, kl = model(x_train[idx], generator=gen)
        kl_total = kl.sum(dim=0).mean()
        loss = model.head.nll(out, y_train[idx]).mean() + beta * kl_total
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if config.progress is not None and (step % 20 == 0 or step == len(betas) - 1):
            config.progress(step, beta, loss.item(), kl_total.item() / LN2)
        if step not in record_at:
            continue
        with torch.no_grad():
            eval_gen = torch.Generator(device=device).manual_seed(eval_seed)
            posteriors = None if bounds_fn is None else []
            kl_bits, loss_val, score, score_se, relevance = _batched_eval(
                model, x_val, y_val, eval_gen, config.eval_batch_size, posteriors)
            _, loss_tr, _, _, _ = _batched_eval(
                model, x_train[:n_eval_train], y_train[:n_eval_train], eval_gen,
                config.eval_batch_size)
            if bounds_fn is not None:
                lower, upper = bounds_fn(
                    torch.cat([p[0] for p in posteriors], dim=1),
                    torch.cat([p[1] for p in posteriors], dim=1))
                rec["lower"].append(lower)
                rec["upper"].append(upper)
        rec["beta"].append(beta)
        rec["kl"].append(kl_bits)
        rec["loss_train"].append(loss_tr)
        rec["loss_val"].append(loss_val)
        rec["score_val"].append(score)
        rec["score_val_se"].append(score_se)
        rec["relevance"].append(relevance)
        rec["step"].append(step)
        if config.keep_snapshots:
            rec["snapshots"].append(_snapshot(model))
    out = {k: np.asarray(rec[k]) for k in ("beta", "kl", "loss_train", "loss_val",
                                            "score_val", "score_val_se",
                                            "relevance", "step")}
    out["lower"] = np.asarray(rec["lower"]) if rec["lower"] else None
    out["upper"] = np.asarray(rec["upper"]) if rec["upper"] else None
    out["snapshots"] = rec["snapshots"]
    out["final_state"] = _snapshot(model)
    return out
