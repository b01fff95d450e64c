"""Tidy percentage tables: one row per cell, as SIRI's notes print them.

Every table has the columns in ``COLUMNS``: table id, question number, option
(the answer's label as the questionnaire words it, or a theme's label), group
(its label; ``WHOLE`` ("") for all respondents), n, base, pct and a 95 pct.
Wilson interval. Percentages are whole numbers with halves rounded up.
Functions take DataFrames and return new ones; they never change their input.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from . import columns as C
from .codebook import Codebook
from .errors import SurveyDefinitionError
from .indicators import bottom_box_frames, bottom_box_label, indicator_frames
from .stats import wilson_interval
from .survey import Indicator, Question, Survey, TextField

TABLE, QUESTION, OPTION, GROUP, N, BASE, PCT = "table", "question", "option", "group", "n", "base", "pct"
CI_LOW, CI_HIGH = "ci_low", "ci_high"
COLUMNS = (TABLE, QUESTION, OPTION, GROUP, N, BASE, PCT, CI_LOW, CI_HIGH)
WHOLE = ""
MORE_THAN_ONE = "Mere end én svarmulighed"

# kinds of table; EXCLUSIVE ones have options that exclude each other
SINGLE, MULTIPLE, MULTIPLE_COUNT, SCALE, TOP_BOX, THEMES, THEMES_ALL = (
    "single", "multiple", "multiple_count", "scale", "top_box", "themes", "themes_all")
BOTTOM_BOX, INDICATOR = "bottom_box", "indicator"
EXCLUSIVE = frozenset({SINGLE, SCALE, TOP_BOX, BOTTOM_BOX, INDICATOR})


def percent(n: int, base: int) -> int | None:
    """Whole percent, halves rounded up, as the agency prints it (52 of 56 -> 93)."""
    return None if base <= 0 else (200 * int(n) + int(base)) // (2 * int(base))


def _whole(share: float) -> int:
    return math.floor(share * 100 + 0.5)


def suppressed_label(min_cell: int) -> str:
    return f"<{min_cell}"


@dataclass(frozen=True)
class Grouping:
    """The single-choice question whose answers split respondents into groups."""

    question: int
    column: str
    labels: tuple[str, ...]
    short: str


def grouping_for(survey: Survey, number: int | None) -> Grouping | None:
    """The grouping for question ``number`` (None: no groups)."""
    if number is None:
        return None
    q = survey.question(int(number))
    if q.kind not in ("single", "scale"):
        raise SurveyDefinitionError(
            f"{survey.path}: der kan kun opdeles på et spørgsmål med ét svar (single/scale); "
            f"spørgsmål {q.number} er '{q.kind}'")
    return Grouping(q.number, q.column, q.labels, q.short)


@dataclass(frozen=True)
class TableSpec:
    """What one table counts; ``field`` is the text field of a theme table."""

    id: str
    question: int
    kind: str
    title: str
    field: TextField | None = None
    indicator: Indicator | None = None

    @property
    def exclusive(self) -> bool:
        return self.kind in EXCLUSIVE


def question_title(q: Question) -> str:
    """The question text without the instruction in brackets."""
    return q.text.replace("(der kan sættes flere krydser)", "").strip()


def top_box_label(q: Question) -> str:
    """'I meget høj grad eller i høj grad' for a top-2 box."""
    top = list(q.labels[:q.top_box])
    return " eller ".join([top[0]] + [t[:1].lower() + t[1:] for t in top[1:]])


def table_specs(survey: Survey, codebooks: dict[str, Codebook]) -> list[TableSpec]:
    """Every table of the report, in questionnaire order."""
    specs = []
    for q in survey.questions:
        title = question_title(q)
        if q.kind == "single":
            specs.append(TableSpec(f"q{q.number}", q.number, SINGLE, title))
        elif q.kind == "multiple":
            specs.append(TableSpec(f"q{q.number}", q.number, MULTIPLE, title))
            specs.append(TableSpec(f"q{q.number}_flere", q.number, MULTIPLE_COUNT,
                                   f"{q.short}: valgt mere end én svarmulighed"))
        elif q.kind == "scale":
            specs.append(TableSpec(f"q{q.number}", q.number, SCALE, title))
            specs.append(TableSpec(f"q{q.number}_top{q.top_box}", q.number, TOP_BOX,
                                   f"{q.short}: {top_box_label(q).lower()}"))
            if q.bottom_box:
                specs.append(TableSpec(f"q{q.number}_bottom{q.bottom_box}", q.number, BOTTOM_BOX,
                                       f"{q.short}: {bottom_box_label(q).lower()}"))
        for field in q.text_fields:
            if field.column not in codebooks:
                continue
            stem = f"q{q.number}_andet" if field.is_other else f"q{q.number}"
            cb_title = codebooks[field.column].title
            specs.append(TableSpec(f"{stem}_temaer", q.number, THEMES, f"Temaer: {cb_title}", field))
            specs.append(TableSpec(f"{stem}_temaer_alle", q.number, THEMES_ALL,
                                   f"Temaer som andel af alle respondenter: {cb_title}", field))
    specs += [TableSpec(i.id, i.questions[0], INDICATOR, i.text[:1].upper() + i.text[1:], indicator=i)
              for i in survey.indicators]
    return specs


def build_table(spec: TableSpec, survey: Survey, respondents: pd.DataFrame, answers: pd.DataFrame,
                codebooks: dict[str, Codebook], grouping: Grouping | None = None) -> pd.DataFrame:
    """One tidy table: the whole sample first, then each group (not for the grouping question itself)."""
    q = survey.question(spec.question)
    if spec.kind == INDICATOR:
        hits, bases = indicator_frames(spec.indicator, survey, respondents)
    elif spec.kind == BOTTOM_BOX:
        hits, bases = bottom_box_frames(q, respondents)
    else:
        hits, bases = _INDICATORS[spec.kind](q, spec, respondents, answers, codebooks)
    groups = [(WHOLE, pd.Series(True, index=respondents.index))]
    if grouping is not None and grouping.question != q.number:
        values = respondents[grouping.column]
        groups += [(label, values == label) for label in grouping.labels if (values == label).any()]
    rows = []
    for label, member in groups:
        for option in hits.columns:
            base = int((bases[option] & member).sum())
            if base == 0 and label != WHOLE:
                continue
            n = int((hits[option] & bases[option] & member).sum())
            low, high = wilson_interval(n, base)
            rows.append({TABLE: spec.id, QUESTION: spec.question, OPTION: option, GROUP: label, N: n,
                         BASE: base, PCT: percent(n, base),
                         CI_LOW: _whole(low) if base else None, CI_HIGH: _whole(high) if base else None})
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    return out.astype({N: "int64", BASE: "int64", PCT: "Int64", CI_LOW: "Int64", CI_HIGH: "Int64"})


def build_tables(specs, survey, respondents, answers, codebooks, grouping=None) -> pd.DataFrame:
    """All tables in one tidy frame."""
    frames = [build_table(s, survey, respondents, answers, codebooks, grouping) for s in specs]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=list(COLUMNS))


def suppress(table: pd.DataFrame, min_cell: int = 3) -> pd.DataFrame:
    """Cells with fewer than ``min_cell`` respondents as "<3", without pct or interval.

    A zero is shown, except in a group smaller than ``min_cell`` (where it
    would give the other cells away). The base stays.
    """
    small = (table[N] < min_cell) & ((table[N] > 0) | (table[BASE] < min_cell))
    out = table.assign(**{N: table[N].astype(object).where(~small, suppressed_label(min_cell))})
    for col in (PCT, CI_LOW, CI_HIGH):
        out[col] = table[col].mask(small)
    return out


def is_suppressed(cells: pd.Series) -> pd.Series:
    return cells.map(lambda v: isinstance(v, str) and v.startswith("<"))


# --- what each kind of table counts: (hits, bases), boolean frames respondents x options ---

def _answered(values: pd.Series) -> pd.Series:
    return values.notna() & (values.astype(str).str.strip() != "")


def _single(q, spec, respondents, answers, codebooks):
    values = respondents[q.column]
    answered = _answered(values)
    return (pd.DataFrame({lab: values == lab for lab in q.labels}),
            pd.DataFrame({lab: answered for lab in q.labels}))


def _scale(q, spec, respondents, answers, codebooks):
    values = respondents[q.column]
    answered = _answered(values)
    rated = values.isin(q.labels)
    labels = q.labels + q.not_applicable
    return (pd.DataFrame({lab: values == lab for lab in labels}),
            pd.DataFrame({lab: rated if lab in q.labels else answered for lab in labels}))


def _top_box(q, spec, respondents, answers, codebooks):
    values = respondents[q.column]
    label = top_box_label(q)
    return (pd.DataFrame({label: values.isin(q.labels[:q.top_box])}),
            pd.DataFrame({label: values.isin(q.labels)}))


def _flags(q, respondents) -> tuple[pd.DataFrame, pd.Series]:
    flags = respondents[[o.column for o in q.options]]
    return flags.fillna(0).astype(int).eq(1), flags.notna().any(axis=1)


def _multiple(q, spec, respondents, answers, codebooks):
    ticked, answered = _flags(q, respondents)
    return (pd.DataFrame({o.label: ticked[o.column] for o in q.options}),
            pd.DataFrame({o.label: answered for o in q.options}))


def _multiple_count(q, spec, respondents, answers, codebooks):
    ticked, answered = _flags(q, respondents)
    return (pd.DataFrame({MORE_THAN_ONE: ticked.sum(axis=1) >= 2}),
            pd.DataFrame({MORE_THAN_ONE: answered}))


def field_themes(answers: pd.DataFrame, column: str) -> dict[str, list[str]]:
    """Theme ids of each respondent's non-empty answer in one text column."""
    part = answers[(answers[C.COLUMN] == column) & _answered(answers[C.TEXT])]
    return dict(zip(part[C.RESPONDENT_ID].astype(str), part[C.THEMES].map(C.split_themes)))


def _themes(q, spec, respondents, answers, codebooks, *, of_all=False):
    by_id = field_themes(answers, spec.field.column)
    ids = respondents[C.RESPONDENT_ID].astype(str)
    answered = ids.isin(by_id.keys())
    base = pd.Series(True, index=respondents.index) if of_all else answered
    themes = codebooks[spec.field.column].themes
    return (pd.DataFrame({t.label: ids.map(lambda r, t=t: t.id in by_id.get(r, ())) for t in themes}),
            pd.DataFrame({t.label: base for t in themes}))


def _themes_all(q, spec, respondents, answers, codebooks):
    return _themes(q, spec, respondents, answers, codebooks, of_all=True)


_INDICATORS: dict[str, Callable] = {
    SINGLE: _single, SCALE: _scale, TOP_BOX: _top_box, MULTIPLE: _multiple,
    MULTIPLE_COUNT: _multiple_count, THEMES: _themes, THEMES_ALL: _themes_all,
}


# --- back-coding: "Andet" answers that belong under a listed option ---

MOVED_COLUMNS = (C.RESPONDENT_ID, QUESTION, C.COLUMN, C.TEXT, "to")


def backcode_moves(respondents: pd.DataFrame, answers: pd.DataFrame, survey: Survey,
                   codebooks: dict[str, Codebook]) -> pd.DataFrame:
    """The "Andet" answers whose themes say they belong under a listed option.

    One row per answer and target option. A single-choice answer moves only
    when the respondent chose "Andet" and its themes point at exactly one option.
    """
    rows = []
    chosen = dict(zip(respondents[C.RESPONDENT_ID].astype(str), respondents.index))
    for q in survey.questions:
        field = q.other
        if field is None or field.column not in codebooks:
            continue
        targets_of = {t.id: t.backcode_to for t in codebooks[field.column].themes if t.backcode_to}
        part = answers[answers[C.COLUMN] == field.column]
        for rid, text, themes in zip(part[C.RESPONDENT_ID].astype(str), part[C.TEXT], part[C.THEMES]):
            targets = [targets_of[t] for t in C.split_themes(themes) if t in targets_of]
            targets = [t for t in dict.fromkeys(targets) if t in q.labels and t != field.option]
            if rid not in chosen or not targets:
                continue
            if q.kind == "single" and (len(targets) != 1 or respondents.at[chosen[rid], q.column] != field.option):
                continue
            rows += [{C.RESPONDENT_ID: rid, QUESTION: q.number, C.COLUMN: field.column, C.TEXT: text, "to": t}
                     for t in targets]
    return pd.DataFrame(rows, columns=list(MOVED_COLUMNS))


def fold_backcodes(respondents: pd.DataFrame, moves: pd.DataFrame, survey: Survey,
                   codebooks: dict[str, Codebook], answers: pd.DataFrame) -> pd.DataFrame:
    """Respondents with back-coded "Andet" answers counted in the option they belong to.

    Multiple choice: the target option is ticked, and "Andet" is unticked when
    every theme of the answer is a back-code theme.
    """
    out = respondents.copy()
    row_of = dict(zip(out[C.RESPONDENT_ID].astype(str), out.index))
    for (rid, number, column), group in moves.groupby([C.RESPONDENT_ID, QUESTION, C.COLUMN], sort=False):
        q = survey.question(int(number))
        i = row_of[rid]
        if q.kind == "single":
            out.at[i, q.column] = group["to"].iat[0]
            continue
        for target in group["to"]:
            out.at[i, next(o.column for o in q.options if o.label == target)] = 1
        cb = codebooks[column]
        own = answers[(answers[C.COLUMN] == column) & (answers[C.RESPONDENT_ID].astype(str) == rid)]
        themes = [t for ts in own[C.THEMES] for t in C.split_themes(ts)]
        if all(t in cb.ids and cb.theme(t).backcode_to for t in themes):
            other = next(o for o in q.options if o.label == q.other.option)
            out.at[i, other.column] = 0
    return out
