"""Building the graph: levels (roll-up to organisations), filters, registry actors, and the
graph networkx itself would build."""

import pandas as pd
import pytest

import stakeholder_graph as sg
from test_ties import ACTORS, BOARD, LOG


def test_roll_up_to_organisations_keeps_internal_volume():
    G = sg.build_graph(LOG, BOARD, ACTORS, half_life=182, level="organisation")
    assert set(G) == {"Org X", "C", "D"}
    assert G.nodes["Org X"]["internal_count"] == 3            # A-B: two contacts and a shared meeting
    # Org X - C: A->C today (1) + A-C and B-C board shares (1/3 each)
    assert G["Org X"]["C"]["weight"] == pytest.approx(1 + 2 / 3)
    assert G["Org X"]["C"]["a_to_b"] + G["Org X"]["C"]["b_to_a"] == 1


def test_filters_window_programme_type():
    G = sg.build_graph(LOG, half_life=182, programme="Diabetes")
    assert set(G.edges()) == {("A", "B")}
    G = sg.build_graph(LOG, half_life=182, since="2024-02-01")
    assert G["A"]["B"]["count"] == 1
    G = sg.build_graph(LOG, half_life=182, type=["call"])
    assert G["A"]["B"]["count"] == 1 and not G.has_edge("A", "C")
    G = sg.build_graph(LOG, half_life=182, as_of="2024-03-01")   # later contacts are not yet known
    assert set(G.edges()) == {("A", "B")} and G["A"]["B"]["count"] == 1


def test_edge_counts_sum_to_rows_used():
    log = sg.read_interactions(LOG)
    G = sg.build_graph(log)
    assert sum(d["contacts"] for _, _, d in G.edges(data=True)) == len(log) == G.graph["contacts_used"]


def test_same_input_same_graph(demo_tables):
    a = sg.tie_frame(sg.build_graph(demo_tables["interactions"], demo_tables["meetings"], demo_tables["actors"]))
    b = sg.tie_frame(sg.build_graph(demo_tables["interactions"], demo_tables["meetings"], demo_tables["actors"]))
    pd.testing.assert_frame_equal(a, b)


def test_isolated_registry_actors_are_nodes():
    G = sg.build_graph(LOG, actors=pd.concat([ACTORS, pd.DataFrame({"name": ["Lonely"]})]).fillna(""))
    assert "Lonely" in G and G.degree("Lonely") == 0


def test_graph_is_the_one_networkx_add_edges_from_builds(demo_tables):
    """build_graph's graph is the one networkx's own add_edges_from makes of the same ties
    in the tie table's order (by actor_a, then actor_b), neighbour order included."""
    import networkx as nx
    G = sg.build_graph(demo_tables["interactions"], demo_tables["meetings"], demo_tables["actors"])
    H = nx.Graph(**G.graph)
    H.add_nodes_from(G.nodes(data=True))
    ties = sorted(((d["actor_a"], d["actor_b"], dict(d)) for _, _, d in G.edges(data=True)), key=lambda t: t[:2])
    H.add_edges_from(ties)
    assert nx.utils.graphs_equal(G, H)
    assert [list(G[n]) for n in G] == [list(H[n]) for n in H]
    assert all(G[u][v] is G[v][u] for u, v in G.edges)          # one dict per tie, as networkx keeps it
    G.add_edge(ties[0][0], ties[0][1], extra=1)                   # and networkx still edits it as its own
    assert G[ties[0][1]][ties[0][0]]["extra"] == 1 and G[ties[0][0]][ties[0][1]]["count"] == ties[0][2]["count"]


def test_an_edited_log_is_checked_again():
    """build_graph checks the log it is given, not where it came from: a weight edited to
    -5 after reading is reported and left out, never a negative distance."""
    log = sg.read_interactions(pd.DataFrame({"date": ["2024-01-01", "2024-02-01", "2024-03-01"],
                                             "source": ["A", "B", "A"], "target": ["B", "C", "C"]}))
    log.loc[1, "weight"] = -5
    G = sg.build_graph(log)
    assert G.graph["contacts_used"] == 2 and not G.has_edge("B", "C")
    assert all(d > 0 for _, _, d in G.edges(data="distance"))


def test_a_window_is_measured_as_of_its_end():
    """until without as_of measures as of until: a tie active up to the window's end is not
    silent since then (as it would be, measured at the log's last date)."""
    G = sg.build_graph(LOG, until="2024-03-01")
    assert G.graph["as_of"] == "2024-03-01"


def test_programme_and_type_labels_differing_in_case_or_spacing_are_one():
    log = pd.DataFrame({"date": ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"],
                        "source": ["A", "A", "A", "B"], "target": ["B", "C", "B", "C"],
                        "programme": ["Diabetes", "diabetes ", "Diabetes", "End  of life"],
                        "type": ["email", "Email", "email", "call"]})
    G = sg.build_graph(log)
    assert {d["programmes"] for _, _, d in G.edges(data=True)} == {"Diabetes", "End of life"}
    assert set(G.graph["activity"]) == {"Diabetes", "End of life"}
    assert G["A"]["C"]["types"] == "email"                  # the spelling written most often
