"""Shared fixtures: tiny settings and small generated data sets."""

import sys

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

# Settings for fast unit tests: small networks, few steps.
TINY = dict(encoder_hidden=(16,), embedding_dim=2, decoder_hidden=(32,),
            n_pretrain_steps=100, n_steps=200, n_checkpoints=5, batch_size=64,
            learning_rate=1e-2, random_state=0)


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure a test drew (where pyplot was imported at all)."""
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")


@pytest.fixture
def one_torch_thread():
    """Run a test with one torch thread (numerics tests compare exact sums)."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


@pytest.fixture(scope="session")
def tiny_params():
    return dict(TINY)


@pytest.fixture(scope="session")
def threshold_data():
    """y = 1[x0 > 0] with two noise columns."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = np.where(X[:, 0] > 0, "pos", "neg")
    return X, y


@pytest.fixture
def interrupt_at_checkpoint(monkeypatch):
    """``arm(k)``: the k-th checkpoint scored from now on (counting every
    sweep of the fit) raises KeyboardInterrupt, as Ctrl-C would there.
    ``monkeypatch.undo()`` disarms it."""
    import skdib._backend.dib._train as train_module

    def arm(k):
        real = train_module._checkpoint
        calls = {"n": 0}

        def checkpoint(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == k:
                raise KeyboardInterrupt
            return real(*args, **kwargs)

        monkeypatch.setattr(train_module, "_checkpoint", checkpoint)

    return arm


@pytest.fixture(scope="session")
def analyze_csv(tmp_path_factory):
    """``run(name, frame, *args)``: writes ``frame`` to a fresh folder as
    ``name.csv``, runs ``skdib analyze`` on it with ``args`` and a report
    folder inside, and returns the exit status and that folder."""
    from skdib.__main__ import main

    def run(name, frame, *args):
        folder = tmp_path_factory.mktemp(name)
        data = folder / f"{name}.csv"
        frame.to_csv(data, index=False)
        out = folder / "report"
        return main(["analyze", str(data), *args, "--out", str(out)]), out

    return run
