"""Calibration of compare_periods: what it calls changed where nothing changed.

Null worlds (``tests/null_worlds.py``: stationary, bursty and clustered partnerships, 10 of
each) are split 6, 15 and 24 months into their 30; every tie called formed, lost,
strengthened or weakened, every measure called up or down, and every barrier called
closed or new is a false alarm.  Printed per kind of world: ties called changed (count
and share), measures called changed, barriers closed or new per split (by kind).

Figures only: nothing is asserted.

    python benchmarks/calibrate_compare.py [--worlds 10]
"""

import argparse
import collections
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

import stakeholder_graph as sg  # noqa: E402
from null_worlds import END, bursty_world, clustered_world, stationary_world  # noqa: E402

WORLDS = (("stationary", stationary_world), ("bursty", bursty_world), ("clustered", clustered_world))
SPLITS = (6, 15, 24)      # months into the 30


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worlds", type=int, default=10, help="worlds of each kind (10)")
    args = parser.parse_args()
    started = time.perf_counter()
    end = pd.Timestamp(END)
    for name, generator in WORLDS:
        changed = total = measures = splits = 0
        flips = collections.Counter()
        for seed in range(args.worlds):
            log, registry, _ = generator(seed)
            for months in SPLITS:
                at = (end - pd.DateOffset(months=30 - months)).strftime("%Y-%m-%d")
                table = sg.compare_periods(log, actors=registry, at=at, seed=0).table()
                splits += 1
                ties = table[table["section"] == "tie"]
                total += len(ties)
                changed += int((ties["change"] != "unchanged").sum())
                measures += int(((table["section"] == "measure") & table["change"].isin(["up", "down"])).sum())
                flips.update(table.loc[(table["section"] == "barrier") & table["change"].isin(["closed", "new"]), "kind"])
        print(f"{name:10s}: ties called changed {changed} of {total} ({100 * changed / max(total, 1):.2f}%), "
              f"measures called changed {measures}, barriers closed or new per split "
              f"{sum(flips.values()) / splits:.2f} {dict(flips)}", flush=True)
    print(f"Total time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
