"""The package's structure: torch behind the backend facade, small rooms, no
import cycles, and one channel-ranking rule that every consumer follows."""

import ast
from pathlib import Path

import numpy as np
import pytest

from skdib import DistributedIBClassifier, DistributedIBSelector
from skdib._cli.report._summary import channel_summary, path_table
from skdib.plotting import plot_information_allocation

PACKAGE = Path(__file__).resolve().parents[1] / "skdib"
MAX_LINES = 400
MAX_STATEMENTS = 50


def _modules():
    """(dotted name, path, parsed tree) of every module of the package."""
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts), path, ast.parse(path.read_text())))
    return out


MODULES = _modules()
NAMES = {name for name, _, _ in MODULES}


def _imports(tree, top_level_only):
    """Imported module names (``from a import b`` gives ``a.b`` if a module)."""
    nodes = tree.body if top_level_only else ast.walk(tree)
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module
            for alias in node.names:
                if f"{node.module}.{alias.name}" in NAMES:
                    yield f"{node.module}.{alias.name}"


def test_torch_is_imported_only_in_the_backend():
    outside = sorted(
        name for name, _, tree in MODULES
        if not name.startswith("skdib._backend")
        and any(m == "torch" or m.startswith("torch.")
                for m in _imports(tree, top_level_only=False)))
    assert outside == []


def test_grep_for_import_torch_finds_only_the_backend():
    # The literal check a reader runs: grep -rl "import torch" skdib/
    found = sorted(str(path.relative_to(PACKAGE.parent)) for _, path, _ in MODULES
                   if "import torch" in path.read_text())
    assert found and all(f.startswith("skdib/_backend/") for f in found), found


def test_the_backend_is_reached_only_through_its_facade():
    leaks = sorted(
        (name, m) for name, _, tree in MODULES
        if not name.startswith("skdib._backend")
        for m in _imports(tree, top_level_only=False)
        if m.startswith("skdib._backend.") and m != "skdib._backend.facade")
    assert leaks == []


def test_files_and_functions_are_small():
    long_files = [(str(p), n) for _, p, _ in MODULES
                  if (n := p.read_text().count("\n")) > MAX_LINES]
    long_functions = []
    for _, path, tree in MODULES:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = sum(isinstance(x, ast.stmt) for x in ast.walk(node)) - 1
                if n > MAX_STATEMENTS:
                    long_functions.append((str(path), node.name, n))
    assert long_files == []
    assert long_functions == []


def test_no_import_cycles():
    graph = {name: {m for m in _imports(tree, top_level_only=True)
                    if m in NAMES and m != name}
             for name, _, tree in MODULES}
    # A package's __init__ re-exporting its own submodules is not a cycle.
    for name in graph:
        graph[name] = {m for m in graph[name]
                       if not (m.startswith(name + ".") or name.startswith(m + "."))}
    state, cycles = {}, []

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


# ----------------------------------------------------- one ranking rule
@pytest.fixture(scope="module")
def tied_fit(tiny_params):
    """Two informative columns and five pure-noise columns.

    The noise channels all carry (almost) nothing, so they tie on the primary
    key of the ranking (the checkpoint at which a channel drops) and are
    ordered by the tie-breaks alone.
    """
    rng = np.random.default_rng(3)
    X = rng.normal(size=(400, 7))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    params = dict(tiny_params, n_checkpoints=8)
    selector = DistributedIBSelector(DistributedIBClassifier(**params),
                                     n_features_to_select=3, cache=False).fit(X, y)
    return selector, X


def test_ties_exist_in_the_drop_order(tied_fit):
    selector, _ = tied_fit
    drop = selector.estimator_.information_path_.drop_order()
    assert len(np.unique(drop)) < len(drop)


def test_selector_plots_and_report_rank_alike(tied_fit):
    selector, _ = tied_fit
    est = selector.estimator_
    names = est.information_path_.feature_names
    by_selector = [names[c] for c in np.argsort(selector.channel_ranking_)]
    ax = plot_information_allocation(est)
    by_plot = [t.get_text() for t in ax.get_yticklabels()]
    by_report = channel_summary(est)["channel"].tolist()
    assert by_plot == by_selector
    assert by_report == by_selector
    # the command's printed table lists its channels in the same order
    header = path_table(est, max_channels=len(names)).splitlines()[0].split()
    assert header[3:3 + len(names)] == by_selector
    # and n_features_to_select=k keeps exactly the first k of that order
    kept = [names[c] for c in selector.get_support(indices=True)]
    assert sorted(kept) == sorted(by_selector[:3])
    assert {"x0", "x1"} <= set(kept)
