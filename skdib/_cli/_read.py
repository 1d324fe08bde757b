"""Reading the user's table for ``skdib analyze``: one job per helper."""

import bz2
import codecs
import csv
import gzip
import io
import lzma
import sys
import zipfile
from pathlib import Path

import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from skdib._cli._errors import CLIError
from skdib._cli._numbers import (
    THOUSANDS,
    ambiguous_columns,
    decimal_mark,
    full_number,
    grouped_numbers,
    stated_numbers,
)

__all__ = ["MISSING_TEXT", "read_table", "split_unquoted"]

SEPARATORS = (",", ";", "\t")
#: The texts pandas reads as missing by default. A column is read with only
#: its empty cells missing; these count as missing only in a column that
#: holds numbers once they do (``frame.attrs[MISSING_TEXT]`` names them).
NA_TEXTS = ("#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan",
            "1.#IND", "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None",
            "n/a", "nan", "null")
MISSING_TEXT = "skdib_missing_text"


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


#: Compressed tables, by their last suffix, as pandas reads them.
OPENERS = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}


def _open_bytes(path):
    """The file opened for reading bytes, decompressed where its suffix
    says so (.gz, .bz2, .xz, or a .zip of one file, as pandas reads them).

    Parameters
    ----------
    path : Path

    Returns
    -------
    handle : binary file object
    """
    suffix = path.suffix.lower()
    if suffix in OPENERS:
        return OPENERS[suffix](path, "rb")
    if suffix != ".zip":
        return open(path, "rb")
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            if len(names) != 1:
                raise CLIError(f"{path} holds {len(names)} files; a zipped "
                               "table must hold exactly one")
            return io.BytesIO(archive.read(names[0]))
    except zipfile.BadZipFile:
        raise CLIError(f"could not read {path}: it is not a zip file") from None


def _table_suffix(path):
    """The suffix that names the table's format: ``.tsv`` for ``t.tsv.gz``."""
    suffixes = [s.lower() for s in path.suffixes]
    compressed = suffixes[-1:] in ([".zip"], *([k] for k in OPENERS))
    return (suffixes[-2] if compressed and len(suffixes) > 1
            else path.suffix.lower())


def _note(text):
    print(f"skdib: note: {text}", file=sys.stderr)


#: Byte-order marks of the UTF-16 and UTF-32 text that Excel ("Unicode
#: Text") and Windows tools write; UTF-32 first, as its little-endian mark
#: begins with UTF-16's.
BYTE_ORDER_MARKS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

# the share of NUL bytes in a file's start that marks it as UTF-16 or
# UTF-32 without a byte-order mark (or binary): ASCII text in UTF-16 is
# half NULs, in UTF-32 three quarters; a text file has at most a stray one
NUL_SHARE = 0.2


def _encoding(path):
    """The file's encoding: UTF-16 (or UTF-32) where it starts with that
    byte-order mark; 'utf-8' when the whole file decodes as UTF-8; otherwise
    'cp1252', the encoding of Excel's plain "CSV" on Western-European
    Windows. A file whose first 4 KB are at least ``NUL_SHARE`` NUL bytes
    and that has no such mark (UTF-16 or UTF-32 without its mark, or not
    text at all) is refused: as cp1252 it would read as garbage columns. A
    stray NUL in a text file is read as before."""
    with _open_bytes(path) as handle:
        start = handle.read(4096)
    for mark, encoding in BYTE_ORDER_MARKS:
        if start.startswith(mark):
            return encoding
    if start and start.count(0) >= NUL_SHARE * len(start):
        raise CLIError(
            f"{path} is largely NUL bytes and starts with no UTF-16 "
            "byte-order mark, so it is not a text table skdib can read "
            '(UTF-16 without its mark, or a binary file); save it as '
            '"CSV UTF-8"')
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with _open_bytes(path) as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                decoder.decode(block)
        decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:  # stop reading at the first bad byte
        pass
    _note(f"{path.name} is not UTF-8 text; it is read as cp1252 (Windows "
          "Western European, as Excel saves CSV)")
    return "cp1252"


def _header_line(path, encoding):
    encoding = "utf-8-sig" if encoding == "utf-8" else encoding
    with io.TextIOWrapper(_open_bytes(path), encoding=encoding,
                          newline="") as handle:
        return handle.readline().rstrip("\r\n")


def _separator(header, suffix):
    """Tab for .tsv and .tab; otherwise the one of comma, semicolon and tab
    that the header line holds most often outside quotes (comma on a tie)."""
    if suffix in (".tsv", ".tab"):
        return "\t"
    return max(SEPARATORS, key=lambda sep: len(split_unquoted(header, sep)))


def _decimal(path, options):
    """A semicolon file, as spreadsheets in many locales write it, may have
    decimal commas: take them when that reads more columns as numbers."""
    if options["sep"] != ";":
        return "."
    frames = [pd.read_csv(path, decimal=mark, **options) for mark in (".", ",")]
    numeric = [len(f.select_dtypes("number").columns) for f in frames]
    return "," if numeric[1] > numeric[0] else "."


def _thousands(frame, path, options, thousands, drop):
    """The frame with its columns of numbers with thousands separators read
    as numbers, and ``{column: (separator, example, number)}``; a note for
    each, one for each column that may be written so (``1.921``), and one
    for each column a stated separator leaves as read (``0.5``)."""
    texts = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""],
                        **options)
    read, left = {}, {}
    if thousands in (".", ","):
        frame, read, left = stated_numbers(frame, texts, thousands, drop,
                                           NA_TEXTS)
    elif thousands == "auto":
        frame, read = grouped_numbers(frame, drop, NA_TEXTS)
    frame.attrs[MISSING_TEXT] = {
        col: sorted(set(texts[_raw(texts, col)]) & set(NA_TEXTS))
        for col in read}
    for col, value in left.items():
        _note(f"column {col!r} of {path.name} holds {value}, not a number "
              f"with {thousands!r} between groups of three digits: the "
              f"column is not read as numbers with --thousands {thousands}, "
              f"whose other mark ({decimal_mark(thousands)!r}) is the decimal "
              "mark")
    for col, (separator, example, number) in read.items():
        _note(f"column {col!r} of {path.name} writes numbers with "
              f"{separator!r} between groups of three digits: read as a "
              f"thousands separator ({example} is {full_number(number)})")
    if thousands != "auto":
        return frame, read
    maybe = ambiguous_columns(texts, {*drop, *read}, NA_TEXTS)
    for col, (separator, example) in maybe.items():
        if separator == "." and options["sep"] == ",":
            continue  # --thousands . is refused there (_read_csv)
        column = frame[col if col in frame.columns else _raw(frame, col)]
        how = "decimals" if is_numeric_dtype(column) else "text"
        _note(f"column {col!r} of {path.name} holds values like {example}, a "
              f"number with {separator!r} as a thousands separator or a "
              f"decimal with three places; read as {how}, as written. If "
              f"{separator!r} separates thousands there, run again with "
              f"--thousands {separator}")
    return frame, read


def _raw(frame, name):
    """The column of ``frame`` whose name is ``name`` once stripped."""
    return next(c for c in frame.columns if str(c).strip() == name)


def _numbers_with_missing_text(frame, path, options):
    """Text columns that hold numbers once pandas' NA texts count as missing
    become those numbers; returns the frame and {column: the texts}. A
    column needs at least one number for that: one of NA texts alone keeps
    them as categories."""
    suspects = [c for c in frame.columns
                if not is_numeric_dtype(frame[c]) and frame[c].isin(NA_TEXTS).any()]
    if not suspects:
        return frame, {}
    where = [frame.columns.get_loc(c) for c in suspects]
    default = pd.read_csv(path, usecols=where, **options)
    found = {}
    for col, numbers in zip(suspects, default.columns, strict=True):
        numbers = default[numbers]
        # a column of NA texts alone ("NA" for North America) stays text
        if (is_numeric_dtype(numbers) and not is_bool_dtype(numbers)
                and numbers.notna().any()):
            texts = frame[col][frame[col].isin(NA_TEXTS)]
            found[str(col).strip()] = sorted(set(texts))
            frame[col] = numbers.to_numpy()
    return frame, found


def _read_parquet(path):
    try:
        return pd.read_parquet(path)
    except ImportError:
        raise CLIError("reading Parquet needs pyarrow: install it (pip install "
                       "pyarrow) or save the table as CSV") from None


def _read_csv(path, drop, thousands):
    encoding = _encoding(path)
    header = _header_line(path, encoding)
    options = {"sep": _separator(header, _table_suffix(path)),
               "encoding": encoding}
    if thousands == "." and options["sep"] == ",":
        # stated: the other mark is the decimal of the columns it reads
        raise CLIError(f"--thousands {thousands} makes {options['sep']!r} "
                       f"the decimal mark of {path.name}, which separates "
                       "its columns")
    # a stated separator makes the other mark the decimal one
    options["decimal"] = (decimal_mark(thousands) if thousands in (".", ",")
                          else _decimal(path, options))
    frame = pd.read_csv(path, keep_default_na=False, na_values=[""], **options)
    frame, grouped = _thousands(frame, path, options, thousands, set(drop))
    cells = next(csv.reader([header], delimiter=options["sep"]), [])
    in_groups = {col: texts for col, texts
                 in frame.attrs.pop(MISSING_TEXT, {}).items() if texts}
    frame, missing = _numbers_with_missing_text(frame, path, options)
    return frame, {**missing, **in_groups}, cells, grouped


def _unnamed_columns(frame, cells, drop, path):
    """Columns whose header cell is empty, named 'Unnamed: i' as pandas does.

    The first is the row index that ``DataFrame.to_csv`` writes: it becomes
    the index, not a feature. One without values is left out. Any other is
    refused, unless ``drop`` names it (then it is left for --drop).
    """
    if len(cells) != frame.shape[1]:
        return frame
    blank = [i for i, cell in enumerate(cells) if not cell.strip()]
    frame.columns = [f"Unnamed: {i}" if i in blank else c
                     for i, c in enumerate(frame.columns)]
    for i in blank:
        name = f"Unnamed: {i}"
        if name in drop:
            continue
        if frame[name].isna().all():
            frame = frame.drop(columns=name)
            _note(f"column {i + 1} of {path.name} has no name and no values; "
                  "it is left out")
        elif i == 0:
            frame = frame.set_index(name).rename_axis(None)
            _note(f"the first column of {path.name} has no name; it is read as "
                  "the row index (as pandas' to_csv writes one), not as a feature")
        else:
            raise CLIError(
                f"column {i + 1} of {path} has no name in the header (pandas "
                f"calls it {name!r}); name it there, or leave it out with "
                f"--drop '{name}'")
    return frame


def _strip_names(frame, cells, path):
    """The column names without surrounding spaces; refuse repeated names.

    A name is repeated when it appears twice among the header cells (before
    ``read_csv`` renames the second ``a`` to ``a.1``) or among the column
    names, once the spaces around them are removed.

    Parameters
    ----------
    frame : DataFrame
        The table as read, its unnamed columns already handled.
    cells : list of str
        The raw header cells of a CSV ([] for Parquet).
    path : Path
        The file, for the message.

    Returns
    -------
    frame : DataFrame
        ``frame`` with the stripped names.
    """
    names = [str(c).strip() for c in frame.columns]
    header = [c.strip() for c in cells if c.strip()]
    twice = sorted({n for seen in (header, names) for n in seen
                    if seen.count(n) > 1})
    if twice:
        raise CLIError(
            f"{path}: columns {twice} appear more than once in the header "
            "(names that differ only in the spaces around them count as the "
            "same); rename them, so that each column has a name of its own")
    frame.columns = names
    return frame


def _is_number_text(text):
    """Whether a header cell reads as a number (underscores, which Python
    accepts in numbers and pandas does not, make it a name)."""
    try:
        float(text.strip().replace(",", ".").replace("_", "x"))
    except ValueError:
        return False
    return True


def _check_header(cells, path):
    """A note when the header line looks like a row of data: every name is a
    number, an empty cell or a missing-value text, and at least one is a
    number. A file without a header has its first row read as the names."""
    blank = [c.strip() in ("", *NA_TEXTS) for c in cells]
    numbers = [_is_number_text(c) for c in cells]
    if any(numbers) and all(b or n for b, n in zip(blank, numbers, strict=True)):
        shown = ", ".join(c.strip() for c in cells[:4]) + (
            ", ..." if len(cells) > 4 else "")
        _note(f"the first line of {path.name} holds numbers, not names "
              f"({shown}); if the file has no header line, that first row "
              "was read as the column names and is not data: add a header "
              "line naming the columns")


def read_table(path, drop=(), thousands="auto"):
    """Read a CSV (or TSV, or Parquet when pandas can) into a DataFrame.

    ``drop``: the columns --drop leaves out; a column without a header name
    that it names is kept for it (see ``_unnamed_columns``). The frame's
    ``attrs`` name the columns read with thousands separators
    (``THOUSANDS``) and the texts read as missing (``MISSING_TEXT``).
    ``thousands``: "auto" (:mod:`skdib._cli._numbers`), "none", or the
    separator ("." or ","), stated with --thousands.
    """
    path = Path(path)
    if not path.exists():
        raise CLIError(f"no such file: {path}")
    if path.is_dir():
        raise CLIError(f"{path} is a folder; give a CSV or Parquet file")
    parquet = path.suffix.lower() in (".parquet", ".pq")
    try:
        frame, missing_text, cells, grouped = (
            (_read_parquet(path), {}, [], {}) if parquet
            else _read_csv(path, drop, thousands))
    except CLIError:
        raise
    except UnicodeDecodeError as exc:
        tried = ("neither UTF-8 nor cp1252 text" if exc.encoding in
                 ("utf-8", "cp1252", "charmap") else
                 f"not valid {exc.encoding.upper()} text, although it "
                 "starts with that byte-order mark")
        raise CLIError(f"could not read {path}: it is {tried}; save it as "
                       '"CSV UTF-8"') from None
    except (ValueError, OSError, EOFError, lzma.LZMAError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise CLIError(f"could not read {path}: {first or type(exc).__name__}") \
            from None
    if frame.empty:
        raise CLIError(f"{path} has no data rows")
    _check_header(cells, path)
    frame = _strip_names(_unnamed_columns(frame, cells, drop, path), cells,
                         path)
    frame.attrs[MISSING_TEXT] = missing_text
    frame.attrs[THOUSANDS] = grouped
    return frame
