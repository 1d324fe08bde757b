"""Inputs standardised in float64, before the network's float32 arithmetic.

A column such as a Unix time or a map coordinate can vary in its seventh
significant digit: rounded to float32 before its centre is taken away, it
keeps one to three distinct values and every bit it carried. So the network
reads ``(x - center) / scale`` computed in float64 from the raw inputs, and
its own centre and scale are 0 and 1. Networks pickled before standardised
inside, in float32, and still do (they have no
:class:`InputStandardisation`).
"""

import numpy as np
import torch


class InputStandardisation:
    """Per-column centre and scale of the raw inputs, applied in float64.

    Parameters
    ----------
    center, scale : sequence of float, length n_features
        What to subtract from each column and divide it by (a constant
        column's scale is 1).

    Examples
    --------
    >>> import numpy as np
    >>> from skdib._backend.dib._standardise import InputStandardisation
    >>> s = InputStandardisation([1.7e9, 0.0], [0.25, 2.0])
    >>> s(np.array([[1.7e9 + 0.5, 4.0]])).astype(np.float32)
    array([[2., 2.]], dtype=float32)
    """

    def __init__(self, center, scale):
        self.center = np.asarray(center, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)

    def __call__(self, X, columns=None):
        """Standardised float64 copy of X (..., n_features); ``columns``: X
        holds only these input columns, in this order."""
        keep = slice(None) if columns is None else list(columns)
        X = float64_copy(X)
        X -= self.center[keep]
        X /= self.scale[keep]
        return X


def float64_copy(X):
    """A float64 numpy copy of ``X`` (array-like or torch tensor)."""
    if isinstance(X, torch.Tensor):
        X = X.detach().cpu().numpy()
    return np.array(X, dtype=np.float64)


def network_input(net, X):
    """X as ``net`` reads it: standardised in float64 where the network was
    built to expect that, unchanged for a network that standardises inside.
    """
    standardise = getattr(net, "input_standardisation", None)
    return X if standardise is None else standardise(X)
