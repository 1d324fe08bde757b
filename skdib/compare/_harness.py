"""Score vs number of selected features, for several selectors on the same folds."""

import inspect
import time
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
from joblib import effective_n_jobs
from sklearn.base import clone
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import check_scoring
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import LabelEncoder, StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_array, column_or_1d

from skdib._utils._validation import check_groups, check_n_jobs
from skdib._utils._warnings import (
    parallel_keeping_warnings,
    user_stacklevel,
)
from skdib.compare._folds import make_folds
from skdib.compare._methods import BUILTIN_METHODS, optional_missing
from skdib.exceptions import DivergenceError

__all__ = ["compare_selectors"]

COLUMNS = ["method", "k", "fold", "score", "fit_time"]


def _task(y, task="auto"):
    """'classification' or 'regression': ``task`` as given, or (for 'auto')
    from scikit-learn's ``type_of_target`` (integers are class labels)."""
    if task not in ("auto", "classification", "regression"):
        raise ValueError("task must be 'auto', 'classification' or "
                         f"'regression'; got {task!r}.")
    kind = type_of_target(y, input_name="y")
    if kind not in ("binary", "multiclass", "continuous"):
        raise ValueError(
            f"compare_selectors needs a single-output binary, multiclass or "
            f"continuous target; got {kind!r}.")
    if task == "regression" and not np.issubdtype(np.asarray(y).dtype, np.number):
        raise ValueError("task='regression' needs a numeric target.")
    if task == "classification" and kind == "continuous":
        raise ValueError("task='classification' needs class labels; y holds "
                         "non-integer numbers.")
    if task != "auto":
        return task
    return "regression" if kind == "continuous" else "classification"


def _resolve_methods(methods):
    """Dict name -> ranking function; optional methods that don't import are
    dropped with a warning."""
    if methods is None:
        methods = list(BUILTIN_METHODS)
    if isinstance(methods, str):
        methods = [methods]
    if isinstance(methods, dict):
        items = list(methods.items())
    else:
        items = [(name, name) for name in methods]
    resolved = {}
    for name, method in items:
        if isinstance(method, str):
            if method not in BUILTIN_METHODS:
                raise ValueError(
                    f"Unknown method {method!r}; built-in methods are "
                    f"{sorted(BUILTIN_METHODS)}, or pass a dict name -> "
                    "function(X, y, task, random_state) -> order."
                )
            missing = optional_missing(method)
            if missing is not None:
                warnings.warn(
                    f"Skipping method {name!r}: it needs the optional package "
                    f"{missing!r} (pip install {missing}).", UserWarning,
                    stacklevel=user_stacklevel())
                continue
            method = BUILTIN_METHODS[method]
        elif not callable(method):
            raise TypeError(
                f"Method {name!r} must be a built-in name or a callable, got "
                f"{type(method).__name__}."
            )
        resolved[str(name)] = method
    if not resolved:
        raise ValueError("No method left to compare.")
    return resolved


def _resolve_k(k_values, n_features):
    if k_values is None:
        if n_features <= 20:
            return list(range(1, n_features + 1))
        grid = np.geomspace(1, n_features, 10)
        return sorted({int(round(k)) for k in grid})
    ks = sorted({k for k in np.atleast_1d(k_values).tolist()})
    bad = [k for k in ks if not isinstance(k, Integral) or not 1 <= k <= n_features]
    if bad or not ks:
        raise ValueError(
            f"k_values must be integers between 1 and n_features={n_features}; "
            f"got {k_values!r}."
        )
    return ks


def _default_estimator(task):
    if task == "classification":
        return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    return make_pipeline(StandardScaler(), Ridge())


def _takes(method, name):
    """Whether a ranking method has a parameter ``name`` (``rank_dib`` has
    ``groups`` and ``classes``), to be given that argument by keyword."""
    try:
        parameters = inspect.signature(method).parameters
    except (TypeError, ValueError):  # a callable without a signature
        return False
    parameter = parameters.get(name)
    return parameter is not None and parameter.kind in (
        inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)


def _orders(method, name, X, y, task, seed, max_k, groups=None, classes=None):
    """Rankings as a 2-D int array (one order per row), validated. A method
    with a ``groups`` or a ``classes`` parameter gets that argument (when
    not None)."""
    given = {"groups": groups, "classes": classes}
    extra = {key: value for key, value in given.items()
             if value is not None and _takes(method, key)}
    orders = np.atleast_2d(np.asarray(method(X, y, task, seed, **extra)))
    n_features = X.shape[1]
    ok = (orders.ndim == 2 and orders.shape[1] >= max_k
          and np.issubdtype(orders.dtype, np.integer)
          and orders.min() >= 0 and orders.max() < n_features
          and all(len(np.unique(row)) == len(row) for row in orders))
    if not ok:
        raise ValueError(
            f"Method {name!r} must return distinct feature indices (most "
            f"important first), at least {max_k} of them; got an array of "
            f"shape {orders.shape} and dtype {orders.dtype}."
        )
    return orders


def check_error_score(error_score):
    """``'raise'`` or a number (NaN allowed), else a clear error."""
    if isinstance(error_score, str) and error_score == "raise":
        return error_score
    if isinstance(error_score, bool) or not isinstance(error_score, Real):
        raise ValueError(f"error_score must be 'raise' or a number (np.nan "
                         f"for instance); got {error_score!r}.")
    return float(error_score)


def _diverged(error_score, exc, what):
    """``error_score`` in place of a sweep that diverged, with a
    FitFailedWarning naming ``what``; 'raise' raises the error itself."""
    if error_score == "raise":
        raise exc
    warnings.warn(f"{what} diverged, so its score there is {error_score} "
                  f"(error_score); the other methods and folds are kept. "
                  f"The error: {str(exc).splitlines()[0]}", FitFailedWarning,
                  stacklevel=2)
    return error_score


def _subset_score(estimator, scorer, X, y, train, test, cols, error_score, what):
    """The held-out score of ``estimator`` trained on columns ``cols``."""
    try:
        model = clone(estimator).fit(X[train][:, cols], y[train])
    except DivergenceError as exc:
        return _diverged(error_score, exc, f"The estimator on {what}")
    return scorer(model, X[test][:, cols], y[test])


def _run_fold(X, y, train, test, fold, methods, k_values, estimator, scorer,
              task, seed, error_score="raise"):
    """Scores of one fold. ``y`` is ``(codes, labels, groups, classes)``:
    the ranking methods get class codes 0..K-1 (and, where they take them,
    the training rows' groups and the labels ``classes`` behind the codes),
    the estimator and the scorer the labels as given (so ``pos_label``,
    ``'f1'`` and ``class_weight`` refer to the user's classes). A ranking or
    a fit that diverges scores ``error_score`` (see
    :func:`compare_selectors`)."""
    codes, y, groups, classes = y
    groups = None if groups is None else groups[train]
    scaler = StandardScaler().fit(X[train])
    X_rank = scaler.transform(X[train])
    rows = []
    for name, method in methods.items():
        start = time.perf_counter()
        try:
            orders = _orders(method, name, X_rank, codes[train], task, seed,
                             max(k_values), groups, classes)
        except DivergenceError as exc:
            score = _diverged(error_score, exc, f"Method {name!r} on fold {fold}")
            rows += [(name, k, fold, score, time.perf_counter() - start)
                     for k in k_values]
            continue
        fit_time = time.perf_counter() - start
        for k in k_values:
            scores = [_subset_score(estimator, scorer, X, y, train, test,
                                    order[:k], error_score,
                                    f"method {name!r}'s top {k} on fold {fold}")
                      for order in orders]
            rows.append((name, k, fold, float(np.mean(scores)), fit_time))
    return rows


def _run_fold_one_thread(*args):
    from skdib._backend import facade

    with facade.torch_threads(1):
        return _run_fold(*args)


def compare_selectors(X, y, *, methods=None, k_values=None, estimator=None, cv=5,
                      groups=None, scoring=None, random_state=None, n_jobs=None,
                      task="auto", error_score=np.nan):
    """Cross-validated score against the number of selected features.

    Every method ranks the features once per training fold; the top k
    features then train the same downstream ``estimator``, scored on the
    held-out fold, for every k in ``k_values``. All methods see the same
    folds, the same standardised training data and the same seed per fold.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Class labels (binary or multiclass) or a continuous target.
    methods : list of str, dict or None, default=None
        Built-in names: ``'dib'`` (:class:`~skdib.DistributedIBSelector`, one
        β sweep per fold), ``'ii_supervised'`` and ``'ii_unsupervised'``
        (:class:`~skdib.InformationImbalanceSelector`, one greedy order per
        fold), ``'lasso'`` (entry order on the L1 path), ``'mutual_info'``,
        ``'shap'`` and ``'sage'`` (need the optional packages ``shap`` and
        ``sage-importance``; skipped with a warning when missing) and
        ``'random'`` (5 random orders, scores averaged). None runs them all.
        A dict maps a label to a built-in name or to a function
        ``f(X_train, y_train, task, random_state) -> order`` (see
        :mod:`skdib.compare`), e.g. ``{"dib": partial(rank_dib,
        estimator=DistributedIBClassifier(n_steps=1000))}``. For class
        labels, every method gets ``y_train`` as codes 0..K-1; a function
        with a ``classes`` parameter (``rank_dib`` has one) also gets, by
        keyword, the labels behind the codes (``classes[c]`` is code c), as
        an array, whatever else the name means to it. ``rank_dib`` fits its
        sweep on the labels, so a ``class_weight`` dict of its estimator,
        keyed by your labels, weights the same classes as downstream.
    k_values : array-like of int or None, default=None
        Numbers of features to score. None: every k up to 20 features,
        otherwise 10 values spaced geometrically from 1 to n_features.
    estimator : estimator or None, default=None
        Downstream model trained on the selected columns. None: a
        standardised ``LogisticRegression`` (classification) or ``Ridge``
        (regression).
    cv : int, cross-validation generator or iterable, default=5
        An int gives shuffled ``StratifiedKFold`` (classification) or
        ``KFold`` (regression) seeded by ``random_state``; with ``groups``,
        ``StratifiedGroupKFold`` or ``GroupKFold``.
    groups : array-like of shape (n_samples,), optional
        Group labels of correlated rows (e.g. one simulation each); a group
        never spans a training and a held-out fold. A method with a
        ``groups`` parameter (``'dib'``, or a function of yours) also gets
        the training fold's groups, so that its own validation split (the β
        sweep's) holds out whole groups too; ``'dib'`` splits at random,
        with a warning, in a fold whose groups its estimator refuses
        (``validation_fraction=0``, 1 group, a class in no training group).
    scoring : str, callable or None, default=None
        Scorer for the held-out folds; None uses ``estimator.score``
        (accuracy or R²). The estimator and the scorer see the class labels
        as given, so ``'f1'`` or ``pos_label`` name your classes (the
        ranking methods get codes; see ``methods``).
    random_state : int, RandomState or None, default=None
        Seeds the folds and, through one seed per fold, every method.
    n_jobs : int or None, default=None
        Folds run in parallel with joblib; each worker then limits torch to
        one thread (the DIB estimators default to ``n_threads=1``).
    task : {'auto', 'classification', 'regression'}, default='auto'
        'auto' follows scikit-learn's ``type_of_target``: integer targets
        are class labels. Pass 'regression' for an integer-valued quantity
        (counts, rounded measurements).
    error_score : 'raise' or float, default=np.nan
        The score of a (method, fold) whose ranking diverged
        (:class:`~skdib.exceptions.DivergenceError`, e.g. the ``'dib'``
        sweep), at every k, and of a downstream ``estimator`` fit that
        diverged, each with a ``FitFailedWarning`` that names the method and
        fold, as scikit-learn's ``cross_validate`` does; the other methods
        and folds are kept. ``'raise'`` raises the error at once. Other
        errors (a method's bad output, a bad argument) always raise.

    Returns
    -------
    results : pandas.DataFrame
        One row per (method, k, fold), columns ``method``, ``k``, ``fold``,
        ``score`` and ``fit_time`` (seconds to compute that method's ranking
        on that fold; the same for every k). ``results.attrs`` holds
        ``task`` and ``scoring`` (the scorer's name, for plot labels).

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.compare import compare_selectors
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(120, 4))
    >>> y = (X[:, 1] > 0).astype(int)
    >>> res = compare_selectors(X, y, methods=["lasso", "random"], k_values=[1, 2],
    ...                         cv=3, random_state=0)
    >>> res.shape  # 2 methods x 2 values of k x 3 folds
    (12, 5)
    >>> means = res.groupby(["method", "k"])["score"].mean()
    >>> bool(means["lasso", 1] > means["random", 1])
    True
    """
    X = check_array(X, dtype=np.float64)
    y = column_or_1d(y, warn=True)
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}.")
    task = _task(y, task)
    classes = None
    if task == "classification":
        encoder = LabelEncoder().fit(y)
        codes, classes = encoder.transform(y), encoder.classes_
    else:
        y = codes = y.astype(np.float64)
    methods = _resolve_methods(methods)
    k_values = _resolve_k(k_values, X.shape[1])
    error_score = check_error_score(error_score)
    rng = check_random_state(random_state)
    groups = check_groups(groups, len(X))
    folds = make_folds(cv, X, codes, classification=task == "classification",
                       groups=groups, random_state=rng.randint(2**31 - 1))
    estimator = _default_estimator(task) if estimator is None else estimator
    scorer = check_scoring(estimator, scoring=scoring)
    seeds = rng.randint(2**31 - 1, size=len(folds))
    parallel = effective_n_jobs(check_n_jobs(n_jobs)) > 1
    run = _run_fold_one_thread if parallel else _run_fold
    per_fold = parallel_keeping_warnings(n_jobs, run, [
        (X, (codes, y, groups, classes), train, test, fold, methods, k_values,
         estimator, scorer, task, int(seeds[fold]), error_score)
        for fold, (train, test) in enumerate(folds)])
    frame = pd.DataFrame([row for rows in per_fold for row in rows],
                         columns=COLUMNS).astype({"k": int, "fold": int})
    frame.attrs.update(task=task, scoring=_scoring_name(scoring, task))
    return frame


def _scoring_name(scoring, task):
    if isinstance(scoring, str):
        return scoring
    if scoring is None:
        return "accuracy" if task == "classification" else "r2"
    return getattr(scoring, "__name__", "score")
