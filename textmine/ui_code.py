"""Widgets of the Kod page: the answer with its context, the decision form, the audit trail.

A decision is saved in the button's callback with the version the analyst was shown, so a
colleague's newer decision is never overwritten silently: the store refuses it, and the page
tells the analyst and shows the newer codes.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from . import columns as C
from . import ui
from .codebook import Codebook
from .errors import ConflictError, StoreError
from .store import Store
from .survey import Survey

CONFLICT_KEY = "kod_conflict"
SAVED_KEY = "kod_saved"
SOURCE_LABELS = {"model": "model", "rule": "regel", "human": "analytiker", "adjudicated": "afgjort"}


def show_answer(row: pd.Series, survey: Survey, codebook: Codebook | None, text: str, *, blind: bool) -> None:
    """The answer as plain text, the respondent's closed answers and (unless blind) the suggestions."""
    st.subheader(f"Respondent {row[C.RESPONDENT_ID]}")
    with st.container(border=True):
        # st.text never interprets markdown or HTML: the answer is shown exactly as written.
        st.text(str(text))
    left, right = st.columns(2)
    with left:
        st.caption("Respondentens lukkede svar")
        closed = [(label, ui.answer_text(survey, col, row[col])) for col, label in survey.column_labels().items()
                  if col in row.index]
        # Fixed widths: long question texts would otherwise push the answers out of sight.
        st.dataframe(pd.DataFrame(closed, columns=["Spørgsmål", "Svar"]), hide_index=True, key="kod_closed",
                     column_config={"Spørgsmål": st.column_config.TextColumn(width="medium"),
                                    "Svar": st.column_config.TextColumn(width="medium")})
    with right:
        if blind:
            st.caption("Dobbeltkodning: modellens forslag og kollegernes koder er skjult.")
        elif codebook is not None:
            st.caption("Modellens sandsynlighed for hvert tema")
            st.dataframe(suggestions(row, codebook), hide_index=True, key="kod_suggestions",
                         column_config={"Sandsynlighed": st.column_config.ProgressColumn(
                             "Sandsynlighed", format="%.0f %%", min_value=0, max_value=100)})


def suggestions(row: pd.Series, codebook: Codebook) -> pd.DataFrame:
    """The frame's themes with the model's probability (percent), most likely first."""
    suggested = set(C.split_themes(row.get(C.THEMES, "")))
    table = pd.DataFrame({
        "Tema": [t.label for t in codebook.themes],
        "Sandsynlighed": [round(100 * float(row.get(C.p_column(t.id), 0.0) or 0.0), 1) for t in codebook.themes],
        "Foreslået": [t.id in suggested for t in codebook.themes],
    })
    return table.sort_values("Sandsynlighed", ascending=False, kind="stable")


def decision_form(cur, row: pd.Series, codebook: Codebook | None, column: str, *, lane: str, skipped: dict) -> None:
    key, version = row[C.KEY], int(row[C.VERSION])
    ids = list(codebook.ids) if codebook else ui.theme_options(pd.DataFrame([row]), None, C.FINAL)
    shown = [] if lane and version == 0 else [t for t in C.split_themes(row[C.FINAL]) if t in ids]
    # Keys carry the version: when someone else's newer decision arrives, the form shows it afresh.
    suffix = f"{key}_{lane}_{version}"
    with st.form(f"kod_form_{suffix}", border=True):
        st.multiselect("Temaer", ids, default=shown, format_func=lambda t: ui.theme_label(codebook, t),
                       key=f"kod_themes_{suffix}", placeholder="Ingen temaer passer")
        st.text_input("Note (valgfri)", key=f"kod_note_{suffix}",
                      placeholder="fx 'grænsetilfælde mellem sparring og tilgængelighed'")
        st.form_submit_button("Gem og næste", type="primary", shortcut="Ctrl+Enter", on_click=_save,
                              args=(cur.store, key, version, cur.coder, lane, suffix))
    if st.button("Spring over", shortcut="Alt+S", key=f"kod_skip_{suffix}"):
        skipped.setdefault(column, set()).add(key)
        st.rerun()
    if not cur.coder:
        st.caption("Skriv dit navn i sidepanelet for at gemme kodninger.")


def _save(store: Store, key: str, version: int, coder: str, lane: str, suffix: str) -> None:
    # Runs before the rerun, with the version the analyst saw when the form was drawn.
    themes = st.session_state.get(f"kod_themes_{suffix}", [])
    note = st.session_state.get(f"kod_note_{suffix}", "")
    if not coder:
        st.session_state[CONFLICT_KEY] = "Skriv dit navn i sidepanelet, før du gemmer en kodning."
        return
    try:
        store.record(key, themes, coder=coder, source="human", expected_version=version, note=note, lane=lane)
    except ConflictError as exc:
        st.session_state[CONFLICT_KEY] = f"Din kodning blev ikke gemt: {exc}"
    except StoreError as exc:
        st.session_state[CONFLICT_KEY] = f"Kodningen kunne ikke gemmes: {exc}"
    else:
        st.session_state[SAVED_KEY] = key


def show_conflict() -> None:
    message = st.session_state.pop(CONFLICT_KEY, None)
    if message:
        st.warning(ui.escape_markdown(message))
    saved = st.session_state.pop(SAVED_KEY, None)
    if saved:
        st.toast("Kodningen er gemt.")


def show_history(store: Store, key: str) -> None:
    """The answer's audit trail: every decision, who made it, when, and what it replaced."""
    entries = store.history(key)
    with st.expander(f"Historik ({len(entries)} beslutninger)"):
        st.dataframe(history_table(entries), hide_index=True, key="kod_history")


def history_table(entries) -> pd.DataFrame:
    return pd.DataFrame({
        "Version": [e.version for e in entries],
        "Tidspunkt (UTC)": [e.at[:19].replace("T", " ") for e in entries],
        "Kodet af": [e.coder for e in entries],
        "Kilde": [SOURCE_LABELS.get(e.source, e.source) for e in entries],
        "Dobbeltkodning": [getattr(e, "lane", "") for e in entries],
        "Temaer": [", ".join(e.themes) for e in entries],
        "Erstattede": [", ".join(e.previous) for e in entries],
        "Note": [e.note for e in entries],
    })
