"""Per-particle structural descriptors of a periodic, possibly sheared, 2-D glass.

The descriptors follow Sec. II B of the information-imbalance paper: local
potential energy, coordination number, bond-orientational order psi6, steric
bond order Theta, and their coarse-grained versions, plus the coarse-grained
number density and volume fraction, at several lengths l.
"""

import numpy as np
import pandas as pd

from skdib._utils._optional import import_optional
from skdib._utils._validation import check_number, refuse_complex

# 2-D Kob-Andersen binary Lennard-Jones mixture, type 0 = A, type 1 = B.
KA_SIGMA = np.array([[1.0, 0.8], [0.8, 0.88]])
KA_EPSILON = np.array([[1.0, 1.5], [1.5, 0.5]])
KA_SIGMA.setflags(write=False)
KA_EPSILON.setflags(write=False)

# Coarse-graining radius R_N of the paper, in units of sigma_AA.
_CG_RADIUS = 20.0
# freud rounds coordinates, box and image shifts to float32 (4e-6 at a box
# side of 100): searches ask for the radius plus _PAD of it plus _ULPS float32
# ulps of the box's scale, capped _FREUD_MARGIN under half the box height (the
# most freud takes), and refilter pairs in float64. A radius that freud's error
# (_SURE_ULPS: two coordinates' rounding) could carry past the cap is refused.
_PAD, _ULPS, _SURE_ULPS, _FREUD_MARGIN = 1e-6, 8, 2, 1e-6
# Target number of pairs held at once while coarse-graining.
_CHUNK_PAIRS = 4_000_000


def _freud():
    return import_optional("freud", "particle_descriptors",
                           "pip install freud-analysis (or pip install "
                           "'skdib[glass]').")


def _as_box(box):
    """Return a 2-D freud Box and its (Lx, Ly, xy) in float64 (freud keeps
    float32), from a freud Box or an (Lx, Ly[, xy]) tuple."""
    freud = _freud()
    if isinstance(box, freud.box.Box):
        if not box.is2D:
            raise ValueError("box must be a 2-D freud Box (is2D=True).")
        return box, (float(box.Lx), float(box.Ly), float(box.xy))
    values = np.asarray(box, dtype=float).ravel()
    if values.size not in (2, 3) or not np.all(np.isfinite(values)):
        raise ValueError(f"box must be (Lx, Ly) or (Lx, Ly, xy) or a freud Box; got "
                         f"{box!r}.")
    if values[0] <= 0 or values[1] <= 0:
        raise ValueError(f"Box lengths must be positive; got {box!r}.")
    xy = values[2] if values.size == 3 else 0.0
    return (freud.box.Box(values[0], values[1], xy=xy, is2D=True),
            (float(values[0]), float(values[1]), float(xy)))


def _nearest_lattice(geometry, d):
    """The box-lattice vector n1 a1 + n2 a2, a1 = (Lx, 0) and a2 = (xy Ly, Ly),
    with (n1, n2) the rounded fractional coordinates of each row of `d` (n, 2);
    `d` minus it lies in freud's box, centred on the origin."""
    Lx, Ly, xy = geometry
    n2 = np.rint(d[:, 1] / Ly)
    n1 = np.rint((d[:, 0] - xy * d[:, 1]) / Lx)
    return np.column_stack([n1 * Lx + n2 * xy * Ly, n2 * Ly])


def _max_radius(geometry, margin=1e-4):
    """Half the shortest distance between opposite box edges, less a relative
    ``margin``: 1e-4, the largest radius with a unique minimum image, or
    ``_FREUD_MARGIN``, under the largest radius freud accepts."""
    Lx, Ly, xy = geometry
    heights = (Lx / np.hypot(1.0, xy), Ly)
    return 0.5 * min(heights) * (1.0 - margin)


def _query_radius(geometry, points, r_max):
    """``r_max`` plus a bound on freud's float32 rounding (``_ULPS``), at most
    the largest radius freud accepts; a radius within rounding of it raises."""
    Lx, Ly, xy = geometry
    ulp = float(np.finfo(np.float32).eps) * max(
        Lx, Ly, abs(xy) * Ly, float(np.abs(points).max(initial=0.0)))
    cap = _max_radius(geometry, _FREUD_MARGIN)
    if r_max * (1.0 + _PAD) + _SURE_ULPS * ulp > cap:
        raise ValueError(
            f"A neighbour radius of {r_max:.6g} is within freud's float32 rounding "
            f"({_SURE_ULPS * ulp:.2g} at these coordinates) of the largest radius "
            f"it can search in this box ({cap:.6g}, half its height), so pairs "
            "near it could be lost: choose a smaller cg_radius or cutoff.")
    return min(r_max * (1.0 + _PAD) + _ULPS * ulp, cap)


def _pairs(box, geometry, points, r_max, query):
    """All pairs (query[row], j), j != query[row], closer than `r_max`: the
    query rows, partners, float64 minimum-image vectors r_j - r_i, lengths."""
    freud = _freud()
    cloud = np.zeros((len(points), 3), dtype=np.float32)
    cloud[:, :2] = points
    found = (freud.locality.AABBQuery(box, cloud)
             .query(cloud[query],
                    dict(r_max=_query_radius(geometry, points, r_max)))
             .toNeighborList())
    row = np.asarray(found.query_point_indices, dtype=np.intp)
    j = np.asarray(found.point_indices, dtype=np.intp)
    i = query[row]
    raw = points[j] - points[i]
    # The image freud chose, recovered as an integer combination of box vectors.
    vec = raw - _nearest_lattice(geometry, raw - np.asarray(found.vectors)[:, :2])
    dist = np.hypot(vec[:, 0], vec[:, 1])
    keep = (i != j) & (dist <= r_max)
    return row[keep], j[keep], vec[keep], dist[keep]


def _check_inputs(positions, types, box, sigma, epsilon):
    box, geometry = _as_box(box)
    positions = np.asarray(positions, dtype=float)
    if positions.ndim != 2 or positions.shape[1] not in (2, 3) or not len(positions):
        raise ValueError("positions must be shaped (n_particles, 2) or (n_particles, "
                         f"3); got {positions.shape}.")
    if not np.all(np.isfinite(positions)):
        raise ValueError("positions contain NaN or infinite values.")
    sigma = KA_SIGMA if sigma is None else np.asarray(sigma, dtype=float)
    epsilon = KA_EPSILON if epsilon is None else np.asarray(epsilon, dtype=float)
    for name, table in (("sigma", sigma), ("epsilon", epsilon)):
        if table.ndim != 2 or table.shape[0] != table.shape[1] or \
                not np.allclose(table, table.T) or np.any(table <= 0):
            raise ValueError(f"{name} must be a symmetric positive square matrix.")
    if sigma.shape != epsilon.shape:
        raise ValueError(f"sigma {sigma.shape} and epsilon {epsilon.shape} must "
                         "have one row per particle type.")
    types = np.asarray(types)
    if types.dtype.kind not in "iuf":
        raise TypeError(f"types must be integer type codes; got dtype {types.dtype}.")
    if types.shape != (len(positions),):
        raise ValueError(f"types must be shaped ({len(positions)},); got "
                         f"{types.shape}.")
    values = np.unique(types)
    bad = [v for v in values.tolist()
           if not float(v).is_integer() or not 0 <= v < len(sigma)]
    if bad:
        raise ValueError(
            f"Particle types {bad} are not in range({len(sigma)}) (one type per "
            "row of sigma)."
        )
    # Wrap into the box (centred on the origin) in float64.
    points = positions[:, :2] - _nearest_lattice(geometry, positions[:, :2])
    return box, geometry, points, types.astype(np.intp), sigma, epsilon


def _steric_order(row, j, angle, types, sigma, z):
    """Theta_i = (1/z_i) sum over angularly adjacent neighbour pairs <jk> of
    |theta_jk - theta_jk^ref| (Eq. 7 of the information-imbalance paper)."""
    order = np.lexsort((angle, row))
    row, j, angle = row[order], j[order], angle[order]
    start = np.searchsorted(row, row, side="left")
    count = z[row]
    nxt = start + (np.arange(len(row)) - start + 1) % np.maximum(count, 1)
    gap = np.mod(angle[nxt] - angle, 2.0 * np.pi)
    between = np.minimum(gap, 2.0 * np.pi - gap)
    a = sigma[types[row], types[j]]
    b = sigma[types[row], types[j[nxt]]]
    c = sigma[types[j], types[j[nxt]]]
    ref = np.arccos(np.clip((a**2 + b**2 - c**2) / (2.0 * a * b), -1.0, 1.0))
    # z >= 3: z adjacent pairs; z == 2: the one pair is seen twice; z < 2: none.
    weight = np.select([count >= 3, count == 2], [1.0, 0.5], 0.0)
    total = np.bincount(row, weight * np.abs(between - ref), minlength=len(z))
    return total / np.maximum(z, 1)


def _check_shift(shift):
    """``shift`` as False, True or 'force' (numpy booleans as bool)."""
    if isinstance(shift, bool | np.bool_):
        return bool(shift)
    if isinstance(shift, str) and shift in ("energy", "force"):
        return True if shift == "energy" else shift
    raise ValueError(f"shift must be False, True, 'energy' or 'force'; got "
                     f"{shift!r}.")


def _pair_energy(dist, s, eps, cutoff, shift):
    """The Lennard-Jones energy of pairs inside the cut-off: plain, shifted
    to 0 at the cut-off (``True`` or ``'energy'``), or with its force also
    brought to 0 there (``'force'``: v(r) - v(r_c) - (r - r_c) v'(r_c),
    LAMMPS ``lj/smooth/linear``)."""
    sr6 = (s / dist) ** 6
    pair = 4.0 * eps * (sr6**2 - sr6)
    if shift is False:
        return pair
    pair -= 4.0 * eps * (cutoff**-12 - cutoff**-6)
    if shift == "force":
        r_c = cutoff * s
        slope = 4.0 * eps * (6.0 * cutoff**-6 - 12.0 * cutoff**-12) / r_c
        pair -= (dist - r_c) * slope
    return pair


def _base_descriptors(box, geometry, points, types, sigma, epsilon, cutoff,
                      coordination_cutoff, shift):
    """Energy, coordination, psi6 and Theta of every particle, shape (n, 4)."""
    n = len(points)
    r_max = max(cutoff, coordination_cutoff) * sigma.max()
    if r_max > _max_radius(geometry):
        raise ValueError(
            f"The box is too small for the interaction range {r_max:.3g}; each "
            f"box height must exceed {2 * r_max:.3g}."
        )
    row, j, vec, dist = _pairs(box, geometry, points, r_max, np.arange(n))
    s = sigma[types[row], types[j]]
    inside = dist < cutoff * s
    pair = _pair_energy(dist[inside], s[inside],
                        epsilon[types[row], types[j]][inside], cutoff, shift)
    energy = 0.5 * np.bincount(row[inside], pair, minlength=n)

    near = dist < coordination_cutoff * s
    row, j, vec = row[near], j[near], vec[near]
    z = np.bincount(row, minlength=n)
    angle = np.arctan2(vec[:, 1], vec[:, 0])
    psi6 = np.hypot(np.bincount(row, np.cos(6.0 * angle), minlength=n),
                    np.bincount(row, np.sin(6.0 * angle), minlength=n))
    psi6 /= np.maximum(z, 1)
    theta = _steric_order(row, j, angle, types, sigma, z)
    return np.column_stack([energy, z.astype(float), psi6, theta])


def _coarse_grain(box, geometry, points, types, sigma, base, lengths, particles,
                  radius):
    """Density, volume fraction and the coarse-grained base descriptors (Eqs.
    8-10) for the `particles`, shape (len(particles), len(lengths), 6)."""
    n_base = base.shape[1]
    out = np.empty((len(particles), len(lengths), 2 + n_base))
    expected = len(points) / (geometry[0] * geometry[1]) * np.pi * radius**2 + 1.0
    chunk = max(1, int(_CHUNK_PAIRS / expected))
    for start in range(0, len(particles), chunk):
        query = particles[start:start + chunk]
        row, j, _, dist = _pairs(box, geometry, points, radius, query)
        m = len(query)
        self_sigma2 = sigma[types[query], types[query]] ** 2
        pair_sigma2 = sigma[types[query[row]], types[j]] ** 2
        for k, length in enumerate(lengths):
            w = np.exp(-dist / length)
            rho = 1.0 + np.bincount(row, w, minlength=m)
            phi = self_sigma2 + np.bincount(row, pair_sigma2 * w, minlength=m)
            block = out[start:start + m, k]
            block[:, 0], block[:, 1] = rho, phi
            for c in range(n_base):
                summed = base[query, c] + np.bincount(row, base[j, c] * w,
                                                      minlength=m)
                block[:, 2 + c] = summed / rho
    return out


def particle_descriptors(positions, types, box, *, lengths=(1.0, 2.0, 3.0),
                         cutoff=2.5, sigma=None, epsilon=None, particles=None,
                         coordination_cutoff=1.5, cg_radius=None, shift=False):
    r"""Physically motivated per-particle descriptors of a 2-D glass.

    Computes, for each particle i, the descriptors of Sec. II B of the
    information-imbalance paper (Eqs. 5-10):

    - ``energy``: :math:`u_i = \frac12 \sum_{j \ne i} v_{ij}(r_{ij})`, the
      Lennard-Jones pair potential :math:`v = 4\epsilon_{ij}[(\sigma_{ij}/r)^{12}
      - (\sigma_{ij}/r)^6]` truncated at ``cutoff`` :math:`\sigma_{ij}`
      (and shifted to 0 there, see ``shift``);
    - ``coordination``: :math:`z_i`, the number of neighbours with
      :math:`r_{ij} <` ``coordination_cutoff`` :math:`\sigma_{ij}` (1.5, near the
      first minimum of g(r), as in the paper);
    - ``psi6``: :math:`\Psi_{6,i} = |\sum_j e^{6 i \theta_{ij}}| / z_i` over
      those neighbours, :math:`\theta_{ij}` the angle of
      :math:`r_j - r_i` to the x axis;
    - ``theta``: the steric bond order of Tong and Tanaka,
      :math:`\Theta_i = \frac{1}{z_i} \sum_{\langle jk \rangle}
      |\theta_{jk} - \theta^{ref}_{jk}|` (radians), over the pairs of
      neighbours adjacent in angle around i; :math:`\theta_{jk}` is the angle
      between :math:`r_{ij}` and :math:`r_{ik}` and :math:`\theta^{ref}_{jk}`
      the angle of the touching triangle with sides :math:`\sigma_{ij},
      \sigma_{ik}, \sigma_{jk}` (cosine rule);

    and at each coarse-graining length l, over the particles j within
    ``cg_radius`` of i, i included, with weight :math:`e^{-r_{ij}/l}`:

    - ``density_cg(l=...)``: :math:`\bar\rho_i = \sum_j e^{-r_{ij}/l}`;
    - ``phi_cg(l=...)``: :math:`\bar\varphi_i = \sum_j \sigma_{ij}^2
      e^{-r_{ij}/l}` (the paper's volume fraction, Eq. 9, unnormalised);
    - ``energy_cg``, ``coordination_cg``, ``psi6_cg``, ``theta_cg`` (l=...):
      :math:`\bar x_i = \bar\rho_i^{-1} \sum_j x_j e^{-r_{ij}/l}`.

    Parameters
    ----------
    positions : array-like of shape (n_particles, 2) or (n_particles, 3)
        Particle coordinates, any periodic image; a third (z) column is ignored.
    types : array-like of int, shape (n_particles,)
        Type of each particle, an index into the rows of ``sigma``.
    box : tuple (Lx, Ly) or (Lx, Ly, xy), or freud.box.Box
        The periodic box. ``xy`` is freud's dimensionless tilt factor of a
        sheared (Lees-Edwards) box, the second box vector being
        ``(xy * Ly, Ly)``; from LAMMPS, pass ``xy_lammps / Ly``. (The glass
        generator's ``neighbourhoods`` takes LAMMPS's tilt, a length.)
    lengths : sequence of float, default=(1.0, 2.0, 3.0)
        Coarse-graining lengths l.
    cutoff : float, default=2.5
        Cut-off of the pair potential, in units of :math:`\sigma_{ij}`.
    sigma, epsilon : array-like of shape (n_types, n_types), optional
        Lennard-Jones parameters. Default: the 2-D Kob-Andersen mixture (type
        0 = A, 1 = B), :data:`~skdib.featurizers.KA_SIGMA` (:math:`\sigma_{AA}=1,
        \sigma_{AB}=0.8, \sigma_{BB}=0.88`) and :data:`~skdib.featurizers.KA_EPSILON`
        (:math:`\epsilon_{AA}=1, \epsilon_{AB}=1.5, \epsilon_{BB}=0.5`).
    particles : array-like of int, optional
        Indices of the particles to describe (all by default). Neighbours are
        always taken from all particles.
    coordination_cutoff : float, default=1.5
        Neighbour cut-off for ``coordination``, ``psi6`` and ``theta``, in
        units of :math:`\sigma_{ij}`.
    cg_radius : float, optional
        Radius of the coarse-graining neighbourhood. Default: 20 (the paper's
        :math:`R_N = 20\sigma`), reduced to just under half the smallest box
        height when the box is smaller.
    shift : bool or {'energy', 'force'}, default=False
        ``True`` or ``'energy'``: shift the pair potential to zero at the
        cut-off (LAMMPS ``pair_modify shift yes``). ``'force'``: also bring
        its force to zero there, :math:`v(r) - v(r_c) - (r - r_c)\,v'(r_c)`,
        the potential LAMMPS calls ``lj/smooth/linear``, which the shipped
        sheared-glass data were simulated with. (Their ``descriptors``
        were computed with ``shift=True``: an energy lower by about
        0.3 :math:`\epsilon` per particle, correlation 0.9995.)

    Returns
    -------
    descriptors : pandas.DataFrame
        One row per particle (index ``particle``), columns ``energy``,
        ``coordination``, ``psi6``, ``theta``, then for each l
        ``density_cg(l=...)``, ``phi_cg(l=...)``, ``energy_cg(l=...)``,
        ``coordination_cg(l=...)``, ``psi6_cg(l=...)``, ``theta_cg(l=...)``
        (l written with ``:g``, e.g. ``l=1``, ``l=1.5``).

    Notes
    -----
    Particles without neighbours get ``psi6 = theta = 0``. With two
    neighbours, their single pair enters ``theta`` once. Needs
    ``freud-analysis`` (the ``glass`` extra) for the neighbour search.

    Examples
    --------
    >>> import numpy as np
    >>> from skdib.featurizers import particle_descriptors
    >>> cells = np.array([(i + 0.5 * (j % 2), j * np.sqrt(3) / 2)
    ...                   for i in range(6) for j in range(8)])
    >>> box = (6.0, 8 * np.sqrt(3) / 2)
    >>> df = particle_descriptors(cells, np.zeros(len(cells), int), box,
    ...                           lengths=(1.0,))
    >>> df[["coordination", "psi6", "theta"]].iloc[0].round(6).tolist()
    [6.0, 1.0, 0.0]
    >>> df.columns.tolist()[4:6]
    ['density_cg(l=1)', 'phi_cg(l=1)']
    """
    for name in ("positions", "box", "sigma", "epsilon", "lengths"):  # the numbers
        refuse_complex(locals()[name], name, "the descriptors take real numbers only.")
    box, geometry, points, types, sigma, epsilon = _check_inputs(
        positions, types, box, sigma, epsilon)
    lengths = np.asarray(lengths, dtype=float).ravel()
    if not len(lengths) or np.any(~np.isfinite(lengths)) or np.any(lengths <= 0):
        raise ValueError(f"lengths must be positive finite numbers; got {lengths}.")
    labels = [f"{length:g}" for length in lengths]
    if len(set(labels)) != len(labels):
        raise ValueError(f"lengths must be distinct; got {lengths.tolist()}.")
    cutoff = check_number(cutoff, "cutoff")
    coordination_cutoff = check_number(coordination_cutoff, "coordination_cutoff")
    limit = _max_radius(geometry)
    if cg_radius is None:
        cg_radius = min(_CG_RADIUS, limit)
    elif not 0 < cg_radius <= limit:
        raise ValueError(
            f"cg_radius={cg_radius} must be positive and at most {limit:.4g}, "
            "just under half the smallest box height."
        )
    n = len(points)
    if particles is None:
        particles = np.arange(n)
    else:
        particles = np.asarray(particles).ravel()
        if particles.size and particles.dtype.kind not in "iu":
            raise TypeError(
                f"particles must be integer indices; got dtype {particles.dtype}."
            )
        particles = particles.astype(np.intp)
        if np.any((particles < -n) | (particles >= n)):
            raise ValueError(f"particles must be indices in range({n}).")
        particles = np.mod(particles, n)

    shift = _check_shift(shift)
    base = _base_descriptors(box, geometry, points, types, sigma, epsilon, cutoff,
                             coordination_cutoff, shift)
    cg = _coarse_grain(box, geometry, points, types, sigma, base, lengths, particles,
                       cg_radius)
    names = ["energy", "coordination", "psi6", "theta"]
    columns = {name: base[particles, c] for c, name in enumerate(names)}
    cg_names = ["density_cg", "phi_cg"] + [f"{name}_cg" for name in names]
    for k, label in enumerate(labels):
        for c, name in enumerate(cg_names):
            columns[f"{name}(l={label})"] = cg[:, k, c]
    return pd.DataFrame(columns, index=pd.Index(particles, name="particle"))
