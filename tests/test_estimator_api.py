"""The scikit-learn contract beyond the common checks: path, rewind, pickling."""

import io

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdib import DistributedIBClassifier, DistributedIBRegressor, InformationPath


@pytest.fixture(scope="module")
def fitted(threshold_data, tiny_params):
    X, y = threshold_data
    return DistributedIBClassifier(**tiny_params).fit(X, y)


def test_classes_and_predictions_use_original_labels(fitted, threshold_data):
    X, y = threshold_data
    assert list(fitted.classes_) == ["neg", "pos"]
    assert set(fitted.predict(X)) <= {"neg", "pos"}
    proba = fitted.predict_proba(X)
    assert proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert fitted.score(X, y) > 0.9


def test_information_path_contract(fitted, tiny_params):
    path = fitted.information_path_
    assert isinstance(path, InformationPath)
    n = tiny_params["n_checkpoints"]
    assert path.beta.shape == (n,)
    assert np.all(np.diff(path.beta) > 0)
    assert path.information.shape == path.kl.shape == (n, 3)
    assert path.feature_names == ("x0", "x1", "x2")
    np.testing.assert_allclose(path.total_information, path.information.sum(1))
    assert np.all(path.kl >= 0)
    for name in ("loss_train", "loss_val", "score_val"):
        assert np.all(np.isfinite(getattr(path, name)))
    frame = path.to_frame()
    assert len(frame) == n * 3
    assert {"beta", "feature", "information", "kl", "score_val"} <= set(frame)
    # the informative channel carries the most bits at the best point
    best = path.information[fitted.best_point_]
    assert np.argmax(best) == 0


def test_default_point_is_one_se_of_the_prediction_loss(fitted):
    path = fitted.information_path_
    assert fitted.path_point_ == fitted.best_point_
    assert fitted.best_point_ == path.select_point("one_se")
    loss, se = path.prediction_loss_val, path.prediction_loss_diff_se
    lowest = int(np.argmin(loss))
    chosen = fitted.best_point_
    assert chosen >= lowest and se[lowest] == 0
    assert loss[chosen] <= loss[lowest] + se[chosen]
    assert np.all(loss[chosen + 1:] > loss[lowest] + se[chosen + 1:])


def test_prediction_loss_is_the_log_loss_of_predict_proba(fitted, threshold_data):
    # recomputed here from predict_proba on an explicit validation set
    X, y = threshold_data
    # exact snapshots: the rewound weights are those the path was scored with
    est = clone(fitted).set_params(keep_snapshots="exact")
    est.fit(X[:150], y[:150], X_val=X[150:], y_val=y[150:])
    path = est.information_path_
    for point in (0, path.n_points - 1):
        proba = est.set_path_point(point).predict_proba(X[150:])
        codes = np.searchsorted(est.classes_, y[150:])
        expected = -np.log2(proba[np.arange(len(codes)), codes]).mean()
        np.testing.assert_allclose(path.prediction_loss_val[point], expected,
                                   rtol=1e-3, atol=1e-4)


def test_best_rule_is_the_highest_score(fitted):
    path = fitted.information_path_
    score = path.score_val
    ties = np.flatnonzero(score == score.max())
    best = int(ties[np.argmin(path.loss_val[ties])])  # ties: lowest loss
    assert path.select_point("best") == best
    with pytest.raises(ValueError, match="rule"):
        path.select_point("median")


def test_rewind_changes_and_restores_predictions(fitted, threshold_data):
    X, _ = threshold_data
    best = fitted.predict_proba(X)
    fitted.set_path_point(0)
    first = fitted.predict_proba(X)
    assert fitted.path_point_ == 0
    fitted.set_path_point(beta=fitted.information_path_.beta[-1] * 1.01)
    assert fitted.path_point_ == fitted.information_path_.n_points - 1
    fitted.set_path_point(total_information=0.0)
    total = fitted.information_path_.total_information
    assert fitted.path_point_ == int(np.argmin(total))
    fitted.set_path_point()
    np.testing.assert_array_equal(fitted.predict_proba(X), best)
    if fitted.best_point_ != 0:
        assert not np.allclose(first, best)


@pytest.mark.parametrize("kwargs, match", [
    ({"index": 99}, "out of range"),
    ({"index": 1, "beta": 0.1}, "only one"),
    ({"beta": -1.0}, "positive"),
    ({"index": 1.5}, "int"),
])
def test_rewind_bad_arguments(fitted, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        fitted.set_path_point(**kwargs)


def test_transform_shape_and_names(fitted, threshold_data):
    X, _ = threshold_data
    U = fitted.transform(X[:7])
    assert U.shape == (7, 3 * fitted.embedding_dim)
    means, log_vars = fitted.encode(X[:7])
    np.testing.assert_array_equal(U[:, :2], means[0])
    np.testing.assert_array_equal(U[:, 2:4], means[1])
    names = fitted.get_feature_names_out()
    assert list(names[:3]) == ["x0_u0", "x0_u1", "x1_u0"]


def test_same_seed_same_path(threshold_data, tiny_params):
    X, y = threshold_data
    a = DistributedIBClassifier(**tiny_params).fit(X, y).information_path_
    b = DistributedIBClassifier(**tiny_params).fit(X, y).information_path_
    np.testing.assert_array_equal(a.kl, b.kl)
    np.testing.assert_array_equal(a.loss_val, b.loss_val)
    c = DistributedIBClassifier(**{**tiny_params, "random_state": 1}).fit(X, y)
    assert not np.array_equal(a.kl, c.information_path_.kl)


def test_joblib_round_trip_identical_predictions(fitted, threshold_data):
    X, _ = threshold_data
    fitted.set_path_point(1)
    buf = io.BytesIO()
    joblib.dump(fitted, buf)
    buf.seek(0)
    loaded = joblib.load(buf)
    assert loaded.path_point_ == 1
    np.testing.assert_array_equal(loaded.predict_proba(X), fitted.predict_proba(X))
    loaded.set_path_point()
    fitted.set_path_point()
    np.testing.assert_array_equal(loaded.transform(X), fitted.transform(X))


def test_regressor_uses_the_same_rule_on_one_minus_r2(tiny_params):
    rng = np.random.default_rng(3)
    X = rng.normal(size=(300, 3))
    y = X[:, 0] + 0.5 * rng.normal(size=300)
    reg = DistributedIBRegressor(**tiny_params).fit(X, y)
    path = reg.information_path_
    # two computations of the same number: the loss rows and the R² score
    np.testing.assert_allclose(path.prediction_loss_val, 1 - path.score_val,
                               atol=1e-9)
    assert reg.best_point_ == path.select_point("one_se")


def test_clone_and_params(tiny_params):
    est = DistributedIBRegressor(**tiny_params, feature_groups=[[0, 1], [2]])
    cl = clone(est)
    assert cl.get_params() == est.get_params()
    cl.set_params(embedding_dim=4)
    assert cl.embedding_dim == 4 and est.embedding_dim == 2


def test_pipeline_and_grid_search(threshold_data, tiny_params):
    X, y = threshold_data
    pipe = make_pipeline(StandardScaler(), DistributedIBClassifier(**tiny_params))
    grid = GridSearchCV(pipe, {"distributedibclassifier__embedding_dim": [1, 2]},
                        cv=2)
    grid.fit(X, y)
    assert grid.best_params_["distributedibclassifier__embedding_dim"] in (1, 2)
    assert grid.score(X, y) > 0.85


def test_pandas_in_names_and_groups_by_name(tiny_params):
    rng = np.random.default_rng(1)
    df = pd.DataFrame(rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    y = df["a"] + 0.5 * df["b"]
    reg = DistributedIBRegressor(**tiny_params,
                                 feature_groups={"ab": ["a", "b"], "c": ["c"]})
    reg.fit(df, y)
    assert list(reg.feature_names_in_) == ["a", "b", "c"]
    assert reg.information_path_.feature_names == ("ab", "c")
    assert reg.channels_ == [[0, 1], [2]]
    reg.set_output(transform="pandas")
    out = reg.transform(df)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns[:2]) == ["ab_u0", "ab_u1"]


def test_regressor_multi_output_shapes(tiny_params):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(200, 2))
    Y = np.c_[X[:, 0], -X[:, 1]] * 10 + 5
    reg = DistributedIBRegressor(**tiny_params).fit(X, Y)
    assert reg.n_outputs_ == 2
    pred = reg.predict(X)
    assert pred.shape == (200, 2)
    assert reg.score(X, Y) > 0.7  # predictions are on the original scale
    y1 = DistributedIBRegressor(**tiny_params).fit(X, Y[:, 0]).predict(X)
    assert y1.shape == (200,)


def test_keep_snapshots_false_only_last_point(threshold_data, tiny_params):
    X, y = threshold_data
    kept = DistributedIBClassifier(**tiny_params, select_point="best",
                                   keep_snapshots="exact").fit(X, y)
    last = kept.information_path_.n_points - 1
    assert kept.best_point_ != last  # the rule prefers an earlier point here
    with pytest.warns(UserWarning, match=f"not from point {kept.best_point_} "):
        clf = DistributedIBClassifier(**tiny_params, select_point="best",
                                      keep_snapshots=False).fit(X, y)
    # the model is at the last point, and says so: the default point is it
    assert clf.path_point_ == clf.best_point_ == last
    np.testing.assert_array_equal(clf.predict_proba(X),
                                  kept.set_path_point(last).predict_proba(X))
    assert clf.set_path_point().path_point_ == last
    with pytest.raises(ValueError, match="keep_snapshots=False"):
        clf.set_path_point(0)


def test_verbose_shows_progress(threshold_data, tiny_params, capsys):
    X, y = threshold_data
    DistributedIBClassifier(**{**tiny_params, "n_steps": 40}, verbose=1).fit(X, y)
    err = capsys.readouterr().err
    assert "beta=" in err and "bits=" in err and "loss=" in err


def test_distinguishability_on_dataframe_fit_warns_nothing(tiny_params):
    import warnings

    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.normal(size=(150, 2)), columns=["a", "b"])
    clf = DistributedIBClassifier(**tiny_params).fit(df, df["a"] > 0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values, D = clf.distinguishability_matrix("a")
    assert D.shape == (len(values), len(values))


def test_log_probabilities_and_output_names(threshold_data, tiny_params):
    X, y = threshold_data
    clf = DistributedIBClassifier(**tiny_params).fit(X, y)
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(np.exp(clf.predict_log_proba(X)), proba,
                               rtol=1e-6)
    names = clf.get_feature_names_out(["x0", "x1", "x2"])
    assert names[0] == "x0_u0" and len(names) == 3 * clf.recipe_["embedding_dim"]
    with pytest.raises(ValueError, match="input_features"):
        clf.get_feature_names_out(["x0", "x1"])  # three inputs were fitted
