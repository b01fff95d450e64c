"""Statistics for report tables: chi-square or Fisher's exact test, Wilson intervals.

A difference between groups is tested with Pearson's chi-square test when the
table is large enough (Cochran's rule: no expected count below 1 and at most
20 % below 5), otherwise with Fisher's exact test (exact for 2x2 tables, Monte
Carlo with a fixed seed for larger ones, so a report is the same every run).
Warnings are plain Danish sentences for the analyst.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as st

CHI2 = "chi2"
FISHER = "fisher"
TEST_NAMES = {CHI2: "chi-i-anden-test", FISHER: "Fishers eksakte test"}
ALPHA = 0.05
MIN_EXPECTED = 5            # Cochran: at most 20 % of expected counts below this
MIN_GROUP_N = 10            # below this many answers a group is too small to conclude on
MONTE_CARLO_RESAMPLES = 9999


@dataclass(frozen=True)
class TestResult:
    """One test of independence between answers and groups."""

    test: str                # CHI2 or FISHER
    statistic: float
    pvalue: float
    dof: int | None          # chi-square only
    n: int

    @property
    def name(self) -> str:
        return TEST_NAMES[self.test]

    @property
    def significant(self) -> bool:
        return self.pvalue < ALPHA


def expected_counts(table) -> np.ndarray:
    """Counts expected under independence, from the row and column sums."""
    t = np.asarray(table, dtype=float)
    return np.outer(t.sum(axis=1), t.sum(axis=0)) / t.sum()


def needs_exact(table) -> bool:
    """True where the chi-square approximation is unreliable (Cochran's rule)."""
    e = expected_counts(table)
    return bool((e < 1).any() or (e < MIN_EXPECTED).mean() > 0.2)


def association_test(table, *, seed: int = 0) -> TestResult | None:
    """Chi-square test, or Fisher's exact test where expected counts are small.

    ``table`` is a contingency table of counts (answers x groups). Empty rows
    and columns are dropped; a table with fewer than two of either cannot be
    tested and gives None.

    Examples
    --------
    >>> association_test([[8, 2], [1, 5]]).name
    'Fishers eksakte test'
    """
    t = np.asarray(table, dtype=np.int64)
    t = t[t.sum(axis=1) > 0][:, t.sum(axis=0) > 0]
    if t.ndim != 2 or t.shape[0] < 2 or t.shape[1] < 2:
        return None
    n = int(t.sum())
    if not needs_exact(t):
        res = st.chi2_contingency(t)
        return TestResult(CHI2, float(res.statistic), float(res.pvalue), int(res.dof), n)
    if t.shape == (2, 2):
        res = st.fisher_exact(t)
    else:
        # scipy >= 1.15: r x c tables; a seeded Monte Carlo keeps reports reproducible
        method = st.MonteCarloMethod(n_resamples=MONTE_CARLO_RESAMPLES, rng=np.random.default_rng(seed))
        res = st.fisher_exact(t, method=method)
    return TestResult(FISHER, float(res.statistic), float(res.pvalue), None, n)


def wilson_interval(n: int, base: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for the share n/base (as fractions, not percent).

    Examples
    --------
    >>> [round(x, 3) for x in wilson_interval(52, 56)]
    [0.83, 0.972]
    """
    if base <= 0:
        return (float("nan"), float("nan"))
    # the closed form: scipy's binomtest(...).proportion_ci(method="wilson") gives the same, far slower
    z = float(st.norm.ppf(0.5 + confidence / 2))
    p = n / base
    centre = (p + z * z / (2 * base)) / (1 + z * z / base)
    half = z / (1 + z * z / base) * math.sqrt(p * (1 - p) / base + z * z / (4 * base * base))
    low = 0.0 if n == 0 else max(0.0, centre - half)      # exact bounds, not 1e-17
    high = 1.0 if n == base else min(1.0, centre + half)
    return (low, high)


def small_groups(bases: dict[str, int], threshold: int = MIN_GROUP_N) -> dict[str, int]:
    """Groups with fewer than ``threshold`` answers, in the given order."""
    return {g: b for g, b in bases.items() if b < threshold}


def warning_text(result: TestResult | None, tested: dict[str, int], left_out: dict[str, int],
                 min_cell: int = 3) -> str:
    """A plain-Danish warning where there are too few answers to conclude, else "".

    Examples
    --------
    >>> warning_text(association_test([[8, 2], [1, 5]]), {"Politi": 9, "Krisecenter": 7}, {})
    'Politi (9) og Krisecenter (7) har under 10 besvarelser, så forskellene skal tolkes med stor forsigtighed.'
    """
    parts = []
    few = small_groups(tested)
    if result is None:
        parts.append("Der er for få besvarelser til at teste forskellene mellem grupperne.")
    elif len(few) == 1:
        (group, n), = few.items()
        parts.append(f"{group} har kun {n} besvarelser, så forskellene skal tolkes med stor forsigtighed.")
    elif few:
        parts.append(f"{_groups_da(few)} har under {MIN_GROUP_N} besvarelser, så forskellene skal tolkes "
                     "med stor forsigtighed.")
    elif result.test == FISHER:
        parts.append("Nogle celler har få besvarelser, så forskellene skal tolkes med forsigtighed.")
    if left_out:
        parts.append(f"{_groups_da(left_out)} har færre end {min_cell} respondenter og indgår ikke i testen.")
    return " ".join(parts)


def _groups_da(groups: dict[str, int]) -> str:
    items = [f"{g} ({b})" for g, b in groups.items()]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]
