"""Barriers a survey shows and logs alone cannot: regular contact with low trust, and relationships seen differently.

Two detectors, registered in :mod:`stakeholder_graph.barriers` beside the others and run on
the same :class:`~stakeholder_graph.barriers._Evidence`:

- ``low_trust``: a tie with regular logged contact whose partners rate each other's trust
  low.  The contact half is a claim about the log and is tested against chance (with
  Benjamini-Hochberg control across the rated ties); the rating half is what respondents
  said (a tie has one or two raters: there is nothing to test it against) and is stated.
- ``perception_gap``: both partners answered the survey, and one names the other as a
  partner it trusts while the other says it does not work with them, or their trust
  ratings of each other differ by :data:`GAP` or more.  Ratings only: no p-value
  (``p_value`` and ``q_value`` are empty); ``severity`` is the size of the gap.

A pair named in the survey with no logged contact is not a barrier: it is a note about
the data (``G.graph["survey"]["survey_only"]``, listed by validate and the briefing).
Sentences never say which side gave which rating (who rated whom is confidential).
See ``docs/survey.md``.
"""

from __future__ import annotations

import math
from collections import defaultdict

__all__ = ["low_trust_ties", "perception_gaps", "LOW_TRUST", "BELOW_MEAN", "GAP", "RATES_WELL"]

# A tie's trust at or below this (2 = "a small amount" on the 1-4 scale) is low...
LOW_TRUST = 2.0
# ... and so is one this far below the partnership's own mean trust.
BELOW_MEAN = 1.0
# Two sides' trust ratings of each other this far apart are seen differently.
GAP = 1.5
# "Rates it well": trust at or above "a fair amount".
RATES_WELL = 3.0


def _known(x) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


def _days(d) -> float:
    """Days with contact of a tie (events robust to a burst of records of one conversation)."""
    return float(d.get("days", d.get("count", 0)) or 0)


def contact_tests(ev) -> dict:
    """``{(u, v): (p, expected days)}`` for every tie with logged contact: is its contact
    regular, beyond what chance gives?

    Null model (the configuration model of :func:`~stakeholder_graph.barriers.cut_off_groups`,
    on days with contact): the partnership's days with contact are spread over pairs in
    proportion to how active both actors are, ``E = D_u D_v / 2T`` (``D`` an actor's days
    with contact over its ties, ``T`` the ties' total), with the partnership's own
    overdispersion (:func:`~stakeholder_graph.barriers._dispersion`); p = P(X >= days |
    X >= 1) for X negative binomial with mean E: the candidates are ties (pairs with
    contact at all), so the null is conditioned on one day at least, and a single contact
    is never regular (p = 1).  A tie the decay test finds silent
    (:func:`~stakeholder_graph.barriers.decayed_ties`) has no regular contact now: p = 1.
    """
    from .barriers import _dispersion, decayed_ties
    from .chance import nb_cdf

    def run():
        logged = [(u, v, d) for u, v, d in ev.edges if d.get("count", 0) > 0]
        per_actor = defaultdict(float)
        for u, v, d in logged:
            per_actor[u] += _days(d)
            per_actor[v] += _days(d)
        total = sum(_days(d) for _, _, d in logged)
        alpha = _dispersion(ev)
        silent = {pair for f in decayed_ties(ev) for pair in f.get("_covers", ())}
        out = {}
        for u, v, d in logged:
            expected = per_actor[u] * per_actor[v] / (2 * total) if total else 0.0
            days = _days(d)
            if frozenset((u, v)) in silent or days < 1 or expected <= 0:
                out[(u, v)] = (1.0, expected)
            else:
                # P(X >= days | X >= 1): the candidates are ties, pairs with contact at all, so
                # the null is conditioned on one day at least (a single contact is never regular).
                at_least_one = 1.0 - nb_cdf(0, expected, alpha)
                beyond = 1.0 - nb_cdf(days - 1, expected, alpha)
                out[(u, v)] = (min(1.0, max(0.0, beyond / at_least_one)) if at_least_one > 0 else 1.0, expected)
        return out
    return ev.A._once(("survey contact tests", ev.t.fdr), run)


def low_trust_ties(ev) -> list:
    """Ties with regular logged contact whose partners rate each other's trust low.

    Candidates: ties with logged contact and a trust score from the survey.  The contact
    half is tested (:func:`contact_tests`); Benjamini-Hochberg across the candidates.  The
    rating half is stated: the tie's trust (mean of the directions rated) is at most
    :data:`LOW_TRUST` (2, "a small amount") or at least :data:`BELOW_MEAN` (1) below the
    partnership's mean trust.  Effect: ``(3.5 - trust) / 1.5``, capped at 1 (full at 2).
    """
    from .barriers import _contacts_phrase, _finding, _n, _passing
    from ._format import day as _day
    from .survey import survey_summary
    G, t = ev.G, ev.t
    if not G.graph.get("survey"):
        return []
    mean_trust = survey_summary(G)["trust"]
    tests = contact_tests(ev)
    rows = [(u, v, d) for u, v, d in ev.edges if d.get("count", 0) > 0 and _known(d.get("trust"))]
    if not rows:
        return []
    p = [tests[(u, v)][0] for u, v, _ in rows]
    low = [d["trust"] <= LOW_TRUST or (_known(mean_trust) and d["trust"] <= mean_trust - BELOW_MEAN)
           for *_, d in rows]
    effect = [min(1.0, max(0.05, (3.5 - d["trust"]) / 1.5)) if is_low else 0.0
              for (*_, d), is_low in zip(rows, low)]
    q, keep = _passing(p, effect, t.fdr)
    found = []
    for i in keep:
        u, v, d = rows[i]
        a, b = d.get("actor_a", u), d.get("actor_b", v)
        expected = tests[(u, v)][1]
        sides = sum(_known(d.get(k)) for k in ("trust_by_a", "trust_by_b"))
        who = "both sides rated" if sides == 2 else "one side rated"
        found.append(_finding(
            "low_trust", [a, b],
            f"{a} and {b} have regular contact, {_contacts_phrase(int(d['count']), int(d.get('meetings', 0)))} on "
            f"{_n(_days(d), 'day')} from {_day(d.get('first'))} to {_day(d.get('last'))} (about "
            f"{expected:.0f} days would be expected by chance from how active both are), yet their survey "
            f"ratings of each other's trust average {d['trust']:.1f} of 4 ({who}; the partnership's ratings "
            f"average {mean_trust:.1f}).",
            f"Talk to {a} and {b} separately and in confidence about what would let them rely on each other; "
            "agree one commitment each and review it at the next session.",
            d["trust"], "trust (1-4)", tie=d, p=p[i], q=q[i], tested=len(rows), effect=effect[i],
            trust=d["trust"], value=d.get("value", math.nan), partnership_trust=mean_trust,
            expected_days=expected, days_with_contact=_days(d), raters=sides))
    return found


def perception_gaps(ev) -> list:
    """Logged ties whose two partners, both respondents, see the relationship differently.

    Candidates: ties with logged contact both of whose actors answered the survey.  A gap
    is either: one names the other as a partner it works with and rates its trust at
    least :data:`RATES_WELL` (3), while the other says it does not work with them (a "no"
    in ``works_with``: a partner simply not listed may not have been asked about); or both rate the other's trust and the ratings differ by :data:`GAP`
    (1.5) or more.  What respondents said, not an estimate: no p-value; ``severity`` is
    the effect: ``(trust - 1) / 3`` of the side that names the other for the first, the
    difference / 2 (capped at 1) for the second.
    """
    from .barriers import _contacts_phrase, _finding
    from ._format import day as _day
    G = ev.G
    info = G.graph.get("survey")
    if not info:
        return []
    respondents = set(info["respondents"])
    said = {(r.rater, r.ratee): r for r in info["ratings"].itertuples(index=False)}
    rows = [(u, v, d) for u, v, d in ev.edges
            if d.get("count", 0) > 0 and d.get("actor_a", u) in respondents and d.get("actor_b", v) in respondents]
    found = []
    for u, v, d in rows:
        a, b = d.get("actor_a", u), d.get("actor_b", v)
        log = (f"The log holds {_contacts_phrase(int(d['count']), int(d.get('meetings', 0)))} between them, "
               f"the last on {_day(d.get('last'))}.")
        gap = None
        for x, y in ((a, b), (b, a)):
            xy, yx = said.get((x, y)), said.get((y, x))
            # Only a "no" said: a partner not named at all may simply not have been asked about
            # (a team that did not answer, at organisation level a unit of it).
            if xy is not None and xy.named and _known(xy.trust) and xy.trust >= RATES_WELL and \
                    yx is not None and not yx.named:
                gap = ((xy.trust - 1) / 3, f"One of {a} and {b} names the other as a partner and rates its trust "
                                           f"{xy.trust:.1f} of 4; the other says it does not work with them. " + log,
                       "works with", 0.0)
                break
        if gap is None:
            ab, ba = said.get((a, b)), said.get((b, a))
            if ab is not None and ba is not None and _known(ab.trust) and _known(ba.trust) \
                    and abs(ab.trust - ba.trust) >= GAP:
                high, low = max(ab.trust, ba.trust), min(ab.trust, ba.trust)
                gap = (min(1.0, (high - low) / 2),
                       f"{a} and {b} see their relationship differently: one rates the other's trust {high:.1f} "
                       f"of 4, the other {low:.1f} (a gap of {high - low:.1f}). " + log,
                       "trust difference", high - low)
        if gap is None:
            continue
        effect, sentence, what, evidence = gap
        found.append(_finding(
            "perception_gap", [a, b], sentence,
            f"Ask {a} and {b}, separately, what each expects of the other and what it gets; put the two pictures "
            "side by side in the session.",
            evidence, what, tie=d, p=math.nan, q=math.nan, tested=len(rows), effect=effect,
            severity=float(effect), trust=d.get("trust", math.nan), gap=what))
    return found
