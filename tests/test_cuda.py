"""The CUDA path; skipped cleanly on machines without a GPU."""

import io
import pickle

import numpy as np
import pytest
import torch

from skdib import DistributedIBClassifier

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU"),
]


@pytest.fixture(scope="module")
def cuda_fit(threshold_data, tiny_params):
    X, y = threshold_data
    return DistributedIBClassifier(**tiny_params, device="cuda").fit(X, y)


def test_fits_on_gpu_and_returns_numpy(cuda_fit, threshold_data):
    X, y = threshold_data
    assert next(cuda_fit.network_.parameters()).device.type == "cuda"
    proba = cuda_fit.predict_proba(X)
    assert isinstance(proba, np.ndarray)
    assert cuda_fit.score(X, y) > 0.9
    assert isinstance(cuda_fit.transform(X), np.ndarray)


def test_gpu_pickle_holds_only_cpu_tensors(cuda_fit, threshold_data):
    X, _ = threshold_data
    buf = io.BytesIO()
    pickle.dump(cuda_fit, buf)
    buf.seek(0)
    loaded = pickle.load(buf)
    assert next(loaded.network_.parameters()).device.type == "cpu"
    assert all(t.device.type == "cpu" for t in loaded._final_state.values())
    np.testing.assert_allclose(loaded.predict_proba(X), cuda_fit.predict_proba(X),
                               atol=1e-6)
    # the original stays on the GPU
    assert next(cuda_fit.network_.parameters()).device.type == "cuda"


def test_gpu_and_cpu_paths_agree_in_shape(cuda_fit, threshold_data, tiny_params):
    X, y = threshold_data
    cpu = DistributedIBClassifier(**tiny_params, device="cpu").fit(X, y)
    assert cpu.information_path_.kl.shape == cuda_fit.information_path_.kl.shape
    assert np.argmax(cuda_fit.information_path_.information[0]) == 0


def test_set_model_gives_the_same_numbers_on_gpu_and_cpu():
    from skdib import DistributedIBSetClassifier

    rng = np.random.default_rng(0)
    X = np.concatenate([rng.uniform(-3, 3, size=(400, 8, 2)),
                        rng.integers(0, 2, size=(400, 8, 1))], axis=-1)
    y = ((np.hypot(X[..., 0], X[..., 1]) < 1.5) & (X[..., 2] == 1)).any(axis=1)
    cpu = DistributedIBSetClassifier(type_column=2, n_pretrain_steps=50,
                                     n_steps=100, n_checkpoints=3,
                                     random_state=0, device="cpu").fit(X, y)
    gpu = pickle.loads(pickle.dumps(cpu))
    gpu.network_.to("cuda")
    np.testing.assert_allclose(gpu.predict_proba(X), cpu.predict_proba(X),
                               atol=1e-6)
    probes = np.c_[rng.uniform(-3, 3, size=(20, 2)), np.ones(20)]
    np.testing.assert_allclose(gpu.information_map(probes, element_type=1).kl,
                               cpu.information_map(probes, element_type=1).kl,
                               rtol=1e-6, atol=1e-9)
    fitted_on_gpu = DistributedIBSetClassifier(
        type_column=2, n_pretrain_steps=50, n_steps=100, n_checkpoints=3,
        random_state=0, device="cuda").fit(X, y)
    assert fitted_on_gpu.information_path_.kl.shape == cpu.information_path_.kl.shape
    assert fitted_on_gpu.score(X, y) > 0.8


@pytest.mark.parametrize("precision", ["tf32", "bfloat16"])
def test_lower_precision_on_gpu_moves_the_bits_little(cuda_fit, threshold_data,
                                                      tiny_params, precision):
    # against float32 on the same device, so that both draw the same random
    # numbers and only the arithmetic differs; the tolerance is that of
    # tests/test_precision.py, where bfloat16 on a CPU moved the bits of a
    # short sweep by at most 0.03 (TF32 keeps 10 mantissa bits, bfloat16 7)
    X, y = threshold_data
    low = DistributedIBClassifier(**tiny_params, device="cuda",
                                  precision=precision).fit(X, y)
    np.testing.assert_allclose(low.information_path_.information,
                               cuda_fit.information_path_.information, atol=0.25)
    assert np.argmax(low.information_path_.information[0]) == 0
    assert low.score(X, y) > 0.9
