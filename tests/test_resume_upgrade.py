"""A sweep stopped by an older skdib resumes as that skdib would have gone
on: the rows its checkpoints evaluate (``loss_train`` on the first 4096
training rows, consecutive InfoNCE chunks) and the hash of an integer
``y_val`` are those it started with."""

import joblib
import numpy as np
import pytest
from sklearn.utils import check_X_y

import skdib._backend.dib._evaluation as evaluation
from skdib import DistributedIBRegressor
from skdib.exceptions import SweepInterruptedWarning

TINY = dict(encoder_hidden=(8,), embedding_dim=2, decoder_hidden=(8,),
            n_pretrain_steps=10, n_steps=40, n_checkpoints=3, batch_size=128,
            learning_rate=1e-2,
            random_state=0, information_bounds=False)
KEYS = ("kl", "loss_train", "loss_val", "score_val", "relevance_lower")


def _table(n, n_val, seed=0):
    """Rows sorted by the column that sets the noise (training and held-out
    alike): the first rows, or consecutive chunks, are one part of the data."""
    rng = np.random.default_rng(seed)
    X, Xv = rng.normal(size=(n, 2)), rng.normal(size=(n_val, 2))
    X, Xv = X[np.argsort(X[:, 1])], Xv[np.argsort(Xv[:, 1])]

    def target(Z):
        return Z[:, 0] + (0.2 + 2 * (Z[:, 1] > 0)) * rng.normal(size=len(Z))

    return X, target(X), Xv, target(Xv)


def _path(est):
    path = est.information_path_
    return {k: np.asarray(getattr(path, k)) for k in KEYS}


def _fit(data, head, monkeypatch, rule=None, stop_at=None, interrupt=None,
         **params):
    """A fit under evaluation-row ``rule`` (None: the current one), stopped
    at checkpoint ``stop_at`` when given."""
    X, y, Xv, yv = data
    est = DistributedIBRegressor(head=head, **TINY, **params)
    with monkeypatch.context() as m:
        if rule is not None:
            m.setattr(evaluation, "EVAL_ROWS", rule)
        if stop_at is None:
            return est.fit(X, y, X_val=Xv, y_val=yv)
        interrupt(stop_at)
        with pytest.warns(SweepInterruptedWarning), pytest.raises(KeyboardInterrupt):
            est.fit(X, y, X_val=Xv, y_val=yv)
    monkeypatch.undo()
    return est


@pytest.mark.parametrize("head, n, n_val", [("gaussian", 4300, 100),
                                            ("infonce", 300, 4300)])
def test_a_sweep_resumes_with_the_evaluation_rows_it_started_with(
        head, n, n_val, monkeypatch, interrupt_at_checkpoint):
    data = _table(n, n_val)
    older = _path(_fit(data, head, monkeypatch, rule=1))
    newer = _path(_fit(data, head, monkeypatch))
    changed = "loss_train" if head == "gaussian" else "relevance_lower"
    assert np.abs(older[changed] - newer[changed]).max() > 1e-3
    # the scored subset changes no training draw: kl (and, for the Gaussian
    # head, every held-out number) are the same under both rules
    same = ("kl", "loss_val", "score_val") if head == "gaussian" else ("kl",)
    for key in same:
        np.testing.assert_array_equal(older[key], newer[key])

    for state_of, expected in (("older", older), ("newer", newer)):
        est = _fit(data, head, monkeypatch, rule=1 if state_of == "older" else None,
                   stop_at=2, interrupt=interrupt_at_checkpoint)
        if state_of == "older":  # as an older skdib saved it: no marker
            est._resume_state.pop("eval_rows")
        X, y, Xv, yv = data
        resumed = _path(est.continue_fit(X, y, X_val=Xv, y_val=yv))
        for key in KEYS:
            np.testing.assert_array_equal(resumed[key], expected[key],
                                          err_msg=f"{state_of}: {key}")


def test_an_integer_y_val_resumes_under_the_hash_an_older_skdib_stored(
        monkeypatch, interrupt_at_checkpoint):
    X, y, Xv, yv = _table(300, 80)
    yv = np.round(3 * Xv[:, 0]).astype(np.int64)
    est = _fit((X, y, Xv, yv), "gaussian", monkeypatch, stop_at=2,
               interrupt=interrupt_at_checkpoint)
    # what an older skdib hashed: y_val as check_X_y(y_numeric=True) kept it
    X_c, y_c, _ = est._check_fit_input(X, y, None, reset=False)
    Xv_c, yv_c = check_X_y(Xv, yv, dtype=np.float64, y_numeric=True,
                           multi_output=True)
    assert yv_c.dtype == np.int64
    assert est._data_hash == joblib.hash((X_c, y_c, Xv_c, yv_c, None, None))
    resumed = _path(est.continue_fit(X, y, X_val=Xv, y_val=yv))
    whole = _path(_fit((X, y, Xv, yv), "gaussian", monkeypatch))
    for key in KEYS:
        np.testing.assert_array_equal(resumed[key], whole[key])


def test_later_replicates_keep_the_rule_of_a_fit_an_older_skdib_stopped(
        monkeypatch, interrupt_at_checkpoint):
    """With n_replicates, the replicates that had not started when an older
    skdib stopped the fit were run under the new rule, so the best-of-R path
    mixed loss_train values scored on other rows."""
    data = _table(4300, 100)
    params = dict(n_replicates=3, device="cpu")
    older = _path(_fit(data, "gaussian", monkeypatch, rule=1, **params))
    est = _fit(data, "gaussian", monkeypatch, rule=1, stop_at=4,
               interrupt=interrupt_at_checkpoint, **params)
    state = est._resume_state  # as an older skdib saved it: no markers
    state.pop("eval_rows", None)
    if state["current"] is not None:
        state["current"].pop("eval_rows")
    X, y, Xv, yv = data
    resumed = _path(est.continue_fit(X, y, X_val=Xv, y_val=yv))
    for key in KEYS:
        np.testing.assert_array_equal(resumed[key], older[key], err_msg=key)
