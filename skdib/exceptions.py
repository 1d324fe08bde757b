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
    """

    def __init__(self, message, step, beta):
        super().__init__(message)
        self.step, self.beta = step, beta


class SweepInterruptedWarning(UserWarning):
    """A sweep was interrupted; the estimator holds the path so far."""


class IncompatiblePickleError(ValueError):
    """A pickled skdib model in a format this version of skdib cannot read.

    The message names the skdib version that wrote the pickle and whether to
    upgrade skdib or refit the model.
    """


class UnknownCategoryWarning(UserWarning):
    """A categorical column holds a category not seen during ``fit``.

    The row's channel gets the all-zero one-hot block, its "unknown" input,
    as with ``OneHotEncoder(handle_unknown='warn')``.
    """


class BetaRangeWarning(UserWarning):
    """The fitted path shows its β range too narrow for the data.

    Raised after a complete sweep when the channels still carry information
    at ``beta_end``, or when the held-out loss was still falling at
    ``beta_start`` (see the user guide, "Choosing the β range"). The fit is
    kept as it is; refit with the range the message names.
    """
