"""The tie table of a log past one machine: partial tie tables per partition, combined on Dask.

:func:`build_graph_dask` is :func:`~stakeholder_graph.build_graph` for a
:class:`~stakeholder_graph.io.lazy.LazyLog` (``read_interactions(..., engine="dask")`` or a
``dask.dataframe.DataFrame``).  It runs the in-memory path's own code on each partition,
in one Dask computation:

1. a first look at every partition (names and dates only; for Parquet only those columns),
   combined by a tree reduction, from which the parameters of step 2 are worked out on the
   cluster (:func:`_params`): the actors, as :func:`~stakeholder_graph.names.spellings_of_counts`
   resolves the names, ``as_of`` and the periods of the ties' history;
2. one task per partition: the readers' rules
   (:func:`~stakeholder_graph.io.readers.check_interactions`), giving the partition's facts
   (rows used, rejected by reason, names and labels used), then
   :func:`~stakeholder_graph.graph.resolve_contacts`, the filters,
   :func:`~stakeholder_graph.ties.roll_up` and :func:`~stakeholder_graph.ties.partial_ties`;
   facts and partial tie tables are combined by tree reductions
   (:func:`~stakeholder_graph.ties.combine_partials`) and only they come home, where
   :func:`~stakeholder_graph.ties.finish_ties` makes the tie table and
   :func:`~stakeholder_graph.graph.assemble_graph` the graph.

The first look sees every row, the rules leave some out: step 2 also says what the contacts
used really were (their names' spellings, last date, the window's first date), and in the
rare log where the first look was wrong (its last date on a rejected row, a name's most
common spelling changed by rejected rows), step 2 runs once more with the true values.
Programme and type labels are kept as written and spelled at home from the rows used.  So
the graph equals the in-memory one.

Meeting registers: each register file is checked as one partition (the rules about a
meeting as a whole need all its rows, as in memory); the rows used are then shuffled by
``event`` so that every meeting's pairs are made in one partition.  A survey is small and
read in memory.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from .errors import InputError, MissingLibraryError
from .graph import (PreparedContacts, _monthly_activity, assemble_graph, history_period_from, label_spellings,
                    measurement_dates, nothing_left_message, resolve_contacts, survey_table)
from .io.lazy import INSTALL_HINT, Facts, LazyLog, add_nested, combine_facts, compute, read_lazy, require_dask, tree_reduce
from .names import actor_name_index, case_variants, count_names, name_columns, spellings_of_counts, unknown_actors
from .ties import (DEFAULT_HALF_LIFE_DAYS, combine_partials, filter_contacts, finish_ties, frame_of, partial_ties,
                   rename_actors, respell_labels, roll_up)

__all__ = ["build_graph_dask", "scheduler", "progress"]


@dataclass
class Piece:
    """What one partition (or several, combined) gives step 2."""

    partial: object = None               # TiePartial or None
    last_all: object = None              # last contact before the filters (for as_of)
    first_all: object = None             # first contact before the filters
    contacts: int = 0                    # contacts before the filters
    first_kept: object = None            # first contact after them (for the history's periods)
    filtered: int = 0                    # contacts left by the filters (before a roll-up)
    used: int = 0                        # contacts used (with contacts inside organisations)
    merged_self: int = 0
    labels: dict = field(default_factory=dict)     # exact label counts, "programme"/"type" -> {label: rows}
    activity: dict = field(default_factory=dict)
    internal: object = None              # DataFrame of internal_count, internal_volume per organisation
    outside: bool = False                # a contact fell outside the frame asked for


def _extreme(a, b, pick):
    return b if a is None else (a if b is None else pick(a, b))


def combine_pieces(pieces) -> Piece:
    """Pieces of several partitions as one (tie tables by :func:`combine_partials`)."""
    pieces = list(pieces)
    out = Piece()
    out.partial = combine_partials([p.partial for p in pieces])
    for p in pieces:
        out.last_all = _extreme(out.last_all, p.last_all, max)
        out.first_all = _extreme(out.first_all, p.first_all, min)
        out.contacts += p.contacts
        out.first_kept = _extreme(out.first_kept, p.first_kept, min)
        out.filtered += p.filtered
        out.used += p.used
        out.merged_self += p.merged_self
        out.labels = add_nested(out.labels, p.labels)
        out.activity = add_nested(out.activity, p.activity)
        out.outside = out.outside or p.outside
    internal = [p.internal for p in pieces if p.internal is not None and len(p.internal)]
    if internal:
        out.internal = pd.concat(internal).groupby(level=0).sum()
    return out


@dataclass
class Params:
    """Everything a partition needs for step 2, worked out at home.  ``spellings`` None: the
    partition names each actor by its key (:func:`actor_keys`), and the names are given at
    home (:func:`_named`)."""

    spellings: dict | None
    labels: dict
    categories: pd.Index
    undirected: bool
    since: object
    window_end: object
    programme: object
    type: object
    level: str
    organisation_of: dict
    as_of: object
    half_life: float
    frame: dict
    index: dict = field(default_factory=dict)
    unknown: str = "\x00"


def unknown_mark(index: dict, organisation_of: dict) -> str:
    """What an unknown actor's key starts with (see :func:`actor_keys`): NUL characters,
    more of them than any registry name or organisation starts with, so that no key of an
    unknown actor is a registry actor's or an organisation's."""
    mark = "\x00"
    while any(str(n).startswith(mark) for n in list(index.values()) + list(organisation_of.values())):
        mark += "\x00"
    return mark


def actor_keys(names, index: dict, unknown: str) -> dict:
    """Each name -> the key of the actor it denotes, the same in every partition whatever
    the spellings elsewhere: the registry's name when the registry knows it (name or alias,
    ignoring case), else ``unknown`` (:func:`unknown_mark`) and the name case-folded.  Names
    with one key are one actor, exactly as :func:`~stakeholder_graph.names.spellings_of_counts`
    groups them; only the spelling an unknown actor is shown by needs the whole log's
    counts."""
    return {name: index.get(str(name).casefold()) or unknown + str(name).casefold() for name in names}


def _params(facts: Facts, *, index: dict, extra_names: dict, as_of, since, until, half_life: float, undirected: bool,
            programme, type, level: str, organisation_of: dict, unknown: str = "\x00",
            keyed: bool = False) -> Params:
    """The parameters of the checked pass from what the log is known (or guessed) to hold:
    actors by the spellings of its names (and ``extra_names``, the survey's), or by their
    keys when ``keyed`` (no name needed), as_of from its last date, the periods of the
    ties' history from the window's first date."""
    if keyed:
        spellings = categories = None
    else:
        names = dict(facts.names)
        for name, n in extra_names.items():
            names[name] = names.get(name, 0) + n
        spellings = spellings_of_counts(names, index)
        categories = pd.Index(sorted(set(spellings.values()), key=str), dtype=object)
    labels = {"programme": {}, "type": {}}
    if facts.first is None or facts.last is None:
        # No date could be read on the first look: the checked pass finds the dates (and
        # says what is wrong with them) and runs again with them.
        return Params(spellings, labels, categories, undirected, since, until, programme, type, level,
                      organisation_of, None, half_life, None, index, unknown)
    first = max(pd.Timestamp(facts.first), pd.Timestamp(since)) if since is not None else pd.Timestamp(facts.first)
    measured_as_of, window_end = measurement_dates(facts.last, as_of=as_of, until=until)
    period_days = history_period_from(first, measured_as_of, half_life)
    frame = frame_of(first, max(pd.Timestamp(window_end), first), measured_as_of, period_days)
    frame["first"] = first
    # Labels are kept as written in the partitions (labels = {}) and spelled once at home,
    # from the rows per label of the contacts used (label sets and activity respell exactly).
    return Params(spellings, labels, categories, undirected, since, window_end, programme, type, level,
                  organisation_of, measured_as_of, half_life, frame, index, unknown)


def _piece(log: pd.DataFrame | None, register: pd.DataFrame | None, params: Params) -> Piece:
    counted: dict = {}
    # Actors by their keys: what this partition holds needs nothing from the others.
    spellings = actor_keys(count_names(name_columns(log, register)), params.index, params.unknown)
    categories = pd.Index(sorted(set(spellings.values()), key=str), dtype=object)
    contacts, merged = resolve_contacts(log, register, spellings, labels=params.labels,
                                        categories=categories, undirected=params.undirected, counted=counted)
    piece = Piece(merged_self=merged, labels=counted)
    if not len(contacts):
        return piece
    piece.last_all, piece.first_all, piece.contacts = contacts["date"].max(), contacts["date"].min(), len(contacts)
    kept = filter_contacts(contacts, since=params.since, until=params.window_end, programme=params.programme,
                           type=params.type)
    piece.filtered = len(kept)
    if not len(kept):
        return piece
    internal = None
    if params.level == "organisation":
        kept, internal = roll_up(kept, params.organisation_of)
        piece.internal = internal
    piece.used = int(len(kept)) + (int(internal["internal_count"].sum()) if internal is not None else 0)
    if not len(kept):
        return piece
    piece.first_kept = kept["date"].min()
    piece.activity = _monthly_activity(kept)
    frame = params.frame
    if frame is None:
        piece.outside = True
        return piece
    first_day = pd.Timestamp(piece.first_kept).normalize()
    # The frame holds whole days from its first to the window's end (a window ending on a
    # date holds that whole day).
    if (first_day < pd.Timestamp(frame["first"]).normalize()
            or kept["date"].max().normalize() > pd.Timestamp(params.window_end).normalize()):
        piece.outside = True
        return piece
    piece.partial = partial_ties(kept, as_of=params.as_of, half_life=params.half_life,
                                 period_days=frame["period_days"], day0=frame["day0"], span=frame["span"],
                                 periods=frame["periods"])
    return piece


def _named(piece: Piece, spellings: dict, index: dict, unknown: str) -> Piece:
    """A piece whose actors are keys (:func:`actor_keys`) with the actors' names, as
    ``spellings`` (the whole log's) gives them.  No two keys get one name: a registry
    actor's (or organisation's) name is its key, and an unknown actor's spelling is never a
    registry name (its case-folded form would be in the registry's index)."""
    keys = actor_keys(spellings, index, unknown)
    name_of = {keys[name]: actor for name, actor in spellings.items()}
    return replace(piece, partial=rename_actors(piece.partial, name_of) if piece.partial is not None else None,
                   internal=(piece.internal.rename(index=name_of).sort_index() if piece.internal is not None
                             else None))


def _checked_piece(load, args: tuple, options: dict, params: Params, want_facts: bool) -> tuple:
    """A log partition loaded (``load(*args)``), checked (the in-memory reader's rules), its
    facts and its piece: one task, so the loaded rows live only while it runs."""
    from .io.lazy import _checked, _facts
    table = _checked(load(*args), "interactions", options)
    return (_facts(table, "interactions") if want_facts else None), _piece(table, None, params)


def _combine_both(items) -> tuple:
    facts = [f for f, _ in items if f is not None]
    return (combine_facts(facts) if facts else None), combine_pieces([p for _, p in items])


def _in_register_order(table: pd.DataFrame) -> pd.DataFrame:
    """Shuffled register rows back in the registers' order (a meeting takes its first row's
    type, programme and weight), whatever order the shuffle left them in."""
    if table is None or "order" not in table:
        return table
    return table.sort_values("order", kind="stable").drop(columns="order")


def _register_piece(table, params):
    return _piece(None, _in_register_order(table), params)


REGISTER_COLUMNS = ["event", "date", "participant", "type", "programme", "weight"]


def _register_rows(table: pd.DataFrame, place: int) -> pd.DataFrame:
    """A checked register partition as plain columns, ready to be shuffled by event, with
    each row's place in the registers (``place``, the partition's, then the row's)."""
    out = table[REGISTER_COLUMNS].copy()
    for column in ("event", "participant", "type", "programme"):
        out[column] = out[column].astype(object)
    out["order"] = (np.int64(place) << 40) + np.arange(len(out), dtype=np.int64)
    out.attrs = {}
    return out


def _by_event(tables: list) -> list:
    """Checked register partitions re-cut so that all of a meeting's rows are in one: the
    rows used, shuffled by event (one partition needs no shuffle)."""
    if len(tables) <= 1:
        return tables
    dask = require_dask()
    import dask.dataframe as dd
    meta = pd.DataFrame({"event": pd.Series(dtype=object), "date": pd.Series(dtype="datetime64[us]"),
                         "participant": pd.Series(dtype=object), "type": pd.Series(dtype=object),
                         "programme": pd.Series(dtype=object), "weight": pd.Series(dtype=float),
                         "order": pd.Series(dtype=np.int64)})
    rows = dd.from_delayed([dask.delayed(_register_rows)(t, i) for i, t in enumerate(tables)], meta=meta,
                           verify_meta=False)
    return rows.shuffle("event", npartitions=len(tables)).to_delayed()


def _lazy(value, what: str, **options):
    """A LazyLog for a LazyLog, a dask DataFrame, a path (read by the Dask engine) or an
    in-memory table (one partition)."""
    if value is None or isinstance(value, LazyLog):
        return value
    return read_lazy(value, what, **options)


def build_graph_dask(interactions=None, meetings=None, actors=None, *, as_of=None,
                     half_life: float = DEFAULT_HALF_LIFE_DAYS, since=None, until=None, programme=None,
                     type=None, level: str = "actor", day_first: bool = False, undirected: bool = False,
                     survey=None, include_survey_ties: bool = False, survey_wave=None, _found: dict | None = None):
    """:func:`~stakeholder_graph.build_graph` on the active Dask scheduler (see the module).
    ``_found`` (a dict) receives what the reduction learnt: the first and last contact, the
    spellings and the parameters of the checked pass (:class:`LazyPrepared` uses them).

    The graph equals the in-memory path's on the same rows: every tie attribute (weights to
    floating-point rounding: sums are added in another order), ``G.graph["contacts_used"]``.
    """
    dask = require_dask()
    from .graph import _as_table
    from .io.readers import read_actors
    logs = _lazy(interactions, "interactions", day_first=day_first)
    register = _lazy(meetings, "meetings", day_first=day_first)
    from .survey import resolve_survey, survey_name_columns
    actors = _as_table(actors, read_actors)
    survey = survey_table(survey, actors)        # a survey is small: read in memory
    if logs is None and register is None:
        raise InputError("give an interaction log, a meeting register, or both")
    given = [log for log in (logs, register) if log is not None]
    index = actor_name_index(actors)
    organisation_of = dict(zip(actors["name"], actors["organisation"])) if actors is not None else {}
    # What the build starts from: the logs' facts when known (rows used), else a cheap
    # first look at every row.  Step 2 checks it: the spellings of the names used and the
    # frame of dates must be those of the contacts used, or step 2 runs again.
    options = {"index": index, "extra_names": count_names(survey_name_columns(survey)), "as_of": as_of, "since": since, "until": until, "half_life": float(half_life),
               "undirected": bool(undirected), "programme": programme, "type": type, "level": level,
               "organisation_of": organisation_of, "unknown": unknown_mark(index, organisation_of)}
    # Partitions key actors by what they hold alone (actor_keys): the first look needs only
    # the dates, which Parquet's statistics give without reading a row.
    scans = ([combine_facts([log.facts() for log in given])] if all(log.has_facts() for log in given)
             else [s for log in given for s in log.scans])
    if all(isinstance(s, Facts) for s in scans):
        params = _params(combine_facts(scans), keyed=True, **options)
    else:
        # Worked out on the cluster, in the same computation as the checked pass: no round
        # trip between the first look and the pass that uses it.
        params = dask.delayed(_params)(tree_reduce(scans, combine_facts), keyed=True, **options)
    for _attempt in range(4):
        # One task per partition checks it and gives both its facts (rows used, rejected
        # by reason) and its partial tie table: one read of the log gives both, and no
        # checked table outlives its task.
        log_leaves = logs.leaves if logs is not None else []
        per_leaf = [tree_reduce([dask.delayed(_checked_piece)(func, args, leaf.options, params, leaf._facts is None)
                                 for func, args in leaf.loads], _combine_both) for leaf in log_leaves]
        register_leaves = register.leaves if register is not None else []
        checked = {id(leaf): leaf.checked() for leaf in register_leaves}
        register_facts = [leaf.facts_tree(checked[id(leaf)]) for leaf in register_leaves if leaf._facts is None]
        pieces = [dask.delayed(_register_piece)(t, params)
                  for t in _by_event([t for leaf in register_leaves for t in checked[id(leaf)]])]
        leaf_results, register_piece, params, register_computed = compute(
            per_leaf, tree_reduce(pieces, combine_pieces), params, register_facts)
        for leaf, (facts, _) in zip(log_leaves, leaf_results):
            if facts is not None:
                leaf.set_facts(facts)
        for leaf, facts in zip([leaf for leaf in register_leaves if leaf._facts is None], register_computed):
            leaf.set_facts(facts)
        piece = combine_pieces([p for _, p in leaf_results] + [register_piece])
        facts = combine_facts([log.facts() for log in given])
        if not facts.rows_read:
            raise InputError("has a header but no rows: no contacts to build a graph from", file=given[0].name)
        if not facts.rows_used:
            raise InputError("no contacts to build a graph from")
        # What the contacts used really were: the spellings of their names, their last
        # date (as_of) and the window's first (the history's periods).
        first_kept = (piece.first_kept if piece.first_kept is not None
                      else params.frame["first"] if params.frame is not None else facts.first)
        true = _params(Facts(names=facts.names, first=first_kept, last=piece.last_all), **options)
        if not piece.filtered:
            labels = {column: set(label_spellings(piece.labels.get(column, {})).values())
                      for column in ("programme", "type")}
            raise InputError(nothing_left_message(piece.contacts, piece.first_all, piece.last_all, labels, since=since,
                                                  until=true.window_end, programme=programme, type=type))
        if (not piece.outside and true.as_of == params.as_of and true.window_end == params.window_end
                and true.frame["period_days"] == params.frame["period_days"]):
            piece = _named(piece, true.spellings, index, options["unknown"])
            break
        # The dates guessed were not those of the contacts used (rare: the log's first or
        # last date on a rejected row): the checked pass again, with the true dates.
        params = true
    else:
        raise RuntimeError("the Dask engine's tie table frame did not settle in four passes")  # a bug, not input
    spellings, measured_as_of, window_end = true.spellings, params.as_of, params.window_end
    # No contact left between organisations (all inside one): no tie, and the periods of
    # the history are the half-life's, as in memory.
    period_days = (params.frame["period_days"] if piece.first_kept is not None
                   else history_period_from(None, measured_as_of, half_life))
    if piece.partial is None:
        from .ties import tie_table
        ties = tie_table(pd.DataFrame(columns=["date"]))
    else:
        partial = piece.partial
        for column in ("programme", "type"):
            partial = respell_labels(partial, column, label_spellings(piece.labels.get(column, {})))
        ties = finish_ties(partial, as_of=measured_as_of, period_days=period_days)
    if _found is not None:
        _found.update(first=piece.first_kept, last=piece.last_all, spellings=spellings, params=params, logs=logs,
                      register=register)
    unknown = unknown_actors(spellings, index) if actors is not None else []
    ratings, merged_ratings = resolve_survey(survey, spellings)
    prepared = PreparedContacts(None, actors, unknown, piece.merged_self, case_variants(spellings), bool(undirected),
                                survey=ratings)
    prepared.survey_merged_self = merged_ratings
    spelled = label_spellings(piece.labels.get("programme", {}))
    respelled: dict = {}
    for label, months in piece.activity.items():
        label = spelled.get(label, label)
        respelled = add_nested(respelled, {label: months})
    activity = {label: dict(sorted(respelled[label].items())) for label in sorted(respelled)}
    return assemble_graph(prepared, ties, activity=activity, contacts_used=piece.used,
                          internal=piece.internal if level == "organisation" else None, as_of=measured_as_of,
                          half_life=half_life, since=since, window_end=window_end, programme=programme, type=type,
                          level=level, period_days=period_days, include_survey_ties=include_survey_ties,
                          wave=survey_wave)


@contextlib.contextmanager
def scheduler(address: str | None = None):
    """Run the Dask work inside on the scheduler at ``address`` (``tcp://host:8786``; default
    the environment's ``DASK_SCHEDULER_ADDRESS``), through a ``distributed.Client``; without
    either, on Dask's default (or the ``Client`` already made in this process)."""
    address = address or os.environ.get("DASK_SCHEDULER_ADDRESS") or None
    if not address:
        yield None
        return
    require_dask()
    try:
        from distributed import Client
    except ImportError:
        raise MissingLibraryError(f"a Dask scheduler address needs distributed: {INSTALL_HINT}") from None
    client = _connect(Client, address)
    with client:
        yield client


# Seconds to wait for a scheduler's answer in all: Client's own timeout (10 s) does not
# cover a port where another service accepts the connection and never answers (a
# dashboard's HTTP port), on which it waits for good.
CONNECT_SECONDS = 15.0


def _connect(Client, address: str):
    """A ``Client`` of the scheduler at ``address``, or one InputError: nothing answers,
    something that is not a Dask scheduler answers (garbage or silence), or no answer comes
    within ``CONNECT_SECONDS``."""
    made: dict = {}

    def connect():
        try:
            made["client"] = Client(address, timeout="10s", set_as_default=True)
        except BaseException as err:     # whatever another service's bytes make of the handshake
            made["error"] = err

    # In a thread of its own, so that a connection that never answers can be given up.
    attempt = threading.Thread(target=connect, name="stakeholder-graph connect", daemon=True)
    attempt.start()
    attempt.join(CONNECT_SECONDS)
    if "client" in made:
        return made["client"]
    if attempt.is_alive():
        raise InputError(f"no Dask scheduler answered at '{address}' within {CONNECT_SECONDS:g} s (something "
                         "accepted the connection: another service's port, such as the dashboard's? a scheduler "
                         "listens on 8786 unless told otherwise)")
    err = made.get("error")
    what = f"{err}" if isinstance(err, (OSError, TimeoutError, ValueError, TypeError)) else (
        f"what answered is not a Dask scheduler ({type(err).__name__})")
    raise InputError(f"cannot reach the Dask scheduler at '{address}': {what}")


@contextlib.contextmanager
def progress(minimum: float = 5.0):
    """Dask's progress bar on stderr for computations longer than ``minimum`` seconds on a
    local scheduler (a ``distributed`` cluster shows its progress on its dashboard)."""
    require_dask()
    from dask.diagnostics import ProgressBar
    with ProgressBar(minimum=minimum, out=sys.stderr):
        yield


def _block_piece(log, register, params: Params, spans: list, labels: list, first, last, half_life: float):
    """One partition's :func:`~stakeholder_graph.compare.block_sums`."""
    from .compare import block_sums
    contacts, _ = resolve_contacts(log, _in_register_order(register), params.spellings, labels=params.labels,
                                   categories=params.categories, undirected=params.undirected)
    if not len(contacts):
        return None
    kept = filter_contacts(contacts, since=first, until=last, programme=params.programme, type=params.type)
    if params.level == "organisation":
        kept, _ = roll_up(kept, params.organisation_of)
    return block_sums(kept, spans, labels, half_life) if len(kept) else None


class LazyPrepared:
    """The Dask engine's counterpart of :class:`~stakeholder_graph.graph.PreparedContacts`
    for :func:`~stakeholder_graph.compare.compare_periods` and
    :func:`~stakeholder_graph.compare.timeline`: the inputs stay where they are, each
    period's graph is :func:`build_graph_dask` and the per-block counts are one more
    reduction (:func:`~stakeholder_graph.compare.combine_block_sums`).  Its first use (the
    dates the contacts cover) is one build of the whole graph."""

    def __init__(self, interactions, meetings, actors, *, day_first: bool = False, undirected: bool = False,
                 survey=None):
        from .graph import _as_table
        from .io.readers import read_actors
        self.interactions = _lazy(interactions, "interactions", day_first=day_first)
        self.meetings = _lazy(meetings, "meetings", day_first=day_first)
        self.actors = _as_table(actors, read_actors)
        self._survey = survey_table(survey, self.actors)
        self.undirected = bool(undirected)
        self._found: dict = {}

    def _whole(self) -> dict:
        if not self._found:
            build_graph_dask(self.interactions, self.meetings, self.actors, undirected=self.undirected,
                             survey=self._survey, _found=self._found)
        return self._found

    def date_range(self):
        """(first, last) contact date, as in memory."""
        found = self._whole()
        return found["first"], found["last"]

    @property
    def survey(self):
        """The survey's rating rows, names resolved (as ``PreparedContacts.survey``)."""
        from .survey import resolve_survey
        return resolve_survey(self._survey, self._whole()["spellings"])[0] if self._survey is not None else None

    def graph(self, *, as_of=None, half_life: float = DEFAULT_HALF_LIFE_DAYS, since=None, until=None, programme=None,
              type=None, level: str = "actor", include_survey_ties: bool = False, wave=None):
        """:func:`~stakeholder_graph.graph.graph_of_period` on the cluster."""
        return build_graph_dask(self.interactions, self.meetings, self.actors, as_of=as_of, half_life=half_life,
                                since=since, until=until, programme=programme, type=type, level=level,
                                undirected=self.undirected, survey=self._survey,
                                include_survey_ties=include_survey_ties, survey_wave=wave)

    def block_sums(self, spans: list, labels: list, *, half_life: float, level: str, programme, type) -> tuple:
        """:func:`~stakeholder_graph.compare.block_sums` of the contacts in the spans, reduced
        on the cluster."""
        from .compare import combine_block_sums
        dask = require_dask()
        found = self._whole()
        params = found["params"]
        params = Params(found["spellings"], params.labels, pd.Index(sorted(set(found["spellings"].values()), key=str),
                                                                    dtype=object),
                        self.undirected, None, None, programme, type, level, params.organisation_of, None,
                        half_life, None)
        first, last = spans[0][0], spans[-1][1] - pd.Timedelta(days=1)
        logs, register = found["logs"], found["register"]
        tasks = [dask.delayed(_block_piece)(t, None, params, spans, labels, first, last, half_life)
                 for t in (logs.checked() if logs is not None else [])]
        tasks += [dask.delayed(_block_piece)(None, t, params, spans, labels, first, last, half_life)
                  for t in _by_event(register.checked() if register is not None else [])]
        pairs, sums = compute(tree_reduce(tasks, combine_block_sums))[0]
        if not pairs:
            raise InputError(f"no contact is left between {first.date()} and {last.date()} after the filters")
        return pairs, sums
