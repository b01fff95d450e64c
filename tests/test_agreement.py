"""Agreement figures checked against values computed by hand."""

import math

import pandas as pd
import pytest

from textmine.agreement import alpha, coder_table, disagreements, kappa, pairwise

# Six answers coded by Mette and Ali; the model suggested themes for the first four.
METTE = ["tilgaengelighed", "tilgaengelighed", "sparring", "sparring", "tilgaengelighed", "netvaerk"]
ALI = ["tilgaengelighed", "sparring", "sparring", "sparring", "tilgaengelighed", "netvaerk"]


def judgements(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["key", "coder", "source", "lane", "themes", "at"])


@pytest.fixture()
def coded() -> pd.DataFrame:
    rows = [(f"s:{i}:q8", "Mette", "human", "", t, "2026-11-01") for i, t in enumerate(METTE)]
    rows += [(f"s:{i}:q8", "Ali", "human", "Ali", t, "2026-11-02") for i, t in enumerate(ALI)]
    rows += [(f"s:{i}:q8", "model", "model", "", t, "2026-10-30")
             for i, t in enumerate(["tilgaengelighed", "sparring|tilgaengelighed", "sparring", "netvaerk"])]
    return judgements(rows)


def test_kappa_per_theme_matches_the_hand_computation():
    # Theme 'tilgaengelighed': Mette 1,1,0,0,1,0 and Ali 1,0,0,0,1,0: p_o = 5/6,
    # p_e = 3/6*2/6 + 3/6*4/6 = 1/2, so kappa = (5/6 - 1/2) / (1 - 1/2) = 2/3.
    assert kappa(METTE, ALI, "tilgaengelighed") == pytest.approx(2 / 3)
    assert kappa(METTE, ALI, "sparring") == pytest.approx(2 / 3)
    assert kappa(METTE, ALI, "netvaerk") == pytest.approx(1.0)
    # Neither coder ever gave it: kappa is undefined, not a perfect 1.
    assert math.isnan(kappa(METTE, ALI, "lovgivning_udland"))


def test_alpha_on_theme_sets_matches_the_hand_computation():
    # Coincidences: o(t,t)=4, o(s,s)=4, o(n,n)=2, o(t,s)=o(s,t)=1; n_t=5, n_s=5, n_n=2, n=12.
    # D_o = 2/12, D_e = 2*(5*5 + 5*2 + 5*2) / (12*11) = 90/132; alpha = 1 - D_o/D_e = 1 - 264/1080.
    table = pd.DataFrame({"Mette": METTE, "Ali": ALI})
    assert alpha(table) == pytest.approx(1 - 264 / 1080)


def test_alpha_skips_answers_only_one_coder_coded():
    table = pd.DataFrame({"Mette": METTE + ["sparring"], "Ali": ALI + [None]})
    assert alpha(table) == pytest.approx(1 - 264 / 1080)


def test_pairs_cover_coders_and_the_model_on_the_answers_both_coded(coded):
    pairs, per_theme = pairwise(coded, ["tilgaengelighed", "sparring", "netvaerk", "lovgivning_udland"])
    by_pair = {(r.coder_a, r.coder_b): r for r in pairs.itertuples()}
    mette_ali = by_pair[("Ali", "Mette")]
    assert mette_ali.n == 6
    assert mette_ali.alpha == pytest.approx(1 - 264 / 1080)
    assert mette_ali.exact == pytest.approx(5 / 6)
    assert mette_ali.kappa_mean == pytest.approx((2 / 3 + 2 / 3 + 1) / 3)   # undefined kappa left out
    assert by_pair[("Mette", "model")].n == 4
    assert by_pair[("Mette", "model")].exact == pytest.approx(2 / 4)
    assert per_theme.loc["netvaerk", "Ali / Mette"] == pytest.approx(1.0)


def test_theme_order_within_a_set_does_not_count_as_disagreement():
    rows = judgements([("s:1:q8", "Mette", "human", "", "b|a", "t"), ("s:1:q8", "Ali", "human", "Ali", "a|b", "t")])
    assert coder_table(rows).loc["s:1:q8"].tolist() == ["a|b", "a|b"]
    assert disagreements(rows, ["Mette", "Ali"]).empty


def test_disagreements_lists_answers_where_the_chosen_coders_differ(coded):
    found = disagreements(coded, ["Mette", "Ali"])
    assert found.index.tolist() == ["s:1:q8"]
    assert found.loc["s:1:q8", "Mette"] == "tilgaengelighed"
    assert found.loc["s:1:q8", "Ali"] == "sparring"


@pytest.mark.parametrize("seed", range(5))
def test_kappa_matches_scikit_learns_cohen_kappa(seed):
    from sklearn.metrics import cohen_kappa_score

    import numpy as np

    rng = np.random.default_rng(seed)
    a = ["løn|ledelse" if v else "ledelse" for v in rng.random(40) < 0.4]
    b = [t if keep else ("løn" if "løn" not in t else "ledelse") for t, keep in zip(a, rng.random(40) < 0.7)]
    expected = cohen_kappa_score(["løn" in t for t in a], ["løn" in t for t in b])
    assert kappa(a, b, "løn") == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_alpha_matches_the_krippendorff_package(seed):
    import krippendorff
    import numpy as np

    rng = np.random.default_rng(seed)
    sets = ["a", "b", "a|b", "c", ""]
    table = pd.DataFrame(rng.choice(sets, (30, 3)), columns=["Mette", "Ali", "model"]).astype(object)
    table = table.mask(rng.random((30, 3)) < 0.3)                      # coders who did not code an answer
    codes = {v: i for i, v in enumerate(sets)}
    data = table.apply(lambda col: col.map(codes, na_action="ignore")).to_numpy(dtype=float).T
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert alpha(table) == pytest.approx(expected, abs=1e-12)
