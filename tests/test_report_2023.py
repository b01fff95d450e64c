"""`textmine report` on the 2023 demo: the note's headline figures via indicators, ask_if and bottom boxes.

The report is built once per module (the 2023 code frames have no shipped
model, so coding learns from the frames). The indicator rules are also tested
on a hand-made frame of six respondents, and broken definitions must fail at
load with the file and the value named.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import ROOT
from docx import Document
from openpyxl import load_workbook

from textmine import load_survey
from textmine.errors import SurveyDefinitionError
from textmine.indicators import indicator_counts
from textmine.report import build_report
from textmine.survey import Indicator

EXPORT = ROOT / "data" / "demo" / "brugerundersoegelse-2023" / "eksport.csv"
SURVEY_2023 = ROOT / "data" / "surveys" / "brugerundersoegelse-2023.yaml"
KENDER = ["Ja, kender men benytter ikke", "Ja, kender og benytter somme tider", "Ja, kender og benytter ofte"]
NEJ = "Nej, kender ikke"
TOP2 = "I meget høj grad eller i høj grad"
LOW2 = "I lav grad eller i meget lav grad"

# (table, option, n, base, pct): the 11 figures of SIRI's note on the 2023 survey
FIGURES_2023 = [
    ("kender_mindst_en", "kender mindst én af de fire aktiviteter", 185, 230, 80),
    ("kender_alle", "kender alle de aktiviteter, de er blevet spurgt om", 122, 230, 53),
    ("kender_ingen", "kender ingen af de aktiviteter, de er blevet spurgt om", 43, 230, 19),
    ("kender_raadgivning", "kender SIRIs rådgivning", 170, 230, 74),
    ("kender_sikkerhedskonsulenter", "kender sikkerhedskonsulentordningen", 81, 130, 62),
    ("q7_top2", "Meget tilfreds eller tilfreds", 104, 149, 70),
    ("q8_top2", TOP2, 78, 170, 46),
    ("q9_top2", TOP2, 65, 167, 39),
    ("q10_top2", TOP2, 57, 169, 34),
    ("q10", "I nogen grad", 69, 169, 41),
    ("q11_bottom2", LOW2, 61, 152, 40),
]
IDS = [f"{t}-{o[:12]}" for t, o, *_ in FIGURES_2023]


@pytest.fixture(scope="module")
def report_2023(tmp_path_factory):
    return build_report(EXPORT, SURVEY_2023, tmp_path_factory.mktemp("rapport2023"))


@pytest.fixture(scope="module")
def tables_2023(report_2023) -> pd.DataFrame:
    return pd.read_csv(report_2023["tables_csv"], dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def workbook_2023(report_2023):
    return load_workbook(report_2023["xlsx"], read_only=True)


@pytest.fixture(scope="module")
def docx_text_2023(report_2023) -> str:
    doc = Document(str(report_2023["docx"]))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


# --- the note's figures in every file ---

@pytest.mark.parametrize("table, option, n, base, pct", FIGURES_2023, ids=IDS)
def test_tables_csv_has_the_2023_figure(tables_2023, table, option, n, base, pct):
    row = tables_2023[(tables_2023["table"] == table) & (tables_2023["option"] == option)
                      & (tables_2023["group"] == "")]
    assert len(row) == 1
    assert (int(row["n"].iat[0]), int(row["base"].iat[0]), int(row["pct"].iat[0])) == (n, base, pct)


@pytest.mark.parametrize("table, option, n, base, pct", FIGURES_2023, ids=IDS)
def test_report_xlsx_has_the_2023_figure(workbook_2023, table, option, n, base, pct):
    rows = list(workbook_2023[table].iter_rows(values_only=True))
    header = rows[0]
    cells = [dict(zip(header, r)) for r in rows[1:]]
    hit = [c for c in cells if c["Svarmulighed"] == option and c["Gruppe"] == "I alt"]
    assert len(hit) == 1
    assert (hit[0]["Antal"], hit[0]["Base"], hit[0]["Pct."]) == (n, base, pct)


@pytest.mark.parametrize("sentence", [
    "80 pct. kender mindst én af de fire aktiviteter (n=230).",
    "53 pct. kender alle de aktiviteter, de er blevet spurgt om (n=230).",
    "19 pct. kender ingen af de aktiviteter, de er blevet spurgt om (n=230).",
    "74 pct. kender SIRIs rådgivning (n=230).",
    "62 pct. kender sikkerhedskonsulentordningen (n=130).",
    "70 pct. af respondenterne svarer 'Meget tilfreds' eller 'Tilfreds' (n=149).",
    "46 pct. af respondenterne svarer 'I meget høj grad' eller 'I høj grad' (n=170).",
    "39 pct. af respondenterne svarer 'I meget høj grad' eller 'I høj grad' (n=167).",
    "34 pct. af respondenterne svarer 'I meget høj grad' eller 'I høj grad' (n=169).",
    "41 pct. svarer 'I nogen grad', og 25 pct. svarer 'I lav grad' eller 'I meget lav grad'.",
    "40 pct. svarer 'I lav grad' eller 'I meget lav grad'.",
    "Spørgsmålet er kun stillet til respondenter, der har svaret 'Ja' til spørgsmål 2.",
])
def test_report_docx_says_it_as_the_note_does(docx_text_2023, sentence):
    assert sentence in docx_text_2023


def test_partial_respondents_explain_why_80_and_19_do_not_add_up(tables_2023):
    whole = tables_2023[tables_2023["group"] == ""].set_index("table")
    assert int(whole.at["kender_mindst_en", "n"]) + int(whole.at["kender_ingen", "n"]) == 228   # of 230


def test_indicators_are_broken_down_by_work_area(tables_2023):
    rows = tables_2023[tables_2023["table"] == "kender_mindst_en"]
    assert set(rows["group"]) == {"", "Beskæftigelsesrettet integration", "Socialområdet børn og unge",
                                  "Socialområdet voksne", "Skoleområdet"}
    assert sum(int(b) for b in rows.loc[rows["group"] != "", "base"]) == 230


# --- the rules on a hand-made frame ---

TINY_YAML = """survey: lille
questions:
  - {number: 1, text: "Arbejder I med området?", kind: single, column: q1, options: [Ja, Nej]}
  - {number: 2, text: "Kender I rådgivningen?", kind: single, column: q2, options: [Ja, Nej]}
  - {number: 3, text: "Kender I kurserne?", kind: single, column: q3, options: [Ja, Nej]}
  - number: 4
    text: Kender I konsulenterne?
    kind: single
    column: q4
    options: [Ja, Nej]
    ask_if: {question: 1, answers: [Ja]}
"""


@pytest.fixture()
def tiny_survey(tmp_path):
    path = tmp_path / "lille.yaml"
    path.write_text(TINY_YAML, encoding="utf-8")
    return load_survey(path)


@pytest.fixture()
def tiny_df() -> pd.DataFrame:
    # a: asked q4, knows all; b: not asked q4 (q1 Nej), knows both asked; c: knows none of the asked;
    # d: left after q2 with Nej (partial); e: answered nothing; f: asked q4 but left it blank, knows q2+q3
    return pd.DataFrame({
        "respondent_id": list("abcdef"),
        "q1": ["Ja", "Nej", "Ja", "Ja", None, "Ja"],
        "q2": ["Ja", "Ja", "Nej", "Nej", None, "Ja"],
        "q3": ["Ja", "Ja", "Nej", None, None, "Ja"],
        "q4": ["Ja", None, "Nej", None, None, None],
    })


@pytest.mark.parametrize("rule, expected", [
    ("any", "a b f"),      # d said Nej and left: not "any"
    ("all", "a b"),        # f was asked q4 and left it blank: unknown, not "all"
    ("none", "c"),         # d left after a Nej: unknown, not "none"
])
def test_indicator_rules_with_ask_if_and_partial_respondents(tiny_survey, tiny_df, rule, expected):
    before = tiny_df.copy()
    hit, base = indicator_counts(Indicator("x", "kender", (2, 3, 4), ("Ja",), rule), tiny_survey, tiny_df)
    assert list(tiny_df.loc[base, "respondent_id"]) == list("abcdf")
    assert " ".join(tiny_df.loc[hit, "respondent_id"]) == expected
    pd.testing.assert_frame_equal(tiny_df, before)


def test_single_question_indicator_is_over_those_who_answered_it(tiny_survey, tiny_df):
    hit, base = indicator_counts(Indicator("x", "kender konsulenterne", (4,), ("Ja",)), tiny_survey, tiny_df)
    assert (int(hit.sum()), int(base.sum())) == (1, 2)


def test_the_2023_definition_has_the_filter_and_the_indicators():
    survey = load_survey(SURVEY_2023)
    assert survey.question(6).ask_if.question == 2 and survey.question(6).ask_if.answers == ("Ja",)
    assert all(survey.question(n).bottom_box == 2 for n in range(8, 14))
    assert [i.id for i in survey.indicators] == [t for t, *_ in FIGURES_2023[:5]]
    assert set(survey.indicators[0].answers) == set(KENDER) and NEJ not in survey.indicators[0].answers


# --- broken definitions fail at load, naming the file and the value ---

@pytest.mark.parametrize("extra, value", [
    ("indicators:\n  - {id: k, text: kender, questions: [9], answers: [Ja]}\n", "spørgsmål 9"),
    ("indicators:\n  - {id: k, text: kender, questions: [2], answers: [Jaa]}\n", "'Jaa'"),
    ("indicators:\n  - {id: k, text: kender, questions: [2], answers: [Ja], rule: mest}\n", "'mest'"),
])
def test_indicator_with_unknown_question_or_label_is_refused(tmp_path, extra, value):
    path = tmp_path / "forkert.yaml"
    path.write_text(TINY_YAML + extra, encoding="utf-8")
    with pytest.raises(SurveyDefinitionError, match=value) as err:
        load_survey(path)
    assert "forkert.yaml" in str(err.value)


def test_ask_if_with_unknown_answer_is_refused(tmp_path):
    path = tmp_path / "forkert.yaml"
    path.write_text(TINY_YAML.replace("answers: [Ja]}", "answers: [Måske]}"), encoding="utf-8")
    with pytest.raises(SurveyDefinitionError, match="forkert.yaml.*'Måske'"):
        load_survey(path)
