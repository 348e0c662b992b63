"""Maps, figures and briefing without a browser: offline, escaped, deterministic, views."""

import json
import re

import pandas as pd
import pytest

import stakeholder_graph as sg

EVIL = ['<img src=x onerror="window.__xss=1">', "</script><script>window.__xss=2</script>",
        '"><svg onload=window.__xss=3>', "Café & Co <b>bold</b>"]


@pytest.fixture(scope="module")
def evil_graph():
    names = EVIL + ["Plain Trust"]
    rows = []
    for day in range(1, 28):
        for i, a in enumerate(names):
            b = names[(i + 1) % len(names)]
            rows.append((f"2024-03-{day:02d}", a, b, "email", "diabetes"))
    log = pd.DataFrame(rows, columns=["date", "source", "target", "type", "programme"])
    actors = pd.DataFrame({"name": names, "sector": ["<i>sector</i>"] * len(names), "kind": "organisation"})
    return sg.build_graph(log, actors=actors)


def external_references(html):
    """Tag attributes (src, href, ...) and stylesheet url()s that would fetch from outside."""
    from html.parser import HTMLParser

    class Collect(HTMLParser):
        def __init__(self):
            super().__init__()
            self.refs, self.in_style, self.styles = [], False, []

        def handle_starttag(self, tag, attrs):
            self.refs += [v for k, v in attrs if k in {"src", "href", "data", "action", "poster"} and v]
            self.in_style = tag == "style"

        def handle_data(self, data):
            if self.in_style:
                self.styles.append(data)

    parser = Collect()
    parser.feed(html)
    refs = parser.refs + re.findall(r"url\(\s*['\"]?([^'\")]+)", "".join(parser.styles))
    return [r for r in refs if not r.startswith(("data:", "#", "map.html"))]


def test_map_is_self_contained_and_escapes_input(evil_graph, tmp_path):
    path = sg.write_map(evil_graph, tmp_path / "map.html")
    html = path.read_text(encoding="utf-8")
    assert external_references(html) == []
    assert "default-src 'none'" in html                    # the page may not fetch anything
    for name in EVIL:
        assert name not in html                             # never verbatim: escaped everywhere
    assert "<img src=x" not in html and "<svg onload" not in html
    # Our template has exactly two scripts; data can never add a closing tag.
    assert len(re.findall(r"</script", html, flags=re.IGNORECASE)) == 2
    assert "var network = new vis.Network" in html          # pyvis's global


def test_report_is_self_contained_and_escapes_input(evil_graph, tmp_path):
    html = sg.write_report(evil_graph, tmp_path / "b.html", map_href="map.html").read_text(encoding="utf-8")
    assert external_references(html) == []
    assert "<script" not in html
    assert "&lt;img src=x onerror=" in html or "&lt;img src=x" in html
    assert "@media print" in html


def test_report_can_save_its_figures_for_slides(demo_graph, tmp_path):
    import base64
    import re
    html = sg.write_report(demo_graph, tmp_path / "b.html", figure_dir=tmp_path / "figures").read_text(encoding="utf-8")
    names = ["network", "organisation_heatmap", "activity", "tie_strengths"]
    for name in names:
        assert (tmp_path / "figures" / f"{name}.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
        assert (tmp_path / "figures" / f"{name}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # The files are the briefing's own drawings: same aspect ratio as the embedded PNGs.
    embedded = [base64.b64decode(data) for data in re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html)]
    assert len(embedded) == 4
    for name, png in zip(names, embedded):
        file_png = (tmp_path / "figures" / f"{name}.png").read_bytes()
        size = lambda data: (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"))  # noqa: E731
        (w1, h1), (w2, h2) = size(png), size(file_png)
        assert abs(w1 / h1 - w2 / h2) < 0.01, name


def test_map_data_deterministic_and_complete(demo_graph):
    found = sg.find_barriers(demo_graph)
    a = sg.render.map_data(demo_graph, barriers=found, seed=1)
    b = sg.render.map_data(demo_graph, barriers=found, seed=1)
    assert json.dumps(a, default=str) == json.dumps(b, default=str)
    assert len(a["nodes"]) == demo_graph.number_of_nodes()
    missing = [e for e in a["edges"] if e.get("suggested")]
    assert len(missing) == (found["kind"] == "missing_link").sum()
    one_sided = [e for e in a["edges"] if "arrows" in e]
    assert len(one_sided) == (found["kind"] == "one_sided").sum()
    isolates = [n for n in a["nodes"] if n["shape"] == "diamond"]
    assert {n["name"] for n in isolates} == set(found.loc[found["kind"] == "isolate", "actors"])


def test_focus_view_and_unknown_focus(demo_graph, tmp_path):
    path = sg.write_map(demo_graph, tmp_path / "ego.html", focus="northvale integrated care board", radius=1)
    html = path.read_text(encoding="utf-8")
    nodes = json.loads(re.search(r"var nodeRecords = (\[.*?\]);\n", html).group(1))
    assert len(nodes) == demo_graph.degree("Northvale Integrated Care Board") + 1
    # The registry's aliases work too, as the README's example uses them.
    alias = sg.write_map(demo_graph, tmp_path / "alias.html", focus="northvale icb").read_text(encoding="utf-8")
    assert "Partnership map: Northvale Integrated Care Board" in alias
    # A sector keeps its colour from the whole map to the ego view.
    whole = sg.render.map_data(demo_graph, barriers=sg.find_barriers(demo_graph))
    colour = {g["label"]: g["colour"] for g in whole["legend"]["groups"]}
    ego_legend = re.findall(r'background: (#[0-9A-Fa-f]{6})"></span>([^<]+)</li>', alias)
    assert ego_legend and all(colour[label.strip()] == c for c, label in ego_legend)
    with pytest.raises(sg.UnknownActorError, match="did you mean"):
        sg.write_map(demo_graph, tmp_path / "x.html", focus="Northvale Integrated Care Bored")
    assert not (tmp_path / "x.html").exists()               # written whole or not at all


def test_figures_png_and_svg(demo_graph, tmp_path):
    for draw in [sg.plot_network, sg.plot_organisation_heatmap, sg.plot_activity, sg.plot_strength_distribution]:
        ax = draw(demo_graph)
        assert ax.has_data() or ax.texts or ax.collections, f"{draw.__name__} drew nothing"
        png = sg.save_figure(ax.figure, tmp_path / f"{draw.__name__}.svg")
        assert png.read_text(encoding="utf-8").lstrip().startswith("<?xml")
        out = sg.save_figure(ax, tmp_path / f"{draw.__name__}.png")
        assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_organisation_heatmap_sums_strength(demo_graph):
    from stakeholder_graph.render.figures import organisation_matrix
    matrix = organisation_matrix(demo_graph)
    # Every tie appears once off the diagonal (twice, symmetric) or once on it.
    total = sum(d["weight"] for _, _, d in demo_graph.edges(data=True))
    off = matrix.to_numpy().sum() - matrix.to_numpy().trace()
    assert off / 2 + matrix.to_numpy().trace() == pytest.approx(total)


def test_cli_map_and_report(tmp_path):
    from click.testing import CliRunner
    from stakeholder_graph.cli import cli
    files = sg.write_demo_files(tmp_path / "data")
    args = [str(files["interactions"]), "--meetings", str(files["meetings"]), "--actors", str(files["actors"])]
    result = CliRunner().invoke(cli, ["map", *args, "--level", "organisation", "-o", str(tmp_path / "m.html")])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, ["map", *args, "--focus", "Nobody Here", "-o", str(tmp_path / "n.html")])
    assert result.exit_code == 2 and "Error: no actor called 'Nobody Here'" in result.output
    result = CliRunner().invoke(cli, ["report", *args, "-o", str(tmp_path / "b.html"), "--map", "m.html"])
    assert result.exit_code == 0 and (tmp_path / "b.html").stat().st_size > 10_000


def _inside(box, frame, slack=1.0):
    return (box.x0 >= frame.x0 - slack and box.x1 <= frame.x1 + slack
            and box.y0 >= frame.y0 - slack and box.y1 <= frame.y1 + slack)


def test_network_figure_keeps_names_in_the_frame_and_the_legend_off_the_actors(demo_graph):
    import matplotlib.pyplot as plt
    ax = sg.plot_network(demo_graph)
    figure = ax.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    frame = figure.bbox
    names = [t for t in ax.texts if t.get_text()]
    assert len(names) >= 30
    outside = [t.get_text() for t in names if not _inside(t.get_window_extent(renderer), frame)]
    assert not outside, f"names run off the figure: {outside}"
    legend = ax.get_legend().get_window_extent(renderer)
    actors = ax.transData.transform([(x, -y) for x, y in sg.analyse(demo_graph).layout().values()])
    covered = [(x, y) for x, y in actors if legend.contains(x, y)]
    assert not covered, f"{len(covered)} actors sit under the legend"
    plt.close(figure)


def test_heatmap_names_are_not_cut(demo_graph, tmp_path):
    """Saved with a tight box: every organisation's name is inside the saved picture."""
    import matplotlib.image
    ax = sg.plot_organisation_heatmap(demo_graph)
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    labels = [t for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text()]
    union = labels[0].get_window_extent(renderer).union([t.get_window_extent(renderer) for t in labels])
    saved = sg.save_figure(ax, tmp_path / "heatmap.png", dpi=100)
    height, width = matplotlib.image.imread(saved).shape[:2]
    # The tight box reaches at least as far as the labels (figure pixels at dpi 100).
    assert width >= union.width * 100 / ax.figure.dpi - 2 and height >= union.height * 100 / ax.figure.dpi - 2


def test_map_names_the_largest_actors_and_those_with_barriers(demo_graph):
    from stakeholder_graph.render.map import MAP_LABELS
    A = sg.analyse(demo_graph)
    data = sg.render.map_data(A)
    named = {n["name"] for n in data["nodes"] if n["label"]}
    size = A.betweenness("distance")
    largest = sorted(demo_graph, key=lambda n: (-size[n], str(n)))[:MAP_LABELS]
    assert set(largest) <= named
    flagged = {n["name"] for n in data["nodes"] if n["barrier"]}
    assert flagged <= named
    found = A.barriers
    in_findings = {x for kind, actors in zip(found["kind"], found["actors"]) if kind != "structural_hole"
                   and kind != "silo" for x in actors.split(";")}
    assert in_findings <= named, in_findings - named
    assert len(named) < demo_graph.number_of_nodes()        # the rest on hover or zoom
    assert all(n["name"] for n in data["nodes"])             # every name is still there for search


def test_focus_keeps_barrier_styles_on_the_focus_ties(demo_graph, tmp_path):
    """vis-network highlights a selected actor's ties in grey unless told otherwise; the
    focus actor is selected, so its barrier ties must carry their own highlight colour."""
    from stakeholder_graph.render.styles import BARRIER_STYLE
    found = sg.find_barriers(demo_graph)
    bridges = found[found["kind"] == "bridge"]
    a, b = bridges.iloc[0]["actors"].split(";")
    focus = a if demo_graph.degree(a) >= demo_graph.degree(b) else b
    html = sg.write_map(demo_graph, tmp_path / "ego.html", focus=focus).read_text(encoding="utf-8")
    edges = json.loads(re.search(r"var edgeRecords = (\[.*?\]);\n", html).group(1))
    barrier_edges = [e for e in edges if e["barrier"] and not e.get("suggested")]
    assert barrier_edges
    for e in barrier_edges:
        assert e["color"]["highlight"] == e["color"]["color"] != "#9AA5B1"
    assert any(e["color"]["color"] == BARRIER_STYLE["bridge"]["color"] for e in barrier_edges)


def test_colour_falls_back_to_organisation_without_sectors(tmp_path):
    log = pd.DataFrame({"date": ["2024-01-01"] * 4, "source": ["a1", "a1", "b1", "c1"],
                        "target": ["a2", "b1", "c1", "a2"]})
    actors = pd.DataFrame({"name": ["A", "B", "C", "a1", "a2", "b1", "c1"],
                           "parent": ["", "", "", "A", "A", "B", "C"]})
    G = sg.build_graph(log, actors=actors)
    data = sg.render.map_data(G)
    assert data["meta"]["colour_by"] == "organisation" and "no actor has a sector" in data["meta"]["colour_note"]
    assert {g["label"] for g in data["legend"]["groups"]} >= {"A", "B", "C"}
    html = sg.write_map(G, tmp_path / "m.html").read_text(encoding="utf-8")
    assert "Colour: organisation" in html and "coloured by organisation" in html


def test_report_drawn_beside_the_diagnosis_is_the_same_page(demo_graph, tmp_path):
    # workers=1 forces the worker process the CLI uses on large partnerships; the page, its
    # figures and what the Analysis keeps (summary, layout) must equal the in-turn drawing.
    pages, analyses = [], []
    for workers in (0, 1):
        A = sg.analyse(demo_graph)
        path = sg.write_report(A, tmp_path / f"b{workers}.html", workers=workers, figure_dir=tmp_path / f"f{workers}")
        pages.append(path.read_bytes())
        analyses.append(A)
    assert pages[0] == pages[1]
    for name in ("network", "organisation_heatmap", "activity", "tie_strengths"):
        assert (tmp_path / "f0" / f"{name}.svg").read_bytes() == (tmp_path / "f1" / f"{name}.svg").read_bytes()
    assert analyses[0].summary == analyses[1].summary
    assert analyses[0].layout() == analyses[1].layout()


def test_background_worker_returns_results_and_raises_errors():
    import os
    from stakeholder_graph.background import start
    assert start(os.getpid)() != os.getpid()                # run by another process
    assert start(divmod, 17, 5)() == (3, 2)
    import pytest
    with pytest.raises(ZeroDivisionError):
        start(divmod, 1, 0)()
