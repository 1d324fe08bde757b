"""Every gallery example runs end to end in its fast mode."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("plot_*.py"))


def test_examples_found():
    assert EXAMPLES, "no examples/plot_*.py found"


@pytest.mark.slow
@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs(script, tmp_path):
    env = {**os.environ, "SKDIB_EXAMPLES_FAST": "1", "MPLBACKEND": "Agg"}
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, (
        f"{script.name} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
    )


def _example_settings(name, *settings):
    """The named dict assignments of one example, evaluated in order (so a
    later one may read an earlier one) without running the example."""
    import ast
    tree = ast.parse((Path(__file__).parent.parent / "examples" / name).read_text())
    space = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and getattr(node.targets[0], "id", None) in settings:
            code = compile(ast.Module([node], type_ignores=[]), name, "exec")
            exec(code, {"FAST": False}, space)
    return space


def test_the_per_particle_paper_scale_is_the_papers():
    """SI, "Per-particle measurement scheme": 25,000 steps with the learning
    rate ramped up over the first 10 %, batches of 64, 6 blocks of 12
    heads, mean-pooled; a setting the set classifier accepts."""
    from skdib import DistributedIBSetClassifier
    paper = _example_settings("plot_per_particle_glass.py", "SET_SETTINGS",
                              "PAPER_SCALE")["PAPER_SCALE"]
    expected = dict(n_steps=25_000, warmup_fraction=0.1, batch_size=64,
                    decoder="transformer", decoder_depth=6, n_heads=12,
                    pooling="mean", encoder_hidden=(128, 128), embedding_dim=32)
    assert {k: paper.get(k) for k in expected} == expected
    DistributedIBSetClassifier(type_column=3, **paper)._validate_params()
