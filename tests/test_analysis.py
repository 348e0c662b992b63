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
    stricter = sg.find_barriers(A, one_sided_share=0.95)
    assert len(stricter[stricter["kind"] == "one_sided"]) <= len(first[first["kind"] == "one_sided"])
    assert analysis_of(A) is A


def test_detectors_do_not_depend_on_their_order(demo_graph, monkeypatch):
    """The detectors used to share a mutable context (weak ties skipped ties others had
    marked); now repeats are removed in one step after all have run."""
    expected = sg.find_barriers(demo_graph, max_per_kind=0)
    for seed in range(3):
        shuffled = list(barriers_module._DETECTORS)
        random.Random(seed).shuffle(shuffled)
        monkeypatch.setattr(barriers_module, "_DETECTORS", shuffled)
        pd.testing.assert_frame_equal(sg.find_barriers(demo_graph, max_per_kind=0), expected)


def test_weak_tie_not_repeated_where_a_tie_is_already_a_bridge():
    """Two triangles joined by one weak tie: it is reported as a bridge, not also as a weak tie."""
    G = nx.Graph()
    strong = {"weight": 5.0, "distance": 0.2, "count": 10}
    for a, b in [("a", "b"), ("b", "c"), ("a", "c"), ("d", "e"), ("e", "f"), ("d", "f"),
                 ("g", "a"), ("h", "d"), ("g", "b"), ("h", "e")]:
        G.add_edge(a, b, **strong)
    G.add_edge("c", "d", weight=0.1, distance=10.0, count=1)
    found = sg.find_barriers(G, max_per_kind=0)
    kinds_on_cd = set(found.loc[found["actors"].isin(["c;d", "d;c"]), "kind"])
    assert "bridge" in kinds_on_cd and "weak_tie" not in kinds_on_cd

