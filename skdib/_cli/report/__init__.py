"""The report folder the command writes: figures, summary tables, HTML page."""

from skdib._cli.report._figures import write_report

__all__ = ["write_report"]
