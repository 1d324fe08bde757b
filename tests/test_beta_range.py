"""The β range is checked against the fitted path (skdib/_dib/_beta_range.py).

The fits use a threshold task (y = 1[x0 > 0]): with β far below 1 the channel
keeps its bit, and only β well past 1 (the Lagrangian's tie between the bit
and nothing for a noise-free target) empties it.
"""

import warnings

import numpy as np
import pytest

from skdib import DistributedIBClassifier, InformationPath
from skdib._dib._beta_range import beta_range_problems
from skdib.exceptions import BetaRangeWarning


@pytest.fixture(scope="module")
def threshold_task():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(300, 2))
    return X, (X[:, 0] > 0).astype(int)


def _beta_warnings(est, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        est.fit(X, y)
    return [str(w.message) for w in caught
            if issubclass(w.category, BetaRangeWarning)]


def test_a_range_that_stops_early_is_named(threshold_task, tiny_params):
    X, y = threshold_task
    est = DistributedIBClassifier(**{**tiny_params, "beta_end": 1e-3})
    messages = _beta_warnings(est, X, y)
    assert len(messages) == 1 and "raise beta_end" in messages[0]
    # the warning names the bits left, read off the fitted path
    assert f"{est.information_path_.total_information[-1]:.2f} bits" in messages[0]
    assert est.fit_status_ == "complete"  # the fit is kept as it is


def test_a_range_past_the_tie_passes(threshold_task, tiny_params):
    X, y = threshold_task
    est = DistributedIBClassifier(**{**tiny_params, "beta_start": 1e-6,
                                     "beta_end": 30.0})
    assert _beta_warnings(est, X, y) == []
    assert est.information_path_.total_information[-1] < 0.1
    assert est.score(X, y) > 0.9


def test_a_start_that_already_compresses_is_named(threshold_task, tiny_params):
    X, y = threshold_task
    est = DistributedIBClassifier(**{**tiny_params, "beta_start": 0.3,
                                     "beta_end": 30.0})
    messages = _beta_warnings(est, X, y)
    assert len(messages) == 1 and "smaller beta_start" in messages[0]


def _path(loss, diff_se, total_end=0.0):
    n = len(loss)
    info = np.linspace(5.0, total_end, n)[:, None]
    return InformationPath(
        beta=np.geomspace(1e-3, 1.0, n), kl=info, information=info,
        loss_train=np.zeros(n), loss_val=np.zeros(n), score_val=np.zeros(n),
        feature_names=("x0",), prediction_loss_val=np.asarray(loss),
        prediction_loss_diff_se=np.asarray(diff_se))


@pytest.mark.parametrize("loss, diff_se, flagged", [
    ([0.10, 0.30, 0.50, 0.6], [0.0, 0.05, 0.1, 0.1], True),  # a lasting rise
    ([0.10, 0.12, 0.50, 0.6], [0.0, 0.05, 0.1, 0.1], False),  # within the noise
    ([0.10, 0.30, 0.11, 0.6], [0.0, 0.05, 0.05, 0.1], False),  # one noisy point
    ([0.000, 0.005, 0.008, 0.6], [0.0, 0.0, 0.0, 0.1], False),  # both near 0
    ([0.20, 0.10, 0.50, 0.6], [0.05, 0.0, 0.1, 0.1], False),  # lowest later
])
def test_the_start_rule_uses_the_paired_standard_error(loss, diff_se, flagged):
    problems = beta_range_problems(_path(loss, diff_se))
    assert any("beta_start" in p for p in problems) is flagged


@pytest.mark.parametrize("end_bits, flagged", [(0.05, False), (0.5, True)])
def test_the_end_rule_reads_the_last_total(end_bits, flagged):
    problems = beta_range_problems(_path([0.3, 0.2, 0.4, 0.5], [0.1, 0.0, 0.1, 0.1],
                                         total_end=end_bits))
    assert any("beta_end" in p for p in problems) is flagged
