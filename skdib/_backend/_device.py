"""Device selection and thread control."""

import contextlib

import torch


def resolve_device(device):
    """Map 'auto' / 'cpu' / 'cuda' / 'cuda:N' / torch.device to a torch.device."""
    if isinstance(device, torch.device):
        dev = device
    elif device == "auto":
        dev = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    else:
        try:
            dev = torch.device(device)
        except (RuntimeError, TypeError) as exc:
            raise ValueError(
                f"device must be 'auto', 'cpu', 'cuda' or a torch.device; got "
                f"{device!r}."
            ) from exc
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available on this "
            "machine; use device='cpu' or 'auto'."
        )
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"Unsupported device type {dev.type!r}; use 'cpu' or 'cuda'.")
    return dev


@contextlib.contextmanager
def torch_threads(n_threads):
    """Temporarily set torch's intra-op thread count (None leaves it alone)."""
    if n_threads is None:
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(int(n_threads))
    try:
        yield
    finally:
        torch.set_num_threads(previous)
