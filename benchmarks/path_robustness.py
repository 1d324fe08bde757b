"""Robust optimisation along the path: what replicates and smoothing buy.

    python benchmarks/path_robustness.py [--replicates R] [--cases bc,diab,wine]

For each (dataset, split) the default estimator is fitted R times with seeds
0..R-1 on the same training rows, and every checkpoint is scored on a test
split (log loss in bits for classifiers, 1 - R² for regressors; lower is
better). Three ways of choosing a point are compared, each with the best
(lowest held-out loss) and the one-standard-error rule of ``select_point``:

* one sweep: the mean over the R sweeps of the test loss at the point each
  chooses on its own path (what a single fit gives on average);
* best of R per checkpoint: at each checkpoint the replicate with the lowest
  held-out loss, then the rule on that composite path (R times the cost);
* smoothed: each sweep's held-out loss averaged over three neighbouring
  checkpoints before the rule.

Splits 10-12 (and wine 10-11) played no part in choosing the recipes.
"""

import argparse
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.metrics import log_loss, r2_score
from sklearn.model_selection import train_test_split

from skdib import DistributedIBClassifier, DistributedIBRegressor

SPLITS = {"bc": (10, 11, 12), "diab": (10, 11, 12), "wine": (10, 11)}


def data(case, split):
    """Training and test rows of one case, and its estimator class."""
    if case == "diab":
        X, y = load_diabetes(return_X_y=True)
        parts = train_test_split(X, y, test_size=0.3, random_state=split)
        return (*parts, DistributedIBRegressor)
    X, y = (load_breast_cancer if case == "bc" else load_wine)(return_X_y=True)
    parts = train_test_split(X, y, test_size=0.3, stratify=y, random_state=split)
    return (*parts, DistributedIBClassifier)


def test_losses(model, X_test, y_test, labels):
    """Test loss at every checkpoint of a fitted model."""
    losses = []
    for point in range(model.information_path_.n_points):
        model.set_path_point(point)
        if isinstance(model, DistributedIBClassifier):
            proba = model.predict_proba(X_test)
            losses.append(log_loss(y_test, proba, labels=labels) / np.log(2))
        else:
            losses.append(1 - r2_score(y_test, model.predict(X_test)))
    return np.asarray(losses)


def one_se(loss, se):
    """The most compressed point within one paired standard error of the best."""
    best = int(np.argmin(loss))
    return int(np.flatnonzero(loss <= loss[best] + se).max())


def smooth(loss):
    """Mean over each checkpoint and its two neighbours (edges repeated)."""
    return np.convolve(np.pad(loss, 1, mode="edge"), np.ones(3) / 3, "valid")


def compare(case, split, n_replicates):
    """One row: the test loss of every way of choosing, for one split."""
    X_train, X_test, y_train, y_test, Est = data(case, split)
    val, se, test = [], [], []
    for seed in range(n_replicates):
        model = Est(random_state=seed).fit(X_train, y_train)
        path = model.information_path_
        val.append(path.prediction_loss_val)
        se.append(path.prediction_loss_diff_se)
        test.append(test_losses(model, X_test, y_test, np.unique(y_train)))
    val, se, test = map(np.asarray, (val, se, test))
    reps = range(n_replicates)
    pick = np.argmin(val, axis=0)  # best replicate per checkpoint
    cols = np.arange(val.shape[1])
    c_val, c_se, c_test = val[pick, cols], se[pick, cols], test[pick, cols]
    return {
        "one sweep, best": np.mean([test[r, np.argmin(val[r])] for r in reps]),
        "one sweep, one_se": np.mean([test[r, one_se(val[r], se[r])]
                                      for r in reps]),
        f"best of {n_replicates}, best": c_test[np.argmin(c_val)],
        f"best of {n_replicates}, one_se": c_test[one_se(c_val, c_se)],
        "smoothed, best": np.mean([test[r, np.argmin(smooth(val[r]))]
                                   for r in reps]),
        "smoothed, one_se": np.mean([test[r, one_se(smooth(val[r]), se[r])]
                                     for r in reps]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=4)
    parser.add_argument("--cases", default="bc,diab,wine")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    header = None
    for case in args.cases.split(","):
        for split in SPLITS[case]:
            row = compare(case, split, args.replicates)
            if header is None:
                header = list(row)
                print("| case | split | " + " | ".join(header) + " |")
                print("|---|---|" + "---|" * len(header))
            print(f"| {case} | {split} | "
                  + " | ".join(f"{row[k]:.3f}" for k in header) + " |", flush=True)


if __name__ == "__main__":
    main()
