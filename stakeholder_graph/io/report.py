"""What a reader did with each row: the ReadReport, and the per-row reasons it is built from."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ..errors import InputError

__all__ = ["ReadReport"]


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


def _usable_rows(reasons: dict, df: pd.DataFrame, raw: pd.DataFrame, name: str, first_row: int) -> tuple:
    """:func:`_reject_rows`, and an InputError naming the file when no row is left to use."""
    keep, rejected = _reject_rows(reasons, df, raw, name, first_row)
    _require_usable(keep, rejected, len(df), name)
    return keep, rejected


def _require_usable(keep: pd.Series, rejected: pd.DataFrame, rows: int, name: str) -> None:
    """An InputError naming the file when every one of its ``rows`` was rejected."""
    if not keep.any() and rows:
        top = rejected["reason"].value_counts().index[0]
        raise InputError(f"no usable rows: all {rows} rows were rejected (most often: {top})", file=name)
