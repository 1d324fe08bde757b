"""The report folder: the files a report writes, and which folders may hold them."""

import json
import os
from pathlib import Path

from skdib._cli._data import CLIError

__all__ = ["FIGURE_FILES", "REPORT_FILES", "check_out_folder", "is_report"]

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
    ``skdib ...`` command line and the skdib version. A report writes it
    first (see ``write_report``), so even a report stopped before its end
    carries it. Files that are merely named like a report's (a
    ``model.joblib`` of your own) are not a report.

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
