"""Eksport: the coded answers as Excel and the report (Word, Excel, figures), personal data masked."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

import streamlit as st

from textmine import columns as C
from textmine import review, ui_app
from textmine.coding import coded_workbook
from textmine.redact import redact_table
from textmine.report import build_report
from textmine.safe import xlsx_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
REPORT_KEY = "eksport_report"

cur = ui_app.current()
st.title("Eksport")
final = review.final_coded(cur.state)
human = int(review.is_coded(cur.state).sum())
st.markdown(f"{len(final)} svar, heraf {human} kodet af en analytiker. Filerne bruger de endelige koder: "
            "analytikernes, hvor de findes, ellers modellens forslag. Personoplysninger er maskeret.")


@st.cache_data(show_spinner="Laver Excel-filen …", max_entries=4)
def coded_xlsx(slug: str, stamp: float, _final, decisions: int) -> bytes:
    # Downloads leave the app and reach other readers: personal data in answers is masked.
    return xlsx_bytes(coded_workbook(redact_table(_final, C.TEXT), cur.survey))


decisions = int(cur.state[C.VERSION].sum())   # changes with every decision, so the file is made anew
st.download_button("Hent kodede svar (Excel)", key="download_xlsx", mime=XLSX, file_name="kodede-svar.xlsx",
                   data=coded_xlsx(cur.project.slug, ui_app.mtime(cur.project.coded), final, decisions))

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
