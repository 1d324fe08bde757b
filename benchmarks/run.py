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
matrix product (on one thread on the CPU, as the estimators run by default).
Rows computed in float64 (the information bounds) give GFLOP/s but no share
of that float32 peak. In ``--json`` each row's ``flop_per_s`` is the achieved
rate.
The latest tables, with the machine named, are in ``benchmarks/README.md``.
"""

import argparse
import json
import os
import platform
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SECTIONS = ("encoders", "fits", "denormals", "glass", "bounds", "imbalance",
            "threads", "replicates")


def peak_gflops(device):
    """GFLOP/s of a large float32 matrix product on ``device``."""
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
            f"{torch.get_num_threads()} torch thread(s)")


def imbalance_rows(device, quick):
    """Greedy information-imbalance selection against the numpy reference."""
    import bench_information_imbalance as bii

    n, m, k = (1000, 20, 5) if quick else (4000, 60, 10)
    X, y = bii.make_data(n, m)
    (t_ref, _), _ = bii.timed(bii.numpy_greedy, X, y, k)
    (t_fast, _), _ = bii.timed(bii.skdib_greedy, X, y, k, device)
    rows = [dict(case="information imbalance, greedy", setting=f"N={n}, M={m}, "
                 f"{k} steps", seconds=t_fast, throughput="", flops=None,
                 baseline="numpy reference", baseline_seconds=t_ref,
                 ratio=t_ref / t_fast)]
    if bii.dadapy_available():
        (t_dada, _), _ = bii.timed(bii.dadapy_greedy, X, y, k, 1)
        rows.append(dict(rows[0], baseline="DADApy", baseline_seconds=t_dada,
                         ratio=t_dada / t_fast))
    return rows


def section_rows(section, device, quick):
    if section == "encoders":
        import bench_encoders

        return bench_encoders.measure(device, quick)
    if section == "fits":
        import bench_fits

        return bench_fits.measure_defaults(device, quick)
    if section == "denormals":
        import bench_fits

        return bench_fits.measure_denormals(device, quick)
    if section == "glass":
        import bench_fits

        return bench_fits.measure_glass_scale(device, quick)
    if section == "bounds":
        import bench_bounds

        return bench_bounds.measure(device, quick)
    if section == "imbalance":
        return imbalance_rows(device, quick)
    if section == "threads":
        import bench_threads

        return bench_threads.measure(device, quick)
    import bench_replicates

    return bench_replicates.measure(quick=quick, device=device)


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


def main(argv=None):
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
    print(f"Machine: {machine(args.device)}; practical peak {peak:.0f} GFLOP/s "
          f"(float32 matrix product)\n")
    print("| " + " | ".join(HEADER) + " |")
    print("|" + "---|" * len(HEADER))
    rows = []
    for section in sections:
        try:
            new = section_rows(section, args.device, args.quick)
        except ImportError as exc:  # a section whose optional parts are absent
            print(f"(section {section} skipped: {exc})", file=sys.stderr)
            continue
        print_rows(new, peak)
        rows += new
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": machine(args.device), "peak_gflops": peak,
                       "device": args.device, "quick": args.quick,
                       "rows": [json_row(r) for r in rows]},
                      f, indent=1, default=str)


def json_row(row):
    """A row for ``--json``: ``flops`` (a rate in the rows) as ``flop_per_s``."""
    out = {k: v for k, v in row.items() if k != "flops"}
    out["flop_per_s"] = row.get("flops")
    return out


if __name__ == "__main__":
    main()
