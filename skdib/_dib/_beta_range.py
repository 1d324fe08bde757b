"""Is the β range wide enough for the data? One rule, checked after each sweep.

A path should start where compression does not yet cost prediction and end
where the channels carry nothing. Both ends are read off the fitted path:

* **End.** The total information at the last checkpoint must be at most
  ``END_BITS`` bits, or ``END_SHARE`` of the largest total on the path
  (many channels each at their estimator's noise floor add up). Otherwise
  the order in which the last channels drop out is not on the path.
* **Start.** The held-out loss of the prediction must not be lowest at the
  first checkpoint *and* worse at each of the next ``START_POINTS`` beyond
  the paired standard error (and beyond ``MIN_LOSS_GAP``, so that two
  near-perfect points are never told apart by rounding): the prediction was
  then still improving as β fell, and a smaller ``beta_start`` may predict
  better than any point on the path. One noisy checkpoint does not count.

The checks need no extra fit. They warn (:class:`skdib.exceptions.
BetaRangeWarning`) and never change the fitted path.
"""

import warnings

import numpy as np

from skdib._utils._warnings import user_stacklevel
from skdib.exceptions import BetaRangeWarning

END_BITS = 0.1
END_SHARE = 0.01
START_POINTS = 2
MIN_LOSS_GAP = 0.01  # bits of log loss, or 1 - R^2


def beta_range_problems(path):
    """Sentences naming each end of the β range that ``path`` shows too narrow.

    Parameters
    ----------
    path : InformationPath

    Returns
    -------
    problems : list of str
        Empty when both ends pass.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib import InformationPath
    >>> path = InformationPath(
    ...     beta=np.array([1e-3, 1e-2, 1e-1]), kl=np.ones((3, 1)),
    ...     information=np.array([[2.0], [1.0], [0.5]]),
    ...     loss_train=np.zeros(3), loss_val=np.zeros(3),
    ...     score_val=np.zeros(3), feature_names=("x0",))
    >>> print(beta_range_problems(path)[0][:50])
    At beta_end=0.1 the channels still carry 0.50 bits
    """
    if path.n_points < 2:
        return []
    problems = []
    total = path.total_information
    if total[-1] > max(END_BITS, END_SHARE * float(np.max(total))):
        problems.append(
            f"At beta_end={path.beta[-1]:.3g} the channels still carry "
            f"{total[-1]:.2f} bits (at most {np.max(total):.2f} on the path), "
            "so the path stops before they carry nothing and the order in "
            "which the last channels drop out is missing: raise beta_end.")
    if _start_still_improving(path):
        problems.append(
            f"The held-out loss is lowest at the first checkpoint "
            f"(beta_start={path.beta[0]:.3g}) and worse at the next ones "
            "beyond its standard error: prediction was still improving as "
            "beta fell, so a smaller beta_start (or more pretraining steps) "
            "may predict better than any point on this path.")
    return problems


def _start_still_improving(path):
    """Lowest held-out loss at the first checkpoint, and a rise that lasts."""
    loss, se = path.prediction_loss_val, path.prediction_loss_diff_se
    if loss is None or se is None:
        return False
    nxt = slice(1, 1 + START_POINTS)
    if not np.all(np.isfinite(loss[:1 + START_POINTS])):
        return False
    rise = loss[nxt] - loss[0]
    return (int(np.argmin(loss)) == 0
            and bool(np.all(rise > np.maximum(se[nxt], MIN_LOSS_GAP))))


def warn_beta_range(path):
    """Warn once, with every problem of :func:`beta_range_problems`."""
    problems = beta_range_problems(path)
    if problems:
        warnings.warn(BetaRangeWarning(" ".join(problems)),
                      stacklevel=user_stacklevel())
    return problems
