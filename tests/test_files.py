"""Opening files: formats, encodings, the fast (pyarrow) and general readers agreeing, files that cannot be read."""

import gzip

import pandas as pd
import pytest

import stakeholder_graph as sg
from io_samples import LOG
from conftest import ROOT


# ---- formats and encodings ------------------------------------------------------------

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


def test_missing_file_and_unknown_extension(tmp_path, write):
    with pytest.raises(sg.InputError, match="file not found"):
        sg.read_interactions(tmp_path / "nope.csv")
    with pytest.raises(sg.InputError, match="unknown extension '.docx'"):
        sg.read_interactions(write("log.docx", "x"))


def test_corrupt_xlsx_is_an_input_error(write):
    with pytest.raises(sg.InputError, match="is not a readable Excel workbook"):
        sg.read_interactions(write("log.xlsx", b"PK\x03\x04 not really a workbook"))


@pytest.mark.parametrize("content", [
    "date,source,target,note\n2024-01-01,A,B,\"" + "x" * 140_000 + "\"\n2024-01-02,A,C,ok\n",   # > csv's field limit
    "date,source,target\r2024-01-01,A,B\r2024-01-02,A\r,C\n",                                  # old Mac line ends
    "date,source,target,note\n2024-01-01,A,B,\"a\rb\"\n2024-01-02,A,C,\"x" + "y" * 140_000 + "\n",
])
def test_huge_fields_and_bare_carriage_returns_are_read_or_refused_in_words(write, content):
    """These raised Python's _csv.Error uncaught (a traceback) in every reader."""
    path = write("log.csv", content)
    try:
        log = sg.read_interactions(path)
    except sg.InputError as err:
        assert str(path) in str(err)
    else:
        assert len(log) + len(log.attrs["report"].rejected) >= 1


def test_mutated_copies_of_the_demo_never_end_in_a_traceback(tmp_path):
    """Truncations, random bytes, stray quotes, huge fields, carriage returns and NULs in
    seeded mutated copies of data/: each is read (rows reported) or refused with an
    InputError; 4% of such copies used to end in a traceback."""
    import random
    from stakeholder_graph.errors import StakeholderGraphError
    data = ROOT / "data"
    originals = {kind: (data / f"{kind}.csv").read_bytes()[:20_000] for kind in ("interactions", "meetings", "actors")}
    for seed in range(100):   # the readers before this change failed on some of these
        rng = random.Random(seed)
        kind = rng.choice(sorted(originals))
        blob = bytearray(originals[kind])
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(max(len(blob), 1))
            blob[at:at] = rng.choice([b'"', b"\r", b"\x00", b'"' + b"x" * 140_000 + b'"',
                                      bytes(rng.randrange(256) for _ in range(8))])
        files = {k: data / f"{k}.csv" for k in originals}
        files[kind] = tmp_path / f"{kind}_{seed}.csv"
        files[kind].write_bytes(bytes(blob))
        try:
            inputs = sg.read_inputs([files["interactions"]], [files["meetings"]], files["actors"])
            sg.build_graph(inputs.interactions, inputs.meetings, inputs.actors)
        except StakeholderGraphError:
            pass


def test_title_lines_and_blank_lines_keep_the_row_numbers_a_spreadsheet_shows(write):
    """A workbook saved as CSV: a title and a blank line above the header, a blank line
    inside. The header is found; a bad row is named by the line it is on (7)."""
    path = write("titled.csv", "Northvale partnership contact log\n\nWhen,From,To\n2024-01-01,A,B\n\n"
                               "2024-02-01,B,C\nsoon,B,C\n")
    log = sg.read_interactions(path)
    report = log.attrs["report"]
    assert len(log) == 2 and report.rows_read == 3
    assert report.rejected["row"].tolist() == [7]
    assert any("header found on row 3" in note for note in report.notes)
    plain = sg.read_interactions(write("blank.csv", "When,From,To\n2024-01-01,A,B\n\n2024-02-01,B,C\nsoon,B,C\n"))
    assert plain.attrs["report"].rejected["row"].tolist() == [5]


def test_no_header_skips_a_blank_first_sheet(tmp_path):
    from openpyxl import Workbook
    book = Workbook()
    book.active.title = "Empty"
    log = book.create_sheet("Log")
    log.append(["2024-01-01", "A", "B"])
    book.save(tmp_path / "wb.xlsx")
    table = sg.read_interactions(tmp_path / "wb.xlsx", no_header=True, columns={"date": "1", "source": "2", "target": "3"})
    assert len(table) == 1
