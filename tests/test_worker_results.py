"""What a fit in a joblib worker sends back: its errors and its warnings.

A loky worker is another process: an exception raised there comes back
pickled, and its warnings go to that process's stderr unless they are
recorded and raised again in the caller. ``n_jobs`` and ``batched`` may
change the speed of ``cross_validate_path`` only, never what the user is told.
"""

import importlib
import inspect
import pickle
import pkgutil
import warnings

import numpy as np
import pytest

import skdib
from skdib import DistributedIBClassifier
from skdib.compare import cross_validate_path
from skdib.exceptions import BetaRangeWarning, DivergenceError

TINY = dict(n_pretrain_steps=20, n_steps=60, n_checkpoints=5, n_threads=1,
            random_state=0, encoder_hidden=(8,), decoder_hidden=(16,),
            embedding_dim=2, batch_size=32, information_bounds=False,
            device="cpu")


def _skdib_exception_classes():
    """Every exception and warning class defined anywhere in skdib."""
    found = {}
    for module in pkgutil.walk_packages(skdib.__path__, "skdib."):
        if module.name.endswith("__main__"):
            continue
        for obj in vars(importlib.import_module(module.name)).values():
            if (inspect.isclass(obj) and issubclass(obj, BaseException)
                    and obj.__module__.startswith("skdib")):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
    return found


EXCEPTIONS = _skdib_exception_classes()


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


def _told(run):
    """The (category, message) of every warning ``run()`` raises, in order."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run()
    return [(w.category, str(w.message)) for w in caught]


def test_the_package_defines_the_public_exceptions():
    names = {cls.__name__ for cls in EXCEPTIONS.values()}
    assert set(skdib.exceptions.__all__) <= names


@pytest.mark.parametrize("name", sorted(EXCEPTIONS))
def test_exception_pickles_with_its_attributes(name):
    cls = EXCEPTIONS[name]
    args = ["a message"]  # the builtin __init__
    if inspect.isfunction(cls.__init__):  # its own: fill every argument
        params = list(inspect.signature(cls.__init__).parameters.values())[1:]
        # distinct numbers: they format as messages, steps and betas alike
        args = [1.5 + i for i, p in enumerate(params) if p.default is p.empty
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    error = cls(*args)
    error.extra = "set after raising"
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert str(copy) == str(error) and copy.args == error.args
    assert vars(copy) == vars(error)


def test_divergence_in_a_worker_process_reaches_the_caller(data):
    X, y = data
    est = DistributedIBClassifier(**TINY, learning_rate=1e3)
    with pytest.raises(DivergenceError, match="diverged at step") as caught:
        cross_validate_path(est, X, y, cv=2, n_jobs=2, batched=False)
    assert caught.value.step > 0 and caught.value.beta > 0


def test_worker_process_warnings_reach_the_caller(data):
    X, y = data
    est = DistributedIBClassifier(**TINY)

    def run(n_jobs, batched):
        return _told(lambda: cross_validate_path(
            est, X, y, cv=2, n_jobs=n_jobs, batched=batched, random_state=0))

    serial = run(1, False)
    assert [c for c, _ in serial] == [BetaRangeWarning] * 2
    assert run(2, False) == serial
    assert run(2, True) == serial


def test_batched_run_checks_the_beta_range_as_fit_does(data):
    X, y = data
    est = DistributedIBClassifier(**TINY)
    told = {batched: _told(lambda b=batched: cross_validate_path(
        est, X, y, cv=2, n_jobs=1, batched=b, random_state=0))
        for batched in (False, True)}
    assert [c for c, _ in told[False]] == [BetaRangeWarning] * 2
    assert told[True] == told[False]


def test_replayed_warnings_show_once_under_the_default_filter():
    from skdib._utils._warnings import reraise_kept_warnings

    twice = [(1, [UserWarning("same")]), (2, [UserWarning("same")])]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        assert reraise_kept_warnings(twice) == [1, 2]
    assert [str(w.message) for w in caught] == ["same"]


def _warns_then_fails():
    warnings.warn("only 7 validation rows", BetaRangeWarning, stacklevel=1)
    warnings.warn("a second warning", stacklevel=1)
    raise RuntimeError("diverged")


def test_failing_worker_task_hands_its_warnings_to_the_caller():
    """A task in a worker process that warns and then fails: the caller gets
    the error, carrying each warning as a note."""
    from joblib import Parallel, delayed

    from skdib._utils._warnings import call_recording_warnings

    with pytest.raises(RuntimeError, match="diverged") as info:
        Parallel(n_jobs=2)(delayed(call_recording_warnings)(_warns_then_fails)
                           for _ in range(2))
    assert info.value.__notes__ == [
        "warned before: BetaRangeWarning: only 7 validation rows",
        "warned before: UserWarning: a second warning"]


def test_tasks_in_threads_of_a_worker_keep_their_own_warnings():
    """Two tasks of one worker process overlap in threads: A ends while B
    still runs. Each keeps exactly its warnings, a warning of another
    thread meanwhile goes where it went before, and the process's warning
    machinery is as it was once both end."""
    import threading

    from skdib._utils._warnings import call_recording_warnings

    steps = {name: threading.Event()
             for name in ("a in", "b in", "a warned", "b warned", "a out")}

    def task_a():
        steps["a in"].set()
        steps["b in"].wait(10)
        warnings.warn("A's warning", stacklevel=1)
        steps["a warned"].set()
        steps["b warned"].wait(10)
        return "A"

    def task_b():
        steps["b in"].set()
        steps["a warned"].wait(10)
        warnings.warn("B's first warning", stacklevel=1)
        steps["b warned"].set()
        steps["a out"].wait(10)
        warnings.warn("B's warning after A ended", stacklevel=1)
        return "B"

    out = {}

    def run(name, task):
        out[name] = call_recording_warnings(task)
        if name == "A":
            steps["a out"].set()

    with warnings.catch_warnings(record=True) as here:
        warnings.simplefilter("always")
        filters, show = warnings.filters, warnings.showwarning
        threads = [threading.Thread(target=run, args=("A", task_a)),
                   threading.Thread(target=run, args=("B", task_b))]
        threads[0].start()
        steps["a in"].wait(10)
        threads[1].start()
        steps["b in"].wait(10)
        warnings.warn("the caller's thread", stacklevel=1)
        for thread in threads:
            thread.join()
        assert warnings.filters is filters and warnings.showwarning is show
        warnings.warn("after both", stacklevel=1)
    kept = {name: [str(m) for m in messages]
            for name, (_, messages) in out.items()}
    assert kept == {"A": ["A's warning"],
                    "B": ["B's first warning", "B's warning after A ended"]}
    assert [str(w.message) for w in here] == ["the caller's thread",
                                               "after both"]
