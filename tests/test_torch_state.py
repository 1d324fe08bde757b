"""A fit does not depend on torch's global settings of the calling code.

Scientific torch code often runs with ``torch.set_default_dtype(torch.float64)``
or calls a scikit-learn estimator from inside ``torch.no_grad()`` (an
evaluation loop). Neither may change what a fixed ``random_state`` fits, and
neither may be changed by the fit.
"""

import numpy as np
import pytest
import torch
from joblib import Parallel, delayed

from skdib import DistributedIBClassifier, DistributedIBSetClassifier

TINY = dict(encoder_hidden=(8,), embedding_dim=2, decoder_hidden=(8,),
            n_pretrain_steps=20, n_steps=40, n_checkpoints=3, random_state=0)
SETS = dict(type_column=2, encoder_hidden=(8,), embedding_dim=2, decoder_width=8,
            n_pretrain_steps=20, n_steps=40, n_checkpoints=3, batch_size=32,
            random_state=0)


def _table():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 3))
    return X, (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)


def _sets():
    rng = np.random.default_rng(1)
    X = np.concatenate([rng.uniform(-2, 2, size=(120, 5, 2)),
                        rng.integers(0, 2, size=(120, 5, 1))], axis=-1)
    near = (np.hypot(X[..., 0], X[..., 1]) < 1) & (X[..., 2] == 1)
    return X, near.any(axis=1).astype(int)


CASES = {
    "table": (lambda: DistributedIBClassifier(**TINY), _table),
    "table, 2 replicates": (lambda: DistributedIBClassifier(**TINY, n_replicates=2),
                            _table),
    "sets": (lambda: DistributedIBSetClassifier(**SETS), _sets),
}
# attention layers draw their initial weights from torch's global generator
THREADED = {**CASES, "sets, transformer": (
    lambda: DistributedIBSetClassifier(**SETS, decoder="transformer"), _sets)}


def _fit(case):
    make, data = CASES[case]
    X, y = data()
    est = make().fit(X, y)
    return est, est.information_path_.to_frame(), est.predict_proba(X)


@pytest.fixture(scope="module", params=sorted(CASES))
def reference(request):
    return request.param, _fit(request.param)


def _same_fit(fitted, expected):
    est, frame, proba = fitted
    _, frame_ref, proba_ref = expected
    assert {p.dtype for p in est.network_.parameters()} == {torch.float32}
    numbers = frame_ref.select_dtypes("number").columns
    np.testing.assert_array_equal(frame[numbers].to_numpy(),
                                  frame_ref[numbers].to_numpy())
    np.testing.assert_array_equal(proba, proba_ref)


@pytest.mark.parametrize("mode", [torch.no_grad, torch.inference_mode])
def test_fit_inside_no_grad_trains_as_outside(reference, mode):
    case, expected = reference
    with mode():
        fitted = _fit(case)
        assert not torch.is_grad_enabled()
    _same_fit(fitted, expected)


def test_float64_default_dtype_changes_nothing_and_is_restored(reference):
    case, expected = reference
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        fitted = _fit(case)
        assert torch.get_default_dtype() == torch.float64
    finally:
        torch.set_default_dtype(previous)
    _same_fit(fitted, expected)


def _fit_seed(case, seed):
    make, data = THREADED[case]
    X, y = data()
    est = make().set_params(random_state=seed, n_threads=1).fit(X, y)
    return est.information_path_.to_frame(), est.predict_proba(X)


@pytest.fixture
def caller_state():
    """The caller's torch settings for the test, and back after."""
    dtype, threads = torch.get_default_dtype(), torch.get_num_threads()
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(3)
    yield
    torch.set_default_dtype(dtype)
    torch.set_num_threads(threads)


@pytest.mark.parametrize("case", ["table", "sets, transformer"])
def test_fits_in_threads_equal_serial_fits(case, caller_state):
    """Six fits in two threads at once give the serial fits' paths exactly,
    and leave the caller's default dtype and thread count as they were."""
    seeds = range(6)
    serial = [_fit_seed(case, seed) for seed in seeds]
    threaded = Parallel(n_jobs=2, prefer="threads")(
        delayed(_fit_seed)(case, seed) for seed in seeds)
    assert torch.get_default_dtype() == torch.float64
    assert torch.get_num_threads() == 3
    for (frame, proba), (frame_ref, proba_ref) in zip(threaded, serial,
                                                      strict=True):
        numbers = frame_ref.select_dtypes("number").columns
        np.testing.assert_array_equal(frame[numbers].to_numpy(),
                                      frame_ref[numbers].to_numpy())
        np.testing.assert_array_equal(proba, proba_ref)


def test_overlapping_thread_settings_restore_the_callers(caller_state):
    """Two fits' thread settings, entered and left interleaved as fits in two
    threads do, give the caller's count back at the end."""
    from skdib._backend.facade import torch_threads

    first, second = torch_threads(1), torch_threads(2)
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert torch.get_num_threads() == 2  # the second fit still runs
    second.__exit__(None, None, None)
    assert torch.get_num_threads() == 3
