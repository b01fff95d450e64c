"""Tests of the report statistics: which test is chosen, its p-value, Wilson intervals, warnings."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as st

from textmine.stats import (
    CHI2,
    FISHER,
    association_test,
    needs_exact,
    warning_text,
    wilson_interval,
)


def test_large_table_uses_chi_square_with_scipys_p_value():
    # Kommune vs Krisecenter answering "Ja"/"Nej": every expected count is well above 5
    table = [[30, 20], [25, 35]]
    result = association_test(table)
    assert result.test == CHI2
    assert result.name == "chi-i-anden-test"
    expected = st.chi2_contingency(table)
    assert result.pvalue == pytest.approx(expected.pvalue)
    assert result.statistic == pytest.approx(expected.statistic)
    assert result.dof == 1
    assert result.n == 110


def test_small_2x2_table_uses_fishers_exact_test_with_scipys_p_value():
    # 9 police officers and 7 from crisis centres: expected counts below 5
    table = [[8, 2], [1, 5]]
    assert needs_exact(table)
    result = association_test(table)
    assert result.test == FISHER
    assert result.name == "Fishers eksakte test"
    assert result.pvalue == pytest.approx(st.fisher_exact(table).pvalue)
    assert result.dof is None
    assert result.significant   # p = 0.035


def test_small_larger_table_uses_fisher_and_gives_the_same_p_every_run():
    # number of cases (rows) by organisation (columns), as in the 2024 survey
    table = np.array([[31, 1, 3], [15, 3, 9], [4, 3, 1], [1, 2, 0]])
    first, second = association_test(table), association_test(table)
    assert first.test == FISHER
    assert first.pvalue == second.pvalue          # a report must not change between runs
    reference = st.fisher_exact(table, method=st.MonteCarloMethod(n_resamples=99_999,
                                                                   rng=np.random.default_rng(1)))
    assert first.pvalue == pytest.approx(reference.pvalue, abs=0.01)


def test_cochrans_rule_picks_chi_square_when_few_expected_counts_are_small():
    # 1 of 6 expected counts below 5 (17 pct.) is still fine for chi-square
    table = np.array([[40, 30, 4], [35, 35, 6]])
    e = st.contingency.expected_freq(table)
    assert (e < 5).sum() == 1
    assert association_test(table).test == CHI2


def test_empty_rows_and_columns_are_dropped_before_testing():
    # an option nobody chose must not stop the test (expected count 0)
    with_empty = [[5, 0, 7], [0, 0, 0], [6, 0, 1]]
    assert association_test(with_empty).pvalue == pytest.approx(association_test([[5, 7], [6, 1]]).pvalue)


@pytest.mark.parametrize("table", [[[5, 3]], [[5], [3]], [[0, 0], [0, 0]]])
def test_a_table_with_one_row_or_column_cannot_be_tested(table):
    assert association_test(table) is None


def test_wilson_interval_by_hand_for_52_of_56():
    # q5: 52 of the 56 with acute contact answered "i høj grad" or "i meget høj grad"
    z = 1.959963984540054
    p, n = 52 / 56, 56
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * math.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    low, high = wilson_interval(52, 56)
    assert low == pytest.approx(centre - half, abs=1e-9)
    assert high == pytest.approx(centre + half, abs=1e-9)
    assert (round(low, 3), round(high, 3)) == (0.830, 0.972)
    ci = st.binomtest(52, 56).proportion_ci(method="wilson")
    assert (low, high) == pytest.approx((ci.low, ci.high))


def test_wilson_interval_agrees_with_statsmodels():
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    for n, base in [(52, 56), (0, 9), (9, 9), (31, 51)]:
        assert wilson_interval(n, base) == pytest.approx(
            proportion.proportion_confint(n, base, method="wilson"), abs=1e-9)


def test_wilson_interval_for_none_of_nine_police_officers_reaches_30_pct():
    low, high = wilson_interval(0, 9)
    assert low == 0
    assert round(high * 100) == 30


def test_warning_names_the_small_group_in_danish():
    result = association_test([[8, 2], [1, 5]])
    text = warning_text(result, {"Kommune": 51, "Politi": 9}, {"Skole eller uddannelsesinstitution": 2})
    assert "Politi har kun 9 besvarelser" in text
    assert "tolkes med stor forsigtighed" in text
    assert "Skole eller uddannelsesinstitution (2) har færre end 3 respondenter og indgår ikke i testen" in text


def test_no_warning_when_every_group_is_large_and_chi_square_holds():
    result = association_test([[30, 20], [25, 35]])
    assert warning_text(result, {"Kommune": 51, "Krisecenter": 59}, {}) == ""


def test_untestable_table_is_said_plainly():
    assert "for få besvarelser til at teste" in warning_text(None, {"Kommune": 2}, {})
