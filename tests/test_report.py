"""`textmine report` on the 2024 demo: the agency's figures in tables.csv, report.xlsx and report.docx.

The demo export (79 respondents) reproduces every figure of SIRI's 2024 note on the
security consultant scheme. Coding the answers takes a while, so the reports are
built once per module: one coded on the fly, one with a hand-edited coded file
(a back-coded "Andet", a formula-like comment, starred quotes), and one through
the command line with --coded, --by 2 and --min-cell 5.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import subprocess

import pandas as pd
import pytest
from conftest import ROOT, SURVEY_2024
from docx import Document
from openpyxl import load_workbook

from textmine import columns as C
from textmine.cli import main
from textmine.report import build_report
from textmine.safe import write_csv

EXPORT = ROOT / "data" / "demo" / "sikkerhedskonsulent-2024-eksport.csv"
TOP2 = "I meget høj grad eller i høj grad"
OPMAERKSOMHED = ("Rådgivning om hvad jeg skal være opmærksom på ift. æresrelaterede konflikter "
                 "og negativ social kontrol")
RISIKO = "Rådgivning om at vurdere risiko i en konkret sag"
SIKKERHED = "Rådgivning om at skabe sikkerhed for en borger, der er truet"
GENOPDRAGELSE = "Rådgivning om genopdragelsesrejser og ufrivillige udlandsophold"
SAMARBEJDE = "Rådgivning om samarbejdspartnere og handlemåder, der kan få mig videre i en konkret sag"
SKOLE = "Skole eller uddannelsesinstitution"
SMALL_GROUPS = (SKOLE, "Private og civilsamfundsorganisationer", "Andet")

# (table, option, group, pct): every figure of the 2024 note (n=79)
FIGURES_2024 = [
    ("q1", "Kommune", "", 65), ("q1", "Krisecenter", "", 16), ("q1", "Politi", "", 11),
    ("q2", "1 sag", "", 48), ("q2", "2-5 sager", "", 38), ("q2", "Mere end 10 sager", "", 4),
    ("q2", "1 sag", "Kommune", 61),
    ("q3", "Ja", "", 73),
    ("q4", RISIKO, "", 75), ("q4", OPMAERKSOMHED, "", 56), ("q4", SIKKERHED, "", 51), ("q4", SAMARBEJDE, "", 46),
    ("q4", SIKKERHED, "Krisecenter", 77), ("q4", SIKKERHED, "Politi", 78), ("q4", GENOPDRAGELSE, "Politi", 56),
    ("q4_flere", "Mere end én svarmulighed", "", 78),
    ("q5_top2", TOP2, "", 93), ("q6_top2", TOP2, "", 90), ("q7_top2", TOP2, "", 97),
]
FIGURE_IDS = [f"{t}-{o[:20]}-{g or 'alle'}" for t, o, g, _ in FIGURES_2024]

# answers written by respondents in groups of two (Skole, Private, Andet): never quoted
SMALL_GROUP_TEXTS = ("Jeg er AKT-lærer", "elever der ikke kom tilbage", "Vi er en lille forening",
                     "Vi i foreningen bruger jer fast", "Som sundhedspersonale", "to klienter der skulle løslades")
FORMULA = '=HYPERLINK("http://example.org/x","Klik her") vi vil gerne have en pjece på flere sprog, tak'


# --- the reports, built once ---

@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """Coded on the fly with the shipped models, default options."""
    return build_report(EXPORT, SURVEY_2024, tmp_path_factory.mktemp("rapport"))


@pytest.fixture(scope="module")
def edited_coded(report):
    """The coded answers with three analyst-visible edits."""
    coded = report["coded"].copy()
    q1 = (coded[C.RESPONDENT_ID] == "2049") & (coded[C.COLUMN] == "q1_andet")
    coded.loc[q1, [C.TEXT, C.THEMES, C.BACKCODE]] = ["Myndighedsrådgiver i Roskilde Kommune", "bc_kommune", "Kommune"]
    q8 = coded[C.COLUMN] == "q8_kommentar"
    coded.loc[q8 & (coded[C.RESPONDENT_ID] == "2074"), C.TEXT] = FORMULA
    text = coded.loc[q8 & (coded[C.RESPONDENT_ID] == "2076"), C.TEXT].iat[0]
    coded.loc[q8 & (coded[C.RESPONDENT_ID] == "2076"), C.TEXT] = text.replace(" ", " \x0b", 1)
    return coded


@pytest.fixture(scope="module")
def starred_answer(report):
    """A Kommune respondent's themed comment that the "review app" starred."""
    coded = report["coded"]
    rows = coded[(coded[C.COLUMN] == "q8_kommentar") & (coded["q1_organisation"] == "Kommune")
                 & (coded[C.THEMES] != "") & (coded[C.THEMES] != "ingen_kommentar")]
    row = rows[rows[C.TEXT].str.len() < 40].head(1)    # short, so only the star can bring it in
    row = row if len(row) else rows.head(1)
    return row[C.RESPONDENT_ID].iat[0]


@pytest.fixture(scope="module")
def folded(edited_coded, starred_answer, tmp_path_factory):
    starred = {(starred_answer, "q8_kommentar"), ("2047", "q8_kommentar")}   # 2047: Skole, 2 respondents
    return build_report(EXPORT, SURVEY_2024, tmp_path_factory.mktemp("foldet"), coded=edited_coded,
                        fold_backcoded=True, starred=starred)


@pytest.fixture(scope="module")
def by_cases(edited_coded, tmp_path_factory):
    """`textmine report --coded coded.csv --by 2 --min-cell 5`, as an analyst runs it."""
    tmp = tmp_path_factory.mktemp("cli")
    coded_csv = write_csv(edited_coded, tmp / "coded.csv")
    out = tmp / "rapport"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        rc = main(["report", str(EXPORT), "--survey", str(SURVEY_2024), "--coded", str(coded_csv),
                   "--by", "2", "--min-cell", "5", "--out", str(out)])
    assert rc == 0
    return {"out": out, "printed": printed.getvalue()}


# --- reading the outputs as an analyst would ---

def read_cells(folder) -> pd.DataFrame:
    return pd.read_csv(folder / "tables.csv", dtype=str, keep_default_na=False)


def csv_cell(cells, table, option, group=""):
    row = cells[(cells["table"] == table) & (cells["option"] == option) & (cells["group"] == group)]
    assert len(row) == 1, f"{table}/{option}/{group!r}: {len(row)} rækker"
    return row.iloc[0]


@pytest.fixture(scope="module")
def workbook(report):
    return load_workbook(report["xlsx"])


def sheet_rows(wb, name) -> list[dict]:
    rows = list(wb[name].iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def xlsx_cell(wb, table, option, group=""):
    key = "Tema" if "temaer" in table else "Svarmulighed"
    rows = [r for r in sheet_rows(wb, table) if r.get(key) == option and r["Gruppe"] == (group or "I alt")]
    assert len(rows) == 1, f"{table}/{option}/{group!r}: {len(rows)} rækker"
    return rows[0]


def all_xlsx_text(path) -> str:
    wb = load_workbook(path)
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)


def docx_text(path) -> str:
    doc = Document(path)
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


def docx_tables(path) -> dict[str, list[list[str]]]:
    """Each Word table under its caption ("Tabel N. …")."""
    doc = Document(path)
    tables, caption, t = {}, None, 0
    for child in doc.element.body.iterchildren():
        if child.tag.endswith("}p"):
            text = "".join(x.text or "" for x in child.iter() if x.tag.endswith("}t"))
            if text.startswith("Tabel "):
                caption = text
        elif child.tag.endswith("}tbl"):
            tables[caption] = [[c.text for c in row.cells] for row in doc.tables[t].rows]
            t += 1
    return tables


def docx_cell(path, survey, table, option, group=""):
    number = int(re.match(r"q(\d+)", table).group(1))
    title = survey.question(number).text.split("?")[0]
    [rows] = [rows for caption, rows in docx_tables(path).items() if title in caption]
    header = rows[0]
    col = next(j for j, h in enumerate(header) if h.startswith(f"{group or 'I alt'} (n="))
    [row] = [r for r in rows if r[0] == option]
    return row[col]


# --- the 2024 figures ---

@pytest.mark.parametrize("table, option, group, pct", FIGURES_2024, ids=FIGURE_IDS)
def test_tables_csv_has_the_2024_figure(report, table, option, group, pct):
    assert csv_cell(read_cells(report["xlsx"].parent), table, option, group)["pct"] == str(pct)


@pytest.mark.parametrize("table, option, group, pct", FIGURES_2024, ids=FIGURE_IDS)
def test_report_xlsx_has_the_2024_figure(workbook, table, option, group, pct):
    assert xlsx_cell(workbook, table, option, group)["Pct."] == pct


@pytest.mark.parametrize("table, option, group, pct", FIGURES_2024, ids=FIGURE_IDS)
def test_report_docx_has_the_2024_figure(report, survey_2024, table, option, group, pct):
    assert docx_cell(report["docx"], survey_2024, table, option, group) == str(pct)


def test_acute_contact_base_is_the_56_who_had_acute_cases(report, workbook):
    cells = read_cells(report["xlsx"].parent)
    top = csv_cell(cells, "q5_top2", TOP2)
    assert (top["n"], top["base"], top["pct"]) == ("52", "56", "93")
    not_acute = csv_cell(cells, "q5", "Jeg har ikke været i kontakt om akutte sager")
    assert (not_acute["n"], not_acute["base"]) == ("23", "79")
    assert xlsx_cell(workbook, "q5_top2", TOP2)["Base"] == 56
    assert "Anm.: Andelene omfatter ikke de 23 respondenter, der har svaret 'Jeg har ikke været i kontakt " \
           "om akutte sager', hvorfor n=56." in docx_text(report["docx"])


def test_three_answered_andet_for_advice(report):
    assert csv_cell(read_cells(report["xlsx"].parent), "q4", "Andet (uddyb)")["n"] == "3"
    assert "3 respondenter har svaret 'Andet (uddyb)'" in docx_text(report["docx"])


def test_word_text_reads_like_the_agencys_note(report):
    text = docx_text(report["docx"])
    assert "har 65 pct. svaret 'Kommune', efterfulgt af 'Krisecenter' (16 pct.) og 'Politi' (11 pct.)" in text
    assert "78 pct. af respondenterne har valgt mere end én svarmulighed." in text
    assert "93 pct. af respondenterne svarer 'I meget høj grad' eller 'I høj grad' (n=56)." in text


def test_word_file_has_a_captioned_figure_per_question(report):
    doc = Document(report["docx"])
    captions = [p.text for p in doc.paragraphs if p.text.startswith("Figur ")]
    assert captions[0] == "Figur 1. Hvilken type organisation arbejder du i? (n=79)"
    assert all(re.fullmatch(r"Figur \d+\. .+ \(n=\d+\)", c) for c in captions)
    assert [int(c.split()[1].rstrip(".")) for c in captions] == list(range(1, len(captions) + 1))
    assert len(captions) == len(report["figures"]) == len(doc.inline_shapes)
    assert any("fordelt på organisation (n=79)" in c for c in captions)
    assert any(re.fullmatch(r"Figur \d+\. I hvilken grad oplever du, at sikkerhedskonsulenten har været "
                            r"tilgængelig for rådgivning i akutte sager\? \(n=56\)", c) for c in captions)
    assert all(p.exists() and p.stat().st_size > 5000 for p in report["figures"])
    assert [p.style.name for p in doc.paragraphs if p.text.startswith("Spørgsmål ")][:1] == ["Heading 2"]


def test_every_theme_of_the_comments_has_a_summary(report, codebook_q8):
    text = docx_text(report["docx"])
    coded = report["coded"]
    mentioned = {t for ts in coded[coded[C.COLUMN] == "q8_kommentar"][C.THEMES] for t in C.split_themes(ts)}
    for theme in mentioned:
        label = codebook_q8.theme(theme).label
        assert re.search(rf"{re.escape(label)}\nTemaet nævnes i (\d+ af 59 svar|færre end 3 svar)", text), label


# --- anonymity ---

def test_small_groups_show_below_three_in_tables_csv(report):
    cells = read_cells(report["xlsx"].parent)
    skole = cells[cells["group"] == SKOLE]
    assert len(skole) and (skole["n"] == "<3").all() and (skole["pct"] == "").all()
    assert csv_cell(cells, "q1", SKOLE)["n"] == "<3"
    assert not cells["n"].isin(["1", "2"]).any()                  # no small count anywhere
    assert (cells[cells["n"] == "<3"]["pct"] == "").all()
    zero = cells[cells["n"] == "0"]
    assert (zero["base"].astype(int) >= 3).all()                  # a zero never gives a small group away


def test_small_groups_show_below_three_in_report_xlsx(workbook):
    assert xlsx_cell(workbook, "q1", SKOLE)["Antal"] == "<3"
    assert xlsx_cell(workbook, "q1", SKOLE)["Pct."] is None
    assert xlsx_cell(workbook, "q3", "Ja", SKOLE)["Antal"] == "<3"
    counts = [r["Antal"] for ws in workbook.sheetnames if ws.startswith("q") for r in sheet_rows(workbook, ws)]
    assert 1 not in counts and 2 not in counts
    svar = sheet_rows(workbook, "Svar")
    assert SKOLE not in {r["1. Organisation"] for r in svar}     # not even beside an answer


def test_small_groups_show_below_three_in_report_docx(report, survey_2024):
    assert docx_cell(report["docx"], survey_2024, "q1", SKOLE) == "<3"
    assert docx_cell(report["docx"], survey_2024, "q2", "Mere end 10 sager", "Kommune") == "<3"
    text = docx_text(report["docx"])
    assert "Skole eller uddannelsesinstitution (n=2), Private og civilsamfundsorganisationer (n=2) og Andet " \
           "(n=2) har færre end 3 respondenter og vises ikke særskilt" in text


def test_no_quote_from_a_group_of_two(report, workbook):
    quotes = sheet_rows(workbook, "Citater")
    assert quotes and not {q["Gruppe"] for q in quotes} & set(SMALL_GROUPS)
    text = docx_text(report["docx"])
    for fragment in SMALL_GROUP_TEXTS:
        assert fragment not in text


def test_quotes_and_answers_are_masked_for_personal_data(report):
    for text in (docx_text(report["docx"]), all_xlsx_text(report["xlsx"])):
        assert "22 33 44 55" not in text
        assert "Mette" not in text
    answers = sheet_rows(load_workbook(report["xlsx"]), "Svar")
    [mette] = [r for r in answers if r["Respondent"] == "2055" and r["Tekstfelt"] == "q8_kommentar"]
    assert "ring til min kollega" in mette["Svar (maskeret)"]


def test_quotes_are_typical_of_their_theme(report, workbook):
    quotes = sheet_rows(workbook, "Citater")
    assert all(40 <= len(q["Citat (maskeret)"]) <= 300 for q in quotes)
    per_theme = pd.Series([(q["Tekstfelt"], q["Tema"]) for q in quotes]).value_counts()
    assert per_theme.max() <= 3
    text = docx_text(report["docx"])
    assert sum(line.startswith("»") for line in text.splitlines()) == len(quotes)


# --- statistics in the report ---

def test_group_differences_are_tested_with_a_p_value_and_a_danish_warning(workbook):
    tests = sheet_rows(workbook, "Test")
    q2 = [t for t in tests if t["Tabel"] == "q2"]
    assert len(q2) == 1 and q2[0]["Test"] in ("chi-i-anden-test", "Fishers eksakte test")
    assert 0 <= q2[0]["p-værdi"] <= 1
    assert q2[0]["Grupper i testen"] == "Kommune, Politi, Krisecenter"
    assert "Politi har kun 9 besvarelser" in q2[0]["Advarsel"]
    assert "indgår ikke i testen" in q2[0]["Advarsel"]


# --- back-coding, starred quotes, formula-like text ---

def test_fold_backcoded_moves_the_andet_answer_into_kommune(folded):
    cells = read_cells(folded["xlsx"].parent)
    kommune = csv_cell(cells, "q1", "Kommune")
    assert (kommune["n"], kommune["pct"]) == ("52", "66")
    assert csv_cell(cells, "q1", "Andet")["n"] == "<3"
    assert folded["moved"] == 1
    note = "1 'Andet'-svar er ud fra teksten flyttet til den svarmulighed, det hører under (tilbagekodning)."
    assert note in docx_text(folded["docx"])
    assert f"Anm.: {note}" in [r["Spørgsmål"] for r in sheet_rows(load_workbook(folded["xlsx"]), "q1")]
    notes = pd.read_csv(folded["xlsx"].parent / "notes.csv", dtype=str)
    assert note in set(notes[notes["table"] == "q1"]["note"])


def test_starred_answer_is_quoted_first_but_never_from_a_small_group(folded, starred_answer):
    respondent = starred_answer
    quotes = sheet_rows(load_workbook(folded["xlsx"]), "Citater")
    coded = folded["coded"]
    [text] = coded[(coded[C.RESPONDENT_ID] == respondent) & (coded[C.COLUMN] == "q8_kommentar")][C.TEXT]
    first = [q for q in quotes if q["Tekstfelt"] == "q8_kommentar" and q["Stjernemarkeret"] == "ja"]
    assert len(first) == 1 and first[0]["Gruppe"] == "Kommune"
    assert text[:30] in first[0]["Citat (maskeret)"]
    assert "Jeg er AKT-lærer" not in docx_text(folded["docx"])


def test_text_starting_with_equals_stays_text_in_excel(folded):
    wb = load_workbook(folded["xlsx"])
    assert not [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    cells = [c for row in wb["Svar"].iter_rows() for c in row if isinstance(c.value, str) and
             c.value.startswith("=HYPERLINK")]
    assert len(cells) == 1 and cells[0].data_type == "s"


def test_control_characters_are_removed_from_word_and_excel(folded):
    assert "\x0b" not in docx_text(folded["docx"])
    assert "\x0b" not in all_xlsx_text(folded["xlsx"])


# --- the command line: --coded, --by 2, --min-cell 5 ---

def test_cli_breaks_tables_down_by_number_of_cases(by_cases):
    cells = read_cells(by_cases["out"])
    kommune = csv_cell(cells, "q1", "Kommune", "1 sag")
    assert (kommune["n"], kommune["base"], kommune["pct"]) == ("31", "38", "82")
    assert set(cells[cells["table"] == "q2"]["group"]) == {""}     # q2 is not broken down by itself
    captions = [p.text for p in Document(by_cases["out"] / "report.docx").paragraphs if p.text.startswith("Figur")]
    assert any("fordelt på antal sager" in c for c in captions)
    assert "respondenter" in by_cases["printed"] and "report.docx" in by_cases["printed"]


def test_cli_min_cell_five_suppresses_below_five(by_cases):
    cells = read_cells(by_cases["out"])
    more = csv_cell(cells, "q2", "Mere end 10 sager")
    assert (more["n"], more["pct"]) == ("<5", "")
    assert not cells["n"].isin(["1", "2", "3", "4"]).any()
    assert "<5" in docx_text(by_cases["out"] / "report.docx")


def test_cli_without_fold_keeps_the_andet_answer_and_says_so(by_cases):
    cells = read_cells(by_cases["out"])
    assert csv_cell(cells, "q1", "Kommune")["n"] == "51"
    assert "1 'Andet'-svar hører ud fra teksten under en af de faste svarmuligheder, men tælles her under " \
           "'Andet'." in docx_text(by_cases["out"] / "report.docx")


def test_cli_refuses_a_coded_file_from_another_export(tmp_path, capsys):
    stranger = pd.DataFrame({"respondent_id": ["9999"], "question": [8], "column": ["q8_kommentar"],
                             "text": ["Tak for hjælpen"], "themes": ["generel_ros"]})
    rc = main(["report", str(EXPORT), "--survey", str(SURVEY_2024), "--coded",
               str(write_csv(stranger, tmp_path / "coded.csv")), "--out", str(tmp_path / "ud")])
    assert rc == 2
    assert "respondent 9999 findes ikke i eksporten" in capsys.readouterr().err


# --- Word to PDF with LibreOffice ---

def test_word_file_converts_to_pdf_with_the_figures(report, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice/libreoffice) findes ikke på PATH; installér libreoffice-writer")
    docx = shutil.copy(report["docx"], tmp_path / "report.docx")
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/lo-profil", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx)],
                   check=True, capture_output=True, timeout=180)
    pdf = tmp_path / "report.pdf"
    assert pdf.exists() and pdf.stat().st_size > 20_000
    if shutil.which("pdfimages"):
        listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True)
        images = [line for line in listing.stdout.splitlines()[2:] if line.split()[2:3] == ["image"]]
        assert len(images) == len(report["figures"])
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) findes ikke; PDF'ens tekst er ikke tjekket")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Figur 1." in text
    assert "65 pct." in text
