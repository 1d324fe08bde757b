"""``skdib analyze`` on tables as users have them: text columns, task
inference, and a report that shows cross-validated scores and baselines."""

import json
import re

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import cross_val_score

from skdib import DistributedIBClassifier, DistributedIBRegressor, InformationPath
from skdib.__main__ import main
from skdib._cli import _scores
from skdib._cli._data import (
    CLIError,
    infer_task,
    parse_categorical,
    prepare_dataset,
    read_table,
)
from skdib._cli._scores import baselines
from skdib._cli.report._html import BAR_PX, _bits_cell
from skdib._cli.report._summary import _column_labels, bits_scale, channel_summary
from skdib.compare import cross_validate_path
from skdib.exceptions import DivergenceError

TINY = ["--n-steps", "30", "--n-pretrain-steps", "10", "--n-checkpoints", "3"]


def penguins(n=260, seed=0):
    """Three species told apart by bill length and island; sex is noise."""
    rng = np.random.default_rng(seed)
    species = rng.choice(["Adelie", "Chinstrap", "Gentoo"], size=n)
    code = pd.Series(species).map({"Adelie": 0, "Chinstrap": 1, "Gentoo": 2})
    island = np.where(code == 2, "Biscoe",
                      rng.choice(["Dream", "Torgersen"], size=n))
    return pd.DataFrame({
        "species": species,
        "island": island,
        "bill_length_mm": 38.0 + 6.0 * code + rng.normal(0, 0.8, n),
        "flipper_length_mm": 190.0 + 12.0 * (code == 2) + rng.normal(0, 3, n),
        "body_mass_g": rng.normal(4200, 500, n),
        "sex": rng.choice(["female", "male"], size=n),
    })


@pytest.fixture(scope="module")
def penguin_report(analyze_csv):
    return analyze_csv("penguins", penguins(), "--target", "species", *TINY,
                       "--cv", "2")


def kind_of(html, channel):
    match = re.search(rf'<td class="channel">{channel}</td><td class="kind">'
                      r"(.*?)</td>", html)
    return match and match.group(1)


def test_penguins_report_names_the_categorical_channels(penguin_report):
    status, out = penguin_report
    assert status == 0
    html = (out / "index.html").read_text()
    assert kind_of(html, "island") == "categorical (3 categories)"
    assert kind_of(html, "sex") == "categorical (2 categories)"
    assert kind_of(html, "bill_length_mm") == "numeric"
    run = json.loads((out / "run.json").read_text())
    assert run["channel_kinds"]["island"] == "categorical (3 categories)"
    assert run["data"]["categorical"] == {"island": 3, "sex": 2}
    assert run["params"]["categorical_features"] == "auto"
    path = pd.read_csv(out / "path.csv")
    assert {"island", "sex", "bill_length_mm"} <= set(path["feature"])


def test_distinguishability_plot_shows_the_first_channel(penguin_report):
    """Categorical or numeric: the plot draws the feature ranked first."""
    _, out = penguin_report
    model = joblib.load(out / "model.joblib")
    X = penguins().drop(columns="species")
    first = channel_summary(model, kinds=None)["channel"].iloc[0]
    html = (out / "index.html").read_text()
    assert f"Distinguishability of {first}" in html
    assert (out / "distinguishability.png").stat().st_size > 0
    assert model.predict(X.head()).shape == (5,)


def test_penguins_scores_cross_validated_on_the_same_folds(penguin_report):
    _, out = penguin_report
    scores = json.loads((out / "run.json").read_text())["scores"]
    assert scores["cv"] == 2 and scores["n_rows"] == 260
    assert set(scores["models"]) == {"distributed_ib", "linear", "random_forest"}
    for entry in scores["models"].values():
        assert len(entry["folds"]) == 2
        assert np.isfinite(entry["mean"]) and np.isfinite(entry["se"])
        assert entry["mean"] == pytest.approx(np.mean(entry["folds"]))
    dib = scores["models"]["distributed_ib"]
    assert dib["rule"] in ("best", "one_se")
    assert dib["point"] == json.loads((out / "run.json").read_text())["best_point"]
    # the linear baseline separates these species almost perfectly
    assert scores["models"]["linear"]["mean"] > 0.9
    path = pd.read_csv(out / "path.csv")
    by_point = path.groupby("point")["score_cv"].first()
    assert by_point[dib["point"]] == pytest.approx(dib["mean"])


def test_penguins_report_shows_validation_size_and_errors(penguin_report):
    _, out = penguin_report
    html = (out / "index.html").read_text()
    run = json.loads((out / "run.json").read_text())
    val = run["scores"]["validation"]
    assert val["n_rows"] == 52  # 20 % of 260 rows
    assert f"({val['n_rows']} held-out rows)" in html
    assert re.search(r"\d\.\d{3} ± \d\.\d{3}", html)
    assert "random forest (200 trees)" in html
    assert "LogisticRegression" in html
    assert "over 2 folds of 260 rows" in html


def test_printed_summary_lists_categories_and_scores(tmp_path, capsys):
    data = tmp_path / "p.csv"
    penguins().to_csv(data, index=False)
    status = main(["analyze", str(data), "--target", "species", *TINY, "--cv",
                   "2", "--out", str(tmp_path / "r")])
    assert status == 0
    stdout = capsys.readouterr().out
    assert "categorical: island (3 categories), sex (2 categories)" in stdout
    assert re.search(r"linear \(LogisticRegression.*\d\.\d{3} ± \d\.\d{3}", stdout)
    assert re.search(r"Distributed IB, chosen path point \(the model's point \d",
                     stdout)


def test_cv_0_skips_cross_validation_and_says_so(tmp_path):
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"a": rng.normal(size=260), "b": rng.normal(size=260)})
    frame["y"] = frame["a"] * 1.5 + 0.1 * rng.normal(size=260)  # fractional
    data = tmp_path / "r.csv"
    frame.to_csv(data, index=False)
    out = tmp_path / "out"
    assert main(["analyze", str(data), "--target", "y", *TINY, "--cv", "0",
                 "--quiet", "--out", str(out)]) == 0
    run = json.loads((out / "run.json").read_text())
    assert run["data"]["task"] == "regression"
    assert run["scores"]["cv"] == 0 and run["scores"]["models"] == {}
    assert "Cross-validation skipped (--cv 0)" in (out / "index.html").read_text()
    assert "score_cv" not in pd.read_csv(out / "path.csv").columns


def test_cv_scores_the_models_own_point_with_one_sweep_per_fold(monkeypatch):
    """The cross-validated row is the fitted model's point, not one chosen
    again on the folds' held-out rows; each fold runs one sweep, since a
    fold's replicates would be chosen on its held-out rows."""
    X, y = penguins(n=120).drop(columns="species"), penguins(n=120)["species"]
    X = X[["bill_length_mm", "body_mass_g"]]
    est = DistributedIBClassifier(n_pretrain_steps=10, n_steps=30, n_checkpoints=3,
                                  n_replicates=2, random_state=0).fit(X, y)
    est.best_point_ = last = est.information_path_.n_points - 1  # as if chosen
    seen = {}

    def spy(template, *args, **kwargs):
        seen["n_replicates"] = template.n_replicates
        return cross_validate_path(template, *args, **kwargs)

    monkeypatch.setattr(_scores, "cross_validate_path", spy)
    scores, cvp = _scores.cross_validated_scores(
        est, X, y.to_numpy(), task="classification", cv=2, seed=0)
    dib = scores["models"]["distributed_ib"]
    assert dib["point"] == last and seen["n_replicates"] == 1
    assert dib["mean"] == pytest.approx(cvp.score[:, last].mean())
    assert "one sweep per fold" in dib["label"]


def test_a_class_of_one_row_fails_cv_before_the_fit(tmp_path, capsys):
    data = tmp_path / "rare.csv"
    frame = frame_with_text()
    frame.loc[0, "y"] = 9
    frame.to_csv(data, index=False)
    # default settings: had the fit run first, this would take minutes
    assert main(["analyze", str(data), "--target", "y", "--categorical", "none",
                 "--drop", "colour", "--cv", "2", "--out", str(tmp_path / "o")]) == 2
    assert "class(es) [9] have too few rows for every fold" in capsys.readouterr().err


def test_failed_cross_validation_keeps_the_fit(tmp_path, capsys, monkeypatch):
    def fail(*args, **kwargs):
        raise CLIError("--cv 2: cross-validation failed: a fold broke")

    monkeypatch.setattr(_scores, "cross_validated_scores", fail)
    monkeypatch.chdir(tmp_path)
    penguins(n=120).to_csv("p.csv", index=False)
    out = tmp_path / "r"
    assert main(["analyze", "p.csv", "--target", "species", *TINY, "--cv", "2",
                 "--n-replicates", "2", "--out", "r"]) == 0
    captured = capsys.readouterr()
    assert "a fold broke; the report is written without" in captured.err
    assert "2 sweeps of 40 steps" in captured.out
    # a relative --out is printed in full (demo.sh runs at the repository root)
    assert f"Report written to {out / 'index.html'}" in captured.out
    html = (out / "index.html").read_text()
    assert "Cross-validation failed after the fit" in html
    assert (out / "path.csv").exists()


def test_a_diverged_fold_keeps_the_fit(tmp_path, capsys, monkeypatch):
    def diverge(*args, **kwargs):
        raise DivergenceError("a fold's loss is NaN", step=30, beta=0.5)

    monkeypatch.setattr(_scores, "cross_validate_path", diverge)
    data = tmp_path / "p.csv"
    penguins(n=120).to_csv(data, index=False)
    out = tmp_path / "r"
    assert main(["analyze", str(data), "--target", "species", *TINY, "--cv", "2",
                 "--out", str(out)]) == 0
    assert "a fold's loss is NaN" in capsys.readouterr().err
    assert "Cross-validation failed after the fit" in (out / "index.html").read_text()


def test_semicolon_csv_with_decimal_commas_reads_numbers(tmp_path):
    data = tmp_path / "eu.csv"
    frame = pd.DataFrame({"a": [1.5, 2.25, -3.0], "b": [0.1, 0.2, 0.3],
                          "name": ["x", "y", "z"]})
    frame.to_csv(data, sep=";", decimal=",", index=False)
    read = read_table(data)
    pd.testing.assert_frame_equal(read, frame)
    frame.to_csv(data, sep=";", index=False)  # decimal points stay points
    pd.testing.assert_frame_equal(read_table(data), frame)


def test_table_headers_keep_channels_apart():
    names = ["measurement_alpha", "measurement_beta", "short", "a_long_name_1"]
    labels = _column_labels(names)
    assert len(set(labels)) == 4 and labels[2] == "short"
    assert labels[3] == "a_lo…ame_1"


# ------------------------------------------------------------ categorical data
def frame_with_text(n=40):
    rng = np.random.default_rng(0)
    return pd.DataFrame({"a": rng.normal(size=n), "code": rng.integers(0, 4, n),
                         "colour": rng.choice(["red", "blue"], n),
                         "y": rng.integers(0, 2, n)})


def test_categorical_auto_keeps_text_columns_and_floats_the_rest():
    data = prepare_dataset(frame_with_text(), "y")
    assert data.categorical == {"colour": 2}
    assert data.categorical_features == "auto"
    assert list(data.X["colour"]) == list(frame_with_text()["colour"])
    assert data.X["a"].dtype == float and data.X["code"].dtype == float
    assert data.kinds == {"a": "numeric", "code": "numeric",
                          "colour": "categorical (2 categories)"}


def test_categorical_list_names_integer_codes_too():
    data = prepare_dataset(frame_with_text(), "y",
                           categorical=parse_categorical("code, colour"))
    assert data.categorical_features == ["code", "colour"]
    assert data.categorical == {"code": 4, "colour": 2}
    assert data.kinds["code"] == "categorical (4 categories)"


def test_a_group_is_a_kind_of_its_own():
    data = prepare_dataset(frame_with_text(), "y", groups={"g": ["a", "code"]})
    assert data.kinds == {"g": "group (2 columns)",
                          "colour": "categorical (2 categories)"}


def test_parse_categorical():
    assert parse_categorical("auto") == "auto"
    assert parse_categorical("NONE") is None
    assert parse_categorical("a, b,") == ["a", "b"]
    with pytest.raises(CLIError, match="--categorical is empty"):
        parse_categorical(" , ")


@pytest.mark.parametrize("spec, drop, match", [
    (None, (), r"'colour' are not numeric and --categorical none.*--drop colour"),
    (["code"], (), "'colour' are not numeric and --categorical does not name them"),
    (["colour", "nope"], (), "--categorical: no feature column 'nope'"),
    (["y"], (), "'y' is the target"),
    (["colour"], ("colour",), "which --drop removes"),
])
def test_bad_categorical_specs_are_refused(spec, drop, match):
    with pytest.raises(CLIError, match=match):
        prepare_dataset(frame_with_text(), "y", categorical=spec, drop=drop)


def test_missing_categories_are_refused(tmp_path, capsys):
    frame = frame_with_text()
    frame.loc[[3, 7], "colour"] = np.nan
    data = tmp_path / "m.csv"
    frame.to_csv(data, index=False)
    assert main(["analyze", str(data), "--target", "y", "--out",
                 str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("skdib: error: categorical column(s) 'colour' have "
                          "missing values (2 in all)")
    assert len(err.splitlines()) == 1


def test_names_equal_once_stripped_are_named(tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_text("a,a ,y\n" + "".join(f"{i},{-i},{i % 2}\n" for i in range(30)))
    assert main(["analyze", str(data), "--target", "y", "--out",
                 str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert "columns ['a'] appear more than once" in err


# ------------------------------------------------------------ task inference
@pytest.mark.parametrize("values, expected", [
    (np.linspace(0.0, 1.0, 200), "regression"),
    ([0.5, 1.5, 0.5, 1.5, 0.5], "regression"),  # few values, not integers
    (np.arange(20) * 1.0, "classification"),
    (np.arange(21), "regression"),
    ([True, False, True], "classification"),
    (["x", "y", "x"], "classification"),
])
def test_auto_task(values, expected):
    assert infer_task(pd.Series(values, name="t")) == expected


@pytest.mark.parametrize("values, match", [
    ([0.5, 1.5, 0.5, 2.0], r"non-integer values \(such as 0.5\)"),
    (np.arange(30), "30 distinct numbers"),
])
def test_explicit_classification_of_a_quantity_needs_force(values, match):
    y = pd.Series(values, name="t")
    with pytest.raises(CLIError, match=match + r".*--force-task"):
        infer_task(y, "classification")
    assert infer_task(y, "classification", force=True) == "classification"


def test_classification_refusal_on_the_command_line(tmp_path, capsys):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=40), "y": rng.normal(size=40)})
    data = tmp_path / "q.csv"
    frame.to_csv(data, index=False)
    assert main(["analyze", str(data), "--target", "y", "--task",
                 "classification", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "--task classification: the target 'y' holds non-integer" in err
    assert "--force-task" in err and "--task regression" in err
    assert main(["analyze", "--help"]) == 0
    assert "--force-task" in capsys.readouterr().out


def test_cv_must_be_0_or_at_least_2(tmp_path, capsys):
    data = tmp_path / "d.csv"
    frame_with_text().to_csv(data, index=False)
    assert main(["analyze", str(data), "--target", "y", "--cv", "1"]) == 2
    assert "--cv must be 0 (no cross-validation) or at least 2" in \
        capsys.readouterr().err


def test_too_many_folds_fail_before_the_fit(tmp_path, capsys):
    data = tmp_path / "d.csv"
    frame = frame_with_text()
    frame.to_csv(data, index=False)
    out = tmp_path / "o"
    # default settings: had the fit run first, this would take minutes
    assert main(["analyze", str(data), "--target", "y", "--cv",
                 str(len(frame) + 1), "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert f"--cv {len(frame) + 1}: cross-validation failed" in captured.err
    assert "Fitting" not in captured.out + captured.err
    assert not out.exists()


# ------------------------------------------------------------ help and bars
def test_help_defaults_are_the_estimators(capsys):
    assert main(["analyze", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    for option, name in [("--n-steps", "n_steps"),
                         ("--n-pretrain-steps", "n_pretrain_steps"),
                         ("--n-checkpoints", "n_checkpoints"),
                         ("--n-replicates", "n_replicates")]:
        found = re.search(rf"{option} N [^(]*\(default: the estimator's, (\w+)\)",
                          text)
        assert found, option
        for cls in (DistributedIBClassifier, DistributedIBRegressor):
            assert found.group(1) == str(cls().get_params()[name]), option


def test_help_says_what_ungrouped_columns_are(capsys):
    assert main(["analyze", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert ("every feature column not named in a group is its own channel; "
            "use --drop to leave a column out") in text


def test_bit_bars_are_not_stretched_by_one_extreme_cell():
    bits = np.full((30, 4), 1.0)
    bits[:, 1] = np.linspace(2.0, 0.0, 30)
    bits[0, 0] = 1000.0  # one runaway estimate early in the sweep
    path = InformationPath(beta=np.logspace(-4, 0, 30), kl=bits, information=bits,
                           loss_train=np.zeros(30), loss_val=np.zeros(30),
                           score_val=np.zeros(30), feature_names="abcd")
    scale = bits_scale(path)
    assert 1.0 <= scale <= 2.0
    width = float(re.search(r"width:(\d+)px", _bits_cell(1.0, scale)).group(1))
    assert width >= BAR_PX / 2  # 1 bit of at most 2: at least half a bar
    assert f"width:{BAR_PX}px" in _bits_cell(1000.0, scale)  # clipped, not wider


def test_baselines_one_hot_the_categories():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=150),
                      "g": rng.choice(["low", "mid", "high"], 150)})
    y = 2.0 * X["a"] + X["g"].map({"low": -3.0, "mid": 0.0, "high": 3.0})
    models = baselines("regression", ["g"], seed=0)
    assert set(models) == {"linear", "random_forest"}
    label, linear = models["linear"]
    assert "RidgeCV" in label
    assert cross_val_score(linear, X, y, cv=3).mean() > 0.95
    forest = models["random_forest"][1]
    assert forest[-1].n_estimators == 200 and forest[-1].random_state == 0
    assert cross_val_score(forest, X, y, cv=3).mean() > 0.5
