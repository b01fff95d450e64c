"""Data: the chosen survey's export checked against its definition, and new surveys uploaded."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from textmine import projects, review, ui, ui_app
from textmine.coding import code_survey
from textmine.errors import TextmineError

cur = ui_app.current()
project = cur.project
st.title("Data")

st.subheader(project.title)
if project.export is None:
    st.markdown(f"Kodet fil: `{ui.escape_markdown(project.coded.name)}` (åbnet uden eksport).")
else:
    export = ui_app.export_check(project, ui_app.mtime(project.export), ui_app.mtime(project.coded))
    st.caption(f"Eksport: {project.export.name} · Spørgeskema: {cur.survey.title}")
    a, b, c, d = st.columns(4)
    a.metric("Rækker læst", export.n_read)
    b.metric("Respondenter", export.n_kept)
    c.metric("Afviste rækker", export.n_rejected)
    d.metric("Åbne svar", len(cur.state))
    if len(export.problems):
        st.warning(f"{len(export.problems)} problemer i eksporten. Rækkerne er holdt uden for; ret dem i "
                   "spørgeskemaværktøjet og upload eksporten igen.")
        # Values come from the file: shown as table cells, never as markdown.
        problems = export.problems
        st.dataframe(pd.DataFrame({"Række": problems["row"].to_numpy(), "Kolonne": problems["column"].to_numpy(),
                                   "Værdi": problems["value"].astype(str).to_numpy(),
                                   "Problem": problems["message"].to_numpy()}),
                     hide_index=True, key="data_problems")
    else:
        st.success("Eksporten passer til spørgeskemaet: ingen problemer.")

st.subheader("Ny undersøgelse")
bundled = projects.survey_choices(ui_app.ROOT)
# Next year's export most often fits the definition of the survey open now.
same = next((i + 1 for i, p in enumerate(bundled) if p.resolve() == project.survey.resolve()), 0)
with st.form("data_new", clear_on_submit=False):
    title = st.text_input("Navn", key="data_title", placeholder="fx Sikkerhedskonsulentordningen 2025")
    upload = st.file_uploader("Eksport fra spørgeskemaværktøjet (CSV eller XLSX)", type=["csv", "txt", "xlsx", "xlsm"],
                              key="data_export")
    choice = st.selectbox("Spørgeskemadefinition", [None, *bundled], key="data_survey", index=same,
                          format_func=lambda p: "Upload min egen …" if p is None else p.stem)
    own = st.file_uploader("Egen spørgeskemadefinition med koderammer (YAML)", type=["yaml", "yml"],
                           accept_multiple_files=True, key="data_own_survey",
                           help="Bruges, når 'Upload min egen …' er valgt: definitionen og de koderammer, den nævner.")
    create = st.form_submit_button("Indlæs og kod", type="primary")

if create:
    if upload is None:
        st.warning("Vælg eksportfilen først.")
        st.stop()
    try:
        with st.spinner("Læser eksporten og koder de åbne svar …"), ui_app.NLP_LOCK:
            files = {f.name: f.getvalue() for f in own} if choice is None else None
            made, export = projects.create_project(ui_app.ROOT, title, upload.name, upload.getvalue(),
                                                   survey_path=choice, survey_files=files)
            code_survey(made.export, made.survey, made.coded_dir, on_error="reject", cache=ui_app.user_cache())
            coded = review.with_keys(ui.load_coded(made.coded, ui_app.get_survey(str(made.survey), ui_app.mtime(made.survey))), made.slug)
            review.seed_suggestions(ui_app.get_store(made.store), coded)
    except TextmineError as exc:
        st.error(f"Eksporten kunne ikke indlæses: {ui.escape_markdown(exc)}")
        st.stop()
    st.session_state["data_created"] = (made.slug, export.n_read, export.n_kept, len(export.rejected_rows))
    st.session_state[ui_app.NEXT_PROJECT_KEY] = made.slug
    st.rerun()

created = st.session_state.pop("data_created", None)
if created:
    slug, n_read, n_kept, n_rejected = created
    st.success(f"Undersøgelsen er oprettet og kodet: {n_read} rækker læst, {n_kept} respondenter, "
               f"{n_rejected} afvist. Den er valgt i sidepanelet.")
