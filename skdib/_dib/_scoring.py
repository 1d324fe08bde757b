"""R² of a regressor in the units of its training target."""

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score

from skdib._dib._inputs import warn_far_validation_target

__all__ = ["ScaledR2Mixin", "constant_columns", "scaled_r2_score"]


class ScaledR2Mixin(RegressorMixin):
    """``score`` and the ``y_val`` check of the regressors (tables and sets),
    which keep the training target's ``_y_mean`` and ``_y_scale``."""

    def score(self, X, y, sample_weight=None):
        """R² of ``predict(X)`` against y at the current path point.

        scikit-learn's ``r2_score`` (outputs averaged uniformly, rows
        weighted by ``sample_weight``), computed in the training target's
        standard units (``y`` and the predictions centred on the training
        target's mean and divided by its scale): the same R², but finite for
        targets of 1e200 or 1e-200, where squaring the raw values overflows
        or underflows.

        Parameters
        ----------
        X : array-like
            Inputs, as ``predict`` takes them.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True targets, in the units of the training target.
        sample_weight : array-like of shape (n_samples,), optional
            Row weights.

        Returns
        -------
        score : float
            R² of the predictions.
        """
        return scaled_r2_score(y, self.predict(X), self._y_mean, self._y_scale,
                               sample_weight)

    def _check_validation_target(self, y, y_val):
        """Warn about a ``y_val`` far from the training targets (other units,
        or a TransformedTargetRegressor's raw targets)."""
        warn_far_validation_target(y, y_val)


def scaled_r2_score(y_true, y_pred, center, scale, sample_weight=None):
    """scikit-learn's ``r2_score`` (uniform average over outputs) of
    ``y_true`` and ``y_pred`` standardised by the training target's
    ``center`` and ``scale`` (one per output).

    R² is unchanged by a common affine change of units, but ``r2_score``
    squares the raw values: targets of 1e200 overflow to nan and targets of
    1e-200 underflow to a perfect 1.0. In the training target's standard
    units the squares are of order 1 whatever the unit. A column of
    ``y_true`` whose values are all equal (on the rows of positive weight)
    scores as ``r2_score`` scores a constant target, 1 when every
    prediction is exact and 0 otherwise, decided on the values as given
    (:func:`constant_columns`). A ``y_true`` whose shape does not fit the
    outputs is left to ``r2_score`` to refuse, and fewer than 2 rows to
    score as nan (R² is not defined there).

    Examples
    --------
    >>> import numpy as np
    >>> from skdib._dib._scoring import scaled_r2_score
    >>> y, pred = np.array([1.0, 2.0, 4.0]), np.array([1.5, 2.0, 3.5])
    >>> r2 = scaled_r2_score(y * 1e200, pred * 1e200, np.array([2e200]),
    ...                      np.array([1e200]))
    >>> round(float(r2), 4)  # 1 - 0.5 / 4.667, as at scale 1
    0.8929
    """
    center, scale = np.asarray(center), np.asarray(scale)
    true = np.asarray(y_true)
    if (true.dtype.kind not in "fiu" or true.ndim not in (1, 2) or len(true) < 2
            or true.shape[:1] != np.shape(y_pred)[:1]
            or np.prod(true.shape[1:], dtype=int) != center.size):
        return r2_score(y_true, y_pred, sample_weight=sample_weight)

    def standard(values):
        values = np.asarray(values, dtype=np.float64)
        shape = values.shape
        return ((values.reshape(len(values), -1) - center) / scale).reshape(shape)

    per_output = np.atleast_1d(r2_score(
        standard(true), standard(y_pred), sample_weight=sample_weight,
        multioutput="raw_values"))
    pred = np.asarray(y_pred).reshape(len(true), -1)
    true = true.reshape(len(true), -1)
    constant, exact = constant_columns(true, pred, sample_weight)
    per_output[constant] = np.where(exact, 1.0, 0.0)[constant]
    return float(per_output.mean())


def constant_columns(y_true, y_pred, sample_weight=None):
    """Per output (columns of 2-D arrays): whether ``y_true`` takes one
    value on every row of positive weight, and whether ``y_pred`` equals it
    there.

    ``r2_score`` scores a constant target 1 when every prediction is exact
    and 0 otherwise, but only when its variance comes out as exactly 0.
    Standardising a constant (0 minus the training mean, over the training
    scale) leaves values whose mean can round a hair away from them, and
    then the rounding error is divided by: -4.6e31 instead of 0. The test
    is exact and reads the values as given (before standardising), as the
    path's ``constant_outputs`` does (:func:`scaled_r2_score` leaves a table
    of fewer than 2 rows to ``r2_score``: R² is not defined there).

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (n_samples, n_outputs)
        Targets and predictions.
    sample_weight : array-like of shape (n_samples,), optional
        Row weights; rows of weight 0 are not read.

    Returns
    -------
    constant, exact : ndarray of bool, shape (n_outputs,)
        Per output, whether ``y_true`` is constant, and whether every
        prediction equals it.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib._dib._scoring import constant_columns
    >>> y = np.array([[1.0, 0.0], [2.0, 0.0], [3.0, 0.0]])
    >>> constant_columns(y, y.copy())
    (array([False,  True]), array([ True,  True]))
    """
    rows = (np.ones(len(y_true), dtype=bool) if sample_weight is None
            else np.asarray(sample_weight, dtype=np.float64) > 0)
    if not rows.any():
        none = np.zeros(y_true.shape[1], dtype=bool)
        return none, none
    true, pred = y_true[rows], y_pred[rows]
    return (true == true[:1]).all(axis=0), (pred == true).all(axis=0)
