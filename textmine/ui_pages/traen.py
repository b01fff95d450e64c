"""Træn model: retrain from the human-coded answers, compare before and after, suggest anew."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from textmine import review, ui, ui_app
from textmine import columns as C

RESULT_KEY = "traen_result"
FIGURES = {"macro_f1": "Makro-F1", "exact_match": "Helt rigtige temasæt", "needs_review_share": "Markeret til gennemsyn",
           "exact_match_unflagged": "Helt rigtige blandt de ikke-markerede", "n": "Svar"}

cur = ui_app.current()
survey, state = cur.survey, cur.state
st.title("Træn modellen igen")
st.caption("Modellen lærer af de svar, I har kodet (og af de eksempler, textmine leverer med koderammen). "
           "Bagefter får alle svar, som ingen har kodet, nye forslag; jeres egne koder røres ikke.")

columns = cur.coded_columns()
if not columns:
    st.info("Undersøgelsen har ingen åbne spørgsmål med en koderamme.")
    st.stop()
column = ui_app.question_picker(cur, "traen_question")
codebook = cur.codebook(column)
texts, _ = review.training_set(state, column)
st.metric("Kodede svar", len(texts))

if cur.project.export is None:
    st.info("Denne undersøgelse er åbnet fra en kodet fil uden eksport; opret den på siden Data for at træne.")
elif st.button("Træn modellen igen", type="primary", key="traen_go", disabled=len(texts) < 10,
               help="Kræver mindst 10 kodede svar."):
    with st.spinner("Træner og koder svarene igen …"), ui_app.NLP_LOCK:
        try:
            result = review.retrain(cur.project, column, codebook, state, cur.store)
        except ValueError as exc:
            st.warning(str(exc))
        else:
            st.session_state[RESULT_KEY] = (column, result)
            st.rerun()

done = st.session_state.get(RESULT_KEY)
if done and done[0] == column:
    result = done[1]
    st.success(f"Modellen er trænet på {result.n} kodede svar og gemt. {result.resuggested} svar fik nye forslag.")
    table = pd.DataFrame({"Før (den hidtidige model)": pd.Series(result.before),
                          "Efter (krydsvalideret)": pd.Series(result.after)}).reindex(list(FIGURES))
    table.index = [FIGURES[i] for i in table.index]
    st.dataframe(table, key="traen_figures")
    st.caption("'Før' er den hidtidige models forslag på de kodede svar. 'Efter' er den nye model, målt med "
               "5-fold krydsvalidering, så den aldrig vurderes på svar, den har lært af.")

evaluation = review.human_evaluation(state, codebook, column)
if evaluation is not None:
    st.subheader("Modellens forslag mod jeres koder indtil nu")
    per_theme = evaluation.per_theme().assign(theme=lambda d: [ui.theme_label(codebook, t) for t in d["theme"]])
    st.dataframe(per_theme.rename(columns={"theme": "Tema", "precision": "Præcision", "recall": "Genfinding",
                                           "f1": "F1", "support": "Antal", "kappa": "Kappa"}),
                 hide_index=True, key="traen_per_theme")
    coded = state[(state[C.COLUMN] == column) & review.is_coded(state)]
    st.caption(f"{len(coded)} kodede svar; {evaluation.summary()['exact_match']:.0%} havde modellens forslag helt rigtigt.")
