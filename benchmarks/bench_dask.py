"""The Dask engine on 4M and 16M rows of Parquet on a 2-worker LocalCluster: memory and time.

What is measured, in one run (timings on a shared machine are noisy: read the ratios):

- peak memory (RSS, sampled every 20 ms) of each worker process and of the client process
  while ``build_graph`` runs on the cluster, at 4M and at 16M rows (same actors, same time
  span, generated with a seed); the issue asks for growth of at most 1.25x;
- the build's time (the log read and checked, names resolved, tie table reduced and the graph
  made: ``read_interactions(..., engine="dask")`` then ``build_graph``) against a plain Dask
  ``read_parquet(...).groupby(["source", "target"]).agg(...)`` of the same columns on the same
  cluster (sum and count of weight, first and last date); the issue asks for at most 2x;
  and, for reference, against one that also reads the two label columns the build reads;
- the in-memory path (``read_interactions`` of every file + ``build_graph``) on the same
  files, in a fresh subprocess (its peak RSS is its own).

    python benchmarks/bench_dask.py [--sizes 4,16] [--actors 2000] [--workers 2] [--repeat 5] [--skip-memory-path]
                                    [--text-dates]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROWS_PER_FILE = 1_000_000


def make_file(path, rows, actors, seed, text_dates=False):
    """One Parquet file of a pairwise log: ~10 partners per actor, minute timestamps over
    three years (2022-2024), four types, three programmes, weights 1-59.  ``text_dates``:
    the dates written as ISO text (no statistics to read them from: the build's first look
    reads and parses them, and the checked pass parses them again)."""
    rng = np.random.default_rng(seed)
    partner_rng = np.random.default_rng(0)          # the same partnership in every file
    names = np.array([f"Organisation {i:05d} team" for i in range(actors)], dtype=object)
    partners = partner_rng.integers(0, actors, size=(actors, 10))
    src = rng.integers(0, actors, size=rows)
    dst = partners[src, rng.integers(0, 10, size=rows)]
    dst = np.where(dst == src, (dst + 1) % actors, dst)
    start = np.datetime64("2022-01-01T00:00", "us")
    stamps = start + (rng.integers(0, 3 * 365 * 24 * 60, size=rows) * 60_000_000).astype("timedelta64[us]")
    pd.DataFrame({
        "date": np.datetime_as_string(stamps, unit="m") if text_dates else stamps,
        "source": names[src], "target": names[dst],
        "type": rng.choice(["meeting", "email", "call", "referral"], size=rows),
        "programme": rng.choice(["diabetes", "end of life care", "medicines optimisation"], size=rows),
        "weight": rng.integers(1, 60, size=rows).astype(float),
    }).to_parquet(path, index=False, row_group_size=ROWS_PER_FILE)


def make_dataset(folder, millions, actors, text_dates=False):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(millions):
        make_file(folder / f"part{i:03d}.parquet", ROWS_PER_FILE, actors, seed=1000 + i, text_dates=text_dates)
    return folder


class PeakRSS:
    """Peak RSS of some processes, sampled by a thread every ``every`` seconds."""

    def __init__(self, pids, every=0.02):
        import psutil
        self.procs = {pid: psutil.Process(pid) for pid in pids}
        self.every = every
        self.peak = {pid: 0 for pid in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            for pid, proc in self.procs.items():
                try:
                    self.peak[pid] = max(self.peak[pid], proc.memory_info().rss)
                except Exception:  # a process that ended
                    pass
            time.sleep(self.every)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


IN_MEMORY = r"""
import json, sys, time, glob
import stakeholder_graph as sg
from stakeholder_graph.io.readers import _stack
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
t0 = time.perf_counter()
files = sorted(glob.glob(sys.argv[1] + "/*.parquet"))
logs = [sg.read_interactions(f) for f in files]
log = _stack(logs) if len(logs) > 1 else logs[0]
del logs
G = sg.build_graph(log)
print(json.dumps({"seconds": time.perf_counter() - t0, "peak_rss_mb": status("VmHWM") / 1024,
                  "ties": G.number_of_edges(), "contacts_used": G.graph["contacts_used"]}))
"""


def in_memory(folder):
    out = subprocess.run([sys.executable, "-c", IN_MEMORY, str(folder)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def start_cluster(tmp, workers):
    """A local cluster of ``workers`` single-threaded worker processes and a scheduler, each
    its own process (as ``LocalCluster(processes=True)``, but with the scheduler out of the
    client's process, so that the client's memory is the client's own)."""
    file = str(Path(tmp) / "scheduler.json")
    procs = [subprocess.Popen(["dask", "scheduler", "--scheduler-file", file, "--host", "127.0.0.1", "--port", "0",
                               "--dashboard-address", ":0", "--no-show"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    for _ in range(100):
        if Path(file).exists():
            break
        time.sleep(0.1)
    procs.append(subprocess.Popen(["dask", "worker", "--scheduler-file", file, "--nworkers", str(workers),
                                   "--nthreads", "1", "--memory-limit", "0", "--no-dashboard"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    return file, procs


def measure(folder, workers, repeat):
    """One size, in this (fresh) process: the build and the baseline on a fresh cluster."""
    import dask.dataframe as dd
    from distributed import Client

    import stakeholder_graph as sg
    with tempfile.TemporaryDirectory(prefix="bench_dask_cluster_") as tmp:
        file, procs = start_cluster(tmp, workers)
        try:
            with Client(scheduler_file=file, timeout="60s") as client:
                client.wait_for_workers(workers, timeout=120)
                # The package imported on each worker once, as on any long-lived cluster.
                client.run(lambda: __import__("stakeholder_graph.cluster"))
                pids = list(client.run(os.getpid).values())
                builds, baselines, labelled = [], [], []

                def baseline():
                    # A plain groupby-agg of the same columns on the same cluster.
                    t = time.perf_counter()
                    frame = dd.read_parquet(str(Path(folder) / "*.parquet"),
                                            columns=["date", "source", "target", "weight"])
                    agg = frame.groupby(["source", "target"]).agg(
                        weight_sum=("weight", "sum"), contacts=("weight", "count"),
                        first=("date", "min"), last=("date", "max")).compute()
                    baselines.append(time.perf_counter() - t)
                    return agg

                def baseline_with_labels():
                    # The same, also reading the two label columns the build reads (type,
                    # programme; their max per pair, as dask has no named nunique).
                    t = time.perf_counter()
                    frame = dd.read_parquet(str(Path(folder) / "*.parquet"),
                                            columns=["date", "source", "target", "weight", "type", "programme"])
                    frame.groupby(["source", "target"]).agg(
                        weight_sum=("weight", "sum"), contacts=("weight", "count"), first=("date", "min"),
                        last=("date", "max"), type=("type", "max"), programme=("programme", "max")).compute()
                    labelled.append(time.perf_counter() - t)

                # Build and baseline taken in turns, so that both see the same load of a
                # shared machine; the fastest of each is compared.
                for _ in range(repeat):
                    with PeakRSS(pids + [os.getpid()]) as peak:
                        t = time.perf_counter()
                        log = sg.read_interactions(str(folder), engine="dask")
                        G = sg.build_graph(log)
                        builds.append(time.perf_counter() - t)
                        del log
                    peaks = peak.peak if not builds[:-1] else {k: max(v, peaks[k]) for k, v in peak.peak.items()}
                    agg = baseline()
                    baseline_with_labels()
                client.shutdown()
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                proc.wait(timeout=30)
    return {"build_s": min(builds), "baseline_s": min(baselines), "groups": len(agg),
            "ties": G.number_of_edges(), "contacts_used": G.graph["contacts_used"],
            "worker_peak_mb": [peaks[w] / 2**20 for w in pids], "client_peak_mb": peaks[os.getpid()] / 2**20,
            "builds_s": builds, "baselines_s": baselines, "labelled_s": labelled}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="4,16", help="millions of rows, comma-separated (default 4,16)")
    parser.add_argument("--actors", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each timing, build and baseline in turns")
    parser.add_argument("--skip-memory-path", action="store_true", help="do not run the in-memory path")
    parser.add_argument("--text-dates", action="store_true",
                        help="write the dates as text (the first look must read them: memory and time then)")
    parser.add_argument("--child", nargs=2, metavar=("FOLDER", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], int(args.child[1]), args.repeat)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="bench_dask_") as tmp:
        t0 = time.perf_counter()
        folders = {m: make_dataset(Path(tmp) / f"log_{m}M", m, args.actors, args.text_dates) for m in sizes}
        print(f"generated {', '.join(f'{m}M' for m in sizes)} rows of Parquet ({args.actors} actors, 2022-2024, "
              f"files of {ROWS_PER_FILE:,} rows{', dates as text' if args.text_dates else ''}) in "
              f"{time.perf_counter() - t0:.0f} s", flush=True)
        results = {}
        for m in sizes:
            out = subprocess.run([sys.executable, __file__, "--child", str(folders[m]), str(args.workers),
                                  "--repeat", str(args.repeat)], capture_output=True, text=True, check=True)
            r = results[m] = json.loads(out.stdout.strip().splitlines()[-1])
            paired = sorted(b / a for b, a in zip(r["builds_s"], r["baselines_s"]))
            r["paired"] = paired
            print(f"{m}M rows on {args.workers} workers: build {r['build_s']:.1f} s = "
                  f"{r['build_s'] / r['baseline_s']:.2f}x the plain groupby-agg ({r['baseline_s']:.1f} s), fastest "
                  f"of {len(paired)} each; run by run {', '.join(f'{x:.2f}x' for x in paired)} "
                  f"(median {paired[len(paired) // 2]:.2f}x); "
                  f"peak RSS workers {', '.join(f'{w:.0f}' for w in r['worker_peak_mb'])} MB, "
                  f"client {r['client_peak_mb']:.0f} MB; {r['ties']:,} ties from {r['contacts_used']:,} contacts; "
                  f"against a groupby-agg that also reads type and programme ({min(r['labelled_s']):.1f} s): "
                  f"{r['build_s'] / min(r['labelled_s']):.2f}x", flush=True)
        if not args.skip_memory_path:
            for m in sizes:
                r = in_memory(folders[m])
                results[m]["in_memory"] = r
                same = r["ties"] == results[m]["ties"] and r["contacts_used"] == results[m]["contacts_used"]
                print(f"{m}M rows in memory (one process): {r['seconds']:.1f} s (the Dask build took "
                      f"{results[m]['build_s'] / r['seconds']:.2f}x that), peak RSS {r['peak_rss_mb']:.0f} MB; "
                      f"same ties and contacts: {same}", flush=True)
    if len(sizes) >= 2:
        small, large = results[sizes[0]], results[sizes[-1]]
        growth = sorted(b / a for a, b in zip(small["worker_peak_mb"], large["worker_peak_mb"]))
        print(f"from {sizes[0]}M to {sizes[-1]}M rows: peak RSS of the workers grows "
              f"{', '.join(f'{g:.2f}x' for g in growth)}, of the client "
              f"{large['client_peak_mb'] / small['client_peak_mb']:.2f}x; build / plain groupby-agg "
              f"(fastest / fastest) {small['build_s'] / small['baseline_s']:.2f}x at {sizes[0]}M, "
              f"{large['build_s'] / large['baseline_s']:.2f}x at {sizes[-1]}M; median of runs in turn "
              f"{small['paired'][len(small['paired']) // 2]:.2f}x and {large['paired'][len(large['paired']) // 2]:.2f}x")


if __name__ == "__main__":
    main()
