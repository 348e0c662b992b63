"""The read report: rows read, used and rejected add up."""

import stakeholder_graph as sg


def test_counts_by_reason_add_up(write):
    body = "date,source,target\n" + "2024-01-01,A,B\n" * 5 + "bad,A,B\n" * 3 + "2024-01-01,A,A\n" * 2
    report = sg.read_interactions(write("log.csv", body)).attrs["report"]
    counts = report.counts_by_reason()
    assert counts.sum() + report.rows_used == report.rows_read == 10
    assert counts["unparseable date 'bad'"] == 3
