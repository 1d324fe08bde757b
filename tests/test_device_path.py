"""The CUDA path, read closely: what can be checked of it on a CPU.

Each test failed before its fix: a pickled, joblib-loaded or deep-copied
model kept buffers on the meta device (its network could be moved to no
device, not even the CPU), a deep copy went through the pickle (a GPU model
came back on the CPU), a set fit reseeded every GPU's global generator, a
set model's information map drew its noise on the network's device (other
bits on a GPU than on the CPU), and ``device='cuda:7'`` was accepted on a
machine without a GPU 7.
"""

import copy
import io
import pickle

import joblib
import numpy as np
import pytest
import torch

from skdib import DistributedIBClassifier, DistributedIBSetClassifier
from skdib._backend import facade
from skdib._backend._device import resolve_device
from skdib._backend.dib._layers import initialise
from skdib._backend.sets import _information as set_information
from skdib._backend.sets._model import SetIBNet

TINY = dict(n_pretrain_steps=20, n_steps=40, n_checkpoints=3, random_state=0,
            device="cpu")


def _set_data(n=80):
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.uniform(-3, 3, size=(n, 5, 2)),
                        rng.integers(0, 2, size=(n, 5, 1))], axis=-1)
    y = ((np.hypot(X[..., 0], X[..., 1]) < 1.5) & (X[..., 2] == 1)).any(axis=1)
    return X, y


@pytest.fixture(scope="module")
def models():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 3))
    y = (X[:, 0] > 0).astype(int)
    Xs, ys = _set_data()
    return {"table": (DistributedIBClassifier(**TINY).fit(X, y), X),
            "set": (DistributedIBSetClassifier(type_column=2, **TINY).fit(Xs, ys),
                    Xs)}


def _joblib_round_trip(model):
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    return joblib.load(buffer)


COPIES = {"pickle": lambda m: pickle.loads(pickle.dumps(m)),
          "joblib": _joblib_round_trip,
          "deepcopy": copy.deepcopy}


@pytest.mark.parametrize("how", list(COPIES))
@pytest.mark.parametrize("kind", ["table", "set"])
def test_a_copied_network_has_no_meta_tensors_and_moves(models, kind, how):
    model, X = models[kind]
    copied = COPIES[how](model)
    net = copied.network_
    assert not any(t.is_meta for t in net.buffers())
    assert not any(t.is_meta for t in net.parameters())
    want = model.network_.state_dict()
    net.to("cpu")  # failed: "Cannot copy out of meta tensor"
    got = net.state_dict()
    assert got.keys() == want.keys()
    for name, value in want.items():
        assert torch.equal(got[name], value), name
    np.testing.assert_array_equal(copied.predict_proba(X), model.predict_proba(X))
    assert net.double() is net
    assert next(net.parameters()).dtype == torch.float64


def test_a_deep_copy_does_not_go_through_the_pickle(models, monkeypatch):
    """A deep copy stays where the model is: ``__getstate__`` moves a GPU
    network to the CPU (and pickles it weightless), a copy must not."""
    model, X = models["table"]
    monkeypatch.setattr(facade, "weightless_copy", lambda net: pytest.fail(
        "deepcopy went through the pickle"))
    monkeypatch.setattr(facade, "to_cpu", lambda net: pytest.fail(
        "deepcopy moved the network to the CPU"))
    copied = copy.deepcopy(model)
    assert copied.network_ is not model.network_
    assert copied.device_ == model.device_
    assert not any(p.is_inference() for p in copied.network_.parameters())
    np.testing.assert_array_equal(copied.predict_proba(X), model.predict_proba(X))


def test_a_shallow_copy_shares_the_network_where_it_is(models, monkeypatch):
    """copy.copy went through the pickle too: a new network, on the CPU."""
    model, X = models["table"]
    monkeypatch.setattr(facade, "weightless_copy", lambda net: pytest.fail(
        "copy.copy went through the pickle"))
    shallow = copy.copy(model)
    assert shallow is not model and shallow.network_ is model.network_
    np.testing.assert_array_equal(shallow.predict_proba(X), model.predict_proba(X))


def test_a_pickle_with_an_unfilled_buffer_still_loads(models):
    """A pickle written before the fix holds ``bound`` buffers on the meta
    device, outside the state dict: loading drops them."""
    model, X = models["table"]
    state = model.__getstate__()
    layer = next(m for m in state["network_"].modules() if hasattr(m, "fan_in"))
    layer.register_buffer("bound", torch.empty(3, 1, 1, device="meta"),
                          persistent=False)
    loaded = type(model).__new__(type(model))
    loaded.__setstate__(state)
    assert not any(t.is_meta for t in loaded.network_.buffers())
    loaded.network_.to("cpu")
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_a_set_fit_leaves_the_gpu_generators_alone(monkeypatch):
    """``torch.manual_seed`` reseeds every GPU too, and the fork around a
    network's build gives back only the CPU's generator. Seeding the CPU's
    alone builds the same initial weights as before."""
    calls, built = [], []
    monkeypatch.setattr(torch.cuda, "manual_seed_all", calls.append)
    monkeypatch.setattr(torch.cuda, "manual_seed", calls.append)
    real = facade.build_set_network

    def build(spec, seed):
        net = real(spec, seed)
        built.append((spec, seed, copy.deepcopy(net.state_dict())))
        return net

    monkeypatch.setattr(facade, "build_set_network", build)
    X, y = _set_data()
    before = torch.get_rng_state()
    DistributedIBSetClassifier(type_column=2, **TINY).fit(X, y)
    assert calls == []
    assert torch.equal(torch.get_rng_state(), before)
    spec, seed, state = built[0]
    with torch.random.fork_rng(devices=[]):  # the build as it was
        torch.manual_seed(seed)
        old = initialise(SetIBNet(**spec),
                         torch.Generator().manual_seed(int(seed))).state_dict()
    assert state.keys() == old.keys()
    for name, value in old.items():
        assert torch.equal(state[name], value), name


def test_the_information_map_draws_on_the_cpu(models, monkeypatch):
    """Its noise is drawn on the CPU and moved, as ``predict_proba``'s is, so
    a model's map does not depend on the device it is evaluated on. The
    network here is on the meta device, as a GPU stands in for any other."""
    model, _ = models["set"]
    devices = []
    real = set_information.make_generator

    def recorded(seed, device):
        devices.append(torch.device(device).type)
        return real(seed, "cpu")

    monkeypatch.setattr(set_information, "make_generator", recorded)
    net = copy.deepcopy(model.network_).double().to("meta")
    probes = np.zeros((4, 3))
    refs = np.zeros((2, 6, 3))
    with pytest.raises(NotImplementedError):  # the numbers: not on meta
        set_information.probe_information(net, probes, refs, 0, seed=0)
    assert devices == ["cpu"]
    gen = real(0, "cpu")
    lower, upper = set_information.probe_bounds(
        *(torch.zeros(3, 2, device="meta", dtype=torch.float64)
          for _ in range(2)),
        *(torch.zeros(5, 2, device="meta", dtype=torch.float64)
          for _ in range(2)), n_draws=2, generator=gen)
    assert lower.device.type == upper.device.type == "meta"


@pytest.mark.parametrize("device, count, message", [
    ("cuda:7", 1, "names GPU 7, but this machine has 1"),
    ("cuda:1", 1, "names GPU 1"),
    (torch.device("cuda", 2), 2, "names GPU 2"),
])
def test_a_gpu_number_beyond_the_machine_is_refused(monkeypatch, device, count,
                                                    message):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: count)
    with pytest.raises(ValueError, match=message):
        resolve_device(device)
    assert resolve_device("cuda").type == "cuda"
    assert resolve_device(f"cuda:{count - 1}").index == count - 1
