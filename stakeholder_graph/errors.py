"""Exceptions raised by stakeholder-graph (the CLI turns them into ``Error: ...`` lines)."""

__all__ = [
    "StakeholderGraphError",
    "InputError",
    "MissingColumnError",
    "AmbiguousDateError",
    "RegistryError",
    "UnknownActorError",
    "OutputError",
    "MissingLibraryError",
]


class StakeholderGraphError(Exception):
    """Base class of every error this package raises on purpose."""


class InputError(StakeholderGraphError):
    """An input file or table cannot be used; the message names file, column and row."""

    def __init__(self, message, *, file=None, column=None, row=None):
        self.file, self.column, self.row = file, column, row
        where = []
        if file is not None:
            where.append(str(file))
        if column is not None:
            where.append(f"column '{column}'")
        if row is not None:
            where.append(f"row {row}")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class MissingColumnError(InputError):
    """A required column is absent (after header aliases and explicit mapping)."""


class AmbiguousDateError(InputError):
    """A date column is written day/month or month/day and no option says which."""


class RegistryError(InputError):
    """The actor registry contradicts itself (duplicate names, unknown or cyclic parents)."""


class UnknownActorError(StakeholderGraphError):
    """A name asked for (focus, filter) is not an actor of the graph."""


class OutputError(StakeholderGraphError):
    """An output file cannot be written where the user asked (a missing or read-only folder)."""


class MissingLibraryError(StakeholderGraphError):
    """An optional library a feature needs is not installed; the message says how to install it."""
