"""Empty layer tuples: linear encoders (``encoder_hidden=()``) and a linear
read-out of the messages (``decoder_hidden=()``)."""

import numpy as np
import pytest

from skdib import DistributedIBClassifier

pytestmark = pytest.mark.filterwarnings("ignore::skdib.exceptions.BetaRangeWarning")

SHORT = dict(embedding_dim=2, n_pretrain_steps=150, n_steps=150, n_checkpoints=3,
             information_bounds=False, predict_samples=0, random_state=0)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(240, 3))
    y = (X[:, 0] + 0.5 * X[:, 1] ** 2 > 0.5).astype(int)
    return X, y


def _affine_fit_residual(inputs, target):
    """Largest residual of the least-squares affine fit, over target's spread."""
    design = np.column_stack([inputs, np.ones(len(inputs))])
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    return np.abs(design @ coef - target).max() / np.ptp(target)


def _logit(clf, X):
    p = clf.predict_proba(X)[:, 1]
    return np.log(p) - np.log1p(-p)


@pytest.mark.parametrize("decoder_hidden, linear", [((), True), ((16,), False)])
def test_an_empty_decoder_reads_the_messages_linearly(data, decoder_hidden, linear):
    X, y = data
    clf = DistributedIBClassifier(encoder_hidden=(16,), decoder_hidden=decoder_hidden,
                                  **SHORT).fit(X, y)
    residual = _affine_fit_residual(clf.transform(X), _logit(clf, X))
    # float32 network: an affine map is exact to ~1e-6 of the logit's range
    assert (residual < 1e-4) == linear, residual
    assert clf.score(X, y) > 0.7


def test_empty_encoders_map_each_feature_affinely(data):
    X, y = data
    clf = DistributedIBClassifier(encoder_hidden=(), decoder_hidden=(16,),
                                  **SHORT).fit(X, y)
    means = clf.transform(X).reshape(len(X), 3, 2)
    for j in range(3):
        for k in range(2):
            assert _affine_fit_residual(X[:, [j]], means[:, j, k]) < 1e-4
