"""The set-valued Distributed IB network.

Every element of a set (a particle of a neighbourhood, a cell of a tissue)
is compressed by the encoder of its type, an MLP shared by all elements of
that type, to a Gaussian message; a permutation-invariant decoder predicts
the target from the set of messages.

Messages outside the training loop use one layout: tensors of shape
(n_types, batch, n_elements, dim) whose entry ``[t, b, e]`` is element e's
message when e exists and has type t, and NaN otherwise. The KL per type
(:meth:`SetIBNet.message_kl`) and the decoder (:meth:`SetIBNet.decode`) read
the types and the padding from where the NaNs are, so the training loop
treats these networks like the tabular one: its "channels" are the types.
"""

import torch
from torch import nn

from skdib._backend.dib._information import kl_nats
from skdib._backend.dib._layers import BatchedMLP
from skdib._backend.dib._model import LOG_VAR_MAX, LOG_VAR_MIN, make_head, message_noise
from skdib._backend.sets._decoders import make_set_decoder
from skdib._backend.sets._standardise import SetInputStandardisation

__all__ = ["SetIBNet"]


class SetIBNet(nn.Module):
    """Shared encoders by element type, a set decoder and a head.

    Parameters
    ----------
    n_features : int
        Numbers per element (the type column included).
    type_column : int or None
        Column holding the element type; None: one type for all elements.
    type_values : sequence of float
        The type codes, one encoder each (``[0.0]`` without a type column).
    center, scale : sequence of float
        Standardisation of the element features, one per column other than
        the type column, applied in float64 before the network reads them
        (``input_standardisation``), with the types numbered.
    frequencies : sequence of float
        Fourier frequencies: each standardised value z also enters as
        sin(w z) for every w.
    encoder_hidden : tuple of int
    embedding_dim : int
    decoder : {'deepsets', 'transformer'}
    decoder_width, decoder_depth, n_heads : int
    activation : str
    head : {'categorical', 'gaussian'}
    n_outputs : int
    head_options : dict, optional
    set_size : float, optional
        None: the decoder pools by the mean over each set; a number: by the
        sum over the set divided by it (see
        :func:`~skdib._backend.sets._decoders.masked_pool`).
    norm_before_pool : bool, default=True
        The transformer decoder's order (see
        :class:`~skdib._backend.sets._decoders.SetTransformerDecoder`).
    """

    def __init__(self, n_features, type_column, type_values, center, scale,
                 frequencies, encoder_hidden, embedding_dim, decoder,
                 decoder_width, decoder_depth, n_heads, activation, head,
                 n_outputs, head_options=None, set_size=None,
                 norm_before_pool=True):
        super().__init__()
        columns = [c for c in range(n_features) if c != type_column]
        self.type_column = type_column
        self.register_buffer("feature_columns", torch.as_tensor(columns))
        # inputs arrive prepared in float64 (network_input): features
        # standardised, types numbered 0, 1, ... by their fitted codes
        self.input_standardisation = SetInputStandardisation(
            columns, center, scale, type_column, type_values)
        self.register_buffer("type_values",
                             torch.arange(len(type_values), dtype=torch.float32))
        self.register_buffer("center", torch.zeros(len(columns), dtype=torch.float32))
        self.register_buffer("scale", torch.ones(len(columns), dtype=torch.float32))
        self.register_buffer("frequencies",
                             torch.as_tensor(frequencies, dtype=torch.float32))
        n_in = len(columns) * (1 + len(frequencies))
        self.n_channels = len(type_values)
        self.embedding_dim = embedding_dim
        self.encoder = BatchedMLP(self.n_channels, n_in, encoder_hidden,
                                  2 * embedding_dim, activation)
        self.decoder = make_set_decoder(decoder, embedding_dim, decoder_width,
                                        decoder_depth, activation, n_heads,
                                        set_size, norm_before_pool)
        self.head = make_head(head, decoder_width, n_outputs, **(head_options or {}))

    def membership(self, x):
        """Boolean (n_types, batch, n_elements): element e exists, type t.

        A padding element is a row of NaN.
        """
        exists = ~torch.isnan(x).all(dim=-1)
        if self.type_column is None:
            return exists.unsqueeze(0)
        kind = x[..., self.type_column]
        return (kind.unsqueeze(0) == self.type_values.view(-1, 1, 1)) & exists

    def element_inputs(self, x):
        """Standardised features (+ Fourier), (batch, n_elements, n_in).

        Padding elements get zeros (their messages are never used)."""
        z = (x[..., self.feature_columns] - self.center) / self.scale
        z = torch.nan_to_num(z, nan=0.0)
        if self.frequencies.numel():
            s = torch.sin(z.unsqueeze(-1) * self.frequencies)
            z = torch.cat([z, s.flatten(start_dim=-2)], dim=-1)
        return z

    def _posteriors(self, x):
        """(mu, log_var, member): every type's encoder on every element."""
        z = self.element_inputs(x)
        b, e, n_in = z.shape
        flat = z.reshape(1, b * e, n_in).expand(self.n_channels, -1, -1)
        out = self.encoder(flat).reshape(self.n_channels, b, e, -1)
        mu, log_var = out.chunk(2, dim=-1)
        return mu, log_var.clamp(LOG_VAR_MIN, LOG_VAR_MAX), self.membership(x)

    def encode(self, x):
        """Messages in the NaN layout (see the module), each (T, B, E, dim)."""
        mu, log_var, member = self._posteriors(x)
        keep = member.unsqueeze(-1)
        nan = mu.new_tensor(float("nan"))
        return torch.where(keep, mu, nan), torch.where(keep, log_var, nan)

    @staticmethod
    def message_kl(mu, log_var):
        """KL in nats summed over each set's elements of each type, (T, B)."""
        return torch.nan_to_num(kl_nats(mu, log_var), nan=0.0).sum(dim=-1)

    def _decode_elements(self, u, member):
        elements = (u * member.unsqueeze(-1).to(u.dtype)).sum(dim=0)
        return self.head(self.decoder(elements, member.any(dim=0)))

    def decode(self, u):
        """Head output from messages ``u`` in the NaN layout."""
        member = ~torch.isnan(u[..., 0])
        return self._decode_elements(torch.nan_to_num(u, nan=0.0), member)

    def forward(self, x, generator=None):
        """Return (head output, KL in nats per type and set, (T, batch))."""
        mu, log_var, member = self._posteriors(x)
        kl = (kl_nats(mu, log_var) * member.to(mu.dtype)).sum(dim=-1)
        eps = message_noise(mu.shape, mu.dtype, mu.device, generator)
        u = mu + torch.exp(0.5 * log_var) * eps
        return self._decode_elements(u, member), kl
