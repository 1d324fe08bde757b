"""Set inputs prepared in float64 before the set network's float32 arithmetic.

The same reason as for tables (:mod:`skdib._backend.dib._standardise`): a
feature at 1e6 with a spread of 0.01 keeps no distinct float32 values, and a
type code such as 0.1 is not the same number in float32 and float64, so an
element matched its type in training (float32 on both sides) and none at
prediction (float64 inputs against float32 codes). The network therefore
reads standardised features and each element's type as its position among
the fitted types, both computed here in float64. Set networks pickled
before standardise inside.
"""

import numpy as np

from skdib._backend.dib._standardise import InputStandardisation, float64_copy


class SetInputStandardisation:
    """Standardise element features and number the element types.

    Parameters
    ----------
    columns : sequence of int
        The feature columns (every column but the type column).
    center, scale : sequence of float, one per feature column
    type_column : int or None
    type_values : sequence of float
        The fitted type codes; an element of type ``type_values[k]`` gets
        type ``k``, any other code -1 (an element of no type).

    Examples
    --------
    >>> import numpy as np
    >>> from skdib._backend.sets._standardise import SetInputStandardisation
    >>> s = SetInputStandardisation([0], [1e6], [0.5], 1, [0.1, 0.2])
    >>> s(np.array([[[1e6 + 0.5, 0.2], [np.nan, np.nan]]])).tolist()
    [[[1.0, 1.0], [nan, nan]]]
    """

    def __init__(self, columns, center, scale, type_column, type_values):
        self.columns = list(columns)
        self.features = InputStandardisation(center, scale)
        self.type_column = type_column
        self.type_values = np.asarray(type_values, dtype=np.float64)

    def __call__(self, X):
        """A float64 copy of element rows (..., n_features), prepared."""
        X = float64_copy(X)
        X[..., self.columns] = self.features(X[..., self.columns])
        if self.type_column is not None:
            codes = X[..., self.type_column]
            numbered = np.where(np.isnan(codes), np.nan, -1.0)
            for k, value in enumerate(self.type_values):
                numbered[codes == value] = k
            X[..., self.type_column] = numbered
        return X
