"""Numpy-in, numpy-out entry points that the estimators call.

The estimator modules never touch tensors; everything torch goes through here.
"""

import copy
import time

import numpy as np
import torch

from skdib._backend._device import resolve_device, torch_threads
from skdib._backend._information import mi_bounds
from skdib._backend._model import DistributedIBNet
from skdib._backend._train import TrainConfig, encode_chunked, train

__all__ = [
    "TrainConfig",
    "build_network",
    "encode",
    "fit_network",
    "load_state",
    "make_bounds_fn",
    "network_device",
    "predict_output",
    "resolve_device",
    "seed_from",
    "to_cpu",
    "torch_threads",
]


def seed_from(rng):
    """Draw a torch seed from a numpy Generator."""
    return int(rng.integers(0, 2**62))


def build_network(spec, seed):
    """Create a :class:`DistributedIBNet` from a dict of settings, seeded."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return DistributedIBNet(**spec)


def _as_tensor(a, device, dtype=torch.float32):
    a = np.ascontiguousarray(a)
    if not a.flags.writeable:  # e.g. a pandas copy-on-write view; torch warns
        a = a.copy()
    return torch.as_tensor(a, dtype=dtype, device=device)


def fit_network(net, X_train, y_train, X_val, y_val, config, *, seed, device,
                y_dtype, bounds_fn=None):
    """Move data and network to ``device`` once, then run the β sweep."""
    net = net.to(device)
    y_dtype = {"long": torch.long, "float": torch.float32}[y_dtype]
    tensors = [_as_tensor(X_train, device), _as_tensor(y_train, device, y_dtype),
               _as_tensor(X_val, device), _as_tensor(y_val, device, y_dtype)]
    record = train(net, *tensors, config, seed, bounds_fn=bounds_fn)
    return net, record


def make_bounds_fn(batch_size, n_batches, seed):
    """Per-checkpoint information bounds (numpy, bits) from held-out posteriors.

    Every call reseeds its generator so checkpoints are comparable; the time
    spent is accumulated in the returned function's ``elapsed`` attribute.
    """
    def bounds(mu, log_var):
        start = time.perf_counter()
        gen = torch.Generator(device=mu.device).manual_seed(seed)
        lower, upper = mi_bounds(mu, log_var, batch_size=batch_size,
                                 n_batches=n_batches, generator=gen)
        out = lower.cpu().numpy(), upper.cpu().numpy()
        bounds.elapsed += time.perf_counter() - start
        return out

    bounds.elapsed = 0.0
    return bounds


def network_device(net):
    """Device on which the network's parameters live."""
    return next(net.parameters()).device


def _inference_copy(net, X):
    """A float64 copy of the network and X as a float64 tensor beside it.

    Inference runs in float64 so that a sample's output does not depend on
    which other rows share its batch (float32 matmuls round differently for
    different batch shapes).
    """
    net64 = copy.deepcopy(net).double()
    return net64, _as_tensor(X, network_device(net), torch.float64)


@torch.no_grad()
def encode(net, X, chunk=4096):
    """Posterior (means, log-variances) as numpy, each (n_channels, n, dim)."""
    net64, x = _inference_copy(net, X)
    mu, log_var = encode_chunked(net64, x, chunk)
    return mu.cpu().numpy(), log_var.cpu().numpy()


@torch.no_grad()
def predict_output(net, X, chunk=4096):
    """Head prediction from the posterior means (probabilities or means)."""
    net64, x = _inference_copy(net, X)
    outs = []
    for start in range(0, x.shape[0], chunk):
        mu, _ = net64.encode(x[start:start + chunk])
        outs.append(net64.head.predict(net64.decode(mu)))
    return torch.cat(outs).cpu().numpy()


def load_state(net, state):
    """Load a (CPU) snapshot into the network, wherever it lives."""
    net.load_state_dict(state)


def to_cpu(net):
    """The network moved to the CPU (used when pickling)."""
    return net.to("cpu")
