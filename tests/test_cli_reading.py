"""``skdib analyze`` reads tables as spreadsheets and pandas write them:
separators, encodings, unnamed columns, missing cells, odd column names."""

import pandas as pd
import pytest

from skdib._cli._read import read_table


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
