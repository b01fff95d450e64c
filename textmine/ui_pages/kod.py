"""Kod: one answer at a time with the respondent's closed answers; accept, correct or skip.

The keyboard path: Tab to the themes (type to filter, Enter to pick, Backspace to drop),
Ctrl+Enter saves and shows the next answer, Alt+S skips it.
"""

from __future__ import annotations

import streamlit as st

from textmine import columns as C
from textmine import review, ui, ui_app, ui_code

cur = ui_app.current()
survey, state = cur.survey, cur.state
st.title("Kod svarene")

columns = cur.coded_columns()
if not columns:
    st.info("Undersøgelsen har ingen åbne spørgsmål med en koderamme.")
    st.stop()

with st.sidebar:
    column = ui_app.question_picker(cur, "kod_question")
    assigned = cur.store.assigned(cur.coder, cur.project.slug) if cur.coder else []
    blind = st.toggle("Kod min stikprøve (dobbeltkodning)", key="kod_blind", disabled=not assigned,
                      help="Svar, som en ledende analytiker har udtrukket til dig. Du ser ikke modellens eller "
                           "kollegernes koder, og din kodning gemmes for sig, så den kan sammenlignes.")
    in_order = st.radio("Rækkefølge", ["Mest nyttige først", "I rækkefølge"], key="kod_order",
                        help="'Mest nyttige først' viser de svar, modellen er mest usikker på eller har få "
                             "eksempler på, så den lærer mest af din kodning.") == "I rækkefølge"
    goto = st.text_input("Gå til respondent", key="kod_goto", placeholder="fx 2017",
                         help="Vis et bestemt svar, også et der allerede er kodet, fx for at rette det.").strip()
    reveal = st.toggle("Vis personoplysninger", key="kod_reveal",
                       help="Navne, telefonnumre, e-mails og CPR-numre er skjult, til du slår dette til.")

codebook = cur.codebook(column)
answers = cur.answers(column)
lane = cur.coder if blind and assigned else ""
if lane:
    lane_state = review.review_state(answers, cur.store.current_frame(cur.project.slug, lane=lane))
    order = [k for k in assigned if k in set(answers[C.KEY])]
    done = lane_state[lane_state[C.VERSION] > 0]
    shown_state = lane_state
    st.progress(len(done) / max(len(order), 1), text=f"Din stikprøve: {len(done)} af {len(order)} kodet")
else:
    stamp = ui_app.mtime(cur.project.coded)
    order = answers[C.KEY].tolist() if in_order else ui_app.queue(cur.project, stamp, column, codebook)
    if order is None:
        order = cur.once(("quick_order", column), lambda: review.quick_order(answers))
        st.caption("Rækkefølgen efter, hvad der lærer modellen mest, beregnes stadig; indtil da kommer de svar "
                   "først, som modellen er mest i tvivl om.")
    shown_state = answers
    for col, row in cur.once(("progress",), lambda: review.progress(state)).iterrows():
        label = ui.field_label(survey, col)
        st.progress(row["coded"] / max(row["total"], 1), text=f"{label}: {row['coded']} af {row['total']} kodet")

ui_code.show_conflict()
skipped = st.session_state.setdefault("kod_skipped", {})
if lane:
    key = next((k for k in order if k not in set(done[C.KEY]) and k not in skipped.get(column, ())), None)
else:
    key = review.next_key(order, shown_state, skipped.get(column, ()))
if goto:
    wanted = f"{cur.project.slug}:{goto}:{column}"
    if wanted in set(shown_state[C.KEY]) and (not lane or wanted in order):
        key = wanted
    else:
        st.warning(f"Respondent {ui.escape_markdown(goto)} har ikke et svar på dette spørgsmål"
                   f"{' i din stikprøve' if lane else ''}.")
        st.stop()
if key is None:
    st.success("Alle svar til dette spørgsmål er kodet. Vælg et andet spørgsmål, eller se dem på siden Læs.")
    if skipped.get(column):
        st.button("Vis de oversprungne svar igen", key="kod_unskip",
                  on_click=lambda: skipped.pop(column, None))
    st.stop()

row = shown_state[shown_state[C.KEY] == key].iloc[0]
text = ui_app.masked_texts(cur.project, ui_app.mtime(cur.project.coded))[key]
if reveal:
    text = ui_app.raw_texts(cur.project, ui_app.mtime(cur.project.export)).get(key, text)
ui_code.show_answer(row, survey, codebook, text, blind=bool(lane))
ui_code.decision_form(cur, row, codebook, column, lane=lane, skipped=skipped)
ui_code.show_history(cur.store, key)
