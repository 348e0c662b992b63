"""Write tables and graphs to files, whole or not at all (temporary file, then rename)."""

from __future__ import annotations

import contextlib
import datetime
import json
import math
import os
import tempfile
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from .errors import OutputError, StakeholderGraphError

__all__ = ["atomic_path", "write_text", "write_graph", "write_table", "table_csv", "excel_safe_frame",
           "GRAPH_FORMATS", "clean_for_export"]

GRAPH_FORMATS = ("graphml", "gexf", "json")


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary path beside ``path``; on success rename it over ``path``.

    A reader never sees half a file, and a failure leaves any earlier file untouched.
    """
    path = Path(path)
    try:
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as err:
        # Name the file the user asked for, not the temporary file beside it.
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None
    os.close(fd)
    # mkstemp makes the file private (0600); outputs are ordinary files, readable as usual.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path``, whole or not at all."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return path


def _plain(value):
    """A value GraphML/GEXF/JSON can hold: str, int, float, bool; None for missing."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):      # pandas Timestamps too
        return value.isoformat()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (list, tuple, set)):
        return ";".join(map(str, value))
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def clean_for_export(G: nx.Graph, *, show_ratings: bool = False) -> nx.Graph:
    """A copy of ``G`` whose attributes are plain values (missing values left out).
    Without ``show_ratings``, what each side of a tie said of the other in a survey
    (:data:`~stakeholder_graph.survey.WHO_RATED_WHOM`) is left out: who rated whom is
    confidential; the tie's mean scores stay."""
    from .survey import WHO_RATED_WHOM
    hidden = () if show_ratings else WHO_RATED_WHOM
    H = G.__class__()
    # Nested graph attributes (monthly activity) have no GraphML/GEXF form: left out.
    H.graph.update({k: v for k, v in ((k, _plain(v)) for k, v in G.graph.items() if not isinstance(v, dict))
                    if v is not None})
    for n, d in G.nodes(data=True):
        H.add_node(n, **{k: v for k, v in ((k, _plain(v)) for k, v in d.items()) if v is not None})
    for u, v, d in G.edges(data=True):
        H.add_edge(u, v, **{k: x for k, x in ((k, _plain(x)) for k, x in d.items() if k not in hidden)
                            if x is not None})
    return H


def write_graph(G: nx.Graph, path, format: str | None = None, *, show_ratings: bool = False) -> Path:
    """Write ``G`` as GraphML, GEXF (Gephi) or node-link JSON; format from the suffix if not
    given.  Who rated whom in a survey is left out unless ``show_ratings`` (see
    :func:`clean_for_export`)."""
    path = Path(path)
    format = (format or path.suffix.lstrip(".")).lower()
    if format not in GRAPH_FORMATS:
        raise StakeholderGraphError(f"unknown graph format '{format}'; use one of {', '.join(GRAPH_FORMATS)}")
    H = clean_for_export(G, show_ratings=show_ratings)
    if format == "json":
        return write_text(path, json.dumps(nx.node_link_data(H, edges="links"), indent=1, ensure_ascii=False))
    with atomic_path(path) as tmp:
        (nx.write_graphml if format == "graphml" else nx.write_gexf)(H, tmp)
    return path


def write_table(df: pd.DataFrame, path, format: str | None = None, *, excel_safe: bool = True) -> Path:
    """Write a DataFrame as CSV or JSON (records); format from the suffix if not given.

    CSV is for people, who open it in Excel: with ``excel_safe`` (the default) a text cell
    that Excel would run as a formula (see :func:`excel_safe_frame`) is written with a
    leading apostrophe, so a name such as ``=HYPERLINK(...)`` shows as text.  The
    DataFrame itself is not changed; ``excel_safe=False`` writes cells as they are.
    """
    path = Path(path)
    format = (format or path.suffix.lstrip(".") or "csv").lower()
    if format == "json":
        return write_text(path, table_json(df))
    if format != "csv":
        raise StakeholderGraphError(f"unknown table format '{format}'; use csv or json")
    with atomic_path(path) as tmp:
        table_csv(df, excel_safe=excel_safe, path=tmp)
    return path


def table_csv(df: pd.DataFrame, *, excel_safe: bool = True, path=None):
    """The table as CSV text (or written to ``path``), formula-like cells neutralised."""
    frame = excel_safe_frame(df) if excel_safe else df
    return frame.to_csv(path, index=df.index.name is not None, lineterminator="\n")


# A cell starting with one of these is run by Excel (and LibreOffice, Google Sheets) as a
# formula: OWASP's CSV-injection guidance.  "-" and "+" start numbers too, which stay as they are.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells (index included) that a spreadsheet would run as a
    formula begin with an apostrophe (``'=cmd`` shows as ``=cmd``, inert); numbers such as
    ``-2`` or ``+44`` are left alone."""
    def safe(value):
        if isinstance(value, str) and value.startswith(_FORMULA_START):
            try:
                float(value)
                return value
            except ValueError:
                return "'" + value
        return value

    out = df.copy()
    for column in out.columns:
        if out[column].dtype == object or isinstance(out[column].dtype, pd.CategoricalDtype) \
                or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].astype(object).map(safe)
    if out.index.dtype == object or pd.api.types.is_string_dtype(out.index.dtype):
        out.index = pd.Index([safe(v) for v in out.index], name=out.index.name)
    return out


def table_json(df: pd.DataFrame) -> str:
    """Records JSON with ISO dates and null for missing values."""
    frame = df.reset_index() if df.index.name is not None else df
    records = [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]
    return json.dumps(records, indent=1, ensure_ascii=False)
