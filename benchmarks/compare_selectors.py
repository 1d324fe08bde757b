"""Feature selectors side by side: cross-validated score vs number of features.

Two tasks, the same folds and downstream model for every method:

- **synthetic**: y = sign(x0 x1) + x2² + noise among 20 noise columns (N =
  1000). No column has a linear effect; the downstream model is an RBF SVR,
  which can use the three columns once they are selected.
- **breast cancer** (bundled with scikit-learn, 569 × 30): a standardised
  logistic regression downstream, as in the comparisons of the papers.

Methods: the DIB selector (one β sweep per fold), greedy information
imbalance (supervised and unsupervised), the Lasso path, univariate mutual
information, SHAP and SAGE (when installed) and random orders.

Usage::

    python benchmarks/compare_selectors.py               # a few minutes
    python benchmarks/compare_selectors.py --quick       # smoke run
    python benchmarks/compare_selectors.py --plot-dir figs --n-jobs 2
"""

import argparse
import os
import time
from functools import partial

import numpy as np
import pandas as pd
from sklearn.datasets import load_breast_cancer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR

from skdib import DistributedIBClassifier, DistributedIBRegressor
from skdib.compare import compare_selectors, rank_dib

METHODS = [
    "dib",
    "ii_supervised",
    "ii_unsupervised",
    "lasso",
    "mutual_info",
    "shap",
    "sage",
    "random",
]


def synthetic(n_samples, n_noise, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 3 + n_noise))
    y = np.sign(X[:, 0] * X[:, 1]) + X[:, 2] ** 2 + 0.1 * rng.normal(size=n_samples)
    return X, y


def tasks(quick):
    """name -> (X, y, DIB estimator, downstream estimator, k_values)."""
    steps = (
        dict(n_steps=400, n_pretrain_steps=100)
        if quick
        else dict(n_steps=1500, n_pretrain_steps=300)
    )
    X, y = synthetic(400 if quick else 1000, 20)
    cancer = load_breast_cancer()
    return {
        "synthetic (XOR + quadratic + 20 noise)": (
            X,
            y,
            DistributedIBRegressor(**steps),
            make_pipeline(StandardScaler(), SVR()),
            [1, 2, 3, 4, 6, 10, 23],
        ),
        "breast cancer": (
            cancer.data,
            cancer.target,
            DistributedIBClassifier(**steps),
            None,
            [1, 2, 3, 5, 8, 12, 20, 30],
        ),
    }


def table(frame):
    """Method × k mean score, plus the mean ranking time per fold."""
    scores = frame.pivot_table(
        index="method", columns="k", values="score", aggfunc="mean"
    )
    times = frame.groupby("method")["fit_time"].mean().rename("fit s/fold")
    by = scores.columns[min(2, len(scores.columns) - 1)]
    return scores.join(times).sort_values(by, ascending=False)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke run")
    parser.add_argument("--cv", type=int, default=3)
    parser.add_argument("--n-jobs", type=int, default=None)
    parser.add_argument(
        "--plot-dir",
        default=None,
        help="save one figure per task here (needs "
        "skdib.plotting.plot_selector_comparison)",
    )
    args = parser.parse_args()
    pd.set_option("display.width", 160)
    pd.set_option("display.float_format", "{:.3f}".format)
    for name, (X, y, dib, downstream, ks) in tasks(args.quick).items():
        methods = {m: m for m in METHODS}
        methods["dib"] = partial(rank_dib, estimator=dib)
        start = time.perf_counter()
        frame = compare_selectors(
            X,
            y,
            methods=methods,
            k_values=ks,
            estimator=downstream,
            cv=args.cv,
            random_state=0,
            n_jobs=args.n_jobs,
        )
        elapsed = time.perf_counter() - start
        print(
            f"\n== {name}: {X.shape[0]} x {X.shape[1]}, {args.cv}-fold "
            f"{frame.attrs['scoring']}, {elapsed:.0f} s in all =="
        )
        print(table(frame).to_string())
        if args.plot_dir:
            save_plot(frame, name, args.plot_dir)


def save_plot(frame, name, plot_dir):
    try:
        from skdib.plotting import plot_selector_comparison
    except ImportError:
        print("(skdib.plotting.plot_selector_comparison is missing: no plot)")
        return
    os.makedirs(plot_dir, exist_ok=True)
    ax = plot_selector_comparison(frame)
    ax.set_title(name)
    path = os.path.join(plot_dir, name.split(" (")[0].replace(" ", "_") + ".png")
    ax.figure.savefig(path, dpi=120, bbox_inches="tight")
    print(f"saved {path}")


if __name__ == "__main__":
    main()
