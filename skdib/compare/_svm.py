"""The tuned linear SVM baseline of the glass studies."""

import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC
from sklearn.utils import Bunch, check_random_state
from sklearn.utils.validation import check_array, column_or_1d

from skdib.compare._folds import fold_mean_and_se, make_folds

__all__ = ["linear_svm_baseline"]


def linear_svm_baseline(X, y, *, Cs=None, cv=5, groups=None, random_state=None):
    """Cross-validated accuracy of a linear SVM over a logarithmic grid of C.

    The baseline of the glass studies (Cubuk et al.; the Distributed IB
    paper, Appendix A): standardise each feature with the training fold's
    mean and standard deviation, fit a linear-kernel SVM, and report the
    best held-out accuracy over the C grid. Pass the same ``cv``, ``groups``
    and ``random_state`` as :func:`cross_validate_path` and both methods are
    scored on identical folds.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Class labels.
    Cs : array-like or None, default=None
        Values of C; None uses ``np.logspace(-4, 2, 13)``.
    cv : int, cross-validation generator or iterable, default=5
    groups : array-like of shape (n_samples,), optional
    random_state : int, RandomState or None, default=None
        Seeds the folds, exactly as in :func:`cross_validate_path`.

    Returns
    -------
    result : Bunch
        ``Cs``; ``score`` (n_folds, n_Cs) held-out accuracies; ``mean_score``
        and ``se_score`` per C; ``best_C``, ``best_score`` and ``best_se``;
        ``folds``.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.compare import linear_svm_baseline
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 5))
    >>> y = (X[:, 0] + X[:, 1] > 0).astype(int)
    >>> svm = linear_svm_baseline(X, y, Cs=[0.01, 1.0], cv=3, random_state=0)
    >>> svm.score.shape
    (3, 2)
    >>> bool(svm.best_score > 0.9)
    True
    """
    X = check_array(X, dtype=np.float64)
    y = column_or_1d(y)
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}.")
    Cs = np.logspace(-4, 2, 13) if Cs is None else np.asarray(Cs, dtype=float).ravel()
    if Cs.size == 0 or np.any(~np.isfinite(Cs)) or np.any(Cs <= 0):
        raise ValueError(f"Cs must be positive finite numbers; got {Cs!r}.")
    rng = check_random_state(random_state)
    folds = make_folds(cv, X, y, classification=True, groups=groups,
                       random_state=rng.randint(2**31 - 1))
    score = np.empty((len(folds), len(Cs)))
    for i, (train, test) in enumerate(folds):
        for j, C in enumerate(Cs):
            model = make_pipeline(StandardScaler(), SVC(kernel="linear", C=C))
            score[i, j] = model.fit(X[train], y[train]).score(X[test], y[test])
    mean, se = fold_mean_and_se(score)
    best = int(np.argmax(mean))
    return Bunch(Cs=Cs, score=score, mean_score=mean, se_score=se,
                 best_C=float(Cs[best]), best_score=float(mean[best]),
                 best_se=float(se[best]), folds=folds)
