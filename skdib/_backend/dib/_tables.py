"""Lookup-table encoders: one trainable message per value of a discrete channel.

A channel whose inputs take few distinct values (a Boolean input, a one-hot
group, a small integer code) needs no network: its encoder is a table with
one row (a posterior mean and log-variance) per distinct training value.
All table channels are looked up at once, with one gather.

A row's entry is found from its raw values: each column's value is rounded
to the nearest training value of that column (by the midpoints between
neighbouring values), the columns' ranks form a mixed-radix code, and the
code names the table row. A code that no training row had (a combination of
column values never seen together) takes the row of the nearest training
combination: least summed rank distance, the first in sorted order on ties.

The one-hot columns of a categorical input form a block. A code one of whose
blocks matches no training row's (an unknown category, encoded as all zeros)
gets the prior N(0, I) as its message, mean 0 and log-variance 0, which
carries no information about the category (zero KL, not trained); its row in
``code_to_row`` is :data:`PRIOR_ROW`. Any other unseen code takes the training
row that shares the most of its categories, then the nearest in the numbers'
ranks.
"""

import itertools

import numpy as np
import torch
from torch import nn

# Codes one channel may have (the product of its columns' numbers of values);
# a channel with more gets a network encoder.
MAX_TABLE_CODES = 1 << 12

# The initial posterior: means ~ N(0, 1) per dimension, log-variance offset
# to -3 (the authors' Boolean and glass notebooks), so the messages of
# different values are told apart from the first step.
TABLE_LOG_VAR_INIT = -3.0

# The "row" of a code that gets the prior message (see the module docstring).
PRIOR_ROW = -1

__all__ = ["MAX_TABLE_CODES", "PRIOR_ROW", "TABLE_LOG_VAR_INIT", "ChannelTables",
           "radices", "table_codes", "table_layout"]


def table_layout(rows, exact=None):
    """Column values, radices and the code-to-row map of one channel.

    Parameters
    ----------
    rows : array-like of shape (n_rows, n_columns)
        The channel's training rows (duplicates allowed).
    exact : sequence of int, optional
        Per column: the id (>= 0) of the categorical column whose one-hot
        block it belongs to, or -1 for a number. None: every column is a
        number.

    Returns
    -------
    values : list of ndarray
        Each column's sorted distinct values in the training rows. (A
        one-hot column that the training rows hold at one value cannot tell
        another value apart: the rank of any input is then 0.)
    code_to_row : ndarray of int, shape (n_codes,)
        For every mixed-radix code (first column most significant), the
        index of its table row among the sorted distinct training rows. A
        code with no training row maps to :data:`PRIOR_ROW` when one of its
        one-hot blocks matches no training row's (an unknown category), else
        to the training row that shares the most of its categories and,
        among those, is nearest in the numbers' ranks (the first in sorted
        order on ties).
    n_rows : int
        Distinct training rows (the table's length).

    Examples
    --------
    >>> import numpy as np
    >>> from skdib._backend.dib._tables import table_layout
    >>> values, code_to_row, n = table_layout(np.array([[0, 1], [1, 0], [0, 0]]))
    >>> [v.tolist() for v in values], code_to_row.tolist(), n
    ([[0.0, 1.0], [0.0, 1.0]], [0, 1, 2, 1], 3)

    A one-hot block: the all-zero code (an unknown category) and the
    impossible all-ones code get the prior.

    >>> table_layout(np.array([[0, 1], [1, 0]]), exact=[0, 0])[1].tolist()
    [-1, 0, 1, -1]
    """
    rows = np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)
    block = _blocks(exact, rows.shape[1])
    # the rows arrive standardised: a one-hot column's values are those of
    # its training rows (a column held at one value there has one)
    values = [np.unique(rows[:, j]) for j in range(rows.shape[1])]
    ranks = np.stack([np.searchsorted(v, rows[:, j]) for j, v in enumerate(values)],
                     axis=1)
    seen = np.unique(ranks, axis=0)  # sorted distinct training rows, as ranks
    grid = np.array(list(itertools.product(*[range(len(v)) for v in values])))
    seen_codes = seen @ radices(values)
    apart = np.abs(grid[:, None, :] - seen[None, :, :])
    number = block < 0
    distance = apart[:, :, number].sum(axis=2)
    unknown = np.zeros(len(grid), dtype=bool)
    # a category mismatch outweighs any distance in the numbers' ranks
    penalty = 1 + sum(len(values[j]) - 1 for j in np.flatnonzero(number))
    for b in np.unique(block[~number]):
        differs = apart[:, :, block == b].any(axis=2)  # (grid, seen)
        unknown |= differs.all(axis=1)  # no training row has this category
        distance = distance + penalty * differs
    code_to_row = distance.argmin(axis=1).astype(np.int64)
    code_to_row[unknown] = PRIOR_ROW
    # every seen code must map to itself (argmin ties never move it)
    code_to_row[seen_codes] = np.arange(len(seen))
    return values, code_to_row, len(seen)


def _blocks(exact, n_columns):
    """Per column: its one-hot block id (>= 0) or -1 (a number)."""
    if exact is None:
        return np.full(n_columns, -1)
    return np.asarray(exact, dtype=np.int64)


def table_codes(rows):
    """The number of mixed-radix codes of a channel's training rows."""
    rows = np.asarray(rows).reshape(len(rows), -1)
    return int(np.prod([len(np.unique(rows[:, j])) for j in range(rows.shape[1])],
                       dtype=float))


def radices(values):
    """Place values of the mixed-radix code: the first column most significant.

    ``values`` holds each column's distinct values; a code is the ranks'
    dot product with the result (the order of ``itertools.product``).

    Examples
    --------
    >>> from skdib._backend.dib._tables import radices
    >>> radices([[0, 1, 2], [0, 1]]).tolist()
    [2, 1]
    """
    sizes = [len(v) for v in values]
    return np.array([int(np.prod(sizes[j + 1:])) for j in range(len(sizes))],
                    dtype=np.int64)


class ChannelTables(nn.Module):
    """The lookup-table encoders of several discrete channels.

    Parameters
    ----------
    columns : list of list of int
        Input columns of each table channel.
    rows : list of ndarray
        Each table channel's training rows, shape (n_samples, len(columns)).
    out_features : int
        Entries per row: posterior means and log-variances (2 x embedding).
    exact : list, optional
        Per table channel: None, or per column its one-hot block id or -1
        (see :func:`table_layout`).

    The forward pass maps raw inputs (batch, n_features) to
    (n_channels, batch, out_features); an input whose code maps to
    :data:`PRIOR_ROW` gets zeros (mean 0, log-variance 0: the prior).
    """

    def __init__(self, columns, rows, out_features, exact=None):
        super().__init__()
        exact = [None] * len(rows) if exact is None else exact
        layouts = [table_layout(r, e) for r, e in zip(rows, exact, strict=True)]
        n_ch = len(columns)
        width = max(len(c) for c in columns)
        n_values = max(len(v) for lay in layouts for v in lay[0])
        n_codes_max = max(len(lay[1]) for lay in layouts)
        index = torch.zeros(n_ch, width, dtype=torch.long)
        mid = torch.full((n_ch, width, max(n_values - 1, 1)), float("inf"),
                         dtype=torch.float32)
        radix = torch.zeros(n_ch, width, dtype=torch.long)
        code_to_row = torch.zeros(n_ch, n_codes_max, dtype=torch.long)
        for c, (cols, (values, to_row, _)) in enumerate(zip(columns, layouts,
                                                            strict=True)):
            index[c, : len(cols)] = torch.as_tensor(cols)
            radix[c, : len(cols)] = torch.as_tensor(radices(values))
            for j, v in enumerate(values):
                v = torch.as_tensor(v)
                mid[c, j, : len(v) - 1] = (v[1:] + v[:-1]) / 2
            code_to_row[c, : len(to_row)] = torch.as_tensor(to_row)
        self.register_buffer("column_index", index)
        self.register_buffer("midpoints", mid)
        self.register_buffer("radix", radix)
        self.register_buffer("code_to_row", code_to_row)
        n_rows = max(lay[2] for lay in layouts)
        self.table = nn.Parameter(torch.empty(n_ch, n_rows, out_features,
                                              dtype=torch.float32))
        self.reset_parameters()

    @torch.no_grad()
    def reset_parameters(self, generator=None):
        """Means ~ N(0, 1), log-variances ``TABLE_LOG_VAR_INIT``."""
        dim = self.table.shape[-1] // 2
        self.table[..., :dim].normal_(generator=generator)
        self.table[..., dim:].fill_(TABLE_LOG_VAR_INIT)

    @torch.no_grad()
    def rows(self, x):
        """The table row of every input row and channel, (n_channels, batch)."""
        g = x[:, self.column_index]  # (batch, C, width)
        ranks = (g.unsqueeze(-1) > self.midpoints).sum(dim=-1)
        code = (ranks * self.radix).sum(dim=-1)  # (batch, C)
        return self.code_to_row[self._channels(x), code.T]

    def forward(self, x):
        rows = self.rows(x)
        out = self.table[self._channels(x), rows.clamp(min=0)]
        # PRIOR_ROW: the prior's mean 0 and log-variance 0, untrained
        return torch.where((rows < 0).unsqueeze(-1), 0.0, out)

    def _channels(self, x):
        return torch.arange(self.table.shape[0], device=x.device).unsqueeze(1)
