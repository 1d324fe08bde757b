"""Standardised units of discrete columns that do not depend on the column's
offset nor scale, to the last bit.

A discrete column (binary, integer codes, counts, measurements on a fixed
resolution) holds values on a lattice ``v_0 + n h``. Its standardised
differences ``(x_i - x_j) / s`` are then ``(n_i - n_j) / s_n``, with ``s_n``
the standard deviation of the integer codes ``n``. Computed from the codes,
the differences are exact integers and ``s_n`` is computed exactly up to one
final rounding, so an affine copy ``a x + b`` of the column (whose own values
and unit round differently) gives bit-identical distance terms, and equal
gaps give equal terms.
"""

import math

import numpy as np

__all__ = ["lattice_codes", "code_unit"]

# a lattice column spans at most this many steps (its codes, their squares
# and sums stay exact)
_MAX_STEPS = 2**20
# base steps tried: the smallest gap between distinct values over 1, 2, ... 6
# (values 0, 2, 5 lie on the lattice of step 1, their smallest gap is 2)
_DIVISORS = range(1, 7)
# codes are read off only where rounding errors are this far from half a step
_MAX_TOLERANCE = 1e-3
# allowed rounding error, in multiples of the bound derived in lattice_codes
_SLACK = 2.0


def lattice_codes(column):
    """Integer codes ``n`` (float64, smallest 0) with ``column ≈ v_0 + n h``,
    or None when the column's values lie on no lattice that its precision can
    tell.

    The values of an affine image of a lattice each round by at most a couple
    of ulps of the largest value ``M``, so that ``(v_k - v_0) / h``, with the
    step ``h`` read from the smallest gap, misses its integer by about
    ``4 u (M / h + 1) (1 + q_k)`` (``u`` the float64 epsilon); the codes are
    accepted within ``_SLACK`` (2) times that. A column of one value, or one whose
    tolerance grows to ``_MAX_TOLERANCE`` (too fine a step for its
    magnitude), or that spans more than ``_MAX_STEPS`` steps (a continuous
    column), has no codes.
    """
    values, inverse = np.unique(column, return_inverse=True)
    if values.size < 2:
        return None
    smallest_gap = np.diff(values).min()
    largest = np.abs(values).max()
    for divisor in _DIVISORS:
        step = smallest_gap / divisor
        steps = (values - values[0]) / step
        if not steps[-1] <= _MAX_STEPS:
            return None
        tolerance = (_SLACK * 4.0 * np.finfo(np.float64).eps
                     * (largest / step + 1.0) * (1.0 + steps))
        if tolerance[-1] >= _MAX_TOLERANCE:
            return None
        codes = np.rint(steps)
        if np.all(np.abs(steps - codes) <= tolerance):
            return codes[inverse.ravel()]
    return None


def code_unit(codes):
    """The population standard deviation of integer ``codes``, from exact
    integer sums: ``sqrt(n Σc² - (Σc)²) / n``. The same for ``a - codes``
    and ``codes + b`` (mirrored or shifted codes) to the last bit."""
    levels, counts = np.unique(codes.astype(np.int64), return_counts=True)
    levels, counts = levels.astype(object), counts.astype(object)
    n = int(counts.sum())
    first, second = int(np.dot(counts, levels)), int(np.dot(counts, levels**2))
    return math.sqrt(n * second - first * first) / n
