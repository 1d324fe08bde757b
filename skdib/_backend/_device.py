"""Device selection, thread control, denormals and training precision."""

import contextlib
import threading

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
    _check_gpu_index(dev, device)
    return dev


def _check_gpu_index(dev, device):
    """Refuse a GPU number this machine does not have (torch accepts any
    and fails later, inside the fit, with an obscure CUDA error)."""
    if dev.type != "cuda" or dev.index is None:
        return
    count = torch.cuda.device_count()
    if not 0 <= dev.index < count:
        raise ValueError(
            f"device={device!r} names GPU {dev.index}, but this machine has "
            f"{count} (numbered 0 to {count - 1}); use 'cuda' for the current "
            "one or a number in that range.")


class _SharedSetting:
    """A process-wide torch setting that blocks in several threads may hold
    at once (the TF32 switch).

    Each block puts its value on a stack of the blocks running; the setting
    is the value of the latest block entered that has not ended, and the
    value found before the first block comes back when the last ends. So a
    nested block gives the outer block its value back, and fits in threads
    that overlap leave the caller's value at the end, in whatever order
    they end. Saving and restoring in every block would race: two blocks in
    threads that interleave their restores leave the other's value set.
    """

    def __init__(self, get, put):
        self._get, self._put = get, put
        self._lock = threading.Lock()
        self._held, self._saved = [], None

    @contextlib.contextmanager
    def __call__(self, value):
        token = object()
        try:
            self._enter(token, value)
            yield
        finally:
            self._leave(token)

    def idle_value(self):
        """The setting as the process has it when no block is held, else
        None (a block's value is not the process's)."""
        with self._lock:
            return None if self._held else self._get()

    def _enter(self, token, value):
        with self._lock:
            if not self._held:
                self._saved = self._get()
            self._held.append((token, value))
            self._put(value)

    def _leave(self, token):
        """End the block ``token``; nothing where it never entered. A block
        whose value was refused ends here too, so it leaves nothing set."""
        with self._lock:
            mine = [i for i, (held, _) in enumerate(self._held) if held is token]
            if not mine:
                return
            del self._held[mine[0]]
            self._put(self._held[-1][1] if self._held else self._saved)


_num_threads = _SharedSetting(torch.get_num_threads, torch.set_num_threads)
_PROBE_LOCK = threading.Lock()
_per_thread = []


def thread_count_is_per_thread():
    """Whether ``torch.set_num_threads`` sets the count of the calling thread
    only (an OpenMP build: each thread has its own, and a thread started
    later begins with the count set last), rather than one count for the
    process (torch's own thread pool). Found once, by setting another count
    in a short-lived thread and reading this thread's."""
    with _PROBE_LOCK:
        if not _per_thread:
            mine = torch.get_num_threads()
            other = 2 if mine == 1 else 1
            probe = threading.Thread(target=torch.set_num_threads,
                                     args=(other,))
            probe.start()
            probe.join()
            _per_thread.append(torch.get_num_threads() == mine)
            torch.set_num_threads(mine)  # what later threads begin with
        return _per_thread[0]


@contextlib.contextmanager
def torch_threads(n_threads):
    """Set torch's intra-op thread count for the block (None leaves it
    alone), and give the previous count back after it.

    Where the count belongs to each thread (OpenMP builds, the usual ones),
    the block sets and restores the count of its own thread: fits running
    at once in threads each have theirs, and a nested block gives the outer
    block's count back. Where it is one count for the process, blocks in
    threads share it as a :class:`_SharedSetting`.
    """
    if n_threads is None:
        yield
        return
    n_threads = int(n_threads)
    if not thread_count_is_per_thread():
        with _num_threads(n_threads):
            yield
        return
    previous = torch.get_num_threads()
    try:
        torch.set_num_threads(n_threads)
        yield
    finally:
        torch.set_num_threads(previous)


_BUILD_LOCK = threading.Lock()


@contextlib.contextmanager
def torch_defaults():
    """Build and train with gradients on, whatever the calling thread set: a
    fit inside ``torch.no_grad()`` or ``torch.inference_mode()`` trains as
    any other. Both modes belong to the thread. Torch's default dtype is
    neither read nor changed: every tensor a fit makes is given its dtype,
    so a caller's ``torch.set_default_dtype(torch.float64)`` changes nothing
    and fits in other threads cannot change it under a fit."""
    with torch.inference_mode(False), torch.enable_grad():
        yield


@contextlib.contextmanager
def building_network():
    """The context of building a network: one build at a time in the
    process, inside a fork of torch's global generator. Layers draw their
    default initial weights from that generator (before ``initialise``
    replaces them; a set network's attention weights are drawn from it after
    seeding), and the fork restores it afterwards: builds in threads must
    neither draw from nor restore each other's state. Code outside skdib
    that draws from torch's global generator in another thread meanwhile
    still shares it."""
    with _BUILD_LOCK, torch.random.fork_rng(devices=[]), torch_defaults():
        yield


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
    """The arithmetic of each training step on ``device``: ``(step, forward)``.

    Checked once per sweep; ``step()`` gives a fresh context for one whole
    step (forward and backward pass), ``forward()`` one for its forward pass
    inside it. ``'float32'``: on an NVIDIA GPU, float32 matrix products are
    pinned to IEEE float32 (:func:`ieee_float32`), so a process-wide
    ``torch.set_float32_matmul_precision('high')`` does not turn them into
    TF32. ``'bfloat16'``: the forward pass under ``torch.autocast``, so matrix
    products (and what autocast lists with them) run in bfloat16 while
    parameters, optimizer state and the loss stay float32 (the backward
    follows the forward's dtypes). ``'tf32'``: float32 matrix products on an
    NVIDIA GPU, the backward pass's too, use TF32 tensor cores (10-bit
    mantissa). The global switch comes back as it was after the last step
    running (in any thread). On a CPU nothing is switched: 'float32' and
    'tf32' run as they are.
    """
    if precision not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS}; got {precision!r}.")
    if precision == "bfloat16":
        if device.type == "cuda" and not native_bfloat16(device):
            raise ValueError(
                "precision='bfloat16' needs a GPU with bfloat16 arithmetic "
                "(compute capability 8.0 or newer), and this one has none; "
                "use precision='float32'.")
        return (lambda: ieee_float32(device),
                lambda: torch.autocast(device_type=device.type,
                                       dtype=torch.bfloat16))
    if device.type != "cuda":
        return contextlib.nullcontext, contextlib.nullcontext
    if precision == "float32":
        return lambda: ieee_float32(device), contextlib.nullcontext
    return _tf32, contextlib.nullcontext


def ieee_float32(device):
    """A context in which float32 matrix products on ``device`` are IEEE
    float32: on an NVIDIA GPU, TF32 is switched off for the block whatever
    the process set (``torch.set_float32_matmul_precision('high')``, which
    Lightning recommends on recent GPUs), and the caller's setting comes
    back after the last block running in any thread. On a CPU nothing is
    switched (its float32 arithmetic is left exactly as it was), nor where
    the process already multiplies in IEEE float32 (torch's default), so
    that a default fit leaves torch's switch alone."""
    if device.type != "cuda" or _ieee_already():
        return contextlib.nullcontext()
    return _TF32(_TF32_OFF)


def _ieee_already():
    """Whether the process multiplies float32 matrices in IEEE float32 with
    no block of ours held: torch's default ('none' below the global
    'highest' in torch 2.9 and later, or the legacy flags off)."""
    value = _TF32.idle_value()
    if value is None:
        return False
    return value == _TF32_OFF or (
        value == "none" and torch.get_float32_matmul_precision() == "highest")


def native_bfloat16(device):
    """Whether the GPU ``device`` has bfloat16 arithmetic (compute capability
    8.0 or newer). ``torch.cuda.is_bf16_supported()`` also says yes where
    bfloat16 is only emulated (a V100 or T4), and asks about the current GPU
    rather than ``device``."""
    return torch.cuda.get_device_capability(device) >= (8, 0)


def _tf32_setting():
    """TF32 matrix products as a :class:`_SharedSetting`, its TF32 value and
    its IEEE float32 value.

    Torch 2.9 and later take the setting as ``fp32_precision`` and refuse
    any mixing with the older ``allow_tf32`` flags (a process that set one
    API fails on the other), so the newer API is used where it exists; the
    networks have no convolutions, so only matrix products are switched.
    """
    matmul, cudnn = torch.backends.cuda.matmul, torch.backends.cudnn
    if hasattr(matmul, "fp32_precision"):
        return _SharedSetting(lambda: matmul.fp32_precision,
                              lambda value: setattr(matmul, "fp32_precision",
                                                    value)), "tf32", "ieee"

    def put(flags):
        matmul.allow_tf32, cudnn.allow_tf32 = flags

    return _SharedSetting(lambda: (matmul.allow_tf32, cudnn.allow_tf32),
                          put), (True, True), (False, False)


_TF32, _TF32_ON, _TF32_OFF = _tf32_setting()


def _tf32():
    """TF32 matrix products inside, the caller's setting restored after the
    last of the steps running at once in threads. The switch is global: a
    step of a float32 fit on the GPU in another thread meanwhile runs with
    the value of the step entered last (TF32 or IEEE float32)."""
    return _TF32(_TF32_ON)
