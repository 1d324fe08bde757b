"""``mutual_information_bounds`` for ``benchmarks/run.py``.

100 channels x 8 batches x 1024 rows, embedding 8, against a plain numpy
reference that loops over channels and rows (the same estimator written
the obvious way), timed on a slice and scaled to the full size. The
posteriors are put on ``device`` first (the estimator works where its inputs
are), and the bounds are computed in float64, so the row gives no share of
the float32 peak.

The FLOPs counted are those of the path each channel batch took in the
timed call, as the implementation chose it (recorded from its
``_path_sums``, not decided a second time here): per pair of rows, the
expanded path's one matrix product, (K x 2d)(2d x K), 4d FLOPs, plus its
bias; the difference-first path's subtract, square and multiply-add per
dimension, 5d; and on both the 5 elementwise steps of the bounds
(subtracting the matched term, row maximum, shift, exp, row sum).
"""

import contextlib
import time

import numpy as np
import torch

from skdib._backend.dib import _information
from skdib.information import mutual_information_bounds

#: FLOPs per pair of rows and dimension of each path, and per pair besides.
PER_DIMENSION = {True: 4, False: 5}
PER_PAIR = {True: 1 + 5, False: 5}


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


@contextlib.contextmanager
def _paths_taken():
    """Record ``(channels, K, d, expanded)`` of every channel batch the bounds
    compute in the block (a list, filled as they run)."""
    taken, original = [], _information._path_sums

    def recording(mu, log_var, eps, r_chunk, expand, *args, **kwargs):
        taken.append((*mu.shape, bool(expand)))
        return original(mu, log_var, eps, r_chunk, expand, *args, **kwargs)

    _information._path_sums = recording
    try:
        yield taken
    finally:
        _information._path_sums = original


def count_flops(taken):
    """FLOPs of the channel batches in ``taken`` (see :func:`_paths_taken`)."""
    if not taken:
        raise RuntimeError("the bounds computed no channel batch through "
                           "_information._path_sums: update bench_bounds")
    return sum(c * k * k * (PER_DIMENSION[e] * d + PER_PAIR[e])
               for c, k, d, e in taken)


def _synchronise(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def measure(device="cpu", quick=True, size=(100, 8, 1024, 8)):
    """Row: the batched estimator against the per-row numpy loop; ``size``:
    channels, batches, rows per batch (K) and embedding dimension (d)."""
    rng = np.random.default_rng(0)
    n_channels, n_batches, batch, dim = size
    means = rng.normal(size=(n_channels, n_batches * batch, dim))
    log_vars = rng.normal(-1.0, 0.3, size=means.shape)
    on_device = [torch.as_tensor(a, dtype=torch.float64, device=device)
                 for a in (means, log_vars)]
    _synchronise(device)
    with _paths_taken() as taken:
        start = time.perf_counter()
        mutual_information_bounds(*on_device, batch_size=batch,
                                  n_batches=n_batches, random_state=0)
        _synchronise(device)
        fast = time.perf_counter() - start
    n_ref = min(1 if quick else 4, n_channels)  # batches timed, reference
    eps = rng.normal(size=(batch, dim))
    start = time.perf_counter()
    for c in range(n_ref):
        _reference_batch(means[c, :batch], log_vars[c, :batch], eps)
    slow = (time.perf_counter() - start) / n_ref * n_channels * n_batches
    flops = count_flops(taken)
    expanded = sum(c for c, _, _, e in taken if e) / n_batches
    return [dict(case="mutual_information_bounds",
                 setting=f"{n_channels} ch x {n_batches} x {batch}, d={dim}, "
                         f"float64, {device}, expanded path: {expanded:.0f} of "
                         f"{n_channels} ch",
                 seconds=fast, throughput=f"{n_channels * n_batches / fast:.0f} "
                 "channel-batches/s", flops=flops / fast, float64=True,
                 baseline=f"numpy row loop ({n_ref} of {n_channels * n_batches} "
                          "batches, scaled)",
                 baseline_seconds=slow, ratio=slow / fast)]
