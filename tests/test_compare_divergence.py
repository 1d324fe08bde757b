"""compare_selectors keeps every other method and fold when one sweep
diverges, as scikit-learn's cross_validate keeps the folds that fit."""

import numpy as np
import pytest
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from skdib.compare import compare_selectors
from skdib.exceptions import DivergenceError


def _data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 4))
    y = (X[:, 1] + 0.3 * X[:, 2] > 0).astype(int)
    X[0, 3] = 1e3  # a marker: the fold that holds row 0 out has no such value
    return X, y


def fragile(X, y, task, random_state):
    """Ranks by |correlation|; 'diverges' on the fold without the marker row."""
    if X[:, 3].max() < 5:
        raise DivergenceError("loss is NaN", step=7, beta=0.1)
    corr = [abs(np.corrcoef(X[:, j], y)[0, 1]) for j in range(X.shape[1])]
    return np.argsort(corr)[::-1]


def _folds():
    X, y = _data()
    return list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))


def _run(**kwargs):
    X, y = _data()
    return compare_selectors(X, y, methods={"fragile": fragile, "lasso": "lasso"},
                             k_values=[1, 2], cv=_folds(), random_state=0, **kwargs)


def _held_out_fold():
    return next(i for i, (_, test) in enumerate(_folds()) if 0 in test)


@pytest.mark.parametrize("n_jobs", [None, 2])
def test_a_diverged_ranking_scores_nan_and_keeps_the_rest(n_jobs):
    bad = _held_out_fold()
    with pytest.warns(FitFailedWarning, match=f"Method 'fragile' on fold {bad}"):
        res = _run(n_jobs=n_jobs)
    fragile_rows = res[res["method"] == "fragile"]
    failed = fragile_rows["fold"] == bad
    assert fragile_rows.loc[failed, "score"].isna().all() and failed.sum() == 2
    assert fragile_rows.loc[~failed, "score"].notna().all()
    # the other method's scores are those of a run without the fragile one
    X, y = _data()
    alone = compare_selectors(X, y, methods=["lasso"], k_values=[1, 2],
                              cv=_folds(), random_state=0)
    np.testing.assert_array_equal(res[res["method"] == "lasso"]["score"],
                                  alone["score"])


def test_error_score_raise_and_a_number():
    with pytest.raises(DivergenceError, match="loss is NaN"):
        _run(error_score="raise")
    with pytest.warns(FitFailedWarning):
        res = _run(error_score=-1.0)
    bad = res[(res["method"] == "fragile") & (res["fold"] == _held_out_fold())]
    assert (bad["score"] == -1.0).all()
    with pytest.raises(ValueError, match="error_score must be 'raise' or a number"):
        _run(error_score="nan")


class _Fragile(ClassifierMixin, BaseEstimator):
    """A downstream model whose fit 'diverges' on two columns."""

    def fit(self, X, y):
        if X.shape[1] == 2:
            raise DivergenceError("KL exploded", step=3, beta=0.5)
        self.model_ = LogisticRegression().fit(X, y)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)


def test_a_diverged_downstream_fit_scores_error_score_at_that_k_only():
    X, y = _data()
    with pytest.warns(FitFailedWarning, match="top 2 on fold"):
        res = compare_selectors(X, y, methods=["lasso"], k_values=[1, 2], cv=3,
                                estimator=_Fragile(), random_state=0)
    assert res.loc[res["k"] == 2, "score"].isna().all()
    assert res.loc[res["k"] == 1, "score"].between(0, 1).all()
