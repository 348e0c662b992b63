"""Cell values: sentiment words and numbers."""

import stakeholder_graph as sg
from io_samples import rejected_reasons


def test_bad_sentiment_is_reported(write):
    log = sg.read_interactions(write("s.csv", "date,source,target,sentiment\n2024-01-01,A,B,furious\n"
                                              "2024-01-01,A,B,2\n2024-01-01,A,B,neutral\n"))
    assert len(log) == 1 and log["sentiment"][0] == 0.0
    assert all("sentiment" in r for r in rejected_reasons(log))


def test_numeric_weights_read_as_text_weights_are(write):
    """A weight column that is already numeric (Parquet, a DataFrame) takes a shortcut past
    text; the expected values are the text path's own, on the same cells written as CSV."""
    import numpy as np
    import pandas as pd
    frame = pd.DataFrame({"date": "2024-01-05", "source": "A", "target": "B",
                          "weight": [2.5, np.nan, 0.0, -1.0, np.inf, 3.0]})
    frame.loc[len(frame)] = ["2024-01-06", "A; C", "B", 1.0]       # a name rule still applies
    numeric = sg.read_interactions(frame)
    as_text = frame.assign(weight=["2.5", "", "0.0", "-1.0", "inf", "3.0", "1.0"])
    text = sg.read_interactions(write("w.csv", as_text.to_csv(index=False)))
    assert numeric["weight"].tolist() == text["weight"].tolist() == [2.5, 1.0, 3.0]
    assert rejected_reasons(numeric) == rejected_reasons(text)
    assert sorted(rejected_reasons(numeric)) == sorted([
        "weight 0.0 is not a positive number", "weight -1.0 is not a positive number",
        "weight inf is not a positive number",
        "names several actors (one actor per cell; ';' separates a registry's aliases)"])
