"""Header matching: canonical column names ignoring case, spaces, "_" and "-"; aliases; explicit mapping."""

from __future__ import annotations

import re

import pandas as pd

from ..errors import InputError, MissingColumnError

__all__ = ["INTERACTION_ALIASES", "MEETING_ALIASES", "ACTOR_ALIASES", "SURVEY_ALIASES", "map_columns"]


# Header aliases: matched after lower-casing and removing spaces, "_" and "-".
INTERACTION_ALIASES = {
    "date": ["date", "datetime", "timestamp", "time", "when", "day", "contactdate"],
    "source": ["source", "from", "sender", "initiator", "src", "actor1", "ego", "fromactor"],
    "target": ["target", "to", "recipient", "receiver", "dst", "actor2", "alter", "toactor", "partner"],
    "type": ["type", "channel", "kind", "mode", "contacttype", "interactiontype"],
    "programme": ["programme", "program", "workstream", "project", "theme"],
    "weight": ["weight", "minutes", "duration", "value", "contacts"],
    "sentiment": ["sentiment", "tone", "valence", "quality"],
    "note": ["note", "notes", "comment", "comments", "subject", "about"],
}
MEETING_ALIASES = {
    "event": ["event", "meeting", "meetingid", "eventid", "session", "meetingname"],
    "date": ["date", "datetime", "timestamp", "when", "day", "meetingdate"],
    "participant": ["participant", "attendee", "actor", "name", "member", "person"],
    "programme": INTERACTION_ALIASES["programme"],
    "type": INTERACTION_ALIASES["type"],
    "weight": ["weight", "minutes", "duration", "value"],
}
ACTOR_ALIASES = {
    "name": ["name", "actor", "id", "label", "node"],
    "kind": ["kind", "type", "category", "actortype"],
    "sector": ["sector", "group", "department", "dept"],
    "parent": ["parent", "organisation", "organization", "belongsto", "memberof", "partof"],
    "aliases": ["aliases", "alias", "alsoknownas", "othernames", "aka"],
}
# A relationship survey in the style of PARTNER (Varda et al. 2012): its exports and forms
# word the items at length ("Power/Influence", "Level of involvement", "Open to discussion").
SURVEY_ALIASES = {
    "respondent": ["respondent", "rater", "yourorganisation", "yourorganization", "respondentorganisation",
                   "respondentorganization", "fromorganisation", "fromorganization", "ego"],
    "partner": ["partner", "partnerorganisation", "partnerorganization", "ratedorganisation",
                "ratedorganization", "rated", "alter", "aboutorganisation", "aboutorganization"],
    "works_with": ["workswith", "doyouworkwiththem", "doyouworkwiththispartner",
                   "doyouworkwiththisorganisation", "doyouworkwiththisorganization", "partnerlink", "connected"],
    "reliability": ["reliability", "reliable", "trustreliability", "followsthroughoncommitments"],
    "mission": ["mission", "insupportofmission", "supportofmission", "supportsthemission", "missionsupport",
                "sharedmission", "trustmission"],
    "openness": ["openness", "opentodiscussion", "opennesstodiscussion", "open", "trustopenness"],
    "influence": ["influence", "power", "power/influence", "powerinfluence", "powerandinfluence",
                  "valueinfluence"],
    "involvement": ["involvement", "levelofinvolvement", "involved", "valueinvolvement"],
    "resources": ["resources", "resourcecontribution", "resourcescontributed", "contributesresources",
                  "valueresources"],
    "frequency": ["frequency", "frequencyofinteraction", "howoften", "contactfrequency", "frequencyofcontact"],
    "wave": ["wave", "round", "surveywave", "surveyround", "administration"],
}


def _norm_header(name) -> str:
    return re.sub(r"[\s_\-]+", "", str(name).strip().lower())


def header_test(aliases: dict, required: list, columns: dict | None = None):
    """A test of a row of cells: how many of the required fields it names (by alias,
    ignoring case, spaces, ``_`` and ``-``, or by the user's explicit mapping), and
    ``.required``, how many there are.  Used to find the header row below a workbook's title
    and blank rows."""
    columns = dict(columns or {})

    def fields_named(cells) -> int:
        seen = {_norm_header(c) for c in cells if str(c).strip()}
        given = {str(c).strip() for c in cells}
        return sum(columns.get(field) in given if field in columns else bool(seen & set(aliases[field]))
                   for field in required)
    fields_named.required = len(required)
    return fields_named


def map_columns(df: pd.DataFrame, aliases: dict, required: list, name: str,
                columns: dict | None = None) -> pd.DataFrame:
    """Rename the columns of ``df`` to canonical names.

    ``columns`` maps a canonical name to the user's column (``{"source": "From org"}``) and
    wins over the aliases.  Extra columns are kept under their own names.
    """
    columns = dict(columns or {})
    rename = {}
    for canonical, user_col in columns.items():
        if user_col not in df.columns:
            raise MissingColumnError(
                f"has no column '{user_col}' (mapped to '{canonical}'); columns are: "
                f"{', '.join(map(str, df.columns))}", file=name)
        rename[user_col] = canonical
    taken = set(rename.values())
    for canonical, names in aliases.items():
        if canonical in taken:
            continue
        matches = [c for c in df.columns if c not in rename and _norm_header(c) in names]
        # An exact name wins over an alias: a file with both "type" and "channel" means type.
        exact = [c for c in matches if _norm_header(c) == canonical]
        if exact:
            matches = exact
        if len(matches) > 1:
            raise InputError(
                f"columns {', '.join(repr(str(m)) for m in matches)} all look like '{canonical}'; "
                f"say which one with an explicit mapping (columns={{'{canonical}': ...}})", file=name)
        if matches:
            rename[matches[0]] = canonical
    df = df.rename(columns=rename)
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise MissingColumnError(
            f"has no '{missing[0]}' column (accepted names: {', '.join(aliases[missing[0]])}); "
            f"columns are: {', '.join(map(str, df.columns))}; say which is which with --column "
            f"{missing[0]}=HEADER (Python: columns={{'{missing[0]}': HEADER}})", file=name, column=missing[0])
    return df


def _column_kinds(aliases: dict, columns: dict | None, kinds: dict):
    """For the fast text reader: the file's header names that will map to the canonical
    columns of ``kinds`` (``{"date": "date", "note": "text"}``), with their kind.  Columns
    that map to no canonical name are carried through untouched, as plain text (an extra
    column may be an ID, different on every row: not worth dictionary-encoding)."""
    def pick(header: list) -> dict:
        try:
            mapped = map_columns(pd.DataFrame(columns=header), aliases, [], "", columns)
        except InputError:
            return {}          # the full read reports the header problem
        return {original: kinds.get(canonical, "text") for original, canonical in zip(header, mapped.columns)
                if canonical in kinds or canonical not in aliases}
    return pick
