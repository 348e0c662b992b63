"""Simulated partnerships for calibrating the barrier diagnosis against chance.

A *null world* is a partnership where nothing is wrong: every actor works with a few
partners chosen uniformly at random across the organisations, every tie has a steady
(or, in the bursty world, steadily fluctuating) rate of contact, both sides initiate
equally often, and a small constant share of rated contacts is negative.  Whatever the
diagnosis reports in a null world is a false alarm, so the number of findings per null
world is the diagnosis's false-alarm rate.

The *clustered world* is a null world whose ties cluster inside organisations, as real
partnerships' do: colleagues share partners by being colleagues, and that is no barrier.

The *planted world* is a null world plus one obvious barrier of each kind (signals as
strong as in ``tests/worlds.py`` and the demo), so the share of planted worlds in which
each kind is found measures recall.

Every generator is deterministic for a given ``seed`` (``numpy.random.default_rng``) and
returns ``(log, registry, planted)``:

- ``log``: one row per contact, columns ``date`` (Timestamp), ``source`` (who initiated),
  ``target``, ``sentiment`` (``"negative"``, ``"neutral"``, ``"positive"``, or ``""`` when
  the contact was not rated) and ``programme``;
- ``registry``: the actors, columns ``name``, ``kind`` (``organisation``, ``team``,
  ``voluntary``, ``academic``), ``sector`` (set on organisations; teams inherit it through
  ``parent``) and ``parent`` (a team's organisation, ``""`` for organisations);
- ``planted``: ``{kind: set of names}``; ``{}`` for null worlds.  For tie kinds the set is
  the two actors of the tie, for ``structural_hole`` it is the two *sector* names.

Use them as ``G = sg.build_graph(log, actors=registry); sg.find_barriers(G)``; the
benchmark is ``benchmarks/bench_calibration.py``.  This is a helper module, not a test
module: it defines no ``test_*`` functions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["stationary_world", "bursty_world", "large_world", "clustered_world", "planted_world",
           "SECTORS", "PROGRAMMES", "END"]

#: Sectors of the background organisations (the planted structural hole uses two others).
SECTORS = ("acute", "mental health", "community health", "charity", "housing", "ambulance")
#: Programmes; each tie works on one of them, chosen uniformly.
PROGRAMMES = ("diabetes", "end of life care", "medicines optimisation")
#: The last day of every generated log's period.
END = "2025-06-30"

# Sectors of the planted structural hole: no background organisation is in them.
HOLE_SECTORS = ("local authority", "primary care")


# ---------------------------------------------------------------------------
# Contacts
# ---------------------------------------------------------------------------

class _Log:
    """Collects contacts month by month.

    months : length of the log in whole calendar months, ending on ``end``.
    rated : share of contacts with a recorded sentiment (the rest have ``""``).
    negative : share of rated contacts recorded negative (the rest positive or neutral, 50/50).
    """

    def __init__(self, rng, months, end, rated, negative):
        self.rng, self.months, self.rated, self.negative = rng, int(months), float(rated), float(negative)
        end = pd.Timestamp(end).normalize()
        first = end + pd.Timedelta(days=1) - pd.DateOffset(months=self.months)
        self.month_starts = pd.date_range(first, periods=self.months, freq="MS")
        self.month_days = self.month_starts.days_in_month.to_numpy()
        self.parts = []

    def tie(self, a, b, monthly_rate, *, share_a=0.5, negative=None, programme=""):
        """Poisson contacts between ``a`` and ``b``: in month m, Poisson(``monthly_rate[m]``)
        of them (``monthly_rate`` a number: the same every month, a stationary process),
        on uniformly random days.  ``share_a``: probability that ``a`` initiates a contact.
        ``negative``: share of rated contacts that are negative (default: the world's)."""
        rate = np.broadcast_to(np.asarray(monthly_rate, dtype=float), (self.months,))
        self.counts(a, b, self.rng.poisson(rate), share_a=share_a, negative=negative, programme=programme)

    def every(self, a, b, every_months, *, last_gap=1, programme=""):
        """One contact every ``every_months`` months, the latest ``last_gap`` months before
        the final month (so a regular, not a decayed, tie)."""
        counts = np.zeros(self.months, dtype=int)
        counts[self.months - 1 - last_gap::-int(every_months)] = 1
        self.counts(a, b, counts, programme=programme)

    def counts(self, a, b, counts, *, share_a=0.5, negative=None, programme=""):
        """``counts[m]`` contacts between ``a`` and ``b`` in month m."""
        rng = self.rng
        month = np.repeat(np.arange(self.months), counts)
        n = len(month)
        if n == 0:
            return
        day = rng.integers(0, self.month_days[month])
        hour = rng.integers(8, 18, n)
        dates = self.month_starts[month] + pd.to_timedelta(day, unit="D") + pd.to_timedelta(hour, unit="h")
        a_starts = rng.random(n) < share_a
        rated = rng.random(n) < self.rated
        negative = self.negative if negative is None else negative
        bad = rng.random(n) < negative
        good = np.where(rng.random(n) < 0.5, "positive", "neutral")
        sentiment = np.where(rated, np.where(bad, "negative", good), "")
        self.parts.append(pd.DataFrame({
            "date": dates, "source": np.where(a_starts, a, b), "target": np.where(a_starts, b, a),
            "sentiment": sentiment, "programme": programme}))

    def frame(self):
        columns = ["date", "source", "target", "sentiment", "programme"]
        if not self.parts:
            return pd.DataFrame(columns=columns)
        log = pd.concat(self.parts, ignore_index=True)[columns]
        return log.sort_values(["date", "source", "target"], kind="stable").reset_index(drop=True)


# ---------------------------------------------------------------------------
# The background partnership
# ---------------------------------------------------------------------------

def _organisations(rng, actors, organisations, teams, sectors):
    """Registry rows ``(name, kind, sector, parent)``: organisations, each with a number of
    teams drawn uniformly from ``teams`` (inclusive), sectors assigned to organisations in
    turn.  With ``actors`` (organisations + teams) the total is exact; with
    ``organisations`` the count of organisations is."""
    rows, i = [], 0
    lo, hi = teams
    while (len(rows) < actors) if organisations is None else (i < organisations):
        k = int(rng.integers(lo, hi + 1))
        if organisations is None:
            left = actors - len(rows)
            k = min(k, left - 1)
            if left - 1 - k == 1:
                # Never leave a single slot (an organisation without teams): one more or one less.
                k = k + 1 if k < hi else k - 1
        org = f"Org {i + 1}"
        rows.append((org, "organisation", sectors[i % len(sectors)], ""))
        rows.extend((f"{org} team {j + 1}", "team", "", org) for j in range(k))
        i += 1
    return rows


def _join_components(rng, n, ties: set) -> None:
    """Union-find over ``ties`` (pairs ``(i, j)``, i < j, of ``n`` actors), then join any
    stray component to the first one by one random tie, added to ``ties``."""
    root = list(range(n))

    def find(x):
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    for i, j in sorted(ties):
        root[find(i)] = find(j)
    components = {}
    for i in range(n):
        components.setdefault(find(i), []).append(i)
    groups = sorted(components.values())
    for group in groups[1:]:
        i, j = int(rng.choice(groups[0])), int(rng.choice(group))
        ties.add((min(i, j), max(i, j)))


def _random_partners(rng, names, partners):
    """Undirected ties: each actor picks a number of partners drawn uniformly from
    ``partners`` (inclusive), uniformly among all other actors (so organisations and
    sectors mix freely).  Components, should there be more than one, are joined by one
    random tie each, so that no group is cut off."""
    n = len(names)
    ties = set()
    for i in range(n):
        k = min(int(rng.integers(partners[0], partners[1] + 1)), n - 1)
        others = rng.choice(n - 1, size=k, replace=False)
        for j in others:
            j = int(j) + (j >= i)
            ties.add((min(i, j), max(i, j)))
    _join_components(rng, n, ties)
    return [(names[i], names[j]) for i, j in sorted(ties)]


def _background(rng, *, actors, organisations, teams, partners, sectors, programmes):
    """The registry rows and the ties (with a programme each) of a null partnership."""
    if actors is None and organisations is None:
        actors = int(rng.integers(30, 61))
    rows = _organisations(rng, actors, organisations, teams, sectors)
    ties = _random_partners(rng, [r[0] for r in rows], partners)
    programme = [programmes[int(p)] for p in rng.integers(0, len(programmes), len(ties))] if programmes else [""] * len(ties)
    return rows, [(a, b, p) for (a, b), p in zip(ties, programme)]


def _registry(rows):
    return pd.DataFrame(rows, columns=["name", "kind", "sector", "parent"])


def stationary_world(seed=0, *, actors=None, organisations=None, teams=(1, 3), partners=(2, 4),
                     rate=(0.5, 3.0), months=30, rated=0.5, negative=0.05,
                     programmes=PROGRAMMES, sectors=SECTORS, end=END):
    """A partnership where nothing is wrong: stationary Poisson contact on random ties.

    Parameters
    ----------
    seed : the world; the same seed gives the same tables.
    actors : total registry size (organisations + teams); default drawn uniformly from 30-60.
    organisations : alternatively, the number of organisations (the size then follows from ``teams``).
    teams : (min, max) teams per organisation, each team's ``parent`` its organisation.
    partners : (min, max) partners each actor picks, uniformly among all other actors
        (the tie set is the union of the picks, so the mean degree is about twice the mean pick).
    rate : (min, max) contacts per month of a tie; each tie draws its own rate uniformly
        (heterogeneous ties, each steady over the whole period).
    months : length of the log, ending on ``end``.
    rated : share of contacts with a recorded sentiment.
    negative : share of rated contacts recorded negative (the same on every tie).
    programmes : each tie works on one of these, uniformly.
    sectors : assigned to organisations in turn (teams inherit through ``parent``).

    Every contact's initiator is 50/50.  Every registry actor has at least ``partners[0]``
    ties and the tie graph is connected.  Returns ``(log, registry, {})``.
    """
    rng = np.random.default_rng(seed)
    rows, ties = _background(rng, actors=actors, organisations=organisations, teams=teams,
                             partners=partners, sectors=sectors, programmes=programmes)
    log = _Log(rng, months, end, rated, negative)
    for (a, b, programme), r in zip(ties, rng.uniform(rate[0], rate[1], len(ties))):
        log.tie(a, b, r, programme=programme)
    return log.frame(), _registry(rows), {}


def bursty_world(seed=0, *, active=(2.0, 4.0), quiet=0.2, phase=(3.0, 6.0), actors=None,
                 organisations=None, teams=(1, 3), partners=(2, 4), rate=(0.5, 3.0), months=30,
                 rated=0.5, negative=0.05, programmes=PROGRAMMES, sectors=SECTORS, end=END):
    """A partnership where nothing is wrong but every tie comes and goes.

    As :func:`stationary_world`, except that each tie alternates active and quiet phases
    (a two-state Markov chain month by month): in an active month its rate is its base
    rate (drawn from ``rate``) times its own multiplier drawn uniformly from ``active``;
    in a quiet month, its base rate times ``quiet``.  Each tie draws a mean phase length
    L uniformly from ``phase`` (months) and switches state at the end of a month with
    probability 1/L (phase lengths are geometric with mean L).  The first month's state is
    active or quiet with probability 1/2, which is the chain's stationary distribution,
    so there is no overall decline or growth: the long-run rate is
    base x (multiplier + quiet) / 2 throughout.  A tie may well end the period in a
    quiet phase of several months; that is chance, not decay.

    Returns ``(log, registry, {})``.
    """
    rng = np.random.default_rng(seed)
    rows, ties = _background(rng, actors=actors, organisations=organisations, teams=teams,
                             partners=partners, sectors=sectors, programmes=programmes)
    log = _Log(rng, months, end, rated, negative)
    for a, b, programme in ties:
        base = rng.uniform(rate[0], rate[1])
        high = rng.uniform(active[0], active[1])
        switch = 1.0 / rng.uniform(phase[0], phase[1])
        state = rng.random() < 0.5
        flips = rng.random(log.months) < switch
        states = np.empty(log.months, dtype=bool)
        for m in range(log.months):
            states[m] = state
            if flips[m]:
                state = not state
        log.tie(a, b, base * np.where(states, high, quiet), programme=programme)
    return log.frame(), _registry(rows), {}


def large_world(seed=0, *, actors=300, **options):
    """:func:`stationary_world` at ``actors`` actors (about 100 organisations)."""
    return stationary_world(seed, actors=actors, **options)


def clustered_world(seed=0, *, organisations=12, teams=7, inside=0.5, across=0.05, rate=(0.5, 3.0),
                    months=30, rated=0.5, negative=0.05, programmes=PROGRAMMES, sectors=SECTORS, end=END):
    """A partnership where nothing is wrong but ties cluster, as in real ones: the actors
    of one organisation (the organisation itself and its ``teams`` teams) are tied with
    probability ``inside``, actors of different organisations with probability ``across``,
    each pair independently; contact on each tie is stationary, as in
    :func:`stationary_world`.  Two teams of one trust then share many partners (their
    colleagues) without being tied: chance, given the clusters, not a missing link.

    With the defaults an actor has about 3.5 ties inside its organisation and 4.4 outside,
    so no organisation keeps most of its ties inside (no silo by construction).  Stray
    components are joined to the first by one random tie each.  Returns ``(log,
    registry, {})``.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(organisations):
        org = f"Org {i + 1}"
        rows.append((org, "organisation", sectors[i % len(sectors)], ""))
        rows.extend((f"{org} team {j + 1}", "team", "", org) for j in range(teams))
    names = [r[0] for r in rows]
    home = np.repeat(np.arange(organisations), teams + 1)
    i, j = np.triu_indices(len(names), 1)
    chance = np.where(home[i] == home[j], inside, across)
    tied = rng.random(len(i)) < chance
    ties = set(zip(i[tied].tolist(), j[tied].tolist()))
    for a in range(len(names)):                      # nobody without a partner
        if not any(a in t for t in ties):
            b = int(rng.choice([x for x in range(len(names)) if x != a and home[x] == home[a]]))
            ties.add((min(a, b), max(a, b)))
    _join_components(rng, len(names), ties)
    log = _Log(rng, months, end, rated, negative)
    for (a, b), r in zip(sorted(ties), rng.uniform(rate[0], rate[1], len(ties))):
        programme = programmes[int(rng.integers(0, len(programmes)))] if programmes else ""
        log.tie(names[a], names[b], r, programme=programme)
    return log.frame(), _registry(rows), {}


# ---------------------------------------------------------------------------
# One planted barrier of each kind
# ---------------------------------------------------------------------------

def planted_world(seed=0, *, actors=None, months=30, rated=0.5, negative=0.05,
                  programmes=PROGRAMMES, end=END, hole_size=3, hole_partners=5):
    """A stationary null world plus one strong, obvious barrier of each kind.

    The background is :func:`stationary_world`'s (``actors`` background actors, default
    30-45); 20 actors are added for the plants, so the registry has about 50-65 actors.
    The plants (rates in contacts per month, over ``months`` = 30 months):

    - ``decayed_tie``: two background actors (not otherwise tied) with 4/month for the
      first ``months - 12`` months and none in the last 12 (about 72 contacts, then silence).
    - ``one_sided``: two background actors, 2/month throughout, 95% initiated by the first.
    - ``strained_tie``: two background actors, 3/month throughout, 60% of the rated
      contacts negative (against the world's 5%); ``rated`` share rated as elsewhere.
    - ``isolate``: ``Quiet Group`` (voluntary), in the registry with no contact at all.
    - ``silo``: ``Siloed Trust``, an organisation with 4 teams; the 5 of them all work with
      each other (10 ties, 1.5-3/month each); their one outward tie is one contact every
      10 months between team 1 and a background actor.
    - ``bridge``: a tight circle of 5 voluntary actors (``Circle 1``-``Circle 5``,
      sector ``voluntary``, all 10 ties at 2/month) joined to the rest by ONE tie,
      ``Circle 1`` - hub (a background actor) at 1/month.  ``bridge`` = {Circle 1, hub};
      The hub is the broker at its end, named in the bridge finding (one fact, one finding),
      so it is not planted as a separate ``broker``.
    - ``structural_hole``: sectors ``local authority`` (``Council 1``-``3``) and ``primary
      care`` (``GP Federation 1``-``3``), each actor its own organisation; all six work with
      the same 5 background partners at 1.5-3/month (30 strong ties), each sector's three
      work with each other at 1/month, and there is no tie at all between the sectors.
      ``planted["structural_hole"]`` holds the two sector names.  ``hole_size`` (actors per
      sector, 3) and ``hole_partners`` (shared partners, 5) make it larger.  Note: at 3 x 3
      the gap is small against density alone (about 1 tie expected between the sectors at
      the world's density, or at their degrees); what makes it a hole is that every
      cross-sector pair shares all 5 partners, where tied pairs in this world share ~0-1.
    - ``missing_link``: ``Newcomer A`` and ``Newcomer B`` both work with the same 5
      background partners at 2/month and never with each other.
    - ``weak_tie``: ``Distant University`` (academic), whose only link is one contact
      every 4 months with one background actor; ``weak_tie`` = {Distant University, partner}.

    Planted tie programmes are drawn like the background's.  Returns ``(log, registry, planted)``.
    """
    rng = np.random.default_rng(seed)
    if actors is None:
        actors = int(rng.integers(30, 46))
    rows, ties = _background(rng, actors=actors, organisations=None, teams=(1, 3), partners=(2, 4),
                             sectors=SECTORS, programmes=programmes)
    log = _Log(rng, months, end, rated, negative)
    for (a, b, programme), r in zip(ties, rng.uniform(0.5, 3.0, len(ties))):
        log.tie(a, b, r, programme=programme)

    background = [r[0] for r in rows]
    tied = {frozenset((a, b)) for a, b, _ in ties}

    def programme():
        return programmes[int(rng.integers(0, len(programmes)))] if programmes else ""

    def pick(k, exclude=()):
        pool = [x for x in background if x not in exclude]
        return [pool[int(i)] for i in rng.choice(len(pool), size=k, replace=False)]

    def fresh_pair(used):
        while True:
            a, b = pick(2, exclude=used)
            if frozenset((a, b)) not in tied:
                used.update((a, b))
                tied.add(frozenset((a, b)))
                return a, b

    planted = {}
    used = set()
    # Tie barriers between background actors.
    decayed = fresh_pair(used)
    rate = np.where(np.arange(log.months) < log.months - 12, 4.0, 0.0)
    log.tie(*decayed, rate, programme=programme())
    planted["decayed_tie"] = set(decayed)
    one_sided = fresh_pair(used)
    log.tie(*one_sided, 2.0, share_a=0.95, programme=programme())
    planted["one_sided"] = set(one_sided)
    strained = fresh_pair(used)
    log.tie(*strained, 3.0, negative=0.6, programme=programme())
    planted["strained_tie"] = set(strained)

    # Isolate.
    lonely = "Quiet Group"
    rows.append((lonely, "voluntary", "voluntary", ""))
    planted["isolate"] = {lonely}

    # Silo: an organisation whose 4 teams (and itself) only talk among themselves.
    silo_org = "Siloed Trust"
    silo = [silo_org] + [f"{silo_org} team {j}" for j in range(1, 5)]
    rows.append((silo_org, "organisation", "mental health", ""))
    rows.extend((name, "team", "", silo_org) for name in silo[1:])
    silo_programme = programme()
    for i, a in enumerate(silo):
        for b in silo[i + 1:]:
            log.tie(a, b, rng.uniform(1.5, 3.0), programme=silo_programme)
    log.every(silo[1], pick(1)[0], 10, programme=silo_programme)
    planted["silo"] = {silo_org}

    # Bridge and broker: a tight circle joined to the rest by one tie.
    circle = [f"Circle {k}" for k in range(1, 6)]
    rows.extend((name, "voluntary", "voluntary", "") for name in circle)
    circle_programme = programme()
    for i, a in enumerate(circle):
        for b in circle[i + 1:]:
            log.tie(a, b, 2.0, programme=circle_programme)
    hub = pick(1)[0]
    log.tie(circle[0], hub, 1.0, programme=circle_programme)
    planted["bridge"] = {circle[0], hub}

    # Structural hole: two sectors with the same partners and no tie between them.
    councils = [f"Council {k}" for k in range(1, hole_size + 1)]
    federations = [f"GP Federation {k}" for k in range(1, hole_size + 1)]
    rows.extend((name, "organisation", HOLE_SECTORS[0], "") for name in councils)
    rows.extend((name, "organisation", HOLE_SECTORS[1], "") for name in federations)
    shared = pick(hole_partners)
    for side in (councils, federations):
        for i, a in enumerate(side):
            for partner in shared:
                log.tie(a, partner, rng.uniform(1.5, 3.0), programme=programme())
            for b in side[i + 1:]:
                log.tie(a, b, 1.0, programme=programme())
    planted["structural_hole"] = set(HOLE_SECTORS)

    # Missing link: two actors with the same five partners who never meet.
    newcomers = ["Newcomer A", "Newcomer B"]
    rows.extend((name, "organisation", SECTORS[k % len(SECTORS)], "") for k, name in enumerate(newcomers))
    for partner in pick(5):
        p = programme()
        for a in newcomers:
            log.tie(a, partner, 2.0, programme=p)
    planted["missing_link"] = set(newcomers)

    # Weak tie: an actor whose only link is one contact every four months.
    distant = "Distant University"
    rows.append((distant, "academic", "academic", ""))
    partner = pick(1)[0]
    log.every(distant, partner, 4, programme=programme())
    planted["weak_tie"] = {distant, partner}

    return log.frame(), _registry(rows), planted
