"""The estimators' advice, in the command's terms.

The estimators' errors and warnings speak to Python users: they name
parameters (``validation_fraction``), the ``X_val`` argument and functions
(``skdib.compare.cross_validate_path``). The command rewrites them for its
users, who have options instead: a setting the command exposes becomes
its option, and advice that needs Python is replaced by what the command
offers or left out.
"""

import re
import sys

from skdib._cli._parser import PASSED_SETTINGS, flag

__all__ = ["for_the_command", "show_warning"]

#: Python-only advice and what a command-line user does instead (applied
#: before the settings are renamed). Each pattern is written for a message
#: that a fit of the command can raise; tests/test_cli_hints.py takes each
#: from the code that raises it, so a reworded message fails there.
_REWRITES = (
    # the warning of fewer than 50 validation rows
    (r"Use skdib\.compare\.cross_validate_path\s+to score every row out of "
     r"fold, or pass a larger X_val, y_val\.",
     "Cross-validation (--cv K) scores the chosen point on every row out of "
     "fold, and a larger --validation-fraction holds out more rows."),
    # the split that leaves a class no training row
    (r" or an explicit X_val, y_val", ""),
    # the detail of a divergence measured on the held-out rows: the
    # command's held-out rows are rows of the same table
    (r" \(an X_val not transformed like X\)", ""),
    # the warning that the held-out loss is lowest at the first checkpoint
    (r"a smaller beta_start \(or more pretraining steps\)",
     "more pretraining steps (--n-pretrain-steps)"),
    (r"\(beta_start=([^()]*)\)", r"(β = \1, where the sweep starts)"),
    # the warning of a held-out row that carries a channel's bits: the
    # command holds out rows of the table and writes the path to path.csv
    (r"pass more held-out rows", "hold out more rows (--validation-fraction)"),
    (r"information_path_\.information_row_influence holds the measure",
     "path.csv's column information_row_influence holds the measure"),
    # the command has no option for beta_start: name the β the sweep starts
    # at, and what to change instead
    (r"beta_end \(([^()]*)\) must be >= beta_start \(([^()]*)\)\.",
     r"--beta-end (\1) must be at least \2, the β the sweep starts at (the "
     r"command has no option to change it): pass a --beta-end of \2 or more."),
)
#: The estimator settings the command passes on, and their options.
_OPTIONS = {**{name: flag(name) for name in PASSED_SETTINGS},
            "random_state": "--seed"}
#: The settings by their names in a message: a name with an underscore
#: anywhere, a plain word (``precision``) only as ``name=``
#: (``precision='bfloat16'``), so that prose ("loses precision") is left
#: as it is.
_SETTINGS = re.compile(
    r"\b(" + "|".join(n for n in _OPTIONS if "_" in n) + r")\b|\b("
    + "|".join(n for n in _OPTIONS if "_" not in n) + r")(?==)")


def for_the_command(text):
    """``text`` (an estimator's message) with the command's options.

    Parameters
    ----------
    text : str

    Returns
    -------
    text : str

    Examples
    --------
    >>> from skdib._cli._hints import for_the_command
    >>> for_the_command("Pass a smaller validation_fraction (now 0.2) or an "
    ...                 "explicit X_val, y_val.")
    'Pass a smaller --validation-fraction (now 0.2).'
    >>> for_the_command("beta_end (1e-05) must be >= beta_start (0.0001).")
    ... # doctest: +NORMALIZE_WHITESPACE
    '--beta-end (1e-05) must be at least 0.0001, the β the sweep starts at
    (the command has no option to change it): pass a --beta-end of 0.0001
    or more.'
    >>> for_the_command("At beta_end=1 the channels still carry bits: raise "
    ...                 "beta_end.")
    'At --beta-end=1 the channels still carry bits: raise --beta-end.'
    """
    for pattern, replacement in _REWRITES:
        text = re.sub(pattern, replacement, text)
    return _SETTINGS.sub(lambda match: _OPTIONS[match.group(match.lastindex)],
                         text)


def show_warning(message, category, filename, lineno, file=None, line=None):
    """Print a warning as the command's own line, ``skdib: warning: ...``.

    The command installs it as :func:`warnings.showwarning`: the default
    format names the file and line that ``warnings.warn`` points to, which
    for the command is ``<frozen runpy>:88``, of no use at a terminal.
    Parameters as :func:`warnings.showwarning`'s.
    """
    text = for_the_command(str(message))
    if not issubclass(category, UserWarning):  # a library's: say which kind
        text = f"{category.__name__}: {text}"
    print(f"skdib: warning: {text}", file=sys.stderr if file is None else file)
