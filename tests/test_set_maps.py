"""What the information maps and the radial / azimuthal split of the set
estimators average: the rings' weights and the probes' bits."""

import warnings

import numpy as np
import pytest

from skdib import DistributedIBSetClassifier, DistributedIBSetRegressor


@pytest.fixture(scope="module")
def square():
    """The docstrings' model: sets of 6 points uniform in [-1, 1]², y how
    many lie within 0.5 of the centre."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(200, 6, 2))
    y = (np.hypot(X[..., 0], X[..., 1]) < 0.5).sum(axis=1)
    return DistributedIBSetRegressor(
        n_pretrain_steps=30, n_steps=100, n_checkpoints=4, beta_end=1,
        learning_rate=1e-2, validation_fraction=0.25, random_state=0).fit(X, y)


def test_rings_weigh_only_the_elements_in_their_bands(square):
    radii = np.array([0.75, 0.25, 0.5])  # any order
    split = square.radial_azimuthal_information(radii, n_angles=8)
    r = np.hypot(*square.element_sample().T)
    # bands [0.125, 0.375), [0.375, 0.625), [0.625, 0.875]
    counts = np.histogram(r, bins=[0.125, 0.375, 0.625, 0.875])[0]
    np.testing.assert_allclose(split.radial_weights,
                               counts[[2, 0, 1]] / counts.sum())
    assert split.excluded_share == pytest.approx(1 - counts.sum() / len(r))
    # the corners of the square: 39 % of the elements lie beyond the
    # outermost band, which used to count them all for the ring at 0.75
    assert 0.35 < split.excluded_share < 0.45
    assert split.radial_weights[0] < 0.55  # was 0.67
    assert square.radial_azimuthal_information(
        radii, n_angles=8, radial_weights=[1, 1, 1]).excluded_share is None
    one = square.radial_azimuthal_information([0.5], n_angles=8)
    assert one.excluded_share == 0.0 and one.radial_weights.tolist() == [1.0]


def test_rings_beyond_every_element_are_refused(square):
    with pytest.raises(ValueError, match=r"No element of this type lies within "
                                         r"the rings' bands \[2.625, 3.375\]"):
        square.radial_azimuthal_information([3.0, 2.75, 3.25], n_angles=8)


@pytest.fixture(scope="module")
def disc():
    """Elements (x, y, type) in a 6 x 6 box, 5-10 per set; y = 1 when a
    type-1 element lies within 1.5 of the centre. Along the path the bits
    per element of type 0 (irrelevant) fall from 0.8 to near 0."""
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.uniform(-3, 3, size=(1200, 10, 2)),
                        rng.integers(0, 2, size=(1200, 10, 1))], axis=-1)
    X[np.arange(10)[None, :] >= rng.integers(5, 11, size=1200)[:, None]] = np.nan
    y = ((np.hypot(X[..., 0], X[..., 1]) < 1.5) & (X[..., 2] == 1)).any(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return DistributedIBSetClassifier(
            type_column=2, n_pretrain_steps=100, n_steps=700, n_checkpoints=8,
            batch_size=64, random_state=0).fit(X, y.astype(int))


def test_a_map_over_the_data_reads_the_paths_bits_per_element(disc):
    """Probing the model's own validation elements averages the bounds'
    summands over the data: the path's bits per element. Per-probe values
    floored at 0 (before 0.1.0) lifted that mean where the information is
    low: with 4 batches per probe, averaged over 4 seeds, by 0.004-0.059
    bits here (0.028 on average). Unfloored, the gaps are the noise of the
    draws: at most 0.008 (0.001 on average) over 5 fits (random_state 0-4),
    so the bounds hold 3 times that, and any fit's rounding."""
    per_element = disc.information_per_element_
    gaps = []
    try:
        for point, column in zip(*np.nonzero(per_element < 0.1), strict=True):
            disc.set_path_point(int(point))
            kind = disc.element_types_[column]
            probes = disc.element_sample(kind)
            means = []
            for seed in range(4):
                bits = disc.information_map(probes, element_type=kind,
                                            n_batches=4, random_state=seed)
                assert np.all(bits.lower <= bits.upper)
                means.append(bits.information.mean())
            gaps.append(np.mean(means) - per_element[point, column])
    finally:
        disc.set_path_point()
    assert len(gaps) >= 6, gaps
    assert np.max(np.abs(gaps)) < 0.025, gaps
    assert abs(np.mean(gaps)) < 0.01, gaps
