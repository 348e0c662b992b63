"""Issue #12's user trial: the survey's level, --sheet for the survey workbook, the response
rate's denominator, misspelt names, a "no" that is not a survey-only pair, and repeated
rows.  Expected values are hand counts from the small partnership below (said where)."""

import pandas as pd
import pytest
from click.testing import CliRunner

import stakeholder_graph as sg
from stakeholder_graph.cli import cli

# Org A has teams A1 and A2, Org B has team B1, Org C has no teams.
REGISTRY = pd.DataFrame({"name": ["Org A", "Team A1", "Team A2", "Org B", "Team B1", "Org C"],
                         "kind": ["organisation", "team", "team", "organisation", "team", "organisation"],
                         "parent": ["", "Org A", "Org A", "", "Org B", ""]})
LOG = pd.DataFrame([(f"2024-03-{d:02d}", a, b) for d in range(1, 15)
                    for a, b in (("Team A1", "Team B1"), ("Team A2", "Org C"), ("Team B1", "Org C"))],
                   columns=["date", "source", "target"])
ITEMS = ["reliability", "mission", "openness", "influence", "involvement", "resources"]


def survey(rows, works=None):
    frame = pd.DataFrame([(r, p, *([x] * 6)) for r, p, x in rows], columns=["respondent", "partner", *ITEMS])
    if works is not None:
        frame.insert(2, "works_with", works)
    return frame


@pytest.fixture
def files(tmp_path):
    REGISTRY.to_csv(tmp_path / "actors.csv", index=False)
    LOG.to_csv(tmp_path / "log.csv", index=False)
    return tmp_path


ORG_SURVEY = survey([("Org A", "Org B", 3), ("Org B", "Org A", 2), ("Org B", "Org C", 4), ("Org C", "Org B", 4)])


# 2. An organisation-level survey on a graph at actor level --------------------------------

def test_an_organisation_survey_at_actor_level_is_one_error_that_names_the_level(files):
    with pytest.raises(sg.InputError, match=r"analyse at organisation level \(--level organisation"):
        sg.build_graph(LOG, actors=REGISTRY, survey=ORG_SURVEY)
    G = sg.build_graph(LOG, actors=REGISTRY, survey=ORG_SURVEY, level="organisation")
    assert G["Org A"]["Org B"]["trust"] == pytest.approx(2.5)      # (3 + 2) / 2, both sides
    assert G.graph["survey"]["survey_only"] == []
    ORG_SURVEY.to_csv(files / "survey.csv", index=False)
    args = [str(files / "log.csv"), "--actors", str(files / "actors.csv"), "--survey", str(files / "survey.csv")]
    result = CliRunner().invoke(cli, ["summary", *args])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert [line for line in result.output.splitlines() if line] == [
        "Error: " + sg.survey.level_error("actor")]
    assert CliRunner().invoke(cli, ["summary", *args, "--level", "organisation"]).exit_code == 0
    # validate says so, and counts survey-only pairs between organisations (none here).
    result = CliRunner().invoke(cli, ["validate", *args])
    assert result.exit_code == 0 and "analyse at organisation level" in result.output
    assert "0 pair(s) named in the survey have no logged contact" in result.output


def test_survey_template_says_the_level_it_wrote(files):
    result = CliRunner().invoke(cli, ["survey-template", "--actors", str(files / "actors.csv"),
                                      "-o", str(files / "form.xlsx")])
    assert result.exit_code == 0 and "organisation level" in result.output and "--level organisation" in result.output


def test_a_survey_naming_an_organisation_without_teams_is_fine_at_actor_level():
    # Org C has no teams: a team-level survey naming it is an actor-level survey.
    G = sg.build_graph(LOG, actors=REGISTRY, survey=survey([("Team A2", "Org C", 3), ("Org C", "Team A2", 3)]))
    assert G["Team A2"]["Org C"]["trust"] == 3.0


# 3. --sheet applies to the survey workbook -----------------------------------------------

def test_sheet_picks_the_survey_workbooks_sheet(files):
    path = files / "form.xlsx"
    with pd.ExcelWriter(path) as book:
        survey([("Team A1", "Team B1", 3)]).to_excel(book, sheet_name="draft", index=False)
        survey([("Team A1", "Team B1", 3), ("Team B1", "Team A1", 4)]).to_excel(book, sheet_name="responses",
                                                                                index=False)
    args = [str(files / "log.csv"), "--actors", str(files / "actors.csv"), "--survey", str(path)]
    result = CliRunner().invoke(cli, ["validate", *args, "--sheet", "responses"])
    assert result.exit_code == 0, result.output
    assert "(survey): 2 rows read, 2 used, 0 rejected" in result.output
    assert "(survey): 1 rows read" in CliRunner().invoke(cli, ["validate", *args]).output   # the first sheet


# 4. The response rate's denominator -------------------------------------------------------

def test_response_rate_counts_the_actors_of_the_level_that_answered():
    teams = survey([("Team A1", "Team B1", 3), ("Team B1", "Team A1", 3), ("Org C", "Team B1", 3)])
    s = sg.network_summary(sg.build_graph(LOG, actors=REGISTRY, survey=teams))
    # Hand count: asked were the actors that are no one's parent: Team A1, Team A2, Team B1,
    # Org C (4; not Org A or Org B, whose teams answered); 3 answered.
    assert s["survey_response_rate"] == pytest.approx(3 / 4) and s["survey_respondents"] == 3
    orgs = sg.network_summary(sg.build_graph(LOG, actors=REGISTRY, survey=ORG_SURVEY, level="organisation"))
    assert orgs["survey_response_rate"] == pytest.approx(3 / 3)     # Org A, Org B, Org C


# 5. Names the registry does not know ------------------------------------------------------

def test_a_misspelt_name_is_a_rejected_row_with_its_reason(files):
    typo = survey([("Team A1", "Team B1", 3), ("Tem A1", "Team B1", 2), ("Team B1", "Nobody Known", 2)])
    read = sg.read_survey(typo, actors=REGISTRY)
    got = dict(zip(read.attrs["report"].rejected["row"], read.attrs["report"].rejected["reason"]))
    # Rows of a table are numbered from 1 (of a file, from 2: its header is row 1).
    assert got == {2: "unknown actor 'Tem A1' (did you mean 'Team A1' or 'Team A2' or 'Team B1'?)",
                   3: "unknown actor 'Nobody Known' (not in the actor registry)"}
    assert list(read["respondent"]) == ["Team A1"]
    # Without a registry, names are kept as given.
    assert len(sg.read_survey(typo)) == 3
    # A survey read without the registry is refused by a graph with one.
    with pytest.raises(sg.InputError, match=r"names 2 actor\(s\) not in the actor registry \('Nobody Known', 'Tem A1'\)"):
        sg.build_graph(LOG, actors=REGISTRY, survey=sg.read_survey(typo))
    G = sg.build_graph(LOG, actors=REGISTRY, survey=typo)     # read here with the registry
    assert "Tem A1" not in G and G.graph["survey"]["survey_only"] == []
    typo.to_csv(files / "survey.csv", index=False)
    result = CliRunner().invoke(cli, ["validate", str(files / "log.csv"), "--actors", str(files / "actors.csv"),
                                      "--survey", str(files / "survey.csv")])
    assert result.exit_code == 1
    assert "(survey): 3 rows read, 1 used, 2 rejected" in result.output
    assert "unknown actor 'Tem A1' (did you mean 'Team A1' or" in result.output
    assert "row 3, column 'respondent'" in result.output and "row 4, column 'partner'" in result.output


# 6. A "no" is not a survey-only relationship ----------------------------------------------

def test_a_no_without_contact_is_not_a_survey_only_pair(files):
    # Team A1 and Org C never met in the log; Team A1 says it does not work with Org C.
    said = survey([("Team A1", "Team B1", 3), ("Team A1", "Org C", 3)], works=["yes", "no"])
    G = sg.build_graph(LOG, actors=REGISTRY, survey=said)
    assert G.graph["survey"]["survey_only"] == []
    assert sg.network_summary(G)["survey_only_pairs"] == 0
    said.to_csv(files / "survey.csv", index=False)
    result = CliRunner().invoke(cli, ["validate", str(files / "log.csv"), "--actors", str(files / "actors.csv"),
                                      "--survey", str(files / "survey.csv")])
    assert result.exit_code == 0 and "0 pair(s) named in the survey have no logged contact" in result.output
    # A "yes" with no contact is one.
    yes = survey([("Team A1", "Team B1", 3), ("Team A1", "Org C", 3)], works=["yes", "yes"])
    assert sg.build_graph(LOG, actors=REGISTRY, survey=yes).graph["survey"]["survey_only"] == [("Org C", "Team A1")]


# 9. One respondent rating one partner twice in one wave -----------------------------------

def test_repeats_keep_the_first_and_conflicts_keep_none():
    # Rows of a table are numbered from 1.
    same = sg.read_survey(survey([("Team A1", "Team B1", 3), ("Team A1", "Team B1", 3), ("Team B1", "Team A1", 2)]))
    assert dict(zip(same.attrs["report"].rejected["row"], same.attrs["report"].rejected["reason"])) == {
        2: "a repeat of row 1: the respondent rates this partner again in this wave with the same answers "
           "(that row is used)"}
    assert list(same["row"]) == [1, 3]
    differ = sg.read_survey(survey([("Team A1", "Team B1", 3), ("Team B1", "Team A1", 2), ("Team A1", "Team B1", 1)]))
    reason = ("conflicting ratings: the respondent rates this partner in rows 1, 3 of this wave with different "
              "answers (none is used)")
    assert dict(zip(differ.attrs["report"].rejected["row"], differ.attrs["report"].rejected["reason"])) == {
        1: reason, 3: reason}
    assert list(differ["row"]) == [2]
