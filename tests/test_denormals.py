"""Training flushes denormal floats to zero on its thread, and only there."""


import numpy as np
import pytest
import torch

from skdib import DistributedIBClassifier
from skdib._backend._device import denormals_flushed, flush_denormals
from skdib._backend.dib import _train
from skdib.datasets import make_boolean_circuit

SHORT = dict(n_pretrain_steps=50, n_steps=250, n_checkpoints=5, random_state=0,
             information_bounds=False)


@pytest.fixture
def mode_kept():
    """Put this thread's denormal mode back whatever a test does to it."""
    before = denormals_flushed()
    yield
    torch.set_flush_denormal(before)


@pytest.mark.parametrize("start", [False, True])
def test_the_block_flushes_and_then_restores_the_mode(mode_kept, start):
    if not torch.set_flush_denormal(start):
        pytest.skip("this CPU has no flush-to-zero mode")
    tiny = torch.tensor([1e-39], dtype=torch.float64)
    with flush_denormals():
        assert denormals_flushed()
        assert (tiny.float() * 1.0).item() == 0.0
    assert denormals_flushed() == start
    assert ((tiny.float() * 1.0).item() == 0.0) == start


def test_training_steps_run_flushed_and_the_fit_restores_the_mode(mode_kept,
                                                                  monkeypatch):
    modes = []

    def spy(*args, **kwargs):
        modes.append(denormals_flushed())
        return batch_loss(*args, **kwargs)

    batch_loss = _train._batch_loss
    monkeypatch.setattr(_train, "_batch_loss", spy)
    circuit = make_boolean_circuit(6, random_state=3)
    torch.set_flush_denormal(False)
    DistributedIBClassifier(**SHORT).fit(circuit.X, circuit.y)
    assert len(modes) == SHORT["n_pretrain_steps"] + SHORT["n_steps"]
    assert all(modes)
    assert not denormals_flushed()


def test_flushing_leaves_the_path_unchanged(mode_kept, monkeypatch):
    # long enough for denormals to appear: without the flush this fit ran
    # 1.3x slower on an AMD EPYC, with the same path
    circuit = make_boolean_circuit(10, random_state=101)
    settings = {**SHORT, "n_steps": 800}
    torch.set_flush_denormal(False)
    flushed = DistributedIBClassifier(**settings).fit(circuit.X, circuit.y)
    monkeypatch.setattr(torch, "set_flush_denormal", lambda mode: True)
    plain = DistributedIBClassifier(**settings).fit(circuit.X, circuit.y)
    np.testing.assert_allclose(flushed.information_path_.information,
                               plain.information_path_.information, atol=1e-4)
    np.testing.assert_allclose(flushed.predict_proba(circuit.X),
                               plain.predict_proba(circuit.X), atol=1e-4)
