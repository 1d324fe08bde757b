"""The CUDA path; skipped cleanly on machines without a GPU.

A fit on a GPU and one on the CPU with the same ``random_state`` draw
different random numbers (the generators live on the data's device), so
they are compared in distribution only; a model fitted on the GPU and the
same model loaded on the CPU are compared number for number.
"""

import copy
import io
import pickle

import numpy as np
import pytest
import torch

from skdib import DistributedIBClassifier, DistributedIBSetClassifier

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU"),
]

DEVICE = "cuda"


@pytest.fixture(scope="module")
def cuda_fit(threshold_data, tiny_params):
    X, y = threshold_data
    return DistributedIBClassifier(**tiny_params, device=DEVICE).fit(X, y)


@pytest.fixture(scope="module")
def loaded(cuda_fit):
    """The GPU model pickled and loaded, on the CPU."""
    buf = io.BytesIO()
    pickle.dump(cuda_fit, buf)
    buf.seek(0)
    return pickle.load(buf)


@pytest.fixture(scope="module")
def set_data():
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.uniform(-3, 3, size=(400, 8, 2)),
                        rng.integers(0, 2, size=(400, 8, 1))], axis=-1)
    y = ((np.hypot(X[..., 0], X[..., 1]) < 1.5) & (X[..., 2] == 1)).any(axis=1)
    probes = np.c_[rng.uniform(-3, 3, size=(20, 2)), np.ones(20)]
    return X, y, probes


SET_PARAMS = dict(type_column=2, n_pretrain_steps=50, n_steps=100,
                  n_checkpoints=3, random_state=0)


def test_fits_on_gpu_and_returns_numpy(cuda_fit, threshold_data):
    X, y = threshold_data
    assert next(cuda_fit.network_.parameters()).device.type == DEVICE
    proba = cuda_fit.predict_proba(X)
    assert isinstance(proba, np.ndarray)
    assert cuda_fit.score(X, y) > 0.9
    assert isinstance(cuda_fit.transform(X), np.ndarray)


def test_gpu_pickle_holds_only_cpu_tensors(cuda_fit, loaded, threshold_data):
    X, _ = threshold_data
    net = loaded.network_
    assert all(t.device.type == "cpu"
               for t in (*net.parameters(), *net.buffers()))
    assert not any(t.is_meta for t in net.buffers())
    assert loaded.device_ == cuda_fit.device_  # where it was fitted
    # the original stays on the GPU
    assert next(cuda_fit.network_.parameters()).device.type == DEVICE
    # the same weights: the GPU network's, moved
    gpu_state = cuda_fit.network_.state_dict()
    for name, value in net.state_dict().items():
        assert torch.equal(value, gpu_state[name].cpu()), name


def test_a_gpu_model_loaded_on_the_cpu_gives_the_same_numbers(
        cuda_fit, loaded, threshold_data):
    """Inference runs in float64 on both devices: only the order of the sums
    differs."""
    X, _ = threshold_data
    np.testing.assert_allclose(loaded.predict_proba(X), cuda_fit.predict_proba(X),
                               atol=1e-6)
    for ours, theirs in zip(loaded.encode(X), cuda_fit.encode(X), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9)
    for ours, theirs in zip(loaded.distinguishability_matrix(0),
                            cuda_fit.distinguishability_matrix(0), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-9, atol=1e-9)


def test_a_loaded_or_copied_network_moves_to_the_gpu(cuda_fit, loaded,
                                                     threshold_data):
    X, _ = threshold_data
    back = copy.deepcopy(loaded)
    back.network_.to(DEVICE)  # failed: the meta buffers could not move
    assert next(back.network_.parameters()).device.type == DEVICE
    np.testing.assert_allclose(back.predict_proba(X), cuda_fit.predict_proba(X),
                               atol=1e-9)
    copied = copy.deepcopy(cuda_fit)  # stays where the model is
    assert next(copied.network_.parameters()).device.type == DEVICE
    assert copied.device_ == cuda_fit.device_
    np.testing.assert_array_equal(copied.predict_proba(X),
                                  cuda_fit.predict_proba(X))


def test_gpu_and_cpu_fits_agree_in_distribution(cuda_fit, threshold_data,
                                                tiny_params):
    """Different draws (the same ``random_state`` seeds generators on
    different devices): the same shapes, the same ranking of the features."""
    X, y = threshold_data
    cpu = DistributedIBClassifier(**tiny_params, device="cpu").fit(X, y)
    assert cpu.information_path_.kl.shape == cuda_fit.information_path_.kl.shape
    for fit in (cpu, cuda_fit):
        bits = fit.information_path_.information
        assert np.argmax(bits[0]) == 0
        assert bits[fit.best_point_][0] > 0.5
        assert fit.score(X, y) > 0.9


def _assert_same_set_numbers(actual, desired, X, probes):
    """Two set models agree on their probabilities and information maps."""
    np.testing.assert_allclose(actual.predict_proba(X), desired.predict_proba(X),
                               atol=1e-6)
    got = actual.information_map(probes, element_type=1)
    want = desired.information_map(probes, element_type=1)
    for field in ("kl", "lower", "upper"):
        np.testing.assert_allclose(getattr(got, field), getattr(want, field),
                                   rtol=1e-6, atol=1e-9)


def test_set_model_gives_the_same_numbers_on_gpu_and_cpu(set_data):
    X, y, probes = set_data
    cpu = DistributedIBSetClassifier(**SET_PARAMS, device="cpu").fit(X, y)
    gpu = pickle.loads(pickle.dumps(cpu))
    gpu.network_.to(DEVICE)
    # the map's noise is drawn on the CPU wherever the network is
    _assert_same_set_numbers(gpu, cpu, X, probes)


def test_a_set_model_fitted_on_the_gpu_loads_with_its_numbers(set_data):
    X, y, probes = set_data
    gpu = DistributedIBSetClassifier(**SET_PARAMS, device=DEVICE).fit(X, y)
    assert next(gpu.network_.parameters()).device.type == DEVICE
    assert gpu.score(X, y) > 0.8
    cpu = pickle.loads(pickle.dumps(gpu))
    assert next(cpu.network_.parameters()).device.type == "cpu"
    _assert_same_set_numbers(cpu, gpu, X, probes)


def test_a_set_fit_leaves_the_gpu_generator_alone(set_data):
    X, y, _ = set_data
    torch.cuda.manual_seed(12345)
    before = torch.cuda.get_rng_state()
    DistributedIBSetClassifier(**SET_PARAMS, device="cpu").fit(X[:100], y[:100])
    assert torch.equal(torch.cuda.get_rng_state(), before)


def test_float32_is_not_tf32_when_the_process_asks_for_it(cuda_fit,
                                                          threshold_data,
                                                          tiny_params):
    """``torch.set_float32_matmul_precision('high')`` (Lightning's advice on
    recent GPUs) leaves a float32 fit's steps and checkpoints in IEEE
    float32: the same numbers as without it, up to the GPU's nondeterminism
    (TF32 moves them by about 1e-3); the setting comes back afterwards."""
    X, y = threshold_data
    previous = torch.get_float32_matmul_precision()
    try:
        torch.set_float32_matmul_precision("high")
        again = DistributedIBClassifier(**tiny_params, device=DEVICE).fit(X, y)
        assert torch.get_float32_matmul_precision() == "high"
    finally:
        torch.set_float32_matmul_precision(previous)
    np.testing.assert_allclose(again.information_path_.loss_train,
                               cuda_fit.information_path_.loss_train, rtol=1e-5)
    np.testing.assert_allclose(again.information_path_.information,
                               cuda_fit.information_path_.information, atol=1e-4)


def test_a_gpu_the_machine_lacks_is_refused_by_name():
    with pytest.raises(ValueError, match="names GPU"):
        DistributedIBClassifier(device=f"cuda:{torch.cuda.device_count()}").fit(
            np.zeros((20, 2)), np.arange(20) % 2)


@pytest.mark.parametrize("precision", ["tf32", "bfloat16"])
def test_lower_precision_on_gpu_moves_the_bits_little(cuda_fit, threshold_data,
                                                      tiny_params, precision):
    # against float32 on the same device, so that both draw the same random
    # numbers and only the arithmetic differs; the tolerance is that of
    # tests/test_precision.py, where bfloat16 on a CPU moved the bits of a
    # short sweep by at most 0.03 (TF32 keeps 10 mantissa bits, bfloat16 7)
    X, y = threshold_data
    low = DistributedIBClassifier(**tiny_params, device=DEVICE,
                                  precision=precision).fit(X, y)
    np.testing.assert_allclose(low.information_path_.information,
                               cuda_fit.information_path_.information, atol=0.25)
    assert np.argmax(low.information_path_.information[0]) == 0
    assert low.score(X, y) > 0.9
