"""The bundled demo partnership: a fictional health and care partnership, generated deterministically.

"Northvale and Eastfield Health and Care Partnership" is invented: its organisations, teams
and relationships are fictional (no real organisation's relationships are described).  It
is modelled on an NHS sustainability and transformation partnership: acute, mental health
and community trusts, GP federations, a commissioner, borough councils, an ambulance
service, voluntary sector bodies and a university, with teams inside them, three
programmes, 33 months of pairwise contact logs and monthly programme board registers.

Known barriers are planted (see :data:`PLANTED` and ``data/README.md``) so that the
diagnosis can be checked against them; :data:`HEALTHY` lists ties that are deliberately
strong, balanced and recent and must not be flagged.

The partnership had a facilitated session on :data:`FACILITATION` (1 October 2025), and
some relationships changed from that month on: :data:`PLANTED_CHANGES` lists each change
with the word a before/after comparison at that date should give it
(``compare_periods(..., at=FACILITATION)``).  :data:`PLANTED` is what the whole log, both
periods together, shows at its end.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["demo_tables", "write_demo_files", "PLANTED", "HEALTHY", "FACILITATION", "PLANTED_CHANGES",
           "DEMO_FILES", "DEMO_SEED", "SURVEY_WAVES", "PLANTED_SURVEY", "demo_survey"]

DEMO_SEED = 20240101
START, END = pd.Timestamp("2024-01-01"), pd.Timestamp("2026-09-30")
DEMO_FILES = {"interactions": "interactions.csv", "meetings": "meetings.csv", "actors": "actors.csv",
              "survey": "survey.csv"}

DIAB, EOL, MEDS = "diabetes", "end of life care", "medicines optimisation"

# name, kind, sector, parent, aliases
ACTORS = [
    ("Northvale Hospitals NHS Foundation Trust", "organisation", "acute", "", "Northvale Hospitals FT;NHFT"),
    ("Eastfield University Hospitals NHS Trust", "organisation", "acute", "", "Eastfield University Hospitals;EUHT"),
    ("Northvale and Eastfield Mental Health NHS Trust", "organisation", "mental health", "", "NEMHT"),
    ("Westbrook Community Health NHS Trust", "organisation", "community health", "", "Westbrook Community Health"),
    ("Riverside GP Federation", "organisation", "primary care", "", "Riverside Federation"),
    ("Eastfield GP Alliance", "organisation", "primary care", "", ""),
    ("Millbrook Primary Care Network", "organisation", "primary care", "", "Millbrook PCN"),
    ("Northvale Integrated Care Board", "organisation", "commissioner", "", "Northvale ICB;ICB"),
    ("Northvale Borough Council", "organisation", "local authority", "", "NBC"),
    ("Eastfield Borough Council", "organisation", "local authority", "", "EBC"),
    ("Westbrook District Council", "organisation", "local authority", "", ""),
    ("Northvale Ambulance Service NHS Trust", "organisation", "ambulance", "", "Northvale Ambulance Service"),
    ("Northvale Local Pharmaceutical Committee", "organisation", "community pharmacy", "", "Northvale LPC"),
    ("St Aidan's Hospice", "voluntary", "voluntary", "", "St Aidans Hospice"),
    ("Diabetes Peer Support Northvale", "voluntary", "voluntary", "", ""),
    ("Carers Together Northvale", "voluntary", "voluntary", "", ""),
    ("Northvale Council for Voluntary Service", "voluntary", "voluntary", "", "Northvale CVS"),
    ("Compassionate Neighbours Northvale", "voluntary", "voluntary", "", ""),
    ("Northvale Bereavement Service", "voluntary", "voluntary", "", ""),
    ("Healthwatch Northvale", "voluntary", "voluntary", "", ""),
    ("Millbrook Housing Trust", "voluntary", "housing", "", ""),
    ("University of Northvale", "academic", "academic", "", ""),
    # teams
    ("Northvale Diabetes Centre", "team", "", "Northvale Hospitals NHS Foundation Trust", ""),
    ("Northvale Palliative Care Team", "team", "", "Northvale Hospitals NHS Foundation Trust", ""),
    ("Northvale Hospital Pharmacy", "team", "", "Northvale Hospitals NHS Foundation Trust", ""),
    ("Northvale Discharge Team", "team", "", "Northvale Hospitals NHS Foundation Trust", ""),
    ("Eastfield Diabetes and Endocrinology", "team", "", "Eastfield University Hospitals NHS Trust", ""),
    ("Eastfield Community Diabetes Nurses", "team", "", "Eastfield University Hospitals NHS Trust", ""),
    ("Eastfield Discharge Hub", "team", "", "Eastfield University Hospitals NHS Trust", ""),
    ("Eastfield Hospital Pharmacy", "team", "", "Eastfield University Hospitals NHS Trust", ""),
    ("Crisis Resolution Team", "team", "", "Northvale and Eastfield Mental Health NHS Trust", ""),
    ("Older Adults Mental Health Team", "team", "", "Northvale and Eastfield Mental Health NHS Trust", ""),
    ("Psychological Medicine Liaison", "team", "", "Northvale and Eastfield Mental Health NHS Trust", ""),
    ("Riverside Podiatry Team", "team", "", "Westbrook Community Health NHS Trust", ""),
    ("Westbrook District Nursing", "team", "", "Westbrook Community Health NHS Trust", ""),
    ("Community Palliative Care Nurses", "team", "", "Westbrook Community Health NHS Trust", ""),
    ("Riverside Practice Nurses", "team", "", "Riverside GP Federation", ""),
    ("Riverside Medicines Management", "team", "", "Riverside GP Federation", ""),
    ("Eastfield Practice Nurses", "team", "", "Eastfield GP Alliance", ""),
    ("Eastfield Clinical Pharmacists", "team", "", "Eastfield GP Alliance", ""),
    ("ICB Medicines Optimisation Team", "team", "", "Northvale Integrated Care Board", "MOT"),
    ("ICB Diabetes Commissioning", "team", "", "Northvale Integrated Care Board", ""),
    ("Northvale Adult Social Care", "team", "", "Northvale Borough Council", ""),
    ("Northvale Public Health", "team", "", "Northvale Borough Council", ""),
    ("Eastfield Adult Social Care", "team", "", "Eastfield Borough Council", ""),
]

# The barriers planted in the demo: (kind, actors, what was planted).
PLANTED = [
    ("decayed_tie", ("Riverside Podiatry Team", "Eastfield Community Diabetes Nurses"),
     "about 3.5 contacts a month through 2024 (diabetic foot pathway), none since"),
    ("one_sided", ("ICB Medicines Optimisation Team", "Northvale Local Pharmaceutical Committee"),
     "2 contacts a month, 95% initiated by the ICB team"),
    ("strained_tie", ("Eastfield Discharge Hub", "Eastfield Adult Social Care"),
     "3 contacts a month about delayed discharges, 70% recorded negative, until the facilitation; since "
     "October 2025 one a month, 5% negative (eased, but the whole log still holds 21 strained months)"),
    ("isolate", ("Carers Together Northvale",), "in the registry, no contact at all"),
    ("isolate", ("Millbrook Housing Trust",), "a single email in March 2024"),
    ("silo", ("Northvale and Eastfield Mental Health NHS Trust",),
     "its teams talk among themselves: until the facilitation its one link out was an occasional referral; "
     "the ties out formed since (October 2025) do not yet outweigh its internal traffic"),
    ("decayed_tie", ("Northvale Public Health", "Diabetes Peer Support Northvale"),
     "about 2 contacts a month until September 2025 (public health's grant to the group ended), none since"),
    ("bridge", ("Northvale Council for Voluntary Service", "St Aidan's Hospice"),
     "the only tie between the voluntary end-of-life group and the rest of the partnership: the group "
     "reaches everyone else through St Aidan's Hospice (one fact: the bridge names the broker at its end)"),
    ("weak_tie", ("University of Northvale", "Northvale Diabetes Centre"),
     "the university's only link to the partnership: one contact every four months"),
    ("structural_hole", ("local authority", "primary care"),
     "councils and primary care work with the same partners (the ICB, community health, district "
     "nursing, diabetes services) but have no direct tie at all"),
    ("missing_link", ("Riverside Practice Nurses", "Eastfield Practice Nurses"),
     "both work on diabetes with the same five partners but never with each other"),
]

# Strong, balanced, recent, positive: must not be flagged as weak, decayed, one-sided or strained.
HEALTHY = [
    ("Northvale Diabetes Centre", "Riverside GP Federation"),
    ("Northvale Palliative Care Team", "Community Palliative Care Nurses"),
    ("Eastfield Diabetes and Endocrinology", "Eastfield GP Alliance"),
]

# The facilitated session: the first day of the after period of the demo's change story.
FACILITATION = "2025-10-01"


def _tie(a, b):
    return frozenset((a, b))


# What changed at the facilitation, with the word compare_periods(..., at=FACILITATION) should
# give each change (data/README.md, "What changed at the facilitation").  Ties: pairs of actor
# names.  Barriers: (kind, actors as the change table names them).  Every other tie with
# contact in either period is unchanged: its rate is the same before and after.
PLANTED_CHANGES = {
    "ties": {
        # the mental health trust opens up: new ties from October 2025
        "formed": {
            _tie("Older Adults Mental Health Team", "Northvale Adult Social Care"),
            _tie("Crisis Resolution Team", "Northvale Ambulance Service NHS Trust"),
            _tie("Northvale Integrated Care Board", "Northvale and Eastfield Mental Health NHS Trust"),
        },
        "lost": {
            # public health's grant to the peer support group ended in September 2025
            _tie("Northvale Public Health", "Diabetes Peer Support Northvale"),
            # stopped in December 2024, before the facilitation, and not revived by it
            _tie("Riverside Podiatry Team", "Eastfield Community Diabetes Nurses"),
        },
        # an occasional referral (0.15 a month) becomes a regular one (1.5 a month)
        "strengthened": {_tie("Psychological Medicine Liaison", "Northvale Diabetes Centre")},
        # the joint discharge protocol: escalations fall from 3 a month to 1
        "weakened": {_tie("Eastfield Discharge Hub", "Eastfield Adult Social Care")},
    },
    "barriers": {
        "closed": {
            # 70% negative before, 5% after
            ("strained_tie", _tie("Eastfield Discharge Hub", "Eastfield Adult Social Care")),
            # the mental health trust's only link out before; one of four after
            ("bridge", _tie("Psychological Medicine Liaison", "Northvale Diabetes Centre")),
        },
        "new": {
            # the council's new charging rules for end-of-life care packages: 60% negative from October 2025
            ("strained_tie", _tie("Northvale Adult Social Care", "Community Palliative Care Nurses")),
        },
        "persisting": {
            ("one_sided", _tie("ICB Medicines Optimisation Team", "Northvale Local Pharmaceutical Committee")),
            ("decayed_tie", _tie("Riverside Podiatry Team", "Eastfield Community Diabetes Nurses")),
            ("isolate", frozenset({"Carers Together Northvale"})),
            ("isolate", frozenset({"Millbrook Housing Trust"})),
            # eased (four ties out after) but its teams still mostly talk among themselves
            ("silo", frozenset({"Northvale and Eastfield Mental Health NHS Trust"})),
            ("bridge", _tie("Northvale Council for Voluntary Service", "St Aidan's Hospice")),
            ("weak_tie", _tie("University of Northvale", "Northvale Diabetes Centre")),
            ("structural_hole", _tie("the local authority sector", "the primary care sector")),
            ("missing_link", _tie("Riverside Practice Nurses", "Eastfield Practice Nurses")),
        },
    },
}

# (a, b, programme, contacts per month, first month, last month, share a initiates,
#  share negative, types)
_RELATIONSHIPS = [
    # planted
    ("Riverside Podiatry Team", "Eastfield Community Diabetes Nurses", DIAB, 3.5, "2024-01", "2024-12", .5, 0, "meeting;call"),
    ("ICB Medicines Optimisation Team", "Northvale Local Pharmaceutical Committee", MEDS, 2.0, "2024-01", "2026-09", .95, 0, "email;call"),
    # strained until the facilitation; the joint discharge protocol agreed there: fewer escalations, fewer disputes
    ("Eastfield Discharge Hub", "Eastfield Adult Social Care", EOL, 3.0, "2024-01", "2025-09", .5, .7, "call;email;meeting"),
    ("Eastfield Discharge Hub", "Eastfield Adult Social Care", EOL, 1.0, "2025-10", "2026-09", .5, .05, "call;email;meeting"),
    ("Northvale and Eastfield Mental Health NHS Trust", "Crisis Resolution Team", "", 3.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale and Eastfield Mental Health NHS Trust", "Older Adults Mental Health Team", "", 3.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale and Eastfield Mental Health NHS Trust", "Psychological Medicine Liaison", "", 2.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Crisis Resolution Team", "Older Adults Mental Health Team", "", 2.0, "2024-01", "2026-09", .5, 0, "call;referral"),
    ("Crisis Resolution Team", "Psychological Medicine Liaison", "", 2.0, "2024-01", "2026-09", .5, 0, "call;referral"),
    ("Older Adults Mental Health Team", "Psychological Medicine Liaison", "", 1.5, "2024-01", "2026-09", .5, 0, "call;referral"),
    # the mental health trust's one thin link out, until the facilitation opened it up
    ("Psychological Medicine Liaison", "Northvale Diabetes Centre", DIAB, 0.15, "2024-01", "2025-09", .5, 0, "referral"),
    ("Psychological Medicine Liaison", "Northvale Diabetes Centre", DIAB, 1.5, "2025-10", "2026-09", .5, 0, "referral;meeting"),
    ("Older Adults Mental Health Team", "Northvale Adult Social Care", "", 1.5, "2025-10", "2026-09", .5, 0, "call;referral"),
    ("Crisis Resolution Team", "Northvale Ambulance Service NHS Trust", "", 1.0, "2025-10", "2026-09", .5, 0, "call"),
    ("Northvale Council for Voluntary Service", "St Aidan's Hospice", EOL, 0.6, "2024-01", "2026-09", .5, 0, "email;meeting"),
    ("Northvale Council for Voluntary Service", "Compassionate Neighbours Northvale", EOL, 2.0, "2024-01", "2026-09", .5, 0, "meeting;call"),
    ("Northvale Council for Voluntary Service", "Northvale Bereavement Service", EOL, 1.5, "2024-01", "2026-09", .5, 0, "meeting;call"),
    ("Compassionate Neighbours Northvale", "Northvale Bereavement Service", EOL, 1.5, "2024-01", "2026-09", .5, 0, "call"),
    ("University of Northvale", "Northvale Diabetes Centre", DIAB, 0.25, "2024-01", "2026-09", .5, 0, "email"),
    # healthy, documented
    ("Northvale Diabetes Centre", "Riverside GP Federation", DIAB, 4.0, "2024-01", "2026-09", .5, 0, "meeting;call;email;referral"),
    ("Northvale Palliative Care Team", "Community Palliative Care Nurses", EOL, 4.0, "2024-01", "2026-09", .5, 0, "call;referral;meeting"),
    ("Eastfield Diabetes and Endocrinology", "Eastfield GP Alliance", DIAB, 3.5, "2024-01", "2026-09", .5, 0, "meeting;call;email"),
    # the missing link's shared partners
    ("Riverside Practice Nurses", "Northvale Diabetes Centre", DIAB, 2.0, "2024-01", "2026-09", .5, 0, "call;referral"),
    ("Riverside Practice Nurses", "Eastfield Diabetes and Endocrinology", DIAB, 1.0, "2024-01", "2026-09", .5, 0, "referral;email"),
    ("Riverside Practice Nurses", "Diabetes Peer Support Northvale", DIAB, 1.0, "2024-01", "2026-09", .5, 0, "email;meeting"),
    ("Riverside Practice Nurses", "ICB Diabetes Commissioning", DIAB, 0.8, "2024-01", "2026-09", .5, 0, "email"),
    ("Riverside Practice Nurses", "Riverside Podiatry Team", DIAB, 1.2, "2024-01", "2026-09", .5, 0, "referral"),
    ("Eastfield Practice Nurses", "Northvale Diabetes Centre", DIAB, 1.0, "2024-01", "2026-09", .5, 0, "referral;email"),
    ("Eastfield Practice Nurses", "Eastfield Diabetes and Endocrinology", DIAB, 2.0, "2024-01", "2026-09", .5, 0, "call;referral"),
    ("Eastfield Practice Nurses", "Diabetes Peer Support Northvale", DIAB, 1.0, "2024-01", "2026-09", .5, 0, "email;meeting"),
    ("Eastfield Practice Nurses", "ICB Diabetes Commissioning", DIAB, 0.8, "2024-01", "2026-09", .5, 0, "email"),
    ("Eastfield Practice Nurses", "Riverside Podiatry Team", DIAB, 1.0, "2024-01", "2026-09", .5, 0, "referral"),
    # the everyday work of the partnership
    ("Northvale Diabetes Centre", "Eastfield Diabetes and Endocrinology", DIAB, 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Diabetes Centre", "ICB Diabetes Commissioning", DIAB, 1.5, "2024-01", "2026-09", .55, 0, "meeting;email"),
    ("Northvale Diabetes Centre", "Diabetes Peer Support Northvale", DIAB, 1.0, "2024-01", "2026-09", .5, 0, "email;meeting"),
    ("Northvale Diabetes Centre", "Riverside Podiatry Team", DIAB, 2.0, "2024-01", "2026-09", .5, 0, "referral;call"),
    ("Eastfield Diabetes and Endocrinology", "Eastfield Community Diabetes Nurses", DIAB, 3.0, "2024-01", "2026-09", .5, 0, "meeting;call"),
    ("Eastfield Community Diabetes Nurses", "Eastfield GP Alliance", DIAB, 1.5, "2024-01", "2026-09", .5, 0, "call;referral"),
    ("Riverside GP Federation", "Riverside Practice Nurses", "", 3.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Riverside GP Federation", "Riverside Medicines Management", "", 2.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Eastfield GP Alliance", "Eastfield Practice Nurses", "", 3.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Eastfield GP Alliance", "Eastfield Clinical Pharmacists", "", 2.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Millbrook Primary Care Network", "Riverside GP Federation", "", 1.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Millbrook Primary Care Network", "Northvale Diabetes Centre", DIAB, 0.8, "2024-01", "2026-09", .5, 0, "referral"),
    ("Millbrook Primary Care Network", "Riverside Medicines Management", MEDS, 0.8, "2024-01", "2026-09", .5, 0, "email"),
    ("ICB Medicines Optimisation Team", "Riverside Medicines Management", MEDS, 2.0, "2024-01", "2026-09", .55, 0, "meeting;email"),
    ("ICB Medicines Optimisation Team", "Eastfield Clinical Pharmacists", MEDS, 1.5, "2024-01", "2026-09", .55, 0, "meeting;email"),
    ("ICB Medicines Optimisation Team", "Northvale Hospital Pharmacy", MEDS, 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Hospital Pharmacy", "Eastfield Hospital Pharmacy", MEDS, 1.0, "2024-01", "2026-09", .5, 0, "call;email"),
    ("Northvale Hospital Pharmacy", "Riverside Medicines Management", MEDS, 1.0, "2024-01", "2026-09", .5, 0, "email"),
    ("Eastfield Hospital Pharmacy", "Eastfield Clinical Pharmacists", MEDS, 1.2, "2024-01", "2026-09", .5, 0, "email;call"),
    ("Riverside Medicines Management", "Eastfield Clinical Pharmacists", MEDS, 1.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Local Pharmaceutical Committee", "Riverside Medicines Management", MEDS, 0.8, "2024-01", "2026-09", .5, 0, "email"),
    ("Northvale Palliative Care Team", "St Aidan's Hospice", EOL, 2.5, "2024-01", "2026-09", .5, 0, "call;referral"),
    ("Community Palliative Care Nurses", "St Aidan's Hospice", EOL, 2.5, "2024-01", "2026-09", .5, 0, "call;referral"),
    ("Community Palliative Care Nurses", "Westbrook District Nursing", EOL, 3.0, "2024-01", "2026-09", .5, 0, "call;meeting"),
    ("Northvale Palliative Care Team", "Northvale Discharge Team", EOL, 2.0, "2024-01", "2026-09", .5, 0, "call"),
    ("Northvale Discharge Team", "Northvale Adult Social Care", EOL, 2.5, "2024-01", "2026-09", .5, .1, "call;email"),
    ("Northvale Discharge Team", "Westbrook District Nursing", EOL, 1.5, "2024-01", "2026-09", .5, 0, "referral"),
    ("Northvale Ambulance Service NHS Trust", "Northvale Palliative Care Team", EOL, 1.0, "2024-01", "2026-09", .5, 0, "call"),
    ("Northvale Ambulance Service NHS Trust", "Community Palliative Care Nurses", EOL, 0.8, "2024-01", "2026-09", .5, 0, "call"),
    ("Northvale Adult Social Care", "Northvale Public Health", "", 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    # strained from October 2025 (the council's new charging rules for end-of-life care packages)
    ("Northvale Adult Social Care", "Community Palliative Care Nurses", EOL, 1.5, "2024-01", "2025-09", .5, 0, "call;referral"),
    ("Northvale Adult Social Care", "Community Palliative Care Nurses", EOL, 1.5, "2025-10", "2026-09", .5, .6, "call;referral"),
    ("Eastfield Adult Social Care", "Westbrook District Nursing", EOL, 1.0, "2024-01", "2026-09", .5, 0, "call"),
    ("Eastfield Adult Social Care", "Eastfield Borough Council", "", 2.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Borough Council", "Northvale Adult Social Care", "", 2.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Borough Council", "Northvale Public Health", "", 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Westbrook District Council", "Westbrook District Nursing", EOL, 0.8, "2024-01", "2026-09", .5, 0, "meeting"),
    ("Westbrook District Council", "Northvale Borough Council", "", 1.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Eastfield Borough Council", "Northvale Borough Council", "", 1.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    # lost: public health's grant to the peer support group ended in September 2025
    ("Northvale Public Health", "Diabetes Peer Support Northvale", DIAB, 2.0, "2024-01", "2025-09", .5, 0, "meeting;email"),
    ("Northvale Public Health", "ICB Diabetes Commissioning", DIAB, 1.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Healthwatch Northvale", "Northvale Integrated Care Board", "", 1.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Healthwatch Northvale", "Diabetes Peer Support Northvale", DIAB, 0.8, "2024-01", "2026-09", .5, 0, "email"),
    ("Healthwatch Northvale", "Northvale Adult Social Care", "", 0.8, "2024-01", "2026-09", .5, 0, "email"),
    ("Northvale Integrated Care Board", "ICB Medicines Optimisation Team", "", 3.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Integrated Care Board", "ICB Diabetes Commissioning", "", 3.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Integrated Care Board", "Northvale Hospitals NHS Foundation Trust", "", 2.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Integrated Care Board", "Eastfield University Hospitals NHS Trust", "", 2.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Integrated Care Board", "Westbrook Community Health NHS Trust", "", 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Integrated Care Board", "Northvale Borough Council", "", 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Integrated Care Board", "Riverside GP Federation", "", 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Integrated Care Board", "Eastfield GP Alliance", "", 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Integrated Care Board", "Northvale Ambulance Service NHS Trust", "", 1.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Integrated Care Board", "Northvale and Eastfield Mental Health NHS Trust", "", 1.5, "2025-10", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Hospitals NHS Foundation Trust", "Northvale Diabetes Centre", "", 2.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Hospitals NHS Foundation Trust", "Northvale Palliative Care Team", "", 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Hospitals NHS Foundation Trust", "Northvale Hospital Pharmacy", "", 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Hospitals NHS Foundation Trust", "Northvale Discharge Team", "", 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Eastfield University Hospitals NHS Trust", "Eastfield Diabetes and Endocrinology", "", 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Eastfield University Hospitals NHS Trust", "Eastfield Discharge Hub", "", 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Eastfield University Hospitals NHS Trust", "Eastfield Hospital Pharmacy", "", 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Eastfield University Hospitals NHS Trust", "Eastfield Community Diabetes Nurses", "", 1.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Westbrook Community Health NHS Trust", "Riverside Podiatry Team", "", 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Westbrook Community Health NHS Trust", "Westbrook District Nursing", "", 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Westbrook Community Health NHS Trust", "Community Palliative Care Nurses", "", 1.5, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Hospitals NHS Foundation Trust", "Eastfield University Hospitals NHS Trust", "", 1.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Eastfield Discharge Hub", "Westbrook District Nursing", EOL, 1.0, "2024-01", "2026-09", .5, 0, "referral"),
    # councils and primary care work with the same partners (the ICB, district nursing,
    # diabetes services) yet never with each other: the planted gap between the sectors
    ("Northvale Public Health", "Northvale Diabetes Centre", DIAB, 1.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Adult Social Care", "Westbrook Community Health NHS Trust", "", 1.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Riverside GP Federation", "Westbrook District Nursing", EOL, 1.0, "2024-01", "2026-09", .5, 0, "referral;call"),
    ("Eastfield GP Alliance", "Westbrook District Nursing", EOL, 1.0, "2024-01", "2026-09", .5, 0, "referral;call"),
    ("Eastfield Borough Council", "Northvale Integrated Care Board", "", 1.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Westbrook District Council", "Northvale Integrated Care Board", "", 0.8, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Millbrook Primary Care Network", "Northvale Integrated Care Board", "", 0.8, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Public Health", "Eastfield Diabetes and Endocrinology", DIAB, 0.8, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Northvale Borough Council", "Westbrook Community Health NHS Trust", "", 0.8, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Eastfield Borough Council", "Westbrook District Nursing", EOL, 0.8, "2024-01", "2026-09", .5, 0, "meeting;call"),
    ("Westbrook District Council", "Westbrook Community Health NHS Trust", "", 0.8, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Riverside GP Federation", "Westbrook Community Health NHS Trust", "", 1.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
    ("Eastfield GP Alliance", "Westbrook Community Health NHS Trust", "", 1.0, "2024-01", "2026-09", .5, 0, "meeting;email"),
]

_SINGLE_CONTACTS = [
    ("2024-03-14", "Millbrook Housing Trust", "Northvale Adult Social Care", "email", "", "introductory email"),
]

# Programme boards (monthly): members attend with probability 0.85.
_BOARDS = [
    ("Diabetes Programme Board", DIAB, ["ICB Diabetes Commissioning", "Northvale Diabetes Centre",
                                       "Eastfield Diabetes and Endocrinology", "Riverside GP Federation",
                                       "Eastfield GP Alliance", "Diabetes Peer Support Northvale"]),
    ("End of Life Care Board", EOL, ["Northvale Integrated Care Board", "Northvale Palliative Care Team",
                                     "Community Palliative Care Nurses", "St Aidan's Hospice",
                                     "Northvale Adult Social Care", "Northvale Ambulance Service NHS Trust"]),
    ("Medicines Optimisation Group", MEDS, ["ICB Medicines Optimisation Team", "Northvale Hospital Pharmacy",
                                           "Eastfield Hospital Pharmacy", "Riverside Medicines Management",
                                           "Eastfield Clinical Pharmacists"]),
]

_NOTES = {
    DIAB: ["foot care pathway", "structured education places", "HbA1c audit", "insulin pump referrals"],
    EOL: ["advance care planning", "hospice at home capacity", "rapid discharge to die at home",
          "delayed discharge escalation"],
    MEDS: ["polypharmacy reviews", "formulary change", "community pharmacy consultation service"],
    "": ["team meeting", "operational update", "workforce planning"],
}

# Logs often use short names; the registry's aliases map them back.
_LOG_SPELLINGS = {"Northvale Integrated Care Board": "Northvale ICB",
                  "Northvale Local Pharmaceutical Committee": "Northvale LPC"}


def _months():
    return pd.period_range(START, END, freq="M")


def _day_in(month: pd.Period, rng) -> pd.Timestamp:
    return month.start_time + pd.Timedelta(days=int(rng.integers(0, month.days_in_month)),
                                           hours=int(rng.integers(8, 18)))


# The relationship survey (PARTNER style) the partnership ran twice: a month before the
# facilitation, and a year after.  Most pairs who work together trust each other (3-4 on
# every trust item, both sides alike); the story (data/README.md) plants these.
SURVEY_WAVES = ("2025-09", "2026-09")
# Partners who did not answer (a response rate below 100%, as in every real survey).
_SURVEY_SILENT = {"Northvale Ambulance Service NHS Trust", "Healthwatch Northvale", "Carers Together Northvale",
                  "Millbrook Housing Trust", "Northvale Hospitals NHS Foundation Trust",
                  "Eastfield University Hospitals NHS Trust", "Northvale Borough Council"}
# (rater, ratee) -> {wave: (reliability, mission, openness) or "no" (does not work with them)};
# waves not listed are rated as healthy pairs are.
_SURVEY_STORY = {
    # one-sided in the log; the survey says why: the pharmacists feel told, not asked
    ("Northvale Local Pharmaceutical Committee", "ICB Medicines Optimisation Team"): {w: (1, 2, 1) for w in SURVEY_WAVES},
    ("ICB Medicines Optimisation Team", "Northvale Local Pharmaceutical Committee"): {w: (2, 3, 2) for w in SURVEY_WAVES},
    # the two acute trusts' diabetes services meet every month and compete for the same contracts
    ("Northvale Diabetes Centre", "Eastfield Diabetes and Endocrinology"): {w: (2, 2, 1) for w in SURVEY_WAVES},
    ("Eastfield Diabetes and Endocrinology", "Northvale Diabetes Centre"): {w: (2, 1, 2) for w in SURVEY_WAVES},
    # the discharge dispute before the facilitation; the joint protocol since
    ("Eastfield Discharge Hub", "Eastfield Adult Social Care"): {"2025-09": (1, 2, 1), "2026-09": (3, 3, 3)},
    ("Eastfield Adult Social Care", "Eastfield Discharge Hub"): {"2025-09": (2, 1, 1), "2026-09": (3, 4, 3)},
    # the council's new charging rules sour end-of-life care packages after the facilitation
    ("Northvale Adult Social Care", "Community Palliative Care Nurses"): {"2026-09": (2, 1, 2)},
    ("Community Palliative Care Nurses", "Northvale Adult Social Care"): {"2026-09": (1, 2, 1)},
    # perception gaps: the university counts on the diabetes centre, which does not see a partnership
    ("University of Northvale", "Northvale Diabetes Centre"): {w: (4, 4, 3) for w in SURVEY_WAVES},
    ("Northvale Diabetes Centre", "University of Northvale"): {w: "no" for w in SURVEY_WAVES},
    # commissioning rates the practice nurses highly; the nurses feel unheard by commissioning
    ("ICB Diabetes Commissioning", "Riverside Practice Nurses"): {w: (4, 3, 4) for w in SURVEY_WAVES},
    ("Riverside Practice Nurses", "ICB Diabetes Commissioning"): {w: (2, 1, 2) for w in SURVEY_WAVES},
}
# A pair the survey names that the logs never saw: a note about the data, not a barrier.
_SURVEY_ONLY = [("Diabetes Peer Support Northvale", "Millbrook Primary Care Network")]

# What the diagnosis with the survey (the latest wave) must find; every other rated tie is healthy.
PLANTED_SURVEY = [
    ("low_trust", ("ICB Medicines Optimisation Team", "Northvale Local Pharmaceutical Committee"),
     "2 contacts a month throughout; the pharmacists rate the ICB team's trust 1.3, the team rates them 2.3"),
    ("low_trust", ("Northvale Diabetes Centre", "Eastfield Diabetes and Endocrinology"),
     "the two acute trusts' diabetes services meet monthly and rate each other's trust 1.7"),
    ("low_trust", ("Northvale Adult Social Care", "Community Palliative Care Nurses"),
     "1.5 contacts a month; trust 1.5 since the council's new charging rules (3 or more before)"),
    ("perception_gap", ("University of Northvale", "Northvale Diabetes Centre"),
     "the university names the diabetes centre and rates its trust 3.7; the centre says it does not work "
     "with the university"),
    ("perception_gap", ("Riverside Practice Nurses", "ICB Diabetes Commissioning"),
     "commissioning rates the nurses' trust 3.7, the nurses rate commissioning 1.7"),
]


def _frequency(rate: float) -> str:
    """PARTNER's frequency question from contacts per month."""
    if rate >= 3:
        return "weekly"
    if rate >= 1:
        return "monthly"
    if rate >= 0.3:
        return "every few months"
    return "once a year or less"


def demo_survey(seed: int = DEMO_SEED) -> pd.DataFrame:
    """The demo's relationship survey, two waves (:data:`SURVEY_WAVES`): each responding
    actor rates every partner it works with directly in the logs (as active in the wave's
    month), on PARTNER's six items (1-4).  Healthy pairs: trust items 3 or 4, value items
    2 to 4; the planted pairs of :data:`PLANTED_SURVEY` as ``_SURVEY_STORY`` says.  Drawn
    from its own random stream, so the logs do not change with it."""
    rng = np.random.default_rng([seed, 2])
    rows = []
    for wave in SURVEY_WAVES:
        month = pd.Period(wave, "M")
        rates = {}
        for a, b, _, rate, first, last, *_ in _RELATIONSHIPS:
            if pd.Period(first, "M") <= month <= pd.Period(last, "M"):
                rates[(a, b)] = rates[(b, a)] = rate
        pairs = sorted(rates) + [p for q in _SURVEY_ONLY for p in (q, q[::-1])]
        for rater, ratee in pairs:
            if rater in _SURVEY_SILENT:
                continue
            story = _SURVEY_STORY.get((rater, ratee), {}).get(wave)
            value = [int(v) for v in rng.choice([2, 3, 4], size=3, p=[0.15, 0.5, 0.35])]
            healthy = [int(v) for v in rng.choice([3, 4], size=3)]
            if story == "no":
                rows.append((_LOG_SPELLINGS.get(rater, rater), _LOG_SPELLINGS.get(ratee, ratee), "no", "", "", "", "", "", "",
                             "", wave))
                continue
            trust = list(story) if story else healthy
            rows.append((_LOG_SPELLINGS.get(rater, rater), _LOG_SPELLINGS.get(ratee, ratee), "yes", *trust, *value,
                         _frequency(rates.get((rater, ratee), 0.1)), wave))
    return pd.DataFrame(rows, columns=["respondent", "partner", "works_with", "reliability", "mission", "openness",
                                       "influence", "involvement", "resources", "frequency", "wave"])


def demo_tables(seed: int = DEMO_SEED) -> dict:
    """The demo partnership as DataFrames: ``interactions``, ``meetings``, ``actors`` and
    ``survey`` (the relationship survey, two waves: :func:`demo_survey`).

    Deterministic for a given ``seed``: the same seed gives identical tables.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for a, b, programme, rate, first, last, share_a, negative, types in _RELATIONSHIPS:
        kinds = types.split(";")
        for month in _months():
            if not (pd.Period(first, "M") <= month <= pd.Period(last, "M")):
                continue
            for _ in range(rng.poisson(rate)):
                src, dst = (a, b) if rng.random() < share_a else (b, a)
                if negative:
                    sentiment = "negative" if rng.random() < negative else rng.choice(["neutral", "positive"])
                else:
                    sentiment = rng.choice(["", "", "positive", "neutral"])
                rows.append((_day_in(month, rng), _LOG_SPELLINGS.get(src, src), _LOG_SPELLINGS.get(dst, dst),
                             rng.choice(kinds), programme, sentiment, rng.choice(_NOTES[programme])))
    for date, src, dst, kind, programme, note in _SINGLE_CONTACTS:
        rows.append((pd.Timestamp(date) + pd.Timedelta(hours=10), src, dst, kind, programme, "", note))
    interactions = pd.DataFrame(rows, columns=["date", "source", "target", "type", "programme", "sentiment", "note"])
    interactions = interactions.sort_values(["date", "source", "target"], kind="stable").reset_index(drop=True)
    interactions["date"] = interactions["date"].dt.strftime("%Y-%m-%d %H:%M")

    attendance = []
    for event, programme, members in _BOARDS:
        for month in _months():
            day = month.start_time + pd.Timedelta(days=int(rng.integers(7, 21)))
            present = [m for m in members if rng.random() < 0.85]
            for member in present:
                attendance.append((event, day.strftime("%Y-%m-%d"), member, programme, "board"))
    meetings = pd.DataFrame(attendance, columns=["event", "date", "participant", "programme", "type"])
    meetings = meetings.sort_values(["date", "event"], kind="stable").reset_index(drop=True)

    actors = pd.DataFrame(ACTORS, columns=["name", "kind", "sector", "parent", "aliases"])
    return {"interactions": interactions, "meetings": meetings, "actors": actors, "survey": demo_survey(seed)}


def write_demo_files(folder, seed: int = DEMO_SEED) -> dict:
    """Write the demo partnership as CSV files into ``folder``; return ``{table: path}``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    from .export import write_table
    for table, frame in demo_tables(seed).items():
        paths[table] = write_table(frame.rename_axis(None), folder / DEMO_FILES[table])
    return paths
