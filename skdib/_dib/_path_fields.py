"""The fields of an :class:`~skdib.InformationPath`: checked, as arrays, compared.

A path built by hand may hold lists; the constructor makes every array field
an ndarray (numbers as float, ``bounds_saturated`` as bool) so that every
consumer can index and broadcast it. Two paths are equal when their fields
are: arrays element by element, NaN equal to NaN.
"""

from dataclasses import fields

import numpy as np

__all__ = ["check_path_fields", "paths_equal"]

#: Fields of shape (n_points, n_features).
CELL_FIELDS = ("kl", "information", "information_lower", "information_upper",
               "bounds_saturated", "kl_drift", "information_se",
               "information_row_influence")
#: Fields of shape (n_points,), besides ``beta``.
POINT_FIELDS = ("loss_train", "loss_val", "score_val", "score_val_se",
                "relevance_lower", "score_val_diff_se", "prediction_loss_val",
                "prediction_loss_diff_se")


def _as_array(path, name):
    """Set field ``name`` of the (frozen) ``path`` to an ndarray; return it."""
    value = getattr(path, name)
    if value is None:
        return None
    dtype = bool if name == "bounds_saturated" else float
    try:
        value = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must hold numbers; got {value!r:.80}.") from None
    object.__setattr__(path, name, value)
    return value


def check_path_fields(path):
    """Check the shapes of ``path``'s fields and make its arrays ndarrays."""
    beta = _as_array(path, "beta")
    kl = _as_array(path, "kl")
    if kl.ndim != 2:
        raise ValueError(f"kl has shape {kl.shape}; expected (n_points, n_features).")
    n_points, n_features = kl.shape
    if beta.shape != (n_points,):
        raise ValueError(
            f"beta has shape {beta.shape}; expected ({n_points},) to match kl.")
    if len(path.feature_names) != n_features:
        raise ValueError(
            f"{len(path.feature_names)} feature names for {n_features} channels.")
    for name in CELL_FIELDS:
        value = _as_array(path, name)
        if value is not None and value.shape != (n_points, n_features):
            raise ValueError(f"{name} has shape {value.shape}; expected "
                             f"({n_points}, {n_features}).")
    for name in POINT_FIELDS:
        value = _as_array(path, name)
        if value is not None and value.shape != (n_points,):
            raise ValueError(f"{name} must have shape ({n_points},).")
    method = path.information_method
    if method is not None and len(method) != n_features:
        raise ValueError(f"information_method has {len(method)} entries for "
                         f"{n_features} channels.")
    if n_points > 1 and np.any(np.diff(beta) < 0):
        raise ValueError("Checkpoints must be ordered by increasing beta.")
    object.__setattr__(path, "feature_names", tuple(map(str, path.feature_names)))


def _equal(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, tuple) or isinstance(b, tuple):
        return isinstance(a, tuple) and isinstance(b, tuple) and a == b
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype.kind in "biuf" and b.dtype.kind in "biuf":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


def paths_equal(a, b):
    """Whether two paths hold the same fields (NaN equal to NaN)."""
    # getattr: a path pickled before a field existed lacks it (None)
    return all(_equal(getattr(a, f.name, None), getattr(b, f.name, None))
               for f in fields(a))
