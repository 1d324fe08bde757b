"""The regressor predicts the mean of its predictive distribution."""

import pickle

import numpy as np
import pytest
import torch

from skdib import DistributedIBRegressor

pytestmark = pytest.mark.filterwarnings("ignore::skdib.exceptions.BetaRangeWarning")

SHORT = dict(encoder_hidden=(16,), embedding_dim=2, decoder_hidden=(32,),
             n_pretrain_steps=100, n_steps=200, n_checkpoints=4,
             information_bounds=False, learning_rate=1e-2, random_state=0,
             # plain Adam: the small-table weight decay smooths the decoder so
             # much that, at this size, decoding the means is hardly off the
             # average, and the test below needs a decoder where it is
             weight_decay=0.0)


@pytest.fixture(scope="module")
def fitted():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = np.sin(2 * X[:, 0]) + X[:, 1] ** 2 + 0.1 * rng.normal(size=300)
    return X, DistributedIBRegressor(**SHORT).fit(X, y)


def _monte_carlo_mean(reg, X, n_draws, seed):
    """E over U ~ N(mu, sd^2) of the decoded mean, by independent sampling."""
    mu, log_var = reg.encode(X)
    rng = np.random.default_rng(seed)
    net = reg.network_.double()
    total = np.zeros(len(X))
    with torch.no_grad():
        for _ in range(n_draws):
            u = mu + np.exp(0.5 * log_var) * rng.standard_normal(mu.shape)
            out = net.head.predict(net.decode(torch.as_tensor(u))).numpy()[:, 0]
            total += out
    reg.network_.float()
    return total / n_draws * reg._y_scale[0] + reg._y_mean[0]


def test_predict_averages_over_the_messages(fitted):
    X, reg = fitted
    reg.set_path_point(2)  # compressed: the noise is wide enough to matter
    rows = X[:40]
    reference = _monte_carlo_mean(reg, rows, 2000, seed=1)
    averaged = reg.set_params(predict_samples=256).predict(rows)
    means = reg.set_params(predict_samples=0).predict(rows)
    reg.set_params(predict_samples=32).set_path_point()
    # 256 draws against 2000 independent ones, and the posterior-mean decode
    # far off both
    gap = np.abs(means - reference).mean()
    assert np.abs(averaged - reference).mean() < 0.2 * gap
    assert gap > 0.01 * np.std(reg.predict(X))


def test_old_regressor_pickles_keep_decoding_the_means(fitted):
    X, reg = fitted
    state = reg.__getstate__()
    state.pop("predict_samples")
    old = DistributedIBRegressor.__new__(DistributedIBRegressor)
    old.__setstate__(pickle.loads(pickle.dumps(state)))
    assert old.get_params()["predict_samples"] == 0
    np.testing.assert_allclose(old.predict(X[:20]),
                               reg.set_params(predict_samples=0).predict(X[:20]))
    reg.set_params(predict_samples=32)
    assert not np.allclose(old.predict(X[:20]), reg.predict(X[:20]))
