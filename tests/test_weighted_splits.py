"""The random validation split under sample weights: its checks count the
rows of positive weight (those a fit keeps), as a fit of the table without
the rows of weight 0 counts its rows."""

import warnings

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


def _tenths(count):
    """An effective count as the warning prints it: rounded down."""
    return f"{np.floor(10 * count) / 10:.1f}"


def _warnings_of(fit):
    """The messages of the small-validation warnings that ``fit()`` gives."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit()
    return [str(w.message) for w in caught if "validation rows" in str(w.message)]


def test_the_small_validation_warning_counts_kishs_effective_rows():
    """300 rows in 5 groups of 60; in every group one row weighs 1000, so
    those 5 rows hold 94 % of the weight. The held-out group has 60 rows
    (no warning by count) but an effective number of about 1.1."""
    X, y = _table(300)
    groups = np.repeat(np.arange(5), 60)
    w = np.where(np.arange(300) % 60 == 7, 1000.0, 1.0)
    one_group = w[:60]
    kish = one_group.sum() ** 2 / (one_group ** 2).sum()  # the same in each
    clf = DistributedIBClassifier(**TINY)
    assert _warnings_of(lambda: clf.fit(X, y, groups=groups)) == []
    assert clf.n_validation_samples_ == 60
    (message,) = _warnings_of(lambda: clf.fit(X, y, sample_weight=w,
                                              groups=groups))
    assert message.startswith(f"Only {_tenths(kish)} effective validation rows")
    assert "over the 60 validation rows" in message


def test_equal_weights_keep_the_count_of_rows():
    # weights 0 and 1: the rows kept weigh alike, so the warning counts them
    X, y = _table(200)
    w = np.where(np.arange(200) < 40, 0.0, 1.0)
    (message,) = _warnings_of(lambda: DistributedIBClassifier(**TINY).fit(
        X, y, sample_weight=w))
    assert message.startswith("Only 32 validation rows: validation_fraction=0.2 "
                              "of 160 rows of positive weight (40 rows of "
                              "weight 0 are left out). The path's")


@pytest.mark.parametrize("class_weight", ["balanced", {0: 1.0, 1: 40.0}])
def test_class_weights_alone_count_by_kish_and_are_named(class_weight,
                                                         monkeypatch):
    """1500 rows, 36 of class 1, no sample weights: the 300 validation rows
    are no small sample, but class weights that make the ~7 rows of class 1
    weigh as much as the others leave about 28 effective rows, which the
    balanced score rests on. The warning names class_weight as their
    source (it said "by their weights", though no weights were given)."""
    import skdib._dib._base as base

    rng = np.random.default_rng(0)
    X = rng.normal(size=(1500, 2))
    y = (X[:, 0] > 1.9).astype(int)
    assert y.sum() == 36
    splits = []

    def spy(*args, **kwargs):
        splits.append(split(*args, **kwargs))
        return splits[-1]

    split = base.split_validation
    monkeypatch.setattr(base, "split_validation", spy)
    clf = DistributedIBClassifier(**TINY, class_weight=class_weight)
    (message,) = _warnings_of(lambda: clf.fit(X, y))
    (_, val), = splits
    if class_weight == "balanced":  # n / (K n_c)
        per_class = len(y) / (2 * np.bincount(y))
    else:
        per_class = np.array([class_weight[0], class_weight[1]])
    w = per_class[y[val]]
    kish = w.sum() ** 2 / (w ** 2).sum()
    assert 20 < kish < 50 and len(val) == 300
    assert message.startswith(f"Only {_tenths(kish)} effective validation rows, "
                              "weighted by class_weight: Kish's")
    assert "over the 300 validation rows" in message


def test_the_warning_names_sample_and_class_weights():
    X, y = _table(200)
    w = np.random.default_rng(1).uniform(0.1, 5.0, 200)
    both = DistributedIBClassifier(**TINY, class_weight={0: 1.0, 1: 3.0})
    (message,) = _warnings_of(lambda: both.fit(X, y, sample_weight=w))
    assert "effective validation rows, weighted by sample_weight and " \
        "class_weight: " in message
    (message,) = _warnings_of(lambda: DistributedIBClassifier(**TINY).fit(
        X, y, sample_weight=w))
    assert "effective validation rows, weighted by sample_weight: " in message


def test_an_effective_count_below_50_never_prints_as_50():
    """60 validation rows, one weighing x, the rest 1, with x chosen for an
    effective count of 49.97: printed to one decimal it read "Only 50.0
    effective validation rows ... below 50 rows"."""
    from skdib._dib._split import _warn_small_validation

    # (59 + x)^2 = 49.97 (59 + x^2), the root above 1
    a, b, c = 49.97 - 1, -2 * 59, 49.97 * 59 - 59 ** 2
    x = (-b + np.sqrt(b * b - 4 * a * c)) / (2 * a)
    weights = np.concatenate([[x], np.ones(59)])
    assert weights.sum() ** 2 / (weights ** 2).sum() == pytest.approx(49.97)
    with pytest.warns(UserWarning) as caught:
        _warn_small_validation(np.arange(60), weights, "validation_fraction=0.2",
                               "300 rows", "sample_weight")
    (message,) = [str(w.message) for w in caught]
    assert message.startswith("Only 49.9 effective validation rows, weighted "
                              "by sample_weight: ")
    assert "50.0" not in message
