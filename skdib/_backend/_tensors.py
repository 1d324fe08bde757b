"""Arrays to tensors and seeds to generators: the only conversions in skdib."""

import numpy as np
import torch

__all__ = ["as_tensor", "device_of", "make_generator", "to_numpy"]

DTYPES = {"float32": torch.float32, "float64": torch.float64, "long": torch.long}
_NUMPY_DTYPES = {"float32": np.float32, "float64": np.float64, "long": np.int64}


def as_tensor(a, device=None, dtype="float32", name="array"):
    """A tensor of ``dtype`` (a name in :data:`DTYPES`) on ``device``.

    Torch tensors are detached and keep their device unless ``device`` is
    given; array-likes are copied when read-only (pandas copy-on-write views
    make torch warn) and placed on ``device`` (None: the CPU).
    """
    if isinstance(a, torch.Tensor):
        if a.is_complex():
            raise TypeError(f"{name} must be real-valued; got a complex tensor.")
        return a.detach().to(device=device if device is not None else a.device,
                             dtype=DTYPES[dtype])
    try:
        arr = np.ascontiguousarray(np.asarray(a, dtype=_NUMPY_DTYPES[dtype]))
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{name} must be a numeric array-like or torch tensor; got "
            f"{type(a).__name__}.") from exc
    if not arr.flags.writeable:
        arr = arr.copy()
    return torch.from_numpy(arr).to(device=device)


def device_of(*arrays):
    """The device of the first torch tensor among ``arrays`` (else None)."""
    return next((a.device for a in arrays if isinstance(a, torch.Tensor)), None)


def make_generator(seed, device):
    """A torch generator local to the caller, on ``device``, seeded."""
    return torch.Generator(device=device).manual_seed(int(seed))


def to_numpy(t, scalar=False):
    """CPU numpy array of a tensor (or a Python float when ``scalar``)."""
    arr = t.detach().cpu().numpy()
    return float(arr.reshape(())) if scalar else arr
