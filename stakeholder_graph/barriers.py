"""The diagnosis: what stands in the way of collaboration, ranked, each finding in plain English.

One small function per kind of barrier; :func:`find_barriers` runs them all, ranks the
findings by ``severity`` and keeps the list short enough to read before a session.

Severity is on one scale for every kind, so findings can be ranked together:

- 0.8 to 1: a facilitator should raise it (an actor cut off, a relationship that has
  broken, a group that talks only to itself, the partnership hanging on one tie);
- 0.5 to 0.8: worth a look before the session;
- below 0.5: background.

Each kind's formula, in its function's docstring, maps its own evidence (how strong the
tie was, how lopsided, how many contacts back it) onto that scale.  Thresholds are in
:class:`Thresholds`; their defaults are deliberately not tuned to any one partnership
(the tests run them on two differently generated worlds).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, fields, replace

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._format import day as _day
from .analysis import analysis_of
from .holes import adjacency
from .errors import InputError

__all__ = ["find_barriers", "Thresholds", "BARRIER_KINDS", "tie_overlap"]

BARRIER_KINDS = ("weak_tie", "bridge", "broker", "structural_hole", "silo", "decayed_tie", "one_sided",
                 "isolate", "strained_tie", "missing_link")

COLUMNS = ["kind", "severity", "actors", "explanation", "suggestion", "evidence", "evidence_name",
           "strength", "contacts", "last_contact", "programmes"]


@dataclass(frozen=True)
class Thresholds:
    """When a pattern counts as a barrier.  Change any of them from Python or the CLI
    (``--threshold name=value``).

    Attributes
    ----------
    weak_quantile : ties weaker than this share of all ties are weak (0.25: the weakest quarter).
    weak_overlap : Onnela overlap (shared partners / partners of either) at or below which a tie
        bridges otherwise separate circles; a weak tie is only called bridging below it.
    decay_ratio : a tie has decayed when its latest period's volume is at or below this share
        of its own busiest period (0.25).
    decay_min_peak : contacts (volume) in the busiest period for the tie to have been a real
        working relationship (6: about one a month over the default 180-day period).
    decay_p : the latest period must also be unusually quiet for this tie: Poisson
        probability of so few contacts at the tie's own earlier average rate below this (0.01).
    one_sided_share : share of initiations by one side at or above which a tie is one-sided (0.8).
    one_sided_min_contacts : initiated contacts needed before judging (8).
    one_sided_p : the imbalance must also be unlikely by chance: two-sided binomial test
        against an even split, p below this (0.01).
    strained_share : share of rated contacts recorded negative at or above which a tie is
        strained (0.4).
    strained_min_rated : contacts with a recorded sentiment needed before judging (5).
    isolate_contacts : an actor whose total tie strength is below that of this many typical
        contacts made one half-life ago (strength 0.5 each) is all but isolated (1): less
        than one contact's worth of relationship left.
    silo_ei : weighted E-I index at or below which a group is a silo (-0.6: 80% or more of
        its tie strength stays inside).
    silo_min_size : actors a group needs before it can be a silo (3).
    hole_ratio : observed / expected ties between two groups at or below which there is a
        structural hole (0.2).
    hole_min_expected : ties expected by chance between two groups before a gap counts (3).
    bridge_min_side : actors that must be cut off by losing a bridge for it to count (2;
        a lone actor on a single tie is reported as a weak tie instead).
    local_bridge_min_span : for a local bridge, the path length without it (4).
    broker_min_dependents : actors cut off if a cut point leaves (2).
    broker_betweenness : normalised betweenness at or above which a non-cut-point actor is a
        broker, provided it is also 3 times the mean (0.2).
    missing_min_common : shared partners for two unlinked actors to be an introduction to make (3).
    max_per_kind : findings kept per kind, the most severe (5); 0 keeps all.
    """

    weak_quantile: float = 0.25
    weak_overlap: float = 0.1
    decay_ratio: float = 0.25
    decay_min_peak: float = 6
    decay_p: float = 0.01
    one_sided_share: float = 0.8
    one_sided_min_contacts: int = 8
    one_sided_p: float = 0.01
    strained_share: float = 0.4
    strained_min_rated: int = 5
    isolate_contacts: float = 1.0
    silo_ei: float = -0.6
    silo_min_size: int = 3
    hole_ratio: float = 0.2
    hole_min_expected: float = 3.0
    bridge_min_side: int = 2
    local_bridge_min_span: int = 4
    broker_min_dependents: int = 2
    broker_betweenness: float = 0.2
    missing_min_common: int = 3
    max_per_kind: int = 5

    @classmethod
    def names(cls):
        return [f.name for f in fields(cls)]

    def updated(self, **changes):
        """A copy with some thresholds changed; unknown names are an error."""
        unknown = set(changes) - set(self.names())
        if unknown:
            raise InputError(f"unknown threshold '{sorted(unknown)[0]}'; known: {', '.join(self.names())}")
        typed = {k: type(getattr(self, k))(v) for k, v in changes.items()}
        return replace(self, **typed)


# ---------------------------------------------------------------------------
# Plain-English helpers
# ---------------------------------------------------------------------------

def _n(x, one, many=None) -> str:
    count = int(round(x))
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _finding(kind, severity, actors, explanation, suggestion, evidence, evidence_name, *, tie=None, **extra):
    row = {"kind": kind, "severity": float(np.clip(severity, 0, 1)), "actors": ";".join(map(str, actors)),
           # Sentences may open with "the ... sector"; actor names keep their own spelling.
           "explanation": ("The" + explanation[3:]) if explanation.startswith("the ") else explanation, "suggestion": suggestion, "evidence": float(evidence),
           "evidence_name": evidence_name, "strength": np.nan, "contacts": np.nan, "last_contact": pd.NaT,
           "programmes": ""}
    if tie is not None:
        row.update(strength=tie.get("weight", np.nan), contacts=tie.get("count", np.nan),
                   last_contact=tie.get("last", pd.NaT), programmes=tie.get("programmes", ""))
    row.update(extra)
    return row


def _percentile(values: np.ndarray) -> np.ndarray:
    """Each value's rank share among ``values`` (0 = lowest, 1 = highest; ties share)."""
    if len(values) == 0:
        return values
    return pd.Series(values).rank(pct=True, method="average").to_numpy()


def _evidence(n, half=10.0) -> float:
    """How far n observations back a judgement: n / (n + half), 0.5 at ``half``."""
    return n / (n + half)


# ---------------------------------------------------------------------------
# Shared structure, computed once per diagnosis
# ---------------------------------------------------------------------------

class _Evidence:
    """What the detectors read: the Analysis's shared measures plus the thresholds.

    Read-only: detectors never write to it, so their order cannot change their findings
    (which findings of one kind give way to another's is decided once, in
    :func:`_without_repeats`).
    """

    def __init__(self, analysis, thresholds):
        self.A, self.t, self.seed = analysis, thresholds, analysis.seed
        G = analysis.graph
        self.G = G
        self.n = G.number_of_nodes()
        self.edges = list(G.edges(data=True))
        self.org = {n: (G.nodes[n].get("organisation") or n) for n in G}

    @property
    def overlap(self):
        return self.A.overlap

    def weakness(self, u, v):
        """1 - the tie's strength percentile among all ties (1: the weakest)."""
        pct = self.A._once("strength_percentile", self._strength_percentile)
        return 1.0 - pct.get((u, v), pct.get((v, u), 0.5))

    def _strength_percentile(self):
        strengths = np.array([d.get("weight", 1.0) for _, _, d in self.edges], dtype=float)
        return dict(zip(((u, v) for u, v, _ in self.edges), _percentile(strengths)))


def tie_overlap(G: nx.Graph) -> dict:
    """Onnela et al. (2007) topological overlap of every tie.

    ``O_ij = n_ij / ((k_i - 1) + (k_j - 1) - n_ij)``, n_ij the partners i and j share, k the
    number of partners: 0 for a local bridge (no shared partner), 1 when the two have
    exactly the same partners.  Onnela found strength grows with overlap: weak ties tend
    to sit between circles, which is why a weak, low-overlap tie matters.
    Returns ``{(u, v): overlap}`` for every edge as ``G.edges()`` lists it.
    """
    nodes = list(G)
    if not nodes or G.number_of_edges() == 0:
        return {}
    index = {n: i for i, n in enumerate(nodes)}
    A = adjacency(G, nodes, binary=True)
    common = (A @ A).tocsr()
    k = np.asarray(A.sum(axis=1)).ravel()
    out = {}
    for u, v in G.edges():
        i, j = index[u], index[v]
        n_ij = common[i, j]
        denominator = (k[i] - 1) + (k[j] - 1) - n_ij
        out[(u, v)] = float(n_ij / denominator) if denominator > 0 else 0.0
    return out


# ---------------------------------------------------------------------------
# One function per kind
# ---------------------------------------------------------------------------

def isolates(ctx: _Evidence) -> list:
    """Actors with no ties (severity 0.9) or only negligible ones.

    Negligible: total strength below ``isolate_contacts`` typical contacts made one
    half-life ago (each worth half the median contact weight); severity
    ``0.6 + 0.3 (1 - strength / limit)``.
    """
    G, t = ctx.G, ctx.t
    strength = dict(G.degree(weight="weight"))
    per_contact = [d.get("volume", d.get("weight", 1.0)) / max(d.get("count", 1), 1) for _, _, d in ctx.edges]
    limit = t.isolate_contacts * 0.5 * (float(np.median(per_contact)) if per_contact else 1.0)
    # An organisation known only as the parent of teams that do have ties is a container,
    # not a missing partner.
    containers = {d.get("parent") for n, d in G.nodes(data=True) if d.get("parent") and G.degree(n) > 0}
    found = []
    for actor in G:
        if G.degree(actor) == 0 and actor in containers:
            continue
        if G.degree(actor) == 0:
            kind = G.nodes[actor].get("kind", "")
            found.append(_finding(
                "isolate", 0.9, [actor],
                f"{actor} is in the partnership but has no recorded contact with any partner.",
                f"Find out who at {actor} should be involved, and invite them to the relevant programme board.",
                0, "strength", actor_kind=kind))
        elif strength[actor] < limit:
            ties = G[actor]
            contacts = sum(d.get("count", 0) for d in ties.values())
            last = max(d.get("last") for d in ties.values())
            found.append(_finding(
                "isolate", 0.6 + 0.3 * (1 - strength[actor] / limit), [actor],
                f"{actor} has had only {_n(contacts, 'contact')} with {_n(len(ties), 'partner')}, the last on "
                f"{_day(last)}: less than one contact's worth of relationship is left (strength "
                f"{strength[actor]:.2f}).",
                f"Check whether {actor} is still active in the partnership and who could bring it back in.",
                strength[actor], "strength", last_contact=last, contacts=contacts,
                _covers=[frozenset((actor, other)) for other in ties]))
    return found


def decayed_ties(ctx: _Evidence) -> list:
    """Relationships that were strong and have faded, measured against their own past.

    A tie whose busiest period (one half-life long, see :func:`~stakeholder_graph.ties.tie_table`)
    had at least ``decay_min_peak`` contacts and whose latest period has at most
    ``decay_ratio`` of that, and so few that chance is an unlikely explanation: Poisson
    ``P(X <= recent)`` at the tie's average over its earlier periods below ``decay_p``
    (volumes are turned into contacts by the tie's mean contact weight).  Severity ``decline x (0.55 + 0.45 x peak percentile)``,
    ``decline = 1 - recent / peak``: a big relationship that stopped ranks first.
    """
    G, t = ctx.G, ctx.t
    period = G.graph.get("half_life", 180.0)
    rows = [(u, v, d) for u, v, d in ctx.edges if "peak_volume" in d]
    if not rows:
        return []
    peak_pct = dict(zip(((u, v) for u, v, _ in rows), _percentile(np.array([d["peak_volume"] for *_, d in rows]))))
    found = []
    for u, v, d in rows:
        peak, recent = d["peak_volume"], d.get("recent_volume", 0.0)
        if peak < t.decay_min_peak or recent > t.decay_ratio * peak or d["peak_end"] >= pd.Timestamp(G.graph["as_of"]):
            continue
        per_contact = d["volume"] / max(d["count"], 1)
        earlier_periods = max(1, int((pd.Timestamp(G.graph["as_of"]) - d["first"]).days // period))
        earlier_rate = (d["volume"] - recent) / earlier_periods / per_contact
        if poisson_cdf(recent / per_contact, earlier_rate) >= t.decay_p:
            continue
        decline = 1 - recent / peak
        a, b = d.get("actor_a", u), d.get("actor_b", v)
        lately = ("none since" if recent == 0 else f"only {_n(recent, 'contact')} in the last {int(period)} days; the last on")
        found.append(_finding(
            "decayed_tie", decline * (0.55 + 0.45 * peak_pct[(u, v)]), [a, b],
            f"{a} and {b} had {_n(d['count'], 'contact')} from {_day(d['first'])}, {int(round(peak))} of them in "
            f"their busiest {int(period)} days (to {_day(d['peak_end'])}), and {lately} {_day(d['last'])}: "
            f"the relationship has faded ({100 * decline:.0f}% down on its peak).",
            f"Ask both what changed around {pd.Timestamp(d['last']):%B %Y}; if the work still needs them, "
            "re-establish a regular contact.",
            decline, "decline", tie=d, _covers=[frozenset((u, v))]))
    return found


def poisson_cdf(k: float, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean), k rounded down (as ``scipy.stats.poisson.cdf``).

    From ``scipy.special.pdtr``: importing ``scipy.stats`` for two tail probabilities took
    0.8 s, paid by every command that looks for barriers.
    """
    from scipy.special import pdtr
    return float(pdtr(math.floor(k), mean)) if mean > 0 else 1.0


def binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p) (as ``scipy.stats.binom.cdf``), via ``scipy.special.bdtr``."""
    from scipy.special import bdtr
    return float(bdtr(k, n, p))


def one_sided_ties(ctx: _Evidence) -> list:
    """Ties where one side starts almost all contact.

    At least ``one_sided_min_contacts`` initiated contacts, one side starting at least
    ``one_sided_share`` of them, and a two-sided binomial test against an even split with
    p below ``one_sided_p``.  Severity ``0.5 + 0.5 x (2 share - 1) x n / (n + 10)``.
    """
    t = ctx.t
    found = []
    for u, v, d in ctx.edges:
        ab, ba = int(d.get("a_to_b", 0)), int(d.get("b_to_a", 0))
        n = ab + ba
        if n < t.one_sided_min_contacts:
            continue
        share = max(ab, ba) / n
        # Two-sided binomial test against an even split (symmetric: twice the lower tail).
        if share < t.one_sided_share or min(1.0, 2 * binomial_cdf(min(ab, ba), n, 0.5)) >= t.one_sided_p:
            continue
        a, b = d.get("actor_a", u), d.get("actor_b", v)
        leader, other = (a, b) if ab >= ba else (b, a)
        found.append(_finding(
            "one_sided", 0.5 + 0.5 * (2 * share - 1) * _evidence(n), [leader, other],
            f"{leader} started {max(ab, ba)} of the {n} contacts with {other} ({100 * share:.0f}%); "
            f"{other} started {_n(min(ab, ba), 'contact')}.",
            f"Ask {other} what it needs from {leader} and what would make it reach out; agree who leads what.",
            share, "initiation share", tie=d))
    return found


def strained_ties(ctx: _Evidence) -> list:
    """Ties where a large share of contacts were recorded as negative.

    At least ``strained_min_rated`` contacts with a sentiment and a negative share of at
    least ``strained_share``.  Severity ``0.5 + 0.5 x min(1, share / 0.8) x n / (n + 5)``.
    """
    t = ctx.t
    found = []
    for u, v, d in ctx.edges:
        rated, negative = int(d.get("rated", 0)), int(d.get("negative", 0))
        if rated < t.strained_min_rated or negative / rated < t.strained_share:
            continue
        share = negative / rated
        a, b = d.get("actor_a", u), d.get("actor_b", v)
        found.append(_finding(
            "strained_tie", 0.5 + 0.5 * min(1.0, share / 0.8) * _evidence(rated, 5), [a, b],
            f"{negative} of the {rated} rated contacts between {a} and {b} ({100 * share:.0f}%) were recorded "
            f"as negative, the last contact on {_day(d.get('last'))}.",
            f"Bring {a} and {b} together with a neutral facilitator to name the recurring problem "
            "and agree one change each.",
            share, "negative share", tie=d))
    return found


def _components_without(G, u, v):
    """Sizes of the two sides of edge (u, v) once it is removed (BFS from u)."""
    seen = {u}
    stack = [u]
    while stack:
        x = stack.pop()
        for y in G[x]:
            if (x == u and y == v) or (x == v and y == u) or y in seen:
                continue
            seen.add(y)
            stack.append(y)
    return seen


def bridges(ctx: _Evidence) -> list:
    """Ties whose loss would cut groups apart or greatly lengthen paths.

    Bridges (removal disconnects) with at least ``bridge_min_side`` actors on the smaller
    side: severity ``0.5 + 0.25 x min(1, side / (n / 10)) + 0.25 x weakness``, where
    weakness is 1 - the tie's strength percentile.  Local bridges (no shared partner) whose
    span (shortest path without them) is at least ``local_bridge_min_span``: severity
    ``0.35 + 0.05 x (span - 3) + 0.2 x weakness``, at most 0.75.
    """
    G, t = ctx.G, ctx.t
    found = []
    cut = set()
    for u, v in nx.bridges(G):
        if G.degree(u) == 1 or G.degree(v) == 1:
            continue
        side = _components_without(G, u, v)
        component = nx.node_connected_component(G, u)
        small_side = side if len(side) <= len(component) / 2 else component - side
        if len(small_side) < t.bridge_min_side:
            continue
        cut.add(frozenset((u, v)))
        d = G[u][v]
        inner = next(x for x in (u, v) if x in small_side)
        outer = v if inner == u else u
        names = sorted(small_side, key=str)
        listed = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        found.append(_finding(
            "bridge",
            0.5 + 0.25 * min(1.0, len(small_side) / max(ctx.n / 10, 1)) + 0.25 * ctx.weakness(u, v),
            [inner, outer],
            f"The tie between {inner} and {outer} is the only link between {_n(len(small_side), 'actor')} "
            f"({listed}) and the rest of the partnership; it carries {_n(d.get('count', 0), 'contact')}, "
            f"the last on {_day(d.get('last'))}.",
            f"Build a second link: introduce another member of {inner}'s group to a partner beyond {outer}.",
            len(small_side), "actors cut off", tie=d, _covers=[frozenset((u, v))]))
    candidates = [(u, v) for (u, v), o in ctx.overlap.items()
                  if o == 0 and frozenset((u, v)) not in cut and G.degree(u) > 1 and G.degree(v) > 1]
    # Span costs one path search per tie: weakest first, at most 300 of them.
    candidates.sort(key=lambda e: -ctx.weakness(*e))
    for u, v in candidates[:300]:
        view = nx.restricted_view(G, [], [(u, v)])
        try:
            span = len(nx.bidirectional_shortest_path(view, u, v)) - 1
        except nx.NetworkXNoPath:
            continue
        if span < t.local_bridge_min_span:
            continue
        d = G[u][v]
        found.append(_finding(
            "bridge", min(0.75, 0.35 + 0.05 * (span - 3) + 0.2 * ctx.weakness(u, v)), [u, v],
            f"{u} and {v} share no partner: without their tie, the shortest route between them takes "
            f"{span} steps. It is a local bridge between two circles, with {_n(d.get('count', 0), 'contact')}.",
            "Strengthen it, or link a second pair across the same two circles.",
            span, "span", tie=d, _covers=[frozenset((u, v))]))
    return found


def _cut_point_dependents(G) -> dict:
    """For every cut point: how many actors lose their route to the main part if it goes.

    Uses the block-cut tree (one pass, not one search per cut point): the pieces left by
    removing a cut point are its child subtrees and the rest of its component; dependents
    are all pieces but the largest.
    """
    out = {}
    for component in nx.connected_components(G):
        if len(component) < 3:
            continue
        H = G.subgraph(component)
        cuts = set(nx.articulation_points(H))
        if not cuts:
            continue
        blocks = [frozenset(b) for b in nx.biconnected_components(H)]
        T = nx.Graph()
        weight = {}
        for i, block in enumerate(blocks):
            T.add_node(("b", i))
            weight[("b", i)] = sum(1 for x in block if x not in cuts)
            for c in block & cuts:
                T.add_edge(("b", i), ("c", c))
                weight[("c", c)] = 1
        root = next(iter(T))
        size = {}
        parent = {root: None}
        order = list(nx.dfs_preorder_nodes(T, root))
        for x in order:
            for y in T[x]:
                if y not in parent:
                    parent[y] = x
        for x in reversed(order):
            size[x] = weight[x] + sum(size[y] for y in T[x] if parent.get(y) == x)
        total = len(component)
        for c in cuts:
            node = ("c", c)
            pieces = [size[y] for y in T[node] if parent.get(y) == node]
            above = total - 1 - sum(pieces)
            if above > 0:
                pieces.append(above)
            out[c] = (total - 1 - max(pieces), pieces)
    return out


def brokers(ctx: _Evidence) -> list:
    """Actors the partnership depends on to connect others.

    Cut points whose loss cuts off at least ``broker_min_dependents`` actors: severity
    ``0.5 + 0.5 x min(1, dependents / (n / 10))``.  Other actors with betweenness (on
    distance = 1/strength) at least ``broker_betweenness`` and 3 times the mean, whose
    contacts are mostly not tied to each other (efficiency >= 0.7, little redundancy):
    severity ``0.3 + 0.5 x betweenness``.
    """
    G, t = ctx.G, ctx.t
    found = []
    dependents = _cut_point_dependents(G)
    for actor, (cut_off, pieces) in sorted(dependents.items(), key=lambda kv: (-kv[1][0], str(kv[0]))):
        if cut_off < t.broker_min_dependents:
            continue
        found.append(_finding(
            "broker", 0.5 + 0.5 * min(1.0, cut_off / max(ctx.n / 10, 1)), [actor],
            f"{_n(cut_off, 'actor')} reach the rest of the partnership only through {actor}: "
            f"if {actor} stepped back they would be cut off.",
            f"Share {actor}'s role: introduce those who depend on it to a second partner.",
            cut_off, "actors cut off"))
    between = ctx.A.betweenness("distance")
    mean = float(np.mean(list(between.values()))) if between else 0.0
    efficiency = ctx.A.holes["efficiency"]
    for actor, b in sorted(between.items(), key=lambda kv: -kv[1]):
        if b < t.broker_betweenness or b < 3 * mean:
            break
        if actor in dependents and dependents[actor][0] >= t.broker_min_dependents:
            continue
        if not efficiency.get(actor, 0) >= 0.7:
            continue
        found.append(_finding(
            "broker", 0.3 + 0.5 * b, [actor],
            f"{actor} lies on {100 * b:.0f}% of the strongest routes between other partners, and its own "
            f"partners are mostly not in touch with each other (efficiency {efficiency[actor]:.2f}).",
            f"Ease the load on {actor}: connect its partners directly where they work on the same thing.",
            b, "betweenness"))
    return found


def _groups(G, attribute, communities=None):
    """``{group: [actors]}`` of the actors with ties, by a node attribute or, for
    ``"community"``, by ``communities`` (``{actor: community}``)."""
    groups = defaultdict(list)
    for n, d in G.nodes(data=True):
        if G.degree(n) == 0:
            continue   # isolates are reported as such; they would make every group look apart
        value = d.get(attribute) if attribute != "community" else communities.get(n)
        if value not in (None, ""):
            groups[value].append(n)
    return groups


def _group_attributes(G):
    """Which groupings make sense at this level of the graph."""
    if G.graph.get("level") == "organisation":
        return ["sector", "community"]
    return ["organisation", "sector", "community"]


def silos(ctx: _Evidence) -> list:
    """Groups (organisations, or sectors at organisation level) whose ties are almost all internal.

    Weighted Krackhardt-Stern E-I index of the group's ties,
    ``(external - internal) / (external + internal)`` on strength, at or below
    ``silo_ei``, for groups of at least ``silo_min_size`` actors.  Severity
    ``0.5 + 0.5 x (silo_ei - EI) / (1 + silo_ei)``: 1 when nothing goes out.  The
    unweighted index (counting ties) is reported alongside as ``ei_unweighted``.
    """
    G, t = ctx.G, ctx.t
    attribute = "sector" if G.graph.get("level") == "organisation" else "organisation"
    found = []
    for group, members in sorted(_groups(G, attribute).items(), key=lambda kv: str(kv[0])):
        if len(members) < t.silo_min_size:
            continue
        inside = set(members)
        internal = external = 0.0
        n_int = n_ext = 0
        for u in members:
            for v, d in G[u].items():
                w = d.get("weight", 1.0)
                if v in inside:
                    internal += w / 2
                    n_int += 1
                else:
                    external += w
                    n_ext += 1
        n_int //= 2
        if internal + external == 0:
            continue
        ei = (external - internal) / (external + internal)
        if ei > t.silo_ei:
            continue
        outward = sorted({v for u in members for v in G[u] if v not in inside}, key=str)
        found.append(_finding(
            "silo", 0.5 + 0.5 * (t.silo_ei - ei) / (1 + t.silo_ei), [str(group)],
            f"{100 * internal / (internal + external):.0f}% of the tie strength of {group}'s "
            f"{len(members)} actors stays inside it (E-I index {ei:.2f}): {_n(n_int, 'internal tie')} against "
            f"{_n(n_ext, 'tie')} outward" + (f", to {', '.join(map(str, outward[:3]))}." if outward else "."),
            f"Give {group} a seat where the other partners meet, and pair it with a partner on a shared programme.",
            ei, "E-I index (weighted)", group=attribute,
            ei_unweighted=(n_ext - n_int) / (n_ext + n_int) if n_ext + n_int else np.nan))
    return found


def structural_holes_between_groups(ctx: _Evidence) -> list:
    """Pairs of groups with far fewer ties between them than expected.

    For sectors, organisations and (seeded Louvain) communities: expected ties between
    groups g and h = density x |g| x |h| (what random mixing would give), counting only
    actors with at least one tie.  A hole
    when expected >= ``hole_min_expected`` and observed / expected <= ``hole_ratio``
    (for communities, which are drawn where ties are sparse, only when observed is 0).
    Severity ``0.45 + 0.35 x (1 - ratio) x min(1, expected / 10) + 0.1`` if the two groups
    work on a shared programme.
    """
    G, t = ctx.G, ctx.t
    # Density among actors with ties: groups leave isolates out, so must the expectation.
    n, m = sum(1 for x in G if G.degree(x) > 0), G.number_of_edges()
    if n < 4 or m == 0:
        return []
    density = 2 * m / (n * (n - 1))
    found = []
    programmes_of = _actor_programmes(G)
    seen_pairs = set()
    for attribute in _group_attributes(G):
        groups = {g: set(ms) for g, ms in _groups(G, attribute, ctx.A.communities).items()}
        if len(groups) < 2:
            continue
        of = {x: g for g, ms in groups.items() for x in ms}
        observed = defaultdict(int)
        for u, v in G.edges():
            gu, gv = of.get(u), of.get(v)
            if gu is not None and gv is not None and gu != gv:
                observed[frozenset((gu, gv))] += 1
        names = sorted(groups, key=str)
        for i, g in enumerate(names):
            for h in names[i + 1:]:
                expected = density * len(groups[g]) * len(groups[h])
                obs = observed.get(frozenset((g, h)), 0)
                if expected < t.hole_min_expected or obs / expected > t.hole_ratio:
                    continue
                if attribute == "community" and obs > 0:
                    # Louvain draws community lines where ties are sparse by design: only a
                    # complete gap between two communities is news.
                    continue
                key = frozenset((frozenset(groups[g]), frozenset(groups[h])))
                if key in seen_pairs:
                    continue
                seen_pairs.add(key)
                shared = sorted(set().union(*(programmes_of[x] for x in groups[g]))
                                & set().union(*(programmes_of[x] for x in groups[h])))
                label_g, label_h = _group_label(G, attribute, g, groups[g]), _group_label(G, attribute, h, groups[h])
                ratio = obs / expected
                found.append(_finding(
                    "structural_hole",
                    0.45 + 0.35 * (1 - ratio) * min(1.0, expected / 10) + (0.1 if shared else 0.0),
                    [label_g, label_h],
                    f"{label_g} ({_n(len(groups[g]), 'actor')}) and {label_h} ({_n(len(groups[h]), 'actor')}) have "
                    f"{_n(obs, 'tie')} between them where {expected:.1f} would be expected at the partnership's "
                    f"density" + (f", though both work on {', '.join(shared)}." if shared else "."),
                    f"Hold a joint session for {label_g} and {label_h}"
                    + (f" on {shared[0]}" if shared else "") + " and agree one piece of work to share.",
                    ratio, "observed / expected ties", group=attribute, expected=expected, observed=obs))
    return found


def _group_label(G, attribute, group, members):
    if attribute == "community":
        hub = max(members, key=lambda x: (G.degree(x, weight="weight"), str(x)))
        return f"the circle around {hub}"
    if attribute == "sector":
        return f"the {group} sector"
    return str(group)


def _actor_programmes(G) -> dict:
    out = defaultdict(set)
    for u, v, d in G.edges(data=True):
        for p in filter(None, str(d.get("programmes", "")).split(";")):
            out[u].add(p)
            out[v].add(p)
    return out


def weak_ties(ctx: _Evidence) -> list:
    """Ties that exist but are weak where it matters.

    Weak: strength in the weakest ``weak_quantile`` of ties.  Where it matters: the only
    tie of one of its actors (importance 1), or bridging between circles (Onnela overlap
    <= ``weak_overlap``): 0.8 if it is also the only tie between two organisations, else 0.6.
    Severity ``0.4 + 0.5 x importance x weakness``.  Ties already reported as decayed,
    bridges or belonging to an isolate are not repeated.
    """
    G, t = ctx.G, ctx.t
    between_orgs = defaultdict(int)
    org_size = defaultdict(int)
    for n in G:
        org_size[ctx.org[n]] += 1
    for u, v in G.edges():
        if ctx.org[u] != ctx.org[v]:
            between_orgs[frozenset((ctx.org[u], ctx.org[v]))] += 1
    found = []
    for u, v, d in ctx.edges:
        weakness = ctx.weakness(u, v)
        if weakness < 1 - t.weak_quantile:
            continue
        a, b = d.get("actor_a", u), d.get("actor_b", v)
        overlap = ctx.overlap.get((u, v), ctx.overlap.get((v, u), 1.0))
        if G.degree(a) == 1 or G.degree(b) == 1:
            lone = a if G.degree(a) == 1 else b
            importance, why = 1.0, f"it is {lone}'s only link to the partnership"
        elif overlap <= t.weak_overlap:
            # Onnela: only a weak tie with few shared partners is bridging; embedded weak
            # ties (shared boards, shared teams) are not where the network would break.
            # "The only tie between two organisations" means something only when both
            # are organisations of several actors, not people standing for themselves.
            only = (ctx.org[a] != ctx.org[b] and between_orgs[frozenset((ctx.org[a], ctx.org[b]))] == 1
                    and org_size[ctx.org[a]] > 1 and org_size[ctx.org[b]] > 1)
            importance = 0.8 if only else 0.6
            why = (f"it is the only tie between {ctx.org[a]} and {ctx.org[b]}, and they share almost no partners"
                   if only else "it links two circles that share almost no partners")
        else:
            continue
        found.append(_finding(
            "weak_tie", 0.4 + 0.5 * importance * weakness, [a, b],
            f"{a} and {b} have a weak tie ({_n(d.get('count', 0), 'contact')}, the last on {_day(d.get('last'))}; "
            f"weaker than {100 * weakness:.0f}% of ties), yet {why}.",
            f"Agree a regular contact between {a} and {b}, or a second route, before relying on it.",
            d.get("weight", np.nan), "strength", tie=d, _tie=frozenset((u, v))))
    return found


def missing_links(ctx: _Evidence) -> list:
    """Introductions to make: actors who share many partners but never interact.

    Candidates: unlinked pairs with at least ``missing_min_common`` shared partners,
    ranked by the resource-allocation index (Zhou, Lü and Zhang 2009: the sum over shared
    partners of 1 / their number of partners, so sharing a busy hub counts less).
    Severity ``0.3 + 0.4 x c / (c + 3) + 0.15`` (a shared programme) ``+ 0.1`` (same kind
    and sector: peers), c = shared partners.
    """
    G, t = ctx.G, ctx.t
    nodes = [n for n in G if G.degree(n) > 0]
    if len(nodes) < 3:
        return []
    A = adjacency(G, nodes, binary=True)
    k = np.asarray(A.sum(axis=1)).ravel()
    common = sp.triu(A @ A, k=1).tocsr()
    ra = sp.triu(A @ sp.diags(1 / np.maximum(k, 1)) @ A, k=1).tocsr()
    rows, cols = common.nonzero()
    counts = np.asarray(common[rows, cols]).ravel()
    keep = (counts >= t.missing_min_common) & (np.asarray(A[rows, cols]).ravel() == 0)
    rows, cols, counts = rows[keep], cols[keep], counts[keep]
    if len(rows) == 0:
        return []
    scores = np.asarray(ra[rows, cols]).ravel()
    programmes_of = _actor_programmes(G)
    order = np.lexsort((cols, rows, -scores))
    found = []
    for i in order[: max(t.max_per_kind * 4, 20) if t.max_per_kind else len(order)]:
        a, b = nodes[rows[i]], nodes[cols[i]]
        shared = sorted(set(G[a]) & set(G[b]), key=lambda x: (-G.degree(x, weight="weight"), str(x)))
        programmes = sorted(programmes_of[a] & programmes_of[b])
        da, db = G.nodes[a], G.nodes[b]
        peers = da.get("kind") == db.get("kind") and da.get("sector", "") == db.get("sector", "")
        c = len(shared)
        listed = ", ".join(map(str, shared[:5])) + (f" and {c - 5} more" if c > 5 else "")
        found.append(_finding(
            "missing_link", 0.3 + 0.4 * c / (c + 3) + (0.15 if programmes else 0) + (0.1 if peers else 0),
            [a, b],
            f"{a} and {b} both work with {listed}" + (f" ({', '.join(programmes)})" if programmes else "")
            + ", but have no recorded contact with each other.",
            f"Introduce {a} and {b}" + (f" through the {programmes[0]} programme" if programmes else "")
            + ": they have partners and likely problems in common.",
            scores[i], "resource allocation", common_partners=c))
    return found


# ---------------------------------------------------------------------------
# The diagnosis
# ---------------------------------------------------------------------------

# The order findings are listed in within one severity; detectors are independent of it.
_DETECTORS = [isolates, decayed_ties, bridges, brokers, one_sided_ties, strained_ties, silos,
              structural_holes_between_groups, weak_ties, missing_links]


# Findings enter the table in this order before the sort by severity (it settles the order
# of the kind-specific columns and of exact ties in severity, kind and actors).
_LISTING_ORDER = ("isolate", "decayed_tie", "bridge", "broker", "one_sided", "strained_tie", "silo",
                  "structural_hole", "weak_tie", "missing_link")


def detect(analysis, thresholds: Thresholds | None = None) -> dict:
    """Every finding of every kind, before ranking and capping: ``{kind: [finding, ...]}``.

    Each detector reads the Analysis and the thresholds and returns its findings; none
    sees another's.  Repeats between kinds are then removed once (:func:`_without_repeats`).
    Kept in the Analysis per set of thresholds, so asking again (another ``kinds`` or
    ``organisation`` filter) costs nothing.
    """
    thresholds = thresholds or Thresholds()

    def run():
        evidence = _Evidence(analysis, thresholds)
        found = {kind: [] for kind in BARRIER_KINDS}
        for detector in _DETECTORS:
            for finding in detector(evidence):
                found[finding["kind"]].append(finding)
        return _without_repeats(found)

    return analysis._once(("findings", thresholds), run)


def _without_repeats(found: dict) -> dict:
    """Say each problem once: a weak tie is not repeated where the same tie is already
    reported as decayed or as a bridge, or belongs to an all-but-isolated actor (those
    findings say more about it)."""
    covered = {pair for kind in ("isolate", "decayed_tie", "bridge") for f in found[kind]
               for pair in f.get("_covers", ())}
    found["weak_tie"] = [f for f in found["weak_tie"] if f["_tie"] not in covered]
    return found


def find_barriers(G, *, thresholds: Thresholds | None = None, kinds=None, programme=None,
                  organisation=None, seed: int = 0, **threshold_changes) -> pd.DataFrame:
    """Diagnose the barriers to collaboration in a stakeholder graph.

    Parameters
    ----------
    G : networkx.Graph or Analysis
        From :func:`~stakeholder_graph.graph.build_graph` (any undirected graph with
        ``weight`` = strength and ``distance`` = 1/strength works; direction, dates and
        sentiment findings need the tie attributes ``build_graph`` adds), or its
        :func:`~stakeholder_graph.analysis.analyse` (whose betweenness, structural holes and
        communities are then reused, and whose seed holds).
    thresholds : Thresholds, optional
        When a pattern counts; keyword arguments (``decay_ratio=0.3``) change single ones.
    kinds : list of str, optional
        Only these kinds (see :data:`BARRIER_KINDS`).
    programme : str, optional
        Diagnose only the ties of this programme (and the actors they join).
    organisation : str, optional
        Keep only findings that involve this organisation or its teams.
    seed : int
        For community detection and sampled betweenness: the same seed, the same findings.

    Returns
    -------
    DataFrame sorted by ``severity`` (highest first) with columns ``kind``, ``severity``
    (0-1, one scale across kinds, see the module docstring), ``actors`` (``;``-separated
    names, or group names), ``explanation`` (one sentence with the evidence), ``suggestion``,
    ``evidence`` and ``evidence_name`` (the number the finding rests on), ``strength``,
    ``contacts``, ``last_contact``, ``programmes`` (for tie findings), and kind-specific
    columns (``group``, ``expected``, ``observed``, ``common_partners``).  At most
    ``max_per_kind`` findings of each kind, the most severe.
    """
    thresholds = (thresholds or Thresholds()).updated(**threshold_changes)
    if kinds:
        unknown = set(kinds) - set(BARRIER_KINDS)
        if unknown:
            raise InputError(f"unknown barrier kind '{sorted(unknown)[0]}'; kinds are: {', '.join(BARRIER_KINDS)}")
    A = analysis_of(G, seed)
    if programme:
        A = A._once(("programme view", programme.casefold()),
                    lambda: A.subgraph_analysis(_programme_view(A.graph, programme)))
    found = detect(A, thresholds)
    findings = []
    for kind in _LISTING_ORDER:
        if kinds and kind not in kinds:
            continue
        kind_found = sorted(found[kind], key=lambda f: (-f["severity"], f["actors"]))
        if thresholds.max_per_kind:
            kind_found = kind_found[: thresholds.max_per_kind]
        findings.extend({k: v for k, v in f.items() if not k.startswith("_")} for f in kind_found)
    frame = pd.DataFrame(findings)
    if frame.empty:
        return pd.DataFrame(columns=COLUMNS)
    if organisation:
        frame = _involving(frame, A.graph, organisation)
    frame = frame.sort_values(["severity", "kind", "actors"], ascending=[False, True, True], kind="stable")
    ordered = COLUMNS + [c for c in frame.columns if c not in COLUMNS]
    return frame[ordered].reset_index(drop=True)


def _programme_view(G, programme):
    wanted = programme.casefold()
    keep = [(u, v) for u, v, d in G.edges(data=True)
            if wanted in {p.casefold() for p in str(d.get("programmes", "")).split(";")}]
    if not keep:
        raise InputError(f"no tie in programme '{programme}'")
    H = G.edge_subgraph(keep).copy()
    H.graph.update(G.graph)
    return H


def _involving(frame, G, organisation):
    from .names import find_actor
    name = find_actor(G, organisation) if organisation not in _all_organisations(G) else organisation
    org = G.nodes[name].get("organisation", name) if name in G else name
    members = {n for n, d in G.nodes(data=True) if d.get("organisation", n) == org} | {org}
    keep = frame["actors"].map(lambda s: bool(set(s.split(";")) & members) or org in s)
    return frame[keep]


def _all_organisations(G):
    return {d.get("organisation") for _, d in G.nodes(data=True)}
