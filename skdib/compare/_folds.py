"""Cross-validation folds shared by every comparison in :mod:`skdib.compare`."""

from numbers import Integral

import numpy as np
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedGroupKFold,
    StratifiedKFold,
    check_cv,
)

from skdib._utils._validation import check_groups

__all__ = ["fold_mean_and_se", "make_folds"]


def make_folds(cv, X, y, *, classification, groups=None, random_state=None):
    """Return the (train, test) index pairs of ``cv`` as a list.

    An int (or None, meaning 5) gives shuffled folds seeded by
    ``random_state``: stratified for classification, and keeping each group
    in one fold when ``groups`` is given. Any scikit-learn splitter or
    iterable of index pairs is used as it is.
    """
    groups = check_groups(groups, len(X))
    if cv is None or (isinstance(cv, Integral) and not isinstance(cv, bool)):
        n_splits = 5 if cv is None else int(cv)
        if groups is None:
            splitter = StratifiedKFold if classification else KFold
        else:
            splitter = StratifiedGroupKFold if classification else GroupKFold
        cv = splitter(n_splits, shuffle=True, random_state=random_state)
    splitter = check_cv(cv, y, classifier=classification)
    return list(splitter.split(X, y, groups))


def fold_mean_and_se(score):
    """Mean over folds (axis 0) and its standard error (NaN for one fold)."""
    mean = score.mean(axis=0)
    if len(score) < 2:
        return mean, np.full_like(mean, np.nan)
    return mean, score.std(axis=0, ddof=1) / np.sqrt(len(score))
