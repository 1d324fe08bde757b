"""The API reference documents what the package exports, as the code has it.

Text-only checks of ``docs/api.rst`` and ``docs/api/*.rst`` against the
public modules, and of the docstrings against the signatures: no sphinx
build (``tests/test_docs.py`` builds the site).
"""

import importlib
import inspect
import pkgutil
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

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


def _public_callables():
    """Every public class and function, once, by its public name."""
    found = {}
    for module in _public_modules():
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name)
            if callable(obj) and not name.startswith("__"):
                found.setdefault(id(obj), (f"{module.__name__}.{name}", obj))
    return list(found.values())


def _with_methods(callables):
    """The callables and the public methods skdib defines on the classes."""
    for name, obj in callables:
        yield name, obj
        if inspect.isclass(obj):
            for attr, member in inspect.getmembers(obj, inspect.isfunction):
                if not attr.startswith("_") and member.__module__.startswith("skdib"):
                    yield f"{name}.{attr}", member


def _documented_parameters(obj):
    """The names of ``obj``'s numpydoc Parameters section, in order."""
    docscrape = pytest.importorskip("numpydoc.docscrape")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # numpydoc on sections it does not know
        doc = (docscrape.ClassDoc(obj) if inspect.isclass(obj)
               else docscrape.FunctionDoc(obj))
    return [part.strip() for entry in doc["Parameters"]
            for part in entry.name.split(",")]


def test_documented_parameters_follow_the_signature():
    """A Parameters section names parameters of the signature, in the
    signature's order (a fake entry such as "**other parameters**", or one
    documented out of place, fails); a public class's names them all. (The
    ranking functions of ``skdib.compare`` document only their own keyword
    arguments: the four positional ones are the contract of every method,
    documented with ``compare_selectors``.)"""
    wrong = []
    for name, obj in _with_methods(_public_callables()):
        documented = _documented_parameters(obj)
        if not documented:  # the warnings' classes, say: no section
            continue
        signature = [p.name for p in inspect.signature(obj).parameters.values()
                     if p.name != "self"
                     and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        expected = (signature if inspect.isclass(obj) else
                    [p for p in signature if p in documented])
        if documented != expected:
            wrong.append(f"{name}: documented {documented}, signature {signature}")
    assert wrong == []


SMALL = dict(n_pretrain_steps=10, n_steps=20, n_checkpoints=2, random_state=0)


@pytest.mark.parametrize("name", ["DistributedIBClassifier",
                                  "DistributedIBRegressor",
                                  "DistributedIBSetClassifier",
                                  "DistributedIBSetRegressor"])
def test_every_documented_attribute_is_set_by_fit(name):
    """Documented attributes exist after a fit (but those documented as
    "Only when ..."): the set regressor documented a ``classes_``."""
    docscrape = pytest.importorskip("numpydoc.docscrape")
    cls = getattr(skdib, name)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 3, 2)) if "Set" in name else rng.normal(size=(120, 2))
    signal = X[:, 0, 0] if "Set" in name else X[:, 0]
    y = (signal > 0).astype(int) if "Classifier" in name else signal
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = cls(**SMALL).fit(X, y)
    names = [(part.strip(), " ".join(entry.desc))
             for entry in docscrape.ClassDoc(cls)["Attributes"]
             for part in entry.name.split(",")]
    assert [attr for attr, text in names
            if not text.startswith("Only when") and not hasattr(est, attr)] == []


def test_the_shared_parameters_read_right_on_both_estimators_pages():
    """The text both tabular estimators share names the estimator a
    statement is about: "here" read as the classifier on the regressor's
    page."""
    from skdib._dib._shared_parameters import SHARED_PARAMETERS

    assert re.findall(r"\(here\b[^)]*", SHARED_PARAMETERS) == []
