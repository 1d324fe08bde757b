"""Feature-ranking methods compared by :func:`skdib.compare.compare_selectors`.

Every method is a function ``rank(X, y, task, random_state) -> order``:

- ``X`` : ndarray (n_samples, n_features), standardised on the training fold.
- ``y`` : ndarray (n_samples,), integer class codes for classification.
- ``task`` : ``'classification'`` or ``'regression'``.
- ``random_state`` : int seed.
- ``order`` : feature indices, most important first (the top k features are
  ``order[:k]``), or a 2-D array of such orders (one per row) whose scores
  are averaged (``rank_random``).

A method that also has a ``groups`` parameter (``rank_dib``) gets the
training fold's group labels by keyword when ``compare_selectors`` is given
``groups``, and one with a ``classes`` parameter (``rank_dib``) gets the
class labels behind the codes (``classes[c]`` is code c) for
classification; the others are called with the four arguments alone.
"""

import functools
import importlib
import math
import warnings

import numpy as np
from sklearn.base import clone
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.feature_selection import mutual_info_classif, mutual_info_regression
from sklearn.linear_model import LogisticRegression, lasso_path
from sklearn.svm import l1_min_c
from threadpoolctl import threadpool_limits

from skdib._utils._random import numpy_rng
from skdib._utils._validation import check_groups
from skdib._utils._warnings import user_stacklevel

__all__ = [
    "OPTIONAL_PACKAGES",
    "rank_dib",
    "rank_information_imbalance",
    "rank_lasso",
    "rank_mutual_info",
    "rank_random",
    "rank_sage",
    "rank_shap",
]

# method name -> the module it needs (the pip name is in brackets in messages)
OPTIONAL_PACKAGES = {"shap": ("shap", "shap"), "sage": ("sage", "sage-importance")}


def _descending(scores):
    """Indices by decreasing score; ties keep the column order."""
    return np.argsort(-np.asarray(scores, dtype=float), kind="stable")


def rank_dib(X, y, task, random_state, *, estimator=None,
             information_threshold=0.05, groups=None, classes=None):
    """Order of :class:`~skdib.DistributedIBSelector`: one β sweep per call.

    Parameters
    ----------
    estimator : DistributedIBClassifier, DistributedIBRegressor or None
        The sweep to run (cloned); None uses the default estimator for the
        task. Its ``random_state`` is set to ``random_state`` when None.
        Pass settings with :func:`functools.partial`, e.g.
        ``partial(rank_dib, estimator=DistributedIBClassifier(n_steps=1000))``.
    information_threshold : float, default=0.05
        Bits below which a feature counts as dropped.
    groups : array-like of shape (n_samples,), optional
        Group labels of the rows, passed to the selector's ``fit``: the
        sweep's validation rows are then whole groups, not a random split
        of correlated rows. :func:`compare_selectors` passes the training
        fold's groups. Where the estimator refuses them (its
        ``validation_fraction`` is 0, the rows hold 1 group, or the grouped
        split leaves a class without training rows), a warning says so and
        the sweep splits the rows at random, as without ``groups``.
    classes : array-like of shape (n_classes,), optional
        The class labels behind the codes in ``y`` (``classes[c]`` is code
        c), as :func:`compare_selectors` passes them. The sweep is then
        fitted on the labels, so a ``class_weight`` dict keyed by them (or
        an error naming a class) refers to the classes the downstream
        estimator sees. Without it the codes are the labels.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.compare import rank_dib
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 4))
    >>> y = X[:, 2] + 0.1 * rng.normal(size=200)
    >>> from skdib import DistributedIBRegressor
    >>> est = DistributedIBRegressor(n_pretrain_steps=50, n_steps=150,
    ...                              n_checkpoints=5, beta_end=30)
    >>> int(rank_dib(X, y, "regression", 0, estimator=est)[0])
    2
    """
    from skdib._dib._classifier import DistributedIBClassifier
    from skdib._dib._regressor import DistributedIBRegressor
    from skdib.selection._dib_selector import DistributedIBSelector

    if estimator is None:
        estimator = (DistributedIBClassifier() if task == "classification"
                     else DistributedIBRegressor())
    estimator = clone(estimator)
    if estimator.random_state is None:
        estimator.set_params(random_state=random_state)
    selector = DistributedIBSelector(
        estimator, n_features_to_select=1, cache=False,
        information_threshold=information_threshold)
    if classes is not None and task == "classification":
        y = np.asarray(classes)[np.asarray(y)]
    return np.argsort(_fit_with_groups(selector, X, y, groups).ranking_,
                      kind="stable")


def _fit_with_groups(selector, X, y, groups):
    """``selector`` fitted with ``groups`` where its estimator's validation
    split can use them, as the estimator's own checks decide (a
    ``validation_fraction`` above 0, at least 2 groups, every class left
    with training rows); else, with a warning, with a random split."""
    groups = check_groups(groups, len(X))  # a wrong length is an error
    if groups is None:
        return selector.fit(X, y)
    try:
        return selector.fit(X, y, groups=groups)
    except ValueError as error:
        refusal = error
    fitted = selector.fit(X, y)  # a refusal unrelated to groups recurs here
    warnings.warn(
        f"groups could not shape the β sweep's validation split ({refusal}); "
        "the sweep split these rows at random instead.", UserWarning,
        stacklevel=user_stacklevel())
    return fitted


def rank_information_imbalance(X, y, task, random_state, *, mode="supervised",
                               **params):
    """Greedy order of :class:`~skdib.InformationImbalanceSelector`.

    The greedy search runs to the end once, so every k reads its features
    from the same order. Class labels are passed as labels (distance 0 within
    a class, 1 across), not as numbers. ``params`` go to the selector; its
    ``random_state`` (for ``max_samples`` subsampling) defaults to
    ``random_state``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.compare import rank_information_imbalance
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 4))
    >>> y = X[:, 2] + 0.1 * rng.normal(size=200)
    >>> int(rank_information_imbalance(X, y, "regression", 0)[0])
    2
    """
    from skdib.selection._imbalance_selector import InformationImbalanceSelector

    params.setdefault("random_state", random_state)
    selector = InformationImbalanceSelector(
        n_features_to_select=X.shape[1], mode=mode, **params)
    if mode == "unsupervised":
        y = None
    elif task == "classification":
        y = np.asarray(y).astype(str)  # labels: distance 0 within, 1 across
    selector.fit(X, y)
    return np.argsort(selector.ranking_, kind="stable")


def _l1_penalty():
    """L1 logistic regression: ``l1_ratio=1`` (sklearn >= 1.8) or ``penalty``."""
    if LogisticRegression().get_params()["penalty"] == "deprecated":
        return {"l1_ratio": 1.0}
    return {"penalty": "l1"}


def _l1_logistic_path(X, y, random_state, n_points):
    """Active set along an L1 logistic path, from strong to weak penalty."""
    c_min = l1_min_c(X, y, loss="log")
    model = LogisticRegression(solver="saga", warm_start=True, tol=1e-3,
                               max_iter=300, random_state=random_state,
                               **_l1_penalty())
    active, coef = [], None
    for c in c_min * np.logspace(0, 3, n_points):
        coef = model.set_params(C=c).fit(X, y).coef_
        active.append(np.any(coef != 0, axis=0))
    return np.array(active), np.abs(coef).sum(axis=0)


def rank_lasso(X, y, task, random_state, *, n_points=30):
    """Order in which features enter the Lasso path (L1 logistic path).

    As in the "Lasso selection" of the information-imbalance paper, the
    top k features are the k that the L1 penalty admits first as it is
    relaxed: :func:`~sklearn.linear_model.lasso_path` for regression, and an
    L1 :class:`~sklearn.linear_model.LogisticRegression` path from
    :func:`~sklearn.svm.l1_min_c` upwards for classification. Features that
    enter at the same point are ordered by |coefficient| at the weakest
    penalty.

    The penalty weighs every coefficient alike, so the order depends on the
    columns' units (a column scaled by 0.01 enters later): pass standardised
    columns, as :func:`~skdib.compare.compare_selectors` does (a
    ``StandardScaler`` fitted on each training fold).

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.compare import rank_lasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 4))
    >>> y = X[:, 2] + 0.1 * rng.normal(size=200)
    >>> int(rank_lasso(X, y, "regression", 0)[0])
    2
    """
    if task == "regression":
        y = y - y.mean()
        alpha_max = np.max(np.abs(X.T @ y)) / len(y)
        alphas = alpha_max * np.logspace(0, -3, n_points)
        _, coefs, _ = lasso_path(X, y, alphas=alphas)
        active, final = coefs.T != 0, np.abs(coefs[:, -1])
    else:
        active, final = _l1_logistic_path(X, y, random_state, n_points)
    entry = np.where(active.any(axis=0), np.argmax(active, axis=0), len(active))
    return np.lexsort((np.arange(X.shape[1]), -final, entry))


def rank_mutual_info(X, y, task, random_state):
    """Univariate mutual information (k-nearest-neighbour estimate).

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.compare import rank_mutual_info
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 4))
    >>> y = X[:, 2] + 0.1 * rng.normal(size=200)
    >>> int(rank_mutual_info(X, y, "regression", 0)[0])
    2
    """
    score = mutual_info_classif if task == "classification" else mutual_info_regression
    return _descending(score(X, y, random_state=random_state))


def rank_random(X, y, task, random_state, *, n_repeats=5):
    """``n_repeats`` random orders; the harness averages their scores.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.compare import rank_random
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 4))
    >>> y = X[:, 2] + 0.1 * rng.normal(size=200)
    >>> rank_random(X, y, "regression", 0, n_repeats=3).shape
    (3, 4)
    """
    rng = numpy_rng(random_state)
    return np.stack([rng.permutation(X.shape[1]) for _ in range(n_repeats)])


def _nonlinear_model(X, y, task, random_state):
    """Gradient-boosted trees: fast, and they model interactions.

    The explainers call ``predict`` thousands of times on tiny batches, so
    the model is fitted and explained with OpenMP held to one thread
    (``_one_thread``): on a loaded 2-core machine the threaded fit and
    predictions were measured about 10x slower.
    """
    cls = (HistGradientBoostingClassifier if task == "classification"
           else HistGradientBoostingRegressor)
    return cls(random_state=random_state).fit(X, y)


def _subsample(X, y, n, rng):
    idx = rng.choice(len(X), size=min(n, len(X)), replace=False)
    return X[idx], y[idx]


def _one_thread(rank):
    @functools.wraps(rank)
    def wrapper(*args, **kwargs):
        with threadpool_limits(1):
            return rank(*args, **kwargs)
    return wrapper


@_one_thread
def rank_shap(X, y, task, random_state, *, n_explain=64, n_background=32,
              n_permutations=3):
    """Mean |SHAP value| of a gradient-boosting model (permutation explainer).

    Needs the optional package ``shap``. The values of ``n_explain`` rows
    (against ``n_background`` rows) average ``n_permutations`` antithetic
    permutations of the features each (``2 n_features + 1`` model calls per
    permutation and row).

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.compare import rank_shap
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 4))
    >>> y = X[:, 2] + 0.1 * rng.normal(size=100)
    >>> order = rank_shap(X, y, "regression", 0, n_explain=16, n_background=8)
    >>> int(order[0])
    2
    """
    shap = importlib.import_module("shap")
    model = _nonlinear_model(X, y, task, random_state)
    rng = numpy_rng(random_state)
    background, _ = _subsample(X, y, n_background, rng)
    explain, _ = _subsample(X, y, n_explain, rng)
    predict = model.predict_proba if task == "classification" else model.predict
    explainer = shap.explainers.Permutation(
        predict, shap.maskers.Independent(background, max_samples=n_background),
        seed=random_state)
    # one antithetic permutation (forward and back) costs 2 n_features + 1 calls
    max_evals = n_permutations * (2 * X.shape[1] + 1)
    values = explainer(explain, max_evals=max_evals, silent=True).values
    values = np.abs(values)
    # (n_samples, n_features) or (n_samples, n_features, n_outputs)
    return _descending(values.reshape(len(explain), X.shape[1], -1).mean(axis=(0, 2)))


def _sage_batch(n_permutations, largest=64):
    """Permutations per batch: sage runs whole batches (checking convergence
    after each), so equal batches of at most ``largest`` overshoot
    ``n_permutations`` by less than one permutation per batch."""
    n_batches = math.ceil(n_permutations / largest)
    return math.ceil(n_permutations / n_batches)


@_one_thread
def rank_sage(X, y, task, random_state, *, n_explain=256, n_background=32,
              n_permutations=None):
    """SAGE values (Covert et al.) of a gradient-boosting model.

    Needs the optional package ``sage-importance``. Runs permutations in
    equal batches of at most 64 and stops after the first batch at which
    sage's estimate has converged, or once at least ``n_permutations``
    (default ``8 * n_features``) have run; the last batch may overshoot by
    less than one permutation per batch.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.compare import rank_sage
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 4))
    >>> y = X[:, 2] + 0.1 * rng.normal(size=100)
    >>> order = rank_sage(X, y, "regression", 0, n_explain=32, n_background=8)
    >>> int(order[0])
    2
    """
    sage = importlib.import_module("sage")
    model = _nonlinear_model(X, y, task, random_state)
    rng = numpy_rng(random_state)
    background, _ = _subsample(X, y, n_background, rng)
    explain, target = _subsample(X, y, n_explain, rng)
    loss = "cross entropy" if task == "classification" else "mse"
    imputer = sage.MarginalImputer(model, background)
    estimator = sage.PermutationEstimator(imputer, loss, random_state=random_state)
    if n_permutations is None:
        n_permutations = 8 * X.shape[1]
    explanation = estimator(explain, target, bar=False,
                            batch_size=_sage_batch(n_permutations),
                            n_permutations=n_permutations)
    return _descending(explanation.values)


BUILTIN_METHODS = {
    "dib": rank_dib,
    "ii_supervised": functools.partial(rank_information_imbalance,
                                       mode="supervised"),
    "ii_unsupervised": functools.partial(rank_information_imbalance,
                                         mode="unsupervised"),
    "lasso": rank_lasso,
    "mutual_info": rank_mutual_info,
    "shap": rank_shap,
    "sage": rank_sage,
    "random": rank_random,
}


def optional_missing(name):
    """The pip package a built-in method needs but cannot import, or None."""
    if name not in OPTIONAL_PACKAGES:
        return None
    module, pip_name = OPTIONAL_PACKAGES[name]
    try:
        importlib.import_module(module)
    except ImportError:
        return pip_name
    return None
