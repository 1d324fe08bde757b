"""Reading the user's table for ``skdib analyze``: one job per helper."""

from pathlib import Path

import pandas as pd

from skdib._cli._errors import CLIError

__all__ = ["read_table"]


def _read_semicolon_csv(path):
    """A CSV separated by semicolons, as spreadsheets in many locales write
    it: with decimal commas when that reads more columns as numbers."""
    frames = [pd.read_csv(path, sep=";", decimal=mark) for mark in (".", ",")]
    numeric = [len(f.select_dtypes("number").columns) for f in frames]
    return frames[1] if numeric[1] > numeric[0] else frames[0]


def _read_parquet(path):
    try:
        return pd.read_parquet(path)
    except ImportError:
        raise CLIError("reading Parquet needs pyarrow: install it (pip install "
                       "pyarrow) or save the table as CSV") from None


def _read_csv(path):
    sep = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    frame = pd.read_csv(path, sep=sep)
    if frame.shape[1] == 1 and ";" in str(frame.columns[0]):
        frame = _read_semicolon_csv(path)
    return frame


def _strip_names(frame, path):
    """The column names without surrounding spaces; refuse names that then
    appear twice."""
    names = [str(c).strip() for c in frame.columns]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise CLIError(
            f"{path}: columns {twice} appear more than once once the spaces "
            "around the names are removed; rename them")
    frame.columns = names
    return frame


def read_table(path):
    """Read a CSV (or TSV, or Parquet when pandas can) into a DataFrame."""
    path = Path(path)
    if not path.exists():
        raise CLIError(f"no such file: {path}")
    if path.is_dir():
        raise CLIError(f"{path} is a folder; give a CSV or Parquet file")
    parquet = path.suffix.lower() in (".parquet", ".pq")
    try:
        frame = _read_parquet(path) if parquet else _read_csv(path)
    except CLIError:
        raise
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise CLIError(f"could not read {path}: {first or type(exc).__name__}") \
            from None
    if frame.empty:
        raise CLIError(f"{path} has no data rows")
    return _strip_names(frame, path)
