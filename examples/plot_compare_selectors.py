"""
Comparing feature selectors on an interaction task
===================================================

Which features matter when they only matter *together*? Here the target is

.. math:: y = \\operatorname{sign}(x_0 x_1) + x_2^2 + \\varepsilon,

hidden among noise columns. No column has a linear effect on y, and
:math:`x_0` and :math:`x_1` tell nothing about y on their own: only the pair
does (an XOR). We rank the features with several methods, keep the top k,
train the same downstream model (an RBF support-vector regressor) on the
same cross-validation folds, and plot the held-out R² against k, as in
Fig. 7 of the information-imbalance paper.

- ``dib``: :class:`~skdib.DistributedIBSelector`, the order in which one
  β sweep of the Distributed IB drops the features;
- ``ii_supervised``: greedy information imbalance towards y;
- ``lasso``: the order in which features enter the Lasso path;
- ``mutual_info``: univariate mutual information;
- ``random``: random orders (averaged).

``shap`` and ``sage`` can be added to ``methods`` when those packages are
installed.
"""

# %%
# The data
# --------
import os
from functools import partial

import matplotlib.pyplot as plt
import numpy as np
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR

from skdib import DistributedIBRegressor
from skdib.compare import compare_selectors, rank_dib

FAST = os.environ.get("SKDIB_EXAMPLES_FAST") == "1"
n_samples, n_noise = (300, 5) if FAST else (600, 10)

rng = np.random.default_rng(0)
X = rng.normal(size=(n_samples, 3 + n_noise))
y = np.sign(X[:, 0] * X[:, 1]) + X[:, 2] ** 2 + 0.1 * rng.normal(size=n_samples)

# %%
# The comparison
# --------------
# Each method ranks the features once per training fold; every k is read from
# that ranking. The DIB runs one short β sweep per fold. At full settings each
# sweep ends with a ``BetaRangeWarning`` (its channels still carry about 0.4 to
# 0.55 bits at ``beta_end``): the channels still on at the end are ordered by
# the bits they keep there, not by when they drop out. That only affects the
# order among the last few, not which columns the sweep has already dropped
# as noise, and its top three hold the three informative columns.
dib = DistributedIBRegressor(n_steps=300 if FAST else 1000,
                             n_pretrain_steps=100 if FAST else 200,
                             random_state=0)
methods = {
    "dib": partial(rank_dib, estimator=dib),
    "ii_supervised": "ii_supervised",
    "lasso": "lasso",
    "mutual_info": "mutual_info",
    "random": "random",
}
results = compare_selectors(
    X, y, methods=methods, k_values=[1, 2, 3, 5, 8, X.shape[1]],
    estimator=make_pipeline(StandardScaler(), SVR()),
    cv=2 if FAST else 3, random_state=0)
results.head()

# %%
# Mean held-out R² for each method and k, and the time each method took to
# rank the features of one fold:
summary = results.pivot_table(index="method", columns="k", values="score")
summary["ranking time (s)"] = results.groupby("method")["fit_time"].mean()
summary.round(2)

# %%
# Score against the number of selected features
# ---------------------------------------------
# With exactly the right three columns the SVR explains most of the
# variance: at full settings only the DIB gets there (R² 0.76 at k = 3). The
# other rankings catch up on the three columns later (``ii_supervised`` has
# all of them by k = 8 in every fold, every method at k = 13), but the noise
# columns that come along dilute the RBF kernel's distances: 0.55 for
# ``ii_supervised`` and 0.54 for the DIB at k = 8, 0.37 for every method at
# k = 13. The shortfall at large k is the noise, not a missed column.
try:
    from skdib.plotting import plot_selector_comparison
except ImportError:  # plain matplotlib
    plot_selector_comparison = None

if plot_selector_comparison is not None:
    ax = plot_selector_comparison(results)
else:
    fig, ax = plt.subplots(figsize=(6, 4))
    means = results.groupby(["method", "k"])["score"].mean().unstack("method")
    means.plot(ax=ax, marker="o")
    ax.set_xlabel("number of selected features k")
    ax.set_ylabel("R²")
ax.set_title("XOR + quadratic among noise")
plt.show()
