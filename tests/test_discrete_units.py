"""Units behind the discrete channels' bits: the rows counted, the probe
rows, the plug-in bias, and the fallbacks of checkpoints recorded before
``mixture_kl`` and ``nce_ceiling`` were."""

import math

import numpy as np
import pytest
import torch

from skdib._backend.dib._mixture import mixture_information, plug_in_bias
from skdib._dib._estimates import combine_estimates, counted_rows, probe_rows

LN2 = math.log(2.0)


def _data(val_in_train):
    X_train = np.arange(12.0).reshape(6, 2)
    return {"X_train": X_train, "X_val": X_train[:2] + 100,
            "w_train": np.full(6, 1.0), "w_val": np.array([2.0, 0.0]),
            "w_all": np.arange(8.0), "val_in_train": val_in_train}


def test_counted_rows_count_every_row_once():
    X_val, w, rows = counted_rows(_data(False))
    assert rows == "all" and len(X_val) == 2 and w is not None and len(w) == 8
    # validation_fraction=0: the held-out rows are the training rows
    X_val, w, rows = counted_rows(_data(True))
    assert rows == "all" and len(X_val) == 0 and len(w) == 6
    # a sweep an older skdib started: the held-out rows alone
    X_val, w, rows = counted_rows(_data(False), rule=1)
    assert rows == "held_out" and X_val[0, 0] == 100 and w[0] == 2.0


def test_probe_rows_pad_short_channels_with_their_first_value():
    discrete = [(np.array([[0.0], [1.0]]), np.array([0.5, 0.5])), None,
                (np.array([[3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]),
                 np.full(3, 1 / 3))]
    channels = [[0], [1], [2, 3]]
    probes = probe_rows(discrete, channels, np.array([9.0, -1.0, 9.0, 9.0]))
    np.testing.assert_array_equal(probes, [[0, -1, 3, 4], [1, -1, 5, 6],
                                           [0, -1, 7, 8]])
    assert probe_rows([None, None], [[0], [1]], np.zeros(2)) is None


def _components(separated, V=5):
    mu = torch.zeros(1, V, 2, dtype=torch.float64)
    if separated:
        mu[0, :, 0] = 40.0 * torch.arange(V)
    return mu, torch.full_like(mu, -2.0), torch.full((1, V), 1.0 / V,
                                                     dtype=torch.float64)


@pytest.mark.parametrize("separated", [True, False])
def test_plug_in_bias_of_separated_and_unused_channels(separated):
    V, n = 5, 50
    mu, log_var, w = _components(separated, V)
    expected = (V - 1) / (2 * n) if separated else 0.0  # nats
    ratios = (1 / w) if separated else torch.ones_like(w)  # E_v[p(u|v)/p(u)]
    assert float(plug_in_bias(w, ratios, n)[0]) == pytest.approx(expected)
    # and as the standard error carries it, from the Monte Carlo ratios
    gen = torch.Generator().manual_seed(0)
    value, with_bias = mixture_information(mu, log_var, w, n_samples=64,
                                           generator=gen, n_rows=n)
    gen = torch.Generator().manual_seed(0)
    _, without = mixture_information(mu, log_var, w, n_samples=64,
                                     generator=gen, n_rows=n, bias=False)
    assert float(value[0]) == pytest.approx(math.log2(V) if separated else 0.0,
                                            abs=1e-6)
    added = float(with_bias[0] ** 2 - without[0] ** 2)
    assert added == pytest.approx((expected / LN2) ** 2, abs=1e-12)


def _estimates(**known):
    nan = np.full((1, 2), np.nan)
    out = {"nce_lower": np.array([[np.nan, 3.9]]),
           "loo_upper": np.array([[np.nan, 6.0]]),
           "sandwich_se": np.array([[np.nan, 0.1]]),
           "mixture": np.array([[0.5, np.nan]]),
           "mixture_se": np.array([[0.05, np.nan]]),
           "mixture_lower": np.array([[0.4, np.nan]]),
           "mixture_upper": np.array([[0.9, np.nan]])}
    out.update({k: nan if v is None else np.asarray(v) for k, v in known.items()})
    return out


def test_checkpoints_recorded_before_mixture_kl_cap_at_kl():
    kl = np.array([[0.7, 5.0]])
    discrete = [(np.zeros((2, 1)), np.full(2, 0.5)), None]
    for old in (_estimates(), _estimates(mixture_kl=None)):  # absent or NaN
        out = combine_estimates(kl, old, discrete, 32)
        assert out["information_upper"][0, 0] == 0.7  # kl, not 0.9
        assert out["information"][0, 0] == 0.5
    new = combine_estimates(kl, _estimates(mixture_kl=[[0.8, np.nan]]),
                            discrete, 32)
    assert new["information_upper"][0, 0] == 0.8


def test_checkpoints_recorded_before_nce_ceiling_test_log2_k():
    kl = np.array([[0.7, 5.0]])
    discrete = [(np.zeros((2, 1)), np.full(2, 0.5)), None]
    for old in (_estimates(), _estimates(nce_ceiling=None)):
        # 3.9 >= log2(32) - 1 = 4? no; >= log2(16) - 1 = 3: yes
        assert not combine_estimates(kl, old, discrete, 32)["bounds_saturated"][0, 1]
        assert combine_estimates(kl, old, discrete, 16)["bounds_saturated"][0, 1]
    weighted = _estimates(nce_ceiling=[[np.nan, 4.5]])
    assert combine_estimates(kl, weighted, discrete, 32)["bounds_saturated"][0, 1]
