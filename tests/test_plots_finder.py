"""Finding the sweep to plot inside the objects that hold it.

Each test failed before its fix: a Pipeline whose Distributed IB selector
was not fitted but whose last step was got a TypeError saying the "fitted"
Pipeline held no sweep, not the NotFittedError that the plots promise; the
plots did not look into a FeatureUnion, a ColumnTransformer or a
CalibratedClassifierCV, and said "holds no fitted Distributed IB estimator"
of those that held one; and one estimator object in two Pipeline steps
counted as two sweeps.
"""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import FeatureUnion, Pipeline

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


def _plane_x(fitted):
    """The abscissae the plane draws for ``fitted``: its sweep's total bits."""
    ax = plot_information_plane(fitted)
    plt.close(ax.figure)
    return ax.lines[0].get_xdata()


def test_plots_find_the_sweep_in_unions_and_column_transformers(data):
    X, y = data
    union = FeatureUnion([("s", _selector())]).fit(X, y)
    columns = ColumnTransformer([("s", _selector(), [0, 1, 2])]).fit(X, y)
    piped = Pipeline([("u", FeatureUnion([("s", _selector())])),
                      ("lr", LogisticRegression())]).fit(X, y)
    for fitted, sweep in ((union, union["s"].estimator_),
                          (columns, columns.named_transformers_["s"].estimator_),
                          (piped, piped["u"]["s"].estimator_)):
        np.testing.assert_allclose(_plane_x(fitted),
                                   sweep.information_path_.total_information)


def test_calibrated_copies_are_several_sweeps_and_one_object_counts_once(data):
    X, y = data
    calibrated = CalibratedClassifierCV(DistributedIBClassifier(**TINY),
                                        cv=2).fit(X, y)
    with pytest.raises(ValueError, match=r"2 fitted.*calibrated_classifiers_"
                                         r"\[0\]\.estimator.*\[1\]\.estimator"):
        plot_information_plane(calibrated)
    one = calibrated.calibrated_classifiers_[0].estimator
    twice = Pipeline([("a", one), ("b", one)])  # one estimator in two steps
    np.testing.assert_allclose(_plane_x(twice),
                               one.information_path_.total_information)


def test_no_sweep_error_says_where_it_looked(data):
    X, y = data
    search = GridSearchCV(LogisticRegression(), {"C": [1.0]}, cv=2,
                          refit=False).fit(X, y)
    with pytest.raises(TypeError, match=r"FeatureUnion.*ColumnTransformer.*"
                                        r"refit=False.*CalibratedClassifierCV"):
        plot_information_plane(search)
