"""Date columns: ISO 8601 always, day-first or month-first only when asked, and years a contact can have."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from .._codes import is_categorical
from ..errors import AmbiguousDateError, InputError
from .cells import _text
from .report import _NO_REASONS, _cell_text, _first_reason, _sparse

__all__ = ["parse_dates", "parse_typed_date"]


_SLASH_DATE = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})(?:[ T].*)?$")
_DAY_FIRST_FORMATS = ["%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"]
_MONTH_FIRST_FORMATS = ["%m/%d/%Y", "%m/%d/%Y %H:%M", "%m/%d/%Y %H:%M:%S", "%m-%d-%Y", "%m.%d.%Y", "%m/%d/%y"]


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
                name: str = "", column: str = "date", first_row: int = 2, time_unit: str | None = None,
                epoch=None) -> tuple[pd.Series, pd.Series]:
    """Parse a date column; return ``(datetimes, reasons)`` (reasons only for failing rows).

    ISO 8601 dates and datetimes are always accepted (time zones are converted to UTC and
    dropped), ISO basic ``20240315`` included.  ``dd/mm/yyyy`` only with ``day_first=True``,
    ``mm/dd/yyyy`` only with ``month_first=True``; without either, a column written that way
    raises :class:`AmbiguousDateError` rather than guess.  A plain number ("1800", "45000",
    "1434567890") is not read as a year: it is rejected as a number, unless ``time_unit``
    (``"s"``, ``"ms"`` or ``"days"``) and ``epoch`` (a date) say how to read numbers
    (``epoch + number x unit``: sensor seconds, Excel serial days from 1899-12-30).
    Unparseable cells get a reason.
    """
    if day_first and month_first:
        raise InputError("day_first and month_first cannot both be set")
    if (time_unit is None) != (epoch is None):
        raise InputError("give both time_unit (s, ms or days) and epoch (a date) to read numbers as dates")
    if time_unit is not None and time_unit not in _TIME_UNITS:
        raise InputError(f"time_unit must be one of {', '.join(_TIME_UNITS)}, not '{time_unit}'")
    parsed, reasons = _parse_dates(values, day_first=day_first, month_first=month_first, name=name,
                                   column=column, first_row=first_row)
    parsed, reasons = _numbers(values, parsed, reasons, time_unit, epoch)
    return _within_range(parsed, reasons, values)


_TIME_UNITS = {"s": "s", "ms": "ms", "days": "D"}


def _numbers(values: pd.Series, parsed: pd.Series, reasons: pd.Series, time_unit, epoch):
    """Cells that are plain numbers: read as ``epoch + number x time_unit`` when both are
    given (eight digits too), else rejected as numbers (but for the eight digits of an ISO
    basic date).  Judged
    once per distinct value."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return parsed, reasons
    text = values.astype("category") if not isinstance(values.dtype, pd.CategoricalDtype) else values
    categories = pd.Series(text.cat.categories.astype(str))
    plain = categories.str.strip().str.fullmatch(r"[+-]?\d+(?:\.\d+)?")
    if time_unit is None:
        # Eight digits are an ISO basic date (20240315) unless the user said the column
        # holds time counts: then 16810719 seconds is 16810719 seconds, not 19 July 1681.
        plain &= ~categories.str.strip().str.fullmatch(r"\d{8}")
    if not plain.any():
        return parsed, reasons
    codes = text.cat.codes.to_numpy()
    is_number = pd.Series(np.where(codes >= 0, plain.to_numpy()[np.maximum(codes, 0)], False), index=values.index)
    rows = is_number[is_number].index
    cells = values[rows].astype(str).str.strip()
    parsed = parsed.copy()
    if time_unit is not None:
        numbers = pd.to_numeric(cells, errors="coerce")
        base = pd.Timestamp(epoch)
        parsed[rows] = (base + pd.to_timedelta(numbers, unit=_TIME_UNITS[time_unit])).astype("datetime64[us]")
        kept = reasons[~reasons.index.isin(rows)]
        return parsed, kept
    parsed[rows] = pd.NaT
    reasons = reasons[~reasons.index.isin(rows)]
    numbered = _sparse(is_number, "'" + values.astype(str).str.strip() + "' is a number, not a date "
                       "(--time-unit and --epoch say how to read numbers)")
    return parsed, pd.concat([reasons, numbered])


def parse_typed_date(text, *, day_first: bool = False, month_first: bool = False, option: str = "date"):
    """A date a user typed (``--as-of``, ``--since``, ``--until``...), read by the same rules
    as a date column: ISO 8601 always; ``03/04/2026`` only with ``day_first`` (3 April) or
    ``month_first`` (4 March), else an error that says so; the years 1678 to 2261 only.
    Returns a ``pandas.Timestamp``; None for None."""
    if text is None:
        return None
    if isinstance(text, pd.Timestamp):
        return text
    typed = str(text).strip()
    if typed.isdigit() and len(typed) != 8:      # 20240315 is ISO basic; 1800 or 45000 is a number
        raise InputError(f"{option} '{text}' is a number, not a date; write it as YYYY-MM-DD")
    values = pd.Series([typed], dtype=object)
    try:
        parsed, reasons = parse_dates(values, day_first=day_first, month_first=month_first, column=option)
    except AmbiguousDateError:
        raise InputError(f"{option} '{text}' could be day/month or month/day; add --day-first (UK: "
                         "03/04/2026 = 3 April) or --month-first, or write it as YYYY-MM-DD") from None
    if len(reasons) and "outside the years" in str(reasons.iloc[0]):
        raise InputError(f"{option}: {reasons.iloc[0]}; write it as YYYY-MM-DD")
    if len(reasons) or pd.isna(parsed.iloc[0]):
        raise InputError(f"{option} '{text}' is not a date; write it as YYYY-MM-DD")
    return pd.Timestamp(parsed.iloc[0])


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
