"""Set models stopped part-way, resumed, and fitted as the best of R sweeps.

The same guarantees as the tabular estimators (``test_reliability.py``,
``test_best_of_replicates.py``): a divergence or Ctrl-C keeps the path up to
the last good checkpoint, ``continue_fit`` finishes it exactly as one
uninterrupted fit, and ``n_replicates`` keeps the replicate with the lowest
validation loss at every checkpoint, with replicate 0 the plain fit.
"""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError

import skdib._backend.dib._train as train_module
from skdib import DistributedIBSetClassifier
from skdib.exceptions import DivergenceError, SweepInterruptedWarning

PARAMS = dict(type_column=2, encoder_hidden=(16,), embedding_dim=2,
              decoder_width=16, n_pretrain_steps=30, n_steps=120, n_checkpoints=6,
              batch_size=32, learning_rate=3e-3, random_state=0)


def _sets(n, seed):
    """Sets of 3-6 typed points; y: a type-1 point within 1 of the centre."""
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.uniform(-2, 2, size=(n, 6, 2)),
                        rng.integers(0, 2, size=(n, 6, 1))], axis=-1)
    size = rng.integers(3, 7, size=n)
    X[np.arange(6)[None, :] >= size[:, None]] = np.nan
    near = (np.hypot(X[..., 0], X[..., 1]) < 1) & (X[..., 2] == 1)
    return X, near.any(axis=1).astype(int)


@pytest.fixture(scope="module")
def data():
    return (*_sets(300, 0), *_sets(150, 1))


@pytest.fixture(scope="module")
def plain(data):
    X, y, X_val, y_val = data
    return DistributedIBSetClassifier(**PARAMS).fit(X, y, X_val=X_val, y_val=y_val)


def test_divergence_keeps_the_finite_part_of_the_path(data, monkeypatch):
    X, y, X_val, y_val = data
    real = train_module._checkpoint
    calls = {"n": 0}

    def checkpoint(*args, **kwargs):
        point = real(*args, **kwargs)
        calls["n"] += 1
        if calls["n"] == 4:  # a non-finite checkpoint, on purpose
            point["kl"] = point["kl"] * np.nan
        return point

    monkeypatch.setattr(train_module, "_checkpoint", checkpoint)
    clf = DistributedIBSetClassifier(**PARAMS)
    with pytest.raises(DivergenceError, match="is kept on the estimator"):
        clf.fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.fit_status_ == "diverged"
    assert clf.information_path_.n_points == 3
    assert np.all(np.isfinite(clf.information_path_.information))
    assert np.all(np.isfinite(clf.predict_proba(X_val)))


def test_divergence_before_any_checkpoint_is_named(data):
    X, y, _, _ = data
    clf = DistributedIBSetClassifier(**{**PARAMS, "learning_rate": 1e4})
    with pytest.raises(DivergenceError, match="nothing was kept.*learning_rate"):
        clf.fit(X, y)
    with pytest.raises(NotFittedError):
        clf.predict(X)


def test_interrupted_fit_resumes_to_the_uninterrupted_path(
        data, plain, monkeypatch, interrupt_at_checkpoint):
    X, y, X_val, y_val = data
    clf = DistributedIBSetClassifier(**PARAMS)
    interrupt_at_checkpoint(4)
    with pytest.warns(SweepInterruptedWarning, match="continue_fit"), \
            pytest.raises(KeyboardInterrupt):
        clf.fit(X, y, X_val=X_val, y_val=y_val)
    monkeypatch.undo()
    assert clf.fit_status_ == "interrupted"
    assert clf.information_path_.n_points == 3
    with pytest.raises(ValueError, match="same X, y"):
        clf.continue_fit(X[:-1], y[:-1], X_val=X_val, y_val=y_val)
    clf.continue_fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.fit_status_ == "complete"
    for name in ("information", "loss_val", "score_val"):
        np.testing.assert_array_equal(getattr(clf.information_path_, name),
                                      getattr(plain.information_path_, name))
    np.testing.assert_array_equal(clf.predict_proba(X_val), plain.predict_proba(X_val))


def test_best_of_replicates_starts_from_the_plain_fit(data, plain):
    X, y, X_val, y_val = data
    best = DistributedIBSetClassifier(n_replicates=3, **PARAMS).fit(
        X, y, X_val=X_val, y_val=y_val)
    np.testing.assert_array_equal(best.replicate_loss_val_[0],
                                  plain.replicate_loss_val_[0])
    np.testing.assert_array_equal(best.information_path_.prediction_loss_val,
                                  best.replicate_loss_val_.min(axis=0))
    assert np.all(best.information_path_.prediction_loss_val
                  <= plain.information_path_.prediction_loss_val)
    # the rewound network is the one scored at its checkpoint
    idx = np.arange(len(y_val))
    for k in range(best.information_path_.n_points):
        best.set_path_point(k)
        loss = -np.mean(np.log2(best.predict_proba(X_val)[idx, y_val]))
        assert loss == pytest.approx(best.information_path_.prediction_loss_val[k],
                                     rel=1e-5, abs=1e-6)

