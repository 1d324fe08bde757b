"""Finding the sweep to plot inside the objects that hold it.

Each test failed before its fix: a Pipeline whose Distributed IB selector
was not fitted but whose last step was got a TypeError saying the "fitted"
Pipeline held no sweep, not the NotFittedError that the plots promise.
"""

import matplotlib
import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from skdib import DistributedIBClassifier, DistributedIBSelector
from skdib.plotting import plot_information_allocation, plot_information_plane

matplotlib.use("Agg")
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

TINY = dict(encoder_hidden=(8,), decoder_hidden=(8,), n_pretrain_steps=20,
            n_steps=40, n_checkpoints=3, random_state=0)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3))
    return X, (X[:, 0] > 0).astype(int)


def _selector():
    return DistributedIBSelector(DistributedIBClassifier(**TINY),
                                 n_features_to_select=2)


@pytest.mark.parametrize("plot", [plot_information_plane,
                                  plot_information_allocation])
def test_a_pipeline_whose_sweep_step_is_unfitted_is_not_fitted(data, plot):
    X, y = data
    pipe = Pipeline([("select", _selector()),
                     ("clf", LogisticRegression().fit(X, y))])  # last step fitted
    with pytest.raises(NotFittedError, match=r"not fitted.*\['select'\]"):
        plot(pipe)
    # the same with the selector a step deeper, in a nested Pipeline
    outer = Pipeline([("inner", pipe), ("last", LogisticRegression().fit(X, y))])
    with pytest.raises(NotFittedError, match=r"\['inner'\]\['select'\]"):
        plot(outer)
