"""The :class:`~skdib.InformationPath` of a training record."""

import numpy as np

from skdib._dib._estimates import VALUE_ROWS, combine_estimates
from skdib._dib._path import InformationPath
from skdib._dib._point_statistics import best_score_point, mean_over_rows, paired_se

__all__ = ["path_from_record"]


def path_from_record(record, names, discrete, batch_size, weights=None,
                     value_rows=VALUE_ROWS):
    """The :class:`InformationPath` of a training record (see the backend).

    ``weights`` are the held-out rows' sample weights (None: equal);
    ``value_rows`` the sweep's value-row rule (:data:`VALUE_ROWS`).
    """
    relevance = record["relevance"]
    estimates = combine_estimates(record["kl"], record["estimates"], discrete,
                                  batch_size, value_rows)
    diff_se = loss_mean = loss_se = None
    if len(record.get("score_val_rows", ())):
        best = best_score_point(record["score_val"], record["loss_val"])
        diff_se = paired_se(record["score_val_rows"], best, weights)
    if len(record.get("prediction_loss_rows", ())):
        rows = np.asarray(record["prediction_loss_rows"], dtype=float)
        loss_mean = mean_over_rows(rows, weights)
        lowest = best_score_point(-loss_mean, record["loss_val"])
        loss_se = paired_se(rows, lowest, weights)
    return InformationPath(
        beta=record["beta"], kl=record["kl"], **estimates,
        score_val_diff_se=diff_se, prediction_loss_val=loss_mean,
        prediction_loss_diff_se=loss_se,
        loss_train=record["loss_train"], loss_val=record["loss_val"],
        score_val=record["score_val"], score_val_se=record["score_val_se"],
        relevance_lower=None if np.all(np.isnan(relevance)) else relevance,
        bounds_batch_size=None if record["estimates"] is None else batch_size,
        kl_drift=record.get("kl_drift"),
        feature_names=tuple(names))
