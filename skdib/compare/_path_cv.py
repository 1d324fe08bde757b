"""The information path, cross-validated: one β sweep per fold, same schedule."""


import numpy as np
from sklearn.base import is_classifier
from sklearn.utils import Bunch, check_random_state

from skdib._dib._path import InformationPath
from skdib._dib._point_statistics import best_score_point
from skdib._dib._replicated_fit import (
    aligned_beta,
    check_path_estimator,
    check_rows,
    check_split_classes,
    fit_on_splits,
    warn_replicates_choose_on_held_out,
)
from skdib.compare._folds import fold_mean_and_se, make_folds

__all__ = ["cross_validate_path"]


def cross_validate_path(estimator, X, y, *, cv=5, groups=None, random_state=None,
                        n_jobs=None, return_estimators=False, batched="auto",
                        sample_weight=None):
    """Fit one information path per cross-validation fold.

    Each fold trains a clone of ``estimator`` on its training rows and uses
    the held-out rows as the path's validation set (``fit(X_val=, y_val=)``),
    so ``score_val`` at every checkpoint is a proper held-out score. All
    folds share the β schedule, so the per-fold curves line up point by
    point and can be averaged: the cross-validated score along the path is
    what the Distributed IB paper plots against β (Fig. 4) and compares
    with a tuned baseline.

    On a GPU all folds train together as one batched model (one optimizer
    step per iteration for all folds); each fold's path equals that of its
    separate fit up to float rounding. This pays on a GPU, which one
    default-size sweep leaves mostly idle. A CPU core is already busy with
    one such sweep, so there the batched run costs about as much as the
    separate fits (``benchmarks/bench_replicates.py``); only small networks
    gain, and ``batched=True`` asks for it.

    Parameters
    ----------
    estimator : DistributedIBClassifier or DistributedIBRegressor
        Unfitted template; cloned per fold, ``random_state`` drawn per fold.
        Any estimator whose ``fit`` takes ``X_val, y_val`` and records an
        ``information_path_`` will do (the set-valued ones too); others
        raise a TypeError. With ``n_replicates`` > 1 each checkpoint keeps
        the replicate with the lowest loss on the fold's held-out rows, so
        the fold scores are optimistic (a warning says so); use 1 to
        compare with other models.
    X : array-like of shape (n_samples, n_features)
        A DataFrame keeps its column names as the channels' names.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    cv : int, cross-validation generator or iterable, default=5
        An int gives shuffled (stratified for classifiers) folds, grouped
        when ``groups`` is given.
    groups : array-like of shape (n_samples,), optional
        Group labels of correlated rows; no group spans two folds.
    random_state : int, RandomState or None, default=None
        Seeds the folds and each fold's estimator.
    n_jobs : int or None, default=None
        Parallel joblib workers (each keeps the estimator's ``n_threads``,
        1 by default): each trains one batched group of the folds, or whole
        folds with ``batched=False``.
    return_estimators : bool, default=False
        Keep the fitted estimator of every fold (with its snapshots).
    batched : bool or 'auto', default='auto'
        Train the folds as one batched model ('auto': when the estimator
        trains on a GPU). Estimators that cannot be batched (with
        ``class_weight`` or ``n_replicates > 1``, or the set-valued
        estimators) are fitted fold by fold, as with False. ``fit_time_``
        of a batched fold is the time of the whole batched run. A fold that
        diverges stops its batched run for all its folds, which are then
        fitted one by one (as with False): that group costs the run up to
        the stop plus one separate fit per fold.
    sample_weight : array-like of shape (n_samples,), optional
        Weights of the training rows of every fold (passed to each fit as
        ``sample_weight``); the held-out rows count equally, as scikit-learn's
        ``cross_validate`` scores them unless told otherwise. Weighted
        folds are fitted one by one (``batched`` is ignored). Only the
        tabular estimators take weights: for an estimator whose ``fit`` has
        no ``sample_weight`` (the set estimators) a ValueError says so before
        any fold is fitted.

    Returns
    -------
    result : Bunch
        ``beta`` (n_points,); ``score``, ``loss_train``, ``loss_val`` (n_folds,
        n_points); ``information`` (n_folds, n_points, n_channels) in bits;
        ``mean_score`` and ``se_score`` (n_points,), the mean over folds and
        its standard error; ``best_point`` (argmax of ``mean_score``) and
        ``best_score``; ``feature_names``; ``folds``, the (train, test)
        index pairs; ``settled`` (n_folds, n_points), whether each fold's
        network had settled at each checkpoint (False: caught in the middle
        of a transition, see ``InformationPath.settled``); ``path``, an
        :class:`~skdib.InformationPath` of the fold means (``score_val_se``
        is the standard error over folds; ``relevance_lower`` the fold mean
        of the InfoNCE head's bound, so the information plane draws the
        InfoNCE loss as for one fit; ``information_lower`` and
        ``information_upper`` the fold means of the folds' information
        bounds, which bound the fold mean of the bits, so the information
        plane draws their bands; ``bounds_saturated`` True where any fold's
        lower bound is saturated, which pulls the mean lower bound down;
        None where the folds have none), for the plotting functions and
        ``coarsest_point``; and ``estimators`` if requested. ``path`` does
        not carry the folds' ``information_se``, ``information_method``,
        ``information_row_influence`` or ``kl_drift`` (all None): every
        point counts as settled there (in ``path.settled``, the plots and
        ``path_subset_score``); the folds' own ``settled`` is the result's,
        and the rest is on ``estimators``.

    Raises
    ------
    DivergenceError
        When a fold's sweep diverges, after every fold is fitted (the
        others run to their end, with ``n_jobs`` > 1 and in a batched run
        too): the message names the folds that diverged, and the error
        carries the work done, ``fitted`` (every fold's estimator in fold
        order; one that diverged keeps its path up to the last finite
        checkpoint, or is None where it kept none), ``fold`` (the first
        that diverged) and ``splits`` (each fold's (train, test) rows, as
        ``folds`` here). See :class:`~skdib.exceptions.DivergenceError`.
    Warning
        A fold's warning that a filter turns into an error
        (``warnings.simplefilter("error", BetaRangeWarning)``): the folds'
        warnings are raised once every fold is fitted (with any ``n_jobs``),
        and the first one made an error carries ``fitted`` and ``splits``
        as the ``DivergenceError`` does.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib import DistributedIBClassifier
    >>> from skdib.compare import cross_validate_path
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 3))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> dib = DistributedIBClassifier(n_pretrain_steps=100, n_steps=300,
    ...                               n_checkpoints=5, beta_end=3.0)
    >>> cvp = cross_validate_path(dib, X, y, cv=3, random_state=0)
    >>> cvp.score.shape
    (3, 5)
    >>> bool(cvp.best_score > 0.9)
    True
    """
    check_path_estimator(estimator, sample_weight)
    X, y = check_rows(X, y)
    warn_replicates_choose_on_held_out(
        estimator, "each fold's held-out rows: the fold scores are then chosen "
        "on the rows they are scored on, and optimistic. Pass n_replicates=1 "
        "for fold scores that compare with other models'.")
    rng = check_random_state(random_state)
    folds = make_folds(cv, X, y, classification=is_classifier(estimator),
                       groups=groups, random_state=rng.randint(2**31 - 1))
    check_split_classes(
        estimator, y, folds, "fold", "Use folds that leave every class some "
        "training rows (fewer folds, or groups that spread each class), or "
        "drop the rare classes.")
    seeds = rng.randint(2**31 - 1, size=len(folds))
    fitted = fit_on_splits(estimator, X, y, folds, seeds, batched=batched,
                           n_jobs=n_jobs, sample_weight=sample_weight,
                           name="fold")
    paths = [est.information_path_ for est in fitted]
    beta = aligned_beta(paths)
    score = np.stack([p.score_val for p in paths])
    mean, se = fold_mean_and_se(score)
    best = int(np.argmax(mean))
    stacked = {name: np.stack([getattr(p, name) for p in paths])
               for name in ("kl", "information", "loss_train", "loss_val")}
    result = Bunch(
        beta=beta, score=score, mean_score=mean, se_score=se,
        best_point=best, best_score=float(mean[best]),
        feature_names=paths[0].feature_names, folds=folds,
        path=InformationPath(
            beta=beta, score_val=mean, score_val_se=se,
            feature_names=paths[0].feature_names,
            **{name: value.mean(axis=0) for name, value in stacked.items()},
            **{name: _fold_mean(paths, name) for name in (
                "relevance_lower", "information_lower", "information_upper")},
            bounds_saturated=_fold_saturated(paths),
            **_fold_prediction_loss(paths, stacked["loss_val"].mean(axis=0))),
        settled=np.stack([p.settled for p in paths]),
        **{name: stacked[name] for name in ("information", "loss_train", "loss_val")})
    if return_estimators:
        result.estimators = fitted
    return result


def _fold_mean(paths, name):
    """The folds' mean of the bound ``name`` of every path, as the path's bits
    and losses are fold means; None when a fold has none (another head, no
    information bounds), so the plots tell a fitted path and its
    cross-validated one alike.

    The mean of the folds' lower (upper) bounds is a lower (upper) bound of
    the mean of the folds' quantities, point by point and channel by
    channel, so the mean path's ``information_lower <= information <=
    information_upper <= kl`` holds as on each fold; ``relevance_lower`` is
    the mean held-out InfoNCE bound on I(U; Y) (InfoNCE head)."""
    bounds = [getattr(p, name, None) for p in paths]
    if any(bound is None for bound in bounds):
        return None
    return np.stack(bounds).mean(axis=0)


def _fold_saturated(paths):
    """Where any fold's InfoNCE lower bound is saturated, point by point and
    channel by channel: a saturated fold's lower bound pulls the fold mean
    of the lower bounds down, so the mean path's interval is as wide as
    that fold's there. None when a fold has no flags (no bounds)."""
    flags = [getattr(p, "bounds_saturated", None) for p in paths]
    if any(flag is None for flag in flags):
        return None
    return np.stack(flags).any(axis=0)


def _fold_prediction_loss(paths, loss_val):
    """The folds' mean held-out loss of the prediction and, paired over the
    folds, the standard error of its difference from the lowest point: what
    ``select_point('one_se')`` reads, as on a single fit's path (empty when
    a fold's path has no prediction losses)."""
    losses = [getattr(p, "prediction_loss_val", None) for p in paths]
    if any(loss is None for loss in losses) or len(losses) < 2:
        return {}
    losses = np.stack(losses)
    mean = losses.mean(axis=0)
    lowest = best_score_point(-mean, loss_val)
    _, diff_se = fold_mean_and_se(losses - losses[:, [lowest]])
    return {"prediction_loss_val": mean, "prediction_loss_diff_se": diff_se}
