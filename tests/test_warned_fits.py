"""A warning about a stored fit, turned into an error by a filter, keeps
that fit (skdib/_dib/_resume.py, ``_outcome_stored``): the β range, the
point ``keep_snapshots=False`` keeps, on every route (``fit``, a refit,
``continue_fit``, the set estimators)."""

import warnings

import numpy as np
import pytest

from skdib import DistributedIBClassifier, DistributedIBSetClassifier, InformationPath
from skdib.exceptions import BetaRangeWarning

SHORT = dict(n_pretrain_steps=20, n_steps=40, n_checkpoints=2, beta_end=1e-3,
             random_state=0)


@pytest.fixture(scope="module")
def two_targets():
    """One table, two targets that read different columns."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(250, 2))
    return X, (X[:, 0] > 0).astype(int), (X[:, 1] > 0).astype(int)


def _raised_as_error(category, func, *args, **kwargs):
    """``func(*args, **kwargs)`` with ``category`` an error (other warnings
    ignored); the warning it raised."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", category)
        with pytest.raises(category) as raised:
            func(*args, **kwargs)
    return raised.value


def test_a_first_fit_warned_about_as_an_error_is_fitted(two_targets):
    X, y, _ = two_targets
    clf = DistributedIBClassifier(**SHORT)
    error = _raised_as_error(BetaRangeWarning, clf.fit, X, y)
    assert "raise beta_end" in str(error)
    assert clf.fit_status_ == "complete"
    assert (clf.predict(X) == y).mean() > 0.9


def test_a_refit_warned_about_as_an_error_predicts_the_new_target(two_targets):
    X, y, y_other = two_targets
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = DistributedIBClassifier(**SHORT).fit(X, y)
    _raised_as_error(BetaRangeWarning, clf.fit, X, y_other)
    assert (clf.predict(X) == y_other).mean() > 0.9


def test_a_set_refit_warned_about_as_an_error_is_the_new_fit():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 4, 2))
    y = (X[:, :, 0].mean(axis=1) > 0).astype(int)
    y_other = (X[:, :, 1].mean(axis=1) > 0).astype(int)
    params = dict(encoder_hidden=(16,), decoder_width=16, **SHORT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = DistributedIBSetClassifier(**params).fit(X, y)
    _raised_as_error(BetaRangeWarning, clf.fit, X, y_other)
    assert (clf.predict(X) == y_other).mean() > (clf.predict(X) == y).mean()


def test_a_resumed_sweep_warned_about_as_an_error_is_complete(
        two_targets, interrupt_at_checkpoint, monkeypatch):
    X, y, _ = two_targets
    clf = DistributedIBClassifier(**SHORT)
    interrupt_at_checkpoint(2)
    with warnings.catch_warnings(), pytest.raises(KeyboardInterrupt):
        warnings.simplefilter("ignore")
        clf.fit(X, y)
    monkeypatch.undo()
    assert clf.fit_status_ == "interrupted"
    _raised_as_error(BetaRangeWarning, clf.continue_fit, X, y)
    assert clf.fit_status_ == "complete"
    assert clf.information_path_.n_points == 2


def test_the_point_kept_without_snapshots_is_said_once_the_fit_is_stored(
        two_targets, monkeypatch):
    """keep_snapshots=False warns when select_point chooses a point it did
    not keep; as an error, the fit stays whole (best_point_ set)."""
    X, y, _ = two_targets
    monkeypatch.setattr(InformationPath, "select_point", lambda self, rule: 0)
    clf = DistributedIBClassifier(**{**SHORT, "beta_end": 30.0},
                                  keep_snapshots=False)
    error = _raised_as_error(UserWarning, clf.fit, X, y)
    assert "keep_snapshots=False keeps only the last checkpoint" in str(error)
    assert clf.best_point_ == clf.path_point_ == 1
    assert clf.predict(X).shape == (250,)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_cross_validation_fits_every_fold_and_the_error_carries_them(
        two_targets, n_jobs):
    """As an error, a fold's warning comes once every fold is fitted, with
    every fold's estimator, with one job or several."""
    from skdib.compare import cross_validate_path

    X, y, _ = two_targets
    error = _raised_as_error(BetaRangeWarning, cross_validate_path,
                             DistributedIBClassifier(**SHORT), X, y, cv=2,
                             n_jobs=n_jobs, random_state=0)
    assert [est.fit_status_ for est in error.fitted] == ["complete"] * 2
    assert [len(val) for _, val in error.splits] == [125, 125]
    train, val = error.splits[0]
    assert (error.fitted[0].predict(X[val]) == y[val]).mean() > 0.9


def test_a_refit_whose_replicate_diverged_as_an_error_is_the_new_fit(
        two_targets, monkeypatch):
    """The warning that one of ``n_replicates`` diverged is about the fit's
    path (its later checkpoints come from the other replicates): as an
    error it once stopped the sweep there, and the refit fell back to the
    fit before it, predicting the old target."""
    from skdib._dib import _replicate_sweeps

    X, y, y_other = two_targets
    params = dict(SHORT, n_replicates=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = DistributedIBClassifier(**params).fit(X, y)
    one_sweep, calls = _replicate_sweeps.ReplicateSweepMixin._one_sweep, []

    def second_diverges(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise _replicate_sweeps.facade.TrainingStopped(
                "diverged", 3, 1e-4, "the loss is nan", None, None)
        return one_sweep(self, *args, **kwargs)

    monkeypatch.setattr(_replicate_sweeps.ReplicateSweepMixin, "_one_sweep",
                        second_diverges)
    error = _raised_as_error(RuntimeWarning, clf.fit, X, y_other)
    assert "Replicate 1 of 2 diverged" in str(error)
    assert clf.fit_status_ == "complete"
    assert (clf.predict(X) == y_other).mean() > 0.9


def test_the_warnings_of_the_folds_before_a_failed_one_are_not_lost(
        two_targets, monkeypatch):
    """With n_jobs=1 the folds warned as each ended; recorded until every
    fold is fitted, they were lost when a later fold failed (a ValueError,
    a Ctrl-C): they now come before its error."""
    from skdib._dib import _replicated_fit
    from skdib.compare import cross_validate_path

    X, y, _ = two_targets
    fit_split, calls = _replicated_fit._fit_split, []

    def third_fails(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return fit_split(*args, **kwargs)

    monkeypatch.setattr(_replicated_fit, "_fit_split", third_fails)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(KeyboardInterrupt):
            cross_validate_path(DistributedIBClassifier(**SHORT), X, y, cv=3,
                                n_jobs=1, batched=False, random_state=0)
    assert [w.category for w in caught] == [BetaRangeWarning] * 2
    assert {w.filename for w in caught} == {__file__}


def _count_and_warn(counter, i):
    """Record that task ``i`` ran, then warn about it."""
    counter.append(i)
    warnings.warn(f"task {i}", BetaRangeWarning, stacklevel=1)
    return i


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_compare_selectors_tasks_all_run_before_a_warning_made_an_error(n_jobs):
    """compare_selectors' folds (``parallel_keeping_warnings``) follow the
    rule of cross_validate_path: a warning made an error by a filter stops
    no task, with one job as with several; it comes once they are done.
    With one job it used to stop the first task, losing the others."""
    from skdib._utils._warnings import parallel_keeping_warnings

    ran = []
    with warnings.catch_warnings():
        warnings.simplefilter("error", BetaRangeWarning)
        with pytest.raises(BetaRangeWarning, match="task 0"):
            parallel_keeping_warnings(n_jobs, _count_and_warn,
                                      [(ran, i) for i in range(3)])
    if n_jobs == 1:  # in this thread: the tasks' own record of running
        assert ran == [0, 1, 2]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert parallel_keeping_warnings(n_jobs, _count_and_warn,
                                         [([], i) for i in range(3)]) == [0, 1, 2]
    assert [str(w.message) for w in caught] == ["task 0", "task 1", "task 2"]
