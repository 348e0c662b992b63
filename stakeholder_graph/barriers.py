"""The diagnosis: what stands in the way of collaboration, each finding a claim tested against chance.

One pure function per kind of barrier reads the :class:`~stakeholder_graph.analysis.Analysis`
and returns its findings; :func:`find_barriers` gathers them, says each fact once, and
sorts by ``severity``.

Every kind has a **null model**, what the partnership's own degrees, rates and shares would
give by chance, and a **p-value** for each candidate under it; the Benjamini-Hochberg
procedure across the candidates of a kind keeps the false-discovery rate at ``fdr``
(default 0.05).  Only candidates whose ``q_value`` is at or below it are findings.  Each
finding carries ``p_value``, ``q_value`` and ``tested`` (candidates of its kind).

**Severity = evidence x effect**, both from 0 to 1 (:func:`~stakeholder_graph.chance.severity`):
evidence rises with log10(1/q) and is full at q <= 0.001; each kind's effect (its
docstring says which) is how large the problem is (1: contact stopped entirely, one side
starts everything, no tie at all where many were expected...).  So:

- 0.8 to 1: a large problem the log leaves no doubt about: raise it in the session;
- 0.5 to 0.8: worth a look before the session;
- below 0.5: background, or weakly supported.

The tests run the diagnosis on simulated partnerships where nothing is wrong (the list
must stay nearly empty) and with planted barriers (they must be found): see
``benchmarks/bench_calibration.py`` and ``docs/barriers.md``.
"""

from __future__ import annotations

import math
import warnings
from collections import defaultdict
from dataclasses import dataclass, fields, replace

import networkx as nx
import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._format import day as _day
from .analysis import analysis_of
from .chance import (bh_qvalues, binomial_cdf, binomial_sf, hypergeometric_sf, nb_cdf, poisson_binomial_cdf,
                     severity as _severity)
from .errors import InputError
from .holes import adjacency

__all__ = ["find_barriers", "Thresholds", "BARRIER_KINDS", "tie_overlap", "shared_partners", "DEFAULT_FDR"]

BARRIER_KINDS = ("weak_tie", "bridge", "broker", "structural_hole", "silo", "decayed_tie", "one_sided",
                 "isolate", "strained_tie", "missing_link", "low_trust", "perception_gap")

COLUMNS = ["kind", "severity", "actors", "explanation", "suggestion", "p_value", "q_value", "tested", "effect",
           "evidence", "evidence_name", "strength", "contacts", "last_contact", "programmes"]

DEFAULT_FDR = 0.05

# Threshold names of the first release, replaced by tests against chance: accepted for one
# release with a warning.  ``max_per_kind`` still caps the list when given.
_RETIRED = ("weak_overlap", "decay_ratio", "decay_min_peak", "decay_p", "one_sided_share", "one_sided_min_contacts",
            "one_sided_p", "strained_share", "strained_min_rated", "isolate_contacts", "silo_ei", "hole_ratio",
            "hole_min_expected", "bridge_min_side", "local_bridge_min_span", "broker_min_dependents",
            "broker_betweenness", "missing_min_common", "max_per_kind")


@dataclass(frozen=True)
class Thresholds:
    """The few settings of the diagnosis.  Change any from Python (``find_barriers(G, fdr=0.01)``)
    or the CLI (``--threshold fdr=0.01``).

    Attributes
    ----------
    fdr : false-discovery rate kept within each kind (Benjamini-Hochberg), 0.05: of the
        findings of a kind, at most 5% are expected to be chance.
    weak_quantile : a tie weaker than this share of all ties is called weak (0.25) when it
        carries a link the partnership depends on (a bridge, or an actor's only tie).
    silo_min_size : actors a group needs before it can be a silo (3).
    silo_share : a group is called a silo only when more than this share of its tie
        strength stays inside (1/2: most of it).
    permutations : shuffles of group labels in the silo test (999; p-values from 0.001).
    max_per_kind : deprecated: 0 (all findings).  Views that show the top N say how many more.
    """

    fdr: float = DEFAULT_FDR
    weak_quantile: float = 0.25
    silo_min_size: int = 3
    silo_share: float = 0.5
    permutations: int = 999
    max_per_kind: int = 0

    @classmethod
    def current_names(cls):
        """The settings of this release."""
        return [f.name for f in fields(cls) if f.name not in _RETIRED]

    @classmethod
    def names(cls):
        """Every name accepted: this release's settings and the retired ones (with a warning)."""
        return [f.name for f in fields(cls)] + [n for n in _RETIRED if n not in {f.name for f in fields(cls)}]

    def updated(self, **changes):
        """A copy with some settings changed; unknown names are an error.  A retired
        threshold name is accepted with a FutureWarning and, but for ``max_per_kind``, ignored."""
        current = {f.name for f in fields(self)}
        unknown = set(changes) - set(self.names())
        if unknown:
            raise InputError(f"unknown threshold '{sorted(unknown)[0]}'; known: {', '.join(self.current_names())}")
        retired = sorted(set(changes) & set(_RETIRED))
        if retired:
            warnings.warn(f"threshold {', '.join(retired)} is retired: findings are now tested against chance "
                          f"(set fdr instead); it will be removed in the next release", FutureWarning, stacklevel=3)
        typed = {}
        for k, v in changes.items():
            if k not in current:
                continue
            kind = type(getattr(self, k))
            if kind is int and float(v) != int(float(v)):
                raise InputError(f"threshold {k} takes a whole number, not {v}")
            typed[k] = kind(float(v)) if kind is float else int(float(v))
        if "fdr" in typed and not 0 < typed["fdr"] < 1:
            raise InputError(f"fdr must be between 0 and 1, not {typed['fdr']}")
        if "silo_share" in typed and not 0 <= typed["silo_share"] < 1:
            raise InputError(f"silo_share must be at least 0 and below 1, not {typed['silo_share']}")
        return replace(self, **typed)


# ---------------------------------------------------------------------------
# Plain-English helpers
# ---------------------------------------------------------------------------

def _n(x, one, many=None) -> str:
    count = int(round(x))
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _contacts_phrase(total, meetings) -> str:
    """'12 contacts (9 direct, 3 at shared meetings)': contacts as counted in the log."""
    direct = total - meetings
    if not meetings:
        return _n(total, "direct contact")
    if not direct:
        return _n(total, "shared meeting")
    return f"{_n(total, 'contact')} ({direct:,} direct, {meetings:,} at shared meetings)"


def _finding(kind, actors, explanation, suggestion, evidence, evidence_name, *, p, q, tested, effect,
             tie=None, **extra):
    row = {"kind": kind, "severity": float(_severity(q, effect)), "actors": ";".join(map(str, actors)),
           # Sentences may open with "the ... sector"; actor names keep their own spelling.
           "explanation": ("The" + explanation[3:]) if explanation.startswith("the ") else explanation,
           "suggestion": suggestion, "p_value": float(p), "q_value": float(q), "tested": int(tested),
           "effect": float(np.clip(effect, 0, 1)), "evidence": float(evidence), "evidence_name": evidence_name,
           "strength": np.nan, "contacts": np.nan, "last_contact": pd.NaT, "programmes": ""}
    if tie is not None:
        row.update(strength=tie.get("weight", np.nan), contacts=tie.get("count", np.nan),
                   last_contact=tie.get("last", pd.NaT), programmes=tie.get("programmes", ""))
    row.update(extra)
    return row


def _passing(p_values, effects, fdr, tested=None):
    """q-values of the candidates and the indices of those that pass (q <= fdr, effect > 0).
    ``tested``: how many candidates there were in all, when those not listed had p = 1."""
    p = np.asarray(p_values, dtype=float)
    q = bh_qvalues(p, tested=tested)
    keep = np.flatnonzero((q <= fdr) & (np.asarray(effects, dtype=float) > 0))
    return q, keep


def _percentile(values: np.ndarray) -> np.ndarray:
    """Each value's rank share among ``values`` (0 = lowest, 1 = highest; ties share)."""
    if len(values) == 0:
        return values
    return pd.Series(values).rank(pct=True, method="average").to_numpy()


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
        self.edges = list(G.edges(data=True))
        self.as_of = pd.Timestamp(G.graph["as_of"]) if G.graph.get("as_of") else None
        # The tie history's period (build_graph's "period_days": the half-life, or shorter in a short window).
        self.period = float(G.graph.get("period_days") or G.graph.get("half_life", 180.0))

    def weakness(self, u, v):
        """1 - the tie's strength percentile among all ties (1: the weakest)."""
        pct = self.A._once("strength_percentile", self._strength_percentile)
        return 1.0 - pct.get((u, v), pct.get((v, u), 0.5))

    def _strength_percentile(self):
        strengths = np.array([d.get("weight", 1.0) for _, _, d in self.edges], dtype=float)
        return dict(zip(((u, v) for u, v, _ in self.edges), _percentile(strengths)))

    def containers(self) -> set:
        """See :func:`~stakeholder_graph.metrics.containers`."""
        from .metrics import containers
        return containers(self.G)


def shared_partners(G: nx.Graph) -> tuple:
    """``(nodes, index, A, common, k)`` over the actors with ties: their 0/1 adjacency ``A``
    (sparse), ``common = A @ A`` (partners each pair shares) and their numbers of partners
    ``k``.  One product serves tie overlap, the tie model and the introductions (an
    Analysis keeps it: :attr:`~stakeholder_graph.analysis.Analysis.shared_partners`)."""
    nodes = [n for n in G if G.degree(n) > 0]
    if not nodes:
        empty = sp.csr_matrix((0, 0))
        return [], {}, empty, empty, np.zeros(0)
    A = adjacency(G, nodes, binary=True)
    return nodes, {n: i for i, n in enumerate(nodes)}, A, (A @ A).tocsr(), np.asarray(A.sum(axis=1)).ravel()


def tie_overlap(G: nx.Graph, *, shared: tuple | None = None) -> dict:
    """Onnela et al. (2007) topological overlap of every tie.

    ``O_ij = n_ij / ((k_i - 1) + (k_j - 1) - n_ij)``, n_ij the partners i and j share, k the
    number of partners: 0 for a local bridge (no shared partner), 1 when the two have
    exactly the same partners.  Returns ``{(u, v): overlap}`` for every edge as
    ``G.edges()`` lists it.
    """
    if G.number_of_edges() == 0:
        return {}
    _, index, _, common, k = shared or shared_partners(G)
    out = {}
    for u, v in G.edges():
        i, j = index[u], index[v]
        n_ij = common[i, j]
        denominator = (k[i] - 1) + (k[j] - 1) - n_ij
        out[(u, v)] = float(n_ij / denominator) if denominator > 0 else 0.0
    return out


# ---------------------------------------------------------------------------
# One function per kind: candidates, a p-value each under a null model, BH, findings
# ---------------------------------------------------------------------------

def _actor_contacts(G, actor) -> tuple:
    """(contacts, of which at shared meetings, partners, last contact) of one actor."""
    ties = G[actor]
    total = sum(int(d.get("count", 0)) for d in ties.values())
    meetings = sum(int(d.get("meetings", 0)) for d in ties.values())
    last = max((d.get("last") for d in ties.values() if d.get("last") is not None), default=None)
    return total, meetings, len(ties), last


def isolates(ev: _Evidence) -> list:
    """Actors with no contact, or far less than the partnership's actors have by chance.

    Null model: an actor's number of contacts is negative binomial with the mean and
    variance of the contacts of the partnership's actors with ties (their own spread, so
    ordinary differences in activity are not findings).  p = P(X <= contacts).  Tested:
    every actor but registry organisations that stand for their teams (containers).
    Effect: ``1 - contacts / mean``.  An actor with ties but significantly few contacts is
    an ``isolate`` when what is left is negligible (less than one typical contact made a
    half-life ago) or it has several partners; with exactly one partner it is a
    ``weak_tie`` (its only link to the partnership is weak).
    """
    G, t = ev.G, ev.t
    containers = ev.containers()
    actors = [n for n in G if n not in containers]
    if len(actors) < 3:
        return []
    counts = np.array([_actor_contacts(G, n)[0] for n in actors], dtype=float)
    active = counts[counts > 0]
    if len(active) < 3:
        return []
    mean, var = float(active.mean()), float(active.var(ddof=1))
    dispersion = max(0.0, (var - mean) / mean ** 2)
    p = np.array([nb_cdf(c, mean, dispersion) for c in counts])
    effect = 1 - counts / mean
    q, keep = _passing(p, effect, t.fdr)
    per_contact = [d.get("weight", 1.0) / max(d.get("count", 1), 1) for _, _, d in ev.edges]
    negligible = 0.5 * (float(np.median(per_contact)) if per_contact else 1.0)
    typical = f"the partnership's actors have {mean:,.0f} contacts on average"
    found = []
    for i in keep:
        actor = actors[i]
        stats = dict(p=p[i], q=q[i], tested=len(actors), effect=effect[i])
        total, meetings, partners, last = _actor_contacts(G, actor)
        strength = G.degree(actor, weight="weight")
        if partners == 0:
            found.append(_finding(
                "isolate", [actor],
                f"{actor} is in the partnership but has no recorded contact with any partner ({typical}).",
                f"Find out who at {actor} should be involved, and invite them to the relevant programme board.",
                0, "contacts", actor_kind=G.nodes[actor].get("kind", ""), **stats))
        elif partners == 1 and strength >= negligible:
            other = next(iter(G[actor]))
            d = G[actor][other]
            found.append(_finding(
                "weak_tie", [actor, other],
                f"{actor}'s only link to the partnership is its tie with {other}: "
                f"{_contacts_phrase(total, meetings)} since {_day(d.get('first'))}, the last on {_day(last)} "
                f"({typical}).",
                f"Agree a regular contact between {actor} and {other}, and a second partner for {actor}.",
                total, "contacts", tie=d, _covers=[frozenset((actor, other))], **stats))
        else:
            found.append(_finding(
                "isolate", [actor],
                f"{actor} has had only {_contacts_phrase(total, meetings)} with {_n(partners, 'partner')}, "
                f"the last on {_day(last)} ({typical}).",
                f"Check whether {actor} is still active in the partnership and who could bring it back in.",
                total, "contacts", last_contact=last, contacts=total,
                _covers=[frozenset((actor, other)) for other in G[actor]], **stats))
    return found


def _dispersion(ev: _Evidence) -> float:
    """Partnership-wide overdispersion of days with contact per period: that of its ties
    (:func:`tie_dispersion`), or ``G.graph["dispersion_floor"]`` where that is larger (a
    comparison sets it from both periods, since a short period cannot show rhythms
    longer than itself)."""
    return max(tie_dispersion(ev.edges), float(ev.G.graph.get("dispersion_floor", 0.0) or 0.0))


def tie_dispersion(edges) -> float:
    """Overdispersion of days with contact per period (one half-life) while ties are
    active: ``alpha`` in variance = mean + alpha mean^2, by moments over the full periods
    between each tie's first and last contact (0: as regular as a Poisson clock).
    ``edges``: ``(u, v, data)`` triples, as ``G.edges(data=True)`` gives."""
    num = den = 0.0
    for _, _, d in edges:
        periods = int(d.get("history_periods", 0) or 0)
        if periods < 2:
            continue
        total, squares = float(d.get("history_days", 0)), float(d.get("history_days_sq", 0.0))
        mean = total / periods
        var = (squares / periods - mean ** 2) * periods / (periods - 1)
        num += (periods - 1) * (var - mean)
        den += (periods - 1) * mean ** 2
    return max(0.0, num / den) if den > 0 else 0.0


def decayed_ties(ev: _Evidence) -> list:
    """Relationships that have gone quiet for far longer than their own rhythm explains.

    Events are days with contact (``days``: a day of meetings, or a sensor's dozens of
    records of one conversation, is one event).  Null model: the tie's days with contact
    come at a steady rate from its first contact to the measurement date (``as_of``, the
    window's end).  Given ``n`` such days, the ``n - 1`` after the first are then spread
    uniformly over that span ``D``, and the chance that none falls in the final silence
    ``s`` (from the last contact to ``as_of``) is ``(1 - s / D) ** (n - 1)``.  Contact comes
    in bursts more than a steady rate gives, so the exponent is divided by the tie's
    variance inflation ``1 + alpha m`` (``alpha`` the partnership's overdispersion, see
    :func:`_dispersion`; ``m`` the larger of the tie's days with contact per period and
    the days with contact the silence would hold at its rate, because bursts are measured
    at the scale of the silence tested, and a long quiet spell of a bursty tie is what
    its bursts predict): a bursty partnership needs a longer silence.  Tested: ties with contact on two or more days and a silence.
    Effect: ``1 - usual gap / silence`` (usual gap = (last - first)/(n - 1)): 0.8 when the
    silence is five usual gaps, 1 when contact stopped long ago.
    """
    t = ev.t
    if ev.as_of is None:
        return []
    as_of = ev.as_of.to_pydatetime()
    alpha = _dispersion(ev)
    rows, p, effect = [], [], []
    for u, v, d in ev.edges:
        n, first, last = int(d.get("days", d.get("count", 0))), d.get("first"), d.get("last")
        if n < 2 or first is None or last is None:
            continue
        span = (as_of - first).total_seconds() / 86400
        silence = (as_of - last).total_seconds() / 86400
        active = (last - first).total_seconds() / 86400
        if span <= 0 or silence <= 0 or active <= 0:
            continue
        per_period = n / max(span / ev.period, 1.0)
        in_silence = n * silence / span          # days with contact the silence would hold
        inflation = 1 + alpha * max(per_period, in_silence)
        rows.append((u, v, d, n, span, silence, active))
        p.append((1 - silence / span) ** ((n - 1) / inflation))
        effect.append(1 - (active / (n - 1)) / silence)
    q, keep = _passing(p, effect, t.fdr)
    found = []
    for i in keep:
        u, v, d, days, span, silence, active = rows[i]
        a, b = d.get("actor_a", u), d.get("actor_b", v)
        n, meetings = int(d["count"]), int(d.get("meetings", 0))
        gap = active / (days - 1)
        on_days = f" on {days:,} days" if days != n else ""
        found.append(_finding(
            "decayed_tie", [a, b],
            f"{a} and {b} had {_contacts_phrase(n, meetings)}{on_days} from {_day(d['first'])} to {_day(d['last'])}, "
            f"about one every {_n(max(gap, 1), 'day')}; there has been none since, {_n(silence, 'day')} to "
            f"{_day(ev.as_of)}.",
            f"Ask both what changed around {pd.Timestamp(d['last']):%B %Y}; if the work still needs them, "
            "re-establish a regular contact.",
            silence, "days of silence", tie=d, p=p[i], q=q[i], tested=len(rows), effect=effect[i],
            usual_gap_days=gap, days_with_contact=days, _covers=[frozenset((u, v))]))
    return found


def one_sided_ties(ev: _Evidence) -> list:
    """Ties where one side starts almost all contact.

    Null model: each initiated contact is started by either side with probability 1/2;
    p = two-sided binomial test of the split.  Tested: ties with an initiated contact.
    Effect: ``(share - 1/2) / (9/10 - 1/2)``, capped at 1: 0 for an even split, full when
    one side starts nine contacts in ten or more ("almost all").
    """
    t = ev.t
    rows = [(u, v, d, int(d.get("a_to_b", 0)), int(d.get("b_to_a", 0))) for u, v, d in ev.edges]
    rows = [r for r in rows if r[3] + r[4] > 0]
    p = [min(1.0, 2 * binomial_cdf(min(ab, ba), ab + ba, 0.5)) for *_, ab, ba in rows]
    effect = [min(1.0, (max(ab, ba) / (ab + ba) - 0.5) / 0.4) for *_, ab, ba in rows]
    q, keep = _passing(p, effect, t.fdr)
    found = []
    for i in keep:
        u, v, d, ab, ba = rows[i]
        n = ab + ba
        a, b = d.get("actor_a", u), d.get("actor_b", v)
        leader, other = (a, b) if ab >= ba else (b, a)
        share = max(ab, ba) / n
        found.append(_finding(
            "one_sided", [leader, other],
            f"{leader} started {max(ab, ba):,} of the {n:,} direct contacts with {other} ({100 * share:.0f}%); "
            f"{other} started {_n(min(ab, ba), 'contact')}.",
            f"Ask {other} what it needs from {leader} and what would make it reach out; agree who leads what.",
            share, "initiation share", tie=d, p=p[i], q=q[i], tested=len(rows), effect=effect[i]))
    return found


def strained_ties(ev: _Evidence) -> list:
    """Ties where far more contacts were recorded as negative than the partnership's usual share.

    Null model: each rated contact is negative with the share ``p0`` of the partnership's
    other ties (their negative / rated contacts, with a weak prior of one negative in five
    contacts, ``(negative + 1) / (rated + 5)``, so a partnership that rates few contacts
    still has a reference); p = P(X >= negative), X ~ Binomial(rated, p0).  Tested: ties
    with a rated contact.  Effect: ``(share - p0) / (1/2 - p0)``, capped at 1: full when
    half the rated contacts are negative.
    """
    t = ev.t
    rows = [(u, v, d, int(d.get("rated", 0) or 0), int(d.get("negative", 0) or 0)) for u, v, d in ev.edges]
    rows = [r for r in rows if r[3] > 0]
    if not rows:
        return []
    rated_all, negative_all = sum(r[3] for r in rows), sum(r[4] for r in rows)
    # Each tie against the others (leave one out), so a strained tie does not raise its own bar.
    reference = [(negative_all - neg + 1) / (rated_all - rated + 5) for *_, rated, neg in rows]
    p = [binomial_sf(neg, rated, p0) for (*_, rated, neg), p0 in zip(rows, reference)]
    effect = [min(1.0, (neg / rated - p0) / (0.5 - p0)) if p0 < 0.5 else 0.0
              for (*_, rated, neg), p0 in zip(rows, reference)]
    q, keep = _passing(p, effect, t.fdr)
    found = []
    for i in keep:
        u, v, d, rated, negative = rows[i]
        p0 = reference[i]
        a, b = d.get("actor_a", u), d.get("actor_b", v)
        found.append(_finding(
            "strained_tie", [a, b],
            f"{negative:,} of the {rated:,} rated contacts between {a} and {b} ({100 * negative / rated:.0f}%) "
            f"were recorded as negative, against {_percent(p0)} on the partnership's other ties; the last contact on "
            f"{_day(d.get('last'))}.",
            f"Bring {a} and {b} together with a neutral facilitator to name the recurring problem "
            "and agree one change each.",
            negative / rated, "negative share", tie=d, p=p[i], q=q[i], tested=len(rows), effect=effect[i],
            partnership_negative_share=p0))
    return found


def _cut_off_parts(H) -> list:
    """``[(cut point, part, vol)]`` for every part of two or more actors that losing a cut point
    would cut off from the rest of its (connected) component: all the parts it leaves but
    the largest (of two parts of one size, the rest is the one with more ties); ``vol`` is
    the part's ties' ends (the sum of its actors' numbers of partners).

    From the block-cut tree (one pass over the biconnected components), not one search per
    cut point: the parts a cut point leaves are its subtrees in the tree and the rest of
    the component above it.
    """
    cuts = set(nx.articulation_points(H))
    if not cuts:
        return []
    blocks = [frozenset(b) for b in nx.biconnected_components(H)]
    tree = defaultdict(list)
    own = {}                      # tree node -> the actors it stands for
    for i, block in enumerate(blocks):
        own[("b", i)] = [x for x in block if x not in cuts]
        for c in block & cuts:
            tree[("b", i)].append(("c", c))
            tree[("c", c)].append(("b", i))
    for c in cuts:
        own[("c", c)] = [c]
    root = ("b", 0)
    parent, order, stack = {root: None}, [], [root]
    while stack:
        x = stack.pop()
        order.append(x)
        for y in sorted(tree[x], key=str):
            if y not in parent:
                parent[y] = x
                stack.append(y)
    size, vol = {}, {}
    for x in reversed(order):
        below = [y for y in tree[x] if parent.get(y) == x]
        size[x] = len(own[x]) + sum(size[y] for y in below)
        vol[x] = sum(H.degree(a) for a in own[x]) + sum(vol[y] for y in below)
    total, total_vol = len(H), 2 * H.number_of_edges()

    def members(top):
        out, todo = [], [top]
        while todo:
            x = todo.pop()
            out.extend(own[x])
            todo.extend(y for y in tree[x] if parent.get(y) == x)
        return out

    parts = []
    for c in sorted(cuts, key=str):
        node = ("c", c)
        children = [y for y in tree[node] if parent.get(y) == node]
        pieces = [(size[y], vol[y], y) for y in children]
        above = total - 1 - sum(size[y] for y in children)
        if above > 0:
            pieces.append((above, total_vol - H.degree(c) - sum(vol[y] for y in children), None))
        # The rest is the largest part; between parts of one size, the one with more ties.
        pieces.sort(key=lambda piece: (piece[0], piece[1], piece[2] is None))
        for n_piece, piece_vol, y in pieces[:-1]:
            if n_piece < 2:
                continue
            if y is not None:
                parts.append((c, frozenset(members(y)), piece_vol))
            else:
                below = {x for child in children for x in members(child)}
                parts.append((c, frozenset(x for x in H if x != c and x not in below), piece_vol))
    return parts


def cut_off_groups(ev: _Evidence) -> list:
    """Groups of actors that reach the rest of the partnership through a single actor
    (a cut point) or a single tie (a bridge): ``broker``, ``bridge`` or ``weak_tie``.

    Candidates: for every cut point, each part that losing it would cut off (but the
    largest).  Null model: a random partnership with the same numbers of ties per actor
    (the configuration model), in which the part's ties would land anywhere:
    ``E = vol(part) x vol(rest) / 2m`` of them would reach the rest directly (vol: ties of
    its actors, m: ties in the component); p = P(X = 0) = exp(-E), X ~ Poisson(E).  A lone
    actor on one tie gives E near 1 and is not a finding (an actor's activity is judged by
    :func:`isolates`).  Effect: ``1 - 1 / E``, clipped at 0.

    One fact, one finding: a part hanging on its cut point by a single tie is reported as
    that tie (``bridge``; the sentence says when the tie is also among the weakest
    ``weak_quantile``), with the cut point as evidence (``broker`` column); otherwise the
    cut point is the ``broker``.  A part inside a larger part already reported (a chain of cut points)
    is named in that finding, not reported again.
    """
    G, t = ev.G, ev.t
    rows = []
    for component in nx.connected_components(G):
        if len(component) < 4:
            continue
        H = G.subgraph(component)
        m = H.number_of_edges()
        for cut, piece, vol in _cut_off_parts(H):
            rest = 2 * m - vol - H.degree(cut)
            expected = vol * rest / (2 * m)
            rows.append((cut, piece, expected))
    if not rows:
        return []
    p = [math.exp(-e) for *_, e in rows]
    effect = [max(0.0, 1 - 1 / e) if e > 0 else 0.0 for *_, e in rows]
    q, keep = _passing(p, effect, t.fdr)
    reported, reported_ties = [], set()
    found = []
    # Largest parts first: a part inside one already reported is the same fact, and so is
    # the other side of a bridge already reported.
    for i in sorted(keep, key=lambda i: (-len(rows[i][1]), str(rows[i][0]))):
        cut, piece, expected = rows[i]
        links = [x for x in G[cut] if x in piece]
        if any(piece <= big | {c} for c, big in reported) or (
                len(links) == 1 and frozenset((cut, links[0])) in reported_ties):
            continue
        reported.append((cut, piece))
        if len(links) == 1:
            reported_ties.add(frozenset((cut, links[0])))
        names = sorted(piece, key=str)
        listed = ", ".join(map(str, names[:4])) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        stats = dict(p=p[i], q=q[i], tested=len(rows), effect=effect[i], expected=expected, observed=0,
                     cut_off=len(piece))
        inner = sorted({str(c) for c, big, _ in rows if c in piece and big < piece})
        if len(links) == 1:
            other = links[0]
            d = G[cut][other]
            weakness = ev.weakness(cut, other)
            weak = f", weaker than {100 * weakness:.0f}% of ties" if weakness >= 1 - t.weak_quantile else ""
            found.append(_finding(
                "bridge", [other, cut],
                f"The tie between {other} and {cut} is the only link between {_n(len(piece), 'actor')} "
                f"({listed}) and the rest of the partnership, where about {expected:.0f} direct ties would be "
                f"expected from how connected they are; it carries "
                f"{_contacts_phrase(d.get('count', 0), d.get('meetings', 0))}, the last on {_day(d.get('last'))}"
                f"{weak}.",
                f"Build a second link: introduce another of {other}'s group to a partner beyond {cut}.",
                len(piece), "actors cut off", tie=d, broker=str(cut), also_cut_points=";".join(inner),
                _covers=[frozenset((cut, other))], _piece=piece, **stats))
        else:
            found.append(_finding(
                "broker", [cut],
                f"{_n(len(piece), 'actor')} ({listed}) reach the rest of the partnership only through {cut}, "
                f"where about {expected:.0f} direct ties would be expected from how connected they are: "
                f"if {cut} stepped back they would be cut off.",
                f"Share {cut}'s role: introduce those who depend on it to a second partner.",
                len(piece), "actors cut off", also_cut_points=";".join(inner), _piece=piece, **stats))
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
        return ["sector"]
    return ["organisation", "sector"]


def _group_label(attribute, group):
    return f"the {group} sector" if attribute == "sector" else str(group)


def silos(ev: _Evidence) -> list:
    """Groups (organisations and sectors; sectors at organisation level) whose tie strength
    stays inside far more than chance gives.

    Statistic: the share of the group's tie strength that is internal (the E-I index is
    ``1 - 2 x share``).  Null model: the same actors and ties with group labels shuffled
    among the actors (``permutations`` times, seeded; group sizes kept); p = (1 + shuffles
    at least as internal) / (1 + shuffles).  Tested: groups of at least ``silo_min_size``
    actors with ties.  Effect: ``(share - chance share) / (1 - chance share)``, 1 when
    nothing goes out.  Only groups keeping most of their strength inside (share >
    ``silo_share``, 1/2) are called silos.
    """
    G, t = ev.G, ev.t
    nodes = [n for n in G if G.degree(n) > 0]
    if len(nodes) < 4:
        return []
    index = {n: i for i, n in enumerate(nodes)}
    edges = [(index[u], index[v], float(d.get("weight", 1.0))) for u, v, d in ev.edges]
    src = np.array([e[0] for e in edges])
    dst = np.array([e[1] for e in edges])
    w = np.array([e[2] for e in edges])
    strength = np.bincount(src, weights=w, minlength=len(nodes)) + np.bincount(dst, weights=w, minlength=len(nodes))
    rng = np.random.default_rng(ev.seed)
    rows = []
    for attribute in _group_attributes(G):
        groups = _groups(G, attribute)
        sized = {g: ms for g, ms in groups.items() if len(ms) >= t.silo_min_size}
        if not sized or len(groups) < 2:
            continue
        names = sorted(groups, key=str)
        code = {g: i for i, g in enumerate(names)}
        label = np.full(len(nodes), -1)
        for g, members in groups.items():
            label[[index[m] for m in members]] = code[g]
        labelled = np.flatnonzero(label >= 0)

        def internal_share(lab):
            same = (lab[src] == lab[dst]) & (lab[src] >= 0)
            inside = 2 * np.bincount(lab[src][same], weights=w[same], minlength=len(names))
            total = np.bincount(lab[labelled], weights=strength[labelled], minlength=len(names))
            return np.divide(inside, total, out=np.zeros(len(names)), where=total > 0)

        observed = internal_share(label)
        at_least = np.zeros(len(names))
        chance = np.zeros(len(names))
        shuffled = label.copy()
        for _ in range(t.permutations):
            shuffled[labelled] = rng.permutation(label[labelled])
            share = internal_share(shuffled)
            at_least += share >= observed - 1e-12
            chance += share
        chance /= max(t.permutations, 1)
        for g in sorted(sized, key=str):
            i = code[g]
            if any(set(r[2]) == set(sized[g]) for r in rows):
                continue   # a sector of one organisation is that organisation: one fact
            rows.append((attribute, g, sized[g], observed[i], chance[i], (1 + at_least[i]) / (1 + t.permutations)))
    p = [r[5] for r in rows]
    effect = [((r[3] - r[4]) / (1 - r[4]) if r[4] < 1 else 0.0) if r[3] > t.silo_share else 0.0 for r in rows]
    q, keep = _passing(p, effect, t.fdr)
    found = []
    for i in keep:
        attribute, group, members, share, chance, _ = rows[i]
        inside = set(members)
        ends_inside = sum(1 for u in members for v in G[u] if v in inside)
        n_int = ends_inside // 2
        n_ext = sum(G.degree(u) for u in members) - ends_inside
        outward = sorted({v for u in members for v in G[u] if v not in inside}, key=str)
        label = _group_label(attribute, group)
        found.append(_finding(
            "silo", [str(group)],
            f"{100 * share:.0f}% of the tie strength of {label}'s {len(members)} actors stays inside it, where "
            f"about {100 * chance:.0f}% would by chance: {_n(n_int, 'tie')} inside against {_n(n_ext, 'tie')} outward"
            + (f", to {', '.join(map(str, outward[:3]))}" + (" and others." if len(outward) > 3 else ".")
               if outward else "."),
            f"Give {label} a seat where the other partners meet, and pair it with a partner on a shared programme.",
            1 - 2 * share, "E-I index (weighted)", group=attribute, _members=frozenset(members),
            p=p[i], q=q[i], tested=len(rows),
            effect=effect[i], ei_index=1 - 2 * share, ei_unweighted=(n_ext - n_int) / (n_ext + n_int)
            if n_ext + n_int else np.nan))
    return found


def _tie_model(ev: _Evidence):
    """A logistic model of who is tied to whom from how connected each is, the partners
    they share and whether they work for one organisation: ``logit P(tie) = b0 + b1 log(k_i
    k_j) + b2 [1 shared] + b3 [2 shared] + b4 [3 or more shared] + b5 [same organisation]``
    (the last at actor level only), fitted by Newton's method on every pair of actors with
    ties (a seeded sample of a million pairs beyond that).  Shared partners enter as
    classes, not a line, so the model learns from the partnership itself how often pairs
    with many partners in common are tied; the organisation term, how much more often
    teams of one organisation are tied than teams of two.  Without it, in a partnership
    whose ties cluster inside organisations, every pair of organisations has fewer ties
    than the model expects, and gaps are found where there are none (4.7 per simulated
    clustered partnership; with it, none).  Sectors get no such term: sectors keeping to
    themselves is what a gap between sectors is.  Returns ``(nodes, index, A, common, k,
    coef, codes)``, ``codes`` the organisation codes per actor (a list of one array, or
    empty)."""
    def fit():
        nodes, index, A, common, k = ev.A.shared_partners
        n = len(nodes)
        total = n * (n - 1) // 2
        if total <= 1_000_000:
            i, j = np.triu_indices(n, 1)
        else:
            rng = np.random.default_rng(ev.seed)
            i = rng.integers(0, n, 1_000_000)
            j = rng.integers(0, n, 1_000_000)
            keep = i != j
            i, j = np.minimum(i[keep], j[keep]), np.maximum(i[keep], j[keep])
        y = _entries(A, i, j)
        # Only the organisation enters: teams of one employer working together is given,
        # while sectors keeping to themselves is what a gap between sectors is about.
        codes = [code for attribute, code in zip(_group_attributes(ev.G), _group_codes(ev.G, nodes))
                 if attribute == "organisation"]
        X = _pair_features(k, common, codes, i, j)
        coef = _logistic(X, y)
        return nodes, index, A, common, k, coef, codes
    return ev.A._once("tie model", fit)


def _entries(M, rows, cols) -> np.ndarray:
    """``M[rows[t], cols[t]]`` for each t as a flat array (scipy gives a sparse matrix for
    some index shapes)."""
    if len(rows) == 0:
        return np.zeros(0)
    values = M[rows, cols]
    return np.asarray(values.toarray() if sp.issparse(values) else values, dtype=float).ravel()


def _pair_features(k, common, codes, i, j):
    """The tie model's features of pairs ``(i[t], j[t])`` (see :func:`_tie_model`)."""
    shared = _entries(common, i, j)
    same = [(code[i] == code[j]) & (code[i] >= 0) for code in codes]
    return np.column_stack([np.ones(len(i)), np.log(k[i] * k[j]), shared == 1, shared == 2, shared >= 3,
                            *same]).astype(float)


def _logistic(X, y, iterations=50):
    """Logistic regression by Newton's method, with a small ridge (0.01) so a class of
    pairs that are all tied, or all untied, keeps a finite coefficient."""
    beta = np.zeros(X.shape[1])
    for _ in range(iterations):
        eta = np.clip(X @ beta, -30, 30)
        mu = 1 / (1 + np.exp(-eta))
        W = mu * (1 - mu)
        gradient = X.T @ (y - mu)
        gradient -= 0.01 * beta
        hessian = (X * W[:, None]).T @ X + 0.01 * np.eye(X.shape[1])
        step = np.linalg.solve(hessian, gradient)
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def _hole_tests(ev: _Evidence, by_attribute: dict) -> list:
    """Every pair of groups tested for a structural hole: ``(attribute, group, group,
    size, size, observed ties, expected ties, p)`` (see :func:`structural_holes_between_groups`)."""
    nodes, index, A, common, k, coef, codes = _tie_model(ev)
    rows = []
    for attribute in _group_attributes(ev.G):
        groups = {g: [index[x] for x in ms] for g, ms in by_attribute[attribute].items() if len(ms) >= 2}
        if len(groups) < 2:
            continue
        names = sorted(groups, key=str)
        expected, log_none, observed = _between_groups(ev, [groups[g] for g in names])
        for a, g in enumerate(names):
            for b in range(a + 1, len(names)):
                h = names[b]
                obs, exp_ = int(observed[a, b]), float(expected[a, b])
                if obs >= exp_:
                    p = 1.0
                elif obs == 0:
                    p = math.exp(log_none[a, b])        # P(no tie) = product of (1 - p_ij)
                else:
                    p = _gap_p_value(k, common, coef, codes, groups[g], groups[h], obs, exp_)
                rows.append((attribute, g, h, len(groups[g]), len(groups[h]), obs, exp_, p))
    return rows


def structural_holes_between_groups(ev: _Evidence) -> list:
    """Pairs of groups (sectors; organisations at actor level) with far fewer ties between
    them than their actors' connections predict.

    Null model: each pair of actors is tied independently with the probability a logistic
    model gives from how connected both are and how many partners they share (fitted on
    the whole partnership, see :func:`_tie_model`): pairs with many partners in common
    are usually tied, so their absence is strong evidence.  The ties between two groups
    are then a sum of independent trials; p = P(X <= observed), exact (Poisson-binomial).
    Tested: pairs of groups of two or more actors with ties; sectors and organisations are
    two families, each with its own false-discovery control.  Effect: ``1 - observed /
    expected``.
    """
    G, t = ev.G, ev.t
    if G.number_of_edges() == 0 or sum(1 for x in G if G.degree(x) > 0) < 4:
        return []
    nodes, index, A, common, k, coef, codes = _tie_model(ev)
    programmes_of = _actor_programmes(G)
    by_attribute = {attribute: _groups(G, attribute) for attribute in _group_attributes(G)}
    # The tests do not depend on the false-discovery rate: kept in the Analysis, so a
    # second diagnosis at another rate (compare's lenient one) does not redo them.
    rows = ev.A._once("structural hole tests", lambda: _hole_tests(ev, by_attribute))
    if not rows:
        return []
    p = np.array([r[7] for r in rows])
    effect = np.array([1 - r[5] / r[6] if r[6] > 0 else 0.0 for r in rows])
    family = np.array([r[0] for r in rows])
    q = np.ones(len(rows))
    tested = np.zeros(len(rows), dtype=int)
    for attribute in set(family):
        members = family == attribute
        q[members] = bh_qvalues(p[members])
        tested[members] = members.sum()
    keep = np.flatnonzero((q <= t.fdr) & (effect > 0))
    found = []
    for i in keep:
        attribute, g, h, size_g, size_h, observed, expected, _ = rows[i]
        label_g, label_h = _group_label(attribute, g), _group_label(attribute, h)
        members_g, members_h = by_attribute[attribute][g], by_attribute[attribute][h]
        block = common[np.ix_([index[x] for x in members_g], [index[y] for y in members_h])].toarray()
        best_pair = np.unravel_index(int(block.argmax()), block.shape)
        closest = (int(block[best_pair]), str(members_g[best_pair[0]]), str(members_h[best_pair[1]]))
        shared = sorted(set().union(*(programmes_of[x] for x in members_g))
                        & set().union(*(programmes_of[x] for x in members_h)))
        found.append(_finding(
            "structural_hole", [label_g, label_h],
            f"{label_g} ({_n(size_g, 'actor')}) and {label_h} ({_n(size_h, 'actor')}) have "
            f"{'no tie' if observed == 0 else _n(observed, 'tie')} between them, where about {expected:.1f} would "
            f"be expected from how connected their actors are and the partners they share"
            + (f" ({closest[1]} and {closest[2]} share {closest[0]})" if closest[0] >= 2 else "")
            + (f"; both work on {_listing(shared)}." if shared else "."),
            f"Hold a joint session for {label_g} and {label_h}"
            + (f" on {shared[0]}" if shared else "") + " and agree one piece of work to share.",
            observed / expected if expected else 1.0, "observed / expected ties", group=attribute,
            expected=expected, observed=observed, p=p[i], q=q[i], tested=tested[i], effect=effect[i],
            _sides=(frozenset(members_g), frozenset(members_h))))
    return found


def _percent(share) -> str:
    """A share as people write it: '12%', '0.4%' (no false zero for small shares)."""
    value = 100 * share
    return f"{value:.0f}%" if value >= 10 or value == 0 else f"{value:.1g}%"


def _listing(items) -> str:
    """'a', 'a and b', 'a, b and c'."""
    items = [str(x) for x in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _tie_probabilities(k, common, coef, codes, rows) -> np.ndarray:
    """The tie model's probability for every pair (row actor, any actor), ``len(rows) x n``;
    0 on the row actor's own column."""
    shared = common[rows].toarray()
    eta = coef[0] + coef[1] * np.log(np.outer(k[rows], k))
    eta += coef[2] * (shared == 1) + coef[3] * (shared == 2) + coef[4] * (shared >= 3)
    for b, code in zip(coef[5:], codes):
        eta += b * ((code[rows][:, None] == code[None, :]) & (code[None, :] >= 0))
    prob = 1 / (1 + np.exp(-np.clip(eta, -30, 30)))
    prob[np.arange(len(rows)), rows] = 0.0
    return prob


def _between_groups(ev: _Evidence, groups: list) -> tuple:
    """For every pair of groups (lists of actor indices): the expected ties between them
    under the tie model, the log-probability of none, and the ties observed; one pass over
    the actors in chunks (``M^T P M`` with ``M`` the actor-to-group indicator)."""
    nodes, index, A, common, k, coef, codes = _tie_model(ev)
    n, size = len(nodes), len(groups)
    member = np.full(n, -1)
    for g, actors in enumerate(groups):
        member[actors] = g
    M = sp.csr_matrix((np.ones((member >= 0).sum()), (np.flatnonzero(member >= 0), member[member >= 0])),
                      shape=(n, size))
    expected, log_none = np.zeros((size, size)), np.zeros((size, size))
    grouped = np.flatnonzero(member >= 0)
    chunk = max(1, 2_000_000 // max(n, 1))
    for start in range(0, len(grouped), chunk):
        rows = grouped[start:start + chunk]
        prob = _tie_probabilities(k, common, coef, codes, rows)
        left = M[rows].T
        expected += left @ (M.T @ prob.T).T
        log_none += left @ (M.T @ np.log1p(-np.minimum(prob, 1 - 1e-12)).T).T
    observed = (M.T @ A @ M).toarray()
    return expected, log_none, observed


def _gap_p_value(k, common, coef, codes, group_g, group_h, observed, expected) -> float:
    """P(X <= observed) for the ties between two groups: exact (Poisson-binomial), or a
    normal approximation when the groups are very large and far from a gap."""
    i, j = np.meshgrid(group_g, group_h, indexing="ij")
    i, j = i.ravel(), j.ravel()
    prob = 1 / (1 + np.exp(-np.clip(_pair_features(k, common, codes, i, j) @ coef, -30, 30)))
    if len(prob) * (observed + 1) <= 5_000_000:
        return poisson_binomial_cdf(observed, prob)
    from scipy.special import ndtr
    sd = math.sqrt(float((prob * (1 - prob)).sum())) or 1.0
    return float(ndtr((observed + 0.5 - expected) / sd))


def _actor_programmes(G) -> dict:
    out = defaultdict(set)
    for u, v, d in G.edges(data=True):
        for p in filter(None, str(d.get("programmes", "")).split(";")):
            out[u].add(p)
            out[v].add(p)
    return out


def _group_codes(G, nodes) -> list:
    """For each grouping of :func:`_group_attributes`, every actor's group as an integer
    code, -1 for an actor in no group (it shares a group with nobody)."""
    codes = []
    for attribute in _group_attributes(G):
        labels = np.array([str(G.nodes[x].get(attribute) or "") for x in nodes], dtype=object)
        values, code = np.unique(labels, return_inverse=True)
        codes.append(np.where(values[code] == "", -1, code))
    return codes


def _shared_by_block(G, nodes, A, rows, cols, counts) -> np.ndarray:
    """For each pair, the partners the two share, split by the blocks of
    :func:`_pair_blocks` (``pairs x blocks``): every shared partner is met once, as a wedge
    ``i - m - j`` of the graph, and counted in the block its groups put it in."""
    codes = _group_codes(G, nodes)
    n, blocks = len(nodes), 2 ** len(codes)
    key = rows.astype(np.int64) * n + cols                      # rows < cols
    order = np.argsort(key)
    sorted_key = key[order]
    out = np.zeros((len(rows), blocks))
    A = sp.csr_matrix(A)
    for m in range(n):
        partners = A.indices[A.indptr[m]:A.indptr[m + 1]]
        if len(partners) < 2:
            continue
        a, b = np.triu_indices(len(partners), 1)
        i, j = np.minimum(partners[a], partners[b]), np.maximum(partners[a], partners[b])
        block = np.zeros(len(i), dtype=int)
        for bit, code in enumerate(codes):
            block |= ((code[m] >= 0) & ((code[i] == code[m]) | (code[j] == code[m]))).astype(int) << bit
        inside = block > 0                      # the rest (block 0) is what is left of the count
        if not inside.any():
            continue
        wanted = i[inside].astype(np.int64) * n + j[inside]
        at = np.searchsorted(sorted_key, wanted)
        hit = (at < len(sorted_key)) & (sorted_key[np.minimum(at, len(sorted_key) - 1)] == wanted)
        np.add.at(out, (order[at[hit]], block[inside][hit]), 1)
    out[:, 0] = counts - out[:, 1:].sum(axis=1)
    return out


def _pair_blocks(G, nodes, A, rows, cols) -> tuple:
    """For each pair ``(rows[t], cols[t])`` of actors (indices into ``nodes``), the other
    actors split by the pair's own groups: whether each shares an organisation with either
    of the two, and whether it shares a sector with either (the groupings of
    :func:`_group_attributes`; 2 x 2 blocks at actor level, 2 at organisation level).
    Returns ``(population, partners of the first, partners of the second)``, each ``pairs
    x blocks`` (block ``b`` holds the actors in the pair's groups of the attributes whose
    bit is set in ``b``): the actors with ties in each block, the pair itself left out,
    and how many of them each of the two has as partners."""
    attributes = _group_attributes(G)
    n, pairs = len(nodes), len(rows)
    codes = _group_codes(G, nodes)
    if len(attributes) == 2:                                         # the organisation-and-sector groups
        combined = np.where((codes[0] >= 0) & (codes[1] >= 0), codes[0] * (codes[1].max() + 1) + codes[1], -1)
        _, joint = np.unique(combined, return_inverse=True)
        codes.append(np.where(combined >= 0, joint, -1))

    def in_groups(code, actor_groups):
        """Per pair: actors with ties, and partners of each of the two, in any of the groups
        ``actor_groups`` (arrays of group codes, -1 for none), each group counted once."""
        present = code >= 0
        M = sp.csr_matrix((np.ones(present.sum()), (np.flatnonzero(present), code[present])),
                          shape=(n, int(code.max()) + 1 if present.any() else 1))
        size = np.asarray(M.sum(axis=0)).ravel()
        D = (A @ M).tocsr()
        population, first, second = np.zeros(pairs), np.zeros(pairs), np.zeros(pairs)
        seen = []
        for groups in actor_groups:
            new = groups >= 0
            for earlier in seen:
                new &= groups != earlier
            seen.append(groups)
            g = np.where(new, groups, 0)
            population += np.where(new, size[g], 0)
            first += np.where(new, _entries(D, rows, g), 0)
            second += np.where(new, _entries(D, cols, g), 0)
        return population, first, second

    per = [in_groups(code, (code[rows], code[cols])) for code in codes[:len(attributes)]]
    degree = np.asarray(A.sum(axis=1), dtype=float).ravel()
    totals = (np.full(pairs, float(n)), degree[rows], degree[cols])
    if len(attributes) == 1:
        union = per[0]
        blocks = [tuple(t - u for t, u in zip(totals, union)), union]
    else:
        # Actors in both unions: in a group of one attribute and of the other, each (org,
        # sector) group met at most once over the four combinations of the pair's groups.
        org, sector, joint_code = codes
        _, first_of = np.unique(joint_code, return_index=True)       # one actor per group
        first_of = first_of[joint_code[first_of] >= 0]
        lookup = sp.csr_matrix((joint_code[first_of] + 1.0, (org[first_of], sector[first_of])),
                               shape=(int(org.max()) + 1, int(sector.max()) + 1)) if len(first_of) else None

        def joint_of(o, sc):
            """The (organisation, sector) group of each pair of codes, -1 where there is none."""
            if lookup is None:
                return np.full(len(o), -1)
            ok = (o >= 0) & (sc >= 0)
            return np.where(ok, _entries(lookup, np.where(ok, o, 0), np.where(ok, sc, 0)) - 1, -1).astype(int)
        combos = (joint_of(org[rows], sector[rows]), joint_of(org[rows], sector[cols]),
                  joint_of(org[cols], sector[rows]), joint_of(org[cols], sector[cols]))
        both = in_groups(joint_code, combos)
        org_only = tuple(u - b for u, b in zip(per[0], both))
        sector_only = tuple(u - b for u, b in zip(per[1], both))
        rest = tuple(t - o - s_ - b for t, o, s_, b in zip(totals, org_only, sector_only, both))
        blocks = [rest, org_only, sector_only, both]
    population, first, second = (np.column_stack([block[part] for block in blocks]) for part in range(3))
    # The pair is not among its own candidates: each sits in the block of its own groups.
    for x in (rows, cols):
        own = sum((code[x] >= 0).astype(int) << bit for bit, code in enumerate(codes[:len(attributes)]))
        population[np.arange(pairs), own] -= 1
    return population, first, second


def _shared_beyond_groups(G, nodes, A, rows, cols, counts) -> np.ndarray:
    """Whether two actors share more partners than their own groups explain.

    The other actors are split by the pair's groups (:func:`_pair_blocks`: in the
    organisation of either or not, in the sector of either or not).  Null model: inside
    each block, each actor's partners are drawn at random from the actors with ties there,
    as many as it has there, so the partners two teams of one trust, or two councils,
    share among their own are weighed against how few actors there are to choose from.
    Each block where both have partners gives a hypergeometric p = P(X >= shared there);
    the blocks' p-values are combined by Fisher's method (conservative with counts).  In
    a partnership with strong clusters and nothing else wrong, the test on all partners at
    once flagged 3 to 7 pairs; this one, none.  Returns p for each pair."""
    from scipy.stats import chi2
    population, first, second = _pair_blocks(G, nodes, A, rows, cols)
    shared = _shared_by_block(G, nodes, A, rows, cols, counts)
    informative = (first > 0) & (second > 0)
    p_block = np.ones_like(shared)
    p_block[informative] = hypergeometric_sf(shared[informative], population[informative], first[informative],
                                             second[informative])
    statistic = -2 * np.log(np.maximum(p_block, 1e-300)).sum(axis=1)
    degrees = 2 * informative.sum(axis=1)
    p = np.where(degrees > 0, chi2.sf(statistic, np.maximum(degrees, 1)), 1.0)
    return p


def _introduction_tests(ev: _Evidence):
    """Every unlinked pair sharing a partner, tested (see :func:`missing_links`): ``(rows,
    cols, shared, p, effect, peer family, q, tested, common, programmes)``; None without any."""
    G = ev.G
    nodes, _, A, common, k = ev.A.shared_partners
    common = sp.triu(common, k=1).tocsr()
    rows, cols = common.nonzero()
    counts = _entries(common, rows, cols)
    unlinked = _entries(A, rows, cols) == 0
    rows, cols, counts = rows[unlinked], cols[unlinked], counts[unlinked]
    if len(rows) == 0:
        return None
    p = _shared_beyond_groups(G, nodes, A, rows, cols, counts)
    effect = counts / np.minimum(k[rows], k[cols])
    programmes_of = _actor_programmes(G)
    # Family sizes count every unlinked pair of the family, those sharing no partner too.
    peer = _peer_family(G, nodes, programmes_of)
    in_family = np.array([peer(nodes[r], nodes[c]) for r, c in zip(rows, cols)], dtype=bool)
    peers_tested, others_tested = _family_sizes(G, nodes, peer)
    q = np.ones(len(rows))
    tested = np.zeros(len(rows), dtype=int)
    for family, size in ((in_family, peers_tested), (~in_family, others_tested)):
        if family.any():
            q[family] = bh_qvalues(p[family], tested=size)
            tested[family] = size
    return rows, cols, counts, p, effect, in_family, q, tested, common, programmes_of


def missing_links(ev: _Evidence) -> list:
    """Introductions to make: actors who share far more partners than chance gives, yet
    have no contact.

    Null model (:func:`_shared_beyond_groups`): inside each block of the other actors
    (those in the organisation of either of the two or not, in the sector of either or
    not), each actor's partners there are drawn at random from the actors with ties there;
    the number they share there is hypergeometric, and the blocks' p-values are combined
    by Fisher's method.  Partners two colleagues share because they are colleagues are
    then expected.  Tested: every unlinked pair of actors with ties (those sharing no
    partner have p = 1), in two families with their own false-discovery control: peers (same kind
    and sector) who work on a common programme, the introductions a facilitator looks for
    first, and all other pairs.  Context sets the family; it never replaces the test.
    Effect: shared partners / the smaller partner list.  Sentences name the shared
    partners and the programmes both work on.
    """
    G, t = ev.G, ev.t
    nodes, _, A, common, k = ev.A.shared_partners
    n = len(nodes)
    if n < 4:
        return []
    # The tests do not depend on the false-discovery rate: kept in the Analysis (see
    # structural_holes_between_groups).
    tests = ev.A._once("introduction tests", lambda: _introduction_tests(ev))
    if tests is None:
        return []
    rows, cols, counts, p, effect, in_family, q, tested, common, programmes_of = tests
    keep = np.flatnonzero((q <= t.fdr) & (effect > 0))
    strength = dict(G.degree(weight="weight")) if len(keep) else {}
    found = []
    for i in keep:
        a, b = nodes[rows[i]], nodes[cols[i]]
        shared = sorted(set(G[a]) & set(G[b]), key=lambda x: (-strength[x], str(x)))
        programmes = sorted(programmes_of[a] & programmes_of[b])
        c = len(shared)
        listed = ", ".join(map(str, shared[:5])) + (f" and {c - 5} more" if c > 5 else "")
        found.append(_finding(
            "missing_link", [a, b],
            f"{a} and {b} both work with {listed} ({c} of "
            + (f"the {int(k[rows[i]])} partners of each)" if k[rows[i]] == k[cols[i]]
               else f"their {int(k[rows[i]])} and {int(k[cols[i]])} partners)")
            + (f" on {_listing(programmes)}" if programmes else "")
            + ", but have no recorded contact with each other.",
            f"Introduce {a} and {b}" + (f" through the {programmes[0]} programme" if programmes else "")
            + ": they have partners and likely problems in common.",
            c, "shared partners", common_partners=c, peers_on_a_programme=bool(in_family[i]), _pair=(a, b),
            p=p[i], q=q[i], tested=tested[i], effect=effect[i]))
    return found


def _peer_family(G, nodes, programmes_of):
    """Whether two actors are peers (same kind and sector) working on a common programme."""
    def peer(a, b):
        da, db = G.nodes[a], G.nodes[b]
        return (da.get("kind", "") == db.get("kind", "") and (da.get("sector") or "") == (db.get("sector") or "")
                and bool(programmes_of[a] & programmes_of[b]))
    return peer


def _family_sizes(G, nodes, peer) -> tuple:
    """Unlinked pairs among ``nodes`` that are peers on a programme, and all the others."""
    total = len(nodes) * (len(nodes) - 1) // 2 - G.subgraph(nodes).number_of_edges()
    by_kind = defaultdict(list)
    for x in nodes:
        by_kind[(G.nodes[x].get("kind", ""), G.nodes[x].get("sector") or "")].append(x)
    peers = 0
    for members in by_kind.values():
        for a_i, a in enumerate(members):
            for b in members[a_i + 1:]:
                if not G.has_edge(a, b) and peer(a, b):
                    peers += 1
    return peers, total - peers


# ---------------------------------------------------------------------------
# The diagnosis
# ---------------------------------------------------------------------------

# The order findings are listed in within one severity; detectors are independent of it.
from .trust import low_trust_ties, perception_gaps  # noqa: E402  (with a survey; they use the helpers above)

_DETECTORS = [isolates, decayed_ties, cut_off_groups, one_sided_ties, strained_ties, silos,
              structural_holes_between_groups, missing_links, low_trust_ties, perception_gaps]

# Findings enter the table in this order before the sort by severity (it settles the order
# of the kind-specific columns and of exact ties in severity, kind and actors).
_LISTING_ORDER = ("isolate", "decayed_tie", "bridge", "broker", "one_sided", "strained_tie", "silo",
                  "structural_hole", "weak_tie", "missing_link", "low_trust", "perception_gap")


def detect(analysis, thresholds: Thresholds | None = None) -> dict:
    """Every finding of every kind, before ranking: ``{kind: [finding, ...]}``.

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
        _introductions_as_gaps(found, evidence)
        return _without_repeats(found)

    return analysis._once(("findings", thresholds), run)


def _introductions_as_gaps(found: dict, ev: _Evidence) -> None:
    """Introductions that cross between the same two groups are one gap between them.

    When three or more of the introductions to make (each significant on its own, see
    :func:`missing_links`) join two or more actors of one group to two or more of another,
    and no tie joins those actors, that is a gap between the groups: one
    ``structural_hole`` finding with the pairs as evidence (``p_value``/``q_value``: the
    smallest of its pairs'), and the pairs are not listed again one by one.  Where the
    groups' gap is already a finding of its own, the pairs are folded into it.
    """
    G = ev.G
    for attribute in _group_attributes(G):
        clusters = defaultdict(list)
        for f in found["missing_link"]:
            a, b = f["_pair"]
            ga, gb = G.nodes[a].get(attribute), G.nodes[b].get(attribute)
            if ga and gb and ga != gb:
                clusters[tuple(sorted((ga, gb), key=str))].append(f)
        for (g, h), pairs in sorted(clusters.items(), key=lambda kv: str(kv[0])):
            side_g = {x for f in pairs for x in f["_pair"] if G.nodes[x].get(attribute) == g}
            side_h = {x for f in pairs for x in f["_pair"] if G.nodes[x].get(attribute) == h}
            if len(pairs) < 3 or len(side_g) < 2 or len(side_h) < 2:
                continue
            label_g, label_h = _group_label(attribute, g), _group_label(attribute, h)
            if any({label_g, label_h} == set(f["actors"].split(";")) for f in found["structural_hole"]):
                continue        # already a gap of its own: _without_repeats folds the pairs in
            between = sum(1 for x in side_g for y in side_h if G.has_edge(x, y))
            best = min(pairs, key=lambda f: (f["q_value"], f["actors"]))
            example = max(pairs, key=lambda f: (f["common_partners"], f["actors"]))
            found["structural_hole"].append(_finding(
                "structural_hole", [label_g, label_h],
                f"{_n(len(side_g), 'actor')} of {label_g} ({_listing(sorted(map(str, side_g)))}) and "
                f"{_n(len(side_h), 'actor')} of {label_h} ({_listing(sorted(map(str, side_h)))}) share far more "
                f"partners than chance gives ({example['_pair'][0]} and {example['_pair'][1]} share "
                f"{example['common_partners']}), yet have {'no tie' if not between else _n(between, 'tie')} "
                f"between them: {_n(len(pairs), 'introduction')} to make.",
                f"Hold a joint session for {label_g} and {label_h} around the partners they share, and agree "
                "one piece of work to share.",
                len(pairs), "introductions between the groups", group=attribute, observed=between,
                expected=np.nan, p=best["p_value"], q=best["q_value"], tested=best["tested"],
                effect=1 - between / (len(side_g) * len(side_h)),
                _sides=(frozenset(side_g), frozenset(side_h))))


def _without_repeats(found: dict) -> dict:
    """Say each fact once.

    - A tie reported as decayed, as a bridge or as an actor's only (weak) link is not
      reported again under another kind (the most severe finding on it stays); the ties
      of an all-but-isolated actor are told in its isolate finding.
    - Introductions between the two sides of a gap between groups are that gap: the
      structural-hole finding names them, they are not listed again one pair at a time.

    A group behind a bridge that is also a silo keeps both findings: one says the group
    keeps to itself, the other which single tie it hangs on.
    """
    best = {}
    for kind in ("isolate", "decayed_tie", "bridge", "weak_tie"):
        for f in found[kind]:
            for pair in f.get("_covers", ()):
                if pair not in best or f["severity"] > best[pair]["severity"]:
                    best[pair] = f
    for kind in ("decayed_tie", "bridge", "weak_tie"):
        found[kind] = [f for f in found[kind] if all(best[pair] is f for pair in f.get("_covers", ()))]
    gaps = [f["_sides"] for f in found["structural_hole"]]
    found["missing_link"] = [f for f in found["missing_link"]
                             if not any((f["_pair"][0] in g and f["_pair"][1] in h) or (f["_pair"][0] in h and f["_pair"][1] in g)
                                        for g, h in gaps)]
    return found


def find_barriers(G, *, thresholds: Thresholds | None = None, kinds=None, programme=None,
                  organisation=None, seed: int = 0, **threshold_changes) -> pd.DataFrame:
    """Diagnose the barriers to collaboration in a stakeholder graph, each tested against chance.

    Parameters
    ----------
    G : networkx.Graph or Analysis
        From :func:`~stakeholder_graph.graph.build_graph` (any undirected graph with
        ``weight`` = strength and ``distance`` = 1/strength works; direction, dates and
        sentiment findings need the tie attributes ``build_graph`` adds), or its
        :func:`~stakeholder_graph.analysis.analyse` (whose measures are then reused, and
        whose seed holds).
    thresholds : Thresholds, optional
        Settings; keyword arguments (``fdr=0.01``) change single ones.
    kinds : list of str, optional
        Only these kinds (see :data:`BARRIER_KINDS`).
    programme : str, optional
        Diagnose only the ties of this programme (and the actors they join).
    organisation : str, optional
        Keep only findings that involve this organisation or its teams.
    seed : int
        For the silo test's shuffles: the same seed, the same findings.

    Returns
    -------
    DataFrame sorted by ``severity`` (highest first), every finding that passes its test
    (no cap), with columns ``kind``, ``severity`` (evidence x effect, 0-1, see the module
    docstring), ``actors`` (``;``-separated names, or group names), ``explanation`` (one
    sentence whose numbers are counted from the log), ``suggestion``, ``p_value``,
    ``q_value`` (Benjamini-Hochberg within the kind), ``tested`` (candidates of the kind),
    ``effect``, ``evidence`` and ``evidence_name`` (the number the finding rests on),
    ``strength``, ``contacts``, ``last_contact``, ``programmes`` (for tie findings), and
    kind-specific columns (``group``, ``expected``, ``observed``, ``broker``, ``cut_off``,
    ``usual_gap_days``...).
    """
    thresholds = (thresholds or Thresholds()).updated(**threshold_changes)
    if isinstance(kinds, str):
        kinds = [kinds]
    if kinds:
        unknown = set(kinds) - set(BARRIER_KINDS)
        if unknown:
            raise InputError(f"unknown barrier kind '{sorted(unknown)[0]}'; kinds are: {', '.join(BARRIER_KINDS)}")
    A = analysis_of(G, seed)
    if A.graph.is_directed():
        raise InputError("find_barriers takes the undirected stakeholder graph (build_graph's); a directed "
                         "graph's initiations are read from its ties' a_to_b and b_to_a counts")
    if programme:
        A = A._once(("programme view", programme.casefold()),
                    lambda: A.subgraph_analysis(_programme_view(A.graph, programme)))
    found = detect(A, replace(thresholds, max_per_kind=0))
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
