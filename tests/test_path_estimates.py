"""Bits per channel on the path: ordering, methods, discrete channels, and the
small defects of issue 12 (leakage, initialisation, checkpoint edge cases)."""

import numpy as np
import pytest

from skdib import DistributedIBClassifier, DistributedIBRegressor
from skdib._backend.dib._model import DistributedIBNet
from skdib._dib._estimates import MAX_DISCRETE_VALUES, discrete_channels
from skdib.datasets import make_boolean_circuit

# Default architecture, short schedule: the estimates, not the fit, are tested.
SHORT = dict(n_pretrain_steps=300, n_steps=600, n_checkpoints=8, batch_size=128)


def _mixed_table(seed, n=400, n_features=12):
    """Continuous, binary and small-integer columns; y from a few of them."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features))
    X[:, 1] = rng.integers(0, 2, n)
    X[:, 2] = rng.integers(0, 5, n)
    y = ((X[:, 0] + X[:, 1] - 0.5 * X[:, 2] + 0.3 * rng.normal(size=n)) > -0.5)
    return X, y.astype(int)


@pytest.fixture(scope="module", params=[11, 12, 13])
def small_fit(request):
    X, y = _mixed_table(request.param)
    return DistributedIBClassifier(random_state=request.param, **SHORT).fit(X, y)


def test_every_cell_is_ordered(small_fit):
    path = small_fit.information_path_
    lower, info, upper, kl = (path.information_lower, path.information,
                              path.information_upper, path.kl)
    tol = 1e-9
    assert np.all(lower >= -tol)
    assert np.all(lower <= info + tol)
    assert np.all(info <= upper + tol)
    continuous = np.array(path.information_method) == "sandwich"
    assert np.all(upper[:, continuous] <= kl[:, continuous] + tol)
    np.testing.assert_allclose(path.bounds_gap, upper - lower)
    # a discrete channel's cap: its values' mean KL over every row of the fit
    X, _ = _mixed_table(small_fit.random_state)
    for k in range(path.n_points):
        small_fit.set_path_point(index=k)
        mu, log_var = small_fit.encode(X)
        row_kl = 0.5 * (mu ** 2 + np.exp(log_var) - log_var - 1).sum(axis=2)
        cap = row_kl[~continuous].mean(axis=1) / np.log(2)
        assert np.all(upper[k, ~continuous] <= cap + 1e-5)


def test_methods_follow_the_number_of_distinct_values(small_fit):
    method = small_fit.information_path_.information_method
    assert method[1] == "mixture" and method[2] == "mixture"
    assert set(method[3:]) == {"sandwich"} and method[0] == "sandwich"
    frame = small_fit.information_path_.to_frame()
    assert set(frame.loc[frame.feature_index == 1, "information_method"]) == {
        "mixture"}
    assert {"bounds_gap", "bounds_saturated"} <= set(frame.columns)


def test_binary_channels_never_report_more_than_their_entropy():
    # I(U; X_i) <= H(X_i) = 1 bit for a uniform binary input, whatever the
    # encoder: a bound from outside the estimator.
    circuit = make_boolean_circuit(n_inputs=8, random_state=5)
    clf = DistributedIBClassifier(random_state=0, **SHORT).fit(circuit.X,
                                                               circuit.y)
    path = clf.information_path_
    assert set(path.information_method) == {"mixture"}
    assert path.information.max() <= 1.0 + 1e-6
    assert path.information_upper.max() <= 1.0 + 1e-6
    # the sharp early posteriors carry (nearly) the whole bit
    assert path.information[0].max() > 0.9


def test_bounds_do_not_depend_on_the_device_budget():
    # 30 continuous channels and 2000 held-out rows: bounds, not plain KL.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2500, 30))
    y = (X[:, 0] > 0).astype(int)
    clf = DistributedIBClassifier(
        device="cpu", encoder_hidden=(8,), embedding_dim=2, decoder_hidden=(16,),
        n_pretrain_steps=20, n_steps=40, n_checkpoints=2, batch_size=256,
        validation_fraction=0.8, random_state=0).fit(X, y)
    path = clf.information_path_
    assert path.has_bounds
    assert path.information_method == ("sandwich",) * 30
    assert path.bounds_batch_size == 1024
    assert not np.allclose(path.information, path.kl)


def test_without_bounds_the_method_says_kl():
    X, y = _mixed_table(0, n=120, n_features=3)
    clf = DistributedIBClassifier(information_bounds=False, n_pretrain_steps=10,
                                  n_steps=20, n_checkpoints=2,
                                  random_state=0).fit(X, y)
    path = clf.information_path_
    bounded = DistributedIBClassifier(n_pretrain_steps=10, n_steps=20,
                                      n_checkpoints=2, random_state=0).fit(X, y)
    kinds = {"mixture": "value_kl", "sandwich": "kl"}
    assert path.information_method == tuple(
        kinds[m] for m in bounded.information_path_.information_method)
    assert set(path.information_method) == {"value_kl", "kl"}
    np.testing.assert_array_equal(path.information, path.kl)
    assert path.bounds_gap is None


def test_discrete_detection_threshold():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.integers(0, MAX_DISCRETE_VALUES, 2000),
                         rng.integers(0, MAX_DISCRETE_VALUES + 1, 2000)
                         + np.arange(2000) % 2 * 0.0,
                         rng.normal(size=2000)]).astype(float)
    X[:MAX_DISCRETE_VALUES + 1, 1] = np.arange(MAX_DISCRETE_VALUES + 1)
    found = discrete_channels(X[:1500], X[1500:], [[0], [1], [2]])
    assert found[0] is not None and found[1] is None and found[2] is None
    values, weights = found[0]
    # every value of every row (training and held-out), at its frequency
    expected, counts = np.unique(X[:, 0], return_counts=True)
    np.testing.assert_array_equal(values[:, 0], expected)
    np.testing.assert_allclose(weights, counts / len(X))


# ------------------------------------------------------------ small defects
def test_regressor_standardises_with_training_rows_only():
    rng = np.random.default_rng(1)
    X, X_val = rng.normal(size=(80, 2)), rng.normal(size=(40, 2))
    y, y_val = rng.normal(size=80), 100.0 + rng.normal(size=40)
    reg = DistributedIBRegressor(n_pretrain_steps=5, n_steps=10, n_checkpoints=2,
                                 random_state=0).fit(X, y, X_val=X_val, y_val=y_val)
    np.testing.assert_allclose(reg._y_mean, [y.mean()])
    np.testing.assert_allclose(reg._y_scale, [y.std()])


def test_target_entropy_comes_from_the_training_labels():
    rng = np.random.default_rng(2)
    X, X_val = rng.normal(size=(100, 2)), rng.normal(size=(100, 2))
    y = np.r_[np.zeros(50), np.ones(50)].astype(int)     # H = 1 bit
    y_val = np.r_[np.zeros(90), np.ones(10)].astype(int)  # H = 0.469 bits
    clf = DistributedIBClassifier(n_pretrain_steps=5, n_steps=10, n_checkpoints=2,
                                  random_state=0).fit(X, y, X_val=X_val, y_val=y_val)
    assert clf.target_entropy_ == pytest.approx(1.0)


def test_each_channel_is_initialised_from_its_own_width():
    net = DistributedIBNet(
        channels=[[0], list(range(1, 17))], n_features=17, center=np.zeros(17),
        scale=np.ones(17), frequencies=[], encoder_hidden=(256,), embedding_dim=2,
        decoder_hidden=(8,), activation="relu", head="categorical", n_outputs=2)
    first = net.encoder.layers[0].weight.detach().abs()
    narrow, wide = first[0, :1].max().item(), first[1, :16].max().item()
    assert 0.95 < narrow <= 1.0            # 1 / sqrt(1)
    assert 0.95 * 0.25 < wide <= 0.25      # 1 / sqrt(16)


def test_a_single_checkpoint_is_the_final_state():
    X, y = _mixed_table(3, n=150, n_features=3)
    params = dict(n_pretrain_steps=10, n_steps=30, beta_start=1e-4, beta_end=0.5,
                  random_state=0)
    one = DistributedIBClassifier(n_checkpoints=1, keep_snapshots=False,
                                  **params).fit(X, y)
    assert one.information_path_.beta.tolist() == [0.5]
    assert one.checkpoint_steps_.tolist() == [39]


def test_more_checkpoints_than_steps_is_refused():
    X, y = _mixed_table(3, n=60, n_features=3)
    with pytest.raises(ValueError, match="n_checkpoints=12 is more than n_steps=10"):
        DistributedIBClassifier(n_checkpoints=12, n_steps=10).fit(X, y)
