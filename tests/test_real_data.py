"""Real third-party logs (../shared/data/real): every row accounted for, counts add up."""

import gzip

import pandas as pd

import stakeholder_graph as sg
from conftest import real_contacts, real_folder


def test_workplace_invs15_counts_add_up():
    folder = real_folder("sociopatterns_workplace_InVS15")
    log = sg.read_interactions(real_contacts(folder / "tij_InVS15.dat"))
    report = log.attrs["report"]
    assert report.rows_read == 78_249 and report.rows_used + len(report.rejected) == report.rows_read
    meta = pd.read_csv(folder / "metadata_InVS15.dat", sep="\t", header=None, names=["id", "department"])
    actors = pd.DataFrame({"name": "p" + meta["id"].astype(str), "sector": meta["department"],
                           "kind": "person"})
    G = sg.build_graph(log, actors=sg.read_actors(actors), half_life=2)
    assert sum(d["contacts"] for _, _, d in G.edges(data=True)) == report.rows_used
    assert G.number_of_edges() == 4_274                       # distinct pairs, per the data's README
    assert G.number_of_nodes() == 232 and nx_isolates(G) == 15   # 15 listed people never appear
    s = sg.network_summary(G)
    assert -1 <= s["ei_index"]["sector"] <= 1


def nx_isolates(G):
    import networkx as nx
    return nx.number_of_isolates(G)


def test_email_eu_core_counts_add_up():
    folder = real_folder("snap_email_eu_core_temporal")
    log = real_contacts(folder / "email-Eu-core-temporal.txt.gz", columns=("i", "j", "t"))
    raw_rows = len(log)
    read = sg.read_interactions(log)
    report = read.attrs["report"]
    assert raw_rows == 332_334 == report.rows_read
    # The SNAP file has e-mails people sent themselves: rejected as self-contacts, not lost.
    assert set(report.counts_by_reason().index) <= {"self-contact: source and target are both the same actor"}
    G = sg.build_graph(read)
    assert sum(d["contacts"] for _, _, d in G.edges(data=True)) == report.rows_used
    directed_pairs = sum((d["a_to_b"] > 0) + (d["b_to_a"] > 0) for _, _, d in G.edges(data=True))
    assert directed_pairs == 24_929 - selfloop_pairs(folder)


def selfloop_pairs(folder):
    with gzip.open(folder / "email-Eu-core-temporal.txt.gz", "rt") as f:
        return len({line.split()[0] for line in f if line.split()[0] == line.split()[1]})


def test_workplace_diagnosis_runs_and_is_sensible():
    folder = real_folder("sociopatterns_workplace_InVS15")
    log = sg.read_interactions(real_contacts(folder / "tij_InVS15.dat"))
    meta = pd.read_csv(folder / "metadata_InVS15.dat", sep="\t", header=None, names=["id", "department"])
    people = pd.DataFrame({"name": "p" + meta["id"].astype(str), "kind": "person", "parent": meta["department"]})
    departments = pd.DataFrame({"name": sorted(meta["department"].unique()), "kind": "organisation", "parent": ""})
    actors = sg.read_actors(pd.concat([departments, people]))
    G = sg.build_graph(log, actors=actors, half_life=2, undirected=True)
    found = sg.find_barriers(G)
    kinds = set(found["kind"])
    # Badge contacts have no initiator: nothing can be one-sided.
    assert "one_sided" not in kinds
    # The 15 listed people who never appear are isolates; departments (containers) are not.
    isolates = set(found.loc[found["kind"] == "isolate", "actors"])
    assert isolates and not isolates & set(departments["name"])
    # Departments are the groups: the gaps named are between departments.
    holes = found[found["kind"] == "structural_hole"]
    assert len(holes) and all(set(a.split(";")) <= set(departments["name"]) | {a} for a in holes["actors"])


def test_email_log_as_a_csv_file_reads_like_the_dataframe(tmp_path):
    """The SNAP log written as a CSV goes through the fast file reader; the same rows as a
    DataFrame go through the general one: the graphs must be the same, tie for tie."""
    folder = real_folder("snap_email_eu_core_temporal")
    frame = real_contacts(folder / "email-Eu-core-temporal.txt.gz", columns=("i", "j", "t"))
    path = tmp_path / "email.csv"
    frame.assign(date=frame["date"].dt.strftime("%Y-%m-%d %H:%M:%S")).to_csv(path, index=False)
    from_file = sg.tie_frame(sg.build_graph(sg.read_interactions(path), half_life=60))
    from_frame = sg.tie_frame(sg.build_graph(sg.read_interactions(frame), half_life=60))
    pd.testing.assert_frame_equal(from_file, from_frame)
