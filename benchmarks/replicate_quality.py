"""What ``n_replicates`` buys: one sweep against the best of four.

Breast cancer (stratified 70/30 splits 0-4, ``random_state=0``): test log
loss over a standardised logistic regression's, and test accuracy beside an
RBF SVC's. Diabetes (70/30 splits 0 and 1, ``random_state`` 0-4): test R²
beside the better of RidgeCV and an RBF SVR. Default settings otherwise;
none of these splits played a part in choosing a default. About 15 minutes
on one core.

    python benchmarks/replicate_quality.py [bc|diab]
"""

import sys
import time
import warnings

from probability_gap import logistic_log_loss
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import RidgeCV
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, SVR

from skdib import DistributedIBClassifier, DistributedIBRegressor

REPLICATES = (1, 4)


def _timed_fit(model, X, y):
    start = time.perf_counter()
    model.fit(X, y)
    return model, time.perf_counter() - start


def breast_cancer():
    X, y = load_breast_cancer(return_X_y=True)
    for split in range(5):
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, stratify=y,
                                                  random_state=split)
        base = logistic_log_loss(X_tr, y_tr, X_te, y_te)
        svc = make_pipeline(StandardScaler(), SVC()).fit(X_tr, y_tr).score(X_te, y_te)
        cells = []
        for r in REPLICATES:
            model, seconds = _timed_fit(
                DistributedIBClassifier(n_replicates=r, random_state=0), X_tr, y_tr)
            loss = log_loss(y_te, model.predict_proba(X_te))
            cells.append(f"R={r}: log loss {loss:.4f} ({loss / base:.2f}x), "
                         f"acc {model.score(X_te, y_te):.3f}, {seconds:.0f} s")
        print(f"breast cancer split {split} | logistic {base:.4f}, SVC {svc:.3f} | "
              + " | ".join(cells), flush=True)


def diabetes():
    X, y = load_diabetes(return_X_y=True)
    for split in (0, 1):
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3,
                                                  random_state=split)
        ridge = RidgeCV().fit(X_tr, y_tr).score(X_te, y_te)
        svr = make_pipeline(StandardScaler(), SVR()).fit(X_tr, y_tr).score(X_te, y_te)
        for seed in range(5):
            cells = []
            for r in REPLICATES:
                model, seconds = _timed_fit(
                    DistributedIBRegressor(n_replicates=r, random_state=seed),
                    X_tr, y_tr)
                cells.append(f"R={r}: R² {model.score(X_te, y_te):.3f}, "
                             f"{seconds:.0f} s")
            print(f"diabetes split {split} seed {seed} | best baseline "
                  f"{max(ridge, svr):.3f} | " + " | ".join(cells), flush=True)


def main():
    warnings.simplefilter("ignore")
    which = sys.argv[1:] or ["bc", "diab"]
    unknown = sorted(set(which) - {"bc", "diab"})
    if unknown:
        sys.exit(f"unknown tables {unknown}; choose from bc (breast cancer) "
                 "and diab (diabetes)")
    if "bc" in which:
        breast_cancer()
    if "diab" in which:
        diabetes()


if __name__ == "__main__":
    main()
