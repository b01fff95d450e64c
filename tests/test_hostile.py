"""Hostile answers: markup, formulas and control characters stay inert text in the app, Excel, Word and CSV."""

from __future__ import annotations

import csv

import docx
import openpyxl
import pytest
from conftest import DATA, ROOT, SURVEY_2024, coded_frame
from streamlit.testing.v1 import AppTest

from textmine import read_table
from textmine.cli import main
from textmine.redact import mask_text
from textmine.report import build_report
from textmine.safe import write_csv

APP = ROOT / "app.py"

# What a respondent may write that a renderer would act on.
MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "![x](http://example.invalid/x.png)",
    "[link](javascript:alert(1))",
    "Det var **fed** rådgivning",
    "# Overskrift",
]
# Pieces of the above that must never reach a rendered element.
MARKERS = ("alert(1)", "onerror", "![x]", "javascript:", "**fed**", "# Overskrift", "<script", "<img")

# What a spreadsheet would run as a formula.
FORMULAS = ["=1+1", "+cmd|' /C calc'!A0", "@SUM(A1)", "-2+3", "\tTabulator først i svaret"]
CONTROL = ["Klokke\x07 og escape\x1b[31m rød tekst", "=HYPERLINK(\"http://example.invalid\";\"klik\")"]


def _export_with_comments(path, comments: list[str]):
    """The small test export with its q8 comments replaced, written raw as a survey tool would (no apostrophes)."""
    df = read_table(DATA / "eksport-lille.csv")
    df["q8_kommentar"] = (comments + [""] * len(df))[: len(df)]
    df.to_csv(path, sep=";", index=False, encoding="utf-8-sig")
    return path


def _elements(node):
    children = getattr(node, "children", None)
    if children:
        for child in children.values():
            yield from _elements(child)
    elif hasattr(node, "proto"):
        yield node


# --- the app ------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory):
    coded = coded_frame()
    q8 = coded.index[coded["column"] == "q8_kommentar"]
    coded.loc[q8, "text"] = MARKUP
    path = write_csv(coded, tmp_path_factory.mktemp("app") / "coded.csv")
    mp = pytest.MonkeyPatch()
    mp.delenv("TEXTMINE_SURVEY", raising=False)
    mp.setenv("TEXTMINE_CODED", str(path))
    try:
        at = AppTest.from_file(str(APP), default_timeout=60).run()
    finally:
        mp.undo()
    return at


def test_app_shows_markup_answers_without_error(hostile_app):
    assert not hostile_app.exception, hostile_app.exception
    assert not hostile_app.error


def test_markup_answers_are_dataframe_cells_as_written(hostile_app):
    svar = next(df.value for df in hostile_app.dataframe if "Svar" in df.value.columns)["Svar"].tolist()
    # The app masks personal data (the URL becomes [URL]); everything else is the respondent's text unchanged.
    assert svar == [mask_text(t) for t in MARKUP]
    assert svar[0] == "<script>alert(1)</script>" and svar[4] == "Det var **fed** rådgivning"


def test_no_rendered_element_carries_an_answer(hostile_app):
    kinds = ("markdown", "caption", "text", "title", "header", "subheader", "error", "info", "warning",
             "success", "exception", "code", "latex", "json", "toast")
    rendered = [str(e.value) for kind in kinds for e in getattr(hostile_app, kind, [])]
    assert not [v for v in rendered if any(m in v for m in MARKERS)]
    # Every element but the data tables, widgets' labels and options included, as its raw protobuf.
    leaked = [e.type for e in _elements(hostile_app._tree) if e.type not in ("dataframe", "arrow_data_frame")
              and any(m in str(e.proto) for m in MARKERS)]
    assert leaked == []
    assert not hostile_app.get("html")


# --- textmine code: Excel and CSV ------------------------------------------------

@pytest.fixture(scope="module")
def coded_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("code")
    export = _export_with_comments(root / "eksport.csv", FORMULAS + CONTROL)
    # --no-mask: these tests compare the files with the answers exactly as written
    assert main(["code", str(export), "--survey", str(SURVEY_2024), "--out", str(root / "ud"), "--no-mask"]) == 0
    return root / "ud"


def _expected_texts() -> list[str]:
    # Reading an export strips each answer's outer whitespace, so the tab-started answer loses its tab.
    return [t.strip() for t in FORMULAS] + ["Klokke og escape[31m rød tekst", CONTROL[1]]


def test_coded_xlsx_has_no_formula_cells_and_the_texts_as_written(coded_dir):
    wb = openpyxl.load_workbook(coded_dir / "coded.xlsx")
    formulas = [(ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    ws = wb["Alle svar"]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]
    texts = [r["text"] for r in rows if r["column"] == "q8_kommentar"]
    assert texts == _expected_texts()


def test_coded_csv_writes_formula_like_answers_with_an_apostrophe(coded_dir):
    with open(coded_dir / "coded.csv", encoding="utf-8", newline="") as f:
        raw = [r["text"] for r in csv.DictReader(f) if r["column"] == "q8_kommentar"]
    expected = _expected_texts()
    assert raw[:4] == ["'" + t for t in expected[:4]]          # =, +, @ and - open a formula
    assert raw[4] == expected[4] and raw[6] == "'" + expected[6]
    assert "\x07" not in "".join(raw) and "\x1b" not in "".join(raw)


def test_coded_csv_reads_back_as_the_answers(coded_dir):
    coded = read_table(coded_dir / "coded.csv")
    assert coded.loc[coded["column"] == "q8_kommentar", "text"].tolist() == _expected_texts()


# --- the Word report ------------------------------------------------------------

def _docx_text(path) -> str:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


THEMED = ["Konsulenten ringede tilbage samme dag – virkelig god sparring.",
          "Svært at få fat i dem i sommerferien, vi ventede 3 dage på svar."]


def test_report_with_control_characters_and_formulas_opens_in_word(tmp_path):
    export = _export_with_comments(tmp_path / "eksport.csv", CONTROL + FORMULAS[:3] + THEMED)
    run = build_report(export, SURVEY_2024, tmp_path / "rapport")
    text = _docx_text(run["docx"])
    assert "Tabel 1." in text
    assert not any(c in text for c in "\x00\x07\x1b")
    assert "Klokke og escape[31m rød tekst" in run["coded"]["text"].map(lambda t: t.replace("\x07", "").replace("\x1b", "")).tolist()


def test_report_when_every_answer_is_noise(tmp_path):
    # Formulas and noise only: no comment says anything a theme is about. The report must still be
    # written, and whatever the model suggests for such answers is left to an analyst to check.
    export = _export_with_comments(tmp_path / "eksport.csv", FORMULAS + ["xyz qwe", "asdf"])
    run = build_report(export, SURVEY_2024, tmp_path / "rapport")
    noise = run["coded"].loc[run["coded"]["column"] == "q8_kommentar"]
    assert len(noise) == len(FORMULAS) + 2
    assert noise["needs_review"].dtype == bool and noise["needs_review"].all()
    assert "Tabel 1." in _docx_text(run["docx"])


def test_report_on_an_export_with_a_nul_byte_in_a_comment(tmp_path):
    # A NUL pasted into one comment must not make the whole export "binary".
    export = _export_with_comments(tmp_path / "eksport.csv", ["Nul\x00tegn i kommentaren"] + THEMED + FORMULAS[:3])
    run = build_report(export, SURVEY_2024, tmp_path / "rapport")
    assert "\x00" not in _docx_text(run["docx"])
    coded = run["coded"]
    assert "Nultegn i kommentaren" in coded["text"].map(lambda t: t.replace("\x00", "")).tolist()
