"""The survey through the CLI (exact exit codes, one-line errors) and the form's round trip."""

import json
import random

import pandas as pd
import pytest
from click.testing import CliRunner

import stakeholder_graph as sg
from stakeholder_graph.cli import cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return sg.write_demo_files(tmp_path_factory.mktemp("demo"))


def inputs(demo, *more):
    return [str(demo["interactions"]), "--meetings", str(demo["meetings"]), "--actors", str(demo["actors"]),
            "--survey", str(demo["survey"]), *more]


def test_summary_json_has_trust_value_and_response_rate(demo):
    result = CliRunner().invoke(cli, ["summary", *inputs(demo), "--format", "json"])
    assert result.exit_code == 0, result.output
    s = json.loads(result.stdout)
    rows = pd.read_csv(demo["survey"])
    latest = rows[rows["wave"] == rows["wave"].max()]
    # Peer computation with plain pandas: each row's trust-item mean, averaged over the rows.
    assert s["trust"] == pytest.approx(latest[["reliability", "mission", "openness"]].mean(axis=1).mean())
    assert s["value"] == pytest.approx(latest[["influence", "involvement", "resources"]].mean(axis=1).mean())
    # Respondents (teams and organisations answered) of the registry's actors that are no one's
    # parent, and the respondents that are (peer computation from the registry with pandas).
    registry = pd.read_csv(demo["actors"], dtype=str).fillna("")
    alias = {a: n for n, aliases in zip(registry["name"], registry["aliases"]) for a in aliases.split(";") if a}
    asked = set(registry["name"]) - set(registry["parent"]) | {alias.get(r, r) for r in latest["respondent"]}
    assert len(asked) < 45 and s["survey_response_rate"] == pytest.approx(latest["respondent"].nunique() / len(asked))


def test_validate_lists_the_survey_and_its_survey_only_pair(demo):
    result = CliRunner().invoke(cli, ["validate", *inputs(demo)])
    assert result.exit_code == 0, result.output
    assert "survey.csv (survey): 379 rows read, 379 used, 0 rejected" in result.output
    assert ("1 pair(s) named in the survey have no logged contact (a note about the data, not a barrier; "
            "--include-survey-ties makes them ties): Diabetes Peer Support Northvale / Millbrook Primary Care Network"
            in result.output)


def test_bad_survey_rows_make_validate_exit_1_and_name_row_and_reason(demo, tmp_path):
    bad = tmp_path / "survey.csv"
    bad.write_text("respondent,partner,reliability\nNorthvale ICB,Nortvale LPC,3\nNorthvale ICB,Northvale ICB,2\n"
                   "Northvale ICB,Northvale LPC,7\nNorthvale ICB,Northvale LPC,3\n")
    result = CliRunner().invoke(cli, ["validate", str(demo["interactions"]), "--actors", str(demo["actors"]),
                                      "--survey", str(bad)])
    assert result.exit_code == 1
    assert "row 3, column 'partner'" in result.output and "self-rating" in result.output
    assert "reliability 7 is outside the 1-4 scale" in result.output and "row 4, column 'reliability'" in result.output
    # A misspelt name is a rejected row with its reason (issue #12 trial), not a new actor.
    assert "unknown actor 'Nortvale LPC' (did you mean 'Northvale LPC' or" in result.output
    assert "row 2, column 'partner'" in result.output
    assert "(survey): 4 rows read, 1 used, 3 rejected" in result.output


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02garbage\xff" * 50, b"who,whom\nA,B\n"])
def test_unusable_survey_file_is_one_error_line(demo, tmp_path, content):
    path = tmp_path / "survey.csv"
    path.write_bytes(content)
    result = CliRunner().invoke(cli, ["summary", str(demo["interactions"]), "--survey", str(path)])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: ") and str(path) in lines[0], result.stderr
    assert "Traceback" not in result.output


def test_mutated_survey_bytes_never_give_a_traceback(demo, tmp_path):
    data = demo["survey"].read_bytes()
    rng = random.Random(5)
    for i in range(12):
        b = bytearray(data)
        for _ in range(rng.randint(1, 40)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        path = tmp_path / f"m{i}.csv"
        path.write_bytes(bytes(b))
        result = CliRunner().invoke(cli, ["summary", str(demo["interactions"]), "--survey", str(path)])
        assert result.exit_code in (0, 2), result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        if result.exit_code == 2:
            assert result.stderr.strip().splitlines()[-1].startswith("Error: ")


def test_barriers_kind_low_trust_on_the_demo(demo):
    result = CliRunner().invoke(cli, ["barriers", *inputs(demo), "--kind", "low_trust", "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert {frozenset(f["actors"].split(";")) for f in found} == {
        frozenset(a) for k, a, _ in sg.datasets.PLANTED_SURVEY if k == "low_trust"}


def test_include_survey_ties_adds_the_pair(demo, tmp_path):
    out = tmp_path / "g.json"
    result = CliRunner().invoke(cli, ["export", *inputs(demo, "--include-survey-ties"), "--to", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    links = json.loads(out.read_text())["links"]
    added = [link for link in links if link.get("survey_only")]
    assert [{added[0]["source"], added[0]["target"]}] == [{"Diabetes Peer Support Northvale",
                                                          "Millbrook Primary Care Network"}]


def test_template_round_trips(tmp_path):
    """Write the form, fill some cells with openpyxl as a respondent would, read it back."""
    from openpyxl import load_workbook
    actors = tmp_path / "actors.csv"
    actors.write_text("name,kind,parent\nTrust A,organisation,\nCouncil B,organisation,\n=HYPERLINK(\"x\"),organisation,\n"
                      "Ward 1,team,Trust A\n")
    path = tmp_path / "survey.xlsx"
    result = CliRunner().invoke(cli, ["survey-template", "--actors", str(actors), "-o", str(path), "--wave", "2026-03"])
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    sheet = book["survey"]
    header = [c.value for c in sheet[1]]
    assert header == ["respondent", "partner", "works_with", "reliability", "mission", "openness", "influence",
                      "involvement", "resources", "frequency", "wave"]
    # Three organisations (the team is not a respondent): 3 x 2 rows; names are text, never formulas.
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6 and all(sheet.cell(r, 1).data_type == "s" for r in range(2, 8))
    validations = {str(dv.sqref): (dv.type, dv.formula1, dv.formula2) for dv in sheet.data_validations.dataValidation}
    assert validations == {"C2:C7": ("list", '"yes,no"', None), "D2:I7": ("whole", "1", "4")}
    # Trust A rates Council B; Council B says no to Trust A; the rest left blank.
    for r in range(2, 8):
        who, whom = sheet.cell(r, 1).value, sheet.cell(r, 2).value
        if (who, whom) == ("Trust A", "Council B"):
            for col, v in zip(range(3, 10), ["yes", 4, 3, 2, 3, 3, 4]):
                sheet.cell(r, col).value = v
        if (who, whom) == ("Council B", "Trust A"):
            sheet.cell(r, 3).value = "no"
    book.save(path)
    s = sg.read_survey(path)
    report = s.attrs["report"]
    assert s[["respondent", "partner", "works_with", "wave"]].values.tolist() == [
        ["Trust A", "Council B", True, "2026-03"], ["Council B", "Trust A", False, "2026-03"]]
    assert s["trust"].iloc[0] == pytest.approx(3.0) and s["value"].iloc[0] == pytest.approx(10 / 3)
    assert report.rows_read == 6 and len(report.rejected) == 4
    assert set(report.rejected["reason"]) == {"unanswered: works_with and every rating blank (a row of the form left empty)"}
    assert '=HYPERLINK("x")' in set(pd.read_excel(path)["respondent"])


def test_template_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    """A failure half-way through saving leaves the earlier file as it was, and no temporary file."""
    import openpyxl
    actors = tmp_path / "actors.csv"
    actors.write_text("name\nTrust A\nCouncil B\n")
    path = tmp_path / "survey.xlsx"
    path.write_bytes(b"earlier")

    def half_save(self, filename):
        with open(filename, "wb") as f:
            f.write(b"PK half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", half_save)
    with pytest.raises(OSError):
        sg.write_survey_template(actors, path)
    assert path.read_bytes() == b"earlier"
    assert {p.name for p in tmp_path.iterdir()} == {"actors.csv", "survey.xlsx"}


def test_template_needs_two_organisations(tmp_path):
    actors = tmp_path / "actors.csv"
    actors.write_text("name\nOnly One\n")
    result = CliRunner().invoke(cli, ["survey-template", "--actors", str(actors), "-o", str(tmp_path / "s.xlsx")])
    assert result.exit_code == 2
    assert result.stderr.strip() == "Error: the registry has 1 organisation(s): a survey needs two or more"


def test_validate_reports_self_ratings_through_aliases_and_maps_columns(demo, tmp_path):
    """"Northvale ICB" and "ICB" are both aliases of Northvale Integrated Care Board: that row
    is a self-rating only once names are resolved, and validate says so.  --column maps a
    header the aliases do not know."""
    path = tmp_path / "survey.csv"
    path.write_text("Who,Whom,Q1\nNorthvale ICB,ICB,3\nNorthvale ICB,Northvale LPC,2\n")
    args = ["validate", str(demo["interactions"]), "--actors", str(demo["actors"]), "--survey", str(path),
            "--column", "survey.respondent=Who", "--column", "survey.partner=Whom", "--column", "survey.reliability=Q1"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "1 survey row(s) name one actor as both respondent and partner through the registry's aliases: " \
           "self-ratings, not used" in result.output
    data = json.loads(CliRunner().invoke(cli, args + ["--format", "json"]).stdout)
    assert data["survey_self_ratings_by_alias"] == 1
    # The row left is between two organisations whose logged contact is the ICB's teams' with
    # the LPC: an organisation-level survey, analysed at organisation level.
    summary = json.loads(CliRunner().invoke(cli, ["summary", *args[1:], "--level", "organisation",
                                                  "--format", "json"]).stdout)
    assert summary["trust"] == pytest.approx(2.0) and summary["survey_ratings"] == 1


def test_survey_wave_picks_a_round_and_an_unknown_one_is_an_error(demo):
    result = CliRunner().invoke(cli, ["summary", *inputs(demo, "--survey-wave", "2025-09"), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = pd.read_csv(demo["survey"])
    first = rows[rows["wave"] == "2025-09"]
    # Peer computation with plain pandas: the first wave's ratings' trust-item means, averaged.
    assert json.loads(result.stdout)["trust"] == pytest.approx(
        first[["reliability", "mission", "openness"]].mean(axis=1).mean())
    bad = CliRunner().invoke(cli, ["summary", *inputs(demo, "--survey-wave", "2030")])
    assert bad.exit_code == 2 and bad.stderr.strip().splitlines()[-1] == \
        "Error: no survey wave '2030'; waves are: 2025-09, 2026-09"
    compare = CliRunner().invoke(cli, ["compare", *inputs(demo, "--survey-wave", "2025-09"), "--at", "2025-10-01"])
    assert compare.exit_code == 2 and "--survey-wave has no meaning in compare" in compare.stderr


def test_exports_leave_out_who_rated_whom_unless_asked(demo, tmp_path):
    """A tie's mean trust and value are written; what each named side said of the other
    only with --show-ratings (who rated whom is confidential). The demo's ties.csv: test_cli."""
    plain, full = tmp_path / "plain.graphml", tmp_path / "full.graphml"
    for path, extra in ((plain, []), (full, ["--show-ratings"])):
        result = CliRunner().invoke(cli, ["export", *inputs(demo), "--to", "graphml", "-o", str(path), *extra])
        assert result.exit_code == 0, result.output
    import networkx as nx
    plain_keys = {k for _, _, d in nx.read_graphml(plain).edges(data=True) for k in d}
    full_keys = {k for _, _, d in nx.read_graphml(full).edges(data=True) for k in d}
    assert {"trust", "value"} <= plain_keys and not plain_keys & {"trust_by_a", "trust_by_b", "named_by_a"}
    assert {"trust_by_a", "trust_by_b", "value_by_a", "named_by_b"} <= full_keys


def test_the_form_must_be_named_xlsx(demo, tmp_path):
    """A workbook written under a .csv name would not read back (review): one Error line,
    exit 1 as for other user mistakes in this command, and no file."""
    path = tmp_path / "survey.csv"
    result = CliRunner().invoke(cli, ["survey-template", "--actors", str(demo["actors"]), "-o", str(path)])
    assert result.exit_code != 0 and not path.exists()
    assert result.stderr.strip().splitlines() == [
        "Error: the survey form is an Excel workbook: give the output a .xlsx name, not 'survey.csv'"]
