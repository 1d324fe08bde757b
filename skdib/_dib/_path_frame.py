"""The tidy table of an :class:`~skdib.InformationPath`: one row per
(checkpoint, channel)."""

import numpy as np
import pandas as pd

__all__ = ["path_frame"]


def path_frame(path):
    """``path.to_frame()``: per-checkpoint fields repeated over the channels,
    per-cell fields raveled, NaN for a field the path lacks (None, or absent
    from an older pickle)."""
    n_points, n_features = np.shape(path.kl)

    def per_point(values):
        if values is None:
            return np.full(n_points * n_features, np.nan)
        return np.repeat(np.asarray(values, dtype=float), n_features)

    def per_cell(name):
        values = getattr(path, name, None)
        if values is None:
            return np.full(n_points * n_features, np.nan)
        return np.asarray(values, dtype=float).ravel()

    cells = ("information", "information_lower", "information_upper",
             "information_se", "information_row_influence", "bounds_gap")
    points = ("loss_train", "loss_val", "score_val", "score_val_se",
              "prediction_loss_val")
    saturated = (np.zeros(n_points * n_features, bool)
                 if path.bounds_saturated is None
                 else np.asarray(path.bounds_saturated).ravel())
    method = path.information_method or ("given",) * n_features
    return pd.DataFrame({
        "point": np.repeat(np.arange(n_points), n_features),
        "beta": per_point(path.beta),
        "feature": np.tile(np.array(path.feature_names, object), n_points),
        "feature_index": np.tile(np.arange(n_features), n_points),
        **{name: per_cell(name) for name in cells},
        "bounds_saturated": saturated,
        "information_method": np.tile(np.array(method, object), n_points),
        "kl": per_cell("kl"),
        "total_information": per_point(path.total_information),
        **{name: per_point(getattr(path, name)) for name in points},
        "kl_drift": per_cell("kl_drift"),
        "settled": np.repeat(path.settled, n_features),
    })
