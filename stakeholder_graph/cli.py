"""The click front end: parse options, call one library function, print or write.

No analysis happens here.  Library errors (:class:`StakeholderGraphError`) become one
``Error: ...`` line on stderr and exit code 2.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
import time
import warnings
from pathlib import Path

import click
import pandas as pd

from . import __version__
from ._format import number
from .errors import StakeholderGraphError
from .export import GRAPH_FORMATS, table_csv, table_json, write_graph, write_table
from .graph import build_graph
from .io.readers import column_mapping, read_inputs
from .barriers import BARRIER_KINDS, Thresholds, find_barriers
from .metrics import network_summary, node_metrics
from .ties import DEFAULT_HALF_LIFE_DAYS

BIG_FILE_BYTES = 5_000_000


class UserError(click.ClickException):
    """A mistake in what the user gave us: exit code 2, one line, no traceback."""

    exit_code = 2


def user_errors(func):
    """Turn the library's own exceptions into ``Error: ...`` lines."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            # The library's warnings (a retired threshold...) as one plain line each.
            with warnings.catch_warnings(record=True) as caught, _engine(kwargs):
                warnings.simplefilter("always", FutureWarning)
                result = func(*args, **kwargs)
            for warning in caught:
                click.echo(f"Warning: {warning.message}", err=True)
            return result
        except StakeholderGraphError as err:
            raise UserError(str(err)) from None
        except BrokenPipeError:
            # The reader went away (``... | head``): not a mistake, nothing more to say.
            sys.stderr.close()
            sys.exit(0)
        except OSError as err:
            # An output folder that cannot be written, a disk that is full.
            raise UserError(f"{err.strerror or err}: {err.filename or ''}".rstrip(": ")) from None

    return wrapper


def _given_on_command_line(name: str) -> bool:
    """Was option ``name`` written on the command line (not left at its default)?"""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE


def _engine(opts: dict):
    """With ``--engine dask`` (or ``--scheduler``): the command runs on that Dask scheduler,
    with Dask's progress bar on stderr for long steps; else nothing to set up."""
    if opts.get("scheduler") and opts.get("engine") == "pandas" and _given_on_command_line("engine"):
        raise UserError("--scheduler runs the Dask engine: it cannot be given with --engine pandas")
    if opts.get("engine") != "dask" and not opts.get("scheduler"):
        return contextlib.nullcontext()
    from .cluster import progress, scheduler
    stack = contextlib.ExitStack()
    try:
        stack.enter_context(scheduler(opts.get("scheduler")))
        stack.enter_context(progress())
    except BaseException:
        stack.close()
        raise
    return stack


def _date(ctx, param, value):
    """A typed date stays text here: it is read with --day-first/--month-first, which may
    come later on the command line (see :func:`typed_dates`)."""
    return value.strip() if isinstance(value, str) else value


def _rows_left_out_by_filters(inputs, opts) -> None:
    """validate with --since, --until, --programme or --type: the rows those filters leave
    out, said apart from rejected rows (they are not errors, and do not change the exit code)."""
    from .ties import filter_contacts
    dates = typed_dates(opts)
    filters = {"since": dates["since"], "until": dates["until"],
               "programme": list(opts["programme"]) or None, "type": list(opts["contact_type"]) or None}
    if not any(v is not None for v in filters.values()):
        return
    def shown(value):
        if isinstance(value, pd.Timestamp):
            return value.date().isoformat() if value == value.normalize() else value.isoformat()
        return " ".join(value) if isinstance(value, list) else str(value)

    said = ", ".join(f"--{k} {shown(v)}" for k, v in filters.items() if v is not None)
    from .io.lazy import LazyLog
    for table in (inputs.interactions, inputs.meetings):
        if isinstance(table, LazyLog):
            click.echo(f"{table.name}: rows left out by the filters ({said}) are not counted with --engine dask")
            continue
        if table is None or not len(table):
            continue
        kept = filter_contacts(table, **filters)
        left = table.loc[~table.index.isin(kept.index), "file"].value_counts()
        for file, count in left.items():
            click.echo(f"{file}: {count:,} rows left out by the filters ({said}): not rejected")


def _typed_epoch(epoch, time_unit, day_first, month_first):
    """--epoch read as a typed date; --time-unit and --epoch only together."""
    if (epoch is None) != (time_unit is None):
        raise UserError("give both --time-unit (s, ms or days) and --epoch DATE to read numbers in date columns")
    from .io.dates import parse_typed_date
    return parse_typed_date(epoch, day_first=day_first, month_first=month_first, option="--epoch")


def typed_dates(opts: dict) -> dict:
    """``--as-of``, ``--since`` and ``--until`` read by the rules of a date column:
    ``03/04/2026`` needs --day-first or --month-first, as a log's dates do."""
    from .io.dates import parse_typed_date
    return {key: parse_typed_date(opts.get(key), day_first=opts.get("day_first", False),
                                  month_first=opts.get("month_first", False), option="--" + key.replace("_", "-"))
            for key in ("as_of", "since", "until")}


def input_options(func):
    """The INPUTS every analysis command takes, declared once."""
    options = [
        click.argument("interaction_files", nargs=-1, type=click.Path()),
        click.option("--meetings", "meeting_files", multiple=True, type=click.Path(),
                     help="Meeting register (one row per participant per meeting); repeatable."),
        click.option("--actors", "actors_file", type=click.Path(dir_okay=False),
                     help="Actor registry: name, kind, sector, parent, aliases."),
        click.option("--survey", "survey_file", type=click.Path(dir_okay=False),
                     help="Relationship survey (PARTNER style): respondent, partner, works_with, trust items "
                          "reliability, mission, openness and value items influence, involvement, resources (1-4); "
                          "see docs/survey.md."),
        click.option("--survey-wave", help="The survey round to use (default: the latest in the survey's wave column)."),
        click.option("--include-survey-ties", is_flag=True,
                     help="Add pairs named in the survey but never logged as ties (by default they are only "
                          "listed, and kept out of the structural measures)."),
        click.option("--as-of", callback=_date, help="Measure tie strength at this date (default: last contact)."),
        click.option("--since", callback=_date, help="Only contacts on or after this date."),
        click.option("--until", callback=_date, help="Only contacts on or before this date."),
        click.option("--programme", multiple=True, help="Only contacts of this programme; repeatable."),
        click.option("--type", "contact_type", multiple=True, help="Only contacts of this type; repeatable."),
        click.option("--level", type=click.Choice(["actor", "organisation"]), default="actor", show_default=True,
                     help="Actors as logged, or rolled up to organisations through 'parent'."),
        click.option("--half-life", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_HALF_LIFE_DAYS,
                     show_default=True, help="Days for a contact's weight in tie strength to halve."),
        click.option("--undirected", is_flag=True,
                     help="Source/target order means nothing (sensor data): nobody initiates."),
        click.option("--column", "column_items", multiple=True, metavar="FIELD=HEADER",
                     help="Read the column HEADER as FIELD, e.g. --column source=\"From organisation\"; "
                          "meetings.date=HEADER (or interactions., actors.) for one kind of file; repeatable."),
        click.option("--sheet", help="Read this sheet from each workbook that has it (default: the first sheet "
                                     "whose header holds the required columns)."),
        click.option("--time-unit", type=click.Choice(["s", "ms", "days"]),
                     help="Read plain numbers in date columns as this many units after --epoch "
                          "(sensor seconds; Excel serial days with --epoch 1899-12-30)."),
        click.option("--epoch", help="The date numbers in date columns count from (with --time-unit)."),
        click.option("--no-header", is_flag=True, help="Logs and registers have no header row: map columns by "
                                                       "position, e.g. --column date=1 --column source=2 --column target=3."),
        click.option("--day-first", is_flag=True, help="Read 03/04/2024 as 3 April (UK)."),
        click.option("--month-first", is_flag=True, help="Read 03/04/2024 as 4 March (US)."),
        click.option("--engine", type=click.Choice(["pandas", "dask"]), default="pandas", show_default=True,
                     help="dask: read and reduce the logs partition by partition on a Dask scheduler (logs larger "
                          "than memory; a log may then be a glob or a folder of Parquet/CSV files)."),
        click.option("--scheduler", metavar="ADDRESS",
                     help="The Dask scheduler to run on, e.g. tcp://10.0.0.5:8786 (implies --engine dask). "
                          "With --engine dask and no --scheduler: $DASK_SCHEDULER_ADDRESS, else local "
                          "processes/threads."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _progress(path, report):
    if hasattr(report, "_log"):    # the Dask engine's report is known after the build
        return
    size = Path(path).stat().st_size if isinstance(path, (str, Path)) and Path(path).is_file() else 0
    if size >= BIG_FILE_BYTES:
        click.echo(f"read {path}: {report.rows_used:,} of {report.rows_read:,} rows used", err=True)


def load(opts: dict):
    """Read the INPUTS the options name (the input_options of every command)."""
    interaction_files, meeting_files = opts["interaction_files"], opts["meeting_files"]
    if not interaction_files and not meeting_files:
        raise UserError("give at least one interaction file or --meetings FILE (try: stakeholder-graph demo)")
    for path in list(interaction_files) + list(meeting_files):
        if Path(path).exists() and Path(path).stat().st_size >= BIG_FILE_BYTES:
            click.echo(f"reading {path} ({Path(path).stat().st_size / 1e6:.0f} MB)...", err=True)
    return read_inputs(interaction_files, meeting_files, opts["actors_file"], day_first=opts["day_first"],
                       month_first=opts["month_first"], on_read=_progress,
                       columns=column_mapping(opts["column_items"]), sheet=opts["sheet"],
                       time_unit=opts["time_unit"], no_header=opts["no_header"], engine=_engine_of(opts),
                       epoch=_typed_epoch(opts["epoch"], opts["time_unit"], opts["day_first"], opts["month_first"]),
                       survey=opts.get("survey_file"))


def _engine_of(opts: dict) -> str:
    return "dask" if opts.get("scheduler") else opts.get("engine", "pandas")


def say_what_was_not_used(inputs) -> None:
    """One line on stderr per input file with rows that were not used, and why."""
    for report in inputs.reports:
        rejected = report.rows_read - report.rows_used
        if not rejected:
            continue
        reasons = list(report.counts_by_reason().items())
        shown = ", ".join(f"{n:,} {reason}" for reason, n in reasons[:3]) + (", ..." if len(reasons) > 3 else "")
        click.echo(f"used {report.rows_used:,} of {report.rows_read:,} rows of {report.file}; {rejected:,} not used "
                   f"({shown}): run validate for the list", err=True)


def graph_from_options(opts: dict):
    """Read the INPUTS and build the graph; returns ``(graph, inputs)``."""
    inputs = load(opts)
    dates = typed_dates(opts)

    def build():
        return build_graph(inputs.interactions, inputs.meetings, inputs.actors, as_of=dates["as_of"],
                           half_life=opts["half_life"], since=dates["since"], until=dates["until"],
                           programme=list(opts["programme"]) or None, type=list(opts["contact_type"]) or None,
                           level=opts["level"], undirected=opts["undirected"], survey=inputs.survey,
                           include_survey_ties=opts["include_survey_ties"], survey_wave=opts.get("survey_wave"))

    # The Dask engine learns what it did not use while it builds (one pass over the log).
    G = build() if _engine_of(opts) == "dask" else None
    logs = [r for r in inputs.reports if r.what in ("interactions", "meetings")]
    if logs and all(r.rows_read == 0 for r in logs):
        raise UserError(f"{logs[0].file}: has a header but no rows: no contacts to build a graph from")
    say_what_was_not_used(inputs)
    hints = inputs.did_you_mean()
    if hints:
        shown = "; ".join(f"'{name}' (did you mean {' or '.join(repr(h) for h in close)}?)"
                          for name, close in list(hints.items())[:5])
        click.echo(f"{len(hints)} name(s) not in the registry look like one that is: {shown}"
                   + (" ..." if len(hints) > 5 else "") + ": run validate for the list", err=True)
    G = G if G is not None else build()
    _say_survey_only(G)
    return G, inputs


def _say_survey_only(G) -> None:
    """One line on stderr when the survey names pairs the logs never saw."""
    pairs = (G.graph.get("survey") or {}).get("survey_only") or []
    if pairs:
        shown = "; ".join(f"{a} / {b}" for a, b in pairs[:3]) + (" ..." if len(pairs) > 3 else "")
        click.echo(f"{len(pairs)} pair(s) named in the survey have no logged contact and are not ties ({shown}); "
                   "--include-survey-ties adds them", err=True)


def emit_table(df: pd.DataFrame, fmt: str, output, raw_cells: bool = False):
    """Print or write a table in the chosen format (CSV safe to open in Excel unless ``raw_cells``)."""
    if output:
        # The extension says the format (report.json is JSON) unless --format says otherwise.
        chosen = fmt if fmt in ("csv", "json") else ("json" if Path(output).suffix.lower() == ".json" else "csv")
        write_table(df, output, chosen, excel_safe=not raw_cells)
        click.echo(f"wrote {len(df)} rows to {output}", err=True)
    elif fmt == "json":
        click.echo(table_json(df))
    elif fmt == "csv":
        click.echo(table_csv(df, excel_safe=not raw_cells), nl=False)
    else:
        with pd.option_context("display.max_rows", None, "display.max_columns", None, "display.width", 200,
                               "display.max_colwidth", 60):
            click.echo(df.to_string() if len(df) else "(no rows)")


class OneLineErrors(click.Group):
    """A command group whose usage mistakes (a bad option value, an unknown option) are one
    ``Error: ...`` line and exit code 2, as every other user mistake, not click's usage block."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except click.UsageError as err:
            command = f" {err.ctx.info_name}" if err.ctx is not None and err.ctx.parent is not None else ""
            raise UserError(f"{err.format_message()} (see: stakeholder-graph{command} --help)") from None


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="stakeholder-graph")
def cli():
    """See and mend the relationships of a health and care partnership.

    Turns interaction logs (who met or contacted whom, when, about what) into a weighted
    graph of organisations and teams, and diagnoses where relationships are weak,
    one-sided, broken or missing.

    \b
    Example:
        stakeholder-graph demo
        stakeholder-graph summary data/interactions.csv --meetings data/meetings.csv --actors data/actors.csv
    """


@cli.command()
@input_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--all", "show_all", is_flag=True, help="List every rejected row, not the first 3 of each reason.")
@click.pass_context
@user_errors
def validate(ctx, fmt, show_all, **opts):
    """Say what was read, what was not, and why: every row is accounted for.

    Exit code: 0 when every row was used, 1 when any row was rejected as bad, 2 on an
    error (a file that cannot be read at all).

    \b
    Example:
        stakeholder-graph validate log.csv --meetings boards.xlsx --actors actors.csv --day-first
    """
    inputs = load(opts)
    rejected_any = any(report.rows_read - report.rows_used for report in inputs.reports)
    if fmt == "json":
        click.echo(json.dumps(inputs.validation(), indent=1, ensure_ascii=False))
        ctx.exit(1 if rejected_any else 0)
    unknown = inputs.unknown_actors()
    for report in inputs.reports:
        rejected = report.rows_read - report.rows_used
        click.echo(f"{report.file} ({report.what}): {report.rows_read:,} rows read, "
                   f"{report.rows_used:,} used, {rejected:,} rejected")
        for note in report.notes:
            click.echo(f"  note: {note}")
        if report.rows_read == 0:
            click.echo("  note: the file has a header but no rows")
        # Reasons with their counts, each with its first rows (a bad value repeated over
        # thousands of rows is one reason, not thousands of lines).
        for reason, count in report.counts_by_reason().items():
            click.echo(f"  {count:>6,} {reason}")
            rows = report.rejected[report.rejected["reason"] == reason]
            shown = rows if show_all else rows.head(3)
            for row in shown.itertuples():
                click.echo(f"           {row.file + ', ' if row.file != report.file else ''}row {row.row}, "
                           f"column '{row.column}'")
            if count > len(shown):
                click.echo(f"           ... and {count - len(shown):,} more row{'s' if count - len(shown) != 1 else ''} "
                           + ("(--all lists them)" if len(rows) > len(shown) else
                              "(the Dask engine keeps a sample; LazyLog.rejected_rows() has them all)"))
    _rows_left_out_by_filters(inputs, opts)
    if inputs.actors is not None:
        hints = inputs.did_you_mean()
        listed = [name + (f" (did you mean {' or '.join(repr(h) for h in hints[name])}?)" if name in hints else "")
                  for name in unknown[:30]]
        click.echo(f"{len(unknown)} name(s) in the logs{' and survey' if inputs.survey is not None else ''} "
                   "are not in the actor registry"
                   + (": " + "; ".join(listed) + (" ..." if len(unknown) > 30 else "") if unknown else ""))
    if inputs.survey is not None:
        from .survey import resolve_survey, survey_only_pairs
        merged = resolve_survey(inputs.survey, inputs._spellings)[1]
        if merged:
            click.echo(f"{merged} survey row(s) name one actor as both respondent and partner through the registry's "
                       "aliases: self-ratings, not used")
        from .survey import answered_by_organisations, level_error, logged_pairs
        rows = resolve_survey(inputs.survey, inputs._spellings)[0]
        if opts.get("level", "actor") != "organisation" and answered_by_organisations(rows, inputs.actors,
                                                                                        logged_pairs(inputs)):
            click.echo("note: " + level_error(opts.get("level", "actor")) + "; survey-only pairs below are counted "
                       "between organisations")
        pairs = survey_only_pairs(inputs)
        click.echo(f"{len(pairs)} pair(s) named in the survey have no logged contact (a note about the data, not "
                   "a barrier; --include-survey-ties makes them ties)"
                   + (": " + "; ".join(f"{a} / {b}" for a, b in pairs[:20]) + (" ..." if len(pairs) > 20 else "")
                      if pairs else ""))
    variants = inputs.case_variants()
    if variants:
        shown = "; ".join(f"'{name}' as '{actor}'" for name, actor in list(variants.items())[:20])
        click.echo(f"{len(variants)} name(s) differ from an actor's name only in case and are read as that actor: "
                   + shown + (" ..." if len(variants) > 20 else ""))
    ctx.exit(1 if rejected_any else 0)


@cli.command()
@input_options
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@user_errors
def summary(fmt, **opts):
    """The partnership in numbers: density, reciprocity, centralization, E-I index.

    \b
    Example:
        stakeholder-graph summary log.csv --actors actors.csv --level organisation --format json
    """
    G, inputs = graph_from_options(opts)
    result = network_summary(G)
    result["rows"] = inputs.rows()
    if fmt == "json":
        click.echo(json.dumps(result, indent=1))
        return
    for key, value in _flatten(result).items():
        click.echo(f"{key:<34} {number(value, 4, grouped=False)}")


def _flatten(d, prefix=""):
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}{k}."))
        else:
            out[prefix + k] = v
    return out


def table_options(func):
    """--format, -o and --raw-cells, the same on every command that prints a table."""
    func = click.option("--raw-cells", is_flag=True,
                        help="Write CSV cells as they are (by default a cell Excel would run as a formula, "
                             "e.g. =HYPERLINK(...), gets a leading apostrophe).")(func)
    func = click.option("-o", "--output", type=click.Path(dir_okay=False),
                        help="Write to this file (CSV, or JSON with --format json) instead of printing.")(func)
    return click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
                        show_default=True)(func)


def _thresholds(ctx, param, values):
    changes = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"'{item}' is not NAME=VALUE (e.g. fdr=0.01)")
        if name not in Thresholds.names():
            raise click.BadParameter(f"unknown threshold '{name}'; known: {', '.join(Thresholds.current_names())}")
        try:
            changes[name] = float(value)
        except ValueError:
            raise click.BadParameter(f"'{value}' is not a number (threshold {name})") from None
    return changes


@cli.command()
@input_options
@table_options
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for communities and sampled betweenness.")
@user_errors
def metrics(fmt, output, raw_cells, seed, **opts):
    """One row per actor: degree, strength, betweenness, closeness, eigenvector,
    Burt's structural holes, community, organisation, sector and brokerage roles.

    \b
    Example:
        stakeholder-graph metrics log.csv --actors actors.csv --format csv -o metrics.csv
    """
    G, _ = graph_from_options(opts)
    emit_table(node_metrics(G, seed=seed).round(6), fmt, output, raw_cells)


@cli.command()
@input_options
@table_options
@click.option("--kind", "kinds", multiple=True, type=click.Choice(BARRIER_KINDS), help="Only this kind; repeatable.")
@click.option("--organisation", help="Only findings that involve this organisation or its teams.")
@click.option("--threshold", "thresholds", multiple=True, callback=_thresholds, metavar="NAME=VALUE",
              help="Change a setting, e.g. --threshold fdr=0.01; repeatable (see docs/barriers.md).")
@click.option("--top", type=click.IntRange(min=1), help="In the table, show the N most severe of each kind "
              "and say how many more there are (CSV and JSON always hold every finding).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for the silo test's shuffles.")
@user_errors
def barriers(fmt, output, raw_cells, kinds, organisation, thresholds, top, seed, **opts):
    """Diagnose the barriers to collaboration, most severe first, each tested against chance.

    Every finding passed a test against what the partnership's own degrees, rates and
    shares would give by chance, with the false-discovery rate kept at 5% per kind.

    \b
    Example:
        stakeholder-graph barriers log.csv --meetings boards.csv --actors actors.csv --programme diabetes
        stakeholder-graph barriers log.csv --threshold fdr=0.01 --format csv -o barriers.csv
    """
    G, _ = graph_from_options(opts)
    found = find_barriers(G, kinds=list(kinds) or None, organisation=organisation, seed=seed, **thresholds)
    if fmt == "table" and not output:
        if found.empty:
            click.echo("No barriers found: nothing in the log stands out from chance.")
        shown = found if top is None else found.groupby("kind", sort=False).head(top)
        for i, row in enumerate(shown.itertuples(), 1):
            click.echo(f"{i:>2}. [{row.severity:.2f}] {row.kind}: {row.actors.replace(';', ' / ')}")
            click.echo(f"    {row.explanation}")
            click.echo(f"    Suggestion: {row.suggestion}")
        for kind, more in (found["kind"].value_counts() - shown["kind"].value_counts()).items():
            if more > 0:
                click.echo(f"... and {int(more)} more {kind} finding{'s' if more > 1 else ''} (--top shows {top} per kind)")
        return
    emit_table(found, fmt, output, raw_cells)


@cli.command("map")
@input_options
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="outputs/map.html", show_default=True,
              help="HTML file to write.")
@click.option("--focus", help="Ego view: centre on this actor or organisation (case-insensitive).")
@click.option("--radius", type=click.IntRange(min=1), default=1, show_default=True, help="Steps from --focus.")
@click.option("--colour-by", type=click.Choice(["sector", "organisation", "kind", "community"]), default="sector",
              show_default=True)
@click.option("--size-by", type=click.Choice(["betweenness", "degree", "strength", "eigenvector"]),
              default="betweenness", show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Layout seed: same seed, same picture.")
@click.option("--show-ratings", is_flag=True, help="With --survey: also show what each side said of the other "
              "(confidential; by default a tie shows its own trust and value only).")
@user_errors
def map_command(output, focus, radius, colour_by, size_by, seed, show_ratings, **opts):
    """Write the interactive map: one HTML file that works offline.

    \b
    Example:
        stakeholder-graph map log.csv --actors actors.csv --level organisation -o map.html
        stakeholder-graph map log.csv --actors actors.csv --focus "Northvale ICB" --radius 2
    """
    from .render import write_map
    G, _ = graph_from_options(opts)
    path = write_map(G, output, focus=focus, radius=radius, colour_by=colour_by, size_by=size_by, seed=seed,
                     show_ratings=show_ratings)
    around = f" around {focus} (radius {radius})" if focus else f" of {G.number_of_nodes()} actors"
    click.echo(f"wrote the map{around} to {path}", err=True)


@cli.command()
@input_options
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="outputs/briefing.html",
              show_default=True, help="HTML file to write.")
@click.option("--map", "map_href", help="Link the briefing to this map file (relative to the briefing).")
@click.option("--top", type=click.IntRange(min=1), default=12, show_default=True, help="Barriers described in full.")
@click.option("--figures", "figure_dir", type=click.Path(file_okay=False),
              help="Also save the briefing's figures in this folder, as SVG and PNG (for slides).")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--show-ratings", is_flag=True, help="With --survey: also list what each side said of the other on "
              "the ties of the survey findings (confidential; by default only ties' scores and aggregates).")
@user_errors
def report(output, map_href, top, figure_dir, seed, show_ratings, **opts):
    """Write the facilitator briefing: numbers, top barriers, introductions, figures.

    \b
    Example:
        stakeholder-graph report log.csv --meetings boards.csv --actors actors.csv -o briefing.html --map map.html
        stakeholder-graph report log.csv --actors actors.csv --figures outputs/figures
    """
    from .render import write_report
    G, inputs = graph_from_options(opts)
    path = write_report(G, output, map_href=map_href, top=top, seed=seed, figure_dir=figure_dir,
                        rows=inputs.rows(), show_ratings=show_ratings)
    click.echo(f"wrote the briefing to {path}" + (f" and its figures to {figure_dir}" if figure_dir else ""), err=True)


@cli.command()
@input_options
@click.option("--to", "fmt", type=click.Choice(GRAPH_FORMATS), required=True, help="graphml or gexf (Gephi), json (node-link).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (default outputs/graph.FORMAT).")
@click.option("--show-ratings", is_flag=True, help="With --survey: keep what each side said of the other "
              "(who rated whom, confidential); by default only each tie's mean scores are written.")
@user_errors
def export(fmt, output, show_ratings, **opts):
    """Write the graph for Gephi (GraphML, GEXF) or as node-link JSON.

    \b
    Example:
        stakeholder-graph export log.csv --actors actors.csv --to gexf -o partnership.gexf
    """
    G, _ = graph_from_options(opts)
    path = write_graph(G, output or Path("outputs") / f"graph.{fmt}", fmt, show_ratings=show_ratings)
    click.echo(f"wrote {G.number_of_nodes()} actors and {G.number_of_edges()} ties to {path}", err=True)


def _inputs_for_periods(opts: dict, command: str):
    """Read the INPUTS of compare or timeline (no graph yet: each period builds its own)."""
    if opts.get("as_of"):
        raise UserError(f"--as-of has no meaning in {command}: each period is measured as of its own end "
                        "(set the periods with --before and --after)")
    inputs = load(opts)
    # The Dask engine learns what it did not use on its first pass: said after the work
    # (:func:`_said_after`), as after a build.
    if _engine_of(opts) != "dask":
        logs = [r for r in inputs.reports if r.what in ("interactions", "meetings")]
        if logs and all(r.rows_read == 0 for r in logs):
            raise UserError(f"{logs[0].file}: has a header but no rows: no contacts to compare")
        say_what_was_not_used(inputs)
    dates = typed_dates(opts)
    options = {"half_life": opts["half_life"], "programme": list(opts["programme"]) or None,
               "type": list(opts["contact_type"]) or None, "level": opts["level"], "undirected": opts["undirected"],
               "since": dates["since"], "until": dates["until"]}
    if opts.get("survey_wave"):
        raise UserError(f"--survey-wave has no meaning in {command}: the earliest wave is before, the latest after")
    if inputs.survey is not None:
        options.update(survey=inputs.survey, include_survey_ties=opts["include_survey_ties"])
    return inputs, options


def _said_after(inputs, opts: dict) -> None:
    """With the Dask engine, the rows not used, once the work has read the logs."""
    if _engine_of(opts) == "dask":
        say_what_was_not_used(inputs)


def _typed_span(text, option, opts):
    """``START..END`` typed by a user, each side read as --at is (either may be empty)."""
    if text is None:
        return None
    from .io.dates import parse_typed_date
    if ".." not in text:
        raise UserError(f"{option}: write the period as START..END (e.g. 2024-01-01..2024-12-31), not '{text}'")
    start, end = (side.strip() or None for side in text.split("..", 1))
    read = lambda v: parse_typed_date(v, day_first=opts["day_first"], month_first=opts["month_first"],  # noqa: E731
                                      option=option)
    return read(start), read(end)


@cli.command()
@input_options
@table_options
@click.option("--at", "at", required=True, callback=_date, help="The date of the change (e.g. the first facilitated session).")
@click.option("--before", "before", help="The before period, START..END (default: all data before --at).")
@click.option("--after", "after", help="The after period, START..END (default: all data from --at on).")
@click.option("--report", "report_path", type=click.Path(dir_okay=False), help="Also write the change briefing (HTML).")
@click.option("--map", "map_path", type=click.Path(dir_okay=False), help="Also write the change map (HTML).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of each period's analysis and layout.")
@user_errors
def compare(fmt, output, raw_cells, at, before, after, report_path, map_path, seed, **opts):
    """What difference did it make?  Compare the partnership before and after a date.

    One row per measure, per tie with contact in either period and per barrier found in
    either.  A change is named only beyond chance: ties formed, lost, strengthened or
    weakened (a rate test that allows for bursty contact, false-discovery rate 5%);
    measures up or down beyond what the periods' lengths give; barriers closed or new
    only with a clear margin, else persisting (see docs/compare.md).

    \b
    Example:
        stakeholder-graph compare log.csv --meetings boards.csv --actors actors.csv --at 2025-10-01
        stakeholder-graph compare log.csv --actors actors.csv --at 2025-10-01 --report change.html --map change_map.html
    """
    from .compare import compare_periods
    from .io.dates import parse_typed_date
    inputs, options = _inputs_for_periods(opts, "compare")
    at = parse_typed_date(at, day_first=opts["day_first"], month_first=opts["month_first"], option="--at")
    C = compare_periods(inputs.interactions, inputs.meetings, inputs.actors, at=at,
                        before=_typed_span(before, "--before", opts), after=_typed_span(after, "--after", opts),
                        seed=seed, **options)
    _said_after(inputs, opts)
    if map_path:
        from .render import write_change_map
        click.echo(f"wrote the change map to {write_change_map(C, map_path, seed=seed)}", err=True)
    if report_path:
        import os
        from .render import write_change_report
        href = os.path.relpath(Path(map_path).resolve(), Path(report_path).resolve().parent) if map_path else None
        click.echo(f"wrote the change briefing to {write_change_report(C, report_path, map_href=href)}", err=True)
    table = C.table()
    if fmt == "table" and not output:
        changes = {"formed", "lost", "strengthened", "weakened", "up", "down", "closed", "new"}
        changed = table[table["change"].isin(changes)]
        click.echo(f"Before: {C.before} ({C.before.days} days); after: {C.after} ({C.after.days} days). "
                   f"{len(changed)} change(s) beyond chance"
                   + (" (perception gaps: as the two survey waves' ratings say)."
                      if (changed["kind"] == "perception_gap").any() else "."))
        for section in ("measure", "barrier", "tie"):
            for row in changed[changed["section"] == section].itertuples():
                click.echo(f"- {section} {row.change}: {row.explanation}")
        persisting = table[table["change"].eq("persisting")]
        for row in persisting.itertuples():
            click.echo(f"- barrier persisting: {row.kind.replace('_', ' ')} ({row.actors.replace(';', ' / ')})")
        ties = table[table["section"].eq("tie")]
        click.echo(f"({int(ties['change'].eq('unchanged').sum())} of {len(ties)} ties unchanged; "
                   "--format csv for every row with its explanation)")
        return
    emit_table(table, fmt, output, raw_cells)


@cli.command()
@input_options
@table_options
@click.option("--every", type=click.Choice(["month", "quarter", "year"]), default="quarter", show_default=True)
@user_errors
def timeline(fmt, output, raw_cells, every, **opts):
    """The key measures per month, quarter or year: the trend behind a before/after split.

    \b
    Example:
        stakeholder-graph timeline log.csv --meetings boards.csv --actors actors.csv --every quarter
    """
    from .compare import timeline as measures_over_time
    inputs, options = _inputs_for_periods(opts, "timeline")
    frame = measures_over_time(inputs.interactions, inputs.meetings, inputs.actors, every=every, **options)
    _said_after(inputs, opts)
    emit_table(frame.round(6), fmt, output, raw_cells)


@cli.command("survey-template")
@click.option("--actors", "actors_file", required=True, type=click.Path(dir_okay=False),
              help="Actor registry whose organisations (or actors, with --level actor) the form lists.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="survey.xlsx", show_default=True,
              help="Excel workbook to write.")
@click.option("--level", type=click.Choice(["organisation", "actor"]), default="organisation", show_default=True,
              help="Respondents and partners: the registry's organisations, or every actor (teams too).")
@click.option("--wave", default="", help="Survey round to fill in on every row (e.g. 2026-03).")
@user_errors
def survey_template(actors_file, output, level, wave):
    """Write the relationship survey form to send out: one row per respondent and partner,
    the 1-4 cells restricted by Excel data validation (read it back with --survey).

    \b
    Example:
        stakeholder-graph survey-template --actors actors.csv -o survey.xlsx --wave 2026-03
    """
    from .io.survey import write_survey_template
    path = write_survey_template(actors_file, output, level=level, wave=wave)
    click.echo(f"wrote the survey form to {path} ({level} level"
               + (": analyse it with --level organisation)" if level == "organisation" else ")"), err=True)


@cli.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default="outputs", show_default=True,
              help="Folder to write into.")
@click.option("--seed", type=int, default=None, help="Generate the demo with another seed (default: the bundled one).")
@user_errors
def demo(out_dir, seed):
    """Run the whole job on the bundled demo partnership and write the results.

    \b
    Example:
        stakeholder-graph demo --out outputs
    """
    from .pipeline import run_demo
    started = time.perf_counter()
    written = run_demo(out_dir, seed=seed, echo=lambda m: click.echo(m, err=True))
    click.echo(f"Demo partnership analysed in {time.perf_counter() - started:.1f} s. Wrote:")
    for label, path in written.items():
        click.echo(f"  {label:<22} {path}")


def main(argv=None):
    """Console-script entry point."""
    return cli.main(args=argv, prog_name="stakeholder-graph")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
