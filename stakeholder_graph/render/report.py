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
    "missing_link": "Introduction to make", "low_trust": "Regular contact, low trust",
    "perception_gap": "Relationship seen differently",
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


# The briefing's figures that do not depend on the findings: (name, size).  They can be
# drawn while the diagnosis runs (see _figures_beside_diagnosis).
PLAIN_FIGURES = {"organisation_heatmap": (9, 8), "activity": (9, 3.6), "tie_strengths": (8, 3.4)}


def _draw_plain_figures(G, activity, figure_dir) -> dict:
    """Draw the findings-independent figures of ``G``; return ``{name: PNG data URI}``."""
    from .figures import plot_activity, plot_organisation_heatmap, plot_strength_distribution
    draws = {"organisation_heatmap": lambda ax: plot_organisation_heatmap(G, ax),
             "activity": lambda ax: plot_activity(activity, ax),
             "tie_strengths": lambda ax: plot_strength_distribution(G, ax)}
    return {name: _png(draws[name], size, name, figure_dir) for name, size in PLAIN_FIGURES.items()}


def _beside_diagnosis(G, seed, pieces, figure_dir, rc) -> dict:
    """A worker's share of the briefing: the plain figures and the Analysis ``pieces``
    (``"summary"``, ``"layout"``) of ``G`` with ``seed``, drawn with the caller's
    matplotlib settings ``rc`` so the pictures are what the caller would draw."""
    import matplotlib
    matplotlib.rcParams.update({k: v for k, v in rc.items() if k != "backend"})
    from ..analysis import Analysis
    A = Analysis(G, seed=seed)
    done = {"figures": _draw_plain_figures(G, A.activity, figure_dir)}
    if "summary" in pieces:
        done["summary"] = A.summary
    if "layout" in pieces:
        done[("layout", A.seed)] = A.layout()
    return done


def _start_beside_diagnosis(A, figure_dir, workers: int | None):
    """Start the briefing's work that does not need the findings; return a function that
    gives the plain figures (and has kept the summary and layout in ``A``).

    With ``workers`` (default: when this machine has a second core and the partnership is
    large enough to pay for it) a worker process (:mod:`~stakeholder_graph.background`)
    draws the plain figures and computes the summary and the layout while this one runs the
    diagnosis: on 2,000 actors that takes about two seconds off the briefing's wall-clock
    time (not its processor time).  The worker gets the graph, the seed and this process's
    matplotlib settings, so the page is the same either way (tested).
    """
    from ..background import start, worth_a_worker
    if workers is None:
        workers = 1 if worth_a_worker(A.graph) else 0
    if not workers:
        return lambda: _draw_plain_figures(A.graph, A.activity, figure_dir)
    import matplotlib
    pieces = [name for name, key in (("summary", "summary"), ("layout", ("layout", A.seed)))
              if key not in A.computed()]
    wait = start(_beside_diagnosis, A.graph, A.seed, pieces, figure_dir, dict(matplotlib.rcParams))

    def result():
        done = wait()
        for key, value in done.items():
            if key != "figures":
                A._keep(key, value)
        return done["figures"]
    return result


def write_report(G, path, *, barriers: pd.DataFrame | None = None, map_href: str | None = None,
                 top: int = 12, title: str | None = None, seed: int = 0, figure_dir=None,
                 rows: dict | None = None, workers: int | None = None, show_ratings: bool = False) -> Path:
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
    workers : int, optional
        1: draw the figures that do not depend on the findings in a separate process while
        the diagnosis runs; 0: draw everything here, in turn.  Default: 1 when this machine
        has two cores or more and the graph at least 2,000 ties (below that, starting the
        worker costs more than it saves).  The page is the same either way.
    show_ratings : bool
        With a survey: also list what each side said of the other on the ties the survey
        findings are about (confidential: by default the page shows ties' scores and
        actors' aggregates from three raters or more, never a named respondent's ratings).

    With a survey (``build_graph(..., survey=...)``) the page has a "Trust and value"
    section: the partnership's scores and response rate, the figure of trust against
    contact strength per tie (``trust_and_contact``), the actors rated lowest by their
    partners, and the pairs named only in the survey (a note about the data).
    """
    from .figures import plot_network
    A = analysis_of(G, seed)
    G = A.graph
    if figure_dir is not None:
        Path(figure_dir).mkdir(parents=True, exist_ok=True)
    plain_figures = _start_beside_diagnosis(A, figure_dir, workers)
    if barriers is None:
        barriers = A.barriers
    plain = plain_figures()      # the worker's summary and layout are kept in A from here
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
    network = _png(lambda ax: plot_network(A, ax, barriers=barriers), (10, 8), "network", figure_dir)
    figures = [
        ("The partnership", "Colour: sector. Barriers as on the map; dashed green: introductions to make.", network),
        ("Tie strength between organisations", "Blank squares: organisations with no tie at all.",
         plain["organisation_heatmap"]),
        ("Contact over time", "Logged contacts per quarter and programme.", plain["activity"]),
        ("How strong are the ties?", "Ties by strength (log scale); the dashed line marks the weakest quarter.",
         plain["tie_strengths"]),
    ]
    survey = _trust_and_value(A, barriers, figure_dir, show_ratings) if G.graph.get("survey") else None
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
        total=len(barriers), more=len(problems) - len(issues), fdr=f"{100 * DEFAULT_FDR:g}%", survey=survey)
    return write_text(path, html)


def _trust_and_value(A, barriers, figure_dir, show_ratings: bool) -> dict:
    """The briefing's "Trust and value" section: numbers, the figure, the actors rated
    lowest (aggregates from three raters or more, the count not shown), the survey-only pairs, and with
    ``show_ratings`` each side's ratings on the ties of the survey findings."""
    from ..survey import MIN_RATERS, enough_raters, organisation_scores, percent_of_scale
    from .figures import plot_trust_and_contact
    G = A.graph
    info, s = G.graph["survey"], A.summary
    # The partnership's scores too are shown only from MIN_RATERS respondents: from one,
    # they would be that respondent's ratings.
    few = (s.get("survey_respondents") or 0) < MIN_RATERS and not show_ratings
    withheld = f"fewer than {MIN_RATERS} respondents: not shown, so no respondent's ratings can be read off it"
    numbers = [
        ("Trust", "n/a" if few else f"{number(s.get('trust'), 2)} of 4",
         withheld if few else f"{number(s.get('trust_percent'), 0)}% of the scale: reliability, mission, openness"),
        ("Value", "n/a" if few else f"{number(s.get('value'), 2)} of 4",
         withheld if few else f"{number(s.get('value_percent'), 0)}% of the scale: influence, involvement, resources"),
        ("Response rate", f"{number(100 * s['survey_response_rate'], 0)}%" if s.get("survey_response_rate") is not None
         else "n/a", f"{s.get('survey_respondents', 0)} of {len(info['population'])} answered"),
        ("Ratings", number(s.get("survey_ratings")), f"respondent-partner rows, wave {info['wave'] or '(one)'}"),
    ]
    received = organisation_scores(G)
    # From three raters on, and without the count: with two, either rater could work out
    # the other's rating from the mean (docs/survey.md, confidentiality).
    received = received[enough_raters(received)]
    received = received.assign(_name=received.index.astype(str)).sort_values(["trust_received", "_name"]).head(8)
    lowest = [{"actor": str(actor), "trust": number(r["trust_received"], 2), "percent":
               number(percent_of_scale(r["trust_received"]), 0), "value": number(r["value_received"], 2)}
              for actor, r in received.iterrows()]
    ratings = []
    if show_ratings:
        said = {(r.rater, r.ratee): r for r in info["ratings"].itertuples(index=False)}
        for row in barriers[barriers["kind"].isin(["low_trust", "perception_gap"])].itertuples():
            a, b = row.actors.split(";")
            for x, y in ((a, b), (b, a)):
                r = said.get((x, y))
                ratings.append({"who": x, "whom": y, "said": "did not answer" if r is None else
                                ("does not work with them" if not r.named else
                                 f"trust {number(r.trust, 2)}, value {number(r.value, 2)}")})
    figure = _png(lambda ax: plot_trust_and_contact(A, ax, barriers=barriers), (9, 4.2), "trust_and_contact",
                  figure_dir)
    caption = ("Each dot a tie with logged contact that both sides rated in the survey (and the ties of the survey "
               "findings): its trust (the mean of what the two sides said) against how much contact it has. Purple squares: regular contact with low trust (a finding); "
               "amber diamonds: relationships the two sides see differently.")
    return {"numbers": numbers, "lowest": lowest, "survey_only": [f"{a} / {b}" for a, b in info["survey_only"]],
            "added": [f"{a} / {b}" for a, b in info.get("survey_ties_added", [])], "ratings": ratings,
            "figure": figure, "caption": caption, "wave": info["wave"], "waves": info["waves"]}
