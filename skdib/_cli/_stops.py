"""How the command tells a user about a fit or a step that stopped early.

The estimators' own messages speak to Python users (``est.continue_fit``);
these speak to someone at a terminal, who can run the command again.
"""

import numpy as np
import pandas as pd
from pandas.api.types import is_bool_dtype, is_numeric_dtype

from skdib._cli._hints import for_the_command

__all__ = ["cv_interrupted", "divergence_line", "far_value", "fit_interrupted",
           "interrupted_banner", "interrupted_note"]

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


def interrupted_banner(est, scores=None):
    """The line at the top of a partial report, which Ctrl-C cut short.

    Both kinds of stop get it from here: Ctrl-C during the fit, and Ctrl-C
    during ``--cv`` after a whole fit. The estimator keeps no β of the
    moment Ctrl-C came, only its checkpoints, so the line of a stopped fit
    names the β of the last one kept.

    Parameters
    ----------
    est : DistributedIBClassifier or DistributedIBRegressor
        Fitted; its ``fit_status_`` "interrupted" says that Ctrl-C stopped
        the fit.
    scores : dict, optional
        The report's scores (``skdib._cli._main``): a ``cv_stopped`` entry
        says that Ctrl-C stopped (or forestalled) cross-validation.

    Returns
    -------
    line : str
        Empty for a whole report.
    """
    if getattr(est, "fit_status_", None) == "interrupted":
        path = est.information_path_
        what = (f"the sweep stopped after β = {path.beta[-1]:.3g} (checkpoint "
                f"{path.n_points} of {est.n_checkpoints}); the path, ranking "
                "and scores describe the checkpoints before the stop. Run the "
                "command again for the whole path.")
    elif (scores or {}).get("cv_stopped"):
        what = ("cross-validation stopped after the fit, which ran to its "
                "end: the path, ranking and the path's own score are whole, "
                "and the cross-validated scores of the model and the "
                "baselines are missing. Run the command again for them, or "
                "use --cv 0 to skip them.")
    else:
        return ""
    return f"Interrupted: {what}"


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


def far_value(X, y=None, categorical=()):
    """The value furthest out of its column's range, if any is far out.

    A value is far out when it lies more than ``FAR`` interquartile ranges
    from its column's median. Columns whose quartiles coincide (counts that
    are mostly 0) and categorical columns (numeric codes) are passed over:
    any value differing from most of theirs would count as far.

    Parameters
    ----------
    X : DataFrame
        The feature columns; those that are not numbers are passed over.
    y : array-like, optional
        A numeric target (regression), checked as the column "the target".
    categorical : iterable of str, optional
        Columns read as categories, passed over.

    Returns
    -------
    found : tuple (column, value, row, median) or None
        ``row`` counts the table's data rows from 1.
    """
    skip = {str(c) for c in categorical}
    columns = {str(c): X[c] for c in X.columns if str(c) not in skip}
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
        if not q75 > q25:
            continue
        distance = np.where(np.isfinite(x), np.abs(x - median) / (q75 - q25),
                            0.0)
        row = int(np.argmax(distance))
        if distance[row] > best:
            best, found = distance[row], (name, float(x[row]), row + 1, median)
    return found


def divergence_line(exc, X, y=None, categorical=(), beta_end=1.0):
    """The one line that says why the fit diverged and what to do.

    It leads with what is certain, the step and β; a β far above the
    default ``beta_end`` is named as the likely cause. A value far out of
    its column's range (:func:`far_value`) is only named as something to
    check, after the advice.

    Parameters
    ----------
    exc : DivergenceError
        Raised by the fit.
    X : DataFrame
        The feature columns of the fit.
    y : array-like, optional
        A numeric target (regression).
    categorical : iterable of str, optional
        The columns read as categories.
    beta_end : float, optional
        The estimators' default ``beta_end``.

    Returns
    -------
    line : str
    """
    line = f"the fit diverged at step {exc.step} (β = {exc.beta:.3g})"
    if exc.detail:  # what diverged, in the command's terms
        line += f": {for_the_command(exc.detail)}"
    if exc.beta > 10 * beta_end:
        line += (f"; β had reached {exc.beta / beta_end:.3g} times the "
                 f"default --beta-end ({beta_end:g}): run again with a lower "
                 "--beta-end")
    else:
        line += ("; try another --seed or a smaller --beta-end, or "
                 "standardise the columns (or their units), and run again")
    found = far_value(X, y, categorical)
    if found is not None:
        name, value, row, median = found
        column = name if name == "the target" else f"column {name!r}"
        line += (f"; {column} holds {value:.6g} in data row {row}, far from "
                 f"its other values (median {median:.3g}): check it (a typing "
                 "error, or a code for a missing value?)")
    return line
