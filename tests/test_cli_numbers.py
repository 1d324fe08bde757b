"""``skdib analyze`` reads numbers with thousands separators.

Before the fix a German semicolon file read ``12.345.678`` as text and
``2.641,35`` and a comma file's quoted ``"1,084,407"`` became one category
per row. Then the first rule misread correct files (three decimal places
read 1000 times too large): only unambiguous columns are read so by
themselves now (``skdib._cli._numbers``), ``--thousands`` states the
separator, and files without separators read as before.
"""

import json

import pandas as pd
import pytest

from skdib.__main__ import main
from skdib._cli._parser import build_parser
from skdib._cli._read import read_table

TINY = ["--n-steps", "60", "--n-pretrain-steps", "20", "--n-checkpoints", "4",
        "--device", "cpu", "--cv", "0", "--quiet"]


def _read(tmp_path, text, name="t.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_table(path)


def test_thousands_dots_in_a_semicolon_file_of_integers(tmp_path, capsys):
    frame = _read(tmp_path, "Einwohner;Alter;Ziel\n377;50;0\n1.921;36;0\n"
                            "314;30;1\n12.345.678;41;1\n")
    assert frame["Einwohner"].tolist() == [377, 1921, 314, 12345678]
    assert frame["Alter"].tolist() == [50, 36, 30, 41]
    err = capsys.readouterr().err
    assert "column 'Einwohner' of t.csv writes numbers with '.'" in err
    assert "(1.921 is 1921)" in err
    assert frame.attrs["skdib_thousands"] == {"Einwohner": (".", "1.921", 1921)}
    big = _read(tmp_path, 'n,y\n"1,234,567",0\n"78,758",1\n')
    assert big["n"].tolist() == [1234567, 78758]
    assert "(1,234,567 is 1234567)" in capsys.readouterr().err


def test_thousands_dots_with_decimal_commas(tmp_path):
    frame = _read(tmp_path, "id;Messwert;Gruppe\n0;251,46;a\n1;-264,21;b\n"
                            "2;1.280,85;a\n3;-2.641,35;b\n")
    assert frame["Messwert"].tolist() == [251.46, -264.21, 1280.85, -2641.35]
    assert frame["Gruppe"].tolist() == ["a", "b", "a", "b"]


def test_quoted_thousands_commas_in_a_comma_file(tmp_path):
    frame = _read(tmp_path, 'big,x,y\n"78,758",0.5,0\n"1,084,407",1.5,1\n'
                            '559,2.5,0\n')
    assert frame["big"].tolist() == [78758, 1084407, 559]
    assert frame["x"].tolist() == [0.5, 1.5, 2.5]


@pytest.mark.parametrize("text, expected", [
    # decimal dots elsewhere in the file: 1.921 is a decimal, as before
    ("a;b;y\n377;0.5;0\n1.921;1.25;1\n", [377.0, 1.921]),
    # 1234 has no separator: the column is not written with them
    ("a;y\n377;0\n1.921;1\n1234;0\n", [377.0, 1.921, 1234.0]),
    # a lone leading zero is a decimal, never a thousands group
    ("a;y\n0.125;0\n1.500;1\n", [0.125, 1.5]),
])
def test_columns_that_are_not_grouped_read_as_before(tmp_path, text, expected):
    frame = _read(tmp_path, text)
    assert frame["a"].tolist() == expected
    assert frame.attrs["skdib_thousands"] == {}


def test_a_comma_file_keeps_a_quoted_decimal_comma_as_text(tmp_path):
    frame = _read(tmp_path, 'a,y\n"1,5",0\n"78,758",1\n')
    assert frame["a"].tolist() == ["1,5", "78,758"]


def test_the_report_says_how_the_column_was_read(tmp_path, capsys):
    rows = "".join(f"{1 + i % 9}.{100 + 7 * i};{20 + i % 50};12.345.{i:03d};"
                   f"{i % 2}\n" for i in range(80))
    data = tmp_path / "de.csv"
    data.write_text("Einwohner;Alter;id;Ziel\n" + rows, encoding="utf-8")
    out = tmp_path / "report"
    assert main(["analyze", str(data), "--target", "Ziel", *TINY, "--out",
                 str(out), "--thousands", ".", "--drop", "id"]) == 0
    err = capsys.readouterr().err
    assert "(1.100 is 1100)" in err and "'id'" not in err
    run = json.loads((out / "run.json").read_text())
    assert run["data"]["thousands_separators"] == {"Einwohner": "."}
    assert run["data"]["channels"]["Einwohner"] == "numeric"
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "read with thousands separators: Einwohner (1.100 is 1100)" in html
    assert pd.read_csv(out / "path.csv")["feature"].nunique() == 2


@pytest.mark.parametrize("text, name, expected", [
    # three decimal places in a dot-decimal semicolon file (was 1000x)
    ("a;lat;y\n1.250;48.137;0\n2.375;48.139;1\n12.500;48.201;0\n", "t.csv",
     [1.25, 2.375, 12.5]),
    # a decimal comma in a tab file stays text, as at 0.1.0's start
    ("a\tb\ty\n1,250\t2,5\t0\n2,375\t3,5\t1\n", "t.tsv",
     ["1,250", "2,375"]),
])
def test_three_places_read_as_before_with_a_note(tmp_path, capsys, text,
                                                 name, expected):
    # before the fix these columns were read as 1250, 2375, 12500
    frame = _read(tmp_path, text, name)
    assert frame["a"].tolist() == expected
    assert frame.attrs["skdib_thousands"] == {}
    err = capsys.readouterr().err
    assert "column 'a'" in err and "run again with --thousands" in err


def test_an_na_cell_is_missing_in_a_grouped_column(tmp_path, capsys):
    # before the fix the 'NA' made the column one category per value
    frame = _read(tmp_path, "a;y\n12.345.678;0\nNA;1\n1.921;0\n")
    assert frame["a"].tolist()[::2] == [12345678.0, 1921.0]
    assert frame["a"].isna().tolist() == [False, True, False]
    assert frame.attrs["skdib_missing_text"] == {"a": ["NA"]}


def test_thousands_states_the_separator(tmp_path, capsys):
    text = "a;b;y\n1.921;1.250;0\n377;2.375;1\n"
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    stated = read_table(path, thousands=".")
    assert stated["a"].tolist() == [1921, 377]
    assert stated["b"].tolist() == [1250, 2375]
    assert "(1.921 is 1921)" in capsys.readouterr().err
    grouped = tmp_path / "g.csv"
    grouped.write_text("a;y\n12.345.678;0\n1.921;1\n", encoding="utf-8")
    assert read_table(grouped, thousands="none")["a"].tolist() == [
        "12.345.678", "1.921"]
    assert read_table(grouped)["a"].tolist() == [12345678, 1921]


@pytest.mark.parametrize("text, sep, column, value, read", [
    # before the fix pandas took the stated separator everywhere: 2,5 read
    # 25, and 0.5 in a tab file read 5; the other mark being the decimal
    # one, they are texts that contradict the stated separator
    ("a;b;y\n1,250;2,5;0\n2,375;3,5;1\n", ",", "b", "2,5", ["2,5", "3,5"]),
    ("a\tb\ty\n1.250\t0.5\t0\n2.375\t1.5\t1\n", ".", "b", "0.5", ["0.5", "1.5"]),
])
def test_a_stated_separator_reads_only_groups_of_three(
        tmp_path, capsys, text, sep, column, value, read):
    path = tmp_path / ("t.csv" if "\t" not in text else "t.tsv")
    path.write_text(text, encoding="utf-8")
    frame = read_table(path, thousands=sep)
    assert frame["a"].tolist() == [1250, 2375]
    assert frame[column].tolist() == read
    err = capsys.readouterr().err
    assert f"column {column!r} of {path.name} holds {value}, not a number" in err
    assert f"not read as numbers with --thousands {sep}, whose other mark" in err
    assert "is 25" not in err and "is 5)" not in err
    assert set(frame.attrs["skdib_thousands"]) == {"a"}


@pytest.mark.parametrize("text, sep", [
    ("einwohner;anteil;y\n5.258;0,95;1\n605;0,14;0\n1.204;0,5;1\n", "."),
    ("einwohner\tanteil\ty\n5.258\t0,95\t1\n605\t0,14\t0\n1.204\t0,5\t1\n", "."),
    ("einwohner;anteil;y\n5,258;0.95;1\n605;0.14;0\n1,204;0.5;1\n", ","),
])
def test_a_stated_separator_makes_the_other_mark_the_decimal(tmp_path, text, sep):
    # a German table: thousands dots in one column, decimal commas in another
    # that holds no dot; before the fix the decimal mark was guessed apart
    # from --thousands, and 'anteil' became a text (categorical) column
    path = tmp_path / ("t.tsv" if "\t" in text else "t.csv")
    path.write_text(text, encoding="utf-8")
    frame = read_table(path, thousands=sep)
    assert frame["einwohner"].tolist() == [5258, 605, 1204]
    assert frame["anteil"].tolist() == [0.95, 0.14, 0.5]


def test_a_stated_separator_takes_na_cells_as_missing(tmp_path, capsys):
    # before the fix the column was read with ',' as thousands separator
    # without the note that says so (nor run.json's thousands_separators)
    path = tmp_path / "t.csv"
    path.write_text('a,y\n"1,250",0\nNA,1\n"2,375",0\n', encoding="utf-8")
    frame = read_table(path, thousands=",")
    assert frame["a"].isna().tolist() == [False, True, False]
    assert frame["a"].tolist()[::2] == [1250.0, 2375.0]
    assert frame.attrs["skdib_missing_text"] == {"a": ["NA"]}
    assert frame.attrs["skdib_thousands"] == {"a": (",", "1,250", 1250)}
    assert "(1,250 is 1250)" in capsys.readouterr().err


def test_no_note_suggests_a_refused_separator(tmp_path, capsys):
    # before the fix an unquoted comma file's 1.921 got a note to run again
    # with --thousands ., which is refused there (',' separates columns)
    path = tmp_path / "t.csv"
    path.write_text("a,y\n1.921,0\n1.250,1\n377,0\n", encoding="utf-8")
    assert read_table(path)["a"].tolist() == [1.921, 1.25, 377]
    assert "--thousands" not in capsys.readouterr().err
    assert main(["analyze", str(path), "--target", "y", "--thousands", "."]) == 2
    assert "which separates its columns" in capsys.readouterr().err


def test_thousands_auto_is_accepted_and_the_help_readable(tmp_path, capsys):
    # before the fix --help said "default: auto" but auto was refused, and
    # the choices printed as {.,,,none}
    path = tmp_path / "t.csv"
    path.write_text("a;y\n12.345.678;0\n1.921;1\n", encoding="utf-8")
    assert build_parser().parse_args(
        ["analyze", str(path), "--target", "y", "--thousands", "auto"]
    ).thousands == "auto"
    assert main(["analyze", "--help"]) == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "--thousands SEP" in help_text and "{.,,,none}" not in help_text
    assert "auto (the default)" in help_text
