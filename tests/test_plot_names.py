"""Names from the data drawn as text: shown as they are, in every plot.

Each test failed before its fix: the information plane's legend (and the
selector comparison's) left out a channel whose name starts with "_"
(matplotlib hides such labels); a name with "$" was read as mathtext, so
"Income ($) - Tax ($)" was drawn as a formula and "a$_$b" failed at draw
time; and the distinguishability plot of a categorical column called its
axes "value index" under the category names.
"""

import io

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.cbook import is_math_text

from skdib import DistributedIBClassifier, InformationPath
from skdib.plotting import (
    plot_distinguishability,
    plot_information_allocation,
    plot_information_plane,
    plot_radial_allocation,
    plot_selector_comparison,
)

matplotlib.use("Agg")

NAMES = ("_age", "Income ($) - Tax ($)", "a$_$b")
TINY = dict(n_pretrain_steps=20, n_steps=60, n_checkpoints=3, random_state=0)


def shown(text):
    """What matplotlib draws for ``text`` (no mathtext: the escapes undone),
    without the zero-width space that keeps a "_" name in a legend."""
    assert not is_math_text(text), text
    return text.replace(r"\$", "$").lstrip("\u200b")


def drawn(fig):
    """Render ``fig`` (mathtext is parsed only then) and return it."""
    fig.savefig(io.BytesIO(), format="png")
    return fig


def _path(names=NAMES):
    bits = np.array([[1.0, 0.5, 0.3], [0.8, 0.3, 0.1], [0.6, 0.2, 0.0]])
    return InformationPath(
        beta=np.array([1e-3, 1e-2, 1e-1]), kl=bits, information=bits,
        loss_train=np.array([0.1, 0.3, 0.8]), loss_val=np.array([0.2, 0.3, 0.8]),
        score_val=np.array([0.9, 0.8, 0.6]), feature_names=names)


def test_text_label():
    from skdib.plotting._common import text_label

    assert text_label("a$_$b") == r"a\$_\$b"
    assert text_label("_age") == "_age"
    assert text_label("_age", legend=True) == "\u200b_age"
    assert text_label(r"a\$") == r"a\\$" and shown(text_label(r"a\$")) == r"a\$"
    assert text_label(3) == "3"


def test_plane_legend_holds_every_labelled_channel():
    ax = plot_information_plane(_path())
    drawn(ax.figure)
    texts = [shown(t.get_text()) for t in ax.get_legend().get_texts()]
    assert set(NAMES) <= set(texts), texts
    twin = ax.figure.axes[1]
    assert [shown(line.get_label()) for line in twin.get_lines()] == list(NAMES)


def test_allocation_rows_read_as_the_names():
    ax = plot_information_allocation(_path())
    drawn(ax.figure)
    assert sorted(shown(t.get_text()) for t in ax.get_yticklabels()) == sorted(NAMES)


def test_selector_legend_holds_every_method():
    frame = pd.DataFrame({"method": ["_baseline"] * 2 + ["cost ($)"] * 2,
                          "k": [1, 2] * 2, "fold": [0] * 4,
                          "score": [0.6, 0.7, 0.8, 0.9]})
    frame.attrs["scoring"] = "$gain$ per $"
    ax = plot_selector_comparison(frame)
    drawn(ax.figure)
    texts = [shown(t.get_text()) for t in ax.get_legend().get_texts()]
    assert texts == ["_baseline", "cost ($)"]
    assert shown(ax.get_ylabel()) == "$gain$ per $"


def test_radial_labels_read_as_the_type_names():
    radii = np.arange(1.0, 3.0)
    info = np.ones((2, 4))
    path = InformationPath(
        beta=np.array([1e-3, 1e-2]), kl=info, information=info,
        loss_train=np.zeros(2), loss_val=np.zeros(2), score_val=np.zeros(2),
        feature_names=("A1", "A2", "B1", "B2"))
    rdf = (radii, np.ones((2, 2)))
    fig = drawn(plot_radial_allocation(path, radii, rdf, type_names=("$A$", "B")))
    labels = [shown(ax.get_ylabel()) for ax in fig.axes if ax.get_ylabel()]
    assert "radius r of G_$A$" in labels and "radius r of G_B" in labels
    assert shown(fig.axes[1].get_xlabel()) == "g_A$A$(r)"


@pytest.fixture(scope="module")
def dollar_fit():
    """A numeric column and a categorical one, both with "$" in their names
    (and the categories' too)."""
    rng = np.random.default_rng(0)
    n = 260
    colour = rng.choice(["lo $", "mid $$", "hi"], size=n)
    X = pd.DataFrame({"a$_$b": rng.normal(size=n), "price ($)": colour})
    y = (colour == "hi").astype(int)
    return X, DistributedIBClassifier(**TINY).fit(X, y)


def test_distinguishability_of_dollar_names(dollar_fit):
    X, clf = dollar_fit
    fig = drawn(plot_distinguishability(clf, "a$_$b", X=X))
    # its suptitle is the figure's one text (Figure.get_suptitle: matplotlib 3.8+)
    assert [shown(t.get_text()) for t in fig.texts] == ["Distinguishability of a$_$b"]
    assert shown(fig.axes[0].get_xlabel()) == "a$_$b"
    ax = plot_distinguishability(clf, "price ($)")
    drawn(ax.figure)
    assert shown(ax.get_title()) == "Distinguishability of price ($)"
    ticks = [shown(t.get_text()) for t in ax.get_xticklabels()]
    assert sorted(ticks) == ["hi", "lo $", "mid $$"]


def test_categorical_axes_say_category(dollar_fit):
    X, clf = dollar_fit
    fig = plot_distinguishability(clf, "price ($)", X=X)
    main = fig.axes[0]
    assert shown(main.get_xlabel()) == "price ($): category"
    assert shown(main.get_ylabel()) == "price ($): category"
    assert "index" not in main.get_xlabel()
    heights = [bar.get_height() for bar in fig.axes[1].patches]
    ticks = [shown(t.get_text()) for t in main.get_xticklabels()]
    assert heights == [int((X["price ($)"] == v).sum()) for v in ticks]
