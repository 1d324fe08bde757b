"""Write a report folder: index.html, path.csv, PNG plots, model.joblib, run.json."""

import json
import time
from pathlib import Path

import joblib
import numpy as np

from skdib._cli.report._html import render_index
from skdib._cli.report._summary import THRESHOLD, channel_summary, score_name
from skdib.plotting import (
    plot_distinguishability,
    plot_information_allocation,
    plot_information_plane,
    plot_subset_frontier,
)

__all__ = ["write_report"]

DPI = 120


def _figure(figsize):
    # a bare Figure: no pyplot state, no GUI backend, freed when dropped
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout="constrained")


def _save(fig, out, name):
    fig.savefig(out / name, dpi=DPI, bbox_inches="tight")
    return name


def _plane(out, est):
    fig = _figure((8.0, 8.6))
    top, bottom = fig.subplots(2, 1)
    plot_information_plane(est, ax=top, x="beta")
    plot_information_plane(est, ax=bottom, legend=False)
    entropy = (" The dotted line H(Y) is the loss of a model that knows nothing."
               if hasattr(est, "target_entropy_") else "")
    return (_save(fig, out, "information_plane.png"), "Information plane",
            "Loss (black: training solid, validation dashed; left axes) and the "
            "bits kept from each feature (colours; right axes) at every point "
            "of the path. Top: against β, the bottleneck strength: left to "
            "right the model keeps fewer bits, and where the loss steps up, the "
            "features that fall at the same β were the ones it needed. Bottom: "
            "the same path against the total information in bits (the "
            "information plane; a curve that folds back at the right is the "
            "start of the sweep, before the fit settled). The star marks the "
            "best validation point." + entropy, True)


def _allocation(out, est):
    n = est.information_path_.n_points
    ax = _figure((max(7.0, 0.2 * n + 3.0),
                  max(3.0, 0.3 * min(est.n_channels_, 60) + 1.5))).add_subplot()
    plot_information_allocation(est, ax=ax, threshold=THRESHOLD)
    return (_save(ax.figure, out, "information_allocation.png"),
            "Information allocation",
            "Bits kept from each feature (rows, the last to lose its information "
            "on top) at each point of the path (columns, most information on "
            "the left; β on the top axis).", True)


def _distinguishability(out, est, X, channel):
    fig = plot_distinguishability(est, channel, X=X, fig=_figure((5.4, 4.9)))
    beta = est.information_path_.beta[est.path_point_]
    return (_save(fig, out, "distinguishability.png"),
            f"Distinguishability of {channel}",
            f"How well the compressed {channel} (the feature kept longest) tells "
            f"its values apart at the best validation point (β = {beta:.2g}): 0 "
            "(dark) means the model treats two values as the same, 1 (bright) "
            "that it tells them apart perfectly. The margins count the training "
            "samples at each value.", False)


def _frontier(out, est, subset_info):
    ax = _figure((5.6, 4.4)).add_subplot()
    plot_subset_frontier(subset_info, est, ax=ax, threshold=THRESHOLD)
    return (_save(ax.figure, out, "subset_frontier.png"),
            "Feature subsets",
            f"Exact information about y of every one of the {len(subset_info)} "
            "subsets of inputs (grey dots) against its size; the line joins the "
            "most informative subset of each size. Circles mark the subsets the "
            "Distributed IB path used: found in one sweep, without searching "
            "all subsets.", False)


def _cards(est, run):
    path, b = est.information_path_, est.best_point_
    cards = [(f"{path.score_val[b]:.3f}", f"best validation {score_name(est)}"),
             (f"{path.total_information[b]:.2f} bits",
              "total information at the best point"),
             (f"{path.beta[b]:.2g}", "β at the best point")]
    if hasattr(est, "target_entropy_"):
        cards.append((f"{est.target_entropy_:.3f} bits", "H(Y), target entropy"))
    data = run.get("data", {})
    cards.append((f"{data.get('n_samples', '?')} × {est.n_channels_}",
                  "samples × features (channels)"))
    fit = run.get("timing_s", {}).get("fit")
    if fit is not None:
        cards.append((f"{fit:.1f} s", f"fit on {run.get('device', '?')}"))
    return cards


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (np.ndarray, tuple, set)):
        return list(value)
    return str(value)


def write_report(out, est, X, *, title, subtitle, description, run,
                 subset_info=None, t0=None):
    """Write the report folder and return the path of ``index.html``.

    Parameters
    ----------
    out : str or Path
        Folder, created when missing; existing report files are replaced.
    est : fitted DistributedIBClassifier or DistributedIBRegressor
        At its best validation point.
    X : DataFrame
        Training data (for the distinguishability margins).
    title, subtitle : str
    description : str
        Trusted HTML describing the data.
    run : dict
        Run metadata for ``run.json`` (command, versions, device, timing...).
    subset_info : DataFrame, optional
        :func:`skdib.datasets.subset_information` of the data, for the subset
        frontier plot.
    t0 : float, optional
        ``time.perf_counter()`` at the start of the run, for the total time.
    """
    start = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    est.information_path_.to_frame().to_csv(out / "path.csv", index=False)
    joblib.dump(est, out / "model.joblib")
    summary = channel_summary(est, THRESHOLD)
    figures = [_plane(out, est), _allocation(out, est),
               _distinguishability(out, est, X, summary["channel"].iloc[0])]
    if subset_info is not None:
        figures.append(_frontier(out, est, subset_info))
    files = [("path.csv", "the information path, one row per (point, feature)"),
             ("model.joblib", f"the fitted {type(est).__name__} (joblib.load)"),
             ("run.json", "command line, versions, device and timing")]
    files += [(figure[0], figure[1].lower()) for figure in figures]
    html = render_index(
        title=title, subtitle=subtitle, cards=_cards(est, run),
        description=description, summary=summary, figures=figures, files=files,
        estimator=type(est).__name__, command=run.get("command", ""),
        versions=run.get("versions", {}), threshold=THRESHOLD)
    (out / "index.html").write_text(html, encoding="utf-8")
    b = est.best_point_
    run = {**run,
           "best_point": int(b),
           "best_beta": float(est.information_path_.beta[b]),
           "best_score_val": float(est.information_path_.score_val[b]),
           "ranking": summary["channel"].tolist(),
           "files": ["index.html"] + [name for name, _ in files]}
    timing = run["timing_s"] = dict(run.get("timing_s", {}))
    timing["report"] = round(time.perf_counter() - start, 3)
    if t0 is not None:
        timing["total"] = round(time.perf_counter() - t0, 3)
    (out / "run.json").write_text(json.dumps(run, indent=2, default=_json_default),
                                  encoding="utf-8")
    return out / "index.html"
