"""Cross-validated and stability paths at the edges of their splits: a
single fold, replicates chosen on held-out rows, and classes missing from a
fold's or a half's training rows."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.model_selection import ShuffleSplit

from skdib import DistributedIBClassifier
from skdib.compare import cross_validate_path
from skdib.plotting import plot_information_plane
from skdib.selection import stability_paths

KW = dict(encoder_hidden=(8,), embedding_dim=2, decoder_hidden=(8,),
          n_pretrain_steps=30, n_steps=60, n_checkpoints=4, batch_size=64,
          learning_rate=1e-2)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 3))
    return X, (X[:, 0] > 0).astype(int)


def test_a_single_split_selects_its_best_point(data):
    """One fold has no standard errors (NaN): 'one_se' picks the most
    compressed point scoring as well as the best instead of raising an
    IndexError, and the path plots."""
    X, y = data
    res = cross_validate_path(
        DistributedIBClassifier(**KW), X, y,
        cv=ShuffleSplit(1, test_size=0.3, random_state=0), random_state=0)
    path = res.path
    assert np.isnan(path.score_val_se).all()
    point = path.select_point()
    best = path.select_point("best")
    assert point >= best and path.score_val[point] == path.score_val[best]
    plot_information_plane(path)
    plt.close("all")


def test_stability_paths_warn_that_replicates_choose_on_the_other_half(data):
    X, y = data
    est = DistributedIBClassifier(n_replicates=2, **KW)
    with pytest.warns(UserWarning, match="n_replicates=2 keeps.*other half"):
        stability_paths(est, X[:80], y[:80], n_resamples=2, random_state=0)


def test_a_fold_without_training_rows_of_a_class_is_named(data):
    """A one-member class is held out by the fold that holds it: refused
    before any fit, naming the fold and the class (not y_val, which the user
    never passed)."""
    X, y = data
    y = y.copy()
    y[0] = 2
    with pytest.warns(UserWarning), pytest.raises(
            ValueError, match=r"Fold \d of 3 has no training rows of classes "
            r"\[2\].*drop the rare classes"):
        cross_validate_path(DistributedIBClassifier(**KW), X, y, cv=3,
                            random_state=0)


def test_a_half_without_training_rows_of_a_class_is_named(data):
    X, y = data
    y = y.copy()
    groups = np.arange(len(y)) % 10
    y[groups == 0] = 2  # class 2 lives in group 0 only
    with pytest.raises(ValueError, match=r"Half \d of 4 has no training rows "
                       r"of classes \[2\].*several groups"):
        stability_paths(DistributedIBClassifier(**KW), X, y, n_resamples=4,
                        random_state=0, groups=groups)


def test_a_batched_run_stopped_by_one_fold_fits_each_fold_alone(
        data, monkeypatch):
    """A batched run that stops when one replicate diverges leaves the
    others halfway: every fold of the run is then fitted alone, with no new
    batched run, so a fold that diverges only in the batched run (float
    rounding) costs one fit, and the paths are those of the folds fitted one
    by one, exactly."""
    from skdib._backend import facade

    real, calls = facade.fit_replicates, []

    def diverge_once(nets, *args, **kwargs):
        calls.append(len(nets))
        if len(calls) == 1:
            raise facade.ReplicateDiverged(1, 7, 0.5, "loss is nan")
        return real(nets, *args, **kwargs)

    monkeypatch.setattr(facade, "fit_replicates", diverge_once)
    X, y = data
    runs = [cross_validate_path(DistributedIBClassifier(**KW), X, y, cv=3,
                                random_state=0, batched=batched)
            for batched in (True, False)]
    assert calls == [3]  # the stopped run, then the three folds alone
    np.testing.assert_array_equal(runs[0].information, runs[1].information)
    np.testing.assert_array_equal(runs[0].score, runs[1].score)

