"""The command line: exact exit codes, one-line errors, help with examples, the demo."""

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import stakeholder_graph as sg
from stakeholder_graph.cli import cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run():
    def _run(*args):
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return _run


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    return sg.write_demo_files(tmp_path_factory.mktemp("demo"))


def inputs(files):
    return [files["interactions"], "--meetings", files["meetings"], "--actors", files["actors"]]


def test_every_command_has_help_with_an_example(run):
    for name, command in cli.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0, name
        assert "Example" in result.output, f"{name} help has no example"
        assert command.help and command.help.strip(), name


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    for name in cli.commands:
        assert f"stakeholder-graph {name}" in readme, name


def test_summary_table_and_json(run, demo_files):
    result = run("summary", *inputs(demo_files))
    assert result.exit_code == 0
    assert "degree_centralization" in result.output and "ei_index.sector" in result.output
    data = json.loads(run("summary", *inputs(demo_files), "--format", "json").output)
    assert data["actors"] == 45 and data["level"] == "actor"
    org = json.loads(run("summary", *inputs(demo_files), "--level", "organisation", "--format", "json").output)
    assert org["actors"] < data["actors"]


def test_validate_accounts_for_every_row(run, write, demo_files):
    log = write("log.csv", "date,source,target,weight\n2024-01-01,A,B,1\n2024-01-02,A,A,1\n"
                           "2024-01-03,A,B,-2\nsoon,A,B,1\n2024-01-04,A,Mystery,1\n")
    actors = write("actors.csv", "name\nA\nB\n")
    result = run("validate", log, "--actors", actors)
    assert result.exit_code == 1                                  # rows were rejected as bad
    assert "5 rows read, 2 used, 3 rejected" in result.output
    assert "self-contact: source and target are both the same actor\n           row 3, column 'target'" in result.output
    assert "weight -2 is not a positive number\n           row 4, column 'weight'" in result.output
    assert "1 name(s) in the logs are not in the actor registry: Mystery" in result.output
    data = json.loads(run("validate", log, "--actors", actors, "--format", "json").output)
    first = data["files"][0]
    assert first["rows_read"] == first["rows_used"] + first["rows_rejected"] == 5
    assert data["unknown_actors"] == ["Mystery"]
    assert data["case_variants"] == {}
    cased = run("validate", write("cased.csv", "date,source,target\n2024-01-01,A,B\n2024-01-02,a,C\n2024-01-03,A,C\n"))
    assert cased.exit_code == 0                                   # nothing rejected
    assert "1 name(s) differ from an actor's name only in case and are read as that actor: 'a' as 'A'" in cased.output


@pytest.mark.parametrize("args,message", [
    ([], "give at least one interaction file"),
    (["missing.csv"], "missing.csv: file not found"),
    (["{uk}"], "could be day/month or month/day"),
    (["{good}", "--actors", "{cyclic}"], "parents form a cycle"),
    (["{good}", "--as-of", "someday"], "'someday' is not a date"),
    (["{good}", "--level", "planet"], "'planet' is not one of"),
    (["{good}", "--since", "2030-01-01"], "no contact is left after the filters (since 2030-01-01"),
    (["{good}", "--programme", "dentistry"], "programme dentistry"),
])
def test_user_mistakes_exit_2_with_one_error_line(run, write, args, message):
    files = {"uk": write("uk.csv", "date,source,target\n03/04/2024,A,B\n"),
             "good": write("good.csv", "date,source,target\n2024-01-01,A,B\n"),
             "cyclic": write("actors.csv", "name,parent\nA,B\nB,A\n")}
    result = CliRunner().invoke(cli, ["summary"] + [a.format(**files) for a in args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    if "Error: " in result.output and "Usage" not in result.output:
        assert result.output.strip().count("\n") == 0            # exactly one line


def test_export_formats(run, demo_files, tmp_path):
    import networkx as nx
    for fmt, reader in [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)]:
        out = tmp_path / f"g.{fmt}"
        result = run("export", *inputs(demo_files), "--to", fmt, "-o", out)
        assert result.exit_code == 0, result.output
        H = reader(out)
        assert H.number_of_nodes() == 45
    out = tmp_path / "g.json"
    assert run("export", *inputs(demo_files), "--to", "json", "-o", out).exit_code == 0
    assert len(json.loads(out.read_text())["nodes"]) == 45


def test_demo_writes_outputs(run, tmp_path):
    result = run("demo", "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    for name in ["summary.json", "ties.csv", "actors.csv", "partnership.gexf", "validation.json",
                 "briefing.html", "map.html", "figures/network.svg", "figures/tie_strengths.png"]:
        assert (tmp_path / "out" / name).stat().st_size > 0, name
    assert str(tmp_path / "out") in result.output
    # The demo has a survey: ties keep their mean trust, not who rated whom (confidential).
    columns = pd.read_csv(tmp_path / "out" / "ties.csv", nrows=1).columns
    assert "trust" in columns and not {"trust_by_a", "trust_by_b", "named_by_a"} & set(columns)
    gexf = (tmp_path / "out" / "partnership.gexf").read_text()
    assert 'title="trust"' in gexf and "trust_by_a" not in gexf


def test_python_dash_m_works():
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-m", "stakeholder_graph", "--help"], capture_output=True, text=True)
    assert out.returncode == 0 and "stakeholder-graph" in out.stdout


def test_barriers_top_says_how_many_more_and_retired_thresholds_warn(run, demo_files):
    full = run("barriers", *inputs(demo_files), "--format", "json")
    everything = json.loads(full.output)
    per_kind = {}
    for row in everything:
        per_kind[row["kind"]] = per_kind.get(row["kind"], 0) + 1
    result = run("barriers", *inputs(demo_files), "--top", "1")
    assert result.exit_code == 0
    for kind, count in per_kind.items():
        if count > 1:
            assert f"... and {count - 1} more {kind} finding" in result.output
    shown = [line for line in result.output.splitlines() if line[:3].strip().rstrip(".").isdigit()]
    assert len(shown) == len(per_kind)
    old = run("barriers", *inputs(demo_files), "--threshold", "decay_ratio=0.3", "--kind", "isolate")
    assert old.exit_code == 0 and "Warning: threshold decay_ratio is retired" in old.output
    assert "Traceback" not in old.output


def test_typed_dates_follow_day_first_and_are_checked(run, demo_files):
    """--as-of, --since and --until are read as a date column is: 03/04/2026 needs
    --day-first (3 April) or --month-first; a year typo or a bare number is an error."""
    args = inputs(demo_files)
    uk = json.loads(run("summary", *args, "--as-of", "03/04/2026", "--day-first", "--format", "json").output)
    assert uk["as_of"] == "2026-04-03"
    us = json.loads(run("summary", *args, "--as-of", "03/04/2026", "--month-first", "--format", "json").output)
    assert us["as_of"] == "2026-03-04"
    for typed, message in [("03/04/2026", "--day-first"), ("3024-01-01", "outside the years"),
                           ("1800", "a number, not a date")]:
        result = run("summary", *args, "--as-of", typed)
        assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_analysis_commands_say_which_rows_were_not_used(run):
    small = ROOT / "data" / "examples" / "small.csv"
    result = run("summary", small, "--format", "json")
    assert result.exit_code == 0
    assert "used 1 of 4 rows of" in result.output and "3 not used" in result.output
    data = json.loads(result.output[result.output.index("{"):])
    assert data["rows"] == {"read": 4, "used": 1, "not_used": 3}


def test_validate_groups_a_repeated_bad_value(run, write):
    """A bad value on thousands of rows is one reason with its count and first rows, not a
    line per row; --all lists them all."""
    rows = "".join(f"2024-01-{1 + i % 28:02d},A,B,-1\n" for i in range(500))
    log = write("log.csv", "date,source,target,weight\n2024-01-01,A,B,1\n" + rows)
    result = run("validate", log)
    assert result.exit_code == 1
    assert "500 weight -1 is not a positive number" in result.output
    assert result.output.count("column 'weight'") == 3 and "... and 497 more rows (--all lists them)" in result.output
    assert run("validate", log, "--all").output.count("column 'weight'") == 500


@pytest.mark.parametrize("args", [["--top", "0"], ["--top", "abc"], ["--kind", "nonsense"], ["--threshold", "fdr"],
                                  ["--nope"]])
def test_bad_option_values_are_one_error_line(demo_files, args):
    """Click's usage block is four lines; a user mistake is one ``Error: ...`` line, exit 2."""
    result = CliRunner().invoke(cli, ["barriers", str(demo_files["interactions"]), *args])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output


def test_a_file_with_a_header_and_no_rows_is_named(run, write):
    result = run("summary", write("empty_log.csv", "date,source,target\n"))
    assert result.exit_code == 2 and "empty_log.csv: has a header but no rows" in result.output


def test_raw_messages_name_what_the_user_gave(run, write, demo_files, tmp_path):
    """An output folder that cannot be made names the file asked for (not a temporary file);
    a 0-byte workbook is called empty (not openpyxl's 'specify an engine manually')."""
    blocker = write("not_a_folder", "x")
    result = run("map", demo_files["interactions"], "-o", blocker / "map.html")
    assert result.exit_code == 2 and f"cannot write {blocker / 'map.html'}" in result.output
    assert ".tmp" not in result.output
    empty = write("book.xlsx", b"")
    result = run("summary", empty)
    assert result.exit_code == 2 and "book.xlsx: is empty (0 bytes)" in result.output


def test_csv_for_people_does_not_run_as_a_formula_in_excel(run, write, tmp_path):
    """An actor named like a formula (OWASP CSV injection) is written with a leading
    apostrophe in every CSV the CLI writes; numbers like -2 stay numbers; the Python
    DataFrame is unchanged."""
    evil = "=HYPERLINK(\"http://x\",\"click\")"
    plus = "+cmd|' /C calc'!A0"
    log = write("log.csv", "date,source,target\n" + "".join(
        f"2024-0{m}-01,\"{a}\",{b}\n" for m, (a, b) in enumerate(
            [(evil.replace('"', '""'), "Trust"), (plus, "Trust"), ("Trust", "Council"), ("Council", "Hospice")], 1)))
    out = tmp_path / "metrics.csv"
    assert run("metrics", log, "--format", "csv", "-o", out).exit_code == 0
    cells = pd.read_csv(out, index_col=0, keep_default_na=False)
    assert "'" + evil in cells.index and "'" + plus in cells.index
    printed = run("barriers", log, "--format", "csv").output
    assert ",=" not in printed and "\n=" not in printed and ",+cmd" not in printed
    frame = sg.node_metrics(sg.build_graph(sg.read_interactions(log)))
    assert evil in frame.index                                          # the API's data as it is
    raw = run("metrics", log, "--format", "csv", "--raw-cells").output
    assert "\n" + plus in raw                                            # asked for raw: as it is


def test_columns_mapped_from_the_command_line(run, write):
    """A coordinator's headers ("From organisation") mapped with --column, for every kind of
    file that has the field, or for one kind with a prefix."""
    log = write("coordinator.csv", "When,From organisation,To organisation\n2024-01-01,A,B\n2024-02-01,B,C\n")
    plain = run("summary", log)
    assert plain.exit_code == 2 and "--column source=HEADER" in plain.output
    mapped = run("summary", log, "--column", "source=From organisation", "--column", "target=To organisation",
                 "--column", "interactions.date=When", "--format", "json")
    assert mapped.exit_code == 0 and json.loads(mapped.output)["ties"] == 2
    for item, message in [("sorce=X", "no field 'sorce'"), ("source=Nope", "has no column 'Nope'"),
                          ("planets.date=X", "no kind of file 'planets'"), ("source", "is not FIELD=HEADER")]:
        result = run("summary", log, "--column", item)
        assert result.exit_code == 2 and message in result.output, (item, result.output)


def test_output_format_follows_the_extension(run, demo_files, tmp_path):
    out = tmp_path / "barriers.json"
    assert run("barriers", *inputs(demo_files), "-o", out).exit_code == 0
    assert isinstance(json.loads(out.read_text()), list)
    csv_out = tmp_path / "barriers.csv"
    assert run("barriers", *inputs(demo_files), "-o", csv_out).exit_code == 0
    assert csv_out.read_text().startswith("kind,severity,actors")


def test_a_misspelt_name_gets_did_you_mean(run, write):
    log = write("typo.csv", "date,source,target\n2024-01-01,Nortvale ICB,Riverside GP Federation\n"
                            "2024-01-02,Riverside GP Federation,St Aidan's Hospice\n")
    result = run("validate", log, "--actors", ROOT / "data" / "actors.csv")
    assert "Nortvale ICB (did you mean 'Northvale ICB'" in result.output
    summary = run("summary", log, "--actors", ROOT / "data" / "actors.csv")
    assert "'Nortvale ICB' (did you mean 'Northvale ICB'" in summary.output


def _coordinator_workbook(path):
    """A workbook as a coordinator keeps it: a notes sheet first, then the log under a title
    row and a blank row, a header the tool knows only in part, a blank row inside."""
    from openpyxl import Workbook
    book = Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["This workbook is kept by the partnership coordinator"])
    log = book.create_sheet("Contacts 2024")
    log.append(["Northvale partnership: contact log"])
    log.append([])
    log.append(["Date", "From organisation", "To", "Programme"])
    log.append(["2024-01-05", "Northvale ICB", "St Aidan's Hospice", "End of life care"])
    log.append([])
    log.append(["2024-02-05", "St Aidan's Hospice", "Riverside GP Federation", "Diabetes"])
    log.append(["soon", "St Aidan's Hospice", "Riverside GP Federation", "Diabetes"])
    book.save(path)
    return path


def test_a_coordinator_workbook_is_read_with_cli_options_alone(run, tmp_path):
    book = _coordinator_workbook(tmp_path / "coordinator.xlsx")
    plain = run("validate", book)
    assert plain.exit_code == 2 and "columns are: date, From organisation, target, programme" in plain.output
    mapped = run("validate", book, "--column", "source=From organisation")
    assert mapped.exit_code == 1                                   # one row rejected
    assert "read sheet 'Contacts 2024'" in mapped.output and "header found on row 3" in mapped.output
    assert "unparseable date 'soon'\n           row 7, column 'date'" in mapped.output   # the row Excel shows
    chosen = run("summary", book, "--column", "source=From organisation", "--sheet", "contacts 2024",
                 "--format", "json")
    assert chosen.exit_code == 0 and '"ties": 2' in chosen.output
    assert "used 2 of 3 rows of" in chosen.output
    missing = run("summary", book, "--sheet", "Budget")
    assert missing.exit_code == 2 and "no workbook has a sheet 'Budget'" in missing.output


def test_numbers_in_a_date_column_are_numbers_unless_told_how_to_read_them(run, write):
    """A 't i j' sensor log: '1800' or '20' is not read as a year; with --time-unit s and
    --epoch it is seconds after the epoch (SocioPatterns' convention)."""
    log = write("sensor.csv", "t,i,j\n0,p1,p2\n20,p2,p3\n40,p1,p3\n")
    cols = ["--column", "date=t", "--column", "source=i", "--column", "target=j"]
    refused = run("summary", log, *cols)
    assert refused.exit_code == 2 and "'0' is a number, not a date" in refused.output
    read = run("summary", log, *cols, "--time-unit", "s", "--epoch", "2015-06-22", "--undirected", "--format", "json")
    assert read.exit_code == 0 and json.loads(read.output)["ties"] == 3
    half = run("summary", log, *cols, "--time-unit", "s")
    assert half.exit_code == 2 and "give both --time-unit" in half.output
    # Told they are seconds, eight digits are seconds too (not an ISO basic date such as
    # 16810719, 19 July 1681): 20,586,707 s = 238 days 6:31:47 after 2020-01-01 (a leap year): 2020-08-26.
    eight = write("eight.csv", "t,i,j\n16810719,p1,p2\n20586707,p2,p3\n")
    read = run("validate", eight, *cols, "--time-unit", "s", "--epoch", "2020-01-01")
    assert read.exit_code == 0 and "2 rows read, 2 used, 0 rejected" in read.output, read.output
    from stakeholder_graph.io.dates import parse_dates
    import pandas as pd
    dates, reasons = parse_dates(pd.Series(["16810719", "20586707"]), time_unit="s", epoch="2020-01-01")
    assert reasons.empty and str(dates[1]) == "2020-08-26 06:31:47"
    years = write("years.csv", "date,source,target\n1800,A,B\n2024-01-01,A,C\n20240315,B,C\n")
    result = run("validate", years)
    assert "'1800' is a number, not a date" in result.output and "2 used" in result.output


def test_a_log_without_a_header_mapped_by_position(run, write):
    """A SocioPatterns-style 't i j' log: no header, space-separated, seconds after an epoch."""
    log = write("tij.dat", "0 p1 p2\n20 p2 p3\n40 p1 p3\n60 p1 p2\n")
    args = ["--no-header", "--column", "date=1", "--column", "source=2", "--column", "target=3",
            "--time-unit", "s", "--epoch", "2015-06-22", "--undirected"]
    result = run("summary", log, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["ties"] == 3 and data["rows"] == {"read": 4, "used": 4, "not_used": 0}
    unmapped = run("summary", log, "--no-header")
    assert unmapped.exit_code == 2 and "columns are: 1, 2, 3" in unmapped.output


def test_the_real_workplace_log_from_the_command_line(run):
    """SocioPatterns InVS15 (CC0) read with CLI options alone (skips without the data folder)."""
    from conftest import real_folder
    folder = real_folder("sociopatterns_workplace_InVS15")
    args = ["--no-header", "--column", "date=1", "--column", "source=2", "--column", "target=3",
            "--time-unit", "s", "--epoch", "2015-06-22", "--undirected", "--format", "json"]
    result = run("summary", folder / "tij_InVS15.dat", *args)
    assert result.exit_code == 0, result.output[-500:]
    data = json.loads(result.output)
    assert data["rows"]["read"] == data["rows"]["used"] == 78_249
    assert data["actors"] == 217 and data["ties"] == 4_274      # as the dataset's README states


def test_a_calendar_export_is_a_meeting_register(run, tmp_path):
    """data/examples/boards.ics (hand-made): 4 events; a cancelled one, a recurring one, a
    declined attendee and an address no registry entry knows are rejected with their
    reasons; organisers and attendees are matched by the registry's email and domains."""
    ics, registry = ROOT / "data" / "examples" / "boards.ics", ROOT / "data" / "examples" / "calendar_actors.csv"
    result = run("validate", "--meetings", ics, "--actors", registry)
    assert result.exit_code == 1
    for reason in ["2 cancelled event", "2 recurring event (RRULE)", "1 attendee declined",
                   "1 attendee not matched to an actor"]:
        assert reason in result.output, reason
    summary = json.loads(run("summary", "--meetings", ics, "--actors", registry, "--format", "json")
                         .output.split("\n", 1)[1])
    assert summary["actors"] == 3 and summary["ties"] == 3
    assert summary["rows"] == {"read": 11 + 3, "used": 5 + 3, "not_used": 6}      # calendar + registry rows
    # No address from the calendar reaches any output.
    valid = run("validate", "--meetings", ics, "--actors", registry, "--format", "json").output
    out = tmp_path / "ties.json"
    run("export", "--meetings", ics, "--actors", registry, "--to", "json", "-o", out)
    for text in (valid, out.read_text()):
        assert "jo.bloggs" not in text and "mailto" not in text and "someone@" not in text


def test_a_coordinators_workbook_and_calendar_go_to_a_briefing_with_cli_options_alone(run, tmp_path):
    book = _coordinator_workbook(tmp_path / "coordinator.xlsx")
    ics = ROOT / "data" / "examples" / "boards.ics"
    registry = tmp_path / "actors.csv"
    registry.write_text("name,kind,email,domains\nNorthvale ICB,organisation,chair@northvale-icb.nhs.uk,\n"
                        "Riverside GP Federation,organisation,,riverside-gp.nhs.uk\n"
                        "St Aidan's Hospice,voluntary,,hospice.org.uk\n")
    out = tmp_path / "briefing.html"
    result = run("report", book, "--meetings", ics, "--actors", registry,
                 "--column", "interactions.source=From organisation", "-o", out)
    assert result.exit_code == 0, result.output
    # Every row accounted for in what the user sees: 3 + 11 + 3 read, 2 + 5 + 3 used.
    assert "used 2 of 3 rows of" in result.output and "used 5 of 11 rows of" in result.output
    assert "10 of 17 input rows used, 7 not used" in out.read_text(encoding="utf-8")
    validate = run("validate", "--meetings", ics, "--actors", registry)
    assert "gmail.com (1)" in validate.output and "jo.bloggs" not in validate.output


def test_validate_says_apart_which_rows_the_filters_leave_out(run, write):
    log = write("log.csv", "date,source,target,programme\n2024-01-01,A,B,diabetes\n2024-06-01,A,C,diabetes\n"
                           "2024-07-01,B,C,end of life\n")
    result = run("validate", log, "--since", "2024-05-01", "--programme", "diabetes")
    assert result.exit_code == 0                     # left out by a filter is not rejected
    assert "2 rows left out by the filters (--since 2024-05-01, --programme diabetes): not rejected" in result.output
