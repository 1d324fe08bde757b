"""Reading the user's table for ``skdib analyze``: one job per helper."""

from pathlib import Path

import pandas as pd

from skdib._cli._errors import CLIError

__all__ = ["read_table", "split_unquoted"]

SEPARATORS = (",", ";", "\t")


def split_unquoted(text, sep):
    """``text`` split at every ``sep`` outside double quotes (quotes kept)."""
    parts, start, quoted = [], 0, False
    for i, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char == sep and not quoted:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


def _header_line(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return handle.readline().rstrip("\r\n")


def _separator(header, suffix):
    """Tab for .tsv and .tab; otherwise the one of comma, semicolon and tab
    that the header line holds most often outside quotes (comma on a tie)."""
    if suffix in (".tsv", ".tab"):
        return "\t"
    return max(SEPARATORS, key=lambda sep: len(split_unquoted(header, sep)))


def _decimal(path, sep):
    """A semicolon file, as spreadsheets in many locales write it, may have
    decimal commas: take them when that reads more columns as numbers."""
    if sep != ";":
        return "."
    frames = [pd.read_csv(path, sep=sep, decimal=mark) for mark in (".", ",")]
    numeric = [len(f.select_dtypes("number").columns) for f in frames]
    return "," if numeric[1] > numeric[0] else "."


def _read_parquet(path):
    try:
        return pd.read_parquet(path)
    except ImportError:
        raise CLIError("reading Parquet needs pyarrow: install it (pip install "
                       "pyarrow) or save the table as CSV") from None


def _read_csv(path):
    sep = _separator(_header_line(path), path.suffix.lower())
    return pd.read_csv(path, sep=sep, decimal=_decimal(path, sep))


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
