"""Featurizers for particle systems: radial structure functions and descriptors.

:class:`RadialStructureFunctions` turns local neighbourhoods into the radial
densities of Eq. 6 of the Distributed IB paper; :func:`particle_descriptors`
computes the per-particle descriptors of the information-imbalance paper
(needs ``freud-analysis``, the ``glass`` extra); :func:`radial_distribution`
gives the partial g(r) from the same neighbourhoods; :func:`nearest_neighbours`
keeps the nearest particles of each as a set for the set-valued estimators.
"""

from skdib.featurizers._descriptors import KA_EPSILON, KA_SIGMA, particle_descriptors
from skdib.featurizers._nearest import nearest_neighbours, polar_features
from skdib.featurizers._radial import RadialStructureFunctions
from skdib.featurizers._rdf import radial_distribution

__all__ = ["KA_EPSILON", "KA_SIGMA", "RadialStructureFunctions",
           "nearest_neighbours", "particle_descriptors", "polar_features",
           "radial_distribution"]
