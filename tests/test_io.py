"""Readers: formats, encodings, header aliases, dates, and a clear answer for every bad input."""

import gzip

import pandas as pd
import pytest

import stakeholder_graph as sg

LOG = "date,source,target,type,programme,weight,sentiment\n" \
      "2024-01-05,Trust A,Council B,meeting,diabetes,30,positive\n" \
      "2024-02-01,Council B,Trust A,email,diabetes,,negative\n" \
      "2024-03-10,Trust A,Hospice C,call,end of life care,5,0.5\n"


def rejected_reasons(df):
    return df.attrs["report"].rejected["reason"].tolist()


# ---- formats and encodings ------------------------------------------------------------

def test_csv_reads_every_row_with_canonical_columns(write):
    log = sg.read_interactions(write("log.csv", LOG))
    assert list(log["source"]) == ["Trust A", "Council B", "Trust A"]
    assert log["weight"].tolist() == [30.0, 1.0, 5.0]            # empty weight means 1
    assert log["sentiment"].tolist() == [1.0, -1.0, 0.5]
    assert log["date"].dt.strftime("%Y-%m-%d").tolist() == ["2024-01-05", "2024-02-01", "2024-03-10"]
    assert log["row"].tolist() == [2, 3, 4]                       # header is row 1
    report = log.attrs["report"]
    assert (report.rows_read, report.rows_used, len(report.rejected)) == (3, 3, 0)


@pytest.mark.parametrize("name,transform", [
    ("log.tsv", lambda t: t.replace(",", "\t").encode()),
    ("log.txt", lambda t: t.replace(",", ";").encode()),
    ("log.csv.gz", lambda t: gzip.compress(t.encode())),
    ("log.csv", lambda t: b"\xef\xbb\xbf" + t.encode()),           # UTF-8 with BOM (Excel)
])
def test_text_variants_read_the_same(write, name, transform):
    log = sg.read_interactions(write(name, transform(LOG)))
    assert list(log["target"]) == ["Council B", "Trust A", "Hospice C"]
    assert list(log.columns[:3]) == ["date", "source", "target"]


def test_windows_1252_from_excel_keeps_accents(write):
    text = LOG.replace("Hospice C", "Café Connect")
    log = sg.read_interactions(write("log.csv", text.encode("cp1252")))
    assert "Café Connect" in set(log["target"])
    assert "Windows-1252" in log.attrs["report"].notes[0]


def test_xlsx_parquet_jsonl_and_dataframe(tmp_path):
    frame = pd.read_csv(pd.io.common.StringIO(LOG))
    frame.to_excel(tmp_path / "log.xlsx", index=False)
    frame.to_parquet(tmp_path / "log.parquet")
    frame.to_json(tmp_path / "log.jsonl", orient="records", lines=True)
    for source in [tmp_path / "log.xlsx", tmp_path / "log.parquet", tmp_path / "log.jsonl", frame]:
        log = sg.read_interactions(source)
        assert list(log["source"]) == ["Trust A", "Council B", "Trust A"], source
        assert log["date"].iloc[2] == pd.Timestamp("2024-03-10")


def test_excel_blank_rows_keep_the_row_numbers_people_see(tmp_path):
    frame = pd.DataFrame({"date": ["2024-01-01", None, "2024-01-03"], "source": ["A", None, "B"],
                          "target": ["B", None, "C"]})
    frame.to_excel(tmp_path / "gap.xlsx", index=False)
    log = sg.read_interactions(tmp_path / "gap.xlsx")
    assert log["row"].tolist() == [2, 4]                      # sheet row 3 is blank
    assert log.index.tolist() == [0, 1]


def test_header_aliases_and_explicit_mapping(write):
    aliased = write("a.csv", "When,From,To,Channel,Program\n2024-01-05,A,B,email,diabetes\n")
    log = sg.read_interactions(aliased)
    assert (log["source"][0], log["target"][0], log["type"][0], log["programme"][0]) == ("A", "B", "email", "diabetes")
    odd = write("b.csv", "Contact date,Lead org,Other org\n2024-01-05,A,B\n")
    log = sg.read_interactions(odd, columns={"date": "Contact date", "source": "Lead org", "target": "Other org"})
    assert (log["source"][0], log["target"][0]) == ("A", "B")


def test_day_first_dates_only_when_asked(write):
    path = write("uk.csv", "date,source,target\n03/04/2024,A,B\n25/12/2024,A,C\n")
    with pytest.raises(sg.AmbiguousDateError) as err:
        sg.read_interactions(path)
    message = str(err.value)
    assert "uk.csv" in message and "column 'date'" in message and "row 2" in message
    assert "day-first" in message                                 # 25/12 gives it away, and we say so
    log = sg.read_interactions(path, day_first=True)
    assert log["date"].tolist() == [pd.Timestamp("2024-04-03"), pd.Timestamp("2024-12-25")]
    log = sg.read_interactions(write("us.csv", "date,source,target\n03/04/2024,A,B\n"), month_first=True)
    assert log["date"][0] == pd.Timestamp("2024-03-04")


def test_time_zones_are_converted_to_utc(write):
    log = sg.read_interactions(write("tz.csv", "date,source,target\n2024-06-01T10:00:00+01:00,A,B\n"))
    assert log["date"][0] == pd.Timestamp("2024-06-01 09:00")


def test_names_that_look_like_numbers_or_nulls_stay_text(write):
    # Badge numbers and odd names must not become 7.0 or missing on the way in.
    log = sg.read_interactions(write("ids.csv", "date,source,target\n2024-01-01,007,NA\n2024-01-02,NULL,0.50\n"))
    assert list(log["source"]) == ["007", "NULL"] and list(log["target"]) == ["NA", "0.50"]


MESSY = ("date,source,target,type,programme,weight,sentiment,note\n"
         "2024-01-05,  Trust   A ,Council B,email,diabetes,30,positive,\"a, quoted note\"\n"
         "2024-01-06,Trust A,trust  a,call,,2,,\n"        # self-contact ignoring case and spaces
         "2024-01-07,,Council B,call,,2,,\n"
         "2024-13-01,Trust A,Hospice C,call,,2,,\n"
         "2024-01-08,Trust A,Hospice C,,end of life care,-1,,\n"
         "2024-01-09,Hospice C,Trust A,meeting,end of life care,,2,\n"
         "2024-01-10 09:30,Hospice C,007,meeting,,1.5,-0.5,x\n"
         "2024-01-11T10:00:00,007,Trust A,,,,neutral,\n")


def test_fast_and_general_readers_agree(write):
    """A plain UTF-8 file goes through pyarrow's reader; the same cells given as a
    DataFrame go through the general one.  Values, dtypes and reports must match."""
    path = write("messy.csv", MESSY)
    fast = sg.read_interactions(path)
    general = sg.read_interactions(pd.read_csv(path, dtype=str, keep_default_na=False))
    columns = ["date", "source", "target", "type", "programme", "weight", "sentiment", "note"]
    pd.testing.assert_frame_equal(fast[columns].astype(object), general[columns].astype(object))
    assert (fast["row"] - 2).tolist() == (general["row"] - 1).tolist()
    fast_rejected, general_rejected = fast.attrs["report"].rejected, general.attrs["report"].rejected
    assert fast_rejected["reason"].tolist() == general_rejected["reason"].tolist()
    assert fast_rejected["value"].tolist() == general_rejected["value"].tolist()
    assert (fast_rejected["row"] - 2).tolist() == (general_rejected["row"] - 1).tolist()
    assert fast_rejected["reason"].tolist() == [
        "self-contact: source and target are both the same actor", "missing source actor",
        "unparseable date '2024-13-01'", "weight -1 is not a positive number",
        "sentiment '2' is not a number in [-1, 1] or negative/neutral/positive"]
    # Names read once each, as Categoricals with the same categories on both ends.
    assert fast["source"].cat.categories.equals(fast["target"].cat.categories)
    assert set(fast["source"].cat.categories) == {"007", "Council B", "Hospice C", "Trust A"}


CLEAN_HEAD = "".join(f"2024-01-{1 + i % 28:02d},A{i % 7},B{i % 5},{1 + i % 3}\n" for i in range(250))


@pytest.mark.parametrize("tail", [
    ",A,B,1\n2024-02-01 10:30,A,C,2\n3024-01-05,A,B,1\n2204-01-05,B,C,1\n",   # dates parsed as read
    "2024-02-01,A,B,1\nbad,A,B,1\n2024-02-02T10:00:00Z,A,C,1\n",              # read again as text
    "NA,A,B,1\n2024-02-01,A,B,lots\n",                                       # "NA" is not an empty date
])
def test_dates_parsed_while_reading_agree_with_the_general_reader(write, tail):
    """The fast reader parses a date column as it reads when its first rows are plain
    ISO dates, and reads again as text if a later cell is not; either way the values,
    reasons and quoted cells are those of the general reader."""
    path = write("dates.csv", "date,source,target,weight\n" + CLEAN_HEAD + tail)
    fast = sg.read_interactions(path)
    general = sg.read_interactions(pd.read_csv(path, dtype=str, keep_default_na=False))
    pd.testing.assert_series_equal(fast["date"], general["date"])
    assert fast["source"].astype(str).tolist() == general["source"].astype(str).tolist()
    for column in ["reason", "value", "column"]:
        assert fast.attrs["report"].rejected[column].tolist() == general.attrs["report"].rejected[column].tolist()
    assert fast.attrs["report"].notes == general.attrs["report"].notes


@pytest.mark.parametrize("seed,messy_dates_from", [(1, 0), (2, 250), (3, 10_000)])
def test_random_messy_logs_read_the_same_both_ways(write, seed, messy_dates_from):
    """Seeded random logs with awkward names, dates, weights and sentiments (messy dates
    from the start, only after the sampled rows, or never): both readers agree."""
    import csv
    import io
    import numpy as np
    rng = np.random.default_rng(seed)
    names = ["Trust A", "trust a", " Trust  A ", "COUNCIL B", "Council B", "Hospice, C", 'Say "hi"', "007", "NA", ""]
    dates = ["2024-01-05", "2024-01-05 10:30", "2024-01-05T10:30:00", "", "bad", "2024-13-01", "3024-01-01",
             "2024-01-05T10:00:00Z", "NA", "2024-1-5"]
    weights = ["", "1", "2.5", "-1", "0", "lots", " 3 "]
    sentiments = ["", "positive", "NEGATIVE", "0.5", "2", "meh"]

    def cell(values, usual):
        return values[0] if rng.random() < usual else values[rng.integers(len(values))]

    buffer = io.StringIO()
    out = csv.writer(buffer)
    out.writerow(["date", "source", "target", "type", "programme", "weight", "sentiment", "note"])
    for i in range(400):
        out.writerow([cell(dates, 1.0 if i < messy_dates_from else 0.9), cell(names, 0), cell(names, 0),
                      cell(["email", "call", ""], 0.5), cell(["diabetes", "", "eol"], 0.5), cell(weights, 0.6),
                      cell(sentiments, 0.6), cell(["", "a note, with a comma"], 0.7)])
    path = write("random.csv", buffer.getvalue())
    fast = sg.read_interactions(path)
    general = sg.read_interactions(pd.read_csv(path, dtype=str, keep_default_na=False))
    columns = ["date", "source", "target", "type", "programme", "weight", "sentiment", "note"]
    pd.testing.assert_frame_equal(fast[columns].astype(object), general[columns].astype(object))
    for column in ["reason", "value"]:
        assert fast.attrs["report"].rejected[column].tolist() == general.attrs["report"].rejected[column].tolist()
    assert len(fast) + len(fast.attrs["report"].rejected) == 400


def test_files_the_fast_reader_refuses_still_read(write):
    # Ragged rows, a line break inside quotes and a repeated header all fall back to the
    # general reader, which reads them or says what is wrong.
    quoted = sg.read_interactions(write("q.csv", 'date,source,target,note\n2024-01-01,A,B,"two\nlines"\n2024-01-02,B,C,x\n'))
    assert quoted["note"].tolist() == ["two lines", "x"] and quoted["row"].tolist() == [2, 3]
    twice = sg.read_interactions(write("d.csv", "date,source,target,note,note\n2024-01-01,A,B,x,y\n"))
    assert twice["note"].tolist() == ["x"]
    with pytest.raises(sg.InputError) as err:
        sg.read_interactions(write("r.csv", "date,source,target\n2024-01-01,A,B,extra,cells\n"))
    assert "row 2 has 5 cells but the header names 3 columns" in str(err.value)


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


def test_dates_centuries_away_are_rejected_and_future_dates_noted(write):
    # 3024 and 0024 are typos that would set as_of a thousand years away (and cannot be
    # held in pandas' nanoseconds); 2204 is kept but said, since it moves as_of too.
    path = write("years.csv", "date,source,target\n2024-01-01,A,B\n3024-01-05,A,C\n0024-01-05,B,C\n"
                              "2204-01-05,B,C\n")
    log = sg.read_interactions(path)
    assert rejected_reasons(log) == ["date '3024-01-05' is outside the years 1678 to 2261",
                                     "date '0024-01-05' is outside the years 1678 to 2261"]
    assert log["date"].dtype == "datetime64[us]" and len(log) == 2
    assert log["date"].astype("datetime64[ns]").notna().all()      # the years kept fit nanoseconds too
    assert any("1 row(s) dated after today (the latest 2204-01-05)" in n for n in log.attrs["report"].notes)
    uk = sg.read_interactions(write("uk.csv", "date,source,target\n05/01/2024,A,B\n05/01/3024,A,C\n"), day_first=True)
    assert rejected_reasons(uk) == ["date '05/01/3024' is outside the years 1678 to 2261"]


def test_bad_sentiment_is_reported(write):
    log = sg.read_interactions(write("s.csv", "date,source,target,sentiment\n2024-01-01,A,B,furious\n"
                                              "2024-01-01,A,B,2\n2024-01-01,A,B,neutral\n"))
    assert len(log) == 1 and log["sentiment"][0] == 0.0
    assert all("sentiment" in r for r in rejected_reasons(log))


def test_counts_by_reason_add_up(write):
    body = "date,source,target\n" + "2024-01-01,A,B\n" * 5 + "bad,A,B\n" * 3 + "2024-01-01,A,A\n" * 2
    report = sg.read_interactions(write("log.csv", body)).attrs["report"]
    counts = report.counts_by_reason()
    assert counts.sum() + report.rows_used == report.rows_read == 10
    assert counts["unparseable date 'bad'"] == 3


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


def test_missing_file_and_unknown_extension(tmp_path, write):
    with pytest.raises(sg.InputError, match="file not found"):
        sg.read_interactions(tmp_path / "nope.csv")
    with pytest.raises(sg.InputError, match="unknown extension '.docx'"):
        sg.read_interactions(write("log.docx", "x"))


def test_corrupt_xlsx_is_an_input_error(write):
    with pytest.raises(sg.InputError, match="cannot be read as an Excel workbook"):
        sg.read_interactions(write("log.xlsx", b"PK\x03\x04 not really a workbook"))


# ---- meetings ---------------------------------------------------------------------------

def test_meetings_report_duplicates_and_single_participant(write):
    path = write("m.csv", "meeting,date,attendee\nBoard,2024-01-05,A\nBoard,2024-01-05,B\n"
                          "Board,2024-01-05,a\nSolo,2024-01-05,C\nBoard,nope,D\n")
    reg = sg.read_meetings(path)
    assert sorted(reg["participant"]) == ["A", "B"]
    assert sorted(rejected_reasons(reg)) == ["meeting has a single participant: no tie",
                                             "participant listed twice for this meeting",
                                             "unparseable date 'nope'"]


# ---- actor registry ---------------------------------------------------------------------

REGISTRY = ("name,kind,sector,parent,aliases,region\n"
            "Northvale Trust,organisation,acute,,NT;Northvale,north\n"
            "Diabetes Team,team,,Northvale Trust,,north\n"
            "Foot Clinic,team,,Diabetes Team,,north\n"
            "Hospice,voluntary,voluntary,,,south\n")


def test_registry_organisation_sector_and_extra_columns(write):
    actors = sg.read_actors(write("actors.csv", REGISTRY)).set_index("name")
    assert actors.loc["Foot Clinic", "organisation"] == "Northvale Trust"    # two levels up
    assert actors.loc["Diabetes Team", "sector"] == "acute"                  # inherited
    assert actors.loc["Hospice", "region"] == "south"


@pytest.mark.parametrize("registry,expected", [
    ("name\nA\na\n", "actor 'a' is listed twice (first at row 2)"),
    ("name,parent\nA,\nB,Nowhere\n", "parent 'Nowhere' of 'B' is not an actor in this file"),
    ("name,parent\nA,B\nB,C\nC,A\n", "parents form a cycle: A -> B -> C -> A"),
    ("name,aliases\nA,X\nB,X\n", "alias 'X' already names another actor (row 2)"),
    ("kind\norganisation\n", "has no 'name' column"),
])
def test_registry_contradictions_are_errors(write, registry, expected):
    with pytest.raises(sg.InputError) as err:
        sg.read_actors(write("actors.csv", registry))
    assert expected in str(err.value) and "actors.csv" in str(err.value)


def test_registry_row_without_name_is_reported(write):
    actors = sg.read_actors(write("actors.csv", "name,kind\nA,team\n,team\n"))
    assert len(actors) == 1 and rejected_reasons(actors) == ["missing name"]


def test_unknown_actors_are_kept_and_listed(write):
    inputs = sg.read_inputs([write("log.csv", "date,from,to\n2024-01-01,NT,Stranger\n")],
                            actors=write("actors.csv", REGISTRY))
    assert inputs.unknown_actors() == ["Stranger"]
    G = sg.build_graph(inputs.interactions, actors=inputs.actors)
    assert G.has_edge("Northvale Trust", "Stranger")                         # alias NT resolved
    assert G.nodes["Stranger"]["kind"] == "unknown"
    assert G.graph["unknown_actors"] == ["Stranger"]


def test_alias_is_resolved_when_it_keeps_the_names_in_order(write):
    # Participants B, NT and Z resolve to B, Northvale Trust and Z: as many names, in the
    # same sorted order, a case that once left "NT" unresolved.
    meetings = write("meetings.csv", "event,date,participant\n" + "".join(
        f"Board,2024-01-01,{p}\n" for p in ["NT", "B", "Z"]))
    G = sg.build_graph(meetings=meetings, actors=write("actors.csv", REGISTRY))
    assert sorted(map(sorted, G.edges)) == [["B", "Northvale Trust"], ["B", "Z"], ["Northvale Trust", "Z"]]


def test_names_differing_only_in_case_are_one_actor(write):
    # Hand-typed logs write "Trust A" and "TRUST A"; the self-contact check already treats
    # them as one actor, so the graph must too.  The spelling used most wins, mixed case
    # among equals; a registry's own spelling wins over both.
    log = write("log.csv", "date,source,target\n2024-01-01,Trust A,Council B\n2024-01-02,TRUST A,council b\n"
                           "2024-01-03,Council B,Hospice\n2024-01-04,hospice,Trust A\n")
    inputs = sg.read_inputs([log])
    assert inputs.case_variants() == {"TRUST A": "Trust A", "council b": "Council B", "hospice": "Hospice"}
    G = sg.build_graph(inputs.interactions)
    assert sorted(G) == ["Council B", "Hospice", "Trust A"]
    assert G["Trust A"]["Council B"]["count"] == 2
    assert G.graph["case_variants"]["TRUST A"] == "Trust A"
    registry = write("actors.csv", "name\nTRUST A\nCouncil B\nHospice\n")
    G = sg.build_graph(log, actors=registry)
    assert sorted(G) == ["Council B", "Hospice", "TRUST A"] and G.graph["unknown_actors"] == []


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
