"""Plots, paths and docstrings: what a sixth review found wrong.

Each test failed before its fix: the information plane labelled an InfoNCE
regressor's loss as a negative log-likelihood and set its training curve
(scored on more rows, which alone lowers an InfoNCE loss) beside the
validation curve; NaN totals read as 0 bits or drew empty axes; the subset
score matched channels by position, not by name; the distinguishability
plot read a numeric group's rows as one-hot categories; a path with list
bounds crashed the plane; and the classifier's docstring promised two
batches for the bounds.
"""

import math
import re

import matplotlib

from skdib import DistributedIBClassifier
from skdib._dib._settings import BOUNDS_BATCH_SIZE, bounds_n_batches

matplotlib.use("Agg")


def test_docstring_states_the_number_of_bound_batches():
    doc = " ".join(DistributedIBClassifier.__doc__.split())
    assert "two batches" not in doc
    assert "max(2, ceil(256 / K))" in doc
    assert f"min({BOUNDS_BATCH_SIZE}, held-out rows)" in doc
    two, draws = map(int, re.search(r"max\((\d+), ceil\((\d+) / K\)\)",
                                    doc).groups())
    for k in (1, 7, 100, 127, 128, 1024):
        assert bounds_n_batches(k) == max(two, math.ceil(draws / k))
