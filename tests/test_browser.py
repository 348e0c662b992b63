"""The map and the briefing in a real browser (Debian's chromium, driven by Playwright):
they draw, they make no network request, and no text from the data runs as script."""

from test_render import EVIL, evil_graph  # noqa: F401  (the fixture)

import stakeholder_graph as sg
from browsing import needs_browser, open_page

pytestmark = needs_browser


def test_map_draws_without_running_data_or_fetching(browser, evil_graph, tmp_path):  # noqa: F811
    path = sg.write_map(evil_graph, tmp_path / "map.html")
    page, requests, errors, dialogs = open_page(browser, path)
    page.wait_for_selector("body[data-drawn=true]", timeout=10_000)
    assert page.evaluate("window.__xss") is None
    assert dialogs == [] and errors == []
    assert page.evaluate("network.body.data.nodes.length") == evil_graph.number_of_nodes()
    assert requests == [path.as_uri()]                   # nothing but the page itself
    # Names show as text: the search list holds them verbatim.
    options = page.evaluate("Array.from(document.querySelectorAll('#actor-names option')).map(o => o.value)")
    assert set(EVIL) <= set(options)
    page.close()


def test_map_search_and_barrier_toggle(browser, demo_graph, tmp_path):
    path = sg.write_map(demo_graph, tmp_path / "map.html")
    page, requests, errors, _ = open_page(browser, path)
    page.wait_for_selector("body[data-drawn=true]", timeout=10_000)
    page.fill("#search", "st aidan's hospice")
    page.dispatch_event("#search", "change")
    selected = page.evaluate("network.getSelectedNodes().map(id => network.body.data.nodes.get(id).name)")
    assert selected == ["St Aidan's Hospice"]
    total = page.evaluate("network.body.data.edges.get({filter: e => !e.hidden}).length")
    page.check("#only-barriers")
    shown = page.evaluate("network.body.data.edges.get({filter: e => !e.hidden}).length")
    assert 0 < shown < total
    assert errors == [] and requests == [path.as_uri()]
    page.close()


def test_briefing_renders_offline(browser, demo_graph, tmp_path):
    path = sg.write_report(demo_graph, tmp_path / "briefing.html")
    page, requests, errors, _ = open_page(browser, path)
    assert page.locator(".issue").count() >= 10
    heights = page.evaluate("Array.from(document.images).map(i => i.naturalHeight)")
    assert len(heights) == 4 and min(heights) > 100       # the figures decoded
    assert requests == [path.as_uri()] and errors == []
    page.close()


def test_large_map_is_still_quickly(browser, tmp_path):
    import networkx as nx
    G = nx.connected_watts_strogatz_graph(2000, 10, 0.1, seed=1)
    for u, v in G.edges():
        G[u][v].update(weight=1.0 + (u * v) % 5, distance=1 / (1.0 + (u * v) % 5), count=3)
    path = sg.write_map(G, tmp_path / "big.html", barriers=sg.find_barriers(G))
    page, *_ = open_page(browser, path)
    page.wait_for_selector("body[data-drawn=true]", timeout=15_000)
    assert page.evaluate("network.body.data.nodes.length") == 2000
    page.close()


LABEL_BOXES = """() => network.body.nodeIndices
  .filter(id => network.body.data.nodes.get(id).label)
  .map(id => { const s = network.body.nodes[id].labelModule.size; return [s.left, s.top, s.width, s.height]; })"""


def _overlapping(boxes) -> list:
    return [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:]
            if a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]]


def test_names_do_not_print_over_each_other(browser, demo_graph, tmp_path):
    """At the scale that fits the map, no two names shown overlap, by vis-network's own
    measure of each label's box (an independent check of the page's estimate). A name held
    back for a clash still shows on hover."""
    path = sg.write_map(demo_graph, tmp_path / "map.html")
    page, requests, errors, _ = open_page(browser, path)
    page.wait_for_selector("body[data-drawn=true]", timeout=10_000)
    page.wait_for_timeout(300)                                          # the redraw after the names change
    boxes = page.evaluate(LABEL_BOXES)
    assert len(boxes) >= 15 and _overlapping(boxes) == []
    held = page.evaluate("Object.keys(clashed).map(Number)")
    if held:
        page.evaluate(f"network.body.emitter.emit('hoverNode', {{node: {held[0]}}})")
        assert page.evaluate(f"network.body.data.nodes.get({held[0]}).label") != ""
    assert errors == [] and requests == [path.as_uri()]
    page.close()


def test_the_focus_actor_keeps_its_name(browser, demo_graph, tmp_path):
    """In an ego view the focus actor's name wins any clash of names (review: it could be
    held back behind a larger neighbour's)."""
    path = sg.write_map(demo_graph, tmp_path / "ego.html", focus="Northvale Public Health", radius=2)
    page, requests, errors, _ = open_page(browser, path)
    page.wait_for_selector("body[data-drawn=true]", timeout=10_000)
    page.wait_for_timeout(300)
    assert page.evaluate("network.body.data.nodes.get(focusId).label") == "Northvale Public Health"
    assert page.evaluate("!clashed[focusId]") and errors == []
    page.close()
