"""Calendars (.ics, RFC 5545) as meeting registers: each event a meeting, its organiser and
attendees who did not decline its participants, matched to actors by e-mail address."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..names import aliases_of

__all__ = ["read_calendar_rows", "address_index"]

DECLINED = {"DECLINED"}
NOT_MATCHED = "attendee not matched to an actor (no registry email, alias or domain for the address)"


def address_index(actors: pd.DataFrame | None) -> tuple[dict, dict]:
    """``({address: actor}, {domain: actor})`` from the registry: an ``email`` column, any
    alias that is an address, and a ``domains`` column (``;``-separated)."""
    addresses, domains = {}, {}
    if actors is None:
        return addresses, domains
    for _, row in actors.iterrows():
        name = row["name"]
        for value in [row.get("email", "")] + list(aliases_of(row.get("aliases", ""))):
            if isinstance(value, str) and "@" in value:
                addresses.setdefault(value.strip().casefold(), name)
        for domain in aliases_of(row.get("domains", "")) if isinstance(row.get("domains", ""), str) else []:
            domains.setdefault(domain.strip().lstrip("@").casefold(), name)
    return addresses, domains


def _address(value) -> str:
    text = str(value)
    return (text[7:] if text.lower().startswith("mailto:") else text).strip().casefold()


def read_calendar_rows(path: Path, name: str, actors: pd.DataFrame | None) -> tuple[pd.DataFrame, dict, list]:
    """The calendar as a meeting register's rows, one per organiser or attendee of each
    event, and the reasons for the rows that cannot be used.

    Returns ``(frame, reasons, notes)``: ``frame`` has ``event`` (the event's UID),
    ``date`` (its start, ISO), ``participant`` (the actor the address maps to; empty when
    none does: the address itself is never kept), ``programme`` (the first CATEGORIES value)
    and ``type`` ("meeting"); ``reasons`` maps a column to a Series of reasons by row.
    Cancelled events, recurring events (not expanded) and declined attendees are rows with
    a reason, so every entry of the file is accounted for.
    """
    try:
        import icalendar
    except ImportError as err:  # pragma: no cover - icalendar is a dependency
        raise InputError("reading calendars needs the icalendar package (pip install icalendar)", file=name) from err
    try:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
    except Exception as err:  # icalendar raises ValueError and others for a broken file
        raise InputError(f"is not a readable iCalendar (.ics) file ({type(err).__name__})", file=name) from err
    addresses, domains = address_index(actors)
    rows, why, unmatched_domains = [], {}, {}
    events = list(calendar.walk("VEVENT"))
    for number, event in enumerate(events, start=1):
        uid = str(event.get("UID", "")) or f"event {number}"
        start = event.get("DTSTART")
        date = ""
        if start is not None:
            try:
                value = start.dt
                date = value.isoformat() if hasattr(value, "isoformat") else str(value)
            except Exception:  # icalendar raises only when a broken value is read
                date = "not a date"
        categories = event.get("CATEGORIES")
        programme = ""
        if categories is not None:
            cats = categories[0].cats if isinstance(categories, list) else getattr(categories, "cats", [])
            programme = str(cats[0]) if cats else ""
        cancelled = str(event.get("STATUS", "")).upper() == "CANCELLED"
        recurring = event.get("RRULE") is not None
        people = []
        organiser = event.get("ORGANIZER")
        if organiser is not None:
            people.append((organiser, "ACCEPTED"))
        attendees = event.get("ATTENDEE") or []
        for attendee in attendees if isinstance(attendees, list) else [attendees]:
            status = str(getattr(attendee, "params", {}).get("PARTSTAT", "ACCEPTED")).upper()
            people.append((attendee, status))
        seen = set()
        for person, status in people:
            address = _address(person)
            # Exports list the organiser among the attendees too: one participant each.
            if address in seen:
                continue
            seen.add(address)
            actor = addresses.get(address) or domains.get(address.rpartition("@")[2], "")
            index = len(rows)
            rows.append({"event": uid, "date": date, "participant": actor, "programme": programme, "type": "meeting"})
            if cancelled:
                why[index] = ("event", "cancelled event (STATUS:CANCELLED): not a meeting")
            elif recurring:
                why[index] = ("event", "recurring event (RRULE): not expanded; export the occurrences")
            elif status in DECLINED:
                why[index] = ("participant", "attendee declined")
            elif not actor:
                why[index] = ("participant", NOT_MATCHED)
                domain = address.rpartition("@")[2]
                unmatched_domains[domain] = unmatched_domains.get(domain, 0) + 1
    frame = pd.DataFrame(rows, columns=["event", "date", "participant", "programme", "type"])
    reasons = {}
    for column in ("event", "participant"):
        picked = {i: reason for i, (c, reason) in why.items() if c == column}
        reasons[column] = pd.Series(picked, dtype=object)
    notes = [f"calendar: {len(events)} events, {len(rows)} organisers and attendees (rows are numbered in "
             "the file's order; e-mail addresses are not kept)"]
    if unmatched_domains:
        # Domains, not addresses: what a registry's ``domains`` column could map.
        listed = sorted(unmatched_domains.items(), key=lambda kv: (-kv[1], kv[0]))
        notes.append("addresses not matched, by domain (add a domain to an actor's 'domains' to map it): "
                     + ", ".join(f"{d} ({n})" for d, n in listed[:10]) + (" ..." if len(listed) > 10 else ""))
    return frame, reasons, notes
