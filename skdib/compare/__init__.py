"""Compare feature selectors: score vs number of selected features.

:func:`compare_selectors` scores the top k features of several rankings with
one downstream model on the same cross-validation folds, as in Fig. 7 of the
information-imbalance paper and the SVM / Shapley comparisons of the
information-decomposition paper.

A method is a function ``rank(X, y, task, random_state) -> order`` returning
feature indices, most important first (or a 2-D array of orders whose scores
are averaged). ``X`` is the standardised training fold, ``y`` its target
(integer class codes for classification), ``task`` is ``'classification'``
or ``'regression'`` and ``random_state`` an int. Adding a method is writing
one such function and passing it in ``methods={"name": function}``. A
function that also has a ``groups`` parameter (as :func:`rank_dib` does) is
given the training fold's group labels by keyword when
:func:`compare_selectors` is given ``groups``, and one with a ``classes``
parameter (as :func:`rank_dib` has) the class labels behind the codes.

:func:`cross_validate_path` fits one information path per fold (the held-out
fold is the path's validation set) and :func:`linear_svm_baseline` scores a
standardised linear SVM over a grid of C on the same folds: the comparison
of Fig. 4 of the Distributed IB paper.
"""

from skdib.compare._harness import compare_selectors
from skdib.compare._methods import (
    rank_dib,
    rank_information_imbalance,
    rank_lasso,
    rank_mutual_info,
    rank_random,
    rank_sage,
    rank_shap,
)
from skdib.compare._path_cv import cross_validate_path
from skdib.compare._svm import linear_svm_baseline

__all__ = [
    "compare_selectors",
    "cross_validate_path",
    "linear_svm_baseline",
    "rank_dib",
    "rank_information_imbalance",
    "rank_lasso",
    "rank_mutual_info",
    "rank_random",
    "rank_sage",
    "rank_shap",
]
