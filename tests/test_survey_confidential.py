"""Confidentiality of survey ratings (issue #12 trial): a tie rated by one side only shows
no score unless --show-ratings (its score would be that rater's rating), actor tooltips
and the briefing give no exact rater counts, and exports drop one-sided scores too.

Expected values are hand-written from the small survey below: A rates B 4/4/2 (trust
3.33, value 3.0) and nobody rates A back on that tie; A and C rate each other (trust 2 and 4,
mean 3.0); D is rated by A, B and C, C by A and D."""

import re

import networkx as nx
import pandas as pd
import pytest

import stakeholder_graph as sg
from stakeholder_graph.render import map_data

LOG = pd.DataFrame([(f"2024-03-{d:02d}", a, b) for d in range(1, 21)
                    for a, b in (("A", "B"), ("A", "C"), ("B", "C"), ("C", "D"), ("B", "D"))],
                   columns=["date", "source", "target"])
ITEMS = ["reliability", "mission", "openness", "influence", "involvement", "resources"]
SURVEY = pd.DataFrame([("A", "B", 4, 4, 2, 3, 3, 3), ("A", "C", 2, 2, 2, 2, 2, 2), ("C", "A", 4, 4, 4, 4, 4, 4),
                       ("B", "D", 1, 1, 1, 1, 1, 1), ("C", "D", 2, 2, 2, 2, 2, 2),
                       ("A", "D", 4, 4, 4, 4, 4, 4), ("D", "C", 3, 3, 3, 3, 3, 3)], columns=["respondent", "partner", *ITEMS])


@pytest.fixture(scope="module")
def graph():
    return sg.build_graph(LOG, survey=SURVEY)


def tooltip(data, kind, a, b=None):
    ids = {n["name"]: n["id"] for n in data["nodes"]}
    if kind == "node":
        return next(n for n in data["nodes"] if n["name"] == a)["tooltip"]["lines"]
    return next(e for e in data["edges"] if {e["from"], e["to"]} == {ids[a], ids[b]})["tooltip"]["lines"]


def test_a_tie_rated_by_one_side_shows_no_score_unless_asked(graph):
    lines = tooltip(map_data(graph), "edge", "A", "B")
    survey = [line for line in lines if "survey" in line]
    assert survey == ["survey: rated by one side only; scores are shown where both sides rated"]
    assert not any("3.3" in line or "3.0" in line for line in lines)
    both = tooltip(map_data(graph), "edge", "A", "C")
    assert "survey: trust 3.0 of 4, value 3.0 of 4 (both sides rated)" in both
    shown = tooltip(map_data(graph, show_ratings=True), "edge", "A", "B")
    assert "survey: trust 3.3 of 4, value 3.0 of 4 (one side rated)" in shown and "A on B: trust 3.3 of 4, value 3.0 of 4" in shown


def test_actor_tooltips_give_no_rater_count(graph):
    # D is rated by B (1), C (2) and A (4): mean trust 2.33 -> "2.3", value the same.
    lines = [line for line in tooltip(map_data(graph), "node", "D") if line.startswith("survey")]
    assert lines == ["survey: partners rate its trust 2.3 of 4, value 2.3 of 4 (the mean of 3 or more partners' ratings)"]
    # B is rated by A alone: nothing, not even that one partner rated it.
    assert not [line for line in tooltip(map_data(graph), "node", "B") if "survey" in line]


def test_exports_drop_a_one_sided_score_unless_asked(graph, tmp_path):
    H = sg.export.clean_for_export(graph)
    assert "trust" not in H["A"]["B"] and "value" not in H["A"]["B"]
    assert H["A"]["C"]["trust"] == 3.0 and H["A"]["C"]["value"] == 3.0
    shown = sg.export.clean_for_export(graph, show_ratings=True)
    assert shown["A"]["B"]["trust"] == pytest.approx(10 / 3)
    sg.write_graph(graph, tmp_path / "g.graphml")
    G = nx.read_graphml(tmp_path / "g.graphml")
    assert "trust" not in G["A"]["B"] and G["A"]["C"]["trust"] == 3.0


def test_demo_ties_csv_drops_one_sided_scores(tmp_path):
    from stakeholder_graph.pipeline import run_all
    t = sg.demo_tables()
    demo = sg.write_demo_files(tmp_path / "data")
    read = sg.read_inputs([demo["interactions"]], [demo["meetings"]], demo["actors"], survey=demo["survey"])
    run_all(read, tmp_path / "out")
    ties = pd.read_csv(tmp_path / "out" / "ties.csv")
    G = sg.build_graph(t["interactions"], t["meetings"], t["actors"], survey=t["survey"])
    one_sided = {frozenset((d["actor_a"], d["actor_b"])) for _, _, d in G.edges(data=True)
                 if (d.get("trust_by_a") == d.get("trust_by_a")) != (d.get("trust_by_b") == d.get("trust_by_b"))}
    assert one_sided   # the demo has ties rated by one side
    rows = ties[[frozenset((a, b)) in one_sided for a, b in zip(ties["actor_a"], ties["actor_b"])]]
    assert len(rows) == len(one_sided) and rows["trust"].isna().all() and rows["value"].isna().all()
    assert ties["trust"].notna().any() and not {"trust_by_a", "trust_by_b"} & set(ties.columns)


def test_briefing_lists_lowest_rated_from_three_raters_without_counts(graph, tmp_path):
    html = sg.write_report(graph, tmp_path / "b.html", figure_dir=tmp_path / "f").read_text(encoding="utf-8")
    table = html[html.index("Rated lowest"):]
    table = table[:table.index("</table>")]
    assert re.findall(r'<td class="actors">([^<]*)</td>', table) == ["D"]     # D has 3 raters (A, B, C); C has 2 (A, D)
    assert "Partners rating it" not in html and "<th>Partners" not in table


def test_the_trust_figure_draws_only_ties_both_sides_rated(graph):
    from stakeholder_graph.render.figures import plot_trust_and_contact
    none = pd.DataFrame({"kind": pd.Series(dtype=str), "actors": pd.Series(dtype=str)})
    ax = plot_trust_and_contact(graph, barriers=none)
    points = sum(len(c.get_offsets()) for c in ax.collections)
    # Hand count: ties with logged contact rated by both sides: A-C and C-D (A-B and B-D have
    # one rater, B-C none; A-D has no contact).
    assert points == 2


def test_a_low_trust_finding_states_trust_but_not_a_one_sided_value():
    """The demo's low-trust tie Community Palliative Care Nurses / Northvale Adult Social Care,
    with one side's latest rating of it removed: the finding states the tie's trust (the
    finding itself) but not the one rater's value rating, and never which side rated."""
    t = sg.demo_tables()
    a, b = "Community Palliative Care Nurses", "Northvale Adult Social Care"
    s = t["survey"]
    s = s[~((s["respondent"] == b) & (s["partner"] == a) & (s["wave"] == "2026-09"))]
    G = sg.build_graph(t["interactions"], t["meetings"], t["actors"], survey=s)
    found = sg.find_barriers(G)
    row = found[(found["kind"] == "low_trust") & (found["actors"] == f"{a};{b}")].iloc[0]
    d = G[a][b]
    assert row["raters"] == 1 and row["trust"] == pytest.approx(d["trust"])
    assert d["value"] == d["value"] and row["value"] != row["value"]     # the tie has one; the finding hides it
    assert "one side rated" in row["explanation"]
    for name in (a, b):
        assert f"{name} rated" not in row["explanation"] and f"{name} rates" not in row["explanation"]


def test_an_actor_mean_needs_three_raters_of_that_score():
    """Hand-made (review of the trial fixes): P rates X on trust only (1), Q on value only
    (4), R names X and answers no item. Three partners named X, but each score had one
    rater: its "mean" would be that rater's rating, so neither the map nor the briefing's
    lowest-rated table shows it."""
    from stakeholder_graph.survey import organisation_scores
    log = pd.DataFrame([(f"2024-03-{d:02d}", a, "X") for d in range(1, 21) for a in "PQR"],
                       columns=["date", "source", "target"])
    survey = pd.DataFrame([("P", "X", 1, 1, 1, None, None, None), ("Q", "X", None, None, None, 4, 4, 4),
                           ("R", "X", None, None, None, None, None, None)], columns=["respondent", "partner", *ITEMS])
    G = sg.build_graph(log, survey=survey)
    scores = organisation_scores(G).loc["X"]
    assert (scores["trust_raters"], scores["value_raters"]) == (1, 1)
    assert not [line for line in tooltip(map_data(G), "node", "X") if line.startswith("survey")]


def test_the_briefing_withholds_partnership_scores_from_fewer_than_three_respondents(tmp_path):
    """Hand-made (review): with two respondents, the partnership's trust is their own
    ratings' mean, so the briefing shows "n/a" for it; with --show-ratings it shows it."""
    two = SURVEY[SURVEY["respondent"].isin(["A", "C"])]
    G = sg.build_graph(LOG, survey=two)
    assert sg.network_summary(G)["survey_respondents"] == 2
    page = sg.write_report(G, tmp_path / "b.html").read_text(encoding="utf-8")
    assert "fewer than 3 respondents" in page
    shown = sg.write_report(G, tmp_path / "c.html", show_ratings=True).read_text(encoding="utf-8")
    assert "fewer than 3 respondents" not in shown
