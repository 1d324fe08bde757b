"""Many sweeps at once: 8 cross-validation folds in one batched run.

    python benchmarks/bench_replicates.py [--full] [--device cpu|cuda]
                                          [--threads N]

Times, in the same run and with one torch thread (``--threads``), after a
tiny warm-up of both sides, on a 10-input Boolean
circuit and on breast cancer with the default recipe ('auto' network and
batch size, information bounds on):

* one fold's fit (one sweep),
* the 8 folds of ``cross_validate_path(cv=8)`` trained as one batched model,
* the same 8 folds fitted one after the other (``batched=False``).

The goal (the performance issue's item 3, many sweeps at once) is 8
batched sweeps in at most 3x the time of one sweep on the CPU and 1.5x on a
GPU. ``ratio`` follows
``benchmarks/run.py``: the baseline's time over the case's (above 1: the
case is faster). ``throughput`` gives the batched run's cost in sweeps.
Another row repeats the circuit with a small network (encoders 16,
embedding 2, decoder 32), where one sweep's steps are too small to keep a
CPU core busy. The last row times one fit with ``n_replicates=4`` (the best
of four sweeps at every checkpoint) against four times one sweep: about 1x
on the CPU, where the replicates run one after the other, and the batched
speed-up on a GPU.
"""

import argparse
import time
import warnings

from sklearn.base import clone
from sklearn.datasets import load_breast_cancer

from skdib import DistributedIBClassifier
from skdib.compare import cross_validate_path
from skdib.datasets import make_boolean_circuit

N_FOLDS = 8
SMALL = dict(encoder_hidden=(16,), embedding_dim=2, decoder_hidden=(32,))


def _tables():
    circuit = make_boolean_circuit(10, random_state=101)
    X, y = load_breast_cancer(return_X_y=True)
    return {"10-input Boolean circuit": (circuit.X, circuit.y),
            "breast cancer": (X, y)}


def _schedule(quick):
    """A short schedule in quick mode, the estimator's defaults otherwise."""
    if quick:
        return dict(n_pretrain_steps=100, n_steps=400, n_checkpoints=8)
    return {}


def _timed(function):
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = function()
    return time.perf_counter() - start, out


_WARM_UP = dict(n_pretrain_steps=5, n_steps=5, n_checkpoints=1)


def _warm_up(base):
    """A tiny batched cross-validation and a tiny fit, so that one-time
    costs (torch imports its compiler stack when the first optimizer is
    built: about 0.8 s) are charged to no side of the first case."""
    circuit = make_boolean_circuit(4, random_state=0)
    est = DistributedIBClassifier(**{**base, **_WARM_UP})
    _timed(lambda: cross_validate_path(est, circuit.X, circuit.y, cv=2,
                                       random_state=0, batched=True))
    _timed(lambda: clone(est).fit(circuit.X, circuit.y))


def steps_label(fitted):
    """``'P+R steps'`` of a fitted estimator, as its recipe resolved them
    (the parameters may be 'auto')."""
    recipe = fitted.recipe_
    return f"{recipe['n_pretrain_steps'] + recipe['n_steps']} steps"


def _rows(name, X, y, est, label, n_folds=N_FOLDS):
    """One fold, ``n_folds`` folds batched and the same folds one by one."""
    # batched=True: 'auto' batches on a GPU only, and this row is the
    # batched run on whatever device the estimator uses
    t_batched, cvp = _timed(lambda: cross_validate_path(
        est, X, y, cv=n_folds, random_state=0, return_estimators=True,
        batched=True))
    train, test = cvp.folds[0]
    seed = cvp.estimators[0].random_state
    t_one, _ = _timed(lambda: clone(est).set_params(random_state=seed).fit(
        X[train], y[train], X_val=X[test], y_val=y[test]))
    t_loop, _ = _timed(lambda: cross_validate_path(
        est, X, y, cv=n_folds, random_state=0, batched=False))
    setting = (f"{name}, {label}, {steps_label(cvp.estimators[0])}, "
               f"{est.n_checkpoints} checkpoints")
    case = f"{n_folds} CV folds in one batched run"
    cost = f"{t_batched / t_one:.1f} sweeps' time for {n_folds}"
    return [
        dict(name=f"{case} vs one fold ({setting})", case=case, setting=setting,
             seconds=t_batched, throughput=cost, flops=None,
             baseline="one fold's fit (goal: case <= 3x this)",
             baseline_seconds=t_one, ratio=t_one / t_batched),
        dict(name=f"{case} vs {n_folds} separate fits ({setting})", case=case,
             setting=setting, seconds=t_batched, throughput=cost, flops=None,
             baseline=f"the {n_folds} folds one by one",
             baseline_seconds=t_loop, ratio=t_loop / t_batched),
    ]


def _best_of_four_row(X, y, base):
    """``n_replicates=4`` against four single sweeps, on the same rows."""
    est = DistributedIBClassifier(random_state=0, **base)
    _timed(lambda: clone(est).fit(X, y))  # warm-up: one-off costs of a first fit
    t_one, _ = _timed(lambda: clone(est).fit(X, y))
    t_four, _ = _timed(lambda: clone(est).set_params(n_replicates=4).fit(X, y))
    setting = f"breast cancer, default recipe, {base.get('device', 'cpu')}"
    return dict(name=f"n_replicates=4 vs 4 sweeps ({setting})",
                case="one fit with n_replicates=4", setting=setting,
                seconds=t_four, throughput=f"{t_four / t_one:.1f} sweeps' time for 4",
                flops=None, baseline="4 x one sweep", baseline_seconds=4 * t_one,
                ratio=4 * t_one / t_four)


def measure(quick=True, device="cpu", n_threads=1):
    """Rows (dicts with name, seconds, baseline_seconds, ratio, ...);
    ``n_threads``: the estimators' torch threads (``run.py --threads``)."""
    base = dict(n_threads=n_threads, device=device, **_schedule(quick))
    _warm_up(base)
    rows = []
    for name, (X, y) in _tables().items():
        rows += _rows(name, X, y, DistributedIBClassifier(**base),
                      "default network")
    X, y = _tables()["10-input Boolean circuit"]
    rows += _rows("10-input Boolean circuit", X, y,
                  DistributedIBClassifier(**base, **SMALL), "small network")
    rows.append(_best_of_four_row(*_tables()["breast cancer"], base))
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true",
                        help="the estimator's default schedule (slow)")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--threads", type=int, default=1,
                        help="the estimators' torch threads (default 1)")
    args = parser.parse_args(argv)
    print("| case | setting | time (s) | cost | baseline | baseline (s) | ratio |")
    print("|---|---|---|---|---|---|---|")
    for r in measure(quick=not args.full, device=args.device,
                     n_threads=args.threads):
        print(f"| {r['case']} | {r['setting']} | {r['seconds']:.3g} | "
              f"{r['throughput']} | {r['baseline']} | {r['baseline_seconds']:.3g} "
              f"| {r['ratio']:.2f}x |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
