"""Exact mutual information of every feature subset with a discrete target."""

import warnings
from numbers import Real

import numpy as np
import pandas as pd

from skdib.datasets._codes import (
    as_array,
    code_entropy,
    encode_columns,
    row_entropies,
    value_codes,
)
from skdib.datasets._subset_names import table_order

__all__ = ["information_frontier", "path_subset_score", "subset_information"]

_MAX_FEATURES = 20
_CHUNK_ELEMENTS = 1 << 22  # codes held in memory at once (32 MiB of int64)
_MAX_CODE = 1 << 62
_ATOL = 1e-9


def _subset_codes(masks, codes, radix):
    """Mixed-radix code of each row restricted to each subset: shape (m, n)."""
    bits = (masks[:, None] >> np.arange(len(radix))) & 1
    factors = np.where(bits == 1, radix, 1)
    place = np.ones_like(factors)
    place[:, 1:] = np.cumprod(factors, axis=1)[:, :-1]
    return (bits * place) @ codes.T


def _subset_tuples(n_features):
    return [tuple(j for j in range(n_features) if mask >> j & 1)
            for mask in range(2**n_features)]


def _check_table(X, y):
    feature_names = None
    if hasattr(X, "columns"):
        feature_names = [str(c) for c in X.columns]
    X, y = as_array(X), as_array(y)
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features), got shape "
                         f"{X.shape}.")
    if y.ndim != 1:
        raise ValueError(f"y must be 1-D (n_samples,), got shape {y.shape}.")
    if len(X) != len(y) or len(y) == 0:
        raise ValueError(f"X and y must have the same, non-zero number of rows; "
                         f"got {len(X)} and {len(y)}.")
    if not 1 <= X.shape[1] <= _MAX_FEATURES:
        raise ValueError(
            f"subset_information enumerates all 2**n_features subsets and takes "
            f"1 to {_MAX_FEATURES} features; X has {X.shape[1]}."
        )
    return X, y, feature_names or [f"x{j}" for j in range(X.shape[1])]


def subset_information(X, y):
    """Exact mutual information I(X_S; Y) in bits for every subset S of columns.

    The distribution is the empirical one of the rows of ``(X, y)``: for a
    truth table (each input combination once) that is the uniform distribution
    over inputs, as in the Boolean circuits of the Distributed IB papers. Each
    value of a column is its own symbol, so ``X`` should be discrete with few
    values per column (a continuous column would make every row distinct).
    Columns may hold text or values of mixed types; a missing entry (None,
    NaN, ``pd.NA``) is one more symbol of its column, the same for all the
    missing entries of that column, in ``X`` as in ``y``.

    The information is ``H(Y) + H(X_S) - H(X_S, Y)``. For each subset, every
    row is encoded as one integer (a mixed-radix code of its values on S), and
    the entropies come from the run lengths of the sorted codes; subsets are
    processed in vectorised chunks. The cost is about ``2**n_features *
    n_samples * log(n_samples)``.

    Parameters
    ----------
    X : array-like or DataFrame of shape (n_samples, n_features)
        Discrete features, 1 to 20 columns. DataFrame column names are kept.
        The missing entries of a column count as one value.
    y : array-like of shape (n_samples,)
        Discrete target; its missing entries count as one class.

    Returns
    -------
    table : DataFrame of shape (2**n_features, 5)
        One row per subset, in increasing ``mask`` order (row ``m`` is the
        subset whose bitmask is ``m``), with columns

        - ``mask``: int, bit ``j`` set when column ``j`` is in the subset;
        - ``subset``: tuple of column indices;
        - ``features``: tuple of column names;
        - ``size``: number of columns in the subset;
        - ``information``: I(X_S; Y) in bits (0 for the empty subset).

        ``table.attrs`` holds ``"target_entropy"`` (H(Y) in bits),
        ``"n_features"`` and ``"feature_names"``.

    See Also
    --------
    information_frontier : The most informative subsets of each size.
    path_subset_score : How many subsets on a DIB path are most informative.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.datasets import subset_information
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> table = subset_information(X, X[:, 0] ^ X[:, 1])  # XOR
    >>> table[["subset", "information"]]
       subset  information
    0      ()          0.0
    1    (0,)          0.0
    2    (1,)          0.0
    3  (0, 1)          1.0
    """
    X, y, feature_names = _check_table(X, y)
    n_samples, n_features = X.shape
    codes, radix = encode_columns(X, feature_names)
    y_codes, n_classes = value_codes(y)
    if float(np.prod(radix.astype(float))) * n_classes >= _MAX_CODE:
        raise ValueError(
            "The columns take too many distinct values to encode their "
            "combinations in 64-bit integers; subset_information is meant for "
            "discrete features with few values each."
        )
    h_y = code_entropy(y_codes)
    n_subsets = 2**n_features
    information = np.empty(n_subsets)
    chunk = max(1, _CHUNK_ELEMENTS // n_samples)
    for start in range(0, n_subsets, chunk):
        masks = np.arange(start, min(start + chunk, n_subsets))
        joint = _subset_codes(masks, codes, radix) * n_classes + y_codes
        joint.sort(axis=1)
        h_joint = row_entropies(joint)
        h_x = row_entropies(joint // n_classes)
        information[masks] = h_y + h_x - h_joint
    information = np.clip(information, 0.0, None)
    information[0] = 0.0
    subsets = _subset_tuples(n_features)
    table = pd.DataFrame({
        "mask": np.arange(n_subsets),
        "subset": subsets,
        "features": [tuple(feature_names[j] for j in s) for s in subsets],
        "size": [len(s) for s in subsets],
        "information": information,
    })
    table.attrs.update(target_entropy=h_y, n_features=n_features,
                       feature_names=list(feature_names))
    return table


def _check_subset_info(subset_info):
    required = {"mask", "subset", "size", "information"}
    if not isinstance(subset_info, pd.DataFrame) or not required.issubset(
        subset_info.columns
    ):
        raise TypeError(
            "subset_info must be the DataFrame returned by subset_information "
            f"(with columns {sorted(required)})."
        )
    if subset_info.empty:
        raise ValueError("subset_info is empty.")


def information_frontier(subset_info):
    """The maximum information of each subset size, and the subsets reaching it.

    Parameters
    ----------
    subset_info : DataFrame
        The table returned by :func:`subset_information`.

    Returns
    -------
    frontier : DataFrame indexed by ``size`` (0 to n_features)
        Columns ``information`` (the maximum I(X_S; Y) in bits over subsets of
        that size), ``subsets`` (tuple of every subset within 1e-9 bits of the
        maximum), ``masks`` (their bitmasks) and ``n_subsets`` (how many).
        Adding a feature never loses information, so ``information`` is
        non-decreasing in size.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.datasets import information_frontier, subset_information
    >>> X = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]])
    >>> frontier = information_frontier(subset_information(X, X[:, 0]))
    >>> frontier["information"].tolist()
    [0.0, 1.0, 1.0, 1.0]
    >>> frontier.loc[1, "subsets"]
    ((0,),)
    """
    _check_subset_info(subset_info)
    rows = []
    for size, group in subset_info.groupby("size", sort=True):
        best = float(group["information"].max())
        top = group[group["information"] >= best - _ATOL]
        rows.append({
            "size": int(size),
            "information": best,
            "subsets": tuple(tuple(s) for s in top["subset"]),
            "masks": tuple(int(m) for m in top["mask"]),
            "n_subsets": len(top),
        })
    return pd.DataFrame(rows).set_index("size")


def _path_information(path):
    information = getattr(path, "information", path)
    try:
        information = np.asarray(information, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            "path must have an `information` attribute or be a 2-D array of "
            "bits per feature."
        ) from None
    if information.ndim != 2:
        raise ValueError(
            "path information must be 2-D (n_points, n_features), got shape "
            f"{information.shape}."
        )
    return information


def path_subset_score(path, subset_info, *, threshold=0.05,
                      skip_unsettled=True, return_details=False):
    """Share of a path's proper feature subsets that are most informative.

    At each checkpoint of the path the active subset holds the channels that
    transmit more than ``threshold`` bits. The score is the share of the
    distinct *proper* active subsets (neither empty nor all features) that
    are maximum-information subsets of their size (within 1e-9 bits), the
    quality measure of Fig. 2c of the Distributed IB paper. The full set is
    on the frontier by definition and the empty set carries nothing, so
    neither counts.

    A path can rightly visit no proper subset: on parity-like circuits every
    proper subset lies below the chord from no information to all of it, and
    a Lagrangian sweep jumps from all inputs to none. The score is then NaN
    and the details say ``outcome == "no proper subset"``, which is not a
    miss.

    A checkpoint at which the network had not settled (``path.settled`` is
    False: it was recorded in the middle of such a jump, channels fading at
    different speeds) is no optimum at its β, and is skipped unless
    ``skip_unsettled=False``.

    Parameters
    ----------
    path : InformationPath or array-like of shape (n_points, n_features)
        Anything with an ``information`` attribute (bits per channel and
        checkpoint), or that array itself. When the path has
        ``feature_names`` and ``subset_info`` has ``attrs["feature_names"]``,
        its channels are matched to the features by name (in any order; other
        names are refused). Otherwise, and where a side's names are the
        ``x0, x1, ...`` of an array without column names, the columns are
        the features of ``subset_info`` in order.
    subset_info : DataFrame
        The table returned by :func:`subset_information`.
    threshold : float, default=0.05
        Bits above which a channel counts as used.
    skip_unsettled : bool, default=True
        Leave out the checkpoints that ``path.settled`` marks as recorded
        mid-transition (a plain array of bits has no such marks).
    return_details : bool, default=False
        Also return a DataFrame of the distinct subsets.

    Returns
    -------
    score : float
        Share in [0, 1]; NaN when the path visits no proper subset (with a
        warning when no checkpoint uses any channel at all, or when every
        checkpoint that does is unsettled and skipped).
    details : DataFrame
        Only when ``return_details``: one row per distinct non-empty subset,
        in order of first appearance, with ``mask``, ``subset``, ``size``,
        ``information``, ``max_information`` (the best of that size),
        ``on_frontier``, ``proper`` (counted in the score), ``first_point``
        (its first checkpoint) and ``n_points`` (checkpoints using it).
        ``details.attrs["outcome"]`` is ``"scored"``, ``"no proper subset"``,
        ``"no settled subset"`` (channels in use only at skipped, unsettled
        checkpoints) or ``"no subset"``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.datasets import path_subset_score, subset_information
    >>> X = np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1], [1, 1, 0]])
    >>> table = subset_information(X, X[:, 0])
    >>> bits = np.array([[1.0, 0.9, 0.0], [1.0, 0.0, 0.0], [0.0, 0.8, 0.0]])
    >>> path_subset_score(bits, table)  # (0, 1) and (0,) are best, (1,) is not
    0.6666666666666666
    """
    _check_subset_info(subset_info)
    if (isinstance(threshold, bool) or not isinstance(threshold, Real)
            or not threshold >= 0):
        raise ValueError(f"threshold must be a number >= 0, got {threshold!r}.")
    information = _path_information(path)
    n_features = subset_info.attrs.get(
        "n_features", int(subset_info["mask"].max()).bit_length()
    )
    if information.shape[1] != n_features:
        raise ValueError(
            f"The path has {information.shape[1]} channels but subset_info "
            f"describes {n_features} features."
        )
    order = table_order(path, subset_info, n_features)
    if order is not None:
        information = information[:, order]
    active = information > threshold
    any_channel = bool(active.any())
    settled = getattr(path, "settled", None)
    if skip_unsettled and settled is not None:
        active &= np.asarray(settled, dtype=bool)[:, None]
    masks = active.astype(np.int64) @ (np.int64(1) << np.arange(n_features))
    distinct, first, counts = np.unique(masks, return_index=True,
                                        return_counts=True)
    keep = distinct != 0
    order = np.argsort(first[keep], kind="stable")
    distinct, first, counts = (a[keep][order] for a in (distinct, first, counts))
    table = subset_info.set_index("mask")
    missing = np.setdiff1d(distinct, table.index.to_numpy())
    if missing.size:
        raise ValueError(
            f"subset_info has no row for the path's subsets with masks "
            f"{missing.tolist()}."
        )
    rows = table.loc[distinct]
    best = information_frontier(subset_info)["information"]
    max_information = best.loc[rows["size"]].to_numpy()
    on_frontier = rows["information"].to_numpy() >= max_information - _ATOL
    proper = rows["size"].to_numpy() < n_features
    if proper.any():
        score, outcome = float(on_frontier[proper].mean()), "scored"
    elif distinct.size:
        score, outcome = float("nan"), "no proper subset"
    elif any_channel:
        warnings.warn(
            f"Every checkpoint with a channel above {threshold} bits is "
            "unsettled (path.settled) and left out; the score is NaN. Pass "
            "skip_unsettled=False to count them.", UserWarning, stacklevel=2,
        )
        score, outcome = float("nan"), "no settled subset"
    else:
        warnings.warn(
            f"No checkpoint of the path has a channel above {threshold} bits; "
            "the score is NaN.", UserWarning, stacklevel=2,
        )
        score, outcome = float("nan"), "no subset"
    if not return_details:
        return score
    details = pd.DataFrame({
        "mask": distinct,
        "subset": list(rows["subset"]),
        "size": rows["size"].to_numpy(),
        "information": rows["information"].to_numpy(),
        "max_information": max_information,
        "on_frontier": on_frontier,
        "proper": proper,
        "first_point": first,
        "n_points": counts,
    })
    details.attrs["outcome"] = outcome
    return score, details
