"""Time of find_barriers and structural_holes on generated graphs of 500, 2,000 and 5,000 actors.

Graphs: a seeded Watts-Strogatz small world (about 10 ties per actor, 10% rewired: the
clustering of real partnerships) with tie attributes as build_graph makes them, and
organisations of about 8 actors.  Baseline in the same run: networkx's own
``nx.constraint`` plus ``nx.effective_size(G, nodes=all, weight=...)`` (the correct
per-node path; without ``nodes`` networkx 3.6 is wrong on weighted graphs), and
``nx.betweenness_centrality`` exact, unweighted and (up to 1,000 actors) weighted on distance,
which is what any diagnosis needs at least.

    python benchmarks/bench_barriers.py [--sizes 500 2000 5000]
"""

import argparse
import math
import time

import networkx as nx
import numpy as np
import pandas as pd

import stakeholder_graph as sg


def make_graph(n, seed=0):
    rng = np.random.default_rng(seed)
    G = nx.connected_watts_strogatz_graph(n, 10, 0.1, seed=seed)
    as_of = pd.Timestamp("2025-01-01")
    for u, v in G.edges():
        count = int(rng.integers(1, 60))
        ab = int(rng.binomial(count, rng.choice([0.5, 0.5, 0.95])))
        rated = int(rng.integers(0, count + 1))
        peak = float(rng.integers(1, 20))
        G[u][v].update(weight=float(rng.gamma(2, 5)), count=count, volume=float(count), a_to_b=ab,
                       b_to_a=count - ab, actor_a=min(u, v), actor_b=max(u, v), rated=rated,
                       negative=int(rng.binomial(rated, 0.1)), first=as_of - pd.Timedelta(days=900),
                       last=as_of - pd.Timedelta(days=int(rng.integers(0, 400))), programmes="diabetes",
                       peak_volume=peak, recent_volume=float(rng.integers(0, 20)),
                       peak_end=as_of - pd.Timedelta(days=180 * int(rng.integers(0, 5))))
        G[u][v]["distance"] = 1 / G[u][v]["weight"]
    for node in G:
        G.nodes[node].update(organisation=f"org{node // 8}", sector=f"sector{node % 7}", kind="team")
    G.graph.update(as_of="2025-01-01", half_life=180.0, level="actor")
    return G


def timed(func, repeat=1):
    best = math.inf
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 1000, 2000, 5000])
    args = parser.parse_args()
    rows = []
    for n in args.sizes:
        G = make_graph(n)
        holes = timed(lambda: sg.structural_holes(G, weight="weight"), repeat=3)
        nx_constraint = (timed(lambda: (nx.constraint(G, weight="weight"),
                                        nx.effective_size(G, nodes=list(G), weight="weight")))
                         if n <= 2000 else float("nan"))
        barriers = timed(lambda: sg.find_barriers(G))
        between = timed(lambda: nx.betweenness_centrality(G)) if n <= 2000 else float("nan")
        weighted = timed(lambda: nx.betweenness_centrality(G, weight="distance")) if n <= 1000 else float("nan")
        rows.append((n, G.number_of_edges(), holes, nx_constraint, barriers, between))
        print(f"{n:>6,} actors {G.number_of_edges():>7,} ties: structural_holes {holes:7.3f} s "
              f"(nx constraint + effective_size {nx_constraint:7.2f} s, ratio {holes / nx_constraint:.3f}); "
              f"find_barriers {barriers:6.2f} s (exact nx betweenness {between:6.2f} s, "
              f"ratio {barriers / between:.2f}; weighted {weighted:6.2f} s, ratio {barriers / weighted:.2f})")
    for (n0, _, h0, _, b0, _), (n1, _, h1, _, b1, _) in zip(rows, rows[1:]):
        k = math.log(n1 / n0)
        print(f"growth {n0:,} -> {n1:,} actors: structural_holes ~ n^{math.log(h1 / h0) / k:.2f}, "
              f"find_barriers ~ n^{math.log(b1 / b0) / k:.2f}")


if __name__ == "__main__":
    main()
