"""skdib: the Distributed Information Bottleneck for scikit-learn.

Fit one model, get the whole path of approximations from "all information" to
"none": bits per feature (or feature group), loss and score along a sweep of
the bottleneck strength β.

The public names are imported on first use (PEP 562), so ``import skdib`` and
the ``skdib`` command start without loading torch until a model is needed.
"""

import importlib
import os
import sys

__version__ = "0.1.0.dev0"


def _quiet_openmp_waits():
    """Let idle OpenMP threads sleep (``OMP_WAIT_POLICY=PASSIVE``).

    Only when the user has not chosen a policy and torch is not loaded yet
    (OpenMP reads it once, when torch loads). With spinning threads, two
    torch threads on a machine where another process held a core ran a
    default training step 2-4x slower than one thread, every small parallel
    region waiting for the descheduled thread; with sleeping ones the second
    thread helped (``benchmarks/run.py --only threads``).
    """
    if "torch" not in sys.modules:
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


_quiet_openmp_waits()

_PUBLIC = {
    "DistributedIBClassifier": "skdib._dib._classifier",
    "DistributedIBRegressor": "skdib._dib._regressor",
    "DistributedIBSelector": "skdib.selection._dib_selector",
    "DistributedIBSetClassifier": "skdib._sets._estimators",
    "DistributedIBSetRegressor": "skdib._sets._estimators",
    "InformationImbalanceSelector": "skdib.selection._imbalance_selector",
    "InformationPath": "skdib._dib._path",
    "information_imbalance": "skdib.selection._information_imbalance",
    "stability_paths": "skdib.selection._stability",
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
