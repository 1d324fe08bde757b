"""The Monte Carlo standard error of the bits (``information_se``).

The sandwich bounds of a continuous channel share their latent draws, so
their gap says how far apart the two formulas are, not how far the estimate
is from the truth: with a hundred held-out rows the midpoint moves by tenths
of a bit from one draw to the next while the gap is a few hundredths. The
standard error is checked here against a channel whose information is known
in closed form, and on fitted paths against its expected scaling.
"""

import math

import numpy as np
import pytest

from skdib import DistributedIBClassifier
from skdib.information import mutual_information_bounds


@pytest.mark.parametrize("n, gain, noise_var", [(200, 1.0, 0.5), (100, 2.0, 0.2),
                                                (400, 0.5, 1.0)])
def test_sandwich_se_covers_a_gaussian_channel(n, gain, noise_var):
    # U = gain X + N(0, noise_var), X ~ N(0, 1): I = 1/2 log2(1 + gain^2/var).
    truth = 0.5 * math.log2(1 + gain**2 / noise_var)
    z = []
    for seed in range(60):
        x = np.random.default_rng(seed).normal(size=(n, 1))
        lower, upper, se = mutual_information_bounds(
            gain * x, np.full_like(x, math.log(noise_var)), n_batches=2,
            random_state=seed, return_se=True)
        z.append((0.5 * (lower + upper) - truth) / se)
    z = np.asarray(z)
    assert np.mean(np.abs(z) <= 2) >= 0.85  # about 0.95 for a calibrated SE
    assert 0.5 <= z.std() <= 1.4  # neither far too small nor far too large


@pytest.fixture(scope="module")
def fits():
    rng = np.random.default_rng(0)

    def table(n):
        X = rng.normal(size=(n, 3))
        return X, (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)

    X, y = table(400)
    out = {}
    for n_val in (100, 1600):
        X_val, y_val = table(n_val)
        out[n_val] = DistributedIBClassifier(
            n_pretrain_steps=20, n_steps=120, n_checkpoints=3,
            random_state=0).fit(X, y, X_val=X_val, y_val=y_val).information_path_
    return out


def test_path_se_shrinks_as_the_root_of_the_held_out_rows(fits):
    small, large = fits[100], fits[1600]
    assert np.all(np.isfinite(small.information_se))
    informative = small.information[:, :2] > 0.2
    ratio = small.information_se[:, :2][informative] / large.information_se[:, :2][
        informative]
    assert 2.5 < np.median(ratio) < 6.5  # sqrt(1600 / 100) = 4
    frame = small.to_frame()
    np.testing.assert_array_equal(frame["information_se"],
                                  small.information_se.ravel())
