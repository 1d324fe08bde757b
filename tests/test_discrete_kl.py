"""A discrete channel's ``kl`` describes the rows its bits describe.

* Its bits use value frequencies over every row of the fit (training and
  held-out, once), and so does its ``kl``: the mean KL to the prior over
  those rows, so ``0 <= lower <= information <= upper <= kl`` holds at every
  cell, with bounds or without.
* ``validation_fraction=0`` counts each row once; an explicit ``X_val`` takes
  no weights, so its fit counts every row unweighted, as its held-out
  numbers are.
* A sweep an older skdib stopped resumes under the rule it started with
  (held-out values and frequencies): one definition along the whole path.
"""

from unittest import mock

import numpy as np
import pytest

import skdib._dib._estimates as estimates_module
from skdib import DistributedIBClassifier, DistributedIBRegressor
from skdib._backend import facade
from skdib.datasets import make_boolean_circuit
from skdib.exceptions import SweepInterruptedWarning

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")
TINY = dict(n_pretrain_steps=60, n_steps=40, n_checkpoints=2, random_state=0,
            learning_rate=3e-3)


def _mean_kl_bits(est, X, weights=None):
    """Per channel and checkpoint, the mean KL (bits) to the prior of the
    ``encode()`` posteriors of the rows ``X``, in numpy."""
    out = []
    for k in range(est.information_path_.n_points):
        est.set_path_point(index=k)
        mu, log_var = (np.asarray(a, float) for a in est.encode(X))
        kl = 0.5 * (mu ** 2 + np.exp(log_var) - log_var - 1).sum(axis=-1)
        out.append(np.average(kl, axis=1, weights=weights) / np.log(2))
    est.set_path_point()
    return np.array(out)


def _rare_value():
    rng = np.random.default_rng(1)
    n = 48
    b = (rng.random(n) < 0.15).astype(float)
    x = rng.normal(size=n)
    return (DistributedIBRegressor, np.column_stack([b, x]),
            3 * b + x + 0.1 * rng.normal(size=n))


def _codes():
    rng = np.random.default_rng(5)
    code = rng.integers(0, 40, 200).astype(float)
    X = np.column_stack([code, rng.normal(size=200)])
    return DistributedIBClassifier, X, rng.integers(0, 2, 40)[code.astype(int)]


def _circuit():
    c = make_boolean_circuit(6, random_state=1)
    return (DistributedIBClassifier, np.repeat(c.X, 3, axis=0).astype(float),
            np.repeat(c.y, 3))


@pytest.mark.parametrize("case", [_rare_value, _codes, _circuit])
def test_discrete_kl_is_the_all_rows_mean_and_bounds_the_bits(case):
    kind, X, y = case()
    est = kind(**TINY).fit(X, y)
    path = est.information_path_
    discrete = np.array(path.information_method) == "mixture"
    assert discrete.any()
    reference = _mean_kl_bits(est, X)  # every row the fit was given, once
    np.testing.assert_allclose(path.kl[:, discrete], reference[:, discrete],
                               rtol=1e-5, atol=1e-7)
    assert np.all(path.information_lower >= 0)
    assert np.all(path.information_lower <= path.information)
    assert np.all(path.information <= path.information_upper)
    assert np.all(path.information_upper <= path.kl)
    # kl means the same without bounds, and information is kl there
    bare = kind(**TINY, information_bounds=False).fit(X, y).information_path_
    np.testing.assert_array_equal(bare.kl, path.kl)
    np.testing.assert_array_equal(bare.information, bare.kl)
    # ... and its method says which kl: the values' mean or the held-out rows'
    assert bare.information_method == tuple(
        "value_kl" if d else "kl" for d in discrete)


def test_validation_fraction_zero_counts_each_row_once():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, 2, 120), rng.normal(size=120)])
    y = (X[:, 0] + X[:, 1] > 1).astype(int)
    w = rng.uniform(0.5, 2.0, 120)
    seen = {}
    real = facade.make_information_fn

    def spy(*args, **kwargs):
        seen.update(kwargs)
        return real(*args, **kwargs)

    with mock.patch.object(facade, "make_information_fn", spy):
        est = DistributedIBClassifier(**TINY, validation_fraction=0).fit(
            X, y, sample_weight=w)
    assert seen["mixture_rows"] == pytest.approx(w.sum() ** 2 / (w ** 2).sum())
    np.testing.assert_allclose(est.information_path_.kl[:, 0],
                               _mean_kl_bits(est, X, w)[:, 0], rtol=1e-5)


def test_an_explicit_x_val_counts_every_row_unweighted():
    """X_val takes no weights: its held-out numbers describe the unweighted
    rows, and so do the discrete channels' frequencies (not a blend of the
    weighted training rows with the unweighted X_val rows)."""
    rng = np.random.default_rng(1)  # P(b = 1): 0.22 in X, 0.34 in X_val
    n = 300
    y = (rng.random(n) < 0.2).astype(int)
    b = np.where(y == 1, rng.random(n) < 0.8, rng.random(n) < 0.1).astype(float)
    X = np.column_stack([b, rng.normal(size=n)])
    est = DistributedIBClassifier(**dict(TINY, n_pretrain_steps=300),
                                  class_weight="balanced").fit(
        X[:200], y[:200], X_val=X[200:], y_val=y[200:])
    path = est.information_path_
    assert path.information_method[0] == "mixture"
    np.testing.assert_allclose(path.kl[:, 0], _mean_kl_bits(est, X)[:, 0],
                               rtol=1e-5)
    # the rule matters here: the training rows weighted (and X_val rows at
    # their average weight) would give another mean
    w = np.r_[np.where(y[:200] == 1, 0.5 / y[:200].mean(),
                       0.5 / (1 - y[:200].mean())), np.ones(100)]
    blend = _mean_kl_bits(est, X, w / w.mean())[:, 0]
    assert np.all(np.abs(blend - path.kl[:, 0]) > 0.05 * path.kl[:, 0])


def _switching_table():
    """A code column with at most 64 values among the training rows and
    more among all rows: discrete under the older held-out rule,
    continuous under the all-rows one."""
    rng = np.random.default_rng(0)
    X = np.column_stack([np.r_[rng.integers(0, 50, 200), rng.integers(40, 70, 60)],
                         rng.normal(size=260)]).astype(float)
    y = ((X[:, 0] % 3 == 0) ^ (X[:, 1] > 0)).astype(int)
    return X[:200], y[:200], dict(X_val=X[200:], y_val=y[200:])


def _normal_table():
    rng = np.random.default_rng(0)
    b, c3 = (rng.random(240) < 0.3).astype(float), rng.integers(0, 3, 240)
    X = np.column_stack([rng.normal(size=240), b, c3])
    return X, (X[:, 0] + 1.5 * b + 0.7 * c3 > 1.5).astype(int), {}


KEYS = ("kl", "information", "information_lower", "information_upper",
        "information_se", "score_val")


@pytest.mark.parametrize("table", [_normal_table, _switching_table])
def test_a_sweep_resumes_with_the_value_rows_it_started_with(
        table, monkeypatch, interrupt_at_checkpoint):
    X, y, fit_kw = table()
    params = dict(TINY, n_checkpoints=4)

    def fit(rule, stop_at=None):
        est = DistributedIBClassifier(**params)
        with monkeypatch.context() as m:
            m.setattr(estimates_module, "VALUE_ROWS", rule)
            if stop_at is None:
                return est.fit(X, y, **fit_kw)
            interrupt_at_checkpoint(stop_at)
            with (pytest.warns(SweepInterruptedWarning),
                  pytest.raises(KeyboardInterrupt)):
                est.fit(X, y, **fit_kw)
        monkeypatch.undo()
        return est

    older, newer = fit(1), fit(2)
    changed = ("kl" if table is _normal_table
               else "information")  # the switch: mixture, then sandwich
    assert not np.allclose(getattr(older.information_path_, changed),
                           getattr(newer.information_path_, changed))
    for rule, whole in ((1, older), (2, newer)):
        est = fit(rule, stop_at=3)
        assert est._resume_state["value_rows"] == rule
        if rule == 1:  # as an older skdib saved it: no marker
            del est._resume_state["value_rows"]
        resumed = est.continue_fit(X, y, **fit_kw).information_path_
        assert resumed.information_method == whole.information_path_.information_method
        for key in KEYS:
            np.testing.assert_array_equal(
                getattr(resumed, key), getattr(whole.information_path_, key),
                err_msg=f"rule {rule}: {key}")
