"""``skdib analyze`` reads tables as spreadsheets and pandas write them:
separators, encodings, unnamed columns, missing cells, odd column names."""

import json

import pandas as pd
import pytest

from skdib.__main__ import main
from skdib._cli._data import (
    parse_categorical,
    parse_columns,
    parse_groups,
    prepare_dataset,
)
from skdib._cli._errors import CLIError
from skdib._cli._read import read_table

TINY = ["--n-steps", "60", "--n-pretrain-steps", "20", "--n-checkpoints", "5",
        "--device", "cpu", "--cv", "0", "--quiet"]


def write(folder, frame, name="t.csv", **options):
    path = folder / name
    frame.to_csv(path, index=False, **options)
    return path


def sites(n=12):
    """Numbers with fractions, and text with commas in it."""
    return pd.DataFrame({"dose": [1.5 + 0.25 * i for i in range(n)],
                         "site": ["west", "south, east"] * (n // 2),
                         "y": [0, 1] * (n // 2)})


@pytest.mark.parametrize("decimal", [".", ","])
def test_semicolon_csv_with_commas_in_text(tmp_path, decimal):
    data = tmp_path / "eu.csv"
    sites().to_csv(data, sep=";", decimal=decimal, index=False)
    pd.testing.assert_frame_equal(read_table(data), sites())


def test_a_quoted_semicolon_in_a_comma_header_does_not_choose_the_separator(
        tmp_path):
    data = tmp_path / "q.csv"
    frame = sites().rename(columns={"dose": "dose; mg/l"})
    frame.to_csv(data, index=False)
    pd.testing.assert_frame_equal(read_table(data), frame)


def test_a_cp1252_csv_reads_with_a_note(tmp_path, capsys):
    data = tmp_path / "excel.csv"
    frame = sites().rename(columns={"dose": "dose µg"})
    frame["site"] = frame["site"].str.replace("west", "Köln")
    frame.to_csv(data, index=False, encoding="cp1252")
    pd.testing.assert_frame_equal(read_table(data), frame)
    err = capsys.readouterr().err
    assert err == ("skdib: note: excel.csv is not UTF-8 text; it is read as "
                   "cp1252 (Windows Western European, as Excel saves CSV)\n")


def test_utf8_with_a_byte_order_mark_reads_without_a_note(tmp_path, capsys):
    data = tmp_path / "bom.csv"
    frame = sites().rename(columns={"dose": "dose µg"})
    frame.to_csv(data, index=False, encoding="utf-8-sig")
    pd.testing.assert_frame_equal(read_table(data), frame)
    assert capsys.readouterr().err == ""


def test_a_file_neither_utf8_nor_cp1252_asks_for_csv_utf8(tmp_path):
    data = tmp_path / "odd.csv"
    data.write_bytes(b"a,y\n" + b"1,\x81\n" * 12)
    with pytest.raises(CLIError, match='neither UTF-8 nor cp1252.*"CSV UTF-8"'):
        read_table(data)


def unicode_text(frame):
    """The table as Excel's "Unicode Text" holds it: tab-separated lines."""
    return frame.to_csv(sep="\t", index=False, lineterminator="\r\n")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_its_byte_order_mark_reads_as_text(tmp_path, capsys,
                                                      encoding):
    data = tmp_path / "unicode.txt"
    frame = sites().rename(columns={"dose": "dose µg"})
    data.write_bytes("\ufeff".encode(encoding)
                     + unicode_text(frame).encode(encoding))
    pd.testing.assert_frame_equal(read_table(data), frame)
    assert capsys.readouterr().err == ""


def test_nul_bytes_without_a_byte_order_mark_ask_for_csv_utf8(tmp_path):
    data = tmp_path / "nomark.csv"
    data.write_bytes(unicode_text(sites()).encode("utf-16-le"))
    with pytest.raises(CLIError, match='NUL bytes.*no UTF-16 byte-order mark'
                                       '.*save it as "CSV UTF-8"'):
        read_table(data)


def test_a_stray_nul_in_utf8_text_is_read(tmp_path):
    data = tmp_path / "stray.csv"
    data.write_bytes(sites().to_csv(index=False).encode("utf-8")
                     .replace(b"\n", b"\x00\n", 1))
    frame = read_table(data)
    assert list(frame.columns)[:2] == list(sites().columns)[:2]
    assert len(frame) == len(sites())


def test_utf16_with_its_mark_that_does_not_decode_names_utf16(tmp_path):
    data = tmp_path / "odd.csv"
    data.write_bytes("a,b\n1,2\n".encode("utf-16") + b"A")
    with pytest.raises(CLIError, match="not valid UTF-16") as info:
        read_table(data)
    assert "cp1252" not in str(info.value)


def regions(n=24):
    """Text categories that pandas reads as missing by default."""
    return pd.DataFrame({"x": [0.5 * i for i in range(n)],
                         "region": ["NA", "None", "EU", "null"] * (n // 4),
                         "y": [0, 1, 1, 0] * (n // 4)})


def test_na_and_none_are_categories_not_missing(tmp_path, analyze_csv):
    frame = regions()
    read = read_table(write(tmp_path, frame))
    assert list(read["region"]) == list(frame["region"])
    status, out = analyze_csv("regions", frame, "--target", "y", *TINY)
    assert status == 0
    run = json.loads((out / "run.json").read_text())
    assert run["data"]["categorical"] == {"region": 4}


def test_a_column_of_na_texts_alone_stays_categories(tmp_path):
    frame = regions().assign(region=["NA", "NA", "None", "NA"] * 6)
    read = read_table(write(tmp_path, frame))
    assert list(read["region"]) == list(frame["region"])


def test_na_texts_in_a_number_column_are_missing_and_named(tmp_path, capsys):
    frame = regions().astype({"x": object})
    frame.loc[[2, 5], "x"] = ["NA", "nan"]
    data = write(tmp_path, frame)
    read = read_table(data)
    assert read["x"].dtype == float and read["x"].isna().sum() == 2
    assert main(["analyze", str(data), "--target", "y", *TINY,
                 "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert err == ("skdib: error: 2 row(s) have missing or infinite values "
                   "(columns: 'x'; read as missing: 'NA', 'nan' in 'x'); drop or "
                   "impute them first\n")


# ------------------------------------------------------ names with a comma
def doses(n=60):
    frame = pd.DataFrame({"id": [f"S{i:03d}" for i in range(n)],
                          "dose, mg": [0.1 * i for i in range(n)],
                          "grade": [i % 3 for i in range(n)]})
    frame["y"] = (frame["dose, mg"] > 3).astype(int)
    return frame


def test_column_lists_read_as_a_csv_line():
    assert parse_columns('id, "dose, mg" ,grade,') == ["id", "dose, mg", "grade"]
    assert parse_categorical('"dose, mg"') == ["dose, mg"]
    assert parse_groups('g="dose, mg",grade; h=id') == {
        "g": ["dose, mg", "grade"], "h": ["id"]}


def test_a_name_with_a_comma_can_be_dropped(tmp_path):
    out = tmp_path / "r"
    assert main(["analyze", str(write(tmp_path, doses())), "--target", "y",
                 "--drop", 'id,"dose, mg"', *TINY, "--out", str(out)]) == 0
    run = json.loads((out / "run.json").read_text())
    assert run["data"]["channels"] == {"grade": "numeric"}


def test_listed_names_keep_their_commas_visible():
    with pytest.raises(CLIError) as error:
        prepare_dataset(doses(), "y", drop=["dose"])
    assert str(error.value) == ("--drop: no column(s) 'dose'; columns are: 'id', "
                                "'dose, mg', 'grade', 'y'")
    with pytest.raises(CLIError, match=r"""--drop 'id,"dose, mg"'$"""):
        prepare_dataset(doses().astype({"dose, mg": str}), "y",
                        categorical=None)


# ------------------------------------------------- columns without a name
def sorted_by_target(n=60):
    """Rows sorted by y, as many files are: the row number predicts y."""
    frame = doses(n).drop(columns="id")
    return frame.sort_values("y", ignore_index=True)


def test_the_index_to_csv_writes_is_the_index_not_a_feature(tmp_path, capsys):
    frame = sorted_by_target()
    data = tmp_path / "indexed.csv"
    frame.to_csv(data)
    pd.testing.assert_frame_equal(read_table(data), frame)
    assert capsys.readouterr().err == (
        "skdib: note: the first column of indexed.csv has no name; it is read as "
        "the row index (as pandas' to_csv writes one), not as a feature\n")
    out = tmp_path / "r"
    assert main(["analyze", str(data), "--target", "y", *TINY,
                 "--out", str(out)]) == 0
    run = json.loads((out / "run.json").read_text())
    assert list(run["data"]["channels"]) == ["dose, mg", "grade"]


def test_drop_still_takes_the_unnamed_index(tmp_path, capsys):
    data = tmp_path / "indexed.csv"
    sorted_by_target().to_csv(data)
    frame = read_table(data, drop=["Unnamed: 0"])
    assert list(frame.columns) == ["Unnamed: 0", "dose, mg", "grade", "y"]
    assert capsys.readouterr().err == ""
    assert list(prepare_dataset(frame, "y", drop=["Unnamed: 0"]).X.columns) == [
        "dose, mg", "grade"]


def test_an_empty_unnamed_column_is_left_out_with_a_note(tmp_path, capsys):
    frame = sorted_by_target()
    data = tmp_path / "trailing.csv"
    data.write_text("".join(line + ",\n" for line in
                            frame.to_csv(index=False).splitlines()))
    pd.testing.assert_frame_equal(read_table(data), frame)
    assert capsys.readouterr().err == (
        "skdib: note: column 4 of trailing.csv has no name and no values; it "
        "is left out\n")


def test_another_unnamed_column_with_values_is_refused(tmp_path):
    frame = sorted_by_target().rename(columns={"grade": ""})
    data = write(tmp_path, frame)
    with pytest.raises(CLIError) as error:
        read_table(data)
    assert str(error.value) == (
        f"column 2 of {data} has no name in the header (pandas calls it "
        "'Unnamed: 1'); name it there, or leave it out with --drop 'Unnamed: 1'")
    read = read_table(data, drop=["Unnamed: 1"])
    assert list(prepare_dataset(read, "y", drop=["Unnamed: 1"]).X) == ["dose, mg"]


def test_a_header_line_of_numbers_gets_a_note(tmp_path, capsys):
    """A file without a header loses its first row to the names: say so."""
    data = tmp_path / "no_header.csv"
    sites().drop(columns="site").to_csv(data, index=False, header=False)
    frame = read_table(data)
    assert list(frame.columns) == ["1.5", "0"] and len(frame) == 11
    err = capsys.readouterr().err
    assert "the first line of no_header.csv holds numbers" in err
    assert "(1.5, 0)" in err
    data.write_text("1.5,NA,0\n2.5,x,1\n3.5,y,0\n")  # R writes NA unquoted
    read_table(data)
    assert "holds numbers, not names (1.5, NA, 0)" in capsys.readouterr().err
    read_table(write(tmp_path, sites()))  # names that are words: no note
    data.write_text("2020,y\n1.5,0\n2.5,1\n")  # a year beside a word
    read_table(data)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("header, repeated", [
    ("a,a,a.1,y", "['a']"),
    ("a,a,y", "['a']"),
    ("a,b, b,a,y", "['a', 'b']"),
])
def test_repeated_names_in_the_header_are_refused(tmp_path, header, repeated):
    """pandas renames a repeated name ('a' -> 'a.1'), which would name a
    channel after no column of the file and leave --drop the first only."""
    data = tmp_path / "d.csv"
    n = header.count(",")
    data.write_text(header + "\n" + "".join(
        ",".join(str(i + j) for j in range(n)) + f",{i % 2}\n" for i in range(12)))
    with pytest.raises(CLIError, match=rf"columns {repeated.replace('[', '.')} "
                                       "appear more than once in the header"):
        read_table(data)


@pytest.mark.parametrize("name, options", [
    ("t.csv.gz", {}), ("t.csv.zip", {}), ("t.csv.bz2", {}), ("t.csv.xz", {}),
    ("t.tsv.gz", {"sep": "\t"}), ("t.csv.gz", {"sep": ";", "decimal": ","}),
])
def test_compressed_tables_read_as_pandas_reads_them(tmp_path, capsys, name,
                                                     options):
    # before the fix: a wrong "not UTF-8" note, then "neither UTF-8 nor
    # cp1252 text"
    data = write(tmp_path, sites(), name, **options)
    pd.testing.assert_frame_equal(read_table(data), sites())
    assert capsys.readouterr().err == ""


def test_a_compressed_cp1252_table_gets_its_note(tmp_path, capsys):
    frame = sites().assign(site=["Köln", "Zürich"] * 6)
    data = write(tmp_path, frame, "excel.csv.gz", encoding="cp1252")
    pd.testing.assert_frame_equal(read_table(data), frame)
    assert "excel.csv.gz is not UTF-8 text" in capsys.readouterr().err


def test_a_zip_of_two_files_is_refused(tmp_path):
    import zipfile

    data = tmp_path / "two.csv.zip"
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("a.csv", "a,y\n1,0\n")
        archive.writestr("b.csv", "a,y\n1,0\n")
    with pytest.raises(CLIError, match="holds 2 files; a zipped table must "
                                       "hold exactly one"):
        read_table(data)
