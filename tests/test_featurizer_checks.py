"""Checks the featurizers make of their input: complex numbers are refused
(not cut to their real part), and a radial distribution is not read beyond
the distance up to which the neighbourhoods list every neighbour."""

import warnings

import numpy as np
import pandas as pd
import pytest

from skdib.featurizers import (
    RadialStructureFunctions,
    nearest_neighbours,
    polar_features,
    radial_distribution,
)

# ----------------------------------------------------------------------------
# Complex numbers
# ----------------------------------------------------------------------------

COMPLEX_HOODS = np.array([[[1.0 + 2.0j, 0.5, 0.0], [0.0, 1.0, 1.0]]])


@pytest.mark.parametrize("featurize", [
    lambda X: RadialStructureFunctions().fit_transform(X),
    lambda X: RadialStructureFunctions().transform(X),
    lambda X: RadialStructureFunctions().transform(pd.DataFrame(X.reshape(1, -1))),
    lambda X: radial_distribution(X, r_max=2.0, n_bins=2),
    lambda X: nearest_neighbours(X, n_neighbors=2),
    lambda X: polar_features(X[0]),
], ids=["fit", "transform", "frame", "radial_distribution", "nearest",
        "polar"])
def test_complex_neighbourhoods_are_refused(featurize):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ComplexWarning on the way
        with pytest.raises(ValueError, match="X holds complex numbers; the "
                                             "featurizers take real"):
            featurize(COMPLEX_HOODS)


def test_complex_positions_are_refused_by_the_descriptors():
    pytest.importorskip("freud")
    from skdib.featurizers import particle_descriptors
    positions = np.array([[0.0, 0.0], [1.0 + 1.0j, 0.5]])
    with pytest.raises(ValueError, match="positions holds complex numbers"):
        particle_descriptors(positions, [0, 1], (8.0, 8.0))
