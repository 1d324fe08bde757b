"""How the command tells a user about a fit or a step that stopped early.

The estimators' own messages speak to Python users (``est.continue_fit``);
these speak to someone at a terminal, who can run the command again.
"""

__all__ = ["cv_interrupted", "fit_interrupted", "interrupted_note"]


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
