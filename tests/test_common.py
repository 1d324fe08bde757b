"""scikit-learn's estimator checks on both estimators, with tiny settings."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdib import DistributedIBClassifier, DistributedIBRegressor

TINY = dict(encoder_hidden=(16,), embedding_dim=2, decoder_hidden=(32,),
            n_pretrain_steps=150, n_steps=150, n_checkpoints=3, batch_size=64,
            learning_rate=1e-2, beta_start=1e-5, beta_end=1e-3, random_state=0)

# Every check is expected to pass; a failure here is a bug, not a known gap.
EXPECTED_FAILURES = {}


@parametrize_with_checks(
    [DistributedIBClassifier(**TINY), DistributedIBRegressor(**TINY)],
    expected_failed_checks=lambda est: EXPECTED_FAILURES.get(type(est), {}),
)
def test_sklearn_compatible(estimator, check):
    check(estimator)
