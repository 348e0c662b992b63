"""Cell values: sentiment words and numbers."""

import stakeholder_graph as sg
from io_samples import rejected_reasons


def test_bad_sentiment_is_reported(write):
    log = sg.read_interactions(write("s.csv", "date,source,target,sentiment\n2024-01-01,A,B,furious\n"
                                              "2024-01-01,A,B,2\n2024-01-01,A,B,neutral\n"))
    assert len(log) == 1 and log["sentiment"][0] == 0.0
    assert all("sentiment" in r for r in rejected_reasons(log))
