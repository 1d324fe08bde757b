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
    ``torch.nn.Linear`` (uniform in ±1/sqrt(in_features)).
    """

    def __init__(self, n_channels, in_features, out_features, fan_in=None):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_channels, in_features, out_features))
        self.bias = nn.Parameter(torch.empty(n_channels, 1, out_features))
        bound = 1.0 / math.sqrt(fan_in or in_features)
        nn.init.uniform_(self.weight, -bound, bound)
        nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, x):
        return torch.baddbmm(self.bias, x, self.weight)


class BatchedMLP(nn.Module):
    """A stack of :class:`BatchedLinear` layers with activations in between.

    ``fan_in`` gives the true input width of each channel when inputs are
    zero-padded to a common width, so initialisation does not depend on the
    padding.
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
