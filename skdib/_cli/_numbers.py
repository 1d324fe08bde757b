"""Numbers written with thousands separators, as spreadsheets export them.

A semicolon file from a German spreadsheet writes 1921 as ``1.921`` and
2641.35 as ``2.641,35``; a comma file quotes ``"78,758"``. The rule, for a
whole column at a time (never for one cell):

* the file's decimal mark: the dot in comma and tab files; in a semicolon
  file the comma when some value has a decimal comma and none a decimal
  dot that cannot be a thousands separator (``0.5``, ``3.14``, ``1234.5``),
  or when neither appears but some column is written with thousands dots
  as below (``377``, ``1.921``); the dot when only decimal dots appear, or
  no column is so written; and when both appear, the mark that reads more
  columns as numbers;
* the thousands separator is the other mark. A column of text is read as
  numbers when every value in it is a number written with it: one to three
  leading digits (not a lone leading zero), then groups of exactly three
  after each separator, then the decimal part, and numbers without a
  separator have at most three digits before the decimal mark; at least
  one value must hold a separator. Anything else stays as read.
"""

import re

import pandas as pd
from pandas.api.types import is_numeric_dtype

__all__ = ["THOUSANDS", "decimal_mark", "grouped_numbers"]

#: ``frame.attrs[THOUSANDS]``: ``{column: (separator, example, number)}`` of
#: the columns read with thousands separators: a value as written, and the
#: number it is read as.
THOUSANDS = "skdib_thousands"

_SIGN = r"^[+-]?"


def _grouped(separator, decimal):
    """A number with at least one thousands ``separator`` (``1.921,5``)."""
    sep, dec = re.escape(separator), re.escape(decimal)
    return re.compile(rf"{_SIGN}[1-9]\d{{0,2}}(?:{sep}\d{{3}})+(?:{dec}\d+)?$")


def _short(decimal):
    """A number below 1000 without separators (``377``, ``0,5``)."""
    return re.compile(rf"{_SIGN}\d{{1,3}}(?:{re.escape(decimal)}\d+)?$")


#: a decimal comma, possibly after dot-grouped thousands: 2,5 or 2.641,35
_COMMA_DECIMAL = re.compile(rf"{_SIGN}(?:\d+|[1-9]\d{{0,2}}(?:\.\d{{3}})+),\d+$")
#: a decimal dot: 0.5, 3.14, 1234.5 (1.921 is tested apart: it may be 1921)
_DOT_DECIMAL = re.compile(rf"{_SIGN}\d*\.\d+$")
_DOT_GROUPED = _grouped(".", ",")


def decimal_mark(texts):
    """The decimal mark of a semicolon file, or None where the values leave
    it open between the two (the caller then counts numeric columns).

    Parameters
    ----------
    texts : DataFrame
        Every cell of the file as text (missing cells NaN).

    Returns
    -------
    mark : {",", "."} or None
    """
    values = pd.Series(texts.to_numpy().ravel()).dropna().astype(str).str.strip()
    comma = values.str.match(_COMMA_DECIMAL).any()
    dotted = values[values.str.match(_DOT_DECIMAL)]
    dot = (~dotted.str.match(_DOT_GROUPED)).any()
    if comma and dot:
        return None
    if comma or dot:
        return "," if comma else "."
    # neither: dots only in numbers like 1.921, thousands where a whole
    # column is written so
    grouped = any(_as_number(texts[col], ".", ",") is not None
                  for col in texts.columns)
    return "," if grouped else "."


def _as_number(values, separator, decimal):
    """The column's numbers, or None when it is not every one a number
    written with ``separator`` (at least one of them holding it)."""
    texts = values.dropna().astype(str).str.strip()
    grouped = texts.str.match(_grouped(separator, decimal))
    if not len(texts) or not grouped.any():
        return None
    if not (grouped | texts.str.match(_short(decimal))).all():
        return None
    plain = (values.astype(str).str.strip().str.replace(separator, "", regex=False)
             .str.replace(decimal, ".", regex=False))
    numbers = pd.to_numeric(plain.where(values.notna()), errors="raise")
    first = grouped.to_numpy().argmax()  # the first value with a separator
    return numbers, (separator, texts.iloc[first],
                     numbers.dropna().iloc[first].item())


def grouped_numbers(frame, decimal):
    """Read the text columns of numbers with thousands separators as numbers.

    Parameters
    ----------
    frame : DataFrame
        The table as read with the decimal mark ``decimal``.
    decimal : {".", ","}
        The file's decimal mark; the thousands separator is the other one.

    Returns
    -------
    frame : DataFrame
    read : dict
        ``{column: (separator, example, number)}`` of the columns read so.
    """
    separator = "." if decimal == "," else ","
    read = {}
    for col in frame.columns:
        if is_numeric_dtype(frame[col]):
            continue
        found = _as_number(frame[col], separator, decimal)
        if found is not None:
            frame[col], read[str(col).strip()] = found
    return frame, read
