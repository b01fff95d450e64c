"""The report stage: tables, statistics, figures, quotes, and the Excel and Word files.

``build_report`` reads an export against its survey definition, codes the open
answers (or reads a coded file), optionally folds back-coded "Andet" answers
into their options, and writes into ``out_dir``:

  tables.csv      tidy, one row per cell (table, question, option, group, n, base, pct, ...)
  notes.csv       the "Anm." notes of each table
  report.xlsx     a sheet per table, the tests, the quotes and the coded answers
  report.docx     a Danish report section with figures, tables, themes and quotes
  figures/*.png   the figures on their own

Cells with fewer than ``min_cell`` respondents are "<3" in every file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import columns as C
from . import prose
from . import tables as T
from .codebook import Codebook, load_codebook
from .coding import code_export
from .docx_report import write_docx
from .errors import InputError
from .figures import bar_chart, grouped_bar_chart
from .indicators import ask_if_note, indicator_notes
from .io import Export, read_export, read_table
from .quotes import QUOTE_COLUMNS, pick_quotes, small_group_respondents
from .report_xlsx import report_sheets
from .safe import write_csv, write_xlsx
from .stats import association_test, warning_text
from .survey import Survey, load_survey

TEST_COLUMNS = (T.TABLE, T.OPTION, "test", "statistic", "dof", "p", "n", "groups", "warning")
TESTED = frozenset({T.SINGLE, T.TOP_BOX, T.BOTTOM_BOX, T.MULTIPLE, T.MULTIPLE_COUNT, T.THEMES, T.INDICATOR})


@dataclass(frozen=True)
class FigureInfo:
    number: int
    question: int
    table: str
    path: Path
    caption: str


@dataclass
class ReportContent:
    """Everything the Word and Excel writers show; numbers are already suppressed."""

    survey: Survey
    export_name: str
    n_respondents: int
    specs: list[T.TableSpec]
    tables: pd.DataFrame
    tests: pd.DataFrame
    notes: dict[str, list[str]]
    quotes: pd.DataFrame
    figures: list[FigureInfo]
    codebooks: dict[str, Codebook]
    grouping: T.Grouping | None
    min_cell: int
    moved: pd.DataFrame
    folded: bool
    answers: pd.DataFrame = field(default_factory=pd.DataFrame)
    models: list[str] = field(default_factory=list)

    def table(self, table_id: str) -> pd.DataFrame:
        return self.tables[self.tables[T.TABLE] == table_id]

    def groups(self, table_id: str) -> list[str]:
        return prose.groups_shown(self.table(table_id), self.min_cell)


def build_report(export_path, survey_path, out_dir, coded=None, by=None, min_cell: int = 3,
                 fold_backcoded: bool = False, starred=()) -> dict:
    """Write tables.csv, report.xlsx, report.docx and figures/*.png for one survey.

    ``coded`` is a coded CSV/XLSX written by ``textmine code``, a DataFrame in
    that layout, or None to code the answers now with the shipped models.
    ``by`` is the question number to break tables down by (default: the
    survey's ``group_by``). ``starred`` holds (respondent_id, column) pairs to
    quote first. Returns a summary: counts, the paths written and the coded
    answers used (``coded``), so a caller need not code them again.

    Examples
    --------
    >>> build_report("eksport.csv", "sikkerhedskonsulent-2024.yaml", "rapport/")  # doctest: +SKIP
    """
    if min_cell < 1:
        raise InputError(f"--min-cell skal være mindst 1, ikke {min_cell}")
    survey = load_survey(survey_path)
    export = read_export(export_path, survey)
    answers = load_coded(coded, export)
    codebooks = {f.column: load_codebook(f.codebook) for f in survey.text_fields if f.codebook}
    grouping = T.grouping_for(survey, by if by is not None else survey.group_by)

    respondents = export.respondents
    moved = T.backcode_moves(respondents, answers, survey, codebooks)
    if fold_backcoded:
        respondents = T.fold_backcodes(respondents, moved, survey, codebooks, answers)

    specs = T.table_specs(survey, codebooks)
    raw = T.build_tables(specs, survey, respondents, answers, codebooks, grouping)
    shown = T.suppress(raw, min_cell)
    tests = _tests(raw, specs, min_cell)
    out = Path(out_dir)
    content = ReportContent(
        survey=survey, export_name=Path(export_path).name, n_respondents=len(respondents), specs=specs,
        tables=shown, tests=tests, notes={}, quotes=pd.DataFrame(columns=list(QUOTE_COLUMNS)), figures=[],
        codebooks=codebooks, grouping=grouping, min_cell=min_cell, moved=moved, folded=fold_backcoded,
        answers=answers, models=sorted(set(answers[C.MODEL].dropna().astype(str))) if C.MODEL in answers else [],
    )
    content.notes = {s.id: _notes(s, content, raw) for s in specs}
    content.quotes = _quotes(content, respondents, starred)
    content.figures = _figures(content, out / "figures")

    write_csv(shown[list(T.COLUMNS)], out / "tables.csv")
    write_csv(pd.DataFrame([(t, n) for t, ns in content.notes.items() for n in ns], columns=[T.TABLE, "note"]),
              out / "notes.csv")
    write_xlsx(report_sheets(content, respondents), out / "report.xlsx")
    write_docx(content, out / "report.docx")
    suppressed = int(T.is_suppressed(shown[T.N]).sum())
    return {
        "respondents": len(respondents), "tables": len(specs), "cells": len(shown), "suppressed": suppressed,
        "moved": len(moved) if fold_backcoded else 0, "backcodable": len(moved), "quotes": len(content.quotes),
        "figures": [f.path for f in content.figures], "tables_csv": out / "tables.csv",
        "xlsx": out / "report.xlsx", "docx": out / "report.docx", "coded": answers,
    }


def load_coded(coded, export: Export) -> pd.DataFrame:
    """The coded answers, checked against the export; codes them now when ``coded`` is None."""
    if coded is None:
        return code_export(export)
    required = (C.RESPONDENT_ID, C.QUESTION, C.COLUMN, C.TEXT, C.THEMES)
    if isinstance(coded, pd.DataFrame):
        df, where = coded.copy(), "de kodede svar"
        missing = [c for c in required if c not in df.columns]
        if missing:
            raise InputError(f"{where}: kolonnen '{missing[0]}' mangler. Kolonner fundet: {list(df.columns)}")
    else:
        df, where = read_table(coded, required=required), f"'{coded}'"
    known = {f.column for f in export.survey.text_fields}
    unknown = sorted(set(df[C.COLUMN]) - known)
    if unknown:
        raise InputError(f"{where}: kolonnen '{C.COLUMN}' nævner {unknown}, som ikke er tekstfelter i "
                         f"'{export.survey.path.name}'; tekstfelter: {sorted(known)}")
    df[C.RESPONDENT_ID] = df[C.RESPONDENT_ID].astype(str)
    strangers = sorted(set(df[C.RESPONDENT_ID]) - set(export.respondents[C.RESPONDENT_ID].astype(str)))
    if strangers:
        raise InputError(f"{where}: respondent {strangers[0]} findes ikke i eksporten '{export.path.name}' "
                         f"({len(strangers)} i alt); er de kodede svar fra en anden eksport?")
    df[C.QUESTION] = pd.to_numeric(df[C.QUESTION]).astype(int)
    df[C.THEMES] = df[C.THEMES].fillna("").astype(str)
    df[C.TEXT] = df[C.TEXT].fillna("").astype(str)
    if C.NEEDS_REVIEW in df:
        df[C.NEEDS_REVIEW] = df[C.NEEDS_REVIEW].map(lambda v: str(v).strip().lower() in ("true", "1", "ja"))
    for col in [c for c in df.columns if c.startswith(C.P_PREFIX)]:
        df[col] = pd.to_numeric(df[col], errors="coerce")
    return df


def _tests(raw: pd.DataFrame, specs, min_cell: int) -> pd.DataFrame:
    rows = []
    for spec in specs:
        if spec.kind not in TESTED:
            continue
        table = raw[(raw[T.TABLE] == spec.id) & (raw[T.GROUP] != T.WHOLE)]
        if table.empty:
            continue
        bases = table.groupby(T.GROUP, sort=False)[T.BASE].first().to_dict()
        tested = {g: b for g, b in bases.items() if b >= min_cell}
        left_out = {g: b for g, b in bases.items() if b < min_cell}
        part = table[table[T.GROUP].isin(tested)]
        if spec.kind == T.SINGLE:
            crosstab = part.pivot(index=T.OPTION, columns=T.GROUP, values=T.N).fillna(0)
            rows.append(_test_row(spec.id, "", crosstab.to_numpy(), tested, left_out, min_cell))
            continue
        for option, cells in part.groupby(T.OPTION, sort=False):
            if cells[T.N].sum() == 0:
                continue
            crosstab = [cells[T.N].to_numpy(), (cells[T.BASE] - cells[T.N]).to_numpy()]
            rows.append(_test_row(spec.id, option, crosstab, tested, left_out, min_cell))
    return pd.DataFrame(rows, columns=list(TEST_COLUMNS))


def _test_row(table_id, option, crosstab, tested, left_out, min_cell) -> dict:
    result = association_test(crosstab)
    return {T.TABLE: table_id, T.OPTION: option, "test": result.name if result else "",
            "statistic": result.statistic if result else None, "dof": result.dof if result else None,
            "p": result.pvalue if result else None, "n": result.n if result else None,
            "groups": ", ".join(tested), "warning": warning_text(result, tested, left_out, min_cell)}


def _notes(spec: T.TableSpec, content: ReportContent, raw: pd.DataFrame) -> list[str]:
    """The 'Anm.' lines of one table."""
    q = content.survey.question(spec.question)
    whole = raw[(raw[T.TABLE] == spec.id) & (raw[T.GROUP] == T.WHOLE)]
    base = int(whole[T.BASE].iat[0]) if len(whole) else 0
    n_all = content.n_respondents
    if spec.kind == T.INDICATOR:
        return indicator_notes(spec.indicator, base) + _suppressed_note(spec, content)
    notes = [ask_if_note(q)] if q.ask_if and spec.kind != T.THEMES_ALL else []
    if spec.kind in (T.SINGLE, T.MULTIPLE, T.MULTIPLE_COUNT):
        missing = f" {n_all - base} har ikke besvaret det." if base < n_all else ""
        notes.append(f"Basen er de {base} respondenter, der har besvaret spørgsmålet.{missing}")
    if spec.kind == T.MULTIPLE:
        notes.append("Der kan sættes flere krydser, så andelene summerer ikke til 100 pct.")
    if spec.kind in (T.SCALE, T.TOP_BOX, T.BOTTOM_BOX):
        na = raw[(raw[T.TABLE] == f"q{q.number}") & (raw[T.GROUP] == T.WHOLE) & raw[T.OPTION].isin(q.not_applicable)]
        for label, k in zip(na[T.OPTION], na[T.N]):
            if k >= content.min_cell:
                notes.append(f"Andelene omfatter ikke de {k} respondenter, der har svaret {prose.q_da(label)}, "
                             f"hvorfor n={base}.")
            elif k:
                notes.append(f"Andelene omfatter ikke respondenter, der har svaret {prose.q_da(label)} "
                             f"(færre end {content.min_cell}), hvorfor n={base}.")
        if not (len(na) and na[T.N].sum()):
            notes.append(f"Basen er de {base} respondenter, der har besvaret spørgsmålet.")
    if spec.kind in (T.THEMES, T.THEMES_ALL):
        cb = content.codebooks[spec.field.column]
        if spec.kind == T.THEMES:
            notes.append(f"Basen er de {base} respondenter, der har skrevet et svar.")
        else:
            notes.append(f"Basen er alle {base} respondenter.")
        if cb.multi_label:
            notes.append("Et svar kan have flere temaer, så andelene summerer ikke til 100 pct.")
        part = content.answers[content.answers[C.COLUMN] == spec.field.column]
        if C.NEEDS_REVIEW in part and part[C.NEEDS_REVIEW].sum():
            notes.append(f"Svarene er kodet maskinelt; {int(part[C.NEEDS_REVIEW].sum())} af {len(part)} svar er "
                         "kodet med lav sikkerhed og bør gennemses.")
    if q.other and spec.kind in (T.SINGLE, T.MULTIPLE, T.MULTIPLE_COUNT):
        k = len(content.moved[content.moved[T.QUESTION] == q.number].drop_duplicates(C.RESPONDENT_ID))
        if k and content.folded:
            notes.append(f"{k} {prose.q_da(q.other.option)}-svar er ud fra teksten flyttet til den svarmulighed, "
                         f"{'det' if k == 1 else 'de'} hører under (tilbagekodning).")
        elif k:
            notes.append(f"{k} {prose.q_da(q.other.option)}-svar hører ud fra teksten under en af de faste "
                         f"svarmuligheder, men tælles her under {prose.q_da(q.other.option)}.")
    return notes + _suppressed_note(spec, content)


def _suppressed_note(spec: T.TableSpec, content: ReportContent) -> list[str]:
    if not T.is_suppressed(content.table(spec.id)[T.N]).any():
        return []
    return [f"Celler med færre end {content.min_cell} respondenter vises som "
            f"'{T.suppressed_label(content.min_cell)}' af hensyn til anonymiteten."]


def _quotes(content: ReportContent, respondents: pd.DataFrame, starred) -> pd.DataFrame:
    survey, grouping = content.survey, content.grouping
    org = survey.question(survey.group_by) if survey.group_by is not None else None
    columns = [c for c in {org.column if org else None, grouping.column if grouping else None} if c]
    exclude = small_group_respondents(respondents, columns, content.min_cell)
    label_col = org.column if org else (grouping.column if grouping else None)
    group_of = dict(zip(respondents[C.RESPONDENT_ID].astype(str),
                        respondents[label_col].fillna(""))) if label_col else {}
    frames, used = [], set()
    for f in survey.text_fields:
        if f.column not in content.codebooks:
            continue
        for theme in content.codebooks[f.column].themes:
            if theme.exclusive:
                continue   # "Ingen kommentar" has nothing to quote
            picked = pick_quotes(content.answers, f.column, theme.id, starred=starred, exclude=exclude,
                                 used=used, group_of=group_of)
            used |= set(picked[C.RESPONDENT_ID])
            frames.append(picked)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(QUOTE_COLUMNS))


def _figures(content: ReportContent, folder: Path) -> list[FigureInfo]:
    """One figure per question (whole sample, or by group where groups exist), numbered in order."""
    figures = []
    for q in content.survey.questions:
        for spec in [s for s in content.specs if s.question == q.number and s.kind in (
                T.SINGLE, T.MULTIPLE, T.SCALE, T.THEMES)]:
            table = content.table(spec.id)
            if spec.kind == T.SCALE:
                table = table[table[T.OPTION].isin(q.labels)]
            if spec.kind == T.THEMES:   # themes nobody mentioned say nothing in a figure
                found = table[(table[T.GROUP] == T.WHOLE) & (table[T.N].astype(str) != "0")][T.OPTION]
                table = table[table[T.OPTION].isin(found)]
            whole = table[table[T.GROUP] == T.WHOLE]
            base = int(whole[T.BASE].iat[0]) if len(whole) else 0
            if base < content.min_cell or T.is_suppressed(whole[T.N]).all():
                continue   # a figure of nothing but "<3"
            number = len(figures) + 1
            path = folder / f"figur-{number:02d}-{spec.id}.png"
            groups = content.groups(spec.id) if spec.kind in (T.SINGLE, T.MULTIPLE) else []
            title = spec.title
            if groups:
                grouped_bar_chart(table, groups, path)
                title = f"{title.rstrip('?')} fordelt på {content.grouping.short.lower()}"
            else:
                bar_chart(table, path)
            figures.append(FigureInfo(number, q.number, spec.id, path, prose.caption(number, title, base)))
    return figures
