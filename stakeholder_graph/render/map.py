"""The interactive map: one self-contained pyvis/vis-network HTML file that works offline.

Why our own template: pyvis 0.3.2's ``cdn_resources="in_line"`` still loads Bootstrap from
a CDN and ``"local"`` loads vis-network from one, and its tooltips and menus insert
user text unescaped.  Here pyvis's ``Network`` holds the nodes, edges and options and its
bundled vis-network 9 script and stylesheet are inlined; the page keeps pyvis's global
``network`` (the vis.Network) so scripts and tests can reach it.  Every string from the
input files reaches the page either as JSON inside the script (with ``<``, ``>`` and ``&``
escaped so it cannot close the script) and from there as DOM text (``textContent``), or
through Jinja's autoescaping: a name such as ``<img src=x onerror=alert(1)>`` shows as text.

The layout is computed here (seeded spring layout), physics is off and edges are straight,
so a map of thousands of actors is still at once and the same input gives the same picture.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from ..errors import StakeholderGraphError
from .._format import day
from ..export import write_text
from .styles import BARRIER_STYLE, NODE_BARRIER_STYLE, OTHER, group_colours

__all__ = ["write_map", "map_data", "SIZE_MEASURES"]

SIZE_MEASURES = ("betweenness", "degree", "strength", "eigenvector")
TIE_KINDS = set(BARRIER_STYLE)


def layout(G: nx.Graph, *, seed: int = 0) -> dict:
    """Seeded layout; isolates on a ring around the rest.

    Kamada-Kawai (seeded start) up to 400 actors, Fruchterman-Reingold (igraph) beyond.  Returns
    ``{actor: (x, y)}`` in screen units.
    """
    connected = [n for n in G if G.degree(n) > 0]
    isolated = [n for n in G if G.degree(n) == 0]
    pos = {}
    if connected:
        H = G.subgraph(connected)
        # Spring forces on log-strength: a few very strong ties should not crush the picture.
        weights = {(u, v): 1 + math.log1p(d.get("weight", 1.0)) for u, v, d in H.edges(data=True)}
        K = nx.Graph()
        K.add_nodes_from(sorted(H, key=str))
        K.add_edges_from((u, v, {"w": w}) for (u, v), w in weights.items())
        if len(K) <= 400:
            # Kamada-Kawai spaces a partnership-sized graph evenly (readable labels); it is
            # deterministic, started from a seeded spring layout.
            start = nx.spring_layout(K, weight="w", seed=seed, iterations=30)
            pos = nx.kamada_kawai_layout(K, pos=start, weight=None)
        else:
            pos = _large_layout(K, seed)
    scale = 90 * math.sqrt(max(len(G), 4))
    out = {n: (float(x) * scale, float(y) * scale) for n, (x, y) in pos.items()}
    for i, n in enumerate(sorted(isolated, key=str)):
        angle = 2 * math.pi * i / max(len(isolated), 1)
        out[n] = (1.25 * scale * math.cos(angle), 1.25 * scale * math.sin(angle))
    return out


def _large_layout(K: nx.Graph, seed: int) -> dict:
    """Fruchterman-Reingold for thousands of actors: igraph's C version (under a second at
    2,000 actors, where networkx's took 9 s), started from seeded random positions so the
    same graph and seed give the same picture; networkx if igraph is missing."""
    from ..metrics import as_igraph
    nodes = list(K)
    try:
        graph, weights = as_igraph(K, "w")
    except ImportError:
        return nx.spring_layout(K, weight="w", seed=seed, iterations=30, k=2 / math.sqrt(len(K)))
    import igraph
    # Start spread over the area igraph lays out in (side about sqrt(n)), so its grid helps.
    spread = math.sqrt(len(nodes))
    start = np.random.default_rng(seed).uniform(-spread, spread, size=(len(nodes), 2)).tolist()
    # igraph draws random numbers during the layout: give it its own seeded generator, and
    # hand back Python's random module afterwards.
    import random
    igraph.set_random_number_generator(random.Random(seed))
    try:
        coords = graph.layout_fruchterman_reingold(weights=weights, seed=start, niter=300,
                                                   grid="grid" if len(nodes) > 1000 else "nogrid")
    finally:
        igraph.set_random_number_generator(random)
    xy = np.asarray(coords.coords, dtype=float)
    xy -= xy.mean(axis=0)
    xy /= np.abs(xy).max() or 1.0
    return {n: (float(x), float(y)) for n, (x, y) in zip(nodes, xy)}


def _size_values(G, size_by, seed):
    from ..metrics import _eigenvector, betweenness
    if size_by == "betweenness":
        return betweenness(G, weight="distance", seed=seed)
    if size_by == "degree":
        return dict(G.degree())
    if size_by == "strength":
        return dict(G.degree(weight="weight"))
    if size_by == "eigenvector":
        return _eigenvector(G)
    raise StakeholderGraphError(f"size_by must be one of {', '.join(SIZE_MEASURES)}, not '{size_by}'")


def _findings_index(barriers: pd.DataFrame, G: nx.Graph):
    """Which findings touch which tie and which actor."""
    tie_findings, actor_findings, introductions = {}, {}, []
    if barriers is None or barriers.empty:
        return tie_findings, actor_findings, introductions
    silo_groups = {}
    for row in barriers.itertuples():
        names = row.actors.split(";")
        if row.kind in TIE_KINDS and len(names) == 2:
            a, b = names
            if row.kind == "missing_link":
                if a in G and b in G:
                    introductions.append((a, b, row))
                continue
            if G.has_edge(a, b):
                tie_findings.setdefault(frozenset((a, b)), []).append(row)
            continue
        if row.kind == "silo":
            silo_groups[names[0]] = row
            continue
        if row.kind in NODE_BARRIER_STYLE:
            for name in names:
                if name in G:
                    actor_findings.setdefault(name, []).append(row)
    if silo_groups:
        for node, data in G.nodes(data=True):
            for attribute in ("organisation", "sector"):
                row = silo_groups.get(data.get(attribute))
                if row is not None:
                    actor_findings.setdefault(node, []).append(row)
    return tie_findings, actor_findings, introductions


def map_data(G: nx.Graph, *, barriers: pd.DataFrame | None = None, colour_by: str = "sector",
             size_by: str = "betweenness", seed: int = 0, whole: nx.Graph | None = None) -> dict:
    """Everything the map draws, as plain data: ``{"nodes", "edges", "legend", "meta"}``.

    Node and edge dicts are in vis-network's vocabulary (``id``, ``label``, ``x``, ``y``,
    ``color``, ``size``, ``shape``; ``from``, ``to``, ``width``, ``dashes``, ``arrows``) plus
    ``tooltip`` (heading and lines of text) and ``barrier`` (drawn as a barrier).
    ``barriers`` is a :func:`~stakeholder_graph.barriers.find_barriers` table (computed
    when not given).  ``whole``: the graph ``G`` is a view of (an ego view); colours are
    taken from it so a group keeps its colour from one view to the next.
    """
    if colour_by not in ("sector", "organisation", "kind", "community"):
        raise StakeholderGraphError(f"colour_by must be sector, organisation, kind or community, not '{colour_by}'")
    if barriers is None:
        from ..barriers import find_barriers
        barriers = find_barriers(G, seed=seed)
    nodes_list = sorted(G, key=str)
    index = {n: i for i, n in enumerate(nodes_list)}
    if colour_by == "community":
        from ..brokerage import communities
        groups = {n: f"community {c + 1}" for n, c in communities(G, seed=seed).items()}
        colours = group_colours(groups.values())
    else:
        groups = {n: str(G.nodes[n].get(colour_by, "") or "") for n in nodes_list}
        source = whole if whole is not None else G
        everyone = [str(d.get(colour_by, "") or "") for _, d in source.nodes(data=True)]
        shown = set(groups.values())
        colours = {g: c for g, c in group_colours(everyone).items() if g in shown}
    size_values = _size_values(G, size_by, seed)
    top = max([v for v in size_values.values() if v == v] or [1.0]) or 1.0
    positions = layout(G, seed=seed)
    tie_findings, actor_findings, introductions = _findings_index(barriers, G)

    nodes = []
    for n in nodes_list:
        d = G.nodes[n]
        findings = actor_findings.get(n, [])
        style = next((NODE_BARRIER_STYLE[f.kind] for f in findings if f.kind in NODE_BARRIER_STYLE), None)
        fill = colours.get(groups[n], OTHER)
        lines = [f"{d.get('kind', 'actor') or 'actor'}" + (f", {d['organisation']}" if d.get("organisation")
                                                           and d.get("organisation") != n else ""),
                 f"sector: {d.get('sector') or 'n/a'}",
                 f"{G.degree(n)} partners, total tie strength {G.degree(n, weight='weight'):.1f}",
                 f"{size_by}: {size_values.get(n, 0):.3g}"]
        lines += [f"\u26a0 {f.kind.replace('_', ' ')}: {f.explanation}" for f in findings]
        x, y = positions[n]
        nodes.append({
            "id": index[n], "label": str(n), "x": round(x, 1), "y": round(y, 1),
            "size": round(10 + 30 * math.sqrt(max(size_values.get(n, 0) or 0, 0) / top), 2),
            "shape": style["shape"] if style else "dot",
            "color": {"background": fill, "border": style["border"] if style else "#333333",
                      "highlight": {"background": fill, "border": "#000000"}},
            "borderWidth": 4 if style else 1,
            "group_value": groups[n],
            "barrier": bool(findings),
            "tooltip": {"heading": str(n), "lines": lines},
        })

    strengths = np.array([d.get("weight", 1.0) for _, _, d in G.edges(data=True)] or [1.0])
    cap = float(np.quantile(strengths, 0.98)) or 1.0
    edges = []
    for u, v, d in G.edges(data=True):
        findings = tie_findings.get(frozenset((u, v)), [])
        strength = float(d.get("weight", 1.0))
        width = 1 + 7 * min(1.0, math.log1p(strength) / math.log1p(cap))
        edge = {"from": index[u], "to": index[v], "width": round(width, 2), "color": {"color": "#9AA5B1", "opacity": 0.55},
                "dashes": False, "barrier": bool(findings)}
        if findings:
            style = BARRIER_STYLE[max(findings, key=lambda f: f.severity).kind]
            edge.update(color={"color": style["color"], "opacity": 1.0}, dashes=style["dashes"],
                        width=round(max(width, style["width_min"]), 2))
            for f in findings:
                if f.kind == "one_sided":
                    leader = f.actors.split(";")[0]
                    edge["arrows"] = {"to": {"enabled": True}} if leader == u else {"from": {"enabled": True}}
                    edge["color"] = {"color": BARRIER_STYLE["one_sided"]["color"], "opacity": 1.0}
        a, b = d.get("actor_a", u), d.get("actor_b", v)
        lines = [f"strength {strength:.2f} ({_plural(d.get('count', 0), 'contact')}"
                 + (f", {d.get('meetings', 0)} at meetings" if d.get("meetings") else "") + ")",
                 f"first {day(d.get('first'), month='%b', missing='n/a')}, last {day(d.get('last'), month='%b', missing='n/a')}"]
        if d.get("a_to_b", 0) + d.get("b_to_a", 0):
            lines.append(f"{a} started {d.get('a_to_b', 0)}, {b} started {d.get('b_to_a', 0)}")
        if d.get("rated"):
            lines.append(f"{d.get('negative', 0)} of {d['rated']} rated contacts negative")
        if d.get("programmes"):
            lines.append("programmes: " + str(d["programmes"]).replace(";", ", "))
        lines += [f"\u26a0 {f.kind.replace('_', ' ')}: {f.explanation}" for f in findings]
        edge["tooltip"] = {"heading": f"{a} \u2014 {b}", "lines": lines}
        edges.append(edge)
    for a, b, row in introductions:
        style = BARRIER_STYLE["missing_link"]
        edges.append({"from": index[a], "to": index[b], "width": style["width_min"], "dashes": style["dashes"],
                      "color": {"color": style["color"], "opacity": 1.0}, "barrier": True, "suggested": True,
                      "tooltip": {"heading": f"Introduce {a} and {b}", "lines": [row.explanation, row.suggestion]}})

    legend_groups = [{"label": g or "(none)", "colour": c} for g, c in colours.items()][:20]
    legend_barriers = ([{"label": s["label"], "colour": s["color"], "dashes": bool(s["dashes"])}
                        for s in BARRIER_STYLE.values()]
                       + [{"label": s["label"], "colour": s["border"], "dashes": False}
                          for s in NODE_BARRIER_STYLE.values()])
    meta = {"actors": G.number_of_nodes(), "ties": G.number_of_edges(), "colour_by": colour_by,
            "size_by": size_by, "as_of": G.graph.get("as_of", ""), "level": G.graph.get("level", "actor"),
            "programme": G.graph.get("programme", ""), "findings": int(len(barriers))}
    return {"nodes": nodes, "edges": edges, "legend": {"groups": legend_groups, "barriers": legend_barriers},
            "meta": meta}


def _plural(n, word):
    n = int(n)
    return f"{n} {word}" + ("" if n == 1 else "s")


def _script_json(value) -> str:
    """JSON safe to place inside <script>: no '<', '>' or '&' can end the script or open a tag."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=False, default=_json_default)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def vis_assets() -> tuple[str, str]:
    """The vis-network 9 script and stylesheet bundled with pyvis, as text to inline."""
    import pyvis
    folder = Path(pyvis.__file__).parent / "templates" / "lib"
    versions = sorted(folder.glob("vis-9*"), key=lambda p: [int(x) for x in p.name[4:].split(".") if x.isdigit()])
    if not versions:
        raise StakeholderGraphError("pyvis's bundled vis-network was not found; reinstall pyvis>=0.3.2")
    lib = versions[-1]
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), (lib / "vis-network.css").read_text(encoding="utf-8")


def _template(name: str):
    import jinja2
    env = jinja2.Environment(loader=jinja2.PackageLoader("stakeholder_graph.render", "templates"),
                             autoescape=jinja2.select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["script_json"] = _script_json
    return env.get_template(name)


def write_map(G: nx.Graph, path, *, barriers: pd.DataFrame | None = None, focus: str | None = None,
              radius: int = 1, colour_by: str = "sector", size_by: str = "betweenness", seed: int = 0,
              title: str | None = None, height: str = "86vh") -> Path:
    """Write the interactive map of ``G`` to ``path`` (one HTML file, works offline).

    Parameters
    ----------
    G : networkx.Graph
        From :func:`~stakeholder_graph.graph.build_graph`; build it with ``level``,
        ``programme`` etc. for those views.
    barriers : DataFrame, optional
        Findings to draw (default: :func:`~stakeholder_graph.barriers.find_barriers` of ``G``).
    focus, radius : optional
        Ego view: only actors within ``radius`` steps of ``focus`` (case-insensitive name).
    colour_by : {"sector", "organisation", "kind", "community"}
    size_by : {"betweenness", "degree", "strength", "eigenvector"}
    seed : int
        Layout and community seed: the same input and seed give the same picture.

    The page has a legend, a search box, a "show only barriers" switch, and tooltips with
    each tie's evidence; fragile bridges, weak, decayed, one-sided (arrow) and strained ties,
    suggested introductions (dashed) and isolated actors are drawn to stand out.
    """
    from pyvis.network import Network
    from ..graph import ego_graph
    if barriers is None:
        from ..barriers import find_barriers
        barriers = find_barriers(G, seed=seed)
    from ..graph import find_actor
    name = find_actor(G, focus) if focus else None
    view = ego_graph(G, name, radius) if focus else G
    data = map_data(view, barriers=barriers, colour_by=colour_by, size_by=size_by, seed=seed, whole=G)
    focus_id = None
    if focus:
        focus_id = next(n["id"] for n in data["nodes"] if n["label"] == str(name))
        data["meta"]["focus"] = str(name)
        data["meta"]["radius"] = radius
    # pyvis's Network carries the data and options; appending to its lists directly
    # avoids add_edge's scan of every edge (quadratic: ~17 s at 20,000 ties).
    net = Network(height=height, width="100%", directed=False, cdn_resources="in_line")
    net.nodes.extend(data["nodes"])
    net.edges.extend(data["edges"])
    net.options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "edges": {"smooth": False, "selectionWidth": 2},
        "nodes": {"font": {"size": 14, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": len(data["edges"]) > 3000,
                        "navigationButtons": False, "keyboard": {"enabled": True, "bindToWindow": False}},
    }
    script, style = vis_assets()
    heading = title or ("Partnership map" + (f": {data['meta']['focus']}" if focus else ""))
    html = _template("map.html").render(
        title=heading, nodes=net.nodes, edges=net.edges, options=net.options, meta=data["meta"],
        legend=data["legend"], focus_id=focus_id, vis_script=script, vis_style=style, height=height)
    return write_text(path, html)
