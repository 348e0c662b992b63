"""The Dask engine (issue #13): a log checked partition by partition and reduced to the tie
table by partial tie tables gives the graph the in-memory path gives.

Where the expected values come from: the in-memory path (``read_interactions`` /
``read_meetings`` of the same files, ``build_graph``), an independent peer path over the
same rows (one table, one tie table, no partitions, no tree reduction, no first look);
every tie attribute is compared (floats to 1e-9: sums are added in another order), the
node sets and attributes, ``G.graph`` (``contacts_used``, ``activity``, ``as_of``...), and
the rows not used (counts by reason, and file, row, column, value and reason of each).

The data are small and planted with a bad row of every kind the reader rejects (bad date,
blank actor, self-contact, several actors in a cell, bad weight, bad sentiment), names
that differ only in case, programme spellings that differ only in case, and a rejected
row holding the log's last date (so the build's first look guesses ``as_of`` wrong and
must run its checked pass again).  Dask runs synchronously (fast, deterministic); one
test runs on a small ``distributed`` LocalCluster.
"""

import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import stakeholder_graph as sg
from stakeholder_graph.cli import cli
from stakeholder_graph.errors import InputError, MissingLibraryError
from stakeholder_graph.io.readers import _stack

REASON = "the Dask engine's tests need dask and distributed: pip install 'stakeholder-graph[dask]'"


@pytest.fixture
def dask_sync():
    dask = pytest.importorskip("dask", reason=REASON)
    pytest.importorskip("dask.dataframe", reason=REASON)
    pytest.importorskip("distributed", reason=REASON)
    with dask.config.set(scheduler="synchronous"):
        yield dask


@pytest.fixture
def small_partitions(monkeypatch):
    """Several partitions per Parquet file (row groups of 50 rows, partitions of ~100)."""
    from stakeholder_graph.io import lazy
    monkeypatch.setattr(lazy, "ROWS_PER_PARTITION", 100)


NAMES = ["Northvale ICB", "Northvale Council", "Riverside Trust", "Hill Hospice", "Carers Link",
         "Eastside PCN", "TRUST A", "Trust A", "trust a"]


def raw_log(rows=600, seed=7) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 600 * 24, rows), unit="h")
    log = pd.DataFrame({
        "date": dates.strftime("%Y-%m-%d %H:%M"),
        "source": rng.choice(NAMES, rows), "target": rng.choice(NAMES, rows),
        "type": rng.choice(["email", "call", "Email", "meeting"], rows),
        "programme": rng.choice(["diabetes", "Diabetes", "end of life care", ""], rows),
        "weight": rng.integers(1, 40, rows).astype(str),
        "sentiment": rng.choice(["", "", "negative", "0.5", "positive", "-0.2"], rows),
    })
    log.loc[log["source"] == log["target"], "target"] = "Northvale ICB"
    log.loc[log["source"] == log["target"], "source"] = "Carers Link"
    # One bad row of each kind the reader rejects.
    log.loc[3, "date"] = "2023-02-31"
    log.loc[10, "date"] = "not a date"
    log.loc[17, "source"] = ""
    log.loc[24, "target"] = log.loc[24, "source"]
    log.loc[31, "source"] = "Riverside Trust; Hill Hospice"
    log.loc[38, "weight"] = "-3"
    log.loc[45, "weight"] = "lots"
    log.loc[52, "sentiment"] = "7"
    # The last date of the log is on a rejected row: the first look's as_of is wrong.
    log.loc[rows - 2, "date"] = "2024-12-31 23:00"
    log.loc[rows - 2, "weight"] = "0"
    return log


def write_files(folder, log, files=3, suffix=".parquet"):
    """The log split over ``files`` files in ``folder`` (Parquet in row groups of 50 rows)."""
    folder.mkdir()
    paths = []
    for i, part in enumerate(np.array_split(np.arange(len(log)), files)):
        path = folder / f"part{i}{suffix}"
        if suffix == ".parquet":
            log.iloc[part].to_parquet(path, index=False, row_group_size=50)
        else:
            log.iloc[part].to_csv(path, index=False)
        paths.append(str(path))
    return paths


def write_parquet(folder, log, files=3):
    return write_files(folder, log, files)


def write_csv(folder, log, files=3):
    return write_files(folder, log, files, ".csv")


def in_memory(paths):
    """The in-memory reader's table of several files (as the CLI reads them)."""
    return sg.read_inputs(paths).interactions


def assert_same_values(d: dict, e: dict, where) -> None:
    """Equal, but floats (sums added in another order) to 1e-9."""
    assert set(d) == set(e), where
    for key, value in d.items():
        other = e[key]
        if isinstance(value, float) and not isinstance(value, bool):
            assert (math.isnan(value) and math.isnan(other)) or other == pytest.approx(value, rel=1e-9, abs=1e-12), \
                (where, key, value, other)
        else:
            assert value == other, (where, key, value, other)


def assert_same_graph(G, H):
    assert set(G) == set(H)
    for node in G:
        # A node's floats too (an organisation's internal volume is a sum over partitions).
        assert_same_values(G.nodes[node], H.nodes[node], node)
    assert {frozenset(e) for e in G.edges} == {frozenset(e) for e in H.edges}
    for u, v, d in G.edges(data=True):
        assert_same_values(d, H[u][v], (u, v))
    assert G.graph.keys() == H.graph.keys()
    for key, value in G.graph.items():
        if key == "survey":          # holds the survey's rating rows as a DataFrame
            assert value.keys() == H.graph[key].keys()
            for k, v in value.items():
                if isinstance(v, pd.DataFrame):
                    pd.testing.assert_frame_equal(v, H.graph[key][k])
                else:
                    assert v == H.graph[key][k], (key, k)
        else:
            assert value == H.graph[key], key


def rejected_of(reports) -> pd.DataFrame:
    table = pd.concat([r.rejected for r in reports], ignore_index=True)
    table = table.astype({"row": int, **{c: str for c in ("file", "column", "value", "reason")}})
    return table.sort_values(["file", "row"]).reset_index(drop=True)[["file", "row", "column", "value", "reason"]]


OPTIONS = [{}, {"since": "2023-03-01", "until": "2024-06-30"}, {"programme": "Diabetes"},
           {"type": ["call", "email"], "half_life": 90}, {"as_of": "2025-06-01"}, {"undirected": True}]


@pytest.mark.parametrize("options", OPTIONS, ids=lambda o: ",".join(o) or "default")
def test_parquet_dataset_gives_the_in_memory_graph(dask_sync, small_partitions, tmp_path, options):
    paths = write_parquet(tmp_path / "log", raw_log())
    G = sg.build_graph(in_memory(paths), **options)
    H = sg.build_graph(sg.read_interactions(str(tmp_path / "log"), engine="dask"), **options)
    assert_same_graph(G, H)
    assert len(H.graph["case_variants"]) == 2          # three spellings of one actor


def test_parquet_dataset_reports_the_rows_not_used(dask_sync, small_partitions, tmp_path):
    paths = write_parquet(tmp_path / "log", raw_log())
    expected = [sg.read_interactions(p).attrs["report"] for p in paths]
    log = sg.read_interactions(str(tmp_path / "log" / "*.parquet"), engine="dask")
    assert len(log.parts) > len(paths)                       # several partitions per file
    report = log.report
    assert report.rows_read == sum(r.rows_read for r in expected) == 600
    assert report.rows_used == sum(r.rows_used for r in expected)
    assert report.rows_used < 600 - 9                        # 9 planted, and self-contacts of case variants
    by_reason = pd.concat([r.counts_by_reason() for r in expected]).groupby(level=0).sum()
    assert report.counts_by_reason().sort_index().to_dict() == by_reason.sort_index().to_dict()
    # The sample (here every rejected row) and the full list name file and row as in memory.
    pd.testing.assert_frame_equal(rejected_of([report]), rejected_of(expected))
    pd.testing.assert_frame_equal(rejected_of([type("R", (), {"rejected": log.rejected_rows().compute()})]),
                                  rejected_of(expected))
    assert report.to_dict()["rows_rejected"] == sum(len(r.rejected) for r in expected)


def test_csv_glob_gives_the_in_memory_graph_and_report(dask_sync, tmp_path):
    paths = write_csv(tmp_path / "csv", raw_log(seed=3))
    G = sg.build_graph(in_memory(paths))
    log = sg.read_interactions(str(tmp_path / "csv" / "part*.csv"), engine="dask")
    H = sg.build_graph(log)
    assert_same_graph(G, H)
    expected = [sg.read_interactions(p).attrs["report"] for p in paths]
    pd.testing.assert_frame_equal(rejected_of([log.report]), rejected_of(expected))


def test_a_dask_dataframe_gives_the_in_memory_graph(dask_sync):
    import dask.dataframe as dd
    raw = raw_log(seed=5)
    G = sg.build_graph(sg.read_interactions(raw))
    log = sg.read_interactions(dd.from_pandas(raw, npartitions=4))
    H = sg.build_graph(log, level="actor")
    assert_same_graph(G, H)
    assert set(log.report.rejected["file"]) <= {f"DataFrame partition {i}" for i in range(4)}
    assert log.report.rows_used == len(sg.read_interactions(raw))


ACTORS = pd.DataFrame({
    "name": ["Northvale ICB", "Northvale Council", "Riverside Trust", "Riverside Diabetes Team", "Hill Hospice",
             "Trust A"],
    "kind": ["organisation", "organisation", "organisation", "team", "voluntary", "organisation"],
    "parent": ["", "", "", "Riverside Trust", "", ""],
    "aliases": ["NHS Northvale ICB", "", "", "", "", "Carers Link"],
})


def raw_register(seed=11) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    people = NAMES + ["Riverside Diabetes Team", "NHS Northvale ICB"]
    for m in range(40):
        day = (pd.Timestamp("2023-02-01") + pd.Timedelta(days=int(rng.integers(0, 550)))).date().isoformat()
        for person in rng.choice(people, size=int(rng.integers(1, 6)), replace=False):
            rows.append({"meeting": f"Board {m % 7}", "date": day, "attendee": person,
                         "programme": rng.choice(["diabetes", "Diabetes", ""])})
    register = pd.DataFrame(rows)
    register.loc[len(register)] = {"meeting": "Board 1", "date": "soon", "attendee": "Hill Hospice", "programme": ""}
    return register


@pytest.mark.parametrize("level", ["actor", "organisation"])
def test_meetings_and_registry_give_the_in_memory_graph(dask_sync, tmp_path, level):
    """Registers split over two files (meetings spread over both: the engine shuffles the
    rows by event), aliases and a parent in the registry, both levels."""
    log_paths = write_parquet(tmp_path / "log", raw_log(seed=9), files=2)
    register = raw_register()
    (tmp_path / "reg").mkdir()
    halves = [register.iloc[::2], register.iloc[1::2]]
    reg_paths = []
    for i, half in enumerate(halves):
        reg_paths.append(str(tmp_path / "reg" / f"r{i}.csv"))
        half.to_csv(reg_paths[-1], index=False)
    actors_path = tmp_path / "actors.csv"
    ACTORS.to_csv(actors_path, index=False)
    memory = sg.read_inputs(log_paths, reg_paths, str(actors_path))
    G = sg.build_graph(memory.interactions, memory.meetings, memory.actors, level=level)
    lazy = sg.read_inputs([str(tmp_path / "log")], [str(tmp_path / "reg" / "*.csv")], str(actors_path),
                          engine="dask")
    H = sg.build_graph(lazy.interactions, lazy.meetings, lazy.actors, level=level)
    assert_same_graph(G, H)
    assert G.graph["merged_self_contacts"] > 0          # "Carers Link" is an alias of "Trust A"
    assert lazy.unknown_actors() == memory.unknown_actors()
    assert lazy.rows() == memory.rows()


def test_partial_tie_tables_combine_to_the_tie_table():
    """The reduction itself: partial tables of any split of the contacts, combined in any
    grouping, finish to the tie table of all of them (tie_table, one partial)."""
    from stakeholder_graph.ties import combine_partials, contact_frame, finish_ties, partial_ties, tie_table
    G_contacts = sg.graph.prepare_contacts(raw_log(seed=2)).contacts
    expected = tie_table(G_contacts, half_life=120)
    frame = contact_frame(G_contacts, None, 120)
    parts = [partial_ties(G_contacts.iloc[i::5], half_life=120, **frame) for i in range(5)]
    combined = combine_partials([combine_partials(parts[:2]), combine_partials(parts[2:])])
    got = finish_ties(combined, as_of=frame["as_of"], period_days=frame["period_days"])
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9)


def test_all_rows_rejected_is_an_error(dask_sync, tmp_path):
    log = raw_log().head(5).assign(weight="-1")
    log.to_parquet(tmp_path / "bad.parquet", index=False)
    with pytest.raises(InputError, match="no usable rows: all 5 rows were rejected"):
        sg.build_graph(sg.read_interactions(tmp_path / "bad.parquet", engine="dask"))


def test_a_log_with_no_rows_says_so_as_in_memory(dask_sync, tmp_path):
    raw_log().head(0).to_parquet(tmp_path / "empty.parquet", index=False)
    runner = CliRunner()
    memory = runner.invoke(cli, ["summary", str(tmp_path / "empty.parquet")])
    dask = runner.invoke(cli, ["summary", str(tmp_path / "empty.parquet"), "--engine", "dask"])
    assert memory.exit_code == dask.exit_code == 2
    assert dask.stderr == memory.stderr


def test_a_pattern_that_matches_nothing_is_an_error(dask_sync, tmp_path):
    with pytest.raises(InputError, match="no file matches"):
        sg.read_interactions(str(tmp_path / "*.parquet"), engine="dask")


def test_on_a_local_cluster(tmp_path):
    """The same code on a distributed LocalCluster (two worker processes): the same graph."""
    pytest.importorskip("dask.dataframe", reason=REASON)
    distributed = pytest.importorskip("distributed", reason=REASON)
    paths = write_parquet(tmp_path / "log", raw_log(seed=4), files=2)
    G = sg.build_graph(in_memory(paths))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c, \
            distributed.Client(c):
        H = sg.build_graph(sg.read_interactions(str(tmp_path / "log"), engine="dask"))
    assert_same_graph(G, H)


# ---- the command line -----------------------------------------------------------------


def test_cli_engine_dask_gives_the_in_memory_summary(dask_sync, small_partitions, tmp_path):
    paths = write_parquet(tmp_path / "log", raw_log())
    runner = CliRunner()
    memory = runner.invoke(cli, ["summary", *paths, "--format", "json"])
    dask = runner.invoke(cli, ["summary", str(tmp_path / "log"), "--engine", "dask", "--format", "json"])
    assert memory.exit_code == 0 and dask.exit_code == 0, dask.output
    import json
    got, expected = json.loads(dask.stdout), json.loads(memory.stdout)
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == (pytest.approx(value, rel=1e-9) if isinstance(value, float) else value), key
    used = sg.read_inputs(paths).rows()["used"]
    assert f"used {used:,} of 600 rows" in dask.stderr


def test_cli_validate_with_engine_dask(dask_sync, tmp_path):
    paths = write_parquet(tmp_path / "log", raw_log())
    used = sg.read_inputs(paths).rows()["used"]
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "log"), "--engine", "dask"])
    assert result.exit_code == 1                       # rows were rejected
    assert f"{tmp_path / 'log'} (interactions): 600 rows read, {used} used, {600 - used} rejected" in result.output
    # Row 4 of the first file: the fourth row below the header (index 3), a bad date.
    assert f"{tmp_path / 'log' / 'part0.parquet'}, row 4, column 'date'" in result.output


def test_cli_bad_scheduler_address_is_one_error_line(dask_sync, tmp_path):
    write_parquet(tmp_path / "log", raw_log())
    result = CliRunner().invoke(cli, ["summary", str(tmp_path / "log"), "--scheduler", "nonsense://nowhere"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot reach the Dask scheduler at 'nonsense://nowhere'")
    assert len(result.stderr.strip().splitlines()) == 1


def test_cli_scheduler_from_the_environment(dask_sync, tmp_path, monkeypatch):
    """DASK_SCHEDULER_ADDRESS is used with --engine dask (and only then)."""
    write_parquet(tmp_path / "log", raw_log(), files=1)
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "nonsense://nowhere")
    result = CliRunner().invoke(cli, ["summary", str(tmp_path / "log"), "--engine", "dask"])
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: cannot reach the Dask scheduler at 'nonsense://nowhere'")
    result = CliRunner().invoke(cli, ["summary", str(tmp_path / "log" / "part0.parquet")])
    assert result.exit_code == 0


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_cli_damaged_files_are_one_error_line(dask_sync, tmp_path, suffix):
    """Bytes changed in the middle of a file (a Parquet page, a CSV row) and a file cut short:
    one ``Error:`` line or a report, never a traceback."""
    raw = raw_log()
    folder = tmp_path / "log"
    paths = write_parquet(folder, raw, files=1) if suffix == ".parquet" else write_csv(folder, raw, files=1)
    data = bytearray(open(paths[0], "rb").read())
    for cut, flip in [(len(data) // 2, True), (len(data) - 7, False), (40, True)]:
        damaged = bytearray(data[:cut] if not flip else data)
        if flip:
            for i in range(cut, min(cut + 64, len(damaged))):
                damaged[i] ^= 0x5A
        open(paths[0], "wb").write(bytes(damaged))
        result = CliRunner().invoke(cli, ["summary", str(folder), "--engine", "dask"])
        assert result.exit_code in (0, 2), result.output
        assert "Traceback" not in result.output
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
        if result.exit_code == 2:
            assert result.stderr.startswith("Error: ") and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("level", ["actor", "organisation"])
def test_compare_and_timeline_as_in_memory(dask_sync, level):
    """compare_periods and timeline on the Dask engine (each period's graph and the
    per-block counts reduced on the cluster): the in-memory tables, explanations included."""
    from pathlib import Path
    from stakeholder_graph.compare import timeline
    data = Path(__file__).resolve().parents[1] / "data"
    files = ([str(data / "interactions.csv")], [str(data / "meetings.csv")], str(data / "actors.csv"))
    memory, lazy = sg.read_inputs(*files), sg.read_inputs(*files, engine="dask")
    expected = sg.compare_periods(memory.interactions, memory.meetings, memory.actors, at="2025-10-01", level=level)
    got = sg.compare_periods(lazy.interactions, lazy.meetings, lazy.actors, at="2025-10-01", level=level)
    pd.testing.assert_frame_equal(got.table(), expected.table(), check_exact=False, rtol=1e-9)
    pd.testing.assert_frame_equal(timeline(lazy.interactions, lazy.meetings, lazy.actors, level=level),
                                  timeline(memory.interactions, memory.meetings, memory.actors, level=level),
                                  check_exact=False, rtol=1e-9)


def test_cli_compare_and_timeline_with_engine_dask(dask_sync):
    from pathlib import Path
    data = Path(__file__).resolve().parents[1] / "data"
    runner = CliRunner()
    base = [str(data / "interactions.csv"), "--meetings", str(data / "meetings.csv"), "--actors",
            str(data / "actors.csv")]
    for args in (["compare", *base, "--at", "2025-10-01", "--format", "csv"],
                 ["timeline", *base, "--every", "year", "--format", "csv"]):
        memory = runner.invoke(cli, args)
        dask = runner.invoke(cli, args + ["--engine", "dask"])
        assert memory.exit_code == dask.exit_code == 0, dask.output
        assert dask.stdout == memory.stdout


def test_without_dask_a_clear_error(monkeypatch, tmp_path):
    """Dask missing (its import made to fail): a library error naming the extra to install,
    and one Error line from the CLI."""
    import builtins
    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name == "dask" or name.startswith(("dask.", "distributed")):
            raise ImportError(f"No module named '{name}'", name=name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    raw_log().head(20).to_csv(tmp_path / "log.csv", index=False)
    with pytest.raises(MissingLibraryError, match=r"pip install 'stakeholder-graph\[dask\]'"):
        sg.read_interactions(tmp_path / "log.csv", engine="dask")
    result = CliRunner().invoke(cli, ["summary", str(tmp_path / "log.csv"), "--engine", "dask"])
    assert result.exit_code == 2
    assert result.stderr == ("Error: the Dask engine needs dask and distributed (dask is not installed): "
                             "pip install 'stakeholder-graph[dask]'\n")


def test_survey_joins_as_in_memory(dask_sync):
    """A relationship survey (read in memory) joins the Dask engine's ties as it joins the
    in-memory ones: names resolved with the logs' spellings, ratings on the same ties."""
    from pathlib import Path
    data = Path(__file__).resolve().parents[1] / "data"
    files = ([str(data / "interactions.csv")], [str(data / "meetings.csv")], str(data / "actors.csv"))
    memory = sg.read_inputs(*files, survey=str(data / "survey.csv"))
    lazy = sg.read_inputs(*files, survey=str(data / "survey.csv"), engine="dask")
    for level in ("actor", "organisation"):
        G = sg.build_graph(memory.interactions, memory.meetings, memory.actors, survey=memory.survey, level=level)
        H = sg.build_graph(lazy.interactions, lazy.meetings, lazy.actors, survey=lazy.survey, level=level)
        assert_same_graph(G, H)
        assert any("trust" in d for _, _, d in H.edges(data=True))


def test_cli_validate_with_a_survey_says_what_the_in_memory_path_says(dask_sync, tmp_path):
    """validate --survey on the Dask engine lists the same survey-only pairs (the logged
    pairs computed on the cluster) and the same counts; it once ended in a traceback."""
    paths = sg.write_demo_files(tmp_path / "demo")
    args = ["validate", str(paths["interactions"]), "--meetings", str(paths["meetings"]), "--actors",
            str(paths["actors"]), "--survey", str(paths["survey"])]
    plain = CliRunner().invoke(cli, args)
    lazy = CliRunner().invoke(cli, [*args, "--engine", "dask"])
    assert plain.exit_code == lazy.exit_code == 0, lazy.output
    said = lambda out: [line for line in out.splitlines() if "survey" in line]  # noqa: E731
    assert said(lazy.output) == said(plain.output) and "no logged contact" in lazy.output
    as_json = CliRunner().invoke(cli, [*args, "--engine", "dask", "--format", "json"])
    assert as_json.exit_code == 0 and "survey_only_pairs" in as_json.output


def test_a_register_split_across_dask_partitions_keeps_its_meetings_whole(dask_sync):
    """A Dask DataFrame of a register whose meetings straddle partitions (5 partitions of 5
    rows): each meeting is still checked whole, so the graph is the in-memory one (the
    review's case: a partition holding one attendee once rejected the meeting as a meeting
    of one). Expected: the in-memory path on the same rows."""
    import dask.dataframe as dd
    meetings = pd.DataFrame({"event": ["M"] * 3 + ["N"] * 2, "date": ["2024-01-01"] * 3 + ["2024-02-01"] * 2,
                             "participant": ["A", "B", "C", "A", "B"]})
    log = pd.DataFrame({"date": ["2024-03-01"], "source": ["A"], "target": ["C"]})
    expected = sg.build_graph(log, meetings=meetings)
    got = sg.build_graph(dd.from_pandas(log, npartitions=1), meetings=dd.from_pandas(meetings, npartitions=5))
    assert_same_graph(got, expected)


def typed_log(unit: str) -> pd.DataFrame:
    """:func:`raw_log` with its dates as timestamps of ``unit`` (as pandas writes Parquet):
    the unreadable dates become missing (rejected as such), and rejected rows hold both the
    log's first and its last date, so the dates the file's statistics give are not those of
    the contacts used."""
    log = raw_log()
    log["date"] = pd.to_datetime(log["date"], errors="coerce").astype(f"datetime64[{unit}]")
    log.loc[5, "date"] = pd.Timestamp("2022-06-01 08:00")
    log.loc[5, "source"] = ""
    return log


@pytest.mark.parametrize("unit", ["ns", "us"])
@pytest.mark.parametrize("options", OPTIONS[:3] + OPTIONS[4:5], ids=lambda o: ",".join(o) or "default")
def test_timestamps_read_from_parquet_statistics_give_the_in_memory_graph(dask_sync, small_partitions, tmp_path,
                                                                          unit, options):
    paths = write_parquet(tmp_path / "log", typed_log(unit))
    G = sg.build_graph(in_memory(paths), **options)
    H = sg.build_graph(sg.read_interactions(str(tmp_path / "log"), engine="dask"), **options)
    assert_same_graph(G, H)


def test_parquet_statistics_give_each_partitions_first_and_last_date(tmp_path, small_partitions):
    """Expected: the minimum and maximum of each run of row groups' dates by pandas (rows
    rejected later included: the statistics cover every row)."""
    pytest.importorskip("dask", reason=REASON)
    from stakeholder_graph.io.lazy import _parquet_runs
    log = typed_log("us")
    log.to_parquet(tmp_path / "typed.parquet", index=False, row_group_size=50)
    runs = _parquet_runs(str(tmp_path / "typed.parquet"), "interactions", None, {})
    assert [offset for _, offset, _ in runs] == list(range(0, len(log), 100))
    for groups, offset, dates in runs:
        rows = log["date"].iloc[offset:offset + 50 * len(groups)]
        assert dates == (rows.min(), rows.max())
    # Dates written as text, or one the reader rejects: no statistics, the date column is read.
    raw_log().to_parquet(tmp_path / "text.parquet", index=False)
    assert {d for _, _, d in _parquet_runs(str(tmp_path / "text.parquet"), "interactions", None, {})} == {None}
    log.loc[0, "date"] = pd.Timestamp("1600-01-01")
    log.astype({"date": "datetime64[s]"}).to_parquet(tmp_path / "old.parquet", index=False, row_group_size=50)
    first_run = _parquet_runs(str(tmp_path / "old.parquet"), "interactions", None, {})[0]
    assert first_run[2] is None


def test_parquet_with_timestamps_is_read_once(dask_sync, small_partitions, tmp_path, monkeypatch):
    """Dates from the files' statistics and actors keyed by what each partition holds: each
    partition is loaded once, by its checked pass, with no first look; names spelled
    differently across partitions ("TRUST A" in one, "Trust A" in another) are still one
    actor, spelled as the whole log spells it most often, as in memory."""
    from stakeholder_graph.io import lazy
    rng = np.random.default_rng(5)
    names = NAMES[:6] + ["Trust A"]
    pairs = np.array([(a, b) for a in names for b in names if a != b])[rng.integers(0, 42, 500)]
    log = pd.DataFrame({"date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 600 * 24, 500), unit="h"),
                        "source": pairs[:, 0], "target": pairs[:, 1],
                        "programme": rng.choice(["diabetes", "Diabetes", "end of life care"], 500),
                        "weight": rng.integers(1, 9, 500).astype(float)})
    first_file = log.index[:30][log["source"][:30] == "Trust A"]
    log.loc[first_file, "source"] = "TRUST A"          # the first file's spelling, less often than "Trust A"
    paths = write_parquet(tmp_path / "log", log)
    loads, looks = [], []
    monkeypatch.setattr(lazy, "_load_parquet", lambda *a, _load=lazy._load_parquet: loads.append(a) or _load(*a))
    monkeypatch.setattr(lazy, "_scan_parquet", lambda *a: looks.append(a))
    dask_log = sg.read_interactions(str(tmp_path / "log"), engine="dask")
    H = sg.build_graph(dask_log)
    assert looks == [] and len(loads) == len(dask_log.parts) > len(paths)
    G = sg.build_graph(in_memory(paths))
    assert_same_graph(G, H)
    assert dask_log.report.rows_rejected == 0 and H.graph["case_variants"]["TRUST A"] == "Trust A"


def test_a_meeting_takes_its_first_rows_labels_and_weight_on_both_engines(dask_sync, tmp_path):
    """Hand-worked: the rows of one board meeting give different programmes, types and
    weights.  A pair's contact is the meeting's, i.e. its first row's (weight 1, so 1/(2-1)
    = 1 for the pair), whichever attendee sorts first by name ("Zeta" < "alpha" as text,
    not case-folded) or by the Dask partitions' keys; the reader says so in a note."""
    pd.DataFrame({"date": ["2024-01-10", "2024-01-11"], "source": ["Zeta", "alpha"],
                  "target": ["alpha", "Omega"]}).to_csv(tmp_path / "log.csv", index=False)
    pd.DataFrame({"meeting": ["Board", "Board"], "date": ["2024-01-05"] * 2, "attendee": ["alpha", "Zeta"],
                  "programme": ["alpha programme", "Zeta programme"], "type": ["workshop", "board"],
                  "weight": [1, 9]}).to_csv(tmp_path / "reg.csv", index=False)
    files = [str(tmp_path / "log.csv")], [str(tmp_path / "reg.csv")]
    memory = sg.read_inputs(*files)
    G = sg.build_graph(memory.interactions, memory.meetings)
    tie = G["Zeta"]["alpha"]
    assert (tie["programmes"], tie["types"], tie["volume"], tie["meetings"]) == ("alpha programme", "workshop", 2.0, 1)
    assert any("a meeting takes its first row's" in note for note in memory.meetings.attrs["report"].notes)
    lazy = sg.read_inputs(*files, engine="dask")
    assert_same_graph(G, sg.build_graph(lazy.interactions, lazy.meetings))


def test_register_files_split_and_reordered_keep_each_meetings_first_row(dask_sync, tmp_path):
    """Meetings whose rows disagree, over two register files (the engine shuffles rows by
    event and puts them back in the registers' order), actors the registry knows and does
    not; expected: the in-memory graph."""
    register = raw_register()
    rng = np.random.default_rng(3)
    register["type"] = rng.choice(["board", "workshop", ""], len(register))
    register["weight"] = rng.integers(1, 5, len(register))
    (tmp_path / "reg").mkdir()
    paths = []
    for i, half in enumerate([register.iloc[:60], register.iloc[60:]]):
        paths.append(str(tmp_path / "reg" / f"r{i}.csv"))
        half.to_csv(paths[-1], index=False)
    ACTORS.to_csv(tmp_path / "actors.csv", index=False)
    memory = sg.read_inputs([], paths, str(tmp_path / "actors.csv"))
    lazy = sg.read_inputs([], [str(tmp_path / "reg" / "*.csv")], str(tmp_path / "actors.csv"), engine="dask")
    for options in ({}, {"programme": "diabetes"}, {"level": "organisation"}):
        assert_same_graph(sg.build_graph(memory.interactions, memory.meetings, memory.actors, **options),
                          sg.build_graph(lazy.interactions, lazy.meetings, lazy.actors, **options))


def test_a_register_file_of_rejected_rows_only_is_reported_not_refused(dask_sync, tmp_path):
    """As in memory: a register whose only meeting has one participant gives no tie, and its
    row is reported; the build goes on with the other register and the log."""
    pd.DataFrame({"date": ["2024-01-10"], "source": ["A"], "target": ["B"]}).to_csv(tmp_path / "log.csv", index=False)
    pd.DataFrame({"meeting": ["M1"], "date": ["2024-01-05"], "attendee": ["A"]}).to_csv(tmp_path / "r0.csv", index=False)
    pd.DataFrame({"meeting": ["M2", "M2"], "date": ["2024-01-06"] * 2,
                  "attendee": ["A", "C"]}).to_csv(tmp_path / "r1.csv", index=False)
    files = [str(tmp_path / "log.csv")], [str(tmp_path / "r0.csv"), str(tmp_path / "r1.csv")]
    memory, lazy = sg.read_inputs(*files), sg.read_inputs(*files, engine="dask")
    G, H = sg.build_graph(memory.interactions, memory.meetings), sg.build_graph(lazy.interactions, lazy.meetings)
    assert_same_graph(G, H)
    assert sorted(H.edges) == [("A", "B"), ("A", "C")] and lazy.rows() == memory.rows()


def test_every_contact_inside_one_organisation(dask_sync):
    """No tie between organisations (and a rejected row holding the log's first date): the
    history's periods are the half-life's on both engines."""
    import dask.dataframe as dd
    actors = pd.DataFrame({"name": ["Trust", "Team"], "kind": ["organisation", "team"], "parent": ["", "Trust"],
                           "aliases": ["", ""]})
    log = pd.DataFrame({"date": ["2021-01-01", "2023-01-10", "2023-06-01", "2024-01-01"],
                        "source": ["Trust", "Trust", "Team", "Trust"], "target": ["Team", "Team", "Trust", "Team"],
                        "weight": ["-1", "1", "1", "1"]})
    G = sg.build_graph(sg.read_interactions(log), actors=actors, level="organisation", half_life=365)
    H = sg.build_graph(dd.from_pandas(log, npartitions=1), actors=actors, level="organisation", half_life=365)
    assert_same_graph(G, H)
    assert H.graph["period_days"] == 365.0 and H.number_of_edges() == 0


@pytest.mark.parametrize("source", ["ns", "us", "DataFrame"])
def test_times_with_a_zone_give_the_in_memory_graph(dask_sync, tmp_path, source):
    """Times with a zone are converted to UTC by the reader; the first look (from the
    statistics, or the dates read) must see them so too."""
    import dask.dataframe as dd
    log = pd.DataFrame({"date": pd.to_datetime(["2024-01-10 09:00", "2024-02-11 10:00", "2024-03-01 12:00",
                                                "2024-06-30 23:30"]).tz_localize("Europe/London"),
                        "source": ["A", "B", "C", "A"], "target": ["B", "C", "A", "C"]})
    G = sg.build_graph(sg.read_interactions(log))
    if source == "DataFrame":
        lazy = dd.from_pandas(log, npartitions=2)
    else:
        log.astype({"date": f"datetime64[{source}, Europe/London]"}).to_parquet(tmp_path / "log.parquet", index=False)
        lazy = sg.read_interactions(str(tmp_path / "log.parquet"), engine="dask")
    H = sg.build_graph(lazy)
    assert_same_graph(G, H)
    assert H.graph["as_of"] == "2024-06-30"          # 23:30 in London in summer is 22:30 UTC


def test_nothing_left_after_the_filters_says_what_the_log_holds_as_in_memory(dask_sync, tmp_path):
    """The message names the window's true end (the last contact used, not a rejected
    row's date) and the labels as spelled."""
    paths = write_parquet(tmp_path / "log", raw_log())
    with pytest.raises(InputError) as memory:
        sg.build_graph(in_memory(paths), programme="no such programme")
    with pytest.raises(InputError) as lazy:
        sg.build_graph(sg.read_interactions(str(tmp_path / "log"), engine="dask"), programme="no such programme")
    assert str(lazy.value) == str(memory.value)


def test_iso_text_dates_first_look_takes_two_cells(tmp_path):
    """Text dates all ISO 8601 of one length: the least and greatest text are the first and
    last date (expected: pandas' min and max of the parsed column); any other text: None
    (every cell is parsed)."""
    pytest.importorskip("pyarrow")
    import pyarrow as pa
    from stakeholder_graph.io.lazy import _iso_text_ends
    dates = raw_log()["date"].drop([3, 10])            # minus "2023-02-31" and "not a date"
    ends = _iso_text_ends(pa.chunked_array([pa.array(dates.tolist())]))
    parsed = pd.to_datetime(dates)
    assert [pd.Timestamp(e) for e in ends] == [parsed.min(), parsed.max()]
    for other in (["2024-03-01", "2024-3-02"], ["01/03/2024", "02/03/2024"], ["2024-03-01", "not a date"],
                  ["2024-03-01T09:30+01:00", "2024-03-01T10:30+01:00"]):
        assert _iso_text_ends(pa.chunked_array([pa.array(other)])) is None, other


def test_iso_text_dates_in_parquet_give_the_in_memory_graph(dask_sync, small_partitions, tmp_path):
    """The first look's two cells per partition, with a rejected row holding the last date."""
    log = raw_log()
    log = log[~log.index.isin([3, 10])]                 # every date readable: the quick look applies
    paths = write_parquet(tmp_path / "log", log)
    for options in ({}, {"since": "2023-03-01"}):
        assert_same_graph(sg.build_graph(in_memory(paths), **options),
                          sg.build_graph(sg.read_interactions(str(tmp_path / "log"), engine="dask"), **options))


@pytest.mark.parametrize("answer", [None, b"SSH-2.0-OpenSSH_9.6\r\n" + bytes(range(256)) * 64],
                         ids=["silent", "not dask"])
def test_cli_a_port_that_is_not_a_scheduler_is_one_error_line(dask_sync, tmp_path, monkeypatch, answer):
    """A service that accepts the connection and says nothing (a dashboard's HTTP port
    waits for a request), or answers with bytes that are not Dask's: one Error: line, within
    the time allowed, never a hang or a traceback."""
    import socket
    import threading
    from stakeholder_graph import cluster
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 3.0)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    held = []

    def serve():
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            held.append(conn)
            if answer:
                conn.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    write_parquet(tmp_path / "log", raw_log(), files=1)
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    try:
        result = CliRunner().invoke(cli, ["summary", str(tmp_path / "log"), "--scheduler", address])
    finally:
        server.close()
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: "), result.stderr
    assert address in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_cli_scheduler_with_engine_pandas_is_refused(dask_sync, tmp_path):
    write_parquet(tmp_path / "log", raw_log(), files=1)
    result = CliRunner().invoke(cli, ["summary", str(tmp_path / "log" / "part0.parquet"), "--engine", "pandas",
                                      "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2
    assert result.stderr == "Error: --scheduler runs the Dask engine: it cannot be given with --engine pandas\n"


@pytest.mark.parametrize("by", ["type", "date"])
def test_a_hive_style_folder_gives_its_folders_columns(dask_sync, tmp_path, by):
    """``logs/type=email/...parquet`` (as pandas, Spark and pyarrow write a partitioned
    dataset): the files hold no ``type`` (or ``date``) column, the folders do; expected:
    the in-memory graph of the table that was written, read as a folder and as a glob."""
    log = raw_log()
    log = log[~log.index.isin([3, 10])].copy()          # a folder per readable date
    if by == "date":                                     # a folder per day: 12 days keep it quick
        log["date"] = "2024-01-" + (log.index % 12 + 10).astype(str)
    log.to_parquet(tmp_path / "hive", partition_cols=[by], index=False)
    assert not (tmp_path / "hive").joinpath("x").exists() and any(p.name.startswith(f"{by}=")
                                                                  for p in (tmp_path / "hive").iterdir())
    G = sg.build_graph(sg.read_interactions(log))
    for source in (tmp_path / "hive", tmp_path / "hive" / "*" / "*.parquet"):
        H = sg.build_graph(sg.read_interactions(str(source), engine="dask"))
        assert_same_graph(G, H)
    assert all(H.edges[e]["types"] for e in H.edges)          # every tie has its types from the folders


def test_an_unknown_actors_key_is_never_a_registry_name():
    """Hand-worked: a registry name that starts with the mark an unknown actor's key starts
    with pushes the mark one NUL longer, so "zeta" (unknown) and "\\x00zeta" (registry) stay
    two actors."""
    pytest.importorskip("dask", reason=REASON)
    from stakeholder_graph.cluster import actor_keys, unknown_mark
    index = {"\x00zeta": "\x00zeta", "trust a": "Trust A"}
    mark = unknown_mark(index, {"\x00zeta": "\x00zeta", "Trust A": "Trust A"})
    assert mark == "\x00\x00"
    keys = actor_keys(["Zeta", "\x00zeta", "TRUST A"], index, mark)
    assert keys == {"Zeta": "\x00\x00zeta", "\x00zeta": "\x00zeta", "TRUST A": "Trust A"}
    assert unknown_mark({"trust a": "Trust A"}, {}) == "\x00"


def test_a_survey_path_is_read_with_the_registry_on_both_engines(dask_sync, tmp_path):
    """Given as a path, the survey is read with the registry by both engines: a row rating
    an actor the registry does not know ("Zed", a typo) is reported, not a survey-only pair."""
    from pathlib import Path
    data = Path(__file__).resolve().parents[1] / "data"
    survey = pd.read_csv(data / "survey.csv")
    survey.loc[len(survey)] = {**survey.iloc[0].to_dict(), "partner": "Zed"}
    survey.to_csv(tmp_path / "survey.csv", index=False)
    files = (str(data / "interactions.csv"), str(data / "meetings.csv"), str(data / "actors.csv"))
    G = sg.build_graph(*files, survey=str(tmp_path / "survey.csv"))
    lazy = sg.read_inputs([files[0]], [files[1]], files[2], engine="dask")
    H = sg.build_graph(lazy.interactions, lazy.meetings, lazy.actors, survey=str(tmp_path / "survey.csv"))
    assert_same_graph(G, H)
    assert "Zed" not in H
