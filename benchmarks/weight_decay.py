"""Small tables with and without the recipe's weight decay.

For every split, the default fit (``weight_decay='auto'``: 0.3 below 1000
training rows of a continuous table) against ``weight_decay=0`` (the
recipe before 0.3), with the same estimator seeds. Breast cancer
(stratified 70/30 splits, ``random_state`` 0-2): test log loss over a
standardised logistic regression's, and how many fits are within 1.5x of
it. Diabetes (70/30 splits, ``random_state`` 0-4): mean test R², and how
many fits reach RidgeCV's test R² minus 0.03. The decay was chosen on
breast cancer splits 0-4 and diabetes splits 0-1, and checked on breast
cancer splits 60-64, diabetes splits 60-63, wine and iris (splits 0-2, the
same ratio as breast cancer). About 10 s per fit on one core.

    python benchmarks/weight_decay.py bc|wine|iris|diabetes [SPLIT ...]
"""

import sys
import warnings

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine
from split_scores import classifier_ratios, regressor_scores

DECAYS = {decay: {"weight_decay": decay} for decay in ("auto", 0.0)}
DEFAULT_SPLITS = {"bc": (0, 1, 2, 3, 4, 60, 61, 62, 63, 64),
                  "diabetes": (0, 1, 60, 61, 62, 63),
                  "wine": (0, 1, 2), "iris": (0, 1, 2)}
CLASSIFICATION = {"bc": load_breast_cancer, "wine": load_wine, "iris": load_iris}


def main():
    warnings.simplefilter("ignore")
    table = sys.argv[1] if len(sys.argv) > 1 else "bc"
    if table not in DEFAULT_SPLITS:
        raise SystemExit(f"table must be one of {sorted(DEFAULT_SPLITS)}, "
                         f"got {table!r}")
    splits = [int(s) for s in sys.argv[2:]] or DEFAULT_SPLITS[table]
    for split in splits:
        if table in CLASSIFICATION:
            X, y = CLASSIFICATION[table](return_X_y=True)
            ratios = classifier_ratios(X, y, split, DECAYS, range(3))
            cells = [f"weight_decay={d!r}: " + " ".join(f"{r:.2f}" for r in v)
                     + f" (within 1.5x: {sum(r <= 1.5 for r in v)}/{len(v)})"
                     for d, v in ratios.items()]
            print(f"{table} split {split} | " + " | ".join(cells), flush=True)
        else:
            X, y = load_diabetes(return_X_y=True)
            ridge, scores = regressor_scores(X, y, split, DECAYS, range(5))
            cells = [f"weight_decay={d!r}: mean {np.mean(v):.3f} (reach RidgeCV - "
                     f"0.03: {sum(r >= ridge - 0.03 for r in v)}/{len(v)})"
                     for d, v in scores.items()]
            print(f"diabetes split {split} | RidgeCV {ridge:.3f} | "
                  + " | ".join(cells), flush=True)


if __name__ == "__main__":
    main()
