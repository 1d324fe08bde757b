"""Warnings about the element types a set fit found.

Each type code gets its own encoder and its own column of the path, so a
column that is not really a type column (a continuous number) makes
hundreds of encoders; these warnings say so once, and list at most a few
codes of any long list.
"""

import warnings

import numpy as np

from skdib._utils._warnings import user_stacklevel

__all__ = ["MANY_TYPES", "listed", "unmeasured_types", "warn_many_types",
           "warn_untrained_types"]

# More distinct codes than this, and more than one per ELEMENTS_PER_TYPE
# elements, look like a continuous column rather than a type column.
MANY_TYPES = 64
ELEMENTS_PER_TYPE = 10
# Long lists of codes in messages show this many, then a count.
LISTED = 5


def listed(items, limit=LISTED):
    """``items`` joined by commas, the first ``limit`` and a count of the rest."""
    items = [str(item) for item in items]
    if len(items) <= limit:
        return ", ".join(items)
    return f"{', '.join(items[:limit])} and {len(items) - limit} more"


def warn_many_types(type_column, n_types, n_elements):
    """Warn when ``type_column`` holds more than :data:`MANY_TYPES` distinct
    codes and more than one per :data:`ELEMENTS_PER_TYPE` elements."""
    if n_types <= MANY_TYPES or n_types * ELEMENTS_PER_TYPE <= n_elements:
        return
    warnings.warn(
        f"type_column={type_column} has {n_types} distinct codes among "
        f"{n_elements} elements; is it a type column? Every code gets its own "
        "encoder, trained only on the elements of that code. Give a column "
        "of a few type codes (or type_column=None).", UserWarning,
        stacklevel=user_stacklevel())


def warn_untrained_types(untrained):
    """Warn about types whose elements all fell among the validation rows."""
    if not len(untrained):
        return
    warnings.warn(
        f"Element types {listed(np.asarray(untrained).tolist())} occur only "
        "in the validation sets: their encoders are not trained, and their "
        "bits say nothing. Give them training sets (or fewer validation "
        "rows).", UserWarning, stacklevel=user_stacklevel())


def unmeasured_types(names, present, n_sets):
    """The warnings (texts) about element types with fewer than 2
    validation elements (the bounds need pairs, so their bits, and the
    path's totals, are NaN) or with elements in fewer than 2 validation
    sets (the sets are the clusters of the standard error, which is then
    NaN): the fit raises them once its path is stored."""
    messages = []
    few = [f"{name} ({int(n)})" for name, n in zip(names, present, strict=True)
           if n < 2]
    if few:
        messages.append(
            f"Element types with fewer than 2 elements among the validation "
            f"sets: {listed(few)}. Their bits cannot be estimated and are "
            "NaN, and so is total_information; choose path points by beta "
            "(and plot_information_plane with x='beta'). "
            "Give more validation rows (validation_fraction, or an X_val "
            "that holds them).")
    one_set = [name for name, n, g in zip(names, present, n_sets, strict=True)
               if n >= 2 and g < 2]
    if one_set:
        messages.append(
            f"Element types whose validation elements all lie in one set: "
            f"{listed(one_set)}. Elements of one set are correlated, and "
            "one set says nothing about the spread between sets, so their "
            "information_se is NaN. Give more validation rows.")
    return messages
