"""Warnings that point at the user's line, not at skdib's internals."""

import inspect
import os
import pickle
import platform
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
    the caller, under the caller's filters. A task in the caller's own
    process (sequential, or a thread) warns as it runs, and returns none.

    Examples
    --------
    >>> import warnings
    >>> from skdib._utils._warnings import call_keeping_warnings, this_process
    >>> call_keeping_warnings(("elsewhere", -1), warnings.warn, "late")
    (None, [UserWarning('late')])
    """
    if origin == this_process():
        return func(*args), []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = func(*args)
    return result, [_picklable(record.message) for record in caught]


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
