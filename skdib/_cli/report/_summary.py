"""Summaries of a fitted path: the channel ranking and a compact text table."""

import numpy as np
import pandas as pd

from skdib._dib._columns import column_names
from skdib._dib._ranking import DROP_THRESHOLD, rank_channels
from skdib.compare._folds import fold_mean_and_se

__all__ = ["baseline_verdict", "bits_scale", "channel_summary", "path_table",
           "score_kind", "score_name", "scored_rows", "scores_held_out",
           "scores_lines", "scores_note", "scores_table"]

THRESHOLD = DROP_THRESHOLD
# Percentile of the path's cells (points x channels) that fills a bit bar.
SCALE_PERCENTILE = 99


def score_name(est):
    """'accuracy' for classifiers, 'R²' for regressors."""
    return "accuracy" if hasattr(est, "classes_") else "R²"


def score_kind(fraction):
    """What the path's own score (its ``score_val``) is scored on, in a word.

    Parameters
    ----------
    fraction : float
        The fit's ``validation_fraction``.

    Returns
    -------
    kind : str
        "validation" for held-out rows; "training" when ``fraction`` is 0,
        which holds no row out, so that the path is scored on the rows it
        was fitted on.

    Examples
    --------
    >>> from skdib._cli.report._summary import score_kind
    >>> score_kind(0.2), score_kind(0.0)
    ('validation', 'training')
    """
    return "validation" if fraction else "training"


def scores_held_out(est):
    """Whether ``est``'s path is scored on held-out rows (:func:`score_kind`
    of its ``validation_fraction``)."""
    return score_kind(est.get_params()["validation_fraction"]) == "validation"


def bits_scale(path, threshold=THRESHOLD):
    """The bits that fill a bar: a robust top of the path's information.

    The ``SCALE_PERCENTILE``-th percentile of the information over every
    (point, channel) cell, so that one extreme cell (a channel early in the
    sweep, or a noisy estimate) cannot shrink every other bar; at least
    ``threshold``. Values above it are drawn as full bars.
    """
    cells = np.asarray(path.information, dtype=float)
    cells = cells[np.isfinite(cells)]
    top = float(np.percentile(cells, SCALE_PERCENTILE)) if cells.size else 0.0
    return max(top, threshold)


def _default_kind(n_columns):
    return "numeric" if n_columns == 1 else f"group ({n_columns} columns)"


def channel_summary(est, threshold=THRESHOLD, kinds=None, completed=True):
    """One row per channel, ranked by when it loses its information.

    Parameters
    ----------
    est : fitted DistributedIBClassifier or DistributedIBRegressor
    threshold : float
        Bits below which a channel counts as dropped.
    kinds : dict channel name -> str, optional
        What each channel is ("numeric", "categorical (3 categories)",
        "group (2 columns)"); by default numeric or group from its width.
    completed : bool
        Whether the sweep ran to its end (``fit_status_`` "complete"); a
        channel that holds its bits to the last checkpoint of a stopped one
        is "kept to the stop", not "kept to the end".

    Returns
    -------
    DataFrame
        ``rank`` (1 = kept longest), ``channel``, ``kind``, ``columns`` (its
        input columns), ``bits_best`` (bits at the chosen path point, ``best_point_``),
        ``bits_lower`` and ``bits_upper`` (its bounds there; NaN without
        bounds), ``bits_se`` (the Monte Carlo standard error of the bits
        there; NaN when unknown), ``method`` (how the bits were estimated),
        ``saturated`` (whether the lower bound is near its ceiling there),
        ``bits_max`` (most bits anywhere on the path), ``drop_beta`` (β of the
        first point from which it stays below ``threshold`` bits; NaN when it
        never does) and ``status`` ("kept to the end", or "kept to the stop"
        when the sweep did not complete, "drops", "never used" or
        "undetermined (too few rows to tell)": below ``threshold`` at
        every point, but with a standard error above it somewhere, so that
        the bits cannot tell an unused channel from a used one (the held-out
        rows measure a continuous channel's bits; every row of the fit a
        discrete channel's value frequencies); see
        :func:`_unused_status`).
    """
    path = est.information_path_
    info = np.asarray(path.information, dtype=float)
    drop = path.drop_order(threshold)
    columns = column_names(est)
    kinds = kinds or {}
    rows = []
    for rank, j in enumerate(rank_channels(path, threshold), start=1):
        if drop[j] == 0:
            status, beta = _unused_status(path, j, threshold), np.nan
        elif drop[j] >= path.n_points:
            status = "kept to the end" if completed else "kept to the stop"
            beta = np.nan
        else:
            status, beta = "drops", float(path.beta[drop[j]])
        rows.append({
            "rank": rank,
            "channel": path.feature_names[j],
            "kind": kinds.get(path.feature_names[j],
                              _default_kind(len(est.channels_[j]))),
            "columns": ", ".join(columns[c] for c in est.channels_[j]),
            "bits_best": float(info[est.best_point_, j]),
            "bits_lower": _cell(path.information_lower, est.best_point_, j),
            "bits_upper": _cell(path.information_upper, est.best_point_, j),
            "bits_se": _cell(getattr(path, "information_se", None),
                             est.best_point_, j),
            "method": (path.information_method or ("given",) * len(columns))[j],
            "saturated": bool(_cell(path.bounds_saturated, est.best_point_, j,
                                    default=False)),
            "bits_max": float(np.nanmax(info[:, j])),
            "drop_beta": beta,
            "status": status,
        })
    return pd.DataFrame(rows)


UNDETERMINED = "undetermined (too few rows to tell)"


def _unused_status(path, channel, threshold):
    """The status of a channel below ``threshold`` bits at every point:
    "never used", unless its standard error exceeds ``threshold`` at some
    point (its rows measure its bits too roughly to say)."""
    se = getattr(path, "information_se", None)
    se = np.asarray(se, dtype=float)[:, channel] if se is not None else []
    return UNDETERMINED if np.any(np.nan_to_num(se) > threshold) else "never used"


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
    (marked ``*``). The score column is the path's ``score_val``: "val"
    on held-out rows, "train" when ``validation_fraction`` is 0
    (:func:`score_kind`).
    """
    path = est.information_path_
    ranked = rank_channels(path, threshold)[:max_channels]
    names = _column_labels([path.feature_names[j] for j in ranked])
    widths = [max(5, len(n)) for n in names]
    held_out = scores_held_out(est)
    score = ("val " if held_out else "train ") + score_name(est)
    width = max(12, len(score))
    header = (f"  {'point':>5} {'beta':>8} {'total':>6}  "
              + " ".join(f"{n:>{w}}" for n, w in zip(names, widths, strict=True))
              + f"  {score:>{width}}")
    lines = [header]
    for i in _rows_to_show(path.n_points, est.best_point_, max_rows):
        bits = " ".join(_bits(path.information[i, j], w)
                        for j, w in zip(ranked, widths, strict=True))
        mark = "*" if i == est.best_point_ else " "
        lines.append(f"{mark} {i:>5} {path.beta[i]:>8.1e} "
                     f"{_bits(path.total_information[i], 6)}  {bits}  "
                     f"{path.score_val[i]:>{width}.3f}")
    n_more = len(path.feature_names) - len(ranked)
    notes = ["* chosen path point (the model's default); bits per channel, "
             "channels ranked by how long they keep information"]
    if not held_out:
        notes.append(f"  {score}: on the training rows (--validation-fraction "
                     "0 holds none out)")
    se = getattr(path, "information_se", None)
    if se is not None and np.isfinite(se[est.best_point_, ranked]).any():
        notes.append(f"  Monte Carlo standard error of the bits at the chosen "
                     f"point: up to {np.nanmax(se[est.best_point_, ranked]):.2f} "
                     "(information_se in path.csv)")
    if n_more:
        notes.append(f"  ({n_more} more channels in path.csv)")
    return "\n".join(lines + notes)


def _column_labels(names, width=10):
    """Channel names for table columns: at most ``width`` characters, the
    middle of a long one elided, in full where two would read alike."""
    short = [n if len(n) <= width else f"{n[:4]}…{n[5 - width:]}" for n in names]
    return [n if short.count(s) > 1 else s for n, s in zip(names, short, strict=True)]


def scored_rows(val, count=True):
    """The rows the path's own score is on, in words.

    Parameters
    ----------
    val : dict
        :func:`skdib._cli._scores.validation_scores` (``n_rows``, ``fraction``).
    count : bool
        Whether to lead with the number of rows.

    Returns
    -------
    text : str
        The held-out rows, or, when ``--validation-fraction`` is 0 (no row
        held out), the training rows the path was fitted on.

    Examples
    --------
    >>> from skdib._cli.report._summary import scored_rows
    >>> scored_rows({"n_rows": 80, "fraction": 0.2})
    '80 held-out rows'
    >>> scored_rows({"n_rows": 400, "fraction": 0.0}, count=False)
    'the training rows (--validation-fraction 0 holds none out)'
    """
    if val["fraction"]:
        return f"{val['n_rows']} held-out rows" if count else "the held-out rows"
    if count:
        return f"{val['n_rows']} training rows; --validation-fraction 0 holds none out"
    return "the training rows (--validation-fraction 0 holds none out)"


def _score_cell(mean, se):
    text = f"{mean:.3f}"
    return text if np.isnan(se) else f"{text} ± {se:.3f}"


def scores_lines(scores):
    """(what, score text) rows of the score table, validation first."""
    val = scores["validation"]
    own = ("validation" if score_kind(val["fraction"]) == "validation"
           else "training score")
    rows = [(f"path's own {own}, point {val['point']} "
             f"({scored_rows(val)})", _score_cell(val["score"], val["se"]))]
    for entry in scores["models"].values():
        label = entry["label"]
        if "point" in entry:
            label += (f" (the model's point {entry['point']}, β "
                      f"{entry['beta']:.2g}, rule '{entry['rule']}')")
        rows.append((label, _score_cell(entry["mean"], entry["se"])))
    return rows


def baseline_verdict(scores, est):
    """A sentence when a baseline scores above the Distributed IB model.

    Compares the model's cross-validated score with the best-scoring
    baseline's, fold by fold (the same folds), and says by how much it is
    below and whether the gap exceeds the standard error of the paired fold
    differences. Empty when no baseline scores higher, or without
    cross-validated scores.
    """
    models = dict(scores.get("models") or {})
    dib = models.pop("distributed_ib", None)
    if dib is None or not models:
        return ""
    best = max(models.values(), key=lambda entry: entry["mean"])
    gap = np.asarray(best["folds"], float) - np.asarray(dib["folds"], float)
    mean, se = (float(v[0]) for v in fold_mean_and_se(gap[:, None]))
    if not mean > 0:
        return ""
    metric = score_name(est)
    head = (f"The Distributed IB model's {metric} is {mean:.3f} below the "
            f"{best['label']}'s on these folds")
    if not mean > se:  # NaN se (one fold) also lands here
        return (f"{head}, within the standard error of the paired fold "
                f"differences ({se:.3f}).")
    return (f"{head}, beyond the standard error of the paired fold differences "
            f"({se:.3f}). The bits describe a model that predicts worse than "
            "this baseline: a channel with few bits may still carry information "
            "the sweep did not find (more rows, a longer schedule or wider "
            "encoders may recover it).")


def scores_note(scores, est):
    """Where the scores come from, then :func:`baseline_verdict`."""
    metric = score_name(est)
    rows = scored_rows(scores["validation"], count=False)
    kind = score_kind(scores["validation"]["fraction"])
    own = (f"only the path's own {kind} {metric} is shown, with its "
           f"standard error over {rows}.")
    if scores.get("cv_stopped"):  # Ctrl-C, during or before it
        return f"{scores['cv_stopped']}: {own}"
    if scores.get("cv_error"):
        return (f"Cross-validation failed after the fit ({scores['cv_error']}): "
                f"{own}")
    if not scores["cv"]:
        return f"Cross-validation skipped (--cv 0): {own}"
    source = (f"Cross-validated {metric}: mean ± standard error over "
              f"{scores['cv']} folds of {scores['n_rows']} rows, every model "
              "fitted on the same folds. First row: the model in this report, "
              f"scored on {rows} (± standard error over those rows).")
    return " ".join(filter(None, [source, baseline_verdict(scores, est)]))


def scores_table(scores, est):
    """The scores as a text table for the terminal."""
    rows = scores_lines(scores)
    width = max(len(what) for what, _ in rows)
    lines = [f"  {what:<{width}}  {value}" for what, value in rows]
    return "\n".join([scores_note(scores, est), *lines])
