"""The relationship survey (PARTNER style): read it, every row used or reported; write the form to send out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .._codes import blank
from ..errors import InputError
from .cells import _several_names, _text, _texts
from .columns import SURVEY_ALIASES, _column_kinds, header_test, map_columns
from .files import load_table
from .report import _first_reason, _sparse, _usable_rows

__all__ = ["read_survey", "write_survey_template", "TRUST_ITEMS", "VALUE_ITEMS", "ITEMS", "SCALE_WORDS",
           "wave_order"]

TRUST_ITEMS = ("reliability", "mission", "openness")
VALUE_ITEMS = ("influence", "involvement", "resources")
ITEMS = TRUST_ITEMS + VALUE_ITEMS

# PARTNER's answer scale, in its words (Varda et al. 2012).
SCALE_WORDS = {"not at all": 1.0, "a small amount": 2.0, "a fair amount": 3.0, "a great deal": 4.0}
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0"}

# The questions as the form asks them (the template's second row and docs/survey.md).
QUESTIONS = {
    "works_with": "Do you work with this partner? (yes/no)",
    "reliability": "Reliability: follows through on commitments (1-4)",
    "mission": "In support of the mission: shares the partnership's goal (1-4)",
    "openness": "Open to discussion: willing to engage in frank, open and civil discussion (1-4)",
    "influence": "Power/influence: holds a prominent position, can get things changed (1-4)",
    "involvement": "Level of involvement: committed and active, gets things done (1-4)",
    "resources": "Resource contribution: brings funding, information or other resources (1-4)",
    "frequency": "How often do you work with them? (optional)",
}


def _item(values: pd.Series, item: str) -> tuple[pd.Series, pd.Series]:
    """One item column: numbers from 1 to 4 (or PARTNER's words for them); blank is not
    answered (NaN).  Returns ``(ratings, reasons for failing rows)``."""
    text = _text(values).astype(str)
    words = text.str.lower().map(SCALE_WORDS)
    number = pd.to_numeric(text.where(words.isna() & (text != "")), errors="coerce")
    rating = words.fillna(number).astype(float)
    given = text != ""
    not_number = given & rating.isna()
    outside = given & rating.notna() & ((rating < 1) | (rating > 4))
    reasons = _first_reason(
        _sparse(not_number, f"{item} '" + text[not_number] + "' is not a rating from 1 to 4 "
                "(or not at all / a small amount / a fair amount / a great deal)"),
        _sparse(outside, f"{item} " + text[outside] + " is outside the 1-4 scale"))
    return rating.where(~(not_number | outside)), reasons


def _works_with(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``yes``/``no`` (also y/n, true/false, 1/0, x); blank is None (decided by the row)."""
    text = _text(values).astype(str)
    folded = text.str.lower()
    answer = pd.Series(np.where(folded.isin(_YES), 1.0, np.where(folded.isin(_NO), 0.0, np.nan)), index=text.index)
    bad = (text != "") & answer.isna()
    return answer, _sparse(bad, "works_with '" + text[bad] + "' is not yes or no")


def wave_order(waves) -> list:
    """Distinct survey waves, earliest first: as numbers when every wave is one ("1", "2"),
    as dates when every wave is one ("2024-03", "2025-03"), else in text order."""
    labels = sorted({str(w) for w in waves if str(w) != ""})
    numbers = pd.to_numeric(pd.Series(labels, dtype=object), errors="coerce")
    if len(labels) and numbers.notna().all():
        return [w for _, w in sorted(zip(numbers, labels))]
    dates = pd.to_datetime(pd.Series(labels, dtype=object), errors="coerce", format="mixed")
    if len(labels) and dates.notna().all():
        return [w for _, w in sorted(zip(dates, labels))]
    return labels


def _unknown_names(names: pd.Series, actors) -> pd.Series:
    """Reasons for the names the registry (``actors``) does not know, as a name or an alias
    (ignoring case): ``unknown actor 'X' (did you mean 'Y'?)``."""
    from ..names import aliases_of, actor_name_index, suggestions
    index = actor_name_index(actors)
    text = names.astype(str)
    unknown = (text != "") & ~text.str.casefold().isin(set(index))
    if not unknown.any():
        return _sparse(unknown, "")
    known = list(actors["name"]) + [a for value in actors["aliases"] for a in aliases_of(value)]
    hints = suggestions(sorted(set(text[unknown])), known)
    reason = {n: f"unknown actor '{n}'" + (f" (did you mean {' or '.join(repr(h) for h in hints[n])}?)"
                                           if n in hints else " (not in the actor registry)")
              for n in set(text[unknown])}
    return _sparse(unknown, text.map(reason))


def read_survey(source, *, columns: dict | None = None, sheet: str | None = None,
                no_header: bool = False, actors=None) -> pd.DataFrame:
    """Read a relationship survey: one row per respondent and partner it rates.

    In the style of PARTNER (Varda et al. 2012): each organisation names the partners it
    works with and rates each on trust (``reliability``, ``mission``, ``openness``) and
    value (``influence``, ``involvement``, ``resources``), each from 1 (not at all) to 4
    (a great deal).  See ``docs/survey.md``.

    Parameters
    ----------
    source : path or DataFrame
        CSV, TSV, XLSX (the form of :func:`write_survey_template`), Parquet, JSON lines.
    columns : dict, optional
        Explicit mapping from canonical name to the input's column, e.g.
        ``{"reliability": "Q7a"}``.  Wins over the header aliases (PARTNER's long
        wordings, such as "Power/Influence" or "Level of involvement", are known).
    sheet, no_header
        As for :func:`~stakeholder_graph.read_interactions`.
    actors : DataFrame or path, optional
        The actor registry (:func:`~stakeholder_graph.read_actors`).  With it, a row whose
        respondent or partner the registry does not know (as a name or an alias, ignoring
        case) is rejected: "unknown actor 'X' (did you mean 'Y'?)".  Without it, names are
        kept as given.

    Returns
    -------
    DataFrame
        ``respondent``, ``partner`` (text), ``works_with`` (bool), the six items (float
        1-4, NaN where blank), ``trust`` and ``value`` (the row's mean of the items it
        answered, NaN when none), ``frequency``, ``wave`` (text, ``""`` when absent), any
        extra columns, ``file`` and ``row``; ``df.attrs["report"]`` is the ReadReport.

    ``works_with`` is yes when blank, unless the file has a ``works_with`` column and the
    row answers nothing at all (an unanswered row of a form: reported, not used).  A
    ``no`` row's ratings are not scored (said in the report's notes).  Rows are rejected
    for: a missing respondent or partner, a self-rating, a cell naming several actors,
    a rating that is not 1-4, a works_with that is not yes/no, an unanswered form row,
    a name the registry does not know (with ``actors``), and repeats: when one respondent
    rates one partner more than once in one wave, rows with the same answers as the first
    are rejected as repeats of it (the first is used), and if the rows' answers differ all of
    them are rejected as conflicting (none is used: which one is right cannot be told).

    Examples
    --------
    >>> import pandas as pd, stakeholder_graph as sg
    >>> s = sg.read_survey(pd.DataFrame({"respondent": ["A", "A", "B"], "partner": ["B", "A", "A"],
    ...     "reliability": [4, 3, 9], "openness": [3, "", 2]}))
    >>> s[["respondent", "partner", "trust"]].values.tolist()
    [['A', 'B', 3.5]]
    >>> s.attrs["report"].rejected["reason"].tolist()
    ['self-rating: the respondent rates itself', 'reliability 9 is outside the 1-4 scale']
    """
    from .readers import _finish, _same_actor, read_actors
    if actors is not None and not (isinstance(actors, pd.DataFrame) and "aliases" in actors):
        actors = read_actors(actors)
    df, name, first_row, notes = load_table(source, "survey", _column_kinds(SURVEY_ALIASES, columns, {}),
                                            is_header=header_test(SURVEY_ALIASES, ["respondent", "partner"], columns),
                                            sheet=sheet, no_header=no_header)
    df = map_columns(df, SURVEY_ALIASES, ["respondent", "partner"], name, columns)
    raw = df
    out = {}
    out["respondent"], out["partner"] = _texts(df["respondent"], df["partner"])
    several = "names several actors (one actor per cell)"
    nobody = pd.Series(False, index=df.index)
    unknown = {c: _unknown_names(out[c], actors) if actors is not None else _sparse(nobody, "")
               for c in ("respondent", "partner")}
    reasons = {
        "respondent": _first_reason(_sparse(out["respondent"] == "", "missing respondent"),
                                    _several_names(out["respondent"], several), unknown["respondent"]),
    }
    same = (out["respondent"] != "") & _same_actor(out["respondent"], out["partner"])
    reasons["partner"] = _first_reason(_sparse(same, "self-rating: the respondent rates itself"),
                                       _sparse(out["partner"] == "", "missing partner"),
                                       _several_names(out["partner"], several), unknown["partner"])
    if "works_with" in df.columns:
        works, reasons["works_with"] = _works_with(df["works_with"])
    else:
        works = pd.Series(np.nan, index=df.index)
    answered = pd.Series(False, index=df.index)
    for item in ITEMS:
        if item in df.columns:
            out[item], reasons[item] = _item(df[item], item)
            answered |= out[item].notna() | (_text(df[item]).astype(str) != "")
        else:
            out[item] = pd.Series(np.nan, index=df.index)
    if "works_with" in df.columns:
        unanswered = works.isna() & ~answered & ~(_text(df["works_with"]).astype(str) != "")
        reasons["works_with"] = _first_reason(reasons["works_with"], _sparse(
            unanswered, "unanswered: works_with and every rating blank (a row of the form left empty)"))
    out["works_with"] = (works.fillna(1.0) > 0).to_numpy()
    for optional in ("frequency", "wave"):
        out[optional] = _text(df[optional]) if optional in df.columns else blank(len(df))
    # A row without a wave in a survey of waves belongs to no round: it would be in no
    # wave's scores, so it is reported, not quietly left out.
    waves = pd.Series(np.asarray(out["wave"], dtype=object), index=df.index).astype(str)
    no_wave = (waves == "") & (waves != "").any()
    reasons["wave"] = _sparse(no_wave,
                              "no wave, while other rows have one: this rating belongs to no survey round")
    # One rating per respondent, partner and wave: a second is a mistake, not a second vote.
    # Rows with the first's answers are repeats (the first used); rows that disagree are
    # conflicting, and none of them is used.
    flagged = pd.concat([r for r in reasons.values() if len(r)]).index if any(len(r) for r in reasons.values()) \
        else pd.Index([])
    ok = ~df.index.isin(flagged)
    key = pd.DataFrame({"r": out["respondent"].astype(str).str.casefold(),
                        "p": out["partner"].astype(str).str.casefold(),
                        "w": out["wave"].astype(str)})
    answers = pd.DataFrame({"works_with": works.fillna(1.0).to_numpy(),
                            **{i: out[i].to_numpy(dtype=float) for i in ITEMS}}, index=df.index).fillna(-1.0)
    repeated = key[ok].duplicated(keep=False)
    repeat_reason = pd.Series(dtype=object)
    if repeated.any():
        lines = {i: i + first_row for i in df.index}     # the row numbers the report gives
        reasons_twice = {}
        for _, group in key[ok][repeated].groupby(["r", "p", "w"], sort=False):
            rows = list(group.index)
            numbers = ", ".join(str(lines[i]) for i in rows)
            if (answers.loc[rows] == answers.loc[rows[0]]).all(axis=None):
                for i in rows[1:]:
                    reasons_twice[i] = (f"a repeat of row {lines[rows[0]]}: the respondent rates this partner again "
                                        "in this wave with the same answers (that row is used)")
            else:
                for i in rows:
                    reasons_twice[i] = (f"conflicting ratings: the respondent rates this partner in rows {numbers} "
                                        "of this wave with different answers (none is used)")
        repeat_reason = pd.Series(reasons_twice, dtype=object)
    reasons["partner"] = _first_reason(repeat_reason, reasons["partner"])
    for extra in df.columns:
        if extra not in out and extra not in SURVEY_ALIASES:
            out[extra] = df[extra]
    keep, rejected = _usable_rows(reasons, df, raw, name, first_row)
    no_but_rated = keep.to_numpy() & ~out["works_with"] & np.column_stack(
        [out[i].notna().to_numpy() for i in ITEMS]).any(axis=1)
    if no_but_rated.any():
        notes.append(f"{int(no_but_rated.sum())} row(s) say the respondent does not work with the partner yet rate "
                     "it: those ratings are not scored")
    items = np.column_stack([out[i].to_numpy(dtype=float) for i in ITEMS])
    items[~out["works_with"]] = np.nan
    for j, item in enumerate(ITEMS):
        out[item] = items[:, j]
    with np.errstate(all="ignore"), _quiet():
        out["trust"] = np.nanmean(items[:, :3], axis=1)
        out["value"] = np.nanmean(items[:, 3:], axis=1)
    table = _finish(out, keep, rejected, name, "survey", first_row, notes, len(df))
    table["respondent"], table["partner"] = (table["respondent"].astype(str).astype(object),
                                             table["partner"].astype(str).astype(object))
    for column in ("frequency", "wave"):
        table[column] = table[column].astype(str).astype(object)
    return table


class _quiet:
    """Silence numpy's 'mean of empty slice' (a row with no trust item has no trust score)."""

    def __enter__(self):
        import warnings
        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._catch.__exit__(*exc)


def template_population(actors: pd.DataFrame, level: str = "organisation") -> list:
    """The registry's actors a survey goes to: its organisations (the top of each parent
    chain) at ``level="organisation"``, every actor at ``level="actor"``."""
    if level == "organisation":
        return list(dict.fromkeys(actors.loc[actors["name"] == actors["organisation"], "name"]))
    return list(dict.fromkeys(actors["name"]))


def write_survey_template(actors, path, *, level: str = "organisation", wave: str = "") -> Path:
    """Write the survey form to send out: an Excel workbook, one row per respondent and
    partner, the 1-4 cells restricted by Excel data validation.

    ``actors`` is the registry (a path or :func:`~stakeholder_graph.read_actors`' table);
    ``level="organisation"`` (default) lists its organisations (the top of each parent
    chain) as respondents and partners, ``"actor"`` every actor.  The sheet ``survey``
    has the columns :func:`read_survey` reads (``wave`` filled with ``wave`` when given);
    ``works_with`` takes yes/no from a list, each item a whole number from 1 to 4.  A
    second sheet, ``questions``, says what each column asks.  Names are written as text,
    never as formulas.  The file is written whole or not at all.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    from ..export import atomic_path
    from .readers import read_actors
    if level not in ("organisation", "actor"):
        raise InputError(f"level must be organisation or actor, not '{level}'")
    if Path(path).suffix.lower() != ".xlsx":
        # The form is a workbook: under another name it would not read back as one.
        from ..errors import OutputError
        raise OutputError(f"the survey form is an Excel workbook: give the output a .xlsx name, not '{Path(path).name}'")
    registry = actors if isinstance(actors, pd.DataFrame) and "organisation" in actors else read_actors(actors)
    people = template_population(registry, level)
    if len(people) < 2:
        raise InputError(f"the registry has {len(people)} {level}(s): a survey needs two or more", file=None)
    header = ["respondent", "partner", "works_with", *ITEMS, "frequency", "wave"]
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for respondent in people:
        for partner in people:
            if partner != respondent:
                row = [respondent, partner, None, *([None] * len(ITEMS)), None, wave or None]
                sheet.append(row)
    last = sheet.max_row
    # Names are data: a name starting with "=" is text, not a formula.
    for row in sheet.iter_rows(min_row=2, max_row=last, max_col=2):
        for cell in row:
            cell.data_type = "s"
    yes_no = DataValidation(type="list", formula1='"yes,no"', allow_blank=True, showErrorMessage=True,
                            errorTitle="yes or no", error="Answer yes or no.")
    scale = DataValidation(type="whole", operator="between", formula1="1", formula2="4", allow_blank=True,
                           showErrorMessage=True, errorTitle="1 to 4",
                           error="A whole number from 1 (not at all) to 4 (a great deal).")
    sheet.add_data_validation(yes_no)
    sheet.add_data_validation(scale)
    if last >= 2:
        yes_no.add(f"C2:C{last}")
        scale.add(f"D2:I{last}")
    sheet.freeze_panes = "C2"
    sheet.column_dimensions["A"].width = sheet.column_dimensions["B"].width = 42
    questions = book.create_sheet("questions")
    questions.append(["column", "question"])
    questions.append(["respondent", "Your organisation (filled in)"])
    questions.append(["partner", "The partner this row is about (filled in)"])
    for column, text in QUESTIONS.items():
        questions.append([column, text])
    questions.append(["scale", "1 = not at all, 2 = a small amount, 3 = a fair amount, 4 = a great deal"])
    questions.append(["wave", "The survey round (e.g. 2025-03), the same on every row of one round"])
    questions.column_dimensions["B"].width = 90
    for row in questions.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    path = Path(path)
    with atomic_path(path) as tmp:
        book.save(tmp)
    return path
