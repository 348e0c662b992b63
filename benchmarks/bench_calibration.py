"""Calibration of find_barriers: false alarms in null partnerships, recall of planted barriers.

Null worlds (``tests/null_worlds.py``) are partnerships where nothing is wrong, so every
finding in them is a false alarm; planted worlds add one strong barrier of each kind.
For each world: ``G = sg.build_graph(log, actors=registry)``, then
``sg.find_barriers(G)`` with no cap hiding findings (``max_per_kind=0`` on versions that
capped by default), timed.

Printed, per kind of world (targets of the issue alongside):

- null worlds: findings per partnership with severity >= 0.8 and >= 0.5 (mean and max),
  overall and per kind;
- planted worlds: per planted kind, the share of worlds where a finding of that kind
  involving the planted actors (its actors include them; for ``structural_hole``, a
  finding naming both sectors) has severity >= 0.8, and at any severity;
- the time of find_barriers per world.

Figures only: nothing is asserted.

    python benchmarks/bench_calibration.py [--worlds 20] [--large-worlds 5] [--quick] [--seed-base 0]
"""

import argparse
import dataclasses
import hashlib
import statistics
import subprocess
import sys
import time
import warnings
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import stakeholder_graph as sg  # noqa: E402
from null_worlds import bursty_world, clustered_world, large_world, planted_world, stationary_world  # noqa: E402

HIGH, MID = 0.8, 0.5
# Targets from the issue: (mean findings >= 0.8 per partnership, mean findings >= 0.5), None = no target.
TARGETS = {
    "stationary 30-60": (0.5, 3.0),
    "bursty 30-60": (1.0, None),
    "stationary 300": (2.0, None),
}
NULLS = [("stationary 30-60", stationary_world), ("bursty 30-60", bursty_world),
         ("stationary 300", large_world), ("clustered 96", clustered_world)]

_warnings_seen = Counter()


def find_all(G):
    """find_barriers with no cap per kind, whatever this version's way of saying so (the
    current one returns every finding; the first release capped at 5 unless told 0)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            capped = "max_per_kind" in {f.name for f in dataclasses.fields(sg.Thresholds)} and \
                sg.Thresholds().max_per_kind != 0
            found = sg.find_barriers(G, max_per_kind=0) if capped else sg.find_barriers(G)
        except TypeError as error:          # a version without the keyword
            if "max_per_kind" not in str(error):
                raise
            found = sg.find_barriers(G)
        except sg.InputError as error:      # a version whose Thresholds no longer has it
            if "max_per_kind" not in str(error):
                raise
            found = sg.find_barriers(G)
    for w in caught:
        _warnings_seen[f"{w.category.__name__}: {w.message}"] += 1
    return found


def run(generator, seed):
    log, registry, planted = generator(seed)
    start = time.perf_counter()
    G = sg.build_graph(log, actors=registry)
    built = time.perf_counter() - start
    start = time.perf_counter()
    found = find_all(G)
    seconds = time.perf_counter() - start
    return {"log": len(log), "actors": len(registry), "ties": G.number_of_edges(), "found": found,
            "planted": planted, "seconds": seconds, "build": built}


def matches(kind, planted, actors):
    if kind == "structural_hole":
        text = str(actors).casefold()
        return all(sector.casefold() in text for sector in planted)
    return set(planted) <= set(str(actors).split(";"))


def fmt(x, digits=2):
    return f"{x:.{digits}f}" if isinstance(x, float) else str(x)


def span(values):
    return f"{min(values)}-{max(values)}" if min(values) != max(values) else str(values[0])


def null_section(results):
    print("NULL WORLDS (nothing is wrong: every finding is a false alarm)")
    header = (f"{'world':<17} {'n':>3} {'actors':>8} {'ties':>8} {'contacts':>12} | "
              f"{'>=0.8 mean':>10} {'max':>4} {'target':>7} {'meets':>5} | "
              f"{'>=0.5 mean':>10} {'max':>4} {'target':>7} {'meets':>5} | "
              f"{'find_barriers s mean':>20} {'max':>6} | {'build_graph s':>13}")
    print(header)
    print("-" * len(header))
    for name, rows in results.items():
        high = [int((r["found"]["severity"] >= HIGH).sum()) for r in rows]
        mid = [int((r["found"]["severity"] >= MID).sum()) for r in rows]
        t_high, t_mid = TARGETS.get(name, (None, None))
        cells = []
        for counts, target in ((high, t_high), (mid, t_mid)):
            mean = statistics.mean(counts)
            cells.append(f"{mean:>10.2f} {max(counts):>4} "
                         f"{('<= ' + fmt(target, 1)) if target is not None else '-':>7} "
                         f"{('yes' if mean <= target else 'NO') if target is not None else '-':>5}")
        secs = [r["seconds"] for r in rows]
        builds = [r["build"] for r in rows]
        print(f"{name:<17} {len(rows):>3} {span([r['actors'] for r in rows]):>8} "
              f"{span([r['ties'] for r in rows]):>8} {span([r['log'] for r in rows]):>12} | "
              f"{cells[0]} | {cells[1]} | {statistics.mean(secs):>20.3f} {max(secs):>6.3f} | "
              f"{statistics.mean(builds):>13.3f}")
    print()
    print("Null worlds per kind: mean findings per partnership >= 0.8 / >= 0.5 (max >= 0.8, max >= 0.5)")
    kinds = list(sg.BARRIER_KINDS)
    for rows in results.values():
        for r in rows:
            kinds += [k for k in r["found"]["kind"].unique() if k not in kinds]
    names = list(results)
    width = 26
    print(f"{'kind':<16}" + "".join(f" | {n:^{width}}" for n in names))
    print("-" * (16 + (width + 3) * len(names)))
    for kind in kinds:
        cells = []
        for name in names:
            rows = results[name]
            high = [int(((r["found"]["kind"] == kind) & (r["found"]["severity"] >= HIGH)).sum()) for r in rows]
            mid = [int(((r["found"]["kind"] == kind) & (r["found"]["severity"] >= MID)).sum()) for r in rows]
            cells.append(f"{statistics.mean(high):6.2f} / {statistics.mean(mid):6.2f} ({max(high)}, {max(mid)})")
        print(f"{kind:<16}" + "".join(f" | {c:^{width}}" for c in cells))
    print()
    print("Null worlds: all findings at any severity, mean per partnership: "
          + "; ".join(f"{n} {statistics.mean(len(r['found']) for r in rows):.1f}" for n, rows in results.items()))
    print()


def planted_section(rows):
    print(f"PLANTED WORLDS ({len(rows)} worlds; target: every kind found at >= 0.8 in every world)")
    kinds = list(rows[0]["planted"])
    header = (f"{'planted kind':<16} {'recall >=0.8':>12} {'meets':>5} {'recall >=0.5':>12} {'any':>6} | "
              f"{'best severity mean':>18} {'min':>5} | example (seed {rows[0]['seed']})")
    print(header)
    print("-" * len(header))
    for kind in kinds:
        best = []
        for r in rows:
            f = r["found"]
            hit = f[(f["kind"] == kind) & f["actors"].map(lambda a: matches(kind, r["planted"][kind], a))]
            best.append(float(hit["severity"].max()) if len(hit) else None)
        n = len(rows)
        found_high = sum(b is not None and b >= HIGH for b in best) / n
        found_mid = sum(b is not None and b >= MID for b in best) / n
        found_any = sum(b is not None for b in best) / n
        sev = [b if b is not None else 0.0 for b in best]
        example = ";".join(sorted(rows[0]["planted"][kind]))
        print(f"{kind:<16} {found_high:>12.0%} {'yes' if found_high == 1 else 'NO':>5} {found_mid:>12.0%} "
              f"{found_any:>6.0%} | {statistics.mean(sev):>18.3f} {min(sev):>5.3f} | {example}")
    other_high, other_kinds = [], Counter()
    for r in rows:
        f = r["found"]
        planted_hit = [k in r["planted"] and matches(k, r["planted"][k], a) for k, a in zip(f["kind"], f["actors"])]
        other = f[(f["severity"] >= HIGH).to_numpy() & ~np.array(planted_hit, dtype=bool)]
        other_high.append(len(other))
        other_kinds.update(other["kind"])
    secs = [r["seconds"] for r in rows]
    print(f"Findings >= 0.8 that are not the planted barrier of their kind, per planted world: mean "
          f"{statistics.mean(other_high):.2f}, max {max(other_high)}; by kind, total over the worlds: "
          + (", ".join(f"{k} {n}" for k, n in other_kinds.most_common()) or "none"))
    print(f"Planted worlds: actors {span([r['actors'] for r in rows])}, ties {span([r['ties'] for r in rows])}, "
          f"find_barriers {statistics.mean(secs):.3f} s mean, {max(secs):.3f} s max")
    print()


def version():
    """Which code was measured: the package's folder, git state, and a hash of its sources
    (the tree may be edited between runs)."""
    package = Path(sg.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    try:
        rev = subprocess.run(["git", "-C", str(package), "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return (f"stakeholder_graph {getattr(sg, '__version__', '?')} from {package}"
            + (f" (git {rev})" if rev else "") + f", sources sha256 {digest.hexdigest()[:12]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=20, help="worlds per kind of 30-60 actors (20)")
    parser.add_argument("--large-worlds", type=int, default=None, help="worlds of 300 actors (worlds // 4, at least 2)")
    parser.add_argument("--quick", action="store_true", help="5 worlds per kind, 2 of 300 actors")
    parser.add_argument("--seed-base", type=int, default=0, help="seeds are seed-base, seed-base + 1, ...")
    args = parser.parse_args()
    worlds = 5 if args.quick else args.worlds
    large = args.large_worlds if args.large_worlds is not None else max(2, worlds // 4)
    seeds = range(args.seed_base, args.seed_base + worlds)
    started = time.perf_counter()
    print(f"Calibration of find_barriers: {version()}, no cap per kind, seeds {args.seed_base}.."
          f"{args.seed_base + worlds - 1} ({large} of them for 300 actors)")
    print()
    # Warm-up (first-call imports and caches), not timed.
    log, registry, _ = stationary_world(args.seed_base, actors=30)
    find_all(sg.build_graph(log, actors=registry))
    _warnings_seen.clear()
    results = defaultdict(list)
    for name, generator in NULLS:
        for seed in list(seeds)[: large if name == "stationary 300" else worlds]:
            results[name].append(dict(run(generator, seed), seed=seed))
    null_section(results)
    planted = [dict(run(planted_world, seed), seed=seed) for seed in seeds]
    planted_section(planted)
    if _warnings_seen:
        print("Warnings from find_barriers (count): "
              + "; ".join(f"{m} ({n})" for m, n in _warnings_seen.most_common()))
    print(f"Total time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
