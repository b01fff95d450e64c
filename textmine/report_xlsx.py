"""The sheets of report.xlsx: an overview, a sheet per table, the tests, the quotes and the coded answers.

Headers are Danish for the analyst. Respondents' texts are masked, and in the
answers sheet a group smaller than the minimum cell size is shown as "<3".
``safe.write_xlsx`` types every string as text, so "=..." never becomes a formula.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from . import columns as C
from . import tables as T
from .redact import mask_text
from .tables import suppressed_label

if TYPE_CHECKING:
    from .report import ReportContent

TABLE_HEADERS = {
    T.QUESTION: "Spørgsmål", T.OPTION: "Svarmulighed", T.GROUP: "Gruppe", T.N: "Antal", T.BASE: "Base",
    T.PCT: "Pct.", T.CI_LOW: "95 pct.-KI fra", T.CI_HIGH: "95 pct.-KI til",
}
TEST_HEADERS = {
    T.TABLE: "Tabel", T.OPTION: "Svarmulighed/tema", "test": "Test", "statistic": "Teststørrelse",
    "dof": "Frihedsgrader", "p": "p-værdi", "n": "n", "groups": "Grupper i testen", "warning": "Advarsel",
}
WHOLE_LABEL = "I alt"


def report_sheets(content: ReportContent, respondents: pd.DataFrame) -> dict[str, pd.DataFrame]:
    sheets = {"Oversigt": _overview(content)}
    for spec in content.specs:
        sheets[spec.id] = table_sheet(content.table(spec.id), spec, content.notes.get(spec.id, []))
    sheets["Test"] = content.tests.rename(columns=TEST_HEADERS)
    sheets["Citater"] = _quotes(content)
    sheets["Svar"] = answers_sheet(content, respondents)
    return sheets


def table_sheet(table: pd.DataFrame, spec: T.TableSpec, notes: list[str]) -> pd.DataFrame:
    """The table's cells with Danish headers, then its title and 'Anm.' lines under it."""
    cells = table.drop(columns=[T.TABLE]).assign(
        **{T.GROUP: table[T.GROUP].replace({T.WHOLE: WHOLE_LABEL})}).astype(object)
    cells = cells.where(cells.notna(), None)
    if spec.kind in (T.THEMES, T.THEMES_ALL):
        headers = {**TABLE_HEADERS, T.OPTION: "Tema"}
    else:
        headers = TABLE_HEADERS
    tail = [{T.QUESTION: None}, {T.QUESTION: f"Tabel {spec.id}: {spec.title}"}]
    tail += [{T.QUESTION: f"Anm.: {n}"} for n in notes]
    return pd.concat([cells, pd.DataFrame(tail)], ignore_index=True).rename(columns=headers)


def _overview(content: ReportContent) -> pd.DataFrame:
    g = content.grouping
    rows = [
        ("Undersøgelse", content.survey.title),
        ("Eksport", content.export_name),
        ("Respondenter", content.n_respondents),
        ("Opdelt på", f"spørgsmål {g.question}: {g.short}" if g else "ingen opdeling"),
        ("Mindste viste celle", (f"{content.min_cell} respondenter; færre vises som "
                                f"'{suppressed_label(content.min_cell)}'")),
        ("Tilbagekodning", f"{len(content.moved)} 'Andet'-svar flyttet" if content.folded
         else f"ikke valgt ({len(content.moved)} 'Andet'-svar kunne flyttes)"),
        ("Kodet med", ", ".join(content.models) or "-"),
        ("", ""),
    ]
    rows += [(f"Ark {s.id}", s.title) for s in content.specs]
    return pd.DataFrame(rows, columns=["Punkt", "Værdi"])


def _quotes(content: ReportContent) -> pd.DataFrame:
    q = content.quotes
    label = {(col, t.id): t.label for col, cb in content.codebooks.items() for t in cb.themes}
    return pd.DataFrame({
        "Tekstfelt": q[C.COLUMN], "Tema": [label.get(k, k[1]) for k in zip(q[C.COLUMN], q["theme"])],
        "Gruppe": q["group"], "Stjernemarkeret": q["starred"].map({True: "ja", False: ""}),
        "Citat (maskeret)": q["quote"],
    })


def answers_sheet(content: ReportContent, respondents: pd.DataFrame) -> pd.DataFrame:
    """Every coded answer, masked, with the respondent's closed answers (small groups as "<3")."""
    survey, answers = content.survey, content.answers
    label = {(col, t.id): t.label for col, cb in content.codebooks.items() for t in cb.themes}
    closed = respondents.drop(columns=[C.ROW], errors="ignore").copy()
    group_cols = {survey.question(survey.group_by).column} if survey.group_by is not None else set()
    if content.grouping:
        group_cols.add(content.grouping.column)
    for col in group_cols:
        sizes = closed[col].map(closed[col].value_counts())
        closed[col] = closed[col].where(~(closed[col].notna() & (sizes < content.min_cell)),
                                        suppressed_label(content.min_cell))
    closed[C.RESPONDENT_ID] = closed[C.RESPONDENT_ID].astype(str)
    front = pd.DataFrame({
        C.RESPONDENT_ID: answers[C.RESPONDENT_ID].astype(str),
        "Spørgsmål": answers[C.QUESTION], "Tekstfelt": answers[C.COLUMN],
        "Svar (maskeret)": answers[C.TEXT].map(mask_text),
        "Temaer": [", ".join(label.get((col, t), t) for t in C.split_themes(ts))
                   for col, ts in zip(answers[C.COLUMN], answers[C.THEMES])],
        "Tema-id": answers[C.THEMES],
        "Hører under": answers.get(C.BACKCODE, ""),
        "Til gennemsyn": answers[C.NEEDS_REVIEW].map({True: "ja", False: ""}) if C.NEEDS_REVIEW in answers else "",
    })
    merged = front.merge(closed, on=C.RESPONDENT_ID, how="left")
    return merged.rename(columns={C.RESPONDENT_ID: "Respondent", **survey.column_labels()})
