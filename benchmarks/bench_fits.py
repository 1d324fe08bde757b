"""End-to-end fits for ``benchmarks/run.py``: the defaults against the old ones.

Each case fits the estimator with today's defaults and with the defaults of
0.1.0.dev0 (``OLD_DEFAULTS``) on the same split (stratified, 70 % to train
and 30 % to test, seed 0), with information bounds on and the runner's
torch threads (``n_threads``), and reports the time of both and the
held-out score of both. ``--quick``
shortens both schedules 10x (the default recipe's as it resolves for the
data), so the ratio keeps the ratio of steps and of the cost per step; the
scores of a shortened run say little.

The glass-scale case times the paper's glass network (100 channels, 12,000
rows, encoders 3x256, embedding 64, decoder 3x256, batch 512) for a few
hundred steps and projects the time of the paper's 30,000; its baseline is the
same network written as a loop over per-channel MLPs, timed on the same
steps.
"""

import time
import warnings

from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from skdib import DistributedIBClassifier
from skdib._dib._estimates import table_channels
from skdib._dib._recipe import RECIPES, recipe_kind
from skdib.datasets import load_sheared_glass, make_boolean_circuit
from skdib.featurizers import RadialStructureFunctions

# pass these to reproduce the 0.1.0.dev0 defaults (git 8df414b^): the 0.1
# network and schedule, network encoders for discrete channels, batches of
# 256, and what 0.1 did not have set to its off value (weight decay 0: plain
# Adam; no label smoothing; no learning-rate warm-up), as 'auto' resolves
# these from the data today (breast cancer: weight decay 0.3 and smoothing
# 0.01). Every setting of the default recipe is named here.
OLD_DEFAULTS = dict(n_pretrain_steps=2000, n_steps=8000, encoder_hidden=(64, 64),
                    embedding_dim=8, decoder_hidden=(128, 128), learning_rate=3e-4,
                    discrete_encoder="mlp", batch_size=256, weight_decay=0.0,
                    label_smoothing=0.0, warmup_fraction=0.0)


def _tables():
    circuit = make_boolean_circuit(10, random_state=101)
    X, y = load_breast_cancer(return_X_y=True)
    glass = load_sheared_glass("gradual")
    rsf = RadialStructureFunctions().fit_transform(glass.data)
    return {"10-input Boolean circuit": (circuit.X, circuit.y),
            "breast cancer": (X, y),
            "sheared glass (gradual, 100 RSF)": (rsf, glass.target)}


def _schedule(params, factor):
    """Both step counts divided by ``factor``."""
    return {key: max(int(params[key]) // factor, 20)
            for key in ("n_pretrain_steps", "n_steps")}


def _default_schedule(X, factor):
    """The default recipe's step counts for ``X``, divided by ``factor``."""
    kind = recipe_kind(table_channels(X, [[j] for j in range(X.shape[1])]))
    return _schedule(RECIPES[kind], factor)


def _fit(settings, split, where):
    """Seconds and test accuracy of one fit; ``where``: device and n_threads."""
    X_tr, y_tr, X_te, y_te = split
    est = DistributedIBClassifier(random_state=0, **where, **settings)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X_tr, y_tr)
    return time.perf_counter() - start, est.score(X_te, y_te)


def _warm_up(where):
    """One tiny fit, so that one-time costs (torch imports its compiler
    stack when the first optimizer is built: about 1.2 s here) are charged
    to neither side of the first case."""
    circuit = make_boolean_circuit(4, random_state=0)
    X, y = circuit.X, circuit.y
    _fit(dict(n_pretrain_steps=5, n_steps=5, n_checkpoints=1), (X, y, X, y),
         where)


def _splits(tables):
    """(name, (X_tr, y_tr, X_te, y_te)): stratified 70/30 splits, seed 0."""
    for name, (X, y) in tables.items():
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3,
                                                  random_state=0, stratify=y)
        yield name, (X_tr, y_tr, X_te, y_te)


def measure_defaults(device="cpu", quick=True, n_threads=1, tables=None,
                     factor=None):
    """Rows: today's default fit against the 0.1.0.dev0 defaults.

    ``n_threads``: the estimators' torch threads (``run.py --threads``);
    ``tables``: name -> (X, y) (default: the circuit, breast cancer and the
    glass); ``factor``: both schedules divided by it (default 10 with
    ``quick``, else 1: the full schedules).
    """
    factor = factor or (10 if quick else 1)
    where = dict(device=device, n_threads=n_threads)
    rows = []
    _warm_up(where)
    for name, split in _splits(tables or _tables()):
        new = _default_schedule(split[0], factor) if factor > 1 else {}
        old = {**OLD_DEFAULTS, **_schedule(OLD_DEFAULTS, factor)}
        t_new, s_new = _fit(new, split, where)
        t_old, s_old = _fit(old, split, where)
        rows.append(dict(case="default fit (with bounds)", setting=name,
                         seconds=t_new, throughput=f"test acc {s_new:.3f}",
                         flops=None, baseline=f"0.1 defaults (test acc {s_old:.3f})",
                         baseline_seconds=t_old, ratio=t_old / t_new))
    return rows


def measure_denormals(device="cpu", quick=True, n_threads=1, tables=None,
                      factor=None):
    """Rows: default fits as shipped (denormals flushed while training)
    against the same fits with the CPU's denormal mode left off (arguments
    as for :func:`measure_defaults`; default tables: the circuit and breast
    cancer)."""
    import torch

    if device != "cpu":
        return []  # the flush is a CPU mode
    factor = factor or (10 if quick else 1)
    where = dict(device=device, n_threads=n_threads)
    _warm_up(where)
    if tables is None:
        tables = {name: table for name, table in _tables().items()
                  if name in ("10-input Boolean circuit", "breast cancer")}
    rows = []
    for name, split in _splits(tables):
        settings = _default_schedule(split[0], factor) if factor > 1 else {}
        t_flush, s_flush = _fit(settings, split, where)
        switch = torch.set_flush_denormal
        torch.set_flush_denormal(False)
        torch.set_flush_denormal = lambda mode: True  # keep the mode off
        try:
            t_plain, s_plain = _fit(settings, split, where)
        finally:
            torch.set_flush_denormal = switch
        rows.append(dict(case="default fit, denormals flushed", setting=name,
                         seconds=t_flush, throughput=f"test acc {s_flush:.3f}",
                         flops=None,
                         baseline=f"denormals kept (test acc {s_plain:.3f})",
                         baseline_seconds=t_plain, ratio=t_plain / t_flush))
    return rows


#: The paper's glass network: channels, encoders, embedding, decoder, batch.
GLASS_NETWORK = (100, (256, 256, 256), 64, (256, 256, 256), 512)


def measure_glass_scale(device="cpu", quick=True, network=GLASS_NETWORK,
                        n_steps=None):
    """Rows: the paper's glass network (or ``network``, as
    :data:`GLASS_NETWORK`), ``n_steps`` steps timed (default 3 with
    ``quick``, 20 without, 200 on a GPU), 30,000 projected."""
    import torch
    from bench_encoders import LoopNet, batched_net, step_flops, time_steps

    if n_steps is None:
        n_steps = 200 if device == "cuda" else 3 if quick else 20
    n_channels, hidden, dim, decoder, batch = network
    torch.manual_seed(0)
    dev = torch.device(device)
    x = torch.randn(batch, n_channels, device=dev)
    y = torch.randint(0, 2, (batch,), device=dev)
    shape = (hidden, dim, decoder)
    fast = time_steps(batched_net(n_channels, *shape).to(dev), x, y, n_steps, dev)
    slow = time_steps(LoopNet(n_channels, *shape, 2).to(dev), x, y, n_steps, dev)
    low = "tf32" if device == "cuda" else "bfloat16"
    fast_low = time_steps(batched_net(n_channels, *shape).to(dev), x, y, n_steps,
                          dev, precision=low)
    flops = step_flops(n_channels, hidden, dim, decoder, batch)
    case = (f"glass-scale network ({n_channels} ch, {len(hidden)}x{hidden[0]}, "
            f"d={dim}, batch {batch})")
    return [dict(case=case,
                 setting=f"{n_steps} steps timed; 30,000 projected: "
                         f"{30000 * fast / 60:.0f} min",
                 seconds=fast, throughput=f"{1 / fast:.1f} steps/s",
                 flops=flops / fast, baseline="per-channel loop",
                 baseline_seconds=slow, ratio=slow / fast),
            dict(case=case,
                 setting=f"precision='{low}', {n_steps} steps timed; 30,000 "
                         f"projected: {30000 * fast_low / 60:.0f} min",
                 seconds=fast_low, throughput=f"{1 / fast_low:.1f} steps/s",
                 flops=flops / fast_low, baseline="float32, batched",
                 baseline_seconds=fast, ratio=fast / fast_low)]
