"""Relationship quality from a survey joined to the logs: trust and value on ties, and the partnership's scores.

The survey (:func:`~stakeholder_graph.io.survey.read_survey`) holds one rating per
respondent and partner.  Its names are resolved to actors as the logs' are
(:mod:`stakeholder_graph.names`); :func:`attach_survey` then puts, on each tie of the
graph, what each side said of the other and the tie's scores:

- a rating's ``trust`` (``value``) is the mean of the trust (value) items it answered, 1-4;
- ``trust_by_a`` is what ``actor_a`` said of ``actor_b`` (the mean of its ratings of it:
  one at actor level, its teams' at organisation level), ``trust_by_b`` the other way;
- the tie's ``trust`` is the mean of the directions rated (one or two);
- ``survey_reciprocated``: each side names the other as a partner it works with.

Who rated whom is confidential: views and exports show a tie's ``trust`` and ``value``
only where both sides rated it (with one rater the score is that rater's rating), an
organisation's aggregates only from several raters, and the per-direction scores only
when asked to (``show_ratings``; see :func:`shown_scores`).  A pair named in the survey with no logged contact is kept out of the
structural measures (it is listed in ``G.graph["survey"]["survey_only"]``) unless
``include_survey_ties``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .io.survey import ITEMS, wave_order

__all__ = ["resolve_survey", "attach_survey", "survey_summary", "survey_ratings", "percent_of_scale",
           "organisation_scores", "shown_scores", "confidential_ties"]

# The change table's survey measures, as the change briefing names them.
SURVEY_MEASURES = {"trust": "trust (survey: mean rating 1-4, the earlier wave before, the later after)",
                   "value": "value (survey: mean rating 1-4, the earlier wave before, the later after)"}

# An actor's mean rating is shown (map, briefing) only from this many raters: with two,
# either rater could work out the other's rating from the mean.
MIN_RATERS = 3
# What each named side said of the other: who rated whom, shown only when asked
# (``show_ratings``); a tie's own scores (``trust``, ``value``) are means and always shown.
WHO_RATED_WHOM = ("trust_by_a", "trust_by_b", "value_by_a", "value_by_b", "named_by_a", "named_by_b")
SURVEY_EDGE_ATTRIBUTES = ("trust", "value", "trust_by_a", "trust_by_b", "value_by_a", "value_by_b",
                          "named_by_a", "named_by_b", "survey_reciprocated")


def _known(x) -> bool:
    return x is not None and x == x


def shown_scores(d: dict, show_ratings: bool = False) -> dict:
    """A tie's ``trust`` and ``value`` as views and exports may show them: each only where
    both sides rated it (the mean of two raters), or always with ``show_ratings``.  With
    one rater the tie's score IS that rater's rating, which is confidential (docs/survey.md);
    it is then ``nan``.  ``{"trust": ..., "value": ...}``."""
    out = {}
    for score in ("trust", "value"):
        x = d.get(score, float("nan"))
        both = _known(d.get(f"{score}_by_a")) and _known(d.get(f"{score}_by_b"))
        out[score] = x if (show_ratings or both) and _known(x) else float("nan")
    return out


def confidential_ties(ties: pd.DataFrame, show_ratings: bool = False) -> pd.DataFrame:
    """A tie table (:func:`~stakeholder_graph.graph.tie_frame`) as files may show it:
    without ``show_ratings``, who rated whom (:data:`WHO_RATED_WHOM`) left out and a tie's
    ``trust`` / ``value`` blank where only one side rated it (see :func:`shown_scores`)."""
    if show_ratings or "trust" not in ties:
        return ties
    # One rule for every view and file: shown_scores, tie by tie.
    shown = pd.DataFrame([shown_scores(d) for d in ties.to_dict("records")], index=ties.index)
    ties = ties.assign(**{score: shown[score] for score in ("trust", "value") if score in ties})
    return ties.drop(columns=[c for c in WHO_RATED_WHOM if c in ties])


def percent_of_scale(score: float) -> float:
    """A 1-4 score as a percentage of the scale: ``(score - 1) / 3 x 100`` (PARTNER reports
    scores this way: 1 is 0%, 4 is 100%)."""
    return (score - 1) / 3 * 100


def survey_name_columns(survey: pd.DataFrame | None) -> list:
    """The columns of a survey that name actors (for :func:`~stakeholder_graph.names.actor_spellings`)."""
    return [survey["respondent"], survey["partner"]] if survey is not None and len(survey) else []


def resolve_survey(survey: pd.DataFrame | None, spellings: dict) -> tuple:
    """The survey's rows with names resolved to actors (``rater``, ``ratee``): ``(rows,
    merged)``, ``merged`` the rows dropped because both names denote one actor (two
    spellings the registry maps together)."""
    if survey is None:
        return None, 0
    rows = survey.assign(rater=survey["respondent"].map(lambda n: spellings.get(n, n)).astype(object),
                         ratee=survey["partner"].map(lambda n: spellings.get(n, n)).astype(object))
    same = rows["rater"] == rows["ratee"]
    return rows[~same].reset_index(drop=True), int(same.sum())


def _at_level(rows: pd.DataFrame, level: str, organisation_of: dict) -> tuple:
    """The rating rows at ``level`` (names rolled up to organisations at organisation
    level): ``(rows, internal)``, ``internal`` the ratings between teams of one organisation."""
    if level != "organisation":
        return rows, 0
    rows = rows.assign(rater=rows["rater"].map(lambda n: organisation_of.get(n, n)),
                       ratee=rows["ratee"].map(lambda n: organisation_of.get(n, n)))
    inside = rows["rater"] == rows["ratee"]
    return rows[~inside].reset_index(drop=True), int(inside.sum())


def survey_ratings(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per rater and ratee: ``named`` (any of its rows says it works with the
    ratee), ``trust``, ``value`` and the items (means over its rows), ``ratings`` (rows)."""
    columns = ["rater", "ratee", "named", "trust", "value", *ITEMS, "ratings"]
    if rows is None or not len(rows):
        return pd.DataFrame(columns=columns)
    grouped = rows.groupby(["rater", "ratee"], sort=True)
    out = grouped[["trust", "value", *ITEMS]].mean()
    out["named"] = grouped["works_with"].any()
    out["ratings"] = grouped.size()
    return out.reset_index()[columns]


def _mean(*values) -> float:
    known = [v for v in values if v == v]
    return float(np.mean(known)) if known else float("nan")


def attach_survey(G, survey_rows: pd.DataFrame, *, level: str = "actor", organisation_of: dict | None = None,
                  population=None, wave=None, include_survey_ties: bool = False) -> None:
    """Put the survey on ``G`` (in place): tie attributes (see the module docstring) and
    ``G.graph["survey"]``, a dict with ``wave`` (the round used), ``waves`` (all, earliest
    first), ``rows`` (the rating rows used), ``ratings`` (:func:`survey_ratings`),
    ``respondents``, ``population`` (actors the survey went to), ``merged_self`` (ratings
    dropped because both names denote one actor, set by the graph builder), ``survey_only`` (pairs
    one side of which names the other as a partner it works with, with no logged contact;
    a "no" is not a relationship), ``internal`` (ratings inside one
    organisation at organisation level, not used) and ``level``.

    ``wave``: the survey round to use (default the latest; see
    :func:`~stakeholder_graph.io.survey.wave_order`).  ``include_survey_ties``: add the
    survey-only pairs as ties (``count`` 0, ``survey_only`` True, strength that of the
    weakest logged tie, so they take part in the structural measures without outweighing
    any logged relationship).
    """
    waves = wave_order(survey_rows["wave"])
    if wave is None:
        wave = waves[-1] if waves else ""
    elif str(wave) not in waves:
        from .errors import InputError
        raise InputError(f"no survey wave '{wave}'; waves are: {', '.join(waves) or '(none)'}")
    rows = survey_rows[survey_rows["wave"].astype(str) == str(wave)] if waves else survey_rows
    rows, internal = _at_level(rows, level, organisation_of or {})
    ratings = survey_ratings(rows)
    by_pair = {(r.rater, r.ratee): r for r in ratings.itertuples(index=False)}
    nan = float("nan")

    def said(x, y, field):
        r = by_pair.get((x, y))
        return nan if r is None else float(getattr(r, field))

    def named(x, y):
        r = by_pair.get((x, y))
        return nan if r is None else float(bool(r.named))

    # A pair the survey names as working together (a "no" from one side and nothing from the
    # other is not a relationship) that the log never saw.
    survey_only = sorted({tuple(sorted((x, y), key=str)) for (x, y), r in by_pair.items()
                          if r.named and not G.has_edge(x, y)}, key=str)
    if include_survey_ties and survey_only:
        logged = [d.get("weight", 1.0) for _, _, d in G.edges(data=True) if d.get("count", 0) > 0]
        floor = float(min(logged)) if logged else 1.0
        for x, y in survey_only:
            for n in (x, y):
                if n not in G:
                    G.add_node(n, kind="unknown", sector="", parent="", organisation=n)
            G.add_edge(x, y, actor_a=x, actor_b=y, weight=floor, distance=1 / floor, count=0, days=0,
                       meetings=0, a_to_b=0, b_to_a=0, survey_only=True)
    for u, v, d in G.edges(data=True):
        a, b = d.get("actor_a", u), d.get("actor_b", v)
        d["trust_by_a"], d["trust_by_b"] = said(a, b, "trust"), said(b, a, "trust")
        d["value_by_a"], d["value_by_b"] = said(a, b, "value"), said(b, a, "value")
        d["named_by_a"], d["named_by_b"] = named(a, b), named(b, a)
        d["trust"] = _mean(d["trust_by_a"], d["trust_by_b"])
        d["value"] = _mean(d["value_by_a"], d["value_by_b"])
        d["survey_reciprocated"] = bool(d["named_by_a"] == 1.0 and d["named_by_b"] == 1.0)
    respondents = sorted(set(rows["rater"]), key=str)
    if population is None:
        population = sorted(set(rows["rater"]) | set(rows["ratee"]), key=str)
    G.graph["survey"] = {
        "wave": str(wave), "waves": waves, "rows": rows.reset_index(drop=True), "ratings": ratings,
        "respondents": respondents, "population": list(population),
        "survey_only": [] if include_survey_ties else survey_only,
        "survey_ties_added": survey_only if include_survey_ties else [],
        "internal": internal, "level": level,
    }


def answered_by_organisations(rows: pd.DataFrame | None, actors: pd.DataFrame | None, logged: set) -> bool:
    """Whether a survey (rows with names resolved: ``rater``, ``ratee``) was answered at
    organisation level while the logs are at team level: every respondent and partner is an
    organisation (a registry actor at the top of its parent chain), and some pair it names
    has logged contact only between their teams (``logged``: the pairs of actors, as
    frozensets, with logged contact at actor level).  At actor level such a pair would look
    survey-only and its ratings would join no tie."""
    if rows is None or not len(rows) or actors is None:
        return False
    organisations = set(actors.loc[actors["name"] == actors["organisation"], "name"])
    if not (set(rows["rater"]) | set(rows["ratee"])) <= organisations:
        return False
    organisation_of = dict(zip(actors["name"], actors["organisation"]))
    between_organisations = {frozenset(organisation_of.get(x, x) for x in pair) for pair in logged}
    named = {frozenset((x, y)) for x, y in zip(rows["rater"], rows["ratee"])}
    return any(pair not in logged and pair in between_organisations for pair in named)


def level_error(level: str) -> str:
    """The message for an organisation-level survey on a graph at actor level."""
    return ("the survey was answered by organisations (every respondent and partner is an organisation in the "
            f"actor registry) but the graph is at {level} level, where pairs it rates are in contact only through "
            "their teams: analyse at organisation level (--level organisation; build_graph(..., "
            "level='organisation'))")


def survey_population(G, actors: pd.DataFrame | None, rows: pd.DataFrame, level: str) -> list:
    """Who the survey went to, the response rate's denominator: the registry's actors at the
    level the survey was answered at.

    - every respondent an organisation (the top of a parent chain), or the graph at
      organisation level: the registry's organisations (and any respondent's organisation);
    - else (teams answered): the registry's actors that are no one's parent (the teams, and
      the organisations that have no teams), and any respondent not among them (an
      organisation with teams that answered itself).  An organisation whose teams answered
      for it was not asked, so it is not counted;
    - without a registry: every name in the survey.
    """
    if actors is None:
        return sorted(set(rows["rater"]) | set(rows["ratee"]), key=str)
    organisations = set(actors.loc[actors["name"] == actors["organisation"], "name"])
    organisation_of = dict(zip(actors["name"], actors["organisation"]))
    raters = set(rows["rater"])
    if level == "organisation" or raters <= organisations:
        return sorted(organisations | {organisation_of.get(r, r) for r in raters}, key=str)
    # A parent is matched ignoring case, as the registry matches it ("org a" is Org A's).
    parents = {str(p).casefold() for p in actors["parent"] if p is not None and p == p and str(p) != ""} \
        if "parent" in actors else set()
    leaves = {n for n in actors["name"] if str(n).casefold() not in parents}
    return sorted(leaves | raters, key=str)


def survey_summary(G) -> dict:
    """The partnership's survey scores (``{}`` without a survey):

    - ``trust``, ``value``: the mean over all ratings (respondent-partner rows of the wave
      used, at the graph's level) of each rating's item mean, 1-4;
    - ``trust_percent``, ``value_percent``: the same as ``(mean - 1) / 3 x 100``;
    - ``survey_response_rate``: respondents / actors the survey went to, at the level it was
      answered at (:func:`survey_population`: the registry's organisations when
      organisations answered; when teams answered, the registry's actors that are no one's
      parent, i.e. the teams and the organisations without teams; without a registry,
      every name in the survey);
    - ``survey_respondents``, ``survey_ratings``, ``survey_wave``, ``survey_only_pairs``.
    """
    info = G.graph.get("survey")
    if not info:
        return {}
    rows = info["rows"]
    trust = rows["trust"].dropna()
    value = rows["value"].dropna()
    t = float(trust.mean()) if len(trust) else float("nan")
    v = float(value.mean()) if len(value) else float("nan")
    return {
        "trust": t, "value": v, "trust_percent": percent_of_scale(t), "value_percent": percent_of_scale(v),
        "survey_response_rate": len(info["respondents"]) / len(info["population"]) if info["population"] else float("nan"),
        "survey_respondents": len(info["respondents"]), "survey_ratings": int(len(rows)),
        "survey_wave": info["wave"], "survey_only_pairs": len(info["survey_only"]),
    }


def organisation_scores(G) -> pd.DataFrame:
    """Per actor (organisation at organisation level): the mean trust and value its
    partners gave it (``trust_received``, ``value_received``; ``raters`` who named it,
    ``trust_raters`` and ``value_raters`` who answered each score) and the mean it gave
    them (``trust_given``): aggregates, not any one respondent's ratings."""
    info = G.graph.get("survey")
    if not info or not len(info["ratings"]):
        return pd.DataFrame(columns=["trust_received", "value_received", "raters", "trust_raters", "value_raters",
                                     "trust_given"])
    r = info["ratings"]
    named = r[r["named"]]
    # Raters counted per score, among the rows that answered it: a row that rated trust only
    # is no rater of value (else one rater's value could pass for a mean of three).
    trust_raters = named[named["trust"].notna()].groupby("ratee")["rater"].nunique().rename("trust_raters")
    value_raters = named[named["value"].notna()].groupby("ratee")["rater"].nunique().rename("value_raters")
    received = named.groupby("ratee").agg(trust_received=("trust", "mean"), value_received=("value", "mean"),
                                          raters=("rater", "nunique"))
    received = received.join(trust_raters).join(value_raters).fillna({"trust_raters": 0, "value_raters": 0})
    given = named.groupby("rater").agg(trust_given=("trust", "mean"))
    out = received.join(given, how="outer")
    out.index.name = "actor"
    return out.sort_index()


def enough_raters(scores: pd.DataFrame) -> pd.Series:
    """Which actors of :func:`organisation_scores` views may show: rated on trust and on
    value by :data:`MIN_RATERS` partners or more each (fewer, and a rater could work out
    another's rating from the mean)."""
    return (scores["trust_raters"] >= MIN_RATERS) & (scores["value_raters"] >= MIN_RATERS)


def logged_pairs(inputs) -> set:
    """Pairs of actors (frozensets, names resolved) the inputs' logs saw in contact,
    directly or at a shared meeting."""
    spell = inputs._spellings
    name = lambda n: spell.get(n, n)  # noqa: E731
    logged = set()
    if inputs.interactions is not None and len(inputs.interactions):
        if hasattr(inputs.interactions, "to_dask"):          # a log read by the Dask engine: pairs only come home
            pairs = inputs.interactions.to_dask()[["source", "target"]].astype(str).drop_duplicates().compute()
        else:
            pairs = inputs.interactions[["source", "target"]].astype(str).drop_duplicates()
        logged |= {frozenset((name(a), name(b))) for a, b in pairs.itertuples(index=False)}
    if inputs.meetings is not None and len(inputs.meetings):
        meetings = inputs.meetings
        if hasattr(meetings, "to_dask"):
            meetings = meetings.to_dask()[["event", "date", "participant"]].compute()
        register = meetings.assign(participant=meetings["participant"].astype(str).map(name))
        for _, people in register.groupby(["event", "date"], observed=True)["participant"]:
            people = sorted(set(people))
            logged |= {frozenset((a, b)) for i, a in enumerate(people) for b in people[i + 1:]}
    return logged


def survey_only_pairs(inputs) -> list:
    """Pairs of actors (at actor level, or at organisation level for a survey
    :func:`answered_by_organisations`; any wave) that the survey names as working together
    (a row with ``works_with`` yes) and the logs never saw in contact, neither directly nor
    at a shared meeting: ``[(a, b), ...]``, sorted.
    ``inputs`` is :func:`~stakeholder_graph.io.readers.read_inputs`' result (names resolved
    as the logs' are)."""
    if inputs.survey is None or not len(inputs.survey):
        return []
    logged = logged_pairs(inputs)
    rows, _ = resolve_survey(inputs.survey, inputs._spellings)
    rows = rows[rows["works_with"].astype(bool)]      # "does not work with them" names no relationship
    if answered_by_organisations(rows, inputs.actors, logged):
        # An organisation-level survey: the logs' teams count as their organisations.
        organisation_of = dict(zip(inputs.actors["name"], inputs.actors["organisation"]))
        logged = {frozenset(organisation_of.get(x, x) for x in pair) for pair in logged}
    named = {frozenset((a, b)) for a, b in zip(rows["rater"], rows["ratee"])}
    return sorted((tuple(sorted(p, key=str)) for p in named - logged), key=str)


def wave_change_rows(before, after, fdr: float = 0.05) -> list:
    """The change table's ``measure`` rows for the survey (``trust`` and ``value``): the
    partnership's score in the earlier wave (``before``, the before period's graph) and in
    the later one (``after``).

    Test: the ratings given in both waves (the same respondent of the same partner) are
    paired, and a Wilcoxon signed-rank test (two-sided; zero differences dropped) asks
    whether they moved beyond chance; the two measures' p-values are adjusted together
    (Benjamini-Hochberg).  ``change`` is ``up`` or ``down`` (the sign of the paired
    ratings' signed-rank sum) when ``q <= fdr``, else
    ``unchanged``; with one wave (or no pair rated in both) the rows say so and name no
    change.  The scores shown are each wave's mean over all its ratings (as
    :func:`survey_summary`), which may include partners rated in one wave only.
    """
    from .chance import bh_qvalues
    b_info, a_info = before.graph.get("survey"), after.graph.get("survey")
    if not b_info or not a_info:
        return []
    rows = []
    same = b_info["wave"] == a_info["wave"]
    b_rows, a_rows = b_info["rows"], a_info["rows"]
    paired = (survey_ratings(b_rows).merge(survey_ratings(a_rows), on=["rater", "ratee"], suffixes=("_b", "_a"))
              if not same else None)
    p_values = []
    for score in ("trust", "value"):
        b_mean, a_mean = b_rows[score].dropna().mean(), a_rows[score].dropna().mean()
        label = f"{score.capitalize()} (survey, 1-4)"
        row = {"section": "measure", "kind": score, "actors": "", "before": float(b_mean), "after": float(a_mean),
               "change": "", "p_value": float("nan"), "q_value": float("nan")}
        if same:
            row["explanation"] = (f"{label}: {b_mean:.2f} in the one survey wave ({b_info['wave'] or 'no wave column'}); "
                                  "a second wave is needed to compare before and after.")
            rows.append(row)
            p_values.append(float("nan"))
            continue
        pairs = paired[[f"{score}_b", f"{score}_a"]].dropna() if paired is not None else pd.DataFrame()
        diff = (pairs[f"{score}_a"] - pairs[f"{score}_b"]).to_numpy() if len(pairs) else np.zeros(0)
        if not len(diff):
            # Nothing to pair, so nothing tested: say so rather than "unchanged, p = 1".
            row["explanation"] = (f"{label}: {b_mean:.2f} in wave {b_info['wave']}, {a_mean:.2f} in wave "
                                  f"{a_info['wave']}; no respondent rated the same partner in both waves, so the "
                                  "change cannot be tested and is not called one.")
            rows.append(row)
            p_values.append(float("nan"))
            continue
        moved = diff[diff != 0]
        if len(moved):
            from scipy.stats import wilcoxon
            p = float(wilcoxon(moved, zero_method="wilcox", alternative="two-sided").pvalue)
        else:
            p = 1.0
        # The test's direction: the sign of the signed-rank sum (ranks of |difference|).
        from scipy.stats import rankdata
        direction = float((np.sign(moved) * rankdata(np.abs(moved))).sum()) if len(moved) else 0.0
        row.update(p_value=p, _pairs=len(diff), _up=int((diff > 0).sum()), _down=int((diff < 0).sum()),
                   _direction=direction,
                   _label=label, _waves=(b_info["wave"], a_info["wave"]))
        rows.append(row)
        p_values.append(p)
    tested = [i for i, p in enumerate(p_values) if p == p]
    if tested:
        q = bh_qvalues([p_values[i] for i in tested])
        for i, qi in zip(tested, q):
            r = rows[i]
            r["q_value"] = float(qi)
            # The direction of the test's own evidence, the paired ratings (not the two waves'
            # means, which also hold ratings given in one wave only).
            r["change"] = ("up" if r["_direction"] > 0 else "down") if qi <= fdr else "unchanged"
            verdict = (f"{r['change']} beyond chance" if r["change"] != "unchanged" else "no change beyond chance")
            r["explanation"] = (
                f"{r['_label']}: {r['before']:.2f} in wave {r['_waves'][0]}, {r['after']:.2f} in wave "
                f"{r['_waves'][1]}; of the {r['_pairs']} ratings given in both waves (the same respondent of the "
                f"same partner) {r['_up']} rose and {r['_down']} fell: {verdict} (Wilcoxon signed-rank "
                f"p = {r['p_value']:.2g}).")
    return [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
