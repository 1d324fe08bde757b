"""The one place where ``random_state`` becomes random numbers.

Every fit, bound and selector turns its ``random_state`` into a numpy
``Generator`` with :func:`numpy_rng` and draws integer seeds for the torch
side with :func:`draw_seed`; :func:`seed_from_random_state` does both at once
for functions that need a single seed.
"""

from numbers import Integral

import numpy as np
from sklearn.utils import check_random_state

__all__ = ["draw_seed", "numpy_rng", "seed_from_random_state"]

# Seeds handed to torch generators lie in [0, SEED_BOUND).
SEED_BOUND = 2**62


def numpy_rng(random_state):
    """A numpy ``Generator`` from ``random_state``.

    ``None`` uses numpy's global ``RandomState``, as in scikit-learn
    (``check_random_state(None)``): a seed drawn from it, so that
    ``np.random.seed(0)`` before two fits makes them equal; an int >= 0
    seeds the generator, a ``Generator`` is used as it is (and advanced by
    later draws) and a legacy ``RandomState`` supplies a seed.

    Examples
    --------
    >>> from skdib._utils._random import numpy_rng
    >>> int(numpy_rng(0).integers(10)) == int(numpy_rng(0).integers(10))
    True
    """
    if random_state is None:
        random_state = check_random_state(None)  # numpy's global RandomState
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        if random_state < 0:
            raise ValueError(
                f"random_state must be a non-negative integer; got {random_state}.")
        return np.random.default_rng(int(random_state))
    raise TypeError(
        "random_state must be None, an int, a numpy Generator or a RandomState; "
        f"got {type(random_state).__name__}.")


def draw_seed(rng):
    """Draw one integer seed (for a torch generator) from a numpy Generator."""
    return int(rng.integers(0, SEED_BOUND))


def seed_from_random_state(random_state):
    """One integer seed from ``random_state``; an int is returned unchanged."""
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        numpy_rng(random_state)  # validates the sign
        return int(random_state)
    return draw_seed(numpy_rng(random_state))
