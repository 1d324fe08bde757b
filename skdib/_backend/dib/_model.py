"""The Distributed IB network: batched channel encoders, decoder and head."""

import torch
from torch import nn

from skdib._backend.dib._heads import CategoricalHead, GaussianHead
from skdib._backend.dib._infonce import InfoNCEHead
from skdib._backend.dib._information import kl_nats
from skdib._backend.dib._layers import BatchedMLP, hidden_stack
from skdib._backend.dib._standardise import InputStandardisation
from skdib._backend.dib._tables import ChannelTables

LOG_VAR_MIN, LOG_VAR_MAX = -30.0, 15.0


def message_noise(shape, dtype, device, generator):
    """Standard-normal draws of ``shape`` for messages of ``dtype``, in
    float32 at least.

    Under bfloat16 autocast the messages are bfloat16; the noise stays
    float32 (as the batched replicate step draws it), so the precision
    changes the arithmetic, not the random numbers.
    """
    return torch.randn(shape, generator=generator, device=device,
                       dtype=torch.promote_types(dtype, torch.float32))


def posterior(out):
    """Means and clamped log-variances from an encoder output (..., 2 dim)."""
    mu, log_var = out.chunk(2, dim=-1)
    return mu, log_var.clamp(LOG_VAR_MIN, LOG_VAR_MAX)


def sampled_messages(mu, log_var, eps):
    """Messages ``mu + sigma eps`` as (batch, channels, dim), and the KL.

    The KL in nats is (channels, batch). The messages come transposed, as
    the decoder reads them (:meth:`DistributedIBNet.decode`).
    """
    kl = kl_nats(mu, log_var)
    return (mu + torch.exp(0.5 * log_var) * eps).transpose(0, 1), kl


def make_head(kind, n_in, n_out, **options):
    """Build the head called ``kind``: 'categorical', 'gaussian' or 'infonce'."""
    if kind == "categorical":
        return CategoricalHead(n_in, n_out, **options)
    if kind == "gaussian":
        return GaussianHead(n_in, n_out)
    if kind == "infonce":
        return InfoNCEHead(n_in, n_out, **options)
    raise ValueError(f"Unknown head {kind!r}.")


class DistributedIBNet(nn.Module):
    """Encode every channel at once, sample, concatenate, decode.

    Parameters
    ----------
    channels : list of list of int
        Input columns of each channel.
    n_features : int
        Number of input columns.
    center, scale : sequence of float, length n_features
        Per-column standardisation of the raw inputs, applied in float64
        before the network reads them (``input_standardisation``, see
        :func:`~skdib._backend.dib._standardise.network_input`); the
        network's own ``center`` and ``scale`` buffers are 0 and 1.
    frequencies : sequence of float
        Fourier frequencies; each standardised value z also enters as
        sin(w z) for every w. Empty for no Fourier features.
    encoder_hidden, decoder_hidden : tuple of int
    embedding_dim : int
    activation : str
    head : {'categorical', 'gaussian'}
    n_outputs : int
        Number of classes, or of regression outputs.
    head_options : dict, optional
        Extra settings of the head (the InfoNCE head's codebook, width, ...).
    tables : list, optional
        One entry per channel: None for a network encoder, or the channel's
        training rows (n_samples, len(columns)) for a lookup-table encoder
        (:class:`~skdib._backend.dib._tables.ChannelTables`), in raw units.
        None: network encoders everywhere.
    table_exact : list, optional
        One entry per channel: None, or per column the id of the categorical
        column whose one-hot block it belongs to, or -1 (a number); a lookup
        table gives an input whose category no training row had (an unknown
        category) the prior as its message.

    ``encoder`` holds the network encoders (None when every channel has a
    table) and ``tables`` the lookup tables (None when no channel has one).
    """

    def __init__(self, channels, n_features, center, scale, frequencies,
                 encoder_hidden, embedding_dim, decoder_hidden, activation,
                 head, n_outputs, head_options=None, tables=None,
                 table_exact=None):
        super().__init__()
        n_channels = len(channels)
        self.input_standardisation = InputStandardisation(center, scale)
        tables = [None if t is None else self.input_standardisation(t, cols)
                  for t, cols in zip([None] * n_channels if tables is None
                                     else tables, channels, strict=True)]
        in_table = [t is not None for t in tables]
        networked = [c for c, t in zip(channels, in_table, strict=True) if not t]
        order = ([i for i, t in enumerate(in_table) if not t]
                 + [i for i, t in enumerate(in_table) if t])
        self.register_buffer("channel_order",
                             torch.as_tensor(order, dtype=torch.long).argsort())
        self.tables = None
        if any(in_table):
            exact = [None] * n_channels if table_exact is None else table_exact
            self.tables = ChannelTables(
                [c for c, t in zip(channels, in_table, strict=True) if t],
                [t for t in tables if t is not None], 2 * embedding_dim,
                [e for e, t in zip(exact, in_table, strict=True) if t])
        width = max((len(c) for c in networked), default=1)
        index = torch.full((len(networked), width), n_features, dtype=torch.long)
        for i, cols in enumerate(networked):
            index[i, : len(cols)] = torch.as_tensor(cols, dtype=torch.long)
        self.register_buffer("gather_index", index)
        self.register_buffer("center", torch.zeros(n_features, dtype=torch.float32))
        self.register_buffer("scale", torch.ones(n_features, dtype=torch.float32))
        self.register_buffer(
            "frequencies", torch.as_tensor(frequencies, dtype=torch.float32)
        )
        per_value = 1 + len(frequencies)
        fan_in = [len(c) * per_value for c in networked]
        self.n_channels = n_channels
        self.embedding_dim = embedding_dim
        self.encoder = None
        if networked:
            self.encoder = BatchedMLP(
                len(networked), width * per_value, encoder_hidden,
                2 * embedding_dim, activation, fan_in=fan_in,
            )
        n_concat = n_channels * embedding_dim
        self.decoder = hidden_stack(n_concat, decoder_hidden, activation)
        last = decoder_hidden[-1] if decoder_hidden else n_concat
        self.head = make_head(head, last, n_outputs, **(head_options or {}))

    def channel_inputs(self, x):
        """Standardise, split into channels and add Fourier features.

        Returns a tensor of shape (n_networked, batch, width * (1 + n_freq))
        for the channels with a network encoder, in their order; columns
        that pad a narrow channel are exactly zero.
        """
        z = (x - self.center) / self.scale
        z = torch.cat([z, z.new_zeros(z.shape[0], 1)], dim=1)
        g = z[:, self.gather_index].transpose(0, 1)
        if self.frequencies.numel():
            s = torch.sin(g.unsqueeze(-1) * self.frequencies)
            g = torch.cat([g, s.flatten(start_dim=2)], dim=-1)
        return g

    def encode(self, x):
        """Posterior means and log-variances, each (n_channels, batch, dim)."""
        parts = []
        if self.encoder is not None:
            parts.append(self.encoder(self.channel_inputs(x)))
        tables = getattr(self, "tables", None)  # absent from 0.1 pickles
        if tables is not None:
            parts.append(tables(x))
        out = parts[0] if len(parts) == 1 else torch.cat(parts)[self.channel_order]
        return posterior(out)

    @staticmethod
    def message_kl(mu, log_var):
        """KL in nats per channel and row, (C, batch), of encoded messages."""
        return kl_nats(mu, log_var)

    def decode(self, u):
        """Head output from channel samples u of shape (n_channels, batch, dim)."""
        return self.read_out(u.transpose(0, 1))

    def read_out(self, u):
        """Head output from channel samples u of shape (batch, n_channels, dim)."""
        return self.head(self.decoder(u.flatten(start_dim=1)))

    def messages(self, x, eps):
        """Sampled messages (batch, n_channels, dim) and the KL (nats, (C, batch)).

        ``eps`` holds the standard-normal noise, (n_channels, batch, dim).
        Where the encoders run in channel chunks (large networks on the
        CPU), each chunk's messages and KL are computed while its encoder
        output is still in cache: the same numbers as sampling from
        :meth:`encode`, without passing over (n_channels, batch, dim)
        tensors several times (300 glass-size channels: 2.7 s a training
        step instead of 2.1 s; ``benchmarks/run.py --only encoders``).
        """
        if getattr(self, "tables", None) is not None or self.encoder is None:
            return sampled_messages(*self.encode(x), eps)
        g = self.channel_inputs(x)
        size = self.encoder.chunk_size(g)
        if size >= g.shape[0]:
            return sampled_messages(*posterior(self.encoder.layers(g)), eps)
        pieces = [sampled_messages(*posterior(out), e) for out, e in zip(
            self.encoder.chunk_outputs(g, size), eps.split(size), strict=True)]
        return (torch.cat([u for u, _ in pieces], dim=1),
                torch.cat([kl for _, kl in pieces]))

    def forward(self, x, generator=None):
        """Return (head output, per-channel KL in nats of shape (C, batch))."""
        # drawn before encoding (which draws nothing), for the network's dtype
        eps = message_noise((self.n_channels, x.shape[0], self.embedding_dim),
                            self.center.dtype, x.device, generator)
        u, kl = self.messages(x, eps)
        return self.read_out(u), kl
