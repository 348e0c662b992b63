"""The tie model: contacts (pairwise logs and meeting attendance) -> one row per pair of actors.

Everything here is vectorised pandas; there is no Python loop over contacts.

Tie strength
------------
Each contact contributes its ``weight`` (1 unless the log says minutes, contacts...)
multiplied by ``0.5 ** (age_days / half_life)``, where ``age_days`` is the time from the
contact to ``as_of`` (the last date in the data unless given).  The **default half-life is
180 days**: a contact six months old counts half, a year old a quarter, two years old a
sixteenth.  Why: Burt (2000, "Decay functions", *Social Networks* 22) found that work
relationships that are not renewed mostly decay within a year, and partnership programme
boards meet monthly or quarterly, so a tie kept up at that rhythm stays near its peak
while one that stopped two years ago fades to almost nothing, yet remains visible as a
historical tie.  ``distance = 1 / weight`` is what path-based measures use (strong ties
are short).

Meetings
--------
A meeting with ``n`` participants gives each pair of them ``weight / (n - 1)`` (Newman
2001, "Scientific collaboration networks II", Phys. Rev. E 64, 016132), so a 40-person
board does not look like 780 close relationships.  Meeting contacts have no initiator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "DEFAULT_HALF_LIFE_DAYS",
    "pairwise_contacts",
    "meeting_contacts",
    "filter_contacts",
    "roll_up",
    "tie_table",
]

DEFAULT_HALF_LIFE_DAYS = 180.0

CONTACT_COLUMNS = ["actor_a", "actor_b", "date", "weight", "a_to_b", "b_to_a", "meeting",
                   "type", "programme", "sentiment"]


def _ordered(first: pd.Series, second: pd.Series):
    """Put each pair in a fixed order (actor_a < actor_b) and say which way it was logged."""
    swap = (first > second).to_numpy()
    a = np.where(swap, second.to_numpy(dtype=object), first.to_numpy(dtype=object))
    b = np.where(swap, first.to_numpy(dtype=object), second.to_numpy(dtype=object))
    return a, b, swap


def pairwise_contacts(interactions: pd.DataFrame) -> pd.DataFrame:
    """One row per logged contact, with the pair in canonical order.

    ``a_to_b`` is 1 when ``actor_a`` initiated the contact (was the log's ``source``),
    ``b_to_a`` is 1 when ``actor_b`` did.
    """
    a, b, swap = _ordered(interactions["source"], interactions["target"])
    return pd.DataFrame({
        "actor_a": a,
        "actor_b": b,
        "date": interactions["date"].to_numpy(),
        "weight": interactions["weight"].to_numpy(dtype=float),
        "a_to_b": (~swap).astype(np.int64),
        "b_to_a": swap.astype(np.int64),
        "meeting": np.zeros(len(interactions), dtype=np.int64),
        "type": interactions["type"].to_numpy(dtype=object) if "type" in interactions else "",
        "programme": interactions["programme"].to_numpy(dtype=object) if "programme" in interactions else "",
        "sentiment": interactions["sentiment"].to_numpy(dtype=float) if "sentiment" in interactions else np.nan,
    })


def meeting_contacts(meetings: pd.DataFrame) -> pd.DataFrame:
    """Project attendance onto pairs: each pair at a meeting of n gets ``weight/(n-1)``."""
    if meetings is None or meetings.empty:
        return pd.DataFrame(columns=CONTACT_COLUMNS)
    m = meetings[["event", "date", "participant", "weight", "type", "programme"]].copy()
    m["key"] = pd.factorize(m["event"].astype(str) + "\x1f" + m["date"].astype(str))[0]
    m = m.drop_duplicates(["key", "participant"])
    m["n"] = m.groupby("key")["participant"].transform("size")
    m = m[m["n"] > 1]
    left = m[["key", "participant", "date", "weight", "n", "type", "programme"]]
    pairs = left.merge(m[["key", "participant"]], on="key", suffixes=("", "_other"))
    pairs = pairs[pairs["participant"] < pairs["participant_other"]]
    meeting_type = pairs["type"].where(pairs["type"] != "", "meeting")
    return pd.DataFrame({
        "actor_a": pairs["participant"].to_numpy(dtype=object),
        "actor_b": pairs["participant_other"].to_numpy(dtype=object),
        "date": pairs["date"].to_numpy(),
        "weight": (pairs["weight"] / (pairs["n"] - 1)).to_numpy(dtype=float),
        "a_to_b": 0,
        "b_to_a": 0,
        "meeting": 1,
        "type": meeting_type.to_numpy(dtype=object),
        "programme": pairs["programme"].to_numpy(dtype=object),
        "sentiment": np.nan,
    })


def filter_contacts(contacts: pd.DataFrame, *, since=None, until=None, programme=None,
                    type=None) -> pd.DataFrame:
    """Keep contacts in ``[since, until]`` (inclusive) and, if given, of one programme / type.

    ``programme`` and ``type`` match case-insensitively and may be a list of names.
    """
    keep = pd.Series(True, index=contacts.index)
    if since is not None:
        keep &= contacts["date"] >= pd.Timestamp(since)
    if until is not None:
        until = pd.Timestamp(until)
        if until == until.normalize():
            until = until + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
        keep &= contacts["date"] <= until
    for column, wanted in [("programme", programme), ("type", type)]:
        if wanted:
            wanted = [wanted] if isinstance(wanted, str) else list(wanted)
            folded = {w.casefold() for w in wanted}
            keep &= contacts[column].astype(str).str.casefold().isin(folded)
    return contacts[keep]


def roll_up(contacts: pd.DataFrame, organisation_of: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Re-express contacts between organisations (actors mapped through ``organisation_of``).

    Returns ``(between, internal)``: contacts whose two ends now lie in different
    organisations, re-ordered; and per organisation the internal volume (``internal_count``,
    ``internal_volume``) of contacts whose two ends are in the same organisation.
    """
    a = contacts["actor_a"].map(lambda n: organisation_of.get(n, n))
    b = contacts["actor_b"].map(lambda n: organisation_of.get(n, n))
    same = (a == b).to_numpy()
    internal = (contacts[same].assign(org=a[same].to_numpy())
                .groupby("org").agg(internal_count=("weight", "size"), internal_volume=("weight", "sum")))
    rest = contacts[~same]
    na, nb, swap = _ordered(a[~same], b[~same])
    between = rest.assign(
        actor_a=na, actor_b=nb,
        a_to_b=np.where(swap, rest["b_to_a"], rest["a_to_b"]),
        b_to_a=np.where(swap, rest["a_to_b"], rest["b_to_a"]),
    )
    return between, internal


def _joined_labels(pairs: pd.DataFrame, column: str, keys: list) -> pd.Series:
    """The sorted, ``;``-joined distinct labels of ``column`` per pair.

    Uses a bitmask per label so the join is done once per distinct combination, not once
    per pair (the per-group Python join took seconds at 100,000 pairs).
    """
    labels = pairs[column].astype(str)
    present = labels != ""
    codes, uniques = pd.factorize(labels[present], sort=True)
    if len(uniques) == 0:
        return None
    if len(uniques) > 62:
        sub = pairs.loc[present, keys].assign(label=labels[present]).drop_duplicates()
        return sub.groupby(keys)["label"].agg(lambda s: ";".join(sorted(s)))
    sub = pairs.loc[present, keys].assign(bit=np.left_shift(np.int64(1), codes.astype(np.int64)))
    sub = sub.drop_duplicates()
    masks = sub.groupby(keys)["bit"].sum()
    names = {m: ";".join(u for i, u in enumerate(uniques) if (int(m) >> i) & 1) for m in masks.unique()}
    return masks.map(names)


def tie_table(contacts: pd.DataFrame, *, as_of=None, half_life: float = DEFAULT_HALF_LIFE_DAYS,
              period_days: float | None = None) -> pd.DataFrame:
    """Aggregate contacts into one row per pair of actors.

    Columns (one row per pair ``actor_a < actor_b``):

    - ``weight``: tie strength, the sum of contact weights decayed by age with ``half_life``
      days, as of ``as_of``.  ``distance = 1 / weight``.
    - ``volume``: the undecayed sum of contact weights.
    - ``count``: contacts (pairwise contacts plus meetings shared); ``contacts`` and
      ``meetings`` split it.
    - ``first``, ``last``: dates of the first and last contact.
    - ``a_to_b``, ``b_to_a``: pairwise contacts initiated by ``actor_a`` / ``actor_b``.
    - ``reciprocity``: min / max of the two initiation counts, from 0 (one side only) to 1
      (balanced); NaN when no contact has an initiator (meetings only).
    - ``rated``, ``negative``: contacts with a sentiment recorded, and those below zero;
      ``negative_share = negative / rated`` (NaN when none rated); ``mean_sentiment``.
    - ``types``, ``programmes``: the distinct labels, ``;``-separated.
    - ``peak_volume``, ``peak_end``, ``recent_volume``: the contact volume in the busiest
      period of ``period_days`` (default: the half-life), counted back from ``as_of``, the
      end of that period, and the volume in the most recent period: a tie's decline is
      measured against its own past.
    """
    if contacts.empty:
        return pd.DataFrame(columns=["actor_a", "actor_b", "weight", "distance", "volume", "count"])
    period_days = float(period_days or half_life)
    as_of = pd.Timestamp(as_of) if as_of is not None else contacts["date"].max()
    age_days = (as_of - contacts["date"]).dt.total_seconds().to_numpy() / 86400.0
    work = pd.DataFrame({
        "actor_a": contacts["actor_a"].to_numpy(),
        "actor_b": contacts["actor_b"].to_numpy(),
        "date": contacts["date"].to_numpy(),
        "weight": contacts["weight"].to_numpy(dtype=float),
        "strength": contacts["weight"].to_numpy(dtype=float) * np.power(0.5, np.maximum(age_days, 0) / half_life),
        "contact": 1 - contacts["meeting"].to_numpy(dtype=np.int64),
        "meeting": contacts["meeting"].to_numpy(dtype=np.int64),
        "a_to_b": contacts["a_to_b"].to_numpy(dtype=np.int64),
        "b_to_a": contacts["b_to_a"].to_numpy(dtype=np.int64),
        "rated": contacts["sentiment"].notna().to_numpy(dtype=np.int64),
        "negative": (contacts["sentiment"] < 0).to_numpy(dtype=np.int64),
        "sentiment": contacts["sentiment"].fillna(0).to_numpy(dtype=float),
        "period": np.floor(np.maximum(age_days, 0) / period_days).astype(np.int64),
    })
    keys = ["actor_a", "actor_b"]
    grouped = work.groupby(keys, sort=True)
    ties = grouped.agg(
        weight=("strength", "sum"), volume=("weight", "sum"), count=("weight", "size"),
        contacts=("contact", "sum"), meetings=("meeting", "sum"), first=("date", "min"),
        last=("date", "max"), a_to_b=("a_to_b", "sum"), b_to_a=("b_to_a", "sum"),
        rated=("rated", "sum"), negative=("negative", "sum"), sentiment_sum=("sentiment", "sum"),
    )
    high = np.maximum(ties["a_to_b"], ties["b_to_a"])
    ties["reciprocity"] = np.where(high > 0, np.minimum(ties["a_to_b"], ties["b_to_a"]) / high.where(high > 0, 1),
                                   np.nan)
    rated = ties["rated"].where(ties["rated"] > 0)
    ties["negative_share"] = ties["negative"] / rated
    ties["mean_sentiment"] = ties.pop("sentiment_sum") / rated
    ties["distance"] = 1.0 / ties["weight"]
    for column, out in [("type", "types"), ("programme", "programmes")]:
        joined = _joined_labels(contacts.assign(actor_a=work["actor_a"].to_numpy(),
                                                actor_b=work["actor_b"].to_numpy()), column, keys)
        ties[out] = joined.reindex(ties.index).fillna("") if joined is not None else ""
    per_period = work.groupby(keys + ["period"], sort=False)["weight"].sum()
    peak_idx = per_period.groupby(level=[0, 1]).idxmax()
    peak = per_period.loc[peak_idx.to_list()]
    peak.index = peak.index.droplevel(2)
    ties["peak_volume"] = peak.reindex(ties.index).to_numpy()
    peak_period = pd.Series([p[2] for p in peak_idx.to_list()], index=peak_idx.index).reindex(ties.index)
    ties["peak_end"] = as_of - pd.to_timedelta(peak_period.to_numpy() * period_days, unit="D")
    recent = per_period.xs(0, level="period") if (work["period"] == 0).any() else pd.Series(dtype=float)
    ties["recent_volume"] = recent.reindex(ties.index).fillna(0.0).to_numpy()
    return ties.reset_index()
