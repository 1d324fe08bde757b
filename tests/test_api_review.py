"""scikit-learn conventions that a review of the public API found broken.

Each test failed before its fix: a numpy Generator as ``random_state`` (the
docstring promised it), integer column names with a categorical column,
``get_feature_names_out(input_features)`` ignoring the names, and a selector
that refused too large an ``n_features_to_select`` only after its sweep.
"""

import time

import numpy as np
import pandas as pd
import pytest
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdib import DistributedIBClassifier
from skdib.selection import DistributedIBSelector

TINY = dict(n_pretrain_steps=10, n_steps=40, n_checkpoints=3,
            information_bounds=False)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    return X, (X[:, 0] > 0).astype(int)


def test_generator_random_state_seeds_like_its_seed(data):
    X, y = data
    first, second = (DistributedIBClassifier(
        **TINY, random_state=np.random.default_rng(7)).fit(X, y) for _ in range(2))
    np.testing.assert_array_equal(first.information_path_.kl,
                                  second.information_path_.kl)


def test_integer_column_names_with_a_category(data):
    X, y = data
    frame = pd.DataFrame({0: X[:, 0], 1: np.where(X[:, 1] > 0, "u", "v"),
                          2: X[:, 2]})
    clf = DistributedIBClassifier(**TINY, random_state=0).fit(frame, y)
    assert clf.predict(frame).shape == y.shape
    with pytest.raises(ValueError, match=r"categorical columns \['1'\]"):
        clf.predict(frame.to_numpy())


def test_feature_names_out_follow_the_given_names(data):
    X, y = data
    clf = DistributedIBClassifier(**TINY, random_state=0,
                                  feature_groups=[[0, 1], [2]]).fit(X, y)
    dim = clf.recipe_["embedding_dim"]
    assert list(clf.get_feature_names_out()[::dim]) == ["x0+x1_u0", "x2_u0"]
    named = clf.get_feature_names_out(["age", "height", "weight"])
    assert list(named[::dim]) == ["age+height_u0", "weight_u0"]
    pipe = make_pipeline(StandardScaler(), DistributedIBClassifier(
        **TINY, random_state=0)).fit(
        pd.DataFrame(X, columns=["age", "height", "weight"]), y)
    assert pipe.get_feature_names_out()[0] == "age_u0"
    with pytest.raises(ValueError):
        clf.get_feature_names_out(["a", "b"])


def test_selector_refuses_more_channels_than_groups_before_fitting(data):
    X, y = data
    slow = DistributedIBClassifier(n_pretrain_steps=10, n_steps=20000,
                                   feature_groups=[[0, 1], [2]], random_state=0)
    start = time.perf_counter()
    with pytest.raises(ValueError, match="more than the 2 channels"):
        DistributedIBSelector(slow, n_features_to_select=3, cache=False).fit(X, y)
    assert time.perf_counter() - start < 5
