"""Integer codes for text columns: the one representation readers, tie model and graph share.

A log of a million contacts names a few thousand actors, a handful of contact types and
programmes.  Working on integer codes into the distinct values (a pandas Categorical, as
the readers return them) instead of on a million strings is what keeps reading and
building a graph within a small multiple of ``pandas.read_csv``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def is_categorical(values) -> bool:
    return isinstance(getattr(values, "dtype", None), pd.CategoricalDtype)


def distinct(values) -> tuple[np.ndarray, pd.Index]:
    """``(codes, uniques)``: for each row the position of its value in ``uniques``, -1 if missing.

    Free for a Categorical (its own codes and categories, unused categories included);
    one hash pass (``pandas.factorize``) otherwise.
    """
    if is_categorical(values):
        cat = values.array if isinstance(values, pd.Series) else values
        return np.asarray(cat.codes), cat.categories
    array = values if hasattr(values, "array") else np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(array)
    return codes, pd.Index(np.asarray(uniques, dtype=object), dtype=object)


def counts(values) -> tuple[np.ndarray, pd.Index]:
    """``(rows, uniques)``: how many rows hold each distinct value (missing ones not counted)."""
    codes, uniques = distinct(values)
    if len(codes) and codes.min() < 0:       # copy only when there is a missing value to drop
        codes = codes[codes >= 0]
    # np.add.at takes the small codes as they are; np.bincount would first copy a million
    # of them into 8-byte integers.
    rows = np.zeros(len(uniques), dtype=np.int64)
    np.add.at(rows, codes, 1)
    return rows, uniques


def observed(values) -> pd.Index:
    """The distinct values that occur (not those only listed as unused categories)."""
    rows, uniques = counts(values)
    return uniques[rows > 0] if len(uniques) else uniques


def code_dtype(n: int) -> np.dtype:
    """The smallest signed integer type for codes 0..n-1 and -1 (as pandas Categoricals use):
    a million int16 codes take 2 MB where int64 would take 8."""
    for dtype in (np.int8, np.int16, np.int32):
        if n < np.iinfo(dtype).max:
            return np.dtype(dtype)
    return np.dtype(np.int64)


def blank(n: int) -> pd.Categorical:
    """An absent optional text column: ``""`` on every one of ``n`` rows, stored once."""
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), categories=pd.Index([""], dtype=object))


def recode(values, categories: pd.Index) -> np.ndarray:
    """Codes of ``values`` in ``categories`` (-1 where absent), looking each distinct value up
    once; in the smallest integer type that holds them."""
    codes, uniques = distinct(values)
    if not len(codes) or uniques.equals(categories):        # already these codes (a Categorical)
        return np.asarray(codes, dtype=code_dtype(len(categories)))
    lookup = np.append(categories.get_indexer(pd.Index(np.asarray(uniques, dtype=object), dtype=object)), -1)
    return lookup.astype(code_dtype(len(categories)))[codes]  # code -1 (missing) takes the appended -1


def date_ticks(dates) -> tuple[np.ndarray, int]:
    """Datetimes (a numpy datetime64 array or scalar, any unit) as their integers in that
    unit, and how many of those make a day: date arithmetic without converting units."""
    unit, step = np.datetime_data(np.asarray(dates).dtype)
    return np.asarray(dates).view(np.int64), int(np.timedelta64(1, "D") // np.timedelta64(step, unit))


def relabel(values, labels_of) -> pd.Categorical:
    """A Categorical holding ``labels_of(uniques)`` spread over the rows.

    ``labels_of`` gets the distinct values once (an Index) and returns one label for each,
    so a million rows cost as much as their few thousand distinct values.  Values that get
    the same label share one category (``"Northvale ICB"``, an alias, and ``"NHS Northvale
    ICB"`` become one actor).  Missing values become ``""``.  The categories are sorted.
    """
    return relabel_together([values], labels_of)[0]


def relabel_together(columns, labels_of) -> list:
    """:func:`relabel` for several columns at once, onto one sorted set of categories (the
    union of their labels), so that their rows compare by code and frames concatenate as
    Categoricals.  One pass over each column: its codes are looked up once."""
    parts = [distinct(values) for values in columns]
    labels = [list(labels_of(uniques)) for _, uniques in parts]
    missing = any(len(codes) and codes.min() < 0 for codes, _ in parts)
    names = pd.Index(sorted(set().union(*labels, [""] if missing else []), key=str), dtype=object)
    out = []
    for values, (codes, uniques), own in zip(columns, parts, labels):
        # The appended entry is for code -1 (missing), which becomes "".
        lookup = names.get_indexer(pd.Index(own + [""], dtype=object))
        if is_categorical(values) and uniques.equals(names) and (lookup[:-1] == np.arange(len(names))).all():
            # Categories already the labels, sorted and shared: nothing to re-code.
            out.append(values.array if isinstance(values, pd.Series) else values)
            continue
        new_codes = lookup.astype(code_dtype(len(names)))[codes]
        out.append(pd.Categorical.from_codes(new_codes, dtype=pd.CategoricalDtype(names), validate=False))
    return out


def relabel_columns(*columns: pd.Series, labels_of) -> list:
    """:func:`relabel_together` for Series: each result keeps its column's index."""
    return [pd.Series(values, index=column.index, copy=False)
            for values, column in zip(relabel_together(columns, labels_of), columns)]


def share_categories(*columns) -> list:
    """Categorical columns re-coded onto one sorted set of categories (the union of theirs),
    so that rows compare by code and frames concatenate without turning into strings:
    :func:`relabel_together` with each value its own label."""
    return relabel_together(columns, lambda names: names.tolist())
