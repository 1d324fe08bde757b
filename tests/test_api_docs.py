"""The API reference documents what the package exports, as the code has it.

Text-only checks of ``docs/api.rst`` and ``docs/api/*.rst`` against the
public modules, and of the docstrings against the signatures: no sphinx
build (``tests/test_docs.py`` builds the site).
"""

import importlib
import pkgutil
import re
from pathlib import Path

import skdib

DOCS = Path(__file__).resolve().parents[1] / "docs"
# The glass generator is a command (python -m skdib.datasets.glass_generation,
# see docs/architecture.rst), not a part of the API.
COMMANDS = {"skdib.datasets.glass", "skdib.datasets.glass_generation"}


def _public_modules():
    names = ["skdib"] + [
        info.name for info in pkgutil.walk_packages(skdib.__path__, "skdib.")
        if not any(part.startswith("_") for part in info.name.split("."))]
    return [importlib.import_module(name) for name in names
            if name not in COMMANDS and not name.startswith(tuple(
                f"{command}." for command in COMMANDS))]


def _documented():
    """Every ``(module, name)`` the API pages document: the entries of their
    autosummary tables and their ``data`` directives, under the module in
    force there."""
    found = set()
    for page in [DOCS / "api.rst", *sorted((DOCS / "api").glob("*.rst"))]:
        module, in_table = None, False
        for line in page.read_text(encoding="utf-8").splitlines():
            directive = re.match(r"\.\. (?:current)?module:: (\S+)", line)
            if directive:
                module = directive.group(1)
            data = re.match(r"\.\. (?:py:)?data:: (\w+)", line)
            if data:
                found.add((module, data.group(1)))
            if line.startswith(".. autosummary::"):
                in_table = True
            elif in_table and re.fullmatch(r"   \w+", line):
                found.add((module, line.strip()))
            elif in_table and line and not line.startswith(" "):
                in_table = False
    return found


def test_every_exported_name_is_in_the_api_reference():
    """A name in a public module's ``__all__`` is documented there, or is
    the same object documented under another module (``skdib`` re-exports
    the selectors of ``skdib.selection``)."""
    documented = {}
    for module, name in _documented():
        documented.setdefault(name, []).append(module)
    missing = []
    for module in _public_modules():
        for name in getattr(module, "__all__", ()):
            if name.startswith("__"):
                continue
            obj = getattr(module, name)
            if not any(getattr(importlib.import_module(other), name, None) is obj
                       for other in documented.get(name, ())):
                missing.append(f"{module.__name__}.{name}")
    assert missing == []
