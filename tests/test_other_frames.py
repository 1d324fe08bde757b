"""Tables of other libraries than pandas (polars): read as the same pandas
DataFrame at the entry, or refused by name when they cannot be read."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skdib import DistributedIBClassifier, DistributedIBRegressor, DistributedIBSelector

FAST = dict(encoder_hidden=(8,), embedding_dim=2, decoder_hidden=(8,),
            n_pretrain_steps=20, n_steps=60, n_checkpoints=3, batch_size=64,
            learning_rate=1e-2, information_bounds=False, random_state=0,
            n_threads=1)


def _table(n=100):
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n),
                      "c": rng.choice(["x", "y", "z"], n)})
    y = ((X.a > 0) ^ (X.c == "x")).astype(int).to_numpy()
    return X, y


class _Frame:
    """A table with columns and dtypes that is neither pandas nor readable by
    narwhals (lists, as polars gives them)."""

    def __init__(self, frame):
        self.columns = list(frame.columns)
        self.dtypes = list(frame.dtypes)
        self.shape = frame.shape
        self._values = frame.to_numpy()

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._values, dtype=dtype)

    def __len__(self):
        return len(self._values)


@pytest.mark.parametrize("make", [
    lambda: DistributedIBClassifier(**FAST),
    lambda: DistributedIBSelector(DistributedIBClassifier(**FAST), cache=False),
])
def test_an_unreadable_table_is_refused_by_its_type(make):
    X, y = _table()
    with pytest.raises(TypeError, match=r"X is a .*_Frame, a table skdib cannot "
                       r"read.*X\.to_pandas\(\)"):
        make().fit(_Frame(X), y)


def test_polars_reads_as_the_same_pandas_table():
    pl = pytest.importorskip("polars")
    # the conversion reads the table through narwhals >= 2.0, which
    # scikit-learn >= 1.9 brings (and the dev extra, for older ones)
    pytest.importorskip("narwhals.stable.v2")
    from skdib._utils._validation import as_pandas

    X, y = _table()
    X_pl = pl.DataFrame({c: X[c].to_numpy() for c in X.columns}).with_columns(
        pl.col("c").cast(pl.Enum(["z", "y", "x"])))
    as_frame = as_pandas(X_pl)
    assert list(as_frame.columns) == ["a", "b", "c"]
    assert list(as_frame["c"].cat.categories) == ["z", "y", "x"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = DistributedIBClassifier(**FAST).fit(X_pl, y)
        ref = DistributedIBClassifier(**FAST).fit(as_frame, y)
        sel = DistributedIBSelector(DistributedIBClassifier(**FAST),
                                    n_features_to_select=2, cache=False).fit(X_pl, y)
        reg = DistributedIBRegressor(**FAST).fit(X_pl.drop("c"), X.a.to_numpy())
    assert list(clf.feature_names_in_) == ["a", "b", "c"]
    np.testing.assert_array_equal(clf.predict_proba(X_pl), ref.predict_proba(as_frame))
    assert sel.transform(X_pl).shape == (len(X), 2)
    assert reg.predict(X_pl.drop("c")).shape == (len(X),)
