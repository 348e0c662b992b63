"""The relationship survey: read (every row used or reported), joined to the logs, scored, and diagnosed.

Expected values are hand-worked in the comments, or recomputed from the raw rows with plain
pandas (said where)."""

import math

import numpy as np
import pandas as pd
import pytest

import stakeholder_graph as sg
from null_worlds import stationary_world
from worlds import make_world

SURVEY_KINDS = ["low_trust", "perception_gap"]


def pairs_of(found, kind):
    return [frozenset(a.split(";")) for a in found.loc[found["kind"] == kind, "actors"]]


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

def test_partner_long_wordings_and_scale_words_are_read():
    raw = pd.DataFrame({"Your organization": ["Trust A", "Trust A"], "Partner organization": ["Council B", "GP C"],
                        "Reliability": [4, "a fair amount"], "In support of mission": [3, 2],
                        "Open to discussion": ["", 1], "Power/Influence": [2, 4], "Level of involvement": [3, 4],
                        "Resource contribution": [4, ""]})
    s = sg.read_survey(raw)
    assert list(s["respondent"]) == ["Trust A", "Trust A"] and list(s["partner"]) == ["Council B", "GP C"]
    # Row 1: trust = mean(4, 3) (openness blank) = 3.5; value = mean(2, 3, 4) = 3.
    # Row 2: trust = mean(3 "a fair amount", 2, 1) = 2; value = mean(4, 4) = 4.
    assert s["trust"].tolist() == [3.5, 2.0] and s["value"].tolist() == [3.0, 4.0]
    assert s["works_with"].tolist() == [True, True]


def test_every_row_is_used_or_reported_and_a_no_is_not_scored():
    raw = pd.DataFrame({"respondent": ["A", "C", "D"], "partner": ["B", "B", "A"],
                        "works_with": ["yes", "no", "yes"], "reliability": [4, 2, 5]})
    s = sg.read_survey(raw)
    report = s.attrs["report"]
    assert report.rows_read == report.rows_used + len(report.rejected) == 3
    assert report.rejected[["row", "column", "value", "reason"]].values.tolist() == [
        [3, "reliability", "5", "reliability 5 is outside the 1-4 scale"]]
    # Row 2 (C says no to B) is used, its rating is not scored, and a note says so.
    assert s["row"].tolist() == [1, 2] and s["works_with"].tolist() == [True, False]
    assert math.isnan(s.loc[s["row"] == 2, "trust"].iloc[0])
    assert any("not scored" in n for n in report.notes)


def test_reasons_exactly():
    raw = pd.DataFrame({
        "respondent": ["A", "A", "B", "", "C", "C", "D", "D", "E", "E"],
        "partner":    ["B", "a", "A", "B", "A", "B", "A", "A", "F; G", "A"],
        "works_with": ["yes", "yes", "maybe", "yes", "", "no", "yes", "yes", "yes", ""],
        "reliability": [4, 4, 3, 3, "", 2, 3, 3, 3, "high"],
    })
    report = sg.read_survey(raw).attrs["report"]
    got = dict(zip(report.rejected["row"], report.rejected["reason"]))
    assert got == {
        2: "self-rating: the respondent rates itself",
        3: "works_with 'maybe' is not yes or no",
        4: "missing respondent",
        5: "unanswered: works_with and every rating blank (a row of the form left empty)",
        8: "a repeat of row 7: the respondent rates this partner again in this wave with the same answers "
           "(that row is used)",
        9: "names several actors (one actor per cell)",
        10: "reliability 'high' is not a rating from 1 to 4 "
            "(or not at all / a small amount / a fair amount / a great deal)",
    }
    # Two waves: the same pair rated once in each is not a duplicate.
    two = sg.read_survey(pd.DataFrame({"respondent": ["A", "A"], "partner": ["B", "B"], "reliability": [2, 3],
                                       "wave": ["2024", "2025"]}))
    assert len(two) == 2


def test_no_usable_rows_is_an_error_naming_the_file():
    with pytest.raises(sg.InputError, match="no usable rows"):
        sg.read_survey(pd.DataFrame({"respondent": ["A"], "partner": ["A"]}))
    with pytest.raises(sg.MissingColumnError, match="partner"):
        sg.read_survey(pd.DataFrame({"respondent": ["A"], "rated": ["B"], "partners": ["B"]}).drop(columns="rated"))


# ---------------------------------------------------------------------------
# Joined to the logs
# ---------------------------------------------------------------------------

LOG = pd.DataFrame({
    "date": ["2024-01-05", "2024-02-05", "2024-03-05", "2024-04-05", "2024-05-05"],
    "source": ["Team A1", "Team A2", "Org B", "Team A1", "Org C"],
    "target": ["Org B", "Org B", "Org C", "Org C", "Team A2"],
})
REGISTRY = pd.DataFrame({"name": ["Org A", "Team A1", "Team A2", "Org B", "Org C", "Org D"],
                         "kind": ["organisation", "team", "team", "organisation", "organisation", "organisation"],
                         "parent": ["", "Org A", "Org A", "", "", ""], "aliases": ["", "", "", "B", "", ""]})
SURVEY = pd.DataFrame({
    "respondent": ["Team A1", "team a2", "B", "Org B", "Org C"],
    "partner":    ["Org B", "Org B", "Team A1", "Org D", "Team A1"],
    "reliability": [4, 2, 1, 3, 4], "mission": [4, 2, 2, 3, 4], "openness": [1, 2, 3, 3, 4],
    "influence": [2, 3, 4, 3, 4], "involvement": [2, 3, 4, 3, 4], "resources": ["", 3, 4, 3, 4],
})


def test_tie_scores_per_direction_and_the_tie_mean():
    G = sg.build_graph(LOG, actors=REGISTRY, survey=SURVEY)
    d = G["Team A1"]["Org B"]
    a_is_team = d["actor_a"] == "Team A1"
    by_team, by_b = (d["trust_by_a"], d["trust_by_b"]) if a_is_team else (d["trust_by_b"], d["trust_by_a"])
    # Team A1 -> Org B: (4 + 4 + 1) / 3 = 3; "B" (an alias of Org B) -> Team A1: (1 + 2 + 3) / 3 = 2.
    assert by_team == pytest.approx(3.0) and by_b == pytest.approx(2.0)
    assert d["trust"] == pytest.approx(2.5)                         # mean of the two directions
    # Value: Team A1 (2 + 2) / 2 = 2 (resources blank); Org B (4 + 4 + 4) / 3 = 4; tie 3.
    assert d["value"] == pytest.approx(3.0)
    assert d["survey_reciprocated"] is True
    # Org C -> Team A1 (4, 4, 4) only one direction: the tie's trust is that one.
    assert G["Org C"]["Team A1"]["trust"] == pytest.approx(4.0) and G["Org C"]["Team A1"]["survey_reciprocated"] is False
    # Team A2 ("team a2": a case variant) -> Org B: 2.
    assert G["Team A2"]["Org B"]["trust"] == pytest.approx(2.0)
    # Org B -> Org D: named only in the survey: not a tie, listed as a note.
    assert not G.has_edge("Org B", "Org D") and G.graph["survey"]["survey_only"] == [("Org B", "Org D")]


def test_survey_only_pairs_become_ties_only_when_asked():
    G = sg.build_graph(LOG, actors=REGISTRY, survey=SURVEY, include_survey_ties=True)
    d = G["Org B"]["Org D"]
    assert d["survey_only"] is True and d["count"] == 0 and d["trust"] == pytest.approx(3.0)
    weakest = min(x["weight"] for _, _, x in G.edges(data=True) if x["count"] > 0)
    assert d["weight"] == pytest.approx(weakest)
    plain = sg.build_graph(LOG, actors=REGISTRY, survey=SURVEY)
    assert plain.number_of_edges() == G.number_of_edges() - 1
    # Structural measures without the survey-only pair equal the graph without a survey.
    assert sg.network_summary(plain)["density"] == sg.network_summary(sg.build_graph(LOG, actors=REGISTRY))["density"]


def test_organisation_level_rolls_ratings_up_as_means():
    G = sg.build_graph(LOG, actors=REGISTRY, survey=SURVEY, level="organisation")
    d = G["Org A"]["Org B"]
    # Org A -> Org B: mean of Team A1's 3 and Team A2's 2 = 2.5; Org B -> Org A: 2.  Tie: 2.25.
    by_a = d["trust_by_a"] if d["actor_a"] == "Org A" else d["trust_by_b"]
    assert by_a == pytest.approx(2.5) and d["trust"] == pytest.approx(2.25)


def test_summary_trust_and_value_equal_the_mean_of_the_ratings():
    G = sg.build_graph(LOG, actors=REGISTRY, survey=SURVEY)
    s = sg.network_summary(G)
    # Peer computation from the raw rows with plain pandas: each row's item mean, then the mean.
    raw = SURVEY.replace("", np.nan)
    trust = raw[["reliability", "mission", "openness"]].astype(float).mean(axis=1).mean()
    value = raw[["influence", "involvement", "resources"]].astype(float).mean(axis=1).mean()
    assert s["trust"] == pytest.approx(trust) and s["value"] == pytest.approx(value)
    assert s["trust_percent"] == pytest.approx((trust - 1) / 3 * 100)
    # Respondents Team A1, Team A2, Org B, Org C (teams answered), hand count: of the 5 actors
    # that are no one's parent (Team A1, Team A2, Org B, Org C, Org D); Org A, whose teams
    # answered for it, was not asked.  (Before the trial's fix: of all 6 registry actors.)
    assert s["survey_response_rate"] == pytest.approx(4 / 5)
    # The demo, both waves apart: each wave's summary is that wave's rows' mean.
    t = sg.demo_tables()
    Gd = sg.build_graph(t["interactions"], t["meetings"], t["actors"], survey=t["survey"])
    latest = t["survey"][t["survey"]["wave"] == "2026-09"].replace("", np.nan)
    expected = latest[["reliability", "mission", "openness"]].astype(float).mean(axis=1).mean()
    assert sg.network_summary(Gd)["trust"] == pytest.approx(expected)


# ---------------------------------------------------------------------------
# The diagnosis: demo, a null partnership, and a partnership built here
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_survey_found():
    t = sg.demo_tables()
    G = sg.build_graph(t["interactions"], t["meetings"], t["actors"], survey=t["survey"])
    return sg.find_barriers(G)


@pytest.mark.parametrize("kind,actors,_", sg.datasets.PLANTED_SURVEY)
def test_demo_survey_barriers_are_found(demo_survey_found, kind, actors, _):
    assert frozenset(actors) in pairs_of(demo_survey_found, kind)


def test_demo_survey_finds_nothing_else_and_leaves_other_kinds_alone(demo_survey_found, demo_graph):
    planted = {(k, frozenset(a)) for k, a, _ in sg.datasets.PLANTED_SURVEY}
    found = {(k, p) for k in SURVEY_KINDS for p in pairs_of(demo_survey_found, k)}
    assert found == planted
    for pair in sg.HEALTHY:
        assert frozenset(pair) not in pairs_of(demo_survey_found, "low_trust")
    without = sg.find_barriers(demo_graph)
    others = demo_survey_found[~demo_survey_found["kind"].isin(SURVEY_KINDS)]
    assert others["actors"].tolist() == without["actors"].tolist()
    low = demo_survey_found[demo_survey_found["kind"] == "low_trust"]
    assert (low["q_value"] <= 0.05).all() and (low["tested"] > 0).all()
    gaps = demo_survey_found[demo_survey_found["kind"] == "perception_gap"]
    assert gaps["p_value"].isna().all() and np.allclose(gaps["severity"], gaps["effect"])


def _survey_for(log, rng, *, low=(), gap_no=(), gap_diff=()):
    """A survey in which every logged actor rates each logged partner: trust items 3-4 and
    consistent between sides, unless planted.  ``low``: pairs rating each other 1-2;
    ``gap_no``: (x, y) with x naming y at 4, 4, 4 and y saying it does not work with x;
    ``gap_diff``: (x, y) with x rating y 4, 4, 3 (3.7) and y rating x 2, 1, 2 (1.7)."""
    low = {frozenset(p) for p in low}
    planted = {}
    for x, y in gap_no:
        planted[(x, y)], planted[(y, x)] = [4, 4, 4], "no"
    for x, y in gap_diff:
        planted[(x, y)], planted[(y, x)] = [4, 4, 3], [2, 1, 2]
    rows = []
    for pair in sorted({frozenset(p) for p in zip(log["source"], log["target"])}, key=sorted):
        a, b = sorted(pair)
        for x, y in ((a, b), (b, a)):
            trust = planted.get((x, y))
            if trust == "no":
                rows.append((x, y, "no", None, None, None))
                continue
            if trust is None:
                trust = [int(v) for v in rng.choice([1, 2] if pair in low else [3, 4], size=3)]
            rows.append((x, y, "yes", *trust))
    return pd.DataFrame(rows, columns=["respondent", "partner", "works_with", "reliability", "mission", "openness"])


def _strong_ties(G, k):
    ties = sorted(((d["count"], d["actor_a"], d["actor_b"]) for _, _, d in G.edges(data=True)), reverse=True)
    return [(a, b) for _, a, b in ties[:k]]


@pytest.mark.parametrize("seed", [3, 8])
def test_null_partnership_with_a_healthy_survey_has_no_survey_barriers(seed):
    log, registry, _ = stationary_world(seed)
    survey = _survey_for(log, np.random.default_rng(seed))
    G = sg.build_graph(log, actors=registry, survey=survey)
    found = sg.find_barriers(G, kinds=SURVEY_KINDS)
    assert found.empty, found[["kind", "actors", "explanation"]].to_string()


def test_a_partnership_not_seen_before_planted_low_trust_and_gaps_are_found():
    """tests/worlds.py's partnership (other names, sizes and mix than the demo), seed 29,
    with a survey built here: three strong ties planted low-trust / seen differently."""
    log, registry, _ = make_world(seed=29)
    G0 = sg.build_graph(log, actors=registry)
    strong = _strong_ties(G0, 12)
    low, gap_no, gap_diff = strong[0], strong[5], strong[9]
    survey = _survey_for(log, np.random.default_rng(29), low=[low], gap_no=[gap_no], gap_diff=[gap_diff])
    G = sg.build_graph(log, actors=registry, survey=survey)
    found = sg.find_barriers(G, kinds=SURVEY_KINDS)
    assert pairs_of(found, "low_trust") == [frozenset(low)]
    assert sorted(map(sorted, pairs_of(found, "perception_gap"))) == sorted([sorted(gap_no), sorted(gap_diff)])
    row = found[found["kind"] == "low_trust"].iloc[0]
    assert row["q_value"] <= 0.05 and row["trust"] <= 2
    # Sentences never say which side gave which rating.
    for sentence in found["explanation"]:
        assert "One of" in sentence or "one rates" in sentence or "average" in sentence


def test_low_trust_needs_regular_contact_tested_against_chance():
    """A low-rated pair with a single contact is not a finding: the null is conditioned on
    the pair having contact at all, so one day gives p = P(X >= 1 | X >= 1) = 1 (hand-worked)."""
    log, registry, _ = make_world(seed=29)
    G0 = sg.build_graph(log, actors=registry)
    strong = _strong_ties(G0, 1)[0]
    extra = pd.DataFrame({"date": [log["date"].max()], "source": [strong[0]], "target": ["Quiet Group 29"],
                          "sentiment": [""]})
    log2 = pd.concat([log, extra], ignore_index=True)
    survey = pd.DataFrame({"respondent": [strong[0], "Quiet Group 29"], "partner": ["Quiet Group 29", strong[0]],
                           "reliability": [1, 1], "mission": [1, 1], "openness": [1, 1]})
    found = sg.find_barriers(sg.build_graph(log2, actors=registry, survey=survey), kinds=["low_trust"])
    assert found.empty


# ---------------------------------------------------------------------------
# Before and after: waves
# ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_change():
    t = sg.demo_tables()
    return sg.compare_periods(t["interactions"], t["meetings"], t["actors"], at=sg.FACILITATION, survey=t["survey"]), t


def test_compare_takes_the_earlier_wave_before_and_the_later_after(demo_change):
    C, t = demo_change
    measures = C.measures.set_index("kind")
    survey = t["survey"].replace("", np.nan)
    for wave, column in (("2025-09", "before"), ("2026-09", "after")):
        rows = survey[survey["wave"] == wave]
        # Peer computation with plain pandas: each rating's trust-item mean, averaged.
        expected = rows[["reliability", "mission", "openness"]].astype(float).mean(axis=1).mean()
        assert measures.loc["trust", column] == pytest.approx(expected)
    # Healthy pairs were drawn afresh each wave: no change beyond chance in the partnership's trust.
    assert measures.loc["trust", "change"] == "unchanged" and 0 < measures.loc["trust", "p_value"] <= 1
    barriers = C.barriers.set_index(["kind", "actors"])["change"]
    assert barriers[("low_trust", "Eastfield Adult Social Care;Eastfield Discharge Hub")] == "closed"
    assert barriers[("low_trust", "Community Palliative Care Nurses;Northvale Adult Social Care")] == "new"
    assert barriers[("low_trust", "ICB Medicines Optimisation Team;Northvale Local Pharmaceutical Committee")] == \
        "persisting"
    assert "q = nan" not in " ".join(C.barriers["explanation"])


def test_a_fall_in_trust_between_waves_is_called_down():
    """Every rating one point lower in the second wave (hand-made): the signed-rank test of
    the paired ratings gives a p-value far below 0.05 for 60 ratings all falling."""
    log, registry, _ = make_world(seed=29)
    first = _survey_for(log, np.random.default_rng(1))
    first = first[first["works_with"] == "yes"].head(60)
    second = first.assign(reliability=first["reliability"] - 1, mission=first["mission"] - 1,
                          openness=first["openness"] - 1)
    survey = pd.concat([first.assign(wave="1"), second.assign(wave="2")], ignore_index=True)
    middle = pd.Timestamp(log["date"].min()) + (pd.Timestamp(log["date"].max()) - pd.Timestamp(log["date"].min())) / 2
    C = sg.compare_periods(log, actors=registry, at=middle.date().isoformat(), survey=survey)
    trust = C.measures.set_index("kind").loc["trust"]
    assert trust["change"] == "down" and trust["after"] == pytest.approx(trust["before"] - 1)
    from scipy.stats import wilcoxon
    assert trust["p_value"] == pytest.approx(wilcoxon(-np.ones(60)).pvalue)


def test_the_direction_of_a_change_is_that_of_the_paired_ratings():
    """Hand-made (review): the 60 ratings given in both waves all fall by one point, while
    wave 2 also holds many new ratings of 4, so wave 2's mean is the higher. The test is on
    the paired ratings, so the change it names is "down", not the means' "up"."""
    log, registry, _ = make_world(seed=29)
    rows = _survey_for(log, np.random.default_rng(1))
    rows = rows[rows["works_with"] == "yes"]
    first = rows.head(60)
    fell = first.assign(reliability=first["reliability"] - 1, mission=first["mission"] - 1,
                        openness=first["openness"] - 1)
    new = rows.iloc[60:].assign(reliability=4, mission=4, openness=4)
    survey = pd.concat([first.assign(wave="1"), fell.assign(wave="2"), new.assign(wave="2")], ignore_index=True)
    middle = pd.Timestamp(log["date"].min()) + (pd.Timestamp(log["date"].max()) - pd.Timestamp(log["date"].min())) / 2
    trust = sg.compare_periods(log, actors=registry, at=middle.date().isoformat(), survey=survey) \
        .measures.set_index("kind").loc["trust"]
    assert trust["after"] > trust["before"]                   # the means rose...
    assert trust["change"] == "down"                          # ...the ratings given twice fell


def test_data_readme_tells_the_survey_story():
    from pathlib import Path
    text = (Path(__file__).resolve().parents[1] / "data" / "README.md").read_text()
    story = text[text.index("## The survey"):text.index("## What changed at the facilitation")]
    for kind, (a, b), _ in sg.datasets.PLANTED_SURVEY:
        assert any(kind in line and a in line and b in line for line in story.splitlines()), (kind, a, b)


def test_organisation_level_diagnosis_of_the_demo_survey():
    """Rolled up to organisations (hand-reasoned from the story): the ICB's only rater of the
    LPC is its medicines team and the LPC rates no other ICB team, so the organisations'
    tie keeps trust (1.33 + 2.33) / 2 = 1.8 with its regular contact: low trust.  The
    university's only hospital partner is the diabetes centre, whose "no" is its trust's
    only answer about the university: a gap.  The other planted pairs are averaged with
    their organisations' healthy pairs (3-4) and are not flagged, and a partner simply not
    named (a team that did not answer) is never read as a "no"."""
    t = sg.demo_tables()
    G = sg.build_graph(t["interactions"], t["meetings"], t["actors"], survey=t["survey"], level="organisation")
    found = sg.find_barriers(G, kinds=SURVEY_KINDS)
    assert pairs_of(found, "low_trust") == [frozenset({"Northvale Integrated Care Board",
                                                       "Northvale Local Pharmaceutical Committee"})]
    assert pairs_of(found, "perception_gap") == [frozenset({"Northvale Hospitals NHS Foundation Trust",
                                                            "University of Northvale"})]
    d = G["Northvale Integrated Care Board"]["Northvale Local Pharmaceutical Committee"]
    assert d["trust"] == pytest.approx((4 / 3 + 7 / 3) / 2)


@pytest.mark.parametrize("seed", [21, 22, 23, 24, 25])
def test_planted_survey_barriers_in_generated_partnerships(seed):
    """Five generated partnerships (tests/null_worlds.py, 30-60 actors, random ties), each with
    a survey built here: one strong tie planted low-trust, one seen differently ("no"), one
    with trust ratings 2 apart; every other pair rates 3-4 both ways.  Exactly the planted
    ones are found (recall 5/5, no false finding)."""
    log, registry, _ = stationary_world(seed)
    G0 = sg.build_graph(log, actors=registry)
    strong = _strong_ties(G0, 9)
    rng = np.random.default_rng(seed)
    low, gap_no, gap_diff = strong[int(rng.integers(0, 3))], strong[3 + int(rng.integers(0, 3))], strong[6]
    survey = _survey_for(log, rng, low=[low], gap_no=[gap_no], gap_diff=[gap_diff])
    found = sg.find_barriers(sg.build_graph(log, actors=registry, survey=survey), kinds=SURVEY_KINDS)
    assert pairs_of(found, "low_trust") == [frozenset(low)]
    assert set(pairs_of(found, "perception_gap")) == {frozenset(gap_no), frozenset(gap_diff)}


def test_one_wave_names_no_change_in_trust():
    t = sg.demo_tables()
    one = t["survey"][t["survey"]["wave"] == "2026-09"].drop(columns="wave")
    C = sg.compare_periods(t["interactions"], t["meetings"], t["actors"], at=sg.FACILITATION, survey=one)
    trust = C.measures.set_index("kind").loc["trust"]
    assert trust["change"] == "" and trust["before"] == trust["after"]
    assert "a second wave is needed to compare before and after" in trust["explanation"]


def test_template_at_actor_level_lists_every_actor(tmp_path):
    from openpyxl import load_workbook
    actors = pd.DataFrame({"name": ["Org A", "Team A1", "Org B"], "parent": ["", "Org A", ""]})
    path = sg.write_survey_template(actors, tmp_path / "s.xlsx", level="actor")
    rows = list(load_workbook(path)["survey"].iter_rows(min_row=2, max_col=2, values_only=True))
    assert sorted(rows) == sorted((a, b) for a in ["Org A", "Team A1", "Org B"]
                                  for b in ["Org A", "Team A1", "Org B"] if a != b)
    assert len(list(load_workbook(sg.write_survey_template(actors, tmp_path / "o.xlsx"))["survey"].iter_rows(
        min_row=2))) == 2                                       # organisations only: Org A and Org B


def test_survey_findings_closed_or_new_say_what_the_ratings_did(demo_change):
    """The trial: a low-trust tie closed said "no sign of it even at a false-discovery rate of
    25%" (it closed because ratings changed; perception gaps are not tested at all), "q = 0"
    and "about 1 days".  The expected trust is recomputed from the raw rows with pandas: each
    side's trust-item mean in the wave, then the mean of the two sides."""
    C, t = demo_change
    survey = t["survey"].replace("", np.nan)
    survey = survey.assign(trust=survey[["reliability", "mission", "openness"]].astype(float).mean(axis=1))

    def tie_trust(a, b, wave):
        rows = survey[(survey["wave"] == wave) & (survey["respondent"].isin([a, b])) & (survey["partner"].isin([a, b]))]
        return rows.groupby("respondent")["trust"].mean().mean()

    rows = C.barriers.set_index(["kind", "actors"])["explanation"]
    closed = rows[("low_trust", "Eastfield Adult Social Care;Eastfield Discharge Hub")]
    after = tie_trust("Eastfield Adult Social Care", "Eastfield Discharge Hub", "2026-09")
    assert f"found before (q < 0.001); after, in wave 2026-09, its trust is rated {after:.1f} of 4, not low: " \
           "the ratings changed." in closed
    new = rows[("low_trust", "Community Palliative Care Nurses;Northvale Adult Social Care")]
    before = tie_trust("Community Palliative Care Nurses", "Northvale Adult Social Care", "2025-09")
    assert f"while before, in wave 2025-09, its trust is rated {before:.1f} of 4, not low: the ratings changed." in new
    survey_rows = C.barriers[C.barriers["kind"].isin(["low_trust", "perception_gap"])
                             & C.barriers["change"].isin(["closed", "new"])]
    text = " ".join(survey_rows["explanation"])
    assert "no sign of it" not in text and "false-discovery rate of 25%" not in text
    everything = " ".join(C.barriers["explanation"])
    assert "q = 0 " not in everything and "q = 0)" not in everything and " 1 days " not in everything


def test_a_row_without_a_wave_in_a_survey_of_waves_is_reported():
    """Hand-made (review): two rows in wave 1 and one with the wave left blank. The blank
    one belongs to no round, so it is rejected with its row and reason, not counted as used
    and then left out of every wave's scores; a survey with no waves at all keeps its rows."""
    df = pd.DataFrame({"respondent": ["A", "B", "A"], "partner": ["B", "A", "C"], "reliability": [3, 3, 3],
                       "wave": ["1", "1", ""]})
    table = sg.read_survey(df)
    report = table.attrs["report"]
    assert len(table) == 2 and report.rows_used + len(report.rejected) == report.rows_read == 3
    row = report.rejected.iloc[0]
    assert (row["row"], row["column"]) == (3, "wave") and "no survey round" in row["reason"]
    assert len(sg.read_survey(df.assign(wave=""))) == 3


def test_a_gap_rated_in_both_waves_is_not_new_when_the_pair_had_no_contact_before():
    """Hand-made (review): A and B rate each other 4 and 1 in both waves (a gap of 3 both
    times), but the log has contact between them only after the change date. Before, the
    survey pair was a note about the data, not a barrier: the gap after is not new."""
    months = pd.date_range("2024-01-05", periods=24, freq="MS") + pd.Timedelta(days=4)
    rows = [(d, "A", "C") for d in months] + [(d, "B", "D") for d in months]
    rows += [(d, "C", "D") for d in months[:12]] + [(d, "A", "B") for d in months[12:]]
    log = pd.DataFrame(rows, columns=["date", "source", "target"])
    survey = pd.DataFrame([("A", "B", 4, 4, 4, w) for w in "12"] + [("B", "A", 1, 1, 1, w) for w in "12"],
                          columns=["respondent", "partner", "reliability", "mission", "openness", "wave"])
    table = sg.compare_periods(log, at="2025-01-01", survey=survey).table()
    gap = table[(table["section"] == "barrier") & (table["kind"] == "perception_gap")].iloc[0]
    assert gap["change"] == "persisting" and "not counted as new" in gap["explanation"]


def test_waves_with_no_rating_in_common_name_no_change_and_say_why():
    """Hand-made (review): wave 1 rates A-B, wave 2 rates C-D only, so no rating can be
    paired: the trust row has no p-value and says the change cannot be tested."""
    months = pd.date_range("2024-01-05", periods=24, freq="MS")
    log = pd.DataFrame([(d, a, b) for d in months for a, b in (("A", "B"), ("C", "D"), ("A", "C"))],
                       columns=["date", "source", "target"])
    survey = pd.DataFrame([("A", "B", 4, 4, 4, "1"), ("C", "D", 1, 1, 1, "2")],
                          columns=["respondent", "partner", "reliability", "mission", "openness", "wave"])
    trust = sg.compare_periods(log, at="2025-01-01", survey=survey).measures.set_index("kind").loc["trust"]
    assert trust["change"] == "" and trust["p_value"] != trust["p_value"]
    assert "cannot be tested" in trust["explanation"]


def test_the_response_rate_asks_the_teams_whose_parent_is_written_in_other_capitals():
    """Hand-worked: Org A's teams give their parent as "org a"; the registry matches it
    ignoring case, so Org A is a parent, not one of the teams the survey asked: the people
    asked are Team 1 and Team 2."""
    import pandas as pd
    import stakeholder_graph as sg
    from stakeholder_graph.survey import survey_population
    actors = sg.read_actors(pd.DataFrame({"name": ["Org A", "Team 1", "Team 2"], "kind": ["organisation", "team", "team"],
                                          "parent": ["", "org a", "org a"]}))
    rows = pd.DataFrame({"rater": ["Team 1"], "ratee": ["Team 2"]})
    assert survey_population(None, actors, rows, "actor") == ["Team 1", "Team 2"]
