"""Eksport: the coded answers as Excel and the report (Word, Excel, figures), personal data masked."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from textmine import review, ui_app
from textmine.report import build_report

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REPORT_KEY = "eksport_report"

cur = ui_app.current()
st.title("Eksport")
final = review.final_coded(cur.state)
human = int(review.is_coded(cur.state).sum())
st.markdown(f"{len(final)} svar, heraf {human} kodet af en analytiker. Filerne bruger de endelige koder: "
            "analytikernes, hvor de findes, ellers modellens forslag. Personoplysninger er maskeret.")

masked = ui_app.masked_texts(cur.project, ui_app.mtime(cur.project.coded))
# The workbook is built when the analyst clicks (on its own thread), never on a rerun: with
# 100,000 answers writing it takes longer than a page may.
st.download_button("Hent kodede svar (Excel)", key="download_xlsx", mime=XLSX, file_name="kodede-svar.xlsx",
                   data=lambda state=cur.state, survey=cur.survey: review.coded_download(state, survey, masked))

st.subheader("Rapport")
starred = cur.store.starred(cur.project.slug)
st.caption(f"Tabeller og figurer som i SIRI's rapporter, med {len(starred)} stjernemarkerede citater først. "
           "Celler med under 3 svar vises som '<3'.")
if cur.project.export is None:
    st.info("Denne undersøgelse er åbnet fra en kodet fil uden eksport; opret den på siden Data for at lave rapporten.")
elif st.button("Lav rapport", type="primary", key="eksport_report_go"):
    with st.spinner("Laver rapporten …"), tempfile.TemporaryDirectory() as tmp:
        summary = build_report(cur.project.export, cur.project.survey, tmp, coded=final,
                               starred=review.starred_pairs(cur.state, starred))
        docx = Path(summary["docx"]).read_bytes()
        xlsx = Path(summary["xlsx"]).read_bytes()
        figures = io.BytesIO()
        with zipfile.ZipFile(figures, "w") as z:
            for path in summary["figures"]:
                z.write(path, Path(path).name)
        st.session_state[REPORT_KEY] = (cur.project.slug, docx, xlsx, figures.getvalue(), summary["tables"])

made = st.session_state.get(REPORT_KEY)
if made and made[0] == cur.project.slug:
    _, docx, xlsx, figures, n_tables = made
    st.success(f"Rapporten er klar: {n_tables} tabeller.")
    st.download_button("Hent rapporten (Word)", data=docx, file_name="rapport.docx", mime=DOCX, key="download_docx")
    st.download_button("Hent tabellerne (Excel)", data=xlsx, file_name="rapport.xlsx", mime=XLSX,
                       key="download_report_xlsx")
    st.download_button("Hent figurerne (zip)", data=figures, file_name="figurer.zip", mime="application/zip",
                       key="download_figures")
