"""Wall-clock and processor time of ``compare`` against ``barriers`` on the same log, in the same run.

The question (issue #9): on a 2,000-actor, 60,000-contact log, does ``compare`` cost at
most 2.5x one ``barriers`` run?  ``compare`` builds and diagnoses two periods (each also
at a lenient false-discovery rate, for the barrier statuses), tests every tie's rate and
the key measures; a second core diagnoses the after period in a worker.

The log is :func:`bench_views.make_partnership`'s (seeded; 36 months ending 2025-06-30);
the change date is its middle, 2024-01-01.  Both commands run as whole CLI commands in
fresh subprocesses, interleaved, ``--repeat`` times; medians are printed, with processor
time (the command and its worker) beside wall clock.  Only figures are printed.

    python benchmarks/bench_compare.py                 # 2,000 actors, 60,000 contacts, 3 runs
    python benchmarks/bench_compare.py --quick         # 500 actors, 15,000 contacts, 1 run
"""

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import bench_views  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=2000)
    parser.add_argument("--contacts", type=int, default=60000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--at", default="2024-01-01", help="The change date (default: the log's middle).")
    args = parser.parse_args()
    if args.quick:
        args.actors, args.contacts, args.repeat = 500, 15000, 1
    env = dict(os.environ, MPLBACKEND="Agg")
    py = [sys.executable, "-m", "stakeholder_graph"]
    with tempfile.TemporaryDirectory(prefix="bench_compare_") as tmp:
        paths, stats = bench_views.make_partnership(Path(tmp), args.actors, args.contacts)
        print(f"log: {stats['actors']:,} actors, {stats['ties']:,} ties, {stats['contacts']:,} contacts; "
              f"change date {args.at}; cores {os.cpu_count()}")
        inputs = [str(paths["interactions"]), "--actors", str(paths["actors"])]
        commands = {"barriers": ["barriers", *inputs, "--format", "csv", "-o", str(Path(tmp) / "b.csv")],
                    "compare": ["compare", *inputs, "--at", args.at, "--format", "csv", "-o", str(Path(tmp) / "c.csv")]}
        bench_views.run(py + ["--help"], tmp, env, 600)          # warm the file cache
        times = {name: [] for name in commands}
        for r in range(args.repeat):
            for name, argv in commands.items():
                seconds, done = bench_views.run(py + argv, tmp, env, 1800, name)
                if done is None or done.returncode:
                    sys.exit(f"{name} failed: {(done.stderr if done else 'timeout')[-2000:]}")
                times[name].append(seconds)
                print(f"  run {r + 1} {name:<9} {seconds:6.2f} s", flush=True)
    wall = {n: statistics.median(t) for n, t in times.items()}
    cpu = {n: statistics.median(t) for n, t in bench_views.CPU.items()}
    print(f"\n{'command':<10} {'wall s':>7} {'x barriers':>11} {'cpu s':>7} {'cpu x':>6}")
    for name in commands:
        print(f"{name:<10} {wall[name]:7.2f} {wall[name] / wall['barriers']:11.2f} {cpu[name]:7.2f} "
              f"{cpu[name] / cpu['barriers']:6.2f}")
    print(f"issue: compare / barriers = {wall['compare'] / wall['barriers']:.2f} (asked: <= 2.5)")


if __name__ == "__main__":
    main()
