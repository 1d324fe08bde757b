"""Tables as users have them: categorical columns, sample and class weights."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skdib import DistributedIBClassifier, DistributedIBRegressor, DistributedIBSelector
from skdib.exceptions import UnknownCategoryWarning

FAST = dict(encoder_hidden=(16,), embedding_dim=2, decoder_hidden=(16,),
            n_pretrain_steps=150, n_steps=250, n_checkpoints=4, batch_size=128,
            learning_rate=1e-2, random_state=0)


def penguins_like(n=300, seed=0):
    """A penguins-shaped table: string categories beside numeric columns."""
    rng = np.random.default_rng(seed)
    species = rng.choice(["Adelie", "Gentoo", "Chinstrap"], n)
    island = np.where(species == "Gentoo", "Biscoe",
                      rng.choice(["Dream", "Torgersen", "Biscoe"], n))
    bill = (np.select([species == "Adelie", species == "Gentoo"], [39.0, 46.0], 52.0)
            + rng.normal(0, 1.5, n))
    return pd.DataFrame({
        "island": island,
        "bill_length_mm": bill,
        "body_mass_g": rng.normal(4200, 500, n),
        "sex": pd.Categorical(rng.choice(["female", "male"], n)),
    }), species


@pytest.fixture(scope="module")
def penguins():
    X, y = penguins_like()
    return X, y, DistributedIBClassifier(**FAST).fit(X, y)


def test_a_raw_dataframe_fits_with_one_channel_per_column(penguins):
    X, y, clf = penguins
    path = clf.information_path_
    assert path.feature_names == tuple(X.columns)
    assert clf.n_features_in_ == 4
    assert list(clf.feature_names_in_) == list(X.columns)
    assert clf.score(X, y) > 0.9
    # island (3 values) and sex (2) are finite mixtures; body mass continuous
    methods = dict(zip(path.feature_names, path.information_method, strict=True))
    assert methods["island"] == "mixture" and methods["sex"] == "mixture"
    assert methods["body_mass_g"] == "sandwich"


def test_categorical_channel_carries_what_its_column_says(penguins):
    _, _, clf = penguins
    path = clf.information_path_
    first = dict(zip(path.feature_names, path.information[0], strict=True))
    # island tells Gentoo (always Biscoe) apart; sex is independent of species
    assert first["island"] > 0.2
    assert first["sex"] < first["island"]


def test_distinguishability_over_categories(penguins):
    _, _, clf = penguins
    clf.set_path_point(0)
    values, D = clf.distinguishability_matrix("island")
    clf.set_path_point()
    assert list(values) == ["Biscoe", "Dream", "Torgersen"]
    assert D.shape == (3, 3)
    np.testing.assert_allclose(np.diag(D), 0.0, atol=1e-12)
    np.testing.assert_allclose(D, D.T, atol=1e-12)
    values, D2 = clf.distinguishability_matrix("island", ["Dream", "Biscoe"],
                                               point=0)
    np.testing.assert_allclose(D2[0, 1], D[1, 0], rtol=1e-9)
    with pytest.raises(ValueError, match="Unknown categories.*Atlantis"):
        clf.distinguishability_matrix("island", ["Atlantis"])


def test_unknown_category_at_predict_warns_and_predicts(penguins):
    X, _, clf = penguins
    X2 = X.head(5).copy()
    X2["island"] = X2["island"].astype(object)
    X2.loc[X2.index[0], "island"] = "Atlantis"
    with pytest.warns(UnknownCategoryWarning, match="island.*Atlantis"):
        proba = clf.predict_proba(X2)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_categorical_fit_needs_a_dataframe_at_predict(penguins):
    X, _, clf = penguins
    with pytest.raises(ValueError, match=r"categorical columns \['island', 'sex'\]"):
        clf.predict(np.zeros((2, 4)))


def test_missing_category_is_named():
    X, y = penguins_like(60)
    X.loc[3, "island"] = None
    with pytest.raises(ValueError, match="'island' has missing values"):
        DistributedIBClassifier(**FAST).fit(X, y)


def test_integer_codes_can_be_declared_categorical():
    rng = np.random.default_rng(1)
    code = rng.integers(0, 4, 400)
    X = pd.DataFrame({"code": code, "z": rng.normal(size=400)})
    y = np.isin(code, [0, 3]).astype(int)  # not monotone in the code
    clf = DistributedIBClassifier(categorical_features=["code"], **FAST).fit(X, y)
    assert clf._categorical_columns() == ["code"]
    values, D = clf.set_path_point(0).distinguishability_matrix("code")
    assert list(values) == [0, 1, 2, 3]
    # codes 0 and 3 lead to the same class, 0 and 1 do not
    assert D[0, 3] < D[0, 1]


def test_categorical_features_must_name_columns():
    X, y = penguins_like(60)
    with pytest.raises(ValueError, match="no column 'beak'"):
        DistributedIBClassifier(categorical_features=["beak"], **FAST).fit(X, y)


def test_text_columns_left_out_of_the_list_are_named():
    X, y = penguins_like(60)
    with pytest.raises(ValueError, match=r"non-numeric columns \['sex'\] that "
                                         "categorical_features does not list"):
        DistributedIBClassifier(categorical_features=["island"], **FAST).fit(X, y)


def test_a_numeric_column_read_as_text_is_warned_about():
    X, y = penguins_like(100)
    mass = X["body_mass_g"].round(1).astype(object)
    mass[7] = "?"  # one stray entry makes the whole column text
    X["body_mass_g"] = mass
    with pytest.warns(UserWarning, match=r"'body_mass_g' has \d+ distinct values "
                                         r"in 100 rows.*these are not: '\?'"):
        DistributedIBClassifier(**FAST).fit(X, y)


def test_weights_of_one_equal_no_weights():
    X, y = penguins_like(200)
    a = DistributedIBClassifier(**FAST).fit(X, y)
    b = DistributedIBClassifier(**FAST).fit(X, y, sample_weight=np.ones(len(y)))
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.information_path_.information,
                                  b.information_path_.information)


def test_rows_of_weight_zero_act_as_absent():
    # far outliers of weight 0, before and among the rows: had they set the
    # input scaling or been drawn into the validation split, the fit would
    # differ from the fit without them
    X, y, _ = _weighting_task(n=200)
    rng = np.random.default_rng(3)
    outliers = rng.normal(size=(40, 2)) * 1000
    X_all = np.vstack([outliers[:20], X[:100], outliers[20:], X[100:]])
    y_all = np.concatenate([y[:20] * 0, y[:100], y[:20] * 0 + 1, y[100:]])
    w = np.concatenate([np.zeros(20), np.ones(100), np.zeros(20), np.ones(100)])
    a = DistributedIBClassifier(**FAST).fit(X, y)
    b = DistributedIBClassifier(**FAST).fit(X_all, y_all, sample_weight=w)
    np.testing.assert_array_equal(a.information_path_.information,
                                  b.information_path_.information)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_inputs_are_scaled_by_the_weighted_moments():
    X, y, _ = _weighting_task(n=300)
    X[:, 1] = np.where(y == 1, 10.0, 0.0) + X[:, 1]
    w = np.where(y == 1, 1e-3, 1.0)  # the shifted rows hardly count
    spec = DistributedIBClassifier(**FAST).fit(X, y, sample_weight=w).network_
    center = np.asarray(spec.center).ravel()
    # an unweighted centre would sit near 5 (half the rows at 10)
    assert abs(center[1]) < 0.5


def _weighting_task(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] + 0.8 * rng.normal(size=n) > 0).astype(int)
    heavy = y == 1  # weighting them shifts every probability towards 1
    return X, y, heavy


def test_weight_two_matches_duplicated_rows():
    # 2000 rows: the gap between two seeds of the same fit is then ~0.015
    X, y, heavy = _weighting_task(n=2000)
    rng = np.random.default_rng(5)
    X_val = rng.normal(size=(200, 2))
    y_val = (X_val[:, 0] > 0).astype(int)
    grid = np.column_stack([np.linspace(-2, 2, 41), np.zeros(41)])
    # full batches: the weighted and the repeated loss have the same gradient
    # up to the encoder noise of the repeated rows
    params = dict(FAST, batch_size=4000, n_pretrain_steps=300, n_steps=300,
                  beta_start=1e-4, beta_end=1e-3)

    def fitted(X_fit, y_fit, w=None):
        est = DistributedIBClassifier(**params)
        est.fit(X_fit, y_fit, sample_weight=w, X_val=X_val, y_val=y_val)
        return est.set_path_point(-1).predict_proba(grid)[:, 1]

    weighted = fitted(X, y, np.where(heavy, 3.0, 1.0))
    repeated = fitted(np.vstack([X, X[heavy], X[heavy]]),
                      np.concatenate([y, y[heavy], y[heavy]]))
    ignored = fitted(X, y)
    gap_repeat = np.abs(weighted - repeated).mean()
    gap_ignore = np.abs(weighted - ignored).mean()
    assert gap_ignore > 0.05  # the weights matter on this task
    assert gap_repeat < 0.35 * gap_ignore


def test_balanced_class_weight_favours_the_rare_class():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(600, 2))
    y = (X[:, 0] + rng.normal(size=600) > 1.6).astype(int)  # about 13 % ones
    plain = DistributedIBClassifier(**FAST).fit(X, y)
    balanced = DistributedIBClassifier(class_weight="balanced", **FAST).fit(X, y)
    assert balanced.predict(X).mean() > 2 * plain.predict(X).mean()
    explicit = DistributedIBClassifier(class_weight={0: 1.0, 1: 1.0}, **FAST)
    np.testing.assert_array_equal(explicit.fit(X, y).predict_proba(X),
                                  plain.predict_proba(X))


def test_weighted_validation_score_counts_rows_by_weight():
    X, y, heavy = _weighting_task(seed=3)
    w = np.where(heavy, 50.0, 1.0)
    clf = DistributedIBClassifier(validation_fraction=0, **FAST)
    clf.fit(X, y, sample_weight=w)
    pred = clf.set_path_point(clf.information_path_.n_points - 1).predict(X)
    expected = np.average(pred == y, weights=w)
    np.testing.assert_allclose(clf.information_path_.score_val[-1], expected,
                               atol=0.02)


def test_regressor_takes_sample_weight():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(300, 2))
    y = np.where(X[:, 1] > 0, 3 * X[:, 0], -3 * X[:, 0])
    w = np.where(X[:, 1] > 0, 20.0, 1.0)
    reg = DistributedIBRegressor(**FAST).fit(X, y, sample_weight=w)
    right = X[:, 1] > 0
    err = np.abs(reg.predict(X) - y)
    assert err[right].mean() < err[~right].mean()


@pytest.mark.parametrize("bad, match", [
    (-np.ones(60), "Negative values"),
    (np.zeros(60), "sum to 0|zero"),
    (np.ones(59), "shape|samples"),
])
def test_bad_sample_weight(bad, match):
    X, y = penguins_like(60)
    with pytest.raises(ValueError, match=match):
        DistributedIBClassifier(**FAST).fit(X, y, sample_weight=bad)


def test_selector_takes_categorical_tables_and_weights():
    X, y = penguins_like()
    w = np.where(y == "Chinstrap", 2.0, 1.0)
    sel = DistributedIBSelector(DistributedIBClassifier(**FAST), n_features_to_select=2,
                                cache=False).fit(X, y, sample_weight=w)
    kept = list(sel.get_feature_names_out())
    assert "bill_length_mm" in kept and "body_mass_g" not in kept
    assert list(sel.set_output(transform="pandas").transform(X).columns) == kept


def test_distinguishability_plot_of_a_categorical_column(penguins):
    import matplotlib

    matplotlib.use("Agg")
    from skdib.plotting import plot_distinguishability

    X, _, clf = penguins
    fig = plot_distinguishability(clf, "island", X=X, point=0)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["Biscoe", "Dream", "Torgersen"]
    heights = [bar.get_height() for bar in fig.axes[1].patches]
    assert heights == [int((X["island"] == v).sum()) for v in labels]


@pytest.fixture(scope="module")
def grouped():
    X, y = penguins_like()
    X = X.assign(code=np.array([1, "1", 2] * 100, dtype=object))
    groups = {"where": ["island", "bill_length_mm"], "body_mass_g": ["body_mass_g"],
              "sex": ["sex"], "code": ["code"]}
    return X, y, DistributedIBClassifier(**FAST, feature_groups=groups).fit(X, y)


def test_distinguishability_of_a_group_with_a_categorical_column(grouped):
    X, _, clf = grouped
    values, D = clf.distinguishability_matrix("where", point=0)
    assert values.shape[1] == 2 and D.shape == (len(values), len(values))
    assert set(values[:, 0]) <= {"Biscoe", "Dream", "Torgersen"}
    assert all(isinstance(v, float) for v in values[:, 1])
    # Gentoo (46 mm) against Adelie (39 mm) bills on one island: far apart;
    # half a millimetre apart: hardly
    rows = [["Biscoe", 46.0], ["Biscoe", 39.0], ["Biscoe", 46.5]]
    _, D = clf.distinguishability_matrix("where", rows, point=0)
    assert D[0, 1] > D[0, 2] + 0.2
    with pytest.raises(ValueError, match="Unknown categories"):
        clf.distinguishability_matrix("where", [["Atlantis", 40.0]])
    with pytest.raises(ValueError, match="must be numbers"):
        clf.distinguishability_matrix("where", [["Dream", "long"]])


def test_categories_that_print_alike_stay_apart(grouped):
    _, _, clf = grouped
    values, D = clf.distinguishability_matrix("code", [1, "1", 2])
    assert list(values) == [1, "1", 2]
    block = clf._channel_rows(clf._channel_index("code"), [1, "1"])[1]
    assert not np.array_equal(block[0], block[1])


def test_distinguishability_plot_of_a_mixed_group(grouped):
    import matplotlib

    matplotlib.use("Agg")
    from skdib.plotting import plot_distinguishability

    X, _, clf = grouped
    fig = plot_distinguishability(clf, "where", X=X)
    heights = [bar.get_height() for bar in fig.axes[1].patches]
    assert sum(heights) == len(X)
    ax = plot_distinguishability(clf, "where", [["Dream", 40.0], ["Biscoe", 46.0]])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["(Dream, 40)",
                                                           "(Biscoe, 46)"]


def test_a_categorical_column_in_no_group_is_not_read_at_predict():
    """Columns in no group are not used, so a new category or a missing value
    there neither warns nor fails, and the predictions stay as they were."""
    X, y = penguins_like(n=150)
    clf = DistributedIBClassifier(
        **{**FAST, "n_pretrain_steps": 20, "n_steps": 40, "n_checkpoints": 2},
        feature_groups=[["island"], ["bill_length_mm"]]).fit(X, y)
    changed = X.assign(sex=pd.Categorical(["unknown"] * 149 + [np.nan]))
    expected = clf.predict_proba(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(clf.predict_proba(changed), expected)
    with pytest.warns(UnknownCategoryWarning, match="island"):
        clf.predict(X.assign(island="Atlantis"))


def test_declared_categories_without_rows_are_unknown():
    """After df[df.site != "C"] the dtype still lists C; with no row to learn
    from, C is unknown at predict (warned) and has no distinguishability."""
    rng = np.random.default_rng(0)
    site = pd.Categorical(rng.choice(["B", "A", "C"], 200),
                          categories=["B", "A", "C"])
    X = pd.DataFrame({"site": site, "x": rng.normal(size=200)})
    y = ((X.site == "A") ^ (X.x > 0)).astype(int).to_numpy()
    keep = (X.site != "C").to_numpy()
    clf = DistributedIBClassifier(
        **{**FAST, "n_pretrain_steps": 20, "n_steps": 40, "n_checkpoints": 2}
    ).fit(X[keep], y[keep])
    values, _ = clf.distinguishability_matrix("site")
    assert list(values) == ["B", "A"]  # the dtype's order, C dropped
    with pytest.warns(UnknownCategoryWarning, match="site.*C"):
        clf.predict(X[~keep])
