"""How a worker task records warnings: its helper threads, the process's
hook after other threads' ``catch_warnings``, the notes of a failed task,
and the line a warning names when joblib runs the tasks in this thread."""

import threading
import warnings

import numpy as np
import pytest
from joblib import Parallel, delayed

from skdib import DistributedIBClassifier
from skdib._utils import _warnings as kept_warnings
from skdib._utils._warnings import call_recording_warnings, reraise_kept_warnings
from skdib.compare import cross_validate_path


def _leaf(i):
    warnings.warn(f"helper {i}", stacklevel=1)


def _task_with_helper_threads():
    Parallel(n_jobs=2, prefer="threads")(delayed(_leaf)(i) for i in range(4))
    return 1


def test_warnings_of_a_tasks_helper_threads_reach_the_caller():
    """A worker task that starts threads (a downstream estimator with
    n_jobs=2): the caller gets the warnings of those threads too."""
    with warnings.catch_warnings(record=True) as here:
        warnings.simplefilter("always")
        reraise_kept_warnings(Parallel(n_jobs=2)(
            delayed(call_recording_warnings)(_task_with_helper_threads)
            for _ in range(2)))
    assert sorted(str(w.message) for w in here) == sorted(
        f"helper {i}" for i in range(4) for _ in range(2))


def _two_waiting_tasks(go):
    """Two tasks recording at once in threads, each waiting for ``go``."""
    ready = threading.Barrier(3)

    def task():
        ready.wait(10)
        go.wait(10)

    threads = [threading.Thread(target=call_recording_warnings, args=(task,))
               for _ in range(2)]
    for thread in threads:
        thread.start()
    ready.wait(10)
    return threads


def test_hook_put_back_by_another_thread_does_not_recurse():
    """Another thread's catch_warnings puts the recording hook back after
    the last task ended; while later tasks record, a warning that is passed
    on reaches Python's own hook, not the recording hook again."""
    steps = {k: threading.Event() for k in ("task in", "other in", "task out")}

    def task():
        steps["task in"].set()
        steps["other in"].wait(10)

    def other():
        steps["task in"].wait(10)
        with warnings.catch_warnings():
            steps["other in"].set()
            steps["task out"].wait(10)

    with warnings.catch_warnings():
        threads = [threading.Thread(target=lambda: (
                       call_recording_warnings(task),
                       steps["task out"].set())),
                   threading.Thread(target=other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert warnings.showwarning == kept_warnings._Recording.show
        go = threading.Event()
        threads = _two_waiting_tasks(go)
        try:
            warnings.warn("passed on", stacklevel=1)  # RecursionError before
        finally:
            go.set()
            for thread in threads:
                thread.join()


def _warns_often_then_fails():
    for _ in range(300):
        warnings.warn("same text", stacklevel=1)
    for i in range(12):
        warnings.warn(f"text {i}", stacklevel=1)
    raise RuntimeError("failed")


def test_notes_of_a_failed_task_fold_repeats_and_are_capped():
    with pytest.raises(RuntimeError) as info:
        call_recording_warnings(_warns_often_then_fails)
    notes = info.value.__notes__
    assert notes[0] == "warned before: UserWarning: same text (x300)"
    assert notes[1] == "warned before: UserWarning: text 0"
    assert len(notes) == kept_warnings.MAX_NOTES + 1
    assert notes[-1] == "warned before: ... and 3 more different warnings"


def test_interrupt_while_starting_leaves_nothing_installed(monkeypatch):
    """A KeyboardInterrupt inside start (after the hook is installed, before
    the task is counted) must not leave the hook installed."""
    filters, show = warnings.filters, warnings.showwarning

    def interrupted_simplefilter(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(warnings, "simplefilter", interrupted_simplefilter)
    with pytest.raises(KeyboardInterrupt):
        call_recording_warnings(int)
    monkeypatch.undo()
    assert warnings.showwarning is show
    assert warnings.filters is filters
    assert kept_warnings._Recording.saved is None


def test_warnings_of_sequential_cross_validation_name_the_callers_line():
    """With n_jobs=1 joblib runs the folds in this thread: the warning
    still names this file, not joblib's."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 3))
    y = (X[:, 0] > 0).astype(int)
    est = DistributedIBClassifier(
        encoder_hidden=(8,), embedding_dim=2, decoder_hidden=(8,),
        n_pretrain_steps=10, n_steps=20, n_checkpoints=3, random_state=0,
        n_threads=1, beta_end=1e-3, information_bounds=False, device="cpu")
    with warnings.catch_warnings(record=True) as here:
        warnings.simplefilter("always")
        cross_validate_path(est, X, y, cv=3, random_state=0, n_jobs=1,
                            batched=False)
    assert here
    assert {w.filename for w in here} == {__file__}
