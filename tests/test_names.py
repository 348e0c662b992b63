"""Names to actors: registry aliases, actors the registry does not know, names differing only in case."""

import stakeholder_graph as sg
from io_samples import REGISTRY


def test_unknown_actors_are_kept_and_listed(write):
    inputs = sg.read_inputs([write("log.csv", "date,from,to\n2024-01-01,NT,Stranger\n")],
                            actors=write("actors.csv", REGISTRY))
    assert inputs.unknown_actors() == ["Stranger"]
    G = sg.build_graph(inputs.interactions, actors=inputs.actors)
    assert G.has_edge("Northvale Trust", "Stranger")                         # alias NT resolved
    assert G.nodes["Stranger"]["kind"] == "unknown"
    assert G.graph["unknown_actors"] == ["Stranger"]


def test_alias_is_resolved_when_it_keeps_the_names_in_order(write):
    # Participants B, NT and Z resolve to B, Northvale Trust and Z: as many names, in the
    # same sorted order, a case that once left "NT" unresolved.
    meetings = write("meetings.csv", "event,date,participant\n" + "".join(
        f"Board,2024-01-01,{p}\n" for p in ["NT", "B", "Z"]))
    G = sg.build_graph(meetings=meetings, actors=write("actors.csv", REGISTRY))
    assert sorted(map(sorted, G.edges)) == [["B", "Northvale Trust"], ["B", "Z"], ["Northvale Trust", "Z"]]


def test_names_differing_only_in_case_are_one_actor(write):
    # Hand-typed logs write "Trust A" and "TRUST A"; the self-contact check already treats
    # them as one actor, so the graph must too.  The spelling used most wins, mixed case
    # among equals; a registry's own spelling wins over both.
    log = write("log.csv", "date,source,target\n2024-01-01,Trust A,Council B\n2024-01-02,TRUST A,council b\n"
                           "2024-01-03,Council B,Hospice\n2024-01-04,hospice,Trust A\n")
    inputs = sg.read_inputs([log])
    assert inputs.case_variants() == {"TRUST A": "Trust A", "council b": "Council B", "hospice": "Hospice"}
    G = sg.build_graph(inputs.interactions)
    assert sorted(G) == ["Council B", "Hospice", "Trust A"]
    assert G["Trust A"]["Council B"]["count"] == 2
    assert G.graph["case_variants"]["TRUST A"] == "Trust A"
    registry = write("actors.csv", "name\nTRUST A\nCouncil B\nHospice\n")
    G = sg.build_graph(log, actors=registry)
    assert sorted(G) == ["Council B", "Hospice", "TRUST A"] and G.graph["unknown_actors"] == []


def test_did_you_mean_for_names_not_in_the_registry():
    from stakeholder_graph.names import suggestions
    known = ["Northvale ICB", "Riverside GP Federation", "St Aidan's Hospice"]
    hints = suggestions(["Nortvale ICB", "riverside gp federaton", "Zebra Org"], known)
    assert hints == {"Nortvale ICB": ["Northvale ICB"], "riverside gp federaton": ["Riverside GP Federation"]}
