"""Looking inside a fitted channel: distinguishability matrices."""

from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

from skdib.information import distinguishability

__all__ = ["InspectionMixin", "default_channel_values"]

# Channels with at most this many distinct training values are evaluated at
# every value; otherwise at this many quantiles (or sampled rows for groups).
MAX_DEFAULT_VALUES = 25


def default_channel_values(columns, rng):
    """Values at which a channel's distinguishability is shown by default.

    Sorted unique values when there are few, else quantiles of the training
    data (one column) or a sample of training rows sorted lexicographically
    (a multi-column group).
    """
    if columns.shape[1] == 1:
        unique = np.unique(columns[:, 0])
        if len(unique) <= MAX_DEFAULT_VALUES:
            return unique
        q = np.linspace(0.02, 0.98, MAX_DEFAULT_VALUES)
        return np.unique(np.quantile(columns[:, 0], q))
    unique = np.unique(columns, axis=0)
    if len(unique) > MAX_DEFAULT_VALUES:
        pick = rng.choice(len(unique), MAX_DEFAULT_VALUES, replace=False)
        unique = unique[np.sort(pick)]
    return unique


class InspectionMixin:
    """Adds :meth:`distinguishability_matrix` to the DIB estimators."""

    def _channel_index(self, channel):
        names = self.information_path_.feature_names
        if isinstance(channel, str):
            if channel not in names:
                raise ValueError(
                    f"Unknown channel {channel!r}; channels are {list(names)}."
                )
            return names.index(channel)
        if isinstance(channel, bool) or not isinstance(channel, Integral):
            raise TypeError(f"channel must be an int or a name, got {channel!r}.")
        if not -len(names) <= channel < len(names):
            raise ValueError(
                f"channel {channel} is out of range for {len(names)} channels."
            )
        return int(channel) % len(names)

    def distinguishability_matrix(self, i, values=None, *, point=None):
        """How well the compressed channel ``i`` tells its input values apart.

        Each value is encoded by the channel's encoder into a Gaussian
        posterior; entry (a, b) is 1 - exp(-D_B), with D_B the Bhattacharyya
        distance between the posteriors of values a and b. 0 means the decoder
        cannot tell them apart, 1 means their encodings do not overlap.

        Parameters
        ----------
        i : int or str
            Channel index or name (a feature, or a ``feature_groups`` entry).
        values : array-like, optional
            Values to compare: shape (n_values,) for a one-column channel, or
            (n_values, n_columns) rows for a group; categories for a
            categorical column (default: all its categories). Otherwise the
            default is the sorted unique training values when there are at
            most 25, else 25 quantiles of the training data (for groups, up to
            25 distinct training rows).
        point : int, optional
            Path checkpoint to use; default the current ``path_point_``. The
            model is returned to its current point afterwards.

        Returns
        -------
        values : ndarray of shape (n_values,) or (n_values, n_columns)
        matrix : ndarray of shape (n_values, n_values)
            Symmetric, zero diagonal, entries in [0, 1].

        Examples
        --------
        >>> import numpy as np
        >>> from skdib import DistributedIBClassifier
        >>> rng = np.random.default_rng(0)
        >>> X = rng.uniform(size=(400, 2))
        >>> y = (X[:, 0] > 0.5).astype(int)
        >>> clf = DistributedIBClassifier(n_steps=400, n_pretrain_steps=100,
        ...                               beta_end=30, random_state=0).fit(X, y)
        >>> values, D = clf.distinguishability_matrix(0, [0.1, 0.2, 0.8])
        >>> bool(D[0, 2] > D[0, 1])
        True
        """
        check_is_fitted(self)
        c = self._channel_index(i)
        cols = getattr(self, "_net_channels", self.channels_)[c]
        categories = self._categories_of(c)
        if categories is not None:
            values, block = _category_block(values, categories)
        else:
            values, block = self._value_block(c, cols, values)
        X = np.tile(self._feature_center, (len(block), 1))
        X[:, cols] = block
        current = self.path_point_
        if point is not None:
            self.set_path_point(point)
        try:
            means, log_vars = self._encode_array(X)
        finally:
            if point is not None:
                self.set_path_point(current)
        return values, distinguishability(means[c], log_vars[c])

    def _categories_of(self, c):
        """The categories of channel ``c`` when it is one categorical column,
        else None (also for models pickled before categories existed)."""
        categories = getattr(self, "_channel_categories", None)
        return None if categories is None else categories[c]

    def _value_block(self, c, cols, values):
        """Numeric values of a channel and the rows of its columns."""
        if values is None:
            values = self._channel_values[c]
        values = np.asarray(values, dtype=np.float64)
        if values.ndim == 1 and len(cols) == 1:
            values = values.copy()
            block = values[:, None]
        elif values.ndim == 2 and values.shape[1] == len(cols):
            block = values
        else:
            raise ValueError(
                f"values for channel {c} must have shape (n_values,"
                f"{'' if len(cols) == 1 else f' {len(cols)}'}) for its "
                f"{len(cols)} column(s); got {values.shape}."
            )
        if len(block) == 0 or not np.all(np.isfinite(block)):
            raise ValueError("values must be a non-empty array of finite numbers.")
        return values, block


def _category_block(values, categories):
    """Categories of a categorical channel and their one-hot rows."""
    values = categories if values is None else np.asarray(values, dtype=object)
    if values.ndim != 1 or len(values) == 0:
        raise ValueError("values of a categorical channel must be a non-empty "
                         "list of its categories.")
    index = {str(cat): k for k, cat in enumerate(categories)}
    unknown = [v for v in values if str(v) not in index]
    if unknown:
        raise ValueError(f"Unknown categories {unknown[:5]}; this channel's "
                         f"categories are {list(categories)}.")
    block = np.zeros((len(values), len(categories)))
    block[np.arange(len(values)), [index[str(v)] for v in values]] = 1.0
    return values, block
