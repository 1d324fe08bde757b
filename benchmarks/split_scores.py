"""Default fits of several settings against a linear model on one split.

Shared by ``predict_samples.py`` and ``weight_decay.py``: each compares
settings of the estimator (``variants``: a name for each dict of
parameters) over the same estimator seeds on one train/test split.
"""

import numpy as np
from probability_gap import logistic_log_loss
from sklearn.linear_model import RidgeCV
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

from skdib import DistributedIBClassifier, DistributedIBRegressor


def classifier_ratios(X, y, split, variants, seeds):
    """{name: each seed's test log loss over a standardised logistic
    regression's} on the stratified 70/30 split ``split``."""
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, stratify=y,
                                              random_state=split)
    base = logistic_log_loss(X_tr, y_tr, X_te, y_te)
    return {name: np.array([
        log_loss(y_te, DistributedIBClassifier(**params, random_state=seed)
                 .fit(X_tr, y_tr).predict_proba(X_te)) / base
        for seed in seeds]) for name, params in variants.items()}


def regressor_scores(X, y, split, variants, seeds):
    """(RidgeCV's test R², {name: each seed's test R²}) on the 70/30 split
    ``split``."""
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3,
                                              random_state=split)
    ridge = RidgeCV().fit(X_tr, y_tr).score(X_te, y_te)
    return ridge, {name: np.array([
        DistributedIBRegressor(**params, random_state=seed)
        .fit(X_tr, y_tr).score(X_te, y_te) for seed in seeds])
        for name, params in variants.items()}
