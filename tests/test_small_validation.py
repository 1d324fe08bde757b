"""Bits measured on a handful of held-out rows (tables of 20-40 rows).

Every checkpoint evaluates the sandwich bounds on the same draws. With two
batches of K = 7 rows, one unlucky draw repeated at every checkpoint read
0.00 bits for the only informative channel along the whole path, and the
report called it "never used" although the model used it. Small held-out
sets now get enough batches (``bounds_n_batches``), and a channel whose bits
stay below the threshold with a standard error above it is "undetermined".
"""

import warnings
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from skdib import DistributedIBRegressor, InformationPath
from skdib._cli.report._summary import THRESHOLD, UNDETERMINED, channel_summary
from skdib._dib._settings import BOUNDS_MIN_DRAWS, bounds_n_batches


def _plots(n=36, seed=3):
    """Field plots: the yield follows the temperature; soil and plot are noise.
    With seed 3 and ``random_state=0`` below, two batches of the 7 held-out
    rows read 0.00 bits for the temperature at every checkpoint."""
    rng = np.random.default_rng(seed)
    temp = rng.normal(20, 5, n)
    X = pd.DataFrame({"temp": temp.round(1),
                      "soil": rng.choice(["clay", "sand"], n),
                      "plot": rng.integers(1, 5, n)})
    return X, (3 * temp + rng.normal(0, 4, n)).round()


@pytest.fixture(scope="module")
def small_fit():
    X, y = _plots()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # few rows, short sweep
        return DistributedIBRegressor(
            categorical_features=["soil", "plot"], n_pretrain_steps=20,
            n_steps=60, n_checkpoints=5, random_state=0, n_threads=1).fit(X, y)


def test_bound_batches_reach_the_minimum_number_of_draws():
    assert [bounds_n_batches(k) for k in (2, 7, 100, 128, 1024)] == [
        128, 37, 3, 2, 2]
    assert all(bounds_n_batches(k) * k >= BOUNDS_MIN_DRAWS for k in range(2, 300))


def test_small_batches_cost_at_most_one_and_a_half_times_k_128():
    """The bounds cost batches x K² pairwise terms per channel. The extra
    batches of a small set make that at most 1.48 times the cost at K = 128
    (reached at K = 127), more than K = 128 only from K = 105 to 127."""
    cost = {k: bounds_n_batches(k) * k * k for k in range(1, 129)}
    ratio = {k: c / cost[128] for k, c in cost.items()}
    assert max(ratio.values()) == pytest.approx(1.4767, abs=1e-4)
    assert max(ratio, key=ratio.get) == 127
    assert [k for k, r in ratio.items() if r > 1] == list(range(105, 128))


def test_the_informative_channel_is_not_zeroed_by_one_draw(small_fit):
    path = small_fit.information_path_
    assert small_fit.n_validation_samples_ == 7
    temp = path.information[:, 0]
    # two batches gave 0.00 at all 5 points; 37 give 0.18-0.31
    assert temp.min() > THRESHOLD
    assert np.all(path.information_lower[:, 0] <= temp)
    assert np.all(temp <= path.information_upper[:, 0])
    status = channel_summary(small_fit).set_index("channel")["status"]
    assert status["temp"] != "never used"


def _summary_of(information, se):
    """The report's channel table for a hand-made path of two points."""
    information = np.asarray(information, dtype=float)
    path = InformationPath(
        beta=np.array([0.01, 1.0]), kl=information + 0.5, information=information,
        loss_train=np.zeros(2), loss_val=np.zeros(2), score_val=np.zeros(2),
        feature_names=("a", "b", "c"), information_se=np.asarray(se, dtype=float))
    est = SimpleNamespace(information_path_=path, channels_=[[0], [1], [2]],
                          best_point_=0, n_features_in_=3,
                          feature_names_in_=np.array(["a", "b", "c"]))
    return channel_summary(est).set_index("channel")["status"]


def test_a_channel_below_the_threshold_with_a_wide_error_is_undetermined():
    status = _summary_of([[0.0, 0.0, 1.0], [0.01, 0.0, 1.0]],
                         [[0.29, 0.01, 0.2], [0.1, 0.02, 0.2]])
    assert status.to_dict() == {"c": "kept to the end", "a": UNDETERMINED,
                                "b": "never used"}
    # without standard errors (a path without bounds) nothing changes
    assert _summary_of([[0.0, 0.0, 1.0]] * 2, [[np.nan] * 3] * 2)["a"] == "never used"


def test_set_estimators_give_a_rare_type_the_same_number_of_draws(monkeypatch):
    """A rare element type's bounds average batches x K >= BOUNDS_MIN_DRAWS
    too (the set estimators kept 2 batches: 6 draws for a type with 3
    validation elements)."""
    import skdib._backend.sets._information as set_information
    from skdib import DistributedIBSetRegressor

    seen, real = [], set_information.mi_bounds

    def spy(mu, log_var, *, batch_size, n_batches, **kwargs):
        seen.append((min(batch_size, mu.shape[0]), n_batches))
        return real(mu, log_var, batch_size=batch_size, n_batches=n_batches,
                    **kwargs)

    monkeypatch.setattr(set_information, "mi_bounds", spy)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 4, 2))
    X[..., 1] = 0
    X[:, 0, 1] = np.where(rng.random(40) < 0.25, 1, np.nan)  # a rare type 1
    X[np.isnan(X[..., 1])] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        DistributedIBSetRegressor(
            type_column=1, encoder_hidden=(8,), decoder_width=8,
            n_pretrain_steps=5, n_steps=20, n_checkpoints=2, n_threads=1,
            random_state=0).fit(X, np.nansum(X[..., 0], axis=1))
    assert min(k for k, _ in seen) < 8  # the rare type has a few elements
    for k, n_batches in seen:
        assert k * n_batches >= BOUNDS_MIN_DRAWS
