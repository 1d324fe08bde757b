"""Time per training step: batched channel encoders vs a per-channel loop.

Both models have the same architecture (channel encoders, concatenation,
decoder MLP, categorical head) and the same optimiser (the fits' own fused
Adam, ``make_optimizer``); the only difference is
how the channel encoders run: skdib's one ``baddbmm`` per layer over all
channels, or a Python loop over separate ``nn.Sequential`` MLPs (the obvious
way to write a distributed encoder). The ratio is measured side by side in one
run, so machine noise affects both alike.

What to expect: batching removes per-channel dispatch overhead (Python,
kernel launches), not arithmetic. On one CPU thread the 0.1 network
(encoders 2x64, embedding 8, decoder 2x128, batch 256; not today's default
recipe) at 100 channels is about 1 GFLOP per step; the batched step runs
at about 40-48 % of the core's float32 peak and the loop at half that or
less, so the speed-up grows with the channels: 1.3-1.4x at 10, 2.0x at 100
and 2.6-3.4x at 300 (AMD EPYC, 2026-12-07, ``benchmarks/README.md``). At
glass scale both versions are compute-bound near peak, and the ratio moves
with the machine's load between runs (0.7-1.6x). On a GPU,
where 100 channels x ~10 small kernels per layer would each pay a launch,
the batched encoder is where the order-of-magnitude gain comes from.

Usage::

    python benchmarks/bench_encoders.py            # CPU (and CUDA if present)
    python benchmarks/bench_encoders.py --quick    # fewer repeats
"""

import argparse
import time

import numpy as np
import torch
from torch import nn

from skdib._backend._device import step_precision
from skdib._backend.dib._layers import hidden_stack, make_activation
from skdib._backend.dib._model import DistributedIBNet, kl_nats
from skdib._backend.dib._train import make_optimizer

CONFIGS = {
    # name: (encoder_hidden, embedding_dim, batch_size, decoder_hidden)
    "0.1 network (2x64, d=8, batch 256)": ((64, 64), 8, 256, (128, 128)),
    "glass (3x256, d=64, batch 512)": ((256, 256, 256), 64, 512,
                                       (256, 256, 256)),
}


class LoopNet(nn.Module):
    """Reference: one nn.Sequential encoder per channel, run in a loop."""

    def __init__(self, n_channels, hidden, dim, decoder_hidden, n_classes):
        super().__init__()
        self.encoders = nn.ModuleList()
        for _ in range(n_channels):
            sizes = [1, *hidden]
            layers = []
            for a, b in zip(sizes[:-1], sizes[1:], strict=True):
                layers += [nn.Linear(a, b), make_activation("relu")]
            layers.append(nn.Linear(sizes[-1], 2 * dim))
            self.encoders.append(nn.Sequential(*layers))
        self.decoder = hidden_stack(n_channels * dim, decoder_hidden, "relu")
        self.head = nn.Linear(decoder_hidden[-1], n_classes)

    def forward(self, x):
        us, kls = [], []
        for c, enc in enumerate(self.encoders):
            mu, log_var = enc(x[:, c:c + 1]).chunk(2, dim=-1)
            kls.append(kl_nats(mu, log_var))
            us.append(mu + torch.exp(0.5 * log_var) * torch.randn_like(mu))
        return self.head(self.decoder(torch.cat(us, dim=1))), torch.stack(kls)


def batched_net(n_channels, hidden, dim, decoder_hidden):
    return DistributedIBNet(
        [[c] for c in range(n_channels)], n_channels, np.zeros(n_channels),
        np.ones(n_channels), [], hidden, dim, decoder_hidden, "relu",
        "categorical", 2)


def time_steps(net, x, y, n_steps, device, precision="float32"):
    opt = make_optimizer(net.parameters(), 3e-4)  # the fits' own (fused) Adam
    # the contexts of the whole step and of its forward pass, as the fits
    # use them (skdib/_backend/dib/_train.py, _step)
    whole_step, forward = step_precision(precision, device)

    def step():
        with whole_step():
            with forward():
                out, kl = net(x)
                loss = (nn.functional.cross_entropy(out, y)
                        + 1e-3 * kl.sum(0).mean())
            opt.zero_grad(set_to_none=True)
            loss.backward()
        opt.step()

    for _ in range(3):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(n_steps):
        step()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / n_steps


def step_flops(n_channels, hidden, dim, decoder_hidden, batch):
    """Multiply-add FLOPs of one training step (forward + backward ~ 3x)."""
    enc = [1, *hidden, 2 * dim]
    dec = [n_channels * dim, *decoder_hidden, 2]
    forward = n_channels * sum(a * b for a, b in zip(enc[:-1], enc[1:], strict=True))
    forward += sum(a * b for a, b in zip(dec[:-1], dec[1:], strict=True))
    return 3 * 2 * batch * forward


def run(device, channel_counts, quick, configs=None, n_steps=None):
    """Rows ``(device, name, channels, loop ms, batched ms, speed-up, flops)``
    for each of ``configs`` (default :data:`CONFIGS`) and channel count;
    ``n_steps`` timed steps (None: from the size)."""
    rows = []
    for name, (hidden, dim, batch, decoder) in (configs or CONFIGS).items():
        for n_channels in channel_counts:
            heavy = n_channels * hidden[0] * hidden[-1] * batch
            steps = n_steps or max(3, int((2e8 if not quick else 5e7) / heavy))
            if device.type == "cuda" and n_steps is None:
                steps = 50
            torch.manual_seed(0)
            x = torch.randn(batch, n_channels, device=device)
            y = torch.randint(0, 2, (batch,), device=device)
            fast = batched_net(n_channels, hidden, dim, decoder).to(device)
            slow = LoopNet(n_channels, hidden, dim, decoder, 2).to(device)
            t_fast = time_steps(fast, x, y, steps, device)
            t_slow = time_steps(slow, x, y, steps, device)
            rows.append((device.type, name, n_channels, t_slow * 1e3,
                         t_fast * 1e3, t_slow / t_fast,
                         step_flops(n_channels, hidden, dim, decoder, batch)))
    return rows


def measure(device, quick=True, channel_counts=(10, 100, 300), configs=None,
            n_steps=None):
    """Rows for ``benchmarks/run.py``: batched encoders against the loop
    (``configs`` and ``n_steps`` as for :func:`run`)."""
    out = []
    for _, name, c, slow, fast, ratio, flops in run(
            torch.device(device), channel_counts, quick, configs, n_steps):
        out.append(dict(case="encoders: batched vs per-channel loop",
                        setting=f"{name}, {c} channels", seconds=fast / 1e3,
                        throughput=f"{1e3 / fast:.3g} steps/s",
                        flops=flops / (fast / 1e3),
                        baseline="per-channel loop", baseline_seconds=slow / 1e3,
                        ratio=ratio))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--threads", type=int, default=1,
                        help="torch CPU threads (default 1)")
    parser.add_argument("--channels", default="10,100")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    counts = [int(c) for c in args.channels.split(",")]
    rows = run(torch.device("cpu"), counts, args.quick)
    if torch.cuda.is_available():
        rows += run(torch.device("cuda"), counts, args.quick)
    header = ("device", "config", "channels", "loop ms/step", "batched ms/step",
              "speed-up")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for dev, name, c, slow, fast, ratio, _ in rows:
        print(f"{dev} | {name} | {c} | {slow:.2f} | {fast:.2f} | {ratio:.1f}x")


if __name__ == "__main__":
    main()
