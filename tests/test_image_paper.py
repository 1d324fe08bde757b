"""Appendix B of the Distributed IB paper: the checkerboard needs one bit
from each coordinate.

The class of a checkerboard point is the parity of the sum of its two cell
indices, so one bit about each coordinate (the parity of its cell index)
determines it. At the end of the β sweep, where the prediction is still
(nearly) perfect, the Distributed IB with the horizontal and vertical
coordinates as channels should keep about 1 bit from each.
"""

import numpy as np
import pytest

from skdib import DistributedIBClassifier
from skdib.datasets import make_binary_image

# Cross-entropy (bits) below which a checkpoint still predicts y: the
# relevance term, not the accuracy (posterior means stay accurate after the
# stochastic channels have lost information).
INFORMATIVE_LOSS = 0.1


@pytest.fixture(scope="module")
def checkerboard_path():
    board = make_binary_image("checkerboard", n_samples=4000, random_state=0)
    est = DistributedIBClassifier(
        feature_groups=board.feature_groups, fourier_frequencies=4,
        embedding_dim=4, n_pretrain_steps=200, n_steps=6000, n_checkpoints=30,
        learning_rate=2e-3, random_state=0,
    ).fit(board.data, board.target)
    return est.information_path_


@pytest.mark.slow
def test_checkerboard_one_bit_per_coordinate(checkerboard_path):
    path = checkerboard_path
    informative = np.flatnonzero(path.loss_val < INFORMATIVE_LOSS)
    assert informative.size, "no checkpoint predicts the checkerboard"
    # Predicting the parity needs close to one bit from each coordinate at
    # every informative point; at the most compressed of them the sweep has
    # squeezed each channel down near that bit (sharp cell edges, which the
    # low loss needs, cost a little more).
    assert np.all(path.information_upper[informative] > 0.85)
    last = informative.max()  # rows go by increasing beta
    bits = path.information[last]
    assert np.all(bits < 1.35), bits
    # Past it the sweep ends: at the largest beta both channels are empty
    # and the loss is back at H(Y) = 1 bit.
    assert last < path.n_points - 1
    assert np.all(path.information[-1] < 0.1)
    assert path.loss_val[-1] > 0.8
