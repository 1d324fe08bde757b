"""A fold (or half) whose sweep diverges loses none of the others.

``cross_validate_path`` and ``stability_paths`` fit every split, in order,
with ``n_jobs`` > 1 and in a batched run too, and only then raise one
DivergenceError that carries every fitted split: nothing already fitted has
to be fitted again.

Two ways to make one split diverge cheaply: a row far outside the others
(``OUTLIER``) that a split holds out diverges at its first checkpoint for
real, also in a worker process; a checkpoint made non-finite
(``nan_at_third_checkpoint``) diverges a sweep halfway, keeping a path.
"""

import pickle
import warnings

import numpy as np
import pytest

import skdib._backend.dib._train as train_module
from skdib import DistributedIBClassifier
from skdib.compare import cross_validate_path
from skdib.exceptions import DivergenceError
from skdib.selection import stability_paths

TINY = dict(n_pretrain_steps=20, n_steps=60, n_checkpoints=5, n_threads=1,
            random_state=0, encoder_hidden=(8,), decoder_hidden=(16,),
            embedding_dim=2, batch_size=32, information_bounds=False,
            device="cpu")
OUTLIER = 5  # the row whose x2 is 1e12
# fold 0 holds the outlier out (and diverges), fold 1 trains on it
FOLDS = [(np.arange(60, 120), np.arange(60)), (np.arange(60), np.arange(60, 120))]


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    X[OUTLIER, 2] = 1e12
    return X, y


def _diverged(run):
    """The DivergenceError that ``run()`` raises (its warnings silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(DivergenceError) as info:
            run()
    return info.value


def _refit(est, X, y, split):
    """A fresh fit of ``est``'s settings and seed on ``split``."""
    train, val = split
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return DistributedIBClassifier(**est.get_params()).fit(
            X[train], y[train], X_val=X[val], y_val=y[val])


@pytest.mark.parametrize("n_jobs, batched", [(1, False), (1, True), (2, False),
                                             (2, True)])
def test_a_diverged_fold_keeps_the_others(data, n_jobs, batched):
    X, y = data
    error = _diverged(lambda: cross_validate_path(
        DistributedIBClassifier(**TINY), X, y, cv=FOLDS, random_state=0,
        n_jobs=n_jobs, batched=batched))
    # the fold's own message on the first line (all that the command line
    # shows), what the error keeps after it
    first, rest = str(error).split("\n")
    assert first.startswith("Fold 0 of 2 diverged. The β sweep diverged at step")
    assert "Try a lower learning_rate" in first
    assert rest.startswith("Every fold was fitted all the same: error.fitted")
    assert error.fold == 0 and error.step > 0 and error.beta > 0
    for (train, val), (kept_train, kept_val) in zip(FOLDS, error.splits,
                                                    strict=True):
        np.testing.assert_array_equal(kept_train, train)
        np.testing.assert_array_equal(kept_val, val)
    lost, kept = error.fitted  # fold 0 diverged before its first checkpoint
    assert lost is None and kept.fit_status_ == "complete"
    # the kept fold is the fit of its split, whichever way it was run
    alone = _refit(kept, X, y, FOLDS[1])
    np.testing.assert_allclose(kept.information_path_.information,
                               alone.information_path_.information,
                               rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(kept.predict_proba(X[60:]),
                               alone.predict_proba(X[60:]), atol=1e-3)


@pytest.fixture
def nan_at_third_checkpoint(monkeypatch):
    """Every sweep validated on 61 rows gets a NaN KL at its third
    checkpoint (counted per network: a batched run's replicate and its
    refit alone each count their own)."""
    real, seen = train_module._checkpoint, {}

    def checkpoint(model, data, *args, **kwargs):
        point = real(model, data, *args, **kwargs)
        if data[2].shape[0] == 61:
            seen[model] = seen.get(model, 0) + 1
            if seen[model] == 3:
                point["kl"] = point["kl"] * np.nan
        return point

    monkeypatch.setattr(train_module, "_checkpoint", checkpoint)
    return monkeypatch


@pytest.mark.parametrize("batched", [False, True])
def test_a_fold_that_diverges_halfway_keeps_its_path(data, batched,
                                                      nan_at_third_checkpoint):
    X, y = data
    rows = np.arange(len(X))
    rows = rows[rows != OUTLIER]  # no real divergence here
    folds = [(rows[61:], rows[:61]), (rows[:61], rows[61:])]  # 61 and 58 held out
    error = _diverged(lambda: cross_validate_path(
        DistributedIBClassifier(**TINY), X, y, cv=folds, random_state=0,
        batched=batched))
    assert str(error).startswith("Fold 0 of 2 diverged")
    assert "a channel's KL is nan" in str(error)
    halfway, complete = error.fitted
    assert error.fold == 0 and halfway.fit_status_ == "diverged"
    assert halfway.information_path_.n_points == 2
    assert error.beta > halfway.information_path_.beta[-1]
    assert complete.fit_status_ == "complete"
    assert complete.information_path_.n_points == TINY["n_checkpoints"]
    assert np.isfinite(halfway.predict_proba(X)).all()
    # the diverged fold resumes on its rows, from its last checkpoint
    nan_at_third_checkpoint.undo()
    train, val = error.splits[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        halfway.continue_fit(X[train], y[train], X_val=X[val], y_val=y[val])
    assert halfway.fit_status_ == "complete"
    assert halfway.information_path_.n_points == TINY["n_checkpoints"]


def test_the_error_pickles_with_the_folds(data):
    X, y = data
    error = _diverged(lambda: cross_validate_path(
        DistributedIBClassifier(**TINY), X, y, cv=FOLDS, random_state=0,
        batched=False))
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is DivergenceError and str(copy) == str(error)
    assert (copy.fold, copy.step, copy.beta) == (0, error.step, error.beta)
    assert copy.fitted[0] is None
    np.testing.assert_array_equal(copy.fitted[1].information_path_.information,
                                  error.fitted[1].information_path_.information)
    np.testing.assert_array_equal(copy.splits[1][1], FOLDS[1][1])


def test_stability_paths_keep_the_halves_that_did_not_diverge(data):
    """The halves that hold the outlier out diverge, the others finish."""
    X, y = data
    error = _diverged(lambda: stability_paths(
        DistributedIBClassifier(**TINY), X, y, n_resamples=4, random_state=0,
        batched=False))
    held_out = [i for i, (_, val) in enumerate(error.splits) if OUTLIER in val]
    assert 0 < len(held_out) < 4  # the test needs both kinds
    assert [i for i, est in enumerate(error.fitted) if est is None] == held_out
    assert all(est.fit_status_ == "complete" for i, est in
               enumerate(error.fitted) if i not in held_out)
    assert error.fold == held_out[0]
    which = (f"Half {held_out[0]} of 4 diverged. The β sweep"
             if len(held_out) == 1 else "Halves " + ", ".join(map(str, held_out))
             + f" of 4 diverged; the first, half {held_out[0]}: The β sweep")
    assert str(error).startswith(which)
    assert "\nEvery half was fitted all the same" in str(error)


def test_stability_paths_batched_fit_each_half_alone_after_a_divergence(data):
    """The halves that hold the outlier out stop the batched run at their
    first checkpoint; every half is then fitted alone, so the kept halves
    are exactly those of ``batched=False``."""
    X, y = data
    errors = [_diverged(lambda b=batched: stability_paths(
        DistributedIBClassifier(**TINY), X, y, n_resamples=4, random_state=0,
        batched=b)) for batched in (True, False)]
    assert str(errors[0]) == str(errors[1])
    kept = [i for i, est in enumerate(errors[1].fitted) if est is not None]
    assert 0 < len(kept) < 4
    assert [i for i, est in enumerate(errors[0].fitted) if est is not None] == kept
    for i in kept:
        np.testing.assert_array_equal(
            errors[0].fitted[i].information_path_.information,
            errors[1].fitted[i].information_path_.information)


def test_many_stopped_splits_cost_one_batched_run(monkeypatch):
    """Every replicate of a batched group diverges: the group costs its one
    stopped run plus one fit per split, with no recursion (600 splits used
    to run ~500 nested batched runs and then raise a RecursionError)."""
    import skdib._dib._replicated_fit as replicated_fit
    from skdib._backend import facade

    class Template:
        _recipe = {"batch_size": 32}

        def _train_config(self, progress):
            return {}

    runs, alone = [], []

    def stop(reps, template):
        runs.append(len(reps))
        raise facade.ReplicateDiverged(0, 1, 0.1, "loss is nan")

    def fit_alone(estimator, X, y, train, val, seed):
        alone.append(seed)
        return None, DivergenceError("loss is nan", 1, 0.1)

    monkeypatch.setattr(replicated_fit, "_prepare", lambda *args: {
        "est": Template(), "net": None, "data": {"X_train": [0]}})
    monkeypatch.setattr(facade, "can_batch", lambda *args: True)
    monkeypatch.setattr(replicated_fit, "_train", stop)
    monkeypatch.setattr(replicated_fit, "_fit_split", fit_alone)
    out = replicated_fit._fit_batch(None, None, None, [(None, None)] * 600,
                                    list(range(600)))
    assert runs == [600] and alone == list(range(600)) and len(out) == 600


def test_a_weighted_dataframe_fold_resumes_as_documented(
        data, nan_at_third_checkpoint):
    """The recipe of the error (its message and DivergenceError.splits):
    the fold's rows of X, y and sample_weight, by position. The resumed
    fold equals the fold's uninterrupted weighted fit."""
    pd = pytest.importorskip("pandas")
    X, y = data
    rows = np.arange(len(X))
    rows = rows[rows != OUTLIER]
    folds = [(rows[61:], rows[:61]), (rows[:61], rows[61:])]
    index = np.arange(len(X))[::-1] * 10  # labels that are not positions
    frame = pd.DataFrame(X, columns=["a", "b", "c"], index=index)
    target = pd.Series(y, index=index)
    w = np.random.default_rng(1).uniform(0.5, 2.0, size=len(X))
    error = _diverged(lambda: cross_validate_path(
        DistributedIBClassifier(**TINY), frame, target, cv=folds,
        random_state=0, sample_weight=w))
    assert "those rows of X, y and sample_weight" in str(error).split("\n")[1]
    nan_at_third_checkpoint.undo()
    est, (train, val) = error.fitted[error.fold], error.splits[error.fold]
    assert est.fit_status_ == "diverged"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.continue_fit(frame.iloc[train], target.iloc[train],
                         sample_weight=w[train], X_val=frame.iloc[val],
                         y_val=target.iloc[val])
        whole = DistributedIBClassifier(**est.get_params()).fit(
            frame.iloc[train], target.iloc[train], sample_weight=w[train],
            X_val=frame.iloc[val], y_val=target.iloc[val])
    assert est.fit_status_ == "complete"
    np.testing.assert_array_equal(est.information_path_.information,
                                  whole.information_path_.information)


def test_the_command_line_error_drops_the_folds(monkeypatch):
    """``skdib analyze`` shows a diverged fold's first line; its error keeps
    no reference to the DivergenceError (which holds every fitted fold), not
    even as the implicit ``__context__``."""
    from skdib._cli import _scores
    from skdib._cli._data import CLIError

    def diverge(*args, **kwargs):
        raise DivergenceError("Fold 0 of 2 diverged.\nEvery fold was fitted",
                              30, 0.5, fitted=[object(), None], fold=1,
                              splits=[])

    monkeypatch.setattr(_scores, "cross_validate_path", diverge)
    X = np.random.default_rng(0).normal(size=(40, 2))
    y = (X[:, 0] > 0).astype(int)
    with pytest.raises(CLIError, match="Fold 0 of 2 diverged.; use") as info:
        _scores.cross_validated_scores(DistributedIBClassifier(), X, y,
                                       task="classification", cv=2)
    assert info.value.__context__ is None and info.value.__cause__ is None
