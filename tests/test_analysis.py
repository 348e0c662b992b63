"""One analysis, many views: each measure computed once, views equal whether given a graph
or its Analysis, detectors independent of their order."""

import random
from collections import Counter

import networkx as nx
import pandas as pd

import stakeholder_graph as sg
from stakeholder_graph import barriers as barriers_module
from stakeholder_graph import brokerage, holes, metrics
from stakeholder_graph.analysis import analysis_of
from stakeholder_graph.pipeline import run_all


def _count_calls(monkeypatch, module, name, counter):
    original = getattr(module, name)

    def counted(G, *args, **kwargs):
        key = (name, id(G), kwargs.get("weight"), kwargs.get("normalized", True))
        counter[key] += 1
        return original(G, *args, **kwargs)

    monkeypatch.setattr(module, name, counted)


def test_the_whole_job_computes_each_measure_once(demo_tables, tmp_path, monkeypatch):
    """Before this change one demo run computed betweenness 7 times, structural holes 3 times
    and find_barriers twice: now each graph (actors, organisations) gets each once."""
    calls = Counter()
    for module, name in [(metrics, "betweenness"), (holes, "structural_holes"),
                         (brokerage, "communities"), (brokerage, "brokerage_roles"), (metrics, "closeness")]:
        _count_calls(monkeypatch, module, name, calls)
    detections = Counter()
    for detector in barriers_module._DETECTORS:
        original = detector

        def counted(evidence, _original=original):
            detections[_original.__name__] += 1
            return _original(evidence)

        monkeypatch.setattr(barriers_module, "_DETECTORS",
                            [counted if d is original else d for d in barriers_module._DETECTORS])
    paths = sg.write_demo_files(tmp_path / "data")
    inputs = sg.read_inputs([paths["interactions"]], [paths["meetings"]], paths["actors"])
    run_all(inputs, tmp_path / "out")
    assert calls, "nothing was counted: the patch did not reach the Analysis"
    repeated = {key: n for key, n in calls.items() if n > 1}
    assert not repeated, f"computed more than once on one graph: {repeated}"
    # Two graphs (actor and organisation level): the diagnosis runs once on each.
    assert set(detections.values()) == {2}, detections


def test_views_given_a_graph_or_its_analysis_are_the_same(demo_graph, tmp_path):
    A = sg.analyse(demo_graph, seed=3)
    sg.write_map(demo_graph, tmp_path / "from_graph.html", seed=3)
    sg.write_map(A, tmp_path / "from_analysis.html")
    assert (tmp_path / "from_graph.html").read_bytes() == (tmp_path / "from_analysis.html").read_bytes()
    pd.testing.assert_frame_equal(sg.find_barriers(demo_graph, seed=3), A.barriers)
    pd.testing.assert_frame_equal(sg.node_metrics(demo_graph, seed=3), A.metrics)
    assert sg.network_summary(demo_graph, seed=3) == A.summary


def test_analysis_keeps_what_it_computed(demo_graph):
    A = sg.analyse(demo_graph)
    assert A.computed() == []
    first = A.barriers
    assert A.barriers is first
    assert A.betweenness("distance") is A.betweenness("distance")
    # Other thresholds reuse the measures; only the detectors run again.
    stricter = sg.find_barriers(A, fdr=0.001)
    assert len(stricter[stricter["kind"] == "one_sided"]) <= len(first[first["kind"] == "one_sided"])
    assert analysis_of(A) is A


def test_detectors_do_not_depend_on_their_order(demo_graph, monkeypatch):
    """The detectors used to share a mutable context (weak ties skipped ties others had
    marked); now repeats are removed in one step after all have run."""
    expected = sg.find_barriers(demo_graph)
    for seed in range(3):
        shuffled = list(barriers_module._DETECTORS)
        random.Random(seed).shuffle(shuffled)
        monkeypatch.setattr(barriers_module, "_DETECTORS", shuffled)
        pd.testing.assert_frame_equal(sg.find_barriers(demo_graph), expected)


def test_one_fact_one_finding_for_a_weak_bridge_between_two_groups():
    """Two closed groups (5 and 6 actors, every pair tied strongly) joined by one weak tie:
    both ends are cut points and the tie is a bridge, yet it is one fact: one finding, on
    the tie, naming the actor at its end and saying the tie is weak."""
    G = nx.Graph()
    strong = {"weight": 5.0, "distance": 0.2, "count": 10}
    left, right = [f"a{i}" for i in range(5)], [f"b{i}" for i in range(6)]
    for group in (left, right):
        G.add_edges_from(((x, y, dict(strong)) for i, x in enumerate(group) for y in group[i + 1:]))
    G.add_edge("a0", "b0", weight=0.1, distance=10.0, count=1)
    found = sg.find_barriers(G, kinds=["bridge", "broker", "weak_tie"])
    assert len(found) == 1, found[["kind", "actors"]]
    assert found.iloc[0]["kind"] == "bridge" and set(found.iloc[0]["actors"].split(";")) == {"a0", "b0"}
    assert found.iloc[0]["broker"] in {"a0", "b0"} and "weaker than" in found.iloc[0]["explanation"]
