"""Hyperparameter checks of the Distributed IB estimators (no torch)."""

from numbers import Integral

import numpy as np

__all__ = ["BOUNDS_BATCH_SIZE", "BOUNDS_MIN_DRAWS", "BOUNDS_N_BATCHES",
           "MIXTURE_SAMPLES", "bounds_n_batches", "check_checkpoints",
           "check_layer_sizes", "fourier_frequencies"]

# Evaluation batch K of the InfoNCE / leave-one-out bounds (the SI uses 1024)
# and the number of batches averaged (bounds_n_batches: more for a small K):
# the cost of the bounds per checkpoint is
# n_channels * bounds_n_batches(K) * K**2 * embedding_dim, on any device.
BOUNDS_BATCH_SIZE = 1024
BOUNDS_N_BATCHES = 2
# Fewest latent draws (batches x K) the bounds average over. Each checkpoint
# reuses the same seed, so with a few held-out rows (K = 7 on a 36-row table)
# one unlucky pair of batches repeats at every checkpoint and a used channel
# can read 0 bits along the whole path; small validation sets get more
# batches instead (see bounds_n_batches).
BOUNDS_MIN_DRAWS = 256
# Monte Carlo draws per mixture component for discrete channels.
MIXTURE_SAMPLES = 1024


def bounds_n_batches(batch_size):
    """Batches of the sandwich bounds for an evaluation batch of K =
    ``batch_size`` rows: ``BOUNDS_N_BATCHES``, or enough that batches x K
    reaches ``BOUNDS_MIN_DRAWS`` (37 for K = 7; 2 from K = 128 on). The cost,
    batches x K² per channel, is below (256 + K) x K, so at most 1.48 times
    that of K = 128 (at K = 127); it exceeds that of K = 128 only for K from
    105 to 127, and is far below it for the few rows that need many
    batches (37 x 7² for K = 7)."""
    return max(BOUNDS_N_BATCHES, -(-BOUNDS_MIN_DRAWS // int(batch_size)))


def check_layer_sizes(name, value, allow_empty):
    """``value`` as a tuple of positive layer widths, or a clear error."""
    sizes = tuple(value)
    ok = all(isinstance(s, Integral) and not isinstance(s, bool) and s > 0
             for s in sizes)
    if not ok or (not sizes and not allow_empty):
        raise ValueError(
            f"{name} must be a tuple of positive ints (layer widths); got {value!r}."
        )
    return tuple(int(s) for s in sizes)


def fourier_frequencies(value):
    """Fourier frequencies: None -> none, int K -> 2**k * pi for k=1..K."""
    if value is None:
        return []
    if isinstance(value, Integral):
        return [float(2.0**k * np.pi) for k in range(1, int(value) + 1)]
    freqs = np.asarray(value, dtype=float).ravel()
    if freqs.size == 0 or not np.all(np.isfinite(freqs)):
        raise ValueError(
            "fourier_frequencies must be None, a positive int or a non-empty "
            f"array of finite frequencies; got {value!r}."
        )
    return freqs.tolist()


def check_checkpoints(n_checkpoints, n_steps):
    """Every checkpoint needs a ramp step of its own."""
    if n_checkpoints > n_steps:
        raise ValueError(
            f"n_checkpoints={n_checkpoints} is more than n_steps={n_steps}: each "
            "checkpoint of the path is recorded at its own step of the β ramp. "
            "Lower n_checkpoints or raise n_steps.")
