"""The information path: what a β sweep records at each checkpoint."""

from dataclasses import dataclass

import numpy as np

from skdib._dib._path_fields import check_path_fields, paths_equal
from skdib._dib._path_frame import path_frame
from skdib._dib._point_statistics import best_score_point, within_one_se
from skdib._utils._validation import check_number

__all__ = ["InformationPath"]

#: A channel whose KL moved by more than this share within one hold is in
#: transit, not batch noise; two in transit make a checkpoint unsettled.
SETTLED_DRIFT = 0.5


@dataclass(frozen=True, eq=False)
class InformationPath:
    """Record of a β sweep, one row per checkpoint, rows by increasing β.

    The array fields may be given as any array-like (lists included): the
    constructor stores them as ndarrays, numbers as float and
    ``bounds_saturated`` as bool. Two paths are equal (``==``) when every
    field is: arrays element by element, NaN equal to NaN. As an ndarray, a
    path holds mutable arrays and is not hashable.

    Parameters
    ----------
    beta : ndarray of shape (n_points,)
        Bottleneck strength at each checkpoint.
    kl : ndarray of shape (n_points, n_features)
        Mean KL divergence of each channel's posterior to the prior, in bits:
        over the held-out rows, or (discrete channels) over every row of the
        fit. An upper bound on the information the channel transmits there.
    information : ndarray of shape (n_points, n_features)
        The point estimate of the information per channel, in bits, made by
        the method in ``information_method`` (see the user guide, "Bits per
        channel"): the exact finite-mixture information for discrete
        channels, the midpoint of the sandwich bounds for continuous ones,
        ``kl`` when no bounds were computed. Fitted estimators guarantee
        ``0 <= information_lower <= information <= information_upper <=
        kl``, discrete channels' over all the fit's rows (as their ``kl``).
    loss_train, loss_val : ndarray of shape (n_points,)
        Variational loss (cross-entropy or negative log-likelihood for one
        draw of the messages, in bits per sample, without the β term) on
        training and held-out data; see ``prediction_loss_val`` for the loss
        of what ``predict_proba`` returns.
    score_val : ndarray of shape (n_points,)
        Held-out score: accuracy for classifiers, R² for regressors.
    feature_names : tuple of str
        One name per channel (a feature, or a feature group).
    information_lower, information_upper : ndarray or None
        Bounds on the information per channel in bits, or None when not
        computed: Kolchinsky-Tracey pairwise bounds for discrete channels,
        InfoNCE below and min(leave-one-out, KL) above for continuous ones.
    score_val_se : ndarray of shape (n_points,) or None
        Standard error of ``score_val`` over the held-out samples.
    relevance_lower : ndarray of shape (n_points,) or None
        InfoNCE lower bound on I(U; Y) in bits on held-out data (InfoNCE head
        only). Unweighted: a bound for the held-out rows as drawn, also when
        ``loss_val`` is weighted by ``sample_weight``.
    bounds_saturated : ndarray of bool of shape (n_points, n_features) or None
        Continuous channels' cells where the InfoNCE lower bound is within one
        bit of its ceiling, log2(``bounds_batch_size``) (weighted rows: their
        weights' entropy): the interval is wide, ``information`` weak.
    information_method : tuple of str or None
        Per channel, how ``information`` was made: ``"mixture"``, ``"sandwich"``,
        or without bounds ``"value_kl"`` (a discrete channel's values' mean
        KL) or ``"kl"`` (the held-out rows' mean KL); None if built by hand.
    bounds_batch_size : int, ndarray of shape (n_features,) or None
        The evaluation batch K of the sandwich bounds (per element type for
        the set estimators, each type's validation elements up to 1024).
    score_val_diff_se : ndarray of shape (n_points,) or None
        Standard error of ``score_val[p]`` minus the best validation score,
        paired over the held-out rows (both scores are taken on the same
        rows, so the difference is far less noisy than either score).
    prediction_loss_val : ndarray of shape (n_points,) or None
        Held-out loss of what the estimator predicts at each point: the log
        loss of ``predict_proba`` in bits (classifier), the squared error over
        the variance of y, i.e. 1 - R² (regressor).
    prediction_loss_diff_se : ndarray of shape (n_points,) or None
        Standard error of ``prediction_loss_val[p]`` minus its lowest value,
        paired over the held-out rows.
    kl_drift : ndarray of shape (n_points, n_features) or None
        How far each channel still moved while β was held at the
        checkpoint's value: the relative change of its training KL from the
        first to the second half of the hold (user guide, "Settled
        checkpoints"). NaN where unknown or unmeasured (holds under 4 steps);
        None for a path built by hand.
    information_se : ndarray of shape (n_points, n_features) or None
        Standard error of ``information`` in bits over the draws and the rows
        (held-out; all the fit's, discrete channels; user guide, "Bits per
        channel"); the bounds share their draws, so their gap does not show
        it. NaN where unknown; None without bounds.
    information_row_influence : ndarray of shape (n_points, n_features) or None
        How far a continuous channel's ``information`` would fall without
        its most influential held-out row (its bound terms, and its KL from
        the mean KL that caps the upper bound), in bits (user guide, "Bits
        per channel"): near ``information``, one row carries it; never more.
        For the set estimators the row is a held-out set (all its elements
        of the type). NaN for discrete channels and where unknown; None
        without bounds.

    Attributes
    ----------
    total_information : ndarray of shape (n_points,)
        ``information`` summed over channels.
    n_points : int
        Number of checkpoints.
    bounds_gap : ndarray of shape (n_points, n_features) or None
        ``information_upper - information_lower``.
    settled : ndarray of bool of shape (n_points,)
        False at checkpoints where two or more channels drifted by more than
        ``SETTLED_DRIFT`` (half of their KL) during the hold: the sweep
        was recorded in the middle of a transition (typically all channels
        collapsing together), channels fading at different speeds, and that
        state is no optimum at its β. One channel on its way out leaves the
        others' subset well defined and counts as settled. All True when
        ``kl_drift`` is None; NaN drifts count as settled.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib import InformationPath
    >>> path = InformationPath(
    ...     beta=np.array([1e-3, 1e-1]),
    ...     kl=np.array([[1.0, 0.5], [0.4, 0.0]]),
    ...     information=np.array([[1.0, 0.5], [0.4, 0.0]]),
    ...     loss_train=np.array([0.1, 0.6]), loss_val=np.array([0.2, 0.6]),
    ...     score_val=np.array([0.95, 0.7]), feature_names=("a", "b"))
    >>> path.total_information
    array([1.5, 0.4])
    >>> path.to_frame().shape
    (4, 21)
    >>> path == InformationPath(**{**vars(path), "score_val": [0.95, 0.7]})
    True
    """

    beta: np.ndarray
    kl: np.ndarray
    information: np.ndarray
    loss_train: np.ndarray
    loss_val: np.ndarray
    score_val: np.ndarray
    feature_names: tuple
    information_lower: np.ndarray | None = None
    information_upper: np.ndarray | None = None
    score_val_se: np.ndarray | None = None
    relevance_lower: np.ndarray | None = None
    bounds_saturated: np.ndarray | None = None
    information_method: tuple | None = None
    bounds_batch_size: int | np.ndarray | None = None
    score_val_diff_se: np.ndarray | None = None
    prediction_loss_val: np.ndarray | None = None
    prediction_loss_diff_se: np.ndarray | None = None
    kl_drift: np.ndarray | None = None
    information_se: np.ndarray | None = None
    information_row_influence: np.ndarray | None = None

    def __post_init__(self):
        check_path_fields(self)

    def __eq__(self, other):
        if not isinstance(other, InformationPath):
            return NotImplemented
        return paths_equal(self, other)

    # the fields are mutable arrays: a path is not hashable (as an ndarray)
    __hash__ = None

    @property
    def n_points(self):
        """Number of checkpoints on the path."""
        return len(self.beta)

    @property
    def settled(self):
        """Whether the network had settled at each checkpoint's β."""
        drift = getattr(self, "kl_drift", None)  # None in 0.1 pickles
        if drift is None:
            return np.ones(self.n_points, dtype=bool)
        moving = np.asarray(drift, dtype=float) > SETTLED_DRIFT
        return moving.reshape(self.n_points, -1).sum(axis=1) < 2

    @property
    def total_information(self):
        """Information summed over channels, in bits, per checkpoint."""
        return np.asarray(self.information).sum(axis=1)

    @property
    def bounds_gap(self):
        """Width of the interval around ``information``, in bits (or None)."""
        if self.information_lower is None or self.information_upper is None:
            return None
        return (np.asarray(self.information_upper, dtype=float)
                - np.asarray(self.information_lower, dtype=float))

    @property
    def has_bounds(self):
        """Whether the InfoNCE / leave-one-out bounds were computed."""
        return self.information_lower is not None

    def to_frame(self):
        """Tidy table: one row per (checkpoint, channel).

        Returns
        -------
        frame : pandas.DataFrame
            Columns ``point``, ``beta``, ``feature``, ``feature_index``,
            ``information``, ``information_lower``, ``information_upper``,
            ``information_se``, ``information_row_influence``,
            ``bounds_gap``, ``bounds_saturated``, ``information_method``,
            ``kl``, ``total_information``, ``loss_train``, ``loss_val``,
            ``score_val``, ``score_val_se``, ``prediction_loss_val``,
            ``kl_drift`` and ``settled``. Bounds are NaN (and the flag
            False) when they were not computed, as are a hand-built path's
            missing standard errors, losses and drifts.

        Examples
        --------
        >>> from skdib import InformationPath
        >>> path = InformationPath(beta=[1], kl=[[1, 0.5]], information=[[1, 0.5]],
        ...     loss_train=[0], loss_val=[0], score_val=[0], feature_names=("a", "b"))
        >>> path.to_frame().set_index("feature")["information"].to_dict()
        {'a': 1.0, 'b': 0.5}
        """
        return path_frame(self)

    def nearest_point(self, *, beta=None, total_information=None):
        """Index of the checkpoint closest to a β (log scale) or a total in bits.

        Examples
        --------
        >>> from skdib import InformationPath
        >>> path = InformationPath(beta=[0.1, 1, 10], kl=[[3], [1], [0]],
        ...     information=[[3], [1], [0]], loss_train=[0] * 3, loss_val=[0] * 3,
        ...     score_val=[0] * 3, feature_names=("a",))
        >>> path.nearest_point(beta=0.4), path.nearest_point(total_information=2.5)
        (1, 0)
        """
        if (beta is None) == (total_information is None):
            raise ValueError("Give exactly one of beta or total_information.")
        if beta is not None:
            beta = check_number(beta, "beta")
            return int(np.argmin(np.abs(np.log(self.beta) - np.log(beta))))
        total = check_number(total_information, "total_information",
                             positive=False, unit=" bits")
        totals = self.total_information
        if not np.all(np.isfinite(totals)):
            raise ValueError(
                "total_information is not finite at every checkpoint (a "
                "channel's bits could not be estimated); choose the point "
                "by beta instead.")
        return int(np.argmin(np.abs(totals - total)))

    def select_point(self, rule="one_se"):
        """Index of the default checkpoint.

        ``'best'``: the highest validation score; ties (common for accuracy
        on small sets) go to the lowest validation loss, then the larger β.
        ``'one_se'``: the most compressed checkpoint whose held-out loss of
        the prediction (``prediction_loss_val``: log loss of the predicted
        probabilities for a classifier, 1 - R² for a regressor) is within one
        standard error of the lowest, the rule of Breiman et al. and glmnet's
        ``lambda.1se``. The standard error is that of the paired difference
        from the lowest point on the same held-out rows
        (``prediction_loss_diff_se``), which ignores what is common to all
        points (a few extreme rows of a skewed target), so a constant model
        is not chosen when a model with information predicts better. A path
        without prediction losses (built by hand, or pickled by skdib before
        they were recorded) applies the rule to ``score_val`` instead. An
        unknown (NaN) standard error, as on the path of a single
        cross-validation fold, allows no tolerance: ``'one_se'`` then picks
        the most compressed of the points that score as well as the best (the
        ``'best'`` point unless a more compressed one ties with it).

        Examples
        --------
        >>> from skdib import InformationPath
        >>> path = InformationPath(beta=[0.1, 1, 10], kl=[[3], [1], [0]],
        ...     information=[[3], [1], [0]], loss_train=[0] * 3, loss_val=[0] * 3,
        ...     score_val=[1, 0.9, 0], score_val_se=[0.2] * 3, feature_names=("a",))
        >>> path.select_point("best"), path.select_point("one_se")
        (0, 1)
        """
        if rule not in ("one_se", "best"):
            raise ValueError(f"rule must be 'one_se' or 'best', got {rule!r}.")
        score = np.asarray(self.score_val, dtype=float)
        loss = np.asarray(self.loss_val, dtype=float)
        best = best_score_point(score, loss)
        if rule == "best":
            return best
        if self.prediction_loss_val is not None:
            # the same rule on a loss: higher is better for -loss
            score = -np.asarray(self.prediction_loss_val, dtype=float)
            best, se = best_score_point(score, loss), self.prediction_loss_diff_se
        elif self.score_val_se is None:
            return best
        else:
            se = (self.score_val_se[best] if self.score_val_diff_se is None
                  else self.score_val_diff_se)
        return within_one_se(score, best, se)

    def coarsest_point(self, min_score):
        """Index of the most compressed checkpoint scoring at least ``min_score``.

        The coarsest approximation that is still good enough: among the
        checkpoints whose validation score reaches ``min_score``, the one
        with the least total information (ties: the larger β). None when no
        checkpoint reaches it.

        Examples
        --------
        >>> import numpy as np
        >>> from skdib import InformationPath
        >>> bits = np.array([[3.0, 2.0], [1.0, 0.5], [0.2, 0.0]])
        >>> path = InformationPath(
        ...     beta=np.array([1e-3, 1e-2, 1e-1]), kl=bits, information=bits,
        ...     loss_train=np.zeros(3), loss_val=np.zeros(3),
        ...     score_val=np.array([0.9, 0.85, 0.6]), feature_names=("a", "b"))
        >>> path.coarsest_point(0.8)
        1
        >>> path.coarsest_point(0.95) is None
        True
        """
        score = np.asarray(self.score_val, dtype=float)
        ok = np.flatnonzero(score >= min_score)
        if ok.size == 0:
            return None
        total = self.total_information[ok]
        return int(ok[np.lexsort((-ok, total))[0]])

    def drop_order(self, threshold=0.05):
        """Channel ranking by when each loses its information as β rises.

        Returns
        -------
        order : ndarray of shape (n_features,)
            ``order[i]`` is the index of the first checkpoint from which channel
            ``i`` stays below ``threshold`` bits (``n_points`` if it never
            does). Larger means the channel kept its information longer.

        Examples
        --------
        >>> from skdib import InformationPath
        >>> path = InformationPath(beta=[0.1, 1, 10], kl=[[3, 2], [1, 0], [0.5, 0]],
        ...     information=[[3, 2], [1, 0], [0.5, 0]], loss_train=[0] * 3,
        ...     loss_val=[0] * 3, score_val=[0] * 3, feature_names=("a", "b"))
        >>> path.drop_order()
        array([3, 1])
        """
        info = np.asarray(self.information)
        above = info > threshold
        # last point where the channel is above threshold, +1; 0 if never above
        rev = above[::-1]
        last = np.where(rev.any(axis=0), self.n_points - np.argmax(rev, axis=0), 0)
        return last.astype(int)

    def __repr__(self):
        return (f"InformationPath(n_points={self.n_points}, "
                f"n_features={len(self.feature_names)}, beta=[{self.beta[0]:.3g} "
                f".. {self.beta[-1]:.3g}], bounds={self.has_bounds})")


# The rule behind every estimator's default point (select_point='auto') and
# the point plots mark on a bare path.
DEFAULT_SELECTION_RULE = "one_se"
