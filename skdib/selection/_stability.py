"""Stability selection along the β path (Meinshausen and Bühlmann, 2010).

R random halves of the rows each get a β sweep, all trained as one batched
model; at every checkpoint a feature counts as selected in a half when its
channel carries more than ``threshold`` bits. The share of halves that
select it is its selection probability, and the Meinshausen-Bühlmann bound
turns the average number selected into an estimate (not a guarantee: see
``StabilityPaths.expected_false_selections``) of the expected number of
noise features among those selected with probability at least π_thr.
"""

import warnings
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import is_classifier
from sklearn.model_selection import (
    GroupShuffleSplit,
    ShuffleSplit,
    StratifiedShuffleSplit,
)

from skdib._dib._ranking import DROP_THRESHOLD
from skdib._dib._replicated_fit import (
    aligned_beta,
    check_path_estimator,
    check_rows,
    check_split_classes,
    fit_on_splits,
    warn_replicates_choose_on_held_out,
)
from skdib._utils._random import numpy_rng
from skdib._utils._warnings import user_stacklevel

__all__ = ["StabilityPaths", "stability_paths"]

_SEED_BOUND = 2**31 - 1  # what scikit-learn accepts as an int random_state


@dataclass(frozen=True)
class StabilityPaths:
    """Selection probabilities of every feature along the β path.

    Attributes
    ----------
    beta : ndarray of shape (n_points,)
        The checkpoints' β, shared by all half-sample sweeps.
    selection_probability : ndarray of shape (n_points, n_features)
        Share of the half-sample sweeps in which each channel (a feature, or
        a feature group) carries more than ``threshold`` bits at each
        checkpoint.
    feature_names : tuple of str
        One name per channel.
    threshold : float
        Bits above which a channel counts as selected.
    information : ndarray of shape (n_resamples, n_points, n_features)
        Every sweep's bits per channel, measured on its held-out half.
    score : ndarray of shape (n_resamples, n_points)
        Every sweep's validation score on its held-out half.
    estimators : list or None
        The fitted estimator of every half, when requested.

    Examples
    --------
    Made by :func:`~skdib.stability_paths`; by hand, for two checkpoints of three
    channels:

    >>> import numpy as np
    >>> from skdib.selection import StabilityPaths
    >>> paths = StabilityPaths(
    ...     beta=np.array([0.01, 0.1]),
    ...     selection_probability=np.array([[1.0, 1.0, 0.5], [1.0, 0.0, 0.0]]),
    ...     feature_names=("a", "b", "c"), threshold=0.05,
    ...     information=np.zeros((2, 2, 3)), score=np.zeros((2, 2)))
    >>> paths.expected_selected
    array([2.5, 1. ])
    >>> paths.selected(0.9, point=1).tolist()
    [0]
    """

    beta: np.ndarray
    selection_probability: np.ndarray
    feature_names: tuple
    threshold: float
    information: np.ndarray
    score: np.ndarray
    estimators: list | None = field(default=None, repr=False)

    @property
    def n_resamples(self):
        """Number of half-sample sweeps."""
        return len(self.information)

    @property
    def expected_selected(self):
        """q: the average number of channels a half selects, per checkpoint."""
        return self.selection_probability.sum(axis=1)

    def expected_false_selections(self, pi_threshold=0.9):
        """Meinshausen-Bühlmann bound on the falsely selected channels.

        q² / ((2 π_thr - 1) p) at every checkpoint, where q is
        :attr:`expected_selected` and p the number of channels: Theorem 1 of
        Meinshausen and Bühlmann (2010, with the single checkpoint as the set
        Λ) bounds by it E[V], the expected number of noise channels whose
        selection probability there is at least ``pi_threshold``.

        Here it is an approximation, not a guarantee. The theorem assumes
        exchangeable noise channels and a selection no worse than random
        guessing, and its proof also needs each half's selection to depend
        on that half's rows only; here a half's bits are measured on the
        held-out rows of the other half (and with ``n_replicates`` > 1 the
        replicate kept at each checkpoint is chosen on those rows too). The
        halves are also independent random draws, not complementary pairs
        (Shah and Samworth, 2013), so the selection probabilities are Monte
        Carlo estimates with ``n_resamples`` draws. Read the value as an
        estimate of the expected number of falsely selected channels.

        Returns
        -------
        bound : ndarray of shape (n_points,)

        Examples
        --------
        Half of all 20 channels selected on average at the first checkpoint,
        three always at the second, one at the last:

        >>> import numpy as np
        >>> from skdib.selection import StabilityPaths
        >>> prob = np.zeros((3, 20))  # 3 checkpoints, 20 channels
        >>> prob[0], prob[1, :3], prob[2, 0] = 0.5, 1.0, 1.0
        >>> paths = StabilityPaths(np.array([0.01, 0.1, 1.0]), prob,
        ...     tuple("abcdefghijklmnopqrst"), 0.05, np.zeros((4, 3, 20)), None)
        >>> paths.expected_false_selections(0.9).round(3)  # q**2 / (0.8 * 20)
        array([6.25 , 0.562, 0.062])
        """
        pi = _check_pi(pi_threshold)
        p = self.selection_probability.shape[1]
        return self.expected_selected**2 / ((2 * pi - 1) * p)

    def controlled_point(self, pi_threshold=0.9, max_false=1.0):
        """The checkpoint with the most selections the error budget allows.

        Among the checkpoints where :meth:`expected_false_selections` (an
        approximate bound, not a guarantee) allows at most ``max_false``
        falsely selected channels in expectation, the one with the most
        expected selections (the most power; the least compressed of
        equals). When none qualifies, the one with the lowest bound, with a
        warning: the error budget is then not met (more halves, or a larger
        ``pi_threshold``, help).

        Examples
        --------
        The second checkpoint selects the most within one false selection:

        >>> import numpy as np
        >>> from skdib.selection import StabilityPaths
        >>> prob = np.zeros((3, 20))  # 3 checkpoints, 20 channels
        >>> prob[0], prob[1, :3], prob[2, 0] = 0.5, 1.0, 1.0
        >>> paths = StabilityPaths(np.array([0.01, 0.1, 1.0]), prob,
        ...     tuple("abcdefghijklmnopqrst"), 0.05, np.zeros((4, 3, 20)), None)
        >>> paths.controlled_point(pi_threshold=0.9, max_false=1.0)
        1
        """
        bound = self.expected_false_selections(pi_threshold)
        ok = np.flatnonzero(bound <= max_false)
        if not ok.size:
            lowest = int(np.argmin(bound))
            warnings.warn(
                f"No checkpoint keeps the bound on falsely selected channels "
                f"at or below max_false={max_false}; the lowest is "
                f"{bound[lowest]:.3g} (checkpoint {lowest}), which is used. "
                "The selection there does not control the error as asked: "
                "raise pi_threshold or max_false, or read the bound "
                "(expected_false_selections) with the channels.",
                UserWarning, stacklevel=user_stacklevel())
            return lowest
        return int(ok[np.argmax(self.expected_selected[ok])])

    def selected(self, pi_threshold=0.9, point=None, *, max_false=1.0):
        """Indices of the channels selected with probability >= ``pi_threshold``.

        ``point`` is a checkpoint index; None takes
        :meth:`controlled_point` (``pi_threshold``, ``max_false``), which
        warns when no checkpoint meets ``max_false``.

        Examples
        --------
        >>> import numpy as np
        >>> from skdib.selection import StabilityPaths
        >>> prob = np.zeros((3, 20))  # 3 checkpoints, 20 channels
        >>> prob[0], prob[1, :3], prob[2, 0] = 0.5, 1.0, 1.0
        >>> paths = StabilityPaths(np.array([0.01, 0.1, 1.0]), prob,
        ...     tuple("abcdefghijklmnopqrst"), 0.05, np.zeros((4, 3, 20)), None)
        >>> paths.selected(0.9).tolist()  # at controlled_point(), here 1
        [0, 1, 2]
        >>> [paths.feature_names[j] for j in paths.selected(0.9, point=2)]
        ['a']
        """
        pi = _check_pi(pi_threshold)
        if point is None:
            point = self.controlled_point(pi, max_false)
        if isinstance(point, bool) or not isinstance(point, Integral):
            raise TypeError(f"point must be an int, got {point!r}.")
        n_points = len(self.beta)
        if not -n_points <= point < n_points:
            raise ValueError(f"point {point} is out of range for {n_points} "
                             "checkpoints.")
        return np.flatnonzero(self.selection_probability[point] >= pi)

    def to_frame(self):
        """A tidy DataFrame: one row per checkpoint and channel."""
        n_points, n_features = self.selection_probability.shape
        return pd.DataFrame({
            "point": np.repeat(np.arange(n_points), n_features),
            "beta": np.repeat(self.beta, n_features),
            "feature": np.tile(np.asarray(self.feature_names, dtype=object),
                               n_points),
            "selection_probability": self.selection_probability.ravel()})


def _check_pi(pi_threshold):
    if (isinstance(pi_threshold, bool) or not isinstance(pi_threshold, Real)
            or not 0.5 < pi_threshold <= 1):
        raise ValueError("pi_threshold must be a probability in (0.5, 1] (the "
                         f"bound needs more than a half); got {pi_threshold!r}.")
    return float(pi_threshold)


def _check_arguments(estimator, n_resamples, threshold, sample_weight):
    check_path_estimator(estimator, sample_weight)
    if (isinstance(n_resamples, bool) or not isinstance(n_resamples, Integral)
            or n_resamples < 2):
        raise ValueError("n_resamples must be an int >= 2 (selection "
                         f"probabilities need several halves); got {n_resamples!r}.")
    if (isinstance(threshold, bool) or not isinstance(threshold, Real)
            or not np.isfinite(threshold) or threshold < 0):
        raise ValueError("threshold must be a finite number of bits >= 0; got "
                         f"{threshold!r}.")


def half_samples(y, n_resamples, classification, seed, groups=None):
    """``n_resamples`` random halves of the rows (train) and their complements.

    Drawn without replacement; stratified by class for classification. With
    ``groups``, half of the groups (rounded down) and all their rows train,
    so no group is in both halves (not stratified).
    """
    n = len(y)
    if n < 4:
        raise ValueError(f"Stability selection needs at least 4 rows; got {n}.")
    if groups is not None:
        return _group_halves(y, n_resamples, seed, groups)
    splitter = StratifiedShuffleSplit if classification else ShuffleSplit
    halves = splitter(n_splits=n_resamples, train_size=n // 2,
                      test_size=n - n // 2, random_state=seed)
    return list(halves.split(np.zeros((n, 1)), y))


def _group_halves(y, n_resamples, seed, groups):
    groups = np.asarray(groups)
    if groups.shape != (len(y),):
        raise ValueError(f"groups must hold one label per row ({len(y)}); got "
                         f"shape {groups.shape}.")
    n_groups = len(np.unique(groups))
    if n_groups < 2:
        raise ValueError("Stability selection with groups needs at least 2 "
                         f"groups to halve; got {n_groups}.")
    halves = GroupShuffleSplit(n_splits=n_resamples, train_size=n_groups // 2,
                               test_size=n_groups - n_groups // 2,
                               random_state=seed)
    return list(halves.split(np.zeros((len(y), 1)), y, groups))


def stability_paths(estimator, X, y, *, n_resamples=8, threshold=DROP_THRESHOLD,
                    random_state=None, batched="auto", n_jobs=None,
                    return_estimators=False, sample_weight=None, groups=None):
    """Stability selection along the information path.

    Fits a clone of ``estimator`` on each of ``n_resamples`` random halves
    of the rows (stratified for classifiers), with the other half as its
    validation set, so the bits per channel are measured on held-out rows.
    The halves share the β schedule (on a GPU they train together as one
    batched model). At every checkpoint a channel is selected in a half
    when it carries more than ``threshold`` bits; the share of halves
    selecting it is its selection probability (Meinshausen and Bühlmann,
    2010, with β in the role of the regularisation parameter).

    Parameters
    ----------
    estimator : DistributedIBClassifier or DistributedIBRegressor
        Unfitted template; every half gets a clone with its own
        ``random_state``. Any estimator whose ``fit`` takes ``X_val, y_val``
        and records an ``information_path_`` will do (the set-valued ones
        too, with X of shape (n_samples, n_elements, n_features) padded with
        NaN); others raise a TypeError. With ``n_replicates`` > 1 each
        checkpoint keeps the replicate with the lowest loss on the other
        half's rows (a warning says so).
    X : array-like or DataFrame of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    n_resamples : int, default=8
        Number of half-samples R (at least 2; the paper uses 100).
    threshold : float, default=0.05
        Bits above which a channel counts as selected (the selector's
        threshold for a dropped channel).
    random_state : int, Generator, RandomState or None, default=None
        Seeds the halves and each half's estimator.
    batched : bool or 'auto', default='auto'
        Train the halves as one batched model ('auto': when the estimator
        trains on a GPU; False: one fit per half; the paths agree up to float
        rounding). A half that diverges stops its batched run for all its
        halves, which are then fitted one by one (as with False): that group
        costs the run up to the stop plus one separate fit per half.
    n_jobs : int or None, default=None
        Parallel joblib workers, each training a batched group of halves.
    return_estimators : bool, default=False
        Keep the fitted estimator of every half.
    sample_weight : array-like of shape (n_samples,), optional
        Weights of the training rows of every half (passed to each fit as
        ``sample_weight``); the held-out rows count equally, as scikit-learn's
        ``cross_validate`` scores them unless told otherwise. Weighted
        halves are fitted one by one (``batched`` is ignored). Only the
        tabular estimators take weights: for an estimator whose ``fit`` has
        no ``sample_weight`` (the set estimators) a ValueError says so before
        any half is fitted.
    groups : array-like of shape (n_samples,), optional
        Group labels of correlated rows (subjects, particles of one
        snapshot): each half then trains on half of the groups, so no group
        is on both sides (the halves are then not stratified).

    Returns
    -------
    result : StabilityPaths
        ``selection_probability`` (n_points, n_features) along ``beta``,
        with :meth:`~skdib.selection.StabilityPaths.selected` and the bound
        :meth:`~skdib.selection.StabilityPaths.expected_false_selections` on
        false selections (an approximation: its theorem assumes what the
        held-out halves do not give, see there).

    Raises
    ------
    DivergenceError
        When a half's sweep diverges, after every half is fitted (the
        others run to their end, with ``n_jobs`` > 1 and in a batched run
        too): the message names the halves that diverged, and the error
        carries the work done, ``fitted`` (every half's estimator in order;
        one that diverged keeps its path up to the last finite checkpoint,
        or is None where it kept none), ``fold`` (the first half that
        diverged) and ``splits`` (each half's (train, validation) rows). See
        :class:`~skdib.exceptions.DivergenceError`.
    Warning
        One made an error by a filter, once all halves are fitted; it
        carries ``fitted`` and ``splits`` too.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib import DistributedIBClassifier
    >>> from skdib.selection import stability_paths
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 3))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> dib = DistributedIBClassifier(encoder_hidden=(16,), embedding_dim=2,
    ...                               decoder_hidden=(32,), n_pretrain_steps=100,
    ...                               n_steps=200, n_checkpoints=4,
    ...                               batch_size=64, learning_rate=1e-2)
    >>> stab = stability_paths(dib, X, y, n_resamples=4, random_state=0)
    >>> stab.selection_probability.shape
    (4, 3)
    >>> [stab.feature_names[i] for i in stab.selected(pi_threshold=0.75)]
    ['x0']
    """
    _check_arguments(estimator, n_resamples, threshold, sample_weight)
    X, y = check_rows(X, y)
    warn_replicates_choose_on_held_out(
        estimator, "the other half's rows, on which its bits are measured: "
        "each half's selection then depends on those rows too, further from "
        "the assumptions of the bound (expected_false_selections). Pass "
        "n_replicates=1 to choose nothing on them.")
    rng = numpy_rng(random_state)
    halves = half_samples(y, n_resamples, is_classifier(estimator),
                          int(rng.integers(_SEED_BOUND)), groups)
    check_split_classes(
        estimator, y, halves, "half", "Spread every class over several groups "
        "(with groups, a half trains on half of them), or drop the rare "
        "classes.")
    seeds = rng.integers(_SEED_BOUND, size=n_resamples)
    fitted = fit_on_splits(estimator, X, y, halves, seeds, batched=batched,
                           n_jobs=n_jobs, sample_weight=sample_weight,
                           name="half")
    paths = [est.information_path_ for est in fitted]
    information = np.stack([p.information for p in paths])
    return StabilityPaths(
        beta=aligned_beta(paths),
        selection_probability=(information > threshold).mean(axis=0),
        feature_names=paths[0].feature_names, threshold=float(threshold),
        information=information, score=np.stack([p.score_val for p in paths]),
        estimators=fitted if return_estimators else None)
