"""The change briefing and change map: offline, escaped, every closed and new barrier shown,
ties drawn by their word; and, in a real browser, the map draws and nothing leaves the page.

The comparison is a hand-made world split at 1 January 2025 whose changes are known by
construction (see :func:`change_world`): four ties formed, one lost, one strengthened,
one weakened, an isolated actor who joins (a barrier closed) and a tie that turns
one-sided (a new barrier); the actors carry hostile names.
"""

import base64
import re
from pathlib import Path

import pandas as pd
import pytest
from markupsafe import escape

from test_render import external_references

import stakeholder_graph as sg
from stakeholder_graph.compare import compare_periods
from stakeholder_graph.render.change import BARRIER_CHANGE_STYLE, TIE_CHANGE_STYLE, change_map_data

AT = "2025-01-01"
HOSTILE = {
    0: '"><svg onload=window.__xss=3>',
    1: "</script><script>window.__xss=2</script>",
    5: "Café & Co <b>bold</b>",
    10: '<img src=x onerror="window.__xss=1">',
    11: '=HYPERLINK("x")',
}
PLAIN = ["Northgate Trust", "Hillside PCN", "Carers Hub", "Riverside Council", "Eastside Hospice", "City ICB",
         "Valley Mental Health", "Westfield Practice", "Ambulance Service", "Food Bank Network", "Youth Voice",
         "Housing Aid"]
NAMES = [HOSTILE.get(i, name) for i, name in enumerate(PLAIN)]


def change_world(names, at=AT, start="2024-01-01", end="2025-12-31"):
    """A log of contacts on a fixed rhythm (no randomness) whose changes at ``at`` are known:

    a ring of steady ties among names[0..9] (every 6 days, both periods); lost: 0-5 (every
    3 days before, none after); formed: 1-7, 2-8, and 10-2, 10-5 (names[10] has no contact
    before: an isolate who joins, so the isolate barrier closes); strengthened: 3-6 (every
    15 days, then every 2); weakened: 4-9 (every 2 days, then every 16); 11-1: the same
    rate throughout, both sides starting it before, only names[11] after (one-sided: new).
    """
    days = pd.date_range(start, end, freq="D")
    at = pd.Timestamp(at)
    rows = []

    def every(a, b, step, when, *, offset=0, both=True):
        for i, d in enumerate(days):
            if (i + offset) % step == 0 and when(d):
                flip = both and (i // step) % 2 == 1
                rows.append((d, names[b], names[a]) if flip else (d, names[a], names[b]))

    always, before, after = (lambda d: True), (lambda d: d < at), (lambda d: d >= at)
    for i in range(10):
        every(i, (i + 1) % 10, 6, always, offset=i)
    every(0, 5, 3, before)
    every(1, 7, 3, after)
    every(2, 8, 4, after)
    every(3, 6, 15, before, offset=1)
    every(3, 6, 2, after, offset=1)
    every(4, 9, 2, before, offset=2)
    every(4, 9, 16, after, offset=2)
    every(10, 2, 3, after, offset=1)
    every(10, 5, 4, after, offset=2)
    every(11, 1, 4, before, offset=3)
    every(11, 1, 4, after, offset=3, both=False)
    log = pd.DataFrame(rows, columns=["date", "source", "target"])
    sectors = ["acute", "primary care", "<i>voluntary</i>"]
    actors = pd.DataFrame({"name": names, "kind": "organisation", "sector": [sectors[i % 3] for i in range(len(names))]})
    return log, actors


@pytest.fixture(scope="module")
def comparison():
    log, actors = change_world(NAMES)
    return compare_periods(log, actors=actors, at=AT)


@pytest.fixture(scope="module")
def briefing(comparison, tmp_path_factory):
    path = tmp_path_factory.mktemp("change") / "briefing.html"
    return sg.write_change_report(comparison, path, map_href="map.html")


@pytest.fixture(scope="module")
def change_map(comparison, tmp_path_factory):
    return sg.write_change_map(comparison, tmp_path_factory.mktemp("change") / "map.html")


def test_the_world_has_the_changes_it_was_built_with(comparison):
    # The premise of the tests below (compare.py's own tests test the words themselves).
    words = comparison.ties.groupby("change").size().to_dict()
    assert words == {"formed": 4, "lost": 1, "strengthened": 1, "weakened": 1, "unchanged": 11}
    barriers = comparison.barriers.set_index("kind")["change"].to_dict()
    assert barriers == {"isolate": "closed", "one_sided": "new"}


# ---------------------------------------------------------------------------
# The briefing
# ---------------------------------------------------------------------------

def test_briefing_is_self_contained_and_escapes_every_name(briefing):
    text = briefing.read_text(encoding="utf-8")
    assert "<title>What difference did it make?</title>" in text
    assert external_references(text) == []
    assert "default-src 'none'" in text and "<script" not in text.lower()
    for name in HOSTILE.values():
        if name != '=HYPERLINK("x")':                  # plain text in HTML; escaped quotes only
            assert name not in text
        assert str(escape(name)) in text                 # as Jinja's autoescape writes it
    assert "<img src=x" not in text and "<svg onload" not in text and "<b>bold" not in text
    assert "@media print" in text


def test_briefing_shows_each_closed_and_new_barrier_with_its_actors(comparison, briefing):
    text = briefing.read_text(encoding="utf-8")
    for word, heading in (("closed", "Barriers closed"), ("new", "New barriers")):
        rows = comparison.barriers[comparison.barriers["change"] == word]
        section = text.split(f"<h3>{heading} ({len(rows)})")[1].split("<h3>")[0]
        for actors in rows["actors"]:
            for name in actors.split(";"):
                assert str(escape(name)) in section, (word, name)
    assert "<h3>Barriers persisting (0)" in text


def test_briefing_shows_the_periods_measures_and_ties(comparison, briefing):
    text = briefing.read_text(encoding="utf-8")
    assert "1 January 2024 to 31 December 2024 (366 days)" in text
    assert "1 January 2025 to 31 December 2025 (365 days)" in text
    measures = comparison.measures
    for row in measures[measures["kind"].isin(["density", "ei_sector"])].itertuples():
        assert f">{row.change}</span>" in text
        assert f"{row.change_low:+.3g} to {row.change_high:+.3g}" in text
    assert "<h3>Ties formed (4)" in text and "<h3>Ties lost (1)" in text
    assert "11 of 18 ties with contact in either period are unchanged" in text
    assert 'href="map.html"' in text


def test_briefing_says_how_many_more_when_it_shows_the_top(comparison, tmp_path):
    text = sg.write_change_report(comparison, tmp_path / "b.html", top=1).read_text(encoding="utf-8")
    assert "<h3>Ties formed (4): the 1 that changed most" in text
    assert "and 3 more" in text
    formed = text.split("<h3>Ties formed (4)")[1].split("<h3>")[0]
    assert formed.count("<tr>") == 2                                   # the header and one tie
    # The one shown is the largest change in contacts per month: 122 contacts after, none before.
    assert str(escape(NAMES[1])) in formed and str(escape(NAMES[7])) in formed


def test_briefing_embeds_the_change_map_and_the_timeline(briefing):
    text = briefing.read_text(encoding="utf-8")
    images = re.findall(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]+)"', text)
    assert [alt for _, alt in images] == ["Map of the partnership's ties before and after the change",
                                          "Key measures per quarter, with the change date marked"]
    for data, _ in images:
        png = base64.b64decode(data)
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert width > 500 and height > 300
    assert "Key measures per quarter (8 quarters)" in text


# ---------------------------------------------------------------------------
# The map
# ---------------------------------------------------------------------------

def test_map_data_draws_each_tie_by_its_word(comparison):
    data = change_map_data(comparison)
    names = {n["id"]: n["name"] for n in data["nodes"]}
    edges = {frozenset((names[e["from"]], names[e["to"]])): e for e in data["edges"]}
    rows = {frozenset(a.split(";")): row for a, row in zip(comparison.ties["actors"], comparison.ties.itertuples())}
    assert set(rows) <= set(edges)
    for pair, row in rows.items():
        edge = edges[pair]
        assert edge["change"] == row.change
        assert edge["color"]["color"] == TIE_CHANGE_STYLE[row.change]["color"]
        if row.change == "unchanged":
            assert edge["width"] == 1 and edge["dashes"] is False
        else:
            assert edge["width"] > 1.5
    formed = [edges[p] for p, r in rows.items() if r.change == "formed"]
    lost = [edges[p] for p, r in rows.items() if r.change == "lost"]
    assert all(e["color"]["color"] == "#009E73" and e["dashes"] is False for e in formed)
    assert all(isinstance(e["dashes"], list) and e["color"]["color"] == "#7B8794" for e in lost)
    # Width grows with the change in contacts per month: 122 contacts after beats 91.
    by_after = sorted(((r.after, edges[p]["width"]) for p, r in rows.items() if r.change == "formed"))
    assert by_after[0][1] < by_after[-1][1]


def test_map_data_marks_closed_and_new_barriers(comparison):
    data = change_map_data(comparison)
    nodes = {n["name"]: n for n in data["nodes"]}
    closed = nodes[NAMES[10]]
    assert closed["shape"] == BARRIER_CHANGE_STYLE["closed"]["shape"] and closed["barrier"] == "closed"
    assert closed["color"]["border"] == BARRIER_CHANGE_STYLE["closed"]["color"]
    assert any(line.startswith("\u2713 barrier closed: Isolate") for line in closed["tooltip"]["lines"])
    for name in (NAMES[11], NAMES[1]):
        assert nodes[name]["shape"] == BARRIER_CHANGE_STYLE["new"]["shape"]
    one_sided = [e for e in data["edges"] if e.get("label") == "barrier new"]
    assert len(one_sided) == 1 and one_sided[0]["change"] == "unchanged"
    assert {n["name"] for n in data["nodes"] if n["named"]} >= {NAMES[10], NAMES[11], NAMES[1]}


def test_map_has_one_layout_for_both_periods(comparison):
    data = change_map_data(comparison)
    union = set(comparison.graphs["before"]) | set(comparison.graphs["after"])
    assert {n["name"] for n in data["nodes"]} == union
    again = change_map_data(comparison)
    assert [(n["x"], n["y"]) for n in again["nodes"]] == [(n["x"], n["y"]) for n in data["nodes"]]
    other = change_map_data(comparison, seed=5)
    assert [(n["x"], n["y"]) for n in other["nodes"]] != [(n["x"], n["y"]) for n in data["nodes"]]


def test_map_page_is_self_contained_and_escapes_every_name(change_map):
    text = change_map.read_text(encoding="utf-8")
    assert external_references(text) == []
    assert "default-src 'none'" in text
    for name in HOSTILE.values():
        if name != '=HYPERLINK("x")':
            assert name not in text
    assert "<img src=x" not in text and "<svg onload" not in text
    assert len(re.findall(r"</script", text, flags=re.IGNORECASE)) == 2   # ours; data cannot add one
    assert "var network = new vis.Network" in text
    assert 'setAttribute("data-drawn", "true")' in text
    for label in ("formed", "lost", "barrier that closed", "new barrier"):
        assert label in text


# ---------------------------------------------------------------------------
# The timeline figure
# ---------------------------------------------------------------------------

def test_plot_timeline_marks_the_change(comparison):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    frame = comparison.timeline("quarter")
    panels = sg.plot_timeline(frame, at=comparison.at)
    try:
        assert [p.get_title().split("\n")[0] for p in panels] == ["Density", "Reciprocity", "E-I index by sector",
                                                                  "Mean tie strength"]
        at = mdates.date2num(pd.Timestamp(AT))
        for panel in panels:
            marks = [line for line in panel.get_lines() if line.get_linestyle() == "--"]
            assert [mdates.date2num(x) if not isinstance(x, float) else x for x in marks[0].get_xdata()] == [at, at]
            assert len(panel.get_lines()[0].get_xdata()) == len(frame)        # one point per quarter
    finally:
        plt.close("all")
    # Given an axes, the panels share its space in its figure.
    figure, ax = plt.subplots(figsize=(8, 5))
    try:
        panels = sg.plot_timeline(frame, ax, measures=("density", "ties", "no_such_column"))
        assert len(panels) == 2 and all(p.figure is figure for p in panels)
    finally:
        plt.close(figure)


# ---------------------------------------------------------------------------
# In a browser
# ---------------------------------------------------------------------------

from browsing import needs_browser as browser_only, open_page  # noqa: E402


# Share of the map's canvas pixels that are not white: a drawn map has lines and actors.
INKED = """() => {
  const canvas = document.querySelector('#mynetwork canvas');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0 && (data[i] < 240 || data[i + 1] < 240 || data[i + 2] < 240)) inked++;
  }
  return inked / (data.length / 4);
}"""


@browser_only
def test_change_map_draws_offline_without_running_names(browser, comparison, change_map):
    page, requests, errors, dialogs = open_page(browser, change_map)
    page.wait_for_selector("body[data-drawn=true]", timeout=10_000)
    assert page.evaluate("network.body.data.nodes.length") == len(comparison.graphs["after"])
    assert page.evaluate(INKED) > 0.01
    assert page.evaluate("window.__xss") is None and dialogs == [] and errors == []
    assert requests == [change_map.as_uri()]                       # nothing but the page itself
    options = page.evaluate("Array.from(document.querySelectorAll('#actor-names option')).map(o => o.value)")
    assert set(NAMES) <= set(options)                               # the names, as text
    shown = lambda: page.evaluate("network.body.data.edges.get({filter: e => !e.hidden}).length")  # noqa: E731
    total = shown()
    page.check("#only-changes")
    assert shown() == 8                                             # 7 ties changed, and the tie turned one-sided
    assert total == 18
    page.close()


@browser_only
def test_change_briefing_renders_offline(browser, briefing):
    page, requests, errors, _ = open_page(browser, briefing)
    heights = page.evaluate("Array.from(document.images).map(i => i.naturalHeight)")
    assert len(heights) == 2 and min(heights) > 300                 # both figures decoded
    assert page.evaluate("window.__xss") is None
    assert requests == [briefing.as_uri()] and errors == []
    page.close()
