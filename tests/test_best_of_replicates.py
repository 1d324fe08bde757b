"""``n_replicates``: the best of R sweeps at every checkpoint.

The references are independent of the assembly code: replicate 0 is checked
against a plain fit with the same ``random_state``; the losses of the
composite against the model rewound to each checkpoint and scored here with
numpy; the batched run (the GPU's way) against the one-after-the-other run;
an interrupted fit against an uninterrupted one.
"""

import pickle

import numpy as np
import pytest

import skdib._dib._replicate_sweeps as replicate_sweeps
from skdib import DistributedIBClassifier, DistributedIBRegressor
from skdib._dib._replicate_sweeps import composite_record
from skdib._dib._replicated_fit import batching_obstacle, use_batching
from skdib.compare import cross_validate_path
from skdib.exceptions import SweepInterruptedWarning

R = 3
PARAMS = dict(encoder_hidden=(16,), embedding_dim=2, decoder_hidden=(16,),
              n_pretrain_steps=40, n_steps=200, n_checkpoints=8, batch_size=64,
              learning_rate=1e-2, random_state=0)


def _rows(rng, n):
    X = rng.normal(size=(n, 4))
    return X, (X[:, 0] + X[:, 1] + 0.7 * rng.normal(size=n) > 0).astype(int)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(5)
    return (*_rows(rng, 300), *_rows(rng, 200))


@pytest.fixture(scope="module")
def fits(data):
    X, y, X_val, y_val = data
    one = DistributedIBClassifier(**PARAMS).fit(X, y, X_val=X_val, y_val=y_val)
    best = DistributedIBClassifier(n_replicates=R, **PARAMS).fit(
        X, y, X_val=X_val, y_val=y_val)
    return one, best


def _log_loss_bits(clf, X, y):
    p = clf.predict_proba(X)[np.arange(len(y)), np.searchsorted(clf.classes_, y)]
    return float(-np.mean(np.log2(p)))


def test_replicate_zero_is_the_plain_fit(fits):
    one, best = fits
    np.testing.assert_array_equal(best.replicate_loss_val_[0],
                                  one.information_path_.prediction_loss_val)
    assert best.replicate_loss_val_.shape == (R, one.information_path_.n_points)


def test_each_checkpoint_keeps_the_lowest_validation_loss(fits):
    one, best = fits
    losses = best.replicate_loss_val_
    path = best.information_path_
    np.testing.assert_array_equal(path.prediction_loss_val, losses.min(axis=0))
    np.testing.assert_array_equal(best.path_replicate_, losses.argmin(axis=0))
    # three seeds of a 16-unit network do not tie everywhere
    assert len(np.unique(best.path_replicate_)) > 1
    assert np.all(path.prediction_loss_val <= one.information_path_.prediction_loss_val)


def test_rewound_model_scores_as_its_checkpoint(fits, data):
    """Every checkpoint's snapshot is the network that was scored there."""
    _, best = fits
    _, _, X_val, y_val = data
    path = best.information_path_
    try:
        for k in range(path.n_points):
            best.set_path_point(k)
            assert _log_loss_bits(best, X_val, y_val) == pytest.approx(
                path.prediction_loss_val[k], rel=1e-5, abs=1e-6), k
    finally:
        best.set_path_point()


def test_pickle_keeps_every_replicates_snapshots(fits, data):
    _, best = fits
    _, _, X_val, _ = data
    k = int(np.flatnonzero(best.path_replicate_ != best.path_replicate_[
        best.best_point_])[0])
    copy = pickle.loads(pickle.dumps(best))
    np.testing.assert_array_equal(copy.predict_proba(X_val), best.predict_proba(X_val))
    copy.set_path_point(k)
    best.set_path_point(k)
    try:
        np.testing.assert_array_equal(copy.predict_proba(X_val),
                                      best.predict_proba(X_val))
    finally:
        best.set_path_point()


@pytest.mark.filterwarnings("ignore::skdib.exceptions.BetaRangeWarning")
def test_batched_replicates_equal_sequential_ones(data, monkeypatch):
    """The GPU's batched run, forced on the CPU, against the plain loop."""
    X, y, X_val, y_val = data
    params = {**PARAMS, "n_replicates": R}
    sequential = DistributedIBRegressor(**params).fit(X, X[:, 0] + X[:, 2],
                                                      X_val=X_val,
                                                      y_val=X_val[:, 0] + X_val[:, 2])
    monkeypatch.setattr(replicate_sweeps, "batch_replicates",
                        lambda device, data, resume: True)
    batched = DistributedIBRegressor(**params).fit(X, X[:, 0] + X[:, 2],
                                                   X_val=X_val,
                                                   y_val=X_val[:, 0] + X_val[:, 2])
    np.testing.assert_allclose(batched.replicate_loss_val_,
                               sequential.replicate_loss_val_, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(batched.information_path_.information,
                               sequential.information_path_.information,
                               rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(batched.predict(X_val), sequential.predict(X_val),
                               rtol=1e-4, atol=1e-4)


@pytest.mark.filterwarnings("ignore::skdib.exceptions.BetaRangeWarning")
def test_batched_replicates_count_every_sweep_and_say_when_stopped(data,
                                                                   monkeypatch):
    """The batched run advances R sweeps per step (its bar stopped at a
    third), and Ctrl-C in it keeps nothing: a warning says so, and the
    model fitted before stays whole."""
    import skdib._dib._base as base

    X, y, X_val, y_val = data
    monkeypatch.setattr(replicate_sweeps, "batch_replicates",
                        lambda device, data, resume: True)
    ends = []

    class Recorded(base.SweepProgress):
        def close(self):
            ends.append((self.last, self.bar.total))
            super().close()

    monkeypatch.setattr(base, "SweepProgress", Recorded)
    params = {**PARAMS, "n_replicates": R, "verbose": True}
    clf = DistributedIBClassifier(**params).fit(X, y)
    assert ends == [(R * (PARAMS["n_pretrain_steps"] + PARAMS["n_steps"]),) * 2]
    before = clf.predict_proba(X)

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(replicate_sweeps.facade, "fit_replicates", stopped)
    with pytest.warns(SweepInterruptedWarning, match="nothing was kept"):
        with pytest.raises(KeyboardInterrupt):
            clf.fit(X, y)
    np.testing.assert_array_equal(clf.predict_proba(X), before)


def test_a_diverged_replicate_leaves_its_checkpoints():
    """A replicate cut short competes where it has checkpoints only."""
    records = [{"step": np.arange(8), "loss_val": np.full(8, 1.0)},
               {"step": np.arange(3), "loss_val": np.full(3, 0.5)}, None]
    for rec, r in zip(records[:2], (0, 1), strict=True):
        n = len(rec["step"])
        rec.update(prediction_loss_rows=np.full((n, 4), rec["loss_val"][:, None]),
                   estimates=None, snapshots=[], final_state={"r": r},
                   **{k: np.full(n, float(r)) for k in
                      ("beta", "kl", "loss_train", "score_val", "score_val_se",
                       "relevance", "score_val_rows")})
    out = composite_record(records)
    np.testing.assert_array_equal(out["replicate"], [1, 1, 1, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(out["kl"], [1, 1, 1, 0, 0, 0, 0, 0])
    assert np.isnan(out["replicate_loss_val"][1, 3:]).all()
    assert np.isnan(out["replicate_loss_val"][2]).all()
    assert out["final_state"] == {"r": 0}


def test_interrupted_replicates_resume_to_the_same_path(fits, data, monkeypatch,
                                                  interrupt_at_checkpoint):
    """Stopped in replicate 1: the path so far is kept, and continue_fit
    finishes replicates 1 and 2 exactly as an uninterrupted fit."""
    _, best = fits
    X, y, X_val, y_val = data
    clf = DistributedIBClassifier(n_replicates=R, **PARAMS)
    interrupt_at_checkpoint(8 + 5)
    with pytest.warns(SweepInterruptedWarning), pytest.raises(KeyboardInterrupt):
        clf.fit(X, y, X_val=X_val, y_val=y_val)
    monkeypatch.undo()
    assert clf.fit_status_ == "interrupted"
    assert clf.information_path_.n_points == 8  # replicate 0 had finished
    assert clf.predict(X_val).shape == (len(X_val),)
    clf.continue_fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.fit_status_ == "complete"
    np.testing.assert_array_equal(clf.replicate_loss_val_, best.replicate_loss_val_)
    np.testing.assert_array_equal(clf.predict_proba(X_val), best.predict_proba(X_val))


def test_cross_validated_paths_fit_each_fold_with_its_replicates(data):
    """A batched run trains one sweep per split, so a best-of-R estimator
    is fitted fold by fold instead (never silently as one sweep)."""
    X, y, _, _ = data
    est = DistributedIBClassifier(n_replicates=2, **PARAMS)
    assert "n_replicates" in batching_obstacle(est)
    assert not use_batching(True, est)
    # the replicates are chosen on each fold's held-out rows: said aloud
    with pytest.warns(UserWarning, match="n_replicates=2 keeps.*optimistic"):
        cv = cross_validate_path(est, X, y, cv=2, random_state=0,
                                 return_estimators=True, batched=True)
    assert all(e.replicate_loss_val_.shape[0] == 2 for e in cv.estimators)


def test_n_replicates_below_one_is_rejected():
    with pytest.raises(ValueError, match="n_replicates"):
        DistributedIBClassifier(n_replicates=0).fit(np.zeros((10, 2)), [0, 1] * 5)
