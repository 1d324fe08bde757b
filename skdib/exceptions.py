"""Exceptions and warnings raised by skdib."""

__all__ = ["BetaRangeWarning", "DivergenceError", "IncompatiblePickleError",
           "InfluentialRowWarning", "SweepInterruptedWarning",
           "UnknownCategoryWarning"]


class DivergenceError(RuntimeError):
    """The β sweep diverged: a non-finite or exploding loss, KL or parameter.

    The estimator that raised it keeps the path up to the last finite
    checkpoint (``fit_status_ == "diverged"``) and predicts from it.

    Raised by a function that fits one sweep per split of the rows
    (:func:`~skdib.compare.cross_validate_path`,
    :func:`~skdib.stability_paths`), it comes after every split was fitted
    (with ``n_jobs`` > 1 too) and carries them all in ``fitted``, so that
    none has to be fitted again.

    Attributes
    ----------
    step : int
        The optimisation step at which the divergence was found (of the
        first split that diverged, where there are several).
    beta : float
        β at that step.
    detail : str or None
        What went wrong there ("the training loss is nan", ...), as the
        message says it; None where the raiser did not name it.
    fitted : list or None
        Every split's estimator, in split order: those that finished, and a
        diverged one with its path up to the last finite checkpoint
        (``fit_status_ == "diverged"``), or None where it diverged before
        its first checkpoint and kept nothing. None for a single ``fit``.
    fold : int or None
        Index into ``fitted`` of the first split (fold, or half) that
        diverged; ``fit_status_`` (or None) tells the others. None for a
        single ``fit``.
    splits : list of (ndarray, ndarray) or None
        The (train, validation) row positions of every split, in the same
        order. A diverged split's estimator resumes, after a
        ``set_params(learning_rate=...)``, on those rows of all that the
        call was given: ``continue_fit(X[train], y[train],
        X_val=X[val], y_val=y[val])``, plus ``sample_weight=w[train]``
        where the call was weighted by ``w`` (without it ``continue_fit``
        refuses the rows as other data); the rows of a DataFrame or Series
        are ``X.iloc[train]``. None for a single ``fit``.

    Examples
    --------
    >>> from skdib.exceptions import DivergenceError
    >>> error = DivergenceError("loss is NaN", step=1200, beta=0.3)
    >>> isinstance(error, RuntimeError), error.step, error.beta
    (True, 1200, 0.3)
    >>> error.fitted is None  # a single fit: the estimator itself keeps it
    True
    """

    def __init__(self, message, step, beta, *, detail=None, fitted=None,
                 fold=None, splits=None):
        super().__init__(message)
        self.step, self.beta, self.detail = step, beta, detail
        self.fitted, self.fold, self.splits = fitted, fold, splits

    def __reduce__(self):
        # rebuilt from its own arguments, so that it pickles: a fit that
        # diverges in a joblib worker process reaches the caller as itself;
        # detail, fitted, fold and splits travel in __dict__ (the state)
        return type(self), (self.args[0], self.step, self.beta), self.__dict__


class SweepInterruptedWarning(UserWarning):
    """A sweep was interrupted; the estimator holds the path so far.

    Examples
    --------
    >>> from skdib.exceptions import SweepInterruptedWarning
    >>> issubclass(SweepInterruptedWarning, UserWarning)
    True
    """


class IncompatiblePickleError(ValueError):
    """A pickled skdib model in a format this version of skdib cannot read.

    The message names the skdib version that wrote the pickle and whether to
    upgrade skdib or refit the model.

    Examples
    --------
    >>> from skdib.exceptions import IncompatiblePickleError
    >>> issubclass(IncompatiblePickleError, ValueError)
    True
    """


class UnknownCategoryWarning(UserWarning):
    """A categorical column holds a category not seen during ``fit``.

    The row's channel gets the all-zero one-hot block, its "unknown" input,
    as with ``OneHotEncoder(handle_unknown='warn')``.

    Examples
    --------
    A colour the fit never saw still gets a prediction, with the warning:

    >>> import warnings
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skdib import DistributedIBClassifier
    >>> from skdib.exceptions import UnknownCategoryWarning
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"colour": rng.choice(["red", "blue"], 250),
    ...                   "size": rng.normal(size=250)})
    >>> y = (X["colour"] == "red").astype(int)
    >>> clf = DistributedIBClassifier(n_pretrain_steps=20, n_steps=40,
    ...                               n_checkpoints=2, random_state=0).fit(X, y)
    >>> new = pd.DataFrame({"colour": ["green"], "size": [0.0]})
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     proba = clf.predict_proba(new)
    >>> proba.shape, any(w.category is UnknownCategoryWarning for w in caught)
    ((1, 2), True)

    Silence it where unseen categories are expected:

    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", UnknownCategoryWarning)
    ...     proba = clf.predict_proba(new)
    """


class BetaRangeWarning(UserWarning):
    """The fitted path shows its β range too narrow for the data.

    Raised after a complete sweep when the channels still carry information
    at ``beta_end``, or when the held-out loss was still falling at
    ``beta_start`` (see the user guide, "The β range: ``beta_start``,
    ``beta_end``"). The fit is kept as it is; refit with the range the
    message names. Made an error by a filter, it is raised once the new
    fit is stored, which the estimator then keeps (a refit does not fall
    back to the fit before it). From
    :func:`~skdib.compare.cross_validate_path` and
    :func:`~skdib.stability_paths` it comes once every split is fitted
    (with any ``n_jobs``) and carries them as
    :class:`DivergenceError` does: ``fitted`` (each split's estimator, in
    order) and ``splits`` (their (train, validation) row positions).

    Examples
    --------
    Turn it into an error, for a pipeline that must not go on with a path
    that stops short (here ``beta_end`` is far too small for the channels
    to lose their information):

    >>> import warnings
    >>> import numpy as np
    >>> from skdib import DistributedIBClassifier
    >>> from skdib.exceptions import BetaRangeWarning
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(250, 2))
    >>> y = (X[:, 0] > 0).astype(int)
    >>> clf = DistributedIBClassifier(n_pretrain_steps=20, n_steps=40,
    ...                               n_checkpoints=2, beta_end=1e-3,
    ...                               random_state=0)
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", BetaRangeWarning)
    ...     try:
    ...         _ = clf.fit(X, y)
    ...     except BetaRangeWarning as stop:
    ...         print("raise beta_end" in str(stop))
    True

    The estimator holds the path the warning is about:

    >>> clf.fit_status_, clf.information_path_.n_points
    ('complete', 2)
    """


class InfluentialRowWarning(UserWarning):
    """One held-out row carries most of a continuous channel's bits.

    Raised after a complete sweep when, at some checkpoint whose lower bound
    is not saturated, a continuous channel's ``information`` would fall by
    more than half (and by at least a quarter of a bit) without its most
    influential held-out row. That row's leave-one-out term, far above the
    others', leads the upper bound, and its KL the held-out mean KL that
    caps it: a value far out in the column's tail or beyond the training
    rows, or an encoder so sharp that the held-out rows are too few for it
    (see the user guide, "Bits per channel"). The fit is kept as it is; the
    path's
    ``information_row_influence`` holds the measure at every checkpoint.
    Made an error by a filter, it is raised once the fit is stored, as
    :class:`BetaRangeWarning` is.

    Examples
    --------
    A noise column with one held-out value 200 standard deviations out:

    >>> import warnings
    >>> import numpy as np
    >>> from skdib import DistributedIBClassifier
    >>> from skdib.exceptions import InfluentialRowWarning
    >>> rng = np.random.default_rng(0)
    >>> X, X_val = rng.normal(size=(300, 2)), rng.normal(size=(100, 2))
    >>> y, y_val = (X[:, 0] > 0).astype(int), (X_val[:, 0] > 0).astype(int)
    >>> X_val[7, 1] = 200.0
    >>> clf = DistributedIBClassifier(n_pretrain_steps=100, n_steps=200,
    ...                               n_checkpoints=4, random_state=0)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = clf.fit(X, y, X_val=X_val, y_val=y_val)
    >>> [str(w.message)[:50] for w in caught
    ...  if w.category is InfluentialRowWarning]
    ['One held-out row carries most of the bits of 1 cha']
    """
