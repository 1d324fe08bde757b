"""Small, noisy regression tables: the default point against the baselines.

Three generated families, n = 309 training rows (diabetes' 70 %) and 1000
test rows, seeds 0-2: a linear target with Gaussian noise whose variance
equals the signal's (test R² at most 0.5; ten correlated columns, about 6 of
them used), Friedman's first function with noise 3, and a product of two
columns plus half a third (x0 x1 + x2 / 2, noise 0.5, ten independent
normal columns), which no additive model can fit. Each row prints test R²
of the default point minus the better of RidgeCV and an RBF SVR, for the
defaults and the variants (decoding the posterior means,
``predict_samples=0``, as 0.1 did; smaller networks; the continuous recipe's
encoders before 0.2, two layers of 32; a third of the steps; a range to
β = 3; a linear read-out of the messages, ``decoder_hidden=()``, which makes
the model additive over the channels; no weight decay, ``weight_decay=0``).
Along the path (``set_path_point``) the test R² of these fits is negative
at small β and highest in the last few checkpoints, so the gap is what the
path can reach, not only the point chosen from it.

    python benchmarks/small_regression.py [VARIANT ...]   (default: all)
"""

import sys
import time
import warnings

import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.linear_model import RidgeCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR

from skdib import DistributedIBRegressor

N_TRAIN, N_TEST = 309, 1000

VARIANTS = {
    "current": {},
    "means": dict(predict_samples=0),
    "small": dict(encoder_hidden=(16, 16), decoder_hidden=(32, 32)),
    "encoders2x32": dict(encoder_hidden=(32, 32)),
    "steps1000": dict(n_pretrain_steps=200, n_steps=1000),
    "beta3": dict(beta_end=3.0),
    "linear_readout": dict(decoder_hidden=()),
    "samples32": dict(predict_samples=32),  # the regressor's default before 0.2
    "no_decay": dict(weight_decay=0.0),  # the small-table recipe before 0.3
}


def linear(seed):
    rng = np.random.default_rng(100 + seed)
    mixing = rng.normal(size=(10, 10)) * 0.4 + np.eye(10)
    X = rng.normal(size=(N_TRAIN + N_TEST, 10)) @ mixing
    weights = rng.normal(size=10) * (rng.random(10) < 0.6)
    signal = X @ weights
    return X, signal + rng.normal(scale=signal.std(), size=len(X))


def friedman(seed):
    return make_friedman1(n_samples=N_TRAIN + N_TEST, noise=3.0,
                          random_state=200 + seed)


def interaction(seed):
    """A product of two columns plus a third: no additive model fits it."""
    rng = np.random.default_rng(300 + seed)
    X = rng.normal(size=(N_TRAIN + N_TEST, 10))
    signal = X[:, 0] * X[:, 1] + 0.5 * X[:, 2]
    return X, signal + rng.normal(scale=0.5, size=len(X))


def main():
    warnings.simplefilter("ignore")
    names = sys.argv[1:] or list(VARIANTS)
    for family, make in (("linear", linear), ("friedman", friedman),
                         ("interaction", interaction)):
        for seed in range(3):
            X, y = make(seed)
            X_tr, y_tr, X_te, y_te = X[:N_TRAIN], y[:N_TRAIN], X[N_TRAIN:], y[N_TRAIN:]
            svr = make_pipeline(StandardScaler(), SVR())
            base = max(RidgeCV().fit(X_tr, y_tr).score(X_te, y_te),
                       svr.fit(X_tr, y_tr).score(X_te, y_te))
            cells = []
            for name in names:
                start = time.perf_counter()
                model = DistributedIBRegressor(random_state=seed, **VARIANTS[name])
                gap = model.fit(X_tr, y_tr).score(X_te, y_te) - base
                cells.append(f"{name} {gap:+.3f} ({time.perf_counter() - start:.0f} s)")
            print(f"{family} {seed} | baseline {base:.3f} | " + " | ".join(cells),
                  flush=True)


if __name__ == "__main__":
    main()
