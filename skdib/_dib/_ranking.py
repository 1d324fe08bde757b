"""The one rule that ranks channels on an information path.

The selector, the plots, the report and the command line all call
:func:`rank_channels`, so they can never order the same fit differently.
"""

import numpy as np

__all__ = ["DROP_THRESHOLD", "channel_ranks", "rank_channels"]

# Bits below which a channel counts as dropped (carrying no information).
DROP_THRESHOLD = 0.05


def rank_channels(path, threshold=DROP_THRESHOLD):
    """Channel indices, most important first.

    A channel ranks higher the longer it keeps more than ``threshold`` bits as
    β rises (:meth:`InformationPath.drop_order`). Ties, such as channels that
    never drop or that drop at the same checkpoint, go to the channel with
    more bits at its last checkpoint above the threshold, then to the one with
    more bits summed over the whole path, then to the lower index.

    Parameters
    ----------
    path : InformationPath
    threshold : float, default=0.05
        Bits below which a channel counts as dropped.

    Returns
    -------
    order : ndarray of int of shape (n_channels,)

    Examples
    --------
    >>> import numpy as np
    >>> from skdib import InformationPath
    >>> from skdib._dib._ranking import rank_channels
    >>> bits = np.array([[1.0, 2.0, 1.0], [0.0, 1.0, 0.5], [0.0, 0.0, 0.5]])
    >>> path = InformationPath(
    ...     beta=np.array([0.01, 0.1, 1.0]), kl=bits, information=bits,
    ...     loss_train=np.zeros(3), loss_val=np.zeros(3), score_val=np.zeros(3),
    ...     feature_names=("a", "b", "c"))
    >>> rank_channels(path).tolist()
    [2, 1, 0]
    """
    info = np.nan_to_num(np.asarray(path.information, dtype=float))
    n_channels = info.shape[1]
    drop = path.drop_order(threshold)
    last_alive = info[np.maximum(drop - 1, 0), np.arange(n_channels)]
    last_alive = np.where(drop > 0, last_alive, 0.0)
    area = info.sum(axis=0)
    # np.lexsort sorts by the last key first; negate for "larger is better"
    return np.lexsort((np.arange(n_channels), -area, -last_alive, -drop)).astype(int)


def channel_ranks(path, threshold=DROP_THRESHOLD):
    """Rank of each channel under :func:`rank_channels` (1 = most important)."""
    order = rank_channels(path, threshold)
    ranks = np.empty(len(order), dtype=int)
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks
