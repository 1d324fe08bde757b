"""Summaries of a fitted path: the channel ranking and a compact text table."""

import numpy as np
import pandas as pd

from skdib._dib._ranking import DROP_THRESHOLD, rank_channels

__all__ = ["channel_summary", "path_table", "score_name"]

THRESHOLD = DROP_THRESHOLD


def score_name(est):
    """'accuracy' for classifiers, 'R²' for regressors."""
    return "accuracy" if hasattr(est, "classes_") else "R²"


def _column_names(est):
    names = getattr(est, "feature_names_in_", None)
    if names is None:
        names = [f"x{i}" for i in range(est.n_features_in_)]
    return [str(n) for n in names]


def channel_summary(est, threshold=THRESHOLD):
    """One row per channel, ranked by when it loses its information.

    Returns
    -------
    DataFrame
        ``rank`` (1 = kept longest), ``channel``, ``columns`` (its input
        columns), ``bits_best`` (bits at the best validation point),
        ``bits_lower`` and ``bits_upper`` (its bounds there; NaN without
        bounds), ``method`` (how the bits were estimated), ``saturated``
        (whether the lower bound is near its ceiling there),
        ``bits_max`` (most bits anywhere on the path), ``drop_beta`` (β of the
        first point from which it stays below ``threshold`` bits; NaN when it
        never does) and ``status`` ("kept to the end", "drops" or "never
        used").
    """
    path = est.information_path_
    info = np.asarray(path.information, dtype=float)
    drop = path.drop_order(threshold)
    columns = _column_names(est)
    rows = []
    for rank, j in enumerate(rank_channels(path, threshold), start=1):
        if drop[j] == 0:
            status, beta = "never used", np.nan
        elif drop[j] >= path.n_points:
            status, beta = "kept to the end", np.nan
        else:
            status, beta = "drops", float(path.beta[drop[j]])
        rows.append({
            "rank": rank,
            "channel": path.feature_names[j],
            "columns": ", ".join(columns[c] for c in est.channels_[j]),
            "bits_best": float(info[est.best_point_, j]),
            "bits_lower": _cell(path.information_lower, est.best_point_, j),
            "bits_upper": _cell(path.information_upper, est.best_point_, j),
            "method": (path.information_method or ("given",) * len(columns))[j],
            "saturated": bool(_cell(path.bounds_saturated, est.best_point_, j,
                                    default=False)),
            "bits_max": float(np.nanmax(info[:, j])),
            "drop_beta": beta,
            "status": status,
        })
    return pd.DataFrame(rows)


def _cell(values, point, channel, default=np.nan):
    """``values[point, channel]`` as a float, or ``default`` when absent."""
    return default if values is None else float(values[point, channel])


def _bits(value, width):
    text = f"{value:>{width}.2f}"
    return text.replace("-0.00", " 0.00")


def _rows_to_show(n_points, best, max_rows):
    picks = np.linspace(0, n_points - 1, min(n_points, max_rows)).round()
    return np.unique(np.append(picks.astype(int), best))


def path_table(est, max_rows=8, max_channels=10, threshold=THRESHOLD):
    """The path as a compact text table: β, total bits, bits per channel, score.

    Channels are the ``max_channels`` kept longest, in ranking order; rows
    are up to ``max_rows`` evenly spaced path points plus the best one
    (marked ``*``).
    """
    path = est.information_path_
    ranked = rank_channels(path, threshold)[:max_channels]
    names = [path.feature_names[j][:10] for j in ranked]
    widths = [max(5, len(n)) for n in names]
    header = (f"  {'point':>5} {'beta':>8} {'total':>6}  "
              + " ".join(f"{n:>{w}}" for n, w in zip(names, widths, strict=True))
              + f"  {'val ' + score_name(est):>12}")
    lines = [header]
    for i in _rows_to_show(path.n_points, est.best_point_, max_rows):
        bits = " ".join(_bits(path.information[i, j], w)
                        for j, w in zip(ranked, widths, strict=True))
        mark = "*" if i == est.best_point_ else " "
        lines.append(f"{mark} {i:>5} {path.beta[i]:>8.1e} "
                     f"{_bits(path.total_information[i], 6)}  {bits}  "
                     f"{path.score_val[i]:>12.3f}")
    n_more = len(path.feature_names) - len(ranked)
    notes = ["* best validation point; bits per channel, channels ranked by "
             "how long they keep information"]
    if n_more:
        notes.append(f"  ({n_more} more channels in path.csv)")
    return "\n".join(lines + notes)
