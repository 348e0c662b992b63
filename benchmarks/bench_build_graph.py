"""Time and memory of building the graph from a 1,000,000-row pairwise log.

Baseline, measured in the same run on the same file: ``pandas.read_csv`` of the file plus
one ``groupby(["source", "target"]).size()``.  Ours: ``read_interactions`` (validation
included) plus ``build_graph``.  Each is run in a fresh subprocess so peak memory (VmHWM
RSS above the process's size after imports) is not shared between them.

    python benchmarks/bench_build_graph.py [--rows 1000000] [--actors 2000] [--repeat 5] [--dates minute|day]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd


def make_log(path, rows, actors, seed=0, dates="minute"):
    rng = np.random.default_rng(seed)
    names = np.array([f"Organisation {i:05d} team" for i in range(actors)], dtype=object)
    # ~10 partners each: a sparse partnership where each pair is contacted many times.
    partners = rng.integers(0, actors, size=(actors, 10))
    src = rng.integers(0, actors, size=rows)
    dst = partners[src, rng.integers(0, 10, size=rows)]
    dst = np.where(dst == src, (dst + 1) % actors, dst)
    start = np.datetime64("2022-01-01T00:00")
    stamps = start + rng.integers(0, 3 * 365 * 24 * 60, size=rows).astype("timedelta64[m]")
    df = pd.DataFrame({
        "date": pd.Series(stamps).dt.strftime("%Y-%m-%d %H:%M" if dates == "minute" else "%Y-%m-%d"),
        "source": names[src], "target": names[dst],
        "type": rng.choice(["meeting", "email", "call", "referral"], size=rows),
        "programme": rng.choice(["diabetes", "end of life care", "medicines optimisation"], size=rows),
        "weight": rng.integers(1, 60, size=rows),
    })
    df.to_csv(path, index=False)


CHILD = r"""
import json, sys, time
import pandas as pd
which, path = sys.argv[1], sys.argv[2]
import stakeholder_graph as sg

def status(key):
    # VmHWM, not ru_maxrss: ru_maxrss survives exec and so reports the parent's peak.
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])

before = status("VmRSS")
t0 = time.perf_counter()
if which == "baseline":
    df = pd.read_csv(path)
    g = df.groupby(["source", "target"]).size()
    frame_bytes = int(df.memory_usage(deep=True).sum())
    result = {"groups": int(len(g))}
else:
    log = sg.read_interactions(path)
    read_seconds = time.perf_counter() - t0
    G = sg.build_graph(log)
    frame_bytes = int(log.memory_usage(deep=True).sum())
    result = {"actors": G.number_of_nodes(), "ties": G.number_of_edges(), "rows_used": len(log),
              "read_seconds": read_seconds}
elapsed = time.perf_counter() - t0
peak = status("VmHWM")
print(json.dumps({"seconds": elapsed, "peak_rss_above_imports_mb": (peak - before) / 1024,
                  "frame_mb": frame_bytes / 2**20, **result}))
"""


def run(which, path):
    out = subprocess.run([sys.executable, "-c", CHILD, which, path], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--actors", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dates", choices=["minute", "day"], default="minute",
                        help="timestamps to the minute (default) or dates only, as most logs kept by hand")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "log.csv")
        make_log(path, args.rows, args.actors, dates=args.dates)
        print(f"log: {args.rows:,} rows, {args.actors:,} actors, dates to the {args.dates}, "
              f"{os.path.getsize(path) / 1e6:.0f} MB")
        # Interleaved, so that both see the same moments of a noisy machine; each pair
        # gives one ratio.
        base, ours = [], []
        for _ in range(args.repeat):
            base.append(run("baseline", path))
            ours.append(run("ours", path))
    for label, runs in [("baseline", base), ("ours", ours)]:
        for r in runs:
            print(f"  {label}: {r['seconds']:.2f} s, peak RSS above imports {r['peak_rss_above_imports_mb']:.0f} MB")
    b = min(r["seconds"] for r in base)
    o = min(r["seconds"] for r in ours)
    median = lambda runs: sorted(r["seconds"] for r in runs)[len(runs) // 2]  # noqa: E731
    frame = base[0]["frame_mb"]
    peak = max(r["peak_rss_above_imports_mb"] for r in ours)
    print(f"baseline read_csv + groupby: {b:.2f} s (best of {args.repeat}), DataFrame {frame:.0f} MB, "
          f"peak RSS above imports {max(r['peak_rss_above_imports_mb'] for r in base):.0f} MB")
    print(f"read_interactions + build_graph: {o:.2f} s (best of {args.repeat}), "
          f"peak RSS above imports {peak:.0f} MB (worst run); {ours[0]['ties']:,} ties")
    fastest = min(ours, key=lambda r: r["seconds"])
    print(f"  of which read_interactions {fastest['read_seconds']:.2f} s, build_graph "
          f"{fastest['seconds'] - fastest['read_seconds']:.2f} s; the log read takes {ours[0]['frame_mb']:.0f} MB")
    pairs = sorted(r["seconds"] / q["seconds"] for r, q in zip(ours, base))
    print(f"time ratio: {o / b:.2f}x best to best, {median(ours) / median(base):.2f}x median to median, "
          f"{pairs[len(pairs) // 2]:.2f}x median of {len(pairs)} paired runs (target <= 2x)")
    print(f"peak memory / DataFrame memory: {peak / frame:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main()
