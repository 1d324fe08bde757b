"""Many sweeps at once: a batched run of R folds equals R separate fits.

Tolerance. Replicate r draws the same batches and noise from the same seeds
as its separate fit, so the only difference is float32 rounding: the batched
kernels (one ``bmm`` over all replicates) round differently from the per-fold
ones (~1e-7 relative), and 300 Adam steps amplify that. How much depends on
the CPU's kernels as well as on the run: at learning rate 1e-2 one regression
fold sat near a channel's collapse, and with torch's portable kernels
(``ATEN_CPU_CAPABILITY=default``, as on a CPU without AVX2) its batched and
separate paths parted by 0.04 bits and chose different points, while AVX2 and
AVX-512 kernels kept them within 1e-6. The comparisons below therefore train
at 3e-3 (:data:`EQUAL_RUNS`), where the largest gap, measured with the
default, AVX2 and AVX-512 kernels alike, is 1.2e-5 bits and 2.1e-4 in a
regression validation loss (bits per sample), five to ten times under the
tolerance. Elsewhere up to ~5e-5 relative on a channel's 23 weakly bounded
bits. The bounds of a channel that carries many bits amplify it most: with
the classifier's label smoothing, 0.0025 bits (2.6e-4 relative) on a channel's
9.4 bits at the second checkpoint, 1.4e-4 relative without.
``ATOL_BITS = 1e-3`` plus ``RTOL = 1e-3`` leave room for other BLAS
builds and for an int8 snapshot code rounding to its neighbour, while a real
mistake (a replicate with another's seed, rows or initialisation) moves the
bits by whole bits: ``test_a_wrong_seed_is_caught`` checks that the tolerance
tells the two apart.
"""

import numpy as np
import pytest

from skdib import DistributedIBClassifier, DistributedIBRegressor
from skdib._backend import facade
from skdib._dib._replicated_fit import batching_obstacle, fit_on_splits, use_batching
from skdib.compare import cross_validate_path
from skdib.exceptions import DivergenceError

ATOL_BITS = 1e-3  # bits, losses (bits per sample) and R²
RTOL = 1e-3  # on bits and losses
ATOL_PROBA = 1e-3
# posterior means: a snapshot's int8 code of one encoder weight may round to
# its neighbour (measured: 1.7e-3 on one fold's last checkpoint, with the
# predicted probabilities equal to 1e-5)
ATOL_MEANS = 5e-3
# the settings of the batched-versus-separate comparisons (module docstring)
EQUAL_RUNS = dict(learning_rate=3e-3, weight_decay=0.0)


@pytest.fixture(scope="module")
def tasks():
    """A classification and a regression task on the same 4 columns."""
    rng = np.random.default_rng(3)
    X = rng.normal(size=(240, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    t = X[:, 0] + 0.5 * X[:, 1] + 0.3 * rng.normal(size=240)
    return X, {"classification": (DistributedIBClassifier, y),
               "regression": (DistributedIBRegressor, t)}


@pytest.fixture(scope="module", params=["classification", "regression"])
def both_ways(request, tasks, tiny_params):
    """The same cross-validated path, batched and fold by fold."""
    X, by_task = tasks
    cls, y = by_task[request.param]
    # Plain Adam (the small-table recipe would decay the weights): with the
    # decay, one of these folds' batched and separate paths drifted apart to
    # 0.009 bits from the first checkpoint on. Adam divides each gradient by
    # the root of its running square plus 1e-8, so weights whose gradients
    # the decay has made tiny take near-full steps in the direction of their
    # rounding error. With eps = 1e-5 the gap was 9e-7 bits again, so it is
    # that rounding, not the batching; test_batched_runs_apply_the_decay
    # checks the decay itself.
    est = cls(**{**tiny_params, **EQUAL_RUNS})
    runs = {batched: cross_validate_path(est, X, y, cv=3, random_state=0,
                                         return_estimators=True, batched=batched)
            for batched in (True, False)}
    return request.param, X, y, runs[True], runs[False]


def test_batched_paths_equal_the_separate_fits(both_ways):
    task, _, y, batched, separate = both_ways
    np.testing.assert_array_equal(batched.beta, separate.beta)
    for name in ("information", "loss_train", "loss_val"):
        np.testing.assert_allclose(getattr(batched, name), getattr(separate, name),
                                   rtol=RTOL, atol=ATOL_BITS, err_msg=name)
    for a, b in zip(batched.estimators, separate.estimators, strict=True):
        pa, pb = a.information_path_, b.information_path_
        np.testing.assert_allclose(pa.kl, pb.kl, rtol=RTOL, atol=ATOL_BITS)
        np.testing.assert_array_equal(a.checkpoint_steps_, b.checkpoint_steps_)
        np.testing.assert_allclose(pa.kl_drift, pb.kl_drift, rtol=1e-3, atol=1e-3)
    # one validation row may flip its predicted class, nothing more
    n_val = min(len(test) for _, test in batched.folds)
    atol = 1.01 / n_val if task == "classification" else ATOL_BITS
    np.testing.assert_allclose(batched.score, separate.score, rtol=0, atol=atol)
    # the paths are not trivially equal: there is information to compare
    assert batched.information.max() > 0.5


def test_batched_runs_apply_the_decay(tasks, tiny_params):
    X, by_task = tasks
    cls, y = by_task["classification"]
    params = dict(tiny_params, n_pretrain_steps=0, n_steps=20, n_checkpoints=2,
                  learning_rate=1e-3, keep_snapshots="exact",
                  information_bounds=False)
    shrink = {}
    for decay in (0.0, 50.0):
        for batched in (True, False):
            run = cross_validate_path(cls(weight_decay=decay, **params), X, y,
                                      cv=2, random_state=0, batched=batched,
                                      return_estimators=True)
            snaps = run.estimators[0]._snapshots
            first, last = (snaps[i]["encoder.layers.0.weight"] for i in (0, 1))
            shrink[decay, batched] = float(last.norm() / first.norm())
    # 19 steps at 1 - 1e-3 * 50 leave 0.95^19 = 0.38 of the norm
    assert shrink[50.0, True] == pytest.approx(shrink[50.0, False], rel=1e-3)
    assert shrink[50.0, True] < 0.5
    assert shrink[0.0, True] > 0.8


def test_fold_estimators_predict_alike(both_ways):
    task, X, y, batched, separate = both_ways
    for a, b in zip(batched.estimators, separate.estimators, strict=True):
        assert a.best_point_ == b.best_point_
        assert a.fit_status_ == b.fit_status_ == "complete"
        assert a.n_validation_samples_ == b.n_validation_samples_
        for point in (0, -1):
            a.set_path_point(point)
            b.set_path_point(point)
            if task == "classification":
                np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X),
                                           rtol=0, atol=ATOL_PROBA)
            else:
                np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=0,
                                           atol=ATOL_PROBA * np.std(y))
            np.testing.assert_allclose(a.transform(X[:20]), b.transform(X[:20]),
                                       rtol=0, atol=ATOL_MEANS)
        a.set_path_point()
        b.set_path_point()


def test_a_wrong_seed_is_caught(both_ways, tiny_params):
    """Swapping two folds' seeds moves the paths far beyond the tolerance."""
    task, X, y, _, separate = both_ways
    cls = {"classification": DistributedIBClassifier,
           "regression": DistributedIBRegressor}[task]
    seeds = [est.random_state for est in separate.estimators]
    swapped = fit_on_splits(cls(**{**tiny_params, **EQUAL_RUNS}), X, y, separate.folds,
                            [seeds[1], seeds[0], seeds[2]], batched=True)
    info = np.stack([est.information_path_.information for est in swapped])
    assert np.abs(info[:2] - separate.information[:2]).max() > 20 * ATOL_BITS
    np.testing.assert_allclose(info[2], separate.information[2], rtol=RTOL,
                               atol=ATOL_BITS)


def test_unequal_training_rows_are_padded(tasks, tiny_params):
    """Replicates with fewer rows than batch_size, and different numbers."""
    X, by_task = tasks
    _, t = by_task["regression"]
    rows = np.arange(len(X))
    splits = [(rows[:50], rows[50:120]), (rows[100:170], rows[:100])]
    est = DistributedIBRegressor(**{**tiny_params, "batch_size": 128})
    # Seeds 1 and 2 put the first replicate's sweep on a knife-edge: a change
    # of 3e-7 in its loss, the size of the padded mean's rounding, moved its
    # bits by 0.08 (measured); this test is about padding, not chaos.
    runs = [fit_on_splits(est, X, t, splits, [3, 4], batched=batched)
            for batched in (True, False)]
    for a, b in zip(*runs, strict=True):
        np.testing.assert_allclose(a.information_path_.information,
                                   b.information_path_.information, rtol=RTOL,
                                   atol=ATOL_BITS)
        np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=0,
                                   atol=ATOL_PROBA)


def test_class_weight_falls_back_to_separate_fits(tasks, tiny_params):
    X, by_task = tasks
    _, y = by_task["classification"]
    est = DistributedIBClassifier(**{**tiny_params, "class_weight": "balanced"})
    assert "class_weight" in batching_obstacle(est)
    runs = [cross_validate_path(est, X[:150], y[:150], cv=2, random_state=1,
                                batched=batched) for batched in (True, False)]
    # the very same fits, not merely close ones
    np.testing.assert_array_equal(runs[0].information, runs[1].information)


def test_folds_with_other_auto_settings_keep_their_own(tiny_params):
    """Below 1000 training rows the continuous recipe decays the weights;
    from 1000 on it does not. Folds on either side of that line must each
    train with their own recipe (a batched run trained every fold with the
    first fold's, while their recipe_ said otherwise)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1400, 2))
    y = (X[:, 0] > 0).astype(int)
    rows = np.arange(len(X))
    splits = [(rows[:999], rows[1000:]), (rows[:1000], rows[1000:])]
    est = DistributedIBClassifier(**{**tiny_params, "encoder_hidden": (8,)})
    runs = [fit_on_splits(est, X, y, splits, [3, 4], batched=batched)
            for batched in (True, False)]
    assert [e.recipe_["weight_decay"] for e in runs[0]] == [0.3, 0.0]
    for a, b in zip(*runs, strict=True):
        np.testing.assert_array_equal(a.information_path_.information,
                                      b.information_path_.information)


def test_non_dib_estimators_are_not_batched():
    from sklearn.linear_model import LogisticRegression

    assert "LogisticRegression" in batching_obstacle(LogisticRegression())
    assert batching_obstacle(DistributedIBClassifier()) is None


def test_auto_batches_on_a_gpu_only(tiny_params, monkeypatch):
    from skdib._dib import _replicated_fit

    est = DistributedIBClassifier(**tiny_params)
    assert not use_batching("auto", est)
    assert use_batching(True, est) and not use_batching(False, est)
    monkeypatch.setattr(_replicated_fit.facade, "device_type", lambda d: "cuda")
    assert use_batching("auto", est)
    weighted = DistributedIBClassifier(**{**tiny_params, "class_weight": "balanced"})
    assert not use_batching("auto", weighted) and not use_batching(True, weighted)


def test_contrastive_folds_of_unequal_batches_fit_one_by_one(tasks, tiny_params):
    """An InfoNCE head's batch is its negatives, so folds smaller than a batch
    and of different sizes cannot share a step: as documented for batched,
    they are fitted fold by fold, not refused."""
    X, by_task = tasks
    _, t = by_task["regression"]
    rows = np.arange(len(X))
    est = DistributedIBRegressor(**{**tiny_params, "head": "infonce",
                                    "batch_size": 128})
    splits = [(rows[:50], rows[50:]), (rows[:60], rows[60:])]
    batched = fit_on_splits(est, X, t, splits, [1, 2], batched=True)
    alone = fit_on_splits(est, X, t, splits, [1, 2], batched=False)
    for a, b in zip(batched, alone, strict=True):
        np.testing.assert_array_equal(a.information_path_.score_val,
                                      b.information_path_.score_val)
    # the batched run itself still refuses them, naming the reason
    with pytest.raises(ValueError, match="contrastive.*batch"):
        facade.fit_replicates([f.network_ for f in batched],
                              [(X[:50], t[:50], X[50:], t[50:]),
                               (X[:60], t[:60], X[60:], t[60:])],
                              batched[0]._train_config(), seeds=[1, 2],
                              device="cpu", y_dtype="float32")


def test_diverged_replicates_are_named(tasks, tiny_params, monkeypatch):
    """Every fold of a batched run diverges (in pretraining, at the first
    loss check): the error names them all, holds one entry per fold, None
    for each (neither kept a checkpoint), and the group cost its one
    stopped run plus a fit per fold, no second batched run."""
    X, by_task = tasks
    _, t = by_task["regression"]
    real, runs = facade.fit_replicates, []

    def spy(nets, *args, **kwargs):
        runs.append(len(nets))
        return real(nets, *args, **kwargs)

    monkeypatch.setattr(facade, "fit_replicates", spy)
    est = DistributedIBRegressor(**{**tiny_params, "learning_rate": 1e6})
    with pytest.raises(DivergenceError, match="Folds 0, 1 of 2 diverged") as info:
        cross_validate_path(est, X, 1e3 * t, cv=2, random_state=0, batched=True)
    error = info.value
    assert error.fold == 0 and error.fitted == [None, None]
    assert error.step == 50 and len(error.splits) == 2
    assert "No checkpoint had been reached" in str(error)
    assert runs == [2]
