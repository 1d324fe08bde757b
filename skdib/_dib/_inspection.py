"""Looking inside a fitted channel: distinguishability matrices."""

from numbers import Integral

import numpy as np
from sklearn.utils.validation import check_is_fitted

from skdib._dib._columns import refuse_ambiguous_integer
from skdib.information import distinguishability

__all__ = ["InspectionMixin", "channel_blocks", "default_channel_values",
           "dummy_rows"]

# Channels with at most this many distinct training values are evaluated at
# every value; otherwise at this many quantiles (or sampled rows for groups).
MAX_DEFAULT_VALUES = 25


def default_channel_values(columns, rng, blocks=None):
    """Values at which a channel's distinguishability is shown by default.

    Sorted unique values when there are few, else quantiles of the training
    data (one column) or a sample of distinct training rows (a multi-column
    group). A group's rows are sorted by the value of each of its variables
    in turn (``blocks``): the category of a one-hot block, in the order of
    its columns, else the number.

    Parameters
    ----------
    columns : ndarray of shape (n_samples, n_columns)
        The channel's training columns, as the network sees them.
    rng : numpy RandomState
        Draws the sample of rows of a group with more than 25.
    blocks : list of slice, optional
        The columns of each variable of a group, in order (see
        :func:`channel_blocks`); default one variable per column.

    Returns
    -------
    values : ndarray of shape (n_values,) or (n_values, n_columns)
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
    if blocks is None:
        return unique  # lexicographic, one variable per column
    keys = [_variable_key(unique[:, block]) for block in blocks]
    return unique[np.lexsort(keys[::-1])]


def _variable_key(cells):
    """Sort key of rows of one variable's columns: the number of a single
    column; for a one-hot block the position of its 1 counted from 1 (0 for
    an all-zero row: the category ``drop_first`` drops comes first)."""
    if cells.shape[1] == 1:
        return cells[:, 0]
    return cells @ np.arange(1, cells.shape[1] + 1)


def channel_blocks(layout, columns, one_hot):
    """The columns of each variable of a channel, within its network columns.

    Parameters
    ----------
    layout : CategoricalLayout or None
        Where the categorical columns of the input lie (None: there are none).
    columns : sequence of int
        The channel's input columns.
    one_hot : bool
        Whether the channel is a group of dummy columns made by the user
        (:func:`dummy_rows`): then it is one variable.

    Returns
    -------
    blocks : list of slice
        One per variable: a categorical column's one-hot block, a numeric
        column, or the whole group of dummy columns.
    """
    columns = list(columns)
    if one_hot:
        return [slice(0, len(columns))]
    if layout is None:
        return [slice(k, k + 1) for k in range(len(columns))]
    return [_offsets(layout, columns, j) for j in columns]


def dummy_rows(rows):
    """Whether ``rows`` (2-D, two or more columns) are dummy columns of one
    categorical variable: 0 or 1 in each column, at most one 1 per row (an
    all-zero row is the category ``pd.get_dummies(drop_first=True)`` drops).
    """
    rows = np.asarray(rows)
    return bool(rows.ndim == 2 and rows.shape[1] > 1 and len(rows)
                and np.isin(rows, (0, 1)).all() and (rows.sum(axis=1) <= 1).all())


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
        position = int(channel) % len(names)
        # channels named by integer labels ("1", "2", "3"): 2 is refused
        refuse_ambiguous_integer(channel, position, list(names),
                                 subject="channel", kind="channel")
        return position

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
            An index that is also the name of another channel (channels
            named "1", "2", "3" after integer column labels) is refused as
            ambiguous: pass the name as a string.
        values : array-like, optional
            Values to compare: shape (n_values,) for a one-column channel, or
            (n_values, n_columns) rows for a group; categories for a
            categorical column (default: all its categories); for a group
            that holds categorical columns, rows with a category in those
            columns and a number in the others (an object array). Otherwise the
            default is the sorted unique training values when there are at
            most 25, else 25 quantiles of the training data (for groups, up to
            25 distinct training rows, sorted by their first column's value,
            then the next column's, ...; a categorical column, or a group of
            dummy columns, by its categories in the order of its columns).
        point : int, optional
            Path checkpoint to use; default the current ``path_point_``. The
            model is not rewound: the matrix comes from a private copy of
            the network at that point, so calls in other threads (a
            ``predict``) keep the current point meanwhile.

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
        values, block = self._channel_rows(c, values)
        X = np.tile(self._feature_center, (len(block), 1))
        X[:, cols] = block
        means, log_vars = self._encode_array(X, self._network_at(point))
        return values, distinguishability(means[c], log_vars[c])

    def _channel_rows(self, c, values):
        """``(values, block)``: the values to compare, as given or by
        default, and the network's input columns of channel ``c`` for each."""
        categories = self._categories_of(c)
        if categories is not None:
            return _category_block(values, categories)
        if self._mixed_group(c):
            return self._mixed_block(c, values)
        cols = getattr(self, "_net_channels", self.channels_)[c]
        return self._value_block(c, cols, values)

    def _mixed_group(self, c):
        """Whether channel ``c`` groups a categorical column with others."""
        layout = getattr(self, "_layout", None)
        return layout is not None and len(self.channels_[c]) > 1 and any(
            j in layout.categories for j in self.channels_[c])

    def _mixed_block(self, c, values):
        """Rows of a group with categorical columns: one entry per input
        column (a category, or a number), one-hot where categorical."""
        layout, columns = self._layout, list(self.channels_[c])
        if values is None:  # the default rows, read back into categories
            values = [[_column_value(layout, j, row[_offsets(layout, columns, j)])
                       for j in columns] for row in self._channel_values[c]]
        values = np.asarray(values, dtype=object)
        if values.ndim != 2 or values.shape[1] != len(columns) or not len(values):
            raise ValueError(
                f"values for channel {c} must be rows of its {len(columns)} "
                f"columns (categories or numbers); got shape {values.shape}.")
        parts = []
        for k, j in enumerate(columns):
            if j in layout.categories:
                parts.append(_category_block(values[:, k], layout.categories[j])[1])
                continue
            numbers = _finite_numbers(values[:, k])
            parts.append(numbers[:, None])
        return values, np.hstack(parts)

    def _one_hot_group(self, c):
        """Whether channel ``c`` groups numeric columns whose training rows
        are dummy rows (:func:`dummy_rows`: columns made by the user with
        ``pd.get_dummies``, the first category dropped or not), as found at
        fit."""
        flags = getattr(self, "_one_hot_channels", None)
        if flags is None:  # pickled before the flags: the default rows
            return (self._categories_of(c) is None and not self._mixed_group(c)
                    and dummy_rows(self._channel_values[c]))
        return flags[c]

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
    codes = [_category_code(v, categories) for v in values]
    unknown = [v for v, code in zip(values, codes, strict=True) if code is None]
    if unknown:
        raise ValueError(f"Unknown categories {unknown[:5]}; this channel's "
                         f"categories are {list(categories)}.")
    block = np.zeros((len(values), len(categories)))
    block[np.arange(len(values)), codes] = 1.0
    return values, block


def _category_code(value, categories):
    """Position of ``value`` among ``categories``: an equal category first
    (so 1 and "1" stay apart), else one that prints the same (a category
    typed as text); None when there is none."""
    for match in (lambda cat: isinstance(cat, str) == isinstance(value, str)
                  and cat == value,
                  lambda cat: str(cat) == str(value)):
        hits = [k for k, cat in enumerate(categories) if match(cat)]
        if len(hits) == 1:
            return hits[0]
    return None


def _offsets(layout, columns, j):
    """Positions of input column ``j``'s network columns within a channel."""
    start = sum(len(layout.blocks[i]) for i in columns[:columns.index(j)])
    return slice(start, start + len(layout.blocks[j]))


def _column_value(layout, j, cells):
    """Input column ``j``'s value from its network columns (one-hot: the
    category)."""
    if j in layout.categories:
        return layout.categories[j][int(np.argmax(cells))]
    return float(cells[0])


def _finite_numbers(column):
    try:
        numbers = np.asarray(column, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("values of a numeric column must be numbers; got "
                         f"{list(column[:5])}.") from None
    if not np.all(np.isfinite(numbers)):
        raise ValueError("values must be finite numbers.")
    return numbers
