"""Warnings that point at the user's line, not at skdib's internals."""

import inspect
import os

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
