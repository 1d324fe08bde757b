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

__all__ = ["make_folds"]


def make_folds(cv, X, y, *, classification, groups=None, random_state=None):
    """Return the (train, test) index pairs of ``cv`` as a list.

    An int (or None, meaning 5) gives shuffled folds seeded by
    ``random_state``: stratified for classification, and keeping each group
    in one fold when ``groups`` is given. Any scikit-learn splitter or
    iterable of index pairs is used as it is.
    """
    if groups is not None:
        groups = np.asarray(groups)
        if len(groups) != len(X):
            raise ValueError(
                f"groups has {len(groups)} entries but X has {len(X)} rows.")
    if cv is None or (isinstance(cv, Integral) and not isinstance(cv, bool)):
        n_splits = 5 if cv is None else int(cv)
        if groups is None:
            splitter = StratifiedKFold if classification else KFold
        else:
            splitter = StratifiedGroupKFold if classification else GroupKFold
        cv = splitter(n_splits, shuffle=True, random_state=random_state)
    splitter = check_cv(cv, y, classifier=classification)
    return list(splitter.split(X, y, groups))
