"""What the estimators accept as X, y and sample weights, checked in one place.

X is a numeric array or a pandas DataFrame whose categorical columns (see
:mod:`skdib._dib._categorical`) become one-hot blocks; ``n_features_in_`` and
``feature_names_in_`` always describe the table as given. Sample weights
(and, for the classifier, class weights) are normalised to mean 1.
"""

import warnings

import numpy as np
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_X_y,
    validate_data,
)

from skdib._dib._categorical import fit_layout
from skdib._dib._columns import check_integer_labels, column_names, integer_labels
from skdib._dib._split import check_target_shape, check_validation_request
from skdib._utils._validation import as_pandas, check_numeric_frame
from skdib._utils._warnings import user_stacklevel

__all__ = ["InputMixin", "balanced_class_weights", "drop_unweighted",
           "normalise_weights", "warn_far_validation_target", "weight_sources",
           "weighted_moments"]

_CATEGORICAL_HINT = (
    "With categorical_features='auto' (the default) a DataFrame's string and "
    "category columns become categorical channels; categorical_features=None "
    "turns that off.")


def drop_unweighted(X, y_enc, groups, weights):
    """The rows of positive weight: a row of weight 0 is left out before the
    validation split, as if it were absent, so it neither trains nor scores,
    nor sets the input scaling, the values of discrete channels or the split.

    ``y_enc`` may be longer than ``X`` (an explicit validation set's encoded
    targets follow the training rows); its tail is kept.
    """
    if weights is None or np.all(weights > 0):
        return X, y_enc, groups, weights
    keep = np.flatnonzero(weights > 0)
    tail = np.arange(len(X), len(y_enc))
    return (X[keep], y_enc[np.concatenate([keep, tail])],
            None if groups is None else np.asarray(groups)[keep], weights[keep])


def balanced_class_weights(y, sample_weight=None):
    """Per-row weights of ``class_weight='balanced'``, the classes counted by
    their rows' sample weights (None: 1 each).

    Class c gets n / (K n_c), with n the summed weight of all rows, n_c that
    of the rows of class c and K the number of classes of positive weight.
    A row of weight 0 counts for nothing and a row of weight k counts k
    times, so the weights are those of the table with that row removed or
    repeated k times. Where every class has a row of positive weight this
    is scikit-learn's ``compute_class_weight('balanced', ...,
    sample_weight=...)`` (which LogisticRegression uses from version 1.7
    on). A class held only by rows of weight 0 is where they part:
    scikit-learn (1.9 included) counts it among the K classes and gives it
    n / 0 = inf, which also lowers the weights of the others; here it is
    left out of K and gets weight 0, so the other classes get the weights
    of the table without its rows.
    """
    w = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight)
    w = w / w.max()  # the weights' scale cancels; this keeps the sum finite
    codes = np.unique(y, return_inverse=True)[1].ravel()
    totals = np.bincount(codes, weights=w)
    held = totals > 0
    per_class = np.zeros(len(totals))
    per_class[held] = totals.sum() / (held.sum() * totals[held])
    return per_class[codes]


def weight_sources(sample_weight, class_weights):
    """The parameters that weight the rows a fit keeps (those of positive
    weight) unequally, as messages name them: ``'sample_weight'``,
    ``'class_weight'``, ``'sample_weight and class_weight'`` or ``''``."""
    given = {name: w for name, w in (("sample_weight", sample_weight),
                                     ("class_weight", class_weights))
             if w is not None}
    if not given:
        return ""
    kept = np.prod(list(given.values()), axis=0) > 0
    return " and ".join(name for name, w in given.items()
                        if kept.any() and np.ptp(w[kept]) > 0)


def weighted_moments(X, weights):
    """Column means and standard deviations of X, (n, k) or (n,), under row
    weights (None: all rows equal).

    A column whose values are all equal gets its value as the centre and
    scale 1 (so it standardises to exactly 0); any other keeps its
    spread however small or large its unit (the deviations are divided by
    their largest before they are squared, so 1e-13 does not underflow to a
    "constant" nor 1e200 overflow).

    Examples
    --------
    >>> import numpy as np
    >>> from skdib._dib._inputs import weighted_moments
    >>> X = np.array([[1e-13, 5.0, 1e200], [3e-13, 5.0, 3e200]])
    >>> center, scale = weighted_moments(X, None)
    >>> scale / np.array([1e-13, 1.0, 1e200])
    array([1., 1., 1.])
    """
    constant = np.ptp(X, axis=0) == 0
    # a constant column's mean can miss its value by a few ulps (6.0e23 by
    # 7e7), which would feed the network a huge "standardised" constant
    center = np.where(constant, X[0], np.average(X, axis=0, weights=weights))
    deviation = X - center
    unit = np.abs(deviation).max(axis=0)
    unit = np.where(constant | (unit == 0), 1.0, unit)
    scale = unit * np.sqrt(np.average((deviation / unit) ** 2, axis=0,
                                      weights=weights))
    return center, np.where(constant, 1.0, scale)


def normalise_weights(weights):
    """Weights scaled to mean 1, or None when they are all equal."""
    if weights is None:
        return None
    weights = np.asarray(weights, dtype=np.float64)
    if weights.sum() <= 0:
        raise ValueError("The sample weights sum to 0; at least one row needs a "
                         "positive weight.")
    if np.all(weights == weights[0]):
        return None
    if not np.isfinite(weights.mean()):  # weights near 1e308: the sum overflows
        weights = weights / weights.max()
    return weights / weights.mean()


# Training ranges (max - min) beyond the training rows' range at which the
# median held-out row of a column is taken for a sign that X_val was not
# transformed like X. In ranges, not standard deviations, and for the median
# row, not the farthest: a sparse column (mostly 0) has a tiny deviation and
# sometimes a tiny range, and its rare large values are data (the glass's
# radial densities had single held-out rows 30 ranges out), while a change
# of units moves most rows.
FAR_FROM_TRAINING = 10.0


def beyond_training_range(X, X_val):
    """Per column, how far the median row of ``X_val`` lies outside the
    training rows' range, in training ranges (0 inside it; a constant
    column has no scale and gives 0): the one rule by which held-out inputs
    and targets are called far from training (beyond
    ``FAR_FROM_TRAINING``)."""
    low, high = X.min(axis=0), X.max(axis=0)
    span = np.where(high > low, high - low, np.inf)  # a constant: no scale
    outside = np.maximum(np.maximum(low - X_val, X_val - high), 0.0)
    return np.median(outside, axis=0) / span


def warn_far_validation_rows(X, X_val, names=None):
    """Warn when most rows of a column of ``X_val`` lie far outside the
    training rows' range (in training ranges, :func:`beyond_training_range`):
    the bits and losses measured on such rows are not meaningful, and the
    usual cause is an ``X_val`` passed around the preprocessing that ``X``
    went through. ``names``: one per column of X."""
    beyond = beyond_training_range(X, X_val)
    far = np.flatnonzero(beyond > FAR_FROM_TRAINING)
    if len(far) == 0:
        return
    j = far[np.argmax(beyond[far])]
    column = names[j] if names is not None else f"x{j}"
    warnings.warn(
        f"Most rows of X_val lie far beyond the training rows' range: the "
        f"median row {beyond[j]:.3g} training ranges (column {column!r}; "
        f"{len(far)} column(s) beyond {FAR_FROM_TRAINING:g}). Was X_val "
        "transformed like X? A Pipeline "
        "passes X_val to its last step untransformed unless told "
        "(transform_input=['X_val'] with metadata routing). The bits and "
        "losses measured on such rows are not meaningful.", UserWarning,
        stacklevel=user_stacklevel())


def warn_far_validation_target(y, y_val):
    """Warn when most values of a regression target's ``y_val`` (a column
    of it) lie far outside the training targets' range, by the rule of
    ``X_val`` (:func:`beyond_training_range`): the path's loss and R² are
    then those of a target in other units. A ``TransformedTargetRegressor``
    passes ``y_val`` on untransformed, so the usual cause is that (or
    ``y_val`` in other units than ``y``)."""
    y2 = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    beyond = beyond_training_range(
        y2, np.asarray(y_val, dtype=np.float64).reshape(len(y_val), -1))
    far = np.flatnonzero(beyond > FAR_FROM_TRAINING)
    if len(far) == 0:
        return
    where = "" if y2.shape[1] == 1 else f" (columns {far.tolist()})"
    warnings.warn(
        f"Most values of y_val lie far beyond the training targets' range: "
        f"the median value {beyond[far].max():.3g} training ranges out"
        f"{where}. Is y_val in the units of y? A TransformedTargetRegressor "
        "passes y_val to its regressor untransformed (fit on func(y), "
        "scored on the raw y_val); pass func(y_val). The path's losses and "
        "R² on such targets are not meaningful.", UserWarning,
        stacklevel=user_stacklevel())


def _numeric_validation_target(y_val):
    """A regressor's ``y_val`` checked under its own name (a NaN is refused
    as "Input y_val contains NaN"), in the dtype ``check_X_y`` with
    ``y_numeric=True`` gives it: integers, booleans and float32 stay as
    they are, objects become float64.

    The dtype is part of the data hash that ``continue_fit`` compares, so a
    sweep stopped by an older skdib (which hashed an integer ``y_val`` as
    int64) resumes; the fit reads ``y_val`` as float64 anyway.
    """
    return check_array(y_val, ensure_2d=False, allow_nd=True, dtype="numeric",
                       input_name="y_val")


class InputMixin:
    """Input checks of the Distributed IB estimators (fit and predict)."""

    def _class_weights(self, y, sample_weight=None):
        """Hook: per-row class weights (the classifier's ``class_weight``),
        given the checked ``sample_weight`` (None when not given)."""
        return None

    def _check_fit_input(self, X, y, sample_weight=None, *, reset=True):
        """Float X (categories one-hot), checked y, row weights of mean 1.

        ``reset=True`` (``fit``) learns the column layout, names and
        categories; ``reset=False`` (``continue_fit``) checks them.
        """
        X = as_pandas(X)
        if reset:
            self._layout = fit_layout(X, self.categorical_features)
            self._integer_labels = integer_labels(X)
        layout = getattr(self, "_layout", None)
        if not reset:
            self._check_labels(X, layout)
        params = dict(dtype=np.float64, ensure_min_samples=2,
                      **self._target_validation)
        if layout is None:
            check_numeric_frame(X, hint=_CATEGORICAL_HINT)
            X, y = validate_data(self, X, y, reset=reset, **params)
        else:
            validate_data(self, X, y, reset=reset, skip_check_array=True)
            # continue_fit replays fit's data: every categorical column read
            X, y = check_X_y(layout.transform(X, read_all=True), y, **params)
        weights = None
        if sample_weight is not None:
            weights = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
        class_weights = self._class_weights(y, weights)
        self._weighted_by = weight_sources(weights, class_weights)
        if class_weights is not None:
            weights = class_weights if weights is None else weights * class_weights
        return X, y, normalise_weights(weights)

    def _check_validation_set(self, X, y, X_val, y_val, groups, *, replay=False,
                              weights=None):
        """Validate ``X_val``/``y_val`` and ``groups`` (counted among the rows
        of positive ``weights``); return the checked pair (``replay``: for
        ``continue_fit``, every categorical column read, as ``fit`` read
        them)."""
        check_validation_request(X_val, y_val, groups, self.validation_fraction,
                                 len(X), weights)
        if X_val is None:
            return None, None
        if self._target_validation.get("y_numeric"):  # errors name y_val
            y_val = _numeric_validation_target(y_val)
        X_val = self._check_input(X_val, read_all=replay, input_name="X_val")
        X_val, y_val = check_X_y(X_val, y_val, dtype=np.float64,
                                 **self._target_validation)
        y_val = check_target_shape(y, y_val)
        self._check_validation_target(y, y_val)
        warn_far_validation_rows(X, X_val, self._matrix_column_names())
        return X_val, y_val

    def _check_validation_target(self, y, y_val):
        """Hook: refuse validation targets the training targets cannot explain."""

    def _check_weighted_target(self, y_enc):
        """Hook: refuse encoded targets of the rows of positive weight that
        the estimator cannot learn from."""

    def _check_input(self, X, *, read_all=False, input_name="X"):
        """X at predict time, as the float matrix the network reads
        (``read_all``: see :meth:`CategoricalLayout.transform`;
        ``input_name``: the argument, for the messages)."""
        X = as_pandas(X)
        layout = getattr(self, "_layout", None)
        self._check_labels(X, layout, input_name)
        if layout is None:
            check_numeric_frame(X, name=input_name)
            return validate_data(self, X, dtype=np.float64, reset=False)
        validate_data(self, X, reset=False, skip_check_array=True)
        return check_array(layout.transform(X, read_all=read_all),
                           dtype=np.float64, input_name=input_name, estimator=self)

    def _check_labels(self, X, layout, input_name="X"):
        """Refuse an X without columns for a model fitted with categories
        (``layout``), then other integer labels than fit's."""
        if layout is not None:
            self._check_frame(X)
        check_integer_labels(self, X, input_name)

    def _check_frame(self, X):
        """Refuse an X without columns for a model fitted with categories."""
        if not hasattr(X, "columns"):
            raise ValueError(
                "This model was fitted on a DataFrame with categorical columns "
                f"{self._categorical_columns()}; pass a DataFrame with the same "
                "columns.")

    def _matrix_column_names(self):
        """The input column behind each column of the matrix the network
        reads (a categorical column's one-hot block repeats its name)."""
        names = column_names(self)
        layout = getattr(self, "_layout", None)
        if layout is None:
            return names
        return [names[j] for j in range(layout.n_columns) for _ in layout.blocks[j]]

    def _categorical_columns(self):
        """Names of the columns fitted as categories (empty when none)."""
        layout = getattr(self, "_layout", None)
        if layout is None:
            return []
        names = column_names(self)
        return [names[j] for j in sorted(layout.categories)]
