"""Cell parsing: text, weights and sentiment, vectorised, each returning values plus a per-row reason (or "")."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._codes import blank, distinct, relabel_columns
from .report import _NO_REASONS, _sparse

__all__ = ["SENTIMENT_WORDS", "parse_weights", "parse_sentiment"]


SENTIMENT_WORDS = {"negative": -1.0, "neutral": 0.0, "positive": 1.0}


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


def _several_names(names: pd.Series, reason: str) -> pd.Series:
    """``reason`` for the cells that name several actors ("A; B"), indexed by those rows
    only (see :func:`_sparse`): judged once per distinct name, and with no row looked at
    when no distinct name holds a ";".  The registry separates aliases with ";", so no
    actor's name holds one."""
    if isinstance(names.dtype, pd.CategoricalDtype):
        several = np.array([";" in str(c) for c in names.cat.categories] + [False], dtype=bool)
        if not several.any():
            return _NO_REASONS
        codes = names.cat.codes.to_numpy()
        return _sparse(pd.Series(several[np.where(codes >= 0, codes, len(several) - 1)], index=names.index), reason)
    return _sparse(names.astype(str).str.contains(";", regex=False), reason)


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


def _per_distinct(text: pd.Series, convert) -> tuple[pd.Series, np.ndarray]:
    """Apply ``convert`` to each distinct value once and spread the result over the rows;
    also return the converted distinct values (to judge them once, not row by row)."""
    codes, uniques = distinct(text)
    converted = convert(pd.Series(np.asarray(uniques, dtype=object), dtype=object)).to_numpy(dtype=float)
    return pd.Series(np.append(converted, np.nan)[codes], index=text.index, copy=False), converted


def parse_weights(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Positive finite numbers; empty means 1.  Returns ``(weights, reasons for failing rows)``."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        return _numeric_weights(values)
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


def _numeric_weights(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """:func:`parse_weights` of a column already numeric (Parquet, a DataFrame): the same
    weights and reasons, without writing a million numbers out as text to read them back."""
    num = pd.Series(values.to_numpy(dtype=float, na_value=np.nan), index=values.index, copy=False)
    blank_cell = num.isna()
    if blank_cell.any():
        num = num.where(~blank_cell, 1.0)                 # an empty cell means 1
    with np.errstate(invalid="ignore"):
        bad = ~(np.isfinite(num) & (num > 0))
    if not bad.any():
        return num, _NO_REASONS
    return num, _sparse(bad, "weight " + _text(values[bad]).astype(str) + " is not a positive number")


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
