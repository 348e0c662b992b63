"""The tie model, hand-worked: decay, meeting projection, direction, sentiment, roll-up, filters."""

import pandas as pd
import pytest

import stakeholder_graph as sg

# 2024-01-01 to 2024-07-01 is 182 days, so with half_life=182 the January contact counts 0.5.
LOG = pd.DataFrame({
    "date": ["2024-01-01", "2024-07-01", "2024-07-01"],
    "source": ["A", "B", "A"],
    "target": ["B", "A", "C"],
    "weight": [1, 2, 1],
    "type": ["call", "email", "email"],
    "programme": ["diabetes", "diabetes", "end of life care"],
    "sentiment": ["", "negative", "positive"],
})
BOARD = pd.DataFrame({"event": ["Board"] * 4, "date": ["2024-07-01"] * 4, "participant": ["A", "B", "C", "D"]})
ACTORS = pd.DataFrame({"name": ["Org X", "A", "B", "C", "D"], "parent": ["", "Org X", "Org X", "", ""],
                       "kind": ["organisation", "team", "team", "organisation", "voluntary"]})


@pytest.fixture
def G():
    return sg.build_graph(LOG, BOARD, half_life=182)


def test_strength_is_decayed_sum_plus_meeting_share(G):
    ab = G["A"]["B"]
    # 1 x 0.5 (182 days old) + 2 (today) + 1/3 (a board of four: Newman's 1/(n-1))
    assert ab["weight"] == pytest.approx(0.5 + 2 + 1 / 3)
    assert ab["distance"] == pytest.approx(1 / (0.5 + 2 + 1 / 3))
    assert ab["volume"] == pytest.approx(1 + 2 + 1 / 3)
    assert (ab["count"], ab["contacts"], ab["meetings"]) == (3, 2, 1)
    assert G["C"]["D"]["weight"] == pytest.approx(1 / 3)


def test_direction_and_reciprocity(G):
    ab, ac = G["A"]["B"], G["A"]["C"]
    assert (ab["actor_a"], ab["a_to_b"], ab["b_to_a"], ab["reciprocity"]) == ("A", 1, 1, 1.0)
    assert (ac["a_to_b"], ac["b_to_a"], ac["reciprocity"]) == (1, 0, 0.0)
    assert pd.isna(G["C"]["D"]["reciprocity"])              # meetings only: nobody initiated
    D = sg.initiation_graph(G)
    assert D.has_edge("A", "C") and not D.has_edge("C", "A") and not D.has_edge("C", "D")


def test_sentiment_types_programmes_dates(G):
    ab = G["A"]["B"]
    assert (ab["rated"], ab["negative"], ab["negative_share"], ab["mean_sentiment"]) == (1, 1, 1.0, -1.0)
    assert ab["types"] == "call;email;meeting"
    assert ab["programmes"] == "diabetes"
    assert (ab["first"], ab["last"]) == (pd.Timestamp("2024-01-01"), pd.Timestamp("2024-07-01"))
    assert G.graph["as_of"] == "2024-07-01"


def test_peak_and_recent_volume_measure_decline_against_own_past():
    dates = [f"2023-{m:02d}-15" for m in range(1, 7)] * 3 + ["2024-06-01"]
    log = pd.DataFrame({"date": dates, "source": "P", "target": "Q"})
    tie = sg.build_graph(log, half_life=90)["P"]["Q"]
    # Periods of 90 days counted back from 2024-06-01: the busiest holds 9 contacts
    # (Feb-Apr 2023 or similar); the latest holds the single June 2024 contact.
    assert tie["peak_volume"] >= 6 and tie["recent_volume"] == 1
    assert tie["peak_end"] < pd.Timestamp("2023-09-01")


@pytest.mark.parametrize("actors", [300, 5000])   # both sides of the dense-table limit (4,096)
def test_tie_table_agrees_with_a_plain_groupby(actors):
    """The vectorised tie table against the obvious pandas computation, row for row."""
    import numpy as np
    rng = np.random.default_rng(7)
    rows = 20_000
    names = np.array([f"Actor {i}" for i in range(actors)], dtype=object)
    source = rng.integers(0, actors, rows)
    target = (source + rng.integers(1, actors, rows)) % actors            # never a self-contact
    log = pd.DataFrame({
        "date": pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 700 * 24, rows), unit="h"),
        "source": names[source], "target": names[target],
        "weight": rng.integers(1, 5, rows).astype(float),
        "programme": rng.choice(["diabetes", "end of life care", ""], rows),
    })
    half_life = 90.0
    ties = sg.tie_frame(sg.build_graph(log, half_life=half_life)).set_index(["actor_a", "actor_b"]).sort_index()

    a = np.where(log["source"] < log["target"], log["source"], log["target"])
    b = np.where(log["source"] < log["target"], log["target"], log["source"])
    as_of = log["date"].max()
    age = (as_of - log["date"]).dt.total_seconds() / 86400
    expected = (log.assign(actor_a=a, actor_b=b, from_a=(log["source"] == a).astype(int),
                           decayed=log["weight"] * 0.5 ** (age / half_life))
                .groupby(["actor_a", "actor_b"])
                .agg(count=("weight", "size"), volume=("weight", "sum"), weight=("decayed", "sum"),
                     first=("date", "min"), last=("date", "max"), a_to_b=("from_a", "sum"),
                     programmes=("programme", lambda p: ";".join(sorted(set(p) - {""})))))
    assert ties.index.equals(expected.index)
    for column in ["count", "a_to_b", "first", "last", "programmes"]:
        assert ties[column].tolist() == expected[column].tolist(), column
    np.testing.assert_allclose(ties["volume"], expected["volume"])
    np.testing.assert_allclose(ties["weight"], expected["weight"], rtol=1e-9)
    assert (ties["b_to_a"] == ties["count"] - ties["a_to_b"]).all()


@pytest.mark.parametrize("unit", ["s", "ns"])
def test_dates_in_any_unit_give_the_same_ties(demo_tables, unit):
    """Readers give microseconds; a log whose dates a user converted gives the same graph."""
    log, meetings = demo_tables["interactions"], demo_tables["meetings"]
    expected = sg.tie_frame(sg.build_graph(log, meetings))
    other = sg.tie_frame(sg.build_graph(log.assign(date=log["date"].astype(f"datetime64[{unit}]")),
                                        meetings.assign(date=meetings["date"].astype(f"datetime64[{unit}]"))))
    pd.testing.assert_frame_equal(expected, other, check_dtype=False)


def test_a_meeting_is_one_event_whatever_its_attendees_names():
    """Hand-worked: a board meeting whose rows give different programmes, types and weights
    is its first row's (weight 4: 4/(3-1) = 2 per pair); the same register with the rows in
    another order is the other row's meeting; the names' order plays no part."""
    import stakeholder_graph as sg
    rows = {"meeting": ["Board"] * 3, "date": ["2024-01-05"] * 3, "attendee": ["zed", "Amy", "bob"],
            "programme": ["diabetes", "frailty", "frailty"], "type": ["board", "workshop", "call"], "weight": [4, 1, 1]}
    G = sg.build_graph(meetings=sg.read_meetings(pd.DataFrame(rows)))
    assert {frozenset((u, v)): (d["programmes"], d["types"], d["volume"]) for u, v, d in G.edges(data=True)} == {
        frozenset(pair): ("diabetes", "board", 2.0) for pair in [("zed", "Amy"), ("zed", "bob"), ("Amy", "bob")]}
    flipped = sg.build_graph(meetings=sg.read_meetings(pd.DataFrame(rows).iloc[::-1]))
    assert {d["programmes"] for _, _, d in flipped.edges(data=True)} == {"frailty"}
    assert {d["volume"] for _, _, d in flipped.edges(data=True)} == {0.5}
