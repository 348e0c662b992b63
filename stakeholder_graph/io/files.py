"""Loading a table from a path or a DataFrame: sniffing, CSV/TSV/gz, Excel, Parquet, JSON lines, the Arrow path."""

from __future__ import annotations

import csv
import gzip
import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .._codes import code_dtype
from ..errors import InputError

__all__ = ["load_table"]


_TEXT_SUFFIXES = {".csv", ".tsv", ".tab", ".txt", ".dat", ".jsonl", ".ndjson", ".json"}
_JSON_SUFFIXES = {".jsonl", ".ndjson", ".json"}


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


def _title_lines(head: bytes, suffix: str, is_header) -> int:
    """How many title or blank lines stand above the header (the first of the first 20
    lines that names every required field; 0 when the first line does, or none does)."""
    if is_header is None or suffix in _JSON_SUFFIXES:
        return 0
    lines = head.decode("utf-8", "replace").splitlines()[:HEADER_SEARCH_ROWS]
    for i, line in enumerate(lines):
        sep = _sniff_separator(line, suffix)
        try:
            cells = next(csv.reader([line], delimiter=sep if sep != r"\s+" else " "), [])
        except csv.Error:
            continue
        if is_header(cells) == is_header.required:
            return i
    return 0


def _load_text_table(path: Path, name: str, notes: list, kinds=None, is_header=None) -> tuple[pd.DataFrame, int]:
    suffix = path.suffix.lower()
    compressed = suffix == ".gz"
    if compressed:
        suffix = Path(path.stem).suffix.lower()
    with (gzip.open(path) if compressed else open(path, "rb")) as handle:
        try:
            head = handle.read(65536)
        except (OSError, EOFError):
            head = b""
    skip = _title_lines(head.removeprefix(b"\xef\xbb\xbf"), suffix, is_header)
    fast = _read_plain_utf8(path, head, suffix, kinds) if not skip else None
    if fast is not None:
        return fast, 2
    raw = path.read_bytes()
    if compressed:
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as err:
            raise InputError(f"is not a readable gzip file ({err})", file=name) from err
    if skip:
        # Title lines above the header (a workbook saved as CSV): read from the header on,
        # rows keep the numbers a spreadsheet shows.
        raw = b"\n".join(raw.removeprefix(b"\xef\xbb\xbf").splitlines()[skip:]) + b"\n"
        notes.append(f"header found on row {skip + 1}, below {skip} title or blank row(s)")
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
    return df, 2 + skip


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
    """The header line; a bare carriage return ends it too (old Mac Excel's "CSV (Macintosh)")."""
    ends = [i for i in (raw.find(b"\n", 0, 65536), raw.find(b"\r", 0, 65536)) if i >= 0]
    return raw[:min(ends) if ends else 65536].decode("utf-8", "replace")


def _bare_carriage_returns(head: bytes) -> bool:
    """Does the text end lines (or break cells) with a carriage return not followed by a newline?"""
    return b"\r" in head.replace(b"\r\n", b"")


def _read_plain_utf8(path: Path, head: bytes, suffix: str, kinds) -> pd.DataFrame | None:
    """The fast path for the usual log: UTF-8 delimited text straight from disk, read by
    pyarrow's multithreaded reader without first loading the whole file into Python (see
    :func:`_read_with_arrow`); ``head`` is the file's first 64 KiB (decompressed).  None
    when it does not apply."""
    if suffix in _JSON_SUFFIXES:
        return None
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    # Empty, binary or UTF-16, or carriage returns without newlines (old Mac line ends, or
    # inside cells): the general reader says what is wrong or converts it.
    if (not head.strip() or _not_text(head[:8192]) or head.startswith(_UTF16_BOMS) or b"\x00" in head
            or _bare_carriage_returns(head)):
        return None
    sep = _sniff_separator(_first_line(head), suffix)
    df = _read_with_arrow(lambda: path, head, sep, kinds)
    return _without_blank_rows(df) if df is not None else None


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
    try:
        header = next(csv.reader([_first_line(head)], delimiter=sep), [])
    except csv.Error:
        return None
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
                parse_options=pcsv.ParseOptions(delimiter=sep, ignore_empty_lines=False),
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
    try:
        cells = [record[position] for record in csv.reader(lines, delimiter=sep) if len(record) > position]
    except csv.Error:           # a stray quote or carriage return: not plain dates
        return False
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
            return _without_blank_rows(df)
    # index_col=False: a row with more cells than the header must not silently turn the
    # first columns into an index; pandas warns instead, and that warning is an error here.
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            df = pd.read_csv(io.BytesIO(raw), sep=sep, dtype=str, keep_default_na=False, index_col=False,
                             engine="c" if sep != r"\s+" else "python", encoding=encoding, skip_blank_lines=False)
        except pd.errors.ParserWarning as warning:
            raise pd.errors.ParserError(str(warning)) from None
    return _without_blank_rows(df)


def _without_blank_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Blank lines are read as rows (so every row keeps the number a spreadsheet shows: a
    blank line above it no longer shifts it by one) and dropped here, index kept.  The first
    column is looked at whole (on its codes, for a Categorical), the others only on the
    rows still blank."""
    candidates = np.arange(len(df))
    for name in df.columns:
        if not len(candidates):
            return df
        column = df[name].iloc[candidates]
        if isinstance(column.dtype, pd.CategoricalDtype):
            empty_codes = [i for i, c in enumerate(column.cat.categories) if str(c).strip() == ""]
            codes = column.cat.codes.to_numpy()
            empty = (codes < 0) | np.isin(codes, empty_codes)
        elif column.dtype.kind in "Mmfiub":          # dates and numbers: blank is missing
            empty = column.isna().to_numpy()
        else:
            empty = column.isna().to_numpy() | column.astype(str).str.strip().eq("").to_numpy()
        candidates = candidates[empty]
    return df.drop(index=df.index[candidates]) if len(candidates) else df


def _extra_cells(raw: bytes, sep: str, encoding: str) -> str:
    """Say which row has more cells than the header (rows counted as a spreadsheet shows them)."""
    if sep == r"\s+":
        return ""
    records = csv.reader(io.StringIO(raw.decode(encoding, "replace"), newline=""), delimiter=sep)
    try:
        header = next(records, [])
        for number, record in enumerate(records, start=2):
            if len(record) > len(header):
                return (f"row {number} has {len(record)} cells but the header names {len(header)} columns; "
                        f"is there an unquoted '{sep}' in a name?")
    except csv.Error as err:
        return f"row {records.line_num}: {err}"
    return ""


def load_table(source, what: str = "table", kinds=None, *, is_header=None,
               sheet: str | None = None, no_header: bool = False) -> tuple[pd.DataFrame, str, int, list]:
    """Load ``source`` (path or DataFrame) as a table of raw values.

    Returns ``(frame, name, first_row_number, notes)`` where ``first_row_number`` is the row
    number a person sees for the frame's first record.  Delimited text may come back with
    Categorical columns, and with dates already parsed; ``kinds(header)`` maps the date
    columns to ``"date"`` and free-text columns to ``"text"`` (kept as plain strings).
    For a workbook, ``is_header(cells)`` finds the header row below title and blank rows
    (within the first 20 rows), and ``sheet`` names the sheet to read (default: the first
    sheet whose header holds the required columns); the notes say which sheet and row.
    ``no_header``: the file has no header row; its columns are named by position, "1",
    "2"... (map them with ``columns={"date": "1", ...}``).
    """
    notes: list = []
    if isinstance(source, pd.DataFrame):
        return source.reset_index(drop=True), "DataFrame", 1, notes
    if isinstance(source, (list, tuple)):
        raise InputError("give one file here; several files are read together by read_inputs([...]) (or, as one "
                         "log, by the Dask engine: a glob or folder with engine='dask')",
                         file=", ".join(map(str, source))[:200])
    path = Path(source)
    name = str(source)
    if not path.exists():
        hint = (" (a pattern is read by the Dask engine: --engine dask)" if any(c in name for c in "*?[") else "")
        raise InputError("file not found" + hint, file=name)
    if path.is_dir():
        raise InputError("is a folder, not a file (a folder of logs is read by the Dask engine: --engine dask)",
                         file=name)
    suffix = path.suffix.lower()
    if path.stat().st_size == 0:
        raise InputError("is empty (0 bytes): no header and no rows", file=name)
    if no_header and suffix in _TEXT_SUFFIXES | {".gz", ""} and suffix not in _JSON_SUFFIXES:
        df, first = _load_headerless_text(path, name, notes)
        return df, name, first, notes
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        df, first = _read_workbook(path, name, notes, is_header, sheet, no_header)
        return df, name, first, notes
    if suffix == ".parquet":
        try:
            df = pd.read_parquet(path)
        except Exception as err:  # pyarrow raises ArrowInvalid and OSError among others
            raise InputError(f"cannot be read as Parquet ({type(err).__name__}: {err})", file=name) from err
        return df, name, 1, notes
    if suffix in _TEXT_SUFFIXES or suffix == ".gz" or suffix == "":
        df, first = _load_text_table(path, name, notes, kinds, is_header)
        return df, name, first, notes
    raise InputError(f"has an unknown extension '{suffix}'; use .csv, .tsv, .xlsx, .parquet, .jsonl "
                     "or .gz of a text format", file=name)


HEADER_SEARCH_ROWS = 20


def _load_headerless_text(path: Path, name: str, notes: list) -> tuple[pd.DataFrame, int]:
    """A delimited text file with no header row (``t i j`` sensor logs): columns "1", "2"..."""
    raw = path.read_bytes()
    if path.suffix.lower() == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as err:
            raise InputError(f"is not a readable gzip file ({err})", file=name) from err
    problem = _not_text(raw[:8192])
    if problem:
        raise InputError(problem, file=name)
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    suffix = Path(path.stem).suffix.lower() if path.suffix.lower() == ".gz" else path.suffix.lower()
    sep = _sniff_separator(_first_line(raw), suffix)
    try:
        df = pd.read_csv(io.BytesIO(raw), sep=sep, header=None, dtype=str, keep_default_na=False, index_col=False,
                         engine="c" if sep != r"\s+" else "python", skip_blank_lines=False,
                         encoding_errors="replace")
    except (pd.errors.ParserError, csv.Error) as err:
        raise InputError(f"cannot be parsed as text without a header ({' '.join(str(err).split())})",
                         file=name) from err
    except pd.errors.EmptyDataError as err:
        raise InputError("is empty: no rows", file=name) from err
    df.columns = [str(i + 1) for i in range(df.shape[1])]
    notes.append(f"read without a header: columns by position, 1 to {df.shape[1]}")
    return _without_blank_rows(df), 1


def _read_workbook(path: Path, name: str, notes: list, is_header, sheet: str | None, no_header: bool = False):
    """A workbook's table: the chosen sheet, its header row found below title and blank rows.

    Returns ``(frame, first_row_number)``; blank rows are dropped but keep the row numbers
    a spreadsheet shows."""
    try:
        book = pd.read_excel(path, sheet_name=None, header=None, dtype=object)
    except Exception as err:  # openpyxl raises many kinds for a broken workbook
        raise InputError(f"is not a readable Excel workbook ({type(err).__name__}: {err})", file=name) from err
    if not book:
        raise InputError("is an Excel workbook with no sheets", file=name)
    if sheet is not None:
        wanted = {str(k).casefold(): k for k in book}
        if sheet.casefold() not in wanted:
            raise InputError(f"has no sheet '{sheet}'; its sheets are: {', '.join(map(str, book))}", file=name)
        candidates = [wanted[sheet.casefold()]]
    else:
        candidates = list(book)
    # The first row (of the first sheet) naming every required field; failing that, the row
    # naming the most of them, so an error lists the columns of the sheet meant.
    chosen, header_row, best = candidates[0], 0, 0
    for title in candidates if is_header else []:
        raw = book[title]
        for i in range(min(HEADER_SEARCH_ROWS, len(raw))):
            named = is_header([_excel_cell_text(v) for v in raw.iloc[i]])
            if named > best:
                chosen, header_row, best = title, i, named
            if named == is_header.required:
                break
        if best == is_header.required:
            break
    if no_header and book[chosen].dropna(how="all").empty:
        # The first sheet that holds anything (a blank first sheet is skipped, as with headers).
        chosen = next((t for t in candidates if not book[t].dropna(how="all").empty), chosen)
    raw = book[chosen]
    if len(book) > 1 or sheet is not None:
        notes.append(f"read sheet '{chosen}'" + (f" (of {', '.join(map(str, book))})" if len(book) > 1 else ""))
    if header_row:
        notes.append(f"header found on row {header_row + 1}, below {header_row} title or blank row(s)")
    if raw.empty:
        return pd.DataFrame(), 2
    if no_header:
        df = raw.copy()
        df.columns = [str(j + 1) for j in range(raw.shape[1])]
        notes.append(f"read without a header: columns by position, 1 to {raw.shape[1]}")
        return df.dropna(how="all").map(_excel_cell_text), 1
    header = [_excel_cell_text(v).strip() or f"Unnamed: {j + 1}" for j, v in enumerate(raw.iloc[header_row])]
    df = raw.iloc[header_row + 1:].copy()
    df.columns = header
    df.index = df.index - (header_row + 1)
    df = df.dropna(how="all")
    df = df.map(_excel_cell_text)
    return df, header_row + 2


def _excel_cell_text(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if isinstance(value, pd.Timestamp) or hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
