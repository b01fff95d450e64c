"""The 2023 demo export (data/demo/brugerundersoegelse-2023/) reproduces SIRI's note.

The export is 237 invented respondents written by make_demo.py in that folder.
These tests read it with textmine's own reader against the survey definition
data/surveys/brugerundersoegelse-2023.yaml, and check the headline figures of
the note on SIRI's user survey 2023 from ``Export.respondents``: whole-number
percentages (halves rounded up) over those who answered the question, partly
completed answers included where they answered. The definitions of "kender
mindst én / alle fire / ingen" are the ones documented in make_demo.py.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from textmine import load_codebook, load_survey, read_export

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo" / "brugerundersoegelse-2023"
EXPORT = DEMO / "eksport.csv"
KEY = DEMO / "answer_key.csv"
SURVEY = ROOT / "data" / "surveys" / "brugerundersoegelse-2023.yaml"

ACTIVITIES = ["q3_raadgivning", "q4_kurser", "q5_netvaerksmoeder", "q6_sikkerhedskonsulenter"]
KNOWS = {"Ja, kender men benytter ikke", "Ja, kender og benytter somme tider", "Ja, kender og benytter ofte"}
USES = {"Ja, kender og benytter somme tider", "Ja, kender og benytter ofte"}
NO_RESPONSE = {"Ringsted", "Holstebro", "Fanø"}


def pct(n: int, base: int) -> int:
    """Whole percent as the note prints it (halves rounded up)."""
    return math.floor(100 * n / base + 0.5)


@pytest.fixture(scope="module")
def survey():
    return load_survey(SURVEY)


@pytest.fixture(scope="module")
def ex(survey):
    return read_export(EXPORT, survey)


@pytest.fixture(scope="module")
def df(ex) -> pd.DataFrame:
    return ex.respondents


@pytest.fixture(scope="module")
def key() -> pd.DataFrame:
    return pd.read_csv(KEY, dtype=str, keep_default_na=False)


def answered(df: pd.DataFrame, column: str) -> pd.DataFrame:
    return df[df[column].notna()]


def knows(value) -> bool:
    return value in KNOWS


# --- reading and respondents --------------------------------------------------

def test_export_reads_without_problems(ex, survey):
    assert ex.problems == []
    assert ex.n_read == ex.n_kept == 237
    assert set(ex.respondents.columns) >= set(survey.closed_columns)


def export_columns(survey) -> list[str]:
    """The export's columns in questionnaire order, each "Andet" text after its question."""
    cols = [survey.respondent_id, survey.status.column] + [b.column for b in survey.background]
    for q in survey.questions:
        cols += list(q.columns)
    return cols


def test_layout_is_the_survey_tools_export(survey):
    raw = EXPORT.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM missing"
    assert raw.count(b"\n") == raw.count(b"\r\n") == 238, "line endings are not CRLF"
    assert raw.decode("utf-8-sig").splitlines()[0].split(";") == export_columns(survey)


def test_237_respondents_24_partial(df, survey):
    assert len(df) == 237 and df["respondent_id"].is_unique
    status = df["status"].value_counts()
    assert status["Delvist gennemført"] == 24
    assert status[survey.status.complete] == 213


def test_95_municipalities_none_from_ringsted_holstebro_fano(df, survey):
    kommuner = set(df["kommune"])
    assert len(kommuner) == 95
    assert not kommuner & NO_RESPONSE
    assert kommuner <= set(survey.background[1].options)
    # one department per work area and municipality
    assert not df.duplicated(["kommune", "q1_arbejdsomraade"]).any()
    assert set(df["region"]) == set(survey.background[0].options)


def test_most_answers_from_employment_fewest_from_adults(df, survey):
    counts = df["q1_arbejdsomraade"].value_counts()
    assert counts.sum() == 237
    assert counts.idxmax() == "Beskæftigelsesrettet integration"
    assert counts.idxmin() == "Socialområdet voksne"
    assert set(counts.index) == set(survey.question(survey.group_by).labels)


def test_partials_answer_only_a_first_part(df, ex):
    partial = df["status"] == "Delvist gennemført"
    assert df.loc[partial, "q1_arbejdsomraade"].notna().all()
    assert df.loc[~partial, ["q2_aeresomraadet", "q3_raadgivning", "q14_andet"]].notna().all().all()
    # those who stopped before Q14 left every later question blank
    stopped = df[partial & df["q14_andet"].isna()]
    assert len(stopped) >= 15
    commented = set(ex.answers.loc[ex.answers["column"] == "q15_kommentar", "respondent_id"])
    assert not commented & set(df.loc[partial, "respondent_id"])


# --- awareness of the four activities (Q3-Q6) ------------------------------------

def asked_all(row) -> bool:
    need = ACTIVITIES[:3] + (ACTIVITIES[3:] if row["q2_aeresomraadet"] == "Ja" else [])
    return all(pd.notna(row[c]) for c in need)


@pytest.fixture(scope="module")
def awareness(df) -> pd.DataFrame:
    base = df[df[ACTIVITIES].notna().any(axis=1)].copy()
    known = base[ACTIVITIES].apply(lambda col: col.map(knows))
    base["complete_battery"] = base.apply(asked_all, axis=1)
    base["n_known"] = known.sum(axis=1)
    base["n_answered"] = base[ACTIVITIES].notna().sum(axis=1)
    return base


def test_four_in_five_know_at_least_one(awareness):
    some = (awareness["n_known"] >= 1).sum()
    assert (some, len(awareness)) == (185, 230)
    assert pct(some, len(awareness)) == 80


def test_53_percent_know_all_four(awareness):
    every = (awareness["complete_battery"] & (awareness["n_known"] == awareness["n_answered"])).sum()
    assert every == 122
    assert pct(every, len(awareness)) == 53


def test_19_percent_know_none(awareness):
    none = awareness[awareness["complete_battery"] & (awareness["n_known"] == 0)]
    assert len(none) == 43
    assert pct(len(none), len(awareness)) == 19
    school_or_adults = none["q1_arbejdsomraade"].isin(["Skoleområdet", "Socialområdet voksne"]).sum()
    assert pct(school_or_adults, len(none)) == 81


def test_74_percent_know_the_advice_service(df):
    base = answered(df, "q3_raadgivning")
    k = base["q3_raadgivning"].map(knows).sum()
    assert (k, len(base)) == (170, 230)
    assert pct(k, len(base)) == 74


def test_62_percent_of_those_asked_know_the_security_consultants(df):
    # Q6 is only asked after Q2 = Ja; the base is those who answered Q6
    assert (df.loc[df["q2_aeresomraadet"] != "Ja", "q6_sikkerhedskonsulenter"].isna()).all()
    base = answered(df, "q6_sikkerhedskonsulenter")
    k = base["q6_sikkerhedskonsulenter"].map(knows).sum()
    assert (k, len(base)) == (81, 130)
    assert pct(k, len(base)) == 62
    assert pct(len(base) - k, len(base)) == 38
    employment = base[base["q1_arbejdsomraade"] == "Beskæftigelsesrettet integration"]
    assert len(employment) == 48
    assert pct(employment["q6_sikkerhedskonsulenter"].map(knows).sum(), 48) == 79


# --- satisfaction (Q7) ------------------------------------------------------------

def test_satisfaction_asked_of_users_only(df):
    users = df[ACTIVITIES[:3]].isin(USES).any(axis=1)
    assert df.loc[~users, "q7_tilfredshed"].isna().all()
    assert df.loc[users & (df["status"] == "Gennemført"), "q7_tilfredshed"].notna().all()


def test_satisfaction_70_percent_satisfied_2_percent_dissatisfied(df):
    base = answered(df, "q7_tilfredshed")
    assert len(base) == 149
    top = base["q7_tilfredshed"].isin(["Meget tilfreds", "Tilfreds"]).sum()
    assert pct(top, 149) == 70
    assert pct((base["q7_tilfredshed"] == "Utilfreds").sum(), 149) == 2


# --- relevance (Q8-Q13) ------------------------------------------------------------

def relevance(df, survey, number):
    q = survey.question(number)
    base = answered(df, q.column)
    base = base[~base[q.column].isin(q.not_applicable)]
    return q, base[q.column]


@pytest.mark.parametrize("number, top_box_pct", [(8, 46), (9, 39), (10, 34)])
def test_relevance_top_two(df, survey, number, top_box_pct):
    q, values = relevance(df, survey, number)
    top = values.isin(q.labels[:q.top_box]).sum()
    assert pct(top, len(values)) == top_box_pct


@pytest.mark.parametrize("number", [8, 9])
def test_relevance_only_14_percent_low(df, survey, number):
    q, values = relevance(df, survey, number)
    assert pct(values.isin(q.labels[3:]).sum(), len(values)) == 14


def test_contributes_to_tasks_41_percent_to_some_degree(df, survey):
    q, values = relevance(df, survey, 10)
    assert pct((values == "I nogen grad").sum(), len(values)) == 41


def test_cooperation_across_departments_40_percent_low(df, survey):
    q, values = relevance(df, survey, 11)
    assert q.text.endswith("styrker samarbejdet på tværs af afdelinger")
    assert pct(values.isin(["I lav grad", "I meget lav grad"]).sum(), len(values)) == 40


def test_not_applicable_is_out_of_the_base(df, survey):
    for number in range(8, 14):
        q = survey.question(number)
        assert (df[q.column] == "Ikke relevant").sum() > 0
        assert q.not_applicable == ("Ikke relevant",) and q.top_box == 2


# --- open answers and the answer key -----------------------------------------------

def test_answer_key_covers_exactly_the_open_answers(ex, key):
    assert list(key.columns) == ["respondent_id", "column", "themes"]
    written = set(zip(ex.answers["respondent_id"], ex.answers["column"]))
    keyed = list(zip(key["respondent_id"], key["column"]))
    assert len(keyed) == len(set(keyed)), "an open answer is keyed twice"
    assert set(keyed) == written
    assert 40 <= len(written) <= 60
    assert (key["themes"] != "").all()


def test_andet_text_only_with_andet_ticked(df, ex):
    andet = set(ex.answers.loc[ex.answers["column"] == "q14_andet_tekst", "respondent_id"])
    assert andet == set(df.loc[df["q14_andet"].eq(1).fillna(False), "respondent_id"])


def test_answer_key_uses_the_code_frames(survey, key):
    for field in survey.text_fields:
        codebook = load_codebook(field.codebook)
        assert 6 <= len(codebook.ids) <= 10
        used = [t for themes in key.loc[key["column"] == field.column, "themes"] for t in themes.split("|")]
        codebook.check_ids(used, f"answer_key.csv, {field.column}")
        assert set(used) == set(codebook.ids), f"{field.column}: themes never used {set(codebook.ids) - set(used)}"
        if codebook.backcode_question:
            labels = survey.question(codebook.backcode_question).labels
            assert all(t.backcode_to in labels for t in codebook.themes if t.backcode_to)
