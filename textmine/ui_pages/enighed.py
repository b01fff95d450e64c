"""Enighed: double-code a sample, see kappa and alpha between coders and the model, adjudicate."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from textmine import agreement, ui, ui_app
from textmine import columns as C
from textmine.errors import ConflictError

cur = ui_app.current()
survey, state = cur.survey, cur.state
st.title("Enighed mellem kodere")

columns = cur.coded_columns()
if not columns:
    st.info("Undersøgelsen har ingen åbne spørgsmål med en koderamme.")
    st.stop()
column = ui_app.question_picker(cur, "enighed_question")
codebook = cur.codebook(column)
answers = cur.answers(column)

with st.expander("Udtræk en stikprøve til dobbeltkodning", expanded=not cur.store.assignees(cur.project.slug)):
    with st.form("enighed_assign", border=False):
        second = st.text_input("Anden koder", key="enighed_second", placeholder="fx Ali Hassan")
        size = st.number_input("Antal svar", min_value=1, max_value=max(len(answers), 1), key="enighed_size",
                               value=min(20, max(len(answers), 1)))
        assign = st.form_submit_button("Udtræk stikprøve")
    if assign:
        name = " ".join(second.split())
        if not name or not cur.coder:
            st.warning("Skriv både dit eget navn (i sidepanelet) og den anden koders navn.")
        else:
            taken = set(cur.store.assigned(name, cur.project.slug))
            free = answers.loc[~answers[C.KEY].isin(taken), C.KEY].to_numpy()
            rng = np.random.default_rng(len(taken))     # reproducible sample, new answers for a second draw
            picked = rng.choice(free, size=min(int(size), len(free)), replace=False).tolist() if len(free) else []
            n = cur.store.assign(picked, name, by=cur.coder)
            st.success(f"{n} svar er udtrukket til {name}. {name} vælger 'Kod min stikprøve' på siden Kod.")

judgements = cur.store.judgements(cur.project.slug)
keys = cur.once(("keys", column), lambda: frozenset(answers[C.KEY]))
judgements = judgements[judgements[C.KEY].map(keys.__contains__).astype(bool) & (judgements[C.SOURCE] != "adjudicated")]
found = sorted(set(judgements[C.CODER]) - {"model"})
coders = st.multiselect("Kodere", found + ["model"], default=found + (["model"] if found else []),
                        key="enighed_coders", placeholder="Vælg kodere")
pairs, per_theme = agreement.pairwise(judgements, codebook.ids, coders)
if pairs.empty:
    st.info("Ingen svar er kodet af mindst to af de valgte kodere endnu.")
    st.stop()

st.subheader("Enighed for hvert par")
st.caption("Krippendorffs alfa (nominal) sammenligner hele sættet af temaer; kappa er Cohens kappa for hvert "
           "tema (givet eller ej), her som gennemsnit over de temaer, hvor den kan beregnes.")
st.dataframe(pairs.rename(columns={"coder_a": "Koder A", "coder_b": "Koder B", "n": "Svar kodet af begge",
                                   "alpha": "Krippendorffs alfa", "kappa_mean": "Gns. kappa", "exact": "Helt ens"}),
             hide_index=True, key="enighed_pairs",
             column_config={"Helt ens": st.column_config.NumberColumn(format="percent")})
st.subheader("Cohens kappa for hvert tema")
st.dataframe(per_theme.rename(index=lambda t: ui.theme_label(codebook, t)).round(3), key="enighed_kappa")

humans = [c for c in coders if c != "model"]
disputed = agreement.disagreements(judgements, humans)
final = state.set_index(C.KEY)
open_keys = [k for k in disputed.index if final.at[k, C.SOURCE] != "adjudicated"]
st.subheader(f"Uenigheder ({len(open_keys)} uafgjorte af {len(disputed)})")
if not open_keys:
    st.stop()
masked = ui_app.masked_texts(cur.project, ui_app.mtime(cur.project.coded))
table = pd.DataFrame({"Respondent": [final.at[k, C.RESPONDENT_ID] for k in open_keys],
                      "Svar": masked.reindex(open_keys).to_numpy()})
for coder in humans:
    table[coder] = [", ".join(ui.theme_label(codebook, t) for t in C.split_themes(disputed.at[k, coder]))
                    if isinstance(disputed.at[k, coder], str) else "" for k in open_keys]
st.dataframe(table, hide_index=True, key="enighed_disputes")

with st.form("enighed_adjudicate"):
    key = st.selectbox("Afgør svar", open_keys, key="enighed_key",
                       format_func=dict(zip(open_keys, ui.short_labels(final.loc[open_keys].reset_index()))).get)
    themes = st.multiselect("Endelige temaer", list(codebook.ids), format_func=lambda t: ui.theme_label(codebook, t),
                            key="enighed_themes", placeholder="Ingen temaer passer")
    decide = st.form_submit_button("Afgør", type="primary")
if decide:
    if not cur.coder:
        st.warning("Skriv dit navn i sidepanelet, før du afgør.")
    else:
        try:
            cur.store.record(key, themes, coder=cur.coder, source="adjudicated",
                             expected_version=int(final.at[key, C.VERSION]), note="afgjort efter dobbeltkodning")
        except ConflictError as exc:
            st.warning(ui.escape_markdown(f"Afgørelsen blev ikke gemt: {exc}"))
        else:
            st.rerun()
