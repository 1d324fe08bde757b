"""subset_information on columns of text, mixed types and missing entries:
a missing entry is one more value of its column, as a NaN of a float
column always was."""

import math
from collections import Counter

import numpy as np
import pandas as pd
import pytest

from skdib.datasets import subset_information

MISSING = object()  # the one symbol of every missing entry, in the reference


def _symbol(value):
    return MISSING if value is None or value is pd.NA or (
        isinstance(value, float) and math.isnan(value)) else value


def _entropy(values):
    counts = Counter(values)
    n = sum(counts.values())
    return -sum(c / n * math.log2(c / n) for c in counts.values())


def _brute_information(columns, y, subset):
    """H(Y) + H(X_S) - H(X_S, Y), counted with Counter over the symbols."""
    y = [_symbol(v) for v in y]
    rows = [tuple(_symbol(columns[j][i]) for j in subset) for i in range(len(y))]
    return _entropy(y) + _entropy(rows) - _entropy(list(zip(rows, y, strict=True)))


def test_text_mixed_and_missing_entries_give_the_exact_information():
    columns = [
        ["u", None, "v", "u", np.nan, "v", "u", None, "v", pd.NA, "u", "v"],
        ["p", 1, "q", 2, 1, 2.0, "p", None, 1, "q", np.nan, 2],
        [1.0, np.nan, 2.0, np.nan, 1.0, 2.0, np.nan, 1.0, 2.0, 1.0, 2.0, np.nan],
    ]
    X = pd.DataFrame(dict(zip(["text", "mixed", "floats"], columns, strict=True)))
    y = ["a", None, "b", "a", np.nan, "b", "a", "b", None, "a", pd.NA, "b"]
    table = subset_information(X, y)
    assert table.attrs["target_entropy"] == pytest.approx(
        _entropy([_symbol(v) for v in y]), abs=1e-12)
    expected = [_brute_information(columns, y, s) for s in table["subset"]]
    np.testing.assert_allclose(table["information"], expected, atol=1e-12)
    # the reviewer's cases, which raised numpy's TypeError
    for column, target in ((["u", None, "v", "u"], [0, 1, 1, 0]),
                           (["u", 1, "v", 2], [0, 1, 1, 0]),
                           ([1, 2, 1, 2], ["p", None, "q", "p"])):
        table = subset_information(pd.DataFrame({"a": column}), target)
        assert table["information"].iloc[1] == pytest.approx(
            _brute_information([column], target, (0,)), abs=1e-12)


def test_a_float_column_reads_the_same_beside_a_text_column():
    # beside text, the table is an object array: its NaNs were told apart
    floats = [1.0, np.nan, np.nan, 2.0, np.nan, 1.0]
    y = [0, 1, 0, 1, 1, 0]
    alone = subset_information(pd.DataFrame({"f": floats}), y)
    beside = subset_information(
        pd.DataFrame({"s": list("abcabc"), "f": floats}), y)
    assert beside.set_index("features").loc[[("f",)], "information"].item() \
        == pytest.approx(alone["information"].iloc[1], abs=1e-12)
    assert alone["information"].iloc[1] == pytest.approx(
        _brute_information([floats], y, (0,)), abs=1e-12)
    assert alone["information"].iloc[1] < 0.6  # not H(Y) = 1 bit


def test_values_that_are_no_categories_are_named_by_their_column():
    lists = [[1], [2], [1], [2]]
    # lists are not hashable but orderable: read as before
    table = subset_information(pd.DataFrame({"a": lists}), [0, 1, 0, 1])
    assert table["information"].iloc[1] == pytest.approx(1.0)
    with pytest.raises(TypeError, match="X column 'a' holds values"):
        subset_information(pd.DataFrame({"a": [[1], None, [1], [2]]}),
                           [0, 1, 0, 1])
    with pytest.raises(TypeError, match="^y holds values"):
        subset_information(np.zeros((3, 1)),
                           np.array([[1], None, [2]], dtype=object))


def test_a_list_of_rows_reads_as_its_dataframe_does():
    """numpy would make text of a list mixing text and numbers: 1 and 1.0
    became two symbols and NaN the text 'nan'."""
    rows = [["u", 1], ["v", 1.0], ["u", 1], ["v", np.nan], ["u", 1.0], ["v", 1]]
    y = [0, 1, 0, 1, "nan", np.nan]
    from_list = subset_information(rows, y)
    from_frame = subset_information(pd.DataFrame(rows), pd.Series(y, dtype=object))
    np.testing.assert_allclose(from_list.information, from_frame.information)
    columns = [[r[j] for r in rows] for j in range(2)]
    for mask, expected in enumerate(from_list.information):
        subset = [j for j in range(2) if mask >> j & 1]
        assert expected == pytest.approx(_brute_information(columns, y, subset))
    assert from_list.attrs["target_entropy"] == pytest.approx(_entropy(
        [_symbol(v) for v in y]))
