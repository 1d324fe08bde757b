"""Numbers written with thousands separators, as spreadsheets export them.

A German spreadsheet writes 12345678 as ``12.345.678`` and 2641.35 as
``2.641,35``; an English one quotes ``"1,234,567"`` and writes 1234.5 as
``1,234.5``. Only what cannot be read otherwise is read so by itself, a
whole column at a time (never one cell):

* a column is read as numbers with a thousands separator when every value
  in it is a number written with that one mark between groups of three
  digits (one to three leading digits, not a lone zero) and the other mark
  as the decimal mark, or a number below 1000 without it, and at least one
  value is unambiguous: two or more groups (``12.345.678``) or a group and a
  decimal part (``2.641,35``). Missing-value texts (``NA``) are missing.
* ``1.921`` or ``1.250`` alone may be 1921 and 1250, or decimals with three
  places (48.137 degrees): such a column is read as before, with a note
  that says how to state the separator (``--thousands``).
* a stated separator (``--thousands .``) reads such columns too, a single
  group being enough, but still only columns whose every value holding it
  is written in groups of three; the other mark is then the file's decimal
  mark, so a column holding ``0.5`` (or ``2,5``) is left as text, with a
  note.
"""

import re

import pandas as pd
from pandas.api.types import is_numeric_dtype

__all__ = ["THOUSANDS", "ambiguous_columns", "decimal_mark", "full_number",
           "grouped_numbers", "stated_numbers"]

#: ``frame.attrs[THOUSANDS]``: ``{column: (separator, example, number)}`` of
#: the columns read with thousands separators: a value as written, and the
#: number it is read as.
THOUSANDS = "skdib_thousands"

_SIGN = r"^[+-]?"
_MARKS = (".", ",")


def full_number(number):
    """``number`` written in full, without exponent or rounding: 1234567,
    -2641.35 (not 1.23457e+06)."""
    if float(number).is_integer():
        return str(int(number))
    return repr(float(number)) if "e" not in repr(float(number)) else (
        f"{number:f}".rstrip("0").rstrip("."))


def decimal_mark(thousands):
    """The decimal mark of numbers whose thousands separator is ``thousands``
    (``"."`` or ``","``): the other one."""
    return "," if thousands == "." else "."


def _patterns(sep):
    """(grouped, unambiguous, short) for the thousands separator ``sep``."""
    s, d = re.escape(sep), re.escape(decimal_mark(sep))
    lead = r"[1-9]\d{0,2}"
    return (re.compile(rf"{_SIGN}{lead}(?:{s}\d{{3}})+(?:{d}\d+)?$"),
            re.compile(rf"{_SIGN}{lead}(?:(?:{s}\d{{3}}){{2,}}(?:{d}\d+)?"
                       rf"|(?:{s}\d{{3}})+{d}\d+)$"),
            re.compile(rf"{_SIGN}\d{{1,3}}(?:{d}\d+)?$"))


def _texts(values, na_texts):
    """The column's values as stripped texts, missing ones and NA texts
    left out."""
    texts = values.dropna().astype(str).str.strip()
    return texts[~texts.isin(na_texts)]


def _as_number(values, sep, na_texts, stated=False):
    """The column as numbers with the thousands separator ``sep``, or None
    where it is not unambiguously written so (``stated``: where it is not
    written so, one group being enough and numbers without ``sep`` of any
    length)."""
    grouped, clear, short = _patterns(sep)
    if stated:
        clear, short = grouped, re.compile(
            rf"{_SIGN}\d+(?:{re.escape(decimal_mark(sep))}\d+)?$")
    texts = _texts(values, na_texts)
    if not len(texts) or not texts.str.match(clear).any():
        return None
    is_grouped = texts.str.match(grouped)
    if not (is_grouped | texts.str.match(short)).all():
        return None
    plain = (texts.str.replace(sep, "", regex=False)
             .str.replace(decimal_mark(sep), ".", regex=False))
    numbers = pd.to_numeric(plain, errors="raise")
    if len(numbers) < len(values):  # missing cells: NaN, so floats
        numbers = numbers.astype(float)
    numbers = numbers.reindex(values.index)
    first = texts[is_grouped].index[0]
    return numbers, (sep, texts[first], numbers[first].item())


def grouped_numbers(frame, skip=(), na_texts=()):
    """Read the text columns written unambiguously with thousands separators
    as numbers.

    Parameters
    ----------
    frame : DataFrame
        The table as read.
    skip : iterable of str
        Columns left as they are (those --drop leaves out).
    na_texts : iterable of str
        Texts that count as missing values.

    Returns
    -------
    frame : DataFrame
    read : dict
        ``{column: (separator, example, number)}`` of the columns read so.
    """
    skip, na_texts, read = set(skip), list(na_texts), {}
    for col in frame.columns:
        if is_numeric_dtype(frame[col]) or str(col).strip() in skip:
            continue
        for sep in _MARKS:
            found = _as_number(frame[col], sep, na_texts)
            if found is not None:
                frame[col], read[str(col).strip()] = found
                break
    return frame, read


def ambiguous_columns(texts, skip=(), na_texts=()):
    """The columns whose every value may be a number with one thousands
    group (``1.921``, ``1,250``) or below 1000, at least one with a group.

    Parameters
    ----------
    texts : DataFrame
        The table as texts.
    skip, na_texts : iterable of str
        As for :func:`grouped_numbers`.

    Returns
    -------
    found : dict
        ``{column: (separator, example)}``.
    """
    found, skip = {}, set(skip)
    for col in texts.columns:
        if str(col).strip() in skip:
            continue
        values = _texts(texts[col], list(na_texts))
        for sep in _MARKS:
            single = values.str.match(rf"{_SIGN}[1-9]\d{{0,2}}{re.escape(sep)}"
                                      r"\d{3}$")
            if (len(values) and single.any()
                    and (single | values.str.match(rf"{_SIGN}\d{{1,3}}$")).all()):
                found[str(col).strip()] = (sep, values[single].iloc[0])
    return found


def stated_numbers(frame, texts, sep, skip=(), na_texts=()):
    """Read the columns written with the stated thousands separator ``sep``
    as numbers.

    A column is read so when every value holding ``sep`` is a number with
    it between groups of three digits (one group is enough) and every other
    value a number or missing; any other column is left as read.

    Parameters
    ----------
    frame : DataFrame
        The table as read without a thousands separator.
    texts : DataFrame
        The same table as texts.
    sep : {".", ","}
    skip, na_texts : iterable of str
        As for :func:`grouped_numbers`.

    Returns
    -------
    frame : DataFrame
    read : dict
        ``{column: (separator, example, number)}`` of the columns read so.
    left : dict
        ``{column: value}`` of the columns left as read although they hold a
        number with ``sep`` that is not in groups of three (``0.5``).
    """
    skip, na_texts, read, left = set(skip), list(na_texts), {}, {}
    odd = re.compile(r"[+-]?[\d.,]+$")
    for col in frame.columns:
        held = _texts(texts[col], na_texts)
        held = held[held.str.contains(sep, regex=False)]
        if str(col).strip() in skip or not len(held):
            continue
        found = _as_number(texts[col], sep, na_texts, stated=True)
        if found is not None:
            frame[col], read[str(col).strip()] = found
            continue
        odd_ones = held[~held.str.match(_patterns(sep)[0])
                        & held.str.match(odd)]
        if len(odd_ones):
            left[str(col).strip()] = odd_ones.iloc[0]
    return frame, read, left
