"""Pickles record their skdib version and format, and load on a CPU machine."""

import io
import os
import pickle
import subprocess
import sys
import types

import numpy as np
import pytest
import torch

import skdib
from skdib import (
    DistributedIBClassifier,
    DistributedIBRegressor,
    DistributedIBSelector,
    InformationImbalanceSelector,
)
from skdib._dib import _persistence
from skdib._dib._persistence import portable_state
from skdib.exceptions import IncompatiblePickleError

FAST = dict(encoder_hidden=(8,), embedding_dim=2, decoder_hidden=(8,),
            n_pretrain_steps=20, n_steps=20, n_checkpoints=3, batch_size=64,
            learning_rate=1e-2, information_bounds=False, random_state=0)
RNG = np.random.default_rng(0)
X = RNG.normal(size=(300, 3))
Y = (X[:, 0] > 0).astype(int)


@pytest.fixture(scope="module")
def clf():
    return DistributedIBClassifier(**FAST).fit(X, Y)


@pytest.fixture(scope="module", params=["regressor", "dib_selector", "imbalance"])
def other(request):
    if request.param == "regressor":
        return DistributedIBRegressor(**FAST).fit(X, X[:, 0])
    if request.param == "dib_selector":
        return DistributedIBSelector(DistributedIBClassifier(**FAST),
                                     n_features_to_select=1, cache=False).fit(X, Y)
    return InformationImbalanceSelector(n_features_to_select=1).fit(X, X[:, 0])


def test_pickle_records_version_and_format(clf):
    state = clf.__getstate__()
    assert state["_skdib_version"] == skdib.__version__
    assert state["_skdib_pickle_format"] == _persistence.PICKLE_FORMAT
    loaded = pickle.loads(pickle.dumps(clf))
    assert "_skdib_version" not in vars(loaded)
    assert "_skdib_pickle_format" not in vars(loaded)
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))


def test_every_estimator_records_its_format(other):
    state = other.__getstate__()
    assert state["_skdib_pickle_format"] == _persistence.PICKLE_FORMAT
    loaded = pickle.loads(pickle.dumps(other))
    method = "transform" if hasattr(other, "get_support") else "predict"
    np.testing.assert_allclose(getattr(loaded, method)(X), getattr(other, method)(X))


def test_newer_format_is_refused_with_a_clear_message(clf, monkeypatch):
    monkeypatch.setattr(_persistence, "PICKLE_FORMAT", 99)
    monkeypatch.setattr(_persistence, "_skdib_version", lambda: "9.0")
    blob = pickle.dumps(clf)
    monkeypatch.undo()
    with pytest.raises(IncompatiblePickleError,
                       match=r"pickled by skdib 9\.0 in pickle format 99.*reads "
                             r"formats 1-2\. Upgrade skdib.*or refit"):
        pickle.loads(blob)


def test_retired_format_is_refused_with_a_clear_message(clf, monkeypatch):
    monkeypatch.setattr(_persistence, "PICKLE_FORMAT", 1)
    blob = pickle.dumps(clf)
    monkeypatch.setattr(_persistence, "PICKLE_FORMAT", 3)
    monkeypatch.setattr(_persistence, "MIN_PICKLE_FORMAT", 2)
    with pytest.raises(IncompatiblePickleError,
                       match=rf"pickled by skdib {skdib.__version__} in pickle "
                             r"format 1, which .* no longer reads \(formats 2-3\)"):
        pickle.loads(blob)


def test_damaged_format_is_refused(clf):
    state = clf.__getstate__()
    state["_skdib_pickle_format"] = "one"
    with pytest.raises(IncompatiblePickleError, match="'one'.*damaged"):
        DistributedIBClassifier.__new__(DistributedIBClassifier).__setstate__(state)


def test_pickle_from_before_formats_loads(clf):
    state = clf.__getstate__()
    del state["_skdib_pickle_format"], state["_skdib_version"]
    loaded = DistributedIBClassifier.__new__(DistributedIBClassifier)
    loaded.__setstate__(state)
    np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))


def test_pickle_without_newer_parameters_gets_their_defaults(clf):
    # a pickle of the previous release: no categorical_features, class_weight,
    # predict_samples; its path has no paired standard errors
    state = clf.__getstate__()
    for name in ("categorical_features", "class_weight", "predict_samples",
                 "_layout", "_net_channels", "_channel_categories"):
        state.pop(name, None)
    path_state = dict(vars(state["information_path_"]))
    path_state.pop("score_val_diff_se")
    old_path = object.__new__(type(clf.information_path_))
    old_path.__dict__.update(path_state)
    state["information_path_"] = old_path
    loaded = DistributedIBClassifier.__new__(DistributedIBClassifier)
    loaded.__setstate__(state)
    assert loaded.get_params()["predict_samples"] == 32
    assert loaded.get_params()["categorical_features"] == "auto"
    np.testing.assert_allclose(loaded.predict_proba(X), clf.predict_proba(X))
    assert loaded.information_path_.select_point("one_se") in range(3)
    values, _ = loaded.distinguishability_matrix(0, [0.0, 1.0])
    np.testing.assert_array_equal(values, [0.0, 1.0])


def test_incompatible_pickle_error_is_a_value_error():
    assert issubclass(IncompatiblePickleError, ValueError)


# -- a model fitted on CUDA loads on a CPU-only machine ----------------------------
class FakeCudaTensor:
    """Stands in for a CUDA tensor on a machine without one."""

    device = types.SimpleNamespace(type="cuda")

    def __init__(self, value):
        self.value = value

    def to(self, device):
        assert device == "cpu"
        return self.value.clone()


def test_portable_state_moves_nested_tensors_and_keeps_the_original():
    cpu = torch.arange(3.0)
    snapshot = {"w": FakeCudaTensor(cpu), "b": cpu}
    state = {"_snapshots": [snapshot], "_final_state": {"w": FakeCudaTensor(cpu)},
             "_resume_state": {"optimizer": ({"m": FakeCudaTensor(cpu)},)},
             "classes_": np.arange(2), "other": {"plain": 1}}
    moved = portable_state(state)
    assert isinstance(moved["_snapshots"][0]["w"], torch.Tensor)
    assert moved["_snapshots"][0]["b"] is cpu
    assert isinstance(moved["_final_state"]["w"], torch.Tensor)
    assert isinstance(moved["_resume_state"]["optimizer"][0]["m"], torch.Tensor)
    assert moved["other"] is state["other"] and moved["classes_"] is state["classes_"]
    assert isinstance(snapshot["w"], FakeCudaTensor)  # the estimator is untouched


def test_getstate_moves_a_gpu_network_to_the_cpu_on_a_copy(clf, monkeypatch):
    moved = []

    def to_cpu(net):
        moved.append(net)
        return net

    monkeypatch.setattr(_persistence.facade, "network_device",
                        lambda net: torch.device("cuda"))
    monkeypatch.setattr(_persistence.facade, "to_cpu", to_cpu)
    monkeypatch.setattr(clf, "_snapshots", None)  # else it travels weightless
    state = clf.__getstate__()
    assert moved and state["network_"] is moved[-1]
    assert state["network_"] is not clf.network_


def test_network_travels_without_weights_beside_its_snapshots(clf):
    net_alone = len(pickle.dumps(clf.network_))
    weight_bytes = sum(t.numel() * t.element_size()
                       for t in clf.network_.state_dict().values())
    state = clf.__getstate__()
    assert net_alone - len(pickle.dumps(state["network_"])) > 0.9 * weight_bytes
    assert next(clf.network_.parameters()).device.type == "cpu"  # untouched
    clf.set_path_point(1)
    loaded = pickle.loads(pickle.dumps(clf))
    assert loaded.path_point_ == 1
    np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    clf.set_path_point()


def test_snapshots_are_cpu_tensors_and_load_with_map_location(clf):
    tensors = [t for snap in clf._snapshots for t in snap.values()]
    assert tensors and all(t.device.type == "cpu" for t in tensors)
    buffer = io.BytesIO()
    torch.save(clf, buffer)
    buffer.seek(0)
    loaded = torch.load(buffer, map_location="cpu", weights_only=False)
    for point in range(loaded.information_path_.n_points):
        loaded.set_path_point(point)
        clf.set_path_point(point)
        np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
    clf.set_path_point()


LOAD_ON_CPU = """
import pickle, sys
import numpy as np
import torch
assert not torch.cuda.is_available()
with open(sys.argv[1], "rb") as f:
    est, X, expected = pickle.load(f)
assert all(t.device.type == "cpu" for s in est._snapshots for t in s.values())
est.set_path_point(0)
est.set_path_point()
np.testing.assert_allclose(est.predict_proba(X), expected, atol=1e-6)
print("ok")
"""


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs an NVIDIA GPU")
def test_model_fitted_on_cuda_loads_without_cuda(tmp_path):
    est = DistributedIBClassifier(**FAST, device="cuda").fit(X, Y)
    assert est.network_ is not None
    path = tmp_path / "model.pkl"
    with open(path, "wb") as f:
        pickle.dump((est, X, est.predict_proba(X)), f)
    assert next(est.network_.parameters()).device.type == "cuda"  # left on GPU
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run([sys.executable, "-c", LOAD_ON_CPU, str(path)], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
