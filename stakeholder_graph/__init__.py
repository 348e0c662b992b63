"""stakeholder-graph: see and mend the relationships of a health and care partnership.

Interaction logs in, a weighted networkx graph of organisations and teams out, with a
diagnosis of the barriers between them.

>>> import stakeholder_graph as sg
>>> tables = sg.demo_tables()
>>> G = sg.build_graph(tables["interactions"], tables["meetings"], tables["actors"])
>>> G.number_of_nodes()
45
"""

__version__ = "0.1.0"

from .analysis import Analysis, analyse
from .datasets import FACILITATION, HEALTHY, PLANTED, PLANTED_CHANGES, demo_tables, write_demo_files
from .errors import (AmbiguousDateError, InputError, MissingColumnError, OutputError, RegistryError,
                     StakeholderGraphError, UnknownActorError)
from .export import write_graph, write_table
from .graph import actor_frame, build_graph, ego_graph, initiation_graph, tie_frame
from .io.readers import Inputs, read_actors, read_inputs, read_interactions, read_meetings
from .io.report import ReadReport
from .io.survey import read_survey, write_survey_template
from .metrics import betweenness, closeness, ei_index, freeman_centralization, network_summary, node_metrics
from .brokerage import brokerage_roles, communities
from .barriers import BARRIER_KINDS, Thresholds, find_barriers, tie_overlap
from .ties import DEFAULT_HALF_LIFE_DAYS, tie_table
from .render import (plot_activity, plot_network, plot_organisation_heatmap, plot_strength_distribution,
                     plot_timeline, plot_trust_and_contact, save_figure, write_change_map, write_change_report, write_map,
                     write_report)
from .holes import structural_holes
from .survey import survey_summary
from .compare import Comparison, compare_periods, timeline

__all__ = [
    "__version__",
    "read_interactions", "read_meetings", "read_actors", "read_inputs", "Inputs", "ReadReport",
    "read_survey", "write_survey_template", "survey_summary",
    "build_graph", "initiation_graph", "ego_graph", "tie_frame", "actor_frame", "tie_table",
    "DEFAULT_HALF_LIFE_DAYS",
    "analyse", "Analysis",
    "network_summary", "betweenness", "closeness", "ei_index", "freeman_centralization", "structural_holes",
    "node_metrics", "brokerage_roles", "communities",
    "find_barriers", "Thresholds", "BARRIER_KINDS", "tie_overlap",
    "compare_periods", "timeline", "Comparison",
    "write_graph", "write_table", "write_map", "write_report", "write_change_report", "write_change_map",
    "plot_network", "plot_organisation_heatmap", "plot_activity", "plot_strength_distribution", "plot_timeline",
    "plot_trust_and_contact", "save_figure",
    "demo_tables", "write_demo_files", "PLANTED", "HEALTHY", "FACILITATION", "PLANTED_CHANGES",
    "StakeholderGraphError", "InputError", "MissingColumnError", "AmbiguousDateError",
    "RegistryError", "UnknownActorError", "OutputError",
]
