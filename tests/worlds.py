"""A second generated partnership, unlike the demo in names, size and mix, with known barriers.

Used to keep the diagnosis honest: thresholds must find these without being tuned to them.
"""

import numpy as np
import pandas as pd

SECTORS = ["hospital", "council", "primary care", "community", "charity", "housing"]


def make_world(seed=11, organisations=16, months=30, end="2025-06-30"):
    rng = np.random.default_rng(seed)
    end = pd.Timestamp(end)
    start = end - pd.DateOffset(months=months)
    actors, rows = [], []
    orgs = [f"Org {chr(65 + i)}{seed}" for i in range(organisations)]
    for i, org in enumerate(orgs):
        actors.append((org, "organisation", SECTORS[i % len(SECTORS)], ""))
        # The planted silo (the second organisation) needs a few teams to be a group.
        for j in range(3 if i == 1 else int(rng.integers(1, 4))):
            actors.append((f"{org} unit {j + 1}", "team", "", org))
    names = [a[0] for a in actors]
    silo_org = orgs[1]
    silo = [n for n in names if n == silo_org or n.startswith(silo_org + " unit")]
    cluster = [f"Circle {k} {seed}" for k in range(3)]
    m1, m2, lonely = f"Newcomer X{seed}", f"Newcomer Y{seed}", f"Quiet Group {seed}"
    for extra in cluster + [m1, m2, lonely]:
        actors.append((extra, "voluntary", "charity", ""))
    regular = [n for n in names if n not in silo]

    def contacts(a, b, rate, first=0, last=months, share=0.5, negative=0.0):
        for m in range(first, last):
            month_start = start + pd.DateOffset(months=m)
            for _ in range(rng.poisson(rate)):
                day = month_start + pd.Timedelta(days=int(rng.integers(0, 28)))
                src, dst = (a, b) if rng.random() < share else (b, a)
                sentiment = ("negative" if rng.random() < negative else "positive") if negative else ""
                rows.append((day, src, dst, sentiment))

    planted_pairs = set()
    decayed = (regular[2], regular[5])
    one_sided = (regular[3], regular[8])
    strained = (regular[4], regular[9])
    hub = regular[0]
    shared = [regular[k] for k in (6, 7, 10, 11)]
    for pair in [decayed, one_sided, strained]:
        planted_pairs.add(frozenset(pair))
    # Background: every regular actor keeps steady, balanced ties with a few others.
    background = set()
    for a in regular:
        for b in rng.choice(regular, size=3, replace=False):
            pair = frozenset((a, b))
            if a != b and pair not in planted_pairs and pair not in background:
                background.add(pair)
    for pair in sorted(background, key=sorted):
        a, b = sorted(pair)
        contacts(a, b, rng.uniform(1.5, 3.0))
    for a in silo:
        for b in silo:
            if a < b:
                contacts(a, b, 3.0)
    contacts(silo[0], regular[1], 0.1)
    contacts(*decayed, 4.0, last=12)
    contacts(*one_sided, 2.0, share=0.95)
    contacts(*strained, 3.0, negative=0.6)
    contacts(cluster[0], cluster[1], 2.0)
    contacts(cluster[1], cluster[2], 2.0)
    contacts(cluster[0], cluster[2], 2.0)
    contacts(cluster[0], hub, 0.5)
    for partner in shared:
        contacts(m1, partner, 1.5)
        contacts(m2, partner, 1.5)
    log = pd.DataFrame(rows, columns=["date", "source", "target", "sentiment"])
    log["programme"] = "shared care"
    registry = pd.DataFrame(actors, columns=["name", "kind", "sector", "parent"])
    # The hub is the broker at the bridge's end: one fact, named in the bridge finding.
    planted = {
        "decayed_tie": set(decayed), "one_sided": set(one_sided), "strained_tie": set(strained),
        "isolate": {lonely}, "silo": {silo_org}, "bridge": {cluster[0], hub},
        "missing_link": {m1, m2},
    }
    return log, registry, planted
