"""Læs: the comments theme by theme, filtered by closed answers, sentiment and words; quotes starred."""

from __future__ import annotations

import streamlit as st

from textmine import columns as C
from textmine import ui, ui_app
from textmine.sentiment import SENTIMENT

cur = ui_app.current()
survey, state = cur.survey, cur.state

st.title("Kodede åbne svar")
st.caption(f"{cur.project.title} · {survey.title}")

with st.sidebar:
    fields = [f.column for f in survey.text_fields]
    column = st.selectbox("Åbent spørgsmål", fields, index=ui.default_field(survey),
                          format_func=lambda c: ui.field_label(survey, c), key="question")
    codebook = cur.codebook(column)
    answers = cur.answers(column)
    # One key per question: each question has its own code frame, so its own theme choice.
    themes = st.multiselect("Temaer", ui.theme_options(answers, codebook, C.FINAL),
                            format_func=lambda t: ui.theme_label(codebook, t), key=f"filter_themes_{column}",
                            placeholder="Alle temaer")
    moods = st.multiselect("Stemning", ui.SENTIMENTS, key="filter_sentiment", placeholder="Alle") \
        if SENTIMENT in state.columns else []
    query = st.text_input("Søg efter ord", key="search", placeholder="fx lovgivning",
                          help="Finder også bøjninger og sammensatte ord: 'lovgivning' finder 'lovgivningen' "
                               "og 'udlandslovgivning'.")
    st.subheader("Lukkede svar")
    closed = {}
    for col, label in survey.column_labels().items():
        if col in state.columns:
            closed[col] = st.multiselect(label, cur.closed_options(col),
                                         format_func=lambda v, c=col: ui.answer_text(survey, c, v),
                                         key=f"filter_{col}", placeholder="Alle")

stamp = ui_app.mtime(cur.project.coded)
shown = ui.filter_answers(answers, themes=themes, closed=closed, sentiment=moods, theme_column=C.FINAL)
index = ui_app.lemma_index(cur.project, stamp)     # started now, so it is ready by the first search
forms = ui_app.query_forms(query) if query.strip() else []
if query.strip() and index is not None and forms is not None:
    shown = ui.search(shown, forms, index)
elif query.strip():
    shown = ui.search_text(shown, forms or ui_app.typed_forms(query), ui_app.masked_texts(cur.project, stamp))
    st.caption("Søgningen i bøjede former forberedes stadig; indtil da findes ordet som en del af et ord.")
starred = cur.store.starred(cur.project.slug)

st.subheader(ui.field_label(survey, column))
st.markdown(ui.summary_line(shown, len(answers)))
if answers.empty:
    st.info("Ingen har svaret på dette spørgsmål.")

counts = ui.theme_counts(shown, C.FINAL)
view = st.selectbox("Vis tema", ["", *ui.theme_options(answers, codebook, C.FINAL)], key=f"view_{column}",
                    format_func=lambda t: ui.theme_count_label(shown, codebook, t, C.FINAL, counts))
listed = ui.filter_answers(shown, themes=[view] if view else (), theme_column=C.FINAL)
pages = ui.page_count(len(listed))
if pages > 1:
    if st.session_state.get(f"page_{column}", 1) > pages:   # the filters left fewer pages than the one shown
        st.session_state[f"page_{column}"] = pages
    number = st.number_input(f"Side (af {pages})", min_value=1, max_value=pages, step=1, key=f"page_{column}",
                             help=f"{ui.PAGE_SIZE} svar pr. side.")
    st.caption(f"Svar {(number - 1) * ui.PAGE_SIZE + 1}–{min(number * ui.PAGE_SIZE, len(listed))} af {len(listed)}")
    listed = ui.page_of(listed, number)
rows = ui.comment_rows(listed, survey, codebook, masked=ui_app.masked_texts(cur.project, stamp),
                       starred=starred, theme_column=C.FINAL)
# Respondents' text reaches the screen only as dataframe cells, which are never rendered as markdown or HTML.
st.dataframe(
    rows, key="comments", hide_index=True,
    column_config={
        ui.SVAR: st.column_config.TextColumn(ui.SVAR, width="large"),
        ui.SIKKERHED: st.column_config.NumberColumn(
            ui.SIKKERHED, format="%.0f %%", help="Modellens sandsynlighed for det mest sikre af svarets temaer"),
        ui.GENNEMSYN: st.column_config.CheckboxColumn(
            ui.GENNEMSYN, help="Modellen er usikker, og ingen har kodet svaret endnu"),
        ui.CITAT: st.column_config.CheckboxColumn(ui.CITAT, help="Stjernemarkeret som citat til rapporten"),
    },
)

if len(listed):
    with st.form("star_form", border=False):
        choices = listed[C.KEY].tolist()
        labels = dict(zip(choices, ui.short_labels(listed)))
        key = st.selectbox("Citat til rapporten", choices, format_func=labels.get, key="star_choice")
        star = st.form_submit_button("★ Stjernemarkér / fjern stjerne", shortcut="Alt+Q")
    if star:
        if not cur.coder:
            st.warning("Skriv dit navn i sidepanelet, før du markerer citater.")
        else:
            on = key not in starred
            cur.store.star(key, on, coder=cur.coder)
            st.toast("Citatet er stjernemarkeret." if on else "Stjernen er fjernet.")
            st.rerun()

if survey.group_by is not None and len(shown):
    by = survey.question(survey.group_by)
    st.subheader(f"Temaer fordelt på {by.short.lower()}")
    st.caption("Antal af de viste svar med hvert tema. Et svar med flere temaer tælles under hvert af dem.")
    counts = ui.theme_counts_by(shown, codebook, by.column, by.labels, theme_column=C.FINAL)
    st.dataframe(counts, key="theme_counts")
    # In code-frame order like the table; with horizontal bars the count is on the y parameter's axis.
    st.bar_chart(counts.drop(index=ui.ANTAL_SVAR, columns=ui.I_ALT), horizontal=True, stack=True, sort=False,
                 x_label="", y_label="Antal svar")
