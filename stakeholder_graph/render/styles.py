"""Colours and line styles shared by the map, the figures and the briefing.

Colours for groups come from Okabe and Ito's colour-blind-safe palette, then Paul Tol's
muted palette; barrier styles use hues that stay distinct for the common colour
deficiencies and also differ in line pattern or width, so no meaning rests on colour alone.
"""

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
TOL_MUTED = ["#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255", "#AA4499"]
PALETTE = OKABE_ITO[:7] + TOL_MUTED
OTHER = "#BBBBBB"

# kind -> how a tie or actor with that finding is drawn (legend text says it in words).
BARRIER_STYLE = {
    "bridge": {"color": "#D55E00", "dashes": False, "width_min": 5, "label": "fragile bridge (thick orange)"},
    "weak_tie": {"color": "#56B4E9", "dashes": [2, 4], "width_min": 2, "label": "weak tie that matters (dotted blue)"},
    "decayed_tie": {"color": "#222222", "dashes": [8, 6], "width_min": 3, "label": "decayed tie (black dashes)"},
    "one_sided": {"color": "#CC79A7", "dashes": False, "width_min": 3, "arrow": True,
                  "label": "one-sided tie (pink, arrow from the side that initiates)"},
    "strained_tie": {"color": "#B2182B", "dashes": [1, 3], "width_min": 4, "label": "strained tie (dark red, dotted)"},
    "missing_link": {"color": "#009E73", "dashes": [12, 8], "width_min": 2,
                     "label": "suggested introduction (green dashes, not yet a tie)"},
    # With a survey (docs/survey.md).
    "low_trust": {"color": "#5E3C99", "dashes": [10, 4, 2, 4], "width_min": 4,
                  "label": "low trust: regular contact, trust rated low (purple, dash-dot)"},
    "perception_gap": {"color": "#E69F00", "dashes": [3, 3], "width_min": 3,
                       "label": "perception gap: the two sides see it differently (amber, short dashes)"},
}
# Kinds drawn only when the graph carries a survey (their legend lines too).
SURVEY_STYLES = ("low_trust", "perception_gap")


def barrier_styles(G) -> dict:
    """The tie styles that apply to ``G``: the survey's only when it has one."""
    return {k: s for k, s in BARRIER_STYLE.items() if k not in SURVEY_STYLES or G.graph.get("survey")}
NODE_BARRIER_STYLE = {
    "isolate": {"border": "#B2182B", "shape": "diamond", "label": "isolated actor (red diamond)"},
    "broker": {"border": "#D55E00", "shape": "star", "label": "broker the network depends on (orange star)"},
    "silo": {"border": "#000000", "shape": "square", "label": "member of a silo (square; severity 0.5 or more)"},
}


def group_colours(values) -> dict:
    """A colour per distinct value; beyond the palette: grey.

    Up to the palette's size colours go by name, so a sector has the same colour on the
    actor map, the organisation map and the figures; with more groups than colours the most
    frequent get them.
    """
    from collections import Counter
    counts = Counter(v for v in values if v not in (None, ""))
    if len(counts) <= len(PALETTE):
        ordered = sorted(counts, key=str)
    else:
        ordered = [v for v, _ in sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))]
    return {v: (PALETTE[i] if i < len(PALETTE) else OTHER) for i, v in enumerate(ordered)}

TIE_KINDS = set(BARRIER_STYLE)


def barrier_index(barriers, G):
    """Which findings are drawn on which tie and which actor of ``G``.

    Returns ``(tie_findings, actor_findings, introductions)``: ``{frozenset((a, b)): [row]}``
    for tie kinds on ties of ``G``, ``{actor: [row]}`` for actor kinds (and for every member
    of a silo organisation or sector), and ``[(a, b, row)]`` for missing links between two
    actors of ``G``.  Rows are the ``itertuples()`` of a find_barriers table.
    """
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
            # Every member of a silo is drawn as one; a weakly supported or small one (severity
            # below 0.5) would square half the map, so only its tooltip line tells it.
            if row.severity >= 0.5:
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
