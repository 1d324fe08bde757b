"""The training loop: β annealing with a checkpoint recorder."""

import math
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch

from skdib._backend._device import flush_denormals, ieee_float32, step_precision
from skdib._backend._tensors import as_tensor
from skdib._backend.dib._checkpoint_information import ESTIMATE_KEYS
from skdib._backend.dib._evaluation import (
    EVAL_ROWS,
    _batched_eval,
    sweep_eval_rows,
    train_eval_rows,
)
from skdib._backend.dib._schedule import sweep_schedule
from skdib._backend.dib._settling import HoldWindow
from skdib._backend.dib._snapshots import SnapshotSequence, encode_snapshot
from skdib._backend.dib._standardise import network_input
from skdib._backend.dib._sweep_state import (
    CHECK_EVERY,
    TrainingStopped,
    capture,
    divergence,
    restore,
    set_learning_rate,
)

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
    keep_snapshots: bool | str = True  # True: int8-coded, 'exact', False
    eval_batch_size: int = 4096
    predict_samples: int = 0
    max_train_eval: int = 4096
    progress: object = None
    warmup_fraction: float = 0.0  # of all steps, linear learning-rate warm-up
    precision: str = "float32"  # of the training forward (see step_precision)
    weight_decay: float = 0.0  # decoupled (AdamW), on every parameter


def warmup_steps(config, n_total):
    """Steps of the linear learning-rate warm-up."""
    return round(config.warmup_fraction * n_total)


def apply_warmup(optimizer, config, step, n_warmup):
    """Set the rate of ``step``: ``(step + 1) / n_warmup`` of the learning
    rate during the warm-up, the full rate from the step after it on."""
    if step > n_warmup:
        return
    factor = 1.0 if step >= n_warmup else (step + 1) / n_warmup
    set_learning_rate(optimizer, config.learning_rate * factor)


def make_optimizer(params, learning_rate, weight_decay=0.0):
    """Adam over ``params`` (AdamW when ``weight_decay`` > 0), with torch's
    fused kernel where it has one.

    The decay is decoupled from the gradient (Loshchilov and Hutter's
    AdamW): every step multiplies each parameter by
    ``1 - learning_rate * weight_decay`` before Adam's update, so it pulls
    the weights towards zero at the same relative rate whatever the scale of
    their gradients. With ``weight_decay=0`` this is plain Adam.

    The fused kernel does the same elementwise update in one pass over all
    parameters instead of several passes per tensor: on two CPU cores a
    default fit ran 7 % faster (breast cancer 14.1 s to 13.1 s, a 10-input
    circuit 9.0 s to 8.4 s, ``benchmarks/run.py --only fits``). Torch builds
    without it for the parameters' device get the per-tensor loop.

    Examples
    --------
    >>> import torch
    >>> from skdib._backend.dib._train import make_optimizer
    >>> w = torch.nn.Parameter(torch.ones(3))
    >>> opt = make_optimizer([w], 0.1)
    >>> (w ** 2).sum().backward(); opt.step()
    >>> [round(v, 3) for v in w.tolist()]
    [0.9, 0.9, 0.9]
    >>> v = torch.nn.Parameter(torch.ones(3))
    >>> opt = make_optimizer([v], 0.1, weight_decay=0.5)
    >>> (v ** 2).sum().backward(); opt.step()
    >>> [round(x, 3) for x in v.tolist()]  # 1 * (1 - 0.05) - 0.1
    [0.85, 0.85, 0.85]
    """
    params = list(params)
    kind, options = ((torch.optim.AdamW, {"weight_decay": weight_decay})
                     if weight_decay > 0 else (torch.optim.Adam, {}))
    try:
        return kind(params, lr=learning_rate, fused=True, **options)
    except (RuntimeError, TypeError):
        return kind(params, lr=learning_rate, **options)


def encode_chunked(model, x, chunk):
    """``model.encode`` over row chunks, concatenated along the sample axis."""
    parts = [model.encode(x[s:s + chunk]) for s in range(0, x.shape[0], chunk)]
    return (torch.cat([p[0] for p in parts], dim=1),
            torch.cat([p[1] for p in parts], dim=1))


def _snapshot(model):
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


_RECORDED = ("beta", "kl", "loss_train", "loss_val", "score_val", "score_val_se",
             "relevance", "step", "score_val_rows", "prediction_loss_rows",
             "kl_drift")


def _checkpoint(model, data, config, eval_seed, bounds_fn, rule=EVAL_ROWS):
    """Metrics (and bounds) of the network now, on fixed evaluation draws
    (of the rows that ``rule`` picks, see
    :data:`~skdib._backend.dib._evaluation.EVAL_ROWS`)."""
    x_train, y_train, x_val, y_val, w_train, w_val = data
    rows = train_eval_rows(x_train.shape[0], config.max_train_eval, eval_seed,
                           rule)
    if rows is not None:
        rows = rows.to(x_train.device)
        x_train, y_train = x_train[rows], y_train[rows]
        w_train = None if w_train is None else w_train[rows]
    with torch.no_grad():
        eval_gen = torch.Generator(device=x_train.device).manual_seed(eval_seed)
        held_out = bounds_fn is not None and getattr(bounds_fn, "bounds", True)
        posteriors = [] if held_out else None
        (kl_bits, loss_val, score, score_se, relevance, score_rows,
         loss_rows) = _batched_eval(
            model, x_val, y_val, eval_gen, config.eval_batch_size, posteriors,
            w_val, config.predict_samples, rule)
        loss_tr = _batched_eval(
            model, x_train, y_train, eval_gen, config.eval_batch_size,
            weights=w_train, rule=rule)[1]
        point = {"kl": kl_bits, "loss_train": loss_tr, "loss_val": loss_val,
                 "score_val": score, "score_val_se": score_se,
                 "relevance": relevance, "score_val_rows": score_rows,
                 "prediction_loss_rows": loss_rows}
        if bounds_fn is not None:
            estimates = bounds_fn(*(posteriors[0] if held_out else (None, None)),
                                  *_probe_posteriors(model, bounds_fn, x_val))
            point["kl"] = _values_kl(kl_bits, estimates)
            if held_out:
                point.update(estimates)
    return point


def _values_kl(kl, estimates):
    """The path's ``kl``: a discrete channel's values' mean KL over the rows
    its frequencies count (``mixture_kl``, where estimated), the held-out
    rows' mean KL of the others."""
    values = estimates.get("mixture_kl")
    if values is None:
        return kl
    return np.where(np.isnan(values), kl, values)


def _probe_posteriors(model, bounds_fn, x_val):
    """The posteriors of ``bounds_fn.probes`` (one input row per value of
    the discrete channels, as ``x_val``'s rows before standardisation), or
    () when it has none."""
    probes = getattr(bounds_fn, "probes", None)
    if probes is None:
        return ()
    return model.encode(as_tensor(network_input(model, probes), x_val.device))


def _finish_record(rec, model):
    """The recorded lists as numpy arrays, plus the final state."""
    out = {k: np.asarray(rec[k]) for k in _RECORDED}
    # information estimates: arrays (n_points, n_channels), or None if not made
    out["estimates"] = ({k: np.asarray(rec[k]) for k in ESTIMATE_KEYS}
                        if rec[ESTIMATE_KEYS[0]] else None)
    out["snapshots"] = SnapshotSequence(rec["snapshots"])
    out["final_state"] = None if model is None else _snapshot(model)
    return out


def _record_point(rec, point, beta, step, entry):
    """Append the checkpoint and its coded snapshot (None: not kept)."""
    for key, value in {**point, "beta": beta, "step": step}.items():
        rec[key].append(value)
    if entry is not None:
        rec["snapshots"].append(entry)


def _stored_snapshot(model, previous, config):
    """``(entry, weights)``: the snapshot as stored, and the weights it holds
    (what a model rewound to this checkpoint will have); (None, None) when
    snapshots are not kept."""
    if not config.keep_snapshots:
        return None, None
    return encode_snapshot(model, previous, exact=config.keep_snapshots == "exact")


def _scored_checkpoint(model, data, config, eval_seed, bounds_fn, previous,
                       rule=EVAL_ROWS):
    """``(point, entry, weights)``: the checkpoint's snapshot as stored, and
    its metrics computed with those weights (see :func:`_weights`), on the
    rows that ``rule`` picks. Float32 products are IEEE float32 there, on a
    GPU too, whatever the training steps or the process use."""
    entry, stored = _stored_snapshot(model, previous, config)
    with _weights(model, stored), ieee_float32(data[0].device):
        point = _checkpoint(model, data, config, eval_seed, bounds_fn, rule)
    return point, entry, stored


@contextmanager
def _weights(model, state):
    """Run the block with ``state`` loaded into ``model``, then restore it.

    Checkpoints are scored with the weights a rewound model will have, so the
    path's numbers are those of ``set_path_point``; training goes on from the
    exact weights.
    """
    if state is None:
        yield
        return
    exact = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(state)
    try:
        yield
    finally:
        model.load_state_dict(exact)


@flush_denormals()
def train(model, x_train, y_train, x_val, y_val, config, seed, bounds_fn=None,
          resume=None, w_train=None, w_val=None, eval_rows=None):
    """Run the sweep and return the recorded path as numpy arrays.

    ``bounds_fn(mu, log_var)``, when given, returns a dict of per-channel
    information estimates in bits from held-out posteriors (see
    :func:`skdib._backend.dib._checkpoint_information.make_information_fn`).
    ``resume``, a state captured by an earlier, stopped run of the same sweep,
    continues it from its last checkpoint. ``w_train`` and ``w_val`` (one
    weight per row, or None) weight the loss, the metrics and the KL. Raises
    :class:`~skdib._backend.dib._sweep_state.TrainingStopped` on divergence or
    ``KeyboardInterrupt``, with the path so far. ``eval_rows`` overrides the
    evaluation-row rule that ``resume`` implies (``sweep_eval_rows``): the
    later replicates of a fit that an older skdib stopped keep its rule.
    """
    device = x_train.device
    gen = torch.Generator(device=device).manual_seed(seed)
    betas, record_at = sweep_schedule(config)
    optimizer = make_optimizer(model.parameters(), config.learning_rate,
                               config.weight_decay)
    n_warmup = warmup_steps(config, len(betas))
    precision = step_precision(config.precision, device)
    n = x_train.shape[0]
    bs = min(config.batch_size, n)
    rec = {k: [] for k in (*_RECORDED, *ESTIMATE_KEYS, "snapshots")}
    first, saved, rule = 0, None, (sweep_eval_rows(resume) if eval_rows is None
                                   else eval_rows)
    perm, cursor = torch.randperm(n, generator=gen, device=device), 0
    if resume is not None:
        first, perm, cursor, rec = restore(resume, model, optimizer, gen, device,
                                           config.learning_rate)
        saved = resume
    # the last snapshot as stored: the next one is coded as a change from it
    last = SnapshotSequence(rec["snapshots"])[-1] if rec["snapshots"] else None
    step, beta = first, betas[min(first, len(betas) - 1)]
    hold = HoldWindow()
    try:
        for step in range(first, len(betas)):
            beta = betas[step]
            if cursor + bs > n:
                perm, cursor = torch.randperm(n, generator=gen, device=device), 0
            idx = perm[cursor:cursor + bs]
            cursor += bs
            loss, kl_total, kl_channels = _step(
                model, optimizer, precision,
                (x_train, y_train, w_train, idx, beta, gen))
            apply_warmup(optimizer, config, step, n_warmup)
            optimizer.step()
            hold.add(beta, kl_channels)
            if config.progress is not None and (
                    step % 20 == 0 or step == len(betas) - 1):
                config.progress(step, beta, loss.item(), kl_total.item() / LN2)
            if step not in record_at:
                if step % CHECK_EVERY == 0:
                    problem = divergence(loss.item(), None, model)
                    if problem is not None:
                        raise TrainingStopped("diverged", step, beta, problem,
                                              _stopped_record(rec, saved), saved)
                continue
            point, entry, stored = _scored_checkpoint(
                model, (x_train, y_train, x_val, y_val, w_train, w_val), config,
                seed + 1, bounds_fn, last, rule)
            point["kl_drift"] = hold.drift()
            problem = divergence(loss.item(), point, model)
            if problem is not None:
                raise TrainingStopped("diverged", step, beta, problem,
                                      _stopped_record(rec, saved), saved)
            _record_point(rec, point, beta, step, entry)
            last = stored
            saved = capture(step, model, optimizer, gen, perm, cursor, rec,
                            rule)
    except KeyboardInterrupt:
        raise TrainingStopped("interrupted", step, beta, "KeyboardInterrupt",
                              _stopped_record(rec, saved), saved) from None
    return _finish_record(rec, model)


def _step(model, optimizer, precision, batch):
    """One step's loss (see :func:`_batch_loss`) and backward pass, both in
    the sweep's ``precision`` (:func:`step_precision`: the context of the
    whole step, and that of its forward pass); the caller steps the
    optimizer."""
    whole_step, forward = precision
    with whole_step():
        with forward():
            loss, kl_total, kl_channels = _batch_loss(model, *batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
    return loss, kl_total, kl_channels


def _batch_loss(model, x_train, y_train, w_train, idx, beta, gen):
    """The Lagrangian of one batch, its mean KL (nats) per row, and per channel.
    """
    out, kl = model(x_train[idx], generator=gen)
    nll, kl_rows = model.head.training_loss(out, y_train[idx]), kl.sum(dim=0)
    if w_train is not None:  # weights of mean 1: an unbiased batch loss
        nll, kl_rows = nll * w_train[idx], kl_rows * w_train[idx]
        kl = kl * w_train[idx]
    kl_total = kl_rows.mean()
    return nll.mean() + beta * kl_total, kl_total, kl.detach().mean(dim=1)


def _stopped_record(rec, saved):
    """The record up to the last good checkpoint (None if there was none)."""
    if saved is None:
        return None
    out = _finish_record(rec, None)
    out["final_state"] = saved["model"]
    return out
