"""The report folder: the files a report writes, and which folders may hold them."""

import errno
import json
import os
import re
import shutil
import signal
from pathlib import Path

from skdib._cli._data import CLIError

__all__ = ["FIGURE_FILES", "REPORT_FILES", "check_out_folder", "half_moved",
           "is_report", "partial_folder", "place_report"]

#: Every figure a report can hold; those a report does not draw are removed.
FIGURE_FILES = ("information_plane.png", "information_allocation.png",
                "distinguishability.png", "subset_frontier.png")
#: Every file a report writes (or removes).
REPORT_FILES = ("index.html", "path.csv", "model.joblib", "run.json", *FIGURE_FILES)
#: The hidden folder inside ``--out`` where a report is written
#: (``.skdib-writing-<process id>``).
WRITING = ".skdib-writing-"
#: The names of the partial reports inside an earlier report's folder.
_PARTIAL = re.compile(r"interrupted(?:-[1-9]\d*)?$")
#: The hidden file that marks ``--out`` while a report is moved in.
MOVING = ".skdib-moving"


def _entries(folder):
    """The names in ``folder``, sorted, leaving aside hidden ones (".…") and
    the partial reports of interrupted runs (``interrupted``,
    ``interrupted-2``... holding a report: :func:`partial_folder`)."""
    return sorted(p.name for p in Path(folder).iterdir()
                  if not p.name.startswith(".")
                  and not (_PARTIAL.match(p.name) and p.is_dir()
                           and is_report(p)))


def is_report(folder):
    """Whether ``folder`` holds a report that skdib wrote.

    A ``run.json`` that skdib wrote says so (one holding the ``skdib ...``
    command line and the skdib version), and so does the hidden file
    ``.skdib-moving`` that :func:`place_report` leaves there while it moves
    a report in: a folder whose move was cut short (a kill, a power loss, a
    failed rename) is still skdib's, and the next report replaces it. Files
    that are merely named like a report's (a ``model.joblib`` of your own)
    are not a report.

    Parameters
    ----------
    folder : Path
        An existing folder.

    Returns
    -------
    bool
    """
    try:
        if (Path(folder) / MOVING).read_text(
                encoding="utf-8").startswith("skdib"):
            return True
    except (OSError, ValueError):
        pass
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


def _nearest_present(out):
    """``out``, or the nearest of its parents that is there (a symbolic
    link counts, whether or not it leads anywhere)."""
    where = out
    while not os.path.lexists(where) and where.parent != where:
        where = where.parent
    return where


def _unreachable(where, exc):
    """Why ``where``, which is there (:func:`os.path.lexists`), cannot be
    followed: ``exc`` is the error of following it."""
    if exc.errno == errno.ELOOP:
        return "is a symbolic link that loops back on itself"
    if where.is_symlink() and exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return (f"is a symbolic link to {os.readlink(where)}, which does not "
                "exist (a dangling link)")
    return f"cannot be reached ({exc.strerror or exc})"


def _check_place(out):
    """Refuse an ``--out`` that no report can be written to, before the fit:
    one that leads through a file (``data.csv/report``), through a symbolic
    link to nothing or a loop of links, or that cannot be written (or,
    when missing, whose nearest existing parent cannot be)."""
    where = _nearest_present(out)
    whose = "" if where == out else f"its parent {where} "
    try:
        where.stat()
    except OSError as exc:  # a link to nothing, a loop of links
        raise CLIError(f"--out {out}: {whose}{_unreachable(where, exc)}; give a "
                       "folder that exists or can be created") from None
    if not where.is_dir():
        raise CLIError(f"--out {out}: {whose}is a file, not a folder; give a "
                       "folder for the report")
    if not os.access(where, os.W_OK | os.X_OK):
        raise CLIError(f"--out {out}: {whose}is not writable; choose a folder "
                       "you may write to")


def check_out_folder(out, inputs=()):
    """Refuse an ``--out`` folder whose files the report must not replace.

    The report replaces its own files (:data:`REPORT_FILES`) and nothing
    else, so it may go into a missing or empty folder, or over an earlier
    report (:func:`is_report`). It never goes where one of its files would be
    one of the ``inputs``, even in an earlier report's folder; and never
    into a folder of other files, where a ``path.csv`` or ``index.html`` may
    be someone's own; and never where it cannot write (``--out`` itself,
    or the folder it would be created in), nor through a file
    (``data.csv/report``) or a symbolic link that leads nowhere
    (:func:`_check_place`). Raises :class:`CLIError` before any work is
    done.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise CLIError(f"--out {out} is a file; give a folder for the report")
    _check_place(out.absolute())
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
    earlier (whole) report is kept, into a new folder inside it,
    ``out/interrupted`` (``interrupted-2``, ``-3``... when that exists):
    ``out`` is writable (:func:`check_out_folder`), its parent may not be.

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
    candidate, n = out / "interrupted", 1
    while candidate.exists() or candidate.is_symlink():
        n += 1
        candidate = out / f"interrupted-{n}"
    return candidate


def _moving_text(tmp):
    """The marker's text: skdib, the process and the run's command line."""
    try:
        command = json.loads((tmp / "run.json").read_text(encoding="utf-8"))[
            "command"]
    except (OSError, ValueError, KeyError, TypeError):
        command = "skdib"
    return (f"skdib is moving a report in here (process {os.getpid()}); "
            f"the run: {command}\n")


def _move_in(tmp, out):
    """Move the report in ``tmp`` into ``out``, ``run.json`` last.

    The marker :data:`MOVING` goes first and is removed last, so a move cut
    short leaves a folder that the next run knows as skdib's; then an
    earlier report's ``run.json``, so such a folder never passes for a
    whole report. Figures the new report does not draw are removed."""
    (out / MOVING).write_text(_moving_text(tmp), encoding="utf-8")
    (out / "run.json").unlink(missing_ok=True)
    names = {p.name for p in tmp.iterdir()}
    for name in sorted(set(FIGURE_FILES) - names):
        (out / name).unlink(missing_ok=True)
    for name in sorted(names - {"run.json"}):
        os.replace(tmp / name, out / name)
    os.replace(tmp / "run.json", out / "run.json")
    (out / MOVING).unlink()


def half_moved(out):
    """What the command says after a failed write of ``out``: where a move
    was cut short (its marker is left), that the folder now holds part of
    this report and part of the earlier one; else nothing."""
    if not (Path(out) / MOVING).exists():
        return ""
    return ("; the folder now holds part of this report and part of the "
            "earlier one, and the next run into it replaces them")


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


def _alive(pid):
    """Whether process ``pid`` may still be running (on Windows, where it
    cannot be asked without harm, always)."""
    if os.name == "nt":
        return True
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError, ValueError):
        return False
    except OSError:  # another user's process
        return True
    return True


def _remove_stale(out):
    """Remove the temporary folders in ``out`` of runs that are gone (and
    this process's own)."""
    for folder in out.glob(f"{WRITING}*"):
        pid = folder.name[len(WRITING):]
        if pid.isdigit() and (int(pid) == os.getpid() or not _alive(int(pid))):
            shutil.rmtree(folder, ignore_errors=True)


def place_report(out, write):
    """Write a report into a temporary folder inside ``out``, then move it in.

    ``write(folder)`` writes the report into a new hidden folder in ``out``
    (``.skdib-writing-<pid>``: on the same file system as ``out``, so that
    its files are renamed into place rather than copied). Only when it has
    returned are its files moved into ``out``, replacing an earlier
    report's, with ``run.json`` last and Ctrl-C ignored during the move;
    the hidden file ``.skdib-moving`` marks ``out`` while they move
    (:func:`is_report`). On any error or interrupt the temporary folder is
    removed: an error while writing leaves ``out`` as it was, one while
    moving leaves it marked, to be replaced by the next run; a new ``out``
    left empty is removed, with the parents this call created for it.
    Temporary folders of runs that are no longer running are removed first.

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
    created = _missing_folders(out)
    tmp = out / f"{WRITING}{os.getpid()}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        _remove_stale(out)
        tmp.mkdir()
        write(tmp)
        _move_in_whole(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        _remove_empty(created)  # nothing moved in: leave no empty folder
    return out / "index.html"


def _missing_folders(out):
    """``out`` and those of its parents that are missing, deepest first:
    the folders a run creates for its report."""
    missing = []
    while not os.path.lexists(out) and out.parent != out:
        missing.append(out)
        out = out.parent
    return missing


def _remove_empty(folders):
    """Remove ``folders`` (deepest first, from :func:`_missing_folders`)
    while they are empty: a run whose report was not moved in leaves none
    of the folders it created, and nothing it did not create."""
    for folder in folders:
        try:
            folder.rmdir()
        except FileNotFoundError:  # never made: mkdir failed below a parent
            continue
        except OSError:  # it holds the report, or files another put there
            return
