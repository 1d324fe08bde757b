"""Held-out rows for the path: explicit validation sets and random splits."""

import math
import warnings

import numpy as np
from sklearn.model_selection import GroupShuffleSplit, train_test_split
from sklearn.utils.validation import _num_samples

from skdib._dib._estimates import effective_rows
from skdib._utils._validation import check_groups, plain_value
from skdib._utils._warnings import user_stacklevel

__all__ = ["MIN_VALIDATION_ROWS", "check_target_variation",
           "check_validation_classes", "check_validation_request",
           "split_validation"]

# Below this many validation rows the path's validation score (and the point
# picked from it) is mostly noise: fit warns and suggests cross-validation.
MIN_VALIDATION_ROWS = 50


def check_validation_request(X_val, y_val, groups, validation_fraction, n_rows,
                             weights=None):
    """Refuse inconsistent combinations of ``X_val``/``y_val`` and ``groups``
    (whose labels are counted among the rows of positive ``weights``, those
    the split is drawn from)."""
    if (X_val is None) != (y_val is None):
        raise ValueError("Give both X_val and y_val, or neither.")
    if X_val is not None and _num_samples(X_val) < 2:
        raise ValueError(
            f"X_val has {_num_samples(X_val)} row(s); the path's validation "
            "score and its standard error need at least 2 (and mean little "
            f"below {MIN_VALIDATION_ROWS}).")
    if groups is None:
        return
    if X_val is not None:
        raise ValueError(
            "groups shapes the random validation split; it cannot be "
            "combined with an explicit X_val, y_val.")
    if validation_fraction == 0:
        raise ValueError(
            "groups needs validation_fraction > 0 (it decides which "
            "groups are held out).")
    check_groups(groups, n_rows, min_labels=2, weights=weights)


def check_target_variation(y):
    """Warn when a numeric target (or one of its columns) is constant."""
    y2 = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
    constant = np.flatnonzero(np.ptp(y2, axis=0) == 0) if len(y2) else []
    if len(constant) == 0:
        return
    what = (f"y is constant (every value is {y2[0, 0]:g})" if y2.shape[1] == 1
            else f"y columns {constant.tolist()} are constant")
    warnings.warn(
        f"{what}: no feature can carry information about it, so the "
        "information path stays at 0 bits and R² is undefined. Check that the "
        "right column is the target.", UserWarning, stacklevel=user_stacklevel())


def check_validation_classes(y, y_val):
    """Refuse a ``y_val`` holding labels that never occur in ``y``: the
    classes are those of the training rows, and a classifier cannot predict
    (or score) a class it never trained on. Used by the tabular and the set
    classifiers."""
    unseen = sorted(set(np.unique(y_val).tolist()) - set(np.unique(y).tolist()),
                    key=str)
    if unseen:
        raise ValueError(
            f"y_val has classes {unseen} that never occur in y; the "
            "classifier cannot predict them.")


def check_target_shape(y, y_val):
    """``y_val`` must match ``y`` beyond the number of rows."""
    y_val = np.asarray(y_val)
    if y_val.ndim != np.ndim(y) or y_val.shape[1:] != np.shape(y)[1:]:
        raise ValueError(
            f"y_val has shape {y_val.shape}, which does not match y's "
            f"{np.shape(y)} beyond the number of rows.")
    return y_val


def _stratify_labels(y, n, n_val, stratify):
    """The labels to stratify by, when every class can be on both sides."""
    if not stratify:
        return None
    _, counts = np.unique(y, return_counts=True)
    if counts.min() >= 2 and n_val >= len(counts) and n - n_val >= len(counts):
        return y
    return None


def split_validation(y, fraction, stratify, groups, rng, class_names=None,
                     left_out=0, weights=None, weighted_by=""):
    """(train rows, validation rows): a random split seeded from ``rng``.

    ``fraction == 0`` validates on the training rows; ``groups`` keeps each
    group on one side. ``stratify`` (y holds classes): the split is
    stratified when possible, and every class keeps a training row
    (:func:`_kept_for_training`); a grouped split that leaves a class out of
    training is refused, naming it by ``class_names`` (indexed by the codes
    in ``y``). ``left_out``: rows of weight 0 dropped before the split (the
    messages say that ``y`` counts the rows of positive weight).
    ``weights``: the rows' weights (None: equal), which size the
    validation rows for the warning of :func:`_warn_small_validation`, and
    ``weighted_by`` names the parameters they come from
    (:func:`~skdib._dib._inputs.weight_sources`).
    """
    n = len(y)
    rows = np.arange(n)
    if fraction == 0:
        return rows, rows
    seed = int(rng.integers(0, 2**31 - 1))
    if groups is not None:
        splitter = GroupShuffleSplit(n_splits=1, random_state=seed,
                                     test_size=fraction)
        train, val = next(splitter.split(rows, y, np.asarray(groups)))
        _check_split_sizes(n, len(train), len(val), fraction, "groups",
                           left_out)
    else:
        n_val = max(1, int(round(fraction * n)))
        _check_split_sizes(n, n - n_val, n_val, fraction, left_out=left_out)
        kept = _kept_for_training(y, n_val, seed) if stratify else rows < 0
        pool = rows[~kept] if n - kept.sum() > n_val else rows
        train, val = train_test_split(
            pool, test_size=n_val, random_state=seed,
            stratify=_stratify_labels(y[pool], len(pool), n_val, stratify))
        if len(pool) < n:
            train = np.concatenate([train, rows[kept]])
    if stratify:
        _check_training_classes(y, train, groups is not None, class_names,
                                fraction)
    _warn_small_validation(val, weights, _split_name(fraction, groups is not None),
                           _rows_of(n, left_out), weighted_by)
    return train, val


def _kept_for_training(y, n_val, seed):
    """Rows set aside for training before a split of the others, so that no
    class is held out whole (its model could neither learn nor predict it):
    the rows of one-row classes and, when the others cannot be stratified
    (fewer validation rows than classes), one row of every class, drawn
    with ``seed``. Usually none."""
    _, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    kept = counts[inverse.ravel()] == 1
    if kept.all():
        return kept
    if _stratify_labels(y[~kept], len(y) - kept.sum(), n_val, True) is None:
        order = np.random.default_rng(seed).permutation(len(y))
        _, first = np.unique(y[order], return_index=True)
        kept[order[first]] = True
    return kept


def _check_training_classes(y, train, by_groups, class_names, fraction):
    """Refuse a split whose training rows miss a class of ``y``."""
    classes = np.unique(y)
    absent = np.setdiff1d(classes, y[train])
    if len(absent) == 0:
        return
    names = [plain_value(class_names[c]) if class_names is not None else
             plain_value(c) for c in absent]
    if by_groups:
        why = ("groups keep each group on one side, and every group holding "
               "them was drawn for validation")
        fix = "another random_state, more groups of those classes"
    else:
        why = f"{len(train)} training rows cannot hold {len(classes)} classes"
        fix = f"a smaller validation_fraction (now {fraction})"
    raise ValueError(
        f"The random validation split left no training rows of class(es) "
        f"{names} ({why}), so the classifier could not learn them. Pass "
        f"{fix} or an explicit X_val, y_val.")


def _rows_of(n, left_out):
    """How many rows the split drew from: ``n``, and when rows of weight 0
    were dropped before it (``left_out``), that these are the others."""
    if not left_out:
        return f"{n} rows"
    return (f"{n} rows of positive weight ({left_out} rows of weight 0 are "
            "left out)")


def _split_name(fraction, by_groups):
    """The split as the messages name it."""
    return f"validation_fraction={fraction}" + (" by groups" if by_groups else "")


def _check_split_sizes(n, n_train, n_val, fraction, by=None, left_out=0):
    """Refuse splits the path cannot use. ``n`` counts the rows of positive
    weight, ``left_out`` the others."""
    how = _split_name(fraction, by is not None)
    if n_train < 2 or n_val < 2:
        raise ValueError(
            f"X has {_rows_of(n, left_out)}: {how} holds out {n_val} for "
            f"validation and leaves {n_train} for training, but fitting a "
            "path needs at least 2 of each (a validation score and its "
            "standard error are undefined on fewer). Use more rows, or "
            "validation_fraction=0 to validate on the training rows.")


def _warn_small_validation(val, weights, how, rows, weighted_by=""):
    """Warn when the validation rows ``val`` are fewer than
    :data:`MIN_VALIDATION_ROWS`, counted by Kish's effective number under
    ``weights`` (None, or all equal: their number). ``how`` names the split,
    ``rows`` the rows it was drawn from and ``weighted_by`` the parameters
    the weights come from (sample_weight, class_weight or both)."""
    n_val = len(val)
    count, detail = f"{n_val} validation rows", f"{how} of {rows}"
    if weights is not None and np.ptp(weights[val]) > 0:
        n_val = effective_rows(weights[val], n_val)
        # rounded down, so that a count below the threshold never reads as it
        count = (f"{math.floor(10 * n_val) / 10:.1f} effective validation "
                 f"rows, weighted by {weighted_by or 'their weights'}")
        detail = (f"Kish's (sum w)^2 / sum w^2 over the {len(val)} "
                  f"validation rows, {detail}")
    if n_val >= MIN_VALIDATION_ROWS:
        return
    warnings.warn(
        f"Only {count}: {detail}. The path's validation score, and the "
        "default point chosen from it, are mostly noise below "
        f"{MIN_VALIDATION_ROWS} rows, and the bits of continuous features are "
        "estimated on those rows too: read them as a rough ranking, not as "
        "measurements. Use skdib.compare.cross_validate_path to score every "
        "row out of fold, or pass a larger X_val, y_val.",
        UserWarning, stacklevel=user_stacklevel())
