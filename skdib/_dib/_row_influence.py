"""Does one held-out row carry a channel's bits? One rule, checked after each
sweep.

The leave-one-out upper bound has no ceiling per row: a held-out row far from
every other row of a continuous column (a heavy tail, an outlier, a unit slip)
gets a huge term, and its KL, in the held-out mean that caps that bound, is
huge too; the channel's bits follow that one row. The path records, per
cell, how far ``information`` would fall without its most influential
held-out row (``information_row_influence``: every bound term of that row
and its KL left out; never more than ``information``). A cell is carried by
one row when that fall exceeds ``ROW_SHARE`` of the cell's information and
``ROW_BITS`` bits (below which a near-silent channel's noise is no finding),
and its lower bound is not saturated: a saturated cell (a sharp encoder that
tells every held-out row apart) is already flagged as a weak estimate, its
upper bound led by the most isolated rows of any unbounded column, outliers
or not. The check warns (:class:`skdib.exceptions.InfluentialRowWarning`)
and never changes the fitted path.
"""

import warnings

import numpy as np

from skdib._utils._warnings import user_stacklevel
from skdib.exceptions import InfluentialRowWarning

__all__ = ["row_carried_cells", "warn_influential_rows"]

ROW_SHARE = 0.5
ROW_BITS = 0.25


def row_carried_cells(path):
    """Cells of ``path`` whose bits one held-out row carries.

    Parameters
    ----------
    path : InformationPath

    Returns
    -------
    carried : ndarray of bool of shape (n_points, n_features)
        All False where the path has no ``information_row_influence``;
        False at saturated cells.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib import InformationPath
    >>> path = InformationPath(
    ...     beta=[1e-3], kl=[[30.0, 1.0, 12.0]],
    ...     information=[[20.0, 0.8, 9.0]],
    ...     loss_train=[0.0], loss_val=[0.0], score_val=[1.0],
    ...     feature_names=("tail", "x", "sharp"),
    ...     bounds_saturated=[[False, False, True]],
    ...     information_row_influence=[[19.0, 0.05, 8.0]])
    >>> row_carried_cells(path)
    array([[ True, False, False]])
    """
    influence = getattr(path, "information_row_influence", None)
    if influence is None:
        return np.zeros(np.shape(path.information), dtype=bool)
    saturated = (np.zeros(np.shape(influence), dtype=bool)
                 if path.bounds_saturated is None else path.bounds_saturated)
    with np.errstate(invalid="ignore"):
        return ((influence > ROW_SHARE * path.information)
                & (influence >= ROW_BITS) & ~saturated)


def warn_influential_rows(path):
    """Warn once, naming every channel with a cell one row carries (at its
    most influenced checkpoint); return those channels' names."""
    carried = row_carried_cells(path)
    channels = np.flatnonzero(carried.any(axis=0))
    if len(channels) == 0:
        return []
    influence = np.where(carried, path.information_row_influence, -np.inf)
    cases = []
    for c in channels:
        p = int(np.argmax(influence[:, c]))
        cases.append(f"'{path.feature_names[c]}' at "
                     f"{_span(path.beta, np.flatnonzero(carried[:, c]))} (at "
                     f"{path.beta[p]:.3g}: {path.information[p, c]:.3g} bits, "
                     f"lower bound {path.information_lower[p, c]:.3g}; without "
                     f"that row {path.information_row_influence[p, c]:.3g} "
                     "bits fewer)")
    warnings.warn(InfluentialRowWarning(
        f"One held-out row carries most of the bits of {len(cases)} "
        f"channel(s): {'; '.join(cases)}. The leave-one-out upper bound, and "
        "the mean KL that caps it, follow the held-out row farthest from the "
        "others: a value far out in the column's tail or beyond the "
        "training rows, or an encoder so sharp at that beta that the "
        "held-out rows are too few to describe it. There the bits describe "
        "that row, not the data: read the lower bound, pass more held-out "
        "rows, transform a heavy-tailed column (a logarithm, or "
        "scikit-learn's QuantileTransformer), or check the row. "
        "information_path_.information_row_influence holds the measure at "
        "every checkpoint."), stacklevel=user_stacklevel())
    return [path.feature_names[c] for c in channels]


def _span(beta, at):
    """Where a channel's carried checkpoints ``at`` lie: their β, or β range
    (and how many when others lie between them)."""
    first, last = f"{beta[at[0]]:.3g}", f"{beta[at[-1]]:.3g}"
    if len(at) == 1:
        return f"beta {first}"
    if at[-1] - at[0] + 1 == len(at):
        return f"beta {first} to {last}"
    return f"{len(at)} checkpoints from beta {first} to {last}"
