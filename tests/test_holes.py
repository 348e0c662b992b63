"""Structural holes against the published values (UCINET and igraph, as recorded in
networkx's own tests), Borgatti's (1997) worked example, igraph, and hand-worked cases."""

import math

import networkx as nx
import numpy as np
import pytest

import stakeholder_graph as sg


@pytest.fixture
def D():
    D = nx.DiGraph([(0, 1), (0, 2), (1, 0), (2, 1)])
    nx.set_edge_attributes(D, {(0, 1): 2, (0, 2): 2, (1, 0): 1, (2, 1): 1}, "weight")
    return D


@pytest.fixture
def G():
    # Borgatti (1997), "Structural holes: unpacking Burt's redundancy measures", Connections 20(1).
    G = nx.Graph([("A", "B"), ("A", "F"), ("A", "G"), ("A", "E"), ("E", "G"),
                  ("F", "G"), ("B", "G"), ("B", "D"), ("D", "G"), ("G", "C")])
    nx.set_edge_attributes(G, {("A", "B"): 2, ("A", "F"): 3, ("A", "G"): 5, ("A", "E"): 2, ("E", "G"): 8,
                               ("F", "G"): 3, ("B", "G"): 4, ("B", "D"): 1, ("D", "G"): 3, ("G", "C"): 10},
                           "weight")
    return G


def values(frame, column, nodes):
    return [round(frame.loc[n, column], 3) for n in nodes]


# Expected values: computed with UCINET and igraph, then by hand (networkx's test-suite).
def test_directed_unweighted(D):
    h = sg.structural_holes(D)
    assert values(h, "constraint", [0, 1, 2]) == pytest.approx([1.003, 1.003, 1.389], abs=1e-3)
    assert values(h, "effective_size", [0, 1, 2]) == pytest.approx([1.167, 1.167, 1.0], abs=1e-3)


def test_directed_weighted(D):
    h = sg.structural_holes(D, weight="weight")
    assert values(h, "constraint", [0, 1, 2]) == pytest.approx([0.840, 1.143, 1.378], abs=1e-3)
    assert values(h, "effective_size", [0, 1, 2]) == pytest.approx([1.567, 1.083, 1.0], abs=1e-3)


def test_undirected_unweighted_borgatti(G):
    h = sg.structural_holes(G)
    assert values(h, "constraint", ["G", "A", "C"]) == pytest.approx([0.400, 0.595, 1.0], abs=1e-3)
    assert values(h, "effective_size", ["G", "A", "C"]) == pytest.approx([4.67, 2.50, 1.0], abs=1e-2)
    # Borgatti: efficiency = effective size / degree; G has 6 contacts.
    assert h.loc["G", "efficiency"] == pytest.approx(4.667 / 6, abs=1e-3)


def test_undirected_weighted(G):
    h = sg.structural_holes(G, weight="weight")
    assert values(h, "constraint", ["G", "A", "C"]) == pytest.approx([0.299, 0.795, 1.0], abs=1e-3)
    assert values(h, "effective_size", ["G", "A", "C"]) == pytest.approx([5.47, 2.47, 1.0], abs=1e-2)


def test_isolates_are_nan(G):
    G.add_node("lonely")
    h = sg.structural_holes(G, weight="weight")
    assert h.loc["lonely", "degree"] == 0
    assert all(math.isnan(h.loc["lonely", c]) for c in ["effective_size", "efficiency", "constraint", "hierarchy"])


def test_constraint_matches_igraph_on_a_random_weighted_graph():
    ig = pytest.importorskip("igraph")
    G = nx.gnm_random_graph(60, 200, seed=4)
    rng = np.random.default_rng(4)
    for u, v in G.edges():
        G[u][v]["weight"] = float(rng.integers(1, 9))
    h = sg.structural_holes(G, weight="weight")
    I = ig.Graph(n=60, edges=list(G.edges()))
    expected = I.constraint(weights=[G[u][v]["weight"] for u, v in G.edges()])
    for node in G:
        if G.degree(node):
            assert h.loc[node, "constraint"] == pytest.approx(expected[node], abs=1e-9)


def test_effective_size_matches_networkx_per_node_on_weighted_directed():
    # networkx is right when nodes are given one at a time (the 3.6 bug is the all-nodes path).
    D = nx.gnm_random_graph(30, 90, seed=2, directed=True)
    for i, (u, v) in enumerate(D.edges()):
        D[u][v]["weight"] = 1 + i % 4
    h = sg.structural_holes(D, weight="weight")
    # (networkx returns NaN for an actor with no out-ties, even if others reach it.)
    for node in list(D)[:15]:
        if D.out_degree(node):
            expected = nx.effective_size(D, nodes=[node], weight="weight")[node]
            assert h.loc[node, "effective_size"] == pytest.approx(expected)


def test_hierarchy_hand_worked():
    # Star centre: four contacts, none tied to another, equal strength: every c_ij = 1/16,
    # all equal, so hierarchy is 0.
    assert sg.structural_holes(nx.star_graph(4)).loc[0, "hierarchy"] == pytest.approx(0)
    # Ego e with contacts a (strength 3) and b (strength 1), a and b not tied:
    # p_ea = 3/4, p_eb = 1/4, c_ea = 9/16, c_eb = 1/16, C = 10/16, mean = 5/16,
    # r = (9/5, 1/5): H = (1.8 ln 1.8 + 0.2 ln 0.2) / (2 ln 2) = 0.5858...
    G = nx.Graph()
    G.add_edge("e", "a", weight=3)
    G.add_edge("e", "b", weight=1)
    expected = (1.8 * math.log(1.8) + 0.2 * math.log(0.2)) / (2 * math.log(2))
    assert sg.structural_holes(G, weight="weight").loc["e", "hierarchy"] == pytest.approx(expected)
    assert sg.structural_holes(G, weight="weight").loc["e", "constraint"] == pytest.approx(10 / 16)
