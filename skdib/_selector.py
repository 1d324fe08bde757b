"""Feature selection from the information path of a Distributed IB sweep."""

import threading
from collections import OrderedDict
from numbers import Integral, Real

import joblib
import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, clone
from sklearn.feature_selection import SelectorMixin
from sklearn.utils._param_validation import HasMethods, Interval, RealNotInt
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted, validate_data

from skdib._base import BaseDistributedIB, _check_numeric_frame
from skdib._classifier import DistributedIBClassifier
from skdib._regressor import DistributedIBRegressor

__all__ = ["DistributedIBSelector"]

_CACHE_SIZE = 8
_CACHE = OrderedDict()
_CACHE_LOCK = threading.Lock()
_RULES = ("n_features_to_select", "information_budget", "threshold")


def _cache_get(key):
    with _CACHE_LOCK:
        est = _CACHE.get(key)
        if est is not None:
            _CACHE.move_to_end(key)
        return est


def _cache_put(key, estimator):
    with _CACHE_LOCK:
        _CACHE[key] = estimator
        _CACHE.move_to_end(key)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)


def _default_estimator(y):
    kind = type_of_target(y, input_name="y")
    if kind in ("binary", "multiclass"):
        return DistributedIBClassifier()
    if kind in ("continuous", "continuous-multioutput"):
        return DistributedIBRegressor()
    raise ValueError(
        f"Cannot choose a default Distributed IB estimator for a target of type "
        f"{kind!r}; pass estimator=DistributedIBClassifier(...) or "
        "DistributedIBRegressor(...)."
    )


def _channel_ranking(path, best_point, information_threshold):
    """Rank channels: 1 = keeps its information up to the largest β."""
    info = np.asarray(path.information, dtype=float)
    n_channels = info.shape[1]
    drop = path.drop_order(information_threshold)
    last_alive = info[np.maximum(drop - 1, 0), np.arange(n_channels)]
    last_alive = np.where(drop > 0, last_alive, 0.0)
    at_best = info[best_point]
    # np.lexsort sorts by the last key first; negate for "larger is better"
    order = np.lexsort((np.arange(n_channels), -at_best, -last_alive, -drop))
    ranking = np.empty(n_channels, dtype=int)
    ranking[order] = np.arange(1, n_channels + 1)
    return ranking


def _budget_point(total, budget):
    """Point with the largest total <= budget, else the smallest total."""
    within = np.flatnonzero(total <= budget)
    if within.size:
        return int(within[np.argmax(total[within])])
    return int(np.argmin(total))


class DistributedIBSelector(SelectorMixin, MetaEstimatorMixin, BaseEstimator):
    """Select features by the order in which a Distributed IB sweep drops them.

    One β sweep of a :class:`DistributedIBClassifier` or
    :class:`DistributedIBRegressor` ranks all features (or feature groups)
    at once: as β rises, the least useful channels lose their information
    first. The features that keep information up to the largest β rank
    first. Interactions count: two features that are useless alone but
    informative together (an XOR) both rank high, which no per-feature score
    or linear model can see.

    Parameters
    ----------
    estimator : DistributedIBClassifier, DistributedIBRegressor or None, \
            default=None
        The Distributed IB estimator to sweep; it is cloned. None picks
        ``DistributedIBClassifier()`` for binary or multiclass targets and
        ``DistributedIBRegressor()`` for continuous ones (from
        :func:`sklearn.utils.multiclass.type_of_target`). With
        ``feature_groups`` on the estimator, selection is by group: a group
        is selected or dropped as a whole, and every count below is in
        groups (channels).
    n_features_to_select : int, float or None, default=None
        Keep the ``n_features_to_select`` best-ranked channels; a float in
        (0, 1] is a fraction of the channels (at least one). None, when
        neither other rule is given, keeps half (as
        :class:`~sklearn.feature_selection.SequentialFeatureSelector`).
    information_budget : float or None, default=None
        Total information in bits. Takes the path point whose total
        information (``information_path_.total_information``) is the largest
        one not above the budget (when every point exceeds the budget: the
        point with the smallest total) and selects the channels carrying
        more than ``information_threshold`` bits there. A budget below the
        smallest non-zero total can select no feature at all.
    threshold : float or None, default=None
        Bits per channel: selects the channels with at least ``threshold``
        bits at the best validation point (``estimator_.best_point_``).
    information_threshold : float, default=0.05
        Bits below which a channel counts as dropped, for the ranking and
        for ``information_budget``.
    cache : bool, default=True
        Reuse a Distributed IB fit when only the selection rule changed.
        Fits are remembered in a module-level least-recently-used cache of
        8 entries, keyed by ``joblib.hash`` of (estimator class, estimator
        parameters, X, y, column names); it is shared by every selector in
        the process, so the clones made by :class:`~sklearn.pipeline.Pipeline`
        or :class:`~sklearn.model_selection.GridSearchCV` over
        ``n_features_to_select`` all reuse one sweep (per process: joblib
        workers in other processes each keep their own). A cached estimator
        object is shared between selectors and must not be modified. With
        ``random_state=None`` on the estimator, a cached fit is reused as if
        the seed were fixed; set ``cache=False`` for an independent refit.
        :meth:`clear_cache` empties the cache.

    Attributes
    ----------
    estimator_ : DistributedIBClassifier or DistributedIBRegressor
        The fitted estimator; its ``information_path_`` holds the sweep.
    ranking_ : ndarray of shape (n_features,)
        Rank of each input column; 1 is the most important. Columns of a
        group share the group's rank; columns in no group get
        ``n_channels + 1``.
    channel_ranking_ : ndarray of shape (n_channels,)
        Rank of each channel (feature or group): by the last checkpoint at
        which it carries more than ``information_threshold`` bits
        (``information_path_.drop_order``), ties broken by its bits at that
        checkpoint, then by its bits at the best point.
    feature_information_ : ndarray of shape (n_channels,)
        Bits kept from each channel at the best validation point; with no
        ``feature_groups`` one entry per input feature.
    selected_point_ : int or None
        Path checkpoint used by ``information_budget`` or ``threshold``;
        None for ``n_features_to_select``.
    support_ : ndarray of bool of shape (n_features,)
        Selected input columns.
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Only when X has string column names.

    See Also
    --------
    InformationImbalanceSelector : the greedy information-imbalance baseline.
    skdib.compare.compare_selectors : score vs number of selected features
        for several selectors on the same folds.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib import DistributedIBClassifier, DistributedIBSelector
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 5))
    >>> y = (X[:, 0] * X[:, 3] > 0).astype(int)
    >>> dib = DistributedIBClassifier(n_steps=1000, n_pretrain_steps=200,
    ...                               n_checkpoints=10, random_state=0)
    >>> selector = DistributedIBSelector(dib, n_features_to_select=2).fit(X, y)
    >>> selector.get_support(indices=True)
    array([0, 3])
    >>> selector.transform(X).shape
    (400, 2)
    """

    _parameter_constraints = {
        "estimator": [None, HasMethods(["fit"])],
        "n_features_to_select": [None, Interval(RealNotInt, 0, 1, closed="right"),
                                 Interval(Integral, 1, None, closed="left")],
        "information_budget": [None, Interval(Real, 0, None, closed="left")],
        "threshold": [None, Interval(Real, 0, None, closed="left")],
        "information_threshold": [Interval(Real, 0, None, closed="left")],
        "cache": ["boolean"],
    }

    def __init__(self, estimator=None, *, n_features_to_select=None,
                 information_budget=None, threshold=None,
                 information_threshold=0.05, cache=True):
        self.estimator = estimator
        self.n_features_to_select = n_features_to_select
        self.information_budget = information_budget
        self.threshold = threshold
        self.information_threshold = information_threshold
        self.cache = cache

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit (or reuse) the Distributed IB sweep and select features.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)

        Returns
        -------
        self : object
        """
        given = [name for name in _RULES if getattr(self, name) is not None]
        if len(given) > 1:
            raise ValueError(
                f"Give only one selection rule; got {' and '.join(given)}. Use "
                "n_features_to_select (a count), information_budget (total "
                "bits) or threshold (bits per feature)."
            )
        _check_numeric_frame(X)
        X_arr, y_arr = validate_data(self, X, y, dtype=np.float64,
                                     ensure_min_samples=2, multi_output=True,
                                     y_numeric=False)
        k = self.n_features_to_select
        if isinstance(k, Integral) and k > self.n_features_in_:
            raise ValueError(
                f"n_features_to_select={k} is more than the "
                f"{self.n_features_in_} features of X."
            )
        if self.estimator is None:
            estimator = _default_estimator(y)
        elif isinstance(self.estimator, BaseDistributedIB):
            estimator = clone(self.estimator)
        else:
            raise TypeError(
                "estimator must be a DistributedIBClassifier, a "
                "DistributedIBRegressor or None; got "
                f"{type(self.estimator).__name__}."
            )
        self.estimator_ = self._fitted(estimator, X, y, X_arr, y_arr)
        path = self.estimator_.information_path_
        best = self.estimator_.best_point_
        self.channel_ranking_ = _channel_ranking(path, best,
                                                 self.information_threshold)
        self.feature_information_ = np.asarray(path.information[best], dtype=float)
        chosen, self.selected_point_ = self._select_channels(path, best)
        channels = self.estimator_.channels_
        self.ranking_ = np.full(self.n_features_in_, len(channels) + 1, dtype=int)
        self.support_ = np.zeros(self.n_features_in_, dtype=bool)
        for c, cols in enumerate(channels):
            self.ranking_[cols] = self.channel_ranking_[c]
            self.support_[cols] = chosen[c]
        return self

    def _fitted(self, estimator, X, y, X_arr, y_arr):
        if not self.cache:
            return estimator.fit(X, y)
        cls = type(estimator)
        key = joblib.hash((f"{cls.__module__}.{cls.__qualname__}",
                           estimator.get_params(),
                           X_arr, y_arr,
                           getattr(self, "feature_names_in_", None)))
        cached = _cache_get(key)
        if cached is None:
            cached = estimator.fit(X, y)
            _cache_put(key, cached)
        return cached

    def _select_channels(self, path, best):
        """Boolean mask over channels and the path point used (or None)."""
        n_channels = len(self.channel_ranking_)
        info = np.asarray(path.information, dtype=float)
        if self.information_budget is not None:
            point = _budget_point(path.total_information, self.information_budget)
            return info[point] > self.information_threshold, point
        if self.threshold is not None:
            return info[best] >= self.threshold, best
        k = self.n_features_to_select
        if k is None:
            k = max(1, n_channels // 2)
        elif isinstance(k, Integral):
            if k > n_channels:
                raise ValueError(
                    f"n_features_to_select={k} is more than the {n_channels} "
                    "channels (features, or feature_groups) available."
                )
        else:
            k = max(1, int(k * n_channels))
        return self.channel_ranking_ <= k, None

    @staticmethod
    def clear_cache():
        """Forget every Distributed IB fit remembered for reuse (``cache=True``).

        The cache holds up to 8 fitted estimators, with their path snapshots;
        clear it to free that memory.
        """
        with _CACHE_LOCK:
            _CACHE.clear()

    def _get_support_mask(self):
        check_is_fitted(self)
        return self.support_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.target_tags.required = True
        return tags
