"""Read interaction logs, meeting registers and actor registries, and account for every row.

Each reader accepts a path (CSV, TSV, XLSX, Parquet, JSON lines, or ``.gz`` of the text
formats) or a pandas DataFrame, and returns a DataFrame with the canonical columns of the
contract.  Rows that cannot be used are not dropped silently: they are listed, with file,
row number, column and reason, in the :class:`ReadReport` found in ``df.attrs["report"]``.

Row numbers are the ones a person sees when opening the file: for CSV/TSV/XLSX the header
is row 1 and the first data row is row 2; for JSON lines the first line is row 1; for
Parquet files and DataFrames the first record is row 1.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ._codes import blank, code_dtype, counts, distinct, is_categorical, relabel, relabel_columns, share_categories
from .errors import AmbiguousDateError, InputError, MissingColumnError, RegistryError

__all__ = [
    "ReadReport",
    "read_interactions",
    "read_meetings",
    "read_actors",
    "INTERACTION_ALIASES",
    "MEETING_ALIASES",
    "ACTOR_ALIASES",
    "Inputs",
    "read_inputs",
    "actor_spellings",
    "meeting_numbers",
]

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

SENTIMENT_WORDS = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}
_TEXT_SUFFIXES = {".csv", ".tsv", ".tab", ".txt", ".dat", ".jsonl", ".ndjson", ".json"}
_JSON_SUFFIXES = {".jsonl", ".ndjson", ".json"}
_SLASH_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})(?:[ T].*)?$")
_DAY_FIRST_FORMATS = ["%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"]
_MONTH_FIRST_FORMATS = ["%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m-%d-%Y", "%m.%d.%Y", "%m/%d/%y"]


@dataclass(eq=False)
class ReadReport:
    """What one reader did with one input: rows read, used, and rejected with reasons.

    ``rejected`` is a DataFrame with columns ``file``, ``row``, ``column``, ``value`` and
    ``reason``; ``rows_read == rows_used + len(rejected)`` always holds.
    """

    file: str
    what: str
    rows_read: int = 0
    rows_used: int = 0
    rejected: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["file", "row", "column", "value", "reason"])
    )
    notes: list = field(default_factory=list)

    def __deepcopy__(self, memo):
        # pandas deep-copies ``attrs`` on every operation; a report is final once made,
        # so sharing it is safe and keeps large rejected tables from being copied.
        return self

    def counts_by_reason(self) -> pd.Series:
        """Number of rejected rows per reason, most common first."""
        if self.rejected.empty:
            return pd.Series(dtype="int64", name="rows")
        return self.rejected["reason"].value_counts().rename("rows")

    def to_dict(self) -> dict:
        """A JSON-ready summary: counts, reasons and every rejected row."""
        return {
            "file": self.file,
            "what": self.what,
            "rows_read": int(self.rows_read),
            "rows_used": int(self.rows_used),
            "rows_rejected": int(len(self.rejected)),
            "rejected_by_reason": {k: int(v) for k, v in self.counts_by_reason().items()},
            "notes": list(self.notes),
            "rejected": [
                {k: (None if pd.isna(v) else (int(v) if k == "row" else str(v))) for k, v in r.items()}
                for r in self.rejected.to_dict("records")
            ],
        }


# ---------------------------------------------------------------------------
# Loading a table from a path or a DataFrame
# ---------------------------------------------------------------------------

def _norm_header(name) -> str:
    return re.sub(r"[\s_\-]+", "", str(name).strip().lower())


def _sniff_separator(first_line: str, suffix: str) -> str:
    if suffix in {".tsv", ".tab"}:
        return "\t"
    counts = {sep: first_line.count(sep) for sep in [",", "\t", ";", "|"]}
    best = max(counts, key=counts.get)
    if counts[best] > 0:
        return best
    if re.search(r"\S\s+\S", first_line):
        return r"\s+"
    return ","


def _decode(data: bytes, name: str, notes: list) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" as Windows-1252; decoding it that way keeps names
        # such as "Café Connect" intact instead of failing the whole file.
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as err:
            raise InputError(
                f"is neither UTF-8 nor Windows-1252 text (undecodable byte at offset {err.start}); "
                "save it as CSV UTF-8", file=name) from err
        notes.append("read as Windows-1252 (not valid UTF-8)")
        return text


def _load_text_table(path: Path, name: str, notes: list, kinds=None) -> tuple[pd.DataFrame, int]:
    suffix = path.suffix.lower()
    compressed = suffix == ".gz"
    if compressed:
        suffix = Path(path.stem).suffix.lower()
    fast = _read_plain_utf8(path, suffix, compressed, kinds)
    if fast is not None:
        return fast, 2
    raw = path.read_bytes()
    if compressed:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as err:
            raise InputError(f"is not a readable gzip file ({err})", file=name) from err
    if not raw[:65536].strip() and not raw.strip():
        raise InputError("is empty: no header and no rows", file=name)
    problem = _not_text(raw[:8192])
    if problem:
        raise InputError(problem, file=name)
    if raw.startswith(_UTF16_BOMS):
        try:
            raw = raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as err:
            raise InputError("starts like UTF-16 text but is not: a binary file?", file=name) from err
        notes.append("read as UTF-16")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]                        # UTF-8 byte order mark, as Excel writes it
    if suffix in _JSON_SUFFIXES:
        return _with_encoding_fallback(raw, name, notes, lambda data: _read_json_lines(data, name)), 1
    sep = _sniff_separator(_first_line(raw), suffix)
    try:
        df = _with_encoding_fallback(raw, name, notes, lambda data: _read_delimited(data, sep, "utf-8", kinds))
    except (pd.errors.ParserError, csv.Error) as err:
        detail = _extra_cells(raw, sep, "utf-8") or " ".join(str(err).split())
        raise InputError(f"cannot be parsed as {'tab' if sep == chr(9) else repr(sep)}-separated text ({detail})",
                         file=name) from err
    except pd.errors.EmptyDataError as err:
        raise InputError("is empty: no header and no rows", file=name) from err
    return df, 2


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _not_text(head: bytes) -> str:
    """Why a file starting with ``head`` is not a text table ("" if it may be one)."""
    if head.startswith(b"PK\x03\x04"):
        return "is an Excel (XLSX) or zip file, not text; give it the .xlsx extension"
    if head.startswith(b"PAR1"):
        return "is a Parquet file, not text; give it the .parquet extension"
    if b"\x00" in head and not head.startswith(_UTF16_BOMS):
        return "is a binary file, not CSV/TSV text"
    return ""


def _first_line(raw: bytes) -> str:
    return raw[:raw.find(b"\n") if b"\n" in raw[:65536] else 65536].decode("utf-8", "replace").rstrip("\r")


def _read_plain_utf8(path: Path, suffix: str, compressed: bool, kinds) -> pd.DataFrame | None:
    """The fast path for the usual log: UTF-8 delimited text straight from disk, read by
    pyarrow's multithreaded reader without first loading the whole file into Python (see
    :func:`_read_with_arrow`).  None when it does not apply."""
    if suffix in _JSON_SUFFIXES:
        return None
    try:
        with (gzip.open(path) if compressed else open(path, "rb")) as handle:
            head = handle.read(65536)
    except (OSError, EOFError):
        return None
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    # Empty, binary or UTF-16: the general reader says what is wrong or converts it.
    if not head.strip() or _not_text(head[:8192]) or head.startswith(_UTF16_BOMS) or b"\x00" in head:
        return None
    sep = _sniff_separator(_first_line(head), suffix)
    return _read_with_arrow(lambda: path, head, sep, kinds)


def _read_with_arrow(source, head: bytes, sep: str, kinds) -> pd.DataFrame | None:
    """Read delimited UTF-8 text with pyarrow's multithreaded CSV reader, every cell as text.

    ``source()`` gives the file (a path or a buffer) afresh for each attempt; ``head`` is
    its start.  ``kinds(header)`` says which columns hold dates and which free text.  Free
    text (notes: nearly every value distinct) is read as strings; every other column is
    dictionary-encoded, so it arrives as a pandas Categorical holding each distinct name
    once.  A date column whose first rows are plain ISO dates is parsed as it is read; if a
    later cell is not, the file is read again with the dates as text, for the general date
    parser to report.  Returns None when pyarrow is missing or refuses the file (not UTF-8,
    ragged rows, line breaks inside quotes, duplicate headers...): pandas' reader then
    reads it and says what is wrong.
    """
    if sep == r"\s+":
        return None
    try:
        import pyarrow as pa
        import pyarrow.csv as pcsv
    except ImportError:
        return None
    header = next(csv.reader([_first_line(head)], delimiter=sep), [])
    if not header or len(set(header)) != len(header) or "" in header:
        return None
    kind = kinds(header) if kinds else {}
    dictionary = pa.dictionary(pa.int32(), pa.string())
    types = {h: pa.string() if kind.get(h) in ("text", "date") else dictionary for h in header}
    dates = [h for h in header if kind.get(h) == "date" and _iso_sample(head, sep, header.index(h))]
    table = None
    for attempt in ([{**types, **{h: pa.timestamp("us") for h in dates}}] if dates else []) + [types]:
        try:
            table = pcsv.read_csv(
                source(),
                parse_options=pcsv.ParseOptions(delimiter=sep),
                convert_options=pcsv.ConvertOptions(
                    column_types=attempt, null_values=[""],
                    strings_can_be_null=False, quoted_strings_can_be_null=False))
            break
        except (pa.ArrowException, OSError, ValueError):
            continue
    if table is None:
        return None
    known = all(pa.types.is_string(t) or pa.types.is_dictionary(t) or pa.types.is_timestamp(t)
                for t in table.schema.types)
    if table.column_names != header or not known:
        return None
    return _arrow_frame(table)


def _arrow_frame(table) -> pd.DataFrame:
    """A pyarrow table as a DataFrame; dictionary-encoded columns become Categoricals.

    Done column by column rather than by ``Table.to_pandas``: each column's dictionaries
    (one per block the reader parsed in parallel) are unified once, and the codes go into
    the smallest integer type with plain-object categories (which the readers clean and
    look up next).  This took a third of the time ``to_pandas`` took.
    """
    import pyarrow as pa
    columns = {}
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_dictionary(column.type) and column.num_chunks and not column.null_count:
            column = column.unify_dictionaries()
            categories = pd.Index(column.chunk(0).dictionary.to_pylist(), dtype=object)
            codes = pa.chunked_array([chunk.indices for chunk in column.chunks], type=column.type.index_type)
            columns[name] = pd.Categorical.from_codes(codes.to_numpy().astype(code_dtype(len(categories)), copy=False),
                                                      dtype=pd.CategoricalDtype(categories), validate=False)
        else:
            columns[name] = column.to_pandas()
        # Each Arrow column is let go once converted: the peak stays near one copy.
        table = table.drop_columns([name]) if hasattr(table, "drop_columns") else table.drop([name])
    return pd.DataFrame(columns, copy=False)


_PLAIN_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)?$")


def _iso_sample(head: bytes, sep: str, position: int, rows: int = 200) -> bool:
    """Do the first rows of column ``position`` hold plain ISO dates (or nothing)?"""
    lines = head.decode("utf-8", "replace").splitlines()[1:rows + 1]
    if len(lines) > 1 and not head.endswith(b"\n"):
        lines = lines[:-1]                       # the last line may be cut short
    cells = [record[position] for record in csv.reader(lines, delimiter=sep) if len(record) > position]
    return bool(cells) and all(_PLAIN_ISO.match(cell) or cell == "" for cell in cells)


def _with_encoding_fallback(raw: bytes, name: str, notes: list, read):
    """Read as UTF-8; if that fails on an undecodable byte, as Windows-1252 (Excel's "CSV").

    No separate pass to validate UTF-8: the reader itself refuses bad bytes, which saves
    a full-size copy of the file in memory.
    """
    try:
        return read(raw)
    except UnicodeDecodeError:
        return read(_decode(raw, name, notes).encode("utf-8"))


def _read_json_lines(raw: bytes, name: str) -> pd.DataFrame:
    try:
        df = pd.read_json(io.BytesIO(raw), lines=True, dtype=False, encoding="utf-8")
    except UnicodeDecodeError:
        raise
    except ValueError as err:
        raise InputError(f"is not valid JSON lines ({err})", file=name) from err
    return df.astype(object).where(df.notna(), "")


def _buffer(raw: bytes):
    import pyarrow as pa
    return pa.BufferReader(raw)       # reads the bytes in place, no copy


def _read_delimited(raw: bytes, sep: str, encoding: str, kinds=None) -> pd.DataFrame:
    """All cells as text: pyarrow's reader on the bytes (UTF-8 by now: re-encoded from
    Windows-1252 or UTF-16 if need be), and pandas' C reader for what pyarrow refuses."""
    if encoding == "utf-8":
        df = _read_with_arrow(lambda: _buffer(raw), raw[:65536], sep, kinds)
        if df is not None:
            return df
    # index_col=False: a row with more cells than the header must not silently turn the
    # first columns into an index; pandas warns instead, and that warning is an error here.
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            return pd.read_csv(io.BytesIO(raw), sep=sep, dtype=str, keep_default_na=False, index_col=False,
                               engine="c" if sep != r"\s+" else "python", encoding=encoding)
        except pd.errors.ParserWarning as warning:
            raise pd.errors.ParserError(str(warning)) from None


def _extra_cells(raw: bytes, sep: str, encoding: str) -> str:
    """Say which row has more cells than the header (rows counted as a spreadsheet shows them)."""
    if sep == r"\s+":
        return ""
    records = csv.reader(io.StringIO(raw.decode(encoding, "replace")), delimiter=sep)
    header = next(records, [])
    for number, record in enumerate(records, start=2):
        if len(record) > len(header):
            return (f"row {number} has {len(record)} cells but the header names {len(header)} columns; "
                    f"is there an unquoted '{sep}' in a name?")
    return ""


def load_table(source, what: str = "table", kinds=None) -> tuple[pd.DataFrame, str, int, list]:
    """Load ``source`` (path or DataFrame) as a table of raw values.

    Returns ``(frame, name, first_row_number, notes)`` where ``first_row_number`` is the row
    number a person sees for the frame's first record.  Delimited text may come back with
    Categorical columns, and with dates already parsed; ``kinds(header)`` maps the date
    columns to ``"date"`` and free-text columns to ``"text"`` (kept as plain strings).
    """
    notes: list = []
    if isinstance(source, pd.DataFrame):
        return source.reset_index(drop=True), "DataFrame", 1, notes
    path = Path(source)
    name = str(source)
    if not path.exists():
        raise InputError("file not found", file=name)
    if path.is_dir():
        raise InputError("is a folder, not a file", file=name)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        try:
            df = pd.read_excel(path, dtype=object)
        except Exception as err:  # openpyxl raises many kinds for a broken workbook
            raise InputError(f"cannot be read as an Excel workbook ({type(err).__name__}: {err})",
                             file=name) from err
        df = df.dropna(how="all")
        df = df.map(_excel_cell_text)
        return df, name, 2, notes
    if suffix == ".parquet":
        try:
            df = pd.read_parquet(path)
        except Exception as err:  # pyarrow raises ArrowInvalid and OSError among others
            raise InputError(f"cannot be read as Parquet ({type(err).__name__}: {err})", file=name) from err
        return df, name, 1, notes
    if suffix in _TEXT_SUFFIXES or suffix == ".gz" or suffix == "":
        df, first = _load_text_table(path, name, notes, kinds)
        return df, name, first, notes
    raise InputError(f"has an unknown extension '{suffix}'; use .csv, .tsv, .xlsx, .parquet, .jsonl "
                     "or .gz of a text format", file=name)


def _excel_cell_text(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


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
            f"columns are: {', '.join(map(str, df.columns))}", file=name, column=missing[0])
    return df


def meeting_numbers(event, date) -> np.ndarray:
    """One number per register row for its meeting: a meeting is an event name and a date
    together ("Diabetes board" on 3 May and on 7 June are two meetings)."""
    events = distinct(event)[0].astype(np.int64)
    days = pd.factorize(np.asarray(date).view(np.int64))[0]        # a date's integer, in its own unit
    # Event code -1 (no name) gives negative keys, apart from every named event's.
    return pd.factorize(events * (int(days.max()) + 1 if len(days) else 1) + days)[0]


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


# ---------------------------------------------------------------------------
# Cell parsing: vectorised, each returns values plus a per-row reason (or "")
# ---------------------------------------------------------------------------

def _text(series: pd.Series) -> pd.Series:
    """Cells as trimmed text with inner runs of white space folded; missing -> "".

    Returned as a Categorical: each distinct value is cleaned and stored once (a log of a
    million rows names a few thousand actors), and values that differ only in spacing
    become one category.
    """
    return _texts(series)[0]


def _texts(*columns: pd.Series) -> list:
    """:func:`_text` of several columns, onto one sorted set of categories (``source`` and
    ``target`` of a log): their rows then compare by code."""
    return relabel_columns(*columns, labels_of=_clean_text)


def _clean_text(uniques: pd.Index) -> list:
    # str.split() with no argument splits on the same white space as the regular
    # expression \s (Unicode's, non-breaking space included), and drops it at both ends.
    return [" ".join(str(value).split()) for value in uniques.tolist()]


def _optional_columns(df: pd.DataFrame, out: dict, reasons: dict, text_columns: list) -> None:
    """The optional columns of a log or register into ``out``: text columns as cleaned
    Categoricals (``""`` when absent), and ``weight`` (1 when absent, reasons for bad ones)."""
    for column in text_columns:
        out[column] = _text(df[column]) if column in df.columns else blank(len(df))
    if "weight" in df.columns:
        out["weight"], reasons["weight"] = parse_weights(df["weight"])
    else:
        out["weight"] = np.ones(len(df))


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


_ISO_SHAPES = {10: "%Y-%m-%d", 16: "%Y-%m-%d %H:%M", 19: "%Y-%m-%d %H:%M:%S"}


def _fast_iso(values: pd.Series) -> pd.Series | None:
    """Parse ISO dates with pyarrow; None when pyarrow cannot take the column.

    First a cast of the whole column with Arrow's ISO 8601 parser (about 20x faster than
    pandas' general one; it accepts dates and ``T`` or space separated times, and fails
    on any other cell).  Failing that, one plain shape read with ``strptime`` where
    cells that do not fit become NaT, then pandas' general parser for those cells only.
    """
    try:
        import pyarrow as pa
    except ImportError:
        return None
    if is_categorical(values):
        values = values.astype(object)
    try:
        array = (pa.array(values.array) if hasattr(values.array, "__arrow_array__")
                 else pa.array(values.to_numpy(dtype=object), from_pandas=True))
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return None
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return None
    try:
        parsed = array.cast(pa.timestamp("us"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        parsed = _iso_shape(array, values)
        if parsed is None:
            return None
    out = pd.Series(parsed.to_numpy(zero_copy_only=False), index=values.index, copy=False).astype("datetime64[us]")
    if parsed.null_count == 0:
        return out
    failed = out.isna() & values.notna()
    if failed.any():
        out[failed] = (pd.to_datetime(values[failed], format="ISO8601", errors="coerce", utc=True)
                       .dt.tz_localize(None).astype("datetime64[us]"))
    return out


def _iso_shape(array, values: pd.Series):
    """The column read in the ISO shape of its first cell (cells of other shapes -> null)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    sample = values.iloc[:1000].dropna()
    sample = sample[sample.astype(str).str.len() > 0]
    if sample.empty:
        return None
    first = str(sample.iloc[0]).replace("T", " ")
    fmt = _ISO_SHAPES.get(len(first))
    if fmt is None:
        return None
    try:
        if "T" in str(sample.iloc[0]):
            array = pc.replace_substring(array, "T", " ", max_replacements=1)
        return pc.strptime(array, format=fmt, unit="us", error_is_null=True)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, TypeError, ValueError):
        return None


def parse_dates(values: pd.Series, *, day_first: bool = False, month_first: bool = False,
                name: str = "", column: str = "date", first_row: int = 2) -> tuple[pd.Series, pd.Series]:
    """Parse a date column; return ``(datetimes, reasons)`` (reasons only for failing rows).

    ISO 8601 dates and datetimes are always accepted (time zones are converted to UTC and
    dropped).  ``dd/mm/yyyy`` only with ``day_first=True``, ``mm/dd/yyyy`` only with
    ``month_first=True``; without either, a column written that way raises
    :class:`AmbiguousDateError` rather than guess.  Unparseable cells get a reason.
    """
    if day_first and month_first:
        raise InputError("day_first and month_first cannot both be set")
    parsed, reasons = _parse_dates(values, day_first=day_first, month_first=month_first, name=name,
                                   column=column, first_row=first_row)
    return _within_range(parsed, reasons, values)


# A contact dated outside these whole years is a typo ("3024") that would set as_of
# centuries away; and pandas' nanosecond datetimes (which many of its operations still
# convert to) hold only 1677-09-21 to 2262-04-11.
_EARLIEST, _LATEST = pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31 23:59:59.999999")


def _within_range(parsed: pd.Series, reasons: pd.Series, values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Reject dates outside 1678-2261 with a reason.  The dates stay in microseconds:
    converting a million of them to nanoseconds costs a pass and a new column for nothing."""
    if parsed.min() >= _EARLIEST and parsed.max() <= _LATEST or parsed.isna().all():   # the usual case
        return parsed, reasons
    outside = parsed.notna() & ((parsed < _EARLIEST) | (parsed > _LATEST))
    if outside.any():
        text = _cell_text(values[outside]).str.strip()
        reasons = _first_reason(reasons, _sparse(outside, "date '" + text + "' is outside the years 1678 to 2261"))
        parsed = parsed.where(~outside)
    return parsed, reasons


def _parse_dates(values: pd.Series, *, day_first: bool, month_first: bool, name: str, column: str,
                 first_row: int) -> tuple[pd.Series, pd.Series]:
    """:func:`parse_dates` before the range check, in microseconds (years 1 to 9999)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        if getattr(values.dtype, "tz", None) is not None:
            values = values.dt.tz_convert("UTC").dt.tz_localize(None)
        parsed = values.astype("datetime64[us]")
        return parsed, _sparse(parsed.isna(), "missing date")
    parsed = _fast_iso(values)
    if parsed is None:
        parsed = pd.to_datetime(values, format="ISO8601", errors="coerce", utc=True).dt.tz_localize(None)
        parsed = parsed.astype("datetime64[us]")
    # Only the cells ISO 8601 could not read are cleaned and looked at again; all that
    # follows works on those rows alone (none, in a clean log).
    failed = parsed.isna()
    if not failed.any():
        return parsed, _NO_REASONS
    text = _text(values[failed])
    retry = text != ""
    if retry.any():
        parsed[text.index[retry]] = pd.to_datetime(text[retry], format="ISO8601", errors="coerce",
                                                   utc=True).dt.tz_localize(None)
    todo = parsed[text.index].isna() & (text != "")
    if todo.any():
        slashy = text[todo].str.match(_SLASH_DATE.pattern)
        if slashy.any() and not (day_first or month_first):
            first = slashy[slashy].index[0]
            parts = text[slashy[slashy].index].str.extract(_SLASH_DATE.pattern).astype(float)
            hint = ""
            if (parts[0] > 12).any():
                hint = " (values such as '{}' suggest day-first)".format(text[parts[0].idxmax()])
            elif (parts[1] > 12).any():
                hint = " (values such as '{}' suggest month-first)".format(text[parts[1].idxmax()])
            raise AmbiguousDateError(
                f"'{text[first]}' could be day/month or month/day{hint}; write dates as YYYY-MM-DD, "
                "or say which with --day-first / day_first=True (UK) or --month-first / month_first=True",
                file=name, column=column, row=int(first) + first_row)
        formats = _DAY_FIRST_FORMATS if day_first else _MONTH_FIRST_FORMATS if month_first else []
        for fmt in formats:
            still = parsed[text.index].isna() & (text != "")
            if not still.any():
                break
            parsed[still[still].index] = pd.to_datetime(text[still], format=fmt, errors="coerce")
    missing = parsed[text.index].isna()
    if not missing.any():
        return parsed, _NO_REASONS
    bad = missing & (text != "")
    # A well-formed date in a year pandas cannot hold (older pandas will not even parse
    # it) is said to be out of range, as the range check says of the ones it parsed.
    outside = bad & _year_outside(text)
    bad = bad & ~outside
    reasons = pd.concat([_sparse(missing & (text == ""), "missing date"),
                         _sparse(outside, "date '" + text[outside].astype(str) + "' is outside the years 1678 to 2261"),
                         _sparse(bad, "unparseable date '" + text[bad].astype(str) + "'")])
    return parsed, reasons


def _year_outside(text: pd.Series) -> pd.Series:
    """Cells shaped like a date (``YYYY-MM-DD...`` or ``DD/MM/YYYY...``) whose four-digit
    year is outside 1678 to 2261."""
    text = text.astype(str)
    iso = pd.to_numeric(text.str.extract(r"^\s*(\d{4})-\d{1,2}-\d{1,2}", expand=False), errors="coerce")
    slash = pd.to_numeric(text.str.extract(r"^\s*\d{1,2}[/.\-]\d{1,2}[/.\-](\d{4})(?:[ T]|$)", expand=False),
                          errors="coerce")
    year = iso.where(iso.notna(), slash)
    return (year < _EARLIEST.year) | (year > _LATEST.year)


def _per_distinct(text: pd.Series, convert) -> tuple[pd.Series, np.ndarray]:
    """Apply ``convert`` to each distinct value once and spread the result over the rows;
    also return the converted distinct values (to judge them once, not row by row)."""
    codes, uniques = distinct(text)
    converted = convert(pd.Series(np.asarray(uniques, dtype=object), dtype=object)).to_numpy(dtype=float)
    return pd.Series(np.append(converted, np.nan)[codes], index=text.index, copy=False), converted


def parse_weights(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Positive finite numbers; empty means 1.  Returns ``(weights, reasons for failing rows)``."""
    text = _text(values)
    num, number = _per_distinct(text, lambda u: pd.to_numeric(u.where(u != "", "1"), errors="coerce").astype(float))
    # Each distinct cell judged once; rows are looked at only if one fails.
    with np.errstate(invalid="ignore"):
        failing = np.isnan(number) | ~(np.isfinite(number) & (number > 0))
    if not failing.any():
        return num, _NO_REASONS
    nan = num.isna()
    bad = ~nan & ~(np.isfinite(num) & (num > 0))
    reasons = pd.concat([_sparse(nan, "weight '" + text[nan].astype(str) + "' is not a number"),
                         _sparse(bad, "weight " + text[bad].astype(str) + " is not a positive number")])
    return num, reasons


def parse_sentiment(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers in [-1, 1] or the words negative/neutral/positive; empty means not recorded."""
    text = _text(values)

    def convert(u):
        words = u.str.lower().map(SENTIMENT_WORDS).astype(float)
        return words.fillna(pd.to_numeric(u.where(words.isna() & (u != "")), errors="coerce").astype(float))

    out, _ = _per_distinct(text, convert)
    bad = (text != "") & (out.isna() | (out < -1) | (out > 1))
    reasons = _sparse(bad, "sentiment '" + text[bad].astype(str)
                      + "' is not a number in [-1, 1] or negative/neutral/positive")
    return out, reasons


_NO_REASONS = pd.Series(dtype=object)


def _sparse(mask: pd.Series, reason) -> pd.Series:
    """Reasons for the rows where ``mask`` holds, indexed by those rows only.

    Reasons are kept sparse: a million-row log with a handful of bad rows should not build
    a million-element column of empty strings per check.
    """
    rows = mask.index[mask.to_numpy(dtype=bool)]
    if isinstance(reason, pd.Series):
        return pd.Series(reason.reindex(rows).to_numpy(dtype=object), index=rows, dtype=object)
    return pd.Series(reason, index=rows, dtype=object)


def _first_reason(*reasons: pd.Series) -> pd.Series:
    """Merge sparse reasons for one column: the first one given wins for a row."""
    merged = pd.concat([r for r in reasons if len(r)]) if any(len(r) for r in reasons) else _NO_REASONS
    return merged[~merged.index.duplicated(keep="first")]


def _cell_text(values: pd.Series) -> pd.Series:
    """Cells as the text a person would see: dates that the reader already parsed are
    written back as dates (no "00:00:00", and an empty cell stays empty, not "NaT")."""
    if not pd.api.types.is_datetime64_any_dtype(values):
        return values.astype(str)

    def written(moment) -> str:
        if pd.isna(moment):
            return ""
        text = moment.isoformat(sep=" ")     # not strftime: "%Y" drops the zeros of year 0024
        return text[:-len(" 00:00:00")] if text.endswith(" 00:00:00") else text

    return values.map(written).astype(str)


def _reject_rows(reasons: dict, df: pd.DataFrame, raw: pd.DataFrame, name: str, first_row: int) -> tuple:
    """Combine per-column (sparse) reasons into the rejected table (first reason per row wins)."""
    keep = pd.Series(True, index=df.index)
    pieces = []
    rejected_rows = set()
    for column, reason in reasons.items():
        if not len(reason):
            continue
        reason = reason[~reason.index.isin(list(rejected_rows))] if rejected_rows else reason
        if len(reason):
            rows = reason.index.to_numpy()
            value = raw[column].loc[rows] if column in raw.columns else pd.Series("", index=rows)
            pieces.append(pd.DataFrame({
                "file": name,
                "row": rows + first_row,
                "column": column,
                "value": _cell_text(value).to_numpy(),
                "reason": reason.to_numpy(),
            }))
            rejected_rows.update(rows.tolist())
    if rejected_rows:
        keep[list(rejected_rows)] = False
    rejected = (pd.concat(pieces, ignore_index=True).sort_values("row", kind="stable").reset_index(drop=True)
                if pieces else ReadReport(name, "").rejected)
    return keep, rejected


def _note_future_dates(dates: pd.Series, notes: list) -> None:
    """A contact dated after today is kept (a planned meeting, a clock set wrong) but said:
    it is often a typo, and the last date sets ``as_of`` unless one is given."""
    now = pd.Timestamp.now()
    if not len(dates) or not dates.max() > now:       # one pass in the usual case
        return
    future = dates > now
    if future.any():
        notes.append(f"{int(future.sum()):,} row(s) dated after today (the latest {dates.max():%Y-%m-%d}); "
                     "tie strength is measured as of the last date unless as_of / --as-of is given")


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
    report = ReadReport(file=name, what=what, rows_read=raw_len, rows_used=len(out), rejected=rejected,
                        notes=notes)
    out.attrs["report"] = report
    return out


# ---------------------------------------------------------------------------
# Public readers
# ---------------------------------------------------------------------------

def read_interactions(source, *, columns: dict | None = None, day_first: bool = False,
                      month_first: bool = False) -> pd.DataFrame:
    """Read a pairwise interaction log: one row per contact between two actors.

    Parameters
    ----------
    source : path or DataFrame
        CSV, TSV, XLSX, Parquet, JSON lines, ``.gz`` of a text format, or a DataFrame.
    columns : dict, optional
        Explicit mapping from canonical name to the input's column, e.g.
        ``{"source": "From organisation"}``.  Wins over the built-in header aliases.
    day_first, month_first : bool
        How to read ``03/04/2017``-style dates.  Without either such a column is an error.

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
    df, name, first_row, notes = load_table(source, "interactions",
                                            _column_kinds(INTERACTION_ALIASES, columns, {"date": "date", "note": "text"}))
    df = map_columns(df, INTERACTION_ALIASES, ["date", "source", "target"], name, columns)
    raw = df  # read-only from here: only rejected rows quote their original cells
    # Columns gathered in a dict and made into one frame at the end: setting a million-row
    # frame's columns one by one copies them.
    out = {}
    out["date"], date_reason = parse_dates(df["date"], day_first=day_first, month_first=month_first,
                                           name=name, first_row=first_row)
    out["source"], out["target"] = _texts(df["source"], df["target"])
    reasons = {"date": date_reason}
    reasons["source"] = _sparse(out["source"] == "", "missing source actor")
    same = (out["source"] != "") & _same_actor(out["source"], out["target"])
    reasons["target"] = _first_reason(_sparse(same, "self-contact: source and target are both the same actor"),
                                      _sparse(out["target"] == "", "missing target actor"))
    _optional_columns(df, out, reasons, ["type", "programme", "note"])
    if "sentiment" in df.columns:
        out["sentiment"], reasons["sentiment"] = parse_sentiment(df["sentiment"])
    else:
        out["sentiment"] = np.full(len(df), np.nan)
    for extra in df.columns:
        if extra not in out and extra not in INTERACTION_ALIASES:
            out[extra] = df[extra]
    keep, rejected = _reject_rows(reasons, df, raw, name, first_row)
    if not keep.any() and len(df):
        top = rejected["reason"].value_counts().index[0]
        raise InputError(f"no usable rows: all {len(df)} rows were rejected (most often: {top})", file=name)
    return _finish(out, keep, rejected, name, "interactions", first_row, notes, len(df))


def read_meetings(source, *, columns: dict | None = None, day_first: bool = False,
                  month_first: bool = False) -> pd.DataFrame:
    """Read a meeting register: one row per participant per meeting.

    Required columns ``event``, ``date``, ``participant``; optional ``programme``, ``type``
    and ``weight`` (the meeting's weight, e.g. minutes; default 1).  A meeting is identified
    by ``event`` and ``date`` together.  Rows are rejected for a missing or bad date,
    missing event or participant, a bad weight, the same participant listed twice for one
    meeting, and a meeting with a single participant (it gives no tie).

    Examples
    --------
    >>> import pandas as pd, stakeholder_graph as sg
    >>> reg = sg.read_meetings(pd.DataFrame({"meeting": ["Board"] * 3 + ["Solo"],
    ...     "date": ["2024-01-05"] * 4, "attendee": ["A", "B", "A", "C"]}))
    >>> sorted(reg.attrs["report"].rejected["reason"])
    ['meeting has a single participant: no tie', 'participant listed twice for this meeting']
    """
    df, name, first_row, notes = load_table(source, "meetings", _column_kinds(MEETING_ALIASES, columns, {"date": "date"}))
    df = map_columns(df, MEETING_ALIASES, ["event", "date", "participant"], name, columns)
    raw = df  # read-only from here: only rejected rows quote their original cells
    out = {"event": _text(df["event"])}         # one frame at the end, as in read_interactions
    out["date"], date_reason = parse_dates(df["date"], day_first=day_first, month_first=month_first,
                                           name=name, first_row=first_row)
    out["participant"] = _text(df["participant"])
    reasons = {
        "event": _sparse(out["event"] == "", "missing event"),
        "date": date_reason,
        "participant": _sparse(out["participant"] == "", "missing participant"),
    }
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
    return _finish(out, keep, rejected, name, "meetings", first_row, notes, len(df))


def read_actors(source, *, columns: dict | None = None) -> pd.DataFrame:
    """Read the actor registry: who is who, and which organisation each team belongs to.

    Required ``name``; optional ``kind`` (organisation, voluntary, team, person...),
    ``sector``, ``parent`` (the organisation a team belongs to: a name in the same file),
    ``aliases`` (other spellings, ``;``-separated).  Further columns are kept and become
    node attributes.  Rows with no name are rejected.  Duplicate names (case-insensitive),
    an alias claimed twice, a ``parent`` that is not in the file, or parents that form a
    cycle raise :class:`RegistryError` naming the row: the registry is the ground truth
    every other input is matched against, so it must be consistent.

    Returns a DataFrame with columns ``name``, ``kind``, ``sector``, ``parent``,
    ``aliases`` (a ``;``-separated string), ``organisation`` (the top of the parent chain),
    ``file``, ``row``, and the extra columns.
    """
    df, name, first_row, notes = load_table(source, "actors")
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
    _check_registry(used, name, first_row)
    report_df = _finish(out, keep, rejected, name, "actors", first_row, notes, len(df))
    report_df["organisation"] = _organisations(report_df)
    # Teams inherit their organisation's sector when they have none of their own.
    org_sector = report_df.set_index("name")["sector"]
    inherited = report_df["organisation"].map(org_sector).fillna("")
    report_df["sector"] = report_df["sector"].where(report_df["sector"] != "", inherited)
    return report_df


def _check_registry(used: pd.DataFrame, name: str, first_row: int) -> None:
    folded = used["name"].str.casefold()
    dup = folded.duplicated(keep="first")
    if dup.any():
        i = dup[dup].index[0]
        j = folded[folded == folded[i]].index[0]
        raise RegistryError(f"actor '{used['name'][i]}' is listed twice (first at row {j + first_row})",
                            file=name, column="name", row=int(i) + first_row)
    owner = {n: i for i, n in folded.items()}
    for i, aliases in used["aliases"].items():
        for alias in aliases_of(aliases):
            key = alias.casefold()
            if key in owner and owner[key] != i:
                raise RegistryError(
                    f"alias '{alias}' already names another actor (row {owner[key] + first_row})",
                    file=name, column="aliases", row=int(i) + first_row)
            owner[key] = i
    names = set(folded)
    for i, parent in used["parent"].items():
        if parent and parent.casefold() not in names:
            raise RegistryError(f"parent '{parent}' of '{used['name'][i]}' is not an actor in this file",
                                file=name, column="parent", row=int(i) + first_row)
    parent_of = {n.casefold(): p.casefold() for n, p in zip(used["name"], used["parent"]) if p}
    row_of = dict(zip(folded, used.index))
    for start in parent_of:
        seen, node = [start], parent_of[start]
        while node in parent_of:
            if node in seen:
                cycle = seen[seen.index(node):] + [node]
                pretty = " -> ".join(used["name"][row_of[c]] for c in cycle)
                raise RegistryError(f"parents form a cycle: {pretty}", file=name, column="parent",
                                    row=int(row_of[start]) + first_row)
            seen.append(node)
            node = parent_of[node]


def _organisations(actors: pd.DataFrame) -> pd.Series:
    """The top of each actor's parent chain (itself when it has no parent)."""
    canon = {n.casefold(): n for n in actors["name"]}
    parent = {n.casefold(): p.casefold() for n, p in zip(actors["name"], actors["parent"]) if p}

    def top(n):
        key = n.casefold()
        while key in parent:
            key = parent[key]
        return canon[key]

    return actors["name"].map(top)


def aliases_of(text) -> list:
    """The registry's ``aliases`` cell as a list of names (``;``-separated, spaces trimmed)."""
    return [alias for alias in (a.strip() for a in str(text or "").split(";")) if alias]


def actor_name_index(actors: pd.DataFrame | None) -> dict:
    """Case-insensitive lookup from every registry name and alias to the canonical name."""
    if actors is None:
        return {}
    index = {}
    for name, aliases in zip(actors["name"], actors["aliases"]):
        index[name.casefold()] = name
        for alias in aliases_of(aliases):
            index[alias.casefold()] = name
    return index


def _spelling_rank(name, rows: int) -> tuple:
    """Most used first; among equals, a mixed-case spelling ("Trust A") before one in
    capitals or lower case only, then sort order."""
    text = str(name)
    return (-rows, text.isupper() or text.islower(), text)


def actor_spellings(name_columns, index: dict) -> dict:
    """Every distinct name in the given log columns -> the actor it denotes.

    The registry's name when the registry knows it (as a name or an alias, ignoring case:
    ``index`` is :func:`actor_name_index`); otherwise names that differ only in case are
    one actor (logs typed by hand write "Trust A" and "TRUST A"), spelled the way the logs
    spell it most often (ties: mixed case, then the first in sort order).  Spacing is already folded by the
    readers.
    """
    used = {}
    for column in name_columns:
        if column is None or not len(column):
            continue
        rows, uniques = counts(column)
        for name, n in zip(uniques, rows.tolist()):
            if n:
                used[name] = used.get(name, 0) + n
    spellings = {}
    for name in used:
        spellings.setdefault(str(name).casefold(), []).append(name)
    out = {}
    for key, names in spellings.items():
        canonical = index.get(key) or (names[0] if len(names) == 1 else
                                       min(names, key=lambda n: _spelling_rank(n, used[n])))
        out.update((n, canonical) for n in names)
    return out


def name_columns(interactions: pd.DataFrame | None, meetings: pd.DataFrame | None) -> list:
    """The columns of a log and a register that name actors."""
    return (([interactions["source"], interactions["target"]] if interactions is not None else [])
            + ([meetings["participant"]] if meetings is not None else []))


def unknown_actors(spellings: dict, index: dict) -> list:
    """From :func:`actor_spellings`: the actors the registry (``index``) does not know, sorted."""
    return sorted({actor for actor in spellings.values() if str(actor).casefold() not in index}, key=str)


def case_variants(spellings: dict) -> dict:
    """From :func:`actor_spellings`: the names that differ from their actor only in case."""
    return {name: actor for name, actor in sorted(spellings.items(), key=lambda item: str(item[0]))
            if name != actor and str(name).casefold() == str(actor).casefold()}


@dataclass
class Inputs:
    """Everything read for one run: the tables and one :class:`ReadReport` per file."""

    interactions: pd.DataFrame | None
    meetings: pd.DataFrame | None
    actors: pd.DataFrame | None
    reports: list

    @functools.cached_property
    def _registry_index(self) -> dict:
        return actor_name_index(self.actors)

    @functools.cached_property
    def _spellings(self) -> dict:
        """Every name in the logs -> its actor (:func:`actor_spellings`), worked out once."""
        return actor_spellings(name_columns(self.interactions, self.meetings), self._registry_index)

    def unknown_actors(self) -> list:
        """Actors in the logs that the registry does not know (after aliases), sorted."""
        return unknown_actors(self._spellings, self._registry_index) if self.actors is not None else []

    def case_variants(self) -> dict:
        """Names read as another spelling of an actor because they differ only in case
        (``{"TRUST A": "Trust A"}``); registry aliases are not listed."""
        return case_variants(self._spellings)

    def validation(self) -> dict:
        """The JSON-ready validation report: every file's report, the actors the registry
        does not know, and the names read as one actor because they differ only in case."""
        return {"files": [r.to_dict() for r in self.reports], "unknown_actors": self.unknown_actors(),
                "case_variants": self.case_variants()}


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
                month_first: bool = False, on_read=None) -> Inputs:
    """Read several logs and registers (concatenated) and the registry, keeping every report.

    ``on_read(path, report)`` is called after each file (the CLI uses it to show progress).
    """
    reports = []

    def read(reader, source, **options):
        df = reader(source, **options)
        reports.append(df.attrs["report"])
        if on_read:
            on_read(source, df.attrs["report"])
        return df

    dates = {"day_first": day_first, "month_first": month_first}
    logs = [read(read_interactions, source, **dates) for source in interaction_files or ()]
    registers = [read(read_meetings, source, **dates) for source in meetings or ()]
    registry = read(read_actors, actors) if actors is not None else None

    def combine(frames):
        if not frames:
            return None
        out = frames[0] if len(frames) == 1 else _stack(frames)
        # build_graph takes a frame carrying a report as already read and validated.
        out.attrs["report"] = frames[0].attrs["report"]
        return out

    return Inputs(combine(logs), combine(registers), registry, reports)
