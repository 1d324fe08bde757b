"""Rewinding, seeding and fit records that a sixth review found wrong.

Each test failed before its fix: a model loaded or deep-copied inside
``torch.inference_mode()`` could not be rewound afterwards (its parameters
were inference tensors), ``distinguishability_matrix(point=k)`` rewound the
shared model for the call (a ``predict`` in another thread meanwhile used
point k), and ``random_state=None`` ignored ``np.random.seed``.
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

TINY = dict(n_pretrain_steps=30, n_steps=60, n_checkpoints=4, random_state=0,
            device="cpu")  # bit-equal comparisons after a load (on the CPU)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 3))
    return X, (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)


@pytest.fixture(scope="module")
def fitted(data):
    return DistributedIBClassifier(**TINY).fit(*data)


def _at_point(model, X, point):
    """Probabilities at ``point``, the model returned to where it was."""
    current = model.path_point_
    proba = model.set_path_point(point).predict_proba(X)
    model.set_path_point(current)
    return proba


def _loaded_in_inference_mode(model, how):
    if how == "deepcopy":
        with torch.inference_mode():
            return copy.deepcopy(model)
    buffer = io.BytesIO()
    joblib.dump(model, buffer)
    buffer.seek(0)
    with torch.inference_mode():
        return joblib.load(buffer)


@pytest.mark.parametrize("keep_snapshots", [True, "exact"])
@pytest.mark.parametrize("how", ["joblib", "deepcopy"])
def test_a_model_loaded_in_inference_mode_rewinds_outside(data, how,
                                                          keep_snapshots):
    X, y = data
    model = DistributedIBClassifier(**TINY, keep_snapshots=keep_snapshots).fit(X, y)
    loaded = _loaded_in_inference_mode(model, how)
    assert not any(p.is_inference() for p in loaded.network_.parameters())
    np.testing.assert_array_equal(loaded.set_path_point(0).predict_proba(X),
                                  _at_point(model, X, 0))
    loaded.set_path_point()
    np.testing.assert_array_equal(loaded.distinguishability_matrix(0, point=1)[1],
                                  model.distinguishability_matrix(0, point=1)[1])


def test_a_set_model_loaded_in_inference_mode_rewinds_outside():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 5, 2))
    y = ((np.abs(X[..., 0]) < 0.5).sum(axis=1) >= 2).astype(int)
    model = DistributedIBSetClassifier(**TINY).fit(X, y)
    blob = pickle.dumps(model)
    with torch.inference_mode():
        loaded = pickle.loads(blob)
    np.testing.assert_array_equal(loaded.set_path_point(0).predict_proba(X),
                                  _at_point(model, X, 0))


def test_distinguishability_at_another_point_leaves_the_model_alone(
        fitted, monkeypatch):
    X = np.zeros((1, 3))
    point = (fitted.path_point_ + 1) % fitted.information_path_.n_points
    before = _at_point(fitted, X, fitted.path_point_)
    # the old way: rewind, read, return
    current = fitted.path_point_
    expected = fitted.set_path_point(point).distinguishability_matrix(0)
    fitted.set_path_point(current)
    state = {k: v.clone() for k, v in fitted.network_.state_dict().items()}
    loads = []
    real_load = facade.load_state
    monkeypatch.setattr(facade, "load_state", lambda net, s: (
        loads.append(net is fitted.network_), real_load(net, s)))
    monkeypatch.setattr(fitted, "set_path_point", lambda *a, **k: pytest.fail(
        "distinguishability_matrix rewound the model"))
    values, matrix = fitted.distinguishability_matrix(0, point=point)
    assert not any(loads)
    assert fitted.path_point_ == current
    for name, value in fitted.network_.state_dict().items():
        assert torch.equal(value, state[name]), name
    np.testing.assert_array_equal(values, expected[0])
    np.testing.assert_array_equal(matrix, expected[1])
    np.testing.assert_array_equal(fitted.predict_proba(X), before)


def _set_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 5, 2))
    return X, ((np.abs(X[..., 0]) < 0.5).sum(axis=1) >= 2).astype(int)


@pytest.fixture
def global_numpy_state():
    """Restore numpy's global random state after a test that seeds it."""
    state = np.random.get_state()  # noqa: NPY002 (the global state is the point)
    yield
    np.random.set_state(state)  # noqa: NPY002


@pytest.mark.parametrize("kind", ["table", "sets"])
def test_random_state_none_follows_np_random_seed(data, kind, global_numpy_state):
    cls, (X, y) = ((DistributedIBClassifier, data) if kind == "table"
                   else (DistributedIBSetClassifier, _set_data()))
    params = dict(TINY, random_state=None)
    fits = []
    for _ in range(2):
        np.random.seed(0)  # noqa: NPY002 (the global state is the point)
        fits.append(cls(**params).fit(X, y).predict_proba(X))
    np.testing.assert_array_equal(fits[0], fits[1])


def test_seeds_drawn_for_none_follow_np_random_seed(global_numpy_state):
    from skdib._utils._random import numpy_rng, seed_from_random_state
    from skdib.information import mutual_information_bounds

    rng = np.random.default_rng(1)
    mu, log_var = rng.normal(size=(64, 2)), np.full((64, 2), -1.0)
    draws = []
    for _ in range(2):
        np.random.seed(3)  # noqa: NPY002 (the global state is the point)
        draws.append((seed_from_random_state(None), numpy_rng(None).integers(10**9),
                      mutual_information_bounds(mu, log_var, batch_size=32,
                                                n_batches=2)))
    assert draws[0][:2] == draws[1][:2]
    np.testing.assert_array_equal(draws[0][2], draws[1][2])


def test_the_fit_records_its_device(fitted, data):
    assert fitted.device_ == "cpu"
    X, y = _set_data()
    assert DistributedIBSetClassifier(**TINY).fit(X, y).device_ == "cpu"


@pytest.mark.parametrize("n_jobs, error", [(1.5, TypeError), ("two", TypeError),
                                           (True, TypeError), (0, ValueError)])
@pytest.mark.parametrize("batched", [True, False])
def test_cross_validate_path_refuses_bad_n_jobs(data, n_jobs, error, batched):
    from skdib.compare import cross_validate_path

    with pytest.raises(error, match="n_jobs must be None or a nonzero integer"):
        cross_validate_path(DistributedIBClassifier(**TINY), *data, cv=2,
                            n_jobs=n_jobs, batched=batched)
