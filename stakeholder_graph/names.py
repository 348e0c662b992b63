"""Resolving spellings to actors: registry names and aliases, names differing only in case, unknown actors."""

from __future__ import annotations

import pandas as pd

from ._codes import counts

__all__ = ["aliases_of", "actor_name_index", "actor_spellings", "name_columns", "unknown_actors", "case_variants"]


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
