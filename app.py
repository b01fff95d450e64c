"""textmine's app: browse a survey's coded open answers (``make run`` or ``streamlit run app.py``).

Layout and widgets only; what is shown comes from ``textmine.ui``. It opens on the
demo survey; ``TEXTMINE_CODED`` (a coded.csv from ``textmine code``) and
``TEXTMINE_SURVEY`` (its survey definition) point it at another survey.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import streamlit as st

from textmine import ui
from textmine.codebook import Codebook, load_codebook
from textmine.coding import coded_workbook
from textmine.columns import TEXT
from textmine.errors import TextmineError
from textmine.redact import redact_table
from textmine.safe import xlsx_bytes
from textmine.survey import Survey, load_survey

ROOT = Path(__file__).resolve().parent


def _mtime(path: Path) -> float:
    # Part of the cache keys, so a file coded again is read again.
    return path.stat().st_mtime if path.exists() else 0.0


@st.cache_resource(show_spinner=False)
def get_survey(path: str, mtime: float) -> Survey:
    return load_survey(path)


@st.cache_resource(show_spinner=False)
def get_codebook(path: str, mtime: float) -> Codebook:
    return load_codebook(path)


@st.cache_data(show_spinner=False)
def get_coded(coded: str, mtime: float, survey: str, survey_mtime: float) -> pd.DataFrame:
    return ui.load_coded(coded, get_survey(survey, survey_mtime))


@st.cache_data(show_spinner=False)
def get_xlsx(coded: str, mtime: float, survey: str, survey_mtime: float) -> bytes:
    s = get_survey(survey, survey_mtime)
    # Downloads leave the app and reach other readers: personal data in answers is masked.
    masked = redact_table(get_coded(coded, mtime, survey, survey_mtime), TEXT)
    return xlsx_bytes(coded_workbook(masked, s))


def main() -> None:
    paths = ui.app_paths(ROOT)
    if paths.demo_export is not None and not paths.coded.exists():
        with st.spinner("Koder demo-undersøgelsens åbne svar – det tager et øjeblik første gang …"):
            ui.ensure_demo_coded(paths.demo_export, paths.survey, paths.coded.parent)
    keys = (str(paths.coded), _mtime(paths.coded), str(paths.survey), _mtime(paths.survey))
    survey = get_survey(str(paths.survey), _mtime(paths.survey))
    coded = get_coded(*keys)

    st.title("Kodede åbne svar")
    st.caption(f"{survey.title} · {paths.coded.name}")

    with st.sidebar:
        column, themes, codebook = _question_and_themes(survey, coded)
        closed = _closed_filters(survey, coded)

    answers = ui.answers_for(coded, column)
    shown = ui.filter_answers(answers, themes=themes, closed=closed)

    st.subheader(ui.field_label(survey, column))
    st.markdown(ui.summary_line(shown, len(answers)))
    if answers.empty:
        st.info("Ingen har svaret på dette spørgsmål.")
    # Respondents' text reaches the screen only as dataframe cells, which are never rendered as markdown or HTML.
    st.dataframe(
        ui.comment_rows(shown, survey, codebook), key="comments", hide_index=True,
        column_config={
            ui.SVAR: st.column_config.TextColumn(ui.SVAR, width="large"),
            ui.SIKKERHED: st.column_config.NumberColumn(
                ui.SIKKERHED, format="%.0f %%",
                help="Modellens sandsynlighed for det mest sikre af svarets temaer"),
            ui.GENNEMSYN: st.column_config.CheckboxColumn(
                ui.GENNEMSYN, help="Modellen er usikker; en analytiker bør se svaret igennem"),
        },
    )

    if survey.group_by is not None:
        by = survey.question(survey.group_by)
        st.subheader(f"Temaer fordelt på {by.short.lower()}")
        st.caption("Antal af de viste svar med hvert tema. Et svar med flere temaer tælles under hvert af dem.")
        st.dataframe(ui.theme_counts_by(shown, codebook, by.column, by.labels), key="theme_counts")

    st.download_button("Hent kodede svar (Excel, personoplysninger maskeret)", data=get_xlsx(*keys), file_name="kodede-svar.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       key="download_xlsx")


def _question_and_themes(survey: Survey, coded: pd.DataFrame):
    """Sidebar: the open question and the themes to show; returns (column, theme ids, code frame)."""
    fields = [f.column for f in survey.text_fields]
    column = st.selectbox("Åbent spørgsmål", fields, index=ui.default_field(survey),
                          format_func=lambda c: ui.field_label(survey, c), key="question")
    field = survey.text_field(column)
    codebook = get_codebook(str(field.codebook), _mtime(field.codebook)) if field.codebook else None
    # One key per question: each question has its own code frame, so its own theme choice.
    themes = st.multiselect("Temaer", ui.theme_options(ui.answers_for(coded, column), codebook),
                            format_func=lambda t: ui.theme_label(codebook, t), key=f"filter_themes_{column}",
                            placeholder="Alle temaer")
    return column, themes, codebook


def _closed_filters(survey: Survey, coded: pd.DataFrame) -> dict[str, list]:
    """Sidebar: one filter per closed answer; options come from all answers so they stay put between questions."""
    st.subheader("Lukkede svar")
    closed = {}
    for column, label in survey.column_labels().items():
        if column in coded.columns:
            closed[column] = st.multiselect(
                label, ui.closed_options(coded, survey, column),
                format_func=lambda v, c=column: ui.answer_text(survey, c, v),
                key=f"filter_{column}", placeholder="Alle")
    return closed


st.set_page_config(page_title="textmine", layout="wide")
try:
    main()
except TextmineError as exc:
    # The message may quote a value from a file, so it is escaped rather than rendered.
    st.error(f"textmine kan ikke vise svarene: {ui.escape_markdown(exc)}")
except Exception:  # a bug: logged with its traceback, the user gets a Danish message and no traceback
    logging.getLogger("textmine.app").exception("app error")
    st.error("Der skete en uventet fejl i textmine. Fejlen er logget; prøv igen, eller kontakt udviklerne.")
