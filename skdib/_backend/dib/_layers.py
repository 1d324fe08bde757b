"""Batched layers: one weight tensor for all channels, one matmul per layer."""

import math

import torch
from torch import nn

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
        self.weight = nn.Parameter(torch.empty(n_channels, in_features, out_features))
        self.bias = nn.Parameter(torch.empty(n_channels, 1, out_features))
        widths = torch.as_tensor(in_features if fan_in is None else fan_in,
                                 dtype=torch.float32).expand(n_channels)
        self.register_buffer("bound", widths.rsqrt().reshape(n_channels, 1, 1),
                             persistent=False)
        self.reset_parameters()

    @torch.no_grad()
    def reset_parameters(self, generator=None):
        """Uniform in ±1/sqrt(fan_in) per channel, drawn from ``generator``."""
        for p in (self.weight, self.bias):
            p.uniform_(-1.0, 1.0, generator=generator).mul_(self.bound)

    def forward(self, x):
        return torch.baddbmm(self.bias, x, self.weight)


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
        return self.layers(x)


def hidden_stack(in_features, hidden, activation):
    """Fully connected layers, each followed by the activation (the decoder)."""
    layers = []
    for a, b in zip([in_features, *hidden[:-1]], hidden, strict=True):
        layers += [nn.Linear(a, b), make_activation(activation)]
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
        if isinstance(module, BatchedLinear):
            module.reset_parameters(generator)
        elif isinstance(module, nn.Linear):
            bound = 1.0 / math.sqrt(module.in_features)
            module.weight.uniform_(-bound, bound, generator=generator)
            if module.bias is not None:
                module.bias.uniform_(-bound, bound, generator=generator)
    return model
