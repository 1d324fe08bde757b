"""``mutual_information_bounds`` for ``benchmarks/run.py``.

100 channels x 8 batches x 1024 rows, embedding 8, against a plain numpy
reference that loops over channels and rows (the same estimator written
the obvious way), timed on a slice and scaled to the full size. The
posteriors are put on ``device`` first (the estimator works where its inputs
are), and the bounds are computed in float64, so the row gives no share of
the float32 peak.
"""

import time

import numpy as np
import torch

from skdib.information import mutual_information_bounds


def _reference_batch(mu, lv, eps):
    """InfoNCE / leave-one-out sums (nats) for one channel batch, row by row."""
    u = mu + np.exp(0.5 * lv) * eps
    var = np.exp(lv)
    lower = upper = 0.0
    for i in range(len(mu)):
        logp = -0.5 * np.sum(np.log(2 * np.pi) + lv + (u[i] - mu) ** 2 / var, axis=1)
        lower += logp[i] - np.log(np.mean(np.exp(logp - logp.max()))) - logp.max()
        others = np.delete(logp, i)
        upper += logp[i] - np.log(np.mean(np.exp(others - others.max()))) - others.max()
    return lower, upper


def _synchronise(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def measure(device="cpu", quick=True):
    """Row: the batched estimator against the per-row numpy loop."""
    rng = np.random.default_rng(0)
    n_channels, n_batches, batch, dim = 100, 8, 1024, 8
    means = rng.normal(size=(n_channels, n_batches * batch, dim))
    log_vars = rng.normal(-1.0, 0.3, size=means.shape)
    on_device = [torch.as_tensor(a, dtype=torch.float64, device=device)
                 for a in (means, log_vars)]
    _synchronise(device)
    start = time.perf_counter()
    mutual_information_bounds(*on_device, batch_size=batch, n_batches=n_batches,
                              random_state=0)
    _synchronise(device)
    fast = time.perf_counter() - start
    n_ref = 1 if quick else 4  # channel batches timed for the reference
    eps = rng.normal(size=(batch, dim))
    start = time.perf_counter()
    for c in range(n_ref):
        _reference_batch(means[c, :batch], log_vars[c, :batch], eps)
    slow = (time.perf_counter() - start) / n_ref * n_channels * n_batches
    flops = 3 * n_channels * n_batches * batch * batch * dim * 2
    return [dict(case="mutual_information_bounds",
                 setting=f"100 ch x 8 x 1024, d=8, float64, {device}",
                 seconds=fast, throughput=f"{n_channels * n_batches / fast:.0f} "
                 "channel-batches/s", flops=flops / fast, float64=True,
                 baseline=f"numpy row loop ({n_ref} of 800 batches, scaled)",
                 baseline_seconds=slow, ratio=slow / fast)]
