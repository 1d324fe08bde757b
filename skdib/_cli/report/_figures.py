"""Write a report folder: index.html, path.csv, PNG plots, model.joblib, run.json."""

import json
import sys
import time
from pathlib import Path

import joblib
import numpy as np

from skdib._cli._scores import validation_scores
from skdib._cli._stops import interrupted_banner
from skdib._cli.report._folder import FIGURE_FILES
from skdib._cli.report._html import fit_warnings_html, render_index
from skdib._cli.report._summary import (
    THRESHOLD,
    bits_scale,
    channel_summary,
    score_kind,
    score_name,
    scored_rows,
    scores_held_out,
    scores_lines,
    scores_note,
)
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


def _plane(est):
    fig = _figure((8.0, 8.6))
    top, bottom = fig.subplots(2, 1)
    plot_information_plane(est, ax=top, x="beta")
    plot_information_plane(est, ax=bottom, legend=False)
    entropy = (" The dotted line H(Y) is the loss of a model that knows nothing."
               if hasattr(est, "target_entropy_") else "")
    dashed = ("validation dashed" if scores_held_out(est) else
              "dashed: the training rows scored at each checkpoint, as "
              "--validation-fraction 0 holds none out, though labelled "
              "validation")
    return (fig, f"Loss (black: training solid, {dashed}; left axes) "
            "and the bits kept from each feature (colours; right axes) at every "
            "point of the path. Top: against β, the bottleneck strength: left "
            "to right the model keeps fewer bits, and where the loss steps up, "
            "the features that fall at the same β were the ones it needed. "
            "Bottom: the same path against the total information in bits (the "
            "information plane; a curve that folds back at the right is the "
            "start of the sweep, before the fit settled). The star marks the "
            "chosen path point." + entropy)


def _allocation(est, scale):
    n = est.information_path_.n_points
    ax = _figure((max(7.0, 0.2 * n + 3.0),
                  max(3.0, 0.3 * min(est.n_channels_, 60) + 1.5))).add_subplot()
    plot_information_allocation(est, ax=ax, threshold=THRESHOLD)
    ax.images[0].set_clim(0.0, scale)  # one extreme cell must not wash out all
    return (ax.figure,
            "Bits kept from each feature (rows, the last to lose its information "
            "on top) at each point of the path (columns by increasing β, the "
            "bottleneck strength, on the top axis). The colours saturate at "
            f"{scale:.2f} bits, the same robust top as the bars of the table.")


def _distinguishability(est, X, channel):
    fig = plot_distinguishability(est, channel, X=X, fig=_figure((5.4, 4.9)))
    beta = est.information_path_.beta[est.path_point_]
    return (fig, f"How well the compressed {channel} (the feature kept longest) "
            "tells its values (or categories) apart at the chosen path point "
            f"(β = {beta:.2g}): 0 (dark) means the model treats two values as "
            "the same, 1 (bright) that it tells them apart perfectly. The "
            "margins count the rows of the table (training and validation) "
            "nearest to each value (or in each category).")


def _frontier(est, subset_info):
    ax = _figure((5.6, 4.4)).add_subplot()
    plot_subset_frontier(subset_info, est, ax=ax, threshold=THRESHOLD)
    return (ax.figure,
            f"Exact information about y of every one of the {len(subset_info)} "
            "subsets of inputs (grey dots) against its size; the line joins the "
            "most informative subset of each size. Circles mark the subsets the "
            "Distributed IB path used: found in one sweep, without searching "
            "all subsets.")


def _why(exc, limit=300):
    """Why a figure failed, on one line of at most about ``limit`` characters."""
    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    text = text if len(text) <= limit else text[:limit] + " ..."
    return type(exc).__name__ + (f": {text}" if text else "")


def _draw_figures(out, est, X, summary, scale, subset_info):
    """Draw and save the figures; return them for the page, and
    ``{file: reason}`` of those that failed. A failed figure is reported
    (here on stderr, on the page and in run.json) and the rest is written."""
    first = summary["channel"].iloc[0]
    plans = [("information_plane.png", "Information plane", True,
              lambda: _plane(est)),
             ("information_allocation.png", "Information allocation", True,
              lambda: _allocation(est, scale)),
             ("distinguishability.png", f"Distinguishability of {first}", False,
              lambda: _distinguishability(est, X, first))]
    if subset_info is not None:
        plans.append(("subset_frontier.png", "Feature subsets", False,
                      lambda: _frontier(est, subset_info)))
    figures, failed = [], {}
    for name, title, wide, draw in plans:
        try:
            fig, caption = draw()
            fig.savefig(out / name, dpi=DPI, bbox_inches="tight")
        except Exception as exc:  # one figure must not cost the whole report
            failed[name] = _why(exc)
            print(f"skdib: warning: {name} was not drawn ({failed[name]}); the "
                  "report says so in its place", file=sys.stderr)
            figures.append((None, title, f"Not drawn: {failed[name]}", wide))
        else:
            figures.append((name, title, caption, wide))
    return figures, failed


def _validation_card(est):
    """The chosen point's held-out score, its standard error and row count."""
    val = validation_scores(est)
    value = f"{val['score']:.3f}"
    if np.isfinite(val["se"]):
        value += f" ± {val['se']:.3f}"
    return value, (f"{score_kind(val['fraction'])} {score_name(est)} at the "
                   f"chosen point ({scored_rows(val)})")


def _cards(est, run):
    path, b = est.information_path_, est.best_point_
    cards = [_validation_card(est),
             (f"{path.total_information[b]:.2f} bits",
              "total information at the chosen point"),
             (f"{path.beta[b]:.2g}", "β at the chosen point")]
    if hasattr(est, "target_entropy_"):
        cards.append((f"{est.target_entropy_:.3f} bits", "H(Y), target entropy"))
    data = run.get("data", {})
    cards.append((f"{data.get('n_samples', '?')} × {est.n_channels_}",
                  "samples × features (channels)"))
    fit = run.get("timing_s", {}).get("fit")
    if fit is not None:
        cards.append((f"{fit:.1f} s", f"fit on {run.get('device', '?')}"))
    return cards


def _score_rows(est, scores):
    """The score table's rows and note: ``scores``, or the path's own."""
    if scores is None:
        value, what = _validation_card(est)
        val = validation_scores(est)
        return [(what, value)], (
            f"The path's own {score_kind(val['fraction'])} score, ± its "
            f"standard error over {scored_rows(val, count=False)}.")
    return scores_lines(scores), scores_note(scores, est)


def _json_default(value):
    """What JSON has no type for (containers are lists by :func:`_strict_json`)."""
    if isinstance(value, np.generic):
        return value.item()
    return str(value)


def _path_frame(path, cv_path):
    """path.csv: the path, plus the cross-validated score at every point."""
    frame = path.to_frame()
    if cv_path is not None and np.allclose(cv_path.beta, path.beta):
        frame["score_cv"] = cv_path.mean_score[frame["point"]]
        frame["score_cv_se"] = cv_path.se_score[frame["point"]]
    return frame


def _strict_json(value):
    """``value`` with NaN and infinite floats as None (JSON has no NaN)."""
    if isinstance(value, dict):
        return {k: _strict_json(v) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple, set)):
        return [_strict_json(v) for v in value]
    if isinstance(value, (float, np.floating)) and not np.isfinite(value):
        return None
    return value


def _write_run_json(out, run):
    """Write ``run`` to ``out/run.json`` as strict JSON.

    Parameters
    ----------
    out : Path
        The report folder.
    run : dict
        The run's metadata.
    """
    (out / "run.json").write_text(
        json.dumps(_strict_json(run), indent=2, default=_json_default,
                   allow_nan=False), encoding="utf-8")


def write_report(out, est, X, *, title, subtitle, description, run,
                 subset_info=None, t0=None, scores=None, cv_path=None,
                 kinds=None):
    """Write the report folder and return the path of ``index.html``.

    Parameters
    ----------
    out : str or Path
        Folder, created when missing; existing report files are replaced.
    est : fitted DistributedIBClassifier or DistributedIBRegressor
        At its chosen path point (``best_point_``).
    X : DataFrame
        Training data (for the distinguishability margins).
    title, subtitle : str
    description : str
        Trusted HTML describing the data.
    run : dict
        Run metadata for ``run.json`` (command, versions, device, timing...);
        its ``fit_status`` "interrupted" (Ctrl-C stopped the sweep) ranks
        the channels up to the stop. A banner atop the page says when
        Ctrl-C stopped the sweep or ``scores``' cross-validation
        (:func:`~skdib._cli._stops.interrupted_banner`).
    subset_info : DataFrame, optional
        :func:`skdib.datasets.subset_information` of the data, for the subset
        frontier plot.
    t0 : float, optional
        ``time.perf_counter()`` at the start of the run, for the total time.
    scores : dict, optional
        Validation and cross-validated scores (``skdib._cli._scores``), for
        the score table and ``run.json``; ``cv_stopped`` says that Ctrl-C
        stopped cross-validation.
    cv_path : Bunch, optional
        :func:`skdib.compare.cross_validate_path` of the same settings: its
        score per point goes into ``path.csv`` (``score_cv``, ``score_cv_se``).
    kinds : dict channel -> str, optional
        What each channel is, for the ranking table.
    """
    start = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    _path_frame(est.information_path_, cv_path).to_csv(out / "path.csv",
                                                       index=False)
    joblib.dump(est, out / "model.joblib")
    completed = run["fit_status"] != "interrupted"
    summary = channel_summary(est, THRESHOLD, kinds, completed=completed)
    scale = bits_scale(est.information_path_)
    if scores is not None:
        run = {**run, "scores": scores}
    figures, failed = _draw_figures(out, est, X, summary, scale, subset_info)
    if failed:
        run = {**run, "figures_not_drawn": failed}
    # a figure this report does not draw must not survive from an earlier one
    # (written in place; ``place_report`` does the same when moving in)
    for name in set(FIGURE_FILES) - {figure[0] for figure in figures}:
        (out / name).unlink(missing_ok=True)
    cv_note = "" if cv_path is None else "; score_cv: the cross-validated score"
    files = [("path.csv", "the information path, one row per (point, "
              f"feature){cv_note}"),
             ("model.joblib", f"the fitted {type(est).__name__} (joblib.load)"),
             ("run.json", "command line, versions, device, timing and scores")]
    files += [(figure[0], figure[1].lower()) for figure in figures if figure[0]]
    html = render_index(
        title=title, subtitle=subtitle, cards=_cards(est, run),
        description=description + fit_warnings_html(run.get("fit_warnings", ())),
        summary=summary, figures=figures, files=files,
        estimator=type(est).__name__, command=run.get("command", ""),
        versions=run.get("versions", {}), threshold=THRESHOLD, scale=scale,
        scores=_score_rows(est, scores),
        banner=interrupted_banner(est, scores))
    (out / "index.html").write_text(html, encoding="utf-8")
    b = est.best_point_
    run = {**run,
           "best_point": int(b),
           "best_beta": float(est.information_path_.beta[b]),
           "best_score_val": float(est.information_path_.score_val[b]),
           "ranking": summary["channel"].tolist(),
           "channel_kinds": dict(zip(summary["channel"], summary["kind"],
                                     strict=True)),
           "files": ["index.html"] + [name for name, _ in files]}
    timing = run["timing_s"] = dict(run.get("timing_s", {}))
    timing["report"] = round(time.perf_counter() - start, 3)
    if t0 is not None:
        timing["total"] = round(time.perf_counter() - t0, 3)
    _write_run_json(out, run)
    return out / "index.html"
