"""What chance gives: tail probabilities, false-discovery control and severity for findings.

Every barrier finding is a claim tested against a null model (what the partnership's own
degrees, rates and shares would give by chance).  This module holds the shared pieces:
exact tail probabilities (``scipy.special``, not ``scipy.stats``, whose import cost 0.8 s
on every command), Benjamini-Hochberg q-values, and the one severity formula.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["bh_qvalues", "evidence", "severity", "poisson_cdf", "binomial_cdf", "binomial_sf",
           "hypergeometric_sf", "nb_cdf", "poisson_binomial_cdf", "FULL_EVIDENCE_Q"]

# A finding whose q-value is at or below this has full evidence (1); see :func:`evidence`.
FULL_EVIDENCE_Q = 0.01


def bh_qvalues(p_values, *, tested: int | None = None) -> np.ndarray:
    """Benjamini-Hochberg (1995) q-values: the smallest false-discovery rate at which each
    hypothesis would be rejected, ``min over j >= rank of p_(j) m / j``, capped at 1.

    ``tested`` (m) is the number of hypotheses tested in all, when those not passed in had
    p = 1 (they rank last and change nothing but m); default ``len(p_values)``.

    Examples
    --------
    >>> bh_qvalues([0.01, 0.04, 0.03, 0.5]).round(3).tolist()
    [0.04, 0.053, 0.053, 0.5]
    """
    p = np.asarray(p_values, dtype=float)
    if len(p) == 0:
        return p
    p = np.where(np.isnan(p), 1.0, p)        # an untestable candidate counts as p = 1
    m = max(len(p), tested or 0)
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, len(p) + 1)
    q_sorted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(len(p))
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def evidence(q) -> np.ndarray:
    """How strongly the data rule out chance, from 0 to 1: ``log10(1/q) / log10(1/FULL_EVIDENCE_Q)``,
    capped at 1.  A q-value of 0.05 (the default false-discovery level) gives 0.65, 0.02
    gives 0.85, 0.01 or less gives 1."""
    q = np.clip(np.asarray(q, dtype=float), 1e-300, 1.0)
    return np.minimum(1.0, np.log10(1 / q) / math.log10(1 / FULL_EVIDENCE_Q))


def severity(q, effect) -> np.ndarray:
    """Severity = evidence x effect, each from 0 to 1 (see :func:`evidence`; each kind
    defines its effect).  0.8 or more needs both q <= 0.024 and an effect of 0.8 or more:
    a large problem the log leaves little doubt about."""
    return np.round(evidence(q) * np.clip(np.asarray(effect, dtype=float), 0.0, 1.0), 6)


def poisson_cdf(k: float, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean), k rounded down (as ``scipy.stats.poisson.cdf``)."""
    from scipy.special import pdtr
    return float(pdtr(math.floor(k), mean)) if mean > 0 else 1.0


def binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p) (as ``scipy.stats.binom.cdf``)."""
    from scipy.special import bdtr
    return float(bdtr(k, n, p))


def binomial_sf(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    if k <= 0:
        return 1.0
    from scipy.special import bdtrc
    return float(bdtrc(k - 1, n, p))


def hypergeometric_sf(k, population, successes, draws) -> np.ndarray:
    """P(X >= k) for X ~ Hypergeometric(population, successes, draws), elementwise.

    Summed exactly from log-probabilities (``gammaln``), so tiny tails stay accurate;
    vectorised over the terms of the tail, in chunks.

    Examples
    --------
    >>> float(hypergeometric_sf(2, 10, 3, 3).round(6))    # 1 - P(0) - P(1) = 1 - 35/120 - 63/120
    0.183333
    """
    from scipy.special import gammaln
    arrays = np.broadcast_arrays(k, population, successes, draws)
    shape = arrays[0].shape
    k, N, K, n = (np.asarray(x, dtype=float).ravel() for x in arrays)
    k = np.ceil(k)                           # P(X >= 1.5) = P(X >= 2)
    out = np.zeros(len(k))
    lo = np.maximum(k, np.maximum(0.0, n - (N - K)))
    hi = np.minimum(K, n)
    todo = np.flatnonzero(lo <= hi)

    def log_comb(a, b):
        return gammaln(a + 1) - gammaln(b + 1) - gammaln(a - b + 1)

    # P(X >= 1) = 1 - P(X = 0), in closed form: most pairs of a partnership share one partner.
    one = todo[(k[todo] <= 1) & (lo[todo] <= 1)]
    if len(one):
        none = log_comb(N[one] - K[one], n[one]) - log_comb(N[one], n[one])
        out[one] = np.where(k[one] <= 0, 1.0, -np.expm1(none))
        todo = np.setdiff1d(todo, one, assume_unique=True)
    width = (hi - lo + 1)
    chunk = 200_000
    for start in range(0, len(todo), chunk):
        rows = todo[start:start + chunk]
        length = int(width[rows].max())
        i = lo[rows, None] + np.arange(length)[None, :]
        valid = i <= hi[rows, None]
        i = np.where(valid, i, lo[rows, None])
        terms = (log_comb(K[rows, None], i) + log_comb(N[rows, None] - K[rows, None], n[rows, None] - i)
                 - log_comb(N[rows, None], n[rows, None]))
        out[rows] = np.where(valid, np.exp(terms), 0.0).sum(axis=1)
    return np.minimum(out, 1.0).reshape(shape)


def nb_cdf(k: float, mean: float, dispersion: float) -> float:
    """P(X <= k) for a negative binomial with this ``mean`` and variance
    ``mean + dispersion x mean^2`` (a Poisson whose rate varies as a gamma); the Poisson
    when ``dispersion`` is 0."""
    if mean <= 0:
        return 1.0
    if dispersion <= 1e-9:
        return poisson_cdf(k, mean)
    from scipy.special import betainc
    r = 1.0 / dispersion
    p = r / (r + mean)
    return float(betainc(r, math.floor(k) + 1, p))


def poisson_binomial_cdf(k: int, probabilities) -> float:
    """P(X <= k) for X the number of successes among independent trials with these
    success probabilities.

    Exact while it is cheap: the product of the trials' generating polynomials
    ``(1 - p + p z)`` kept to degree k, multiplied pairwise in a tree (numpy over all pairs
    at each level) for small k, else trial by trial.  For tens of thousands of trials and a
    large k, the refined normal approximation (Volkova 1996: normal with a skewness
    correction), accurate to about 1e-3 there, where such a count is far from a gap anyway.
    """
    p = np.clip(np.asarray(probabilities, dtype=float), 0.0, 1.0)
    k = int(k)
    if k < 0:
        return 0.0
    if k >= len(p):
        return 1.0
    width = k + 1
    if width <= 16:
        return _pb_tree(k, p)
    if len(p) * width <= 2_000_000:
        dist = np.zeros(width)
        dist[0] = 1.0
        for pi in p:
            dist[1:] = dist[1:] * (1 - pi) + dist[:-1] * pi
            dist[0] *= 1 - pi
        return float(min(1.0, dist.sum()))
    from scipy.special import ndtr
    mean = float(p.sum())
    var = float((p * (1 - p)).sum())
    sd = math.sqrt(var) or 1.0
    gamma = float((p * (1 - p) * (1 - 2 * p)).sum()) / sd ** 3
    x = (k + 0.5 - mean) / sd
    phi = math.exp(-x * x / 2) / math.sqrt(2 * math.pi)
    return float(min(1.0, max(0.0, ndtr(x) + gamma * (1 - x * x) * phi / 6)))


def _pb_tree(k: int, p: np.ndarray) -> float:
    width = k + 1
    polys = np.zeros((len(p), width))
    polys[:, 0] = 1 - p
    if width > 1:
        polys[:, 1] = p
    while len(polys) > 1:
        if len(polys) % 2:
            one = np.zeros((1, width))
            one[0, 0] = 1.0
            polys = np.vstack([polys, one])
        left, right = polys[0::2], polys[1::2]
        product = np.zeros_like(left)
        for degree in range(width):
            product[:, degree:] += left[:, [degree]] * right[:, :width - degree]
        polys = product
    return float(min(1.0, polys[0].sum()))
