"""Gould-Fernandez brokerage roles, hand-worked."""

import networkx as nx

import stakeholder_graph as sg


def test_gould_fernandez_roles_hand_worked():
    D = nx.DiGraph([("a1", "b1"), ("b1", "a2"),      # itinerant: A -> B -> A
                    ("a3", "a4"), ("a4", "b2"),      # representative: A -> A -> B
                    ("c1", "b3"), ("b3", "b4"),      # gatekeeper: C -> B -> B
                    ("a5", "c2"), ("c2", "b5"),      # liaison: A -> C -> B
                    ("b6", "b7"), ("b7", "b8")])     # coordinator: B -> B -> B
    group = {n: n[0].upper() for n in D}
    nx.set_node_attributes(D, group, "organisation")
    roles = sg.brokerage_roles(D)
    assert roles.loc["b1", "itinerant"] == 1
    assert roles.loc["a4", "representative"] == 1
    assert roles.loc["b3", "gatekeeper"] == 1
    assert roles.loc["c2", "liaison"] == 1
    assert roles.loc["b7", "coordinator"] == 1
    assert roles["total"].sum() == 5
    D.add_edge("a1", "a2")                            # a direct tie removes the brokerage
    assert sg.brokerage_roles(D).loc["b1", "total"] == 0
