"""How the command tells a user about a fit or a step that stopped early.

The estimators' own messages speak to Python users (``est.continue_fit``);
these speak to someone at a terminal, who can run the command again.
"""

import re

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

__all__ = ["cv_interrupted", "divergence_line", "far_value", "fit_interrupted",
           "interrupted_note"]

#: A value this many interquartile ranges from its column's median is far
#: out of range: a typing error or a missing-value code such as 1e12 or
#: -99999 in a column of measurements, which can make a fit diverge.
FAR = 1000.0


def interrupted_note(est):
    """The report's note on a fit that Ctrl-C stopped after a checkpoint.

    Parameters
    ----------
    est : DistributedIBClassifier or DistributedIBRegressor
        Fitted, with ``fit_status_`` "interrupted": it keeps the path so far.

    Returns
    -------
    note : str
    """
    path = est.information_path_
    return (f"The fit was interrupted (Ctrl-C) after {path.n_points} "
            f"checkpoint(s) of the path (β up to {path.beta[-1]:.3g}): this "
            "report shows only that part of the path. Run the command again "
            "for the whole path.")


def fit_interrupted(est):
    """The stderr line (after ``skdib: interrupted``) for an interrupted fit
    whose partial report was written.

    Parameters
    ----------
    est : DistributedIBClassifier or DistributedIBRegressor
        The partially fitted estimator.

    Returns
    -------
    line : str
    """
    return (f"during the fit; the report of the {est.information_path_.n_points}"
            " checkpoint(s) recorded before was written (exit status 130); "
            "run the command again for the whole path")


def cv_interrupted():
    """The stderr line (after ``skdib: interrupted``) for cross-validation
    stopped by Ctrl-C after the fit, whose report was written.

    Returns
    -------
    line : str
    """
    return ("during cross-validation; the report of the finished fit was "
            "written without cross-validated scores (exit status 130); run "
            "the command again for them, or use --cv 0 to skip them")


def far_value(X, y=None):
    """The value furthest out of its column's range, if any is far out.

    A value is far out when it lies more than ``FAR`` interquartile ranges
    (or, in a column whose quartiles coincide, ``FAR`` times the median's
    size, at least 1) from its column's median.

    Parameters
    ----------
    X : DataFrame
        The feature columns; those that are not numbers are passed over.
    y : array-like, optional
        A numeric target (regression), checked as the column "the target".

    Returns
    -------
    found : tuple (column, value, row, median) or None
        ``row`` counts the table's data rows from 1.
    """
    columns = {str(c): X[c] for c in X.columns}
    if y is not None:
        columns["the target"] = pd.Series(np.asarray(y).ravel())
    best, found = FAR, None
    for name, values in columns.items():
        if not is_numeric_dtype(values) or is_bool_dtype(values):
            continue
        x = np.asarray(values, dtype=float)
        finite = x[np.isfinite(x)]
        if not len(finite):
            continue
        median = float(np.median(finite))
        q25, q75 = np.percentile(finite, [25, 75])
        scale = q75 - q25 if q75 > q25 else max(abs(median), 1.0)
        distance = np.where(np.isfinite(x), np.abs(x - median) / scale, 0.0)
        row = int(np.argmax(distance))
        if distance[row] > best:
            best, found = distance[row], (name, float(x[row]), row + 1, median)
    return found


def divergence_line(exc, X, y=None):
    """The one line that says why the fit diverged and what to do.

    Parameters
    ----------
    exc : DivergenceError
        Raised by the fit.
    X : DataFrame
        The feature columns of the fit.
    y : array-like, optional
        A numeric target (regression).

    Returns
    -------
    line : str
    """
    head = f"the fit diverged at step {exc.step} (β = {exc.beta:.3g})"
    found = far_value(X, y)
    if found is not None:
        name, value, row, median = found
        column = name if name == "the target" else f"column {name!r}"
        return (f"{head}: {column} holds {value:.6g} in data row {row}, far "
                f"out of its range (median {median:.3g}); check that value (a "
                "typing error, or a code for a missing value?), then fix or "
                "remove that row and run again")
    detail = re.search(r"\): (.*?)\. ", str(exc))
    cause = f": {detail.group(1)}" if detail else ""
    return (f"{head}{cause}; try another --seed or a smaller --beta-end, or "
            "standardise the columns (or their units), and run again")
