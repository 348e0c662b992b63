"""Before/after comparison (compare_periods, timeline) and the compare/timeline commands."""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import stakeholder_graph as sg
from stakeholder_graph.cli import cli
from stakeholder_graph.compare import TABLE_COLUMNS, rate_ratio_p_values

sys.path.insert(0, str(Path(__file__).parent))
import null_worlds  # noqa: E402

TIE_CHANGES = {"formed", "lost", "strengthened", "weakened"}


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory):
    return sg.write_demo_files(tmp_path_factory.mktemp("demo"))


def test_rate_ratio_test_equals_the_exact_binomial_test():
    # Independent source: scipy.stats.binomtest (two-sided "minlike" differs from the
    # doubled tail used here, so compare with the doubled one-sided tails it gives).
    from scipy.stats import binomtest
    for before, after, d1, d2 in [(10, 2, 365, 365), (3, 9, 200, 100), (0, 8, 300, 300), (25, 25, 400, 200)]:
        n, p = before + after, d1 / (d1 + d2)
        less = binomtest(before, n, p, alternative="less").pvalue
        greater = binomtest(before, n, p, alternative="greater").pvalue
        expected = min(1.0, 2 * min(less, greater))
        assert rate_ratio_p_values([before], [after], d1, d2)[0] == pytest.approx(expected, rel=1e-9)
    # Over-dispersion 2 halves the evidence: 20 vs 4 contacts counts as 10 vs 2.
    assert rate_ratio_p_values([20], [4], 100, 100, phi=2.0)[0] == pytest.approx(
        rate_ratio_p_values([10], [2], 100, 100)[0], rel=1e-9)


def _split(log, frac):
    first, last = log["date"].min(), log["date"].max()
    return (first + (last - first) * frac).normalize()


@pytest.mark.parametrize("world", ["stationary_world", "bursty_world"])
def test_nothing_changed_means_almost_nothing_called_changed(world):
    # Simulated partnerships with stationary contact (steady, or bursty with no trend):
    # at any split at most 5% of ties may be called changed, and no measure.
    called = total = measures = 0
    for seed in (1, 2):
        log, registry, _ = getattr(null_worlds, world)(seed)
        for frac in (0.25, 0.5, 0.75):
            table = sg.compare_periods(log, actors=registry, at=_split(log, frac), seed=seed).table()
            ties = table[table["section"] == "tie"]
            called += int(ties["change"].isin(TIE_CHANGES).sum())
            total += len(ties)
            measures += int(table["change"].isin(["up", "down"]).sum())
    assert called / total <= 0.05
    assert measures <= 1


def _planted_change_world(seed=3):
    """A stationary world in which, from AT on, some ties form, some stop, some quadruple,
    one strained tie turns positive, and a group of new cross-sector ties appears."""
    rng = np.random.default_rng(seed)
    log, registry, _ = null_worlds.stationary_world(seed, actors=40)
    at = pd.Timestamp("2024-07-01")
    log = log.copy()
    pairs = (log[["source", "target"]].apply(lambda r: tuple(sorted(r)), axis=1)).tolist()
    log["pair"] = pairs
    # Planted on ties busy enough for the change to be clear (a tie of 11 contacts in 18
    # months that then stops is p = 0.01 on its own: not clear among a hundred ties).
    busy = log[log["date"] < at]["pair"].value_counts()
    tie_list = sorted(set(pairs))
    lost, stronger = sorted(busy.index[busy >= 25][:6])[:3], sorted(busy.index[busy >= 25][:6])[3:]
    assert len(stronger) == 3
    log = log[~(log["pair"].isin(lost) & (log["date"] >= at))]
    extra = []
    for a, b in stronger:
        rows = log[(log["pair"] == (a, b)) & (log["date"] >= at)]
        for _ in range(3):
            extra.append(rows.assign(date=rows["date"] + pd.to_timedelta(rng.integers(0, 3, len(rows)), unit="D")))
    names = sorted(registry["name"])
    existing = set(tie_list)
    formed = []
    for a in names:
        for b in names[::-1]:
            pair = tuple(sorted((a, b)))
            if a != b and pair not in existing and pair not in formed and len(formed) < 4:
                formed.append(pair)
    months = pd.date_range(at, "2025-06-30", freq="MS")
    new_rows = []
    for a, b in formed:
        for month in months:
            for _ in range(rng.poisson(4)):
                new_rows.append({"date": month + pd.Timedelta(days=int(rng.integers(0, 28))), "source": a,
                                 "target": b, "sentiment": "", "programme": "diabetes"})
    log = pd.concat([log, *extra, pd.DataFrame(new_rows)], ignore_index=True).drop(columns="pair")
    log = log.sort_values("date", kind="stable").reset_index(drop=True)
    return log, registry, at, {"lost": set(map(frozenset, lost)), "strengthened": set(map(frozenset, stronger)),
                               "formed": set(map(frozenset, formed))}


def test_planted_changes_are_named_with_the_right_word():
    log, registry, at, planted = _planted_change_world()
    C = sg.compare_periods(log, actors=registry, at=at)
    ties = C.ties
    said = {frozenset(a.split(";")): c for a, c in zip(ties["actors"], ties["change"])}
    for word, pairs in planted.items():
        for pair in pairs:
            assert said[pair] == word, (sorted(pair), said[pair])
    others = {pair: word for pair, word in said.items() if not any(pair in s for s in planted.values())}
    assert sum(word in TIE_CHANGES for word in others.values()) <= 0.05 * len(others)


def test_table_contract_and_counts_come_from_the_raw_log(demo_tables):
    log, meetings, actors = demo_tables["interactions"], demo_tables["meetings"], demo_tables["actors"]
    C = sg.compare_periods(log, meetings, actors, at="2025-10-01")
    table = C.table()
    assert list(table.columns) == TABLE_COLUMNS
    assert set(table["section"]) == {"measure", "tie", "barrier"}
    assert set(table.loc[table.section == "tie", "change"]) <= TIE_CHANGES | {"unchanged"}
    assert set(table.loc[table.section == "barrier", "change"]) <= {"closed", "new", "persisting"}
    assert set(table.loc[table.section == "measure", "change"]) <= {"up", "down", "unchanged", ""}
    # Every tie with contact in either period has a row, holding its contacts in each
    # period (the period graphs' counts: direct contacts plus meetings shared).
    ties = C.ties.set_index("actors")
    for name, G in C.graphs.items():
        for u, v, d in G.edges(data=True):
            assert ties.loc[";".join(sorted((u, v))), name] == d["count"]
    union = {frozenset(e) for G in C.graphs.values() for e in G.edges()}
    assert len(ties) == len(union)
    # The tested measures' values are the period graphs' summary values (metrics.py).
    measures = C.measures.set_index("kind")
    for name, A in C.analyses.items():
        s = A.summary
        assert measures.loc["density", name] == pytest.approx(s["density"])
        assert measures.loc["reciprocity", name] == pytest.approx(s["reciprocity"])
        assert measures.loc["mean_tie_strength", name] == pytest.approx(s["mean_tie_strength"], rel=1e-9)
        assert measures.loc["ei_sector", name] == pytest.approx(s["ei_index"]["sector"])
        assert measures.loc["ei_organisation", name] == pytest.approx(s["ei_index"]["organisation"])
    # Untested measures say so and are not called a change.
    untested = C.measures[C.measures["p_value"].isna()]
    assert len(untested) and (untested["change"] == "").all()
    assert untested["explanation"].str.contains("not tested").all()
    # Same input, same table.
    again = sg.compare_periods(log, meetings, actors, at="2025-10-01").table()
    pd.testing.assert_frame_equal(table, again)


def test_barrier_closed_only_with_a_clear_margin():
    from stakeholder_graph.compare import barrier_rows
    def frame(rows):
        return pd.DataFrame(rows, columns=["kind", "actors", "severity", "q_value", "explanation"])
    strained = {"kind": "strained_tie", "actors": "A;B", "severity": 0.8, "q_value": 0.001, "explanation": "x"}
    near = dict(strained, severity=0.2, q_value=0.12)
    silo = {"kind": "silo", "actors": "G", "severity": 0.5, "q_value": 0.01, "explanation": "y"}
    rows = barrier_rows({"before": frame([strained, silo]), "after": frame([])},
                        {"after": frame([near])}, contact_after={frozenset(("A", "B"))}, fdr=0.05)
    said = {r["kind"]: r["change"] for r in rows}
    assert said == {"strained_tie": "persisting", "silo": "closed"}      # a little weaker: persisting
    # A tie barrier whose tie had no contact at all after was lost, not mended.
    rows = barrier_rows({"before": frame([strained]), "after": frame([])}, {"after": frame([])},
                        contact_after=set(), fdr=0.05)
    assert rows[0]["change"] == "persisting" and "lost, not mended" in rows[0]["explanation"]


def test_a_barrier_closes_only_when_it_could_have_been_mended():
    """Hand-made findings: a missing link closes only when the two made contact after; a
    barrier naming an actor with no contact at all after (left, or lost from the log) is
    not closed, whatever the after diagnosis says."""
    from stakeholder_graph.compare import barrier_rows
    def frame(rows):
        return pd.DataFrame(rows, columns=["kind", "actors", "severity", "q_value", "explanation"])
    link = {"kind": "missing_link", "actors": "A;B", "severity": 0.9, "q_value": 0.001, "explanation": "x"}
    broker = {"kind": "broker", "actors": "D", "severity": 0.9, "q_value": 0.001, "explanation": "y"}
    empty = {"before": frame([]), "after": frame([])}
    def change(finding, contact_after, active_after, period="before"):
        other = "after" if period == "before" else "before"
        rows = barrier_rows({period: frame([finding]), other: frame([])}, empty, contact_after=contact_after,
                            fdr=0.05, active={"before": {"A", "B", "C", "D"}, "after": active_after})
        return rows[0]["change"], rows[0]["explanation"]
    everyone = {"A", "B", "C", "D", "E"}
    assert change(link, {frozenset("AB")}, everyone)[0] == "closed"              # the introduction was made
    status, said = change(link, {frozenset("AE")}, everyone)
    assert status == "persisting" and "introduction was not made" in said
    status, said = change(broker, {frozenset("AB")}, everyone - {"D"})
    assert status == "persisting" and "D had no contact at all after" in said
    assert change(broker, {frozenset("AB")}, everyone)[0] == "closed"
    # New is new, and says so when an actor it names had no contact at all before.
    status, said = change(dict(link, actors="A;E"), set(), everyone, period="after")
    assert status == "new" and "E had no contact at all before" in said


def test_silo_share_threshold_and_the_compare_margin():
    import networkx as nx
    from stakeholder_graph.compare import barrier_rows
    # Hand-worked: group A is a 4-clique (6 ties of strength 1) with 4 ties of strength 1
    # out to an 8-clique B: A's strength is 2 x 6 + 4 = 16, of which 12 inside: 75%.
    G = nx.Graph()
    a, b = [f"A{i}" for i in range(4)], [f"B{i}" for i in range(8)]
    for group, name in ((a, "A"), (b, "B")):
        G.add_nodes_from(group, organisation=name, sector="", kind="team")
        G.add_edges_from((x, y) for i, x in enumerate(group) for y in group[i + 1:])
    G.add_edges_from((a[i], b[i]) for i in range(4))
    nx.set_edge_attributes(G, 1.0, "weight")
    nx.set_edge_attributes(G, 1.0, "distance")
    found = sg.find_barriers(G, kinds="silo")
    row = found[found["actors"] == "A"]
    assert len(row) == 1 and (1 - row["ei_index"].iloc[0]) / 2 == pytest.approx(0.75)
    assert not (sg.find_barriers(G, kinds="silo", silo_share=0.8)["actors"] == "A").any()
    # A silo found after only, whose group was at 45% inside before (found only at the
    # compare's lenient margin): persisting, and the sentence says why.
    def frame(rows):
        return pd.DataFrame(rows, columns=["kind", "actors", "severity", "q_value", "explanation", "ei_index"])
    after = {"kind": "silo", "actors": "G", "severity": 0.5, "q_value": 0.002, "explanation": "x", "ei_index": -0.1}
    before_near = dict(after, severity=0.4, ei_index=0.1)                  # 45% inside
    rows = barrier_rows({"before": frame([]), "after": frame([after])}, {"before": frame([before_near])},
                        contact_after=set(), fdr=0.05)
    assert rows[0]["change"] == "persisting" and "45% of its strength inside" in rows[0]["explanation"]


def test_periods_with_a_gap_between_them(demo_tables):
    log, meetings, actors = demo_tables["interactions"], demo_tables["meetings"], demo_tables["actors"]
    C = sg.compare_periods(log, meetings, actors, at="2025-10-01", before=("2025-01-01", "2025-06-30"))
    ties = C.ties.set_index("actors")
    for u, v, d in C.graphs["before"].edges(data=True):
        assert ties.loc[";".join(sorted((u, v))), "before"] == d["count"]     # July-September left out


def test_timeline_rows_equal_each_quarters_graph(demo_tables):
    log, meetings, actors = demo_tables["interactions"], demo_tables["meetings"], demo_tables["actors"]
    frame = sg.timeline(log, meetings, actors, every="quarter")
    assert frame["start"].iloc[0] == "2024-01-01" and frame["end"].iloc[-1] == "2026-09-30"
    row = frame.iloc[3]
    G = sg.build_graph(log, meetings, actors, since=row["start"], until=row["end"])
    s = sg.network_summary(G)
    assert row["ties"] == s["ties"] and row["density"] == pytest.approx(s["density"])
    assert row["mean_tie_strength"] == pytest.approx(s["mean_tie_strength"], rel=1e-9)
    assert row["contacts"] == G.graph["contacts_used"]


@pytest.mark.parametrize("args, message", [
    (["--at", "2023-01-01"], "outside the data"),
    (["--at", "2025-10-01", "--before", "2025-05-01..2025-01-01"], "reversed"),
    (["--at", "2025-10-01", "--before", "2024-01-01..2025-12-01"], "must end before --at"),
    (["--at", "2025-10-01", "--after", "2025-09-01..2026-01-01"], "must start on or after --at"),
    (["--at", "2025-10-01", "--before", "2020-01-01..2020-06-01"], "has no contact"),
    (["--at", "2025-10-01", "--as-of", "2025-01-01"], "--as-of has no meaning"),
    (["--at", "1 Octobre"], "not a date"),
])
def test_compare_mistakes_are_one_error_line(demo_files, args, message):
    result = CliRunner().invoke(cli, ["compare", str(demo_files["interactions"]), "--actors",
                                      str(demo_files["actors"]), *args])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0], result.output


def test_compare_and_timeline_commands(demo_files, tmp_path):
    inputs = [str(demo_files["interactions"]), "--meetings", str(demo_files["meetings"]),
              "--actors", str(demo_files["actors"])]
    result = CliRunner().invoke(cli, ["compare", *inputs, "--at", "2025-10-01", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert {"section", "kind", "actors", "before", "after", "change", "p_value", "explanation"} <= set(rows[0])
    result = CliRunner().invoke(cli, ["compare", *inputs, "--at", "2025-10-01"])
    assert result.exit_code == 0 and result.stdout.startswith("Before: 2024-01-01 to 2025-09-30")
    result = CliRunner().invoke(cli, ["timeline", *inputs, "--every", "year", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].startswith("start,end,contacts,ties,density")
    assert len(result.stdout.strip().splitlines()) == 1 + 3          # 2024, 2025, 2026


def test_a_short_after_period_of_a_bursty_partnership_shows_no_new_decay():
    """Ties that come and go in phases of 3-6 months (tests/null_worlds.py bursty_world),
    nothing changing: six months after the split, a tie in a quiet phase is no faded tie.
    Each period's own overdispersion read 9 and 3 ties of these two worlds as newly
    decayed; the partnership's, from both periods, none."""
    from null_worlds import END, bursty_world
    at = (pd.Timestamp(END) - pd.DateOffset(months=6)).strftime("%Y-%m-%d")
    for seed in (0, 2):
        log, registry, _ = bursty_world(seed)
        table = sg.compare_periods(log, actors=registry, at=at, seed=0).table()
        flipped = table[(table["section"] == "barrier") & (table["kind"] == "decayed_tie")
                        & table["change"].isin(["new", "closed"])]
        assert flipped.empty, (seed, list(flipped["actors"]))
