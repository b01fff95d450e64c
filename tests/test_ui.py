import math

import pandas as pd
import pytest
from conftest import DASH, MARKUP, coded_frame, write_coded

from textmine import InputError, ui
from textmine.safe import write_csv


@pytest.fixture()
def coded_2024(tmp_path, survey_2024):
    return ui.load_coded(write_coded(tmp_path / "coded.csv"), survey_2024)


@pytest.fixture()
def q8_answers(coded_2024):
    return ui.answers_for(coded_2024, "q8_kommentar")


def test_load_coded_types_columns_and_keeps_text_verbatim(coded_2024):
    assert coded_2024["question"].tolist() == [8] * 6 + [1]
    assert coded_2024["needs_review"].dtype == bool and coded_2024["needs_review"].sum() == 2
    assert coded_2024["p_faglig_sparring"].iloc[0] == pytest.approx(0.83)
    assert math.isnan(coded_2024["p_faglig_sparring"].iloc[6])   # the q1 frame has no such theme
    assert str(coded_2024["q4_risiko"].dtype) == "Int8" and coded_2024["q4_risiko"].tolist()[:2] == [1, 1]
    assert pd.isna(coded_2024["q5_akut"].iloc[3])                 # unanswered, not ""
    texts = coded_2024.set_index("respondent_id")["text"]
    assert texts["3005"] == DASH and texts["3004"] == MARKUP


@pytest.mark.parametrize("column, value, expected", [
    ("needs_review", "måske", "kolonne 'needs_review': værdien 'måske'"),
    ("p_tilgaengelighed", "høj", "kolonne 'p_tilgaengelighed': værdien 'høj' er ikke et tal"),
    ("q4_risiko", "2", "kolonne 'q4_risiko': værdien '2' er ikke 0 eller 1"),
    ("question", "otte", "kolonne 'question'"),
])
def test_load_coded_names_row_column_and_value_of_a_bad_cell(tmp_path, survey_2024, column, value, expected):
    df = coded_frame().astype({column: object})
    df.loc[2, column] = value
    with pytest.raises(InputError, match="række 4, " + expected.replace("(", r"\(")):
        ui.load_coded(write_csv(df, tmp_path / "coded.csv"), survey_2024)


def test_load_coded_without_themes_column_says_what_is_missing(tmp_path, survey_2024):
    path = write_csv(coded_frame().drop(columns=["themes"]), tmp_path / "coded.csv")
    with pytest.raises(InputError, match="kolonnen 'themes' mangler"):
        ui.load_coded(path, survey_2024)


@pytest.mark.parametrize("themes, closed, expected", [
    ([], {}, ["3001", "3002", "3003", "3004", "3005", "3006"]),
    (["tilgaengelighed"], {}, ["3001", "3002"]),
    (["tilgaengelighed", "kurser_oplaeg"], {}, ["3001", "3002", "3003", "3005"]),   # any of the themes
    ([], {"q1_organisation": ["Kommune"]}, ["3001", "3004", "3006"]),
    (["tilgaengelighed"], {"q1_organisation": ["Kommune"], "q5_akut": []}, ["3001"]),
    ([], {"q4_risiko": [1]}, ["3001", "3002", "3004", "3006"]),
    ([], {"q5_akut": ["I høj grad", "I lav grad"]}, ["3001", "3002"]),
    (["generel_ros"], {}, []),
])
def test_filter_answers(q8_answers, themes, closed, expected):
    shown = ui.filter_answers(q8_answers, themes=themes, closed=closed)
    assert shown["respondent_id"].tolist() == expected
    assert len(q8_answers) == 6                                   # input untouched


def test_filter_on_unknown_column_names_it(q8_answers):
    with pytest.raises(InputError, match="'q9_alder'"):
        ui.filter_answers(q8_answers, closed={"q9_alder": ["30-39"]})


def test_comment_rows_show_danish_labels_confidence_and_closed_answers(q8_answers, survey_2024, codebook_q8):
    rows = ui.comment_rows(q8_answers, survey_2024, codebook_q8).set_index("Respondent")
    assert list(rows.columns[:4]) == ["Svar", "Temaer", "Sikkerhed", "Til gennemsyn"]
    assert rows.loc["3001", "Temaer"] == "Tilgængelighed og responstid, Faglig og kompetent sparring"
    assert rows.loc["3001", "Sikkerhed"] == 91.0                 # the surest of its themes, in percent
    assert math.isnan(rows.loc["3004", "Sikkerhed"]) and rows.loc["3004", "Temaer"] == ""
    assert rows.loc["3004", "Svar"] == MARKUP and bool(rows.loc["3004", "Til gennemsyn"])
    assert rows.loc["3002", "1. Organisation"] == "Politi"
    assert rows.loc["3002", "4. Rådgivning om at vurdere risiko i en konkret sag"] == "Ja"
    assert rows.loc["3003", "4. Rådgivning om at vurdere risiko i en konkret sag"] == "Nej"
    assert rows.loc["3004", "5. Tilgængelig i akutte sager"] == ""


def test_theme_counts_by_organisation(q8_answers, survey_2024, codebook_q8):
    q1 = survey_2024.question(1)
    table = ui.theme_counts_by(q8_answers, codebook_q8, "q1_organisation", q1.labels)
    assert list(table.columns) == list(q1.labels) + ["I alt"]
    assert table.index[-1] == "Antal svar" and len(table) == len(codebook_q8.themes) + 1
    assert table.loc["Faglig og kompetent sparring", "Kommune"] == 2
    assert table.loc["Tilgængelighed og responstid"].tolist() == [1, 1, 0, 0, 0, 0, 2]
    assert table.loc["Kurser, oplæg og undervisning", "I alt"] == 2
    assert table.loc["Generel ros og tak", "I alt"] == 0
    assert table.loc["Antal svar"].tolist() == [3, 1, 1, 1, 0, 0, 6]


def test_theme_counts_count_unanswered_and_empty_selection(q8_answers, survey_2024, codebook_q8):
    q1 = survey_2024.question(1)
    gap = q8_answers.assign(q1_organisation=q8_answers["q1_organisation"].where(q8_answers["respondent_id"] != "3002"))
    table = ui.theme_counts_by(gap, codebook_q8, "q1_organisation", q1.labels)
    assert table.loc["Tilgængelighed og responstid", "Ikke besvaret"] == 1
    empty = ui.theme_counts_by(q8_answers.iloc[:0], codebook_q8, "q1_organisation", q1.labels)
    assert int(empty.to_numpy().sum()) == 0 and empty.loc["Antal svar", "I alt"] == 0


def test_questions_are_named_as_in_the_survey(survey_2024):
    assert ui.field_label(survey_2024, "q8_kommentar") == "Spm. 8: Øvrige kommentarer"
    assert ui.field_label(survey_2024, "q1_andet") == "Spm. 1: Organisation – Andet"
    assert survey_2024.text_fields[ui.default_field(survey_2024)].column == "q8_kommentar"


def test_closed_options_follow_the_survey(coded_2024, survey_2024):
    assert ui.closed_options(coded_2024, survey_2024, "q5_akut") == [
        "I meget høj grad", "I høj grad", "I lav grad", "Jeg har ikke været i kontakt om akutte sager"]
    assert ui.closed_options(coded_2024, survey_2024, "q4_risiko") == [1, 0]
    assert [ui.answer_text(survey_2024, "q4_risiko", v) for v in (1, 0, pd.NA)] == ["Ja", "Nej", ""]
    assert ui.answer_text(survey_2024, "q3_boern", "Nej") == "Nej"


def test_theme_options_keep_themes_the_frame_lacks(q8_answers, codebook_q8):
    odd = q8_answers.assign(themes=q8_answers["themes"].replace("kurser_oplaeg", "gammelt_tema"))
    options = ui.theme_options(odd, codebook_q8)
    assert options[: len(codebook_q8.ids)] == list(codebook_q8.ids) and options[-1] == "gammelt_tema"
    assert ui.theme_label(codebook_q8, "gammelt_tema") == "gammelt_tema"


def test_summary_line(q8_answers):
    assert ui.summary_line(q8_answers, 6) == "6 svar, 2 til gennemsyn"
    assert ui.summary_line(q8_answers.iloc[:2], 6) == "2 af 6 svar, 0 til gennemsyn"
    assert ui.summary_line(q8_answers.iloc[:0], 6) == "0 af 6 svar, 0 til gennemsyn"


@pytest.mark.parametrize("text", ["**fed**", "<b>æøå</b>", "$x^2$", "[link](http://eksempel.dk)", "# Overskrift"])
def test_escape_markdown_leaves_no_markup_active(text):
    escaped = ui.escape_markdown(text)
    assert escaped.replace("\\", "") == text
    assert all(escaped[i - 1] == "\\" for i, ch in enumerate(escaped) if ch in "*<>$[]#" and i > 0)


@pytest.mark.parametrize("query, found", [
    ([frozenset({"lovgivningen", "lovgivning"})], ["1", "2", "3"]),        # base form, compound, plural
    ([frozenset({"lovgivning"}), frozenset({"udland", "udlandet"})], ["2"]),  # every word must be there
    ([frozenset({"c++"})], ["4"]),                                          # regex characters are literal
    ([], ["1", "2", "3", "4"]),
])
def test_search_in_text_until_the_lemmas_are_ready(query, found):
    df = pd.DataFrame({"key": ["a", "b", "c", "d"], "respondent_id": ["1", "2", "3", "4"]})
    texts = pd.Series(["Dansk LOVGIVNING er svær", "Viden om udlandslovgivningen", "Mange lovgivninger",
                       "Vi bruger C++ og Excel"], index=["a", "b", "c", "d"])
    assert ui.search_text(df, query, texts)["respondent_id"].tolist() == found
