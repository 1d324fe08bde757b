"""Scale-out: one sweep per (fold, settings) across joblib and Dask workers.

``GridSearchCV(Pipeline(DistributedIBSelector -> LogisticRegression))`` over
``n_features_to_select`` and an estimator setting fits one β sweep per
(fold, estimator settings) pair, plus one for the final refit. With
``memory`` set on the selector, worker processes share those sweeps: each
runs once, wherever it runs. Sweeps are counted by a file that
:class:`CountingClassifier` writes for every ``fit`` it runs, in any process.
"""

import json
import os
import pathlib
import time
import uuid

import joblib
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skdib import DistributedIBClassifier, DistributedIBSelector

SETTINGS = dict(encoder_hidden=(8,), embedding_dim=2, decoder_hidden=(16,),
                n_pretrain_steps=30, n_steps=60, n_checkpoints=3, batch_size=64,
                learning_rate=1e-2, information_bounds=False)
GRID = {"select__n_features_to_select": [1, 2, 3],
        "select__estimator__beta_end": [0.1, 1.0]}
N_FOLDS = 3
# 3 folds x 2 beta_end values, and the refit of the best on all rows.
DISTINCT_SWEEPS = N_FOLDS * len(GRID["select__estimator__beta_end"]) + 1


class CountingClassifier(DistributedIBClassifier):
    """A Distributed IB classifier that logs every sweep it runs to ``log_dir``.

    Only the parameters the test varies are parameters; the rest is fixed.
    """

    def __init__(self, log_dir=None, beta_end=1.0, random_state=0):
        super().__init__(**SETTINGS, beta_end=beta_end, random_state=random_state)
        self.log_dir = log_dir

    def fit(self, X, y, **kwargs):
        import torch

        record = {"pid": os.getpid(), "torch_threads": torch.get_num_threads(),
                  "rows": len(X), "beta_end": self.beta_end}
        name = f"{os.getpid()}-{uuid.uuid4().hex}.json"
        pathlib.Path(self.log_dir, name).write_text(json.dumps(record))
        return super().fit(X, y, **kwargs)


def sweeps(log_dir):
    return [json.loads(p.read_text()) for p in pathlib.Path(log_dir).glob("*.json")]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(240, 4))
    y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)
    return X, y


def search(log_dir, memory, n_jobs):
    selector = DistributedIBSelector(CountingClassifier(log_dir=str(log_dir)),
                                     memory=memory)
    pipe = Pipeline([("select", selector), ("clf", LogisticRegression())])
    return GridSearchCV(pipe, GRID, cv=N_FOLDS, n_jobs=n_jobs)


def run(tmp_path, name, data, memory, n_jobs, backend=None):
    """Fit the grid search; return (search, sweeps run, seconds)."""
    log_dir = tmp_path / f"{name}-log"
    log_dir.mkdir()
    DistributedIBSelector.clear_cache()
    gs = search(log_dir, memory, n_jobs)
    start = time.perf_counter()
    if backend is None:
        gs.fit(*data)
    else:
        with joblib.parallel_backend(backend):
            gs.fit(*data)
    return gs, sweeps(log_dir), time.perf_counter() - start


@pytest.fixture(scope="module")
def serial(tmp_path_factory, data):
    return run(tmp_path_factory.mktemp("serial"), "serial", data, None, 1)


def test_serial_search_runs_each_sweep_once(serial):
    _, ran, _ = serial
    assert len(ran) == DISTINCT_SWEEPS


def test_loky_search_shares_sweeps_through_memory(tmp_path, data, serial):
    gs_serial, _, t_serial = serial
    memory = tmp_path / "memory"
    gs, ran, t_parallel = run(tmp_path, "loky", data, str(memory), 2, "loky")
    assert gs.best_params_ == gs_serial.best_params_
    np.testing.assert_allclose(gs.cv_results_["mean_test_score"],
                               gs_serial.cv_results_["mean_test_score"])
    assert len(ran) == DISTINCT_SWEEPS, ran
    stored = list(memory.glob("skdib_sweeps/*.joblib"))
    assert len(stored) == DISTINCT_SWEEPS
    # Worker processes did the fold sweeps, each with at most its share of
    # cores as torch's default (what n_threads=None would use).
    workers = [r for r in ran if r["pid"] != os.getpid()]
    assert workers
    share = max(1, (os.cpu_count() or 1) // 2)
    assert all(r["torch_threads"] <= share for r in workers), workers
    print(f"\nserial {t_serial:.1f} s, loky n_jobs=2 {t_parallel:.1f} s, "
          f"{len(ran)} sweeps")


def test_memory_reuses_sweeps_across_sessions(tmp_path, data):
    X, y = data
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    location = tmp_path / "memory"

    def fit(memory):
        return DistributedIBSelector(CountingClassifier(log_dir=str(log_dir)),
                                     n_features_to_select=2, memory=memory).fit(X, y)

    first = fit(str(location))
    for memory in (location, joblib.Memory(str(location), verbose=0)):
        DistributedIBSelector.clear_cache()  # as in a new Python session
        again = fit(memory)
        assert len(sweeps(log_dir)) == 1
        np.testing.assert_array_equal(first.ranking_, again.ranking_)
        np.testing.assert_allclose(first.estimator_.predict_proba(X),
                                   again.estimator_.predict_proba(X))
    DistributedIBSelector.clear_cache()
    fit(None)
    assert len(sweeps(log_dir)) == 2  # memory=None: the in-process cache only


def _fit_selector(log_dir, memory, X, y):
    selector = DistributedIBSelector(CountingClassifier(log_dir=log_dir),
                                     n_features_to_select=1, memory=memory)
    return selector.fit(X, y).get_support()


def test_simultaneous_identical_fits_run_one_sweep(tmp_path, data):
    X, y = data
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    memory = str(tmp_path / "memory")
    supports = joblib.Parallel(n_jobs=2, backend="loky")(
        joblib.delayed(_fit_selector)(str(log_dir), memory, X, y)
        for _ in range(4))
    assert len(sweeps(log_dir)) == 1
    assert all((s == supports[0]).all() for s in supports)


@pytest.mark.slow
def test_dask_search_matches_serial_and_shares_sweeps(tmp_path, data, serial):
    pytest.importorskip("dask")
    distributed = pytest.importorskip("dask.distributed")
    gs_serial, _, _ = serial
    memory = tmp_path / "memory"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                  processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        gs, ran, seconds = run(tmp_path, "dask", data, str(memory), 2, "dask")
    assert gs.best_params_ == gs_serial.best_params_
    np.testing.assert_allclose(gs.cv_results_["mean_test_score"],
                               gs_serial.cv_results_["mean_test_score"])
    assert len(ran) == DISTINCT_SWEEPS, ran
    workers = [r for r in ran if r["pid"] != os.getpid()]
    assert workers and all(r["torch_threads"] == 1 for r in workers), workers
    print(f"\ndask 2 workers {seconds:.1f} s, {len(ran)} sweeps")
