"""End-to-end quality with the estimators' defaults (slow)."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR

from skdib import DistributedIBClassifier, DistributedIBRegressor

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def xor_fit():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 10))
    y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(int)
    return DistributedIBClassifier(random_state=0).fit(X, y)


def test_xor_irrelevant_channels_drop_and_relevant_survive(xor_fit):
    path = xor_fit.information_path_
    info = path.information
    # somewhere on the path all 8 irrelevant channels are below 0.05 bits
    # while both relevant ones still carry information
    quiet = np.all(info[:, 2:] < 0.05, axis=1)
    keeps = np.all(info[:, :2] > 0.5, axis=1)
    assert np.any(quiet & keeps & (path.score_val > 0.9))
    # the last surviving channels are 0 and 1
    order = path.drop_order(0.05)
    assert set(np.argsort(order)[-2:]) == {0, 1}
    assert order[:2].min() > order[2:].max()


def test_xor_bounds_sandwich_and_bits(xor_fit):
    path = xor_fit.information_path_
    assert path.has_bounds
    gap = path.information_upper - path.information_lower
    assert np.all(gap > -0.02)  # finite-batch estimates may cross by a hair
    # predicting the XOR of two signs needs exactly one bit from each input:
    # before the collapse the path has a plateau where both carry ~1 bit
    ok = path.score_val > 0.95
    near_one = np.all(np.abs(path.information[:, :2] - 1.0) < 0.25, axis=1)
    assert np.any(ok & near_one), path.information[:, :2]


def test_breast_cancer_accuracy_comparable_to_svc():
    X, y = load_breast_cancer(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0,
                                          stratify=y)
    svc = make_pipeline(StandardScaler(), SVC()).fit(Xtr, ytr).score(Xte, yte)
    dib = DistributedIBClassifier(random_state=0).fit(Xtr, ytr).score(Xte, yte)
    assert dib >= svc - 0.03, (dib, svc)


def test_diabetes_r2_comparable_to_ridge_and_svr():
    X, y = load_diabetes(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0)
    ridge = make_pipeline(StandardScaler(), RidgeCV()).fit(Xtr, ytr)
    svr = make_pipeline(StandardScaler(), SVR(C=100, epsilon=5)).fit(Xtr, ytr)
    best = max(ridge.score(Xte, yte), svr.score(Xte, yte))
    # One seed's R² swings by several hundredths with the rounding of the CPU
    # (seed 0 gave 0.379 on one x86 machine and 0.340 on another), so the test
    # averages three seeds and keeps a margin. Measured on this split, seeds
    # 0-4: 0.340, 0.358, 0.342, 0.292, 0.373 against RidgeCV's 0.392: the
    # defaults stay some hundredths behind a linear model on this small table.
    dib = [DistributedIBRegressor(random_state=seed).fit(Xtr, ytr).score(Xte, yte)
           for seed in range(3)]
    assert np.mean(dib) >= best - 0.1, (dib, best)
    assert min(dib) > 0.2, dib  # every seed predicts (a constant scores 0)


def test_weak_signal_default_point_keeps_information():
    # A randhie-like table: a weak but real signal under skewed noise. Seed 7
    # played no part in choosing the rule (benchmarks/default_point_rules.py
    # used seed 0).
    rng = np.random.default_rng(7)
    X = rng.normal(size=(2500, 8))
    noise = rng.lognormal(0, 0.8, 2500)
    y = 0.5 * X[:, 0] + 0.35 * X[:, 1] ** 2 + 0.3 * X[:, 2] + noise
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=7)
    reg = DistributedIBRegressor(random_state=7).fit(Xtr, ytr)
    path, chosen = reg.information_path_, reg.best_point_
    best = path.select_point("best")
    assert path.total_information[chosen] > 0.1
    test_chosen = reg.score(Xte, yte)
    test_best = reg.set_path_point(best).score(Xte, yte)
    assert test_chosen >= test_best - path.score_val_se[best], (test_chosen, test_best)
    assert test_chosen > 0.05  # the signal is found, not a constant model
