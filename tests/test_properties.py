"""Property tests: whatever a respondent types, textmine neither crashes nor changes it on the way to a file.

Hypothesis draws arbitrary Unicode (control characters, emoji, combining marks,
right-to-left marks, formula starts, up to ~2,000 characters). Surrogates are
left out: they cannot be encoded as UTF-8, so no export can hold them.
"""

from __future__ import annotations

import unicodedata

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from textmine import read_table
from textmine.coding import Coder
from textmine.nlp import normalise_text
from textmine.redact import mask_text
from textmine.safe import _csv_column, clean_text, csv_cell, uncsv_cell, write_csv, write_xlsx

# Pieces that make answers hostile: formula starts, control and XML-illegal characters,
# emoji with joiners, decomposed æ/ø/å, zero-width and bidi marks, CSV delimiters and quotes.
SPICE = st.sampled_from([
    "=", "+", "-", "@", "\t", "\r", "\n", "\r\n", "'", '"', ";", ",", " ", "|",
    "\x00", "\x07", "\x1b", "\x7f", "\x85", "\ufeff", "\ufffe", "\uffff", "\u2028",
    "🙏", "👩‍👩‍👧", "🇩🇰", "e\u0301", "a\u030a", "o\u0338", "\u200b", "\u202e",
    "=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "'=1", "_x000D_", "#N/A", "NA", "None", "007",
])
WORDS = st.sampled_from([
    "Konsulenten", "ringede", "tilbage", "samme", "dag", "æresrelateret", "raadgivning", "børn",
    "udlandslovgivning", "Mette", "22 33 44 55", "010190-1234", "mette@example.invalid", "Åbenrå",
])
PIECES = st.one_of(SPICE, WORDS, st.text(max_size=12))
TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(PIECES, max_size=120).map("".join),        # long (often > 1,000 characters), densely hostile
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                            HealthCheck.too_slow])


@pytest.fixture(scope="module")
def coder(codebook_q8):
    return Coder.for_codebook(codebook_q8)


@SETTINGS
@given(text=TEXT)
def test_normalise_text_gives_single_spaced_nfc_without_control_characters(text):
    out = normalise_text(text)
    assert out == unicodedata.normalize("NFC", out)
    # C0 controls and DEL; C1 controls (U+0080-U+009F) only reach spaCy, where they are harmless.
    assert not any(c < " " or c == "\x7f" for c in out)
    assert out == out.strip() and "  " not in out
    assert normalise_text(out) == out


@SETTINGS
@given(texts=st.lists(TEXT, max_size=4))
def test_analyzer_gives_one_token_list_per_text(nlp_da, texts):
    docs = nlp_da.analyze(texts)
    assert len(docs) == len(texts)
    assert all(isinstance(t.lemma, str) for doc in docs for t in doc)


@SETTINGS
@given(texts=st.lists(TEXT, min_size=1, max_size=4))
def test_coder_codes_every_text_with_known_themes(coder, codebook_q8, texts):
    coded = coder.code(texts)
    assert len(coded) == len(texts)
    for text, themes, review in zip(texts, coded["themes"], coded["needs_review"]):
        ids = [t for t in themes.split("|") if t]
        assert set(ids) <= set(codebook_q8.ids)
        assert isinstance(review, (bool,)) or review in (True, False)
        if not text.strip():
            assert ids == []


@SETTINGS
@given(text=TEXT)
def test_mask_text_returns_text_for_any_answer(text):
    out = mask_text(text)
    assert isinstance(out, str)
    if not any(c.isdigit() or c.isalpha() for c in text):
        assert out == text      # nothing there that could be personal data


@SETTINGS
@given(text=TEXT)
def test_clean_text_removes_only_file_breaking_characters(text):
    out = clean_text(text)
    assert clean_text(out) == out
    assert not any(c in out for c in "\x00\x07\x0b\x0c\x1b\x7f\ufffe\uffff")
    assert out.replace("\t", "").replace("\n", "").replace("\r", "") == "".join(
        c for c in text if c not in "\t\n\r" and not ("\x00" <= c <= "\x1f" or c in "\x7f\ufffe\uffff"))


@SETTINGS
@example(text="'=1")          # an answer that itself starts with an apostrophe before a formula
@example(text="=1+1")
@example(text="-")
@given(text=TEXT)
def test_csv_cell_is_undone_by_uncsv_cell(text):
    assert uncsv_cell(csv_cell(text)) == clean_text(text)


@SETTINGS
@example(texts=["'=1", "-", "-- -", "=1+1", "\x07"])
@given(texts=st.lists(TEXT, min_size=1, max_size=8))
def test_csv_cells_made_column_by_column_are_those_made_cell_by_cell(texts):
    for column in (pd.Series(texts), pd.Series(texts + [None], dtype=object), pd.Series(texts + [3], dtype=object)):
        fast, slow = _csv_column(column), column.map(csv_cell)
        assert fast.astype(object).where(fast.notna(), None).tolist() == \
            slow.astype(object).where(slow.notna(), None).tolist()


def _frame(texts: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"id": [f"r{i}" for i in range(len(texts))], "text": texts})


@SETTINGS
@example(texts=["=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\tTab først", "-", "--", ""])
@example(texts=["'=1"])
@example(texts=["a\rb", "a\r\nb", "\r"])
@given(texts=st.lists(TEXT, min_size=1, max_size=6))
def test_csv_round_trip_gives_the_texts_back(tmp_path_factory, texts):
    path = write_csv(_frame(texts), tmp_path_factory.mktemp("csv") / "svar.csv")
    back = read_table(path)
    assert back["text"].tolist() == [clean_text(t) for t in texts]
    assert back["id"].tolist() == _frame(texts)["id"].tolist()


@SETTINGS
@example(texts=["=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\tTab først", "#N/A", "_x000D_", ""])
@example(texts=["a\rb", "a\r\nb", "  mellemrum  "])
@given(texts=st.lists(TEXT, min_size=1, max_size=6))
def test_xlsx_round_trip_gives_the_texts_back_and_no_formulas(tmp_path_factory, texts):
    path = write_xlsx({"Svar": _frame(texts)}, tmp_path_factory.mktemp("xlsx") / "svar.xlsx")
    ws = openpyxl.load_workbook(path).active
    assert [c.coordinate for row in ws.iter_rows() for c in row if c.data_type == "f"] == []
    back = read_table(path)
    assert back["text"].tolist() == [clean_text(t) for t in texts]
