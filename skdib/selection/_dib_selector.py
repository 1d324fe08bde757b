"""Feature selection from the information path of a Distributed IB sweep."""

import os
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, clone
from sklearn.feature_selection import SelectorMixin
from sklearn.utils._param_validation import HasMethods, Interval, RealNotInt
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import (
    _num_samples,
    check_array,
    check_is_fitted,
    check_memory,
    validate_data,
)

from skdib._dib._base import BaseDistributedIB
from skdib._dib._channels import resolve_channels
from skdib._dib._classifier import DistributedIBClassifier
from skdib._dib._columns import check_integer_labels, column_names, integer_labels
from skdib._dib._persistence import PersistenceMixin
from skdib._dib._ranking import DROP_THRESHOLD, channel_ranks
from skdib._dib._regressor import DistributedIBRegressor
from skdib._utils._validation import (
    as_pandas,
    check_not_series,
    check_numeric_frame,
    is_series,
    non_numeric_columns,
    plain_value,
)
from skdib.selection._n_features import resolve_n_features
from skdib.selection._series import SeriesRefusalMixin
from skdib.selection._sweep_cache import cached_sweep, clear, run_sweep

__all__ = ["DistributedIBSelector"]

_RULES = ("n_features_to_select", "information_budget", "threshold")


def _check_varies(y_arr):
    """A constant target has no information to find: refuse it."""
    y2 = np.asarray(y_arr).reshape(len(y_arr), -1)
    if len(y2) and (y2 == y2[:1]).all():
        value = plain_value(y2[0, 0])
        raise ValueError(
            f"y is constant (every value is {value!r}): no feature carries "
            "information about it, so there is nothing to select. Check that "
            "the right column is the target.")


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


def _budget_point(total, budget):
    """Point with the largest total <= budget, else the smallest total."""
    within = np.flatnonzero(total <= budget)
    if within.size:
        return int(within[np.argmax(total[within])])
    return int(np.argmin(total))


class DistributedIBSelector(PersistenceMixin, SeriesRefusalMixin, SelectorMixin,
                            MetaEstimatorMixin, BaseEstimator):
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
        bits at the default point (``estimator_.best_point_``).
    information_threshold : float, default=0.05
        Bits below which a channel counts as dropped, for the ranking and
        for ``information_budget``.
    cache : bool, default=True
        Reuse a Distributed IB fit when only the selection rule changed.
        Fits are remembered in a module-level least-recently-used cache of
        32 entries, keyed by ``joblib.hash`` of (estimator class, estimator
        parameters, X, y, column names, the ``sample_weight``, ``groups``,
        ``X_val`` and ``y_val`` given to :meth:`fit`, and the skdib and
        torch versions); it is shared by every selector in
        the process, so the clones made by :class:`~sklearn.pipeline.Pipeline`
        or :class:`~sklearn.model_selection.GridSearchCV` over
        ``n_features_to_select`` all reuse one sweep (a grid search fits all
        folds of one candidate before the next, so with more than 32 folds
        nothing in the process is reused: pass ``memory``). A cached estimator
        object is shared between selectors and must not be modified. With
        ``random_state=None`` on the estimator, a cached fit is reused as if
        the seed were fixed (and, unlike a fresh fit, draws no seed from
        numpy's global random state); set ``cache=False`` for an
        independent refit.
        :meth:`clear_cache` empties the in-process cache.
    memory : None, str, path or joblib.Memory, default=None
        Where cached sweeps are stored so that other processes reuse them:
        a folder (or a :class:`joblib.Memory`) shared by joblib workers
        (``n_jobs``), Dask or Ray workers, or later sessions. Each distinct
        (estimator parameters, data) sweep then runs once per location: a
        process that finds it running elsewhere waits for it (a file lock in
        ``<location>/skdib_sweep_locks``) and loads the result. On a cluster
        the folder must be on a file system that every worker sees. None
        keeps the cache in the process only (joblib workers in other
        processes then each refit). Needs ``cache=True``. The sweeps are
        files ``<location>/skdib_sweeps/<key>.joblib``; delete that folder
        to empty the store.

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
        (``information_path_.drop_order``); ties go to more bits at that
        checkpoint, then to more bits summed over the path. The plots and the
        report order channels by the same rule.
    feature_information_ : ndarray of shape (n_channels,)
        Bits kept from each channel at the default point; with no
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
        "memory": [None, str, os.PathLike, HasMethods(["cache"])],
    }

    def __init__(self, estimator=None, *, n_features_to_select=None,
                 information_budget=None, threshold=None,
                 information_threshold=DROP_THRESHOLD, cache=True, memory=None):
        self.estimator = estimator
        self.n_features_to_select = n_features_to_select
        self.information_budget = information_budget
        self.threshold = threshold
        self.information_threshold = information_threshold
        self.cache = cache
        self.memory = memory

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None,
            groups=None):
        """Fit (or reuse) the Distributed IB sweep and select features.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            A DataFrame may hold categorical columns when the estimator's
            ``categorical_features`` takes them (the default does).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), optional
            Passed to the estimator's ``fit``; part of the cache key.
        X_val, y_val : array-like, optional
            An explicit validation set for the sweep, passed to the
            estimator's ``fit`` (see there); part of the cache key.
        groups : array-like of shape (n_samples,), optional
            Group labels, passed to the estimator's ``fit``: its validation
            split then keeps each group on one side (rows of one experiment
            are correlated; a random split would let them leak from training
            into validation). Part of the cache key. Under metadata routing
            (a :class:`~sklearn.model_selection.GroupKFold` search) request
            it with ``set_fit_request(groups=True)``.

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
        X = as_pandas(X)
        X_arr, y_arr = self._checked(X, y)
        self._integer_labels = integer_labels(X)
        resolve_n_features(self.n_features_to_select, self.n_features_in_,
                           "features of X")
        _check_varies(y_arr)
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
        self._n_channels_to_select(len(resolve_channels(
            estimator.feature_groups, self.n_features_in_,
            getattr(self, "feature_names_in_", None),
            self._integer_labels)[0]))
        passed = dict(sample_weight=sample_weight, X_val=X_val, y_val=y_val,
                      groups=groups)
        self.estimator_ = self._fitted(estimator, X, y, X_arr, y_arr, {
            name: value for name, value in passed.items() if value is not None})
        path = self.estimator_.information_path_
        best = self.estimator_.best_point_
        self.channel_ranking_ = channel_ranks(path, self.information_threshold)
        self.feature_information_ = np.asarray(path.information[best], dtype=float)
        chosen, self.selected_point_ = self._select_channels(path, best)
        channels = self.estimator_.channels_
        self.ranking_ = np.full(self.n_features_in_, len(channels) + 1, dtype=int)
        self.support_ = np.zeros(self.n_features_in_, dtype=bool)
        for c, cols in enumerate(channels):
            self.ranking_[cols] = self.channel_ranking_[c]
            self.support_[cols] = chosen[c]
        return self

    def _memory(self):
        """The folder of ``memory`` (str), or None for the in-process cache."""
        if self.memory is None:
            return None
        if not self.cache:
            raise ValueError(
                "memory is set but cache=False: cache=False refits every time, "
                "so nothing would be stored. Remove one of the two.")
        memory = check_memory(os.fspath(self.memory)
                              if isinstance(self.memory, os.PathLike)
                              else self.memory)
        location = getattr(memory, "location", None)
        return None if location is None else os.fspath(location)

    def _checked(self, X, y):
        """X as hashed for the cache (float, or the table itself when it has
        categorical columns the estimator takes) and y; sets the names."""
        takes_categories = getattr(self.estimator, "categorical_features",
                                   "auto") is not None
        if takes_categories and non_numeric_columns(X) and not is_series(X):
            _, y_arr = validate_data(self, X, y, skip_check_array=True)
            y_arr = check_array(y_arr, ensure_2d=False, dtype=None)
            if _num_samples(X) < 2:
                raise ValueError(f"X has {_num_samples(X)} sample(s); at least 2 "
                                 "are needed.")
            return X, y_arr
        check_numeric_frame(X)
        return validate_data(self, X, y, dtype=np.float64, ensure_min_samples=2,
                             multi_output=True, y_numeric=False)

    def _fitted(self, estimator, X, y, X_arr, y_arr, fit_params):
        """The sweep, run or from the cache (``fit_params``: the arguments
        of the estimator's ``fit`` that were given)."""
        memory = self._memory()
        if not self.cache:
            return run_sweep(None, estimator, X, y, fit_params)
        names = getattr(self, "feature_names_in_", None)
        names = self._integer_labels if names is None else names
        return cached_sweep(memory, estimator, X, y, (X_arr, y_arr, names),
                            fit_params)

    def _select_channels(self, path, best):
        """Boolean mask over channels and the path point used (or None)."""
        n_channels = len(self.channel_ranking_)
        info = np.asarray(path.information, dtype=float)
        if self.information_budget is not None:
            point = _budget_point(path.total_information, self.information_budget)
            return info[point] > self.information_threshold, point
        if self.threshold is not None:
            return info[best] >= self.threshold, best
        return self.channel_ranking_ <= self._n_channels_to_select(n_channels), None

    def _n_channels_to_select(self, n_channels):
        """How many channels ``n_features_to_select`` keeps (checked before
        the sweep, so a count above the channels fails at once)."""
        return resolve_n_features(self.n_features_to_select, n_channels,
                                  "channels (features, or feature_groups)")

    @staticmethod
    def clear_cache():
        """Forget every Distributed IB fit remembered for reuse (``cache=True``).

        The cache holds up to ``CACHE_SIZE`` (32) fitted estimators, with
        their path snapshots; clear it to free that memory.
        """
        clear()

    def get_feature_names_out(self, input_features=None):
        """The selected columns' names: as scikit-learn names them, except
        that a DataFrame with integer column labels gives its labels as text
        (the names the path gives its channels), not ``x0, x1, ...``."""
        check_is_fitted(self)
        if input_features is None and getattr(self, "_integer_labels", None):
            input_features = column_names(self)
        return super().get_feature_names_out(input_features)

    def transform(self, X):
        """Reduce X to the selected features.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The columns of ``fit``'s X, in the same order: a DataFrame with
            other names, or other integer labels, is refused.

        Returns
        -------
        X_r : array-like of shape (n_samples, n_selected_features)
        """
        check_is_fitted(self)
        check_not_series(X)
        X = as_pandas(X)
        check_integer_labels(self, X)
        return super().transform(X)

    def _get_support_mask(self):
        check_is_fitted(self)
        return self.support_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.target_tags.required = True
        # as the estimator swept: None picks a regressor for 2-D targets
        inner = self.estimator
        tags.target_tags.multi_output = inner is None or bool(
            hasattr(inner, "__sklearn_tags__")
            and inner.__sklearn_tags__().target_tags.multi_output)
        return tags
