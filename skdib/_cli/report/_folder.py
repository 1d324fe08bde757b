"""The report folder: the files a report writes, and which folders may hold them."""

import json
import os
import shutil
import signal
from pathlib import Path

from skdib._cli._data import CLIError

__all__ = ["FIGURE_FILES", "REPORT_FILES", "check_out_folder", "is_report",
           "partial_folder", "place_report"]

#: Every figure a report can hold; those a report does not draw are removed.
FIGURE_FILES = ("information_plane.png", "information_allocation.png",
                "distinguishability.png", "subset_frontier.png")
#: Every file a report writes (or removes).
REPORT_FILES = ("index.html", "path.csv", "model.joblib", "run.json", *FIGURE_FILES)


def _entries(folder):
    """The names in ``folder``, hidden ones (".…") aside, sorted."""
    return sorted(p.name for p in Path(folder).iterdir()
                  if not p.name.startswith("."))


def is_report(folder):
    """Whether ``folder`` holds a report that skdib wrote.

    Only a ``run.json`` that skdib wrote says so: one holding the
    ``skdib ...`` command line and the skdib version. A report is written
    whole in a folder of its own and moved in with its ``run.json`` last
    (:func:`place_report`), so a folder marked so holds a whole report.
    Files that are merely named like a report's (a ``model.joblib`` of your
    own) are not a report.

    Parameters
    ----------
    folder : Path
        An existing folder.

    Returns
    -------
    bool
    """
    try:
        run = json.loads((Path(folder) / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):  # missing, unreadable, not JSON, not UTF-8
        return False
    return (isinstance(run, dict) and isinstance(run.get("versions"), dict)
            and "skdib" in run["versions"]
            and str(run.get("command", "")).startswith("skdib"))


def _same_file(a, b):
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist
        return False


def check_out_folder(out, inputs=()):
    """Refuse an ``--out`` folder whose files the report must not replace.

    The report replaces its own files (:data:`REPORT_FILES`) and nothing
    else, so it may go into a missing or empty folder, or over an earlier
    report (:func:`is_report`). It never goes where one of its files would be
    one of the ``inputs``, even in an earlier report's folder; and never
    into a folder of other files, where a ``path.csv`` or ``index.html`` may
    be someone's own. Raises :class:`CLIError` before any work is done.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise CLIError(f"--out {out} is a file; give a folder for the report")
    if not out.is_dir():
        return
    for source in inputs:
        clash = next((name for name in REPORT_FILES
                      if _same_file(out / name, source)), None)
        if clash is not None:
            raise CLIError(
                f"--out {out} would overwrite the input {source} with the "
                f"report's {clash}; choose another folder for the report")
    others = _entries(out)
    if others and not is_report(out):
        shown = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
        raise CLIError(
            f"--out {out} is not empty ({shown}) and holds no earlier skdib "
            "report, whose files it could replace; choose another folder or "
            "empty it")


def partial_folder(out):
    """Where the partial report of an interrupted run goes.

    Into ``out`` when it holds no earlier report; otherwise, so that the
    earlier (whole) report is kept, into a new sibling ``<out>-interrupted``
    (``-interrupted-2``, ``-3``... when that exists).

    Parameters
    ----------
    out : str or Path
        The ``--out`` folder.

    Returns
    -------
    folder : Path
    """
    out = Path(out).resolve()
    if not (out.is_dir() and is_report(out)):
        return out
    candidate, n = out.with_name(f"{out.name}-interrupted"), 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = out.with_name(f"{out.name}-interrupted-{n}")
    return candidate


def _move_in(tmp, out):
    """Move the report in ``tmp`` into ``out``, ``run.json`` last.

    An earlier report's ``run.json`` goes first, so that a move cut short
    leaves a folder that is not marked as a report; figures the new report
    does not draw are removed."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "run.json").unlink(missing_ok=True)
    names = {p.name for p in tmp.iterdir()}
    for name in sorted(set(FIGURE_FILES) - names):
        (out / name).unlink(missing_ok=True)
    for name in sorted(names - {"run.json"}):
        os.replace(tmp / name, out / name)
    os.replace(tmp / "run.json", out / "run.json")


def _move_in_whole(tmp, out):
    """:func:`_move_in`, with Ctrl-C ignored for the few renames it takes
    (a folder left half moved is worse than a command that ends a moment
    later)."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: signals cannot reach it
        previous = None
    try:
        _move_in(tmp, out)
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def place_report(out, write):
    """Write a report into a temporary sibling of ``out``, then move it in.

    ``write(folder)`` writes the report into a new hidden folder beside
    ``out`` (``.<out>.writing-<pid>``). Only when it has returned are its
    files moved into ``out``, replacing an earlier report's, with
    ``run.json`` last and Ctrl-C ignored during the move. On any error or
    interrupt the temporary folder is removed and ``out`` is left as it was.

    Parameters
    ----------
    out : str or Path
        The report folder, created when missing.
    write : callable
        ``write(folder)`` writes the report there and returns the path of
        its ``index.html``.

    Returns
    -------
    index : Path
        ``out / "index.html"``.
    """
    out = Path(out).resolve()
    tmp = out.with_name(f".{out.name}.writing-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        tmp.mkdir(parents=True)
        write(tmp)
        _move_in_whole(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out / "index.html"
