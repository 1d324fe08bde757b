"""Why 8 batched sweeps cost about 8 sweeps on a CPU: the encoder kernels.

Times forward plus backward of the channel-batched encoder MLP at breast
cancer's default recipe (30 channels, one input each, 2x32 hidden units,
4-dimensional messages, so 8 outputs, batch 256), one thread:

* one network (30 channels),
* 8 replicates folded into one network of 240 channels,
* 8 replicates stacked with ``torch.func.vmap`` (what the batched replicate
  run does today),

and prints each as milliseconds and GFLOP/s (multiply-adds counted twice,
backward counted as twice the forward).

    python benchmarks/replicate_kernels.py
"""

import copy
import time

import torch
from torch.func import functional_call, stack_module_state, vmap

from skdib._backend.dib._layers import BatchedMLP

R, C, B = 8, 30, 256
SIZES = (1, 32, 32, 8)


def _flops(n_channels):
    macs = sum(a * b for a, b in zip(SIZES[:-1], SIZES[1:], strict=True))
    return 2 * 3 * n_channels * B * macs


def _time(step, repeats=20):
    for _ in range(3):
        step()
    start = time.perf_counter()
    for _ in range(repeats):
        step()
    return (time.perf_counter() - start) / repeats


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    nets = [BatchedMLP(C, 1, SIZES[1:-1], SIZES[-1], "relu") for _ in range(R)]
    x = torch.randn(R, C, B, 1)
    params, buffers = stack_module_state(nets)
    meta = copy.deepcopy(nets[0]).to("meta")
    folded = BatchedMLP(R * C, 1, SIZES[1:-1], SIZES[-1], "relu")

    def one():
        nets[0](x[0]).sum().backward()

    def fold():
        folded(x.reshape(R * C, B, 1)).sum().backward()

    def stacked():
        vmap(lambda p, b, xi: functional_call(meta, (p, b), (xi,)))(
            params, buffers, x).sum().backward()

    print("| case | ms per step | GFLOP/s |")
    print("|---|---|---|")
    for name, step, n in (("one network, 30 channels", one, C),
                          (f"{R} replicates folded, {R * C} channels", fold, R * C),
                          (f"{R} replicates with vmap", stacked, R * C)):
        seconds = _time(step)
        print(f"| {name} | {seconds * 1e3:.2f} | {_flops(n) / seconds / 1e9:.0f} |")


if __name__ == "__main__":
    main()
