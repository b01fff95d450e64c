import pytest
from conftest import CODEBOOKS, shared_path

from textmine import CodebookError, load_codebook

FRAMES = ["sikkerhedskonsulent-q1-andet.yaml", "sikkerhedskonsulent-q4-andet.yaml", "sikkerhedskonsulent-q8.yaml"]


@pytest.mark.parametrize("name", FRAMES)
def test_shared_code_frames_load_exactly_as_written(name):
    cb = load_codebook(shared_path("codebooks", name))
    assert cb.themes and all(t.label for t in cb.themes)
    assert cb.language == "da"


def test_q8_frame_fields():
    cb = load_codebook(shared_path("codebooks", "sikkerhedskonsulent-q8.yaml"))
    assert cb.codebook == "sikkerhedskonsulent-2024-q8"
    assert cb.multi_label is True
    legal = cb.theme("lovgivning_udland")
    assert legal.label == "Regler og lovgivning i andre lande"
    assert legal.label_en == "Legislation abroad"
    assert "ambassade" in legal.keywords
    assert len(legal.examples) == 2
    assert cb.exclusive_ids == {"ingen_kommentar"}


def test_q1_frame_is_single_label_with_backcodes():
    cb = load_codebook(shared_path("codebooks", "sikkerhedskonsulent-q1-andet.yaml"))
    assert cb.multi_label is False and cb.backcode_question == 1
    assert cb.theme("bc_politi").backcode_to == "Politi"
    assert cb.theme("sundhed").backcode_to is None


@pytest.mark.parametrize("name", FRAMES)
def test_own_frames_keep_ids_labels_and_backcodes_of_the_analysts(name):
    ours, theirs = load_codebook(CODEBOOKS / name), load_codebook(shared_path("codebooks", name))
    assert ours.signature == theirs.signature
    assert [(t.label, t.label_en, t.backcode_to) for t in ours.themes] == \
           [(t.label, t.label_en, t.backcode_to) for t in theirs.themes]
    assert ours.backcode_question == theirs.backcode_question
    # in our own words: the descriptions differ
    assert [t.description for t in ours.themes] != [t.description for t in theirs.themes]


@pytest.mark.parametrize("text, expected", [
    ("codebook: x\n", "mangler feltet 'themes'"),
    ("codebook: x\nthemes:\n  - id: a\n", "mangler 'id' eller 'label'"),
    ("codebook: x\nthemes:\n  - {id: a, label: A}\n  - {id: a, label: B}\n", "gentages"),
    ("codebook: x\nmulti_label: måske\nthemes:\n  - {id: a, label: A}\n", "multi_label"),
    ("codebook: [\n", "ikke gyldig YAML"),
])
def test_broken_frames_say_what_is_wrong(tmp_path, text, expected):
    path = tmp_path / "ramme.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodebookError, match=expected):
        load_codebook(path)
