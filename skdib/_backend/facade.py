"""The one door into the torch backend: numpy in, numpy out.

Everything outside :mod:`skdib._backend` calls these functions and never
touches a tensor. Seeds arrive as plain integers (see
:mod:`skdib._utils._random`); devices as names or ``torch.device`` objects.
"""

import copy

import numpy as np
import torch

from skdib._backend._device import (
    PRECISIONS,
    building_network,
    resolve_device,
    torch_defaults,
    torch_threads,
)
from skdib._backend._network_state import (
    deep_copy,
    is_weightless,
    load_state,
    network_at,
    network_device,
    to_cpu,
    weightless_copy,
)
from skdib._backend._tensors import as_tensor, make_generator, to_numpy
from skdib._backend.dib import _checkpoint_information, _mixture
from skdib._backend.dib._best_of import best_of_replicates
from skdib._backend.dib._evaluation import sweep_eval_rows
from skdib._backend.dib._information import (
    effective_rows,
    kl_bits,
    mi_bounds,
    pairwise_bhattacharyya,
)
from skdib._backend.dib._layers import ACTIVATIONS, initialise
from skdib._backend.dib._model import DistributedIBNet
from skdib._backend.dib._posteriors import check_pair, check_posteriors
from skdib._backend.dib._predictive import averaged_prediction, predictive_noise
from skdib._backend.dib._replicates import (
    ReplicateDiverged,
    train_replicates,
    unequal_contrastive_batches,
)
from skdib._backend.dib._standardise import network_input
from skdib._backend.dib._sweep_state import TrainingStopped
from skdib._backend.dib._tables import MAX_TABLE_CODES, table_codes
from skdib._backend.dib._train import TrainConfig, encode_chunked, train
from skdib._backend.imbalance._greedy import greedy_selection
from skdib._backend.imbalance._ranks import imbalance
from skdib._backend.sets import _information as _set_information
from skdib._backend.sets._model import SetIBNet

__all__ = [
    "ACTIVATION_NAMES",
    "PRECISIONS",
    "MAX_TABLE_CODES",
    "ReplicateDiverged",
    "TrainConfig",
    "TrainingStopped",
    "backend_version",
    "best_of_replicates",
    "bhattacharyya_matrix",
    "build_network",
    "build_set_network",
    "set_decoder_order",
    "sweep_eval_rows",
    "can_batch",
    "deep_copy",
    "device_type",
    "effective_rows",
    "encode",
    "encode_elements",
    "fit_network",
    "fit_replicates",
    "greedy_imbalance_selection",
    "information_imbalance",
    "is_weightless",
    "kl_divergence_bits",
    "load_state",
    "make_element_information_fn",
    "make_information_fn",
    "mixture_information",
    "mutual_information_bounds",
    "network_at",
    "network_device",
    "predict_output",
    "probe_information",
    "resolve_device",
    "table_codes",
    "same_architecture",
    "to_cpu",
    "torch_threads",
    "weightless_copy",
]

# Names accepted by the estimators' ``activation`` parameter.
ACTIVATION_NAMES = tuple(ACTIVATIONS)


def backend_version():
    """The torch version (results can change with it)."""
    return torch.__version__


def device_type(device):
    """``'cpu'`` or ``'cuda'`` for a device name, ``'auto'`` resolved."""
    return resolve_device(device).type


# -- the Distributed IB network ------------------------------------------
def build_network(spec, seed):
    """Create a :class:`DistributedIBNet` from a dict of settings, seeded.

    The weights come from a generator local to this call; torch's global
    generator is left as it was (``building_network``).
    """
    with building_network():
        net = DistributedIBNet(**spec)
        return initialise(net, make_generator(seed, "cpu"))


def set_decoder_order(net):
    """``{'norm_before_pool': ...}`` of a set network's transformer decoder
    (False when it was built before the option existed); {} for others."""
    decoder = getattr(net, "decoder", None)
    if not hasattr(decoder, "norm"):
        return {}
    return {"norm_before_pool": getattr(decoder, "norm_before_pool", False)}


def build_set_network(spec, seed):
    """Create a :class:`~skdib._backend.sets._model.SetIBNet`, seeded.

    Attention layers draw their initial weights from torch's CPU generator,
    so it is seeded too, inside a fork that leaves the global state as it
    was (``building_network``: one build at a time). Only the CPU generator:
    ``torch.manual_seed`` would reseed every GPU's generator as well, which
    the fork does not give back.
    """
    with building_network():
        torch.default_generator.manual_seed(int(seed))
        net = SetIBNet(**spec)
        return initialise(net, make_generator(seed, "cpu"))


def fit_network(net, X_train, y_train, X_val, y_val, config, *, seed, device,
                y_dtype, bounds_fn=None, resume=None, w_train=None, w_val=None,
                eval_rows=None):
    """Move data and network to ``device`` once, then run the β sweep.

    ``w_train`` and ``w_val`` are per-row weights (None: unweighted). Raises
    :class:`TrainingStopped` (with the path so far) when the sweep diverges
    or is interrupted; ``resume`` continues such a sweep (``eval_rows``: see
    :func:`~skdib._backend.dib._train.train`).
    """
    with torch_defaults():  # data made here too: no inference-mode tensors
        net = net.to(device)
        tensors = [as_tensor(network_input(net, X_train), device),
                   as_tensor(y_train, device, y_dtype),
                   as_tensor(network_input(net, X_val), device),
                   as_tensor(y_val, device, y_dtype)]
        weights = [None if w is None else as_tensor(w, device)
                   for w in (w_train, w_val)]
        record = train(net, *tensors, config, seed, bounds_fn=bounds_fn,
                       resume=resume, w_train=weights[0], w_val=weights[1],
                       eval_rows=eval_rows)
    return net, record


def make_information_fn(batch_size, n_batches, seed, discrete, n_mixture_samples,
                        device, weights=None, clusters=None, probes=None,
                        mixture_rows=None, bounds=True, held_out_rule=False):
    """Per-checkpoint information estimates (numpy, bits) of every channel.

    See :func:`skdib._backend.dib._checkpoint_information.make_information_fn`.
    """
    return _checkpoint_information.make_information_fn(
        batch_size=batch_size, n_batches=n_batches, seed=seed, discrete=discrete,
        n_mixture_samples=n_mixture_samples, device=resolve_device(device),
        weights=weights, clusters=clusters, probes=probes,
        mixture_rows=mixture_rows, bounds=bounds,
        held_out_rule=held_out_rule)


def make_element_information_fn(batch_size, n_batches, seed):
    """Per-checkpoint bounds in bits per element of each type (set networks).

    See :func:`skdib._backend.sets._information.make_element_information_fn`.
    """
    return _set_information.make_element_information_fn(
        batch_size=batch_size, n_batches=n_batches, seed=seed)


@torch.no_grad()
def probe_information(net, probes, references, type_index, *, seed):
    """Bits transmitted about each probe element: (lower, upper, kl), numpy.

    See :func:`skdib._backend.sets._information.probe_information`; runs on
    a float64 copy of the set network.
    """
    net64 = copy.deepcopy(net).double()
    return _set_information.probe_information(
        net64, network_input(net, probes), network_input(net, references),
        type_index, seed=seed)


@torch.no_grad()
def encode_elements(net, rows, type_index):
    """Float64 numpy (means, log-variances), each (G, d), of element rows
    under the encoder of one type (set networks)."""
    net64 = copy.deepcopy(net).double()
    mu, log_var = _set_information.element_posteriors(
        net64, network_input(net, rows), type_index)
    return to_numpy(mu), to_numpy(log_var)


def _inference_copy(net, X):
    """A float64 copy of the network and X as a float64 tensor beside it.

    Inference runs in float64 so that a sample's output does not depend on
    which other rows share its batch (float32 matmuls round differently for
    different batch shapes).
    """
    net64 = copy.deepcopy(net).double()
    return net64, as_tensor(network_input(net, X), network_device(net), "float64")


@torch.no_grad()
def encode(net, X, chunk=4096):
    """Posterior (means, log-variances) as numpy, each (n_channels, n, dim)."""
    net64, x = _inference_copy(net, X)
    mu, log_var = encode_chunked(net64, x, chunk)
    return to_numpy(mu), to_numpy(log_var)


@torch.no_grad()
def predict_output(net, X, chunk=4096, n_samples=0):
    """Head prediction as numpy: probabilities or means.

    ``n_samples=0`` decodes the posterior means; ``n_samples=S`` averages the
    prediction over S fixed draws of every channel's message (see
    :mod:`skdib._backend.dib._predictive`).
    """
    net64, x = _inference_copy(net, X)
    outs = []
    for start in range(0, x.shape[0], chunk):
        mu, log_var = net64.encode(x[start:start + chunk])
        if n_samples == 0:
            outs.append(net64.head.predict(net64.decode(mu)))
        else:
            noise = predictive_noise(n_samples, mu.shape, mu.device)
            outs.append(averaged_prediction(net64, mu, log_var, noise))
    return to_numpy(torch.cat(outs))


def can_batch(nets, n_rows, batch_size):
    """Whether the networks, with ``n_rows`` training rows each, can be
    trained as one batched model (:func:`fit_replicates`): the same
    parameters and lookup tables, and for a contrastive head batches of
    one size."""
    return same_architecture(nets) and not unequal_contrastive_batches(
        nets, n_rows, batch_size)


def same_architecture(nets):
    """Whether the networks have the same parameters and lookup tables:
    equal parameter names and shapes, and equal shapes of the lookup
    tables' buffers.
    """
    def shapes(net):
        params = {name for name, _ in net.named_parameters()}
        return [(name, tuple(t.shape)) for name, t in net.state_dict().items()
                if name in params or name.startswith("tables.")]

    first = shapes(nets[0])
    return all(shapes(net) == first for net in nets[1:])


# -- information in Gaussian channels (skdib.information) ----------------
@torch.no_grad()
def kl_divergence_bits(means, log_vars):
    """Per-sample KL to the N(0, I) prior in bits, shape ``means.shape[:-1]``."""
    mu, lv = check_posteriors(means, log_vars)
    return to_numpy(kl_bits(mu, lv))


@torch.no_grad()
def mutual_information_bounds(means, log_vars, *, batch_size, n_batches, seed,
                              return_se=False, weights=None, clusters=None):
    """InfoNCE lower and leave-one-out upper bounds in bits (floats for 2-D),
    and the standard error of their midpoint if asked; ``weights`` and
    ``clusters`` (integer labels) as in :func:`mi_bounds`."""
    mu, lv = check_posteriors(means, log_vars)
    if clusters is not None:
        clusters = torch.as_tensor(clusters, dtype=torch.long, device=mu.device)
    if mu.shape[-2] < 2:
        raise ValueError(
            "mutual_information_bounds needs at least 2 samples; got "
            f"{mu.shape[-2]}.")
    out = mi_bounds(mu, lv, batch_size=batch_size, n_batches=n_batches,
                    generator=make_generator(seed, mu.device), return_se=return_se,
                    weights=weights, clusters=clusters)
    return tuple(to_numpy(t, mu.dim() == 2) for t in out)


@torch.no_grad()
def bhattacharyya_matrix(means_a, log_vars_a, means_b=None, log_vars_b=None):
    """Pairwise Bhattacharyya distances (nats) between two sets of posteriors."""
    mu_a, lv_a, mu_b, lv_b = check_pair(means_a, log_vars_a, means_b, log_vars_b)
    return to_numpy(pairwise_bhattacharyya(mu_a, lv_a, mu_b, lv_b))


@torch.no_grad()
def mixture_information(means, log_vars, weights, *, n_samples, seed):
    """Finite-mixture information in bits: (estimate, SE, lower, upper)."""
    mu, lv = check_posteriors(means, log_vars)
    scalar = mu.dim() == 2
    w = as_tensor(weights, mu.device, "float64", "weights")
    if scalar:
        mu, lv, w = mu[None], lv[None], w.reshape(1, -1)
    if tuple(w.shape) != tuple(mu.shape[:2]):
        raise ValueError(
            f"weights must have shape {tuple(mu.shape[:2])} (one per component); "
            f"got {tuple(w.shape)}.")
    if bool((w < 0).any()) or not bool(torch.isfinite(w).all()):
        raise ValueError("weights must be finite and non-negative.")
    sums = w.sum(dim=-1)
    if bool((sums <= 0).any()):
        raise ValueError("Each channel needs at least one positive weight.")
    w = w / sums[:, None]
    value, se = _mixture.mixture_information(
        mu, lv, w, n_samples=n_samples, generator=make_generator(seed, mu.device))
    lower, upper = _mixture.mixture_information_bounds(mu, lv, w)
    return tuple(to_numpy(t[0], True) if scalar else to_numpy(t)
                 for t in (value, se, lower, upper))


# -- information imbalance ------------------------------------------------
def _imbalance_device(device):
    return resolve_device("auto" if device is None else device)


def information_imbalance(A, B, *, k=1, p=2, device=None, chunk_size=None,
                          row_weights=None):
    """Δ(A→B) of two 2-D arrays, as a float (``row_weights``: mean 1, or None)."""
    dev = _imbalance_device(device)
    w = None if row_weights is None else as_tensor(row_weights, dev, "float64")
    return imbalance(as_tensor(A, dev, "float64"), as_tensor(B, dev, "float64"),
                     k=k, p=p, chunk_size=chunk_size, row_weights=w)


def greedy_imbalance_selection(X, n_select, *, target=None, device=None,
                               row_weights=None, units=None, target_units=None,
                               **kwargs):
    """Greedy selection by information imbalance: (order, path, score table);
    ``units``: per column of X (and of the target), dividing its differences."""
    dev = _imbalance_device(device)
    y, w, u, u_y = (None if a is None else as_tensor(a, dev, "float64")
                    for a in (target, row_weights, units, target_units))
    order, path, table = greedy_selection(as_tensor(X, dev, "float64"), n_select,
                                          target=y, row_weights=w, units=u,
                                          target_units=u_y, **kwargs)
    return np.asarray(order, dtype=np.intp), path, table


# -- many sweeps at once (replicates) -------------------------------------
# R sweeps trained as one batched model; see _backend/dib/_replicates.py.


def fit_replicates(nets, datasets, config, *, seeds, device, y_dtype,
                   bounds_fns=None):
    """Run R β sweeps as one batched model: (networks, records).

    ``nets`` are R networks of one architecture (see :func:`build_network`);
    ``datasets`` one ``(X_train, y_train, X_val, y_val)`` tuple of numpy
    arrays per network (row counts may differ); ``seeds`` and ``bounds_fns``
    one per network, as for :func:`fit_network`. Replicate r's record is the
    one :func:`fit_network` would return for it alone with ``seeds[r]``, up
    to float rounding. Raises :class:`ReplicateDiverged` when one diverges.
    """
    with torch_defaults():  # data made here too: no inference-mode tensors
        nets = [net.to(device) for net in nets]
        tensors = [(as_tensor(network_input(net, X_tr), device),
                    as_tensor(y_tr, device, y_dtype),
                    as_tensor(network_input(net, X_val), device),
                    as_tensor(y_val, device, y_dtype))
                   for net, (X_tr, y_tr, X_val, y_val) in zip(nets, datasets,
                                                              strict=True)]
        records = train_replicates(nets, tensors, config, seeds, bounds_fns)
    return nets, records
