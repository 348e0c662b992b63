"""The demo's change story: compare_periods at the facilitation names every planted change.

Where the expected values come from: the demo partnership (``stakeholder_graph.datasets``)
plants its changes through the generator's relationships, each split at the facilitation
(``FACILITATION``, 1 October 2025) with its own rate, initiator share and negative share
before and after; ``PLANTED_CHANGES`` lists each change with its word, and
``data/README.md`` ("What changed at the facilitation") states the same story in words.
Every other relationship has one rate, share and negative share over the whole log, so
no other tie may be called changed.
"""

from pathlib import Path

import pandas as pd
import pytest

import stakeholder_graph as sg
from stakeholder_graph.datasets import _RELATIONSHIPS, END, FACILITATION, PLANTED_CHANGES

ROOT = Path(__file__).resolve().parents[1]
TIE_WORDS = ("formed", "lost", "strengthened", "weakened")
BARRIER_WORDS = ("closed", "new", "persisting")

PLANTED_TIES = [(word, pair) for word in TIE_WORDS for pair in sorted(PLANTED_CHANGES["ties"][word], key=sorted)]
PLANTED_BARRIERS = [(word, kind, actors) for word in BARRIER_WORDS
                    for kind, actors in sorted(PLANTED_CHANGES["barriers"][word], key=lambda k: (k[0], sorted(k[1])))]


def _label(value):
    return " / ".join(sorted(value)) if isinstance(value, frozenset) else str(value)


@pytest.fixture(scope="module")
def changes(demo_tables):
    C = sg.compare_periods(demo_tables["interactions"], demo_tables["meetings"], demo_tables["actors"],
                           at=FACILITATION)
    return C.table()


@pytest.fixture(scope="module")
def tie_words(changes):
    ties = changes[changes["section"] == "tie"]
    return {frozenset(a.split(";")): w for a, w in zip(ties["actors"], ties["change"])}


@pytest.fixture(scope="module")
def barrier_words(changes):
    barriers = changes[changes["section"] == "barrier"]
    return {(k, frozenset(a.split(";"))): w for k, a, w in zip(barriers["kind"], barriers["actors"], barriers["change"])}


def test_the_facilitation_date_splits_the_demo():
    """FACILITATION is the first of a month with at least 9 months of the demo after it, and
    every planted tie change is planted through the generator at that month: a relationship
    that starts there, stops before it, or is split there (its story in data/README.md).
    The podiatry tie is the exception the story names: it stopped in December 2024."""
    at = pd.Timestamp(FACILITATION)
    assert at.day == 1 and (END.to_period("M") - at.to_period("M")).n + 1 >= 9
    month, before = at.strftime("%Y-%m"), (at - pd.DateOffset(months=1)).strftime("%Y-%m")
    rows = {}
    for a, b, _, rate, first, last, *_ in _RELATIONSHIPS:
        rows.setdefault(frozenset((a, b)), []).append((first, last, rate))
    for word, pair in PLANTED_TIES:
        spans = rows[pair]
        if word == "lost" and pair == frozenset(("Riverside Podiatry Team", "Eastfield Community Diabetes Nurses")):
            assert spans == [("2024-01", "2024-12", 3.5)]
            continue
        assert any(first == month for first, _, _ in spans) or any(last == before for _, last, _ in spans), (word, pair)


@pytest.mark.parametrize("word,pair", PLANTED_TIES, ids=[f"{w}: {_label(p)}" for w, p in PLANTED_TIES])
def test_every_planted_tie_change_is_named(tie_words, word, pair):
    """Formed: no relationship before October 2025 (mental health trust's new ties);
    lost: no contact from October 2025 (the peer support grant; the podiatry tie, stopped
    in December 2024); strengthened: 0.15 -> 1.5 contacts a month (liaison referrals);
    weakened: 3 -> 1 a month (Eastfield's discharge escalations)."""
    assert tie_words.get(pair) == word, f"{_label(pair)}: planted {word}, compare says {tie_words.get(pair)}"


def test_no_other_tie_is_called_changed(tie_words):
    """Every relationship not in PLANTED_CHANGES keeps one rate over the whole log, so its
    tie is unchanged; the healthy ties (HEALTHY) are among them and have contact in both periods."""
    planted = set().union(*PLANTED_CHANGES["ties"].values())
    called = {pair: word for pair, word in tie_words.items() if word != "unchanged" and pair not in planted}
    assert not called, called
    for pair in sg.HEALTHY:
        assert tie_words.get(frozenset(pair)) == "unchanged", pair


@pytest.mark.parametrize("word,kind,actors", PLANTED_BARRIERS,
                         ids=[f"{w}: {k} {_label(a)}" for w, k, a in PLANTED_BARRIERS])
def test_every_planted_barrier_change_is_named(barrier_words, word, kind, actors):
    """Closed: the Eastfield discharge strain (70% negative before, 5% after) and the
    liaison referral as the mental health trust's only link out (one of four after); new:
    Northvale adult social care and the community palliative care nurses (60% negative from
    October 2025); persisting: the other planted barriers (PLANTED), which the story leaves
    in place (the silo eased, not gone)."""
    got = barrier_words.get((kind, actors))
    assert got == word, f"{kind} {_label(actors)}: planted {word}, compare says {got}"


def test_closed_and_new_barriers_are_found_in_one_period_only(changes):
    """A closed barrier has a severity before and none after; a new one the reverse."""
    barriers = changes[changes["section"] == "barrier"]
    for word, kind, actors in PLANTED_BARRIERS:
        row = barriers[(barriers["kind"] == kind) & (barriers["actors"] == ";".join(sorted(actors)))].iloc[0]
        if word == "closed":
            assert row["before"] >= 0.8 and pd.isna(row["after"]), (kind, actors)
        elif word == "new":
            assert pd.isna(row["before"]) and row["after"] >= 0.8, (kind, actors)


def test_data_readme_states_every_planted_change():
    """data/README.md's section on the facilitation names each planted change with its word."""
    text = (ROOT / "data" / "README.md").read_text(encoding="utf-8")
    assert "## What changed at the facilitation" in text
    section = text.split("## What changed at the facilitation", 1)[1].split("\n## ", 1)[0]
    lines = section.splitlines()
    for word, pair in PLANTED_TIES:
        assert any(word in line and all(name in line for name in pair) for line in lines), (word, pair)
    for word, kind, actors in PLANTED_BARRIERS:
        names = [n.replace("the ", "").replace(" sector", "") for n in actors] if kind == "structural_hole" else actors
        assert any(word in line and kind in line and all(n in line for n in names) for line in lines), (word, kind)
