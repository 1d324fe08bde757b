"""Exceptions and warnings raised by skdib."""

__all__ = ["BetaRangeWarning", "DivergenceError", "IncompatiblePickleError",
           "SweepInterruptedWarning", "UnknownCategoryWarning"]


class DivergenceError(RuntimeError):
    """The β sweep diverged: a non-finite or exploding loss, KL or parameter.

    The estimator that raised it keeps the path up to the last finite
    checkpoint (``fit_status_ == "diverged"``) and predicts from it.

    Attributes
    ----------
    step : int
        The optimisation step at which the divergence was found.
    beta : float
        β at that step.

    Examples
    --------
    >>> from skdib.exceptions import DivergenceError
    >>> error = DivergenceError("loss is NaN", step=1200, beta=0.3)
    >>> isinstance(error, RuntimeError), error.step, error.beta
    (True, 1200, 0.3)
    """

    def __init__(self, message, step, beta):
        super().__init__(message)
        self.step, self.beta = step, beta

    def __reduce__(self):
        # rebuilt from its own arguments, so that it pickles: a fit that
        # diverges in a joblib worker process reaches the caller as itself
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
    Silence it where unseen categories are expected:

    >>> import warnings
    >>> from skdib.exceptions import UnknownCategoryWarning
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", UnknownCategoryWarning)
    """


class BetaRangeWarning(UserWarning):
    """The fitted path shows its β range too narrow for the data.

    Raised after a complete sweep when the channels still carry information
    at ``beta_end``, or when the held-out loss was still falling at
    ``beta_start`` (see the user guide, "The β range: ``beta_start``,
    ``beta_end``"). The fit is kept as it is; refit with the range the
    message names.

    Examples
    --------
    Turn it into an error, for a pipeline that must not go on with a path
    that stops short:

    >>> import warnings
    >>> from skdib.exceptions import BetaRangeWarning
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("error", BetaRangeWarning)
    """
