"""The information path to plot, from an estimator, a path, or a fitted
object that holds the estimator (a selector, a Pipeline, a search)."""

from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from skdib._dib._base import BaseDistributedIB
from skdib._dib._path import InformationPath
from skdib._sets._base import BaseSetDIB

__all__ = ["as_path"]

SWEEPS = (BaseDistributedIB, BaseSetDIB)
SEARCHED = ("the steps of a Pipeline, the transformers of a FeatureUnion or a "
            "ColumnTransformer, the estimator_ of a selector, the "
            "best_estimator_ of a search (none with refit=False) and the "
            "calibrated copies of a CalibratedClassifierCV, at any depth")


def as_path(est_or_path):
    """Return ``(path, estimator)`` from a fitted estimator or a path.

    ``estimator`` is None when an :class:`~skdib.InformationPath` is given.
    A fitted object that holds one (a selector, a Pipeline in any step, a
    FeatureUnion or ColumnTransformer, a search's ``best_estimator_``, a
    CalibratedClassifierCV) gives the one fitted sweep inside it; several
    are refused with a ValueError naming them. Where the object that holds the
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
        f"This fitted {name} holds no fitted Distributed IB estimator where "
        f"the plots look ({SEARCHED}): pass the fitted "
        "DistributedIBClassifier / DistributedIBRegressor itself, or its "
        "information_path_.")


def _fitted_inner(obj):
    """The one fitted Distributed IB estimator inside ``obj``, else None.

    Looks where :data:`SEARCHED` says. One estimator object found in two
    places counts once; ValueError, naming them, when there are several.
    """
    found = {}
    for where, est in _sweeps_inside(obj, type(obj).__name__):
        found.setdefault(id(est), (where, est))
    if len(found) > 1:
        names = ", ".join(where for where, _ in found.values())
        raise ValueError(
            f"This {type(obj).__name__} holds {len(found)} fitted Distributed "
            f"IB estimators ({names}); pass the one to plot.")
    return next(iter(found.values()))[1] if found else None


def _sweeps_inside(obj, where):
    """``(where, estimator)`` for every fitted sweep in or under ``obj``."""
    if isinstance(getattr(obj, "information_path_", None), InformationPath):
        return [(where, obj)]
    inner = [(f".{attr}", getattr(obj, attr, None))
             for attr in ("estimator_", "best_estimator_")]
    copies = getattr(obj, "calibrated_classifiers_", None)
    if isinstance(copies, list):
        inner += [(f".calibrated_classifiers_[{i}].estimator",
                   getattr(copy, "estimator", None))
                  for i, copy in enumerate(copies)]
    return [found for label, part in [*inner, *_parts(obj)]
            if part is not None
            for found in _sweeps_inside(part, f"{where}{label}")]


def _parts(obj):
    """``(label, estimator)`` for the estimators a container holds: the
    steps of a Pipeline, the transformers of a FeatureUnion, and those of a
    ColumnTransformer (the fitted ones once it is fitted)."""
    if isinstance(getattr(obj, "transformers_", None), list):
        items, prefix = obj.transformers_, ".named_transformers_"
    else:
        items, prefix = None, ""
        for attr in ("steps", "transformer_list", "transformers"):
            if isinstance(getattr(obj, attr, None), list):
                items = getattr(obj, attr)
                break
    return [(f"{prefix}[{item[0]!r}]", item[1]) for item in items or ()
            if isinstance(item, tuple) and len(item) >= 2
            and hasattr(item[1], "get_params")]


def _unfitted_holders(obj, where):
    """``(where, part)`` for each part of ``obj`` that would hold a sweep but
    is not fitted: a Distributed IB estimator, or a selector, search or
    calibrator built on one. A container (Pipeline, FeatureUnion,
    ColumnTransformer) is judged by its parts, not by its last step."""
    parts = _parts(obj)
    if parts:
        return [found for label, part in parts
                for found in _unfitted_holders(part, f"{where}{label}")]
    if not _built_on_sweep(obj):
        return []
    try:
        check_is_fitted(obj)
    except NotFittedError:
        return [(where, obj)]
    return []


def _built_on_sweep(obj):
    """Whether ``obj`` is a Distributed IB estimator, or wraps one (its
    ``estimator`` parameter, or a part of a container), fitted or not."""
    if isinstance(obj, SWEEPS):
        return True
    inner = getattr(obj, "estimator", None)
    parts = [part for _, part in _parts(obj)]
    return any(_built_on_sweep(part) for part in [inner, *parts]
               if hasattr(part, "get_params"))
