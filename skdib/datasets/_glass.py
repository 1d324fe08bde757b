"""Loader of the shipped sheared-glass rearrangement data set."""

import hashlib
import json
import os

import numpy as np
from sklearn.utils import Bunch

__all__ = ["load_sheared_glass"]

_DATA_DIR = os.path.join(os.path.dirname(__file__), "data")
_PROTOCOLS = ("gradual", "rapid")


def _read_metadata(data_dir):
    path = os.path.join(data_dir, "sheared_glass.json")
    if not os.path.exists(path):
        raise FileNotFoundError(
            f"No sheared-glass metadata at {path}; generate the data with "
            "`python -m skdib.datasets.glass_generation` (needs LAMMPS).")
    with open(path) as handle:
        return json.load(handle)


def _check_file(path, expected):
    with open(path, "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    if digest != expected:
        raise OSError(
            f"Checksum mismatch for {path}: sha256 {digest}, expected "
            f"{expected} (the file is corrupt or was regenerated without "
            "updating sheared_glass.json).")


def load_sheared_glass(protocol="gradual", *, data_dir=None):
    """Neighbourhoods of particles about to rearrange in a sheared 2-D glass.

    A 2-D Kob-Andersen Lennard-Jones glass (N = 512 particles, 65 % type A,
    35 % type B), prepared by a ``"gradual"`` quench (linear temperature ramp
    from the liquid) or a ``"rapid"`` one (energy minimisation straight from
    the liquid), is sheared by athermal quasistatic simple shear in LAMMPS.
    Each plastic event whose locus (the particle moving most along the
    critical mode just before the instability) is a type-A particle gives two
    samples: the neighbourhood of the locus (``target`` 1) and that of a
    random other type-A particle of the same configuration (``target`` 0), as
    in the Distributed IB paper (Appendix A). The data ship with the package;
    loading needs neither LAMMPS nor network access. Regenerate with
    ``python -m skdib.datasets.glass_generation``, or scale up by appending
    glasses of unused seeds to these data (its ``--append-to`` option).
    The shipped data leave out the 25 events (10 gradual, 15 rapid) whose
    locus a generator before skdib 0.1.0 could not locate and recorded as
    particle 0 (``sheared_glass.json``: ``locus_repair``).

    Parameters
    ----------
    protocol : {"gradual", "rapid"}, default="gradual"
        Quench protocol of the glass.
    data_dir : str, optional
        Folder holding ``sheared_glass.json`` and the ``.npz`` files (default:
        the data shipped with skdib), e.g. the ``--data-dir`` of a generator
        run.

    Returns
    -------
    data : sklearn.utils.Bunch
        - ``data``: ndarray of shape (n_samples, n_neighbors, 3), per
          neighbour ``(dx, dy, type)`` relative to the centre particle
          (minimum image in the sheared box, in units of sigma_AA; type 0 = A,
          1 = B), sorted by distance, for all neighbours closer than
          ``metadata["radius"]``; the centre itself is not included; unused
          rows are NaN.
        - ``target``: ndarray of shape (n_samples,), 1 for the locus of an
          imminent rearrangement, 0 for the random same-type particle.
        - ``center_type``: ndarray of shape (n_samples,), the centre's type
          (always 0 = A).
        - ``center_index``: ndarray of shape (n_samples,), the centre
          particle's index in its glass configuration.
        - ``descriptors``: pandas.DataFrame, one row per sample, the
          :func:`skdib.featurizers.particle_descriptors` of the centre
          particle computed from its full configuration (None when the data
          were generated without them). Their ``energy`` is the pair
          energy shifted to 0 at the cut-off (``shift=True``); the
          simulations ran the force-shifted ``lj/smooth/linear``, whose
          energies are higher by about 0.3 epsilon per particle
          (``shift='force'`` computes those).
        - ``groups``: ndarray of shape (n_samples,), an id of the glass
          (seed) each sample comes from, for grouped cross-validation.
        - ``event``, ``strain``: index of the event within its glass and the
          shear strain just before it.
        - ``locus_agrees``: whether the locus is also the particle moving most
          across the whole stress drop.
        - ``metadata``: dict, the generation record (LAMMPS version, seeds,
          parameters, CPU time, checksum).
        - ``DESCR``: str, a short description.

    Raises
    ------
    ValueError
        If ``protocol`` is not ``"gradual"`` or ``"rapid"``.
    OSError
        If the data file does not match its recorded sha256 checksum.

    Examples
    --------
    >>> from skdib.datasets import load_sheared_glass
    >>> glass = load_sheared_glass("gradual")
    >>> glass.data.shape[1:]
    (128, 3)
    >>> float(glass.target.mean())
    0.5
    """
    if protocol not in _PROTOCOLS:
        raise ValueError(
            f"protocol must be one of {_PROTOCOLS}, got {protocol!r}.")
    data_dir = _DATA_DIR if data_dir is None else os.fspath(data_dir)
    metadata = _read_metadata(data_dir)
    record = metadata.get("protocols", {}).get(protocol)
    if record is None:
        raise ValueError(
            f"No {protocol!r} glass data in {data_dir}; generate it with "
            f"`python -m skdib.datasets.glass_generation --protocol {protocol}`.")
    path = os.path.join(data_dir, record["file"])
    _check_file(path, record["sha256"])
    with np.load(path, allow_pickle=False) as arrays:
        arrays = dict(arrays)
    descriptors = None
    if "descriptor_values" in arrays:
        import pandas as pd

        descriptors = pd.DataFrame(
            arrays["descriptor_values"].astype(float),
            columns=[str(c) for c in arrays["descriptor_columns"]])
    meta = {key: value for key, value in metadata.items() if key != "protocols"}
    meta.update(record)
    return Bunch(
        data=arrays["data"].astype(float),
        target=arrays["target"].astype(int),
        center_type=arrays["center_type"].astype(int),
        center_index=arrays["center_index"].astype(int),
        descriptors=descriptors,
        groups=arrays["sample_seed"].astype(int),
        event=arrays["event"].astype(int),
        strain=arrays["strain"].astype(float),
        locus_agrees=arrays["locus_agrees"].astype(bool),
        metadata=meta,
        DESCR=metadata.get("description", ""),
    )
