"""Whole-network measures: the partnership in numbers, following UCINET/ORA conventions."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd

from .analysis import analysis_of

__all__ = ["network_summary", "node_metrics", "ei_index", "freeman_centralization", "betweenness",
           "closeness", "eigenvector", "SAMPLED_BETWEENNESS_ABOVE"]

# Exact betweenness is O(n m log n); above this many actors it is estimated from a seeded
# sample of this many source actors (Brandes and Pich 2007), scaled up by n / k.
SAMPLED_BETWEENNESS_ABOVE = 1500


def betweenness(G: nx.Graph, *, weight=None, normalized=True, seed: int = 0) -> dict:
    """Betweenness centrality, exact up to ``SAMPLED_BETWEENNESS_ABOVE`` actors, sampled beyond.

    ``weight`` names an edge attribute read as a **distance** (use ``"distance"``, i.e.
    1/strength, never the strength itself); ``None`` counts steps.  Normalised values are
    divided by the number of pairs of other actors, ``(n-1)(n-2)/2`` (undirected), as
    networkx and UCINET's "nBetweenness" do.

    Computed with igraph's C implementation when igraph is installed (a weighted
    2,000-actor graph: about 1 s instead of 2 minutes in pure Python networkx), else with
    networkx; the two agree (tested).
    """
    n = G.number_of_nodes()
    if n < 3:
        return {node: 0.0 for node in G}
    rng = np.random.default_rng(seed)
    nodes = list(G)
    sources = None
    if n > SAMPLED_BETWEENNESS_ABOVE:
        sources = sorted(rng.choice(n, size=SAMPLED_BETWEENNESS_ABOVE, replace=False).tolist())
    try:
        graph, weights = as_igraph(G, weight)
    except ImportError:  # networkx fallback: same numbers, slower
        k = len(sources) if sources is not None else None
        return nx.betweenness_centrality(G, k=k, weight=weight, normalized=normalized, seed=seed)
    directed = G.is_directed()
    raw = np.array(graph.betweenness(directed=directed, weights=weights, sources=sources), dtype=float)
    if sources is not None:
        # From k sources an undirected path (s, t) is seen once, not twice as when all n
        # are sources; igraph halves undirected sums as if all were sources.
        raw *= n / len(sources)
    if normalized:
        pairs = (n - 1) * (n - 2) / (1 if directed else 2)
        raw /= pairs
    return dict(zip(nodes, raw.tolist()))


def as_igraph(G: nx.Graph, weight: str | None = None):
    """``(igraph.Graph, weights)``: ``G`` for igraph's C routines, vertex ``i`` being the
    ``i``-th node of ``list(G)``; ``weights`` lists the edges' ``weight`` attribute (1 when
    absent) in igraph's edge order, or is None.  Raises ImportError without igraph."""
    import igraph
    index = {node: i for i, node in enumerate(G)}
    graph = igraph.Graph(n=len(index), edges=[(index[u], index[v]) for u, v in G.edges()],
                         directed=G.is_directed())
    weights = [d.get(weight, 1.0) for _, _, d in G.edges(data=True)] if weight else None
    return graph, weights


def closeness(G: nx.Graph, *, distance: str | None = "distance") -> dict:
    """Closeness centrality on ``distance`` (None counts steps), as networkx's
    ``closeness_centrality(G, distance=distance)`` with its default Wasserman-Faust scaling.

    For an actor that reaches ``r - 1`` others at total distance ``D``: ``(r - 1) / D``
    (the inverse mean distance to those it reaches), times ``(r - 1) / (n - 1)`` so an
    actor in a small component is not called central (Wasserman and Faust 1994, eq. 5.3).
    0 for an isolate.  Undirected graphs only; a DiGraph is read as undirected here.

    Computed with igraph's C Dijkstra (a weighted 2,000-actor graph: about a second, where
    networkx's pure-Python runs took a minute), else networkx; the two agree (tested).
    """
    n = G.number_of_nodes()
    if n < 2:
        return {node: 0.0 for node in G}
    try:
        graph, weights = as_igraph(G, distance)
    except ImportError:  # networkx fallback: same numbers, slower
        return nx.closeness_centrality(G, distance=distance)
    # igraph: (r - 1) / D over the r - 1 actors reached (NaN for an isolate).
    inverse_mean = np.array(graph.closeness(weights=weights, mode="all", normalized=True), dtype=float)
    reached = np.array(graph.connected_components(mode="weak").sizes(), dtype=float)[
        graph.connected_components(mode="weak").membership]
    values = np.nan_to_num(inverse_mean) * (reached - 1) / (n - 1)
    return dict(zip(list(G), values.tolist()))


def _clustering(G: nx.Graph) -> dict:
    """``average_clustering`` and ``transitivity`` from one count of triangles.

    Triangles at each actor are half the diagonal of A^3 (A the 0/1 adjacency, ties taken
    as undirected), computed as the row sums of (A @ A) * A on the sparse matrix: one
    sparse product instead of networkx's neighbour-set walk, done twice (a 2,000-actor
    log took 0.7 s).  Local clustering = 2 T_i / (k_i (k_i - 1)), 0 below two ties
    (networkx); transitivity = sum T_i / sum k_i (k_i - 1) / 2 (3 x triangles / triples).
    """
    if not G.number_of_nodes():
        return {"average_clustering": float("nan"), "transitivity": float("nan")}
    from .holes import adjacency
    A = adjacency(G.to_undirected(as_view=True) if G.is_directed() else G, list(G), binary=True)
    triangles = np.asarray((A @ A).multiply(A).sum(axis=1)).ravel() / 2
    degree = np.asarray(A.sum(axis=1)).ravel()
    pairs = degree * (degree - 1) / 2
    local = np.divide(triangles, pairs, out=np.zeros_like(triangles), where=pairs > 0)
    return {"average_clustering": float(local.mean()),
            "transitivity": float(triangles.sum() / pairs.sum()) if pairs.sum() else 0.0}


def freeman_centralization(G, kind: str = "degree", *, seed: int = 0) -> float:
    """Freeman (1979) centralization of the binary, undirected graph.

    ``sum(max_i c_i - c_j) / max_possible``, where the maximum possible sum is that of a
    star on the same number of actors: ``(n-1)(n-2)`` for degree and
    ``(n-1)^2 (n-2) / 2`` for (unnormalised) betweenness.  1 for a star, 0 when every
    actor is equally central; NaN below three actors.  This is UCINET's "network
    centralization" for degree and betweenness.

    Examples
    --------
    >>> import networkx as nx
    >>> freeman_centralization(nx.star_graph(5)), freeman_centralization(nx.cycle_graph(5))
    (1.0, 0.0)
    """
    A = analysis_of(G, seed)
    G = A.graph
    n = G.number_of_nodes()
    if n < 3:
        return float("nan")
    if kind == "degree":
        H = nx.Graph(G) if G.is_directed() else G
        values = np.array([d for _, d in H.degree()], dtype=float)
        top = (n - 1) * (n - 2)
    elif kind == "betweenness":
        A = analysis_of(G, seed)
        if A.graph.is_directed():
            A = A.subgraph_analysis(nx.Graph(A.graph))
        values = np.array(list(A.betweenness(None, normalized=False).values()), dtype=float)
        top = (n - 1) ** 2 * (n - 2) / 2
    else:
        raise ValueError(f"kind must be 'degree' or 'betweenness', not {kind!r}")
    return float((values.max() - values).sum() / top)


def ei_index(G: nx.Graph, attribute: str = "organisation", *, weight=None) -> float:
    """Krackhardt and Stern (1988) E-I index of the whole network by ``attribute``.

    ``(E - I) / (E + I)`` where ``E`` counts ties between actors of different groups and
    ``I`` ties within a group (or sums their ``weight`` when given).  -1: all ties are
    internal; +1: all ties cross groups.  Ties with an end lacking the attribute are left
    out; NaN when no tie is left.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("a1", "a2"), ("a1", "b1"), ("b1", "b2")])
    >>> nx.set_node_attributes(G, {"a1": "A", "a2": "A", "b1": "B", "b2": "B"}, "org")
    >>> round(ei_index(G, "org"), 3)   # E = 1, I = 2
    -0.333
    """
    external = internal = 0.0
    group = nx.get_node_attributes(G, attribute)
    for u, v, d in G.edges(data=True):
        gu, gv = group.get(u), group.get(v)
        if not gu or not gv:
            continue
        w = d.get(weight, 1.0) if weight else 1.0
        if gu == gv:
            internal += w
        else:
            external += w
    total = external + internal
    return float((external - internal) / total) if total else float("nan")


def containers(G: nx.Graph) -> set:
    """Registry organisations with no contact of their own whose teams have ties: at actor
    level they stand for their teams, and are neither actors to involve nor isolates."""
    parents = {d.get("parent") for n, d in G.nodes(data=True) if d.get("parent") and G.degree(n) > 0}
    return {n for n in parents if n in G and G.degree(n) == 0}


def network_summary(G, *, seed: int = 0) -> dict:
    """The partnership in numbers (``G`` a graph or an :class:`~stakeholder_graph.analysis.Analysis`).

    Keys (undirected graph of ties; direction from the ``a_to_b``/``b_to_a`` counts):

    - ``actors`` n, ``ties`` m (pairs with any contact), ``isolates`` (actors with no tie,
      containers not counted), ``containers`` (registry organisations with no contact of
      their own whose teams have ties: they stand for their teams, see :func:`containers`).
    - ``density`` = 2m / (n(n-1)).
    - ``directed_density`` = ordered pairs (u, v) where u initiated at least one contact
      with v, divided by n(n-1).
    - ``reciprocity`` (dyad-based, as UCINET's "dyad reciprocity" and igraph's
      ``mode="ratio"``) = pairs where both sides initiated / pairs where anyone initiated.
      Meeting-only pairs have no initiator and are not counted.
    - ``degree_centralization``, ``betweenness_centralization``: Freeman, see
      :func:`freeman_centralization`.
    - ``components``: connected components, isolates included; ``largest_component``: its
      share of actors.
    - ``average_clustering``: mean local clustering coefficient, actors with fewer than two
      ties counted as 0 (networkx convention); ``transitivity``: 3 x triangles / connected
      triples (UCINET's "overall" clustering).
    - ``mean_tie_strength``: mean decayed tie strength.
    - ``ei_index``: Krackhardt-Stern E-I index by ``organisation`` and by ``sector``, counted
      on ties and weighted by strength (``*_weighted``).
    - ``as_of``, ``half_life``, ``level``: how the graph was built.
    - With a survey (``build_graph(..., survey=...)``): ``trust``, ``value`` (mean over all
      ratings of each rating's item mean, 1-4), ``trust_percent``, ``value_percent``
      (``(mean - 1) / 3 x 100``), ``survey_response_rate`` and counts; see
      :func:`~stakeholder_graph.survey.survey_summary`.

    Examples
    --------
    >>> import networkx as nx
    >>> s = network_summary(nx.krackhardt_kite_graph())
    >>> s["actors"], s["ties"], round(s["degree_centralization"], 4)
    (10, 18, 0.3333)
    """
    A = analysis_of(G, seed)
    G = A.graph
    n, m = G.number_of_nodes(), G.number_of_edges()
    initiated = both = anyone = 0
    for _, _, d in G.edges(data=True):
        a, b = d.get("a_to_b", 0) > 0, d.get("b_to_a", 0) > 0
        initiated += int(a) + int(b)
        anyone += int(a or b)
        both += int(a and b)
    comps = list(nx.connected_components(G)) if n else []
    standing_for_teams = containers(G)
    strengths = [d.get("weight", 1.0) for _, _, d in G.edges(data=True)]
    summary = {
        "actors": n,
        "ties": m,
        "isolates": nx.number_of_isolates(G) - len(standing_for_teams),
        "containers": len(standing_for_teams),
        "density": 2 * m / (n * (n - 1)) if n > 1 else float("nan"),
        "directed_density": initiated / (n * (n - 1)) if n > 1 else float("nan"),
        "reciprocity": both / anyone if anyone else float("nan"),
        "degree_centralization": freeman_centralization(A, "degree"),
        "betweenness_centralization": freeman_centralization(A, "betweenness"),
        "components": len(comps),
        "largest_component": max(map(len, comps)) / n if n else float("nan"),
        **_clustering(G),
        "mean_tie_strength": float(np.mean(strengths)) if strengths else float("nan"),
        "ei_index": {},
    }
    for attribute in ["organisation", "sector"]:
        if attribute == "organisation" and G.graph.get("level") == "organisation":
            # Every actor is its own organisation: the index would be 1 by construction.
            summary["ei_index"][attribute] = summary["ei_index"][attribute + "_weighted"] = float("nan")
            continue
        summary["ei_index"][attribute] = ei_index(G, attribute)
        summary["ei_index"][attribute + "_weighted"] = ei_index(G, attribute, weight="weight")
    for key in ["as_of", "half_life", "level"]:
        if key in G.graph:
            summary[key] = G.graph[key]
    # With a survey: trust, value, their percentages and the response rate (see survey_summary).
    from .survey import survey_summary
    summary.update(survey_summary(G))
    return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in summary.items()} | {
        "ei_index": {k: (None if math.isnan(v) else v) for k, v in summary["ei_index"].items()}}


def node_metrics(G, *, seed: int = 0) -> pd.DataFrame:
    """One row per actor: who they are and how they sit in the partnership (``G`` a graph
    or an :class:`~stakeholder_graph.analysis.Analysis`, whose measures are reused).

    Columns: ``kind``, ``organisation``, ``sector``; ``degree`` (partners), ``strength``
    (sum of tie strengths); ``betweenness`` (share of shortest paths through the actor,
    normalised to [0, 1], paths measured on ``distance`` = 1/strength so strong ties are
    short; sampled above ``SAMPLED_BETWEENNESS_ABOVE`` actors); ``closeness`` (on distance,
    Wasserman-Faust scaling for disconnected graphs, see :func:`closeness`); ``eigenvector`` (on strength, within
    each component); the structural-hole measures on strength (``effective_size``,
    ``efficiency``, ``constraint``, ``hierarchy``, see :func:`structural_holes`);
    ``community`` (seeded Louvain); the Gould-Fernandez brokerage counts by organisation
    (``coordinator`` ... ``liaison``).
    """
    A = analysis_of(G, seed)
    G = A.graph
    nodes = list(G)
    frame = pd.DataFrame(index=pd.Index(nodes, name="actor"))
    for attribute in ["kind", "organisation", "sector"]:
        frame[attribute] = [G.nodes[n].get(attribute, "") for n in nodes]
    frame["degree"] = [G.degree(n) for n in nodes]
    frame["strength"] = [G.degree(n, weight="weight") for n in nodes]
    frame["betweenness"] = pd.Series(A.betweenness("distance"))
    frame["closeness"] = pd.Series(A.closeness)
    frame["eigenvector"] = pd.Series(A.eigenvector)
    holes = A.holes
    for column in ["effective_size", "efficiency", "constraint", "hierarchy"]:
        frame[column] = holes[column]
    frame["community"] = pd.Series(A.communities)
    roles = A.brokerage
    for column in roles.columns:
        frame[column] = roles[column].reindex(frame.index).fillna(0).astype(int)
    return frame


def eigenvector(G: nx.Graph) -> dict:
    """Eigenvector centrality on strength, computed per component (scaled to max 1 in each).

    The leading eigenvector of each component's strength matrix (as networkx's
    ``eigenvector_centrality_numpy``, tested equal), found deterministically: LAPACK's
    symmetric solver up to ``DENSE_EIGEN_UP_TO`` actors, ARPACK from a fixed start beyond
    (networkx starts ARPACK at random, so its last digits changed from run to run).
    """
    from .holes import adjacency
    out = {}
    for component in nx.connected_components(G):
        if len(component) < 3:
            out.update({n: 0.0 if len(component) == 1 else 1.0 for n in component})
            continue
        members = sorted(component, key=str)
        try:
            values = _leading_eigenvector(adjacency(G.subgraph(members), members, "weight"))
        except (ValueError, ArithmeticError, np.linalg.LinAlgError):
            values = np.full(len(members), np.nan)
        top = np.nanmax(np.abs(values)) or 1.0
        out.update(zip(members, (np.abs(values) / top).tolist()))
    return out


DENSE_EIGEN_UP_TO = 1000


def _leading_eigenvector(A) -> np.ndarray:
    """The eigenvector of the largest eigenvalue of the symmetric sparse matrix ``A``."""
    if A.shape[0] <= DENSE_EIGEN_UP_TO:
        _, vectors = np.linalg.eigh(A.toarray())
        return vectors[:, -1]
    from scipy.sparse.linalg import eigsh
    _, vectors = eigsh(A, k=1, which="LA", v0=np.ones(A.shape[0]))
    return vectors[:, 0]
