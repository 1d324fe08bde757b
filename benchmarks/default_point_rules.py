"""How the default path point is chosen: each rule's held-out quality.

    python benchmarks/default_point_rules.py [--quick]

Fits the default estimators once per (dataset, seed), then scores on a test
split the checkpoint each rule of ``InformationPath.select_point`` picks:
accuracy and log loss (classification: with ``predict_samples=32``, the
default, and from the posterior means) or R² (regression), the bits the
point keeps, and the same numbers for a linear baseline. The rules were
compared on breast cancer (seeds 0-3), wine and a three-class synthetic table
(seed 7) and on diabetes (the tuning set); the choice was checked on the other
tables and seeds (the validation set: breast cancer with seeds 10-12, iris,
a two-class synthetic table with seed 11, the weak-signal table), which played
no part in it. ``--role validate`` runs only those.
"""

import argparse
import warnings

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_iris,
    make_classification,
)
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.metrics import log_loss, r2_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdib import DistributedIBClassifier, DistributedIBRegressor

RULES = ("best", "one_se")


def weak_signal(seed=0, n=3000):
    """A randhie-like table: a weak but real signal under skewed noise."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 8))
    noise = rng.lognormal(0.0, 0.8, n)
    y = 0.5 * X[:, 0] + 0.35 * X[:, 1] ** 2 + 0.3 * X[:, 2] + noise
    return X, y


def tables():
    """name -> (X, y, task, role, first seed)."""
    two_class = make_classification(n_samples=800, n_features=15, n_informative=4,
                                    n_redundant=2, flip_y=0.05, random_state=11)
    return {
        "breast_cancer": (*load_breast_cancer(return_X_y=True), "clf", "tune", 0),
        "diabetes": (*load_diabetes(return_X_y=True), "reg", "tune", 0),
        "breast_cancer (new splits)": (*load_breast_cancer(return_X_y=True), "clf",
                                       "validate", 10),
        "iris": (*load_iris(return_X_y=True), "clf", "validate", 0),
        "two_class_synthetic": (*two_class, "clf", "validate", 0),
        "weak_signal": (*weak_signal(), "reg", "validate", 0),
    }


def score_points(est, X_te, y_te, task):
    path = est.information_path_
    rows = []
    for p in range(path.n_points):
        est.set_path_point(p)
        if task == "clf":
            proba = est.predict_proba(X_te)
            means = est.set_params(predict_samples=0).predict_proba(X_te)
            est.set_params(predict_samples=32)
            rows.append((np.mean(est.classes_[proba.argmax(1)] == y_te),
                         log_loss(y_te, proba, labels=est.classes_),
                         log_loss(y_te, means, labels=est.classes_)))
        else:
            rows.append((r2_score(y_te, est.predict(X_te)), np.nan, np.nan))
    return np.array(rows)


def baseline(X_tr, y_tr, X_te, y_te, task):
    if task == "clf":
        m = make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000))
        m.fit(X_tr, y_tr)
        return m.score(X_te, y_te), log_loss(y_te, m.predict_proba(X_te))
    m = make_pipeline(StandardScaler(), RidgeCV(np.logspace(-3, 3, 13)))
    return m.fit(X_tr, y_tr).score(X_te, y_te), np.nan


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--role", choices=("tune", "validate", "all"), default="all")
    args = parser.parse_args()
    extra = dict(n_pretrain_steps=300, n_steps=1200) if args.quick else {}
    print("| table | role | seed | rule | point | bits | test score | log loss | "
          "log loss, means |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, (X, y, task, role, first) in tables().items():
        if args.role not in ("all", role):
            continue
        for seed in range(first, first + args.seeds):
            X_tr, X_te, y_tr, y_te = train_test_split(
                X, y, test_size=0.3, random_state=seed,
                stratify=y if task == "clf" else None)
            cls = DistributedIBClassifier if task == "clf" else DistributedIBRegressor
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                est = cls(random_state=seed, **extra).fit(X_tr, y_tr)
            scores = score_points(est, X_te, y_te, task)
            path = est.information_path_
            for rule in RULES:
                p = path.select_point(rule)
                print(f"| {name} | {role} | {seed} | {rule} | {p} | "
                      f"{path.total_information[p]:.2f} | {scores[p, 0]:.3f} | "
                      f"{scores[p, 1]:.3f} | {scores[p, 2]:.3f} |")
            top = int(np.argmax(scores[:, 0]))
            print(f"| {name} | {role} | {seed} | (test-best) | {top} | "
                  f"{path.total_information[top]:.2f} | {scores[top, 0]:.3f} | "
                  f"{scores[top, 1]:.3f} | {scores[top, 2]:.3f} |")
            acc, ll = baseline(X_tr, y_tr, X_te, y_te, task)
            print(f"| {name} | {role} | {seed} | linear baseline | | | {acc:.3f} | "
                  f"{ll:.3f} | |", flush=True)


if __name__ == "__main__":
    main()
