"""The public readers: interaction logs, meeting registers and the actor registry, each row used or reported."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._codes import distinct, is_categorical, relabel, share_categories
from ..errors import InputError
from ..names import (actor_name_index, actor_spellings, case_variants, count_names, name_columns,
                     spellings_of_counts, unknown_actors)
from .cells import _optional_columns, _several_names, _text, _texts, parse_sentiment
from .columns import (ACTOR_ALIASES, INTERACTION_ALIASES, MEETING_ALIASES, SURVEY_ALIASES, _column_kinds, header_test,
                      map_columns)
from .dates import _note_future_dates, parse_dates
from .files import load_table
from .registry import _check_registry, _organisations
from .report import ReadReport, _first_reason, _reject_rows, _require_usable, _sparse

__all__ = ["read_interactions", "check_interactions", "read_meetings", "check_meetings", "read_actors", "Inputs", "read_inputs", "meeting_numbers",
           "column_mapping"]


def meeting_numbers(event, date) -> np.ndarray:
    """One number per register row for its meeting: a meeting is an event name and a date
    together ("Diabetes board" on 3 May and on 7 June are two meetings)."""
    events = distinct(event)[0].astype(np.int64)
    days = pd.factorize(np.asarray(date).view(np.int64))[0]        # a date's integer, in its own unit
    # Event code -1 (no name) gives negative keys, apart from every named event's.
    return pd.factorize(events * (int(days.max()) + 1 if len(days) else 1) + days)[0]


def _same_actor(first: pd.Series, second: pd.Series) -> pd.Series:
    """Row by row: do the two names match ignoring case?  Folds each distinct name once."""
    fa, ua = distinct(first)
    fb, ub = distinct(second)
    folded = [str(n).casefold() for n in ua]
    if ua.equals(ub) and len(set(folded)) == len(folded):
        # One set of names (as the reader makes them) in which no two differ only in
        # case: the same actor is the same code.
        return pd.Series((fa == fb) & (fa >= 0), index=first.index, copy=False)
    joint = pd.Index(folded + [str(n).casefold() for n in ub], dtype=object)
    number = pd.Index(joint.unique(), dtype=object).get_indexer(joint)
    # Distinct sentinels for missing values: two missing names are not "the same actor".
    a = np.append(number[:len(ua)], -1)[fa]
    b = np.append(number[len(ua):], -2)[fb]
    return pd.Series(a == b, index=first.index, copy=False)


def _finish(columns, keep, rejected, name, what, first_row, notes, raw_len):
    """The reader's frame: the kept rows of ``columns`` (a dict of equal-length columns, or
    a DataFrame), with ``row`` (as a person sees it in the file) and ``file``, and the report."""
    if isinstance(columns, pd.DataFrame):
        columns = dict(columns.items())
    # The index is the row's place in the file (an Excel sheet's blank rows leave gaps);
    # RangeIndex arithmetic keeps the usual case to one array.
    data = {column: values.array if isinstance(values, pd.Series) else values for column, values in columns.items()}
    data["row"] = (keep.index + first_row).to_numpy()
    # One file name for every row: a categorical holds it once, not a million times.
    data["file"] = pd.Categorical.from_codes(np.zeros(len(keep), dtype=np.int8), categories=[name])
    # One frame made of the columns as they are: adding columns to a frame, or a frame
    # made with copy=True, copies a million-row column at a time.
    out = pd.DataFrame(data, copy=False)
    if not keep.all():
        out = out[keep.to_numpy()].reset_index(drop=True)
        # A name seen only on rejected rows is not an actor of this log.
        for column in out.columns:
            if is_categorical(out[column]):
                out[column] = out[column].cat.remove_unused_categories()
        if {"source", "target"} <= set(out.columns):
            out["source"], out["target"] = share_categories(out["source"], out["target"])
    if "date" in out.columns:
        _note_future_dates(out["date"], notes)
    if what == "meetings":
        _note_mixed_meetings(out, notes)
    report = ReadReport(file=name, what=what, rows_read=raw_len, rows_used=len(out), rejected=rejected,
                        notes=notes)
    out.attrs["report"] = report
    return out


def check_interactions(df: pd.DataFrame, name: str, first_row: int, *, day_first: bool = False,
                       month_first: bool = False, time_unit: str | None = None, epoch=None) -> tuple:
    """The interaction log's row rules, on a table whose columns are already mapped to the
    canonical names: ``(columns, keep, rejected)``, the parsed columns (a dict), which rows
    pass, and the rejected rows with their reasons (file ``name``, rows numbered from
    ``first_row``).  The one place the rules live: :func:`read_interactions` runs it on a
    whole table, the Dask engine on each partition."""
    raw = df  # read-only from here: only rejected rows quote their original cells
    # Columns gathered in a dict and made into one frame at the end: setting a million-row
    # frame's columns one by one copies them.
    out = {}
    out["date"], date_reason = parse_dates(df["date"], day_first=day_first, month_first=month_first,
                                           time_unit=time_unit, epoch=epoch,
                                           name=name, first_row=first_row)
    out["source"], out["target"] = _texts(df["source"], df["target"])
    reasons = {"date": date_reason}
    several = "names several actors (one actor per cell; ';' separates a registry's aliases)"
    reasons["source"] = _first_reason(_sparse(out["source"] == "", "missing source actor"),
                                      _several_names(out["source"], several))
    same = (out["source"] != "") & _same_actor(out["source"], out["target"])
    reasons["target"] = _first_reason(_sparse(same, "self-contact: source and target are both the same actor"),
                                      _sparse(out["target"] == "", "missing target actor"),
                                      _several_names(out["target"], several))
    _optional_columns(df, out, reasons, ["type", "programme", "note"])
    if "sentiment" in df.columns:
        out["sentiment"], reasons["sentiment"] = parse_sentiment(df["sentiment"])
    else:
        out["sentiment"] = np.full(len(df), np.nan)
    for extra in df.columns:
        if extra not in out and extra not in INTERACTION_ALIASES:
            out[extra] = df[extra]
    keep, rejected = _reject_rows(reasons, df, raw, name, first_row)
    return out, keep, rejected


def load_interactions(source, *, columns: dict | None = None, sheet: str | None = None,
                      no_header: bool = False) -> tuple:
    """An interaction log's table as loaded, its columns mapped to the canonical names:
    ``(frame, name, first_row, notes)`` (see :func:`~stakeholder_graph.io.files.load_table`)."""
    df, name, first_row, notes = load_table(source, "interactions",
                                            _column_kinds(INTERACTION_ALIASES, columns, {"date": "date", "note": "text"}),
                                            is_header=header_test(INTERACTION_ALIASES, ["date", "source", "target"],
                                                                  columns), sheet=sheet, no_header=no_header)
    return map_columns(df, INTERACTION_ALIASES, ["date", "source", "target"], name, columns), name, first_row, notes


def _is_dask_frame(source) -> bool:
    """A dask DataFrame, known without importing dask."""
    return type(source).__module__.startswith(("dask.", "dask_expr")) and hasattr(source, "npartitions")


def read_interactions(source, *, columns: dict | None = None, day_first: bool = False,
                      month_first: bool = False, sheet: str | None = None, time_unit: str | None = None,
                      epoch=None, no_header: bool = False, engine: str = "pandas"):
    """Read a pairwise interaction log: one row per contact between two actors.

    Parameters
    ----------
    source : path or DataFrame
        CSV, TSV, XLSX, Parquet, JSON lines, ``.gz`` of a text format, or a DataFrame.
        With ``engine="dask"`` also a glob (``logs/*.parquet``) or a folder of such files;
        a ``dask.dataframe.DataFrame`` is always read by the Dask engine.
    columns : dict, optional
        Explicit mapping from canonical name to the input's column, e.g.
        ``{"source": "From organisation"}``.  Wins over the built-in header aliases.
    day_first, month_first : bool
        How to read ``03/04/2017``-style dates.  Without either such a column is an error.
    sheet : str, optional
        For a workbook, the sheet to read (default: the first whose header holds the
        required columns, found below title and blank rows).
    engine : {"pandas", "dask"}
        ``"dask"`` returns a :class:`~stakeholder_graph.io.lazy.LazyLog`: nothing is read
        until it is used; each partition is then checked by the same rules as here, and
        :func:`~stakeholder_graph.build_graph` reduces it to the tie table on the active
        Dask scheduler (see ``docs/dask.md``).
    time_unit, epoch : optional
        How to read plain numbers in the date column (``"s"``, ``"ms"`` or ``"days"`` after
        ``epoch``): without both, a number is rejected as "a number, not a date".
    no_header : bool
        The file has no header row: columns are named by position, ``"1"``, ``"2"``...;
        map them with ``columns={"date": "1", "source": "2", "target": "3"}``.

    Returns
    -------
    DataFrame
        Columns ``date`` (datetime64, in microseconds), ``source``, ``target``, ``type``, ``programme``,
        ``weight`` (float, > 0; 1 when absent), ``sentiment`` (float in [-1, 1] or NaN),
        ``note``, plus ``file`` and ``row`` (where each contact came from) and any extra
        input columns.  ``df.attrs["report"]`` is the :class:`ReadReport`.

        The text columns are pandas Categoricals: each distinct name is stored once (a log
        of a million contacts names a few thousand actors), and ``source`` and ``target``
        share one sorted set of categories.  They compare, filter and group like text;
        ``.astype(str)`` gives plain strings.

    Rows are rejected (and reported) for: missing or unparseable date, missing source or
    target, a self-contact (source == target), a weight that is not a positive number, a
    sentiment outside [-1, 1].

    Examples
    --------
    >>> import pandas as pd, stakeholder_graph as sg
    >>> log = sg.read_interactions(pd.DataFrame({
    ...     "Date": ["2024-01-05", "2024-02-01", "bad"],
    ...     "From": ["Trust A", "Council B", "Trust A"],
    ...     "To": ["Council B", "Council B", "Council B"]}))
    >>> len(log), log.attrs["report"].rejected["reason"].tolist()
    (1, ['self-contact: source and target are both the same actor', "unparseable date 'bad'"])
    """
    if engine == "dask" or _is_dask_frame(source):
        from .lazy import read_lazy
        return read_lazy(source, "interactions", columns=columns, day_first=day_first, month_first=month_first,
                         time_unit=time_unit, epoch=epoch, no_header=no_header, sheet=sheet)
    if engine != "pandas":
        raise InputError(f"engine must be pandas or dask, not '{engine}'")
    df, name, first_row, notes = load_interactions(source, columns=columns, sheet=sheet, no_header=no_header)
    out, keep, rejected = check_interactions(df, name, first_row, day_first=day_first, month_first=month_first,
                                             time_unit=time_unit, epoch=epoch)
    _require_usable(keep, rejected, len(df), name)
    return _finish(out, keep, rejected, name, "interactions", first_row, notes, len(df))


def _note_mixed_meetings(register: pd.DataFrame, notes: list) -> None:
    """A meeting is one event: its type, programme and weight are its first row's.  Say so
    when its rows give different ones (the later rows' are not used)."""
    if not len(register):
        return
    meeting = meeting_numbers(register["event"], register["date"])
    columns = [c for c in ("type", "programme", "weight") if c in register.columns]
    mixed = np.zeros(int(meeting.max()) + 1, dtype=bool)
    for column in columns:
        values = distinct(register[column])[0] if column != "weight" else pd.factorize(register[column])[0]
        seen = pd.DataFrame({"m": meeting, "v": values}).drop_duplicates()
        mixed |= np.bincount(seen["m"].to_numpy(), minlength=len(mixed)) > 1
    if mixed.any():
        first = int(np.flatnonzero(mixed[meeting])[0])
        notes.append(f"{int(mixed.sum()):,} meeting(s) give different types, programmes or weights on their rows "
                     f"(the first: '{register['event'].iloc[first]}' on {register['date'].iloc[first]:%Y-%m-%d}, "
                     f"row {int(register['row'].iloc[first])}): a meeting takes its first row's")


def check_meetings(df: pd.DataFrame, name: str, first_row: int, *, day_first: bool = False,
                   month_first: bool = False, time_unit: str | None = None, epoch=None,
                   calendar_reasons: dict | None = None) -> tuple:
    """The meeting register's row rules (see :func:`check_interactions`).  The rules about
    a meeting as a whole (a participant listed twice, a single participant) need all of
    its rows: the Dask engine gives each meeting's rows to one partition."""
    calendar_reasons = calendar_reasons or {}
    raw = df  # read-only from here: only rejected rows quote their original cells
    out = {"event": _text(df["event"])}         # one frame at the end, as in read_interactions
    out["date"], date_reason = parse_dates(df["date"], day_first=day_first, month_first=month_first,
                                           time_unit=time_unit, epoch=epoch,
                                           name=name, first_row=first_row)
    out["participant"] = _text(df["participant"])
    reasons = {
        "event": _sparse(out["event"] == "", "missing event"),
        "date": date_reason,
        "participant": _first_reason(_sparse(out["participant"] == "", "missing participant"),
                                     _several_names(out["participant"],
                                                    "names several participants (one row per participant)")),
    }
    for column, given in calendar_reasons.items():
        reasons[column] = _first_reason(given, reasons[column]) if len(given) else reasons[column]
    _optional_columns(df, out, reasons, ["type", "programme"])
    ok = ~df.index.isin(pd.concat(list(reasons.values())).index if any(len(r) for r in reasons.values()) else [])
    # Meetings and people as integer codes: no string is built per row.
    meeting = meeting_numbers(out["event"], out["date"])
    person = distinct(relabel(out["participant"], lambda names: [str(n).casefold() for n in names]))[0]
    dup = np.zeros(len(df), dtype=bool)
    dup[ok] = pd.DataFrame({"meeting": meeting[ok], "person": person[ok]}).duplicated().to_numpy()
    dup = pd.Series(dup, index=df.index, copy=False)
    reasons["participant"] = _first_reason(_sparse(dup, "participant listed twice for this meeting"),
                                           reasons["participant"])
    counted = ok & ~dup.to_numpy()
    size = np.bincount(meeting[counted], minlength=int(meeting.max()) + 1 if len(meeting) else 0)[meeting]
    single = pd.Series(counted & (size < 2), index=df.index, copy=False)
    reasons["event"] = _first_reason(_sparse(single, "meeting has a single participant: no tie"), reasons["event"])
    keep, rejected = _reject_rows(reasons, df, raw, name, first_row)
    return out, keep, rejected


def load_meetings(source, *, columns: dict | None = None, sheet: str | None = None,
                  no_header: bool = False) -> tuple:
    """A meeting register's table as loaded, columns mapped (see :func:`load_interactions`)."""
    df, name, first_row, notes = load_table(source, "meetings",
                                            _column_kinds(MEETING_ALIASES, columns, {"date": "date"}),
                                            is_header=header_test(MEETING_ALIASES, ["event", "date", "participant"],
                                                                  columns), sheet=sheet, no_header=no_header)
    return map_columns(df, MEETING_ALIASES, ["event", "date", "participant"], name, columns), name, first_row, notes


def read_meetings(source, *, columns: dict | None = None, day_first: bool = False,
                  month_first: bool = False, sheet: str | None = None, time_unit: str | None = None,
                  epoch=None, no_header: bool = False, actors: pd.DataFrame | None = None, engine: str = "pandas"):
    """Read a meeting register: one row per participant per meeting; or a calendar (``.ics``).

    Required columns ``event``, ``date``, ``participant``; optional ``programme``, ``type``
    and ``weight`` (the meeting's weight, e.g. minutes; default 1).  A meeting is identified
    by ``event`` and ``date`` together.  Rows are rejected for a missing or bad date,
    missing event or participant, a bad weight, the same participant listed twice for one
    meeting, and a meeting with a single participant (it gives no tie).

    A calendar export (``.ics``, RFC 5545) is read as a register: each event is a meeting
    (its UID and start date), its organiser and every attendee who did not decline are
    participants, CATEGORIES gives the programme.  Addresses are matched to the actors of
    ``actors`` (a registry from :func:`read_actors`): an ``email`` column or an address
    among ``aliases``, else the address's domain in a ``domains`` column.  Unmatched or
    declined attendees, cancelled events and recurring events (not expanded) are rejected
    rows with their reason; addresses are never kept.

    Examples
    --------
    >>> import pandas as pd, stakeholder_graph as sg
    >>> reg = sg.read_meetings(pd.DataFrame({"meeting": ["Board"] * 3 + ["Solo"],
    ...     "date": ["2024-01-05"] * 4, "attendee": ["A", "B", "A", "C"]}))
    >>> sorted(reg.attrs["report"].rejected["reason"])
    ['meeting has a single participant: no tie', 'participant listed twice for this meeting']
    """
    calendar_reasons = {}
    is_calendar = isinstance(source, (str, Path)) and str(source).lower().endswith(".ics")
    if (engine == "dask" or _is_dask_frame(source)) and not is_calendar:
        from .lazy import read_lazy
        return read_lazy(source, "meetings", columns=columns, day_first=day_first, month_first=month_first,
                         time_unit=time_unit, epoch=epoch, no_header=no_header, sheet=sheet)
    if engine not in ("pandas", "dask"):
        raise InputError(f"engine must be pandas or dask, not '{engine}'")
    if is_calendar:
        from .calendar import read_calendar_rows
        if not Path(source).exists():
            raise InputError("file not found", file=str(source))
        df, calendar_reasons, notes = read_calendar_rows(Path(source), str(source), actors)
        name, first_row = str(source), 1
        df = map_columns(df, MEETING_ALIASES, ["event", "date", "participant"], name, columns)
    else:
        df, name, first_row, notes = load_meetings(source, columns=columns, sheet=sheet, no_header=no_header)
    out, keep, rejected = check_meetings(df, name, first_row, day_first=day_first, month_first=month_first,
                                         time_unit=time_unit, epoch=epoch, calendar_reasons=calendar_reasons)
    return _finish(out, keep, rejected, name, "meetings", first_row, notes, len(df))


def read_actors(source, *, columns: dict | None = None, sheet: str | None = None) -> pd.DataFrame:
    """Read the actor registry: who is who, and which organisation each team belongs to.

    Required ``name``; optional ``kind`` (organisation, voluntary, team, person...),
    ``sector``, ``parent`` (the organisation a team belongs to: a name in the same file),
    ``aliases`` (other spellings, ``;``-separated).  Further columns are kept and become
    node attributes.  Rows with no name are rejected.  A ``parent`` with no row of its own
    becomes an organisation (said in the report's notes), so a department code can simply
    be a label.  Duplicate names (case-insensitive), an alias claimed twice, or parents that
    form a cycle raise :class:`RegistryError` naming the row: the registry is the ground
    truth every other input is matched against, so it must be consistent.

    Returns a DataFrame with columns ``name``, ``kind``, ``sector``, ``parent``,
    ``aliases`` (a ``;``-separated string), ``organisation`` (the top of the parent chain),
    ``file``, ``row``, and the extra columns.
    """
    df, name, first_row, notes = load_table(source, "actors", is_header=header_test(ACTOR_ALIASES, ["name"], columns),
                                            sheet=sheet)
    df = map_columns(df, ACTOR_ALIASES, ["name"], name, columns)
    raw = df  # read-only from here: only rejected rows quote their original cells
    out = pd.DataFrame(index=df.index)
    # A registry is small: plain strings, which users edit and extend freely.
    out["name"] = _text(df["name"]).astype(str)
    for optional in ["kind", "sector", "parent", "aliases"]:
        out[optional] = _text(df[optional]).astype(str) if optional in df.columns else ""
    out["kind"] = out["kind"].where(out["kind"] != "", "unknown").str.lower()
    for extra in df.columns:
        if extra not in out.columns:
            out[extra] = df[extra]
    reasons = {"name": _sparse(out["name"] == "", "missing name")}
    keep, rejected = _reject_rows(reasons, out, raw, name, first_row)
    used = out[keep]
    added = _parents_without_rows(used, first_row)
    if len(added):
        notes.append(f"{len(added)} parent(s) with no row of their own added as organisations: "
                     + ", ".join(added["name"][:10]) + (" ..." if len(added) > 10 else ""))
    _check_registry(pd.concat([used, added.drop(columns="row")], ignore_index=True), name, first_row)
    report_df = _finish(out, keep, rejected, name, "actors", first_row, notes, len(df))
    if len(added):
        attrs = report_df.attrs
        report_df = pd.concat([report_df, added.assign(file=name)], ignore_index=True)
        report_df.attrs = attrs
        report_df[[c for c in out.columns if c not in added]] = report_df[
            [c for c in out.columns if c not in added]].fillna("")
    report_df["organisation"] = _organisations(report_df)
    # Teams inherit their organisation's sector when they have none of their own.
    org_sector = report_df.set_index("name")["sector"]
    inherited = report_df["organisation"].map(org_sector).fillna("")
    report_df["sector"] = report_df["sector"].where(report_df["sector"] != "", inherited)
    return report_df


def _has_sheet(path, sheet: str) -> bool:
    """Whether the workbook has a sheet of that name (ignoring case)."""
    try:
        return sheet.casefold() in {str(s).casefold() for s in pd.ExcelFile(path).sheet_names}
    except Exception:  # an unreadable workbook: its reader says what is wrong
        return True


FIELDS = {"interactions": INTERACTION_ALIASES, "meetings": MEETING_ALIASES, "actors": ACTOR_ALIASES,
          "survey": SURVEY_ALIASES}


def column_mapping(items) -> dict:
    """``FIELD=HEADER`` or ``KIND.FIELD=HEADER`` items (the CLI's ``--column``) as
    :func:`read_inputs`' ``columns``.  A plain field applies to every kind of file that has
    it (``date`` to logs and meeting registers); ``meetings.date=...`` to one kind only.
    An unknown field or kind is an error that lists the known ones."""
    out: dict = {}
    for item in items:
        field, sep, header = str(item).partition("=")
        field, header = field.strip(), header.strip()
        if not sep or not field or not header:
            raise InputError(f"--column '{item}' is not FIELD=HEADER (e.g. source=\"From organisation\")")
        kind, dot, name = field.partition(".")
        kinds = [kind] if dot else [k for k, fields in FIELDS.items() if field in fields]
        name = name if dot else field
        if dot and kind not in FIELDS:
            raise InputError(f"--column '{item}': no kind of file '{kind}'; kinds are {', '.join(FIELDS)}")
        if not kinds or any(name not in FIELDS[k] for k in kinds):
            known = sorted({f for fields in FIELDS.values() for f in fields})
            raise InputError(f"--column '{item}': no field '{name}'; fields are {', '.join(known)}")
        for k in kinds:
            out.setdefault(k, {})[name] = header
    return out


def _parents_without_rows(used: pd.DataFrame, first_row: int) -> pd.DataFrame:
    """Registry rows for parents named in the ``parent`` column but not listed themselves:
    each becomes an organisation (a department code can simply be a label); ``row`` is the
    row of the first actor that names it."""
    listed = set(used["name"].str.casefold())
    rows = {}
    for i, parent in used["parent"].items():
        if parent and parent.casefold() not in listed and parent.casefold() not in rows:
            rows[parent.casefold()] = {"name": parent, "kind": "organisation", "sector": "", "parent": "",
                                       "aliases": "", "row": int(i) + first_row}
    return pd.DataFrame(list(rows.values()), columns=["name", "kind", "sector", "parent", "aliases", "row"])


@dataclass
class Inputs:
    """Everything read for one run: the tables and one :class:`ReadReport` per file."""

    interactions: pd.DataFrame | None
    meetings: pd.DataFrame | None
    actors: pd.DataFrame | None
    reports: list
    survey: pd.DataFrame | None = None

    @functools.cached_property
    def _registry_index(self) -> dict:
        return actor_name_index(self.actors)

    @functools.cached_property
    def _spellings(self) -> dict:
        """Every name in the logs and the survey -> its actor (:func:`actor_spellings`), worked
        out once (for logs read by the Dask engine, from the names their partitions counted)."""
        from ..survey import survey_name_columns
        from .lazy import LazyLog
        if any(isinstance(t, LazyLog) for t in (self.interactions, self.meetings)):
            counts = count_names(survey_name_columns(self.survey))
            for table in (self.interactions, self.meetings):
                more = (table.facts().names if isinstance(table, LazyLog)
                        else count_names(name_columns(table, None) if table is self.interactions
                                         else name_columns(None, table)) if table is not None else {})
                for name, n in more.items():
                    counts[name] = counts.get(name, 0) + n
            return spellings_of_counts(counts, self._registry_index)
        return actor_spellings(name_columns(self.interactions, self.meetings) + survey_name_columns(self.survey),
                               self._registry_index)

    def unknown_actors(self) -> list:
        """Actors in the logs that the registry does not know (after aliases), sorted."""
        return unknown_actors(self._spellings, self._registry_index) if self.actors is not None else []

    def did_you_mean(self) -> dict:
        """For each name in the logs the registry does not know: the registry's closest names
        and aliases (``{"Nortvale ICB": ["Northvale ICB"]}``), where there are any."""
        if self.actors is None:
            return {}
        from ..names import aliases_of, suggestions
        known = list(self.actors["name"]) + [a for value in self.actors["aliases"] for a in aliases_of(value)]
        return suggestions(self.unknown_actors(), known)

    def case_variants(self) -> dict:
        """Names read as another spelling of an actor because they differ only in case
        (``{"TRUST A": "Trust A"}``); registry aliases are not listed."""
        return case_variants(self._spellings)

    def rows(self) -> dict:
        """Rows ``read``, ``used`` and ``not_used`` over all the input files."""
        read = sum(r.rows_read for r in self.reports)
        used = sum(r.rows_used for r in self.reports)
        return {"read": read, "used": used, "not_used": read - used}

    def validation(self) -> dict:
        """The JSON-ready validation report: every file's report, the actors the registry
        does not know, and the names read as one actor because they differ only in case."""
        out = {"files": [r.to_dict() for r in self.reports], "unknown_actors": self.unknown_actors(),
               "case_variants": self.case_variants()}
        if self.survey is not None:
            from ..survey import resolve_survey, survey_only_pairs
            out["survey_only_pairs"] = [list(p) for p in survey_only_pairs(self)]
            out["survey_self_ratings_by_alias"] = resolve_survey(self.survey, self._spellings)[1]
        return out


def _stack(frames: list) -> pd.DataFrame:
    """Several files' tables as one.  Text columns keep one set of categories across the
    files (pandas would turn Categoricals with different categories into a million Python
    strings); ``source`` and ``target`` keep sharing theirs."""
    groups = [["source", "target"]] + [[c] for c in frames[0].columns if c not in ("source", "target")]
    frames = list(frames)
    for columns in groups:
        if not all(c in f and is_categorical(f[c]) for f in frames for c in columns):
            continue
        shared = iter(share_categories(*(f[c] for f in frames for c in columns)))
        frames = [f.assign(**{c: next(shared) for c in columns}) for f in frames]
    return pd.concat(frames, ignore_index=True)


def read_inputs(interaction_files=(), meetings=(), actors=None, *, day_first: bool = False,
                month_first: bool = False, on_read=None, columns: dict | None = None,
                sheet: str | None = None, time_unit: str | None = None, epoch=None,
                no_header: bool = False, survey=None, engine: str = "pandas") -> Inputs:
    """Read several logs and registers (concatenated), the registry and the survey
    (:func:`~stakeholder_graph.io.survey.read_survey`), keeping every report.

    ``on_read(path, report)`` is called after each file (the CLI uses it to show progress).
    ``columns`` maps headers for each kind of file: ``{"interactions": {"source": "From
    organisation"}, "meetings": {...}, "actors": {...}}`` (see :func:`column_mapping`).
    ``sheet`` is read from each workbook that has it, the survey's included (the others:
    their first sheet whose header holds the required columns).  ``engine="dask"``: logs
    and registers are read by the Dask engine (each a
    :class:`~stakeholder_graph.io.lazy.LazyLog`; a path may be a glob or a folder), the
    registry and the survey in memory.
    """
    columns = columns or {}
    reports = []
    workbooks = [p for p in [*(interaction_files or ()), *(meetings or ()), *([actors] if actors is not None else []),
                             *([survey] if survey is not None else [])]
                 if isinstance(p, (str, Path)) and str(p).lower().endswith((".xlsx", ".xlsm", ".xls"))]
    if sheet is not None and not any(_has_sheet(p, sheet) for p in workbooks):
        raise InputError(f"no workbook has a sheet '{sheet}'" + (f" (read: {', '.join(map(str, workbooks))})"
                                                                  if workbooks else ": no input is a workbook"))

    def read(reader, source, **options):
        if sheet is not None and str(source).lower().endswith((".xlsx", ".xlsm", ".xls")):
            options["sheet"] = sheet if _has_sheet(source, sheet) else None
        df = reader(source, **options)
        # A log read by the Dask engine is checked when first used: its report waits too.
        report = df.deferred_report() if hasattr(df, "deferred_report") else df.attrs["report"]
        reports.append(report)
        if on_read:
            on_read(source, report)
        return df

    dates = {"day_first": day_first, "month_first": month_first, "time_unit": time_unit, "epoch": epoch,
             "no_header": no_header, "engine": engine}
    logs = [read(read_interactions, source, columns=columns.get("interactions"), **dates)
            for source in interaction_files or ()]
    # The registry is read before the registers (a calendar's addresses are matched to its
    # actors), its report kept in the usual place, last.
    registry = read_actors(actors, columns=columns.get("actors")) if actors is not None else None
    registers = [read(read_meetings, source, columns=columns.get("meetings"), actors=registry, **dates)
                 for source in meetings or ()]
    survey_table = None
    if survey is not None:
        from .survey import read_survey
        survey_table = read(read_survey, survey, columns=columns.get("survey"), no_header=no_header, actors=registry)
    if registry is not None:
        reports.append(registry.attrs["report"])
        if on_read:
            on_read(actors, registry.attrs["report"])

    def combine(frames):
        if not frames:
            return None
        from .lazy import LazyLog
        if any(isinstance(f, LazyLog) for f in frames):
            from .lazy import read_lazy
            what = next(f.what for f in frames if isinstance(f, LazyLog))
            return LazyLog.combine([read_lazy(f, what) for f in frames])
        out = frames[0] if len(frames) == 1 else _stack(frames)
        # build_graph takes a frame carrying a report as already read and validated.
        out.attrs["report"] = frames[0].attrs["report"]
        return out

    return Inputs(combine(logs), combine(registers), registry, reports, survey_table)
