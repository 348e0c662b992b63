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

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from pandas.api.types import union_categoricals

from ._codes import blank, code_dtype, date_ticks, distinct, observed, recode, relabel
from .io.readers import meeting_numbers

__all__ = [
    "DEFAULT_HALF_LIFE_DAYS",
    "pairwise_contacts",
    "meeting_contacts",
    "filter_contacts",
    "roll_up",
    "tie_table",
    "combine_contacts",
    "actor_categories",
]

DEFAULT_HALF_LIFE_DAYS = 180.0

CONTACT_COLUMNS = ["actor_a", "actor_b", "date", "weight", "a_to_b", "b_to_a", "meeting",
                   "type", "programme", "sentiment"]

# Actor, type and programme columns are pandas Categoricals: a log of a million contacts
# names a few thousand actors, and integer codes make ordering, grouping and roll-up cheap.
# Actor categories are sorted, so code order is name order and actor_a < actor_b by name.


def actor_categories(*name_columns) -> pd.Index:
    """The sorted distinct names found in the given columns (for a Categorical, the names
    that occur, not unused categories)."""
    names = set()
    for column in name_columns:
        if column is not None and len(column):
            names.update(observed(column))
    return pd.Index(sorted(names, key=str), dtype=object)


def _ordered_pair(first, second, categories: pd.Index):
    """Canonical order (actor_a < actor_b) as categoricals, and whether the pair was swapped."""
    cf, cs = recode(first, categories), recode(second, categories)
    swap = cf > cs
    # A name missing from ``categories`` (code -1) stays missing here; tie_table refuses it.
    dtype = pd.CategoricalDtype(categories)
    a = pd.Categorical.from_codes(np.minimum(cf, cs), dtype=dtype, validate=False)
    b = pd.Categorical.from_codes(np.maximum(cf, cs), dtype=dtype, validate=False)
    return a, b, swap


def _labels(frame: pd.DataFrame, column: str, n: int):
    if column not in frame:
        return blank(n)
    codes, uniques = distinct(frame[column])
    return pd.Categorical.from_codes(codes, categories=pd.Index(np.asarray(uniques, dtype=object), dtype=object))


def pairwise_contacts(interactions: pd.DataFrame, categories: pd.Index | None = None) -> pd.DataFrame:
    """One row per logged contact, with the pair in canonical order.

    ``a_to_b`` is 1 when ``actor_a`` initiated the contact (was the log's ``source``),
    ``b_to_a`` is 1 when ``actor_b`` did.  ``categories`` are the actor names (sorted);
    by default those of this log.
    """
    if categories is None:
        categories = actor_categories(interactions["source"], interactions["target"])
    a, b, swap = _ordered_pair(interactions["source"], interactions["target"], categories)
    n = len(interactions)
    # Date, weight and sentiment are the log's own arrays (no copy); the flags are one
    # byte per contact: this table is as long as the log.
    return pd.DataFrame({
        "actor_a": a,
        "actor_b": b,
        "date": interactions["date"].to_numpy(),
        "weight": interactions["weight"].to_numpy(dtype=float),
        "a_to_b": (~swap).view(np.int8),
        "b_to_a": swap.view(np.int8),
        "meeting": np.zeros(n, dtype=np.int8),
        "type": _labels(interactions, "type", n),
        "programme": _labels(interactions, "programme", n),
        "sentiment": (interactions["sentiment"].to_numpy(dtype=float) if "sentiment" in interactions
                      else np.full(n, np.nan)),
    }, copy=False)


def meeting_contacts(meetings: pd.DataFrame, categories: pd.Index | None = None) -> pd.DataFrame:
    """Project attendance onto pairs: each pair at a meeting of n gets ``weight/(n-1)``."""
    if meetings is None or meetings.empty:
        return pd.DataFrame(columns=CONTACT_COLUMNS)
    if categories is None:
        categories = actor_categories(meetings["participant"])
    n_rows = len(meetings)
    m = pd.DataFrame({
        "key": meeting_numbers(meetings["event"], meetings["date"]),
        "code": recode(meetings["participant"], categories),
        "date": meetings["date"].to_numpy(),
        "weight": meetings["weight"].to_numpy(dtype=float),
        "type": _labels(meetings, "type", n_rows),
        "programme": _labels(meetings, "programme", n_rows),
    })
    m = m.drop_duplicates(["key", "code"])
    m["n"] = m.groupby("key")["code"].transform("size")
    m = m[m["n"] > 1]
    m = _first_row_of_meeting(m)
    # Every pair at each meeting: a self-join, as long as the sum of n(n-1) over meetings.
    pairs = m.merge(m[["key", "code"]], on="key", suffixes=("", "_other"))
    pairs = pairs[pairs["code"] < pairs["code_other"]]
    n = len(pairs)
    return pd.DataFrame({
        "actor_a": pd.Categorical.from_codes(pairs["code"].to_numpy(), categories=categories),
        "actor_b": pd.Categorical.from_codes(pairs["code_other"].to_numpy(), categories=categories),
        "date": pairs["date"].to_numpy(),
        "weight": (pairs["weight"] / (pairs["n"] - 1)).to_numpy(dtype=float),
        "a_to_b": np.zeros(n, dtype=np.int8),
        "b_to_a": np.zeros(n, dtype=np.int8),
        "meeting": np.ones(n, dtype=np.int8),
        # A meeting without a type of its own is of type "meeting".
        "type": relabel(pairs["type"], lambda types: [str(t) or "meeting" for t in types]),
        "programme": pd.Categorical(pairs["programme"]),
        "sentiment": np.full(n, np.nan),
    }, copy=False)


def _first_row_of_meeting(m: pd.DataFrame) -> pd.DataFrame:
    """Every row of a meeting with its first row's weight, type and programme (rows in the
    register's order): a meeting is one event, and a pair's contact must not depend on
    which of its two attendees sorts first (the reader notes meetings whose rows differ)."""
    key = m["key"].to_numpy()
    if not len(key):
        return m
    first = ~m["key"].duplicated().to_numpy()
    row_of = np.zeros(int(key.max()) + 1, dtype=np.intp)
    row_of[key[first]] = np.flatnonzero(first)
    source = row_of[key]
    return m.assign(weight=m["weight"].to_numpy()[source],
                    type=pd.Categorical.from_codes(m["type"].cat.codes.to_numpy()[source], dtype=m["type"].dtype),
                    programme=pd.Categorical.from_codes(m["programme"].cat.codes.to_numpy()[source],
                                                        dtype=m["programme"].dtype))


def combine_contacts(parts: list) -> pd.DataFrame:
    """Stack contact tables, keeping the label columns categorical (union of categories)."""
    parts = [p for p in parts if p is not None and len(p)]
    if not parts:
        return pd.DataFrame(columns=CONTACT_COLUMNS)
    if len(parts) == 1:
        return parts[0]
    out = pd.concat([p.drop(columns=["type", "programme"]) for p in parts], ignore_index=True)
    for column in ["type", "programme"]:
        # Categories united and codes re-mapped: no label is spelled out per contact.
        out[column] = union_categoricals([pd.Categorical(p[column]) for p in parts])
    return out


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
    return contacts if keep.all() else contacts[keep]


def roll_up(contacts: pd.DataFrame, organisation_of: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Re-express contacts between organisations (actors mapped through ``organisation_of``).

    Returns ``(between, internal)``: contacts whose two ends now lie in different
    organisations, re-ordered; and per organisation the internal volume (``internal_count``,
    ``internal_volume``) of contacts whose two ends are in the same organisation.
    """
    categories = contacts["actor_a"].cat.categories
    org_names = [organisation_of.get(n, n) for n in categories]
    org_codes, org_categories = pd.factorize(np.asarray(org_names, dtype=object), sort=True)
    a = org_codes[contacts["actor_a"].cat.codes.to_numpy()]
    b = org_codes[contacts["actor_b"].cat.codes.to_numpy()]
    same = a == b
    internal = (pd.DataFrame({"org": org_categories[a[same]], "weight": contacts["weight"].to_numpy()[same]})
                .groupby("org").agg(internal_count=("weight", "size"), internal_volume=("weight", "sum")))
    rest = contacts[~same]
    a, b = a[~same], b[~same]
    swap = a > b
    org_categories = pd.Index(org_categories)
    between = rest.assign(
        actor_a=pd.Categorical.from_codes(np.where(swap, b, a), categories=org_categories),
        actor_b=pd.Categorical.from_codes(np.where(swap, a, b), categories=org_categories),
        a_to_b=np.where(swap, rest["b_to_a"], rest["a_to_b"]),
        b_to_a=np.where(swap, rest["a_to_b"], rest["b_to_a"]),
    )
    return between, internal


def _label_masks(pair: np.ndarray, labels, groups: int, scratch: np.ndarray | None = None):
    """For each pair a bitmask of its distinct labels (``pair`` is the dense pair number of
    each contact, ``groups`` the number of pairs): ``(names, masks)``, ``names`` the sorted
    labels the bits stand for; None when no contact has a label.  Masks combine by OR, so
    partial tie tables carry them (see :func:`_joined`).  ``scratch``, an int64 array as
    long as ``pair``, is used for the key per contact (its values are lost).
    """
    codes, uniques = distinct(labels)
    names = sorted(str(u) for u in uniques if str(u) != "")
    if not names:
        return None
    # More than 62 distinct labels is unusual for types or programmes; they all still count
    # in the filters, only the joined list stops at 62.
    names = names[:MAX_LABELS]
    position = {name: i for i, name in enumerate(names)}
    bit = np.array([position.get(str(u), -1) for u in uniques] + [-1], dtype=np.int8)[codes]
    labelled = bit >= 0
    if not labelled.all():
        pair, bit = pair[labelled], bit[labelled]
    if groups * len(names) <= 20_000_000:
        # A dense pairs x labels presence table: one bincount, no hashing.
        key = (np.multiply(pair, len(names), out=scratch[:len(pair)]) if scratch is not None
               else pair * len(names))
        key += bit
        present = np.bincount(key, minlength=groups * len(names)) > 0
        del key
        masks = present.reshape(groups, len(names)).astype(np.int64) @ (np.int64(1) << np.arange(len(names)))
    else:
        seen = pd.DataFrame({"pair": pair, "bit": np.int64(1) << bit.astype(np.int64)}).drop_duplicates()
        masks = seen.groupby("pair")["bit"].sum().reindex(range(groups), fill_value=0).to_numpy()
    return names, masks


def _joined(names: list, masks: np.ndarray) -> np.ndarray:
    """The sorted, ``;``-joined labels of each mask: the join is done once per distinct
    combination, not once per pair (a per-group Python join took seconds at 100,000 pairs)."""
    distinct_masks, which = np.unique(masks, return_inverse=True)
    joined = np.array([";".join(names[i] for i in range(len(names)) if (int(m) >> i) & 1)
                       for m in distinct_masks], dtype=object)
    return joined[which]


MAX_LABELS = 62


def _pair_keys(contacts: pd.DataFrame):
    """One integer key per contact for its pair (grouping on one integer is several times
    faster than on two categorical columns), and the actor names behind the codes.  The
    keys are 4-byte integers while actors x actors fits in them (46,340 actors)."""
    a, b = contacts["actor_a"], contacts["actor_b"]
    if (isinstance(a.dtype, pd.CategoricalDtype) and isinstance(b.dtype, pd.CategoricalDtype)
            and a.cat.categories.equals(b.cat.categories)):
        categories = a.cat.categories
        ca, cb = a.cat.codes.to_numpy(), b.cat.codes.to_numpy()
    else:
        categories = actor_categories(a, b)
        ca, cb = recode(a, categories), recode(b, categories)
    if len(ca) and min(ca.min(), cb.min()) < 0:
        # A code of -1 would index from the end of the pair table: another pair's tie.
        raise ValueError("a contact has no actor_a or actor_b (missing, or not among the actors)")
    key = ca.astype(np.int32 if len(categories) ** 2 < 2 ** 31 else np.int64)
    key *= len(categories)
    key += cb
    return key, categories


def _pair_groups(key: np.ndarray, actors: int) -> tuple[np.ndarray, np.ndarray]:
    """For each contact the number of its pair (0..pairs-1), and the pair keys in ascending
    order (so ties come out sorted by actor_a, then actor_b).

    With up to 4,096 actors the keys index a dense actors x actors table: marking the pairs
    present and numbering them is a few passes of plain array indexing, about 3x faster
    than hashing a million keys.  Larger partnerships hash (``pandas.factorize``).
    """
    cells = actors * actors
    if cells > 1 << 24:
        codes, pairs = pd.factorize(key, sort=True)
        return codes, np.asarray(pairs)
    present = np.zeros(cells, dtype=bool)
    present[key] = True
    pairs = np.flatnonzero(present)
    del present
    number = np.zeros(cells, dtype=code_dtype(len(pairs)))  # calloc'd: untouched pages cost nothing
    number[pairs] = np.arange(len(pairs))
    # As intp: np.bincount and index arithmetic would otherwise convert (or overflow) it.
    return number[key].astype(np.intp), pairs


def _period_history(days_per_period: np.ndarray, first, last, as_of_tick, ticks_per_period) -> dict:
    """Each tie's rhythm while it was active, in days with contact.

    ``days_per_period`` holds, per tie, its days with contact in each period (one
    half-life, column 0 the most recent).  Returns the full periods strictly between the
    tie's first and last contact (``history_periods``) and the sum and sum of squares of
    its days with contact in them (``history_days``, ``history_days_sq``): how regular or
    bursty the tie was; the decay test allows for it.  Days, not contacts: a sensor logs
    one conversation as dozens of contacts, a board meeting as one.
    """
    first_period = ((as_of_tick - first) // ticks_per_period).astype(np.int64)
    last_period = ((as_of_tick - last) // ticks_per_period).astype(np.int64)
    np.maximum(last_period, 0, out=last_period)
    period = np.arange(days_per_period.shape[1])
    inside = (period < first_period[:, None]) & (period > last_period[:, None])
    n = np.where(inside, days_per_period, 0.0)
    return {
        "history_periods": np.maximum(first_period - last_period - 1, 0),
        "history_days": n.sum(axis=1).astype(np.int64),
        "history_days_sq": (n * n).sum(axis=1),
    }


@dataclass
class TiePartial:
    """The tie table of some of the contacts, as sums that combine: the tie model as a
    reduction.  Partial tables of the parts of a log, combined by :func:`combine_partials`
    (in any grouping: sums, minima, maxima, ORs), give the partial table of the whole, and
    :func:`finish_ties` turns it into the tie table.  :func:`tie_table` is this on one part;
    the Dask engine makes one per partition and combines them by a tree reduction.

    Every part must share ``categories`` (the actors: a pair's key is ``code_a * actors +
    code_b``), the date ``unit``, and the frame of the per-period counts: ``day0`` and
    ``span`` (days with contact are kept as bits, one per day from ``day0``: bounded by pairs
    x days, however many contacts) and ``periods`` (contact volume per pair and period of
    ``period_days`` counted back from ``as_of``).
    """

    pairs: np.ndarray            # the pairs' keys, ascending
    categories: pd.Index
    unit: str
    sums: dict                   # per pair: weight (decayed), volume, count, ... (see SUMS)
    first: np.ndarray            # per pair: first and last contact, as integers in ``unit``
    last: np.ndarray
    labels: dict                 # "type"/"programme" -> (names, bitmask per pair) or None
    day0: int
    span: int
    day_bits: np.ndarray         # pairs x ceil(span / 8) bytes: the days with contact
    period_volume: np.ndarray    # pairs x periods: contact volume, period 0 the most recent


# The additive columns of a partial tie table (floats: decayed and summed weights; the rest counts).
SUMS = ["weight", "volume", "count", "contacts", "meetings", "a_to_b", "b_to_a", "rated", "negative",
        "sentiment_sum", "recent_count"]


def contact_frame(contacts: pd.DataFrame, as_of=None, half_life: float = DEFAULT_HALF_LIFE_DAYS,
                  period_days: float | None = None) -> dict:
    """The frame partial tie tables share for ``contacts`` as a whole: ``as_of`` (default the
    last contact), ``period_days`` (default the half-life), the first day, the days spanned
    and the number of periods.  The Dask engine works these out from the whole log first."""
    period_days = float(period_days or half_life)
    as_of = pd.Timestamp(as_of) if as_of is not None else contacts["date"].max()
    return frame_of(contacts["date"].min(), contacts["date"].max(), as_of, period_days)


def frame_of(first, last, as_of, period_days: float) -> dict:
    """:func:`contact_frame` from the first and last contact dates."""
    per_day = 86_400_000_000                      # the frame is in days; microseconds suffice
    day0 = int(np.datetime64(pd.Timestamp(first).to_datetime64(), "us").astype(np.int64) // per_day)
    day1 = int(np.datetime64(pd.Timestamp(last).to_datetime64(), "us").astype(np.int64) // per_day)
    age = max((pd.Timestamp(as_of) - pd.Timestamp(first)) / pd.Timedelta(days=1), 0.0)
    return {"as_of": pd.Timestamp(as_of), "period_days": float(period_days), "day0": day0,
            # One period more than the oldest contact needs: a float's rounding at a period's
            # edge must not put a contact outside (an empty period changes no result).
            "span": day1 - day0 + 1, "periods": int(age / period_days) + 2}


def partial_ties(contacts: pd.DataFrame, *, as_of, half_life: float, period_days: float, day0: int,
                 span: int, periods: int, categories: pd.Index | None = None) -> TiePartial | None:
    """The :class:`TiePartial` of ``contacts`` (None without contacts), in the frame of
    :func:`contact_frame`.  Contacts after ``as_of`` count as made at ``as_of``; a contact
    outside the frame's days or periods is an error (the frame was not the whole log's)."""
    if contacts.empty:
        return None
    as_of = pd.Timestamp(as_of)
    # Ages from the dates as integers (in their own unit): no Timedelta objects for a
    # million contacts.  This table is as long as the log, so each per-contact array is
    # made once and updated in place (in a new process, each new array also costs its
    # memory pages' first touch).
    dates = contacts["date"].to_numpy()
    ticks, per_day = date_ticks(dates)
    unit = np.datetime_data(dates.dtype)[0]
    as_of_tick = np.datetime64(as_of.to_datetime64(), unit).astype(np.int64)
    # As floats straight away, with no integer array between: a float holds a date's
    # ticks to well under a second, and ages are counted in days.
    age_days = np.subtract(as_of_tick, ticks, dtype=float)
    age_days /= per_day
    np.maximum(age_days, 0, out=age_days)
    if categories is not None and not contacts["actor_a"].cat.categories.equals(categories):
        contacts = contacts.assign(actor_a=pd.Categorical(contacts["actor_a"], categories=categories),
                                   actor_b=pd.Categorical(contacts["actor_b"], categories=categories))
    pair, categories = _pair_keys(contacts)
    # Sums by np.bincount over dense group codes: one pass per column, no hashing per column.
    codes, pairs = _pair_groups(pair, len(categories))
    del pair
    groups = len(pairs)
    weight = contacts["weight"].to_numpy(dtype=float)
    sentiment = contacts["sentiment"].to_numpy(dtype=float)
    meeting = contacts["meeting"].to_numpy()

    def total(values):
        """Sum of ``values`` (one per contact) per pair."""
        return np.bincount(codes, weights=values, minlength=groups)

    def count_where(flags):
        """Contacts per pair where ``flags`` (0/1 per contact) is set."""
        if not flags.any():
            return np.zeros(groups, dtype=np.int64)
        # The flags as bincount's weights (sums of 0 and 1 are exact in floats): about 3x
        # faster than picking out the flagged contacts' codes first.
        return np.bincount(codes, weights=flags, minlength=groups).astype(np.int64)

    first = np.full(groups, np.iinfo(np.int64).max)
    last = np.full(groups, np.iinfo(np.int64).min)
    np.minimum.at(first, codes, ticks)
    np.maximum.at(last, codes, ticks)
    decayed = age_days * (-1.0 / half_life)
    np.exp2(decayed, out=decayed)
    decayed *= weight
    rated = ~np.isnan(sentiment)
    any_rated = bool(rated.any())
    sums = {
        "weight": total(decayed),
        "volume": total(weight),
        "count": np.bincount(codes, minlength=groups),
        "meetings": count_where(meeting),
        "a_to_b": count_where(contacts["a_to_b"].to_numpy()),
        "b_to_a": count_where(contacts["b_to_a"].to_numpy()),
        "rated": count_where(rated),
        "negative": count_where(sentiment < 0) if any_rated else np.zeros(groups, dtype=np.int64),
        "sentiment_sum": total(np.nan_to_num(sentiment)) if any_rated else np.zeros(groups),
        "recent_count": np.bincount(codes[age_days < period_days], minlength=groups),
    }
    sums["contacts"] = sums["count"] - sums["meetings"]
    # One scratch array of a key per contact serves every keyed count below, in turn: in a
    # worker that hands freed memory back at once, each new array as long as the log costs
    # its pages' first touch again.
    key = decayed.view(np.int64)
    del decayed
    labels = {column: (_label_masks(codes, contacts[column], groups, key) if column in contacts else None)
              for column in ("type", "programme")}
    # Days with contact per tie (a sensor's dozens of records of one conversation, or a
    # day of meetings, are one day), as one bit per pair and day of the frame.
    day = np.floor_divide(ticks, per_day, out=key)
    day -= day0
    if len(day) and (day.min() < 0 or day.max() >= span):
        raise ValueError("a contact lies outside the days of the tie table's frame")
    day_bits = _day_bits(codes, day, groups, span)
    # Contact volume per pair and period (counted back from as_of): a dense pairs x
    # periods table.
    age_days /= period_days
    period = key
    period[:] = age_days                     # ages are >= 0: truncation is floor
    del age_days
    if len(period) and period.max() >= periods:
        raise ValueError("a contact lies outside the periods of the tie table's frame")
    # The pair-and-period key, made in the period array.  This spoils codes, which
    # nothing needs after it.
    codes *= periods
    period += codes
    table = np.bincount(period, weights=weight, minlength=groups * periods).reshape(groups, periods)
    return TiePartial(pairs=np.asarray(pairs, dtype=np.int64), categories=categories, unit=unit, sums=sums,
                      first=first, last=last, labels=labels, day0=int(day0), span=int(span),
                      day_bits=day_bits, period_volume=table)


def _day_bits(codes: np.ndarray, day: np.ndarray, groups: int, span: int) -> np.ndarray:
    """pairs x ceil(span / 8) bytes, bit ``d`` of row ``p`` set when pair ``p`` had a contact
    on day ``d``: a dense presence table when it is small, else the distinct (pair, day)."""
    width = (span + 7) // 8
    if groups * span <= 1 << 26:
        present = np.zeros(groups * span, dtype=bool)
        cell = codes * np.int64(span)
        cell += day
        present[cell] = True
        del cell
        return np.packbits(present.reshape(groups, span), axis=1, bitorder="little")
    key = np.unique(codes.astype(np.int64) * span + day)
    pair, offset = np.divmod(key, span)
    bits = np.zeros(groups * width, dtype=np.uint8)
    np.bitwise_or.at(bits, pair * width + (offset >> 3), (1 << (offset & 7)).astype(np.uint8))
    return bits.reshape(groups, width)


def combine_partials(parts) -> TiePartial | None:
    """One :class:`TiePartial` from several of the same frame: sums added, first and last
    the minimum and maximum, label sets and days with contact united, period volumes added."""
    parts = [p for p in parts if p is not None]
    if len(parts) <= 1:
        return parts[0] if parts else None
    head = parts[0]
    for p in parts[1:]:
        if (p.unit != head.unit or p.day0 != head.day0 or p.span != head.span
                or p.period_volume.shape[1] != head.period_volume.shape[1]):
            raise ValueError("partial tie tables of different frames cannot be combined")
    if any(not p.categories.equals(head.categories) for p in parts[1:]):
        # Parts that name different actors (partitions of a log): all keyed on the union.
        categories = pd.Index(sorted(set().union(*(p.categories for p in parts)), key=str), dtype=object)
        parts = [_on_categories(p, categories) for p in parts]
        head = parts[0]
    # Each part's pairs are distinct: its rows are placed in the united table's rows by one
    # gather and scatter per part and column (no sort of every row, no ufunc.at).
    pairs = np.unique(np.concatenate([p.pairs for p in parts]))
    rows = [np.searchsorted(pairs, p.pairs) for p in parts]

    def united(values_of, ufunc, empty):
        out = np.full((len(pairs),) + values_of(head).shape[1:], empty, dtype=values_of(head).dtype)
        for p, where in zip(parts, rows):
            out[where] = ufunc(out[where], values_of(p))
        return out

    return TiePartial(pairs=pairs, categories=head.categories, unit=head.unit,
                      sums={column: united(lambda p: p.sums[column], np.add, 0) for column in SUMS},
                      first=united(lambda p: p.first, np.minimum, np.iinfo(np.int64).max),
                      last=united(lambda p: p.last, np.maximum, np.iinfo(np.int64).min),
                      labels={column: _united_labels(parts, column, rows, len(pairs)) for column in ("type", "programme")},
                      day0=head.day0, span=head.span, day_bits=united(lambda p: p.day_bits, np.bitwise_or, 0),
                      period_volume=united(lambda p: p.period_volume, np.add, 0))


def _on_categories(part: TiePartial, categories: pd.Index) -> TiePartial:
    """``part`` with its pairs keyed on ``categories``, which hold all of its own actors in
    the same order (so every pair keeps its order and the keys stay ascending)."""
    code = categories.get_indexer(part.categories)
    a, b = np.divmod(part.pairs, len(part.categories))
    return replace(part, pairs=code[a] * np.int64(len(categories)) + code[b], categories=categories)


def rename_actors(partial: TiePartial, names: dict) -> TiePartial | None:
    """``partial`` with each actor (category) renamed as ``names`` says (an actor not in it
    keeps its name): pairs re-keyed in the new names' order, the two initiation counts of a
    pair whose order flips swapped.  None when two actors would get one name (their ties
    would have to merge: the caller works from the names instead)."""
    new = [names.get(c, c) for c in partial.categories]
    if len(set(new)) < len(new):
        return None
    if new == list(partial.categories):
        return partial
    categories = pd.Index(sorted(new, key=str), dtype=object)
    code = categories.get_indexer(new)
    a, b = np.divmod(partial.pairs, len(partial.categories))
    a, b = code[a], code[b]
    swap = a > b
    pairs = np.minimum(a, b) * np.int64(len(categories)) + np.maximum(a, b)
    order = np.argsort(pairs, kind="stable")
    sums = dict(partial.sums)
    sums["a_to_b"], sums["b_to_a"] = (np.where(swap, partial.sums["b_to_a"], partial.sums["a_to_b"]),
                                      np.where(swap, partial.sums["a_to_b"], partial.sums["b_to_a"]))
    labels = {column: (given[0], given[1][order]) if given is not None else None
              for column, given in partial.labels.items()}
    return replace(partial, pairs=pairs[order], categories=categories,
                   sums={column: values[order] for column, values in sums.items()},
                   first=partial.first[order], last=partial.last[order], labels=labels,
                   day_bits=partial.day_bits[order], period_volume=partial.period_volume[order])


def _united_labels(parts: list, column: str, rows: list, pairs: int):
    """The ``column`` labels ((names, masks) or None) of several parts as one: each part's
    masks re-expressed on the united names and ORed into its ``rows`` of ``pairs``."""
    given = [p.labels[column] for p in parts]
    if all(g is None for g in given):
        return None
    names = sorted(set().union(*(set(g[0]) for g in given if g is not None)))[:MAX_LABELS]
    position = {name: i for i, name in enumerate(names)}
    masks = np.zeros(pairs, dtype=np.int64)
    for g, where in zip(given, rows):
        if g is not None:
            masks[where] |= _moved_masks(*g, position)
    return names, masks


def _moved_masks(names: list, masks: np.ndarray, position: dict, spelled: dict | None = None) -> np.ndarray:
    """Label bitmasks over ``names`` re-expressed with bit ``position[label]`` for each
    label (as ``spelled`` spells it; a label with no position is dropped)."""
    moved = np.zeros(len(masks), dtype=np.int64)
    for i, name in enumerate(names):
        target = position.get(spelled.get(name, name) if spelled else name)
        if target is not None:
            moved |= ((masks >> i) & 1) << target
    return moved


def respell_labels(partial: TiePartial, column: str, spelled: dict) -> TiePartial:
    """The partial table with its ``column`` ("type" or "programme") labels spelled as
    ``spelled`` says (``{label: spelling}``; labels differing only in case become one): the
    Dask engine learns the spellings from the rows used, after the partitions are reduced."""
    given = partial.labels.get(column)
    if given is None or all(spelled.get(n, n) == n for n in given[0]):
        return partial
    names, masks = given
    new_names = sorted({spelled.get(n, n) for n in names})[:MAX_LABELS]
    position = {name: i for i, name in enumerate(new_names)}
    partial.labels = {**partial.labels, column: (new_names, _moved_masks(names, masks, position, spelled))}
    return partial


def finish_ties(partial: TiePartial, *, as_of, period_days: float) -> pd.DataFrame:
    """The tie table (see :func:`tie_table`) from the partial table of all the contacts."""
    as_of = pd.Timestamp(as_of)
    groups = len(partial.pairs)
    sums = partial.sums
    dtype = np.dtype(f"datetime64[{partial.unit}]")
    ties = pd.DataFrame({
        "weight": sums["weight"], "volume": sums["volume"], "count": sums["count"].astype(np.int64),
        "contacts": sums["contacts"], "meetings": sums["meetings"],
        "first": partial.first.view(dtype), "last": partial.last.view(dtype),
        "a_to_b": sums["a_to_b"], "b_to_a": sums["b_to_a"], "rated": sums["rated"], "negative": sums["negative"],
    })
    high = np.maximum(ties["a_to_b"], ties["b_to_a"])
    ties["reciprocity"] = np.where(high > 0, np.minimum(ties["a_to_b"], ties["b_to_a"]) / high.where(high > 0, 1),
                                   np.nan)
    rated = ties["rated"].where(ties["rated"] > 0)
    ties["negative_share"] = ties["negative"] / rated
    ties["mean_sentiment"] = sums["sentiment_sum"] / rated
    ties["distance"] = 1.0 / ties["weight"]
    for column, out in [("type", "types"), ("programme", "programmes")]:
        given = partial.labels.get(column)
        ties[out] = _joined(*given) if given is not None else ""
    ties["recent_count"] = sums["recent_count"].astype(np.int64)
    per_day = int(np.timedelta64(1, "D") // np.timedelta64(1, partial.unit))
    as_of_tick = np.datetime64(as_of.to_datetime64(), partial.unit).astype(np.int64)
    # Days with contact per tie and period: the days of a period (counted back from as_of)
    # are a run of the frame's days, so each run's bits are summed per pair, a block of
    # pairs at a time (pairs x days is never held one byte per bit whole).
    day_age = np.maximum(as_of_tick / per_day - (np.arange(partial.span) + partial.day0 + 0.5), 0)
    day_period = (day_age // period_days).astype(np.int64)
    runs = np.flatnonzero(np.diff(day_period, prepend=-1))          # where each run of one period starts
    days_per_period = np.zeros((groups, int(day_period.max()) + 1 if partial.span else 1))
    for start, present in _days_with_contact(partial.day_bits, partial.span):
        if len(runs):
            days_per_period[start:start + len(present), day_period[runs]] = np.add.reduceat(
                present, runs, axis=1, dtype=np.int64)
    ties["days"] = days_per_period.sum(axis=1).astype(np.int64)
    history = _period_history(days_per_period, partial.first, partial.last, as_of_tick, per_day * period_days)
    table = partial.period_volume
    busiest = table.argmax(axis=1)     # among equal periods the first, i.e. the most recent
    ties = ties.assign(**history)
    ties["peak_volume"] = table[np.arange(groups), busiest]
    ties["peak_end"] = as_of - pd.to_timedelta(busiest * period_days, unit="D")
    ties["recent_volume"] = table[:, 0]
    a_code, b_code = np.divmod(partial.pairs, len(partial.categories))
    names = np.asarray(partial.categories, dtype=object)
    ties.insert(0, "actor_b", pd.Series(names[b_code], dtype=object))
    ties.insert(0, "actor_a", pd.Series(names[a_code], dtype=object))
    return ties


DAY_BLOCK_CELLS = 1 << 20


def _days_with_contact(day_bits: np.ndarray, span: int):
    """For each block of pairs: ``(first pair, pairs x days presence as 0/1 bytes)``; a
    block is about ``DAY_BLOCK_CELLS`` pairs x days, so a large table of pairs x days is
    never held one byte per bit."""
    rows = max(1, DAY_BLOCK_CELLS // max(span, 1))
    for start in range(0, len(day_bits), rows):
        yield start, np.unpackbits(day_bits[start:start + rows], axis=1, count=span, bitorder="little")


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
      measured against its own past.  ``recent_count``: contacts in the most recent period.
    - ``days``: days with a contact.  ``history_periods``, ``history_days``,
      ``history_days_sq``: the full periods strictly between the first and the last
      contact, and the days with contact in them (sum and sum of squares): how regular or
      bursty the tie was while it was active.

    Computed as :func:`finish_ties` of the :func:`partial_ties` of all the contacts: the
    same code the Dask engine runs on each partition and combines.
    """
    if contacts.empty:
        return pd.DataFrame(columns=["actor_a", "actor_b", "weight", "distance", "volume", "count"])
    frame = contact_frame(contacts, as_of, half_life, period_days)
    partial = partial_ties(contacts, half_life=half_life, **frame)
    return finish_ties(partial, as_of=frame["as_of"], period_days=frame["period_days"])
