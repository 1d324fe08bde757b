"""Resuming a stopped sweep together with the estimator's options.

Each case here failed before: a new learning rate that was recorded but not
used, replicates that all diverged and lost the path, inputs that could not
be resumed although unchanged, and refused calls that left the estimator
changed.
"""

import numpy as np
import pandas as pd
import pytest
from sklearn.utils._param_validation import InvalidParameterError

import skdib._backend.dib._train as train_module
from skdib import DistributedIBClassifier
from skdib.exceptions import DivergenceError, SweepInterruptedWarning

PARAMS = dict(encoder_hidden=(16,), embedding_dim=2, decoder_hidden=(16,),
              n_pretrain_steps=20, n_steps=120, n_checkpoints=6, batch_size=64,
              learning_rate=1e-2, random_state=3)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    return X, (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)


@pytest.fixture
def interrupted(monkeypatch, interrupt_at_checkpoint):
    """``stop(estimator, X, y)``: the estimator's fit stopped by Ctrl-C at
    its fourth checkpoint (three kept)."""
    def stop(estimator, X, y, **fit_params):
        interrupt_at_checkpoint(4)
        with pytest.warns(SweepInterruptedWarning), pytest.raises(KeyboardInterrupt):
            estimator.fit(X, y, **fit_params)
        monkeypatch.undo()
        assert estimator.information_path_.n_points == 3
        return estimator

    return stop


def test_a_new_learning_rate_trains_the_rest_of_the_path(data, interrupted):
    X, y = data
    same = interrupted(DistributedIBClassifier(**PARAMS), X, y).continue_fit(X, y)
    slower = interrupted(DistributedIBClassifier(**PARAMS), X, y)
    slower.set_params(learning_rate=1e-4).continue_fit(X, y)
    kl_same, kl_slower = same.information_path_.kl, slower.information_path_.kl
    np.testing.assert_array_equal(kl_same[:3], kl_slower[:3])  # kept as it was
    # the restored optimizer used to keep training at 1e-2 after the warm-up
    assert np.abs(kl_same[3:] - kl_slower[3:]).max() > 1e-3
    assert slower.recipe_["learning_rate"] == 1e-4


def test_every_replicate_diverging_keeps_the_path(data, monkeypatch):
    """From the fourth checkpoint on every score is NaN: replicate 0 keeps
    three points, replicate 1 diverges at its first. The fit must raise a
    DivergenceError with those three points kept (it crashed, losing them)."""
    X, y = data
    real, calls = train_module._checkpoint, {"n": 0}

    def checkpoint(*args, **kwargs):
        point = real(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] >= 4:
            point["kl"] = point["kl"] * np.nan
        return point

    monkeypatch.setattr(train_module, "_checkpoint", checkpoint)
    clf = DistributedIBClassifier(**PARAMS, n_replicates=2)
    with pytest.warns(RuntimeWarning, match="Replicate"):
        with pytest.raises(DivergenceError, match="is kept on the estimator"):
            clf.fit(X, y)
    assert clf.fit_status_ == "diverged"
    assert clf.information_path_.n_points == 3
    assert np.all(np.isfinite(clf.predict_proba(X)))


def test_unused_categorical_column_resumes(data, interrupted):
    """A categorical column in no channel is left unread once fitted; the
    resumed sweep must still see the data fit saw (it was refused as
    "other data")."""
    X, y = data
    frame = pd.DataFrame(X, columns=list("abcd"))
    frame["site"] = np.random.default_rng(1).choice(["u", "v", "w"], size=len(X))
    params = dict(PARAMS, feature_groups=["a", "b", "c", "d"])
    reference = DistributedIBClassifier(**params).fit(frame, y)
    clf = interrupted(DistributedIBClassifier(**params), frame, y)
    with pytest.raises(ValueError, match="DataFrame with categorical columns"):
        clf.continue_fit(frame.to_numpy(), y)
    clf.continue_fit(frame, y)
    np.testing.assert_array_equal(clf.information_path_.kl,
                                  reference.information_path_.kl)
    # and with an explicit validation frame
    held = dict(X_val=frame[200:], y_val=y[200:])
    clf = interrupted(DistributedIBClassifier(**params), frame[:200], y[:200],
                      **held)
    clf.continue_fit(frame[:200], y[:200], **held)
    assert clf.fit_status_ == "complete"


@pytest.mark.parametrize("groups", [
    [np.arange(2), [2], [3]],
    {"pos": np.arange(2), "rest": np.array([2, 3])},
])
def test_array_feature_groups_resume(data, interrupted, groups):
    X, y = data
    clf = interrupted(DistributedIBClassifier(**PARAMS, feature_groups=groups), X, y)
    clf.continue_fit(X, y)
    assert clf.fit_status_ == "complete"
    clf.fit_status_ = "interrupted"
    clf.set_params(feature_groups=[np.arange(3), [3]])
    with pytest.raises(ValueError, match="these did: feature_groups="):
        clf.continue_fit(X, y)


def test_a_sweep_stopped_on_another_device_resumes_with_a_warning(
        data, interrupted):
    """A CPU generator cannot load a CUDA generator's state (nor the other
    way round); a sweep stopped on a GPU machine resumes on a laptop,
    warning that the rest of its path is not the uninterrupted one."""
    X, y = data
    clf = interrupted(DistributedIBClassifier(**PARAMS), X, y)
    clf._resume_state["generator_device"] = "cuda"  # as saved on a GPU
    with pytest.warns(RuntimeWarning, match="stopped on a cuda device"):
        clf.continue_fit(X, y)
    assert clf.fit_status_ == "complete"
    assert clf.information_path_.n_points == PARAMS["n_checkpoints"]


def test_continue_fit_validates_its_parameters_first(data, interrupted):
    X, y = data
    clf = interrupted(DistributedIBClassifier(**PARAMS), X, y)
    proba = clf.predict_proba(X)
    for bad in (dict(select_point="Best"), dict(learning_rate=-1.0)):
        clf.set_params(**bad)
        with pytest.raises(InvalidParameterError, match=next(iter(bad))):
            clf.continue_fit(X, y)
        clf.set_params(**{k: PARAMS.get(k, "auto") for k in bad})
    # nothing ran: still the three kept points, predicting as before
    assert clf.fit_status_ == "interrupted"
    assert clf.information_path_.n_points == 3
    np.testing.assert_array_equal(clf.predict_proba(X), proba)


def test_a_refused_refit_changes_nothing(data, interrupted):
    X, y = data
    clf = interrupted(DistributedIBClassifier(**PARAMS), X, y)
    one_group = np.r_[np.zeros(len(X) - 1), 1]
    with pytest.raises(ValueError):
        clf.fit(X, y, groups=one_group)  # refused by the validation split
    clf.continue_fit(X, y)  # the stopped sweep still resumes
    assert clf.fit_status_ == "complete"
    labels = np.where(y == 1, "sick", "healthy")
    clf.fit(X, labels)
    proba = clf.predict_proba(X)
    other = np.where(y == 1, "wildtype", "mutant")
    with pytest.raises(ValueError, match="weight"):
        clf.fit(X, other, sample_weight=(y == 1).astype(float))
    # the fitted model keeps its classes (they were relabelled) and outputs
    assert list(clf.classes_) == ["healthy", "sick"]
    assert set(clf.predict(X)) <= {"healthy", "sick"}
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
