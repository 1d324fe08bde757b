"""The skdib command: demo, analyze, the report folder and the error lines."""

import json
import re
import subprocess
import sys
from html import escape

import joblib
import numpy as np
import pandas as pd
import pytest

from skdib import InformationPath
from skdib.__main__ import main
from skdib._cli._data import CLIError, infer_task, parse_groups

FAST = ["--n-steps", "300", "--n-pretrain-steps", "100", "--quiet"]
PATH_COLUMNS = list(InformationPath(
    beta=np.ones(1), kl=np.zeros((1, 1)), information=np.zeros((1, 1)),
    loss_train=np.zeros(1), loss_val=np.zeros(1), score_val=np.zeros(1),
    feature_names=("a",)).to_frame().columns)


def ranked_channels(html):
    return re.findall(r'<td class="channel">(.*?)</td>', html)


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    """y depends on temp and pressure only; id is a row number to drop."""
    rng = np.random.default_rng(0)
    n = 500
    frame = pd.DataFrame({
        "noise_a": rng.normal(size=n),
        "temp": rng.normal(size=n),
        "noise_b": rng.uniform(size=n),
        "pressure": rng.normal(size=n),
        "id": np.arange(n),
    })
    frame["y"] = (frame["temp"] + frame["pressure"] > 0).astype(int)
    path = tmp_path_factory.mktemp("data") / "gen.csv"
    frame.to_csv(path, index=False)
    return path, frame


@pytest.fixture(scope="module")
def analyzed(table, tmp_path_factory):
    path, _ = table
    out = tmp_path_factory.mktemp("report") / "out"
    status = main(["analyze", str(path), "--target", "y", "--drop", "id",
                   "--n-checkpoints", "12", "--cv", "0", "--out", str(out), *FAST])
    return status, out


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo") / "out"
    return main(["demo", "--out", str(out), *FAST]), out


@pytest.mark.slow
def test_analyze_writes_the_report(analyzed, table):
    status, out = analyzed
    _, frame = table
    assert status == 0
    for name in ("index.html", "path.csv", "model.joblib", "run.json",
                 "information_plane.png", "information_allocation.png",
                 "distinguishability.png"):
        assert (out / name).stat().st_size > 0, name
    path = pd.read_csv(out / "path.csv")
    assert list(path.columns) == PATH_COLUMNS
    assert len(path) == 12 * 4  # checkpoints x channels (id dropped)
    assert set(path["feature"]) == {"noise_a", "temp", "noise_b", "pressure"}


@pytest.mark.slow
def test_analyze_ranks_the_relevant_features_first(analyzed):
    _, out = analyzed
    html = (out / "index.html").read_text()
    ranking = ranked_channels(html)
    assert set(ranking[:2]) == {"temp", "pressure"}
    assert len(ranking) == 4
    for name in ("information_plane.png", "information_allocation.png",
                 "distinguishability.png"):
        assert f'<img src="{name}"' in html
    # every interval carries the Monte Carlo error of the model's own path
    model = joblib.load(out / "model.joblib")
    path, point = model.information_path_, model.best_point_
    shown = [float(v) for v in re.findall(r", SE (\d+\.\d+) ", html)]
    expected = [path.information_se[point, path.feature_names.index(name)]
                for name in ranking]
    np.testing.assert_allclose(shown, expected, atol=0.005)


@pytest.mark.slow
def test_analyze_model_loads_and_predicts(analyzed, table):
    _, out = analyzed
    _, frame = table
    model = joblib.load(out / "model.joblib")
    X = frame.drop(columns=["y", "id"])
    assert model.score(X, frame["y"]) > 0.8
    run = json.loads((out / "run.json").read_text())
    assert run["command"].startswith("skdib analyze ")
    assert {"skdib", "torch", "scikit-learn", "numpy", "python"} <= set(
        run["versions"])
    assert run["device"] == "cpu" or run["device"].startswith("cuda")
    assert run["timing_s"]["fit"] > 0
    assert run["data"]["task"] == "classification"
    assert run["ranking"] == ranked_channels((out / "index.html").read_text())


@pytest.mark.slow
def test_demo_writes_the_report(demo):
    status, out = demo
    assert status == 0
    path = pd.read_csv(out / "path.csv")
    assert list(path.columns) == PATH_COLUMNS
    assert sorted(set(path["feature"])) == [f"x{i}" for i in range(10)]
    assert len(path) == path["point"].nunique() * 10
    assert (out / "subset_frontier.png").stat().st_size > 0
    html = (out / "index.html").read_text()
    assert '<img src="subset_frontier.png"' in html
    assert "H(Y), target entropy" in html
    run = json.loads((out / "run.json").read_text())
    assert 0.0 <= run["path_subset_score"] <= 1.0


@pytest.mark.slow
def test_analyze_regression_with_groups_prints_the_table(tmp_path, capsys):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.normal(size=(300, 3)), columns=["px", "py", "noise"])
    frame["target"] = frame["px"] ** 2 + frame["py"] + 0.1 * rng.normal(size=300)
    data = tmp_path / "reg.csv"
    frame.to_csv(data, index=False)
    status = main(["analyze", str(data), "--target", "target", "--groups",
                   "pos=px,py", "--n-steps", "100", "--n-pretrain-steps", "50",
                   "--n-checkpoints", "5", "--cv", "0", "--out",
                   str(tmp_path / "r")])
    assert status == 0
    stdout = capsys.readouterr().out
    assert "(regression)" in stdout and "val R²" in stdout
    assert re.search(r"^\s+point\s+beta\s+total\s+\w+", stdout, re.M)
    path = pd.read_csv(tmp_path / "r" / "path.csv")
    assert set(path["feature"]) == {"pos", "noise"}
    chosen = path[path["point"] == joblib.load(tmp_path / "r" / "model.joblib")
                  .best_point_]
    shown = re.search(r"standard error of the bits at the chosen point: up to "
                      r"(\d+\.\d+)", stdout)
    assert shown and float(shown[1]) == pytest.approx(
        chosen["information_se"].max(), abs=0.006)
    html = (tmp_path / "r" / "index.html").read_text()
    assert "px, py" in html and "validation R²" in html


def write(tmp_path, name, frame):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return str(path)


@pytest.fixture
def small(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=30), "b": rng.normal(size=30)})
    frame["y"] = (frame["a"] > 0).astype(int)
    return tmp_path, frame


@pytest.mark.parametrize("case, match", [
    ("missing file", "no such file"),
    ("missing target", "no column 'target'"),
    ("text feature", "'colour' are not numeric and --categorical none"),
    ("nan", "missing or infinite values.*columns: 'b'"),
    ("one class", "single value"),
    ("bad groups", "bad --groups entry 'pos:a,b'"),
    ("unknown group column", "--groups: no column 'c'"),
    ("unknown drop", "--drop: no column"),
    ("bad device", "--device"),
    ("parquet", "pyarrow|could not read"),
    ("no target option", "--target"),
    ("bad steps", "--n-steps must be >= 1"),
    ("bad replicates", "--n-replicates must be >= 1"),
    ("out is a file", "is a file"),
    ("stray target", "these are not: '\\?'.*--task classification"),
    # before the fix: a numpy traceback (demo), or blamed on --cv (analyze)
    ("negative seed", "--seed must be between 0 and 4294967295 .*got -1$"),
    ("huge seed", "--seed must be between 0 and 4294967295 .*got 4294967296"),
    # before the fix: a channel named like the target, accepted
    ("group named as the target", "the group name 'y' is the target's"),
    ("group holding the target", "'y' is the target; it cannot be a feature"),
])
def test_errors_are_one_line_with_status_2(case, match, small, capsys):
    tmp_path, frame = small
    good = write(tmp_path, "good.csv", frame)
    argv = {
        "missing file": ["analyze", str(tmp_path / "nope.csv"), "--target", "y"],
        "missing target": ["analyze", good, "--target", "target"],
        "text feature": ["analyze", write(tmp_path, "t.csv", frame.assign(
            colour=["red", "blue"] * 15)), "--target", "y", "--categorical",
            "none"],
        "nan": ["analyze", write(tmp_path, "n.csv", frame.assign(
            b=frame["b"].where(frame.index != 3))), "--target", "y"],
        "one class": ["analyze", write(tmp_path, "o.csv", frame.assign(y=1)),
                      "--target", "y"],
        "bad groups": ["analyze", good, "--target", "y", "--groups", "pos:a,b"],
        "unknown group column": ["analyze", good, "--target", "y", "--groups",
                                 "pos=a,c"],
        "unknown drop": ["analyze", good, "--target", "y", "--drop", "zz"],
        "bad device": ["analyze", good, "--target", "y", "--device", "tpu"],
        "parquet": ["analyze", str(tmp_path / "d.parquet"), "--target", "y"],
        "no target option": ["analyze", good],
        "bad steps": ["demo", "--n-steps", "0"],
        "bad replicates": ["demo", "--n-replicates", "0"],
        "out is a file": ["analyze", good, "--target", "y", "--out", good],
        "negative seed": ["demo", "--seed", "-1"],
        "huge seed": ["analyze", good, "--target", "y", "--seed", str(2**32)],
        "group named as the target": ["analyze", good, "--target", "y",
                                      "--groups", "y=a,b"],
        "group holding the target": ["analyze", good, "--target", "y",
                                     "--groups", "g=a,y"],
        "stray target": ["analyze", write(tmp_path, "s.csv", frame.assign(
            y=frame["a"].round(3).astype(object).where(frame.index != 5, "?"))),
            "--target", "y"],
    }[case]
    (tmp_path / "d.parquet").write_bytes(b"not a parquet file")
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "out")]
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("skdib: error: ")
    assert re.search(match, lines[0]), lines[0]
    assert "Traceback" not in captured.err
    assert not (tmp_path / "out").exists()


def test_help_documents_the_options(capsys):
    assert main(["analyze", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--target", "--task", "--groups", "--drop", "--device",
                   "--n-steps", "--seed", "--out", "--quiet", "NAME=COL,COL"):
        assert option in text
    assert main(["demo", "--help"]) == 0
    assert "Boolean" in capsys.readouterr().out


def test_python_m_skdib_help():
    result = subprocess.run([sys.executable, "-m", "skdib", "--help"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "demo" in result.stdout and "analyze" in result.stdout


def test_parse_groups():
    assert parse_groups("pos=x, y; colour=r,g,b;") == {
        "pos": ["x", "y"], "colour": ["r", "g", "b"]}
    for spec, match in [("pos=x;pos=y", "twice"), ("a=x;b=x", "two groups"),
                        ("=x", "bad"), ("a=", "bad"), (";", "empty")]:
        with pytest.raises(CLIError, match=match):
            parse_groups(spec)


@pytest.mark.parametrize("values, expected", [
    (["a", "b", "a"], "classification"),
    ([0, 1, 2, 1], "classification"),
    ([0.0, 1.0, 1.0], "classification"),
    (list(range(25)), "regression"),
    ([0.5, 1.5, 2.0], "regression"),
])
def test_infer_task(values, expected):
    assert infer_task(pd.Series(values, name="y")) == expected


def _strict(text):
    """run.json parsed as strict JSON (NaN is not JSON)."""
    def refuse(constant):
        raise ValueError(f"{constant} in run.json")
    return json.loads(text, parse_constant=refuse)


def test_reused_folder_keeps_no_stale_figure_and_json_is_strict(small, capsys):
    tmp_path, frame = small
    out = tmp_path / "report"
    tiny = ["--n-steps", "30", "--n-pretrain-steps", "10", "--n-checkpoints",
            "3", "--quiet", "--out", str(out)]
    assert main(["demo", *tiny]) == 0
    assert (out / "subset_frontier.png").exists()
    run = _strict((out / "run.json").read_text())
    score = run["path_subset_score"]
    assert score is None or 0.0 <= score <= 1.0  # None: no proper subset
    html = (out / "index.html").read_text()
    assert "nan%" not in html
    # 30 steps leave the path short of --beta-end: the report says so too
    assert any("--beta-end" in note for note in run["fit_warnings"])
    assert all(escape(note) in html for note in run["fit_warnings"])
    data = write(tmp_path, "good.csv", frame)
    assert main(["analyze", data, "--target", "y", "--cv", "0", *tiny]) == 0
    assert not (out / "subset_frontier.png").exists()
    run = _strict((out / "run.json").read_text())
    assert "subset_frontier.png" not in run["files"]
