"""DataFrames whose column labels are integers (``read_csv(header=None)``).

scikit-learn records no ``feature_names_in_`` for them; the channels are
named after the labels as text, never ``x0, x1, ...`` by position, and an
integer in ``categorical_features`` or ``feature_groups`` that is a label at
another position is refused as ambiguous.
"""

import io
import warnings

import numpy as np
import pandas as pd
import pytest

from skdib import DistributedIBClassifier, DistributedIBSelector
from skdib._cli.report._summary import channel_summary
from skdib._dib._columns import column_position

FAST = dict(encoder_hidden=(8,), embedding_dim=2, decoder_hidden=(8,),
            n_pretrain_steps=10, n_steps=20, n_checkpoints=2, batch_size=64,
            learning_rate=1e-2, information_bounds=False, random_state=0,
            n_threads=1)


def _headerless(n=80, seed=0):
    """A table read without a header, its first column popped as y: the
    features keep the labels 1, 2, 3 (the signal is column 2)."""
    rng = np.random.default_rng(seed)
    raw = pd.DataFrame({"y": rng.integers(0, 2, n), "noise": rng.normal(size=n)})
    raw["signal"] = raw.y * 3 + rng.normal(size=n) * 0.3
    raw["noise2"] = rng.normal(size=n)
    df = pd.read_csv(io.StringIO(raw.to_csv(index=False, header=False)),
                     header=None)
    y = df.pop(0)
    return df, y


@pytest.fixture(scope="module")
def fitted():
    X, y = _headerless()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return X, y, DistributedIBClassifier(**FAST).fit(X, y)


def test_channels_are_named_by_their_labels(fitted):
    X, _, clf = fitted
    assert list(X.columns) == [1, 2, 3]
    assert not hasattr(clf, "feature_names_in_")  # scikit-learn records none
    assert list(clf.information_path_.feature_names) == ["1", "2", "3"]
    assert clf.get_feature_names_out()[:3].tolist() == ["1_u0", "1_u1", "2_u0"]
    assert clf.set_output(transform="pandas").transform(X).columns[2] == "2_u0"
    clf.set_output(transform="default")
    by_name = clf.distinguishability_matrix("3", values=X[3].to_numpy()[:5])
    by_index = clf.distinguishability_matrix(-1, values=X[3].to_numpy()[:5])
    np.testing.assert_allclose(by_name[1], by_index[1])


@pytest.mark.parametrize("show", ["matrix", "plot"])
def test_a_channel_index_that_names_another_channel_is_refused(fitted, show):
    """Channels "1", "2", "3": the integer 2 could be the third channel or
    the one named "2", so it is refused; the name picks the channel."""
    from skdib.plotting import plot_distinguishability

    _, _, clf = fitted
    look = {"matrix": clf.distinguishability_matrix,
            "plot": lambda c: plot_distinguishability(clf, c)}[show]
    with pytest.raises(ValueError, match=r"channel 2 is ambiguous.*position 2 "
                       r"\(labelled '3'\).*at position 1\).*as a string \('2'\)"):
        look(2)
    by_name = clf.distinguishability_matrix("2")
    by_position = clf.distinguishability_matrix(-2)  # "-2" names no channel
    np.testing.assert_array_equal(by_name[0], by_position[0])
    look(0)  # the name of no other channel: the position, as always


@pytest.mark.parametrize("name", ["1", "2", "3"])
def test_the_plot_takes_a_channel_named_by_an_integer(fitted, name):
    # before the fix the plot turned "2" into its position 1 and asked the
    # matrix for channel 1, which is refused as ambiguous (it is named "1")
    from skdib.plotting import plot_distinguishability

    _, _, clf = fitted
    ax = plot_distinguishability(clf, name)
    expected = clf.distinguishability_matrix(name)[1]
    drawn = ax.collections[0].get_array()
    assert np.asarray(drawn).size == np.asarray(expected).size
    assert f"Distinguishability of {name}" in ax.get_title()


def test_the_report_draws_a_channel_named_by_an_integer(tmp_path, capsys):
    from skdib.__main__ import main

    X, y = _headerless(n=200)
    data = tmp_path / "t.csv"
    X.assign(y=y).to_csv(data, index=False)  # header 1,2,3,y
    out = tmp_path / "report"
    assert main(["analyze", str(data), "--target", "y", "--n-steps", "60",
                 "--n-pretrain-steps", "20", "--n-checkpoints", "4", "--cv",
                 "0", "--quiet", "--device", "cpu", "--out", str(out)]) == 0
    assert "not drawn" not in capsys.readouterr().err
    assert (out / "distinguishability.png").stat().st_size > 0
    assert "ambiguous" not in (out / "index.html").read_text(encoding="utf-8")


def test_report_names_the_labels(fitted):
    _, _, clf = fitted
    table = channel_summary(clf).set_index("channel")
    assert sorted(table.index) == ["1", "2", "3"]
    assert table.loc["2", "columns"] == "2"


def test_selector_names_the_labels():
    X, y = _headerless()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sel = DistributedIBSelector(DistributedIBClassifier(**FAST),
                                    n_features_to_select=1, cache=False).fit(X, y)
    names = sel.get_feature_names_out().tolist()
    assert len(names) == 1 and names[0] in {"1", "2", "3"}
    assert sel.set_output(transform="pandas").transform(X).columns.tolist() == names


def _gapped():
    """Columns labelled 0, 3, 4, 5, 6: label 4 sits at position 2; column 4
    holds three categories as integer codes."""
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.normal(size=(60, 5)), columns=[0, 3, 4, 5, 6])
    X[4] = rng.integers(0, 3, 60)
    return X, rng.integers(0, 2, 60)


@pytest.mark.parametrize("params", [
    {"categorical_features": [4]},
    {"feature_groups": [[0], [4, 5]]},
])
def test_an_integer_that_is_a_label_elsewhere_is_refused(params):
    X, y = _gapped()
    with pytest.raises(ValueError, match=r"ambiguous.*position 4 \(labelled 6\)"
                       r".*at position 2\).*as a string \('4'\)"):
        DistributedIBClassifier(**FAST, **params).fit(X, y)


def test_the_label_as_a_string_means_that_column():
    X, y = _gapped()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = DistributedIBClassifier(**FAST, categorical_features=["4"],
                                      feature_groups=[[0], ["4", "5"]]).fit(X, y)
    assert list(clf._layout.categories) == [2]  # label 4, position 2
    assert clf.channels_ == [[0], [2, 3]]
    assert list(clf.information_path_.feature_names) == ["0", "4+5"]


def test_positions_that_are_no_other_label_still_work():
    labels = [0, 3, 4, 5, 6]
    names = [str(c) for c in labels]
    # 0 is the label at position 0; 1 and -1 are not labels elsewhere
    assert [column_position(i, 5, names, labels, "p") for i in (0, 1, -1)] == [0, 1, 4]
    assert column_position(6, 7, None, None, "p") == 6  # an array: positions
    with pytest.raises(ValueError, match="ambiguous"):
        column_position(3, 5, names, labels, "p")


def test_a_numpy_integer_is_written_as_a_plain_integer():
    from skdib._dib._columns import refuse_ambiguous_integer

    with pytest.raises(ValueError) as info:
        refuse_ambiguous_integer(np.int64(2), 2, ["1", "2", "3"],
                                 subject="channel",
                                 kind="channel")
    assert "np.int64" not in str(info.value)
    assert str(info.value).startswith("channel 2 is ambiguous")


@pytest.mark.parametrize("change", ["reorder", "rename", "drop", "as text"])
@pytest.mark.parametrize("method", ["predict_proba", "transform", "score"])
def test_other_labels_at_predict_are_refused(fitted, change, method):
    """scikit-learn checks string names only: a table with other integer
    labels, or the same in another order, was read by position."""
    X, y, clf = fitted
    other = {"reorder": X[[3, 2, 1]], "rename": X.rename(columns={3: 4}),
             "drop": X[[1, 2]], "as text": X.rename(columns=str)}[change]
    call = getattr(clf, method)
    args = (other, y) if method == "score" else (other,)
    with pytest.raises(ValueError, match=r"should match those that were passed "
                       r"during fit.*labels \[1, 2, 3\]"):
        call(*args)
    call(*((X, y) if method == "score" else (X,)))  # the labels of fit: fine


def test_an_array_is_read_by_position_with_a_warning(fitted):
    X, _, clf = fitted
    with pytest.warns(UserWarning, match=r"no column labels.*\[1, 2, 3\]"):
        proba = clf.predict_proba(X.to_numpy())
    np.testing.assert_array_equal(proba, clf.predict_proba(X))


def test_a_moved_categorical_column_is_named_as_an_order_problem():
    X, y = _headerless()
    X[3] = np.where(X[3] > 0, "high", "low")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = DistributedIBClassifier(**FAST).fit(X, y)
    with pytest.raises(ValueError, match=r"another order.*X\[\[1, 2, 3\]\]"):
        clf.predict(X[[3, 1, 2]])


def test_a_reordered_validation_set_is_refused():
    X, y = _headerless()
    with pytest.raises(ValueError, match=r"should match.*labelled \[2, 1, 3\]"):
        DistributedIBClassifier(**FAST).fit(X, y, X_val=X[[2, 1, 3]], y_val=y)


def test_the_selector_refuses_reordered_labels():
    X, y = _headerless()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sel = DistributedIBSelector(DistributedIBClassifier(**FAST),
                                    n_features_to_select=2, cache=False).fit(X, y)
    with pytest.raises(ValueError, match=r"another order"):
        sel.transform(X[[3, 2, 1]])
    assert sel.transform(X).shape == (len(X), 2)


def test_an_array_is_read_silently_where_the_labels_were_positions():
    """Fit on pd.DataFrame(array) (labels 0, 1, ...), predict on the array:
    the labels were the positions, so reading by position is what they mean
    (scikit-learn is silent there too)."""
    X, y = _headerless()
    X = X.set_axis(range(3), axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = DistributedIBClassifier(**FAST).fit(X, y)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*no column labels")
        proba = clf.predict_proba(X.to_numpy())
    np.testing.assert_array_equal(proba, clf.predict_proba(X))


def test_the_messages_name_x_val():
    X, y = _headerless()
    with pytest.warns(UserWarning, match=r"^X_val has no column labels"):
        DistributedIBClassifier(**FAST).fit(X, y, X_val=X.to_numpy(), y_val=y)
    with pytest.raises(ValueError, match=r"and X_val's columns are labelled "
                       r"\[2, 1, 3\].*for example X_val\[\[1, 2, 3\]\]"):
        DistributedIBClassifier(**FAST).fit(X, y, X_val=X[[2, 1, 3]], y_val=y)


@pytest.mark.parametrize("labels, unseen, missing", [
    ([1.0, 2.0, 3.0], "[1.0, 2.0, 3.0]", "[1, 2, 3]"),
    ([True, 2, 3], "[True]", "[1]"),
])
def test_labels_of_another_type_are_named_as_other_labels(fitted, labels, unseen,
                                                          missing):
    """1.0 and True equal 1 by ==: the message said 'the same labels in
    another order' (the order was the same) or 'labels unseen at fit: []'.
    Labels are compared by type and value, in the check and the message."""
    X, _, clf = fitted
    other = X.set_axis(pd.Index(labels, dtype=object), axis=1)
    with pytest.raises(ValueError) as info:
        clf.predict(other)
    message = str(info.value)
    assert "another order" not in message
    assert f"labels unseen at fit: {unseen}; labels seen at fit, yet now " \
           f"missing: {missing}; labels are compared by type" in message


def test_a_non_numeric_x_val_is_named():
    """A text column in X_val was reported as "X has non-numeric columns"."""
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 2)), columns=["a", "b"])
    y = (X["a"] > 0).astype(int)
    X_val = X.iloc[:20].assign(b="x")
    est = DistributedIBClassifier(n_pretrain_steps=5, n_steps=10, n_checkpoints=2,
                                  categorical_features=None)
    with pytest.raises(ValueError, match=r"^X_val has non-numeric columns \['b'\]"):
        est.fit(X, y, X_val=X_val, y_val=y[:20])
