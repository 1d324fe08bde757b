"""Radial structure functions and particle descriptors against direct numpy loops."""

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skdib import DistributedIBClassifier
from skdib.featurizers import (
    KA_EPSILON,
    KA_SIGMA,
    RadialStructureFunctions,
    radial_distribution,
)

# ----------------------------------------------------------------------------
# Radial structure functions
# ----------------------------------------------------------------------------


def radial_reference(X, r_min, r_max, n_radii, width, types):
    """Eq. 6 of the DIB paper as a plain double loop."""
    radii = np.linspace(r_min, r_max, n_radii)
    delta = width * (radii[1] - radii[0])
    out = np.zeros((len(X), len(types), n_radii))
    for s, hood in enumerate(X):
        for dx, dy, t in hood:
            if np.isnan(t):
                continue
            distance = np.sqrt(dx * dx + dy * dy)
            block = types.index(t)
            for k, r in enumerate(radii):
                out[s, block, k] += np.exp(-((distance - r) ** 2) / (2 * delta**2))
    return out.reshape(len(X), -1)


def random_hoods(rng, n_samples=7, n_neighbors=9, types=(0, 1)):
    X = np.empty((n_samples, n_neighbors, 3))
    X[..., :2] = rng.uniform(-4, 4, size=(n_samples, n_neighbors, 2))
    X[..., 2] = rng.choice(types, size=(n_samples, n_neighbors))
    for s in range(n_samples):  # ragged neighbourhoods: NaN padding at the end
        X[s, rng.integers(0, n_neighbors + 1):] = np.nan
    X[0] = np.nan  # an empty neighbourhood
    return X


def test_radial_matches_double_loop_both_layouts():
    X = random_hoods(np.random.default_rng(0))
    rsf = RadialStructureFunctions(n_radii=6, r_min=0.5, r_max=3.0, width=0.7,
                                   min_mean_density=None)
    expected = radial_reference(X, 0.5, 3.0, 6, 0.7, [0, 1])
    assert expected[1:].sum() > 0
    np.testing.assert_allclose(rsf.fit_transform(X), expected, rtol=1e-12)
    flat = X.reshape(len(X), -1)
    np.testing.assert_allclose(rsf.fit(flat).transform(flat), expected, rtol=1e-12)
    np.testing.assert_allclose(rsf.transform(pd.DataFrame(flat)), expected,
                               rtol=1e-12)
    assert rsf.n_features_in_ == flat.shape[1]
    np.testing.assert_array_equal(rsf.transform(X)[0], 0.0)


def test_radial_default_grid_and_custom_types():
    X = random_hoods(np.random.default_rng(1), types=(3, 7, 5))
    rsf = RadialStructureFunctions(types=(3, 5, 7), type_names=("S", "M", "L"),
                                   min_mean_density=None)
    out = rsf.fit_transform(X)
    assert out.shape == (len(X), 150)
    np.testing.assert_allclose(out, radial_reference(X, 0.25, 4.0, 50, 0.5,
                                                     [3, 5, 7]), rtol=1e-12)
    spacing = 3.75 / 49
    assert rsf.radii_[1] - rsf.radii_[0] == pytest.approx(spacing)
    assert rsf.delta_ == pytest.approx(0.5 * spacing)


def test_radial_feature_names_and_pandas_output():
    rsf = RadialStructureFunctions()
    names = rsf.get_feature_names_out()
    radii = np.linspace(0.25, 4.0, 50)
    assert len(names) == 100 and len(set(names)) == 100
    assert names[0] == "G_A(r=0.25)"
    assert names[1] == f"G_A(r={radii[1]:.2f})" == "G_A(r=0.33)"
    assert names[50] == "G_B(r=0.25)" and names[-1] == "G_B(r=4.00)"
    # A fine grid gets more decimals rather than duplicate names.
    fine = RadialStructureFunctions(r_min=1.0, r_max=1.1, n_radii=21)
    assert len(set(fine.get_feature_names_out())) == 42
    X = random_hoods(np.random.default_rng(2))
    frame = rsf.set_output(transform="pandas").fit_transform(X)
    assert list(frame.columns) == list(names)


def test_radial_without_empty_shells_is_stateless_and_clonable():
    X = random_hoods(np.random.default_rng(3))
    rsf = RadialStructureFunctions(n_radii=4, min_mean_density=None)
    unfitted = rsf.transform(X)  # no fit needed
    assert rsf.__sklearn_tags__().requires_fit is False
    np.testing.assert_array_equal(clone(rsf).fit_transform(X), unfitted)
    fitted = pickle.loads(pickle.dumps(rsf.fit(X)))
    np.testing.assert_array_equal(fitted.transform(X), unfitted)
    assert clone(rsf).get_params() == rsf.get_params()


@pytest.mark.parametrize("X, match", [
    (np.zeros((2, 4)), "multiple of 3"),
    (np.zeros((2, 3, 2)), "shaped"),
    (np.zeros((0, 3, 3)), "0 samples"),
    (np.array([[[1.0, 0.0, 2.0], [1.0, 1.0, 0.5]]]), r"\[0.5, 2.0\]"),
    (np.array([[[1.0, np.nan, 0.0]]]), "partly NaN"),
    (np.array([[[np.inf, 0.0, 0.0]]]), "infinite"),
    (np.array([[["a", "b", "c"]]]), "numeric"),
])
def test_radial_rejects_bad_input(X, match):
    with pytest.raises((ValueError, TypeError), match=match):
        RadialStructureFunctions().fit(X)


def test_radial_rejects_bad_settings_and_width_change():
    X = random_hoods(np.random.default_rng(4))
    with pytest.raises(ValueError, match="r_max"):
        RadialStructureFunctions(r_min=2.0, r_max=1.0).fit(X)
    with pytest.raises(ValueError, match="type_names"):
        RadialStructureFunctions(type_names=("A",)).fit(X)
    with pytest.raises(ValueError, match="n_radii"):
        RadialStructureFunctions(n_radii=1).fit(X)
    rsf = RadialStructureFunctions().fit(X)
    with pytest.raises(ValueError, match="neighbour slots"):
        rsf.transform(X[:, :-1])


def test_radial_in_pipeline_with_distributed_ib(tiny_params):
    """Rearrangement-like toy task: y = 1 when a B particle sits close by."""
    rng = np.random.default_rng(5)
    X = random_hoods(rng, n_samples=240, n_neighbors=6)
    X[0] = rng.uniform(-3, 3, size=(6, 3)).round()  # no empty hood here
    X[0, :, 2] = np.abs(X[0, :, 2]) % 2
    close_b = (np.hypot(X[..., 0], X[..., 1]) < 2.0) & (X[..., 2] == 1)
    y = close_b.any(axis=1).astype(int)
    pipe = make_pipeline(RadialStructureFunctions(n_radii=5, r_max=4.0),
                         StandardScaler(), DistributedIBClassifier(**tiny_params))
    pipe.fit(X.reshape(len(X), -1), y)
    pred = pipe.predict(X.reshape(len(X), -1))
    assert pred.shape == y.shape and set(np.unique(pred)) <= {0, 1}
    assert np.mean(pred == y) > max(np.mean(y), 1 - np.mean(y))
    assert len(pipe[-1].information_path_.feature_names) == 10


def test_radial_distribution_counts_rings_by_hand():
    """Two centres; neighbours at hand-picked distances, NaN padding."""
    X = np.full((2, 5, 3), np.nan)
    X[0, :4] = [[0.5, 0.0, 0], [0.0, -1.5, 0], [1.2, 1.6, 1], [3.9, 0.0, 1]]
    X[1, :2] = [[-0.6, 0.8, 0], [0.0, 2.5, 0]]       # distances 1.0 and 2.5
    rdf = radial_distribution(X, r_max=4.0, n_bins=4, density=[2.0, 0.5])
    # type 0 distances 0.5, 1.5, 1.0, 2.5 -> rings [0,1):1 [1,2):2 [2,3):1
    # type 1 distances 2.0, 3.9 -> rings [2,3):1 [3,4):1
    counts = np.array([[1, 2, 1, 0], [0, 0, 1, 1]], dtype=float)
    area = np.pi * np.diff(np.arange(5.0) ** 2)
    expected = counts / (2 * area * np.array([[2.0], [0.5]]))
    np.testing.assert_allclose(rdf.g, expected)
    np.testing.assert_allclose(rdf.r, [0.5, 1.5, 2.5, 3.5])
    # estimated density: neighbours within r_max per centre per unit area
    est = radial_distribution(X, r_max=4.0, n_bins=4)
    np.testing.assert_allclose(est.density, np.array([4, 2]) / (2 * np.pi * 16.0))


def test_radial_distribution_of_a_lattice_peaks_at_the_spacing():
    """Square lattice of spacing 1: the first peak is at r = 1, none below."""
    grid = np.arange(-4, 5, dtype=float)
    xy = np.array([(a, b) for a in grid for b in grid if (a, b) != (0, 0)])
    hood = np.concatenate([xy, np.zeros((len(xy), 1))], axis=1)[None]
    rdf = radial_distribution(hood, r_max=3.0, n_bins=30, types=(0,),
                              density=[1.0])
    assert rdf.r[np.argmax(rdf.g[0])] == pytest.approx(1.05)
    assert np.all(rdf.g[0][rdf.r < 0.95] == 0)


@pytest.mark.parametrize("kwargs, match", [
    ({"r_max": 0.0}, "r_max"),
    ({"n_bins": 0}, "n_bins"),
    ({"density": [1.0]}, "one positive number per type"),
    ({"density": [1.0, -1.0]}, "one positive number per type"),
])
def test_radial_distribution_rejects_bad_settings(kwargs, match):
    X = random_hoods(np.random.default_rng(6))
    with pytest.raises(ValueError, match=match):
        radial_distribution(X, **kwargs)


# ----------------------------------------------------------------------------
# Particle descriptors (need freud)
# ----------------------------------------------------------------------------


def lj(r, s, e, cutoff=2.5):
    v = 4 * e * ((s / r) ** 12 - (s / r) ** 6)
    return np.where(r < cutoff * s, v, 0.0)


def min_image(points, box, reach=2):
    """All-pairs minimum-image vectors r_j - r_i by brute force over images
    n1 a1 + n2 a2, |n1| <= reach, |n2| <= 2."""
    Lx, Ly, xy = box
    d = points[None, :, :] - points[:, None, :]
    best = np.full(d.shape, np.inf)
    for n1 in range(-reach, reach + 1):
        for n2 in range(-2, 3):
            cand = d + np.array([n1 * Lx + n2 * xy * Ly, n2 * Ly])
            closer = np.hypot(*cand.T).T < np.hypot(*best.T).T
            best[closer] = cand[closer]
    return best


def descriptor_reference(points, types, box, lengths, cg_radius, shift=False):
    """Eqs. 5-10 of the information-imbalance paper as direct loops."""
    vec = min_image(points, box)
    r = np.hypot(vec[..., 0], vec[..., 1])
    s, e = KA_SIGMA[types][:, types], KA_EPSILON[types][:, types]
    n = len(points)
    off = ~np.eye(n, dtype=bool)
    v = np.where(off, lj(np.where(off, r, 1.0), s, e), 0.0)
    if shift:
        v -= np.where(off & (r < 2.5 * s), 4 * e * (2.5**-12 - 2.5**-6), 0.0)
    base = np.zeros((n, 4))
    base[:, 0] = 0.5 * v.sum(axis=1)
    for i in range(n):
        nb = [j for j in range(n) if j != i and r[i, j] < 1.5 * s[i, j]]
        angles = np.arctan2(vec[i, nb, 1], vec[i, nb, 0])
        z = len(nb)
        base[i, 1] = z
        if z == 0:
            continue
        base[i, 2] = abs(np.exp(6j * angles).sum()) / z
        order = np.argsort(angles)
        pairs = [(order[k], order[(k + 1) % z]) for k in range(z)] if z > 2 else \
            [(0, 1)] if z == 2 else []
        total = 0.0
        for a, b in pairs:
            u, w = vec[i, nb[a]], vec[i, nb[b]]
            between = np.arccos(np.clip(u @ w / np.linalg.norm(u) / np.linalg.norm(w),
                                        -1, 1))
            sa, sb, sc = s[i, nb[a]], s[i, nb[b]], s[nb[a], nb[b]]
            ref = np.arccos((sa**2 + sb**2 - sc**2) / (2 * sa * sb))
            total += abs(between - ref)
        base[i, 3] = total / z
    cols = {name: base[:, c] for c, name in
            enumerate(["energy", "coordination", "psi6", "theta"])}
    within = r <= cg_radius
    for length in lengths:
        w = np.where(within, np.exp(-r / length), 0.0)
        rho = w.sum(axis=1)
        cols[f"density_cg(l={length:g})"] = rho
        cols[f"phi_cg(l={length:g})"] = (w * s**2).sum(axis=1)
        for c, name in enumerate(["energy", "coordination", "psi6", "theta"]):
            cols[f"{name}_cg(l={length:g})"] = w @ base[:, c] / rho
    return pd.DataFrame(cols)


def triangular(n, m, sheared):
    """A periodic triangular lattice (spacing 1), in a rectangular or a sheared
    (xy = 1/sqrt(3)) box."""
    a2 = np.array([0.5, np.sqrt(3) / 2])
    if sheared:
        points = np.array([i * np.array([1.0, 0.0]) + j * a2
                           for i in range(n) for j in range(m)])
        return points, (float(n), m * a2[1], 1 / np.sqrt(3))
    points = np.array([(i + 0.5 * (j % 2), j * a2[1])
                       for i in range(n) for j in range(m)])
    return points, (float(n), m * a2[1], 0.0)


@pytest.fixture(scope="module")
def freud():
    return pytest.importorskip("freud")


@pytest.fixture(scope="module")
def glass():
    """45 particles, no close overlaps, in a sheared periodic box."""
    rng = np.random.default_rng(0)
    box = (8.0, 7.5, 0.3)
    accepted = np.empty((0, 2))
    while len(accepted) < 45:
        f = rng.uniform(-0.5, 0.5, size=2)
        p = np.array([f[0] * box[0] + f[1] * box[2] * box[1], f[1] * box[1]])
        trial = np.vstack([accepted, p])
        r = np.hypot(*min_image(trial, box)[-1, :-1].T)
        if not len(r) or r.min() > 0.8:
            accepted = trial
    types = (rng.random(len(accepted)) < 0.35).astype(int)
    return accepted, types, box


@pytest.mark.parametrize("shift", [False, True])
def test_descriptors_match_direct_computation_in_sheared_box(freud, glass, shift):
    from skdib.featurizers import particle_descriptors
    points, types, box = glass
    # Feed positions in far-away periodic images: the wrap must not matter.
    images = np.random.default_rng(1).integers(-3, 4, size=(len(points), 2))
    shifted = points + images[:, :1] * [box[0], 0] + \
        images[:, 1:] * [box[2] * box[1], box[1]]
    got = particle_descriptors(shifted, types, box, lengths=(0.5, 1.5),
                               cg_radius=3.5, shift=shift)
    expected = descriptor_reference(points, types, box, (0.5, 1.5), 3.5, shift)
    assert list(got.columns) == list(expected.columns)
    assert got.index.name == "particle"
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(),
                               rtol=1e-9, atol=1e-9)
    # The tilt matters: ignoring it gives other neighbourhoods.
    flat = particle_descriptors(points, types, box[:2], lengths=(0.5,))
    assert not np.allclose(flat["coordination"], got["coordination"])
    # Energy is a half sum over pairs.
    vec = min_image(points, box)
    r = np.hypot(vec[..., 0], vec[..., 1])
    i, j = np.triu_indices(len(points), 1)
    pair = lj(r[i, j], KA_SIGMA[types[i], types[j]], KA_EPSILON[types[i], types[j]])
    if not shift:
        assert got["energy"].sum() == pytest.approx(pair.sum(), rel=1e-10)


@pytest.mark.parametrize("sheared", [False, True])
def test_hexagonal_lattice(freud, sheared):
    from skdib.featurizers import particle_descriptors
    points, box = triangular(6, 8, sheared)
    types = np.zeros(len(points), dtype=int)
    df = particle_descriptors(points, types, box, lengths=(1.0,))
    np.testing.assert_array_equal(df["coordination"], 6)
    np.testing.assert_allclose(df["psi6"], 1.0, atol=1e-12)
    np.testing.assert_allclose(df["theta"], 0.0, atol=1e-7)
    shells = 6 * (lj(1.0, 1, 1) + lj(np.sqrt(3), 1, 1) + lj(2.0, 1, 1))
    np.testing.assert_allclose(df["energy"], 0.5 * shells, rtol=1e-10)
    # Every particle is equivalent: coarse-grained values are uniform.
    assert np.ptp(df["density_cg(l=1)"]) < 1e-9


def test_neighbour_across_the_boundary(freud):
    """Two particles 1.1 apart only through the periodic (sheared) boundary."""
    from skdib.featurizers import particle_descriptors
    for box in [(7.0, 6.0, 0.0), (7.0, 6.0, 0.4)]:
        Lx, Ly, xy = box
        p0 = np.array([Lx / 2 - 0.2, Ly / 2 - 0.3])
        p1 = p0 + [0.66, 0.88] - [xy * Ly, Ly] - [Lx, 0]  # wrapped twice
        df = particle_descriptors(np.vstack([p0, p1]), [0, 1], box,
                                  lengths=(1.0,))
        np.testing.assert_array_equal(df["coordination"], [1, 1])
        expected = 0.5 * lj(1.1, KA_SIGMA[0, 1], KA_EPSILON[0, 1])
        np.testing.assert_allclose(df["energy"], [expected, expected], rtol=1e-12)
        np.testing.assert_allclose(df["psi6"], [1, 1])
        np.testing.assert_allclose(df["theta"], [0, 0])  # no pair of neighbours


@pytest.mark.parametrize("side", [200.0, 400.0])
def test_pairs_at_the_cut_off_in_a_large_box(freud, side):
    """freud rounds coordinates near ±L/2 to float32 by more than a relative
    pad of the radius: pairs just inside the cut-off were lost (46 of 200 at
    L = 400). Each pair's energy is checked against the float64 minimum-image
    distance, inside the cut-off and just outside it."""
    from skdib.featurizers import particle_descriptors
    rng = np.random.default_rng(0)
    for factor in (1 - 1e-7, 1 + 1e-7):
        for _ in range(60):
            c = rng.uniform(-side / 2, side / 2, 2)
            a = rng.uniform(0, 2 * np.pi)
            points = np.array([c, c + 2.5 * factor * np.array([np.cos(a), np.sin(a)])])
            df = particle_descriptors(points, [0, 0], (side, side),
                                      lengths=(1.0,), cg_radius=3.0)
            r = np.hypot(*min_image(points, (side, side, 0.0))[0, 1])
            expected = 0.5 * lj(r, KA_SIGMA[0, 0], KA_EPSILON[0, 0])
            assert df["energy"].iloc[0] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("box", [(600.0, 10.0, 0.0), (30.0, 30.0, 8.0),
                                 (30.0, 30.0, 12.0)])
def test_default_radius_in_long_or_tilted_boxes(freud, box):
    """The float32 pad of the query radius grows with the box's scale: at the
    default cg_radius (just under half the box height) it went past the
    largest radius freud accepts, which raised. It is capped there, and the
    pairs still match the float64 minimum-image distances."""
    from skdib.featurizers import particle_descriptors
    from skdib.featurizers._descriptors import _max_radius
    rng = np.random.default_rng(0)
    points = rng.uniform(0, 1, (300, 2)) * box[:2]
    df = particle_descriptors(points, np.zeros(300, int), box, lengths=(1.0,),
                              cutoff=0.5, coordination_cutoff=0.5)
    r = np.hypot(*min_image(points, box, reach=30).transpose(2, 0, 1))
    radius = _max_radius(box)
    w = np.where(r <= radius, np.exp(-r), 0.0)
    np.testing.assert_allclose(df["density_cg(l=1)"], w.sum(axis=1), rtol=1e-12)
    np.testing.assert_array_equal(df["coordination"], (r < 0.5).sum(axis=1) - 1)
    assert ((r > 0.95 * radius) & (r <= radius)).sum() > 10  # pairs near the edge


def test_radius_within_float32_rounding_of_freuds_limit_is_refused(freud):
    """In a 1e5 x 10 strip freud's float32 distances are off by ~0.01, more
    than the gap between the default cg_radius (4.9995) and the largest
    radius freud searches (just under 5): a pair at 4.999 was dropped from
    the coarse-grained density, so that radius is refused instead."""
    from skdib.featurizers import particle_descriptors
    points = np.array([[40000.0, 0.0], [40004.9, 0.0], [-30000.0, 2.0]])
    with pytest.raises(ValueError, match="float32 rounding"):
        particle_descriptors(points, np.zeros(3, int), (1e5, 10.0, 0.0),
                             lengths=(1.0,), cutoff=0.5, coordination_cutoff=0.5)
    # a radius clear of the limit by more than the rounding still runs
    df = particle_descriptors(points, np.zeros(3, int), (1e5, 10.0, 0.0),
                              lengths=(1.0,), cutoff=0.5, coordination_cutoff=0.5,
                              cg_radius=4.95)
    np.testing.assert_allclose(df["density_cg(l=1)"], [1.0 + np.exp(-4.9)] * 2 + [1.0],
                               rtol=1e-9)


def test_force_shifted_energy_and_force_vanish_at_the_cut_off(freud):
    """shift='force' is LAMMPS lj/smooth/linear: energy and force go to 0
    at r_c. Two A particles at distance r, so each carries half the pair."""
    from skdib.featurizers import particle_descriptors

    def pair_energy(r, shift):
        points = np.array([[0.0, 0.0], [r, 0.0]])
        df = particle_descriptors(points, [0, 0], (20.0, 20.0), lengths=(1.0,),
                                  shift=shift)
        return 2 * df["energy"].iloc[0]

    r_c, h = 2.5, 1e-4
    near = pair_energy(r_c - h, "force")
    slope = (pair_energy(r_c - h, "force") - pair_energy(r_c - 2 * h, "force")) / h
    assert abs(near) < 1e-8 and abs(slope) < 1e-3  # v'(r_c) itself is 0.039
    # 'energy' (= True) only shifts: at the cut-off its force is still v'(r_c)
    plain_slope = (pair_energy(r_c - h, True) - pair_energy(r_c - 2 * h, True)) / h
    assert plain_slope == pytest.approx(4 * (6 * r_c**-7 - 12 * r_c**-13), rel=1e-3)
    assert pair_energy(1.2, "energy") == pair_energy(1.2, True)
    assert pair_energy(1.2, np.True_) == pair_energy(1.2, True)  # numpy bools too
    # inside, the force-shifted pair is v(r) - v(r_c) - (r - r_c) v'(r_c)
    r = 1.2
    v = 4 * (r**-12 - r**-6)
    expected = v - 4 * (r_c**-12 - r_c**-6) - (r - r_c) * plain_slope
    assert pair_energy(r, "force") == pytest.approx(expected, rel=1e-4)


def test_hand_made_steric_order(freud):
    from skdib.featurizers import particle_descriptors
    points = np.array([[0, 0], [1, 0], [0, 1], [-1, 0]], dtype=float)
    df = particle_descriptors(points, np.zeros(4, int), (12.0, 12.0),
                              lengths=(1.0,))
    # Gaps 90, 90 and 180 degrees against the touching-triangle 60 degrees.
    assert df["theta"].iloc[0] == pytest.approx(np.pi / 3)
    assert df["psi6"].iloc[0] == pytest.approx(1 / 3)
    assert df["coordination"].iloc[0] == 3


def test_tiny_length_gives_raw_values_and_subset_rows(freud, glass):
    from skdib.featurizers import particle_descriptors
    points, types, box = glass
    full = particle_descriptors(points, types, box, lengths=(1e-3, 2.0))
    for name in ["energy", "coordination", "psi6", "theta"]:
        np.testing.assert_allclose(full[f"{name}_cg(l=0.001)"], full[name],
                                   rtol=1e-12)
    np.testing.assert_allclose(full["density_cg(l=0.001)"], 1.0)
    np.testing.assert_allclose(full["phi_cg(l=0.001)"], KA_SIGMA[types, types] ** 2)
    subset = particle_descriptors(points, types, box, lengths=(1e-3, 2.0),
                                  particles=[5, 0, 17])
    assert subset.index.tolist() == [5, 0, 17]
    pd.testing.assert_frame_equal(subset, full.loc[[5, 0, 17]])
    freud_box = freud.box.Box(box[0], box[1], xy=box[2], is2D=True)
    pd.testing.assert_frame_equal(
        particle_descriptors(points, types, freud_box, lengths=(1e-3, 2.0)), full)


@pytest.mark.parametrize("kwargs, match", [
    (dict(types=[0, 2]), r"\[2\]"),
    (dict(types=[0]), "shaped"),
    (dict(box=(3.0, 3.0)), "too small"),
    (dict(box=(8.0,)), "box must be"),
    (dict(positions=np.zeros((2, 4))), "positions"),
    (dict(lengths=(1.0, -1.0)), "lengths"),
    (dict(cg_radius=50.0), "cg_radius"),
    (dict(particles=[0.5]), "integer"),
    (dict(particles=[7]), "range"),
    (dict(sigma=np.ones((3, 3))), "one row"),
    (dict(shift="forces"), "shift must be"),
])
def test_descriptors_reject_bad_input(freud, kwargs, match):
    from skdib.featurizers import particle_descriptors
    args = dict(positions=np.array([[0.0, 0.0], [1.0, 0.5]]), types=[0, 1],
                box=(8.0, 8.0))
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        particle_descriptors(args.pop("positions"), args.pop("types"),
                             args.pop("box"), **args)


def test_chunked_computation_agrees(freud, glass, monkeypatch):
    from skdib.featurizers import _descriptors, _radial, particle_descriptors
    points, types, box = glass
    X = random_hoods(np.random.default_rng(6), n_samples=20)
    rsf = RadialStructureFunctions(n_radii=5, min_mean_density=None)
    whole = (particle_descriptors(points, types, box, lengths=(1.0,)),
             rsf.transform(X))
    monkeypatch.setattr(_descriptors, "_CHUNK_PAIRS", 30)
    monkeypatch.setattr(_radial, "_CHUNK_ELEMENTS", 50)
    pd.testing.assert_frame_equal(
        particle_descriptors(points, types, box, lengths=(1.0,)), whole[0],
        check_exact=False, rtol=1e-12)
    np.testing.assert_allclose(rsf.transform(X), whole[1], rtol=1e-12)
