"""The command's fit: its settings, its one-line errors, its warnings."""

import time
import warnings

from skdib._cli._errors import CLIError
from skdib._cli._hints import for_the_command
from skdib._cli._parser import PASSED_SETTINGS
from skdib._cli._stops import divergence_line, interrupted_note
from skdib.exceptions import DivergenceError, SweepInterruptedWarning

__all__ = ["fit_estimator", "interrupted"]


def fit_estimator(estimator_class, X, y, args, device, say, **params):
    """Fit the estimator of the command's settings, as the command reports it.

    Parameters
    ----------
    estimator_class : type
        DistributedIBClassifier or DistributedIBRegressor.
    X : DataFrame
    y : array-like
    args : Namespace
        The parsed command line.
    device : str
    say : callable
        Prints a line unless --quiet.
    **params
        Further estimator parameters.

    Returns
    -------
    est : fitted estimator
        Its ``fit_status_`` is "interrupted" where Ctrl-C stopped the fit
        after a checkpoint (:func:`interrupted`).
    fit_s : float
        Seconds the fit took.
    notes : list of str
        The fit's warnings, in the command's terms, for the report.

    Raises
    ------
    CLIError
        Bad input, or a fit that diverged, in one line.
    KeyboardInterrupt
        Ctrl-C before the fit kept anything.
    """
    from sklearn.base import is_regressor

    params.update(device=device, random_state=args.seed,
                  verbose=0 if args.quiet else 1)
    for name in PASSED_SETTINGS:
        if getattr(args, name) is not None:
            params[name] = getattr(args, name)
    est = estimator_class(**params)
    steps = (est.n_pretrain_steps, est.n_steps)
    schedule = (f"{sum(steps)} steps" if all(isinstance(v, int) for v in steps)
                else "the default recipe")
    if est.n_replicates > 1:
        schedule = f"{est.n_replicates} sweeps of {schedule}"
    say(f"Fitting {estimator_class.__name__} on {X.shape[0]} samples x "
        f"{X.shape[1]} columns ({schedule} on {device}).")
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        try:
            est.fit(X, y)
        except (ValueError, TypeError) as exc:
            raise CLIError(for_the_command(
                str(exc).strip().splitlines()[0])) from None
        except DivergenceError as exc:  # one line: why, and what to do
            raise CLIError(divergence_line(
                exc, X, y if is_regressor(est) else None,
                categorical=_listed(params.get("categorical_features")),
                beta_end=estimator_class().beta_end)) from None
        except KeyboardInterrupt:  # a report of the path so far, if kept
            if getattr(est, "fit_status_", None) != "interrupted":
                raise
    fit_s = time.perf_counter() - start
    notes = []
    for w in caught:  # shown as usual, and kept for the report
        if issubclass(w.category, SweepInterruptedWarning):
            continue  # its continue_fit is out of a command's reach
        text = for_the_command(str(w.message))
        warnings.warn_explicit(w.category(text), w.category, w.filename,
                               w.lineno)
        if issubclass(w.category, UserWarning) and text not in notes:
            notes.append(text)
    if interrupted(est):
        notes.append(interrupted_note(est))
    return est, fit_s, notes


def _listed(categorical):
    """The columns a ``categorical_features`` value names ('auto' and None
    name none: their categorical columns are text, not numbers)."""
    return list(categorical) if isinstance(categorical, (list, tuple)) else []


def interrupted(est):
    """Whether Ctrl-C stopped the fit of ``est`` after a checkpoint (its
    path so far is kept)."""
    return getattr(est, "fit_status_", None) == "interrupted"
