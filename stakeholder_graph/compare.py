"""Before and after a change: what difference did it make?

:func:`compare_periods` splits the inputs at a date (the first facilitated session, say),
builds and diagnoses each period's graph, and says what changed, naming a change only when
it is beyond chance.  :func:`timeline` gives the key measures per month, quarter or year.
The tests, their assumptions and references are in ``docs/compare.md``; in short:

- **Ties.**  A tie's contacts in each period (direct contacts plus meetings attended
  together, each counted once), as rates per day, are compared by the conditional test for
  the ratio of two Poisson rates (given both periods' total, the before count is binomial
  with the before period's share of the time), made to allow for bursty contact by the
  partnership's own over-dispersion (quasi-Poisson: counts scaled down by the Pearson
  dispersion of contacts per stretch of 1-6 months within the periods).  Benjamini-Hochberg across
  the ties; ``formed``, ``lost``, ``strengthened`` or ``weakened`` only at q <= fdr.
- **Measures.**  Density, reciprocity, E-I index by organisation and by sector,
  cross-sector ties and mean tie strength are recomputed for every rotation of the weekly
  timeline (a rotation test, see :func:`rotations`).  What the rotations give is what the
  periods' lengths alone give; a measure is ``up`` or ``down`` only when its change lies
  outside that (BH across the measures), and the interval reported is the change beyond it.  Other
  summary measures are listed without a test, and say so.
- **Barriers.**  Each period is diagnosed (:func:`~stakeholder_graph.barriers.find_barriers`,
  every finding tested against chance).  A barrier found in one period is ``closed`` or
  ``new`` only when the other period gives no sign of it even at a lenient
  false-discovery rate (:data:`NEAR_FDR`); otherwise, or when found in both, it is
  ``persisting``: a barrier a little weaker after cannot flip to closed.  Nor can one that
  could not have been mended: a barrier naming an actor with no contact at all after, or a
  missing link whose two actors still had no contact with each other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .analysis import Analysis
from .barriers import DEFAULT_FDR, _listing, find_barriers, tie_dispersion
from .chance import bh_qvalues
from .errors import InputError
from .graph import LEVELS, PreparedContacts, _is_lazy, graph_of_period, period_contacts, prepare_contacts
from .io.survey import wave_order
from .survey import wave_change_rows
from .ties import DEFAULT_HALF_LIFE_DAYS

__all__ = ["compare_periods", "timeline", "Comparison", "Period", "KEY_MEASURES", "NEAR_FDR", "TABLE_COLUMNS"]

TABLE_COLUMNS = ["section", "kind", "actors", "before", "after", "change", "p_value", "explanation",
                 "change_low", "change_high", "q_value"]

# A barrier found in one period and not the other is closed (or new) only when the other
# period's evidence for it does not reach even this false-discovery rate, nor (for a silo)
# with this share of the group's strength inside instead of a half: a group that moves
# from 45% to 55% inside is nearly a silo before, not a new one after.
NEAR_FDR = 0.25
NEAR_SILO_SHARE = 0.4
_SILO_MARGIN = {"silo": f" and from {NEAR_SILO_SHARE:.0%} of its strength inside"}
# The unit of time of the tests, counted from the change date: a day, or as many days as
# keep the rotations of the measure test to at most this many (see block_days).
MAX_ROTATIONS = 250

# The measures tested, with their sentence names.
KEY_MEASURES = {
    "density": "density (share of pairs of actors with contact)",
    "reciprocity": "reciprocity (of pairs where anyone initiated, share where both did)",
    "ei_organisation": "E-I index by organisation (-1 all ties within organisations, +1 all across)",
    "ei_sector": "E-I index by sector (-1 all ties within sectors, +1 all across)",
    "cross_sector_ties": "ties between sectors",
    "mean_tie_strength": "mean tie strength",
}
# Summary keys shown without a test (no interval can be had cheaply from per-tie counts).
UNTESTED_MEASURES = ["actors", "ties", "isolates", "components", "largest_component", "degree_centralization",
                     "betweenness_centralization", "average_clustering", "transitivity"]
TIE_BARRIERS = {"weak_tie", "decayed_tie", "one_sided", "strained_tie", "bridge", "low_trust", "perception_gap"}
# Barriers whose ``actors`` are actors (not groups such as sectors).
ACTOR_BARRIERS = TIE_BARRIERS | {"broker", "isolate", "missing_link"}


@dataclass(frozen=True)
class Period:
    """A period of the comparison: contacts from ``start`` to ``end`` (whole days, both
    included); its graph is measured as of ``end``."""

    name: str
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def days(self) -> int:
        return int((self.end - self.start).days) + 1

    def __str__(self) -> str:
        return f"{self.start.date()} to {self.end.date()}"


class Comparison:
    """Two periods of a partnership and what changed between them.

    Attributes: ``at`` (the date of the change), ``before`` and ``after`` (:class:`Period`),
    ``analyses`` (``{"before": Analysis, "after": Analysis}``), ``fdr``.  :meth:`table`
    is the change table; :attr:`measures`, :attr:`ties`, :attr:`barriers` are its sections.
    """

    def __init__(self, at, before: Period, after: Period, analyses: dict, table: pd.DataFrame,
                 fdr: float, dispersion: float, prepared=None, options=None):
        self._prepared, self._options = prepared, dict(options or {})
        self.at = at
        self.before, self.after = before, after
        self.analyses = analyses
        self.fdr = fdr
        self.dispersion = dispersion
        self._table = table

    def __repr__(self) -> str:
        counts = self._table.groupby(["section", "change"]).size()
        said = "; ".join(f"{section} {change} {n}" for (section, change), n in counts.items() if change)
        return f"<Comparison at {self.at.date()}: before {self.before}, after {self.after}; {said}>"

    def table(self) -> pd.DataFrame:
        """The change table (a copy): one row per measure, per tie with contact in either
        period, and per barrier found in either; columns :data:`TABLE_COLUMNS`."""
        return self._table.copy()

    def _section(self, name):
        return self._table[self._table["section"] == name].reset_index(drop=True)

    @property
    def measures(self) -> pd.DataFrame:
        return self._section("measure")

    @property
    def ties(self) -> pd.DataFrame:
        return self._section("tie")

    @property
    def barriers(self) -> pd.DataFrame:
        return self._section("barrier")

    def timeline(self, every: str = "quarter") -> pd.DataFrame:
        """The key measures per month, quarter or year over both periods (see :func:`timeline`)."""
        return timeline(self._prepared, every=every, since=self.before.start, until=self.after.end, **self._options)

    @property
    def graphs(self) -> dict:
        return {name: A.graph for name, A in self.analyses.items()}


# ---------------------------------------------------------------------------
# Periods
# ---------------------------------------------------------------------------

def _day(value, what: str) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise InputError(f"{what}: '{value}' is not a date (write it as YYYY-MM-DD)") from None
    if pd.isna(day):
        raise InputError(f"{what}: a date is needed")
    return day.normalize()


def _span(value, what: str):
    """``(start, end)`` from a pair or a ``"START..END"`` string; either end may be empty."""
    if value is None:
        return None, None
    if isinstance(value, str):
        if ".." not in value:
            raise InputError(f"{what}: write the period as START..END (e.g. 2024-01-01..2024-12-31), not '{value}'")
        value = value.split("..", 1)
    if len(value) != 2:
        raise InputError(f"{what}: a period is (start, end)")
    start, end = value
    blank = lambda v: v is None or (isinstance(v, str) and not v.strip())  # noqa: E731
    return (None if blank(start) else _day(start, what)), (None if blank(end) else _day(end, what))


def periods(first, last, at, before=None, after=None) -> tuple[pd.Timestamp, Period, Period]:
    """The change date and the two periods, checked against the data's ``first`` and
    ``last`` contact dates; a clear :class:`InputError` for each mistake."""
    at = _day(at, "--at")
    first, last = pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize()
    if not first < at <= last:
        raise InputError(f"--at {at.date()} is outside the data (contacts run from {first.date()} to {last.date()}): "
                         "there must be data before it and from it on")
    b_start, b_end = _span(before, "--before")
    a_start, a_end = _span(after, "--after")
    before = Period("before", b_start or first, b_end or at - pd.Timedelta(days=1))
    after = Period("after", a_start or at, a_end or last)
    for period in (before, after):
        if period.start > period.end:
            raise InputError(f"the {period.name} period is reversed: it starts {period.start.date()}, "
                             f"after its end {period.end.date()}")
    if before.end >= at:
        raise InputError(f"the before period must end before --at {at.date()}, not on {before.end.date()}")
    if after.start < at:
        raise InputError(f"the after period must start on or after --at {at.date()}, not on {after.start.date()}")
    return at, before, after


# ---------------------------------------------------------------------------
# Per-tie counts in 28-day blocks
# ---------------------------------------------------------------------------

@dataclass
class Blocks:
    """Contacts per tie and block of time: the data of the tie and measure tests.

    ``pairs``: (actor_a, actor_b) per row; ``count``, ``a_to_b``, ``b_to_a``: contacts per
    tie (rows) and block (columns); ``strength``: each block's decayed strength as of the
    block's own end; ``ends``: each block's last day; ``days``: its length; ``period``:
    0 before, 1 after.
    """

    pairs: list
    count: np.ndarray
    a_to_b: np.ndarray
    b_to_a: np.ndarray
    strength: np.ndarray
    ends: np.ndarray
    days: np.ndarray
    period: np.ndarray


def _block_edges(period: Period, anchor: pd.Timestamp, block_days: int) -> list:
    """Block boundaries within ``period``, counted from ``anchor`` in steps of
    ``block_days`` so no block straddles the change date; the first and last may be short."""
    step = pd.Timedelta(days=block_days)
    k0 = math.floor((period.start - anchor) / step)
    edges = [max(period.start, anchor + k0 * step)]
    k = k0 + 1
    while anchor + k * step <= period.end:
        edges.append(anchor + k * step)
        k += 1
    edges.append(period.end + pd.Timedelta(days=1))
    return [(a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def blocks(prepared: PreparedContacts, windows: list, *, half_life: float, level: str = "actor",
           programme=None, type=None) -> Blocks:
    """Per-tie contacts in each block of each window; ``windows`` is a list of
    ``(period_index, [(start, end_exclusive), ...])``."""
    spans, labels = [], []
    for index, edges in windows:
        for start, stop in edges:
            spans.append((start, stop))
            labels.append(index)
    first, last = spans[0][0], spans[-1][1] - pd.Timedelta(days=1)
    if hasattr(prepared, "block_sums"):       # the Dask engine's inputs: a reduction on the cluster
        pairs, sums = prepared.block_sums(spans, labels, half_life=half_life, level=level, programme=programme,
                                          type=type)
    else:
        contacts, _ = period_contacts(prepared, since=first, until=last, programme=programme, type=type, level=level)
        pairs, sums = block_sums(contacts, spans, labels, half_life)
    starts = np.array([s for s, _ in spans], dtype="datetime64[ns]")
    stops = np.array([e for _, e in spans], dtype="datetime64[ns]")
    return Blocks(pairs=pairs, count=sums["count"], a_to_b=sums["a_to_b"], b_to_a=sums["b_to_a"],
                  strength=sums["strength"], ends=stops - np.timedelta64(1, "D"),
                  days=((stops - starts) / np.timedelta64(1, "D")).astype(float), period=np.array(labels))


BLOCK_SUMS = ("count", "a_to_b", "b_to_a", "strength")


def block_sums(contacts: pd.DataFrame, spans: list, labels: list, half_life: float) -> tuple:
    """``(pairs, sums)``: the ties of ``contacts`` (sorted ``(actor_a, actor_b)``) and per tie
    (rows) and block (columns) the contacts, initiations each way and decayed strength
    (see :class:`Blocks`).  Sums over contacts: those of parts of the contacts add up
    (:func:`combine_block_sums`), so the Dask engine computes them per partition."""
    dates = contacts["date"].to_numpy()
    starts = np.array([s for s, _ in spans], dtype="datetime64[ns]")
    stops = np.array([e for _, e in spans], dtype="datetime64[ns]")
    block = np.searchsorted(stops, dates, side="right")
    inside = (block < len(spans))
    inside[inside] &= dates[inside] >= starts[block[inside]]
    # Contacts between the periods (a gap left by --before/--after) belong to no block.
    contacts = contacts[inside]
    block = block[inside]
    dates = dates[inside]
    a = contacts["actor_a"].astype(str).to_numpy()
    b = contacts["actor_b"].astype(str).to_numpy()
    pair_codes, pair_index = pd.factorize(pd.MultiIndex.from_arrays([a, b]), sort=True)
    n_ties, n_blocks = len(pair_index), len(spans)
    flat = pair_codes * n_blocks + block

    def per_block(weights=None):
        return np.bincount(flat, weights=weights, minlength=n_ties * n_blocks).reshape(n_ties, n_blocks)

    # Age as build_graph counts it, to the end of the contact's period (not below 0: a
    # contact later on the last day counts in full), then less the days from its block's
    # end to the period's end, so a block's strength is as of its own end.
    labels_arr = np.array(labels)
    period_stop = {i: stops[labels_arr == i].max() for i in set(labels)}
    block_stop_to_period = np.array([(period_stop[i] - stops[j]) / np.timedelta64(1, "D")
                                     for j, i in enumerate(labels)])
    to_period_end = (np.array([period_stop[i] for i in labels], dtype="datetime64[ns]")[block] - dates)
    age = np.maximum(to_period_end.astype("timedelta64[s]").astype(float) / 86400.0 - 1, 0)
    age -= block_stop_to_period[block]
    decayed = contacts["weight"].to_numpy(dtype=float) * np.exp2(-age / half_life)
    return list(pair_index), {"count": per_block().astype(float),
                              "a_to_b": per_block(contacts["a_to_b"].to_numpy(dtype=float)),
                              "b_to_a": per_block(contacts["b_to_a"].to_numpy(dtype=float)),
                              "strength": per_block(decayed)}


def combine_block_sums(parts) -> tuple:
    """:func:`block_sums` of several parts of the contacts as one (ties united, sums added)."""
    parts = [p for p in parts if p is not None]
    pairs = sorted(set().union(*(p[0] for p in parts))) if parts else []
    where = {pair: i for i, pair in enumerate(pairs)}
    width = next((p[1]["count"].shape[1] for p in parts if p[1]["count"].ndim == 2), 0)
    sums = {k: np.zeros((len(pairs), width)) for k in BLOCK_SUMS}
    for own, values in parts:
        rows = np.array([where[pair] for pair in own], dtype=np.intp)
        for k in BLOCK_SUMS:
            np.add.at(sums[k], rows, values[k])
    return pairs, sums


def block_days(before: Period, after: Period) -> int:
    """Days per block: 1, or more when the periods are longer than :data:`MAX_ROTATIONS`
    days (a rotation per block; more add nothing but time)."""
    return max(1, math.ceil((before.days + after.days) / MAX_ROTATIONS))


def dispersion(B: Blocks) -> float:
    """Over-dispersion of contacts within periods, pooled over ties (quasi-Poisson: 1 =
    contact as regular as a Poisson process, more = burstier); at least 1.

    Pearson's statistic of each tie's contacts per stretch of time about its period mean,
    over ties with contact in the period, on stretches of about 1, 2, 3, 4 and 6 months
    (while a period holds three of them); the largest value is taken.  Bursts can last
    months: then neighbouring months are alike, and one month's dispersion understates
    what a whole period's total varies by.
    """
    full = B.days == B.days.max()
    unit = float(B.days.max())
    best = 1.0
    for days in (30, 61, 91, 122, 183):       # about 1, 2, 3, 4 and 6 months
        k = max(1, round(days / unit))
        chi2 = df = 0.0
        for p in np.unique(B.period):
            cols = np.flatnonzero(full & (B.period == p))
            groups = len(cols) // k
            if groups < 3:
                continue
            y = B.count[:, cols[: groups * k]].reshape(len(B.count), groups, k).sum(axis=2)
            mean = y.mean(axis=1, keepdims=True)
            active = mean[:, 0] > 0
            if not active.any():
                continue
            chi2 += float((((y[active] - mean[active]) ** 2) / mean[active]).sum())
            df += float(active.sum() * (groups - 1))
        if df:
            best = max(best, chi2 / df)
    return best


# ---------------------------------------------------------------------------
# Ties
# ---------------------------------------------------------------------------

def rate_ratio_p_values(before, after, days_before, days_after, phi: float = 1.0) -> np.ndarray:
    """Two-sided p-values that two periods' contact rates are equal, per tie.

    Given both periods' total n, under equal rates the before count is Binomial(n, p) with
    p = days_before / (days_before + days_after) (the conditional test for two Poisson
    rates; Przyborowski and Wilenski 1940).  Bursty contact is allowed for by the
    quasi-Poisson scaling: counts divided by the dispersion ``phi`` (Cox and Snell 1989),
    the binomial tails taken for real counts through the incomplete beta function.
    """
    from scipy.special import betainc
    x = np.asarray(before, dtype=float) / phi
    n = (np.asarray(before, dtype=float) + np.asarray(after, dtype=float)) / phi
    p = days_before / (days_before + days_after)
    with np.errstate(invalid="ignore", divide="ignore"):
        # P(X <= x) = I_{1-p}(n - x, x + 1); P(X >= x) = I_p(x, n - x + 1).
        lower = np.where(x >= n, 1.0, betainc(np.maximum(n - x, 1e-300), x + 1, 1 - p))
        upper = np.where(x <= 0, 1.0, betainc(np.maximum(x, 1e-300), n - x + 1, p))
    return np.minimum(1.0, 2 * np.minimum(lower, upper))


def _months(days: float) -> str:
    months = days / 30.44
    return f"{months:.0f} months" if months >= 1.5 else f"{days:.0f} days"


def tie_rows(B: Blocks, before: Period, after: Period, phi: float, fdr: float) -> list:
    x1 = B.count[:, B.period == 0].sum(axis=1)
    x2 = B.count[:, B.period == 1].sum(axis=1)
    p = rate_ratio_p_values(x1, x2, before.days, after.days, phi)
    q = bh_qvalues(p)
    rows = []
    per_month = lambda x, days: x / days * 30.44  # noqa: E731
    for (a, b), c1, c2, pv, qv in zip(B.pairs, x1, x2, p, q):
        if qv <= fdr:
            change = "formed" if c1 == 0 else "lost" if c2 == 0 else (
                "strengthened" if c2 / after.days > c1 / before.days else "weakened")
        else:
            change = "unchanged"
        said = (f"{a} and {b}: {int(c1)} contact{'s' if c1 != 1 else ''} in the {_months(before.days)} before "
                f"({per_month(c1, before.days):.1f} a month), {int(c2)} in the {_months(after.days)} after "
                f"({per_month(c2, after.days):.1f} a month)")
        if change == "unchanged":
            said += f"; within what chance gives for an unchanged rate (p = {pv:.2g})."
        else:
            said += f"; {change}: a change this large would happen by chance with p = {pv:.2g} (q = {qv:.2g})."
        rows.append({"section": "tie", "kind": "tie", "actors": f"{a};{b}", "before": float(c1), "after": float(c2),
                     "change": change, "p_value": float(pv), "q_value": float(qv), "explanation": said})
    return rows


# ---------------------------------------------------------------------------
# Measures
# ---------------------------------------------------------------------------

def key_measures(count, a_to_b, b_to_a, strength, same_org, same_sector, known_sector, n_actors) -> dict:
    """The tested measures from per-tie arrays (ties x replicates, or ties): ``count``
    contacts, ``a_to_b``/``b_to_a`` initiations, ``strength`` decayed strength, and per tie
    whether its ends share an organisation / a sector and whether both sectors are known.

    Definitions as :func:`~stakeholder_graph.metrics.network_summary`: density 2m / (n(n-1));
    reciprocity = pairs where both initiated / pairs where anyone did; E-I = (E - I) / (E + I)
    counted on ties; mean tie strength over ties with contact.
    """
    tied = count > 0
    m = tied.sum(axis=0)
    both = ((a_to_b > 0) & (b_to_a > 0)).sum(axis=0)
    anyone = ((a_to_b > 0) | (b_to_a > 0)).sum(axis=0)
    pairs = n_actors * (n_actors - 1) / 2

    def ei(same, known=None):
        within = tied & (same[:, None] if tied.ndim == 2 else same)
        counted = tied if known is None else tied & (known[:, None] if tied.ndim == 2 else known)
        internal = (within & counted).sum(axis=0)
        total = counted.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, (total - 2 * internal) / np.maximum(total, 1), np.nan)

    with np.errstate(invalid="ignore", divide="ignore"):
        return {
            "density": m / pairs if pairs else np.full(np.shape(m), np.nan),
            "reciprocity": np.where(anyone > 0, both / np.maximum(anyone, 1), np.nan),
            "ei_organisation": ei(same_org),
            "ei_sector": ei(same_sector, known_sector),
            "cross_sector_ties": (tied & ((~same_sector) & known_sector)[:, None] if tied.ndim == 2
                                  else tied & (~same_sector) & known_sector).sum(axis=0).astype(float),
            "mean_tie_strength": np.where(m > 0, (strength * tied).sum(axis=0) / np.maximum(m, 1), np.nan),
        }


def _tie_groups(pairs, attributes: dict):
    org = attributes.get("organisation", {})
    sector = attributes.get("sector", {})
    same_org = np.array([bool(org.get(a)) and org.get(a) == org.get(b) for a, b in pairs], dtype=bool)
    known = np.array([bool(sector.get(a)) and bool(sector.get(b)) for a, b in pairs], dtype=bool)
    same_sector = np.array([bool(sector.get(a)) and sector.get(a) == sector.get(b) for a, b in pairs], dtype=bool)
    return same_org, same_sector, known


def rotations(B: Blocks, half_life: float):
    """Per-tie period totals for every rotation of the timeline (ties x rotations x 2):
    ``(count, a_to_b, b_to_a, strength)``.  Rotation ``r`` moves every block ``r`` blocks
    later, the last wrapping round to the start, and keeps the two periods where they
    were: rotation 0 is what happened; the others are what the same contacts give when the
    change date falls elsewhere in them.  Strength is re-decayed to each period's end."""
    blocks_ = len(B.period)
    ends = {p: B.ends[B.period == p].max() for p in (0, 1)}
    age = np.array([(ends[p] - e) / np.timedelta64(1, "D") for p, e in zip(B.period, B.ends)])
    decay = 2.0 ** (-age / half_life)
    # Rotation r puts block j at position (j + r) mod W, so a period's total is the circular
    # cross-correlation of the tie's blocks with that period's positions (weighted by their
    # decay for strength): sum_j M[j] w[(j + r) mod W], computed for every r at once by FFT.
    spectra = {}
    outputs = []
    for matrix, weighted in ((B.count, False), (B.a_to_b, False), (B.b_to_a, False), (B.strength, True)):
        conj = np.conj(np.fft.rfft(matrix, axis=1))
        out = np.empty((matrix.shape[0], blocks_, 2))
        for p in (0, 1):
            key = (p, weighted)
            if key not in spectra:
                spectra[key] = np.fft.rfft((B.period == p) * (decay if weighted else 1.0))
            out[:, :, p] = np.fft.irfft(conj * spectra[key], n=blocks_, axis=1)
        if not weighted:
            np.rint(out, out=out)            # counts are whole numbers; the FFT leaves ~1e-12
        outputs.append(out.reshape(matrix.shape[0], blocks_ * 2))
    return outputs


def measure_rows(B: Blocks, attributes: dict, n_actors: int, half_life: float, fdr: float,
                 organisation_level: bool = False) -> list:
    """The tested measures before and after, each change tested against the timeline's
    rotations (see :func:`rotations`): a rotation test, which keeps each tie's bursts and
    quiet spells whole where shuffling days or weeks would break them up."""
    same_org, same_sector, known = _tie_groups(B.pairs, attributes)
    units = len(B.period)
    values = key_measures(*rotations(B, half_life), same_org, same_sector, known, n_actors)
    names = [n for n in KEY_MEASURES if not (organisation_level and n == "ei_organisation")]
    # The smallest p a rotation test can give is 1 / rotations; with Benjamini-Hochberg
    # across the measures even the strongest change needs p <= fdr / measures.  Fewer
    # rotations (days) than that can never show a change: the measures are then untested.
    needed = math.ceil(len(names) / fdr)
    rows = []
    for name in names:
        label = KEY_MEASURES[name]
        v = values[name].reshape(units, 2)
        before, after = v[0]
        diffs = v[:, 1] - v[:, 0]
        observed, null = diffs[0], diffs[1:]
        null = null[~np.isnan(null)]
        if np.isnan(observed) or len(null) + 1 < needed:
            rows.append(_untested_measure(
                name, before, after, f"{label[0].upper()}{label[1:]}: {_fmt(before)} before, {_fmt(after)} after; "
                f"not tested: the two periods span {int(B.days.sum())} days, and a change could be told from "
                f"chance only with {needed} or more."))
            continue
        centre = null.mean()
        p = (1 + np.sum(np.abs(null - centre) >= abs(observed - centre) - 1e-12)) / (1 + len(null))
        low, high = observed - np.quantile(null, 0.975), observed - np.quantile(null, 0.025)
        rows.append({"section": "measure", "kind": name, "actors": "", "before": float(before), "after": float(after),
                     "p_value": float(p), "change_low": float(low), "change_high": float(high), "_label": label,
                     "_expected": float(centre)})
    tested = [r for r in rows if "_label" in r]
    for r, q in zip(tested, bh_qvalues([r["p_value"] for r in tested])):
        r["q_value"] = float(q)
        r["change"] = ("up" if r["after"] > r["before"] + r["_expected"] else "down") if q <= fdr else "unchanged"
        r["explanation"] = _measure_sentence(r)
    for r in tested:
        del r["_label"], r["_expected"]
    return rows


def _fmt(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    value = float(value)
    return f"{value:,.0f}" if value == int(value) and abs(value) >= 1 else f"{value:.3g}"


def _measure_sentence(r) -> str:
    expected = r["_expected"]
    base = f"{r['_label'][0].upper()}{r['_label'][1:]}: {_fmt(r['before'])} before, {_fmt(r['after'])} after"
    lengths = (f"; the periods' lengths alone would give a change of {expected:+.3g}" if abs(expected) > 1e-9 else "")
    if r["change"] == "unchanged":
        return f"{base}{lengths}; no change beyond chance (p = {r['p_value']:.2g})."
    return (f"{base}{lengths}; {r['change']} beyond that: {r['change_low']:+.3g} to {r['change_high']:+.3g} "
            f"(95%), p = {r['p_value']:.2g}.")


def _untested_measure(name, before, after, sentence) -> dict:
    return {"section": "measure", "kind": name, "actors": "", "before": _number(before), "after": _number(after),
            "change": "", "p_value": np.nan, "q_value": np.nan, "explanation": sentence}


def _number(value):
    return float(value) if value is not None and not isinstance(value, (dict, str)) else np.nan


def untested_rows(before: dict, after: dict) -> list:
    rows = []
    for key in UNTESTED_MEASURES:
        if key not in before:
            continue
        b, a = _number(before[key]), _number(after[key])
        rows.append(_untested_measure(key, b, a, f"{key.replace('_', ' ').capitalize()}: {_fmt(b)} before, "
                                      f"{_fmt(a)} after; not tested (no interval for this measure), so not called a change."))
    return rows


# ---------------------------------------------------------------------------
# Barriers
# ---------------------------------------------------------------------------

def _barrier_key(row) -> tuple:
    return row["kind"], frozenset(str(row["actors"]).split(";"))


def _q(row) -> str:
    """A finding's evidence as the sentence gives it: its q-value, or for a finding that rests
    on survey ratings alone (a perception gap: no test) that it is as rated."""
    q = row["q_value"]
    if q != q:
        return "as rated in the survey"
    return "q < 0.001" if q < 0.001 else f"q = {q:.2g}"


SURVEY_KINDS = ("low_trust", "perception_gap")


def _rated_without_contact(G, actors) -> str:
    """A clause when the survey wave of the period of ``G`` named the pair but the pair had
    no logged contact in that period (``""`` otherwise)."""
    info = G.graph.get("survey") or {}
    ratings = info.get("ratings")
    a, b = sorted(actors)
    if G.has_edge(a, b) or ratings is None or not len(ratings):
        return ""
    pair = ((ratings["rater"].astype(str) == a) & (ratings["ratee"].astype(str) == b)) | \
           ((ratings["rater"].astype(str) == b) & (ratings["ratee"].astype(str) == a))
    if not (pair & ratings["named"].astype(bool)).any():
        return ""
    wave = f"wave {info['wave']}" if info.get("wave") else "the survey"
    return f"{wave} rated the tie but the log has no contact between them in that period"


def _survey_side(G, actors, kind: str) -> str:
    """For a survey finding found in one period only: what the other period's survey wave
    says of the tie (its graph ``G``), as a clause: not rated, rated but not low (or no gap),
    or still rated low with contact that is not regular beyond chance.  Never which side said
    what."""
    from .trust import BELOW_MEAN, LOW_TRUST
    info = G.graph.get("survey") or {}
    wave = f"wave {info['wave']}" if info.get("wave") else "the survey"
    a, b = sorted(actors)
    d = G.get_edge_data(a, b) if G.has_edge(a, b) else None
    known = lambda x: x is not None and x == x  # noqa: E731
    if d is None or not any(known(d.get(k)) for k in ("named_by_a", "named_by_b")):
        return f"the tie was not rated in {wave}"
    if kind == "low_trust":
        trust = d.get("trust")
        if not known(trust):
            return f"the tie has no trust rating in {wave}"
        from .survey import survey_summary
        mean = survey_summary(G).get("trust", float("nan"))
        # The score only where both sides rated it: one rater's score is that rater's rating.
        score = f" {trust:.1f} of 4" if all(known(d.get(k)) for k in ("trust_by_a", "trust_by_b")) else ""
        if trust <= LOW_TRUST or (known(mean) and trust <= mean - BELOW_MEAN):
            return (f"in {wave}, its trust is still rated low{score}, but its contact is not regular beyond "
                    f"chance, even at a false-discovery rate of {NEAR_FDR:.0%}")
        return f"in {wave}, its trust is rated{score}, not low: the ratings changed"
    if not all(known(d.get(k)) for k in ("named_by_a", "named_by_b")):
        return f"in {wave}, only one side rated the tie, so no gap could be seen"
    return f"in {wave}, both sides rated the tie and their ratings show no gap: the ratings changed"


def _how_near(row, fdr: float) -> str:
    """Why a barrier found only at the lenient margins was near: its q-value, or for a silo
    found under the usual q but below the one-half share, its share inside."""
    if row["kind"] == "silo" and row["q_value"] <= fdr and "ei_index" in row:
        return f"{100 * (1 - row['ei_index']) / 2:.0f}% of its strength inside, under the one-half of a silo"
    return _q(row)


def barrier_rows(found: dict, near: dict, contact_after: set, fdr: float, active: dict | None = None,
                 graphs: dict | None = None) -> list:
    """Barrier statuses from each period's findings (``found``: at ``fdr``; ``near``: the
    lenient diagnosis at :data:`NEAR_FDR`, asked only for findings in one period alone).

    ``contact_after``: the pairs (frozensets) with contact after; ``active``: for each
    period, the actors with any contact in it.  A barrier is closed only when it could have been
    mended: not when an actor it names had no contact at all after (they left, or the log
    lost them), and, for a missing link, only when the two made contact.  ``graphs``: each
    period's graph; with it, a survey finding (low trust, perception gap) closed or new says
    what the other period's survey wave holds for the tie (its ratings changed, it was not
    rated, or for low trust its contact is not regular), not "no sign even at 25%": perception
    gaps are not tested, and low trust mostly closes because ratings changed."""
    index = {p: {_barrier_key(r): r for r in found[p].to_dict("records")} for p in found}
    lenient = {p: {_barrier_key(r): r for r in near[p].to_dict("records")} for p in near}
    rows = []
    for key in sorted(set(index["before"]) | set(index["after"]), key=lambda k: (k[0], sorted(k[1]))):
        kind, actors = key
        b, a = index["before"].get(key), index["after"].get(key)
        b_near = b or lenient.get("before", {}).get(key)
        a_near = a or lenient.get("after", {}).get(key)
        title = kind.replace("_", " ")
        who = " and ".join(sorted(actors))
        if b and a:
            change = "persisting"
            said = (f"{title.capitalize()} ({who}): found before ({_q(b)}) and after "
                    f"({_q(a)}). After: {a['explanation']}")
        elif b:
            lost_tie = kind in TIE_BARRIERS and len(actors) == 2 and frozenset(actors) not in contact_after
            gone = sorted(actors - active["after"]) if active and kind in ACTOR_BARRIERS else []
            if lost_tie:
                change = "persisting"
                said = (f"{title.capitalize()} ({who}): found before ({_q(b)}); no contact at all "
                        f"after, so the relationship was lost, not mended. Before: {b['explanation']}")
            elif gone:
                change = "persisting"
                said = (f"{title.capitalize()} ({who}): found before ({_q(b)}); "
                        f"{_listing(gone)} had no contact at all after, so it cannot have been mended. "
                        f"Before: {b['explanation']}")
            elif kind == "missing_link" and frozenset(actors) not in contact_after:
                change = "persisting"
                said = (f"{title.capitalize()} ({who}): found before ({_q(b)}); after, no longer "
                        f"flagged, but still no contact between them, so the introduction was not made. "
                        f"Before: {b['explanation']}")
            elif a_near:
                change = "persisting"
                said = (f"{title.capitalize()} ({who}): found before ({_q(b)}) and still near the "
                        f"threshold after ({_how_near(a_near, fdr)}): weaker, not gone. Before: {b['explanation']}")
            elif kind in SURVEY_KINDS and graphs is not None:
                change = "closed"
                said = (f"{title.capitalize()} ({who}): found before ({_q(b)}); after, "
                        f"{_survey_side(graphs['after'], actors, kind)}. Before: {b['explanation']}")
            else:
                change = "closed"
                said = (f"{title.capitalize()} ({who}): found before ({_q(b)}); after, no sign of it "
                        f"even at a false-discovery rate of {NEAR_FDR:.0%}{_SILO_MARGIN.get(kind, '')}. "
                        f"Before: {b['explanation']}")
        else:
            if b_near:
                change = "persisting"
                said = (f"{title.capitalize()} ({who}): found after ({_q(a)}) and already near the "
                        f"threshold before ({_how_near(b_near, fdr)}). After: {a['explanation']}")
            elif kind in SURVEY_KINDS and graphs is not None and (note := _rated_without_contact(graphs["before"], actors)):
                # Rated before too, but with no logged contact then: a note about the data
                # that period, not a barrier, so the finding is not new either.
                change = "persisting"
                said = (f"{title.capitalize()} ({who}): found after ({_q(a)}); before, "
                        f"{note}, so it was a note about the data "
                        f"then, not a barrier that could be told: not counted as new. After: {a['explanation']}")
            else:
                change = "new"
                arrived = sorted(actors - active["before"]) if active and kind in ACTOR_BARRIERS else []
                said = (f"{title.capitalize()} ({who}): found after ({_q(a)}), "
                        + (f"{_listing(arrived)} had no contact at all before. " if arrived else
                           f"while before, {_survey_side(graphs['before'], actors, kind)}. "
                           if kind in SURVEY_KINDS and graphs is not None else
                           f"no sign of it before even at a false-discovery rate of {NEAR_FDR:.0%}"
                           f"{_SILO_MARGIN.get(kind, '')}. ")
                        + f"After: {a['explanation']}")
        severity = lambda r: float(r["severity"]) if r is not None else np.nan  # noqa: E731
        rows.append({"section": "barrier", "kind": kind, "actors": ";".join(sorted(actors)),
                     "before": severity(b), "after": severity(a), "change": change,
                     "p_value": np.nan, "q_value": np.nan, "explanation": said})
    return rows


# ---------------------------------------------------------------------------
# The comparison
# ---------------------------------------------------------------------------

BUILD_OPTIONS = {"half_life", "programme", "type", "level", "day_first", "undirected", "since", "until", "survey",
                 "include_survey_ties", "engine"}


def compare_periods(interactions=None, meetings=None, actors=None, *, at, before=None, after=None,
                    fdr: float = DEFAULT_FDR, seed: int = 0, **build_options) -> Comparison:
    """Compare the partnership before and after ``at`` (the date of a change).

    Parameters
    ----------
    interactions, meetings, actors : DataFrame or path
        As for :func:`~stakeholder_graph.graph.build_graph`.
    at : date
        The change (e.g. the first facilitated session).
    before, after : (start, end) or "START..END", optional
        The periods (either end may be left out).  Default: all data before ``at``; all
        data from ``at`` on.  Each period's graph holds its own contacts and is measured as
        of its own end.
    fdr : float
        False-discovery rate for calling a tie or measure changed, and for the barriers.
    seed : int
        Seed of the shuffles and of each period's analysis.
    **build_options
        ``half_life``, ``programme``, ``type``, ``level``, ``day_first``, ``undirected``,
        ``survey``, ``include_survey_ties`` as for ``build_graph``; ``as_of`` has no
        meaning here (each period is measured as of its end) and is an error.  With a
        survey of two waves or more, the before period's graph carries the earliest wave
        and the after period's the latest, and the table gains ``trust`` and ``value``
        measure rows (see :func:`~stakeholder_graph.survey.wave_change_rows`); the survey
        barriers (``low_trust``, ``perception_gap``) are diagnosed per period with its wave.

    Returns
    -------
    Comparison
    """
    prepared, level, half_life, filters, first, last = _window(interactions, meetings, actors, build_options,
                                                               "a comparison")
    at, before, after = periods(first, last, at, before, after)
    graphs = {}
    waves = wave_order(prepared.survey["wave"]) if prepared.survey is not None else []
    for period in (before, after):
        # The earlier wave is before, the later after (one wave: both).
        wave = (waves[0] if period is before else waves[-1]) if waves else None
        try:
            graphs[period.name] = graph_of_period(prepared, as_of=period.end, since=period.start, until=period.end,
                                                  half_life=half_life, level=level, wave=wave,
                                                  include_survey_ties=build_options.get("include_survey_ties", False),
                                                  **filters)
        except InputError as error:
            raise InputError(f"the {period.name} period ({period}) has no contact to compare: {error}") from None
    analyses = {name: Analysis(G, seed=seed) for name, G in graphs.items()}
    unit = block_days(before, after)
    windows = [(0, _block_edges(before, at, unit)), (1, _block_edges(after, at, unit))]
    B = blocks(prepared, windows, half_life=half_life, level=level, **filters)
    phi = dispersion(B)
    attributes = _node_attributes(graphs)
    n_actors = len(set(graphs["before"]) | set(graphs["after"]))
    rows = measure_rows(B, attributes, n_actors, half_life, fdr, organisation_level=level == "organisation")
    rows += untested_rows(analyses["before"].summary, analyses["after"].summary)
    rows += wave_change_rows(graphs["before"], graphs["after"], fdr)
    rows += tie_rows(B, before, after, phi, fdr)
    # Burstiness is the partnership's, not a period's: a six-month period cannot show a
    # rhythm of quiet spells months long, which then reads as decay. Both periods' tests
    # allow for the larger of the two periods' overdispersion.
    floor = max(tie_dispersion(G.edges(data=True)) for G in graphs.values())
    for G in graphs.values():
        G.graph["dispersion_floor"] = floor
    found, near = diagnose_periods(analyses, fdr, seed)
    contact_after = {frozenset((u, v)) for u, v in graphs["after"].edges()}
    active = {name: {str(x) for x in G if G.degree(x) > 0} for name, G in graphs.items()}
    rows += barrier_rows(found, near, contact_after, fdr, active, graphs)
    table = pd.DataFrame(rows)
    for column in TABLE_COLUMNS:
        if column not in table:
            table[column] = np.nan
    table = table[TABLE_COLUMNS]
    options = {k: v for k, v in build_options.items() if k in ("half_life", "programme", "type", "level")}
    return Comparison(at, before, after, analyses, table, fdr, phi, prepared, options)


def diagnose(G, seed: int, fdr: float):
    """One period's findings at ``fdr`` and at the lenient :data:`NEAR_FDR` (run in a worker
    process for the after period when the partnership is large; see :func:`diagnose_periods`)."""
    A = G if isinstance(G, Analysis) else Analysis(G, seed=seed)
    return find_barriers(A, fdr=fdr), find_barriers(A, fdr=max(NEAR_FDR, fdr), silo_share=NEAR_SILO_SHARE)


def diagnose_periods(analyses: dict, fdr: float, seed: int):
    """Both periods' findings, strict and lenient: ``(found, near)``, each ``{period: DataFrame}``.

    The two diagnoses are independent, so on a machine with a second core and a large
    partnership the after period's runs in a worker process (:mod:`~stakeholder_graph.background`)
    while this one diagnoses the before period; the findings are the same either way.
    """
    from .background import start, worth_a_worker
    after = analyses["after"]
    if worth_a_worker(after.graph):
        wait = start(diagnose, after.graph, after.seed, fdr)
    else:
        wait = lambda: diagnose(after, after.seed, fdr)  # noqa: E731
    found, near = {}, {}
    found["before"], near["before"] = diagnose(analyses["before"], seed, fdr)
    found["after"], near["after"] = wait()
    if fdr == DEFAULT_FDR:
        after._keep("barriers", found["after"])      # what views of the after period read
    return found, near


def _window(interactions, meetings, actors, build_options: dict, what: str):
    """What compare_periods and timeline both start from: the build options checked, the
    inputs prepared once (or already prepared), and the dates they cover within
    ``since``/``until``.  Returns ``(prepared, level, half_life, filters, first, last)``,
    ``filters`` the programme and type to keep."""
    if "as_of" in build_options:
        raise InputError(f"as_of has no meaning in {what}: each period is measured as of its own end "
                         "(set the periods with before= and after=)")
    unknown = set(build_options) - BUILD_OPTIONS
    if unknown:
        raise TypeError(f"unexpected argument '{sorted(unknown)[0]}' (build options: {', '.join(sorted(BUILD_OPTIONS))})")
    level = build_options.get("level", "actor")
    if level not in LEVELS:
        raise InputError(f"level must be one of {', '.join(LEVELS)}, not '{level}'")
    half_life = float(build_options.get("half_life", DEFAULT_HALF_LIFE_DAYS))
    if isinstance(interactions, PreparedContacts) or hasattr(interactions, "block_sums"):
        prepared = interactions
    elif build_options.get("engine") == "dask" or any(_is_lazy(v) for v in (interactions, meetings)):
        from .cluster import LazyPrepared
        prepared = LazyPrepared(interactions, meetings, actors, day_first=build_options.get("day_first", False),
                                undirected=build_options.get("undirected", False), survey=build_options.get("survey"))
    else:
        prepared = prepare_contacts(interactions, meetings, actors, day_first=build_options.get("day_first", False),
                                    undirected=build_options.get("undirected", False),
                                    survey=build_options.get("survey"))
    first, last = prepared.date_range()
    if first is None:
        raise InputError(f"no contacts for {what}")
    since, until = build_options.get("since"), build_options.get("until")
    # A window: the first period starts no earlier than since, the last ends by until.
    first = max(first, pd.Timestamp(since)) if since is not None else first
    last = min(last, pd.Timestamp(until)) if until is not None else last
    filters = {k: build_options.get(k) for k in ("programme", "type")}
    return prepared, level, half_life, filters, first, last


def _node_attributes(graphs: dict) -> dict:
    out = {"organisation": {}, "sector": {}}
    for G in graphs.values():
        for n, d in G.nodes(data=True):
            for key in out:
                if d.get(key):
                    out[key].setdefault(n, d[key])
    return out


# ---------------------------------------------------------------------------
# Timeline
# ---------------------------------------------------------------------------

EVERY = {"month": "MS", "quarter": "QS", "year": "YS"}


def timeline(interactions=None, meetings=None, actors=None, *, every: str = "quarter", **build_options) -> pd.DataFrame:
    """The key measures per month, quarter or year: the trend behind a before/after split.

    One row per calendar period from the first contact's to the last's, with ``start``,
    ``end``, ``contacts``, ``ties`` and the measures of :data:`KEY_MEASURES` (as
    :func:`key_measures`; strength as of each period's end; density over every actor named
    in the inputs).  ``build_options`` as for :func:`compare_periods`.
    """
    if every not in EVERY:
        raise InputError(f"every must be one of {', '.join(EVERY)}, not '{every}'")
    prepared, level, half_life, filters, first, last = _window(interactions, meetings, actors, build_options,
                                                               "a timeline")
    since, until = build_options.get("since"), build_options.get("until")
    spans, start = [], _period_start(first, every)
    while start <= last:
        stop = _next_start(start, every)
        spans.append((max(start, first.normalize()), min(stop, last.normalize() + pd.Timedelta(days=1))))
        start = stop
    B = blocks(prepared, [(i, [span]) for i, span in enumerate(spans)], half_life=half_life, level=level,
               **filters)
    G_all = graph_of_period(prepared, half_life=half_life, level=level, since=since, until=until, **filters)
    attributes = _node_attributes({"all": G_all})
    same_org, same_sector, known = _tie_groups(B.pairs, attributes)
    values = key_measures(B.count, B.a_to_b, B.b_to_a, B.strength, same_org, same_sector, known, len(G_all))
    frame = pd.DataFrame({"start": [s.date().isoformat() for s, _ in spans],
                          "end": [(e - pd.Timedelta(days=1)).date().isoformat() for _, e in spans],
                          "contacts": B.count.sum(axis=0).astype(int),
                          "ties": (B.count > 0).sum(axis=0).astype(int)})
    for name in KEY_MEASURES:
        if level == "organisation" and name == "ei_organisation":
            continue
        frame[name] = values[name]
    return frame


def _period_start(day: pd.Timestamp, every: str) -> pd.Timestamp:
    day = day.normalize()
    if every == "month":
        return day.replace(day=1)
    if every == "quarter":
        return day.replace(month=3 * ((day.month - 1) // 3) + 1, day=1)
    return day.replace(month=1, day=1)


def _next_start(start: pd.Timestamp, every: str) -> pd.Timestamp:
    months = {"month": 1, "quarter": 3, "year": 12}[every]
    return start + pd.DateOffset(months=months)
