"""The benchmark runner (``benchmarks/run.py``) and its sections, at tiny
sizes: every section that runs in the process returns rows the runner can
print, a failing section does not end the run, and the counts behind the
rows (FLOPs, steps, the 0.1 defaults, threads) are those of what runs."""

import importlib
import json
from pathlib import Path

import pytest

from skdib._dib._recipe import HEAD_SETTINGS, SETTINGS, resolve_recipe

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
