"""skdib: the Distributed Information Bottleneck for scikit-learn.

Fit one model, get the whole path of approximations from "all information" to
"none": bits per feature (or feature group), loss and score along a sweep of
the bottleneck strength β.

The public names are imported on first use (PEP 562), so ``import skdib`` and
the ``skdib`` command start without loading torch until a model is needed.
"""

import importlib

__version__ = "0.1.0.dev0"

_PUBLIC = {
    "DistributedIBClassifier": "skdib._dib._classifier",
    "DistributedIBRegressor": "skdib._dib._regressor",
    "DistributedIBSelector": "skdib.selection._dib_selector",
    "InformationImbalanceSelector": "skdib.selection._imbalance_selector",
    "InformationPath": "skdib._dib._path",
    "information_imbalance": "skdib.selection._information_imbalance",
}

__all__ = [*sorted(_PUBLIC), "__version__"]


def __getattr__(name):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'skdib' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_PUBLIC))
