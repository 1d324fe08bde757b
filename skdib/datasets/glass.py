"""The former home of the glass generator, kept so old commands still work.

``python -m skdib.datasets.glass`` runs
``python -m skdib.datasets.glass_generation``; the names below are the same
objects as in :mod:`skdib.datasets.glass_generation`.
"""

from skdib.datasets.glass_generation import (
    assemble,
    main,
    neighbourhoods,
    simulate_sample,
)

__all__ = ["assemble", "main", "neighbourhoods", "simulate_sample"]

if __name__ == "__main__":
    main()
