"""Static figures for slides and the briefing (matplotlib, ``ax=None`` style).

Each ``plot_*`` function draws on ``ax`` (a new figure when ``None``) and returns the axes;
:func:`save_figure` writes PNG or SVG whole or not at all.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from ..analysis import analysis_of
from ..export import atomic_path
from .styles import BARRIER_STYLE, NODE_BARRIER_STYLE, OTHER, barrier_index, barrier_styles, group_colours

__all__ = ["plot_network", "plot_organisation_heatmap", "plot_activity", "plot_strength_distribution",
           "plot_timeline", "save_figure"]


# Same input, same file: SVG ids from a fixed salt instead of a random one, and no
# creation date in SVG or PDF metadata (PNG carries none).
REPRODUCIBLE = {"svg.hashsalt": "stakeholder-graph"}
_NO_DATE = {"svg": {"Date": None}, "pdf": {"CreationDate": None}}


def _axes(ax, size=(9, 7)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt
    _, ax = plt.subplots(figsize=size, layout="constrained")
    return ax


def plot_network(G, ax=None, *, barriers: pd.DataFrame | None = None, colour_by: str = "sector",
                 seed: int = 0, max_labels: int = 30):
    """The partnership as a static picture: colour by ``colour_by``, size by strength,
    line width by tie strength, barriers drawn as on the map (see :mod:`.styles`).

    Names at most ``max_labels`` actors: those of the most severe findings first, then the
    strongest, so a slide stays readable.  ``G`` is a graph or its
    :class:`~stakeholder_graph.analysis.Analysis` (its findings and layout, the map's, are reused).
    """
    from matplotlib.lines import Line2D
    A = analysis_of(G, seed)
    G = A.graph
    ax = _axes(ax)
    if barriers is None:
        barriers = A.barriers
    # The map's layout, in matplotlib's y-up axes: flipped so the figure and the map (whose
    # screen y runs down) show the partnership the same way up.
    pos = {n: (x, -y) for n, (x, y) in A.layout().items()}
    from .map import colour_attribute
    colour_by, colour_note = colour_attribute(G, colour_by)
    groups = {n: str(G.nodes[n].get(colour_by, "") or "") for n in G}
    colours = group_colours(groups.values())
    strength = dict(G.degree(weight="weight"))
    top = max(strength.values() or [1]) or 1
    ties, actors, introductions = barrier_index(barriers, G)
    plain = [(u, v) for u, v in G.edges() if frozenset((u, v)) not in ties]
    widths = [0.4 + 3 * math.log1p(G[u][v].get("weight", 1)) / math.log1p(max(1, top / 4)) for u, v in plain]
    nx.draw_networkx_edges(G, pos, edgelist=plain, width=np.clip(widths, 0.4, 4), edge_color="#9AA5B1",
                           alpha=0.5, ax=ax)
    # Sorted, not set order (which changes with Python's hash seed from run to run): what
    # is drawn on top of what, and so the picture, is the same every time.
    # One drawing call per kind of barrier (one per tie took a second at 400 barrier ties).
    by_kind = {}
    for pair, findings in sorted(ties.items(), key=lambda item: sorted(map(str, item[0]))):
        kind = max(findings, key=lambda f: f.severity).kind
        by_kind.setdefault(kind, []).append(tuple(sorted(pair, key=str)))
    for kind in sorted(by_kind):
        style = BARRIER_STYLE[kind]
        nx.draw_networkx_edges(G, pos, edgelist=by_kind[kind], width=max(2.0, style["width_min"] * 0.7),
                               edge_color=style["color"], style="--" if style["dashes"] else "-", ax=ax)
    if introductions:
        # One collection, not a line per introduction (780 of them took half a second).
        from matplotlib.collections import LineCollection
        ax.add_collection(LineCollection([(pos[a], pos[b]) for a, b, _ in introductions], linestyles="--",
                                         linewidths=2, colors=BARRIER_STYLE["missing_link"]["color"]))
    shapes = {"dot": "o", "diamond": "D", "star": "*", "square": "s"}
    by_shape = {}
    for n in G:
        style = next((NODE_BARRIER_STYLE[f.kind] for f in actors.get(n, []) if f.kind in NODE_BARRIER_STYLE), None)
        by_shape.setdefault(style["shape"] if style else "dot", []).append(n)
    for shape, members in by_shape.items():
        nx.draw_networkx_nodes(G, pos, nodelist=members, node_shape=shapes[shape], ax=ax,
                               node_size=[60 + 600 * math.sqrt(strength[n] / top) for n in members],
                               node_color=[colours.get(groups[n], OTHER) for n in members],
                               edgecolors="#B2182B" if shape != "dot" else "#333333",
                               linewidths=2 if shape != "dot" else 0.6)
    labelled = _names_to_show(G, barriers, strength, max_labels)
    _draw_labels(ax, pos, sorted(labelled, key=str))
    handles = [Line2D([], [], marker="o", linestyle="", color=c, label=g or "(none)", markersize=8)
               for g, c in list(colours.items())[:12]]
    handles += [Line2D([], [], color=s["color"], linestyle="--" if s["dashes"] else "-", linewidth=2.5,
                       label=s["label"].split(" (")[0].split(":")[0]) for s in barrier_styles(G).values()]
    # Beside the drawing, not on it: a legend in a corner hid the actors there.
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7, frameon=False,
              title=f"colour: {colour_by}" + (f"\n({colour_note})" if colour_note else ""), title_fontsize=7)
    ax.set_axis_off()
    ax.set_title(f"{G.number_of_nodes()} actors, {G.number_of_edges()} ties"
                 + (f" (as of {G.graph['as_of']})" if G.graph.get("as_of") else ""), fontsize=10)
    return ax


def _names_to_show(G, barriers, strength, limit: int) -> set:
    """At most ``limit`` actors to name: those in the most severe findings first, then the
    actors with the most tie strength (naming every actor of a long list of findings made
    a large partnership's figure unreadable, and slow to draw)."""
    chosen = []
    for names in (barriers["actors"] if barriers is not None and len(barriers) else []):
        for name in str(names).split(";"):
            if name in G and name not in chosen:
                chosen.append(name)
    chosen = chosen[: max(limit // 2, 1)] if len(chosen) > limit else chosen
    for name in sorted(G, key=lambda n: (-strength[n], str(n))):
        if len(chosen) >= limit:
            break
        if name not in chosen:
            chosen.append(name)
    return set(chosen)


def _plain_log_axis(ax):
    """A log x axis labelled in plain numbers (2, 5, 10, 20), not 2 x 10^0: facilitators read it."""
    from matplotlib.ticker import FuncFormatter
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}"))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda x, _: f"{x:g}" if f"{x:g}"[0] in "25" else ""))


def _draw_labels(ax, pos, actors):
    """Name ``actors`` inside the frame: a name on the left of the drawing starts at its
    actor, one on the right ends there, one in the middle is centred on it, so no name
    runs off the edge; the limits then leave room for the names' height."""
    if not actors:
        return
    xs = np.array([pos[n][0] for n in pos])
    low, high = xs.min(), xs.max()
    span = (high - low) or 1.0
    for n in actors:
        x, y = pos[n]
        share = (x - low) / span
        align = "left" if share < 0.3 else ("right" if share > 0.7 else "center")
        ax.text(x, y, str(n), fontsize=7, ha=align, va="center", zorder=5, clip_on=False,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.7})
    ys = np.array([pos[n][1] for n in pos])
    ax.set_xlim(low - 0.04 * span, high + 0.04 * span)
    ax.set_ylim(ys.min() - 0.05 * ((ys.max() - ys.min()) or 1.0), ys.max() + 0.05 * ((ys.max() - ys.min()) or 1.0))


def organisation_matrix(G: nx.Graph) -> pd.DataFrame:
    """Tie strength between organisations (sum over their actors' ties); the diagonal is
    the strength of ties inside each organisation.  Ordered by sector, then name."""
    org = {n: G.nodes[n].get("organisation") or n for n in G}
    sector = {}
    for n in G:
        sector.setdefault(org[n], G.nodes[n].get("sector", "") or "")
    names = sorted(set(org.values()), key=lambda o: (sector.get(o, ""), str(o)))
    index = {o: i for i, o in enumerate(names)}
    M = np.zeros((len(names), len(names)))
    for u, v, d in G.edges(data=True):
        i, j = index[org[u]], index[org[v]]
        w = d.get("weight", 1.0)
        M[i, j] += w
        if i != j:
            M[j, i] += w
    return pd.DataFrame(M, index=names, columns=names)


def plot_organisation_heatmap(G: nx.Graph, ax=None, *, max_organisations: int = 40):
    """Organisation-by-organisation tie strength (log colour scale; blank = no tie at all)."""
    from matplotlib.colors import LogNorm
    matrix = organisation_matrix(G)
    if len(matrix) > max_organisations:
        keep = matrix.sum(axis=1).nlargest(max_organisations).index
        matrix = matrix.loc[keep, keep]
    ax = _axes(ax, size=(9, 8))
    values = matrix.to_numpy()
    masked = np.ma.masked_where(values <= 0, values)
    positive = values[values > 0]
    norm = LogNorm(vmin=max(positive.min(), 1e-3), vmax=positive.max()) if len(positive) else None
    image = ax.imshow(masked, cmap="viridis", norm=norm)
    ax.set_xticks(range(len(matrix)), [str(c) for c in matrix.columns], rotation=90, fontsize=6)
    ax.set_yticks(range(len(matrix)), [str(c) for c in matrix.index], fontsize=6)
    ax.figure.colorbar(image, ax=ax, shrink=0.7, label="tie strength (log scale)")
    ax.set_title("Tie strength between organisations (blank: no tie)", fontsize=10)
    return ax


def plot_activity(G_or_activity, ax=None, *, freq: str = "QS"):
    """Contacts per period and programme, so a facilitator sees work start and fade.

    Takes a graph or its Analysis (monthly counts per programme recorded by ``build_graph``,
    see :attr:`~stakeholder_graph.analysis.Analysis.activity`) or that mapping itself;
    ``freq`` regroups months (``"QS"``: quarters).
    """
    from ..analysis import Analysis
    if isinstance(G_or_activity, (nx.Graph, Analysis)):
        activity = analysis_of(G_or_activity).activity
    else:
        activity = G_or_activity
    ax = _axes(ax, size=(9, 4))
    frame = pd.DataFrame({p: pd.Series(v) for p, v in activity.items()}).fillna(0)
    if frame.empty:
        ax.text(0.5, 0.5, "no dated contacts", ha="center", va="center", transform=ax.transAxes)
        return ax
    frame.index = pd.to_datetime(frame.index)
    frame = frame.resample(freq).sum()
    colours = group_colours(frame.columns)
    for column in frame.columns:
        ax.plot(frame.index, frame[column], marker="o", markersize=3, label=column or "(no programme)",
                color=colours.get(column, OTHER))
    ax.set_ylabel("contacts per quarter" if freq == "QS" else "contacts")
    ax.legend(fontsize=8, frameon=False)
    ax.grid(alpha=0.3)
    ax.set_title("Contact over time, by programme", fontsize=10)
    return ax


def plot_strength_distribution(G: nx.Graph, ax=None):
    """Histogram of tie strengths (log scale): how many ties are weak, how many strong."""
    ax = _axes(ax, size=(7, 4))
    strengths = np.array([d.get("weight", 1.0) for _, _, d in G.edges(data=True)])
    strengths = strengths[strengths > 0]
    if len(strengths) == 0:
        ax.text(0.5, 0.5, "no ties", ha="center", va="center", transform=ax.transAxes)
        return ax
    bins = np.logspace(np.log10(strengths.min()), np.log10(strengths.max() * 1.0001), 30)
    ax.hist(strengths, bins=bins, color="#0072B2", edgecolor="white")
    _plain_log_axis(ax)
    weak = np.quantile(strengths, 0.25)
    ax.axvline(weak, color="#D55E00", linestyle="--", label=f"weakest quarter below {weak:.2g}")
    ax.set_xlabel("tie strength (decayed contacts, log scale)")
    ax.set_ylabel("ties")
    ax.legend(fontsize=8, frameon=False)
    ax.set_title("Distribution of tie strengths", fontsize=10)
    return ax


def plot_trust_and_contact(G, ax=None, *, barriers: pd.DataFrame | None = None, seed: int = 0):
    """Each tie rated in the survey: its trust (1-4, the mean of the directions rated)
    against its contact strength (decayed contacts, log scale).  Low-trust findings in
    purple, perception gaps in amber (as on the map); the dashed line is the partnership's
    mean trust, the dotted one the low-trust line at 2.  Ties, not respondents: no point
    says who rated whom.  ``G`` is a graph or its Analysis (whose findings are reused)."""
    from ..survey import survey_summary
    A = analysis_of(G, seed)
    G = A.graph
    ax = _axes(ax, size=(8, 4.5))
    if barriers is None:
        barriers = A.barriers
    rated = [(d.get("weight", 0.0), d["trust"], frozenset((u, v))) for u, v, d in G.edges(data=True)
             if d.get("trust") == d.get("trust") and d.get("trust") is not None and d.get("count", 0) > 0]
    if not rated:
        ax.text(0.5, 0.5, "no tie with logged contact was rated in the survey", ha="center", va="center",
                transform=ax.transAxes)
        ax.set_axis_off()
        return ax
    kinds = {}
    for row in barriers.itertuples():
        if row.kind in ("low_trust", "perception_gap"):
            kinds.setdefault(frozenset(row.actors.split(";")), row.kind)
    # A fixed, seeded jitter on trust (ratings are in thirds) so ties with one score do not hide each other.
    rng = np.random.default_rng(seed)
    x = np.array([r[0] for r in rated])
    y = np.array([r[1] for r in rated]) + rng.uniform(-0.04, 0.04, len(rated))
    kind = np.array([kinds.get(r[2], "") for r in rated])
    plain = kind == ""
    ax.scatter(x[plain], y[plain], s=22, color="#9AA5B1", edgecolors="#52606D", linewidths=0.4,
               label="rated tie")
    for k, label, marker in (("low_trust", "low trust (finding)", "s"), ("perception_gap", "perception gap", "D")):
        chosen = kind == k
        if chosen.any():
            ax.scatter(x[chosen], y[chosen], s=60, color=BARRIER_STYLE[k]["color"], marker=marker,
                       edgecolors="#222222", linewidths=0.6, label=label, zorder=3)
    mean = survey_summary(G)["trust"]
    ax.axhline(mean, color="#0072B2", linestyle="--", linewidth=1, label=f"partnership mean {mean:.1f}")
    ax.axhline(2.0, color="#5E3C99", linestyle=":", linewidth=1, label="low trust at 2 or below")
    _plain_log_axis(ax)
    ax.set_ylim(0.8, 4.2)
    ax.set_yticks([1, 2, 3, 4], ["1 not at all", "2 a small amount", "3 a fair amount", "4 a great deal"])
    ax.set_xlabel("contact strength (decayed contacts, log scale)")
    ax.set_ylabel("trust (survey)")
    ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    ax.set_title(f"Trust against contact: {len(rated)} rated ties", fontsize=10)
    return ax


# Timeline panels: measure -> (title, what the number means, fixed axis range or None).
# Fixed ranges for bounded measures, and axes from 0 for the rest, so a wobble of a few
# thousandths in density does not look like a collapse.
TIMELINE_MEASURES = {
    "density": ("Density", "share of pairs of actors with contact", None),
    "reciprocity": ("Reciprocity", "of pairs where anyone initiated, share where both did", (0, 1.02)),
    "ei_organisation": ("E-I index by organisation", "-1 all ties inside organisations, +1 all across", (-1.02, 1.02)),
    "ei_sector": ("E-I index by sector", "-1 all ties inside sectors, +1 all across", (-1.02, 1.02)),
    "cross_sector_ties": ("Ties between sectors", "pairs in different sectors with contact", None),
    "mean_tie_strength": ("Mean tie strength", "decayed contacts per tie, as of the period's end", None),
    "contacts": ("Contacts", "logged contacts in the period", None),
    "ties": ("Ties", "pairs with any contact in the period", None),
}


def plot_timeline(frame: pd.DataFrame, ax=None, *, at=None,
                  measures=("density", "reciprocity", "ei_sector", "mean_tie_strength")):
    """The key measures per month, quarter or year as small multiples, one panel each, with
    the change date ``at`` marked by a dashed vertical line and the time after it shaded.

    ``frame`` is a :func:`~stakeholder_graph.compare.timeline` table (``start``, ``end``
    and one column per measure); each point is one period's value, drawn at the period's
    middle.  Measures bounded by definition (reciprocity 0 to 1, E-I -1 to +1) keep their
    whole range; the others start from 0.  ``ax``: an axes whose space the panels share
    (a new figure when ``None``).  Returns the panels' axes, one per measure drawn.
    """
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    measures = [m for m in measures if m in frame.columns]
    if not measures:
        ax = _axes(ax, size=(9, 3))
        ax.text(0.5, 0.5, "no measures to draw", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return [ax]
    columns = 2 if len(measures) > 1 else 1
    rows = math.ceil(len(measures) / columns)
    if ax is None:
        _, grid = plt.subplots(rows, columns, figsize=(9, 2.6 * rows), layout="constrained", squeeze=False)
        panels = list(grid.ravel())
    else:
        figure, spec = ax.figure, ax.get_subplotspec()
        ax.remove()
        cells = spec.subgridspec(rows, columns)
        panels = [figure.add_subplot(cells[i // columns, i % columns]) for i in range(rows * columns)]
    for extra in panels[len(measures):]:
        extra.set_axis_off()
    panels = panels[:len(measures)]
    start = pd.to_datetime(frame["start"])
    end = pd.to_datetime(frame["end"]) + pd.Timedelta(days=1)
    middle = start + (end - start) / 2
    change = pd.Timestamp(at) if at is not None else None
    for panel, name in zip(panels, measures):
        title, meaning, limits = TIMELINE_MEASURES.get(name, (name.replace("_", " ").capitalize(), "", None))
        values = pd.to_numeric(frame[name], errors="coerce")
        panel.plot(middle, values, marker="o", markersize=4, color="#0072B2", linewidth=1.6)
        if limits is not None:
            panel.set_ylim(*limits)
        else:
            top = float(np.nanmax(values)) if values.notna().any() else 1.0
            panel.set_ylim(0, (top or 1.0) * 1.15)
        if limits is not None and limits[0] < 0:
            panel.axhline(0, color="#9AA5B1", linewidth=0.8)
        if change is not None:
            panel.axvspan(change, end.max(), color="#E69F00", alpha=0.08, linewidth=0)
            panel.axvline(change, color="#D55E00", linestyle="--", linewidth=1.4)
        panel.set_xlim(start.min(), end.max())
        panel.set_title(f"{title}\n({meaning})" if meaning else title, fontsize=9)
        panel.grid(alpha=0.3)
        panel.tick_params(labelsize=7)
        panel.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
        panel.xaxis.set_major_formatter(mdates.ConciseDateFormatter(panel.xaxis.get_major_locator()))
    if change is not None:
        # Said once, in the first panel, where it hides no point: at the top edge of the line.
        panels[0].annotate(f"change: {change.day} {change.strftime('%b %Y')}", xy=(change, 1), xycoords=("data", "axes fraction"),
                           xytext=(3, -3), textcoords="offset points", ha="left", va="top", fontsize=7, color="#D55E00")
    return panels


def save_figure(ax_or_figure, path, *, dpi: int = 150, close: bool = True) -> Path:
    """Save a figure as PNG or SVG (by suffix), atomically; close it unless ``close=False``."""
    import matplotlib.pyplot as plt
    figure = getattr(ax_or_figure, "figure", ax_or_figure)
    path = Path(path)
    fmt = path.suffix.lstrip(".").lower() or "png"
    with atomic_path(path) as tmp, plt.rc_context(REPRODUCIBLE):
        # A tight box: long organisation names on a heatmap's axes are not cut off.
        figure.savefig(tmp, format=fmt, dpi=dpi, metadata=_NO_DATE.get(fmt), bbox_inches="tight", pad_inches=0.1)
    if close:
        plt.close(figure)
    return path
