"""No input gives a traceback: every reader, fed random and mutated bytes (property-based,
with hypothesis), returns a table with its report or raises one InputError."""

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is not installed (pip install '.[test]')")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

import stakeholder_graph as sg  # noqa: E402
from stakeholder_graph.errors import StakeholderGraphError  # noqa: E402

from conftest import ROOT  # noqa: E402

DEMO = {kind: (ROOT / "data" / f"{kind}.csv").read_bytes()[:4000] for kind in ("interactions", "meetings", "actors")}
READERS = {"interactions": sg.read_interactions, "meetings": sg.read_meetings, "actors": sg.read_actors}
SUFFIXES = [".csv", ".tsv", ".txt", ".jsonl", ".xlsx", ".parquet", ".csv.gz"]
# Bytes that break readers: quotes, line ends, NUL, separators, BOMs, a field past csv's limit.
NASTY = [b'"', b"\r", b"\n", b"\x00", b",", b";", b"\t", b"\xef\xbb\xbf", b"\xff\xfe", b"x" * 140_000]

SETTINGS = settings(max_examples=150, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _read(reader, path):
    try:
        table = reader(path)
    except StakeholderGraphError:
        return
    report = table.attrs["report"]
    assert report.rows_read == report.rows_used + len(report.rejected)


@SETTINGS
@given(kind=st.sampled_from(sorted(READERS)), data=st.binary(max_size=3000), suffix=st.sampled_from(SUFFIXES))
def test_random_bytes_never_end_in_a_traceback(tmp_path, kind, data, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    _read(READERS[kind], path)


@SETTINGS
@given(kind=st.sampled_from(sorted(READERS)),
       edits=st.lists(st.tuples(st.integers(0, 3999), st.sampled_from(NASTY), st.integers(0, 40)), max_size=5),
       cut=st.one_of(st.none(), st.integers(0, 3999)))
def test_mutated_demo_files_never_end_in_a_traceback(tmp_path, kind, edits, cut):
    """Insertions of nasty bytes, deletions and a truncation of the demo's own files."""
    data = bytearray(DEMO[kind])
    for at, insert, delete in edits:
        at = min(at, len(data))
        del data[at:at + delete]
        data[at:at] = insert
    if cut is not None:
        data = data[:cut]
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(bytes(data))
    _read(READERS[kind], path)
