"""Appending newly simulated glasses to an already assembled data set.

The rows of a glass depend only on its own sample file (the random negative
of each event is drawn from a generator seeded by the glass's seed), so the
assembly of a set of glasses is the concatenation of the rows of its glasses
in the order of their seeds.  Merging two assemblies of disjoint seed sets
therefore gives the same arrays as assembling all their samples at once; the
per-glass sample files of the first assembly are not needed.
"""

import hashlib
import json
import os

import numpy as np

__all__ = ["merge_assemblies", "read_assembly", "sha256", "sort_by_seed"]

# Record entries that must agree for two assemblies to be merged.
_SAME = ("n_particles", "max_strain", "params")


def sha256(path):
    """Hex sha256 digest of the file at ``path``."""
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def sort_by_seed(arrays):
    """The per-sample arrays ordered by glass seed (stable within a glass)."""
    order = np.argsort(arrays["sample_seed"], kind="stable")
    return {key: value if key == "descriptor_columns" else value[order]
            for key, value in arrays.items()}


def read_assembly(data_dir, protocol):
    """The arrays, record and LAMMPS version of an assembled ``protocol``.

    Raises
    ------
    FileNotFoundError
        If ``data_dir`` has no ``sheared_glass.json``.
    ValueError
        If it holds no ``protocol`` record, or its file does not match the
        recorded checksum.
    """
    path = os.path.join(data_dir, "sheared_glass.json")
    if not os.path.exists(path):
        raise FileNotFoundError(f"Nothing to append to: no {path}")
    with open(path) as handle:
        meta = json.load(handle)
    record = meta.get("protocols", {}).get(protocol)
    if record is None:
        raise ValueError(f"Nothing to append to: no {protocol!r} record in {path}")
    npz = os.path.join(data_dir, record["file"])
    if sha256(npz) != record["sha256"]:
        raise ValueError(f"Will not append to {npz}: it does not match the "
                         f"sha256 recorded in {path}")
    with np.load(npz, allow_pickle=False) as arrays:
        arrays = dict(arrays)
    return arrays, record, meta.get("lammps_version")


def _check_compatible(old_arrays, old_record, new_arrays, new_record):
    for key in _SAME:
        if old_record[key] != new_record[key]:
            raise ValueError(f"Cannot append: {key} differs (existing "
                             f"{old_record[key]!r}, new {new_record[key]!r})")
    repeated = sorted(set(old_record["seeds"]) & set(new_record["seeds"]))
    if repeated:
        shown = ", ".join(map(str, repeated[:10]))
        more = f" and {len(repeated) - 10} more" if len(repeated) > 10 else ""
        raise ValueError(
            f"Cannot append: seeds {shown}{more} are already in the assembled "
            f"data; simulate new glasses with unused seeds (--seed above "
            f"{max(old_record['seeds'])})")
    if set(old_arrays) != set(new_arrays):
        raise ValueError(f"Cannot append: the arrays differ ({sorted(old_arrays)} "
                         f"vs {sorted(new_arrays)})")
    if "descriptor_columns" in old_arrays and not np.array_equal(
            old_arrays["descriptor_columns"], new_arrays["descriptor_columns"]):
        raise ValueError("Cannot append: the descriptor columns differ")


def merge_assemblies(old_arrays, old_record, new_arrays, new_record):
    """Merge two assemblies of disjoint seed sets.

    Parameters
    ----------
    old_arrays, new_arrays : dict of ndarray
        The per-sample arrays (as in ``sheared_glass_<protocol>.npz``).
    old_record, new_record : dict
        Their records, with at least ``seeds``, ``cpu_seconds``,
        ``n_events_all_loci`` and the entries that must agree
        (``n_particles``, ``max_strain``, ``params``).

    Returns
    -------
    arrays : dict of ndarray
        The rows of both, ordered by glass seed.
    record : dict
        ``new_record`` with the seeds, CPU seconds and event counts of both.

    Raises
    ------
    ValueError
        If a seed is in both, or the two were generated differently.
    """
    _check_compatible(old_arrays, old_record, new_arrays, new_record)
    arrays = {key: value if key == "descriptor_columns"
              else np.concatenate([value, new_arrays[key]])
              for key, value in old_arrays.items()}
    record = dict(new_record)
    record["seeds"] = sorted(old_record["seeds"] + new_record["seeds"])
    record["cpu_seconds"] = round(old_record["cpu_seconds"]
                                  + new_record["cpu_seconds"], 1)
    record["n_events_all_loci"] = (old_record["n_events_all_loci"]
                                   + new_record["n_events_all_loci"])
    if "zero_mode_events_dropped" in old_record:  # the 0.1.0 repair of old data
        record["zero_mode_events_dropped"] = old_record["zero_mode_events_dropped"]
    return sort_by_seed(arrays), record
