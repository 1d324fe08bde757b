"""The random validation split under sample weights: its checks count the
rows of positive weight (those a fit keeps), as a fit of the table without
the rows of weight 0 counts its rows."""

import numpy as np
import pytest

from skdib import DistributedIBClassifier

TINY = dict(encoder_hidden=(8,), embedding_dim=2, decoder_hidden=(8,),
            n_pretrain_steps=20, n_steps=20, n_checkpoints=2, random_state=0)


def _table(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    return X, (X[:, 0] > 0).astype(int)


def test_groups_are_counted_among_the_rows_of_positive_weight():
    """Only group 0 keeps weight: the check passed on all six groups, and
    scikit-learn's GroupShuffleSplit then failed on the one left ("With
    n_samples=1, test_size=0.2 ... the resulting train set will be
    empty")."""
    X, y = _table()
    groups = np.repeat(np.arange(6), 20)
    w = np.where(groups == 0, 1.0, 0.0)
    kept = w > 0
    clf = DistributedIBClassifier(**TINY)
    # the table without the rows of weight 0 is refused by the groups check
    with pytest.raises(ValueError, match=r"groups has only 1 distinct label"):
        clf.fit(X[kept], y[kept], groups=groups[kept])
    with pytest.raises(ValueError, match=r"groups has only 1 distinct label\(s\) "
                       r"\(0\) among the 20 rows of positive weight"):
        clf.fit(X, y, sample_weight=w, groups=groups)


def test_the_size_error_counts_the_rows_of_positive_weight():
    X, y = _table()
    w = np.zeros(len(y))
    w[:3] = 1.0
    y[:3] = [0, 1, 0]
    clf = DistributedIBClassifier(**TINY)
    with pytest.raises(ValueError, match=r"X has 3 rows: "):
        clf.fit(X[:3], y[:3])
    with pytest.raises(ValueError, match=r"X has 3 rows of positive weight "
                       r"\(117 rows of weight 0 are left out\): "):
        clf.fit(X, y, sample_weight=w)
