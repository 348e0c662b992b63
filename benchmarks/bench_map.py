"""Time until a 2,000-actor map is still in headless chromium, and the HTML size, for our
map and for a plain pyvis export of the same graph with default settings (same run).

"Still" means node positions unchanged over 300 ms, polled from the page's global
``network``; the clock starts at navigation.  Needs chromium and playwright.

    python benchmarks/bench_map.py [--actors 2000] [--ties-per-actor 10]
"""

import argparse
import shutil
import tempfile
import time
from pathlib import Path

import networkx as nx

import stakeholder_graph as sg

STILL = """async (limit) => {
  const snap = () => JSON.stringify(network.getPositions());
  let last = snap();
  while (performance.now() < limit * 1000) {
    await new Promise(r => setTimeout(r, 300));
    const now = snap();
    if (now === last) return performance.now();
    last = now;
  }
  return null;
}"""
LIMIT_S = 180


def make_graph(n, k, seed=1):
    G = nx.connected_watts_strogatz_graph(n, k, 0.1, seed=seed)
    for u, v in G.edges():
        w = 1.0 + (u * v) % 5
        G[u][v].update(weight=w, distance=1 / w, count=int(w))
    for node in G:
        G.nodes[node].update(sector=f"sector {node % 9}", organisation=f"org {node // 8}")
    return nx.relabel_nodes(G, {i: f"Actor {i:04d}" for i in G})


def time_to_still(browser, path):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(path.as_uri(), wait_until="load", timeout=300_000)
    page.wait_for_function("typeof network !== 'undefined'", timeout=300_000)
    still_at = page.evaluate(STILL, LIMIT_S)
    page.close()
    if still_at is None:
        return float("inf")               # still moving after LIMIT_S seconds
    return still_at / 1000 - 0.3          # the last 300 ms only confirmed stillness


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actors", type=int, default=2000)
    parser.add_argument("--ties-per-actor", type=int, default=10)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright
    from pyvis.network import Network
    G = make_graph(args.actors, args.ties_per_actor)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        start = time.perf_counter()
        ours = sg.write_map(G, tmp / "ours.html")
        ours_write = time.perf_counter() - start
        start = time.perf_counter()
        net = Network(cdn_resources="in_line")     # the default settings, vis-network inlined
        net.from_nx(G.copy())
        net.write_html(str(tmp / "pyvis.html"))
        plain_write = time.perf_counter() - start
        plain = tmp / "pyvis.html"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                        args=["--no-sandbox", "--disable-gpu"])
            ours_still = time_to_still(browser, ours)
            print(f"ours still after {ours_still:.2f} s", flush=True)
            plain_still = time_to_still(browser, plain)
            browser.close()
        print(f"graph: {G.number_of_nodes():,} actors, {G.number_of_edges():,} ties")
        print(f"ours : written in {ours_write:.2f} s (barriers and layout included), "
              f"{ours.stat().st_size / 1e6:.2f} MB, still after {ours_still:.2f} s")
        print(f"pyvis: written in {plain_write:.2f} s, {plain.stat().st_size / 1e6:.2f} MB, "
              f"still after {plain_still:.2f} s" + (f" (not still within {LIMIT_S} s)" if plain_still == float("inf") else ""))
        still_ratio = (f"{ours_still / plain_still:.3f}" if plain_still != float("inf")
                       else f"< {ours_still / LIMIT_S:.3f} (pyvis not still within {LIMIT_S} s)")
        print(f"ratios ours/pyvis: time to still {still_ratio}, "
              f"HTML size {ours.stat().st_size / plain.stat().st_size:.2f}")


if __name__ == "__main__":
    main()
