"""The Streamlit app, headless with AppTest: it opens, shows comments as text and filters them."""

import pandas as pd
import pytest
from conftest import DASH, MARKUP, ROOT, write_coded
from streamlit.testing.v1 import AppTest

from textmine import load_survey, read_table

APP = ROOT / "app.py"
DEMO_CODED = ROOT / "data" / "demo" / "coded" / "coded.csv"
THEMES_Q8 = "filter_themes_q8_kommentar"


def run_app(monkeypatch, coded=None, tmp_path=None) -> AppTest:
    monkeypatch.delenv("TEXTMINE_SURVEY", raising=False)
    monkeypatch.delenv("TEXTMINE_STORE", raising=False)
    if tmp_path is not None:   # the demo's review store goes to a throwaway workspace
        monkeypatch.setenv("TEXTMINE_WORKSPACE", str(tmp_path / "arbejde"))
    if coded is None:
        monkeypatch.delenv("TEXTMINE_CODED", raising=False)
    else:
        monkeypatch.setenv("TEXTMINE_CODED", str(coded))
    return AppTest.from_file(str(APP), default_timeout=60).run()


def comments(at: AppTest) -> pd.DataFrame:
    return _table(at, "Svar")


def counts(at: AppTest) -> pd.DataFrame:
    return _table(at, "I alt")


def _table(at: AppTest, column: str) -> pd.DataFrame:
    # Display tables have no element id in AppTest, so they are told apart by their columns.
    return next(df.value for df in at.dataframe if column in df.value.columns)


@pytest.fixture()
def app(tmp_path, monkeypatch) -> AppTest:
    at = run_app(monkeypatch, write_coded(tmp_path / "coded.csv"))
    assert not at.exception, at.exception
    return at


def test_opens_on_the_open_comment_question_with_every_comment(app):
    assert app.selectbox(key="question").value == "q8_kommentar"
    assert app.title[0].value == "Kodede åbne svar"
    rows = comments(app)
    assert rows["Respondent"].tolist() == ["3001", "3002", "3003", "3004", "3005", "3006"]
    assert rows.loc[0, "Temaer"] == "Tilgængelighed og responstid, Faglig og kompetent sparring"
    assert "6 svar, 2 til gennemsyn" in [m.value for m in app.markdown]
    assert not app.error


def test_theme_filter_narrows_to_answers_with_that_theme(app):
    app.multiselect(key=THEMES_Q8).select("tilgaengelighed").run()
    rows = comments(app)
    assert rows["Respondent"].tolist() == ["3001", "3002"]
    assert rows["Temaer"].str.contains("Tilgængelighed og responstid").all()
    assert "2 af 6 svar, 0 til gennemsyn" in [m.value for m in app.markdown]


def test_closed_answer_filters_narrow_and_combine(app):
    app.multiselect(key="filter_q1_organisation").select("Kommune").run()
    assert comments(app)["Respondent"].tolist() == ["3001", "3004", "3006"]
    app.multiselect(key="filter_q4_genopdragelse").select(1).run()
    assert comments(app)["Respondent"].tolist() == ["3004"]
    app.multiselect(key="filter_q4_genopdragelse").unselect(1).run()
    app.multiselect(key=THEMES_Q8).select("faglig_sparring").run()
    assert comments(app)["Respondent"].tolist() == ["3001", "3006"]


def test_theme_counts_by_organisation_type(app):
    table = counts(app)
    assert table.loc["Faglig og kompetent sparring", "Kommune"] == 2
    assert table.loc["Tilgængelighed og responstid"].tolist() == [1, 1, 0, 0, 0, 0, 2]
    assert table.loc["Antal svar", "I alt"] == 6
    app.multiselect(key="filter_q1_organisation").select("Politi").run()
    assert counts(app).loc["Antal svar"].tolist() == [0, 1, 0, 0, 0, 0, 1]   # the table follows the filters


def test_another_open_question_shows_its_own_answers_and_themes(app):
    app.selectbox(key="question").set_value("q1_andet").run()
    rows = comments(app)
    assert rows["Svar"].tolist() == ["Børne- og ungdomspsykiatrien"]
    assert rows.loc[0, "Temaer"] == "Sundhedsvæsen og psykiatri"
    assert "Sundhedsvæsen og psykiatri" in app.multiselect(key="filter_themes_q1_andet").options


def test_comment_text_is_cell_text_never_markup(app):
    svar = comments(app).set_index("Respondent")["Svar"]
    assert svar["3004"] == MARKUP and svar["3005"] == DASH
    rendered = [e.value for kind in ("markdown", "caption", "title", "subheader", "header", "info",
                                     "warning", "error", "success", "text") for e in getattr(app, kind)]
    assert not any("alert(1)" in v or "fed**" in v or "lærerne" in v for v in rendered)
    assert not app.get("html")


def test_export_page_offers_the_coded_excel_file(app):
    app.switch_page("textmine/ui_pages/eksport.py").run()
    assert [b.label for b in app.download_button] == ["Hent kodede svar (Excel)"]
    assert "Personoplysninger er maskeret" in app.markdown[0].value


def test_missing_coded_file_is_a_danish_error_not_a_traceback(tmp_path, monkeypatch):
    at = run_app(monkeypatch, tmp_path / "findes-ikke.csv")
    assert not at.exception
    assert "findes ikke" in at.error[0].value and not at.dataframe


def test_real_demo(monkeypatch, tmp_path):
    if not DEMO_CODED.exists():
        pytest.skip(f"{DEMO_CODED} findes ikke: kør 'make run' (eller 'make demo') for at kode demoen")
    at = run_app(monkeypatch, tmp_path=tmp_path)
    assert not at.exception and not at.error
    survey = load_survey(ROOT / "data" / "surveys" / "sikkerhedskonsulent-2024.yaml")
    expected = (read_table(DEMO_CODED)["column"] == "q8_kommentar").sum()
    assert len(comments(at)) == expected > 0
    assert counts(at).loc["Antal svar", "I alt"] == expected
    assert list(counts(at).columns) == list(survey.question(1).labels) + ["I alt"]


def test_a_coded_file_textmine_wrote_reads_fast_and_the_same_as_any_other(tmp_path, monkeypatch):
    from textmine import ui

    survey = load_survey(ROOT / "data" / "surveys" / "sikkerhedskonsulent-2024.yaml")
    path = write_coded(tmp_path / "coded.csv")
    fast = ui.load_coded(path, survey)
    assert fast.set_index("respondent_id").loc["3005", "text"] == DASH      # its apostrophe taken off again
    # The same file saved by Excel (semicolons, cp1252) is read by read_table, cell by cell.
    excel = tmp_path / "excel.csv"
    excel.write_bytes(path.read_text(encoding="utf-8").replace(",", ";").encode("cp1252", errors="replace"))
    assert ui._read_written(excel) is None
    monkeypatch.setattr(ui, "_read_written", lambda p: None)
    pd.testing.assert_frame_equal(fast, ui.load_coded(path, survey))
