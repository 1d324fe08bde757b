"""The benchmark runner (``benchmarks/run.py``) and its sections, at tiny
sizes: every section that runs in the process returns rows the runner can
print, a failing section does not end the run, and the counts behind the
rows (FLOPs, steps, the 0.1 defaults, threads) are those of what runs."""

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from skdib import DistributedIBClassifier
from skdib._dib._recipe import HEAD_SETTINGS, SETTINGS, resolve_recipe
from skdib.datasets import make_boolean_circuit

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
KEYS = {"case", "setting", "seconds", "baseline", "baseline_seconds", "ratio"}


@pytest.fixture
def bench(monkeypatch):
    """Import a module of ``benchmarks/`` (they import each other by name)."""
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    return importlib.import_module


def _check_rows(rows, n, run):
    """``n`` rows with the runner's keys and consistent times, printable."""
    assert len(rows) == n
    for row in rows:
        assert KEYS <= row.keys(), row
        assert row["seconds"] > 0 and row["baseline_seconds"] > 0
        assert row["ratio"] == pytest.approx(row["baseline_seconds"] / row["seconds"])
        assert row.get("flops") is None or row["flops"] > 0
    run.print_rows(rows, 1.0)
    json.dumps([run.json_row(r) for r in rows], default=str)


def test_encoder_and_glass_sections_train_at_a_tiny_size(bench, capsys):
    # time_steps used step_precision's pair of contexts as one context, so
    # both sections (and run.py --quick) failed on their first step
    run, encoders, fits = bench("run"), bench("bench_encoders"), bench("bench_fits")
    tiny = {"tiny (4, d=2)": ((4,), 2, 8, (8,))}
    _check_rows(encoders.measure("cpu", True, (2, 3), configs=tiny, n_steps=2), 2,
                run)
    rows = fits.measure_glass_scale("cpu", True, network=(2, (4,), 2, (8,), 8),
                                    n_steps=2)
    _check_rows(rows, 2, run)
    assert "precision='bfloat16'" in rows[1]["setting"]
    assert capsys.readouterr().out.count("\n") == 4


def test_bounds_count_the_flops_of_the_path_taken(bench):
    run, bounds = bench("run"), bench("bench_bounds")
    (row,) = bounds.measure("cpu", True, size=(3, 2, 64, 2))
    _check_rows([row], 1, run)
    assert "expanded path: 3 of 3 ch" in row["setting"]
    # 3 channels x 2 batches of K=64, d=2: (K x 2d)(2d x K) = 4 d K^2, the
    # bias, and 5 elementwise steps per pair (was 3 x 2 d K^2)
    assert row["flops"] * row["seconds"] == pytest.approx(3 * 2 * 64**2 * (4 * 2 + 6))


def test_imbalance_rows_at_a_tiny_size(bench):
    run = bench("run")
    rows = run.imbalance_rows("cpu", True, size=(120, 4, 2))
    _check_rows(rows, len(rows), run)
    assert rows[0]["baseline"] == "numpy reference"


def test_old_defaults_leave_nothing_to_the_recipe(bench):
    old = bench("bench_fits").OLD_DEFAULTS
    assert set(SETTINGS) | set(HEAD_SETTINGS) <= old.keys()
    # breast cancer's training rows: a small continuous table, where 'auto'
    # gives weight decay 0.3 and label smoothing 0.01; 0.1 had neither
    params = {**{name: "auto" for name in (*SETTINGS, *HEAD_SETTINGS)}, **old}
    recipe = resolve_recipe(params, [None] * 30, n_rows=318)
    assert recipe["auto"] == ()
    assert (recipe["weight_decay"], recipe["label_smoothing"],
            recipe["warmup_fraction"]) == (0.0, 0.0, 0.0)


def test_fits_train_on_the_runners_threads(bench, monkeypatch):
    fits = bench("bench_fits")
    seen = []

    class Recording(DistributedIBClassifier):
        def fit(self, X, y, **kwargs):
            seen.append(self.n_threads)
            return super().fit(X, y, **kwargs)

    monkeypatch.setattr(fits, "DistributedIBClassifier", Recording)
    circuit = make_boolean_circuit(4, random_state=0)
    rows = fits.measure_defaults("cpu", True, n_threads=2, factor=80,
                                 tables={"4-input circuit": (circuit.X, circuit.y)})
    _check_rows(rows, 1, bench("run"))
    assert seen == [2, 2, 2]  # the warm-up and both sides


@pytest.mark.filterwarnings("ignore")  # few rows: validation, beta range
def test_replicate_rows_name_the_resolved_steps(bench):
    replicates = bench("bench_replicates")
    circuit = make_boolean_circuit(4, random_state=0)
    est = DistributedIBClassifier(n_pretrain_steps="auto", n_steps=5,
                                  n_checkpoints=2, random_state=0)
    est.fit(circuit.X, circuit.y)
    label = replicates.steps_label(est)
    assert label == f"{est.recipe_['n_pretrain_steps'] + 5} steps"
    assert "auto" not in label


def _fake_sections(section, device, quick, threads=1):
    _fake_sections.threads.append(threads)
    if section == "encoders":
        raise RuntimeError("boom")
    if section == "fits":  # an ImportError of skdib's own is no missing extra
        raise ImportError("cannot import name 'gone'", name="skdib._dib")
    if section == "imbalance":
        raise ModuleNotFoundError("No module named 'dadapy'", name="dadapy")
    return [dict(case=section, setting="s", seconds=1.0, baseline="b",
                 baseline_seconds=2.0, ratio=2.0, flops=None)]


def test_a_failing_section_is_reported_and_the_others_run(bench, monkeypatch,
                                                          tmp_path, capsys):
    run = bench("run")
    monkeypatch.setattr(run, "section_rows", _fake_sections)
    monkeypatch.setattr(run, "peak_gflops", lambda device: 1.0)
    out = tmp_path / "rows.json"
    _fake_sections.threads = []
    status = run.main(["--only", "encoders,bounds,fits,imbalance,glass",
                       "--json", str(out), "--threads", "2"])
    assert status == 1
    assert _fake_sections.threads == [2] * 5  # --threads reaches every section
    printed = capsys.readouterr()
    assert "| section encoders | failed: RuntimeError: boom |" in printed.out
    assert "RuntimeError: boom" in printed.err  # the traceback
    saved = json.loads(out.read_text())
    assert [r["case"] for r in saved["rows"]] == ["bounds", "glass"]
    notes = saved["sections"]
    assert notes["encoders"].startswith("failed: RuntimeError")
    assert notes["fits"].startswith("failed: ImportError")
    assert notes["imbalance"].startswith("skipped: dadapy")
    assert notes["bounds"] is None and notes["glass"] is None


def test_the_runner_imports_skdib_before_torch():
    # skdib sets OMP_WAIT_POLICY=PASSIVE only if torch is not loaded yet
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    code = ("import os, sys; sys.path.insert(0, sys.argv[1]); import run; "
            "print(os.environ.get('OMP_WAIT_POLICY'), 'torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(BENCHMARKS)], env=env,
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["PASSIVE", "False"]


def test_an_interrupted_run_says_so_in_its_json(bench, monkeypatch, tmp_path):
    run = bench("run")

    def sections(section, device, quick, threads=1):
        if section == "fits":
            raise KeyboardInterrupt
        return _fake_sections(section, device, quick, threads)

    _fake_sections.threads = []
    monkeypatch.setattr(run, "section_rows", sections)
    monkeypatch.setattr(run, "peak_gflops", lambda device: 1.0)
    out = tmp_path / "rows.json"
    with pytest.raises(KeyboardInterrupt):  # the run stops, as on Ctrl-C
        run.main(["--only", "bounds,fits,glass", "--json", str(out)])
    saved = json.loads(out.read_text())
    assert [r["case"] for r in saved["rows"]] == ["bounds"]
    # not mistaken for a finished run of "bounds" alone
    assert saved["sections"] == {"bounds": None, "fits": "interrupted",
                                 "glass": "not run"}
    assert [p.name for p in tmp_path.iterdir()] == ["rows.json"]


def test_bounds_count_each_channel_by_the_path_it_took(bench):
    # a channel of tiny variances goes difference first (its expansion
    # would not be accurate): 5d + 5 FLOPs per pair there, 4d + 6 elsewhere
    import numpy as np
    import torch

    from skdib.information import mutual_information_bounds

    bounds = bench("bench_bounds")
    rng = np.random.default_rng(0)
    mu = rng.normal(size=(3, 64, 2))
    lv = rng.normal(-1.0, 0.3, size=mu.shape)
    lv[1] = -30.0
    with bounds._paths_taken() as taken:
        mutual_information_bounds(torch.as_tensor(mu), torch.as_tensor(lv),
                                  batch_size=32, n_batches=2, random_state=0)
    assert sorted(set(taken)) == [(1, 32, 2, False), (2, 32, 2, True)]
    assert bounds.count_flops(taken) == 2 * 32**2 * (2 * 14 + 1 * 15)
