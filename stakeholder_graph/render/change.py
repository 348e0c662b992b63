"""What difference did it make: the change briefing and the change map of a Comparison.

Both views read a :class:`~stakeholder_graph.compare.Comparison` and recompute nothing it
holds: the words (formed, lost, closed, new...), the tests and the sentences are its own.
What they add is a picture of both periods on one layout, computed on the union of the two
periods' graphs once per Comparison and seed (the map and the briefing's picture share it).

Every string from the input files reaches a page through Jinja's autoescaping, or as JSON
inside the map's script (``<``, ``>`` and ``&`` escaped) and from there as DOM text, so an
actor called ``<img src=x onerror=alert(1)>`` shows as text.
"""

from __future__ import annotations

import math
import re
import weakref
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from .._format import day, is_missing
from ..export import write_text
from .map import _edge_colour, colour_attribute
from .page import template, vis_assets
from .report import KIND_TITLES as _REPORT_TITLES, _png
from .styles import OTHER, group_colours

__all__ = ["write_change_report", "write_change_map", "change_map_data", "plot_change_map",
           "TIE_CHANGE_STYLE", "BARRIER_CHANGE_STYLE"]

DAYS_PER_MONTH = 30.44
# Actors named on the map before zooming in: those a change is about, then the busiest.
MAP_LABELS = 20
# How each word of a tie row is drawn (the legend says it in words; no meaning rests on
# colour alone: lost and weakened ties also differ in line pattern).
TIE_CHANGE_STYLE = {
    "formed": {"color": "#009E73", "dashes": False, "label": "formed: no contact before, contact after (green)"},
    "strengthened": {"color": "#0072B2", "dashes": False, "label": "strengthened: more contact after (blue)"},
    "weakened": {"color": "#E69F00", "dashes": [2, 4], "label": "weakened: less contact after (orange dots)"},
    "lost": {"color": "#7B8794", "dashes": [8, 6], "label": "lost: no contact after (grey dashes)"},
    "unchanged": {"color": "#C5CCD3", "dashes": False, "label": "unchanged: within what chance gives (thin grey)"},
}
# How an actor (and a tie) in a barrier is marked, by the barrier's word.  When an actor is
# in several, the first word here wins (its tooltip lists them all).
BARRIER_CHANGE_STYLE = {
    "closed": {"color": "#009E73", "shape": "triangle", "marker": "^", "label": "in a barrier that closed (green triangle)"},
    "new": {"color": "#B2182B", "shape": "triangleDown", "marker": "v",
            "label": "in a new barrier (red triangle, point down)"},
    "persisting": {"color": "#1F2933", "shape": "dot", "marker": "o",
                   "label": "in a barrier that persists (thick dark ring)"},
}
# Barriers about groups (organisations, sectors), not about the actors named: listed beside
# the map and in their members' tooltips, never drawn as if one actor were the barrier.
GROUP_KINDS = {"silo", "structural_hole"}
KIND_TITLES = {**_REPORT_TITLES, "missing_link": "Missing introduction", "low_trust": "Low trust",
               "perception_gap": "Perception gap"}

_LAYOUTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


# ---------------------------------------------------------------------------
# Both periods on one picture
# ---------------------------------------------------------------------------

def union_graph(C) -> nx.Graph:
    """Both periods' actors and ties; a tie's ``weight`` is its larger strength of the two
    periods (so a tie lost or formed pulls its ends together as firmly as one kept)."""
    U = nx.Graph()
    for name in ("before", "after"):
        G = C.graphs[name]
        for n, d in G.nodes(data=True):
            if n in U:
                U.nodes[n].update({k: v for k, v in d.items() if v not in (None, "") and not U.nodes[n].get(k)})
            else:
                U.add_node(n, **d)
        for u, v, d in G.edges(data=True):
            if u == v:
                continue
            weight = float(d.get("weight", 1.0))
            if U.has_edge(u, v):
                U[u][v]["weight"] = max(U[u][v]["weight"], weight)
            else:
                U.add_edge(u, v, weight=weight)
    return U


def _seed(C, seed) -> int:
    return int(seed) if seed is not None else int(C.analyses["before"].seed)


def change_layout(C, U: nx.Graph | None = None, *, seed: int | None = None) -> dict:
    """``{actor: (x, y)}`` for both periods on one layout (:func:`.layout.layout` of the
    union graph), computed once per Comparison and seed."""
    from .layout import layout
    seed = _seed(C, seed)
    kept = _LAYOUTS.setdefault(C, {})
    if seed not in kept:
        kept[seed] = layout(union_graph(C) if U is None else U, seed=seed)
    return kept[seed]


def _rates(row, C) -> tuple[float, float]:
    """A tie's contacts per month in each period (its counts over each period's length)."""
    return (float(row["before"]) / C.before.days * DAYS_PER_MONTH, float(row["after"]) / C.after.days * DAYS_PER_MONTH)


def _group_members(U: nx.Graph, name: str) -> list:
    """The actors of a group a barrier names: ``"the X sector"`` or an organisation or sector."""
    match = re.fullmatch(r"the (.+) sector", name)
    if match:
        return [n for n, d in U.nodes(data=True) if str(d.get("sector") or "") == match.group(1)]
    return [n for n, d in U.nodes(data=True)
            if n == name or str(d.get("organisation") or "") == name or str(d.get("sector") or "") == name]


def barrier_marks(C, U: nx.Graph) -> tuple[dict, dict, list]:
    """Where each barrier of the comparison is drawn.

    Returns ``(actor_rows, tie_rows, group_rows)``: ``{actor: [row]}`` for every actor a
    barrier names (and, for a barrier about groups, every member of them),
    ``{frozenset((a, b)): [row]}`` for barriers about one pair of actors, and the rows of
    barriers about groups.  Rows are dicts of ``C.barriers`` plus ``title`` and ``group``
    (True for a barrier about groups).
    """
    actor_rows, tie_rows, group_rows = {}, {}, []
    for row in C.barriers.to_dict("records"):
        names = [n for n in str(row["actors"]).split(";") if n]
        row = dict(row, title=KIND_TITLES.get(row["kind"], row["kind"].replace("_", " ")))
        group = row["kind"] in GROUP_KINDS or not all(n in U for n in names)
        row["group"] = group
        if group:
            group_rows.append(row)
            for name in names:
                for member in _group_members(U, name):
                    actor_rows.setdefault(member, []).append(row)
            continue
        for name in names:
            actor_rows.setdefault(name, []).append(row)
        if len(names) == 2:
            tie_rows.setdefault(frozenset(names), []).append(row)
    return actor_rows, tie_rows, group_rows


def _status(rows) -> str | None:
    """The word an actor or tie is marked with: closed, then new, then persisting; barriers
    about whole groups do not mark their members."""
    words = {r["change"] for r in rows if not r.get("group")}
    return next((w for w in BARRIER_CHANGE_STYLE if w in words), None)


def _barrier_line(row) -> str:
    sign = {"closed": "\u2713", "new": "\u26a0", "persisting": "\u2022"}.get(row["change"], "\u2022")
    return f"{sign} barrier {row['change']}: {row['explanation']}"


def _widths(ties: pd.DataFrame, C) -> np.ndarray:
    """Line width per tie row: 1 for an unchanged tie; for a changed one 1.5 to 8 by how
    much its contacts per month changed (log scale, capped at the 98th percentile of the
    changes of all ties, so one very busy tie does not make every other change hairline)."""
    if ties.empty:
        return np.array([])
    before = ties["before"].to_numpy(float) / C.before.days * DAYS_PER_MONTH
    after = ties["after"].to_numpy(float) / C.after.days * DAYS_PER_MONTH
    delta = np.abs(after - before)
    cap = max(float(np.quantile(delta, 0.98)), 0.1)
    width = 1.5 + 6.5 * np.minimum(1.0, np.log1p(delta) / math.log1p(cap))
    return np.where(ties["change"].eq("unchanged").to_numpy(), 1.0, np.round(width, 2))


def change_map_data(C, *, seed: int | None = None) -> dict:
    """Everything the change map draws, as plain data: ``{"nodes", "edges", "legend", "meta"}``.

    Node and edge dicts are in vis-network's vocabulary (``id``, ``label``, ``x``, ``y``,
    ``color``, ``size``, ``shape``; ``from``, ``to``, ``width``, ``dashes``) plus
    ``tooltip`` (heading and lines of text), ``changed`` (drawn as a change: a tie
    formed, lost, strengthened or weakened, or a barrier closed or new) and, on edges,
    ``change`` (the tie's word) and ``barrier`` (the word of the barrier on it, if any).

    Positions are one layout of both periods' actors and ties (the union graph).  A node's
    size is its contacts in both periods together; an edge's width, for a changed tie, is
    how much its contacts per month changed (each period's count over that period's days).
    """
    U = union_graph(C)
    positions = change_layout(C, U, seed=seed)
    ties = C.ties
    widths = _widths(ties, C)
    actor_rows, barrier_ties, group_rows = barrier_marks(C, U)
    colour_by, colour_note = colour_attribute(U, "sector")
    groups = {n: str(U.nodes[n].get(colour_by, "") or "") for n in U}
    colours = group_colours(groups.values())

    contacts = {n: [0.0, 0.0] for n in U}
    changes = {n: {} for n in U}
    edges, seen = [], set()
    order = sorted(range(len(ties)), key=lambda i: ties["change"].iat[i] != "unchanged")  # changes drawn on top
    records = ties.to_dict("records")
    nodes_list = sorted(U, key=str)
    index = {n: i for i, n in enumerate(nodes_list)}
    for i in order:
        row = records[i]
        a, b = str(row["actors"]).split(";", 1)
        if a not in index or b not in index or a == b:
            continue
        for n in (a, b):
            contacts[n][0] += float(row["before"])
            contacts[n][1] += float(row["after"])
            changes[n][row["change"]] = changes[n].get(row["change"], 0) + 1
        edges.append(_tie_edge(row, index[a], index[b], float(widths[i]), barrier_ties.get(frozenset((a, b)), []), C))
        seen.add(frozenset((a, b)))
    for pair, rows in sorted(barrier_ties.items(), key=lambda item: sorted(item[0])):
        if pair not in seen:       # a barrier on a pair with no contact in either period
            a, b = sorted(pair)
            edges.append(_barrier_edge(rows, index[a], index[b], a, b))

    top = max([sum(v) for v in contacts.values()] or [1.0]) or 1.0
    shown = _names_to_show(U, contacts, changes, actor_rows)
    named = set(shown)
    # Whose name wins where two would print over each other: the order they were chosen in.
    rank = {n: r for r, n in enumerate(shown + sorted(set(nodes_list) - named, key=str))}
    nodes = []
    for n in nodes_list:
        d = U.nodes[n]
        rows = actor_rows.get(n, [])
        status = _status(rows)
        style = BARRIER_CHANGE_STYLE.get(status)
        fill = colours.get(groups[n], OTHER)
        nodes.append({
            "id": index[n], "name": str(n), "label": str(n) if n in named else "", "named": n in named,
            "rank": rank[n], "x": round(positions[n][0], 1), "y": round(positions[n][1], 1),
            "size": round(8 + 22 * math.sqrt(sum(contacts[n]) / top), 2),
            "shape": style["shape"] if style else "dot",
            "color": {"background": fill, "border": style["color"] if style else "#52606D",
                      "highlight": {"background": fill, "border": "#000000"}},
            "borderWidth": (3 if status == "persisting" else 4) if style else 1,
            "barrier": status,
            "changed": status in ("closed", "new") or any(w != "unchanged" for w in changes[n]),
            "tooltip": {"heading": str(n), "lines": _actor_lines(d, n, contacts[n], changes[n], rows, C)},
        })
    meta = _map_meta(C, U, ties, colour_by, colour_note)
    legend = {
        "groups": [{"label": g or "(none)", "colour": c} for g, c in colours.items()][:20],
        "ties": [{"word": w, "label": s["label"], "colour": s["color"],
                  "pattern": "dotted" if s["dashes"] == [2, 4] else ("dashed" if s["dashes"] else "solid"),
                  "count": int(ties["change"].eq(w).sum())} for w, s in TIE_CHANGE_STYLE.items()],
        "barriers": [{"word": w, "label": s["label"], "colour": s["color"], "shape": s["shape"],
                      "count": int(C.barriers["change"].eq(w).sum())} for w, s in BARRIER_CHANGE_STYLE.items()],
        "group_barriers": [{"change": r["change"], "title": r["title"], "actors": r["actors"].replace(";", " / "),
                            "explanation": r["explanation"]} for r in group_rows],
    }
    return {"nodes": nodes, "edges": edges, "legend": legend, "meta": meta}


def _tie_edge(row, i, j, width, barriers, C) -> dict:
    change = row["change"]
    style = TIE_CHANGE_STYLE.get(change, TIE_CHANGE_STYLE["unchanged"])
    a, b = str(row["actors"]).split(";", 1)
    before, after = _rates(row, C)
    counts = (f"before: {_count(row['before'])} ({before:.1f} a month over {C.before.days} days); "
              f"after: {_count(row['after'])} ({after:.1f} a month over {C.after.days} days)")
    lines = [counts, row["explanation"]]
    lines += [_barrier_line(r) for r in barriers]
    status = _status(barriers)
    edge = {"from": i, "to": j, "width": width, "dashes": _dashes(change, width), "change": change,
            "color": _edge_colour(style["color"], 1.0 if change != "unchanged" else 0.7),
            "barrier": status, "changed": change != "unchanged" or status in ("closed", "new"),
            "tooltip": {"heading": f"{a} \u2014 {b}: {change}", "lines": lines}}
    if status in ("closed", "new"):
        edge.update(label=f"barrier {status}", font=_edge_font(status))
    return edge


def _dashes(change, width):
    """vis-network's dash pattern for a tie, in pixels: scaled with the line's width, since a
    fixed pattern of short gaps fills in (and looks solid) on a wide line."""
    if change == "weakened":
        return [round(width, 1), round(2.5 * width + 4, 1)]
    if change == "lost":
        return [round(3 * width + 4, 1), round(2 * width + 4, 1)]
    return False


def _barrier_edge(rows, i, j, a, b) -> dict:
    """A barrier between two actors with no contact in either period (a missing link)."""
    status = _status(rows) or "persisting"
    colour = BARRIER_CHANGE_STYLE[status]["color"]
    edge = {"from": i, "to": j, "width": 1.5, "dashes": [1, 5], "change": "none", "color": _edge_colour(colour, 0.8),
            "barrier": status, "changed": status in ("closed", "new"),
            "tooltip": {"heading": f"{a} \u2014 {b}: no contact in either period",
                        "lines": [_barrier_line(r) for r in rows]}}
    if status in ("closed", "new"):
        edge.update(label=f"barrier {status}", font=_edge_font(status))
    return edge


def _edge_font(status) -> dict:
    return {"size": 18, "color": BARRIER_CHANGE_STYLE[status]["color"], "strokeWidth": 5, "strokeColor": "#ffffff",
            "align": "horizontal"}


def _count(value) -> str:
    n = float(value)
    return f"{n:g} contact" + ("" if n == 1 else "s")


def _actor_lines(d, n, contacts, changes, rows, C) -> list:
    lines = [f"{d.get('kind', 'actor') or 'actor'}" + (f", {d['organisation']}" if d.get("organisation")
                                                       and d.get("organisation") != n else ""),
             f"sector: {d.get('sector') or 'n/a'}",
             f"contacts: {contacts[0]:g} before ({C.before.days} days), {contacts[1]:g} after ({C.after.days} days)"]
    said = ", ".join(f"{k} {changes[w]}" for w, k in (("formed", "formed"), ("lost", "lost"),
                                                        ("strengthened", "strengthened"), ("weakened", "weakened"))
                     if changes.get(w))
    if said:
        lines.append(f"ties {said}")
    return lines + [_barrier_line(r) for r in rows]


def _names_to_show(U, contacts, changes, actor_rows) -> list:
    """Actors named before zooming in, most important first: those in a barrier that
    closed or is new, those on a changed tie, then the busiest, up to twice
    :data:`MAP_LABELS` in all."""
    first = [n for n in U if _status(actor_rows.get(n, [])) in ("closed", "new")]
    second = [n for n in U if n not in first and any(w != "unchanged" for w in changes[n])]
    chosen = (sorted(first, key=str) + sorted(second, key=str))[: 2 * MAP_LABELS]
    for n in sorted(U, key=lambda n: (-sum(contacts[n]), str(n))):
        if len(chosen) >= MAP_LABELS:
            break
        if n not in chosen:
            chosen.append(n)
    return chosen


def _map_meta(C, U, ties, colour_by, colour_note) -> dict:
    words = ties["change"].value_counts()
    G = C.graphs["after"].graph
    return {"actors": U.number_of_nodes(), "ties": U.number_of_edges(), "at": day(C.at),
            "before": _period(C.before), "after": _period(C.after),
            "counts": {w: int(words.get(w, 0)) for w in TIE_CHANGE_STYLE},
            "colour_by": colour_by, "colour_note": colour_note, "labelled": min(MAP_LABELS, U.number_of_nodes()),
            "level": G.get("level", "actor"), "programme": G.get("programme", "") or ""}


def _period(period) -> str:
    return f"{day(period.start)} to {day(period.end)} ({period.days:,} days)"


def write_change_map(C, path, *, seed: int | None = None, title: str | None = None, height: str = "86vh") -> Path:
    """Write the change map of the Comparison ``C`` to ``path`` (one HTML file, works offline).

    Both periods on one layout: ties formed green, lost grey dashed, strengthened blue,
    weakened orange dotted, unchanged thin grey; a changed tie's width is how much its
    contacts per month changed.  Actors in a barrier that closed are green triangles, in a
    new one red triangles pointing down, in one that persists ringed dark; ties with a
    barrier closed or new carry the word.  Colour: sector.  A legend, a search box, a
    "show only what changed" switch and plain-text tooltips with each tie's and actor's
    counts and sentences.  ``seed``: the layout's (default: the Comparison's analyses').
    The page keeps pyvis's global ``network`` and sets ``body[data-drawn=true]`` once drawn.
    """
    data = change_map_data(C, seed=seed)
    options = {
        "physics": {"enabled": False},
        "layout": {"improvedLayout": False},
        "edges": {"smooth": False, "selectionWidth": 2},
        "nodes": {"font": {"size": 14, "face": "sans-serif", "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": len(data["edges"]) > 3000,
                        "keyboard": {"enabled": True, "bindToWindow": False}},
    }
    script, style = vis_assets()
    html = template("change_map.html").render(
        title=title or f"What changed on {data['meta']['at']}", nodes=data["nodes"], edges=data["edges"],
        options=options, meta=data["meta"], legend=data["legend"], vis_script=script, vis_style=style, height=height)
    return write_text(path, html)


# ---------------------------------------------------------------------------
# The static picture (for the briefing and slides)
# ---------------------------------------------------------------------------

def _static_names(nodes, limit: int) -> list:
    """At most ``limit`` actors to name on the picture: those in a barrier closed or new,
    then those on a changed tie, largest first; the busiest only while fewer than 10 are
    named (a printed page cannot be zoomed, so every name must stay legible)."""
    key = lambda n: (n["barrier"] not in ("closed", "new"), not n["changed"], -n["size"], n["name"])  # noqa: E731
    ranked = sorted(nodes, key=key)
    chosen = [n for n in ranked if n["changed"] or n["barrier"] in ("closed", "new")][:limit]
    for n in ranked:
        if len(chosen) >= min(10, limit):
            break
        if n not in chosen:
            chosen.append(n)
    return [n["name"] for n in chosen]


def plot_change_map(C, ax=None, *, seed: int | None = None, data: dict | None = None, max_labels: int = 20):
    """The change map as a static picture (same layout, styles and names as the HTML map),
    for the briefing and slides.  ``data``: a :func:`change_map_data` result to reuse."""
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    from .figures import _axes, _draw_labels
    data = data or change_map_data(C, seed=seed)
    ax = _axes(ax, size=(10, 8))
    nodes = data["nodes"]
    # The map's screen y runs down; matplotlib's up: flipped so both show the same picture.
    xy = {n["id"]: (n["x"], -n["y"]) for n in nodes}
    for word in ("unchanged", "lost", "weakened", "strengthened", "formed", "none"):
        edges = [e for e in data["edges"] if e["change"] == word]
        if not edges:
            continue
        style = TIE_CHANGE_STYLE.get(word)
        colours = [e["color"]["color"] for e in edges]
        pattern = (0, (1, 3)) if word in ("weakened", "none") else ((0, (5, 3)) if word == "lost" else "solid")
        ax.add_collection(LineCollection([(xy[e["from"]], xy[e["to"]]) for e in edges], colors=colours,
                                         linewidths=[0.6 if word == "unchanged" else max(1.2, 0.6 * e["width"])
                                                     for e in edges],
                                         linestyles=pattern, alpha=0.55 if style and word == "unchanged" else 0.95,
                                         zorder=1 if word == "unchanged" else 2))
    for status, style in [("", None)] + list(BARRIER_CHANGE_STYLE.items()):
        members = [n for n in nodes if (n["barrier"] or "") == status]
        if not members:
            continue
        ax.scatter([xy[n["id"]][0] for n in members], [xy[n["id"]][1] for n in members],
                   s=[(n["size"] * (1.1 if style and status != "persisting" else 0.75)) ** 2 for n in members],
                   c=[n["color"]["background"] for n in members], marker=style["marker"] if style else "o",
                   edgecolors=style["color"] if style else "#52606D",
                   linewidths=(1.5 if status == "persisting" else 2.5) if style else 0.5, zorder=3 if style else 2)
    for e in data["edges"]:
        if e.get("label"):
            (x1, y1), (x2, y2) = xy[e["from"]], xy[e["to"]]
            ax.text((x1 + x2) / 2, (y1 + y2) / 2, e["label"], fontsize=8, ha="center", va="center", zorder=4,
                    color=e["font"]["color"], bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
    _draw_labels(ax, {n["name"]: xy[n["id"]] for n in nodes}, _static_names(nodes, max_labels))
    handles = [Line2D([], [], color=s["color"], linewidth=2.5 if w != "unchanged" else 1,
                      linestyle=":" if w == "weakened" else ("--" if w == "lost" else "-"),
                      label=f"{w} ({l['count']})") for (w, s), l in zip(TIE_CHANGE_STYLE.items(), data["legend"]["ties"])]
    handles += [Line2D([], [], marker=s["marker"], linestyle="", markerfacecolor="white", markeredgecolor=s["color"],
                       markeredgewidth=2, markersize=9, label=f"barrier {w} ({l['count']})")
                for (w, s), l in zip(BARRIER_CHANGE_STYLE.items(), data["legend"]["barriers"])]
    handles += [Line2D([], [], marker="o", linestyle="", color=g["colour"], label=g["label"], markersize=7)
                for g in data["legend"]["groups"][:10]]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False,
              title="ties; actors; colour: " + data["meta"]["colour_by"], title_fontsize=7)
    ax.set_axis_off()
    meta = data["meta"]
    ax.set_title(f"{meta['actors']} actors, {meta['ties']} ties in either period; change on {meta['at']}", fontsize=10)
    return ax


# ---------------------------------------------------------------------------
# The briefing
# ---------------------------------------------------------------------------

def _measure_value(kind, value) -> str:
    if is_missing(value):
        return "n/a"
    value = float(value)
    if kind in ("cross_sector_ties", "actors", "ties", "isolates", "components"):
        return f"{value:,.0f}"
    return f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"


def _signed(value) -> str:
    return "n/a" if is_missing(value) else f"{float(value):+.3g}"


def _p(value) -> str:
    if is_missing(value):
        return ""
    value = float(value)
    return "< 0.001" if value < 0.001 else f"{value:.2g}"


def measure_rows(C) -> tuple[list, list]:
    """``(tested, untested)`` rows of ``C.measures`` for the briefing: each with its name,
    what it means, before and after as text, the word, the 95% interval of the change
    beyond what the periods' lengths give, p and the sentence."""
    from ..compare import KEY_MEASURES
    from ..survey import SURVEY_MEASURES
    tested, untested = [], []
    for row in C.measures.to_dict("records"):
        kind = row["kind"]
        label = KEY_MEASURES.get(kind) or SURVEY_MEASURES.get(kind) or kind.replace("_", " ")
        name, _, meaning = label.partition(" (")
        out = {"name": name[:1].upper() + name[1:], "meaning": meaning.rstrip(")"), "kind": kind,
               "before": _measure_value(kind, row["before"]), "after": _measure_value(kind, row["after"]),
               "change": row["change"] or "not tested", "p": _p(row["p_value"]),
               "interval": ("" if is_missing(row.get("change_low")) else
                            f"{_signed(row['change_low'])} to {_signed(row['change_high'])}"),
               "explanation": row["explanation"]}
        # The survey's scores are tested too (paired ratings: see survey.wave_change_rows).
        (tested if kind in KEY_MEASURES or (kind in SURVEY_MEASURES and row["change"]) else untested).append(out)
    return tested, untested


def barrier_groups(C, top: int) -> list:
    """Barriers by word (closed, new, persisting): ``{"word", "heading", "rows", "total",
    "more"}``, each list most severe first (severity before for closed, after for new, the
    larger for persisting), the first ``top`` shown."""
    frame = C.barriers
    headings = {"closed": "Barriers closed", "new": "New barriers", "persisting": "Barriers persisting"}
    key = {"closed": "before", "new": "after"}
    out = []
    for word, heading in headings.items():
        rows = frame[frame["change"] == word].copy()
        rows["_order"] = rows[key[word]] if word in key else rows[["before", "after"]].max(axis=1)
        rows = rows.sort_values(["_order", "kind", "actors"], ascending=[False, True, True])
        shown = [dict(r, title=KIND_TITLES.get(r["kind"], r["kind"].replace("_", " ")),
                      actor_list=str(r["actors"]).split(";"),
                      severities=f"severity {_severity(r['before'])} before, {_severity(r['after'])} after")
                 for r in rows.head(top).to_dict("records")]
        out.append({"word": word, "heading": heading, "rows": shown, "total": len(rows), "more": len(rows) - len(shown)})
    return out


def _severity(value) -> str:
    return "none" if is_missing(value) else f"{float(value):.2f}"


def tie_groups(C, top: int) -> list:
    """Ties by word (formed, lost, strengthened, weakened): ``{"word", "heading", "rows",
    "total", "more"}``; each row with the pair, contacts before and after, contacts per
    month in each period and p; largest change in contacts per month first."""
    ties = C.ties
    headings = {"formed": "Ties formed", "lost": "Ties lost", "strengthened": "Ties strengthened",
                "weakened": "Ties weakened"}
    out = []
    for word, heading in headings.items():
        rows = ties[ties["change"] == word].to_dict("records")
        for r in rows:
            r["rate_before"], r["rate_after"] = _rates(r, C)
        rows.sort(key=lambda r: (-abs(r["rate_after"] - r["rate_before"]), r["actors"]))
        shown = [{"pair": r["actors"].split(";", 1), "before": f"{r['before']:,.0f}", "after": f"{r['after']:,.0f}",
                  "rate_before": f"{r['rate_before']:.1f}", "rate_after": f"{r['rate_after']:.1f}", "p": _p(r["p_value"])}
                 for r in rows[:top]]
        out.append({"word": word, "heading": heading, "rows": shown, "total": len(rows), "more": len(rows) - len(shown)})
    return out


GLANCE_WORDS = {"closed": ("barrier closed", "barriers closed"), "new": ("new barrier", "new barriers"),
                "persisting": ("barrier persisting", "barriers persisting"), "formed": ("tie formed", "ties formed"),
                "lost": ("tie lost", "ties lost"), "strengthened": ("tie strengthened", "ties strengthened"),
                "weakened": ("tie weakened", "ties weakened")}


def _glance(barriers, ties, measures) -> list:
    """``(number, words, word)`` for the cards at the top: how many of each change."""
    cards = [(g["total"], GLANCE_WORDS[g["word"]][g["total"] != 1], g["word"]) for g in barriers + ties]
    changed = sum(m["change"] in ("up", "down") for m in measures)
    return cards + [(changed, f"of {len(measures)} key measures changed", "measures")]


def _context(C) -> list:
    G = C.graphs["after"].graph
    lines = [f"The change: {day(C.at)}.",
             f"Before: {_period(C.before)}; after: {_period(C.after)}. Each period is measured as of its own end."]
    extra = []
    if G.get("programme"):
        extra.append(f"programme: {G['programme']}")
    if G.get("level") == "organisation":
        extra.append("organisations (teams rolled up)")
    extra.append(f"tie strength halves every {G.get('half_life', 180):.0f} days")
    lines.append("; ".join(extra).capitalize() + ".")
    return lines


def write_change_report(C, path, *, map_href: str | None = None, title: str | None = None, top: int = 12,
                        seed: int | None = None) -> Path:
    """Write the change briefing, "What difference did it make?", for the Comparison ``C``.

    One printable, self-contained HTML page (no request leaves it): the periods; what
    changed at a glance (counts of each word); the key measures before and after with the
    95% interval of their change beyond what the periods' lengths alone give, and the word
    (up, down, unchanged); barriers closed, new and persisting with their sentences; ties
    formed, lost, strengthened and weakened, with contacts per month in each period; a
    picture of the change map (and a link to the interactive one, ``map_href``, relative
    to the briefing); and the key measures per quarter with the change date marked.

    ``top``: how many barriers and ties of each word to list (the page says how many more
    there are).  ``seed``: the picture's layout (default: the Comparison's analyses').
    """
    from .figures import plot_timeline
    data = change_map_data(C, seed=seed)
    tested, untested = measure_rows(C)
    barriers = barrier_groups(C, top)
    ties = tie_groups(C, top)
    frame = C.timeline("quarter")
    picture = _png(lambda ax: plot_change_map(C, ax, data=data), (9, 6.5), "change_map", None)
    timeline_png = _png(lambda ax: plot_timeline(frame, ax, at=C.at), (9, 5.6), "timeline", None)
    glance = _glance(barriers, ties, tested)
    html = template("change.html").render(
        title=title or "What difference did it make?", context=_context(C), glance=glance, measures=tested,
        other_measures=untested, barriers=barriers, ties=ties, unchanged=int(C.ties["change"].eq("unchanged").sum()),
        all_ties=len(C.ties), group_barriers=data["legend"]["group_barriers"], map_href=map_href,
        picture=picture, timeline=timeline_png, quarters=len(frame), fdr=f"{100 * C.fdr:g}%",
        dispersion=f"{C.dispersion:.1f}", at=day(C.at))
    return write_text(path, html)
