"""The Distributed IB selector's sweep cache: in the process, and on disk.

A sweep is identified by :func:`sweep_key` (estimator settings, data, and
the versions of skdib, of its fit rules and of torch that fit it). Fitted
sweeps stay in an in-process LRU of :data:`CACHE_SIZE` entries; with a
location they are also stored on disk (:func:`stored_sweep`), where worker
processes that share the folder find them, one process per sweep running it
while the others wait on a file lock.
"""

import contextlib
import os
import threading
from collections import OrderedDict

import joblib
import numpy as np

from skdib._backend import facade
from skdib._dib._persistence import FIT_RULES, PICKLE_FORMAT
from skdib._utils._validation import as_pandas

__all__ = ["CACHE_SIZE", "KEY_LOCKS", "LOCK_FOLDER", "SWEEP_FOLDER", "cache_get",
           "cache_put", "cached_sweep", "clear", "file_lock", "run_sweep",
           "stored_sweep", "sweep_key"]

#: Sweeps kept in the process. A grid search fits every fold of one
#: candidate before the next candidate, so the cache must hold a sweep per
#: fold to reuse any: 32 covers 10-fold and repeated 5x2 or 5x5 splits.
CACHE_SIZE = 32
_CACHE = OrderedDict()
_CACHE_LOCK = threading.Lock()
# Threads fitting the same sweep wait for each other (striped, so bounded).
KEY_LOCKS = tuple(threading.Lock() for _ in range(32))
LOCK_FOLDER = "skdib_sweep_locks"
SWEEP_FOLDER = "skdib_sweeps"


def cache_get(key):
    with _CACHE_LOCK:
        est = _CACHE.get(key)
        if est is not None:
            _CACHE.move_to_end(key)
        return est


def cache_put(key, estimator):
    with _CACHE_LOCK:
        _CACHE[key] = estimator
        _CACHE.move_to_end(key)
        while len(_CACHE) > CACHE_SIZE:
            _CACHE.popitem(last=False)


def sweep_key(estimator, X_arr, y_arr, feature_names, fit_params=None):
    """The ``joblib.hash`` that identifies one sweep: estimator, data (with
    every argument of ``fit`` given in ``fit_params``: sample weights,
    groups, an explicit validation set) and the code that fits it.

    The skdib version, its pickle format, its fit rules
    (:data:`~skdib._dib._persistence.FIT_RULES`, raised whenever a change
    makes the same call give other numbers, also within a release) and the
    torch version are part of the key, so after an upgrade a folder of
    stored sweeps (``memory=``) refits rather than serve a sweep that other
    code fitted (its numbers can differ); so is the kind of device the sweep
    trains on (``device='auto'`` means a GPU on one machine and the CPU on
    another, whose random streams differ).
    """
    cls = type(estimator)
    fit_params = dict(fit_params or {})
    data = (X_arr, y_arr, feature_names)
    weights = fit_params.pop("sample_weight", None)
    if weights is not None:  # unweighted keys stay as they were
        data = (*data, np.asarray(weights, dtype=np.float64))
    if fit_params:  # so do the keys of fits given nothing else
        data = (*data, sorted((name, _as_hashed(value))
                              for name, value in fit_params.items()))
    device = facade.device_type(getattr(estimator, "device", "cpu"))
    return joblib.hash((f"{cls.__module__}.{cls.__qualname__}",
                        estimator.get_params(), *data, _code_versions(), device))


def _as_hashed(value):
    """A fit argument (``groups``, ``X_val``, ``y_val``) as the key holds it,
    so that a list, a Series and an array of the same values share a key: a
    table (with columns, read by its labels) as a pandas DataFrame with a
    fresh row index (fit reads no row labels, so a slice and the same rows
    after ``reset_index`` share a sweep), anything else as a NumPy array."""
    if hasattr(value, "columns"):
        return as_pandas(value).reset_index(drop=True)
    value = np.asarray(value)
    if value.dtype.kind in "OUS":  # strings: a Series holds objects, a list <U
        return value.astype(object)
    if value.dtype.kind in "iu":  # int32 and int64 labels alike
        return value.astype(np.int64)
    return value


def _code_versions():
    import skdib  # fully imported by the time a selector fits

    return (skdib.__version__, PICKLE_FORMAT, FIT_RULES, facade.backend_version())


def run_sweep(key, estimator, X, y, fit_params=None):
    """Fit ``estimator`` on (X, y): the sweep stored under ``key``.

    ``fit_params`` (sample weights, groups, ...) holds only the arguments
    given, so estimators whose ``fit`` takes no weights still work
    unweighted.
    """
    return estimator.fit(X, y, **(fit_params or {}))


def cached_sweep(memory, estimator, X, y, key_data, fit_params):
    """The sweep of ``estimator`` on (X, y) with ``fit_params``, from the
    cache of the process, else from the folder ``memory`` (None: none),
    else run and remembered. ``key_data``: (X as hashed, y as hashed,
    column names), the rest of :func:`sweep_key`."""
    key = sweep_key(estimator, *key_data, fit_params)
    with KEY_LOCKS[int(key[:8], 16) % len(KEY_LOCKS)]:
        cached = cache_get((memory, key))
        if cached is not None:
            return cached
        if memory is None:
            cached = run_sweep(key, estimator, X, y, fit_params)
        else:
            cached = stored_sweep(memory, key, estimator, X, y, fit_params)
        cache_put((memory, key), cached)
    return cached


@contextlib.contextmanager
def file_lock(location, key):
    """Hold an exclusive lock on ``location/skdib_sweep_locks/key.lock``.

    Processes that share the folder (joblib's loky workers, Dask workers on
    one file system) then run each sweep once: the others wait and load it.
    Without ``fcntl`` (Windows) no lock is taken.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    folder = os.path.join(location, LOCK_FOLDER)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"{key}.lock"), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def clear():
    """Forget every sweep held in this process."""
    with _CACHE_LOCK:
        _CACHE.clear()


def stored_sweep(location, key, estimator, X, y, fit_params=None):
    """The sweep stored for ``key`` under ``location``, run once if missing.

    Under the key's file lock: load ``<location>/skdib_sweeps/<key>.joblib``
    when it exists; else run the sweep and write it (to a temporary file,
    then renamed, so no reader ever sees half a file). Every process sharing
    the folder therefore runs each sweep at most once.
    """
    path = os.path.join(location, SWEEP_FOLDER, f"{key}.joblib")
    with file_lock(location, key):
        if os.path.exists(path):
            return joblib.load(path)
        fitted = run_sweep(key, estimator, X, y, fit_params)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temporary = f"{path}.{os.getpid()}.tmp"
        joblib.dump(fitted, temporary)
        os.replace(temporary, path)
        return fitted
