"""Permutation-invariant decoders of a set of element messages.

Both take messages ``u`` of shape (batch, n_elements, dim) and a boolean mask
(batch, n_elements) of the elements that exist, and return one vector of
``width`` numbers per set. Padding elements never reach the output: they are
left out of the attention (as keys) and of the pooled mean.
"""

import torch
from torch import nn

from skdib._backend.dib._layers import hidden_stack, make_activation

__all__ = ["DECODERS", "DeepSetsDecoder", "SetTransformerDecoder", "make_set_decoder"]


def masked_pool(h, mask, set_size):
    """Pool ``h`` (batch, n, width) over the elements where ``mask`` holds.

    ``set_size`` None: the mean over the set. A number: the sum divided by
    that fixed number (the typical set size), which keeps how many elements
    of a kind a set has (a mean forgets it) at a scale near 1.
    """
    weights = mask.to(h.dtype).unsqueeze(-1)
    total = (h * weights).sum(dim=1)
    if set_size is None:
        return total / weights.sum(dim=1).clamp_min(1.0)
    return total / set_size


class DeepSetsDecoder(nn.Module):
    """rho(pool_e phi(u_e)): an MLP per element, a masked pool, an MLP."""

    def __init__(self, dim, width, depth, activation, set_size=None):
        super().__init__()
        self.phi = hidden_stack(dim, (width,) * max(depth, 1), activation)
        self.rho = hidden_stack(width, (width,), activation)
        self.set_size = set_size

    def forward(self, u, mask):
        return self.rho(masked_pool(self.phi(u), mask, self.set_size))


class SetTransformerDecoder(nn.Module):
    """Self-attention blocks over the elements, then a masked pool.

    Pre-norm transformer blocks (no positional encoding, so the order of the
    elements cannot matter), full self-attention among the existing elements,
    and a final layer norm per element before the pool: normalising after a
    sum would divide out its scale, and with it how many elements the set
    has (``set_size``), which softmax attention does not see either.
    """

    def __init__(self, dim, width, depth, activation, n_heads, set_size=None,
                 norm_before_pool=True):
        super().__init__()
        self.set_size = set_size
        if width % n_heads:
            raise ValueError(f"decoder_width ({width}) must be a multiple of "
                             f"n_heads ({n_heads}).")
        self.embed = nn.Linear(dim, width, dtype=torch.float32)
        layer = nn.TransformerEncoderLayer(
            width, n_heads, dim_feedforward=2 * width, dropout=0.0,
            activation=make_activation(activation), batch_first=True,
            norm_first=True, dtype=torch.float32)
        self.blocks = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(width, dtype=torch.float32)
        # False: the order of networks trained before the fix (a resumed
        # sweep keeps the order its checkpoints were trained with)
        self.norm_before_pool = norm_before_pool

    def forward(self, u, mask):
        h = self.blocks(self.embed(u), src_key_padding_mask=~mask)
        if getattr(self, "norm_before_pool", False):
            return masked_pool(self.norm(h), mask, self.set_size)
        # a network pickled before the fix was trained with the pooled norm
        return self.norm(masked_pool(h, mask, self.set_size))


DECODERS = ("deepsets", "transformer")


def make_set_decoder(kind, dim, width, depth, activation, n_heads, set_size=None,
                     norm_before_pool=True):
    """The decoder called ``kind`` (one of :data:`DECODERS`); ``set_size``
    as in :func:`masked_pool`, ``norm_before_pool`` as in
    :class:`SetTransformerDecoder`."""
    if kind == "deepsets":
        return DeepSetsDecoder(dim, width, depth, activation, set_size)
    if kind == "transformer":
        return SetTransformerDecoder(dim, width, depth, activation, n_heads, set_size,
                                     norm_before_pool)
    raise ValueError(f"Unknown set decoder {kind!r}; expected one of {DECODERS}.")
