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
