"""Whole-network and per-actor measures against hand-worked values and peer libraries
(igraph, networkx)."""

import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import stakeholder_graph as sg
from stakeholder_graph import metrics


def test_krackhardt_kite_hand_worked():
    # Degrees 4,4,3,6,3,5,5,3,2,1 (Krackhardt 1990): sum(6 - d) = 24 over (n-1)(n-2) = 72.
    # Betweenness (Krackhardt 1990, as UCINET reports it): Heather 14, Fernando and Garth
    # 8.333, Ike 8, Diane 3.667, Andre and Beverly 0.833, others 0; sum(14 - b) = 96 over
    # (n-1)^2 (n-2) / 2 = 324.
    s = sg.network_summary(nx.krackhardt_kite_graph())
    assert s["density"] == pytest.approx(18 / 45)
    assert s["degree_centralization"] == pytest.approx(24 / 72)
    assert s["betweenness_centralization"] == pytest.approx(96 / 324, abs=1e-4)
    assert s["components"] == 1 and s["isolates"] == 0


def test_star_and_complete_graph_extremes():
    assert sg.network_summary(nx.star_graph(6))["degree_centralization"] == pytest.approx(1)
    assert sg.network_summary(nx.star_graph(6))["betweenness_centralization"] == pytest.approx(1)
    assert sg.network_summary(nx.complete_graph(6))["degree_centralization"] == pytest.approx(0)


def _random_log(seed=3, n=25, contacts=160):
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, contacts)
    dst = rng.integers(0, n, contacts)
    keep = src != dst
    return pd.DataFrame({"date": "2024-01-01", "source": [f"a{i:02d}" for i in src[keep]],
                         "target": [f"a{i:02d}" for i in dst[keep]]})


def test_matches_igraph_on_a_random_directed_log():
    ig = pytest.importorskip("igraph")
    log = _random_log()
    G = sg.build_graph(log)
    s = sg.network_summary(G)
    names = sorted(G)
    arcs = sorted({(names.index(a), names.index(b)) for a, b in zip(log["source"], log["target"])})
    D = ig.Graph(n=len(names), edges=arcs, directed=True)
    U = D.as_undirected(mode="collapse")
    assert s["ties"] == U.ecount()
    assert s["density"] == pytest.approx(U.density())
    assert s["directed_density"] == pytest.approx(D.density())
    assert s["reciprocity"] == pytest.approx(D.reciprocity(ignore_loops=True, mode="ratio"))
    assert s["transitivity"] == pytest.approx(U.transitivity_undirected())
    assert s["average_clustering"] == pytest.approx(U.transitivity_avglocal_undirected(mode="zero"))
    assert s["components"] == len(U.connected_components())
    # Freeman betweenness centralization from igraph's betweenness scores (the formula's
    # maximum is the star's, checked on the kite above).
    b = np.array(U.betweenness())
    n = U.vcount()
    assert s["betweenness_centralization"] == pytest.approx((b.max() - b).sum() / ((n - 1) ** 2 * (n - 2) / 2))


def test_ei_index_weighted_and_by_sector():
    G = nx.Graph()
    G.add_nodes_from(["a1", "a2"], organisation="A", sector="acute")
    G.add_nodes_from(["b1"], organisation="B", sector="acute")
    G.add_nodes_from(["c1"], organisation="C", sector="council")
    G.add_edge("a1", "a2", weight=3.0)   # internal to A and to acute
    G.add_edge("a1", "b1", weight=1.0)   # external by organisation, internal by sector
    G.add_edge("b1", "c1", weight=1.0)   # external by both
    ei = sg.network_summary(G)["ei_index"]
    assert ei["organisation"] == pytest.approx((2 - 1) / 3)
    assert ei["organisation_weighted"] == pytest.approx((2 - 3) / 5)
    assert ei["sector"] == pytest.approx((1 - 2) / 3)


def test_demo_summary_is_json_ready(demo_graph):
    import json
    s = sg.network_summary(demo_graph)
    assert json.loads(json.dumps(s))["actors"] == demo_graph.number_of_nodes()
    assert s["isolates"] >= 1                                 # Carers Together Northvale


def test_metrics_table(demo_graph):
    table = sg.node_metrics(demo_graph)
    assert len(table) == demo_graph.number_of_nodes()
    for column in ["degree", "strength", "betweenness", "closeness", "eigenvector", "effective_size",
                   "constraint", "hierarchy", "community", "organisation", "sector", "liaison"]:
        assert column in table.columns
    hole = sg.structural_holes(demo_graph, weight="weight")
    assert table["constraint"].equals(hole["constraint"].reindex(table.index))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_closeness_matches_networkx(seed):
    """igraph's closeness, rescaled as Wasserman and Faust: networkx's values (peer library),
    on a weighted graph with three components and an isolate."""
    rng = random.Random(seed)
    G = nx.Graph()
    G.add_nodes_from(range(40))
    for block in (range(0, 20), range(20, 32), range(32, 39)):
        nodes = list(block)
        for _ in range(len(nodes) * 2):
            u, v = rng.sample(nodes, 2)
            G.add_edge(u, v, distance=rng.uniform(0.1, 3.0))
    ours = sg.closeness(G, distance="distance")
    theirs = nx.closeness_centrality(G, distance="distance")
    assert ours == pytest.approx(theirs, abs=1e-12)
    assert sg.closeness(G, distance=None) == pytest.approx(nx.closeness_centrality(G), abs=1e-12)


def test_eigenvector_matches_networkx_and_repeats_exactly(demo_graph):
    """Same values as networkx's eigenvector_centrality_numpy (peer library), and the very
    same bits every run (networkx starts ARPACK at random)."""
    ours = metrics.eigenvector(demo_graph)
    for component in nx.connected_components(demo_graph):
        if len(component) < 3:
            continue
        theirs = nx.eigenvector_centrality_numpy(demo_graph.subgraph(component), weight="weight")
        top = max(abs(v) for v in theirs.values())
        for node in component:
            assert ours[node] == pytest.approx(abs(theirs[node]) / top, abs=1e-9)
    assert metrics.eigenvector(demo_graph) == ours
