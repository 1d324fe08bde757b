"""Warnings that point at the user's line, not at skdib's internals."""

import contextlib
import inspect
import os
import pickle
import threading
import warnings

import joblib
import sklearn
from joblib import Parallel, delayed, effective_n_jobs

# Frames from these directories are internal: the warning skips past them,
# so it names the user's call even when it goes through a Pipeline or a
# search from scikit-learn, or through joblib's Parallel when it runs the
# tasks in this thread (n_jobs=1).
# (each with a trailing separator, so that a sibling such as skdib_runs/ is
# not taken for skdib/)
_INTERNAL = tuple(
    directory + os.sep for directory in (
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        os.path.dirname(os.path.abspath(sklearn.__file__)),
        os.path.dirname(os.path.abspath(joblib.__file__))))


def user_stacklevel():
    """The ``stacklevel`` for :func:`warnings.warn` that names the first
    frame outside skdib and scikit-learn: the line of user code that led to
    the warning (1, the warning's own line, if there is none).

    Examples
    --------
    >>> from skdib._utils._warnings import user_stacklevel
    >>> user_stacklevel() >= 1
    True
    """
    frame = inspect.currentframe()
    level = 0
    try:
        while frame is not None and os.path.abspath(
                frame.f_code.co_filename).startswith(_INTERNAL):
            frame = frame.f_back
            level += 1
    finally:
        del frame
    return max(level, 1)


def call_recording_warnings(func, *args):
    """``func(*args)`` and the warnings it raised, for a joblib or Dask task,
    recorded wherever it runs.

    The task records its warnings, whatever its process's filters, so that
    :func:`reraise_kept_warnings` raises them in the caller, under the
    caller's filters; if the task fails, its exception carries them as
    notes instead (notes pickle with the exception; see
    :func:`_warned_before`), which the caller's filters do not reach. A task
    run in the caller's own thread (joblib's ``n_jobs=1``) records them too,
    so it tells the caller what a worker process's task tells it, in the
    same order and at the same time, whatever the caller's filters would
    have done to them in the middle of the task (an error stops no task).

    The warnings of threads that the task starts (joblib threads, a
    thread pool) are kept too while the task is the only one recording in
    its process; see :class:`_Recording` for tasks that run at once in
    threads of one worker process (a Dask worker with several threads).

    Examples
    --------
    >>> import warnings
    >>> from skdib._utils._warnings import call_recording_warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error")
    ...     call_recording_warnings(warnings.warn, "kept")
    (None, [UserWarning('kept')])
    """
    with _recorded() as caught:
        try:
            result = func(*args)
        except BaseException as exc:  # a Ctrl-C in this process too
            for note in _warned_before(caught):
                add_note(exc, note)
            raise
    return result, [_picklable(message) for message in caught]


MAX_NOTES = 10


def _warned_before(caught):
    """The notes for a failed task's warnings ``caught``: one line per
    distinct warning (category and text), in the order first raised, with
    how many times it was raised where more than once; at most
    ``MAX_NOTES`` lines, then one line that counts the rest.

    Examples
    --------
    >>> from skdib._utils._warnings import _warned_before
    >>> _warned_before([UserWarning("a"), UserWarning("a"), UserWarning("b")])
    ['warned before: UserWarning: a (x2)', 'warned before: UserWarning: b']
    """
    counts = {}
    for message in caught:
        key = f"{type(message).__name__}: {message}"
        counts[key] = counts.get(key, 0) + 1
    notes = [f"warned before: {key}" + (f" (x{count})" if count > 1 else "")
             for key, count in counts.items()]
    if len(notes) > MAX_NOTES:
        rest = len(notes) - MAX_NOTES
        notes = [*notes[:MAX_NOTES],
                 f"warned before: ... and {rest} more different warnings"]
    return notes


def add_note(exc, note):
    """``exc.add_note(note)``; on Python 3.10, which has no notes, the same
    ``__notes__`` list (shown by the ``exceptiongroup`` backport)."""
    if hasattr(exc, "add_note"):
        exc.add_note(note)
    else:
        exc.__notes__ = [*getattr(exc, "__notes__", ()), note]


class _Recording:
    """Which task records which warnings, while tasks record.

    ``warnings.catch_warnings`` swaps the process's filters and
    ``showwarning`` and puts them back on exit, so tasks overlapping in
    threads would record into each other's lists and the first to end
    would restore while the others still record. Here the first recording
    task installs one ``showwarning`` (and an 'always' filter) for the
    process; the last task to end restores both. ``show`` gives each
    warning to

    - the task recording in the warning's thread, if there is one;
    - else the one task recording in this process, if there is exactly one
      (so a task keeps the warnings of the threads it starts: joblib
      threads, a thread pool);
    - else (several tasks at once, none in this thread) to the
      ``showwarning`` it replaced, as if nothing recorded: a warning from a
      helper thread of one of several overlapping tasks is not kept.

    While tasks record, the 'always' filter also shows other threads'
    warnings every time.
    """

    lock = threading.Lock()
    local = threading.local()
    active = ()  # the lists of the tasks recording now
    saved = None  # (filters, showwarning) found by the first task

    @classmethod
    def show(cls, message, category, filename, lineno, file=None, line=None):
        caught = getattr(cls.local, "caught", None)
        active = cls.active
        if caught is None and len(active) == 1:
            caught = active[0]
        if caught is not None:
            caught.append(message)
            return
        saved = cls.saved
        cls.original(saved[1] if saved else None)(
            message, category, filename, lineno, file, line)

    @classmethod
    def original(cls, hook):
        """``hook``, unless it is missing or this class's own ``show``
        (which another thread's ``catch_warnings`` may have put back after
        the last task ended): then Python's own ``showwarning``."""
        if hook is None or hook == cls.show:
            return warnings._showwarning_orig
        return hook

    @classmethod
    def start(cls, caught):
        with cls.lock:
            if cls.saved is None:
                cls.saved = (warnings.filters,
                             cls.original(warnings.showwarning))
                warnings.filters = list(warnings.filters)
                warnings.simplefilter("always")
                warnings.showwarning = cls.show
            cls.active = (*cls.active, caught)
            cls.local.caught = caught

    @classmethod
    def stop(cls, caught, outer):
        """End the task that records into ``caught``; safe after a
        ``start`` that an exception (KeyboardInterrupt) cut short."""
        with cls.lock:
            cls.local.caught = outer
            cls.active = tuple(c for c in cls.active if c is not caught)
            if not cls.active and cls.saved is not None:
                warnings.filters, warnings.showwarning = cls.saved
                warnings._filters_mutated()
                cls.saved = None


@contextlib.contextmanager
def _recorded():
    """The warnings raised during the block, as a list (each the warning
    instance), recorded as :class:`_Recording` describes."""
    caught, outer = [], getattr(_Recording.local, "caught", None)
    try:
        _Recording.start(caught)
        yield caught
    finally:
        _Recording.stop(caught, outer)


def _picklable(message):
    """The warning itself, or a UserWarning naming it where it cannot be
    pickled back to the caller."""
    try:
        pickle.loads(pickle.dumps(message))
    except Exception:  # any failure: send its text instead
        return UserWarning(f"{type(message).__name__}: {message}")
    return message


def parallel_keeping_warnings(n_jobs, func, calls):
    """``[func(*args) for args in calls]`` run by joblib's ``Parallel(n_jobs)``,
    every task's warnings recorded (:func:`recording_parallel`) and raised
    again here once all are done (:func:`reraise_kept_warnings`): ``n_jobs``
    changes the speed only, and a filter that makes a warning an error
    stops no task, with one job as with several.

    Examples
    --------
    >>> from skdib._utils._warnings import parallel_keeping_warnings
    >>> parallel_keeping_warnings(1, pow, [(2, 3), (3, 2)])
    [8, 9]
    """
    return reraise_kept_warnings(recording_parallel(n_jobs, func, calls))


def recording_parallel(n_jobs, func, calls):
    """``[(func(*args), its warnings) for args in calls]`` run by joblib's
    ``Parallel(n_jobs)``, each task recording its warnings wherever it runs
    (:func:`call_recording_warnings`), so that a filter that makes one an
    error stops no task, with any ``n_jobs``; the caller raises them again.

    With one job the tasks run one by one in this thread, so that where
    one fails (an error, a Ctrl-C) the warnings of those finished before it
    are raised before its error (:func:`_warn_before_failing`), as they
    were when each task warned as it ran; the failed task's own come as
    notes on its error. (With more jobs joblib returns no finished task's
    output once one fails.)

    Examples
    --------
    >>> import warnings
    >>> from skdib._utils._warnings import recording_parallel
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error")
    ...     recording_parallel(1, warnings.warn, [("a",), ("b",)])
    [(None, [UserWarning('a')]), (None, [UserWarning('b')])]
    """
    tasks = [delayed(call_recording_warnings)(func, *args) for args in calls]
    if effective_n_jobs(n_jobs) > 1:
        return Parallel(n_jobs=n_jobs)(tasks)
    outputs = []
    try:
        for task, args, kwargs in tasks:
            outputs.append(task(*args, **kwargs))
    except BaseException as exc:
        _warn_before_failing(exc, [caught for _, caught in outputs])
        raise
    return outputs


def _warn_before_failing(exc, kept):
    """Raise the finished tasks' warnings ``kept`` here while ``exc`` is on
    its way up; one that a filter turns into an error becomes a note on
    ``exc`` instead (``exc`` stays the error raised)."""
    for caught in kept:
        for message in caught:
            try:
                warnings.warn(message, stacklevel=user_stacklevel())
            except Warning as error:
                add_note(exc, f"warned before: {type(error).__name__}: {error}")


def reraise_kept_warnings(outputs):
    """The results of the :func:`call_recording_warnings` tasks ``outputs``,
    each task's warnings raised again here, in order, at the user's line:
    the caller's filters then show each once, as if the tasks had run here.

    Examples
    --------
    >>> import warnings
    >>> from skdib._utils._warnings import reraise_kept_warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     reraise_kept_warnings([(1, [UserWarning("a")]), (2, [])])
    [1, 2]
    >>> [str(w.message) for w in caught]
    ['a']
    """
    results = []
    for result, caught in outputs:
        for message in caught:
            warnings.warn(message, stacklevel=user_stacklevel())
        results.append(result)
    return results
