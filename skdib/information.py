"""Information measured in diagonal-Gaussian compression channels.

Every channel of a Distributed IB model encodes a sample x_i as a Gaussian
posterior p(u | x_i) = N(mu_i, diag exp(log_var_i)). The functions here take
those posteriors (``means`` and ``log_vars``, numpy arrays or torch tensors of
shape ``(n, d)`` for one channel or ``(n_channels, n, d)`` for many) and
return numpy arrays or Python floats on the CPU:

* :func:`kl_divergence` -- KL to the N(0, I) prior, in bits: the rate term of
  the training loss and an upper bound on the information in the channel.
* :func:`mutual_information_bounds` -- InfoNCE lower and leave-one-out upper
  bounds on I(U; X), in bits.
* :func:`bhattacharyya_distance` and :func:`distinguishability` -- pairwise
  comparisons of posteriors, the entries of a distinguishability matrix.

Computations run in float64 on the device where torch inputs live.
"""

import numbers

import numpy as np
import torch

from skdib._backend import _information as _info

__all__ = [
    "bhattacharyya_distance",
    "distinguishability",
    "kl_divergence",
    "mutual_information_bounds",
]


def _as_float64_tensor(a, name, device=None):
    """Convert numpy / array-like / torch input to a float64 tensor."""
    if isinstance(a, torch.Tensor):
        t = a.detach()
        if t.is_complex():
            raise TypeError(f"{name} must be real-valued; got a complex tensor.")
        return t.to(dtype=torch.float64)
    try:
        arr = np.asarray(a, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be a numeric array-like or torch tensor; got "
            f"{type(a).__name__}."
        ) from exc
    return torch.from_numpy(np.ascontiguousarray(arr)).to(device=device)


def _check_posteriors(means, log_vars, names=("means", "log_vars"), device=None):
    """Validate one (means, log_vars) pair; return float64 tensors, one device.

    Torch inputs keep their device; numpy inputs go to the device of a torch
    partner, else to ``device`` (None: the CPU).
    """
    device = next((t.device for t in (means, log_vars)
                   if isinstance(t, torch.Tensor)), device)
    mu = _as_float64_tensor(means, names[0], device)
    lv = _as_float64_tensor(log_vars, names[1], device)
    if mu.device != lv.device:
        raise ValueError(
            f"{names[0]} and {names[1]} are on different devices "
            f"({mu.device} and {lv.device})."
        )
    if mu.dim() not in (2, 3):
        raise ValueError(
            f"{names[0]} must have shape (n_samples, n_dims) or "
            f"(n_channels, n_samples, n_dims); got shape {tuple(mu.shape)}."
        )
    if tuple(mu.shape) != tuple(lv.shape):
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape; got "
            f"{tuple(mu.shape)} and {tuple(lv.shape)}."
        )
    if 0 in mu.shape:
        raise ValueError(
            f"{names[0]} has an empty axis (shape {tuple(mu.shape)}); every axis "
            "needs at least one entry."
        )
    for t, name in ((mu, names[0]), (lv, names[1])):
        if not bool(torch.isfinite(t).all()):
            raise ValueError(f"{name} contains NaN or infinite values.")
    return mu, lv


def _to_numpy(t, scalar):
    """CPU numpy array (or a Python float when ``scalar``)."""
    arr = t.cpu().numpy()
    return float(arr.reshape(())) if scalar else arr


def _check_positive_int(value, name, minimum=1):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r}.")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}; got {value}.")
    return int(value)


def _torch_generator(random_state, device):
    """A local torch.Generator on ``device`` seeded from ``random_state``.

    ``None`` draws fresh entropy; an int seeds it directly; a numpy
    ``Generator`` or ``RandomState`` supplies a seed (and is advanced).
    """
    if random_state is None:
        seed = int(np.random.default_rng().integers(0, 2**62))
    elif isinstance(random_state, np.random.Generator):
        seed = int(random_state.integers(0, 2**62))
    elif isinstance(random_state, np.random.RandomState):
        seed = int(random_state.randint(0, 2**31 - 1))
    elif isinstance(random_state, numbers.Integral) and not isinstance(
            random_state, bool):
        if random_state < 0:
            raise ValueError(
                f"random_state must be a non-negative integer; got {random_state}."
            )
        seed = int(random_state)
    else:
        raise TypeError(
            "random_state must be None, an int, a numpy Generator or a "
            f"RandomState; got {type(random_state).__name__}."
        )
    return torch.Generator(device=device).manual_seed(seed)


@torch.no_grad()
def kl_divergence(means, log_vars, *, reduction="mean"):
    """KL divergence of Gaussian posteriors from the N(0, I) prior, in bits.

    Parameters
    ----------
    means, log_vars : array-like or torch.Tensor of shape (n_samples, n_dims) \
or (n_channels, n_samples, n_dims)
        Posterior means and log-variances (natural log) of each sample.
    reduction : {"mean", "none"}, default="mean"
        ``"mean"`` averages over samples, the rate of the channel;
        ``"none"`` returns one value per sample.

    Returns
    -------
    kl : float or ndarray
        For 2-D input, a float (``"mean"``) or shape (n_samples,); for 3-D
        input, shape (n_channels,) or (n_channels, n_samples).

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.information import kl_divergence
    >>> means = np.array([[0.0, 0.0], [1.0, 0.0]])
    >>> log_vars = np.zeros((2, 2))
    >>> kl_divergence(means, log_vars, reduction="none").round(4)
    array([0.    , 0.7213])
    """
    if reduction not in ("mean", "none"):
        raise ValueError(
            f"reduction must be 'mean' or 'none'; got {reduction!r}.")
    mu, lv = _check_posteriors(means, log_vars)
    kl = _info.kl_bits(mu, lv)
    kl = _to_numpy(kl, scalar=False)
    if reduction == "mean":
        kl = kl.mean(axis=-1)
        return float(kl) if kl.ndim == 0 else kl
    return kl


@torch.no_grad()
def mutual_information_bounds(means, log_vars, *, batch_size=1024, n_batches=8,
                              random_state=None):
    """Lower and upper bounds on the information I(U; X) of each channel.

    The InfoNCE lower bound and the "leave one out" upper bound (Poole et al.,
    2019) evaluated with the known Gaussian posteriors: for a batch of K
    samples with one latent draw u_i ~ p(u | x_i) each,

    * lower = mean_i log2[p(u_i|x_i) / (1/K sum_j p(u_i|x_j))]
    * upper = mean_i log2[p(u_i|x_i) / (1/(K-1) sum_{j != i} p(u_i|x_j))]

    averaged over ``n_batches`` batches drawn without replacement. The lower
    bound cannot exceed log2(K) bits, so K must be well above 2**I.

    Parameters
    ----------
    means, log_vars : array-like or torch.Tensor of shape (n_samples, n_dims) \
or (n_channels, n_samples, n_dims)
        Posterior means and log-variances, typically of held-out samples.
        Torch tensors are processed on their device.
    batch_size : int, default=1024
        Evaluation batch size K; with fewer samples every batch holds all of
        them and batches differ by their latent draws.
    n_batches : int, default=8
        Number of batches averaged.
    random_state : int, numpy.random.Generator, RandomState or None, \
default=None
        Seeds the batch and latent draws; the same seed gives the same bounds.

    Returns
    -------
    lower, upper : float or ndarray of shape (n_channels,)
        Bounds in bits; floats for 2-D input. Being estimates from finite
        batches they can cross by a hair when the information is near zero.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.information import mutual_information_bounds
    >>> x = np.repeat([0.0, 1.0], 256)
    >>> means = np.stack([20.0 * x, np.zeros_like(x)], axis=1)  # 1 bit, well apart
    >>> log_vars = np.zeros_like(means)
    >>> lower, upper = mutual_information_bounds(means, log_vars, batch_size=512,
    ...                                          random_state=0)
    >>> round(lower, 2), round(upper, 2)
    (1.0, 1.0)
    """
    batch_size = _check_positive_int(batch_size, "batch_size", minimum=2)
    n_batches = _check_positive_int(n_batches, "n_batches")
    mu, lv = _check_posteriors(means, log_vars)
    if mu.shape[-2] < 2:
        raise ValueError(
            "mutual_information_bounds needs at least 2 samples; got "
            f"{mu.shape[-2]}."
        )
    gen = _torch_generator(random_state, mu.device)
    lower, upper = _info.mi_bounds(mu, lv, batch_size=batch_size,
                                   n_batches=n_batches, generator=gen)
    scalar = mu.dim() == 2
    return _to_numpy(lower, scalar), _to_numpy(upper, scalar)


def _check_pair(means_a, log_vars_a, means_b, log_vars_b):
    """Validate two sets of posteriors that will be compared pairwise."""
    mu_a, lv_a = _check_posteriors(means_a, log_vars_a, ("means_a", "log_vars_a"))
    if means_b is None and log_vars_b is None:
        return mu_a, lv_a, mu_a, lv_a
    if means_b is None or log_vars_b is None:
        raise ValueError("Give both means_b and log_vars_b, or neither.")
    mu_b, lv_b = _check_posteriors(means_b, log_vars_b, ("means_b", "log_vars_b"),
                                   device=mu_a.device)
    if mu_a.device != mu_b.device:
        raise ValueError(
            f"The a and b posteriors are on different devices ({mu_a.device} and "
            f"{mu_b.device})."
        )
    if mu_a.dim() != mu_b.dim() or mu_a.shape[-1] != mu_b.shape[-1] or (
            mu_a.shape[:-2] != mu_b.shape[:-2]):
        raise ValueError(
            "means_a and means_b must agree in the number of channels and "
            f"dimensions; got shapes {tuple(mu_a.shape)} and {tuple(mu_b.shape)}."
        )
    return mu_a, lv_a, mu_b, lv_b


@torch.no_grad()
def bhattacharyya_distance(means_a, log_vars_a, means_b=None, log_vars_b=None):
    """Pairwise Bhattacharyya distances between Gaussian posteriors, in nats.

    D_B(p, q) = -log ∫ sqrt(p(u) q(u)) du, in closed form for diagonal
    Gaussians.

    Parameters
    ----------
    means_a, log_vars_a : array-like or torch.Tensor of shape (n_a, n_dims) \
or (n_channels, n_a, n_dims)
        Posteriors of the first set.
    means_b, log_vars_b : array-like or torch.Tensor, optional
        Posteriors of the second set, shape (n_b, n_dims) or
        (n_channels, n_b, n_dims); omitted means the first set again.

    Returns
    -------
    distances : ndarray of shape (n_a, n_b) or (n_channels, n_a, n_b)

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.information import bhattacharyya_distance
    >>> means = np.array([[0.0], [2.0]])
    >>> bhattacharyya_distance(means, np.zeros((2, 1)))
    array([[0. , 0.5],
           [0.5, 0. ]])
    """
    mu_a, lv_a, mu_b, lv_b = _check_pair(means_a, log_vars_a, means_b, log_vars_b)
    return _to_numpy(_info.pairwise_bhattacharyya(mu_a, lv_a, mu_b, lv_b),
                     scalar=False)


def distinguishability(means_a, log_vars_a, means_b=None, log_vars_b=None):
    """Distinguishability 1 - exp(-D_B) between Gaussian posteriors.

    0 means two inputs are encoded identically (indistinguishable after
    compression); 1 means their encodings do not overlap. With the b set
    omitted this is the distinguishability matrix of the a set: symmetric,
    zero on the diagonal.

    Parameters
    ----------
    means_a, log_vars_a : array-like or torch.Tensor of shape (n_a, n_dims) \
or (n_channels, n_a, n_dims)
        Posteriors of the first set, e.g. the encodings of a grid of feature
        values.
    means_b, log_vars_b : array-like or torch.Tensor, optional
        Posteriors of the second set; omitted means the first set again.

    Returns
    -------
    matrix : ndarray of shape (n_a, n_b) or (n_channels, n_a, n_b)
        Values in [0, 1].

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.information import distinguishability
    >>> means = np.array([[0.0], [0.1], [10.0]])
    >>> distinguishability(means, np.zeros((3, 1))).round(3)
    array([[0.   , 0.001, 1.   ],
           [0.001, 0.   , 1.   ],
           [1.   , 1.   , 0.   ]])
    """
    distances = bhattacharyya_distance(means_a, log_vars_a, means_b, log_vars_b)
    return -np.expm1(-distances)
