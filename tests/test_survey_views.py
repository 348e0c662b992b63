"""The survey in the views: map tooltips and line style, the briefing's "Trust and value",
confidentiality (no named respondent's ratings unless asked), escaping, offline, in chromium."""

import re

import pandas as pd
import pytest

import stakeholder_graph as sg
from stakeholder_graph.render import map_data
from browsing import needs_browser, open_page
from test_render import EVIL, external_references


@pytest.fixture(scope="module")
def demo_with_survey():
    t = sg.demo_tables()
    G = sg.build_graph(t["interactions"], t["meetings"], t["actors"], survey=t["survey"])
    return sg.analyse(G)


def tie_tooltip(data, a, b):
    ids = {n["name"]: n["id"] for n in data["nodes"]}
    edge = next(e for e in data["edges"] if {e["from"], e["to"]} == {ids[a], ids[b]} and not e.get("suggested"))
    return edge, edge["tooltip"]["lines"]


def test_map_shows_a_ties_scores_and_low_trust_style_but_not_who_said_what(demo_with_survey):
    data = map_data(demo_with_survey)
    a, b = "Northvale Diabetes Centre", "Eastfield Diabetes and Endocrinology"
    edge, lines = tie_tooltip(data, a, b)
    d = demo_with_survey.graph[a][b]
    assert f"survey: trust {d['trust']:.1f} of 4, value {d['value']:.1f} of 4 (both sides rated)" in lines
    assert not any(line.startswith((f"{a} on {b}:", f"{b} on {a}:")) for line in lines)   # no per-direction line
    assert edge["dashes"] == [10, 4, 2, 4] and edge["color"]["color"] == "#5E3C99"  # low trust, dash-dot purple
    assert any(item["label"].startswith("low trust") for item in data["legend"]["barriers"])
    shown = map_data(demo_with_survey, show_ratings=True)
    _, lines = tie_tooltip(shown, a, b)
    by_a = d["trust_by_a"]
    assert f"{d['actor_a']} on {d['actor_b']}: trust {by_a:.1f} of 4, value {d['value_by_a']:.1f} of 4" in lines


def test_actor_tooltips_give_aggregates_only_from_two_raters(demo_with_survey):
    data = map_data(demo_with_survey)
    info = demo_with_survey.graph.graph["survey"]["ratings"]
    named = info[info["named"]]
    for node in data["nodes"]:
        raters = named[named["ratee"] == node["name"]]
        lines = [line for line in node["tooltip"]["lines"] if line.startswith("survey:")]
        if len(raters) >= 2:
            # Peer computation with plain pandas: the mean of the partners' trust scores.
            assert lines == [f"survey: partners rate its trust {raters['trust'].mean():.1f} of 4, value "
                             f"{raters['value'].mean():.1f} of 4 ({len(raters)} partners)"]
        elif len(raters) == 1:
            assert lines == ["survey: rated by one partner (not shown: ratings are confidential)"]


def test_no_survey_no_survey_legend(demo_graph):
    data = map_data(demo_graph)
    assert not any("trust" in item["label"] or "perception" in item["label"] for item in data["legend"]["barriers"])


def test_briefing_has_trust_and_value_and_keeps_ratings_confidential(demo_with_survey, tmp_path):
    path = sg.write_report(demo_with_survey, tmp_path / "briefing.html", figure_dir=tmp_path / "figures")
    html = path.read_text(encoding="utf-8")
    assert "<h2>Trust and value</h2>" in html and "Trust against contact" in html
    assert "Diabetes Peer Support Northvale / Millbrook Primary Care Network" in html     # the survey-only note
    assert "What each side said" not in html and "does not work with them</td>" not in html
    assert (tmp_path / "figures" / "trust_and_contact.png").exists()
    assert external_references(html) == []
    s = demo_with_survey.summary
    assert f"{s['trust']:.2f} of 4" in html and f"{100 * s['survey_response_rate']:.0f}%" in html
    shown = sg.write_report(demo_with_survey, tmp_path / "shown.html", show_ratings=True).read_text()
    assert "What each side said" in shown
    assert re.search(r"Northvale Diabetes Centre</td><td class=\"actors\">University of Northvale</td>"
                     r"<td>does not work with them</td>", shown)


def test_survey_names_are_text_in_the_map_and_briefing(tmp_path):
    names = EVIL + ["Plain Trust"]
    rows = [(f"2024-03-{day:02d}", a, names[(i + 1) % len(names)]) for day in range(1, 28)
            for i, a in enumerate(names)]
    log = pd.DataFrame(rows, columns=["date", "source", "target"])
    survey = pd.DataFrame({"respondent": names + ["=cmd|' /C calc'!A0"], "partner": names[1:] + names[:1] + ["Plain Trust"],
                           "reliability": [1] * (len(names) + 1), "mission": 1, "openness": 1})
    G = sg.build_graph(log, survey=survey)
    for page in (sg.write_map(G, tmp_path / "m.html", show_ratings=True),
                 sg.write_report(G, tmp_path / "b.html", show_ratings=True)):
        html = page.read_text(encoding="utf-8")
        for name in EVIL:
            assert name not in html
        assert len(re.findall(r"</script", html, flags=re.IGNORECASE)) <= 2     # our own scripts only
    # A name that is a formula stays inert in the CSV tables.
    sg.write_table(sg.tie_frame(G), tmp_path / "ties.csv")
    assert "=cmd" not in pd.read_csv(tmp_path / "ties.csv", dtype=str).to_string().replace("'=cmd", "")


@needs_browser
def test_map_and_briefing_with_a_survey_render_offline_in_chromium(browser, demo_with_survey, tmp_path):
    for path in (sg.write_map(demo_with_survey, tmp_path / "map.html"),
                 sg.write_report(demo_with_survey, tmp_path / "briefing.html")):
        page, requests, errors, _ = open_page(browser, path)
        page.wait_for_timeout(300)
        assert [r for r in requests if not r.startswith(("file:", "data:"))] == [] and errors == []
        if path.name == "map.html":
            assert page.evaluate("network.body.data.edges.length") == demo_with_survey.graph.number_of_edges() + 2
        else:
            assert page.locator("h2", has_text="Trust and value").count() == 1
            assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
        page.close()


def test_a_one_sided_tie_with_low_trust_is_drawn_as_low_trust_with_its_arrow(demo_with_survey):
    edge, _ = tie_tooltip(map_data(demo_with_survey), "ICB Medicines Optimisation Team",
                          "Northvale Local Pharmaceutical Committee")
    assert edge["color"]["color"] == "#5E3C99" and edge["dashes"] == [10, 4, 2, 4] and "arrows" in edge
