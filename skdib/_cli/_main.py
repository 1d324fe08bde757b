"""The ``skdib`` command: ``skdib demo`` and ``skdib analyze``."""

import platform
import shlex
import sys
import time
import warnings
from html import escape
from importlib import metadata
from pathlib import Path

from skdib._cli._data import CLIError, describe_categorical
from skdib._cli._fitting import fit_estimator as _fit
from skdib._cli._fitting import interrupted as _interrupted
from skdib._cli._hints import show_warning
from skdib._cli._parser import check_args, parse_command_line
from skdib._cli._stops import cv_interrupted, fit_interrupted
from skdib.exceptions import SweepInterruptedWarning

__all__ = ["main"]

def _versions():
    import skdib

    found = {"skdib": skdib.__version__, "python": platform.python_version()}
    for dist in ("torch", "scikit-learn", "numpy", "pandas", "matplotlib"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "not installed"
    return found


def _device(name):
    from skdib._backend.facade import resolve_device

    try:
        return str(resolve_device(name))
    except ValueError as exc:
        raise CLIError(f"--device: {exc}") from None


def _finish(est, X, args, argv, t0, fit_s, device, say, stopped=None,
            **report):
    from skdib._cli.report._figures import write_report
    from skdib._cli.report._folder import half_moved, partial_folder, place_report
    from skdib._cli.report._summary import path_table, scores_table

    say("")
    say(path_table(est))
    if report.get("scores") is not None:
        say("")
        say(scores_table(report["scores"], est))
    run = {"command": "skdib " + shlex.join(argv), "argv": list(argv),
           "versions": _versions(), "device": device, "seed": args.seed,
           "timing_s": {"fit": round(fit_s, 3)},
           "estimator": type(est).__name__,
           "fit_status": getattr(est, "fit_status_", "complete"),
           "params": {k: v for k, v in est.get_params().items() if k != "verbose"}}
    run.update(report.pop("run_extra", {}))
    # an interrupted run's partial report never replaces an earlier report
    out = Path(args.out) if stopped is None else partial_folder(args.out)
    try:
        index = place_report(out, lambda folder: write_report(
            folder, est, X, run=run, t0=t0, **report))
    except OSError as exc:
        raise CLIError(f"could not write the report to {out}: "
                       f"{exc.strerror or exc}{half_moved(out)}") from None
    # in full: scripts/demo.sh runs from the repository's root, not the
    # user's folder
    what = "Report" if stopped is None else "Partial report (interrupted)"
    print(f"{what} written to {Path(index).resolve()}")
    if stopped is not None:  # Ctrl-C: the report of what was done, then 130
        if out != Path(args.out).resolve():
            stopped += (f"; the earlier report in {args.out} is kept, this "
                        f"partial one is in {out}")
        print(f"skdib: interrupted {stopped}", file=sys.stderr)
        return 130
    return 0


_NO_SCORE = {
    "no proper subset": "the path visits no proper subset: it keeps all "
                        "inputs or none, which is not a miss",
    "no settled subset": "the path uses proper subsets only at checkpoints "
                         "where the fit had not settled, which are left out",
    "no subset": "no checkpoint of the path uses any input",
}


def _share(score, outcome):
    """A path subset score in words; ``outcome`` (from ``path_subset_score``'s
    details) says why a score is NaN."""
    if outcome != "scored":
        return f"none to score ({_NO_SCORE[outcome]})"
    return f"{score:.0%}"


def _demo(args, argv, say):
    import pandas as pd

    from skdib import DistributedIBClassifier
    from skdib._cli.report._summary import THRESHOLD
    from skdib.datasets import (
        make_boolean_circuit,
        path_subset_score,
        subset_information,
    )

    t0 = time.perf_counter()
    device = _device(args.device)
    circuit = make_boolean_circuit(10, random_state=args.seed)
    X = pd.DataFrame(circuit.X, columns=circuit.feature_names)
    say(f"Boolean circuit (seed {args.seed}): y = {circuit.expression}")
    subsets = subset_information(X, circuit.y)
    est, fit_s, notes = _fit(DistributedIBClassifier, X, circuit.y, args, device,
                             say)
    score, details = path_subset_score(est.information_path_, subsets,
                                       threshold=THRESHOLD, return_details=True)
    share = _share(score, details.attrs["outcome"])
    say(f"Subsets on the path that are the most informative of their size: "
        f"{share}")
    description = (
        "<p>A random circuit of AND, OR and XOR gates with 10 binary inputs "
        "<code>x0 ... x9</code>; the data is its full truth table (1024 rows), "
        f"so the information of every input subset is known exactly. "
        f"Input subsets that the path uses and that are the most informative "
        f"of their size: {share}.</p>"
        f"<pre>{escape(circuit.description)}</pre>")
    extra = {"data": {"name": "boolean circuit", "n_samples": len(X),
                      "n_features": X.shape[1], "expression": circuit.expression},
             "path_subset_score": score, "fit_warnings": notes}
    return _finish(est, X, args, argv, t0, fit_s, device, say,
                   stopped=fit_interrupted(est) if _interrupted(est) else None,
                   title="skdib demo: a Boolean circuit",
                   subtitle=f"y = {circuit.expression}",
                   description=description, subset_info=subsets, run_extra=extra)


def _plural(n, word):
    """``1 channel``, ``2 channels``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _class_names(y):
    """The distinct classes as text, in order of value where they are numbers.

    Parameters
    ----------
    y : ndarray
        The target values of a classification.

    Returns
    -------
    names : list of str
    """
    import numpy as np

    names = np.unique(np.asarray(y).astype(str)).tolist()
    try:
        return sorted(names, key=float)
    except ValueError:  # text classes: in the order of the text
        return names


def _data_description(args, data):
    classes = ""
    if data.task == "classification":
        labels = _class_names(data.y)
        shown = ", ".join(labels[:8]) + (", ..." if len(labels) > 8 else "")
        classes = f", {len(labels)} classes: {shown}"
    groups = ""
    if data.feature_groups:
        multi = {k: v for k, v in data.feature_groups.items() if len(v) > 1}
        groups = "; groups: " + "; ".join(f"{k} = {', '.join(v)}"
                                          for k, v in multi.items())
    if data.categorical:
        groups += "; categorical: " + describe_categorical(data.categorical)
    if data.thousands:
        from skdib._cli._numbers import full_number

        groups += "; read with thousands separators: " + ", ".join(
            f"{col} ({example} is {full_number(number)})"
            for col, (_, example, number) in data.thousands.items())
    n_channels = len(data.feature_groups or data.X.columns)
    return (f"<p><b>{escape(Path(args.data).name)}</b>: {len(data.X)} rows; "
            f"target <b>{escape(data.target)}</b> ({data.task}{escape(classes)}); "
            f"{_plural(data.X.shape[1], 'feature column')} in "
            f"{_plural(n_channels, 'channel')}"
            f"{escape(groups)}.</p>")


def _read_data(args, say):
    from skdib._cli._data import (
        parse_categorical,
        parse_columns,
        parse_groups,
        prepare_dataset,
        read_table,
    )
    from skdib._cli._numbers import THOUSANDS

    groups = parse_groups(args.groups) if args.groups is not None else None
    categorical = parse_categorical(args.categorical)
    drop = parse_columns(args.drop)
    frame = read_table(args.data, drop, args.thousands)
    data = prepare_dataset(frame, args.target, task=args.task,
                           drop=drop, groups=groups,
                           categorical=categorical, force_task=args.force_task)
    data.thousands = frame.attrs.get(THOUSANDS, {})
    kinds = describe_categorical(data.categorical)
    say(f"Read {args.data}: {len(frame)} rows, target {data.target!r} "
        f"({data.task})" + (f"; categorical: {kinds}." if kinds else "."))
    return data


def _cross_validate(est, data, args, say):
    """Scores of the chosen point and the baselines; (scores, cv path, s)."""
    from skdib._cli._scores import cross_validated_scores, validation_scores

    scores = {"validation": validation_scores(est), "cv": 0,
              "models": {}}
    if args.cv == 0:
        return scores, None, 0.0
    if _interrupted(est):
        return ({**scores, "cv_stopped": "Cross-validation was not run: the "
                 "fit was interrupted (Ctrl-C)"}, None, 0.0)
    say(f"Cross-validating the path and two baselines on {args.cv} folds "
        f"({args.cv} more fits).")
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():  # a fold's continue_fit is no help
            warnings.simplefilter("ignore", SweepInterruptedWarning)
            cv_scores, cv_path = cross_validated_scores(
                est, data.X, data.y, task=data.task,
                categorical=list(data.categorical), cv=args.cv, seed=args.seed)
    except KeyboardInterrupt:  # keep the fit: the report, then exit 130
        return ({**scores, "cv_stopped": "Cross-validation was interrupted "
                 "(Ctrl-C) after the fit"}, None, time.perf_counter() - start)
    except CLIError as exc:  # keep the fit: write the report without them
        print(f"skdib: warning: {exc}; the report is written without "
              "cross-validated scores", file=sys.stderr)
        return ({**scores, "cv_error": str(exc)}, None,
                time.perf_counter() - start)
    return {**scores, **cv_scores}, cv_path, time.perf_counter() - start


def _analyze(args, argv, say):
    from skdib import DistributedIBClassifier, DistributedIBRegressor

    t0 = time.perf_counter()
    device = _device(args.device)
    data = _read_data(args, say)
    if args.cv:
        from skdib._cli._scores import cv_folds

        cv_folds(args.cv, data.X, data.y, task=data.task, seed=args.seed)
    estimator_class = (DistributedIBClassifier if data.task == "classification"
                       else DistributedIBRegressor)
    est, fit_s, notes = _fit(estimator_class, data.X, data.y, args, device, say,
                             feature_groups=data.feature_groups,
                             categorical_features=data.categorical_features)
    scores, cv_path, cv_s = _cross_validate(est, data, args, say)
    extra = {"data": {"path": str(Path(args.data).resolve()),
                      "n_samples": len(data.X), "n_features": data.X.shape[1],
                      "target": data.target, "task": data.task,
                      "feature_groups": data.feature_groups,
                      "categorical": data.categorical, "channels": data.kinds,
                      "thousands_separators": {
                          col: sep for col, (sep, *_) in data.thousands.items()}},
             "timing_s": {"fit": round(fit_s, 3), "cv": round(cv_s, 3)},
             "fit_warnings": notes}
    stopped = (fit_interrupted(est) if _interrupted(est) else
               cv_interrupted() if "cv_stopped" in scores else None)
    return _finish(est, data.X, args, argv, t0, fit_s, device, say,
                   stopped=stopped,
                   title=f"skdib analysis of {Path(args.data).name}",
                   subtitle=f"target: {data.target} ({data.task})",
                   description=_data_description(args, data), run_extra=extra,
                   scores=scores, cv_path=cv_path, kinds=data.kinds)


def main(argv=None):
    """Run the ``skdib`` command; return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name; default ``sys.argv[1:]``.

    Returns
    -------
    status : int
        0 on success, 2 on a usage or data error or a fit that diverged
        (reported as one line ``skdib: error: ...`` on stderr), 130 after
        Ctrl-C (the report of the work done is written where there is one).
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parse_command_line(argv)
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    except CLIError as exc:
        print(f"skdib: error: {exc}", file=sys.stderr)
        return 2

    def say(text):
        if not args.quiet:
            print(text, flush=True)

    try:
        with warnings.catch_warnings():  # restores showwarning when done
            warnings.showwarning = show_warning
            check_args(args)
            command = _demo if args.command == "demo" else _analyze
            return command(args, argv, say)
    except CLIError as exc:
        print(f"skdib: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("skdib: interrupted", file=sys.stderr)
        return 130
