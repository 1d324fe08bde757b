"""``n_replicates``: R sweeps of one fit, the best of them at each checkpoint.

A mixin of :class:`~skdib._dib._base.BaseDistributedIB`. Replicate 0 is the
sweep ``fit`` runs with ``n_replicates=1`` (same seeds); replicates 1...R-1
draw their network and loop seeds from the fit's generator after it. They
share the rows, the validation split and the information estimator (the same
evaluation batches), so their held-out losses are compared on equal terms.
:func:`composite_record` chooses the replicate of each checkpoint and
``facade.best_of_replicates`` assembles the composite path.

On a GPU, without row weights, the R sweeps train as one batched model
(``facade.fit_replicates``); elsewhere one after the other, which on a CPU
costs the same (``benchmarks/bench_replicates.py``) and keeps every
replicate's checkpoints when one diverges or the fit is interrupted.
"""

import warnings

import numpy as np

from skdib._backend import facade
from skdib._dib._point_statistics import mean_over_rows
from skdib._utils._random import draw_seed
from skdib._utils._warnings import user_stacklevel
from skdib.exceptions import SweepInterruptedWarning

__all__ = ["ReplicateSweepMixin", "batch_replicates", "composite_record",
           "replicate_losses"]


def _n_points(record):
    """Checkpoints a replicate reached (0 for None: stopped before any)."""
    return 0 if record is None else len(record["step"])


def _held_out_loss(record, weights):
    """Per checkpoint, the held-out loss of the estimator's prediction (what
    ``select_point`` reads, ``InformationPath.prediction_loss_val``), else
    the held-out loss of the training objective."""
    rows = np.asarray(record["prediction_loss_rows"], dtype=float)
    if rows.size == 0:
        return np.asarray(record["loss_val"], dtype=float)
    return mean_over_rows(rows, weights)


def replicate_losses(records, weights=None):
    """Held-out losses of every replicate, (n_replicates, n_points).

    NaN past the end of a replicate that stopped early (None: before its
    first checkpoint); ``weights`` weight the held-out rows.
    """
    n_points = max(_n_points(rec) for rec in records)
    table = np.full((len(records), n_points), np.nan)
    for r, rec in enumerate(records):
        if _n_points(rec):
            table[r, :_n_points(rec)] = _held_out_loss(rec, weights)
    return table


def composite_record(records, weights=None):
    """The best-of-R record: at every checkpoint, the replicate with the
    lowest held-out loss (ties: the lower index), with ``"replicate"`` (the
    choice) and ``"replicate_loss_val"`` (:func:`replicate_losses`) added.
    At least one replicate must have reached a checkpoint."""
    losses = replicate_losses(records, weights)
    if losses.shape[1] == 0:
        raise ValueError("No replicate reached a checkpoint.")
    choice = np.argmin(np.where(np.isnan(losses), np.inf, losses), axis=0)
    record = facade.best_of_replicates(records, choice)
    record["replicate"] = choice
    record["replicate_loss_val"] = losses
    return record


def batch_replicates(device, data, resume):
    """Whether the replicates train as one batched model: on a GPU, for an
    unweighted fit that is not being resumed."""
    return (facade.device_type(device) == "cuda" and resume is None
            and data["w_train"] is None and data["w_val"] is None)


class ReplicateSweepMixin:
    """The sweep of one fit: one network, or the best of ``n_replicates``.

    Used by the tabular and the set estimators; the set networks train one
    replicate after the other (``_batchable_replicates``).
    """

    _batchable_replicates = True

    def _build_network(self, spec, seed):
        """The untrained network of ``spec``, initialised from ``seed``."""
        return facade.build_network(spec, seed)

    def _sweep_plan(self, rng):
        """``[(network seed, loop seed)]`` of replicates 1...R-1 (drawn after
        replicate 0's, so that one replicate is the plain fit)."""
        return [(draw_seed(rng), draw_seed(rng))
                for _ in range(self.n_replicates - 1)]

    def _train_sweeps(self, spec, data, config, seeds, device, bounds_fn, resume):
        """``(record, network)`` of one sweep per ``(network seed, loop seed)``
        pair: the plain sweep for one pair, else the best-of-R composite."""
        if len(seeds) == 1:
            return self._one_sweep(spec, data, config, seeds[0], device, bounds_fn,
                                   resume)
        return self._replicate_sweeps(spec, data, config, seeds, device, bounds_fn,
                                      resume)

    def _one_sweep(self, spec, data, config, seeds, device, bounds_fn, resume,
                   eval_rows=None):
        """Build and train one network; ``(record, network)`` (``eval_rows``:
        the evaluation-row rule of the whole fit, see ``facade.fit_network``)."""
        net = None
        try:
            net = self._build_network(spec, seeds[0])
            net, record = facade.fit_network(
                net, data["X_train"], data["y_train"], data["X_val"],
                data["y_val"], config, seed=seeds[1], device=device,
                y_dtype=data["y_dtype"], bounds_fn=bounds_fn, resume=resume,
                w_train=data["w_train"], w_val=data["w_val"], eval_rows=eval_rows)
        except facade.TrainingStopped as stop:
            stop.network = net
            raise
        return record, net

    def _replicate_sweeps(self, spec, data, config, seeds, device, bounds_fn,
                          resume):
        """The best-of-R record and a network holding its final state.

        ``resume`` (from an interrupted fit) holds the finished replicates'
        records and the state of the one that was running.
        """
        if self._batchable_replicates and batch_replicates(device, data, resume):
            try:
                return self._batched_replicates(spec, data, config, seeds, device,
                                                bounds_fn)
            except facade.ReplicateDiverged:
                pass  # one after the other, keeping each replicate's path
        done = [] if resume is None else list(resume["records"])
        current = None if resume is None else resume["current"]
        # one evaluation-row rule for every replicate: that of the fit an
        # older skdib stopped (no marker) stays, for the later replicates too
        rule = facade.sweep_eval_rows(resume)
        net = last_stop = None
        for r in range(len(done), len(seeds)):
            if config.progress is not None:
                config.progress.offset = r * self._total_steps()
                config.progress.per_step = 1
            try:
                record, net = self._one_sweep(spec, data, config, seeds[r], device,
                                              bounds_fn, current, rule)
            except facade.TrainingStopped as stop:
                if stop.reason == "interrupted":
                    self._keep_finished(stop, done, data["w_val"], rule)
                    raise
                record, last_stop = stop.record, stop
                net = stop.network if stop.network is not None else net
                self._warn_replicate_diverged(r, stop)
            done.append(record)
            current = None
        if all(rec is None for rec in done):
            raise facade.TrainingStopped(
                "diverged", last_stop.step, last_stop.beta,
                "every replicate diverged before its first checkpoint", None, None)
        return self._assembled(done, net, data["w_val"])

    def _batched_replicates(self, spec, data, config, seeds, device, bounds_fn):
        nets = [self._build_network(spec, net_seed) for net_seed, _ in seeds]
        arrays = tuple(data[k] for k in ("X_train", "y_train", "X_val", "y_val"))
        if config.progress is not None:
            config.progress.per_step = len(seeds)  # one step of every sweep
        try:
            nets, records = facade.fit_replicates(
                nets, [arrays] * len(nets), config,
                seeds=[loop_seed for _, loop_seed in seeds], device=device,
                y_dtype=data["y_dtype"], bounds_fns=[bounds_fn] * len(nets))
        except KeyboardInterrupt:
            warnings.warn(SweepInterruptedWarning(
                f"The {len(seeds)} replicate sweeps trained as one batched run "
                "were interrupted; a batched run keeps no checkpoints, so "
                "nothing was kept. For a fit that can be resumed, train them "
                "one after the other (device='cpu') or with n_replicates=1."),
                stacklevel=user_stacklevel())
            raise
        return self._assembled(records, nets[0], None)

    def _assembled(self, records, net, weights):
        """The composite record, with its final state loaded into ``net``."""
        record = composite_record(records, weights)
        facade.load_state(net, record["final_state"])
        if record["step"][-1] < self._total_steps() - 1:
            # every replicate diverged: the path stops where the last one did
            # (no single state resumes R replicates: continue_fit starts the
            # sweep again, at the learning rate it is then given)
            stop = facade.TrainingStopped(
                "diverged", int(record["step"][-1]), float(record["beta"][-1]),
                "every replicate diverged", record, None)
            stop.network = net
            raise stop
        return record, net

    @staticmethod
    def _keep_finished(stop, done, weights, rule):
        """Turn an interrupted replicate's stop into the whole fit's: the
        composite of the replicates so far, and what resumes it."""
        partial = [*done, stop.record]
        stop.resume = {"records": done, "current": stop.resume, "eval_rows": rule}
        if any(_n_points(rec) for rec in partial):
            stop.record = composite_record(partial, weights)

    def _warn_replicate_diverged(self, r, stop):
        # about the path being built: said once it is stored (see
        # _outcome_stored), so that a filter making it an error neither stops
        # the other replicates nor leaves the fit before this one in place
        self._hold_warning(
            f"Replicate {r} of {self.n_replicates} diverged at step {stop.step} "
            f"(β = {stop.beta:.3g}): {stop.detail}. Its checkpoints before that "
            "stay candidates; later ones are chosen among the other "
            "replicates.", RuntimeWarning)
