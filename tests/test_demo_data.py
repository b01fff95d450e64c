"""The demo export (data/demo/) reproduces the figures of SIRI's 2024 report.

The demo is 79 invented respondents written by data/demo/make_demo.py in the
survey tool's export layout. These tests read it the way an analyst would
(pandas, ';', UTF-8 with BOM) and check the numbers the report prints, that
every answer uses the questionnaire's labels, and that the answer key covers
exactly the open answers written.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import yaml

DEMO = Path(__file__).parents[1] / "data" / "demo"
EXPORT = DEMO / "sikkerhedskonsulent-2024-eksport.csv"
KEY = DEMO / "answer_key.csv"
SURVEY = Path(__file__).parents[1] / "data" / "surveys" / "sikkerhedskonsulent-2024.yaml"

OPEN_COLUMNS = ["q1_andet", "q4_andet_tekst", "q8_kommentar"]
TOP_TWO = {"I meget høj grad", "I høj grad"}
BELOW_HIGH = {"I nogen grad", "I lav grad", "I meget lav grad"}


def pct(n: int, base: int) -> int:
    """Whole percent as the report prints it (halves rounded up)."""
    return math.floor(100 * n / base + 0.5)


@pytest.fixture(scope="module")
def survey() -> dict:
    return yaml.safe_load(SURVEY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def df() -> pd.DataFrame:
    # dtype=str and no NA parsing: blank cells stay "", as the export means them
    return pd.read_csv(EXPORT, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def key() -> pd.DataFrame:
    return pd.read_csv(KEY, dtype=str, keep_default_na=False)


def question(survey: dict, number: int) -> dict:
    return next(q for q in survey["questions"] if q["number"] == number)


def export_columns(survey: dict) -> list[str]:
    """The export's columns in the order the survey definition lists them."""
    cols = [survey["respondent_id"], survey["status"]["column"]]
    cols += [b["column"] for b in survey["background"]]
    for q in survey["questions"]:
        if q["kind"] == "multiple":
            cols += [o["column"] for o in q["options"]]
        else:
            cols.append(q["column"])
        if "other" in q:
            cols.append(q["other"]["column"])
    return cols


# --- layout and respondents -------------------------------------------------

def test_layout_is_the_survey_tools_export(df, survey):
    raw = EXPORT.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM missing"
    assert raw.count(b"\n") == raw.count(b"\r\n") == len(df) + 1, "line endings are not CRLF"
    assert list(df.columns) == export_columns(survey)


def test_79_complete_respondents(df, survey):
    assert len(df) == 79
    assert df["respondent_id"].tolist() == [str(i) for i in range(2001, 2080)]
    assert (df["status"] == survey["status"]["complete"]).all()


def test_regions_spread_with_syddanmark_largest(df):
    counts = df["region"].value_counts()
    assert len(counts) == 5
    assert counts.index[0] == "Region Syddanmark"
    assert counts.iloc[0] > counts.iloc[1]


# --- labels -------------------------------------------------------------------

def test_every_answer_is_a_questionnaire_label(df, survey):
    for b in survey["background"]:
        assert set(df[b["column"]]) <= set(b["options"]), b["column"]
    assert set(df[survey["status"]["column"]]) <= set(survey["status"]["options"])
    for q in survey["questions"]:
        if q["kind"] in ("single", "scale"):
            allowed = set(q["options"]) | set(q.get("not_applicable", []))
            assert set(df[q["column"]]) <= allowed, q["column"]
        elif q["kind"] == "multiple":
            for o in q["options"]:
                assert set(df[o["column"]]) <= {"0", "1"}, o["column"]


def test_other_text_only_with_andet(df, survey):
    q1, q4 = question(survey, 1), question(survey, 4)
    has_andet_1 = df[q1["column"]] == q1["other"]["option"]
    assert ((df[q1["other"]["column"]] != "") == has_andet_1).all()
    assert has_andet_1.sum() == 2
    andet_4 = next(o["column"] for o in q4["options"] if o["label"] == q4["other"]["option"])
    assert ((df[q4["other"]["column"]] != "") == (df[andet_4] == "1")).all()
    assert (df[andet_4] == "1").sum() == 3


# --- figure 1: organisation -------------------------------------------------

@pytest.mark.parametrize("label, n, percent", [
    ("Kommune", 51, 65),
    ("Krisecenter", 13, 16),
    ("Politi", 9, 11),
    ("Skole eller uddannelsesinstitution", 2, None),
    ("Private og civilsamfundsorganisationer", 2, None),
    ("Andet", 2, None),
])
def test_q1_organisation(df, label, n, percent):
    got = (df["q1_organisation"] == label).sum()
    assert got == n
    if percent is not None:
        assert pct(got, len(df)) == percent


# --- figure 2: number of cases ----------------------------------------------

@pytest.mark.parametrize("label, n, percent", [
    ("1 sag", 38, 48),
    ("2-5 sager", 30, 38),
    ("6-10 sager", 8, None),
    ("Mere end 10 sager", 3, 4),
])
def test_q2_cases(df, label, n, percent):
    got = (df["q2_antal_sager"] == label).sum()
    assert got == n
    if percent is not None:
        assert pct(got, len(df)) == percent


def test_q2_most_municipal_staff_came_with_one_case(df):
    kom = df[df["q1_organisation"] == "Kommune"]
    one = (kom["q2_antal_sager"] == "1 sag").sum()
    assert (one, len(kom)) == (31, 51)
    assert pct(one, len(kom)) == 61


def test_q2_eight_of_nine_police_had_two_or_more_cases(df):
    pol = df[df["q1_organisation"] == "Politi"]
    assert len(pol) == 9
    assert (pol["q2_antal_sager"] != "1 sag").sum() == 8


# --- q3: children -----------------------------------------------------------

def test_q3_cases_about_children(df):
    ja = (df["q3_boern"] == "Ja").sum()
    assert ja == 58 and pct(ja, len(df)) == 73
    assert (df["q3_boern"] == "Nej").sum() == 21


# --- figure 3: types of advice ----------------------------------------------

@pytest.mark.parametrize("column, n, percent", [
    ("q4_risiko", 59, 75),
    ("q4_opmaerksomhed", 44, 56),
    ("q4_sikkerhed", 40, 51),
    ("q4_samarbejdspartnere", 36, 46),
    ("q4_andet", 3, 4),
])
def test_q4_advice_types(df, column, n, percent):
    got = (df[column] == "1").sum()
    assert got == n
    assert pct(got, len(df)) == percent


def test_q4_re_education_trips_about_a_fifth(df):
    assert 20 <= pct((df["q4_genopdragelse"] == "1").sum(), len(df)) <= 25


@pytest.mark.parametrize("org, column, n, base, percent", [
    ("Krisecenter", "q4_sikkerhed", 10, 13, 77),
    ("Politi", "q4_sikkerhed", 7, 9, 78),
    ("Politi", "q4_genopdragelse", 5, 9, 56),
])
def test_q4_by_organisation(df, org, column, n, base, percent):
    sub = df[df["q1_organisation"] == org]
    got = (sub[column] == "1").sum()
    assert (got, len(sub)) == (n, base)
    assert pct(got, len(sub)) == percent


def advice_types(df: pd.DataFrame, survey: dict) -> pd.Series:
    cols = [o["column"] for o in question(survey, 4)["options"]]
    return (df[cols] == "1").sum(axis=1)


def test_q4_everyone_got_some_advice(df, survey):
    assert advice_types(df, survey).min() >= 1


def test_q4_most_asked_about_several_problems(df, survey):
    several = (advice_types(df, survey) >= 2).sum()
    assert several == 62 and pct(several, len(df)) == 78


def test_q4_several_problems_even_with_one_case(df, survey):
    one_case = df["q2_antal_sager"] == "1 sag"
    several = (advice_types(df, survey)[one_case] >= 2).sum()
    assert (several, one_case.sum()) == (26, 38)
    assert pct(several, one_case.sum()) == 68


# --- figure 4: satisfaction -------------------------------------------------

def test_q5_available_in_acute_cases(df, survey):
    q5 = question(survey, 5)
    base = df[~df[q5["column"]].isin(q5["not_applicable"])]
    assert len(df) - len(base) == 23
    top = base[q5["column"]].isin(TOP_TWO).sum()
    assert (top, len(base)) == (52, 56)
    assert pct(top, len(base)) == 93


@pytest.mark.parametrize("column, n, percent", [
    ("q6_hjulpet", 71, 90),
    ("q7_anbefale", 77, 97),
])
def test_q6_q7_top_two(df, column, n, percent):
    top = df[column].isin(TOP_TWO).sum()
    assert top == n
    assert pct(top, len(df)) == percent


def test_only_municipalities_and_crisis_centres_rate_below_high(df):
    low = df[["q5_akut", "q6_hjulpet", "q7_anbefale"]].isin(BELOW_HIGH).any(axis=1)
    assert low.any()
    assert set(df.loc[low, "q1_organisation"]) <= {"Kommune", "Krisecenter"}


# --- open answers and the answer key ----------------------------------------

def test_q8_most_respondents_comment(df):
    assert 55 <= (df["q8_kommentar"] != "").sum() <= 60


def test_answer_key_covers_exactly_the_open_answers(df, key):
    assert list(key.columns) == ["respondent_id", "column", "themes"]
    written = {
        (rid, col)
        for col in OPEN_COLUMNS
        for rid in df.loc[df[col] != "", "respondent_id"]
    }
    keyed = list(zip(key["respondent_id"], key["column"]))
    assert len(keyed) == len(set(keyed)), "an open answer is keyed twice"
    assert set(keyed) == written
    assert (key["themes"] != "").all()


def test_answer_key_uses_the_code_frames(key, survey):
    frames = {question(survey, 1)["other"]["column"]: question(survey, 1)["other"]["codebook"],
              question(survey, 4)["other"]["column"]: question(survey, 4)["other"]["codebook"],
              question(survey, 8)["column"]: question(survey, 8)["codebook"]}
    for column, rel in frames.items():
        path = SURVEY.parent / rel
        if not path.exists():
            pytest.skip(f"code frame {rel} not in the repository")
        ids = {t["id"] for t in yaml.safe_load(path.read_text(encoding="utf-8"))["themes"]}
        used = {t for themes in key.loc[key["column"] == column, "themes"] for t in themes.split("|")}
        assert used <= ids, (column, used - ids)
        if column == "q8_kommentar":
            assert used == ids, f"q8 themes never used: {ids - used}"
