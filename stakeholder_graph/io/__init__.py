"""Read interaction logs, meeting registers and actor registries, and account for every row.

Each reader accepts a path (CSV, TSV, XLSX, Parquet, JSON lines, or ``.gz`` of the text
formats) or a pandas DataFrame, and returns a DataFrame with the canonical columns of the
contract.  Rows that cannot be used are not dropped silently: they are listed, with file,
row number, column and reason, in the :class:`ReadReport` found in ``df.attrs["report"]``.

Row numbers are the ones a person sees when opening the file: for CSV/TSV/XLSX the header
is row 1 and the first data row is row 2; for JSON lines the first line is row 1; for
Parquet files and DataFrames the first record is row 1.
"""

from .columns import ACTOR_ALIASES, INTERACTION_ALIASES, MEETING_ALIASES
from .readers import (Inputs, column_mapping, meeting_numbers, read_actors, read_inputs, read_interactions,
                      read_meetings)
from .report import ReadReport
from .survey import read_survey, write_survey_template
from ..names import actor_spellings

# Importable from here as they were from the single io module (and, as then, not in __all__).
from .cells import SENTIMENT_WORDS, parse_sentiment, parse_weights  # noqa: F401
from .columns import map_columns  # noqa: F401
from .dates import parse_dates  # noqa: F401
from .files import load_table  # noqa: F401
from ..names import actor_name_index, aliases_of, case_variants, name_columns, unknown_actors  # noqa: F401

__all__ = [
    "ReadReport",
    "column_mapping",
    "read_interactions",
    "read_meetings",
    "read_actors",
    "read_survey",
    "write_survey_template",
    "INTERACTION_ALIASES",
    "MEETING_ALIASES",
    "ACTOR_ALIASES",
    "Inputs",
    "read_inputs",
    "actor_spellings",
    "meeting_numbers",
]
