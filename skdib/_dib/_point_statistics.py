"""Per-checkpoint statistics of the held-out rows behind the default point."""

import numpy as np

__all__ = ["best_score_point", "mean_over_rows", "paired_se", "within_one_se"]


def best_score_point(score_val, loss_val):
    """Index of the highest validation score (ties: lowest loss, larger β)."""
    score = np.asarray(score_val, dtype=float)
    loss = np.asarray(loss_val, dtype=float)
    return int(np.lexsort((-np.arange(len(score)), loss, -score))[0])


def within_one_se(score, best, se):
    """The last (most compressed) point scoring within ``se`` of ``best``'s.

    An unknown (NaN) standard error, as from a single fold, allows no
    tolerance: such a point counts only if it scores at least as well as
    ``best``, so with no standard error at all the rule picks ``best`` or a
    more compressed point that ties with it.
    """
    score = np.asarray(score, dtype=float)
    tolerance = np.nan_to_num(np.asarray(se, dtype=float), nan=0.0)
    within = np.flatnonzero(score >= score[best] - tolerance)
    return int(within[-1]) if len(within) else best


def paired_se(rows, best, weights=None):
    """Standard error of ``rows[p].mean() - rows[best].mean()`` for every p.

    ``rows`` (n_points, n_val) holds every held-out row's score term at every
    checkpoint; the difference is taken row by row (a paired comparison on
    the same rows, far less noisy than either mean alone), weighted by the
    rows' ``weights`` when given.
    """
    rows = np.asarray(rows, dtype=float)
    p = (np.full(rows.shape[1], 1.0) if weights is None
         else np.asarray(weights, dtype=float))
    p = p / p.sum()
    diff = rows - rows[best]
    mean = diff @ p
    return np.sqrt(((diff - mean[:, None]) ** 2) @ p**2)


def mean_over_rows(rows, weights=None):
    """Each checkpoint's mean of per-row held-out values, (n_points,): rows
    of shape (n_points, n_rows), weighted by ``weights`` (None: equal)."""
    p = np.ones(rows.shape[1]) if weights is None else np.asarray(weights, float)
    return rows @ (p / p.sum())
