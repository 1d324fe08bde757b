"""Data sets with known answers: Boolean circuits with exact subset information,
the image task (pixel position -> colour) and binary images in 2-D; and the
papers' sheared glass (neighbourhoods of particles that are about to
rearrange, generated with LAMMPS and shipped)."""

from skdib.datasets._binary_image import make_binary_image
from skdib.datasets._boolean import draw_boolean_circuit, make_boolean_circuit
from skdib.datasets._circuit_draws import iter_boolean_circuits
from skdib.datasets._glass import load_sheared_glass
from skdib.datasets._image import load_image_task
from skdib.datasets._subsets import (
    information_frontier,
    path_subset_score,
    subset_information,
)

__all__ = [
    "draw_boolean_circuit",
    "information_frontier",
    "iter_boolean_circuits",
    "load_image_task",
    "load_sheared_glass",
    "make_binary_image",
    "make_boolean_circuit",
    "path_subset_score",
    "subset_information",
]
