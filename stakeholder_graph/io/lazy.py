"""Logs past one machine's memory: read and checked partition by partition on Dask.

A :class:`LazyLog` is a list of partitions, each a Dask task that loads some rows and runs
the readers' own rules on them (:func:`~stakeholder_graph.io.readers.check_interactions`,
:func:`~stakeholder_graph.io.readers.check_meetings`): nothing is read until it is used.
What the whole log holds (rows read, used, rejected by reason, the names and labels it
uses, its first and last date) is one small tree reduction, :meth:`LazyLog.facts`, kept
once computed.  Partitions:

- a Parquet file gives one partition per group of row groups (about
  ``ROWS_PER_PARTITION`` rows), its rows numbered within the file;
- any other file (CSV, TSV, Excel, JSON lines, ``.gz``) is one partition, loaded exactly as
  the in-memory reader loads it;
- a ``dask.dataframe.DataFrame`` keeps its own partitions, rows numbered within each
  (``file`` is ``"DataFrame partition i"``).

Dask is imported only here and in :mod:`stakeholder_graph.cluster`, inside functions.
"""

from __future__ import annotations

import glob
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, MissingLibraryError
from .report import ReadReport

__all__ = ["LazyLog", "LazyReport", "read_lazy", "require_dask"]

# Rows per partition of a Parquet file (whole row groups are never split).
ROWS_PER_PARTITION = 1_000_000
# Rejected rows kept as a sample in the report; the full list is LazyLog.rejected_rows().
SAMPLE_ROWS = 1_000
READABLE = (".parquet", ".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".jsonl", ".json", ".gz")
INSTALL_HINT = "pip install 'stakeholder-graph[dask]'"


def require_dask():
    """The ``dask`` module, or :class:`MissingLibraryError` saying how to install it."""
    try:
        import dask
        import dask.dataframe  # noqa: F401  (the engine needs both)
    except ImportError as err:
        raise MissingLibraryError(f"the Dask engine needs dask and distributed ({err.name or 'dask'} is not "
                                  f"installed): {INSTALL_HINT}") from None
    return dask


@dataclass(eq=False)
class LazyReport(ReadReport):
    """A :class:`ReadReport` of a log read by the Dask engine: the counts are exact, while
    ``rejected`` holds a sample (the first ``SAMPLE_ROWS`` rejected rows, with file and
    row); :meth:`LazyLog.rejected_rows` gives them all, as a Dask DataFrame."""

    reasons: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64", name="rows"))

    @property
    def rows_rejected(self) -> int:
        return int(self.rows_read - self.rows_used)

    def counts_by_reason(self) -> pd.Series:
        return self.reasons

    def to_dict(self) -> dict:
        out = super().to_dict()
        out["rows_rejected"] = self.rows_rejected
        out["rejected_sample"] = len(self.rejected) < self.rows_rejected
        return out


@dataclass
class Facts:
    """What a log's partitions hold, added up (see :meth:`LazyLog.facts`)."""

    rows_read: int = 0
    rows_used: int = 0
    reasons: dict = field(default_factory=dict)
    sample: list = field(default_factory=list)      # rejected-row tables, in partition order
    sampled: int = 0
    notes: list = field(default_factory=list)     # (file, note) of the partitions' reports
    names: dict = field(default_factory=dict)       # name -> rows using it (source/target or participant)
    labels: dict = field(default_factory=dict)      # "programme"/"type" -> {label: rows}
    first: object = None
    last: object = None


def _add(counts: dict, more: dict) -> dict:
    out = dict(counts)
    for key, n in more.items():
        out[key] = out.get(key, 0) + n
    return out


def add_nested(counts: dict, more: dict) -> dict:
    """Counts by two keys (``{"programme": {label: rows}}``) added up."""
    return {key: _add(counts.get(key, {}), more.get(key, {})) for key in {**counts, **more}}


def combine_facts(parts) -> Facts:
    """The facts of several partitions, in their order."""
    out = Facts()
    for f in parts:
        out.rows_read += f.rows_read
        out.rows_used += f.rows_used
        out.reasons = _add(out.reasons, f.reasons)
        for table in f.sample:
            if out.sampled < SAMPLE_ROWS:
                out.sample.append(table.head(SAMPLE_ROWS - out.sampled))
                out.sampled += len(out.sample[-1])
        out.notes += [n for n in f.notes if n not in out.notes][:20]
        out.names = _add(out.names, f.names)
        out.labels = add_nested(out.labels, f.labels)
        if f.first is not None:
            out.first = f.first if out.first is None else min(out.first, f.first)
            out.last = f.last if out.last is None else max(out.last, f.last)
    return out


# Partial results combined at a time: a worker holds at most this many (and their
# concatenation) while it combines them.
TREE_WIDTH = 4


def tree_reduce(items: list, combine, every: int = TREE_WIDTH):
    """``combine`` (which takes a list) over Dask delayed ``items`` as a tree, ``every``
    at a time: no task ever holds more than ``every`` partial results."""
    dask = require_dask()
    items = list(items)
    if not items:
        return dask.delayed(combine)([])
    while len(items) > 1:
        items = [dask.delayed(combine)(items[i:i + every]) for i in range(0, len(items), every)]
    return items[0]


class LazyLog:
    """An interaction log or meeting register read by the Dask engine (see the module).

    ``parts`` are Dask delayed objects, each giving ``(frame, file, first_row, notes)``:
    the raw rows, columns mapped.  :meth:`checked` gives each partition as the in-memory
    reader returns a table (with ``file`` and ``row``, and its ``ReadReport``).
    """

    def __init__(self, loads: list, what: str, name: str, options: dict, scans: list | None = None):
        dask = require_dask()
        # How each partition is loaded, ``(function, arguments)``: a build loads it inside
        # the task that checks and reduces it, so no loaded partition waits in memory for
        # the first look of the others to end.
        self.loads = loads
        self.parts = [dask.delayed(func)(*args) for func, args in loads]
        self.what, self.name, self.options = what, name, options
        # What the build starts from: each partition's first and last date, from the
        # files' statistics (a Facts) or a first look at its dates (its own read).
        self.scans = scans if scans is not None else [dask.delayed(_scan_loaded)(func, args, what, options)
                                                      for func, args in loads]
        self.leaves = [self]     # the logs read one by one (several when combined)
        self._facts = None

    def __repr__(self):
        return f"<LazyLog {self.what} {self.name}: {len(self.parts)} partitions>"

    def __len__(self):
        """Rows used (computes the facts once)."""
        return self.facts().rows_used

    def checked(self) -> list:
        """One delayed checked table per partition."""
        dask = require_dask()
        return [dask.delayed(_checked)(part, self.what, self.options) for part in self.parts]

    def facts(self) -> Facts:
        """Rows read, used and rejected by reason, names and labels used and the first and
        last date: one pass over the log, computed on the active scheduler once (building a
        graph computes them on the way)."""
        if self._facts is None:
            missing = [leaf for leaf in self.leaves if leaf._facts is None]
            if missing:
                trees = [leaf.facts_tree(leaf.checked()) for leaf in missing]
                for leaf, facts in zip(missing, compute(*trees)):
                    leaf.set_facts(facts)
            self._facts = combine_facts([leaf._facts for leaf in self.leaves])
        return self._facts

    def facts_tree(self, checked: list):
        """The delayed facts of these checked partitions (see :meth:`checked`)."""
        dask = require_dask()
        return tree_reduce([dask.delayed(_facts)(table, self.what) for table in checked], combine_facts)

    def set_facts(self, facts: Facts) -> None:
        """Keep the facts computed (by :meth:`facts` or on the way by a build); an
        interaction log whose every row was rejected is an error, as in memory (a register
        whose every meeting was rejected is not: its rows are reported)."""
        if facts.rows_read and not facts.rows_used and self.what == "interactions":
            top = max(facts.reasons, key=facts.reasons.get)
            raise InputError(f"no usable rows: all {facts.rows_read} rows were rejected (most often: {top})",
                             file=self.name)
        self._facts = facts

    def has_facts(self) -> bool:
        return all(leaf._facts is not None for leaf in self.leaves)

    def deferred_report(self) -> "DeferredReport":
        """The report, computed only when first looked at (after a build, for free)."""
        return DeferredReport(self)

    @property
    def report(self) -> LazyReport:
        f = self.facts()
        sample = (pd.concat(f.sample, ignore_index=True) if f.sample
                  else ReadReport(self.name, "").rejected)
        reasons = pd.Series(f.reasons, dtype="int64", name="rows").sort_values(ascending=False, kind="stable")
        return LazyReport(file=self.name, what=self.what, rows_read=f.rows_read, rows_used=f.rows_used,
                          rejected=sample, notes=[note if file == self.name else f"{file}: {note}"
                                                  for file, note in f.notes], reasons=reasons)

    @property
    def attrs(self) -> dict:
        """As a reader's table: ``attrs["report"]``."""
        return {"report": self.report}

    def rejected_rows(self):
        """Every rejected row (``file``, ``row``, ``column``, ``value``, ``reason``) as a Dask
        DataFrame: a billion-row log's rejected rows are themselves a table (write it with
        ``.to_parquet(...)``).  Checks the log again, partition by partition."""
        dask = require_dask()
        import dask.dataframe as dd
        meta = ReadReport(self.name, "").rejected.astype({"row": "int64"}).astype(
            {c: object for c in ("file", "column", "value", "reason")})
        parts = [dask.delayed(_rejected)(table) for table in self.checked()]
        return dd.from_delayed(parts, meta=meta, verify_meta=False)

    def to_dask(self):
        """The rows used, as a Dask DataFrame (text columns as strings)."""
        dask = require_dask()
        import dask.dataframe as dd
        parts = [dask.delayed(_plain)(table) for table in self.checked()]
        return dd.from_delayed(parts)

    @staticmethod
    def combine(logs: list) -> "LazyLog":
        """Several logs of one kind as one (their partitions one after another)."""
        if len(logs) == 1:
            return logs[0]
        out = LazyLog([p for log in logs for p in log.loads], logs[0].what, "; ".join(log.name for log in logs),
                      logs[0].options, scans=[s for log in logs for s in log.scans])
        out.leaves = [leaf for log in logs for leaf in log.leaves]
        return out


class DeferredReport:
    """A :class:`LazyLog`'s report, computed when first looked at: reading a log with the
    Dask engine costs nothing, and a build computes the report on its way."""

    def __init__(self, log: LazyLog):
        self._log = log

    def __getattr__(self, name):
        return getattr(self._log.report, name)


def compute(*values):
    """``dask.compute`` on the active scheduler (a ``distributed.Client`` when one is
    connected, else Dask's default); a library error raised in a task is raised as itself."""
    dask = require_dask()
    return dask.compute(*values)


def _checked(part, what: str, options: dict) -> pd.DataFrame:
    from .readers import _finish, check_interactions, check_meetings
    df, name, first_row, notes = part
    check = check_interactions if what == "interactions" else check_meetings
    out, keep, rejected = check(df, name, first_row, **options)
    return _finish(out, keep, rejected, name, what, first_row, list(notes), len(df))


def _facts(table: pd.DataFrame, what: str) -> Facts:
    from ..graph import label_counts
    from ..names import count_names
    report = table.attrs["report"]
    names = count_names([table["source"], table["target"]] if what == "interactions" else [table["participant"]])
    dates = table["date"]
    return Facts(rows_read=report.rows_read, rows_used=report.rows_used,
                 reasons={str(k): int(v) for k, v in report.counts_by_reason().items()},
                 sample=[report.rejected.head(SAMPLE_ROWS)] if len(report.rejected) else [],
                 notes=[(report.file, note) for note in report.notes], names=names,
                 labels={c: label_counts([table], c) for c in ("programme", "type")},
                 first=dates.min() if len(dates) else None, last=dates.max() if len(dates) else None)


def _scanned(rows: int, dates: pd.Series, options: dict) -> Facts:
    """The first and last of ``dates`` (of ``rows`` rows), parsed by the reader's parser
    (no row rules): a build's first look."""
    from .dates import parse_dates
    if not pd.api.types.is_datetime64_any_dtype(dates) or isinstance(dates.dtype, pd.DatetimeTZDtype):
        # Text, or times with a zone (the reader converts them to UTC and drops the zone).
        try:
            dates = parse_dates(dates, name="", first_row=1, **options)[0]
        except Exception:  # the checked pass says what is wrong with the column
            dates = pd.Series([], dtype="datetime64[us]")
    dates = dates.dropna()
    return Facts(rows_read=rows, first=dates.min() if len(dates) else None, last=dates.max() if len(dates) else None)


def _scan_loaded(load, args: tuple, what: str, options: dict) -> Facts:
    """The first look at a partition loaded for the purpose (``load(*args)``), so that the
    loaded rows are let go as soon as their dates are looked at."""
    df = load(*args)[0]
    return _scanned(len(df), df["date"], options)


def _parquet_columns(header: list, what: str, columns, path: str) -> dict:
    """The file's own columns that hold dates and names, mapped as the reader maps them (a
    one-row probe): ``{"date": header, "source": header, ...}``."""
    from .columns import INTERACTION_ALIASES, MEETING_ALIASES, map_columns
    aliases, required = ((INTERACTION_ALIASES, ["date", "source", "target"]) if what == "interactions"
                         else (MEETING_ALIASES, ["event", "date", "participant"]))
    canonical = map_columns(pd.DataFrame([header], columns=header), aliases, required, path, columns).columns
    return {c: h for h, c in zip(header, canonical) if c in ("date", "source", "target", "participant")}


def _scan_parquet(path: str, groups: list, what: str, columns, options: dict, partition: dict | None = None) -> Facts:
    """The first look (:func:`_scanned`) at row groups of a Parquet file whose statistics
    do not give the dates (:func:`_date_statistics`): only the date column is read."""
    import pyarrow.parquet as pq
    try:
        file = pq.ParquetFile(path)
        names = list(file.schema_arrow.names)
        date_column = _parquet_columns(_with_partition(names, partition), what, columns, path)["date"]
        if date_column not in names:              # the dates are a folder's (date=...)
            return _scanned(1, pd.Series([partition[date_column]], dtype=object), options)
        dates = file.read_row_groups(groups, columns=[date_column]).column(date_column)
        ends = _iso_text_ends(dates)
        if ends is not None:
            return _scanned(len(dates), pd.Series(ends, dtype=object), options)
        # Any other text: every distinct cell parsed, as the reader parses them.
        dates = _dictionary_file(path).read_row_groups(groups, columns=[date_column]).column(date_column)
    except InputError:
        raise
    except Exception as err:
        raise InputError(f"cannot be read as Parquet ({type(err).__name__}: {err})", file=path) from None
    return _scanned(len(dates), dates.to_pandas(), options)


# Dates written as ISO 8601 text in one layout, without a zone ("2024-03-01", "2024-03-01
# 09:30", "2024-03-01T09:30:00.5"): for these, text order is time order.
_ISO_TEXT = r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?$"


def _iso_text_ends(dates) -> list | None:
    """The least and greatest cell of a column of text dates when they are all ISO 8601 of
    one length (so that the least and greatest text are the first and last date), else
    None: a first look then needs two cells parsed, not a million."""
    import pyarrow as pa
    import pyarrow.compute as pc
    if not (pa.types.is_string(dates.type) or pa.types.is_large_string(dates.type)) or dates.null_count == len(dates):
        return None
    lengths = pc.min_max(pc.utf8_length(dates))
    if lengths["min"].as_py() != lengths["max"].as_py() or not pc.all(pc.match_substring_regex(dates, _ISO_TEXT)).as_py():
        return None
    ends = pc.min_max(dates)
    return [ends["min"].as_py(), ends["max"].as_py()]


# Date columns whose Parquet statistics are read as the reader reads the column: dates and
# timestamps (pyarrow gives a nanosecond statistic as a pandas Timestamp, exactly).
_STATISTIC_UNITS = ("s", "ms", "us", "ns")


def _date_statistics(file, groups: list, date_column: str, options: dict) -> tuple | None:
    """The first and last date of these row groups from the file's own statistics (its
    footer: no row is read), parsed by the reader's date parser; None when the column is not
    a date or timestamp, a row group has no statistics, or a date is one the reader would
    reject.  The statistics cover every row, also those the rules will reject: the build
    checks the dates of the contacts used and runs again in the rare log where they differ."""
    import pyarrow as pa
    from .dates import parse_dates
    field = file.schema_arrow.field(date_column)
    if not (pa.types.is_date(field.type) or (pa.types.is_timestamp(field.type) and field.type.unit in _STATISTIC_UNITS)):
        return None
    meta = file.metadata
    index = [meta.schema.column(j).path for j in range(meta.num_columns)].index(date_column)
    low = high = None
    for g in groups:
        column = meta.row_group(g).column(index)
        stats = column.statistics
        if column.num_values == 0 or (stats is not None and stats.null_count == column.num_values):
            continue                                  # no date in this group
        if stats is None or not stats.has_min_max:
            return None
        low = stats.min if low is None else min(low, stats.min)
        high = stats.max if high is None else max(high, stats.max)
    if low is None:
        return None
    try:
        parsed = parse_dates(pa.array([low, high], type=field.type).to_pandas(), name="", first_row=1, **options)[0]
    except Exception:  # the checked pass says what is wrong with the column
        return None
    return None if parsed.isna().any() else (parsed.iloc[0], parsed.iloc[1])


def _rejected(table: pd.DataFrame) -> pd.DataFrame:
    rejected = table.attrs["report"].rejected
    return rejected.astype({"row": "int64"}).astype({c: object for c in ("file", "column", "value", "reason")})


def _plain(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].astype(str)
    out.attrs = {}
    return out


def source_files(source) -> list:
    """The files a path, glob or folder names, sorted; an error when there are none."""
    text = str(source)
    if any(c in text for c in "*?["):
        files = sorted(glob.glob(text, recursive=True))
        files = [f for f in files if Path(f).is_file()]
        if not files:
            raise InputError("no file matches this pattern", file=text)
        return files
    path = Path(text)
    if not path.exists():
        raise InputError("file not found", file=text)
    if path.is_dir():
        files = sorted(str(p) for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(READABLE)
                       and not p.name.startswith((".", "_")))
        if not files:
            raise InputError(f"folder holds no file to read ({', '.join(READABLE)})", file=text)
        return files
    return [text]


def partition_values(path: str, source) -> dict:
    """The columns a Hive-style folder layout gives a file (``logs/type=email/part0.parquet``:
    ``{"type": "email"}``), from the folders between ``source`` (a folder, or a glob's
    folder before its first wildcard) and the file, as Spark, Hive and pyarrow write them;
    Hive's name for a missing value is an empty cell."""
    from urllib.parse import unquote
    text = str(source)
    if any(c in text for c in "*?["):
        parts = Path(text).parts
        root = Path(*parts[:next(i for i, p in enumerate(parts) if any(c in p for c in "*?["))] or ".")
    elif Path(text).is_dir():
        root = Path(text)
    else:
        return {}
    try:
        folders = Path(path).parent.relative_to(root).parts
    except ValueError:
        return {}
    values = {}
    for folder in folders:
        key, equals, value = folder.partition("=")
        if equals and key:
            value = unquote(value)
            values[unquote(key)] = "" if value == "__HIVE_DEFAULT_PARTITION__" else value
    return values


def _with_partition(header: list, partition: dict | None) -> list:
    return header + [k for k in (partition or {}) if k not in header]


def _partition_dates(value: str, options: dict) -> tuple | None:
    """The first and last date of a file whose dates are one folder's (``date=2024-03-01``)."""
    facts = _scanned(1, pd.Series([value], dtype=object), options)
    return None if facts.first is None else (facts.first, facts.last)


def _parquet_runs(path: str, what: str, columns, options: dict, partition: dict | None = None) -> list:
    """Row groups of a Parquet file in runs of about ROWS_PER_PARTITION rows, each with its
    first and last date from the file's statistics (see :func:`_date_statistics`; None when
    they cannot say): ``[(groups, offset, dates)]``.  Reads the file's footer only."""
    import pyarrow.parquet as pq
    try:
        file = pq.ParquetFile(path)
        meta = file.metadata
    except Exception as err:  # pyarrow raises ArrowInvalid, OSError and others on a damaged file
        raise InputError(f"cannot be read as Parquet ({type(err).__name__}: {err})", file=path) from None
    runs, current, rows, offset = [], [], 0, 0
    for i in range(meta.num_row_groups):
        current.append(i)
        rows += meta.row_group(i).num_rows
        if rows >= ROWS_PER_PARTITION:
            runs.append((current, offset))
            offset += rows
            current, rows = [], 0
    if current or not runs:
        runs.append((current, offset))
    try:
        names = list(file.schema_arrow.names)
        date_column = _parquet_columns(_with_partition(names, partition), what, columns, path)["date"]
        dates = [(_partition_dates(partition[date_column], options) if date_column not in names
                  else _date_statistics(file, groups, date_column, options)) for groups, _ in runs]
    except Exception:  # the checked pass says what is wrong with the file
        dates = [None] * len(runs)
    return [(groups, offset, first_last) for (groups, offset), first_last in zip(runs, dates)]


def _dictionary_file(path: str, but=(), schema=None):
    """The Parquet file, its text columns (``but`` these) read as dictionaries (as Parquet
    stores them by default): they arrive as Categoricals, each distinct name made into a
    string once.  ``schema``: the file's, when already read."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    schema = schema if schema is not None else pq.read_schema(path)
    text = [f.name for f in schema if (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))
            and f.name not in but]
    return pq.ParquetFile(path, read_dictionary=text)


def _iso_dates(table, column: str):
    """``table`` with its text ``column`` of dates read as times when Arrow reads every cell
    as an ISO 8601 date or time without a zone (as the CSV loader does), else as a
    dictionary (the reader then parses each distinct cell): a column of a million distinct
    times is never a million-entry dictionary to sort."""
    import pyarrow as pa
    import pyarrow.compute as pc
    dates = table.column(column)
    if not (pa.types.is_string(dates.type) or pa.types.is_large_string(dates.type)):
        return table
    where = table.schema.get_field_index(column)
    try:
        if _iso_text_ends(dates) is None:
            raise ValueError("not ISO 8601 of one layout")
        read = pc.cast(dates, pa.timestamp("us"))
    except (ValueError, pa.ArrowInvalid, pa.ArrowNotImplementedError):
        read = pc.dictionary_encode(dates)
    # Without the file's pandas metadata, which would turn the column back into text.
    return table.set_column(where, column, read).replace_schema_metadata(None)


def _load_parquet(path: str, groups: list, offset: int, what: str, columns, partition: dict | None = None) -> tuple:
    import pyarrow.parquet as pq
    from .columns import INTERACTION_ALIASES, MEETING_ALIASES, map_columns
    try:
        schema = pq.read_schema(path)
        header = list(schema.names)
        date_column = _parquet_columns(_with_partition(header, partition), what, columns, path).get("date")
        if groups:
            table = _dictionary_file(path, but=(date_column,), schema=schema).read_row_groups(groups)
            df = (_iso_dates(table, date_column) if date_column in header else table).to_pandas()
        else:
            df = _dictionary_file(path, schema=schema).schema_arrow.empty_table().to_pandas()
    except InputError:
        raise
    except Exception as err:  # as in load_table: a damaged file is one clear error
        raise InputError(f"cannot be read as Parquet ({type(err).__name__}: {err})", file=path) from None
    for key, value in (partition or {}).items():
        if key not in df.columns:
            # A folder's value for every row of its files (one category, not a string per row).
            df[key] = pd.Categorical.from_codes(np.zeros(len(df), dtype=np.int8), categories=[value])
    aliases, required = ((INTERACTION_ALIASES, ["date", "source", "target"]) if what == "interactions"
                         else (MEETING_ALIASES, ["event", "date", "participant"]))
    return map_columns(df, aliases, required, path, columns), path, offset + 1, []


def _load_file(path: str, what: str, columns, sheet, no_header) -> tuple:
    from .readers import load_interactions, load_meetings
    load = load_interactions if what == "interactions" else load_meetings
    return load(path, columns=columns, sheet=sheet, no_header=no_header)


def _dask_part(frame, index: int, what: str, columns) -> tuple:
    from .columns import INTERACTION_ALIASES, MEETING_ALIASES, map_columns
    aliases, required = ((INTERACTION_ALIASES, ["date", "source", "target"]) if what == "interactions"
                         else (MEETING_ALIASES, ["event", "date", "participant"]))
    name = f"DataFrame partition {index}"
    return map_columns(frame.reset_index(drop=True), aliases, required, name, columns), name, 1, []


def read_lazy(source, what: str, *, columns=None, day_first=False, month_first=False, time_unit=None, epoch=None,
              no_header=False, sheet=None) -> LazyLog:
    """``read_interactions(..., engine="dask")`` and ``read_meetings``: a :class:`LazyLog`."""
    dask = require_dask()
    options = {"day_first": day_first, "month_first": month_first, "time_unit": time_unit, "epoch": epoch}
    if day_first and month_first:
        raise InputError("day_first and month_first cannot both be set")
    if isinstance(source, LazyLog):
        return source
    if isinstance(source, pd.DataFrame):
        import dask.dataframe as dd
        source = dd.from_pandas(source, npartitions=1)
    if hasattr(source, "to_delayed") and hasattr(source, "npartitions"):
        if what == "meetings" and source.npartitions > 1:
            # A meeting's rows must stay together for the rules about a meeting as a whole
            # (a partition holding one of its attendees would reject it as a meeting of
            # one): a register is one partition, as a register file is.
            source = source.repartition(npartitions=1)
        loads = [(_dask_part, (frame, i, what, columns)) for i, frame in enumerate(source.to_delayed())]
        return LazyLog(loads, what, "DataFrame", options)
    loads, scans = [], []
    if what == "meetings" and any(str(f).lower().endswith(".ics") for f in source_files(source)):
        raise InputError("a calendar (.ics) is read in memory: give it without the Dask engine", file=str(source))
    for path in source_files(source):
        if path.lower().endswith(".parquet"):
            # A meeting's rows must stay together for the rules about a meeting as a whole:
            # a register file is one partition, as in memory.
            partition = partition_values(path, source)
            runs = (_parquet_runs(path, what, columns, options, partition) if what == "interactions"
                    else [(None, 0, None)])
            for groups, offset, first_last in runs:
                if groups is None:
                    loads.append((_load_file, (path, what, columns, sheet, no_header)))
                    scans.append(dask.delayed(_scan_loaded)(*loads[-1], what, options))
                else:
                    loads.append((_load_parquet, (path, groups, offset, what, columns, partition)))
                    # With the dates from the file's statistics there is nothing to look at
                    # first: the partition is read once, by its checked pass.
                    scans.append(Facts(first=first_last[0], last=first_last[1]) if first_last is not None
                                 else dask.delayed(_scan_parquet)(path, groups, what, columns, options, partition))
        else:
            loads.append((_load_file, (path, what, columns, sheet, no_header)))
            scans.append(dask.delayed(_scan_loaded)(*loads[-1], what, options))
    return LazyLog(loads, what, str(source), options, scans=scans)
