"""Pictures of the partnership: the interactive map, static figures, the facilitator briefing,
and the change briefing and change map of a before/after comparison."""

from .change import change_map_data, write_change_map, write_change_report
from .figures import (plot_activity, plot_network, plot_organisation_heatmap, plot_strength_distribution,
                      plot_timeline, plot_trust_and_contact, save_figure)
from .map import map_data, write_map
from .report import write_report

__all__ = ["write_map", "map_data", "write_report", "write_change_report", "write_change_map", "change_map_data",
           "plot_network", "plot_organisation_heatmap", "plot_activity", "plot_strength_distribution", "plot_timeline",
           "plot_trust_and_contact",
           "save_figure"]
