"""Compact storage of the parameter snapshots taken along the path.

Every checkpoint of a sweep keeps the network's parameters so the model can
be rewound to it. Stored as float32 they made a default fit of 30 features
pickle at about 25 MB. Here a snapshot is stored as its difference from the
previous one *as reconstructed* (closed-loop delta coding, so rounding errors
do not accumulate along the path), quantised to 8-bit integers with one scale
per row of the last dimension and compressed with LZMA.

The guarantee, per weight: ``|w - w_stored| <= max|Δ_row| / 126`` (plus
float32 rounding), where ``Δ_row`` is that row's change from the previous
snapshot as stored; 7-bit codes, because 8 made a default breast cancer fit
pickle over 5 MB. Rows are the last dimension (one row per output unit of a
channel's layer).
Only trainable
weight tensors of two or more dimensions are coded; the rest (biases of the
decoder, buffers such as the standardisation or an InfoNCE codebook, indices)
are kept exactly.

An entry is a dict ``name -> tensor`` (kept exactly, absolute) or
``name -> QuantisedDelta``; :class:`SnapshotSequence` turns a list of entries
back into float32 state dicts.
"""

import lzma
from typing import NamedTuple

import numpy as np
import torch

__all__ = ["QuantisedDelta", "SnapshotSequence", "checked_index", "encode_snapshot"]

_LEVELS = 63  # 7-bit codes in [-63, 63], stored as int8
_LZMA_PRESET = 1  # measured: within 6 % of preset 6 in size, ~3x faster


class QuantisedDelta(NamedTuple):
    """One tensor's change since the previous snapshot, int8-coded."""

    blob: bytes  # LZMA-compressed int8 codes, row-major
    scale: np.ndarray  # float32, one step size per row
    shape: tuple


def _quantisable(name, tensor, trainable):
    return (name in trainable and tensor.is_floating_point() and tensor.numel() > 0
            and tensor.dim() >= 2)


def _apply(previous, delta):
    """``previous + codes * scale`` in float64, returned as float32."""
    codes = np.frombuffer(lzma.decompress(delta.blob), dtype=np.int8)
    rows = codes.reshape(len(delta.scale), -1).astype(np.float64)
    step = (rows * delta.scale.astype(np.float64)[:, None]).reshape(delta.shape)
    value = previous.detach().cpu().double().numpy() + step
    return torch.from_numpy(value.astype(np.float32))


def _previous(state, name, delta):
    """The value a delta applies to: the last state's, zeros at the start."""
    if state is None:
        return torch.zeros(delta.shape, dtype=torch.float32)
    return state[name]


def encode_snapshot(model, previous, exact=False):
    """Code the model's state dict; return ``(entry, reconstruction)``.

    ``previous`` is the reconstruction of the snapshot before (None for the
    first). The reconstruction is what :class:`SnapshotSequence` will return
    for this entry, and must be passed as ``previous`` for the next one.
    """
    state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
    if exact:
        return state, state
    trainable = {name for name, p in model.named_parameters() if p.requires_grad}
    entry, recon = {}, {}
    for name, value in state.items():
        if not _quantisable(name, value, trainable):
            entry[name] = recon[name] = value
            continue
        base = (torch.zeros_like(value) if previous is None else previous[name])
        diff = value.double().numpy() - base.double().numpy()
        rows = diff.reshape(-1, value.shape[-1])
        scale = (np.abs(rows).max(axis=1) / _LEVELS).astype(np.float32)
        scale[scale == 0] = 1.0
        scale = scale.astype(np.float64)  # exactly what is stored (float32)
        codes = np.clip(np.rint(rows / scale[:, None]), -_LEVELS, _LEVELS)
        delta = QuantisedDelta(
            lzma.compress(codes.astype(np.int8).tobytes(), preset=_LZMA_PRESET),
            scale.astype(np.float32), tuple(value.shape))
        entry[name] = delta
        recon[name] = _apply(base, delta)
    return entry, recon


def checked_index(index, n):
    """``index`` of a sequence of ``n`` snapshots as 0...n-1 (IndexError
    when out of range; negative indices count from the end)."""
    if not -n <= index < n:
        raise IndexError(f"snapshot {index} out of range for {n}.")
    return index % n


class SnapshotSequence:
    """The path's snapshots as a sequence of float32 state dicts.

    Indexing decodes the chain of deltas up to that checkpoint, outside
    inference mode (the tensors are normal ones); the last decoded state
    is cached, so walking the path forwards costs one delta per
    step.
    """

    def __init__(self, entries):
        self.entries = list(entries)
        self._cached = None  # (index, state)

    def __len__(self):
        return len(self.entries)

    def __getitem__(self, index):
        index = checked_index(index, len(self.entries))
        start, state = -1, None
        if self._cached is not None and self._cached[0] <= index:
            start, state = self._cached
        # normal tensors, also when asked inside torch.inference_mode()
        with torch.inference_mode(False):
            for i in range(start + 1, index + 1):
                state = {name: (_apply(_previous(state, name, v), v)
                                if isinstance(v, QuantisedDelta) else v)
                         for name, v in self.entries[i].items()}
            self._cached = (index, state)
            return {k: v.clone() for k, v in state.items()}

    def __getstate__(self):
        return {"entries": self.entries}

    def __setstate__(self, state):
        self.entries = state["entries"]
        self._cached = None

    @property
    def nbytes(self):
        """Bytes held by the coded snapshots (approximate, without overhead)."""
        total = 0
        for entry in self.entries:
            for v in entry.values():
                total += (len(v.blob) + v.scale.nbytes if isinstance(v, QuantisedDelta)
                          else v.numel() * v.element_size())
        return total
