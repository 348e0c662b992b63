"""The bundled demo: data/ matches what the installed package generates, and is realistic."""

from pathlib import Path

import stakeholder_graph as sg

ROOT = Path(__file__).resolve().parents[1]


def test_data_folder_matches_the_package(tmp_path):
    written = sg.write_demo_files(tmp_path)
    for table, path in written.items():
        assert (ROOT / "data" / path.name).read_bytes() == path.read_bytes(), (
            f"data/{path.name} differs from the package's demo; regenerate it with "
            "python -c \"import stakeholder_graph as sg; sg.write_demo_files('data')\"")


def test_demo_is_deterministic_and_seeded():
    a, b = sg.demo_tables(), sg.demo_tables()
    assert a["interactions"].equals(b["interactions"]) and a["meetings"].equals(b["meetings"])
    assert not sg.demo_tables(seed=7)["interactions"].equals(a["interactions"])


def test_demo_shape(demo_tables, demo_graph):
    actors = demo_tables["actors"]
    organisations = actors[actors["parent"] == ""]
    assert 18 <= len(organisations) <= 26 and (actors["kind"] == "team").sum() >= 15
    dates = demo_tables["interactions"]["date"]
    assert dates.min() < "2024-02" and dates.max() > "2026-08"                    # over two years
    assert set(demo_tables["interactions"]["programme"]) >= {"diabetes", "end of life care",
                                                             "medicines optimisation"}
    for kind, names, _ in sg.PLANTED:
        if kind in {"structural_hole", "silo"}:
            continue
        for name in names:
            assert name in demo_graph, name


def test_every_demo_row_is_used(tmp_path):
    files = sg.write_demo_files(tmp_path)
    inputs = sg.read_inputs([files["interactions"]], [files["meetings"]], files["actors"])
    for report in inputs.reports:
        assert report.rows_used == report.rows_read and report.rejected.empty, report.file
    assert inputs.unknown_actors() == []
