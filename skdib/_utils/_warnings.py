"""Warnings that point at the user's line, not at skdib's internals."""

import contextlib
import inspect
import os
import pickle
import platform
import threading
import warnings

import sklearn

# Frames from these directories are internal: the warning skips past them,
# so it names the user's call even when it goes through a Pipeline or a
# search from scikit-learn.
# (each with a trailing separator, so that a sibling such as skdib_runs/ is
# not taken for skdib/)
_INTERNAL = tuple(
    directory + os.sep for directory in (
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        os.path.dirname(os.path.abspath(sklearn.__file__))))


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


def this_process():
    """Which process runs this: (host name, process id)."""
    return platform.node(), os.getpid()


def call_keeping_warnings(origin, func, *args):
    """``func(*args)`` and the warnings it raised, for a joblib or Dask task.

    ``origin`` is :func:`this_process` of the caller. A task run in another
    process (a loky or Dask worker) records its warnings, whatever that
    process's filters, so that :func:`reraise_kept_warnings` raises them in
    the caller, under the caller's filters; if the task fails, its
    exception carries them as notes, one line per warning (notes pickle
    with the exception). A task in the caller's own process (sequential,
    or a thread) warns as it runs, and returns none.

    Tasks that run at once in threads of one worker process (a Dask worker
    with several threads) each keep their own warnings; see
    :func:`_recorded`.

    Examples
    --------
    >>> import warnings
    >>> from skdib._utils._warnings import call_keeping_warnings, this_process
    >>> call_keeping_warnings(("elsewhere", -1), warnings.warn, "late")
    (None, [UserWarning('late')])
    """
    if origin == this_process():
        return func(*args), []
    with _recorded() as caught:
        try:
            result = func(*args)
        except Exception as exc:
            for message in caught:
                _add_note(exc, f"warned before: {type(message).__name__}: "
                               f"{message}")
            raise
    return result, [_picklable(message) for message in caught]


def _add_note(exc, note):
    """``exc.add_note(note)``; on Python 3.10, which has no notes, the same
    ``__notes__`` list (shown by the ``exceptiongroup`` backport)."""
    if hasattr(exc, "add_note"):
        exc.add_note(note)
    else:
        exc.__notes__ = [*getattr(exc, "__notes__", ()), note]


class _Recording:
    """Which thread records into which list, while tasks record.

    ``warnings.catch_warnings`` swaps the process's filters and
    ``showwarning`` and puts them back on exit, so tasks overlapping in
    threads would record into each other's lists and the first to end
    would restore while the others still record. Here the first recording
    task installs one ``showwarning`` (and an 'always' filter) for the
    process, which appends each warning to the list of the task running in
    the warning's thread and passes the warnings of other threads to the
    ``showwarning`` it replaced; the last task to end restores both. While
    tasks record, the 'always' filter also shows other threads' warnings
    every time.
    """

    lock = threading.Lock()
    local = threading.local()
    tasks = 0
    saved = None  # (filters, showwarning) found by the first task

    @classmethod
    def show(cls, message, category, filename, lineno, file=None, line=None):
        caught = getattr(cls.local, "caught", None)
        if caught is not None:
            caught.append(message)
            return
        saved = cls.saved
        show = saved[1] if saved else warnings._showwarning_orig
        show(message, category, filename, lineno, file, line)

    @classmethod
    def start(cls):
        with cls.lock:
            if cls.tasks == 0:
                cls.saved = warnings.filters, warnings.showwarning
                warnings.filters = list(warnings.filters)
                warnings.simplefilter("always")
                warnings.showwarning = cls.show
            cls.tasks += 1

    @classmethod
    def stop(cls):
        with cls.lock:
            cls.tasks -= 1
            if cls.tasks == 0:
                warnings.filters, warnings.showwarning = cls.saved
                warnings._filters_mutated()
                cls.saved = None


@contextlib.contextmanager
def _recorded():
    """The warnings raised in this thread during the block, as a list (each
    the warning instance), recorded as :class:`_Recording` describes."""
    caught, outer = [], getattr(_Recording.local, "caught", None)
    started = False
    try:
        _Recording.start()
        started = True
        _Recording.local.caught = caught
        yield caught
    finally:
        _Recording.local.caught = outer
        if started:
            _Recording.stop()


def _picklable(message):
    """The warning itself, or a UserWarning naming it where it cannot be
    pickled back to the caller."""
    try:
        pickle.loads(pickle.dumps(message))
    except Exception:  # any failure: send its text instead
        return UserWarning(f"{type(message).__name__}: {message}")
    return message


def reraise_kept_warnings(outputs):
    """The results of the :func:`call_keeping_warnings` tasks ``outputs``,
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
