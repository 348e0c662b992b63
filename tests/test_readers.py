"""Readers: canonical columns, one reason per bad row, one clear error per fatal input, meetings, several files."""

import pandas as pd
import pytest

import stakeholder_graph as sg
from io_samples import LOG, rejected_reasons


def test_csv_reads_every_row_with_canonical_columns(write):
    log = sg.read_interactions(write("log.csv", LOG))
    assert list(log["source"]) == ["Trust A", "Council B", "Trust A"]
    assert log["weight"].tolist() == [30.0, 1.0, 5.0]            # empty weight means 1
    assert log["sentiment"].tolist() == [1.0, -1.0, 0.5]
    assert log["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-05", "2024-02-01", "2024-03-10"]
    assert log["row"].tolist() == [2, 3, 4]                       # header is row 1
    report = log.attrs["report"]
    assert (report.rows_read, report.rows_used, len(report.rejected)) == (3, 3, 0)


def test_several_logs_read_as_one_keep_names_as_categoricals(write):
    first = write("a.csv", "date,source,target\n2024-01-01,A,B\n2024-01-02,B,C\n")
    second = write("b.csv", "date,source,target,programme\n2024-02-01,C,D,diabetes\n2024-02-02,A,B,\n")
    inputs = sg.read_inputs([first, second])
    log = inputs.interactions
    assert len(log) == 4 and [r.rows_used for r in inputs.reports] == [2, 2]
    assert log["source"].dtype == "category" and log["source"].cat.categories.equals(log["target"].cat.categories)
    assert list(log["source"].cat.categories) == ["A", "B", "C", "D"]
    assert log["programme"].tolist() == ["", "", "diabetes", ""]
    assert log["file"].tolist() == [str(first)] * 2 + [str(second)] * 2 and log["row"].tolist() == [2, 3, 2, 3]
    assert sg.build_graph(log)["A"]["B"]["count"] == 2


# ---- bad rows are reported, one reason each ---------------------------------------------

@pytest.mark.parametrize("row,reason", [
    ("yesterday,A,B,", "unparseable date 'yesterday'"),
    (",A,B,", "missing date"),
    ("2024-01-05,,B,", "missing source actor"),
    ("2024-01-05,A,,", "missing target actor"),
    ("2024-01-05,A,a,", "self-contact: source and target are both the same actor"),
    ("2024-01-05,A,B,-3", "weight -3 is not a positive number"),
    ("2024-01-05,A,B,0", "weight 0 is not a positive number"),
    ("2024-01-05,A,B,lots", "weight 'lots' is not a number"),
])
def test_each_bad_row_gets_its_own_reason(write, row, reason):
    path = write("log.csv", "date,source,target,weight\n2024-01-01,X,Y,1\n" + row + "\n")
    log = sg.read_interactions(path)
    report = log.attrs["report"]
    assert report.rows_read == 2 and report.rows_used == 1
    rejected = report.rejected.iloc[0]
    assert (rejected["file"], rejected["row"], rejected["reason"]) == (str(path), 3, reason)


# ---- fatal problems: one clear message naming file, column, row -------------------------

@pytest.mark.parametrize("content,expected", [
    ("", "is empty"),
    ("   \n", "is empty"),
    ("date,source\n2024-01-01,A\n", "has no 'target' column"),
    ("date,from,sender,to\n2024-01-01,A,B,C\n", "all look like 'source'"),
    ("date,source,target\nbad,A,B\n", "no usable rows"),
    (b"\x00\x01\x02binary\x00junk", "is a binary file"),
    (b"PK\x03\x04rest-of-a-zip", "is an Excel (XLSX) or zip file"),
    (b"\xff\xfe\x00\x00\x80\x81\x9d", "binary"),
])
def test_fatal_inputs_raise_one_clear_error(write, content, expected):
    path = write("bad.csv", content)
    with pytest.raises(sg.InputError) as err:
        sg.read_interactions(path)
    assert expected in str(err.value) and "bad.csv" in str(err.value)


# ---- meetings ---------------------------------------------------------------------------

def test_meetings_report_duplicates_and_single_participant(write):
    path = write("m.csv", "meeting,date,attendee\nBoard,2024-01-05,A\nBoard,2024-01-05,B\n"
                          "Board,2024-01-05,a\nSolo,2024-01-05,C\nBoard,nope,D\n")
    reg = sg.read_meetings(path)
    assert sorted(reg["participant"]) == ["A", "B"]
    assert sorted(rejected_reasons(reg)) == ["meeting has a single participant: no tie",
                                             "participant listed twice for this meeting",
                                             "unparseable date 'nope'"]


def test_a_cell_naming_several_actors_is_rejected_with_that_reason(write):
    """Never one actor called "A; B": the row is reported (the registry uses ';' between aliases)."""
    log = sg.read_interactions(write("log.csv", "date,source,target\n2024-01-01,A; B,C\n2024-01-02,A,C\n"
                                                "2024-01-03,C,B;A\n"))
    rejected = log.attrs["report"].rejected
    assert len(log) == 1 and rejected["row"].tolist() == [2, 4]
    assert rejected["reason"].str.startswith("names several actors").all()
    meetings = sg.read_meetings(write("m.csv", "event,date,participant\nE,2024-01-01,A;B\nE,2024-01-01,C\n"
                                               "E,2024-01-01,D\n"))
    assert meetings.attrs["report"].rejected["reason"].tolist() == ["names several participants (one row per participant)"]


def test_calendar_edge_cases(tmp_path):
    """A broken start date is a rejected row, not a traceback; an organiser listed again as
    an attendee (as exports do) is one participant."""
    registry = sg.read_actors(pd.DataFrame({"name": ["Alpha", "Beta"], "domains": ["alpha.org", "beta.org"]}))
    ics = tmp_path / "cal.ics"
    ics.write_text("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART:garbage\r\nORGANIZER:mailto:a@alpha.org\r\n"
                   "ATTENDEE:mailto:b@beta.org\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:2\r\nDTSTART:20240105T100000Z\r\n"
                   "ORGANIZER:mailto:a@alpha.org\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:a@alpha.org\r\n"
                   "ATTENDEE:mailto:b@beta.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    meetings = sg.read_meetings(ics, actors=registry)
    report = meetings.attrs["report"]
    assert len(meetings) == 2 and set(meetings["participant"].astype(str)) == {"Alpha", "Beta"}
    assert report.rejected["column"].tolist() == ["date", "date"]           # the broken event's two rows
