"""The regressor's test R² (diabetes) and the classifier's log loss (breast
cancer) with 32 and 128 draws of the messages.

``predict_samples`` draws of every channel's message, shared by all rows,
give the regressor's prediction (the mean of its predictive distribution)
and the validation R² that picks the default point. For 70/30 splits of
diabetes (default: 42, 7, 123 and 10, which played no part in choosing 128;
0 and 1 were looked at first) and ``random_state`` 0-4 of the estimator,
each row prints the mean test R² with 32 and with 128 draws, how many of
the five seeds reach RidgeCV's test R² minus 0.03, and the per-seed values.
About 60 s per split on one core. With ``--classifier``: breast cancer,
stratified 70/30 splits (default 40, 41, 43, 44), ``random_state`` 0-1, the
test log loss over a standardised logistic regression's.

    python benchmarks/predict_samples.py [--classifier] [SPLIT ...]
"""

import sys
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes
from split_scores import classifier_ratios, regressor_scores

SPLITS = (42, 7, 123, 10)
CLASSIFIER_SPLITS = (40, 41, 43, 44)
DRAWS = {draws: {"predict_samples": draws} for draws in (32, 128)}
N_SEEDS = 5


def main():
    warnings.simplefilter("ignore")
    args = sys.argv[1:]
    if "--classifier" in args:
        args.remove("--classifier")
        X, y = load_breast_cancer(return_X_y=True)
        for split in [int(s) for s in args] or CLASSIFIER_SPLITS:
            ratios = classifier_ratios(X, y, split, DRAWS, range(2))
            cells = " | ".join(f"{draws} draws: {np.round(r, 3).tolist()}"
                               for draws, r in ratios.items())
            print(f"split {split} | log loss / logistic regression's | {cells}",
                  flush=True)
        return
    splits = [int(s) for s in args] or SPLITS
    X, y = load_diabetes(return_X_y=True)
    for split in splits:
        ridge, scores = regressor_scores(X, y, split, DRAWS, range(N_SEEDS))
        threshold = ridge - 0.03
        cells = " | ".join(
            f"{draws} draws: mean {s.mean():.3f}, {int(np.sum(s >= threshold))} of "
            f"{N_SEEDS} >= {threshold:.3f}, seeds {np.round(s, 3).tolist()}"
            for draws, s in scores.items())
        print(f"split {split} | {cells}", flush=True)


if __name__ == "__main__":
    main()
