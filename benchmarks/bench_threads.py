"""Torch threads on a busy machine, for ``benchmarks/run.py``.

A default training step (30 channels, encoders 2x64, batch 256) is timed with
one and with two torch threads while another process keeps one core busy,
each in a fresh interpreter, once with OpenMP threads that sleep while they
wait (``OMP_WAIT_POLICY=PASSIVE``, what ``import skdib`` sets before torch loads) and
once with spinning threads (``ACTIVE``). The ratio is one thread's time over
two threads' (above 1: the second thread helps).
"""

import os
import subprocess
import sys
import textwrap

STEP = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {here!r})
    import torch
    from torch import nn
    from bench_encoders import batched_net
    torch.set_num_threads({threads})
    torch.manual_seed(0)
    net = batched_net(30, (64, 64), 8, (128, 128))
    x, y = torch.randn(256, 30), torch.randint(0, 2, (256,))
    opt = torch.optim.Adam(net.parameters(), lr=3e-4)
    def step():
        out, kl = net(x)
        loss = nn.functional.cross_entropy(out, y) + 1e-3 * kl.sum(0).mean()
        opt.zero_grad(); loss.backward(); opt.step()
    for _ in range(5):
        step()
    start = time.perf_counter()
    for _ in range({steps}):
        step()
    print((time.perf_counter() - start) / {steps})
""")

BUSY = "import time\nend = time.time() + 600\nwhile time.time() < end:\n    pass\n"


def _time_step(threads, policy, steps):
    env = dict(os.environ, OMP_WAIT_POLICY=policy)
    code = STEP.format(here=os.path.dirname(os.path.abspath(__file__)),
                       threads=threads, steps=steps)
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def measure(device="cpu", quick=True):
    """Rows: 1 vs 2 threads with another process busy, sleeping vs spinning."""
    if device != "cpu":
        return []
    steps = 30 if quick else 200
    busy = subprocess.Popen([sys.executable, "-c", BUSY])
    try:
        rows = []
        for policy in ("PASSIVE", "ACTIVE"):
            one = _time_step(1, policy, steps)
            two = _time_step(2, policy, steps)
            rows.append(dict(case="torch threads, one core busy elsewhere",
                             setting=f"default step, OMP_WAIT_POLICY={policy}",
                             seconds=two, throughput=f"{1 / two:.3g} steps/s",
                             flops=None, baseline="1 thread", baseline_seconds=one,
                             ratio=one / two))
        return rows
    finally:
        busy.kill()
        busy.wait()
