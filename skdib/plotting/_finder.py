"""The information path to plot, from an estimator, a path, or a fitted
object that holds the estimator (a selector, a Pipeline, a search)."""

from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from skdib._dib._base import BaseDistributedIB
from skdib._dib._path import InformationPath
from skdib._sets._base import BaseSetDIB

__all__ = ["as_path"]

SWEEPS = (BaseDistributedIB, BaseSetDIB)


def as_path(est_or_path):
    """Return ``(path, estimator)`` from a fitted estimator or a path.

    ``estimator`` is None when an :class:`~skdib.InformationPath` is given.
    A fitted selector, Pipeline (any step) or search (its
    ``best_estimator_``) gives the one fitted sweep inside it; several are
    refused with a ValueError naming them. Where the object that holds the
    sweep (the estimator, or the selector or search around it, in whichever
    Pipeline step) is not fitted, a NotFittedError says so, whatever the
    other steps.
    """
    if isinstance(est_or_path, InformationPath):
        return est_or_path, None
    path = getattr(est_or_path, "information_path_", None)
    if isinstance(path, InformationPath):
        return path, est_or_path
    inner = _fitted_inner(est_or_path)
    if inner is not None:  # a fitted selector, Pipeline or search: the sweep inside
        return as_path(inner)
    if hasattr(est_or_path, "fit") and hasattr(est_or_path, "get_params"):
        _refuse_estimator(est_or_path)
    raise TypeError(
        "Expected a fitted DistributedIBClassifier / DistributedIBRegressor or "
        f"an InformationPath, got {type(est_or_path).__name__}."
    )


def _refuse_estimator(est):
    """Raise for an estimator that holds no fitted sweep: NotFittedError when
    the part that would hold it (or ``est`` itself) is not fitted, else a
    TypeError saying it holds no sweep."""
    name = type(est).__name__
    unfitted = _unfitted_holders(est, name)
    if unfitted:
        where, holder = unfitted[0]
        part = ("" if holder is est else f" (its part that holds the "
                f"Distributed IB estimator, {where}, a "
                f"{type(holder).__name__}, is not)")
        raise NotFittedError(  # a ValueError too, as scikit-learn's
            f"This {name} is not fitted yet{part}: call fit before plotting "
            "its information path.")
    try:
        check_is_fitted(est)
    except NotFittedError:
        raise NotFittedError(
            f"This {name} is not fitted yet: call fit before plotting its "
            "information path.") from None
    raise TypeError(
        f"This fitted {name} holds no fitted Distributed IB "
        "estimator (looked in the steps of a Pipeline, a selector's "
        "estimator_ and a search's best_estimator_): pass the fitted "
        "DistributedIBClassifier / DistributedIBRegressor or its "
        "information_path_.")


def _fitted_inner(obj):
    """The one fitted Distributed IB estimator inside ``obj``, else None.

    Looks into a Pipeline's steps (any of them), a selector's
    ``estimator_`` and a search's ``best_estimator_``, at any depth. Raises
    ValueError, naming them, when there are several.
    """
    found = _sweeps_inside(obj, type(obj).__name__)
    if len(found) > 1:
        names = ", ".join(where for where, _ in found)
        raise ValueError(
            f"This {type(obj).__name__} holds {len(found)} fitted Distributed "
            f"IB estimators ({names}); pass the one to plot.")
    return found[0][1] if found else None


def _sweeps_inside(obj, where):
    """``(where, estimator)`` for every fitted sweep in or under ``obj``."""
    if isinstance(getattr(obj, "information_path_", None), InformationPath):
        return [(where, obj)]
    found = []
    for attr in ("estimator_", "best_estimator_"):
        inner = getattr(obj, attr, None)
        if inner is not None:
            found += _sweeps_inside(inner, f"{where}.{attr}")
    for name, step in _steps(obj):
        found += _sweeps_inside(step, f"{where}[{name!r}]")
    return found


def _steps(obj):
    """``(name, step)`` for each estimator step of a Pipeline, else none."""
    steps = getattr(obj, "steps", None)
    if not isinstance(steps, list):
        return []
    return [step for step in steps if isinstance(step, tuple) and len(step) == 2
            and hasattr(step[1], "get_params")]


def _unfitted_holders(obj, where):
    """``(where, part)`` for each part of ``obj`` that would hold a sweep but
    is not fitted: a Distributed IB estimator, or a selector or search built
    on one. A Pipeline is judged by its steps, not by its last step."""
    steps = _steps(obj)
    if steps:
        return [found for name, step in steps
                for found in _unfitted_holders(step, f"{where}[{name!r}]")]
    if not _built_on_sweep(obj):
        return []
    try:
        check_is_fitted(obj)
    except NotFittedError:
        return [(where, obj)]
    return []


def _built_on_sweep(obj):
    """Whether ``obj`` is a Distributed IB estimator, or wraps one (its
    ``estimator`` parameter, or a Pipeline step of it), fitted or not."""
    if isinstance(obj, SWEEPS):
        return True
    inner = getattr(obj, "estimator", None)
    parts = [step for _, step in _steps(obj)]
    return any(_built_on_sweep(part) for part in [inner, *parts]
               if hasattr(part, "get_params"))
