"""A fit does not depend on torch's global settings of the calling code.

Scientific torch code often runs with ``torch.set_default_dtype(torch.float64)``
or calls a scikit-learn estimator from inside ``torch.no_grad()`` (an
evaluation loop). Neither may change what a fixed ``random_state`` fits, and
neither may be changed by the fit.
"""

import contextlib
import threading

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


def test_callers_fit_beside_a_background_fit_keeps_its_thread_count(
        caller_state, monkeypatch):
    """The caller fits with n_threads=2 while a fit with n_threads=1 runs in
    another thread, which starts first and ends last: each fit runs with its
    own count, and the caller's thread has its 3 threads afterwards."""
    from skdib._backend import facade

    real, counts = facade.torch_threads, {}
    entered, caller_done = threading.Event(), threading.Event()

    @contextlib.contextmanager
    def held_open(n_threads):
        with real(n_threads):
            counts.setdefault(threading.current_thread().name, set()).add(
                torch.get_num_threads())
            if threading.current_thread().name == "background":
                entered.set()
                caller_done.wait(60)
            yield

    monkeypatch.setattr(facade, "torch_threads", held_open)
    X, y = _table()
    background = threading.Thread(
        target=DistributedIBClassifier(**TINY, n_threads=1).fit, args=(X, y),
        name="background")
    background.start()
    assert entered.wait(60)
    DistributedIBClassifier(**TINY, n_threads=2).fit(X, y)
    after_callers_fit = torch.get_num_threads()
    caller_done.set()
    background.join()
    assert after_callers_fit == 3
    assert torch.get_num_threads() == 3
    assert counts == {"background": {1}, threading.current_thread().name: {2}}


@pytest.fixture(params=["per thread", "process-wide"])
def thread_count(request, monkeypatch, caller_state):
    """torch_threads as it is on this build, and as it would be where the
    thread count is one setting of the process."""
    from skdib._backend import _device

    if request.param == "process-wide":
        monkeypatch.setattr(_device, "thread_count_is_per_thread", lambda: False)
    return _device.torch_threads


def test_nested_thread_settings_restore_the_outer_count(thread_count):
    """A fit with n_threads=2 inside a block of one thread (compare_selectors
    runs each fold so) gives the block its one thread back."""
    with thread_count(1):
        with thread_count(2):
            assert torch.get_num_threads() == 2
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == 3


def test_refused_thread_count_changes_nothing(thread_count):
    with pytest.raises(RuntimeError):
        with thread_count(0):
            pass
    assert torch.get_num_threads() == 3
    with thread_count(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == 3


def _shared_setting(refused=()):
    from skdib._backend._device import _SharedSetting

    store = {"value": "caller's"}

    def put(value):
        if value in refused:
            raise ValueError(f"{value} refused")
        store["value"] = value

    return _SharedSetting(lambda: store["value"], put), store


def test_overlapping_shared_settings_restore_the_callers():
    """A process-wide setting (TF32) held by two fits in threads, entered
    and left interleaved, keeps the running fit's value and gives the
    caller's back at the end."""
    setting, store = _shared_setting()
    first, second = setting("tf32"), setting("ieee")
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert store["value"] == "ieee"  # the second fit still runs
    second.__exit__(None, None, None)
    assert store["value"] == "caller's"


def test_refused_shared_setting_leaves_nothing_held():
    setting, store = _shared_setting(refused={"bad"})
    with pytest.raises(ValueError, match="refused"):
        with setting("bad"):
            pass
    assert store["value"] == "caller's"
    with setting("tf32"):
        assert store["value"] == "tf32"
    assert store["value"] == "caller's"
