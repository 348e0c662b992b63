"""The actor registry: consistency (names, aliases, parents, cycles) and each actor's organisation."""

from __future__ import annotations

import pandas as pd

from ..errors import RegistryError
from ..names import aliases_of

# Package-internal: read_actors (readers.py) checks a registry and finds organisations with these.
__all__: list[str] = []


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
    # Every parent is a row by now: read_actors adds those the file names but does not list.
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
