"""Optional dependencies: import on first use, or say how to install them."""

import importlib

__all__ = ["import_optional"]


def import_optional(module, needed_for, install):
    """Import ``module``; on failure raise an ImportError naming the fix.

    Parameters
    ----------
    module : str
        Module name, e.g. ``"freud"``.
    needed_for : str
        What needs it, for the message ("particle_descriptors").
    install : str
        The pip command that brings it.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImportError(f"{needed_for} needs {module}: {install}") from exc
