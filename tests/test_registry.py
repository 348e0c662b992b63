"""The actor registry: organisations, inherited sectors, extra columns, and contradictions as errors."""

import pytest

import stakeholder_graph as sg
from io_samples import REGISTRY, rejected_reasons


def test_registry_organisation_sector_and_extra_columns(write):
    actors = sg.read_actors(write("actors.csv", REGISTRY)).set_index("name")
    assert actors.loc["Foot Clinic", "organisation"] == "Northvale Trust"    # two levels up
    assert actors.loc["Diabetes Team", "sector"] == "acute"                  # inherited
    assert actors.loc["Hospice", "region"] == "south"


@pytest.mark.parametrize("registry,expected", [
    ("name\nA\na\n", "actor 'a' is listed twice (first at row 2)"),
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


def test_a_parent_without_a_row_of_its_own_becomes_an_organisation(write):
    path = write("actors.csv", "name,parent,sector\nTeam A,Dept X,acute\nTeam B,Dept X,acute\nTeam C,Dept Y,\n")
    actors = sg.read_actors(path)
    report = actors.attrs["report"]
    assert report.rows_read == report.rows_used == 3            # input rows, as the file has them
    assert any("2 parent(s) with no row of their own added as organisations: Dept X, Dept Y" in note
               for note in report.notes)
    depts = actors.set_index("name").loc[["Dept X", "Dept Y"]]
    assert (depts["kind"] == "organisation").all() and depts["row"].tolist() == [2, 4]
    assert actors.set_index("name").loc["Team B", "organisation"] == "Dept X"
