"""``precision``: the arithmetic of the training steps' forward passes."""

import subprocess
import sys

import numpy as np
import pytest
import torch
from sklearn.utils._param_validation import InvalidParameterError

from skdib import DistributedIBClassifier
from skdib._backend._device import step_precision
from skdib._backend.dib._layers import BatchedAffine

SHORT = dict(encoder_hidden=(16, 16), embedding_dim=2, decoder_hidden=(32,),
             n_pretrain_steps=100, n_steps=400, n_checkpoints=6, random_state=0,
             information_bounds=False, device="cpu")


@pytest.fixture(scope="module")
def data():
    """x0 decides y, x1 adds a little, x2 is noise."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(600, 3))
    y = (X[:, 0] + 0.3 * X[:, 1] > 0).astype(int)
    return X, y


@pytest.fixture(scope="module")
def fits(data):
    X, y = data
    return {p: DistributedIBClassifier(precision=p, **SHORT).fit(X, y)
            for p in ("float32", "bfloat16", "tf32")}


def test_batched_affine_backward_under_autocast_matches_autograd():
    gen = torch.Generator().manual_seed(0)
    x, w, b = (torch.randn(shape, generator=gen, requires_grad=True)
               for shape in ((3, 5, 4), (3, 4, 6), (3, 1, 6)))
    g = torch.randn(3, 5, 6, generator=gen)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        ours = BatchedAffine.apply(x, w, b)
    grads = torch.autograd.grad(ours, (x, w, b), g)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        reference = torch.baddbmm(b, x, w)  # autograd's own backward
    expected = torch.autograd.grad(reference, (x, w, b), g)
    assert ours.dtype == reference.dtype == torch.bfloat16
    for got, want, leaf in zip(grads, expected, (x, w, b), strict=True):
        assert got.dtype == leaf.dtype == torch.float32
        # both round the same products to bfloat16 (8 bits of mantissa)
        torch.testing.assert_close(got, want, rtol=2e-2, atol=2e-2)


# The scripts read torch's newer TF32 API (torch 2.9 and later).
needs_fp32_precision = pytest.mark.skipif(
    not hasattr(torch.backends.cuda.matmul, "fp32_precision"),
    reason="torch before 2.9 has only the legacy allow_tf32 flags")

TF32_SCRIPT = """
import torch
from skdib._backend._device import step_precision
matmul = torch.backends.cuda.matmul
{setup}
before = (matmul.fp32_precision, torch.get_float32_matmul_precision())
step, forward = step_precision("tf32", torch.device("cuda"))
with step(), forward():
    inside = matmul.fp32_precision
after = (matmul.fp32_precision, torch.get_float32_matmul_precision())
print(inside, before == after)
"""


@needs_fp32_precision
@pytest.mark.parametrize("setup", [
    "",
    "torch.set_float32_matmul_precision('medium')",
    "matmul.fp32_precision = 'ieee'",
])
def test_tf32_switches_come_back_as_they_were(setup):
    """In a fresh process (the setting is global): TF32 inside the step, the
    caller's setting after, whichever of torch's two APIs the caller used
    (mixing them is an error since torch 2.9)."""
    out = subprocess.run([sys.executable, "-c", TF32_SCRIPT.format(setup=setup)],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["tf32", "True"], out.stdout + out.stderr


FLOAT32_SCRIPT = """
import torch
from skdib._backend._device import ieee_float32, step_precision
matmul = torch.backends.cuda.matmul
torch.set_float32_matmul_precision("high")  # as Lightning recommends
seen = [matmul.fp32_precision]
step, forward = step_precision("float32", torch.device("cuda"))
with step(), forward():
    seen.append(matmul.fp32_precision)
seen.append(matmul.fp32_precision)
with ieee_float32(torch.device("cuda")):  # around each checkpoint
    seen.append(matmul.fp32_precision)
step, forward = step_precision("float32", torch.device("cpu"))
with step(), forward(), ieee_float32(torch.device("cpu")):
    seen.append(matmul.fp32_precision)
print(*seen, torch.get_float32_matmul_precision())
"""


@needs_fp32_precision
def test_float32_on_a_gpu_is_ieee_float32_whatever_the_process_set():
    """In a fresh process: with the process set to TF32, a float32 fit's
    steps and checkpoints on a GPU still multiply in IEEE float32, and the
    process's setting comes back after; on a CPU nothing is switched."""
    out = subprocess.run([sys.executable, "-c", FLOAT32_SCRIPT],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["tf32", "ieee", "tf32", "ieee", "tf32",
                                  "high"], out.stdout + out.stderr


DEFAULT_SCRIPT = """
import torch
from skdib._backend._device import ieee_float32, step_precision
matmul = torch.backends.cuda.matmul
seen = [matmul.fp32_precision]
step, forward = step_precision("float32", torch.device("cuda"))
with step(), forward(), ieee_float32(torch.device("cuda")):
    seen.append(matmul.fp32_precision)
    seen.append(str(matmul.allow_tf32))  # the legacy API: mixing it raises
print(*seen)
"""


@needs_fp32_precision
def test_a_default_process_keeps_torchs_switch_untouched():
    """With torch's default (IEEE float32), a float32 fit on a GPU does not
    flip the global switch at every step: another thread reading torch's
    legacy flags meanwhile would get torch's error about mixing the APIs."""
    out = subprocess.run([sys.executable, "-c", DEFAULT_SCRIPT],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["none", "none", "False"], out.stdout


@pytest.fixture
def step_contexts(monkeypatch):
    """Record, in the sweeps of this test, whether each backward pass runs
    inside the step's precision context and each checkpoint inside
    :func:`ieee_float32`."""
    from contextlib import contextmanager

    from skdib._backend.dib import _replicates, _train

    seen = {"in_step": False, "in_ieee": False, "backward": [], "checkpoint": []}

    @contextmanager
    def flag(name):
        seen[name] = True
        try:
            yield
        finally:
            seen[name] = False

    def precision(name, device):
        step_precision(name, device)  # still checked
        return (lambda: flag("in_step")), (lambda: flag("in_forward"))

    real_backward, real_checkpoint = torch.Tensor.backward, _train._checkpoint

    def backward(tensor, *args, **kwargs):
        seen["backward"].append(seen["in_step"])
        return real_backward(tensor, *args, **kwargs)

    def checkpoint(*args, **kwargs):
        seen["checkpoint"].append(seen["in_ieee"])
        return real_checkpoint(*args, **kwargs)

    for module in (_train, _replicates):
        monkeypatch.setattr(module, "step_precision", precision)
    monkeypatch.setattr(_train, "ieee_float32", lambda device: flag("in_ieee"))
    monkeypatch.setattr(torch.Tensor, "backward", backward)
    monkeypatch.setattr(_train, "_checkpoint", checkpoint)
    return seen


@pytest.mark.parametrize("batched", [False, True])
def test_the_backward_pass_and_checkpoints_run_in_the_step_precision(
        data, step_contexts, batched):
    """'tf32' covers the backward pass's products too, and checkpoints are
    pinned to IEEE float32 (a sweep alone, and replicates batched)."""
    from skdib.compare import cross_validate_path

    X, y = data
    est = DistributedIBClassifier(precision="tf32", **{
        **SHORT, "n_pretrain_steps": 10, "n_steps": 20, "n_checkpoints": 2})
    cross_validate_path(est, X, y, cv=2, random_state=0, batched=batched)
    assert len(step_contexts["backward"]) >= 30
    assert all(step_contexts["backward"])
    assert len(step_contexts["checkpoint"]) >= 4
    assert all(step_contexts["checkpoint"])


@pytest.mark.parametrize("capability, refused", [((7, 0), True), ((8, 0), False),
                                                 ((9, 0), False)])
def test_bfloat16_needs_native_support(monkeypatch, capability, refused):
    """A V100 (7.0) only emulates bfloat16, which torch's own check accepts."""
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda *a: capability)
    if refused:
        with pytest.raises(ValueError, match="precision='bfloat16' needs a GPU"):
            step_precision("bfloat16", torch.device("cuda"))
    else:
        assert step_precision("bfloat16", torch.device("cuda")) is not None


def test_tf32_on_a_cpu_is_float32(fits):
    a, b = fits["float32"].information_path_, fits["tf32"].information_path_
    np.testing.assert_array_equal(a.loss_train, b.loss_train)
    np.testing.assert_array_equal(a.information, b.information)


def test_bfloat16_trains_differently_but_finds_the_same_information(fits, data):
    X, y = data
    a, b = fits["float32"], fits["bfloat16"]
    # the forward really ran in bfloat16: the training losses differ
    assert not np.allclose(a.information_path_.loss_train,
                           b.information_path_.loss_train, rtol=1e-6, atol=0)
    for fit in (a, b):
        bits = fit.information_path_.information
        at_default = bits[fit.best_point_]
        assert at_default[0] > at_default[1] > at_default[2]
        # along the path the noise leaves first, then x1, then x0
        gone = [np.flatnonzero(bits[:, j] < 0.1).min(initial=len(bits))
                for j in range(3)]
        assert gone[2] < gone[1] < gone[0], bits
        assert fit.score(X, y) > 0.9
    # the same checkpoints, bits per channel, float32 against bfloat16:
    # here at most 0.03, on a 10-input circuit 0.14 (user guide)
    np.testing.assert_allclose(a.information_path_.information,
                               b.information_path_.information, atol=0.25)


def test_an_unknown_precision_is_refused_by_name(data):
    X, y = data
    with pytest.raises(InvalidParameterError, match="precision"):
        DistributedIBClassifier(precision="float16").fit(X, y)


def test_batched_folds_in_bfloat16_match_separate_fits(data):
    from skdib.compare import cross_validate_path

    X, y = data
    est = DistributedIBClassifier(precision="bfloat16", **{**SHORT, "n_steps": 150})
    runs = [cross_validate_path(est, X, y, cv=3, random_state=0, batched=batched,
                                return_estimators=True) for batched in (True, False)]
    together, apart = ([e.information_path_.information for e in r.estimators]
                       for r in runs)
    # in float32 the two agree to 1e-6 bits; bfloat16 rounds each product to
    # 8 significant bits, and the batched kernels round differently, which
    # training amplifies: measured 0.14 of about 10 bits
    np.testing.assert_allclose(together, apart, atol=0.3)


def test_set_models_train_in_bfloat16():
    from skdib import DistributedIBSetClassifier

    rng = np.random.default_rng(0)
    X = np.concatenate([rng.uniform(-3, 3, size=(300, 8, 2)),
                        rng.integers(0, 2, size=(300, 8, 1))], axis=-1)
    y = ((np.hypot(X[..., 0], X[..., 1]) < 1.5) & (X[..., 2] == 1)).any(axis=1)
    settings = dict(type_column=2, n_pretrain_steps=50, n_steps=150,
                    n_checkpoints=3, random_state=0, device="cpu")
    a, b = (DistributedIBSetClassifier(precision=p, **settings).fit(X, y)
            for p in ("float32", "bfloat16"))
    assert not np.array_equal(a.information_path_.loss_train,
                              b.information_path_.loss_train)
    np.testing.assert_allclose(a.information_path_.information,
                               b.information_path_.information, atol=0.25)
    assert b.score(X, y) > 0.85
