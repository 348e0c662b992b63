"""The diagnosis: planted barriers found and ranked high, healthy ties left alone, on the demo
and on a second world generated differently; hand-worked cases for each method."""

import networkx as nx
import pandas as pd
import pytest

import stakeholder_graph as sg
from worlds import make_world


def findings_of(found, kind):
    return [set(a.split(";")) for a in found.loc[found["kind"] == kind, "actors"]]


@pytest.fixture(scope="module")
def demo_found(demo_graph):
    return sg.find_barriers(demo_graph)


def test_contract_columns_and_order(demo_found):
    for column in ["kind", "severity", "actors", "explanation", "suggestion"]:
        assert column in demo_found.columns
    assert demo_found["severity"].is_monotonic_decreasing
    assert demo_found["severity"].between(0, 1).all()
    assert set(demo_found["kind"]) <= set(sg.BARRIER_KINDS)
    assert demo_found["explanation"].str.len().gt(40).all()


@pytest.mark.parametrize("kind,actors,_", sg.PLANTED)
def test_every_planted_demo_barrier_is_found_near_the_top(demo_found, kind, actors, _):
    rows = demo_found[demo_found["kind"] == kind]
    if kind == "structural_hole":
        hit = rows[rows["actors"].str.contains(actors[0]) & rows["actors"].str.contains(actors[1])]
    else:
        hit = rows[[set(actors) <= set(a.split(";")) for a in rows["actors"]]]
    assert len(hit), f"planted {kind} {actors} not found"
    rank = hit.index[0]
    assert rank < len(demo_found) / 2, f"{kind} {actors} ranked {rank + 1} of {len(demo_found)}"


def test_healthy_demo_ties_are_not_flagged(demo_found):
    tie_kinds = {"weak_tie", "decayed_tie", "one_sided", "strained_tie", "bridge"}
    flagged = [set(a.split(";")) for k, a in zip(demo_found["kind"], demo_found["actors"]) if k in tie_kinds]
    for pair in sg.HEALTHY:
        assert set(pair) not in flagged, pair


def test_list_stays_readable(demo_found):
    assert len(demo_found) <= 40
    assert demo_found["kind"].value_counts().max() <= sg.Thresholds().max_per_kind


@pytest.mark.parametrize("seed,organisations", [(11, 16), (23, 24)])
def test_second_world_planted_barriers_found(seed, organisations):
    log, registry, planted = make_world(seed=seed, organisations=organisations)
    G = sg.build_graph(log, actors=registry)
    found = sg.find_barriers(G)
    top = found.head(len(found) // 2 + 3)
    for kind, actors in planted.items():
        hits = [s for s in findings_of(top, kind) if actors <= s]
        assert hits, f"world {seed}: planted {kind} {actors} not in the top half"
    # Steady, balanced background ties must not be called one-sided or strained.
    for kind in ["one_sided", "strained_tie"]:
        assert findings_of(found, kind) == [planted[kind]], kind
    # Decay: allow at most one chance finding among ~50 Poisson background ties.
    assert len(findings_of(found, "decayed_tie")) <= 2


def test_thresholds_change_from_python(demo_graph):
    strict = sg.find_barriers(demo_graph, kinds=["one_sided"], one_sided_share=0.99)
    assert strict.empty
    wide = sg.find_barriers(demo_graph, max_per_kind=0)
    assert len(wide) > len(sg.find_barriers(demo_graph))
    with pytest.raises(sg.InputError, match="unknown threshold"):
        sg.find_barriers(demo_graph, decay=0.1)


def test_organisation_filter(demo_graph):
    found = sg.find_barriers(demo_graph, organisation="Eastfield Borough Council")
    assert len(found) >= 1
    members = {"Eastfield Borough Council", "Eastfield Adult Social Care"}
    assert all(set(a.split(";")) & members for a in found["actors"])


def test_deterministic(demo_graph):
    pd.testing.assert_frame_equal(sg.find_barriers(demo_graph, seed=3), sg.find_barriers(demo_graph, seed=3))


# ---- hand-worked cases for each method ----------------------------------------------

def _graph(edges, **attrs):
    G = nx.Graph()
    for u, v, w in edges:
        G.add_edge(u, v, weight=w, distance=1 / w, count=int(w), last=pd.Timestamp("2024-01-01"),
                   actor_a=min(u, v), actor_b=max(u, v), **attrs)
    G.graph["as_of"] = "2024-01-01"
    return G


def test_bridge_and_broker_on_two_triangles():
    # Two triangles joined by the tie c-d: c-d is a bridge with 3 actors on each side;
    # c and d are cut points, each cutting off 2 actors.
    G = _graph([("a", "b", 5), ("b", "c", 5), ("a", "c", 5), ("d", "e", 5), ("e", "f", 5), ("d", "f", 5),
                ("c", "d", 1)])
    found = sg.find_barriers(G, kinds=["bridge", "broker"])
    assert findings_of(found, "bridge") == [{"c", "d"}]
    brokers = found[found["kind"] == "broker"]
    assert set(brokers["actors"]) == {"c", "d"} and set(brokers["evidence"]) == {2.0}


def test_onnela_overlap_hand_worked():
    # a-b share partner c; a has partners b, c, d; b has a, c: O_ab = 1 / ((3-1) + (2-1) - 1) = 0.5
    G = nx.Graph([("a", "b"), ("a", "c"), ("b", "c"), ("a", "d")])
    overlap = sg.tie_overlap(G)
    assert overlap[("a", "b")] == pytest.approx(0.5)
    assert overlap[("a", "d")] == 0.0


def test_silo_ei_hand_worked():
    G = _graph([("s1", "s2", 10), ("s2", "s3", 10), ("s1", "s3", 10), ("s1", "x", 1), ("x", "y", 5)])
    for n in ["s1", "s2", "s3"]:
        G.nodes[n]["organisation"] = "S"
    for n in ["x", "y"]:
        G.nodes[n]["organisation"] = n
    silo = sg.find_barriers(G, kinds=["silo"])
    # internal strength 30, external 1: E-I = (1 - 30) / 31
    assert silo["evidence"].iloc[0] == pytest.approx(-29 / 31)
    # counting ties instead: 3 internal, 1 external
    assert silo["ei_unweighted"].iloc[0] == pytest.approx((1 - 3) / 4)
    assert silo["actors"].iloc[0] == "S"


def test_missing_link_prefers_resource_allocation():
    # p and q share partners a, b, c (degree 2 each: RA = 3 x 1/2); r and s share hub h and
    # two others, but h has 6 partners, so r-s scores lower.
    edges = [("p", x, 1) for x in "abc"] + [("q", x, 1) for x in "abc"]
    edges += [("r", "h", 1), ("s", "h", 1), ("r", "k", 1), ("s", "k", 1), ("r", "m", 1), ("s", "m", 1)]
    edges += [("h", z, 1) for z in ["z1", "z2", "z3", "z4"]]
    found = sg.find_barriers(_graph(edges), kinds=["missing_link"])
    assert findings_of(found, "missing_link")[0] == {"p", "q"}
    assert found["evidence"].iloc[0] == pytest.approx(1.5)


def test_graph_without_ties():
    G = nx.Graph()
    G.add_nodes_from(["a", "b"])
    found = sg.find_barriers(G)
    assert list(found["kind"]) == ["isolate", "isolate"]
    assert sg.find_barriers(nx.Graph()).empty
    assert sg.structural_holes(G)["constraint"].isna().all()


def test_tail_probabilities_match_scipy_stats():
    """The decay and one-sidedness tests use scipy.special (scipy.stats takes most of a
    second to import); the values must be scipy.stats' own."""
    from scipy.stats import binom, poisson
    from stakeholder_graph.barriers import binomial_cdf, poisson_cdf
    for k in [0, 0.4, 1, 2.7, 5, 12, 40]:
        for mean in [0.3, 1, 4.5, 20, 100]:
            assert poisson_cdf(k, mean) == pytest.approx(poisson.cdf(k, mean), rel=1e-9, abs=1e-15)
    for n in [1, 5, 12, 60, 494]:
        for k in range(0, n + 1, max(1, n // 7)):
            assert binomial_cdf(k, n, 0.5) == pytest.approx(binom.cdf(k, n, 0.5), rel=1e-9, abs=1e-300)
