"""Device selection, thread control, denormals and training precision."""

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


@contextlib.contextmanager
def torch_defaults():
    """Build and train under torch's stock global settings: float32 as the
    default dtype and gradients on, whatever the caller set. A fit inside
    ``torch.no_grad()`` or ``torch.inference_mode()``, or after
    ``torch.set_default_dtype(torch.float64)``, trains as any other. The
    caller's settings are restored on the way out."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float32)
    try:
        with torch.inference_mode(False), torch.enable_grad():
            yield
    finally:
        torch.set_default_dtype(previous)


def denormals_flushed():
    """Whether this thread's CPU flushes denormal floats to zero now."""
    return torch.tensor([1e-39], dtype=torch.float32).mul(1.0).item() == 0.0


@contextlib.contextmanager
def flush_denormals():
    """Flush denormal floats to zero on this thread for the block.

    Float32 values below about 1.2e-38 (denormals) take a slow path in the
    CPU's arithmetic: training a circuit's network ran 1.45x faster with them
    flushed (``benchmarks/README.md``), its matrix products 4x. Their size
    is far below anything a loss, a gradient or a bit estimate resolves, and
    TensorFlow flushes them on its CPU threads by default. The thread's
    previous mode comes back afterwards; other threads are not touched.
    Where the CPU has no such mode, the block runs as it is.
    """
    previous = denormals_flushed()
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(previous)


PRECISIONS = ("float32", "bfloat16", "tf32")


def step_precision(precision, device):
    """The arithmetic of each training step's forward pass on ``device``.

    Checked once per sweep; returns a function that gives a fresh context
    for one step. ``'float32'``: as it is. ``'bfloat16'``: under
    ``torch.autocast``, so matrix products (and what autocast lists with
    them) run in bfloat16 while parameters, optimizer state and the loss
    stay float32. ``'tf32'``: float32 matrix products on an NVIDIA GPU use
    TF32 tensor cores (10-bit mantissa), and the global TF32 switches come
    back as they were after each step; a CPU has no TF32 and runs float32.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}; got {precision!r}.")
    if precision == "bfloat16":
        if device.type == "cuda" and not native_bfloat16(device):
            raise ValueError(
                "precision='bfloat16' needs a GPU with bfloat16 arithmetic "
                "(compute capability 8.0 or newer), and this one has none; "
                "use precision='float32'.")
        return lambda: torch.autocast(device_type=device.type, dtype=torch.bfloat16)
    if precision == "float32" or device.type != "cuda":
        return contextlib.nullcontext
    return _tf32


def native_bfloat16(device):
    """Whether the GPU ``device`` has bfloat16 arithmetic (compute capability
    8.0 or newer). ``torch.cuda.is_bf16_supported()`` also says yes where
    bfloat16 is only emulated (a V100 or T4), and asks about the current GPU
    rather than ``device``."""
    return torch.cuda.get_device_capability(device) >= (8, 0)


@contextlib.contextmanager
def _tf32():
    """TF32 matrix products inside, the caller's setting restored after.

    Torch 2.9 and later take the setting as ``fp32_precision`` and refuse
    any mixing with the older ``allow_tf32`` flags (a process that set one
    API fails on the other), so the newer API is used where it exists; the
    networks have no convolutions, so only matrix products are switched.
    """
    matmul = torch.backends.cuda.matmul
    if hasattr(matmul, "fp32_precision"):
        before = matmul.fp32_precision
        matmul.fp32_precision = "tf32"
        try:
            yield
        finally:
            matmul.fp32_precision = before
        return
    before = (matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
    matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    try:
        yield
    finally:
        matmul.allow_tf32, torch.backends.cudnn.allow_tf32 = before
