"""The error the command reports as one line."""

__all__ = ["CLIError"]


class CLIError(Exception):
    """A problem with the user's input: printed as one line, exit status 2."""
