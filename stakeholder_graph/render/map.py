"""The interactive map: one self-contained pyvis/vis-network HTML file that works offline.

Why our own template: pyvis 0.3.2's ``cdn_resources="in_line"`` still loads Bootstrap from
a CDN and ``"local"`` loads vis-network from one, and its tooltips and menus insert
user text unescaped.  Here pyvis's ``Network`` holds the nodes, edges and options and its
bundled vis-network 9 script and stylesheet are inlined; the page keeps pyvis's global
``network`` (the vis.Network) so scripts and tests can reach it.  Every string from the
input files reaches the page either as JSON inside the script (with ``<``, ``>`` and ``&``
escaped so it cannot close the script) and from there as DOM text (``textContent``), or
through Jinja's autoescaping: a name such as ``<img src=x onerror=alert(1)>`` shows as text.

The layout is computed beforehand (:mod:`.layout`, seeded), physics is off and edges are straight,
so a map of thousands of actors is still at once and the same input gives the same picture.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from ..analysis import analysis_of
from ..errors import StakeholderGraphError
from .._format import day
from ..survey import organisation_scores
from ..export import write_text
from .page import template, vis_assets
from .styles import BARRIER_STYLE, NODE_BARRIER_STYLE, OTHER, barrier_index, barrier_styles, group_colours

__all__ = ["write_map", "map_data", "SIZE_MEASURES"]

SIZE_MEASURES = ("betweenness", "degree", "strength", "eigenvector")
# Actors named on the map before zooming in: the largest (and those a finding is about),
# so the centre stays readable.
# The rest show their names when hovered over, or all at once when zoomed in.
MAP_LABELS = 20


def _size_values(A, size_by):
    G = A.graph
    if size_by == "betweenness":
        return A.betweenness("distance")
    if size_by == "degree":
        return dict(G.degree())
    if size_by == "strength":
        return dict(G.degree(weight="weight"))
    if size_by == "eigenvector":
        return A.eigenvector
    raise StakeholderGraphError(f"size_by must be one of {', '.join(SIZE_MEASURES)}, not '{size_by}'")


def map_data(G, *, barriers: pd.DataFrame | None = None, colour_by: str = "sector",
             size_by: str = "betweenness", seed: int = 0, whole: nx.Graph | None = None,
             show_ratings: bool = False) -> dict:
    """Everything the map draws, as plain data: ``{"nodes", "edges", "legend", "meta"}``.

    Node and edge dicts are in vis-network's vocabulary (``id``, ``label``, ``x``, ``y``,
    ``color``, ``size``, ``shape``; ``from``, ``to``, ``width``, ``dashes``, ``arrows``) plus
    ``tooltip`` (heading and lines of text) and ``barrier`` (drawn as a barrier).
    ``G`` is a graph or its :class:`~stakeholder_graph.analysis.Analysis` (whose
    betweenness, communities and layout are reused).  ``barriers`` is a
    :func:`~stakeholder_graph.barriers.find_barriers` table (the Analysis's when not
    given).  ``whole``: the graph ``G`` is a view of (an ego view); colours are taken from
    it so a group keeps its colour from one view to the next.  With a survey, tie
    tooltips give the tie's trust and value and actor tooltips the mean their partners gave
    them (from three raters or more, the count not shown); a tie rated by one side only
    shows no score; what each side said of the other only with ``show_ratings`` (who
    rated whom is confidential: see docs/survey.md).
    """
    if colour_by not in ("sector", "organisation", "kind", "community"):
        raise StakeholderGraphError(f"colour_by must be sector, organisation, kind or community, not '{colour_by}'")
    A = analysis_of(G, seed)
    G = A.graph
    if barriers is None:
        barriers = A.barriers
    nodes_list = sorted(G, key=str)
    index = {n: i for i, n in enumerate(nodes_list)}
    colour_by, colour_note = colour_attribute(whole if whole is not None else G, colour_by)
    if colour_by == "community":
        groups = {n: f"community {c + 1}" for n, c in A.communities.items()}
        colours = group_colours(groups.values())
    else:
        groups = {n: str(G.nodes[n].get(colour_by, "") or "") for n in nodes_list}
        source = whole if whole is not None else G
        everyone = [str(d.get(colour_by, "") or "") for _, d in source.nodes(data=True)]
        shown = set(groups.values())
        colours = {g: c for g, c in group_colours(everyone).items() if g in shown}
    size_values = _size_values(A, size_by)
    top = max([v for v in size_values.values() if v == v] or [1.0]) or 1.0
    positions = A.layout()
    tie_findings, actor_findings, introductions = barrier_index(barriers, G)
    # Named from the start: the largest actors and every actor a finding is about.
    named_in_ties = {x for pair in tie_findings for x in pair} | {x for a, b, _ in introductions for x in (a, b)}
    named = set(sorted(nodes_list, key=lambda n: (-(size_values.get(n, 0) or 0), str(n)))[:MAP_LABELS])
    named |= set(actor_findings) | {x for pair in tie_findings for x in pair} | {x for a, b, _ in introductions
                                                                               for x in (a, b)}

    received = organisation_scores(G) if G.graph.get("survey") else None
    # Whose name wins where two would print over each other: actors a finding is about, then the larger.
    rank = {n: r for r, n in enumerate(sorted(nodes_list, key=lambda n: (
        not (actor_findings.get(n) or n in named_in_ties), -(size_values.get(n, 0) or 0), str(n))))}
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
        lines += _actor_survey_lines(received, n)
        lines += [f"\u26a0 {f.kind.replace('_', ' ')}: {f.explanation}" for f in findings]
        x, y = positions[n]
        nodes.append({
            "id": index[n], "name": str(n), "label": str(n) if n in named else "", "named": n in named,
            "rank": rank[n], "x": round(x, 1), "y": round(y, 1),
            "size": round(10 + 30 * math.sqrt(max(size_values.get(n, 0) or 0, 0) / top), 2),
            "shape": style["shape"] if style else "dot",
            "color": {"background": fill, "border": style["border"] if style else "#333333",
                      "highlight": {"background": fill, "border": "#000000"}},
            "borderWidth": 4 if style else 1,
            "group_value": groups[n],
            "barrier": bool(findings) or n in named_in_ties,
            "tooltip": {"heading": str(n), "lines": lines},
        })

    strengths = np.array([d.get("weight", 1.0) for _, _, d in G.edges(data=True)] or [1.0])
    cap = float(np.quantile(strengths, 0.98)) or 1.0
    edges = []
    for u, v, d in G.edges(data=True):
        findings = tie_findings.get(frozenset((u, v)), [])
        strength = float(d.get("weight", 1.0))
        width = 1 + 7 * min(1.0, math.log1p(strength) / math.log1p(cap))
        edge = {"from": index[u], "to": index[v], "width": round(width, 2), "color": _edge_colour("#9AA5B1", 0.55, selected="#52606D"),
                "dashes": False, "barrier": bool(findings)}
        if findings:
            # Low trust, the survey's word on a tie, is drawn in its own style over the log's
            # kinds (a one-sided tie keeps its arrow): otherwise the demo's one-sided tie
            # with low trust showed no sign of it.
            low = [f for f in findings if f.kind == "low_trust"]
            style = BARRIER_STYLE[(low or [max(findings, key=lambda f: f.severity)])[0].kind]
            drawn = round(max(width, style["width_min"]), 2)
            edge.update(color=_edge_colour(style["color"]), dashes=scaled_dashes(style["dashes"], drawn), width=drawn)
            for f in findings:
                if f.kind == "one_sided":
                    leader = f.actors.split(";")[0]
                    edge["arrows"] = {"to": {"enabled": True}} if leader == u else {"from": {"enabled": True}}
                    if not low:
                        edge["color"] = _edge_colour(BARRIER_STYLE["one_sided"]["color"])
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
        lines += _tie_survey_lines(d, a, b, show_ratings)
        lines += [f"\u26a0 {f.kind.replace('_', ' ')}: {f.explanation}" for f in findings]
        edge["tooltip"] = {"heading": f"{a} \u2014 {b}", "lines": lines}
        edges.append(edge)
    for a, b, row in introductions:
        style = BARRIER_STYLE["missing_link"]
        edges.append({"from": index[a], "to": index[b], "width": style["width_min"],
                      "dashes": scaled_dashes(style["dashes"], style["width_min"]),
                      "color": _edge_colour(style["color"]), "barrier": True, "suggested": True,
                      "tooltip": {"heading": f"Introduce {a} and {b}", "lines": [row.explanation, row.suggestion]}})

    legend_groups = [{"label": g or "(none)", "colour": c} for g, c in colours.items()][:20]
    legend_barriers = ([{"label": s["label"], "colour": s["color"], "dashes": bool(s["dashes"])}
                        for s in barrier_styles(G).values()]
                       + [{"label": s["label"], "colour": s["border"], "dashes": False}
                          for s in NODE_BARRIER_STYLE.values()])
    meta = {"actors": G.number_of_nodes(), "ties": G.number_of_edges(), "colour_by": colour_by,
            "colour_note": colour_note, "labelled": min(MAP_LABELS, G.number_of_nodes()),
            "size_by": size_by, "as_of": G.graph.get("as_of", ""), "level": G.graph.get("level", "actor"),
            "programme": G.graph.get("programme", ""), "findings": int(len(barriers))}
    return {"nodes": nodes, "edges": edges, "legend": {"groups": legend_groups, "barriers": legend_barriers},
            "meta": meta}


# The width (px) the styles' dash patterns are drawn for; wider lines scale them.
DASH_WIDTH = 2.0


def scaled_dashes(pattern, width: float):
    """A style's dash pattern (vis-network ``dashes``: dash, gap, dash, gap... in px) for a
    line ``width`` px wide: every length scaled by ``width / DASH_WIDTH`` (never shrunk), and
    each gap widened by ``width`` more for the line's round ends, since a 4 px gap on an
    8 px line closes up and the line looks solid at the default zoom (the trial's low-trust
    and perception-gap ties).  ``False`` (solid) stays solid."""
    if not pattern:
        return False
    scale = max(1.0, float(width) / DASH_WIDTH)
    return [round(x * scale + (width if i % 2 else 0), 1) for i, x in enumerate(pattern)]


def _score(x) -> str:
    return "not rated" if x is None or x != x else f"{x:.1f} of 4"


def _tie_survey_lines(d: dict, a, b, show_ratings: bool) -> list:
    """A tie's survey scores for its tooltip.  Without ``show_ratings`` a score is shown only
    where both sides rated it (rated by one side, the tie's score is that side's rating:
    confidential), and never which side rated; with it, each side's ratings too."""
    from ..survey import shown_scores
    if "trust" not in d:
        return []
    if d.get("survey_only"):
        lines = ["named in the survey only: no logged contact"]
    else:
        lines = []
    sides = sum(x == x for x in (d.get("trust_by_a"), d.get("trust_by_b")) if x is not None)
    rated = d["trust"] == d["trust"] or d.get("value") == d.get("value")
    shown = shown_scores(d, show_ratings)
    if rated and (show_ratings or sides == 2):
        parts = [f"{score} {_score(shown[score])}" for score in ("trust", "value") if shown[score] == shown[score]]
        lines.append(f"survey: {', '.join(parts) or 'rated'} "
                     f"({'both sides rated' if sides == 2 else 'one side rated' if sides else 'named, not rated'})")
    elif rated:
        lines.append("survey: rated by one side only; scores are shown where both sides rated")
    if show_ratings:
        for x, y, side in ((a, b, "a"), (b, a, "b")):
            named = d.get(f"named_by_{side}")
            if named == named and named is not None:
                said = (f"trust {_score(d.get(f'trust_by_{side}'))}, value {_score(d.get(f'value_by_{side}'))}"
                        if named else "says it does not work with them")
                lines.append(f"{x} on {y}: {said}")
    return lines


def _actor_survey_lines(received, n) -> list:
    """What an actor's partners gave it on average: an aggregate, shown from
    :data:`~stakeholder_graph.survey.MIN_RATERS` raters on (with two, either rater could
    work out the other's rating), without the number of raters (with it, a viewer could
    subtract one tie's rater from another view and learn who rated whom)."""
    from ..survey import MIN_RATERS, enough_raters
    if received is None or n not in received.index or not enough_raters(received.loc[[n]]).iloc[0]:
        return []
    r = received.loc[n]
    return [f"survey: partners rate its trust {_score(r['trust_received'])}, value {_score(r['value_received'])} "
            f"(the mean of {MIN_RATERS} or more partners' ratings)"]


def _edge_colour(colour: str, opacity: float = 1.0, *, selected: str | None = None) -> dict:
    """vis-network edge colour that stays when a tie is selected or hovered: its default
    highlight grey hid every barrier colour on the ties of a selected (or ``--focus``) actor."""
    return {"color": colour, "opacity": opacity, "highlight": selected or colour, "hover": selected or colour}


def colour_attribute(G, colour_by: str) -> tuple:
    """``(attribute, note)``: what to colour actors by.  Sector, when no actor has one,
    falls back to organisation, and ``note`` says so (empty otherwise)."""
    if colour_by == "sector" and not any(d.get("sector") for _, d in G.nodes(data=True)):
        return "organisation", "no actor has a sector: coloured by organisation"
    return colour_by, ""


def _plural(n, word):
    n = int(n)
    return f"{n} {word}" + ("" if n == 1 else "s")


def write_map(G, path, *, barriers: pd.DataFrame | None = None, focus: str | None = None,
              radius: int = 1, colour_by: str = "sector", size_by: str = "betweenness", seed: int = 0,
              title: str | None = None, height: str = "86vh", show_ratings: bool = False) -> Path:
    """Write the interactive map of ``G`` to ``path`` (one HTML file, works offline).

    Parameters
    ----------
    G : networkx.Graph or Analysis
        From :func:`~stakeholder_graph.graph.build_graph` (build it with ``level``,
        ``programme`` etc. for those views), or its :func:`~stakeholder_graph.analysis.analyse`,
        whose findings, betweenness and layout are then reused (and whose seed holds).
    barriers : DataFrame, optional
        Findings to draw (default: the Analysis's :func:`~stakeholder_graph.barriers.find_barriers`).
    focus, radius : optional
        Ego view: only actors within ``radius`` steps of ``focus`` (case-insensitive name).
    colour_by : {"sector", "organisation", "kind", "community"}
    size_by : {"betweenness", "degree", "strength", "eigenvector"}
    seed : int
        Layout and community seed: the same input and seed give the same picture.
    show_ratings : bool
        With a survey: also show what each side said of the other (confidential; by
        default a tie's tooltip gives the tie's trust and value only).

    The page has a legend, a search box, a "show only barriers" switch, and tooltips with
    each tie's evidence; fragile bridges, weak, decayed, one-sided (arrow) and strained ties,
    suggested introductions (dashed) and isolated actors are drawn to stand out.
    """
    from pyvis.network import Network
    from ..graph import ego_graph
    from ..names import find_actor
    A = analysis_of(G, seed)
    G = A.graph
    if barriers is None:
        barriers = A.barriers
    name = find_actor(G, focus) if focus else None
    # An ego view is a graph of its own (its sizes and layout are its own), drawn with the
    # whole partnership's findings, so a barrier on the focus actor's ties stays drawn.
    view = A.subgraph_analysis(ego_graph(G, name, radius)) if focus else A
    data = map_data(view, barriers=barriers, colour_by=colour_by, size_by=size_by, whole=G,
                    show_ratings=show_ratings)
    focus_id = None
    if focus:
        focus_id = next(n["id"] for n in data["nodes"] if n["name"] == str(name))
        # The focus actor's name wins any clash of names (rank before every other).
        data["nodes"][focus_id].update(label=str(name), named=True, rank=-1)
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
    html = template("map.html").render(
        title=heading, nodes=net.nodes, edges=net.edges, options=net.options, meta=data["meta"],
        legend=data["legend"], focus_id=focus_id, vis_script=script, vis_style=style, height=height)
    return write_text(path, html)
