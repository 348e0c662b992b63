"""Numbers and dates as people read them, in the CLI, the briefing, the map and findings."""

from __future__ import annotations

import math

import pandas as pd


def is_missing(value) -> bool:
    return value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def day(value, *, month: str = "%B", missing: str = "never") -> str:
    """``"3 May 2024"`` (``month="%b"``: ``"3 May 2024"`` with the month abbreviated)."""
    if is_missing(value):
        return missing
    moment = pd.Timestamp(value)
    return f"{moment.day} {moment.strftime(month)} {moment.year}"


def number(value, digits: int = 2, *, grouped: bool = True, missing: str = "n/a") -> str:
    """Floats to ``digits`` decimals; integers with thousands separators if ``grouped``."""
    if is_missing(value):
        return missing
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    if grouped and isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)
