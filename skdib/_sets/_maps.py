"""Information maps of the shared element encoders, computed by probing.

A probe is a hypothetical element (a particle at a given position, of a
given type). How many bits the encoder transmits about it follows the SI of
the information-decomposition paper ("Information transmitted per
particle"): the summands of the InfoNCE / leave-one-out sandwich for that
outcome, against batches of real elements of the same type.
"""

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils.validation import check_is_fitted

from skdib._backend import facade
from skdib._dib._settings import MIXTURE_SAMPLES
from skdib._sets._inputs import element_rows, type_names
from skdib._utils._random import numpy_rng
from skdib._utils._validation import check_positive_int

__all__ = ["InformationMapMixin", "reference_elements"]

# Elements of each type kept from the validation sets for the probes.
MAX_REFERENCE_ELEMENTS = 4096


def reference_elements(X, type_column, types, index, seed):
    """Up to :data:`MAX_REFERENCE_ELEMENTS` elements of one type, drawn once."""
    rows = element_rows(X, type_column, types, index)
    rng = np.random.default_rng(seed)
    keep = rng.permutation(len(rows))[:MAX_REFERENCE_ELEMENTS]
    return rows[np.sort(keep)]


class InformationMapMixin:
    """``information_map`` and ``radial_azimuthal_information``."""

    def _type_index(self, element_type):
        types = self.element_types_
        if element_type is None:
            if len(types) > 1:
                raise ValueError(f"Give element_type: the model has {len(types)} "
                                 f"element types ({types.tolist()}).")
            return 0
        match = np.flatnonzero(types == element_type)
        if not len(match):
            raise ValueError(f"element_type={element_type!r} is not one of the "
                             f"fitted types {types.tolist()}.")
        return int(match[0])

    def _references(self, index, consequence):
        """The validation elements of type ``types[index]`` kept at fit;
        fewer than 2 are refused, saying what they were needed for."""
        refs = self._reference_elements[index]
        if len(refs) < 2:
            name = type_names(self.type_column, self.element_types_)[index]
            raise ValueError(
                f"Fewer than 2 validation elements of this type ({name}: "
                f"{len(refs)}): {consequence}. Give validation sets that hold "
                "elements of this type.")
        return refs

    def _probe_rows(self, probes, index):
        probes = np.array(probes, dtype=np.float64, ndmin=2)
        if probes.ndim != 2 or probes.shape[1] != self.n_features_in_:
            raise ValueError(f"probes must have shape (n_probes, {self.n_features_in_})"
                             f" (one element per row); got {probes.shape}.")
        if self.type_column is not None:
            probes[:, self.type_column] = self.element_types_[index]
        if not np.isfinite(probes).all():
            raise ValueError("probes must be finite.")
        return probes

    def information_map(self, probes, element_type=None, *, n_references=512,
                        n_batches=32, random_state=0):
        """Bits the encoder transmits about each probe element.

        For every probe (a hypothetical element, e.g. a particle placed at a
        grid point), the per-outcome summands of the sandwich bounds on
        I(U; element), averaged over ``n_batches`` batches of
        ``n_references`` real elements of the same type (from the
        validation sets) and one message draw per batch. At the current path
        point (see :meth:`set_path_point`).

        The values are not floored at 0: where the information is near 0, a
        probe's average over the batches may fall below 0 by noise (less so
        with more ``n_batches``), and a floor per probe would lift every
        mean over probes above the information. Averaged over probes drawn
        like the data (e.g. :meth:`element_sample`), ``information`` reads
        the path's bits per element at the same point
        (``information_per_element_``), up to the noise of the draws. Noise
        can also put a probe's upper summand under its lower one;
        ``lower`` and ``upper`` are the two, ordered, and their midpoint
        does not depend on the order.

        Parameters
        ----------
        probes : array-like of shape (n_probes, n_features)
            Element rows as in X; the type column, if any, is overwritten
            with ``element_type``.
        element_type : number, optional
            The type code; required when the model has several types.
        n_references, n_batches : int
        random_state : int

        Returns
        -------
        Bunch
            ``lower``, ``upper`` and ``information`` (their midpoint) in
            bits, none floored at 0, and ``kl`` (bits to the prior, an upper
            bound of the encoder's cost), each of shape (n_probes,);
            ``element_type`` and ``path_point``.

        Examples
        --------
        >>> import numpy as np
        >>> from skdib import DistributedIBSetRegressor
        >>> rng = np.random.default_rng(0)
        >>> X = rng.uniform(-1, 1, size=(200, 6, 2))  # sets of 6 points in a square
        >>> y = (np.hypot(X[..., 0], X[..., 1]) < 0.5).sum(axis=1)  # how many near 0
        >>> reg = DistributedIBSetRegressor(
        ...     n_pretrain_steps=30, n_steps=100, n_checkpoints=4, beta_end=1,
        ...     learning_rate=1e-2, validation_fraction=0.25, random_state=0).fit(X, y)
        >>> bits = reg.information_map([[0, 0], [0.9, 0]]).information
        >>> bits.shape, bool(bits[0] > bits[1])  # a point at 0 tells more
        ((2,), True)
        """
        check_is_fitted(self)
        index = self._type_index(element_type)
        probes = self._probe_rows(probes, index)
        refs = self._references(index, "no reference batch for the probes")
        rng = numpy_rng(random_state)
        k = min(check_positive_int(n_references, "n_references", 2), len(refs))
        batches = np.stack([refs[rng.choice(len(refs), k, replace=False)]
                            for _ in range(check_positive_int(n_batches,
                                                              "n_batches"))])
        with facade.torch_threads(self.n_threads):
            lower, upper, kl = facade.probe_information(
                self.network_, probes, batches, index,
                seed=int(rng.integers(2**31 - 1)))
        information = 0.5 * (lower + upper)
        lower, upper = np.minimum(lower, upper), np.maximum(lower, upper)
        return Bunch(lower=lower, upper=upper, information=information,
                     kl=kl, element_type=self.element_types_[index],
                     path_point=self.path_point_)

    def radial_azimuthal_information(self, radii, element_type=None, *,
                                     n_angles=32, position_columns=(0, 1),
                                     make_probes=None, radial_weights=None,
                                     random_state=0):
        """Split the bits about a probe's position into radius and angle.

        Probes sit on rings (``radii`` × ``n_angles`` evenly spaced angles);
        with the position uniform in angle and the rings weighted by
        ``radial_weights``, the chain rule gives
        I(U; position) = I(U; R) + I(U; Θ | R). Each term is the information
        of a finite Gaussian mixture of the probes' messages. Probes are made
        by :meth:`position_probes` (``position_columns``, ``make_probes``).

        By default a ring weighs the share of real elements of this type
        (from the validation sets, read at their ``position_columns``) in its
        band: the distances nearer to it than to any other ring, and no
        farther than half the spacing of the two outermost rings beyond the
        last ring (half that of the two innermost before the first). The
        elements outside the bands are left out, and their share is
        returned (``excluded_share``): the split describes positions in the
        range the rings span. With one ring nothing is left out. With
        ``make_probes`` the positions are not read, and ``radial_weights``
        are required.

        Returns
        -------
        Bunch
            ``total``, ``radial`` and ``azimuthal`` bits,
            ``azimuthal_by_radius`` (one value per ring), ``radii``,
            ``radial_weights`` (summing to 1) and ``excluded_share`` (the
            share of elements outside the rings' bands, None with given
            ``radial_weights``).

        Examples
        --------
        >>> import numpy as np
        >>> from skdib import DistributedIBSetRegressor
        >>> rng = np.random.default_rng(0)
        >>> X = rng.uniform(-1, 1, size=(200, 6, 2))  # sets of 6 points in a square
        >>> y = (np.hypot(X[..., 0], X[..., 1]) < 0.5).sum(axis=1)  # how many near 0
        >>> reg = DistributedIBSetRegressor(
        ...     n_pretrain_steps=30, n_steps=100, n_checkpoints=4, beta_end=1,
        ...     learning_rate=1e-2, validation_fraction=0.25, random_state=0).fit(X, y)
        >>> split = reg.radial_azimuthal_information([0.25, 0.5, 0.75])
        >>> split.azimuthal_by_radius.shape
        (3,)
        >>> bool(split.radial > 2 * split.azimuthal)  # y depends on the radius only
        True
        >>> round(split.excluded_share, 1)  # beyond r = 0.875 or within 0.125
        0.4
        """
        check_is_fitted(self)
        index = self._type_index(element_type)
        radii = np.asarray(radii, dtype=float).ravel()
        if not len(radii) or not np.all(np.isfinite(radii)) or np.any(radii < 0):
            raise ValueError("radii must be a non-empty list of finite radii >= 0; "
                             f"got {radii.tolist()}.")
        n_angles = check_positive_int(n_angles, "n_angles")
        theta = 2 * np.pi * np.arange(n_angles) / n_angles
        positions = np.stack([np.outer(radii, np.cos(theta)).ravel(),
                              np.outer(radii, np.sin(theta)).ravel()], axis=1)
        probes = self.position_probes(positions, element_type, position_columns,
                                      make_probes)
        weights, excluded = self._ring_weights(radii, index, position_columns,
                                               radial_weights, make_probes)
        mu, lv = facade.encode_elements(self.network_, probes, index)
        seed = int(numpy_rng(random_state).integers(2**31 - 1))
        total = facade.mixture_information(
            mu, lv, np.repeat(weights, n_angles) / n_angles,
            n_samples=MIXTURE_SAMPLES, seed=seed)[0]
        d = mu.shape[-1]
        rings = facade.mixture_information(
            mu.reshape(len(radii), n_angles, d), lv.reshape(len(radii), n_angles, d),
            np.full((len(radii), n_angles), 1.0 / n_angles),
            n_samples=MIXTURE_SAMPLES, seed=seed)[0]
        azimuthal = float(np.dot(weights, rings))
        return Bunch(total=float(total), radial=max(float(total) - azimuthal, 0.0),
                     azimuthal=azimuthal, azimuthal_by_radius=np.asarray(rings),
                     radii=radii, radial_weights=weights,
                     excluded_share=excluded)

    def position_probes(self, positions, element_type=None,
                        position_columns=(0, 1), make_probes=None):
        """Element rows of probes at 2-D ``positions`` (n_probes, 2).

        ``make_probes(positions)``, when given, returns the rows (e.g. with
        derived numbers such as the radius). Otherwise the elements must be
        described by their position alone: it goes into
        ``position_columns`` and the type column holds ``element_type``.

        Examples
        --------
        >>> import numpy as np
        >>> from skdib import DistributedIBSetRegressor
        >>> rng = np.random.default_rng(0)
        >>> X = rng.uniform(-1, 1, size=(200, 4, 3))
        >>> X[..., 0] = rng.integers(0, 2, size=(200, 4))  # column 0: the type
        >>> y = X[..., 1].sum(axis=1)
        >>> reg = DistributedIBSetRegressor(
        ...     type_column=0, n_pretrain_steps=20, n_steps=50, n_checkpoints=3,
        ...     beta_end=10, validation_fraction=0.25, random_state=0).fit(X, y)
        >>> reg.position_probes([[0.5, -1.0]], element_type=1, position_columns=(1, 2))
        array([[ 1. ,  0.5, -1. ]])
        """
        check_is_fitted(self)
        index = self._type_index(element_type)
        positions = np.asarray(positions, dtype=float)
        if positions.ndim != 2 or positions.shape[1] != 2:
            raise ValueError(f"positions must have shape (n_probes, 2); got "
                             f"{positions.shape}.")
        if make_probes is not None:
            return self._probe_rows(make_probes(positions), index)
        columns = [c for c in range(self.n_features_in_) if c != self.type_column]
        if sorted(columns) != sorted(position_columns):
            raise ValueError(
                f"The elements have numbers in columns {columns}; probes from "
                f"positions alone need elements described by position_columns "
                f"{tuple(position_columns)} only. Pass make_probes to build "
                "the other numbers from a position.")
        probes = np.zeros((len(positions), self.n_features_in_))
        probes[:, list(position_columns)] = positions
        return self._probe_rows(probes, index)

    def element_sample(self, element_type=None):
        """The validation elements of one type that the probes are compared
        with (at most 4096, drawn once at fit), shape (m, n_features)."""
        check_is_fitted(self)
        return self._reference_elements[self._type_index(element_type)].copy()

    def _ring_weights(self, radii, index, position_columns, given, make_probes):
        """Weights of the rings (summing to 1) and the share of elements left
        out of their bands (None for ``given`` weights)."""
        if given is not None:
            w = np.asarray(given, dtype=float).ravel()
            if w.shape != radii.shape or (w < 0).any() or w.sum() <= 0:
                raise ValueError("radial_weights must be one non-negative number "
                                 "per radius, not all 0.")
            return w / w.sum(), None
        if make_probes is not None:
            raise ValueError("With make_probes the elements' positions are not "
                             "known; pass radial_weights (one per radius).")
        refs = self._references(
            index, "no elements to weight the rings by (pass radial_weights)")
        refs = refs[:, list(position_columns)]
        r = np.hypot(refs[:, 0], refs[:, 1])
        low, high = _ring_span(radii)
        inside = (r >= low) & (r <= high)
        if not inside.any():
            raise ValueError(
                f"No element of this type lies within the rings' bands "
                f"[{low:g}, {high:g}], so none weights them: pass radii "
                "spanning the elements' distances, or radial_weights.")
        nearest = np.abs(r[inside, None] - radii[None, :]).argmin(axis=1)
        w = np.bincount(nearest, minlength=len(radii)).astype(float)
        return w / w.sum(), 1.0 - float(inside.mean())


def _ring_span(radii):
    """The distances the rings' bands cover: from half the spacing of the two
    innermost distinct radii before the first ring to half that of the two
    outermost beyond the last (everything for a single radius)."""
    distinct = np.unique(radii)
    if len(distinct) < 2:
        return -np.inf, np.inf
    return (distinct[0] - (distinct[1] - distinct[0]) / 2,
            distinct[-1] + (distinct[-1] - distinct[-2]) / 2)
