"""The sphinx documentation builds without warnings (gallery not executed),
and every cross-reference to skdib's own objects resolves."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("numpydoc")
pytest.importorskip("sphinx_gallery")
pytest.importorskip("pydata_sphinx_theme")

DOCS = Path(__file__).resolve().parents[1] / "docs"

# Without intersphinx (no network at build time) references to other
# projects cannot resolve; a nitpicky build names them, and only them may
# stay unresolved.
EXTERNAL = {"numpy", "sklearn", "scipy", "pandas", "matplotlib", "torch",
            "joblib", "functools", "warnings"}
UNRESOLVED = re.compile(r"WARNING: py:\w+ reference target not found: (\S+)")


@pytest.fixture(scope="module")
def nitpicky_build(tmp_path_factory):
    """One nitpicky (``-n``) build: its html folder and its warnings."""
    tmp = tmp_path_factory.mktemp("docs")
    out, warnings_file = tmp / "html", tmp / "warnings.txt"
    env = dict(os.environ, SKDIB_DOCS_NO_GALLERY="1", OMP_NUM_THREADS="1")
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-n", "--keep-going", "-q", "-b", "html",
         "-w", str(warnings_file), "-d", str(tmp / "doctrees"), str(DOCS),
         str(out)],
        env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    text = warnings_file.read_text(encoding="utf-8")
    return out, [line for line in text.splitlines() if "WARNING" in line]


def _external(warning):
    found = UNRESOLVED.search(warning)
    return found is not None and found.group(1).split(".")[0] in EXTERNAL


@pytest.mark.slow
def test_docs_build_without_warnings(nitpicky_build):
    out, warnings = nitpicky_build
    # the unresolved references of the nitpicky build: the next test
    assert [w for w in warnings if not UNRESOLVED.search(w)] == []
    api = (out / "api.html").read_text(encoding="utf-8")
    assert "DistributedIBClassifier" in api
    assert (out / "user_guide.html").is_file()
    assert (out / "gen_modules" / "skdib.DistributedIBClassifier.html").is_file()


@pytest.mark.slow
def test_every_reference_to_skdib_resolves(nitpicky_build):
    """``:meth:`InformationPath.drop_order``` outside the class's page, a
    private function, a module without a target: each renders as plain
    text instead of a link, with a warning only in a nitpicky build."""
    _, warnings = nitpicky_build
    assert [w for w in warnings if UNRESOLVED.search(w) and not _external(w)] == []
