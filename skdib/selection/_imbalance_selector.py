"""Greedy feature selection by information imbalance, as a scikit-learn selector."""

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.feature_selection import SelectorMixin
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from skdib._backend import facade
from skdib._dib._inputs import normalise_weights, weighted_moments
from skdib._dib._persistence import PersistenceMixin
from skdib._utils._validation import (
    check_not_series,
    check_numeric_frame,
    is_real_number,
    plain_value,
    rescaled_by_power_of_two,
)
from skdib.selection._lattice import code_unit, lattice_codes
from skdib.selection._n_features import resolve_n_features
from skdib.selection._series import SeriesRefusalMixin

__all__ = ["InformationImbalanceSelector"]

ENCODE_HINT = (
    "Distances need numbers: encode them first (for example one-hot with "
    "sklearn.preprocessing.OneHotEncoder, or OrdinalEncoder for ordered "
    "categories), or drop them."
)


def weighted_points(sample_weight, X, *arrays):
    """``(X, *arrays, weights)`` on the rows of positive weight, with the
    checked weights scaled to mean 1 (None when all are equal). A row of
    weight 0 is as if absent (scikit-learn's rule, and the Distributed IB
    estimators'): it is no neighbour either. ``arrays`` may hold None."""
    if sample_weight is None:
        return (X, *arrays, None)
    weights = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
    if weights.sum() > 0 and not np.all(weights > 0):
        keep = weights > 0
        X, arrays = X[keep], [None if a is None else a[keep] for a in arrays]
        weights = weights[keep]
    return (X, *arrays, normalise_weights(weights))


def _space(a, standardize):
    """``(a, units)`` for the backend: the values, and None or one unit per
    column that divides the column's differences.

    Standardised distances divide each difference of values by the column's
    standard deviation (in any unit, 1e-200 or 1e160 as well). The values
    themselves are not shifted nor divided: ``(x - m) / s`` rounds differently
    at every x, so equal gaps (0 to 1, 1 to 2) would give unequal distances
    and break the ties that the imbalance shares. Each column is only
    multiplied by a power of two (exact) when its values are so large or small
    that differences could overflow. A discrete column is replaced by its
    integer codes and their unit (:func:`_discrete_as_codes`), which keeps
    its terms exactly invariant to affine maps. A single column needs no
    unit: it changes no rank. Without standardisation, all columns share one
    power of two.
    """
    if not standardize:
        return rescaled_by_power_of_two(a), None
    a = rescaled_by_power_of_two(a, per_column=True)
    if a.shape[1] == 1:
        return a, None
    # each column's values in sorted order: the unit depends on the values
    # only, not on the order of the rows, so columns holding the same values
    # get bit-identical units (and tied distances across them stay tied)
    units = weighted_moments(np.sort(a, axis=0), None)[1]
    return _discrete_as_codes(a, units)


def _discrete_as_codes(a, units):
    """``(a, units)`` with every discrete column (values on a lattice, see
    :func:`~skdib.selection._lattice.lattice_codes`) replaced by its integer
    codes and their standard deviation: the same standardised distances, but
    exact, so an affine copy of the column (``0.1 x + 1000``) gives
    bit-identical terms and scores as the column itself at every step. Other
    columns keep their values and units."""
    columns = {f: lattice_codes(a[:, f]) for f in range(a.shape[1])}
    columns = {f: codes for f, codes in columns.items() if codes is not None}
    if not columns:
        return a, units
    a, units = a.copy(), units.copy()
    for f, codes in columns.items():
        a[:, f], units[f] = codes, code_unit(codes)
    return a, units


def _target_space(y, standardize):
    """y as a 2-D float space and its column units (see :func:`_space`):
    numbers as given, labels as one-hot columns.

    Numeric arrays, and object arrays whose entries are all real numbers (for
    example a pandas nullable ``Int64`` column), are numbers; anything else is
    a label per column (distance 0 within a label), also strings that read as
    numbers, such as the class labels "1", "2" and "10" of a pandas Series.
    """
    y = np.asarray(y)
    y = y.reshape(len(y), -1)
    if y.dtype.kind == "O" and all(is_real_number(v) for v in y.flat):
        y = y.astype(np.float64)
    if y.dtype.kind in "biuf":
        y = y.astype(np.float64)
        if not np.isfinite(y).all():
            raise ValueError("y contains NaN or infinity.")
        _check_not_constant(y)
        return _space(y, standardize)
    _check_not_constant(y)
    columns = []
    for col in y.T:
        try:
            _, codes = np.unique(col, return_inverse=True)
        except TypeError:  # labels that cannot be ordered: str beside int
            kinds = sorted({type(v).__name__ for v in col})
            raise ValueError(f"y mixes label types {kinds}; give labels of "
                             "one type (for example all strings).") from None
        columns.append(np.eye(int(codes.max()) + 1)[codes.ravel()])
    return np.concatenate(columns, axis=1), None


def _check_not_constant(y):
    """A target with one value ranks every feature the same: refuse it."""
    if len(y) and (y == y[:1]).all():
        value = plain_value(y[0, 0])
        raise ValueError(
            f"y is constant (every value is {value!r}): every feature is "
            "equally uninformative about it, so there is nothing to select. "
            "Check that the right column is the target, or use "
            "mode='unsupervised' to select features without y.")


class InformationImbalanceSelector(PersistenceMixin, SeriesRefusalMixin, SelectorMixin,
                                   BaseEstimator):
    """Greedy forward feature selection that minimises the information imbalance.

    The information imbalance Δ(A→B) (see :func:`information_imbalance`) is
    lowest when the nearest neighbours in space A are also near in B, and
    close to 1 when A says nothing about B. Its floor is near 0 for a
    continuous target, but tied target values share their ranks: for a class
    label it is Σ_c (n_c/N)², 0.5 for two balanced classes. Starting from no
    features, each step adds the feature that gives the lowest imbalance, as
    in Sec. III of Sharma et al. (selection of structural descriptors of
    glassy dynamics):

    * ``mode="supervised"`` minimises Δ(X_S → y), the imbalance from the
      selected features to the target.
    * ``mode="unsupervised"`` minimises the symmetrised imbalance between all
      features and the selected ones, [Δ(X → X_S) + Δ(X_S → X)] / √2 (Eq. 16);
      y is ignored.

    All candidates of a step are scored in one batched torch computation. The
    search for nearest neighbours in the selected features probes each point's
    closest points first and falls back to a full scan only where it cannot
    prove the answer, so it stays exact. The Δ(X → X_S) half of the
    unsupervised score counts over every pair, O(N² M) per step, which makes
    the unsupervised mode several times slower than the supervised one.

    Parameters
    ----------
    n_features_to_select : int, float or None, default=None
        Number of features to select. A float in (0, 1] is a fraction of the
        features; None selects half of them (at least one), as
        :class:`~sklearn.feature_selection.SequentialFeatureSelector` does.
    mode : {"supervised", "unsupervised"}, default="supervised"
        Whether the imbalance is measured towards y or towards the full X.
    k : int, default=1
        Number of nearest neighbours averaged over in the imbalance.
    max_samples : int or None, default=5000
        Fit on a random subset of this many rows when there are more (the cost
        grows as N²). None uses every row.
    standardize : bool, default=True
        Measure distances in standardised units, as in the paper: every
        difference of values of a feature (and of a numeric y) is divided by
        that column's standard deviation (centring changes no distance). The
        values themselves are not shifted nor divided, so equal gaps of a
        discrete column give exactly equal distances, the ties that the
        imbalance shares. False uses the values as given.
    random_state : int, RandomState instance or None, default=None
        Seeds the choice of rows when ``max_samples`` subsamples.
    device : str, default="auto"
        ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"cuda:N"``. The selection does
        not depend on it: all arithmetic is float64 and exact.

    Attributes
    ----------
    n_features_to_select_ : int
        The number of selected features.
    ranking_ : ndarray of shape (n_features,)
        Order of selection: 1 for the first feature added, 2 for the second, and
        so on; every feature that was not selected has rank
        ``n_features_to_select_ + 1``.
    support_ : ndarray of shape (n_features,)
        Mask of the selected features.
    imbalance_path_ : ndarray of shape (n_selected,)
        The minimised imbalance after each added feature: Δ(X_S → y), or the
        symmetrised value in unsupervised mode.
    candidate_imbalances_ : ndarray of shape (n_selected, n_features)
        The imbalance every candidate would have given at each step (NaN for
        features already selected).
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of the features seen during fit, when X has string column names.

    See Also
    --------
    information_imbalance : Δ(A→B) for two given spaces.

    Notes
    -----
    Numeric targets use the Euclidean distance (standardised, see
    ``standardize``); any other target is treated as labels, with distance 0
    within a label and 1 across labels. An object target is numeric only when
    every entry is a real number (bools count as numbers, as a bool array
    does); strings are labels even when they read as numbers ("1", "2",
    "10"), also in a pandas Series of object or ``"string"`` dtype. Ties in
    distances are shared, so the result does not depend on the order of the
    rows. Equal scores go to the lowest feature index.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib import InformationImbalanceSelector
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 6))
    >>> y = X[:, 4] + 0.5 * X[:, 1] ** 2
    >>> selector = InformationImbalanceSelector(n_features_to_select=2).fit(X, y)
    >>> selector.get_support(indices=True)
    array([1, 4])
    >>> selector.ranking_
    array([3, 2, 3, 3, 1, 3])
    """

    _parameter_constraints: dict = {
        "n_features_to_select": [
            None,
            Interval(RealNotInt, 0, 1, closed="right"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "mode": [StrOptions({"supervised", "unsupervised"})],
        "k": [Interval(Integral, 1, None, closed="left")],
        "max_samples": [None, Interval(Integral, 2, None, closed="left")],
        "standardize": ["boolean"],
        "random_state": ["random_state"],
        "device": "no_validation",
    }

    def __init__(
        self,
        n_features_to_select=None,
        *,
        mode="supervised",
        k=1,
        max_samples=5000,
        standardize=True,
        random_state=None,
        device="auto",
    ):
        self.n_features_to_select = n_features_to_select
        self.mode = mode
        self.k = k
        self.max_samples = max_samples
        self.standardize = standardize
        self.random_state = random_state
        self.device = device

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = self.mode == "supervised"
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, sample_weight=None):
        """Select features greedily.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data; a pandas DataFrame records the feature names.
        y : array-like of shape (n_samples,) or (n_samples, n_targets), default=None
            Target. Required when ``mode="supervised"``, ignored otherwise.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights of the points in the imbalance's average
            over points. A point of weight 0 is left out, as if absent; any
            other serves once as a neighbour whatever its weight (so a weight
            of 2 is not the same as repeating the row).

        Returns
        -------
        self : InformationImbalanceSelector
            The fitted selector.
        """
        if self.max_samples is not None and self.max_samples <= self.k:
            raise ValueError(
                f"max_samples={self.max_samples} must be larger than k={self.k}."
            )
        check_numeric_frame(X, hint=ENCODE_HINT)
        if self.mode == "supervised":
            X, y = validate_data(
                self, X, y, dtype=np.float64, multi_output=True,
                ensure_min_samples=2,
            )  # fmt: skip
        else:
            X = validate_data(self, X, dtype=np.float64, ensure_min_samples=2)
        X, y, weights = weighted_points(
            sample_weight, X, y if self.mode == "supervised" else None)
        if X.shape[0] <= self.k:
            raise ValueError(
                f"X has {X.shape[0]} samples, but k={self.k} neighbours need at "
                f"least {self.k + 1}; lower k or give more samples (rows of "
                "weight 0 do not count).")
        n_select = resolve_n_features(self.n_features_to_select, X.shape[1])
        if self.max_samples is not None and X.shape[0] > self.max_samples:
            rng = check_random_state(self.random_state)
            rows = np.sort(rng.choice(X.shape[0], self.max_samples, replace=False))
            X = X[rows]
            weights = None if weights is None else normalise_weights(weights[rows])
            if self.mode == "supervised":
                y = y[rows]
        X, units = _space(X, self.standardize)
        target = target_units = None
        if self.mode == "supervised":
            target, target_units = _target_space(y, self.standardize)
        order, path, table = facade.greedy_imbalance_selection(
            X, n_select, target=target, k=self.k, device=self.device,
            row_weights=weights, units=units, target_units=target_units,
        )
        self.n_features_to_select_ = n_select
        self.ranking_ = np.full(X.shape[1], n_select + 1, dtype=np.intp)
        self.ranking_[order] = np.arange(1, n_select + 1)
        self.support_ = self.ranking_ <= n_select
        self.imbalance_path_ = path
        self.candidate_imbalances_ = table
        return self

    def transform(self, X):
        """Reduce X to the selected features.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
            The columns of ``fit``'s X, in the same order.

        Returns
        -------
        X_r : array-like of shape (n_samples, n_selected_features)
        """
        check_is_fitted(self)
        check_not_series(X)
        return super().transform(X)

    def _get_support_mask(self):
        check_is_fitted(self)
        return self.support_
