"""Settled checkpoints: the staircase schedule, the drift, and its use.

A sweep that collapses (all channels leaving together, as on parity-like
circuits) can be recorded half-way, channels fading at different speeds; that
state posed as a feature subset no optimum uses, and counted as a miss of the
subset frontier (circuit 9006, checkpoint 20: a 5-subset carrying 0.19 of
the 0.31 bits the best 5-subset carries).
"""

import pickle

import numpy as np
import pytest
import torch

from skdib import InformationPath
from skdib._backend.dib._schedule import beta_schedule, checkpoint_steps
from skdib._backend.dib._settling import HoldWindow
from skdib._dib._path import SETTLED_DRIFT
from skdib.datasets import path_subset_score, subset_information


@pytest.mark.parametrize("n_pre, n_steps, n_ckpt", [(5, 100, 5), (0, 301, 30),
                                                     (10, 40, 40)])
def test_staircase_meets_the_ramp_at_every_checkpoint_and_holds_there(
        n_pre, n_steps, n_ckpt):
    betas = beta_schedule(1e-4, 1.0, n_pre, n_steps, n_ckpt)
    at = checkpoint_steps(n_pre, n_steps, n_ckpt)
    ramp = np.geomspace(1e-4, 1.0, n_steps)  # the plain ramp, independently
    np.testing.assert_allclose(betas[at], ramp[at - n_pre], rtol=1e-12)
    assert betas.shape == (n_pre + n_steps,)
    assert np.all(np.diff(betas) >= 0)
    for a, b in zip(at[:-1], at[1:], strict=True):
        held = np.sum(betas[a + 1:b + 1] == betas[b])
        assert held >= (b - a) // 2, (a, b, held)


def _window(series):
    window = HoldWindow()
    for row in series:
        window.add(0.5, torch.as_tensor(row))
    return np.asarray(window.drift())


def test_drift_tells_a_collapse_from_batch_noise():
    rng = np.random.default_rng(0)
    steps = 40
    steady = 2.0 * (1 + 0.05 * rng.standard_normal(steps))  # 5 % batch noise
    collapse = 2.0 * 0.9 ** np.arange(steps)  # loses 98 % over the hold
    unused = 0.01 * rng.random(steps)  # below 0.05 bits: relative noise ignored
    drift = _window(np.stack([steady, collapse, unused], axis=1))
    assert drift[0] < 0.1 * SETTLED_DRIFT
    assert drift[1] > 0.8
    assert drift[2] < SETTLED_DRIFT
    # replicates: one window, one drift per replicate and channel
    both = _window(np.stack([np.stack([steady, collapse], 1),
                             np.stack([collapse, steady], 1)], axis=1))
    np.testing.assert_allclose(both[0], both[1][::-1])


def test_a_new_beta_starts_a_new_window():
    window = HoldWindow()
    for _ in range(10):
        window.add(0.1, torch.tensor([5.0]))  # a different, earlier level
    for value in np.linspace(1.0, 1.0, 10):
        window.add(0.2, torch.tensor([value]))
    assert window.drift() == [0.0]


def _path(information, drift):
    information = np.asarray(information, dtype=float)
    n = len(information)
    return InformationPath(
        beta=np.geomspace(1e-3, 1, n), kl=information, information=information,
        loss_train=np.zeros(n), loss_val=np.zeros(n), score_val=np.zeros(n),
        feature_names=("a", "b", "c"), kl_drift=np.asarray(drift, dtype=float))


def test_one_channel_in_transit_is_settled_two_are_not():
    path = _path([[1, 1, 0]] * 4, [[0.9, 0.1, 0.0], [0.9, 0.7, 0.0],
                                  [np.nan, np.nan, np.nan], [0.1, 0.2, 0.0]])
    np.testing.assert_array_equal(path.settled, [True, False, True, True])
    assert np.all(_path([[1, 1, 0]], [[0.0, 0.0, 0.0]]).settled)


def test_subset_score_skips_unsettled_checkpoints():
    X = np.array([[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)])
    table = subset_information(X, X[:, 0])  # only feature a informs y
    bits = [[1, 1, 1], [1, 0, 0], [0, 1, 0.9]]  # {a}: on; {b, c}: off
    moving = [[0, 0, 0], [0, 0, 0], [0.8, 0.9, 0.5]]
    path = _path(bits, moving)
    assert path_subset_score(path, table) == 1.0
    assert path_subset_score(path, table, skip_unsettled=False) == 0.5
    assert path_subset_score(np.asarray(bits, float), table) == 0.5


def test_a_path_pickled_without_drift_counts_as_settled():
    path = _path([[1, 0, 0]] * 2, [[0.9, 0.9, 0.9]] * 2)
    assert not path.settled.any()
    state = pickle.loads(pickle.dumps(path))
    del state.__dict__["kl_drift"]  # as an estimator pickled by 0.1 loads
    assert state.settled.all()


@pytest.mark.slow
def test_subsets_off_the_frontier_were_caught_mid_transition():
    """On these four circuits (among those the rule was chosen on) the
    default sweep met a proper subset off the exact frontier at one
    checkpoint each: a jump (from all inputs to none, or from eight to two)
    caught half-way, and each was marked unsettled. On another CPU the sweeps
    may catch other checkpoints, or none, so the test pools the four: at
    least one caught, and most of those caught marked."""
    from skdib import DistributedIBClassifier
    from skdib.datasets import make_boolean_circuit

    n_caught = n_marked = 0
    for seed in (9006, 9043, 11030, 11043):
        circuit = make_boolean_circuit(10, random_state=seed)
        table = subset_information(circuit.X, circuit.y)
        path = DistributedIBClassifier(random_state=0).fit(
            circuit.X, circuit.y).information_path_
        _, details = path_subset_score(path, table, skip_unsettled=False,
                                       return_details=True)
        off = details[details["proper"] & ~details["on_frontier"]]
        masks = (path.information > 0.05).astype(int) @ (1 << np.arange(10))
        caught = np.isin(masks, off["mask"].to_numpy())
        n_caught += int(caught.sum())
        n_marked += int((~path.settled[caught]).sum())
    assert n_caught >= 1
    assert n_marked >= 0.5 * n_caught, (n_marked, n_caught)


def test_a_path_unsettled_everywhere_is_not_reported_as_empty():
    table = subset_information(np.array([[0, 0, 0], [0, 1, 1], [1, 0, 1],
                                         [1, 1, 0]]), np.array([0, 0, 1, 1]))
    path = _path([[1, 0.5, 0.5], [1, 0, 0]], [[0.9, 0.9, 0.9]] * 2)
    assert not path.settled.any()
    with pytest.warns(UserWarning, match="unsettled"):
        score, details = path_subset_score(path, table, return_details=True)
    assert np.isnan(score) and details.attrs["outcome"] == "no settled subset"
    assert path_subset_score(path, table, skip_unsettled=False) == 1.0
