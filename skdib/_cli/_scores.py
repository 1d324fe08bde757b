"""Scores for ``skdib analyze``: the chosen path point and two baselines.

The Distributed IB path (one sweep per fold, with
:func:`skdib.compare.cross_validate_path`), a standardised linear model and a
random forest are scored on the same cross-validation folds, so the report
can say how well the path's chosen point predicts compared with models a
reader knows. Scores are accuracy for classification and R² for regression,
as the path's ``score_val``.
"""

import numpy as np
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skdib._cli._data import CLIError
from skdib._utils._validation import plain_value
from skdib.compare import cross_validate_path
from skdib.compare._folds import fold_mean_and_se, make_folds
from skdib.exceptions import DivergenceError

__all__ = ["N_TREES", "baselines", "cross_validated_scores", "validation_scores"]

N_TREES = 200


def _one_hot(categorical):
    """One-hot encode the categorical columns; pass the others through."""
    encoder = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    return ColumnTransformer([("categories", encoder, list(categorical))],
                             remainder="passthrough")


def baselines(task, categorical=(), seed=0):
    """The baseline models: ``{key: (label, unfitted pipeline)}``.

    A linear model (``LogisticRegression`` for classification, ``RidgeCV``
    for regression) after a ``StandardScaler``, and a random forest of
    ``N_TREES`` trees seeded with ``seed``; categorical columns are one-hot
    encoded first.
    """
    classification = task == "classification"
    linear = LogisticRegression(max_iter=1000) if classification else RidgeCV()
    forest = (RandomForestClassifier if classification else RandomForestRegressor)(
        n_estimators=N_TREES, random_state=seed)
    encode = [_one_hot(categorical)] if len(categorical) else []
    return {
        "linear": (f"linear ({type(linear).__name__}, standardised)",
                   make_pipeline(*encode, StandardScaler(), linear)),
        "random_forest": (f"random forest ({N_TREES} trees)",
                          make_pipeline(*encode, forest)),
    }


def _entry(label, fold_scores, **extra):
    scores = np.asarray(fold_scores, dtype=float)
    mean, se = fold_mean_and_se(scores[:, None])
    return {"label": label, "mean": float(mean[0]), "se": float(se[0]),
            "folds": scores.tolist(), **extra}


def _dib_entry(est, X, y, folds, seed):
    """The path, cross-validated, at the fitted model's own point.

    That point was chosen on the model's own validation rows; choosing it
    again on the folds' mean would pick it on the rows it is scored on,
    which the baselines are not. Each fold runs one sweep: with
    ``n_replicates`` > 1 its replicates would be chosen on its held-out rows
    (``cross_validate_path`` passes them as the validation set).
    """
    template = clone(est).set_params(verbose=0, n_replicates=1)
    cvp = cross_validate_path(template, X, y, cv=folds, random_state=seed)
    point = cvp.path.nearest_point(beta=est.information_path_.beta[est.best_point_])
    label = "Distributed IB, chosen path point"
    if est.n_replicates > 1:
        label += ", one sweep per fold"
    entry = _entry(label, cvp.score[:, point], point=int(point),
                   beta=float(cvp.beta[point]), rule=est._selection_rule())
    return entry, cvp


def cross_validated_scores(est, X, y, *, task, categorical=(), cv=5, seed=0):
    """Score the path and the baselines on the same ``cv`` folds.

    Parameters
    ----------
    est : DistributedIBClassifier or DistributedIBRegressor
        The estimator of the report; its settings are cloned for every fold.
    X : DataFrame
    y : ndarray
    task : {"classification", "regression"}
    categorical : list of str
        Categorical columns of ``X`` (one-hot encoded for the baselines).
    cv : int
        Number of folds (stratified for classification, shuffled with
        ``seed``).
    seed : int

    Returns
    -------
    scores : dict
        ``cv`` and ``models``: per model ``label``, ``mean`` and ``se`` (the
        standard error over folds) and the per-fold ``folds``; the
        Distributed IB entry also has its ``point``, ``beta`` and ``rule``.
    cv_path : Bunch
        The result of :func:`skdib.compare.cross_validate_path`.
    """
    folds = cv_folds(cv, X, y, task=task, seed=seed)
    try:
        dib, cvp = _dib_entry(est, X, y, folds, seed)
        models = {"distributed_ib": dib}
        for key, (label, model) in baselines(task, categorical, seed).items():
            scores = cross_val_score(model, X, y, cv=folds, error_score="raise")
            models[key] = _entry(label, scores)
    except (ValueError, DivergenceError) as exc:  # a fold's sweep may diverge
        error = _cv_error(cv, exc)
    else:
        return {"cv": int(cv), "n_rows": len(y), "models": models}, cvp
    # raised out here, so that it does not keep the caught error as its
    # __context__: a DivergenceError holds every fold's fitted estimator
    raise error


def cv_folds(cv, X, y, *, task, seed=0):
    """The ``cv`` folds of the table, or a :class:`CLIError` saying why there
    are none (``analyze`` calls it before the fit, so a bad ``--cv`` fails
    at once)."""
    try:
        folds = make_folds(cv, X, y, classification=task == "classification",
                           random_state=seed)
    except ValueError as exc:
        raise _cv_error(cv, exc) from None
    if task == "classification":
        _check_fold_classes(cv, y, folds)
    return folds


def _check_fold_classes(cv, y, folds):
    """Refuse folds whose training rows miss a class (a class of one row):
    that fold's model could neither learn nor predict it."""
    classes = np.unique(np.asarray(y))
    for train, _ in folds:
        absent = np.setdiff1d(classes, np.asarray(y)[train])
        if len(absent):
            names = [plain_value(c) for c in absent]
            raise CLIError(
                f"--cv {cv}: class(es) {names} have too few rows for every "
                "fold to train on them (each needs at least 2 rows); drop "
                "those rows, or --cv 0 to skip cross-validation")


def _cv_error(cv, exc):
    first = str(exc).strip().splitlines()[0]
    return CLIError(f"--cv {cv}: cross-validation failed: {first}; use "
                    "fewer folds, or --cv 0 to skip it")


def validation_scores(est):
    """The path's own held-out score at its chosen point and how many rows
    (all rows when ``validation_fraction`` is 0: the path is then scored on
    its training rows)."""
    path, point = est.information_path_, est.best_point_
    fraction = est.get_params()["validation_fraction"]
    n_val = est.n_validation_samples_
    se = (np.nan if path.score_val_se is None
          else float(path.score_val_se[point]))
    return {"n_rows": n_val, "fraction": fraction, "point": int(point),
            "score": float(path.score_val[point]), "se": se}
