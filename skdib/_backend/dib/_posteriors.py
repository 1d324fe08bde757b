"""Checks of Gaussian posteriors handed to the information functions."""

import torch

from skdib._backend._tensors import as_tensor, device_of

__all__ = ["check_pair", "check_posteriors"]


def check_posteriors(means, log_vars, names=("means", "log_vars"), device=None):
    """Validate one (means, log_vars) pair; return float64 tensors, one device.

    Torch inputs keep their device; array-likes go to the device of a torch
    partner, else to ``device`` (None: the CPU).
    """
    device = device_of(means, log_vars) or device
    mu = as_tensor(means, device, "float64", names[0])
    lv = as_tensor(log_vars, device, "float64", names[1])
    if mu.device != lv.device:
        raise ValueError(
            f"{names[0]} and {names[1]} are on different devices "
            f"({mu.device} and {lv.device}).")
    if mu.dim() not in (2, 3):
        raise ValueError(
            f"{names[0]} must have shape (n_samples, n_dims) or "
            f"(n_channels, n_samples, n_dims); got shape {tuple(mu.shape)}.")
    if tuple(mu.shape) != tuple(lv.shape):
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same shape; got "
            f"{tuple(mu.shape)} and {tuple(lv.shape)}.")
    if 0 in mu.shape:
        raise ValueError(
            f"{names[0]} has an empty axis (shape {tuple(mu.shape)}); every axis "
            "needs at least one entry.")
    for t, name in ((mu, names[0]), (lv, names[1])):
        if not bool(torch.isfinite(t).all()):
            raise ValueError(f"{name} contains NaN or infinite values.")
    return mu, lv


def check_pair(means_a, log_vars_a, means_b, log_vars_b):
    """Validate two sets of posteriors that will be compared pairwise."""
    mu_a, lv_a = check_posteriors(means_a, log_vars_a, ("means_a", "log_vars_a"))
    if means_b is None and log_vars_b is None:
        return mu_a, lv_a, mu_a, lv_a
    if means_b is None or log_vars_b is None:
        raise ValueError("Give both means_b and log_vars_b, or neither.")
    mu_b, lv_b = check_posteriors(means_b, log_vars_b, ("means_b", "log_vars_b"),
                                  device=mu_a.device)
    if mu_a.device != mu_b.device:
        raise ValueError(
            f"The a and b posteriors are on different devices ({mu_a.device} and "
            f"{mu_b.device}).")
    if mu_a.dim() != mu_b.dim() or mu_a.shape[-1] != mu_b.shape[-1] or (
            mu_a.shape[:-2] != mu_b.shape[:-2]):
        raise ValueError(
            "means_a and means_b must agree in the number of channels and "
            f"dimensions; got shapes {tuple(mu_a.shape)} and {tuple(mu_b.shape)}.")
    return mu_a, lv_a, mu_b, lv_b
