"""The diagnosis: every finding a claim tested against chance.

Planted barriers found at severity 0.8 or more on the demo and on two differently generated
worlds; partnerships where nothing is wrong give (nearly) no findings; hand-worked p-values
for each test, with the values' source named in each test."""

import math
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import stakeholder_graph as sg
from stakeholder_graph.chance import (bh_qvalues, binomial_cdf, binomial_sf, evidence, hypergeometric_sf, nb_cdf,
                                      poisson_binomial_cdf, poisson_cdf)
from worlds import make_world


def findings_of(found, kind):
    return [set(a.split(";")) for a in found.loc[found["kind"] == kind, "actors"]]


@pytest.fixture(scope="module")
def demo_found(demo_graph):
    return sg.find_barriers(demo_graph)


def test_contract_columns_and_order(demo_found):
    for column in ["kind", "severity", "actors", "explanation", "suggestion", "p_value", "q_value", "tested",
                   "effect"]:
        assert column in demo_found.columns
    assert demo_found["severity"].is_monotonic_decreasing
    assert demo_found["severity"].between(0, 1).all()
    assert set(demo_found["kind"]) <= set(sg.BARRIER_KINDS)
    assert demo_found["explanation"].str.len().gt(40).all()
    # Every finding passed its test at the default false-discovery level.
    assert (demo_found["q_value"] <= 0.05).all() and (demo_found["p_value"] <= demo_found["q_value"]).all()
    assert (demo_found["tested"] >= 1).all()
    # Severity is evidence x effect, as documented.
    expected = evidence(demo_found["q_value"]) * demo_found["effect"]
    np.testing.assert_allclose(demo_found["severity"], expected, atol=1e-6)


@pytest.mark.parametrize("kind,actors,_", sg.PLANTED)
def test_every_planted_demo_barrier_is_found_at_08(demo_found, kind, actors, _):
    rows = demo_found[demo_found["kind"] == kind]
    if kind == "structural_hole":
        hit = rows[rows["actors"].str.contains(actors[0]) & rows["actors"].str.contains(actors[1])]
    else:
        hit = rows[[set(actors) <= set(a.split(";")) for a in rows["actors"]]]
    assert len(hit), f"planted {kind} {actors} not found"
    assert hit["severity"].iloc[0] >= 0.8, f"{kind} {actors}: severity {hit['severity'].iloc[0]:.2f}"


def test_healthy_demo_ties_are_not_flagged(demo_found):
    tie_kinds = {"weak_tie", "decayed_tie", "one_sided", "strained_tie", "bridge"}
    flagged = [set(a.split(";")) for k, a in zip(demo_found["kind"], demo_found["actors"]) if k in tie_kinds]
    for pair in sg.HEALTHY:
        assert set(pair) not in flagged, pair


def test_plain_english_sentences(demo_found):
    """Numbers stay in evidence columns: the sentence a facilitator reads has no jargon."""
    for jargon in ["E-I index", "local bridge", "circle around", "resource allocation", "volume"]:
        assert not demo_found["explanation"].str.contains(jargon).any(), jargon


@pytest.mark.parametrize("seed,organisations", [(11, 16), (23, 24)])
def test_second_world_planted_barriers_found(seed, organisations):
    log, registry, planted = make_world(seed=seed, organisations=organisations)
    G = sg.build_graph(log, actors=registry)
    found = sg.find_barriers(G)
    for kind, actors in planted.items():
        hits = found[(found["kind"] == kind).to_numpy() & np.array([actors <= set(a.split(";")) for a in found["actors"]])]
        assert len(hits) and hits["severity"].iloc[0] >= 0.8, f"world {seed}: planted {kind} {actors}"
    # Steady, balanced background ties are not called one-sided, strained or decayed.
    for kind in ["one_sided", "strained_tie", "decayed_tie"]:
        assert findings_of(found, kind) == [planted[kind]], kind


def test_null_partnerships_give_nearly_no_findings():
    """Partnerships where nothing is wrong (stationary contact, free mixing, even initiation,
    a constant small negative share): a false finding is rare (the full calibration, with
    bursty and 300-actor partnerships, is benchmarks/bench_calibration.py)."""
    from null_worlds import stationary_world
    counts = []
    for seed in range(4):
        log, registry, _ = stationary_world(seed)
        counts.append(len(sg.find_barriers(sg.build_graph(log, actors=registry))))
    assert sum(counts) <= 2, counts


def test_a_three_by_three_gap_between_sectors_is_one_finding():
    """Two sectors of three teams that work with the same partners but never with each
    other are one gap between the sectors, not nine scattered introductions."""
    from null_worlds import HOLE_SECTORS, planted_world
    log, registry, planted = planted_world(0)
    found = sg.find_barriers(sg.build_graph(log, actors=registry))
    gaps = found[found["kind"] == "structural_hole"]
    hit = gaps[[all(s in a for s in HOLE_SECTORS) for a in gaps["actors"]]]
    assert len(hit) == 1 and hit["severity"].iloc[0] >= 0.8
    councils = {a for a, d in registry.set_index("name").iterrows() if d["sector"] == HOLE_SECTORS[0]}
    crossing = [s for s in findings_of(found, "missing_link") if s & councils]
    assert not crossing, crossing


def test_settings_from_python_and_retired_thresholds(demo_graph):
    strict = sg.find_barriers(demo_graph, fdr=1e-6)
    assert len(strict) < len(sg.find_barriers(demo_graph)) and (strict["q_value"] <= 1e-6).all()
    with pytest.raises(sg.InputError, match="unknown threshold"):
        sg.find_barriers(demo_graph, decay=0.1)
    with pytest.raises(sg.InputError, match="whole number"):
        sg.find_barriers(demo_graph, permutations=9.5)
    assert isinstance(sg.Thresholds().updated(fdr=0.1).fdr, float)
    # A retired name still works for one release, with a warning; max_per_kind still caps.
    with pytest.warns(FutureWarning, match="retired"):
        capped = sg.find_barriers(demo_graph, max_per_kind=1)
    assert capped["kind"].value_counts().max() == 1
    with pytest.warns(FutureWarning):
        sg.find_barriers(demo_graph, decay_ratio=0.3)


def test_no_silent_cap(demo_graph):
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # the default call warns about nothing
        found = sg.find_barriers(demo_graph)
    assert found["kind"].value_counts().max() >= 2 or len(found) == len(set(found["kind"]))


def test_organisation_filter(demo_graph):
    found = sg.find_barriers(demo_graph, organisation="Eastfield Borough Council")
    assert len(found) >= 1
    members = {"Eastfield Borough Council", "Eastfield Adult Social Care"}
    assert all(set(a.split(";")) & members or "local authority" in a for a in found["actors"])


def test_deterministic(demo_graph):
    pd.testing.assert_frame_equal(sg.find_barriers(demo_graph, seed=3), sg.find_barriers(demo_graph, seed=3))


# ---- hand-worked cases for each test ------------------------------------------------

def _graph(edges, **attrs):
    G = nx.Graph()
    for u, v, w in edges:
        G.add_edge(u, v, weight=w, distance=1 / w, count=int(w), last=pd.Timestamp("2024-01-01"),
                   actor_a=min(u, v), actor_b=max(u, v), **attrs)
    G.graph["as_of"] = "2024-01-01"
    return G


def test_bridge_between_two_closed_groups_hand_worked():
    """K5 and K6 joined by one tie a0-b0.  The smaller side {a0..a4} hangs on b0: its ties'
    ends number vol = 5 x 4 + 1 = 21, b0 has 6, 2m = 2 (10 + 15 + 1) = 52, so in a random
    partnership with these degrees E = 21 (52 - 21 - 6) / 52 of its ties would reach the
    rest directly; p = P(none) = exp(-E)."""
    G = nx.Graph()
    left, right = [f"a{i}" for i in range(5)], [f"b{i}" for i in range(6)]
    for group in (left, right):
        G.add_edges_from((x, y, {"weight": 5.0, "distance": 0.2, "count": 10})
                         for i, x in enumerate(group) for y in group[i + 1:])
    G.add_edge("a0", "b0", weight=5.0, distance=0.2, count=10)
    found = sg.find_barriers(G, kinds=["bridge", "broker"])
    assert len(found) == 1 and findings_of(found, "bridge") == [{"a0", "b0"}]
    expected = 21 * 25 / 52
    assert found["expected"].iloc[0] == pytest.approx(expected)
    assert found["p_value"].iloc[0] == pytest.approx(math.exp(-expected))
    assert found["broker"].iloc[0] == "b0" and found["effect"].iloc[0] == pytest.approx(1 - 1 / expected)


def test_a_lone_actor_on_one_tie_is_not_a_bridge():
    G = _graph([("a", "b", 5), ("b", "c", 5), ("a", "c", 5), ("c", "d", 5), ("d", "e", 5), ("c", "e", 5),
                ("e", "z", 1)])
    assert sg.find_barriers(G, kinds=["bridge", "broker"]).empty


def test_one_sided_hand_worked():
    """9 contacts started by one side, 1 by the other: two-sided binomial p = 2 x 11/1024."""
    G = _graph([("a", "b", 10)], a_to_b=9, b_to_a=1)
    found = sg.find_barriers(G, kinds=["one_sided"])
    assert found["p_value"].iloc[0] == pytest.approx(2 * 11 / 1024)
    assert found["effect"].iloc[0] == pytest.approx(1.0)            # 90%: "almost all"
    assert found["explanation"].iloc[0].startswith("a started 9 of the 10 direct contacts with b")


def test_strained_hand_worked():
    """6 of 10 rated contacts negative where the other ties have 0 of 30: reference share
    (0 + 1) / (30 + 5) = 1/35; p = P(X >= 6), X ~ Binomial(10, 1/35) (scipy.stats, a peer)."""
    from scipy.stats import binom
    G = _graph([("a", "b", 10), ("c", "d", 30)])
    G["a"]["b"].update(rated=10, negative=6)
    G["c"]["d"].update(rated=30, negative=0)
    found = sg.find_barriers(G, kinds=["strained_tie"])
    assert findings_of(found, "strained_tie") == [{"a", "b"}]
    assert found["p_value"].iloc[0] == pytest.approx(binom.sf(5, 10, 1 / 35))
    assert found["effect"].iloc[0] == pytest.approx(1.0)


def test_decay_hand_worked():
    """11 contacts from day 0 to day 100, none to day 300: the 10 after the first would all
    fall before day 100 with probability (1 - 200/300)^10 under a steady rate."""
    G = nx.Graph()
    start = pd.Timestamp("2024-01-01").to_pydatetime()
    G.add_edge("a", "b", weight=1.0, distance=1.0, count=11, meetings=4, first=start,
               last=start + pd.Timedelta(days=100), actor_a="a", actor_b="b")
    G.graph["as_of"] = str((start + pd.Timedelta(days=300)).date())
    found = sg.find_barriers(G, kinds=["decayed_tie"])
    assert found["p_value"].iloc[0] == pytest.approx((1 / 3) ** 10)
    assert found["effect"].iloc[0] == pytest.approx(1 - 10 / 200)  # usual gap 10 days, silence 200
    sentence = found["explanation"].iloc[0]
    assert "11 contacts (7 direct, 4 at shared meetings)" in sentence and "200 days" in sentence


def test_silo_hand_worked():
    """A closed group of four (six strong ties) with one weak tie out, among eight others in
    a ring: E-I = 1 - 2 x 120/121 on strength; far more internal than any shuffle."""
    edges = [(f"s{i}", f"s{j}", 10) for i in range(4) for j in range(i + 1, 4)] + [("s0", "x0", 1)]
    edges += [(f"x{i}", f"x{(i + 1) % 8}", 5) for i in range(8)]
    G = _graph(edges)
    for n in G:
        G.nodes[n]["organisation"] = "S" if n.startswith("s") else n
    silo = sg.find_barriers(G, kinds=["silo"])
    assert list(silo["actors"]) == ["S"]
    assert silo["evidence"].iloc[0] == pytest.approx(1 - 2 * 120 / 121)
    assert silo["ei_unweighted"].iloc[0] == pytest.approx((1 - 6) / 7)
    assert silo["p_value"].iloc[0] == pytest.approx(1 / 1000)     # no shuffle of 999 as internal


def test_missing_link_hand_worked():
    """p and q share all their 6 partners a-f, among the 15 other actors with ties:
    hypergeometric P(X >= 6) = 1 / C(15, 6) = 1/5005; 114 unlinked pairs tested."""
    edges = [(x, y, 1) for x in "pq" for y in "abcdef"]
    edges += [(f"r{i}", f"r{(i + 1) % 9}", 1) for i in range(9)] + [("a", "r0", 1)]
    found = sg.find_barriers(_graph(edges), kinds=["missing_link"])
    hit = found[[set(a.split(";")) == {"p", "q"} for a in found["actors"]]]
    assert len(hit) == 1
    assert hit["p_value"].iloc[0] == pytest.approx(1 / 5005)
    assert hit["tested"].iloc[0] == 17 * 16 // 2 - 22
    assert hit["effect"].iloc[0] == pytest.approx(1.0)


def test_missing_link_null_matches_a_count_by_hand():
    """The introduction test, recomputed pair by pair with Python sets and scipy: the other
    actors split by whether they share an organisation with either of the pair, and a
    sector with either; in each block where both have partners, scipy's hypergeometric
    P(X >= shared there); Fisher's combination by scipy.stats.combine_pvalues."""
    from scipy.stats import combine_pvalues, hypergeom
    from stakeholder_graph.barriers import _shared_beyond_groups, shared_partners
    rng = np.random.default_rng(5)
    G = nx.gnp_random_graph(40, 0.15, seed=5)
    G = nx.relabel_nodes(G, {i: f"a{i}" for i in G})
    for i, x in enumerate(sorted(G, key=lambda x: int(x[1:]))):
        G.nodes[x]["organisation"] = ["", "O1", "O2", "O3", "O4"][int(rng.integers(0, 5))]
        G.nodes[x]["sector"] = ["", "s1", "s2"][int(rng.integers(0, 3))]
    nodes, index, A, common, k = shared_partners(G)
    pairs = [(i, j) for i in range(len(nodes)) for j in range(i + 1, len(nodes))
             if not G.has_edge(nodes[i], nodes[j]) and common[i, j] > 0]
    rows, cols = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
    counts = np.array([float(common[i, j]) for i, j in pairs])
    p = _shared_beyond_groups(G, nodes, A, rows, cols, counts)

    def block(x, a, b):
        def shares(attribute):
            value = G.nodes[x][attribute]
            return value != "" and value in (G.nodes[a][attribute], G.nodes[b][attribute])
        return (shares("organisation"), shares("sector"))
    for t, (i, j) in enumerate(pairs):
        a, b = nodes[i], nodes[j]
        others = [x for x in nodes if x not in (a, b)]
        p_blocks = []
        for key in {block(x, a, b) for x in others}:
            members = {x for x in others if block(x, a, b) == key}
            first, second = set(G[a]) & members, set(G[b]) & members
            if first and second:
                p_blocks.append(hypergeom.sf(len(first & second) - 1, len(members), len(first), len(second)))
        expected = combine_pvalues(p_blocks, method="fisher").pvalue if len(p_blocks) > 1 else p_blocks[0]
        assert p[t] == pytest.approx(expected, rel=1e-9, abs=1e-12), (a, b)


def test_clustered_partnership_gives_no_introductions_and_no_gaps():
    """Teams of one organisation are tied to each other far more often than to outsiders,
    and nothing is wrong: two teams of one trust share colleagues by being colleagues, and
    two organisations have few ties between them because each works mostly inside.
    Before either null knew of organisations, such partnerships showed 1.65 missing links
    and 4.7 gaps each (20 worlds, benchmarks/bench_calibration.py); none may be found."""
    from null_worlds import clustered_world
    for seed in range(4):
        log, registry, _ = clustered_world(seed)
        found = sg.find_barriers(sg.build_graph(log, actors=registry), kinds=["missing_link", "structural_hole"])
        assert len(found) == 0, (seed, list(found["kind"] + ": " + found["actors"]))


def test_graph_without_ties():
    G = nx.Graph()
    G.add_nodes_from(["a", "b"])
    assert sg.find_barriers(G).empty            # nothing to compare an actor with
    assert sg.find_barriers(nx.Graph()).empty
    assert sg.structural_holes(G)["constraint"].isna().all()


def test_benjamini_hochberg_hand_worked():
    """q_(i) = min_{j >= i} p_(j) m / j (Benjamini and Hochberg 1995), worked by hand."""
    assert bh_qvalues([0.01, 0.04, 0.03, 0.5]).tolist() == pytest.approx([0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.5])
    # Hypotheses tested with p = 1 that were not passed in count in m.
    assert bh_qvalues([0.01], tested=10).tolist() == pytest.approx([0.1])


def test_tail_probabilities_match_scipy_stats():
    """The tests use scipy.special (scipy.stats takes most of a second to import); the
    values must be scipy.stats' own (a peer library)."""
    from scipy.stats import binom, hypergeom, nbinom, poisson
    for k in [0, 0.4, 1, 2.7, 5, 12, 40]:
        for mean in [0.3, 1, 4.5, 20, 100]:
            assert poisson_cdf(k, mean) == pytest.approx(poisson.cdf(k, mean), rel=1e-9, abs=1e-15)
            for alpha in [0.1, 0.5, 2.0]:
                r = 1 / alpha
                assert nb_cdf(k, mean, alpha) == pytest.approx(nbinom.cdf(math.floor(k), r, r / (r + mean)),
                                                               rel=1e-9, abs=1e-15)
    for n in [1, 5, 12, 60, 494]:
        for k in range(0, n + 1, max(1, n // 7)):
            assert binomial_cdf(k, n, 0.5) == pytest.approx(binom.cdf(k, n, 0.5), rel=1e-9, abs=1e-300)
            assert binomial_sf(k, n, 0.13) == pytest.approx(binom.sf(k - 1, n, 0.13), rel=1e-9, abs=1e-300)
    k = np.array([0, 1, 3, 5, 8]); N = np.array([40, 40, 60, 43, 300]); K = np.array([5, 5, 9, 6, 30])
    draws = np.array([6, 6, 9, 6, 40])
    np.testing.assert_allclose(hypergeometric_sf(k, N, K, draws), hypergeom.sf(k - 1, N, K, draws), rtol=1e-9)


def test_poisson_binomial_against_enumeration():
    """Exact P(X <= k) against summing over all 2^5 outcomes by hand."""
    from itertools import product
    probs = [0.1, 0.5, 0.7, 0.25, 0.9]
    for k in range(6):
        total = sum(np.prod([p if o else 1 - p for p, o in zip(probs, outcome)])
                    for outcome in product([0, 1], repeat=5) if sum(outcome) <= k)
        assert poisson_binomial_cdf(k, probs) == pytest.approx(total)


def _raw_contacts(tables, a, b):
    """Contacts between a and b counted straight from the raw tables: direct log rows
    either way, and meetings both attended (names as the log spells them, via the registry)."""
    actors = tables["actors"]
    spelled = {name: {name} | set(filter(None, str(aliases).split(";")))
               for name, aliases in zip(actors["name"], actors["aliases"])}
    names_a, names_b = spelled.get(a, {a}), spelled.get(b, {b})
    log = tables["interactions"]
    ab = log[log["source"].isin(names_a) & log["target"].isin(names_b)]
    ba = log[log["source"].isin(names_b) & log["target"].isin(names_a)]
    m = tables["meetings"]
    attended_a = set(m.loc[m["participant"].isin(names_a), ["event", "date"]].itertuples(index=False))
    attended_b = set(m.loc[m["participant"].isin(names_b), ["event", "date"]].itertuples(index=False))
    return ab, ba, len(attended_a & attended_b)


def test_sentences_are_true_of_the_raw_log():
    """Every count in a tie finding's sentence, recomputed from the raw demo tables (with
    meetings, and with a weight column that must not turn counts into volumes)."""
    import re
    tables = sg.demo_tables()
    rng = np.random.default_rng(5)
    tables["interactions"] = tables["interactions"].assign(weight=rng.integers(1, 60, len(tables["interactions"])))
    found = sg.find_barriers(sg.build_graph(tables["interactions"], tables["meetings"], tables["actors"]))
    checked = 0
    for row in found.itertuples():
        if row.kind not in ("decayed_tie", "one_sided", "strained_tie", "weak_tie"):
            continue
        a, b = row.actors.split(";")
        ab, ba, shared_meetings = _raw_contacts(tables, a, b)
        direct = len(ab) + len(ba)
        sentence = row.explanation
        if row.kind == "one_sided":
            lead, rest = (len(ab), len(ba))
            assert f"started {max(lead, rest):,} of the {direct:,} direct contacts" in sentence
        elif row.kind == "strained_tie":
            both = pd.concat([ab, ba])
            rated = both["sentiment"].fillna("").astype(str).str.len().gt(0).sum()
            negative = (both["sentiment"] == "negative").sum()
            assert f"{negative:,} of the {rated:,} rated contacts" in sentence
        else:
            total = direct + shared_meetings
            if shared_meetings:
                assert f"{total:,} contacts ({direct:,} direct, {shared_meetings:,} at shared meetings)" in sentence
            else:
                assert re.search(rf"\b{total:,} direct contacts?\b", sentence), sentence
            if row.kind == "decayed_tie":
                last = pd.to_datetime(pd.concat([ab, ba])["date"]).max()
                assert f"to {last.day} {last:%B %Y}" in sentence
        checked += 1
    assert checked >= 3


def test_cut_off_parts_from_the_block_cut_tree_match_the_definition():
    """The parts each cut point cuts off, from one pass over the block-cut tree, against the
    definition (remove the cut point, take the components but the largest) on random graphs."""
    from stakeholder_graph.barriers import _cut_off_parts
    for seed in range(12):
        G = nx.gnm_random_graph(40, 50, seed=seed)
        G = G.subgraph(max(nx.connected_components(G), key=len)).copy()
        expected = set()
        for cut in nx.articulation_points(G):
            pieces = sorted(nx.connected_components(nx.restricted_view(G, [cut], [])),
                            key=lambda p: (len(p), sum(G.degree(x) for x in p)))
            expected |= {(cut, frozenset(p)) for p in pieces[:-1] if len(p) >= 2}
        parts = _cut_off_parts(G)
        assert {(cut, piece) for cut, piece, _ in parts} == expected, seed
        assert all(vol == sum(G.degree(x) for x in piece) for _, piece, vol in parts)


def test_odd_inputs_get_a_clear_answer():
    with pytest.raises(sg.InputError, match="undirected"):
        sg.find_barriers(nx.DiGraph([("a", "b"), ("b", "c")]))
    G = _graph([("a", "b", 5), ("b", "c", 5)])
    assert sg.find_barriers(G, kinds="silo").empty                  # a single kind as a string
    assert bh_qvalues([float("nan"), 0.01]).tolist() == pytest.approx([1.0, 0.02])
    assert float(hypergeometric_sf(1.5, 10, 3, 3)) == pytest.approx(float(hypergeometric_sf(2, 10, 3, 3)))
