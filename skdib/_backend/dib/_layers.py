"""Batched layers: one weight tensor for all channels, one matmul per layer."""

import math

import torch
from torch import nn

from skdib._backend.dib._tables import ChannelTables

ACTIVATIONS = {
    "relu": nn.ReLU,
    "tanh": nn.Tanh,
    "gelu": nn.GELU,
    "elu": nn.ELU,
    "leaky_relu": nn.LeakyReLU,
    "silu": nn.SiLU,
}


def make_activation(name):
    """Return a fresh activation module for ``name`` (see ``ACTIVATIONS``)."""
    return ACTIVATIONS[name]()


class BatchedLinear(nn.Module):
    """``n_channels`` independent affine maps applied with one ``baddbmm``.

    Input has shape (n_channels, batch, in_features); weight has shape
    (n_channels, in_features, out_features). Each channel is initialised like
    ``torch.nn.Linear`` (uniform in ±1/sqrt(fan_in)), with ``fan_in`` the
    channel's own input width: an int for all channels, a sequence of one
    width per channel, or None for ``in_features``.
    """

    def __init__(self, n_channels, in_features, out_features, fan_in=None):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_channels, in_features, out_features,
                                               dtype=torch.float32))
        self.bias = nn.Parameter(torch.empty(n_channels, 1, out_features,
                                             dtype=torch.float32))
        # plain numbers, not a buffer: they only serve initialisation, and a
        # buffer outside the state dict stayed on the meta device when a
        # weightless copy (a pickled model) took its weights back
        self.fan_in = (int(in_features) if fan_in is None
                       else tuple(int(w) for w in fan_in))
        self.reset_parameters()

    def init_bound(self):
        """1/sqrt(fan_in) per channel, shape (n_channels, 1, 1), float32, on
        the weight's device."""
        n_channels = self.weight.shape[0]
        widths = torch.as_tensor(self.fan_in, dtype=torch.float32,
                                 device=self.weight.device).expand(n_channels)
        return widths.rsqrt().reshape(n_channels, 1, 1)

    @torch.no_grad()
    def reset_parameters(self, generator=None):
        """Uniform in ±1/sqrt(fan_in) per channel, drawn from ``generator``."""
        bound = self.init_bound()
        for p in (self.weight, self.bias):
            p.uniform_(-1.0, 1.0, generator=generator).mul_(bound)

    def forward(self, x):
        return BatchedAffine.apply(x, self.weight, self.bias)


class BatchedAffine(torch.autograd.Function):
    """``bias + x @ weight`` per channel, with a hand-written backward.

    The same products as autograd's own backward of ``baddbmm`` (two ``bmm``
    and a sum), which on the CPU measured 1.3-3.5x slower for the same work
    (torch 2.13, one thread; ``benchmarks/run.py`` encoders section):
    ``x`` (C, B, in), ``weight`` (C, in, out), ``bias`` (C, 1, out).
    """

    generate_vmap_rule = True  # usable under torch.func.vmap

    @staticmethod
    def forward(x, weight, bias):
        return torch.baddbmm(bias, x, weight)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, weight, _ = inputs
        ctx.save_for_backward(x, weight)

    @staticmethod
    def backward(ctx, grad):
        # under autocast the forward ran in a lower precision than the
        # float32 inputs: the products run in the gradient's dtype, and each
        # gradient comes back in its input's dtype, as autograd's casts do
        x, weight = ctx.saved_tensors
        grad_x = grad_w = grad_b = None
        if ctx.needs_input_grad[0]:
            grad_x = torch.bmm(grad, weight.transpose(1, 2).to(grad.dtype))
            grad_x = grad_x.to(x.dtype)
        if ctx.needs_input_grad[1]:
            grad_w = torch.bmm(x.transpose(1, 2).to(grad.dtype), grad)
            grad_w = grad_w.to(weight.dtype)
        if ctx.needs_input_grad[2]:
            grad_b = grad.sum(dim=1, keepdim=True, dtype=weight.dtype)
        return grad_x, grad_w, grad_b


class BatchedMLP(nn.Module):
    """A stack of :class:`BatchedLinear` layers with activations in between.

    ``fan_in`` gives the true input width of each channel (a sequence, one
    per channel) when inputs are zero-padded to a common width, so a channel's
    initialisation depends on neither the padding nor the other channels.
    """

    def __init__(self, n_channels, in_features, hidden, out_features, activation,
                 fan_in=None):
        super().__init__()
        sizes = [in_features, *hidden, out_features]
        layers = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
            layers.append(BatchedLinear(n_channels, a, b, fan_in if i == 0 else None))
            if i < len(sizes) - 2:
                layers.append(make_activation(activation))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        size = self.chunk_size(x)
        if size >= x.shape[0]:
            return self.layers(x)
        return torch.cat(list(self.chunk_outputs(x, size)))

    def chunk_size(self, x):
        """Channels per chunk for input ``x`` (see :func:`channel_chunk`)."""
        return channel_chunk(x.shape[0], x.shape[1], self.widest, x)

    def chunk_outputs(self, x, size):
        """The outputs of channel chunks of ``size`` channels, in order.

        Each chunk runs all layers while its activations are still in cache
        (forward and backward); split keeps one gradient node per parameter.
        A caller can go on working on a chunk's output in cache before the
        next chunk runs (:meth:`DistributedIBNet.messages`).
        """
        pieces = [layer.weight.split(size) + layer.bias.split(size)
                  if isinstance(layer, BatchedLinear) else None
                  for layer in self.layers]
        for k, h in enumerate(x.split(size)):
            for layer, parts in zip(self.layers, pieces, strict=True):
                if parts is None:
                    h = layer(h)
                else:
                    n = len(parts) // 2
                    h = BatchedAffine.apply(h, parts[k], parts[n + k])
            yield h

    @property
    def widest(self):
        """The largest layer width (activation columns per row and channel)."""
        return max(layer.weight.shape[2] for layer in self.layers
                   if isinstance(layer, BatchedLinear))


# Bytes of one activation tensor per channel chunk on the CPU. Elementwise
# work on (channels, batch, width) tensors larger than the cache ran at a
# tenth of its in-cache speed (ReLU on 100 x 512 x 256: 64 ms); chunks of
# about 1 MB keep a chunk's activations in a core's L2 cache.
CPU_CHUNK_BYTES = 1 << 20


def channel_chunk(n_channels, batch, width, x):
    """Channels per chunk for ``x`` (all of them on accelerators)."""
    if x.device.type != "cpu":
        return n_channels
    per_channel = batch * width * x.element_size()
    return max(1, min(n_channels, CPU_CHUNK_BYTES // max(per_channel, 1)))


def hidden_stack(in_features, hidden, activation):
    """Fully connected layers, each followed by the activation (the decoder)."""
    layers = []
    sizes = [in_features, *hidden]
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [nn.Linear(a, b, dtype=torch.float32),
                   make_activation(activation)]
    return nn.Sequential(*layers)


@torch.no_grad()
def initialise(model, generator):
    """Draw every layer's initial weights from ``generator``, in module order.

    Layers are initialised as ``torch.nn.Linear`` does (uniform in
    ±1/sqrt(fan_in)), but from a generator local to the fit, so concurrent
    fits in threads cannot change each other's initialisation through
    torch's global generator.
    """
    for module in model.modules():
        if isinstance(module, BatchedLinear | ChannelTables):
            module.reset_parameters(generator)
        elif isinstance(module, nn.Linear):
            bound = 1.0 / math.sqrt(module.in_features)
            module.weight.uniform_(-bound, bound, generator=generator)
            if module.bias is not None:
                module.bias.uniform_(-bound, bound, generator=generator)
    return model
