"""From logs, registers and the actor registry to a networkx graph of weighted ties.

The graph is undirected (a relationship is one tie) and every edge carries the tie
attributes of :func:`stakeholder_graph.ties.tie_table`; who initiated is kept as
``a_to_b`` / ``b_to_a`` counts with ``actor_a`` / ``actor_b`` naming the ends, and
:func:`initiation_graph` turns that into a directed graph when a measure needs direction.
"""

from __future__ import annotations

import gc
import itertools

import networkx as nx
import numpy as np
import pandas as pd

from ._codes import counts as code_counts
from ._codes import date_ticks, distinct, relabel_columns
from .errors import InputError
from .io.readers import read_actors, read_interactions, read_meetings
from .io.survey import read_survey
from .names import actor_name_index, actor_spellings, case_variants, find_actor, name_columns, unknown_actors
from .survey import (answered_by_organisations, attach_survey, level_error, resolve_survey, survey_name_columns,
                     survey_population)
from .ties import (DEFAULT_HALF_LIFE_DAYS, actor_categories, combine_contacts, filter_contacts,
                   meeting_contacts, pairwise_contacts, roll_up, tie_table)

__all__ = ["build_graph", "initiation_graph", "ego_graph", "tie_frame", "actor_frame", "LEVELS"]

LEVELS = ("actor", "organisation")


def _is_lazy(value) -> bool:
    """A log for the Dask engine: a LazyLog or a dask DataFrame (known without importing dask)."""
    from .io.lazy import LazyLog
    from .io.readers import _is_dask_frame
    return isinstance(value, LazyLog) or _is_dask_frame(value)


def _as_table(value, reader):
    """The table as a reader returns it.  A frame a reader returned (it carries its
    ``ReadReport``) is used as it is only while it still holds what the reader checked: an
    edited log (a weight set to -5, a date blanked) is read again, so its bad rows are
    reported rather than turned into negative distances or lost."""
    if value is None:
        return None
    if isinstance(value, pd.DataFrame) and "report" in value.attrs and _still_valid(value):
        return value
    if isinstance(value, pd.DataFrame):
        value = value.copy()
        value.attrs = {}
    return reader(value)


def _still_valid(table: pd.DataFrame) -> bool:
    """Whether a read table still meets the readers' rules (vectorised, no copy)."""
    for column in ("date",):
        if column in table and (table[column].dtype.kind != "M" or table[column].isna().any()):
            return False
    for column in ("reliability", "mission", "openness", "influence", "involvement", "resources"):
        if column in table:
            rating = pd.to_numeric(table[column], errors="coerce").to_numpy(dtype=float)
            if ((rating < 1) | (rating > 4)).any():
                return False
    for column in ("source", "target", "participant", "event", "name", "respondent", "partner"):
        if column in table and table[column].isna().any():
            return False
    if "weight" in table:
        weight = pd.to_numeric(table["weight"], errors="coerce").to_numpy(dtype=float)
        if not (np.isfinite(weight) & (weight > 0)).all():
            return False
    if "sentiment" in table:
        sentiment = pd.to_numeric(table["sentiment"], errors="coerce").to_numpy(dtype=float)
        if (np.abs(sentiment[~np.isnan(sentiment)]) > 1).any():
            return False
    return True


def _resolve(*columns: pd.Series, spellings: dict) -> list:
    """Each name as the actor it denotes (see :func:`stakeholder_graph.names.actor_spellings`),
    the columns on one sorted set of categories (nothing is re-coded when every name is
    already its actor's, as in a log without a registry or case variants)."""
    return relabel_columns(*columns, labels_of=lambda names: [spellings.get(n, n) for n in names])


def label_counts(tables, column: str) -> dict:
    """``{label: rows}`` of a programme (or type) column over the given tables."""
    counts: dict = {}
    for table in tables:
        if table is None or column not in table:
            continue
        # Rows per distinct label from the codes (a million labels are not made into strings).
        rows, labels = code_counts(table[column])
        for label, n in zip(labels, rows.tolist()):
            if n:
                counts[label] = counts.get(label, 0) + n
    return counts


def label_spellings(counts: dict) -> dict:
    """Programme (or type) labels that differ only in case or spacing are one label
    ("Diabetes", "diabetes ", "DIABETES"), spelled as the logs write it most often (ties:
    the first in sorted order): ``{label: its spelling}``, from :func:`label_counts`."""
    by_key: dict = {}
    for label in sorted(counts, key=str):
        key = " ".join(str(label).split()).casefold()
        best = by_key.get(key)
        if best is None or counts[label] > counts[best]:
            by_key[key] = label
    return {label: by_key[" ".join(str(label).split()).casefold()] for label in counts}


def _respell(logs, register, column: str, spelled: dict):
    """The tables with their ``column`` labels spelled as ``spelled`` says (a label not in it
    stays as it is).  Counted over the distinct labels, not the rows."""
    tables = [t for t in (logs, register) if t is not None and column in t]
    if not tables or all(spelled.get(label, label) == label for label in spelled):
        return logs, register
    relabelled = relabel_columns(*(t[column] for t in tables), labels_of=lambda names: [
        spelled.get(n, n) for n in names])
    out = iter(relabelled)
    return tuple(t.assign(**{column: next(out)}) if t is not None and column in t else t for t in (logs, register))


def build_graph(interactions=None, meetings=None, actors=None, *, as_of=None,
                half_life: float = DEFAULT_HALF_LIFE_DAYS, since=None, until=None, programme=None,
                type=None, level: str = "actor", day_first: bool = False, undirected: bool = False,
                survey=None, include_survey_ties: bool = False, survey_wave=None,
                engine: str = "pandas") -> nx.Graph:
    """Build the weighted stakeholder graph.

    Parameters
    ----------
    interactions, meetings, actors : DataFrame or path, optional
        As returned by :func:`read_interactions`, :func:`read_meetings`,
        :func:`read_actors` (a path or a raw DataFrame is read with them).  At least one of
        ``interactions`` and ``meetings``.
    as_of : date, optional
        The date tie strengths are measured at; default ``until`` when given (a window's
        end is its measurement date), else the last contact's date.  Contacts after
        ``as_of`` are left out (the graph is the partnership as it stood then).
    half_life : float
        Days for a contact's contribution to tie strength to halve (default 180; see
        :mod:`stakeholder_graph.ties` for why).
    since, until : date, optional
        Keep contacts in this window (inclusive).
    programme, type : str or list, optional
        Keep contacts of these programmes / types (case-insensitive).
    day_first : bool
        How to read ``03/04/2024`` when a path or raw DataFrame is given (see
        :func:`read_interactions`).
    undirected : bool
        The log's ``source``/``target`` order means nothing (sensor or co-presence data):
        contacts get no initiator, like meetings, so no tie is called one-sided.
    level : {"actor", "organisation"}
        ``"organisation"`` rolls teams up through ``parent`` to their organisation; contacts
        inside an organisation become the node attributes ``internal_count`` and
        ``internal_volume``.
    survey : DataFrame or path, optional
        A relationship survey (:func:`~stakeholder_graph.read_survey`).  Its names resolve
        as the logs' do; ties gain ``trust``, ``value``, the per-direction ``trust_by_a``,
        ``trust_by_b``, ``value_by_a``, ``value_by_b``, ``named_by_a``, ``named_by_b`` and
        ``survey_reciprocated`` (see :mod:`stakeholder_graph.survey`); at organisation level
        ratings roll up as means.  The latest wave is used unless ``survey_wave`` names
        another.  ``G.graph["survey"]`` holds the ratings, respondents and the pairs named
        only in the survey.  With ``actors``, a survey given as a path or raw table is read
        with the registry (rows naming an actor it does not know are rejected), and one
        already read without it that names such an actor is an InputError.  A survey
        answered by organisations whose logged contact is between their teams
        (:func:`~stakeholder_graph.survey.answered_by_organisations`) is an InputError at
        actor level: build the graph with ``level="organisation"``.
    include_survey_ties : bool
        Add the pairs named in the survey but never logged as ties (``count`` 0,
        ``survey_only``); by default they are only listed, and kept out of the structural
        measures.
    engine : {"pandas", "dask"}
        ``"dask"`` (or a log read with ``engine="dask"``, or a ``dask.dataframe.DataFrame``)
        reduces the log to the tie table on the active Dask scheduler, partition by
        partition (:mod:`stakeholder_graph.cluster`); the graph is the same.

    Returns
    -------
    networkx.Graph
        Nodes are actors with the registry's attributes (``kind``, ``sector``, ``parent``,
        ``organisation``, extra columns; ``kind="unknown"`` for names not in the registry);
        every registry actor is a node, even with no ties (an isolate is a finding), except
        in a ``programme`` or ``type`` view, which holds the actors with such contacts.
        Edges carry the tie attributes (``weight`` = strength, ``distance`` = 1/strength,
        ``count``, ``first``, ``last``, ``a_to_b``, ``b_to_a``, ``reciprocity``,
        ``negative_share``, ``types``, ``programmes`` ...); dates are ``datetime.datetime``.
        ``G.graph`` records ``as_of``, ``half_life``, ``level``, the filters,
        ``contacts_used``, ``unknown_actors``, ``merged_self_contacts`` (contacts between
        two spellings of one actor),
        ``case_variants`` (names read as one actor because they differ only in case, each
        spelled the way the logs spell it most often, or as the registry does) and
        ``activity`` (logged contacts per month and programme).

    Examples
    --------
    >>> import pandas as pd, stakeholder_graph as sg
    >>> log = pd.DataFrame({"date": ["2024-01-01", "2024-07-01", "2024-07-01"],
    ...                     "source": ["Trust", "Trust", "Council"],
    ...                     "target": ["Council", "Council", "Hospice"]})
    >>> G = sg.build_graph(log, half_life=182)
    >>> round(G["Trust"]["Council"]["weight"], 3)   # 1 (today) + 0.5 (182 days ago)
    1.5
    >>> G["Trust"]["Council"]["count"], G["Council"]["Hospice"]["reciprocity"]
    (2, 0.0)
    """
    if level not in LEVELS:
        raise InputError(f"level must be one of {', '.join(LEVELS)}, not '{level}'")
    if engine not in ("pandas", "dask"):
        raise InputError(f"engine must be pandas or dask, not '{engine}'")
    if engine == "dask" or any(_is_lazy(v) for v in (interactions, meetings)):
        from .cluster import build_graph_dask
        return build_graph_dask(interactions, meetings, actors, as_of=as_of, half_life=half_life, since=since,
                                until=until, programme=programme, type=type, level=level, day_first=day_first,
                                undirected=undirected, survey=survey, include_survey_ties=include_survey_ties,
                                survey_wave=survey_wave)
    prepared = prepare_contacts(interactions, meetings, actors, day_first=day_first, undirected=undirected,
                                survey=survey)
    return graph_of_period(prepared, as_of=as_of, half_life=half_life, since=since, until=until,
                           programme=programme, type=type, level=level, include_survey_ties=include_survey_ties,
                           wave=survey_wave)


def survey_table(survey, actors: pd.DataFrame | None) -> pd.DataFrame | None:
    """The survey as read (a path, or a frame read or not), with the registry: rows naming
    an actor the registry does not know are reported, or, in a survey read without it, an
    InputError (:func:`_survey_names_known`).  Both engines read it so."""
    survey = _as_table(survey, lambda v: read_survey(v, actors=actors))
    if survey is not None and actors is not None:
        _survey_names_known(survey, actors)
    return survey


def _survey_names_known(survey: pd.DataFrame, actors: pd.DataFrame) -> None:
    """A survey read without the registry (``read_survey(path)``) may name actors the
    registry does not know (a typo would become a new actor and a survey-only pair): an
    InputError saying to read it with the registry, which reports those rows."""
    index = actor_name_index(actors)
    names = pd.concat([survey["respondent"], survey["partner"]]).astype(str)
    unknown = sorted({n for n in names if n.casefold() not in index})
    if unknown:
        raise InputError(f"the survey names {len(unknown)} actor(s) not in the actor registry "
                         f"({', '.join(repr(n) for n in unknown[:5])}{' ...' if len(unknown) > 5 else ''}): read it "
                         "with read_survey(path, actors=registry), which reports those rows, or add them to the registry")


class PreparedContacts:
    """Every contact of the inputs, names resolved to actors, before any filter: what
    :func:`build_graph` builds one graph from, and :func:`~stakeholder_graph.compare.compare_periods`
    builds one graph per period from (reading and resolving the files once).

    Attributes: ``contacts`` (the contact table of :mod:`stakeholder_graph.ties`),
    ``actors`` (the registry or None), ``unknown`` (names not in the registry),
    ``merged_self`` (contacts between two spellings of one actor), ``case_variants``,
    ``undirected``, ``survey`` (the survey's rating rows, names resolved to ``rater`` and
    ``ratee``, or None).
    """

    def __init__(self, contacts, actors, unknown, merged_self, case_variants, undirected, survey=None):
        self.survey = survey
        self.contacts = contacts
        self.actors = actors
        self.unknown = unknown
        self.merged_self = merged_self
        self.case_variants = case_variants
        self.undirected = undirected

    def date_range(self):
        """(first, last) contact date, or (None, None) without contacts."""
        if not len(self.contacts):
            return None, None
        dates = self.contacts["date"]
        return dates.min(), dates.max()


def prepare_contacts(interactions=None, meetings=None, actors=None, *, day_first: bool = False,
                     undirected: bool = False, survey=None) -> PreparedContacts:
    """Read (when given paths or raw frames) and resolve the inputs into one contact table;
    see :func:`build_graph` for the arguments."""
    reader_i = (lambda v: read_interactions(v, day_first=day_first))
    reader_m = (lambda v: read_meetings(v, day_first=day_first))
    interactions = _as_table(interactions, reader_i)
    meetings = _as_table(meetings, reader_m)
    actors = _as_table(actors, read_actors)
    survey = survey_table(survey, actors)
    if interactions is None and meetings is None:
        raise InputError("give an interaction log, a meeting register, or both")
    index = actor_name_index(actors)
    spellings = actor_spellings(name_columns(interactions, meetings) + survey_name_columns(survey), index)
    contacts, merged_self = resolve_contacts(interactions, meetings, spellings, undirected=undirected)
    unknown = unknown_actors(spellings, index) if actors is not None else []
    ratings, merged_ratings = resolve_survey(survey, spellings)
    prepared = PreparedContacts(contacts, actors, unknown, merged_self, case_variants(spellings), bool(undirected),
                                survey=ratings)
    prepared.survey_merged_self = merged_ratings
    return prepared


def resolve_contacts(interactions, meetings, spellings: dict, *, labels: dict | None = None,
                     categories: pd.Index | None = None, undirected: bool = False, counted: dict | None = None) -> tuple:
    """The contact table of a log and a register (either may be None): names resolved to
    actors by ``spellings`` (:func:`~stakeholder_graph.names.actor_spellings`), programme
    and type labels to one spelling each (``labels``: ``{"programme": {label: spelling}}``,
    by default worked out from these tables), actors coded by ``categories`` (by default
    those of ``spellings``).  Returns ``(contacts, merged_self)``, ``merged_self`` the
    contacts left out as between two spellings of one actor.  The Dask engine runs this on
    each partition with the whole log's spellings, labels and categories (and gets the
    rows per label, ``{"programme": {label: rows}}``, in ``counted``, to check them)."""
    merged_self = 0
    logs = register = None
    if interactions is not None and len(interactions):
        # Categoricals with shared categories: the self-contact check below compares codes.
        source, target = _resolve(interactions["source"], interactions["target"], spellings=spellings)
        logs = interactions.assign(source=source, target=target)
        # Two spellings of one actor, mapped by the registry, would make a self-contact:
        # counted in G.graph["merged_self_contacts"] rather than dropped unseen.
        merged = logs["source"] == logs["target"]
        merged_self = int(merged.sum())
        if merged_self:
            logs = logs[~merged]
    if meetings is not None and len(meetings):
        register = meetings.assign(participant=_resolve(meetings["participant"], spellings=spellings)[0])
    for column in ("programme", "type"):
        spelled = (labels or {}).get(column)
        if spelled is None or counted is not None:
            rows = label_counts([logs, register], column)
            if counted is not None:
                counted[column] = rows
            if spelled is None:
                spelled = label_spellings(rows)
        logs, register = _respell(logs, register, column, spelled)
    if categories is None:
        # Every actor named in the logs, in name order (the spellings already list them).
        categories = pd.Index(sorted(set(spellings.values()), key=str), dtype=object)
    pairwise = pairwise_contacts(logs, categories) if logs is not None else None
    if pairwise is not None and undirected:
        pairwise["a_to_b"] = 0
        pairwise["b_to_a"] = 0
    contacts = combine_contacts([
        pairwise,
        meeting_contacts(register, categories) if register is not None else None,
    ])
    return contacts, merged_self


# A tie's rhythm is measured over periods of one half-life, or shorter in a short window:
# at least this many periods fit between the window's first contact and its end.
HISTORY_PERIODS = 5


def history_period(contacts: pd.DataFrame, as_of, half_life: float) -> float:
    """Days per period of the ties' contact history (see :func:`~stakeholder_graph.ties.tie_table`):
    the half-life, or a fifth of a shorter window (but at least 28 days), so that even a
    window of a year holds the several periods per tie that the partnership's burstiness
    is estimated from (with one or two, bursts went unseen and quiet spells looked like decay)."""
    return history_period_from(contacts["date"].min(), as_of, half_life)


def history_period_from(first, as_of, half_life: float) -> float:
    """:func:`history_period` from the window's first contact date (None or NaT when no
    contact is left to make a tie of, as when every one is inside an organisation: then
    the half-life)."""
    if first is None or pd.isna(first):
        return float(half_life)
    window = (pd.Timestamp(as_of) - pd.Timestamp(first)) / pd.Timedelta(days=1)
    return float(min(half_life, max(window / HISTORY_PERIODS, 28.0)))


def measurement_dates(last, *, as_of=None, until=None) -> tuple:
    """``(as_of, window_end)``: the date ties are measured at and the window's last date.
    ``last`` is the last contact's date (None without contacts)."""
    if as_of is None:
        # A window's end is its measurement date: a window that stops before the log does
        # is measured as of its end, not as of the log's last date (which would make every
        # tie look silent since the window closed).
        if until is not None:
            as_of = pd.Timestamp(until)
        else:
            as_of = last if last is not None else pd.Timestamp.today().normalize()
    as_of = pd.Timestamp(as_of)
    window_end = min(pd.Timestamp(until), as_of) if until is not None else as_of
    return as_of, window_end


def period_contacts(prepared: PreparedContacts, *, since=None, until=None, programme=None, type=None,
                    level: str = "actor"):
    """The prepared contacts in ``[since, until]`` of the programme and type asked for, at
    ``level``: ``(contacts, internal)``, ``internal`` the contacts inside each organisation
    at organisation level (None at actor level).  Raises InputError when none is left."""
    contacts = prepared.contacts
    kept = filter_contacts(contacts, since=since, until=until, programme=programme, type=type)
    if kept.empty:
        raise InputError(_nothing_left(contacts, since=since, until=until, programme=programme, type=type))
    internal = None
    if level == "organisation":
        actors = prepared.actors
        organisation_of = dict(zip(actors["name"], actors["organisation"])) if actors is not None else {}
        kept, internal = roll_up(kept, organisation_of)
    return kept, internal


def graph_of_period(prepared: PreparedContacts, *, as_of=None, half_life: float = DEFAULT_HALF_LIFE_DAYS,
                    since=None, until=None, programme=None, type=None, level: str = "actor",
                    include_survey_ties: bool = False, wave=None) -> nx.Graph:
    """The graph of the prepared contacts in ``[since, until]``, measured as of ``as_of``
    (see :func:`build_graph`, which is this on all the inputs' contacts).  With a survey,
    ``wave`` is the survey round joined (default the latest)."""
    if hasattr(prepared, "block_sums"):      # the Dask engine's inputs (cluster.LazyPrepared)
        return prepared.graph(as_of=as_of, half_life=half_life, since=since, until=until, programme=programme,
                              type=type, level=level, include_survey_ties=include_survey_ties, wave=wave)
    contacts = prepared.contacts
    as_of, window_end = measurement_dates(contacts["date"].max() if len(contacts) else None, as_of=as_of,
                                          until=until)
    kept, internal = period_contacts(prepared, since=since, until=window_end, programme=programme,
                                     type=type, level=level)
    period_days = history_period(kept, as_of, half_life)
    ties = tie_table(kept, as_of=as_of, half_life=half_life, period_days=period_days)
    used = int(len(kept)) if internal is None else int(len(kept) + internal["internal_count"].sum())
    return assemble_graph(prepared, ties, activity=_monthly_activity(kept), contacts_used=used, internal=internal,
                          as_of=as_of, half_life=half_life, since=since, window_end=window_end,
                          programme=programme, type=type, level=level, period_days=period_days,
                          include_survey_ties=include_survey_ties, wave=wave)


def assemble_graph(prepared: PreparedContacts, ties: pd.DataFrame, *, activity: dict, contacts_used: int,
                   internal, as_of, half_life, since, window_end, programme, type, level, period_days,
                   include_survey_ties: bool = False, wave=None) -> nx.Graph:
    """The networkx graph of a tie table (:func:`graph_of_period`'s last step; the Dask
    engine's too, with a tie table computed on the cluster)."""
    actors, unknown = prepared.actors, prepared.unknown
    G = nx.Graph()
    G.graph.update({
        "as_of": as_of.date().isoformat(), "half_life": float(half_life), "level": level,
        "since": str(pd.Timestamp(since).date()) if since is not None else "",
        "until": str(window_end.date()), "programme": _label(programme), "type": _label(type),
        "contacts_used": contacts_used,
        "unknown_actors": unknown, "merged_self_contacts": prepared.merged_self, "undirected": prepared.undirected,
        "case_variants": prepared.case_variants,
        "activity": activity, "period_days": period_days,
    })
    # In a programme or type view, an actor of the registry with no contact of that
    # programme is simply not part of it (not an isolate of the whole partnership).
    restricted = bool(programme) or bool(type)
    _add_actor_nodes(G, actors, level,
                     only=set(ties["actor_a"]) | set(ties["actor_b"]) if restricted else None)
    G.add_nodes_from((name, {"kind": "unknown", "sector": "", "parent": "", "organisation": name})
                     for name in actor_categories(ties["actor_a"], ties["actor_b"]) if name not in G)
    if internal is not None:
        for org, row in internal.iterrows():
            if org not in G:
                G.add_node(org, kind="unknown", sector="", parent="", organisation=org)
            G.nodes[org]["internal_count"] = int(row["internal_count"])
            G.nodes[org]["internal_volume"] = float(row["internal_volume"])
    _add_ties(G, ties)
    if prepared.survey is not None:
        # An organisation-level survey on team-level logs: refused, not joined to nothing.
        if level != "organisation" and answered_by_organisations(prepared.survey, actors,
                                                                 {frozenset(e) for e in G.edges()}):
            raise InputError(level_error(level))
        organisation_of = dict(zip(actors["name"], actors["organisation"])) if actors is not None else {}
        attach_survey(G, prepared.survey, level=level, organisation_of=organisation_of, wave=wave,
                      population=survey_population(G, actors, prepared.survey, level),
                      include_survey_ties=include_survey_ties)
        G.graph["survey"]["merged_self"] = getattr(prepared, "survey_merged_self", 0)
    return G


def _add_ties(G: nx.Graph, ties: pd.DataFrame) -> None:
    """One edge per row of the tie table, its columns as edge attributes, through networkx's
    public ``add_edges_from``.  Placing the dicts in ``G._adj`` directly, as before, saved
    about a tenth of this step (0.65 s against 0.72 s on 200,000 ties, median of 5) and
    tied us to networkx's internals: not worth it.
    """
    # Column lists zipped into dicts: DataFrame.to_dict("records") boxes value by value.
    # The cyclic garbage collector is paused meanwhile: tens of thousands of new dicts
    # would set it off again and again, each time walking every object alive, and none
    # of these dicts can form a cycle.
    enabled = gc.isenabled()
    gc.disable()
    try:
        columns = list(ties.columns)
        values = [_python_values(ties[c]) for c in columns]
        # One dict per tie, built by map/zip in C rather than a Python-level loop.
        attributes = map(dict, map(zip, itertools.repeat(columns), zip(*values)))
        G.add_edges_from(zip(values[0], values[1], attributes))
    finally:
        if enabled:
            gc.enable()


def _python_values(column: pd.Series) -> list:
    """The column as Python values; dates as ``datetime.datetime`` (to the microsecond).

    Not ``pandas.Timestamp``: numpy makes plain datetimes about 30 times faster, and
    Timestamps are a subclass that compares and subtracts with them."""
    if column.dtype.kind != "M":
        return column.tolist()
    return column.to_numpy().astype("datetime64[us]").tolist()


def _nothing_left(contacts, **filters) -> str:
    """Say why no contact passed the filters, and what the data does hold."""
    if contacts.empty:
        return "no contacts to build a graph from"
    labels = {column: {str(x) for x in contacts[column].unique()} for column in ["programme", "type"]}
    return nothing_left_message(len(contacts), contacts["date"].min(), contacts["date"].max(), labels, **filters)


def nothing_left_message(count: int, first, last, labels: dict, **filters) -> str:
    """The message of :func:`_nothing_left` from the contacts' number, first and last date
    and their labels (``{"programme": {...}, "type": {...}}``): the Dask engine gives them
    from its reduction."""
    given = ", ".join(f"{k} {v if isinstance(v, str) else (';'.join(v) if isinstance(v, list) else pd.Timestamp(v).date())}"
                      for k, v in filters.items() if v is not None and v != [])
    held = [f"the {count:,} contacts run from {pd.Timestamp(first).date()} to {pd.Timestamp(last).date()}"]
    for column in ["programme", "type"]:
        names = sorted(x for x in labels.get(column, ()) if x)
        if names:
            held.append(f"{column}s: {', '.join(names[:12])}")
    return f"no contact is left after the filters ({given}); " + "; ".join(held)


def _monthly_activity(contacts: pd.DataFrame) -> dict:
    """Logged (pairwise) contacts per month and programme: ``{programme: {"YYYY-MM": n}}``."""
    logged = contacts["meeting"].to_numpy() == 0
    if not logged.any():
        return {}
    # Month numbers and one bincount, not strftime: formatting a million dates took most
    # of a second.  Arrays as long as the log are made once and updated in place.
    dates = contacts["date"].to_numpy()
    programme, names = distinct(contacts["programme"])
    if not logged.all():
        dates, programme = dates[logged], programme[logged]
    labels = [str(n) or "(no programme)" for n in names] + ["(no programme)"]   # code -1: none
    # Contacts per day and programme in one bincount, then days summed into months: a
    # million dates are only divided into days (months are calendar arithmetic, done for
    # the few hundred distinct days).  Programme code -1 (none) takes the extra last column.
    ticks, per_day = date_ticks(dates)
    key = ticks // per_day
    first_day = int(key.min())
    key -= first_day
    days = int(key.max()) + 1
    key *= len(names) + 1
    key += np.where(programme < 0, len(names), programme)
    per_day_counts = np.bincount(key, minlength=days * (len(names) + 1)).reshape(days, len(names) + 1)
    del key
    month_of_day = (np.datetime64(first_day, "D") + np.arange(days)).astype("datetime64[M]").view(np.int64)
    first = int(month_of_day[0])
    months = int(month_of_day[-1] - first) + 1
    counts = np.zeros((months, len(names) + 1), dtype=np.int64)
    np.add.at(counts, month_of_day - first, per_day_counts)
    counts = counts.T
    out = {}
    for code, m in zip(*np.nonzero(counts)):
        key = str(np.datetime64(int(first + m), "M"))
        bucket = out.setdefault(labels[code], {})
        bucket[key] = bucket.get(key, 0) + int(counts[code, m])
    return {label: dict(sorted(out[label].items())) for label in sorted(out)}


def _label(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else ";".join(value)


def _add_actor_nodes(G: nx.Graph, actors: pd.DataFrame | None, level: str, only=None) -> None:
    if actors is None:
        return
    skip = {"file", "row"}
    rows = actors if level == "actor" else actors[actors["name"] == actors["organisation"]]
    if only is not None:
        rows = rows[rows["name"].isin(only)]
    for record in rows.to_dict("records"):
        attrs = {k: ("" if (v is None or (isinstance(v, float) and np.isnan(v))) else v)
                 for k, v in record.items() if k not in skip and k != "name"}
        G.add_node(record["name"], **attrs)


def initiation_graph(G: nx.Graph, *, weight: str = "count") -> nx.DiGraph:
    """Directed graph of who initiated contact with whom.

    An arc ``u -> v`` exists when ``u`` initiated at least one pairwise contact with ``v``;
    its ``count`` is the number of such contacts and its ``weight`` is the tie's strength
    shared in proportion to initiations (``weight="strength"``) or the count (default).
    Meeting-only ties have no initiator and give no arc.
    """
    D = nx.DiGraph()
    D.add_nodes_from(G.nodes(data=True))
    D.graph.update(G.graph)
    for u, v, d in G.edges(data=True):
        a, b = d.get("actor_a", u), d.get("actor_b", v)
        total = d.get("a_to_b", 0) + d.get("b_to_a", 0)
        for s, t, n in [(a, b, d.get("a_to_b", 0)), (b, a, d.get("b_to_a", 0))]:
            if n > 0:
                w = n if weight == "count" else d["weight"] * n / total
                D.add_edge(s, t, count=int(n), weight=float(w))
    return D


def ego_graph(G: nx.Graph, focus: str, radius: int = 1) -> nx.Graph:
    """The neighbourhood of ``focus`` within ``radius`` steps, as a subgraph copy.

    ``focus`` matches case-insensitively; an unknown name raises
    :class:`~stakeholder_graph.errors.UnknownActorError` listing close matches.
    """
    name = find_actor(G, focus)
    return nx.ego_graph(G, name, radius=radius).copy()


def tie_frame(G: nx.Graph) -> pd.DataFrame:
    """The graph's ties as a DataFrame (one row per edge, ``actor_a``/``actor_b`` first)."""
    rows = [dict(d, actor_a=d.get("actor_a", u), actor_b=d.get("actor_b", v)) for u, v, d in G.edges(data=True)]
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=["actor_a", "actor_b", "weight"])
    first = ["actor_a", "actor_b"]
    return df[first + [c for c in df.columns if c not in first]]


def actor_frame(G: nx.Graph) -> pd.DataFrame:
    """The graph's actors and their attributes as a DataFrame indexed by actor."""
    df = pd.DataFrame.from_dict(dict(G.nodes(data=True)), orient="index")
    df.index.name = "actor"
    return df
