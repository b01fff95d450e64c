"""Tests of the pure table functions on small hand-made respondents in the 2024 survey's layout."""

from __future__ import annotations

import pandas as pd
import pytest

from textmine import SurveyDefinitionError
from textmine import tables as T

Q4 = ("q4_opmaerksomhed", "q4_risiko", "q4_sikkerhed", "q4_genopdragelse", "q4_samarbejdspartnere", "q4_andet")
NOT_ACUTE = "Jeg har ikke været i kontakt om akutte sager"
RISIKO = "Rådgivning om at vurdere risiko i en konkret sag"
SIKKERHED = "Rådgivning om at skabe sikkerhed for en borger, der er truet"


def _respondents(rows) -> pd.DataFrame:
    """(id, organisation, cases, q4 flags, q5) -> the respondents table read_export gives."""
    records = []
    for rid, org, cases, flags, q5 in rows:
        records.append({"respondent_id": rid, "status": "Gennemført", "region": "Region Syddanmark",
                        "q1_organisation": org, "q2_antal_sager": cases, "q3_boern": "Ja",
                        **{c: (None if flags is None else int(f)) for c, f in zip(Q4, flags or "000000")},
                        "q5_akut": q5, "q6_hjulpet": "I høj grad", "q7_anbefale": "I meget høj grad"})
    df = pd.DataFrame(records)
    return df.astype({c: "Int8" for c in Q4})


@pytest.fixture()
def five():
    return _respondents([
        ("1", "Kommune", "1 sag", "010000", "I meget høj grad"),
        ("2", "Kommune", "1 sag", "011000", "I høj grad"),
        ("3", "Kommune", "2-5 sager", "010001", NOT_ACUTE),
        ("4", "Politi", "6-10 sager", "011100", NOT_ACUTE),
        ("5", "Politi", None, None, "I nogen grad"),
    ])


@pytest.fixture()
def answers():
    return pd.DataFrame({
        "respondent_id": ["1", "2", "4", "3"],
        "question": [8, 8, 8, 4],
        "column": ["q8_kommentar", "q8_kommentar", "q8_kommentar", "q4_andet_tekst"],
        "text": ["Hurtigt svar, tak!", "Svært at få fat i dem i sommerferien", "Ingen kommentarer",
                 "Hjælp til risikovurdering af truslerne"],
        "themes": ["tilgaengelighed|generel_ros", "tilgaengelighed", "ingen_kommentar", "bc_risiko"],
    })


def _codebooks(survey_2024, codebook_q8, codebook_q4, codebook_q1):
    return {"q8_kommentar": codebook_q8, "q4_andet_tekst": codebook_q4, "q1_andet": codebook_q1}


def _table(survey, kind, number, respondents, answers=None, codebooks=None, by=1):
    spec = next(s for s in T.table_specs(survey, codebooks or {}) if s.kind == kind and s.question == number)
    answers = answers if answers is not None else pd.DataFrame(columns=["respondent_id", "column", "text", "themes"])
    return T.build_table(spec, survey, respondents, answers, codebooks or {}, T.grouping_for(survey, by))


def _cell(table, option, group=T.WHOLE):
    row = table[(table[T.OPTION] == option) & (table[T.GROUP] == group)]
    assert len(row) == 1, (option, group, table)
    return row.iloc[0]


@pytest.mark.parametrize("n, base, pct", [
    (52, 56, 93), (71, 79, 90), (77, 79, 97), (51, 79, 65), (31, 51, 61), (1, 8, 13), (0, 5, 0), (5, 5, 100),
])
def test_percent_is_whole_with_halves_rounded_up(n, base, pct):
    assert T.percent(n, base) == pct


def test_percent_of_nobody_is_empty():
    assert T.percent(0, 0) is None


def test_single_choice_counts_those_who_answered_by_organisation(survey_2024, five):
    table = _table(survey_2024, T.SINGLE, 2, five)
    assert tuple(table.columns) == T.COLUMNS
    one = _cell(table, "1 sag")
    assert (one[T.N], one[T.BASE], one[T.PCT]) == (2, 4, 50)     # respondent 5 did not answer
    kommune = _cell(table, "1 sag", "Kommune")
    assert (kommune[T.N], kommune[T.BASE], kommune[T.PCT]) == (2, 3, 67)
    assert set(table[T.GROUP]) == {T.WHOLE, "Kommune", "Politi"}   # groups nobody is in are left out


def test_the_grouping_question_is_not_broken_down_by_itself(survey_2024, five):
    table = _table(survey_2024, T.SINGLE, 1, five)
    assert set(table[T.GROUP]) == {T.WHOLE}
    assert _cell(table, "Kommune")[T.PCT] == 60


def test_multiple_choice_is_a_share_of_respondents_per_option(survey_2024, five):
    table = _table(survey_2024, T.MULTIPLE, 4, five)
    risiko = _cell(table, RISIKO)
    assert (risiko[T.N], risiko[T.BASE], risiko[T.PCT]) == (4, 4, 100)   # respondent 5 skipped q4
    assert _cell(table, SIKKERHED, "Politi")[T.PCT] == 100
    more = _cell(_table(survey_2024, T.MULTIPLE_COUNT, 4, five), T.MORE_THAN_ONE)
    assert (more[T.N], more[T.BASE], more[T.PCT]) == (3, 4, 75)


def test_top_two_box_leaves_not_applicable_out_of_the_base(survey_2024, five):
    top = _cell(_table(survey_2024, T.TOP_BOX, 5, five), "I meget høj grad eller i høj grad")
    assert (top[T.N], top[T.BASE], top[T.PCT]) == (2, 3, 67)
    full = _table(survey_2024, T.SCALE, 5, five)
    assert _cell(full, "I nogen grad")[T.BASE] == 3
    na = _cell(full, NOT_ACUTE)
    assert (na[T.N], na[T.BASE]) == (2, 5)      # the not-applicable count itself, of all who answered


def test_themes_are_shares_of_those_who_answered_and_of_everyone(survey_2024, five, answers, codebook_q8,
                                                                codebook_q4, codebook_q1):
    cbs = _codebooks(survey_2024, codebook_q8, codebook_q4, codebook_q1)
    answered = _table(survey_2024, T.THEMES, 8, five, answers, cbs)
    everyone = _table(survey_2024, T.THEMES_ALL, 8, five, answers, cbs)
    label = codebook_q8.theme("tilgaengelighed").label
    assert (_cell(answered, label)[T.N], _cell(answered, label)[T.BASE], _cell(answered, label)[T.PCT]) == (2, 3, 67)
    assert (_cell(everyone, label)[T.BASE], _cell(everyone, label)[T.PCT]) == (5, 40)
    assert _cell(answered, label, "Kommune")[T.PCT] == 100
    assert set(answered[T.OPTION]) == {t.label for t in codebook_q8.themes}   # themes nobody mentioned show 0


def test_tables_do_not_change_their_input(survey_2024, five, answers, codebook_q8, codebook_q4, codebook_q1):
    cbs = _codebooks(survey_2024, codebook_q8, codebook_q4, codebook_q1)
    before, before_answers = five.copy(), answers.copy()
    table = T.build_tables(T.table_specs(survey_2024, cbs), survey_2024, five, answers, cbs,
                           T.grouping_for(survey_2024, 1))
    T.suppress(table)
    moves = T.backcode_moves(five, answers, survey_2024, cbs)
    T.fold_backcodes(five, moves, survey_2024, cbs, answers)
    pd.testing.assert_frame_equal(five, before)
    pd.testing.assert_frame_equal(answers, before_answers)


def test_small_cells_show_as_below_three_without_percentage():
    table = pd.DataFrame({T.TABLE: "q1", T.QUESTION: 1, T.OPTION: ["Kommune", "Skole", "Politi", "Andet"],
                          T.GROUP: "", T.N: [51, 2, 0, 1], T.BASE: 79, T.PCT: [65, 3, 0, 1],
                          T.CI_LOW: [54, 1, 0, 0], T.CI_HIGH: [74, 9, 5, 7]})
    shown = T.suppress(table, 3)
    assert list(shown[T.N]) == [51, "<3", 0, "<3"]
    assert shown[T.PCT].isna().tolist() == [False, True, False, True]
    assert shown[T.CI_HIGH].isna().tolist() == [False, True, False, True]
    assert list(shown[T.BASE]) == [79] * 4            # the base may be shown
    assert list(table[T.N]) == [51, 2, 0, 1]          # input untouched


def test_zero_in_a_group_smaller_than_min_cell_is_hidden_too():
    # Skole has 2 respondents: showing "Nej 0" would tell that both said "Ja"
    table = pd.DataFrame({T.TABLE: "q3", T.QUESTION: 3, T.OPTION: ["Ja", "Nej"], T.GROUP: "Skole",
                          T.N: [2, 0], T.BASE: 2, T.PCT: [100, 0], T.CI_LOW: [34, 0], T.CI_HIGH: [100, 66]})
    assert list(T.suppress(table, 3)[T.N]) == ["<3", "<3"]
    assert list(T.suppress(table, 5)[T.N]) == ["<5", "<5"]


def test_backcoded_andet_organisation_is_moved_into_kommune(survey_2024, codebook_q1, codebook_q4, codebook_q8):
    cbs = _codebooks(survey_2024, codebook_q8, codebook_q4, codebook_q1)
    people = _respondents([("1", "Andet", "1 sag", "010000", "I høj grad"),
                           ("2", "Andet", "1 sag", "010000", "I høj grad")])
    andet = pd.DataFrame({"respondent_id": ["1", "2"], "question": 1, "column": "q1_andet",
                          "text": ["Myndighedsrådgiver i Roskilde Kommune", "Børne- og ungdomspsykiatrien"],
                          "themes": ["bc_kommune", "sundhed"]})
    moves = T.backcode_moves(people, andet, survey_2024, cbs)
    assert list(moves["to"]) == ["Kommune"]
    folded = T.fold_backcodes(people, moves, survey_2024, cbs, andet)
    assert list(folded["q1_organisation"]) == ["Kommune", "Andet"]


def test_backcoded_andet_advice_ticks_the_option_and_unticks_andet(survey_2024, five, answers, codebook_q1,
                                                                   codebook_q4, codebook_q8):
    cbs = _codebooks(survey_2024, codebook_q8, codebook_q4, codebook_q1)
    moves = T.backcode_moves(five, answers, survey_2024, cbs)
    assert list(moves["to"]) == [RISIKO]
    folded = T.fold_backcodes(five, moves, survey_2024, cbs, answers)
    row = folded[folded["respondent_id"] == "3"].iloc[0]
    assert (row["q4_risiko"], row["q4_andet"]) == (1, 0)


def test_andet_with_a_new_theme_as_well_keeps_its_andet_tick(survey_2024, five, codebook_q1, codebook_q4,
                                                             codebook_q8):
    cbs = _codebooks(survey_2024, codebook_q8, codebook_q4, codebook_q1)
    mixed = pd.DataFrame({"respondent_id": ["3"], "question": [4], "column": ["q4_andet_tekst"],
                          "text": ["Risiko og regler om forældremyndighed i Irak"],
                          "themes": ["bc_risiko|lovgivning_udland"]})
    folded = T.fold_backcodes(five, T.backcode_moves(five, mixed, survey_2024, cbs), survey_2024, cbs, mixed)
    row = folded[folded["respondent_id"] == "3"].iloc[0]
    assert (row["q4_risiko"], row["q4_andet"]) == (1, 1)


def test_breaking_down_by_a_multiple_choice_question_is_refused(survey_2024):
    with pytest.raises(SurveyDefinitionError, match="spørgsmål 4 er 'multiple'"):
        T.grouping_for(survey_2024, 4)


def test_top_box_label_reads_as_the_agency_writes_it(survey_2024):
    assert T.top_box_label(survey_2024.question(5)) == "I meget høj grad eller i høj grad"
