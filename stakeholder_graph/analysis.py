"""One analysis of a stakeholder graph, computed once and read by every view.

:func:`analyse` wraps a graph in an :class:`Analysis`.  Each measure (betweenness,
closeness, structural holes, communities, brokerage, the barrier diagnosis, layouts...)
is computed the first time something asks for it and kept, so a map, a briefing, the
metrics table and the barrier list made from one Analysis share one betweenness, one set
of communities and one layout.  Every public function that measures or draws a graph
(:func:`~stakeholder_graph.metrics.network_summary`,
:func:`~stakeholder_graph.metrics.node_metrics`,
:func:`~stakeholder_graph.barriers.find_barriers`,
:func:`~stakeholder_graph.render.write_map`, :func:`~stakeholder_graph.render.write_report`,
the ``plot_*`` figures) takes either a graph or an Analysis: given a graph, it analyses it
once for that call.

The measuring code itself lives in its own modules (:mod:`.metrics`, :mod:`.holes`,
:mod:`.brokerage`, :mod:`.barriers`, :mod:`.render.layout`); this module only decides
what is computed once and hands it out.
"""

from __future__ import annotations

import networkx as nx

__all__ = ["Analysis", "analyse", "analysis_of"]

DEFAULT_SEED = 0


class Analysis:
    """Everything measured on one graph, each piece computed once, when first asked for.

    Do not change ``graph`` after analysing it: what was computed would no longer match.

    Attributes
    ----------
    graph : networkx.Graph
        The graph analysed (from :func:`~stakeholder_graph.graph.build_graph`, or any
        undirected graph whose ``weight`` is tie strength and ``distance`` 1/strength).
    seed : int
        Seed of every random step (Louvain communities, sampled betweenness above
        :data:`~stakeholder_graph.metrics.SAMPLED_BETWEENNESS_ABOVE` actors, layouts).
    """

    def __init__(self, G: nx.Graph, *, seed: int | None = None):
        if isinstance(G, Analysis):
            raise TypeError("already an Analysis; use analysis_of() to accept either")
        if not isinstance(G, nx.Graph):
            raise TypeError(f"expected a networkx graph, not {type(G).__name__}")
        self.graph = G
        self.seed = DEFAULT_SEED if seed is None else int(seed)
        self._cache: dict = {}

    def __repr__(self) -> str:
        done = ", ".join(str(k if isinstance(k, str) else k[0]) for k in self._cache) or "nothing yet"
        return (f"<Analysis of {self.graph.number_of_nodes()} actors, {self.graph.number_of_edges()} ties; "
                f"seed {self.seed}; computed: {done}>")

    def _once(self, key, compute):
        """``compute()`` the first time ``key`` is asked for; the kept value after."""
        if key not in self._cache:
            self._cache[key] = compute()
        return self._cache[key]

    def _keep(self, key, value) -> None:
        """Keep ``value`` as ``key``'s, computed elsewhere (by a worker process, from this
        graph and seed) unless this Analysis already has one."""
        self._cache.setdefault(key, value)

    def computed(self) -> list:
        """Which pieces have been computed so far (for tests and benchmarks)."""
        return list(self._cache)

    # -- node measures -------------------------------------------------------------------

    def betweenness(self, weight: str | None = "distance", normalized: bool = True) -> dict:
        """``{actor: betweenness}``; see :func:`~stakeholder_graph.metrics.betweenness`.

        ``weight`` is read as a distance (``"distance"`` = 1/strength: strong ties are
        short); ``None`` counts steps.
        """
        from .metrics import betweenness
        return self._once(("betweenness", weight, normalized),
                          lambda: betweenness(self.graph, weight=weight, normalized=normalized, seed=self.seed))

    @property
    def closeness(self) -> dict:
        """``{actor: closeness}`` on distance; see :func:`~stakeholder_graph.metrics.closeness`."""
        from .metrics import closeness
        return self._once("closeness", lambda: closeness(self.graph, distance="distance"))

    @property
    def eigenvector(self) -> dict:
        """``{actor: eigenvector centrality}`` on strength, scaled to 1 in each component."""
        from .metrics import eigenvector
        return self._once("eigenvector", lambda: eigenvector(self.graph))

    @property
    def holes(self):
        """Burt's structural-hole measures on strength (DataFrame indexed by actor)."""
        from .holes import structural_holes
        return self._once("holes", lambda: structural_holes(self.graph, weight="weight"))

    @property
    def communities(self) -> dict:
        """``{actor: community}``: seeded Louvain on strength, numbered from the largest."""
        from .brokerage import communities
        return self._once("communities", lambda: communities(self.graph, seed=self.seed))

    @property
    def brokerage(self):
        """Gould-Fernandez brokerage role counts by organisation (DataFrame indexed by actor)."""
        from .brokerage import brokerage_roles
        return self._once("brokerage", lambda: brokerage_roles(self.graph, "organisation"))

    @property
    def shared_partners(self) -> tuple:
        """``(nodes, index, A, common, k)``: the actors with ties, their adjacency and the
        partners each pair shares; see :func:`~stakeholder_graph.barriers.shared_partners`."""
        from .barriers import shared_partners
        return self._once("shared partners", lambda: shared_partners(self.graph))

    @property
    def overlap(self) -> dict:
        """Onnela overlap of every tie, ``{(u, v): overlap}`` as ``graph.edges()`` lists them."""
        from .barriers import tie_overlap
        return self._once("overlap", lambda: tie_overlap(self.graph, shared=self.shared_partners))

    # -- whole-network and tables --------------------------------------------------------

    @property
    def summary(self) -> dict:
        """The partnership in numbers; see :func:`~stakeholder_graph.metrics.network_summary`."""
        from .metrics import network_summary
        return self._once("summary", lambda: network_summary(self))

    @property
    def metrics(self):
        """One row per actor; see :func:`~stakeholder_graph.metrics.node_metrics`."""
        from .metrics import node_metrics
        return self._once("metrics", lambda: node_metrics(self))

    @property
    def barriers(self):
        """The barrier findings with default thresholds, most severe first; see
        :func:`~stakeholder_graph.barriers.find_barriers` (call it with this Analysis for
        other thresholds or filters: the measures it needs are shared)."""
        from .barriers import find_barriers
        return self._once("barriers", lambda: find_barriers(self))

    @property
    def activity(self) -> dict:
        """Logged contacts per month and programme, ``{programme: {"YYYY-MM": count}}``, as
        recorded by :func:`~stakeholder_graph.graph.build_graph` (empty for other graphs)."""
        return self.graph.graph.get("activity", {}) or {}

    def layout(self, seed: int | None = None) -> dict:
        """``{actor: (x, y)}``, the seeded layout the map and the network figure share;
        see :func:`~stakeholder_graph.render.layout.layout`."""
        from .render.layout import layout
        seed = self.seed if seed is None else int(seed)
        return self._once(("layout", seed), lambda: layout(self.graph, seed=seed))

    def subgraph_analysis(self, G: nx.Graph) -> "Analysis":
        """An Analysis of another graph (a view of this one) with the same seed."""
        return Analysis(G, seed=self.seed)


def analyse(G: nx.Graph, *, seed: int | None = None) -> Analysis:
    """Analyse ``G`` once for every view: the measures are computed when first needed.

    Parameters
    ----------
    G : networkx.Graph
        From :func:`~stakeholder_graph.graph.build_graph`.
    seed : int, optional
        Seed for communities, sampled betweenness and layouts (default 0): the same graph
        and seed give the same analysis.

    Examples
    --------
    >>> import networkx as nx
    >>> A = analyse(nx.krackhardt_kite_graph())
    >>> A.summary["ties"], round(A.betweenness(None)[7], 3)
    (18, 0.389)
    >>> A.summary is A.summary          # computed once
    True
    """
    return Analysis(G, seed=seed)


def analysis_of(G_or_analysis, seed: int | None = None) -> Analysis:
    """``G_or_analysis`` itself when it is an Analysis (its own seed holds), else a new
    Analysis of the graph with ``seed``."""
    if isinstance(G_or_analysis, Analysis):
        return G_or_analysis
    return Analysis(G_or_analysis, seed=seed)
