from pathlib import Path

import pytest

from textmine import SurveyDefinitionError, load_survey


def test_questionnaire_of_2024_is_described(survey_2024):
    assert [q.number for q in survey_2024.questions] == [1, 2, 3, 4, 5, 6, 7, 8]
    kinds = {q.number: q.kind for q in survey_2024.questions}
    assert kinds == {1: "single", 2: "single", 3: "single", 4: "multiple", 5: "scale", 6: "scale", 7: "scale", 8: "text"}
    assert survey_2024.question(2).labels == ("1 sag", "2-5 sager", "6-10 sager", "Mere end 10 sager")
    assert survey_2024.question(5).not_applicable == ("Jeg har ikke været i kontakt om akutte sager",)


def test_text_fields_know_their_andet_option_and_code_frame(survey_2024):
    fields = {f.column: f for f in survey_2024.text_fields}
    assert set(fields) == {"q1_andet", "q4_andet_tekst", "q8_kommentar"}
    assert fields["q1_andet"].option == "Andet"
    assert fields["q4_andet_tekst"].option == "Andet (uddyb)"
    assert fields["q8_kommentar"].option is None
    assert all(f.codebook.exists() for f in fields.values())


def test_columns_match_the_sample_export_header(survey_2024):
    from conftest import shared_path

    header = shared_path("samples", "sikkerhedskonsulent-2024-eksport.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert set(header.split(";")) == set(survey_2024.required_columns)


def test_backcode_targets_are_answer_options(survey_2024, codebook_q1, codebook_q4):
    for codebook in (codebook_q1, codebook_q4):
        labels = survey_2024.question(codebook.backcode_question).labels
        for theme in codebook.themes:
            if theme.backcode_to:
                assert theme.backcode_to in labels


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spg.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("yaml_text, expected", [
    ("survey: x\nquestions:\n  - number: 1\n    text: Hvad?\n    kind: slider\n    column: a\n", "kind 'slider'"),
    ("survey: x\nquestions:\n  - number: 1\n    kind: text\n    column: a\n", "mangler feltet 'text'"),
    ("survey: x\nquestions:\n  - {number: 1, text: A, kind: text, column: a}\n  - {number: 1, text: B, kind: text, column: b}\n",
     "gentages"),
    ("survey: x\nquestions:\n  - {number: 1, text: A, kind: text, column: a, codebook: findes-ikke.yaml}\n",
     "findes-ikke.yaml"),
    ("survey: x\nquestions:\n  - number: 1\n    text: A\n    kind: single\n    column: a\n    options: [Ja, Nej]\n"
     "    other: {option: Andet, column: b}\n", "'other.option' er 'Andet'"),
])
def test_broken_definitions_say_what_is_wrong(tmp_path, yaml_text, expected):
    with pytest.raises(SurveyDefinitionError, match=expected):
        load_survey(_write(tmp_path, yaml_text))


def test_missing_definition_file_is_named(tmp_path):
    with pytest.raises(SurveyDefinitionError, match="findes ikke"):
        load_survey(tmp_path / "nej.yaml")
