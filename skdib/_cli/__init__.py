"""The ``skdib`` command: argument parsing, table loading, and its report."""

from skdib._cli._main import main

__all__ = ["main"]
