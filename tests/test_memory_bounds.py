"""The all-pairs information functions run in bounded memory.

``mutual_information_bounds``, ``information_imbalance`` and
``distinguishability`` (the matrix behind ``distinguishability_matrix``) all
compare every sample with every other one. Done naively that is an N x N
(or K x K x d) array; the backend works in chunks instead. Two checks:

* the chunk sizes the backend picks stay under its budgets, and
* in a subprocess whose address space is capped (``RLIMIT_AS``) at the
  memory in use after import plus a budget, each function finishes on
  inputs whose naive all-pairs arrays need at least 10x that budget, while
  allocating the naive array under the same cap fails.
"""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from skdib._backend.dib import _information
from skdib._backend.imbalance import _distances, _ranks
from skdib.information import distinguishability
from skdib.selection import information_imbalance

MiB = 2**20


# -- chunk sizes ---------------------------------------------------------------
@pytest.mark.parametrize("n_channels, k, d", [(100, 1024, 64), (1, 1024, 8),
                                               (300, 256, 16), (7, 4096, 2)])
def test_bounds_chunks_stay_within_budget(n_channels, k, d):
    c_chunk, r_chunk = _information._chunk_sizes(n_channels, k, d)
    budget = _information.BLOCK_ELEMENTS
    assert 1 <= c_chunk <= n_channels and 1 <= r_chunk <= k
    # features (c, k, d) and log-densities (c, k, k) of one chunk; one channel
    # at a time when a single channel exceeds the budget
    assert c_chunk == 1 or c_chunk * k * max(d, k) <= budget
    # and row blocks (c, rows, k) of log-densities
    assert r_chunk == 1 or c_chunk * r_chunk * k <= budget
    assert n_channels * k * k * d > c_chunk * k * max(d, k)  # vs the naive cube


def test_pairwise_blocks_stay_within_budget():
    blocks = []

    def spy(mu_a, lv_a, mu_b, lv_b):
        shape = torch.broadcast_shapes(mu_a.shape, mu_b.shape)
        blocks.append(int(np.prod(shape)))
        return torch.zeros(shape[:-1], dtype=torch.float64)

    n, m, d = 3000, 2500, 64
    mu_a, mu_b = torch.zeros(n, d), torch.zeros(m, d)
    out = _information._pairwise(spy, mu_a, mu_a, mu_b, mu_b)
    assert out.shape == (n, m)
    assert len(blocks) > 1
    assert max(blocks) <= _information.BLOCK_ELEMENTS
    assert n * m * d > 10 * _information.BLOCK_ELEMENTS  # the naive cube


def test_imbalance_row_chunks_stay_within_budget(monkeypatch):
    rows = []
    real = _ranks.distance_rows

    def spy(Z, start, stop, p):
        rows.append(stop - start)
        return real(Z, start, stop, p)

    monkeypatch.setattr(_ranks, "distance_rows", spy)
    n = 6000
    rng = np.random.default_rng(0)
    A = rng.normal(size=(n, 3))
    information_imbalance(A, A[:, :2] + rng.normal(size=(n, 2)), device="cpu")
    assert sum(rows) == 2 * n or sum(rows) == n  # A (and B) once per row
    assert max(rows) * n * 8 <= _distances._CHUNK_BYTES
    assert len(rows) > 1


# -- under a memory cap ------------------------------------------------------------
CAPPED = r"""
import json, resource, sys
import numpy as np
import torch
torch.set_num_threads(1)
from skdib._backend.dib import _information
from skdib.information import distinguishability, mutual_information_bounds
from skdib.selection import information_imbalance

case, budget_mib, block = json.loads(sys.argv[1])
if block:
    _information.BLOCK_ELEMENTS = block
rng = np.random.default_rng(0)

def run(size):
    if case == "imbalance":
        A = rng.normal(size=(size["n"], 2))
        return information_imbalance(A, A[:, 0] + rng.normal(size=size["n"]),
                                     device="cpu")
    if case == "bounds":
        mu = rng.normal(size=(size["c"], size["k"], size["d"]))
        lower, upper = mutual_information_bounds(mu, np.full_like(mu, -1.0),
                                                 n_batches=1, random_state=0)
        return float(lower.sum())
    mu = rng.normal(size=(size["n"], size["d"]))
    return float(distinguishability(mu, np.zeros_like(mu)).mean())

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024

small, big, naive = json.loads(sys.argv[2])
run(small)  # warm up: load every kernel before the cap
base = status("VmSize")
cap = base + budget_mib * 2**20
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
value = run(big)
try:
    np.empty(naive, dtype=np.float64)
    naive_fits = True
except MemoryError:
    naive_fits = False
print(json.dumps({"value": value, "naive_fits": naive_fits,
                  "peak_mib": status("VmHWM") / 2**20,
                  "base_mib": base / 2**20}))
"""

# case -> (budget MiB, BLOCK_ELEMENTS override, warm-up size, size, naive shape)
CASES = {
    # two N x N float64 distance matrices: 2 * 13000**2 * 8 B = 2.6 GiB
    "imbalance": (256, None, {"n": 200}, {"n": 13000}, (2, 13000, 13000)),
    # the (c, K, K, d) cube of log-densities: 40 * 1024**2 * 8 * 8 B = 2.5 GiB
    "bounds": (256, None, {"c": 2, "k": 64, "d": 8}, {"c": 40, "k": 1024, "d": 8},
               (40, 1024, 1024, 8)),
    # the (n, n, d) cube of the broadcast: 800**2 * 200 * 8 B = 977 MiB; the
    # output itself (n, n) is 5 MB. Smaller blocks than the default 64 MiB
    # keep the test fast; the test above checks the default blocks.
    "distinguishability": (96, 2**16, {"n": 20, "d": 200}, {"n": 800, "d": 200},
                           (800, 800, 200)),
}


@pytest.mark.skipif(not sys.platform.startswith("linux"),
                    reason="reads /proc and sets RLIMIT_AS")
@pytest.mark.parametrize("case", list(CASES))
def test_runs_under_a_memory_cap_ten_times_below_naive(case):
    budget, block, small, big, naive = CASES[case]
    assert 8 * np.prod(naive) >= 10 * budget * MiB
    args = [json.dumps([case, budget, block]), json.dumps([small, big, naive])]
    # A fixed mmap threshold returns freed temporaries to the system at once,
    # so the cap measures the working set of the computation, not how glibc's
    # heap fragments under many small blocks.
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": str(64 * 1024)}
    done = subprocess.run([sys.executable, "-c", CAPPED, *args], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert np.isfinite(result["value"])
    assert not result["naive_fits"], "the cap does not bite"


def test_results_do_not_depend_on_the_chunking(monkeypatch):
    rng = np.random.default_rng(1)
    mu = rng.normal(size=(300, 4))
    whole = distinguishability(mu, np.zeros_like(mu))
    monkeypatch.setattr(_information, "BLOCK_ELEMENTS", 2**10)
    np.testing.assert_array_equal(distinguishability(mu, np.zeros_like(mu)), whole)
