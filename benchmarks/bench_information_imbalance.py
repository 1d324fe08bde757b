"""Greedy information-imbalance selection: skdib (torch) against a baseline.

Data: N = 4000 points, M = 60 standard-normal features; the target depends on
features 0-3. Ten features are selected greedily by minimising Δ(X_S → y).

Baseline: DADApy's ``MetricComparisons.greedy_feature_selection_target`` (with
``n_best=1``, i.e. plain greedy, and exact target ranks, ``maxk = N - 1``).
DADApy is used when it can be imported, or through another interpreter given
with ``--dadapy-python`` (DADApy pins numpy < 2 and pulls in jax, so it is best
kept in its own virtual environment). Without DADApy, the baseline is the plain
numpy implementation in this file.

DADApy returns each step's feature set unordered, so the runs are compared by
the set of features selected after every step.

Usage::

    python benchmarks/bench_information_imbalance.py
    python benchmarks/bench_information_imbalance.py --dadapy-python VENV/bin/python
"""

import argparse
import contextlib
import io
import json
import os
import subprocess
import tempfile
import time
import warnings

import numpy as np


def make_data(n, m, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, m))
    y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2] + 0.5 * X[:, 3]
    return X, y + 0.1 * rng.standard_normal(n)


# --------------------------------------------------------------------------- #
# Plain numpy reference: full distance rows, nearest neighbour, target rank.
# --------------------------------------------------------------------------- #


def numpy_greedy(X, y, n_select, rows_per_chunk=256):
    """Greedy Δ(X_S → y), k = 1, no ties expected (continuous data)."""
    n, m = X.shape
    ranks = np.empty((n, n), dtype=np.float32)
    for start in range(0, n, rows_per_chunk):
        d = (y[start : start + rows_per_chunk, None] - y[None, :]) ** 2
        d[np.arange(len(d)), np.arange(start, start + len(d))] = np.inf
        ranks[start : start + len(d)] = np.argsort(np.argsort(d, axis=1), axis=1) + 1
    selected, path = [], []
    for _ in range(n_select):
        scores = {}
        for c in range(m):
            if c in selected:
                continue
            cols = selected + [c]
            total = 0.0
            for start in range(0, n, rows_per_chunk):
                block = X[start : start + rows_per_chunk, cols]
                d = np.zeros((len(block), n))
                for f, col in enumerate(cols):
                    d += (block[:, f, None] - X[None, :, col]) ** 2
                d[np.arange(len(d)), np.arange(start, start + len(d))] = np.inf
                nn = d.argmin(axis=1)
                total += ranks[np.arange(start, start + len(d)), nn].sum(dtype=float)
            scores[c] = 2.0 * total / (n * n)
        best = min(scores, key=lambda c: (scores[c], c))
        selected.append(best)
        path.append(scores[best])
    return [sorted(selected[: i + 1]) for i in range(n_select)], path


# --------------------------------------------------------------------------- #
# DADApy (run in this interpreter or in another one).
# --------------------------------------------------------------------------- #


def dadapy_greedy(X, y, n_select, n_jobs):
    from dadapy import MetricComparisons

    n = len(y)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        target = MetricComparisons(coordinates=y[:, None], maxk=n - 1, n_jobs=n_jobs)
        target.compute_distances()
        features = MetricComparisons(coordinates=X, maxk=1, n_jobs=n_jobs)
        tuples, imbalances, _ = features.greedy_feature_selection_target(
            target.dist_indices, n_select, k=1, n_best=1, symm=False
        )
    sets = [sorted(int(c) for c in t) for t in tuples]
    return sets, [float(v) for v in imbalances[:, 1]]


def run_dadapy_here(data_path, n_select, n_jobs):
    data = np.load(data_path)
    (wall, cpu), (tuples, path) = timed(
        dadapy_greedy, data["X"], data["y"], n_select, n_jobs
    )
    print(json.dumps({"wall": wall, "cpu": cpu, "sets": tuples, "path": path}))


def dadapy_in(python, X, y, n_select, n_jobs):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.npz")
        np.savez(path, X=X, y=y)
        cmd = [python, os.path.abspath(__file__), "--run-dadapy", path,
               "--n-select", str(n_select), "--threads", str(n_jobs)]  # fmt: skip
        env = dict(os.environ, OMP_NUM_THREADS=str(n_jobs))
        env["OPENBLAS_NUM_THREADS"] = str(n_jobs)
        out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return (result["wall"], result["cpu"]), (result["sets"], result["path"])


def dadapy_available():
    try:
        import dadapy  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------- #
# skdib
# --------------------------------------------------------------------------- #


def skdib_greedy(X, y, n_select, device, prune=True):
    from skdib._backend.facade import greedy_imbalance_selection

    order, path, _ = greedy_imbalance_selection(
        X, n_select, target=y[:, None], device=device, prune=prune
    )
    order = [int(c) for c in order]
    return [sorted(order[: i + 1]) for i in range(n_select)], list(path), order


def timed(fn, *args, **kwargs):
    """((wall seconds, CPU seconds of this process), result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return (time.perf_counter() - wall, time.process_time() - cpu), out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--m", type=int, default=60)
    parser.add_argument("--n-select", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--dadapy-python", default=None)
    parser.add_argument(
        "--full-scan", action="store_true", help="also time skdib without pruning"
    )
    parser.add_argument("--run-dadapy", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_dadapy:
        run_dadapy_here(args.run_dadapy, args.n_select, args.threads)
        return

    import torch

    torch.set_num_threads(args.threads)
    X, y = make_data(args.n, args.m)
    print(
        f"N = {args.n}, M = {args.m}, selecting {args.n_select}; {args.threads} "
        f"thread(s); torch {torch.__version__}, device {args.device}"
    )

    rows = []
    if args.dadapy_python:
        seconds, (sets, path) = dadapy_in(
            args.dadapy_python, X, y, args.n_select, args.threads
        )
        rows.append(("DADApy (external venv)", seconds, sets, path))
    elif dadapy_available():
        seconds, (sets, path) = timed(dadapy_greedy, X, y, args.n_select, args.threads)
        rows.append(("DADApy", seconds, sets, path))
    else:
        seconds, (sets, path) = timed(numpy_greedy, X, y, args.n_select)
        rows.append(("numpy reference", seconds, sets, path))

    skdib_greedy(X[:300], y[:300], 2, args.device)  # warm-up (imports, allocator)
    seconds, (sets, path, order) = timed(skdib_greedy, X, y, args.n_select, args.device)
    rows.append(("skdib torch (pruned, exact)", seconds, sets, path))
    if args.full_scan:
        seconds, (fs_sets, fs_path, _) = timed(
            skdib_greedy, X, y, args.n_select, args.device, prune=False
        )
        rows.append(("skdib torch (full scan)", seconds, fs_sets, fs_path))

    base_name, base_s, base_sets, base_path = rows[0]
    print(
        f"\n{'method':<30}{'wall s':>8}{'cpu s':>8}{'speed-up':>10}"
        "  same features  max |path diff|"
    )
    for name, (wall, cpu), sets, path in rows:
        same = "yes" if sets == base_sets else "NO"
        gap = max(abs(a - b) for a, b in zip(path, base_path, strict=True))
        speed = f"{base_s[0] / wall:.1f}x"
        print(f"{name:<30}{wall:>8.2f}{cpu:>8.2f}{speed:>10}  {same:<14} {gap:.1e}")
    print("speed-up: baseline wall time / wall time.")
    if base_name.startswith("DADApy"):
        print("DADApy rounds its imbalances to 0.001, hence the path difference.")
    print(f"\nskdib selection order: {order}")
    print(f"imbalance path: {np.round(path, 4).tolist()}")
    print(f"baseline ({base_name}) final set: {base_sets[-1]}")


if __name__ == "__main__":
    main()
