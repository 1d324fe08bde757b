"""Divergence, interruption and resumption, and seeds honoured in threads."""

import json
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

import skdib._backend.dib._train as train_module
from skdib import DistributedIBClassifier, DistributedIBRegressor
from skdib.exceptions import DivergenceError, SweepInterruptedWarning


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    return X, (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)


def _paths_equal(a, b):
    for name in ("beta", "kl", "information", "information_lower",
                 "information_upper", "loss_train", "loss_val", "score_val"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name),
                                      err_msg=name)


# ------------------------------------------------------------- divergence
PARAMS = dict(encoder_hidden=(16,), embedding_dim=2, decoder_hidden=(16,),
              n_pretrain_steps=40, n_steps=160, n_checkpoints=8, batch_size=64,
              learning_rate=1e-2, random_state=3)


def test_divergence_before_any_checkpoint_leaves_an_unfitted_estimator(data):
    X, y = data
    clf = DistributedIBClassifier(learning_rate=10, n_pretrain_steps=300,
                                  n_steps=300, random_state=0)
    with pytest.raises(DivergenceError, match=r"diverged at step \d+ \(β = ") as err:
        clf.fit(X, y)
    assert err.value.step <= 300
    assert "learning_rate" in str(err.value) and "nothing was kept" in str(err.value)
    with pytest.raises(NotFittedError):
        clf.predict(X)


def test_divergence_keeps_the_finite_part_of_the_path(data, monkeypatch):
    # A real divergence happens within the first step at any rate that
    # causes one here, so the fourth checkpoint is made non-finite on purpose.
    X, y = data
    real = train_module._checkpoint
    calls = {"n": 0}

    def checkpoint(*args, **kwargs):
        point = real(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 4:
            point["kl"] = point["kl"] * np.nan
        return point

    monkeypatch.setattr(train_module, "_checkpoint", checkpoint)
    clf = DistributedIBClassifier(**PARAMS)
    with pytest.raises(DivergenceError, match="is kept on the estimator") as err:
        clf.fit(X, y)
    assert "KL is nan" in str(err.value)
    path = clf.information_path_
    assert clf.fit_status_ == "diverged"
    assert path.n_points == 3
    for name in ("kl", "information", "loss_val", "score_val"):
        assert np.all(np.isfinite(getattr(path, name))), name
    proba = clf.predict_proba(X)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


@pytest.mark.parametrize("lr", [1e3, 1e6])
def test_regressor_divergence_is_named(data, lr):
    X, _ = data
    reg = DistributedIBRegressor(learning_rate=lr, n_pretrain_steps=0, n_steps=200,
                                 random_state=0)
    with pytest.raises(DivergenceError, match="diverged at step"):
        reg.fit(X, X[:, 0])


# --------------------------------------------- interruption and resumption
@pytest.fixture(scope="module")
def uninterrupted(data):
    X, y = data
    return DistributedIBClassifier(**PARAMS).fit(X, y)


def test_interrupted_fit_keeps_the_path_and_resumes_exactly(
        data, uninterrupted, monkeypatch, interrupt_at_checkpoint):
    X, y = data
    clf = DistributedIBClassifier(**PARAMS)
    interrupt_at_checkpoint(4)
    with pytest.warns(SweepInterruptedWarning, match="continue_fit"):
        with pytest.raises(KeyboardInterrupt):
            clf.fit(X, y)
    monkeypatch.undo()
    assert clf.fit_status_ == "interrupted"
    assert clf.information_path_.n_points == 3
    assert clf.predict(X).shape == (len(X),)
    clf.continue_fit(X, y)
    assert clf.fit_status_ == "complete"
    _paths_equal(clf.information_path_, uninterrupted.information_path_)
    np.testing.assert_array_equal(clf.predict_proba(X),
                                  uninterrupted.predict_proba(X))


def test_interruption_before_any_checkpoint_leaves_it_unfitted(
        data, interrupt_at_checkpoint):
    X, y = data
    clf = DistributedIBClassifier(**PARAMS)
    interrupt_at_checkpoint(1)
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    with pytest.raises(NotFittedError):
        clf.predict(X)
    assert not hasattr(clf, "n_features_in_")


def test_continue_fit_refuses_other_data_and_finished_fits(data, uninterrupted):
    X, y = data
    with pytest.raises(ValueError, match="fit_status_ is 'complete'"):
        uninterrupted.continue_fit(X, y)
    stopped = DistributedIBClassifier(**PARAMS)
    stopped.fit_status_ = "interrupted"  # pretend; the data check comes first
    stopped.n_features_in_ = X.shape[1]
    stopped._data_hash = "other"
    with pytest.raises(ValueError, match="same X, y"):
        stopped.continue_fit(X, y)


SCRIPT = textwrap.dedent("""
    import json, sys, time, threading, os, signal
    # a shell without job control starts background jobs with SIGINT
    # ignored, and Python keeps that; install Ctrl-C's usual handler
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import numpy as np
    from skdib import DistributedIBClassifier
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4)); y = (X[:, 0] > 0).astype(int)
    params = dict(encoder_hidden=(16,), embedding_dim=2, decoder_hidden=(16,),
                  n_pretrain_steps=0, n_steps=6000, n_checkpoints=60,
                  batch_size=32, information_bounds=False, random_state=1)
    clf = DistributedIBClassifier(**params)
    import skdib._backend.dib._train as train_module
    record_point, calls = train_module._record_point, []

    def announce(*args, **kwargs):
        # tell the test once two checkpoints are kept, so that Ctrl-C lands
        # after the first resumable state however slow the machine is
        record_point(*args, **kwargs)
        calls.append(1)
        if len(calls) == 2:
            print("recording", flush=True)

    train_module._record_point = announce
    print("start", flush=True)
    try:
        clf.fit(X, y)
        out = {"interrupted": False}
    except KeyboardInterrupt:
        n_kept = clf.information_path_.n_points
        pred_ok = bool(np.isfinite(clf.predict_proba(X)).all())
        clf.continue_fit(X, y)
        ref = DistributedIBClassifier(**params).fit(X, y)
        out = {"interrupted": True, "n_kept": n_kept, "pred_ok": pred_ok,
               "same": bool(np.array_equal(clf.information_path_.kl,
                                           ref.information_path_.kl)),
               "n_points": clf.information_path_.n_points}
    print(json.dumps(out), flush=True)
""")


@pytest.mark.slow
def test_sigint_in_a_subprocess_keeps_and_resumes_the_sweep(tmp_path):
    import signal

    script = tmp_path / "fit.py"
    script.write_text(SCRIPT)
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout.readline().strip() == "start"
    assert proc.stdout.readline().strip() == "recording"
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=300)
    result = json.loads(out.strip().splitlines()[-1])
    assert result["interrupted"], "the fit ended before the signal came"
    assert 1 <= result["n_kept"] < 60 and result["pred_ok"]
    assert result["same"] and result["n_points"] == 60


# ---------------------------------------------------------------- threads
def test_threaded_fits_equal_serial_fits(data):
    X, y = data
    seeds = [0, 1, 2, 3]

    def fit(seed):
        params = dict(PARAMS, random_state=seed, n_threads=1)
        return DistributedIBClassifier(**params).fit(X, y).information_path_

    serial = [fit(s) for s in seeds]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(fit, seeds))
    for a, b in zip(serial, threaded, strict=True):
        _paths_equal(a, b)
    assert not np.array_equal(serial[0].kl, serial[1].kl)


def test_a_resume_interrupted_again_still_resumes_exactly(
        data, uninterrupted, monkeypatch, interrupt_at_checkpoint):
    # the second run stops before its first new checkpoint, so the third
    # resumes from the same kept state as the second: had the second run
    # changed that state in place, the third would drift from the reference
    X, y = data
    clf = DistributedIBClassifier(**PARAMS)
    for fit in (clf.fit, clf.continue_fit):
        interrupt_at_checkpoint(4 if fit == clf.fit else 1)
        with pytest.warns(SweepInterruptedWarning), pytest.raises(KeyboardInterrupt):
            fit(X, y)
        monkeypatch.undo()
        assert clf.information_path_.n_points == 3
    clf.continue_fit(X, y)
    _paths_equal(clf.information_path_, uninterrupted.information_path_)


def test_continue_fit_refuses_changed_settings(data, monkeypatch,
                                               interrupt_at_checkpoint):
    X, y = data
    # a RandomState seed is the same object after the fit advanced it, and
    # ragged groups are the same setting when equal
    clf = DistributedIBClassifier(**dict(PARAMS,
                                         random_state=np.random.RandomState(3),
                                         feature_groups=[[0, 1], [2], [3]]))
    interrupt_at_checkpoint(3)
    with pytest.warns(SweepInterruptedWarning), pytest.raises(KeyboardInterrupt):
        clf.fit(X, y)
    monkeypatch.undo()
    clf.set_params(n_steps=200, beta_end=3.0)
    with pytest.raises(ValueError, match=r"beta_end=1.0 \(now 3.0\), n_steps=160 "
                                         r"\(now 200\)"):
        clf.continue_fit(X, y)
    # the path so far was scored with these draws: the rest must be too
    clf.set_params(n_steps=160, beta_end=1.0, predict_samples=0)
    with pytest.raises(ValueError, match=r"predict_samples=32 \(now 0\)"):
        clf.continue_fit(X, y)
    clf.set_params(predict_samples=32)
    # set back, with a new learning rate (allowed): the sweep completes
    clf.set_params(n_steps=160, beta_end=1.0, learning_rate=5e-3)
    clf.continue_fit(X, y)
    assert clf.fit_status_ == "complete"
    assert clf.information_path_.n_points == PARAMS["n_checkpoints"]
