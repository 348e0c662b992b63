"""Pictures of the partnership: the interactive map, static figures, the facilitator briefing."""

from .figures import (plot_activity, plot_network, plot_organisation_heatmap, plot_strength_distribution,
                      save_figure)
from .map import map_data, write_map
from .report import write_report

__all__ = ["write_map", "map_data", "write_report", "plot_network", "plot_organisation_heatmap",
           "plot_activity", "plot_strength_distribution", "save_figure"]
