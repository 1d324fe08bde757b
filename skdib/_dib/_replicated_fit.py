"""Fit one clone of an estimator per split of the rows, all in one batched run.

Each split ``(train, val)`` becomes ``clone(estimator).fit(X[train], y[train],
X_val=X[val], y_val=y[val])`` with its own ``random_state``. With
``batched=True`` the clones' data, networks and seeds are prepared exactly as
``fit`` prepares them, the R sweeps train as one batched model (see
``skdib/_backend/dib/_replicates.py``), and each record is stored into its
clone as ``fit`` stores it; the result equals the separate fits up to float
rounding.

A split whose sweep diverges loses none of the others: every split is
fitted, and then one :class:`~skdib.exceptions.DivergenceError` carries all
the fitted clones (see :func:`fit_on_splits`). A diverged replicate stops
its batched run for all: each split of that run is then fitted alone.
The splits' warnings are recorded and raised once every split is fitted
(with any ``n_jobs``); one that a filter turns into an error carries the
clones in the same way.
"""

import inspect
import time
import warnings

import numpy as np
from joblib import effective_n_jobs
from sklearn import config_context
from sklearn.base import clone, is_classifier
from sklearn.utils import _safe_indexing
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    has_fit_parameter,
)

from skdib._backend import facade
from skdib._dib._base import BaseDistributedIB
from skdib._utils._progress import SweepProgress
from skdib._utils._validation import check_n_jobs
from skdib._utils._warnings import (
    recording_parallel,
    reraise_kept_warnings,
    user_stacklevel,
)
from skdib.exceptions import DivergenceError

__all__ = ["aligned_beta", "batching_obstacle", "check_rows",
           "check_split_classes", "fit_on_splits",
           "use_batching", "warn_replicates_choose_on_held_out"]


def check_rows(X, y):
    """X (a DataFrame kept as it is, else a float array) and y, as many rows.

    Sets (n_samples, n_elements, n_features), padded with NaN, pass as they
    are: the set estimators check them.
    """
    if not hasattr(X, "iloc"):
        X = (np.asarray(X, dtype=np.float64) if np.ndim(X) == 3
             else check_array(X, dtype=np.float64))
    y = np.asarray(y)
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} samples but y has {len(y)}.")
    return X, y


def warn_replicates_choose_on_held_out(estimator, consequence):
    """Warn that ``n_replicates`` > 1 chooses each checkpoint's replicate on
    the held-out rows of every split; ``consequence`` names those rows and
    says what follows (the end of the message)."""
    n_replicates = getattr(estimator, "n_replicates", 1)
    if isinstance(n_replicates, int) and n_replicates > 1:
        warnings.warn(
            f"n_replicates={n_replicates} keeps, at every checkpoint, the "
            "replicate with the lowest loss on the validation rows, which here "
            f"are {consequence}", UserWarning, stacklevel=user_stacklevel())


def batching_obstacle(estimator):
    """Why ``estimator`` cannot join a batched run (None when it can)."""
    if not isinstance(estimator, BaseDistributedIB):
        return (f"{type(estimator).__name__} is not a DistributedIBClassifier or "
                "DistributedIBRegressor")
    if estimator.n_replicates > 1:
        return ("n_replicates > 1 makes each fit a best-of-R composite, which a "
                "batched run of one sweep per split does not build")
    if getattr(estimator, "class_weight", None) is not None:
        return ("class_weight weights the rows, and a batched run trains "
                "unweighted sweeps only")
    return None


def check_path_estimator(estimator, sample_weight=None):
    """Refuse estimators that cannot score a path on held-out rows: each
    split's fit passes them as ``fit(X_val=..., y_val=...)``; with
    ``sample_weight``, also those whose ``fit`` takes no row weights (the
    set estimators), before any split is made."""
    fit = getattr(estimator, "fit", None)
    if fit is None or "X_val" not in inspect.signature(fit).parameters:
        raise TypeError(
            f"Expected a Distributed IB estimator, whose fit takes X_val and "
            f"y_val and records an information path; got "
            f"{type(estimator).__name__}. To cross-validate other models use "
            "sklearn.model_selection.cross_validate.")
    if sample_weight is not None and not has_fit_parameter(estimator,
                                                           "sample_weight"):
        raise ValueError(
            f"{type(estimator).__name__} takes no sample weights (its fit "
            "has no sample_weight parameter), so its splits cannot be "
            "weighted. Drop sample_weight (to weight sets, repeat or "
            "subsample them).")


def check_split_classes(estimator, y, splits, name, way_out):
    """Refuse, before any fit, a classifier's split whose held-out rows hold
    classes its training rows lack (its fit would reject them as ``y_val``
    classes the user never passed): the error names the split (``name``,
    'fold' or 'half', numbered from 0), the missing classes and
    ``way_out``."""
    if not is_classifier(estimator):
        return
    for i, (train, val) in enumerate(splits):
        missing = sorted(set(np.unique(y[val]).tolist())
                         - set(np.unique(y[train]).tolist()), key=str)
        if missing:
            raise ValueError(
                f"{name.capitalize()} {i} of {len(splits)} has no training "
                f"rows of classes {missing} (all their rows are held out), so "
                f"its classifier cannot learn or score them. {way_out}")


def _fit_split(estimator, X, y, train, val, seed, sample_weight=None):
    """The reference: one ordinary fit of a clone on one split (its training
    rows weighted by ``sample_weight[train]`` when given).

    Returns ``(clone, None)``, or where the sweep diverged ``(clone, error)``
    with the clone keeping its path so far (None where it kept no
    checkpoint): the error is returned, not raised, so that a joblib pool
    runs the other splits to their end.
    """
    est = clone(estimator)
    if "random_state" in est.get_params():
        est.set_params(random_state=seed)
    weights = {} if sample_weight is None else {"sample_weight": sample_weight[train]}
    try:
        est.fit(_safe_indexing(X, train), y[train], **weights,
                X_val=_safe_indexing(X, val), y_val=y[val])
    except DivergenceError as error:
        return (est if getattr(est, "fit_status_", None) == "diverged"
                else None), error
    return est, None


def _prepare(estimator, X, y, train, val, seed):
    """A clone readied as ``fit`` readies it, up to the training loop."""
    est = clone(estimator).set_params(random_state=seed)
    est._validate_params()
    X_tr, y_tr, X_val, y_val, rng, weights = est._begin_fit(
        _safe_indexing(X, train), y[train], None, _safe_indexing(X, val), y[val],
        None)
    if weights is not None:
        raise ValueError("Row weights (class_weight) are not supported in a "
                         "batched run; use batched=False.")
    data, spec, channels, names = est._prepare_sweep(X_tr, y_tr, X_val, y_val,
                                                     None, rng)
    bounds_fn, net_seed, loop_seed = est._sweep_seeds(data, rng)
    with facade.torch_threads(est.n_threads):
        net = facade.build_network(spec, net_seed)
    return {"est": est, "rng": rng, "data": data, "channels": channels,
            "names": names, "net": net, "bounds_fn": bounds_fn,
            "seed": loop_seed}


def _train(reps, template):
    """Run the prepared replicates as one batched model; return the records
    (``facade.ReplicateDiverged`` when one diverges)."""
    total = template._total_steps()
    progress = (SweepProgress(total, f"{type(template).__name__} x{len(reps)}")
                if template.verbose else None)
    try:
        with facade.torch_threads(template.n_threads):
            nets, records = facade.fit_replicates(
                [rep["net"] for rep in reps],
                [tuple(rep["data"][k] for k in ("X_train", "y_train", "X_val",
                                                 "y_val")) for rep in reps],
                template._train_config(progress),
                seeds=[rep["seed"] for rep in reps],
                device=facade.resolve_device(template.device),
                y_dtype=reps[0]["data"]["y_dtype"],
                bounds_fns=[rep["bounds_fn"] for rep in reps])
    finally:
        if progress is not None:
            progress.close()
    return nets, records


def _fit_batch(estimator, X, y, splits, seeds):
    """Fit one clone per split in one batched run (see the module docstring);
    ``(clone, error)`` per split, as :func:`_fit_split` returns them.

    Where the splits cannot share one run, or where a diverged replicate
    stopped it (which stops every replicate), each split of the group is
    fitted alone instead (:func:`_fit_each`): a group that one split stops
    costs the run up to the stop plus one separate fit per split.
    """
    with config_context(skip_parameter_validation=True):
        reps = [_prepare(estimator, X, y, train, val, int(seed))
                for (train, val), seed in zip(splits, seeds, strict=True)]
    template = reps[0]["est"]
    # one run trains with one schedule: folds whose 'auto' settings resolved
    # differently (a weight decay for fewer than 1000 training rows only)
    # must each keep their own
    configs = [rep["est"]._train_config(None) for rep in reps]
    if (any(config != configs[0] for config in configs) or not facade.can_batch(
            [rep["net"] for rep in reps],
            [len(rep["data"]["X_train"]) for rep in reps],
            template._recipe["batch_size"])):
        # e.g. a fold whose training rows lack a value of a discrete channel
        # has a shorter lookup table, or an InfoNCE head's folds smaller than
        # a batch differ in size: such networks cannot share one step
        return _fit_each(estimator, X, y, splits, seeds)
    start = time.perf_counter()
    try:
        nets, records = _train(reps, template)
    except facade.ReplicateDiverged:
        return _fit_each(estimator, X, y, splits, seeds)
    elapsed = time.perf_counter() - start
    for rep, net, record in zip(reps, nets, records, strict=True):
        est = rep["est"]
        est.fit_time_ = elapsed  # the whole batched run
        est.bounds_time_ = 0.0 if rep["bounds_fn"] is None else rep["bounds_fn"].elapsed
        est._store_fit(net, record, rep["channels"], rep["names"], rep["data"],
                       rep["rng"])
        est._sweep_completed()
    return [(rep["est"], None) for rep in reps]


def _fit_each(estimator, X, y, splits, seeds):
    """Each split fitted alone, as ``fit`` fits it (:func:`_fit_split`), one
    after the other, without a new batched run: the one a diverged replicate
    stopped keeps its path up to its last finite checkpoint (or completes,
    where only the batched run's rounding made it diverge), and the others
    equal their separate fits."""
    return [_fit_split(estimator, X, y, train, val, int(seed))
            for (train, val), seed in zip(splits, seeds, strict=True)]


def use_batching(batched, estimator):
    """Whether ``fit_on_splits`` trains the clones as one batched model.

    ``'auto'``: on a GPU only. One default-size sweep already keeps a CPU core
    busy, so batching R sweeps there cost 0.9-1.1x the R separate fits
    (``benchmarks/bench_replicates.py``), while on a GPU one sweep leaves the
    device mostly idle.
    """
    if not (isinstance(batched, bool) or (isinstance(batched, str)
                                           and batched == "auto")):
        raise ValueError(f"batched must be True, False or 'auto'; got {batched!r}.")
    if batching_obstacle(estimator) is not None or batched is False:
        return False
    if batched == "auto":
        return facade.device_type(estimator.device) == "cuda"
    return True


def fit_on_splits(estimator, X, y, splits, seeds, *, batched="auto", n_jobs=None,
                  sample_weight=None, name="split"):
    """One fitted clone of ``estimator`` per ``(train, val)`` split.

    Parameters
    ----------
    estimator : estimator
        Unfitted template; clone i gets ``random_state=seeds[i]``.
    X : array-like or DataFrame
    y : ndarray
    splits : list of (ndarray, ndarray)
        Training and validation row indices of each clone.
    seeds : sequence of int
    batched : bool or 'auto', default='auto'
        Train all clones as one batched model when the estimator allows it
        (:func:`batching_obstacle`), else one ordinary fit per split; 'auto'
        batches on a GPU only (:func:`use_batching`). A diverged replicate
        stops its run for all: a group that one split stops costs that run
        up to the stop plus one separate fit per split of the group.
    n_jobs : int or None
        Parallel joblib workers: each runs one batched group of the splits
        (``batched=True``) or whole fits (``batched=False``).
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the training rows of every split (the held-out rows count
        equally, as in ``fit(X_val=...)``); weighted splits are fitted one by
        one.
    name : str, default='split'
        What the caller calls a split ('fold', 'half'), for the message of
        a divergence.

    Returns
    -------
    estimators : list

    Raises
    ------
    DivergenceError
        Where a split's sweep diverged, once every split is fitted: it
        carries them all (``fitted``, ``fold``, ``splits``; see
        :func:`_raise_if_diverged`).
    Warning
        A split's warning that a filter turns into an error, raised once
        every split is fitted and before any ``DivergenceError``; it
        carries ``fitted`` and ``splits`` as that error does.
    """
    check_path_estimator(estimator, sample_weight)
    n_jobs = check_n_jobs(n_jobs)
    if sample_weight is not None:  # checked as fit checks it, before indexing
        sample_weight = _check_sample_weight(sample_weight, y,
                                             ensure_non_negative=True)
    if sample_weight is not None or not use_batching(batched, estimator):
        outputs = recording_parallel(n_jobs, _fit_split, [
            (estimator, X, y, train, val, int(seed), sample_weight)
            for (train, val), seed in zip(splits, seeds, strict=True)])
        results = [pair for pair, _ in outputs]
    else:
        n_groups = min(effective_n_jobs(n_jobs), len(splits))
        groups = np.array_split(np.arange(len(splits)), n_groups)
        outputs = recording_parallel(n_groups, _fit_batch, [
            (estimator, X, y, [splits[i] for i in group], [seeds[i] for i in group])
            for group in groups])
        results = [pair for part, _ in outputs for pair in part]
    _reraise_carrying_splits([caught for _, caught in outputs], results, splits)
    return _raise_if_diverged(results, splits, name)


def _reraise_carrying_splits(kept, results, splits):
    """Raise the tasks' warnings ``kept`` again here, in order, once every
    split is fitted. One that a filter turns into an error carries the
    work done, as a ``DivergenceError`` does: ``fitted`` (every split's
    clone, from ``results``) and ``splits``."""
    try:
        reraise_kept_warnings([(None, caught) for caught in kept])
    except Warning as error:
        error.fitted = [est for est, _ in results]
        error.splits = list(splits)
        raise


_PLURAL = {"fold": "folds", "half": "halves", "split": "splits"}


def _raise_if_diverged(results, splits, name):
    """The fitted clones of ``results``, one ``(clone, error)`` per split;
    where a split diverged, a :class:`~skdib.exceptions.DivergenceError`
    instead, naming every split that diverged (``name``: 'fold', 'half' or
    'split', numbered from 0) with the first one's message, step and β, and
    carrying every clone (``fitted``), the first split that diverged
    (``fold``) and ``splits``."""
    fitted = [est for est, _ in results]
    diverged = [i for i, (_, error) in enumerate(results) if error is not None]
    if not diverged:
        return fitted
    first = results[diverged[0]][1]
    which = (f"{name.capitalize()} {diverged[0]} of {len(results)} diverged."
             if len(diverged) == 1 else
             f"{_PLURAL[name].capitalize()} {', '.join(map(str, diverged))} of "
             f"{len(results)} diverged; the first, {name} {diverged[0]}:")
    # the fold's own message on the first line (the command line shows it),
    # what the error keeps on the next
    raise DivergenceError(
        f"{which} {first}\nEvery {name} was fitted all the same: error.fitted "
        f"holds each {name}'s estimator, in order (one that diverged with its "
        "path up to its last finite checkpoint, fit_status_ == 'diverged', or "
        "None where it diverged before its first), error.fold the first that "
        f"diverged, and error.splits each {name}'s (train, validation) row "
        "positions: continue_fit resumes a diverged one on those rows of X, y "
        "and sample_weight (if given).", first.step, first.beta,
        detail=first.detail, fitted=fitted, fold=diverged[0],
        splits=list(splits))


def aligned_beta(paths):
    """The β schedule shared by ``paths`` (RuntimeError if they differ)."""
    beta = paths[0].beta
    if any(p.n_points != len(beta) or not np.allclose(p.beta, beta)
           for p in paths):
        raise RuntimeError("The sweeps' β schedules differ; cannot align the paths.")
    return beta
