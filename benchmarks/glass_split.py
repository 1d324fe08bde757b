"""Sheared glass: the default fit against a tuned linear SVM on held-out rows.

Issue 17's check: for each shipped protocol, a stratified 80/20 split; a
linear SVM (standardised radial structure functions) whose C is chosen by a
3-fold grid search on the training part, against ``DistributedIBClassifier``
with its defaults. About a minute per fit on one core.

    python benchmarks/glass_split.py [SPLIT ...]
"""

import sys
import time
import warnings

import numpy as np
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

from skdib import DistributedIBClassifier
from skdib.datasets import load_sheared_glass
from skdib.featurizers import RadialStructureFunctions


def one_split(X, y, split):
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, stratify=y,
                                              random_state=split)
    svm = GridSearchCV(
        make_pipeline(StandardScaler(), LinearSVC(dual=False, max_iter=20000)),
        {"linearsvc__C": np.logspace(-4, 1, 11)}, cv=3).fit(X_tr, y_tr)
    start = time.perf_counter()
    dib = DistributedIBClassifier(random_state=0).fit(X_tr, y_tr)
    return (svm.score(X_te, y_te), dib.score(X_te, y_te),
            time.perf_counter() - start)


def main():
    warnings.simplefilter("ignore")
    splits = [int(s) for s in sys.argv[1:]] or [0, 1]
    for protocol in ("gradual", "rapid"):
        glass = load_sheared_glass(protocol)
        X = RadialStructureFunctions().fit_transform(glass.data)
        for split in splits:
            svm, dib, seconds = one_split(X, glass.target, split)
            print(f"{protocol} split {split} | linear SVM {svm:.3f} | "
                  f"DIB {dib:.3f} ({seconds:.0f} s) | DIB - SVM "
                  f"{100 * (dib - svm):+.1f} points", flush=True)


if __name__ == "__main__":
    main()
