"""The estimators' advice, in the command's terms.

The estimators' errors and warnings speak to Python users: they name
parameters (``validation_fraction``), the ``X_val`` argument and functions
(``skdib.compare.cross_validate_path``). The command rewrites them for its
users, who have options instead: a setting the command exposes becomes
its option, and advice that needs Python is replaced by what the command
offers or left out.
"""

import re

from skdib._cli._parser import PASSED_SETTINGS, flag

__all__ = ["for_the_command"]

#: Python-only advice and what a command-line user does instead (applied
#: before the settings are renamed).
_REWRITES = (
    (r"Use skdib\.compare\.cross_validate_path\s+to score every row out of "
     r"fold, or pass a larger X_val, y_val\.",
     "Cross-validation (--cv K) scores the chosen point on every row out of "
     "fold, and a larger --validation-fraction holds out more rows."),
    (r" or an explicit X_val, y_val\.", "."),
    (r",? or (?:pass )?(?:an explicit|a larger) X_val, y_val", ""),
    (r"a smaller beta_start \(or more pretraining steps\)",
     "more pretraining steps (--n-pretrain-steps)"),
    (r"\brandom_state\b", "--seed"),
)
_SETTINGS = re.compile(r"\b(" + "|".join(PASSED_SETTINGS) + r")\b")


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
    >>> for_the_command("At beta_end=1 the channels still carry bits: raise "
    ...                 "beta_end.")
    'At --beta-end=1 the channels still carry bits: raise --beta-end.'
    """
    for pattern, replacement in _REWRITES:
        text = re.sub(pattern, replacement, text)
    return _SETTINGS.sub(lambda match: flag(match.group(1)), text)
