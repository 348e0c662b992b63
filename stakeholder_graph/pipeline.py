"""The whole job in one call: read, build, analyse, write.  The CLI's ``demo`` uses it."""

from __future__ import annotations

import json
from pathlib import Path

from .analysis import analyse
from .datasets import DEMO_SEED, FACILITATION, write_demo_files
from .export import write_graph, write_table, write_text
from .graph import actor_frame, build_graph, tie_frame
from .survey import confidential_ties
from .io.readers import read_inputs

__all__ = ["run_demo", "run_all"]


def run_all(inputs, out_dir, *, echo=None, seed=None, **build_options) -> dict:
    """Build the graph from ``inputs``, analyse it once, and write every output into
    ``out_dir`` (each view reads the one Analysis).

    Returns ``{label: path}`` of what was written.
    """
    echo = echo or (lambda message: None)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    G = build_graph(inputs.interactions, inputs.meetings, inputs.actors, survey=inputs.survey, **build_options)
    echo(f"graph: {G.number_of_nodes()} actors, {G.number_of_edges()} ties as of {G.graph['as_of']}")
    written["validation report"] = write_text(out / "validation.json",
                                              json.dumps(inputs.validation(), indent=1, ensure_ascii=False))
    A = analyse(G, seed=seed)
    written["summary"] = write_text(out / "summary.json", json.dumps(A.summary, indent=1))
    found = A.barriers
    echo(f"barriers: {len(found)} findings, {int((found['severity'] >= 0.8).sum())} of severity 0.8 or more")
    written["barriers"] = write_table(found, out / "barriers.csv")
    written["actor metrics"] = write_table(A.metrics, out / "metrics.csv")
    # Who rated whom stays out of the files a demo writes, and so does a tie's score rated by
    # one side only (confidential; see survey.confidential_ties).
    written["ties table"] = write_table(confidential_ties(tie_frame(G)), out / "ties.csv")
    written["actors table"] = write_table(actor_frame(G), out / "actors.csv")
    from .render import write_map, write_report
    written["map"] = write_map(A, out / "map.html")
    organisations = build_graph(inputs.interactions, inputs.meetings, inputs.actors, survey=inputs.survey,
                                **{**build_options, "level": "organisation"})
    written["organisation map"] = write_map(analyse(organisations, seed=seed), out / "map_organisations.html",
                                            title="Partnership map: organisations")
    # The briefing's figures, drawn once, are also the figure files for slides.
    written["briefing"] = write_report(A, out / "briefing.html", map_href="map.html", rows=inputs.rows(),
                                       figure_dir=out / "figures")
    written["figures (PNG, SVG)"] = out / "figures"
    written["graph (Gephi)"] = write_graph(G, out / "partnership.gexf")
    written["graph (GraphML)"] = write_graph(G, out / "partnership.graphml")
    return written


def run_demo(out_dir="outputs", *, seed=None, echo=None) -> dict:
    """Write the demo partnership's files into ``out_dir/data`` and run the whole job on them."""
    out = Path(out_dir)
    paths = write_demo_files(out / "data", seed=DEMO_SEED if seed is None else seed)
    inputs = read_inputs([paths["interactions"]], [paths["meetings"]], paths["actors"], survey=paths["survey"])
    written = {"demo input files": out / "data"}
    written.update(run_all(inputs, out, echo=echo))
    written.update(write_change(inputs, out, at=FACILITATION, echo=echo))
    return written


def write_change(inputs, out_dir, *, at, echo=None, seed=None, **build_options) -> dict:
    """Compare before and after ``at`` and write the change table, change map and change
    briefing into ``out_dir`` ("What difference did it make?")."""
    from .compare import compare_periods
    from .render import write_change_map, write_change_report
    echo = echo or (lambda message: None)
    out = Path(out_dir)
    if inputs.survey is not None:
        build_options = {"survey": inputs.survey, **build_options}
    C = compare_periods(inputs.interactions, inputs.meetings, inputs.actors, at=at, seed=seed or 0, **build_options)
    table = C.table()
    words = table[table["change"].isin(["formed", "lost", "strengthened", "weakened", "up", "down", "closed", "new"])]
    gaps = " (perception gaps: as the survey's waves say)" if (words["kind"] == "perception_gap").any() else ""
    echo(f"change at {at}: {len(words)} changes beyond chance{gaps} "
         f"({', '.join(f'{n} {w}' for w, n in words['change'].value_counts().items()) or 'none'})")
    written = {"change table": write_table(table, out / "changes.csv")}
    written["change map"] = write_change_map(C, out / "change_map.html")
    written["change briefing"] = write_change_report(C, out / "change_briefing.html", map_href="change_map.html")
    return written
