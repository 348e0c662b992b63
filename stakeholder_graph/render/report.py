"""The facilitator briefing: one self-contained, printable HTML page.

The partnership in numbers, the top barriers with their evidence and suggestions, the
introductions to make, the figures (embedded as PNG data, so the page needs no other
file), and a link to the interactive map when one is given.  Every string from the input
files goes through Jinja's autoescaping.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import pandas as pd

from .._format import number
from ..analysis import analysis_of
from ..export import write_text
from .page import template
from ..barriers import DEFAULT_FDR

__all__ = ["write_report"]

KIND_TITLES = {
    "weak_tie": "Weak tie that matters", "bridge": "Fragile bridge", "broker": "Broker the network depends on",
    "structural_hole": "Gap between groups", "silo": "Silo", "decayed_tie": "Relationship that has faded",
    "one_sided": "One-sided relationship", "isolate": "Isolated actor", "strained_tie": "Strained relationship",
    "missing_link": "Introduction to make",
}


def _png(draw, size, name: str, figure_dir) -> str:
    """Draw one figure; return it as PNG data for the page, and save it as ``name``.svg and
    ``name``.png in ``figure_dir`` when given (one drawing and one layout serve all three)."""
    import matplotlib.pyplot as plt

    from .figures import save_figure
    figure, ax = plt.subplots(figsize=size, layout="constrained")
    try:
        draw(ax)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight", pad_inches=0.1)
        if figure_dir is not None:
            figure.set_layout_engine("none")     # keep the layout just computed
            for suffix in ("svg", "png"):
                save_figure(figure, Path(figure_dir) / f"{name}.{suffix}", close=False)
    finally:
        plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def write_report(G, path, *, barriers: pd.DataFrame | None = None, map_href: str | None = None,
                 top: int = 12, title: str | None = None, seed: int = 0, figure_dir=None,
                 rows: dict | None = None) -> Path:
    """Write the facilitator briefing for ``G`` to ``path``.

    Parameters
    ----------
    G : networkx.Graph or Analysis
        The graph, or its :func:`~stakeholder_graph.analysis.analyse` (whose summary,
        findings and layout are then reused, and whose seed holds).
    barriers : DataFrame, optional
        Findings (default: the Analysis's :func:`~stakeholder_graph.barriers.find_barriers`).
    map_href : str, optional
        Link to the interactive map (e.g. ``"map.html"``, relative to the briefing).
    top : int
        How many barriers to describe in full (introductions are listed separately).
    rows : dict, optional
        ``{"read", "used", "not_used"}``: input rows, stated at the top of the briefing so a
        reader knows how much of the log it rests on (the CLI and the demo pass it).
    figure_dir : path, optional
        Also save the briefing's figures there, as SVG and PNG (``network``,
        ``organisation_heatmap``, ``activity``, ``tie_strengths``), for slides.
    """
    from .figures import plot_activity, plot_network, plot_organisation_heatmap, plot_strength_distribution
    A = analysis_of(G, seed)
    G = A.graph
    if barriers is None:
        barriers = A.barriers
    summary = A.summary
    numbers = [
        ("Actors", number(summary["actors"]), "organisations, teams and groups in the graph"),
        ("Ties", number(summary["ties"]), "pairs with any recorded contact"),
        ("Density", number(summary["density"], 3), "share of possible pairs that are tied"),
        ("Reciprocity", number(summary["reciprocity"], 2), "of pairs where anyone initiated, share where both did"),
        ("Isolated actors", number(summary["isolates"]), "no recorded contact"),
        ("Components", number(summary["components"]), "separate parts of the network"),
        ("E-I index by sector", number(summary["ei_index"].get("sector_weighted"), 2),
         "strength-weighted: -1 all within sectors, +1 all across"),
        ("Degree centralization", number(summary["degree_centralization"], 2), "1: one actor holds every tie"),
    ]
    problems = barriers[barriers["kind"] != "missing_link"]
    issues = problems.head(top)
    introductions = barriers[barriers["kind"] == "missing_link"]
    counts = barriers["kind"].value_counts()
    if figure_dir is not None:
        Path(figure_dir).mkdir(parents=True, exist_ok=True)
    figures = [
        ("The partnership", "Colour: sector. Barriers as on the map; dashed green: introductions to make.",
         _png(lambda ax: plot_network(A, ax, barriers=barriers), (10, 8), "network", figure_dir)),
        ("Tie strength between organisations", "Blank squares: organisations with no tie at all.",
         _png(lambda ax: plot_organisation_heatmap(G, ax), (9, 8), "organisation_heatmap", figure_dir)),
        ("Contact over time", "Logged contacts per quarter and programme.",
         _png(lambda ax: plot_activity(A, ax), (9, 3.6), "activity", figure_dir)),
        ("How strong are the ties?", "Ties by strength (log scale); the dashed line marks the weakest quarter.",
         _png(lambda ax: plot_strength_distribution(G, ax), (8, 3.4), "tie_strengths", figure_dir)),
    ]
    context = []
    if G.graph.get("as_of"):
        context.append(f"as of {G.graph['as_of']}")
    if G.graph.get("programme"):
        context.append(f"programme: {G.graph['programme']}")
    if G.graph.get("level") == "organisation":
        context.append("organisations (teams rolled up)")
    context.append(f"tie strength halves every {G.graph.get('half_life', 180):.0f} days")
    if rows:
        context.append(f"{rows['used']:,} of {rows['read']:,} input rows used"
                       + (f", {rows['not_used']:,} not used (run validate for the list)" if rows["not_used"] else ""))
    html = template("report.html").render(
        title=title or "Partnership briefing", context="; ".join(context), numbers=numbers,
        issues=[dict(row, title=KIND_TITLES.get(row["kind"], row["kind"]), actor_list=row["actors"].split(";"))
                for row in issues.to_dict("records")],
        introductions=[dict(row, actor_list=row["actors"].split(";")) for row in introductions.to_dict("records")],
        counts=[(KIND_TITLES.get(k, k), int(v)) for k, v in counts.items()], figures=figures, map_href=map_href,
        total=len(barriers), more=len(problems) - len(issues), fdr=f"{100 * DEFAULT_FDR:g}%")
    return write_text(path, html)
