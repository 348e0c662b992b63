"""Wall-clock time of the CLI's views (``metrics``, ``report``, ``map``) against ``barriers``,
and of ``demo``, each as a whole command in a fresh subprocess, all in the same run.

The question (an issue): on a 2,000-actor log, do ``metrics`` and ``report`` each cost at
most 1.5x ``barriers``?  A view should read the one Analysis, not recompute betweenness,
barriers or a layout, so a view should cost about what the diagnosis costs, not a multiple.

The log is generated here, seeded, into a temporary folder: about 2,000 actors (some 150
organisations of very unequal size, each with teams whose ``parent`` is the organisation,
in ten sectors and a few places, a few system-wide) and 60,000 contacts over 36 months.
Ties follow the structure of a real partnership, not uniform chance: most are within an
organisation, then between organisations of the same place working on the same programme,
then same programme anywhere, with a few long-range ties; busy actors (hubs) attract more
partners; tie strength is heavy-tailed; some ties are one-sided, some faded before the end,
some strained (a large share of negative contacts); about 1% of registered actors have no
contact at all.  Columns: interactions ``date, source, target, type, programme, sentiment``;
actors ``name, kind, sector, parent``.

Each command runs as ``python -m stakeholder_graph COMMAND interactions.csv --actors
actors.csv ...`` with the working directory in the temporary folder, ``--repeat`` times,
interleaved (barriers, metrics, report, map, barriers, ...) so all commands see the same
moments of a noisy machine; the table gives the median of the runs.  ``startup`` is
``python -m stakeholder_graph --help``: interpreter start and package import, the floor
under every command (one untimed run of it first warms the file cache).  ``demo`` is ``demo --out DIR`` (the bundled partnership, the whole
job); its own reported time ("analysed in X s") is printed too.

How to read it: ``median s`` is wall clock (what a user waits), ``cpu s`` processor time
of the command and any worker process it started; the ``x barriers`` column is each command's median over the median of
``barriers``; the issue asks for metrics and report <= 1.5.  Each figure includes reading
the log and building the graph (as a user would pay it).  Only figures are printed: no
assertion on time.  To compare two checkouts, run twice, e.g.

    python benchmarks/bench_views.py                         # the code the interpreter imports
    python benchmarks/bench_views.py --code /tmp/base_src    # PYTHONPATH=/tmp/base_src
    python benchmarks/bench_views.py --quick                 # smoke size (500 actors, 15,000 contacts)
    python benchmarks/bench_views.py --actors 5000 --contacts 150000 --repeat 5

``--code`` may also be given as the environment variable ``BENCH_CODE``.
"""

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

SECTORS = {  # sector: (name stem, relative organisation size, share of organisations)
    "acute": ("Hospitals NHS Trust", 8.0, 0.04),
    "mental health": ("Mental Health NHS Trust", 5.0, 0.03),
    "community health": ("Community Health Services", 4.0, 0.05),
    "primary care": ("Primary Care Network", 1.0, 0.30),
    "local authority": ("Council", 4.0, 0.07),
    "commissioner": ("Integrated Care Board", 3.0, 0.02),
    "ambulance": ("Ambulance Service", 2.0, 0.01),
    "community pharmacy": ("Pharmacy Group", 0.5, 0.10),
    "voluntary": ("Community Trust", 0.6, 0.30),
    "housing": ("Housing Association", 1.0, 0.08),
}
SYSTEM_WIDE = {"acute", "commissioner", "ambulance", "mental health"}
PLACES = ["Ashby", "Brackenford", "Calder", "Dunmore", "Elsworth", "Fenwick", "Greyholm", "Harrowdale",
          "Ivesley", "Juniper Vale", "Kestrel Bay", "Lowmoor"]
PROGRAMMES = ["diabetes", "end of life care", "medicines optimisation", "frailty", "mental health",
              "children and young people"]
FUNCTIONS = ["Clinical Team", "Service", "Hub", "Unit", "Network", "Project"]
TYPES = ["meeting", "email", "call", "referral"]
MONTHS = 36
END = pd.Timestamp("2025-06-30")
COMMANDS = ["barriers", "metrics", "report", "map"]


def make_partnership(folder, actors=2000, contacts=60000, seed=7):
    """Write ``interactions.csv`` and ``actors.csv`` into ``folder``; return their paths and counts."""
    rng = np.random.default_rng(seed)
    n_orgs = max(len(SECTORS), round(actors / 13))
    n_places = int(min(len(PLACES), max(3, round(n_orgs / 20))))
    sectors = list(SECTORS)
    share = np.array([SECTORS[s][2] for s in sectors])
    # Organisations per sector in proportion to the shares (every sector present), in random order.
    per_sector = np.maximum(1, np.round(share / share.sum() * n_orgs).astype(int))
    per_sector[np.argmax(per_sector)] += n_orgs - per_sector.sum()
    org_sector = rng.permutation(np.repeat(np.arange(len(sectors)), per_sector))
    org_place = rng.integers(0, n_places, size=n_orgs)
    org_wide = np.array([sectors[s] in SYSTEM_WIDE and rng.random() < 0.6 for s in org_sector])
    size = np.array([SECTORS[sectors[s]][1] for s in org_sector]) * rng.lognormal(0, 0.6, n_orgs)
    teams = rng.multinomial(actors - n_orgs, size / size.sum())

    names, kind, sector, parent, org, place, wide, programme = [], [], [], [], [], [], [], []
    for o in range(n_orgs):
        s = sectors[org_sector[o]]
        org_name = f"{PLACES[org_place[o]]} {SECTORS[s][0]} {o + 1}"
        names.append(org_name)
        kind.append("voluntary" if s == "voluntary" else "organisation")
        sector.append(s)
        parent.append("")
        org.append(o), place.append(org_place[o]), wide.append(org_wide[o]), programme.append(-1)
        # An organisation works on a few programmes; its teams each on one of them.
        own = rng.choice(len(PROGRAMMES), size=int(rng.integers(1, 4)), replace=False)
        for j in range(teams[o]):
            p = int(rng.choice(own))
            names.append(f"{org_name} {PROGRAMMES[p].title()} {FUNCTIONS[j % len(FUNCTIONS)]} {j + 1}")
            kind.append("team"), sector.append(""), parent.append(org_name)
            org.append(o), place.append(org_place[o]), wide.append(org_wide[o]), programme.append(p)
    n = len(names)
    org, place, wide, programme = map(np.array, (org, place, wide, programme))

    # How busy each actor is: heavy-tailed, organisations (their leadership) busier than a team.
    activity = rng.lognormal(0, 0.9, n) * np.where(programme < 0, 2.0, 1.0)
    quiet = rng.random(n) < 0.01                                  # registered, never in the log
    activity[quiet] = 0.0

    def pool(mask):
        members = np.flatnonzero(mask & ~quiet)
        return members, np.cumsum(activity[members])

    by_org = {o: pool(org == o) for o in range(n_orgs)}
    by_place_prog, by_prog, by_place = {}, {}, {}
    for p in range(len(PROGRAMMES)):
        works_on = (programme == p) | (programme < 0)
        by_prog[p] = pool(works_on)
        for pl in range(n_places):
            by_place_prog[pl, p] = pool(works_on & ((place == pl) | wide))
    for pl in range(n_places):
        by_place[pl] = pool((place == pl) | wide)
    anyone = pool(np.ones(n, bool))

    def pick(members_cum, me):
        members, cum = members_cum
        if len(members) < 2:
            members, cum = anyone
        for _ in range(5):
            other = members[np.searchsorted(cum, rng.random() * cum[-1], side="right").clip(max=len(members) - 1)]
            if other != me:
                return int(other)
        return None

    stubs = np.where(quiet, 0, 1 + rng.poisson(3.0 * activity / activity.mean()))
    ties = {}
    for me in range(n):
        for _ in range(stubs[me]):
            prog = programme[me] if programme[me] >= 0 else int(rng.integers(len(PROGRAMMES)))
            r = rng.random()
            if r < 0.40:
                other = pick(by_org[org[me]], me)
            elif r < 0.72:
                other = pick(by_place_prog[place[me], prog], me)
            elif r < 0.87:
                other = pick(by_prog[prog], me)
            elif r < 0.95:
                other = pick(by_place[place[me]], me)
            else:
                other = pick(anyone, me)
            if other is not None:
                key = (min(me, other), max(me, other))
                tie_prog = prog if programme[other] in (-1, prog) else int(rng.choice([prog, programme[other]]))
                ties.setdefault(key, (tie_prog, org[me] == org[other]))
    pairs = np.array(list(ties), dtype=int)
    tie_prog = np.array([t[0] for t in ties.values()])
    internal = np.array([t[1] for t in ties.values()])
    t = len(pairs)

    # Contacts per tie: heavy-tailed strength, at least one contact each.
    strength = rng.lognormal(0, 1.1, t) * np.where(internal, 1.5, 1.0)
    per_tie = 1 + rng.multinomial(max(contacts - t, 0), strength / strength.sum())
    if contacts < t:
        per_tie = np.ones(t, int)
    # Direction: mostly balanced, some one-sided.  Active span: some late starts, some faded.
    share_a = np.where(rng.random(t) < 0.08, 0.93, rng.beta(6, 6, t))
    start_m = np.where(rng.random(t) < 0.3, rng.integers(0, MONTHS - 6, t), 0)
    faded = rng.random(t) < 0.12
    end_m = np.where(faded, np.minimum(MONTHS - 6, start_m + rng.integers(6, MONTHS, t)), MONTHS)
    end_m = np.maximum(end_m, start_m + 3)
    negative = np.where(rng.random(t) < 0.06, rng.beta(4, 4, t), rng.beta(1, 30, t))

    idx = np.repeat(np.arange(t), per_tie)
    m = len(idx)
    first = END + pd.Timedelta(days=1) - pd.DateOffset(months=MONTHS)
    span_days = (end_m - start_m) * 30.4
    day = (start_m[idx] * 30.4 + rng.random(m) * span_days[idx]).astype(int)
    dates = (first + pd.to_timedelta(np.minimum(day, (END - first).days), unit="D")).strftime("%Y-%m-%d")
    a_first = rng.random(m) < share_a[idx]
    src = np.where(a_first, pairs[idx, 0], pairs[idx, 1])
    dst = np.where(a_first, pairs[idx, 1], pairs[idx, 0])
    rated = rng.random(m) < 0.4
    neg = rng.random(m) < negative[idx]
    sentiment = np.where(~rated, "", np.where(neg, "negative", np.where(rng.random(m) < 0.5, "positive", "neutral")))
    prog_names = np.array(PROGRAMMES + [""], dtype=object)
    contact_prog = np.where(rng.random(m) < 0.85, tie_prog[idx], len(PROGRAMMES))
    name_arr = np.array(names, dtype=object)
    log = pd.DataFrame({
        "date": dates, "source": name_arr[src], "target": name_arr[dst],
        "type": rng.choice(TYPES, size=m, p=[0.3, 0.4, 0.2, 0.1]),
        "programme": prog_names[contact_prog], "sentiment": sentiment,
    }).sort_values("date", kind="stable")
    registry = pd.DataFrame({"name": names, "kind": kind, "sector": sector, "parent": parent})
    folder = Path(folder)
    paths = {"interactions": folder / "interactions.csv", "actors": folder / "actors.csv"}
    log.to_csv(paths["interactions"], index=False)
    registry.to_csv(paths["actors"], index=False)
    stats = {"actors": n, "organisations": n_orgs, "places": n_places, "ties": t, "contacts": m,
             "internal_ties": int(internal.sum()), "quiet": int(quiet.sum())}
    return paths, stats


CPU = {}   # command name: processor seconds (user + system) of each run, its workers included


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(argv, cwd, env, timeout, name=None):
    """Run one command; return (seconds, CompletedProcess or None on timeout).  With
    ``name``, its processor time (of it and any worker it waited for) goes to ``CPU[name]``."""
    start, cpu = time.perf_counter(), _children_cpu()
    try:
        done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, None
    if name:
        CPU.setdefault(name, []).append(_children_cpu() - cpu)
    return time.perf_counter() - start, done


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--code", "--python", dest="code", default=os.environ.get("BENCH_CODE"),
                        metavar="PYTHONPATH", help="Put this folder first on PYTHONPATH in the subprocesses "
                        "(another checkout); default: env BENCH_CODE, else what the interpreter imports.")
    parser.add_argument("--actors", type=int, default=2000)
    parser.add_argument("--contacts", type=int, default=60000)
    parser.add_argument("--repeat", type=int, default=None, help="Runs of each command (default 3; 1 with --quick).")
    parser.add_argument("--quick", action="store_true", help="Smoke size: 500 actors, 15,000 contacts.")
    parser.add_argument("--seed", type=int, default=7, help="Seed of the generated log.")
    parser.add_argument("--timeout", type=float, default=1800, help="Seconds before a run is given up.")
    parser.add_argument("--no-demo", action="store_true", help="Do not time the demo.")
    args = parser.parse_args()
    if args.quick:
        # Not smaller: up to 400 actors the map takes another layout path (Kamada-Kawai).
        args.actors, args.contacts = min(args.actors, 500), min(args.contacts, 15000)
    repeat = args.repeat or (1 if args.quick else 3)

    env = dict(os.environ)
    if args.code:
        code = str(Path(args.code).resolve())
        env["PYTHONPATH"] = code + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("MPLBACKEND", "Agg")
    py = [sys.executable]

    with tempfile.TemporaryDirectory(prefix="bench_views_") as tmp:
        tmp = Path(tmp)
        # The working directory is the temporary folder, so a checkout in the current
        # directory cannot shadow PYTHONPATH (``python -m`` puts the cwd first).
        probe = "import stakeholder_graph as s; print(s.__file__); print(getattr(s, '__version__', '?'))"
        where = subprocess.run(py + ["-c", probe], cwd=tmp, env=env, capture_output=True, text=True, check=False)
        if where.returncode:
            sys.exit(f"cannot import stakeholder_graph in the subprocess:\n{where.stderr}")
        module, version = where.stdout.strip().splitlines()[-2:]
        commit = subprocess.run(["git", "-C", str(Path(module).parent.parent), "log", "-1", "--format=%h %s"],
                                capture_output=True, text=True, check=False).stdout.strip()
        print(f"code measured: {Path(module).parent} (version {version}"
              + (f", commit {commit[:70]}" if commit else "") + ")")
        print(f"PYTHONPATH={env.get('PYTHONPATH', '')!r}  python={sys.executable}  cores={os.cpu_count()}")

        start = time.perf_counter()
        paths, stats = make_partnership(tmp, args.actors, args.contacts, seed=args.seed)
        print(f"log (seed {args.seed}, generated in {time.perf_counter() - start:.1f} s): {stats['actors']:,} actors "
              f"({stats['organisations']} organisations, {stats['places']} places, {stats['quiet']} never in the log), "
              f"{stats['ties']:,} ties ({stats['internal_ties']:,} within an organisation), "
              f"{stats['contacts']:,} contacts; {paths['interactions'].stat().st_size / 1e6:.1f} MB")

        inputs = [str(paths["interactions"]), "--actors", str(paths["actors"])]
        argv = {
            "startup": ["--help"],
            "barriers": ["barriers", *inputs],
            "metrics": ["metrics", *inputs, "--format", "csv", "-o", str(tmp / "metrics.csv")],
            "report": ["report", *inputs, "-o", str(tmp / "briefing.html")],
            "map": ["map", *inputs, "-o", str(tmp / "map.html")],
        }
        times = {name: [] for name in argv}
        failed = {}
        run(py + ["-m", "stakeholder_graph", "--help"], tmp, env, args.timeout)   # warm-up, not timed
        print(f"running {len(argv)} commands x {repeat} (interleaved) ...", flush=True)
        for r in range(repeat):
            for name, rest in argv.items():
                if name in failed:
                    continue
                seconds, done = run(py + ["-m", "stakeholder_graph", *rest], tmp, env, args.timeout, name)
                if done is None or done.returncode:
                    failed[name] = (f"timed out after {args.timeout:.0f} s" if done is None else
                                    f"exit {done.returncode}:\n{(done.stderr or done.stdout).strip()[-3000:]}")
                    print(f"  {name}: FAILED ({failed[name].splitlines()[0]})", flush=True)
                    continue
                times[name].append(seconds)
                print(f"  run {r + 1} {name:<9} {seconds:7.2f} s", flush=True)

        demo_times, demo_self = [], []
        if not args.no_demo:
            for r in range(repeat):
                seconds, done = run(py + ["-m", "stakeholder_graph", "demo", "--out", str(tmp / f"demo{r}")],
                                    tmp, env, args.timeout)
                if done is None or done.returncode:
                    failed["demo"] = (f"timed out after {args.timeout:.0f} s" if done is None else
                                      f"exit {done.returncode}:\n{(done.stderr or done.stdout).strip()[-3000:]}")
                    print(f"  demo: FAILED ({failed['demo'].splitlines()[0]})", flush=True)
                    break
                demo_times.append(seconds)
                said = re.search(r"analysed in ([0-9.]+) s", done.stdout)
                if said:
                    demo_self.append(float(said.group(1)))
                print(f"  run {r + 1} demo      {seconds:7.2f} s" + (f" (says {said.group(1)} s)" if said else ""),
                      flush=True)

    med = {name: statistics.median(ts) for name, ts in times.items() if ts}
    base = med.get("barriers")
    print()
    print(f"{stats['actors']:,} actors, {stats['contacts']:,} contacts; median of {repeat} run(s), whole commands")
    # Wall clock is what a user waits; processor time adds a worker's (the briefing draws
    # some figures in a second process on a machine with two cores), so both are shown.
    cpu = {name: statistics.median(ts) for name, ts in CPU.items() if ts}
    print(f"{'command':<10} {'median s':>9} {'x barriers':>11} {'cpu s':>7} {'cpu x':>6}  runs (s)")
    for name in argv:
        if name not in med:
            print(f"{name:<10} {'FAILED':>9}")
            continue
        ratio = f"{med[name] / base:.2f}" if base else "-"
        cpu_ratio = f"{cpu[name] / cpu['barriers']:.2f}" if cpu.get("barriers") and name in cpu else "-"
        print(f"{name:<10} {med[name]:9.2f} {ratio:>11} {cpu.get(name, float('nan')):7.2f} {cpu_ratio:>6}  "
              + " ".join(f"{t:.2f}" for t in times[name]))
    if base and "startup" in med:
        print(f"{'(less startup)':<10}", end="")
        for name in ("metrics", "report", "map"):
            if name in med:
                print(f"  {name} {(med[name] - med['startup']) / (base - med['startup']):.2f}x", end="")
        print("  of barriers")
    if base:
        for name in ("metrics", "report"):
            if name in med:
                print(f"issue: {name} / barriers = {med[name] / base:.2f} (asked: <= 1.5)")
    if demo_times:
        print(f"demo: {statistics.median(demo_times):.2f} s median wall clock of {len(demo_times)} "
              f"(runs: {' '.join(f'{t:.2f}' for t in demo_times)})"
              + (f"; it reports {statistics.median(demo_self):.1f} s itself" if demo_self else ""))
    for name, error in failed.items():
        print(f"\n{name} FAILED: {error}")


if __name__ == "__main__":
    main()
