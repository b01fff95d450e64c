"""What the Streamlit app shows, as plain functions on DataFrames (no Streamlit here).

``app.py`` lays out widgets and calls these functions, so everything the analyst
sees can be tested without a browser. ``comment_rows`` is the one place where
respondents' text is put into something that reaches the screen.
"""

from __future__ import annotations

import io
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd

from . import columns as C
from .codebook import Codebook
from .errors import InputError
from .io import read_table
from .redact import mask_series
from .safe import uncsv_cell
from .sentiment import SENTIMENT
from .survey import Survey

REQUIRED = (C.RESPONDENT_ID, C.QUESTION, C.COLUMN, C.TEXT, C.THEMES, C.NEEDS_REVIEW)

# Column names of the tables the analyst reads.
RESPONDENT = "Respondent"
SVAR = "Svar"
TEMAER = "Temaer"
SIKKERHED = "Sikkerhed"
GENNEMSYN = "Til gennemsyn"
CITAT = "Citat"
KODET_AF = "Kodet af"
TEMA = "Tema"
I_ALT = "I alt"
ANTAL_SVAR = "Antal svar"
IKKE_BESVARET = "Ikke besvaret"

SENTIMENTS = ("positiv", "negativ", "blandet", "neutral")
PAGE_SIZE = 100   # answers per page of the reading table

_FLAG_TEXT = {1: "Ja", 0: "Nej"}
_BOOL = {"true": True, "false": False, "1": True, "0": False, "": False}
# A cell csv_cell wrote: apostrophes, then what a spreadsheet would take for a formula.
_WRITTEN_FORMULA = re.compile(rb"(?:^|[,\n\"\xbf])'+[=+\-@\t\r]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def flag_columns(survey: Survey) -> frozenset[str]:
    """The 0/1 columns of multiple-choice questions."""
    return frozenset(o.column for q in survey.questions if q.kind == "multiple" for o in q.options)


def load_coded(coded_csv, survey: Survey) -> pd.DataFrame:
    """Read a coded.csv with typed columns: question int, needs_review bool, p_* float, 0/1 flags Int8.

    Empty closed answers become missing values. A cell that cannot be read as its
    type raises InputError naming the file, row, column and value.

    Examples
    --------
    >>> load_coded("data/demo/coded/coded.csv", survey).loc[0, "needs_review"]  # doctest: +SKIP
    False
    """
    path = Path(coded_csv)
    raw = _read_written(path)
    if raw is None:
        raw = read_table(path, required=REQUIRED)
    flags = flag_columns(survey)
    typed = {C.QUESTION: _typed(raw, C.QUESTION, int, "int64", "et spørgsmålsnummer", path, _fast_int),
             C.NEEDS_REVIEW: _typed(raw, C.NEEDS_REVIEW, lambda v: _BOOL[v.strip().lower()], "bool",
                                    "True eller False", path, _fast_bool)}
    for col in raw.columns:
        if col.startswith(C.P_PREFIX) and raw[col].dtype != "float64":
            typed[col] = _typed(raw, col, lambda v: float(v) if v.strip() else math.nan, "float64", "et tal", path,
                                _fast_float)
        elif col in flags:
            typed[col] = _typed(raw, col, _flag, "Int8", "0 eller 1", path, _fast_flag)
        elif col in survey.closed_columns:
            typed[col] = raw[col].where(raw[col].str.strip() != "", None)
    return raw.assign(**typed)


def _read_written(path: Path) -> pd.DataFrame | None:
    """A coded.csv as ``write_csv`` wrote it (UTF-8, commas), by pandas' C parser; None for any other file.

    ``read_table`` cleans and repairs every cell, as an export needs; a file textmine wrote was
    cleaned when it was written, and at 100,000 answers reading it cell by cell takes 20 s.
    Anything else (Excel's semicolons, cp1252, a missing column) goes to ``read_table``,
    which names what is wrong.
    """
    try:
        data = path.read_bytes()
        header = pd.read_csv(io.BytesIO(data), nrows=0, encoding="utf-8-sig", sep=",", engine="c").columns
        # Probabilities parsed by the C parser too; a cell that is no number makes it fail (-> read_table).
        dtypes = {c: ("float64" if c.startswith(C.P_PREFIX) else object) for c in header}
        raw = pd.read_csv(io.BytesIO(data), dtype=dtypes, keep_default_na=False, na_values={
            c: [""] for c in header if c.startswith(C.P_PREFIX)}, encoding="utf-8-sig", sep=",", engine="c")
    except (OSError, UnicodeDecodeError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        return None
    if not set(REQUIRED) <= set(raw.columns):
        return None
    if not _WRITTEN_FORMULA.search(data):
        return raw          # no cell was written with csv_cell's apostrophe: nothing to undo
    undone = {}
    for column in raw.columns[raw.dtypes == object]:
        values = raw[column].astype(object)
        quoted = values.str.startswith("'").fillna(False).to_numpy(dtype=bool)
        if quoted.any():    # formula-like answers were written with an apostrophe in front
            undone[column] = values.where(~quoted, values[quoted].map(uncsv_cell))
    return raw.assign(**undone) if undone else raw


def _flag(value: str):
    if not value.strip():
        return pd.NA
    number = int(float(value))
    if number not in (0, 1):
        raise ValueError(value)
    return number


def _typed(raw: pd.DataFrame, column: str, parse, dtype: str, what: str, path: Path, fast=None) -> pd.Series:
    # The vectorised ``fast`` reads 100,000 rows at once; only a column it refuses is read cell by
    # cell, to name the first bad cell.
    if fast is not None:
        try:
            return fast(raw[column]).astype(dtype)
        except (ValueError, TypeError, KeyError):
            pass
    values = []
    for i, value in enumerate(raw[column]):
        try:
            values.append(parse(value))
        except (ValueError, KeyError):
            raise InputError(f"fil '{path}', række {i + 2}, kolonne '{column}': værdien {value!r} er ikke {what}. "
                             f"Kod eksporten igen med 'textmine code'.") from None
    return pd.Series(values, index=raw.index, dtype=object).astype(dtype)


def _fast_int(values: pd.Series) -> pd.Series:
    return values.str.strip().astype("int64")


def _fast_bool(values: pd.Series) -> pd.Series:
    lower = values.str.strip().str.lower()
    if not lower.isin(list(_BOOL)).all():
        raise ValueError("not True or False")
    return lower.map(_BOOL)


def _fast_float(values: pd.Series) -> pd.Series:
    stripped = values.str.strip()
    return stripped.where(stripped != "", None).astype("float64")


def _fast_flag(values: pd.Series) -> pd.Series:
    stripped = values.str.strip()
    numbers = stripped.where(stripped != "", None).astype("float64")
    if not numbers.dropna().isin([0.0, 1.0]).all():
        raise ValueError("not 0 or 1")
    return numbers.astype("Int8")


def field_label(survey: Survey, column: str) -> str:
    """How an open question is named in the app, e.g. 'Spm. 8: Øvrige kommentarer'."""
    field = survey.text_field(column)
    question = survey.question(field.question)
    label = f"Spm. {question.number}: {question.short}"
    return f"{label} – {field.option}" if field.is_other else label


def default_field(survey: Survey) -> int:
    """Index in ``survey.text_fields`` of the first real open question (not an 'Andet' field)."""
    return next((i for i, f in enumerate(survey.text_fields) if not f.is_other), 0)


def answers_for(coded: pd.DataFrame, column: str) -> pd.DataFrame:
    """The coded answers from one text column."""
    return coded[coded[C.COLUMN] == column].reset_index(drop=True)


def theme_options(answers: pd.DataFrame, codebook: Codebook | None, theme_column: str = C.THEMES) -> list[str]:
    """Theme ids to filter on: the code frame's, then any the answers carry that the frame lacks."""
    ids = list(codebook.ids) if codebook else []
    found = {t for themes in _distinct_themes(answers[theme_column])[1] for t in themes}
    return ids + sorted(found - set(ids))


def _distinct_themes(cells: pd.Series) -> tuple[np.ndarray, list[list[str]]]:
    """Each cell's position among the distinct theme sets, and those sets split into ids.

    100,000 answers carry a few hundred distinct sets: each is split once, not once per answer.
    """
    codes, uniques = pd.factorize(cells.fillna("").astype(str).to_numpy())
    return codes, [C.split_themes(u) for u in uniques]


def has_any_theme(cells: pd.Series, wanted) -> np.ndarray:
    """True for each cell that carries any of the ``wanted`` theme ids."""
    codes, sets = _distinct_themes(cells)
    wanted = set(wanted)
    hit = np.array([bool(wanted.intersection(themes)) for themes in sets], dtype=bool)
    return hit[codes]


def theme_label(codebook: Codebook | None, theme_id: str) -> str:
    return (codebook.label_of if codebook else {}).get(theme_id, theme_id)


def filter_answers(df: pd.DataFrame, themes=(), closed=None, sentiment=(),
                   theme_column: str = C.THEMES) -> pd.DataFrame:
    """Answers that carry any of ``themes``, one of the ``sentiment`` values and, for each column in
    ``closed``, one of its values. An empty selection filters nothing.

    Examples
    --------
    >>> filter_answers(q8, themes=["tilgaengelighed"], closed={"q1_organisation": ["Kommune"]})  # doctest: +SKIP
    """
    keep = pd.Series(True, index=df.index)
    if themes:
        keep &= has_any_theme(df[theme_column], themes)
    if sentiment:
        keep &= df[SENTIMENT].isin(list(sentiment))
    for column, values in (closed or {}).items():
        if column not in df.columns:
            raise InputError(f"kolonnen '{column}' findes ikke i de kodede svar. Kolonner fundet: {list(df.columns)}")
        if values:
            keep &= df[column].isin(list(values)).fillna(False).astype(bool)
    if keep.all() and df.index.equals(pd.RangeIndex(len(df))):
        return df      # nothing filtered out: no copy of 100,000 rows
    return df[keep].reset_index(drop=True)


def closed_options(df: pd.DataFrame, survey: Survey, column: str) -> list:
    """The answers found in ``column``, in the survey's order (flags: 1 before 0)."""
    found = df[column].dropna().unique().tolist()
    order = [v for v in _survey_order(survey).get(column, ()) if v in found]
    return order + sorted(v for v in found if v not in order)


def _survey_order(survey: Survey) -> dict[str, tuple]:
    order: dict[str, tuple] = {c: (1, 0) for c in flag_columns(survey)}
    if survey.status:
        order[survey.status.column] = survey.status.options
    for b in survey.background:
        order[b.column] = b.options
    for q in survey.questions:
        if q.kind in ("single", "scale"):
            order[q.column] = q.allowed
    return order


def answer_text(survey: Survey, column: str, value) -> str:
    """A closed answer as the analyst reads it: flags as 'Ja'/'Nej', missing as ''."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if column in flag_columns(survey):
        return _FLAG_TEXT.get(int(value), str(value))
    return str(value)


def _answer_texts(survey: Survey, column: str, values: pd.Series) -> list[str]:
    # Few distinct answers per closed question: each is turned into text once.
    shown = {v: answer_text(survey, column, v) for v in values.dropna().unique()}
    return [shown.get(v, "") if pd.notna(v) else "" for v in values]


def comment_rows(df: pd.DataFrame, survey: Survey, codebook: Codebook | None, *, mask: bool = True,
                 masked: pd.Series | None = None, starred=None, theme_column: str = C.THEMES) -> pd.DataFrame:
    """The comments as the app shows them, with Danish column names.

    "Svar" is the respondent's text as a plain string, with names, CPR and phone numbers,
    e-mails and addresses masked ("[NAVN]") unless ``mask`` is False (``masked`` gives the
    masked texts by store key, computed once); "Temaer" the themes' Danish labels, "Sikkerhed"
    the model's highest probability among the chosen themes in percent, then the respondent's
    closed answers under their readable names. With review columns (``theme_column`` =
    ``final_themes``), "Til gennemsyn" only marks answers nobody has coded yet, "Kodet af" says
    who decided, and ``starred`` (store keys) fills "Citat".

    Examples
    --------
    >>> comment_rows(q8, survey, codebook_q8)["Temaer"][0]  # doctest: +SKIP
    'Tilgængelighed og responstid, Faglig og kompetent sparring'
    """
    themes = df[theme_column].map(C.split_themes).tolist()
    if not mask:
        text = df[C.TEXT].astype(str)
    elif masked is not None:
        text = masked.reindex(df[C.KEY].to_numpy())
    else:
        text = mask_series(df[C.TEXT].astype(str))
    review = df[C.NEEDS_REVIEW].astype(bool).to_numpy()
    if C.SOURCE in df.columns:
        review = review & ~df[C.SOURCE].isin(C.HUMAN_SOURCES).to_numpy()
    rows = pd.DataFrame({
        RESPONDENT: df[C.RESPONDENT_ID].astype(str).to_numpy(),
        SVAR: text.to_numpy(),
        TEMAER: [", ".join(theme_label(codebook, t) for t in ids) for ids in themes],
        SIKKERHED: _confidence(df, themes),
        GENNEMSYN: review,
    })
    if C.SOURCE in df.columns:
        rows[KODET_AF] = [c if s in C.HUMAN_SOURCES else "model" for s, c in zip(df[C.SOURCE], df[C.CODER])]
    if starred is not None:
        rows[CITAT] = df[C.KEY].isin(set(starred)).to_numpy()
    for column, label in survey.column_labels().items():
        if column in df.columns:
            rows[label] = _answer_texts(survey, column, df[column])
    return rows


def short_labels(df: pd.DataFrame) -> list[str]:
    """'Respondent 3001' for pickers: the answer itself stays in the table beside them."""
    return [f"Respondent {rid}" for rid in df[C.RESPONDENT_ID].astype(str)]


def word_forms(texts: list[str]) -> list[frozenset[str]]:
    """Each text's lemmas and compound parts in lower case: the search index ``search`` looks in.

    Top-level, so the app can run it in a worker process.
    """
    from .nlp import load_analyzer

    return [frozenset(f for tok in doc for f in tok.forms) for doc in load_analyzer().analyze(texts)]


def search(df: pd.DataFrame, query: list[frozenset[str]], index: pd.Series) -> pd.DataFrame:
    """Answers that contain every word of ``query`` in some form (word, lemma or compound part).

    ``query`` holds the acceptable forms of each query word; ``index`` each answer's forms by key.
    """
    if not query:
        return df
    forms = index.reindex(df[C.KEY].to_numpy())
    keep = [isinstance(f, frozenset) and all(f & q for q in query) for f in forms]
    return df[keep].reset_index(drop=True)


def search_text(df: pd.DataFrame, query: list[frozenset[str]], texts: pd.Series) -> pd.DataFrame:
    """Answers whose text contains, for every query word, one of its forms as part of a word.

    The stand-in for ``search`` while the answers' lemmas are computed: 'lovgivningen' (forms
    'lovgivningen', 'lovgivning') finds 'lovgivning' and 'udlandslovgivningen', but 'børnene'
    (lemma 'barn') does not find 'børn'.
    """
    if not query:
        return df
    lower = texts.reindex(df[C.KEY].to_numpy()).fillna("").str.lower()
    keep = pd.Series(True, index=lower.index)
    for forms in query:
        pattern = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        keep &= lower.str.contains(pattern, regex=True)
    return df[keep.to_numpy()].reset_index(drop=True)


def theme_counts(df: pd.DataFrame, theme_column: str = C.THEMES) -> pd.Series:
    """How many answers carry each theme id, most frequent first."""
    codes, sets = _distinct_themes(df[theme_column])
    per_set = np.bincount(codes, minlength=len(sets))
    counts: dict[str, int] = {}
    for themes, n in zip(sets, per_set):
        for t in dict.fromkeys(themes):
            counts[t] = counts.get(t, 0) + int(n)
    return pd.Series(counts, dtype="int64").sort_values(ascending=False, kind="stable")


def theme_count_label(df: pd.DataFrame, codebook: Codebook | None, theme_id: str,
                      theme_column: str = C.THEMES, counts: pd.Series | None = None) -> str:
    """'Tilgængelighed og responstid (12)' for a theme picker; '' is every theme.

    ``counts`` (``theme_counts(df)``) saves counting again for each option of the picker.
    """
    if not theme_id:
        return f"Alle temaer ({len(df)})"
    counts = theme_counts(df, theme_column) if counts is None else counts
    return f"{theme_label(codebook, theme_id)} ({int(counts.get(theme_id, 0))})"


def page_of(df: pd.DataFrame, page: int, size: int = PAGE_SIZE) -> pd.DataFrame:
    """Rows ``(page - 1) * size`` up to ``page * size``: the app never sends 100,000 rows to the browser."""
    start = (max(int(page), 1) - 1) * size
    return df.iloc[start:start + size]


def page_count(n: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-n // size))


def _confidence(df: pd.DataFrame, themes: list[list[str]]) -> list[float]:
    columns = [c for c in df.columns if c.startswith(C.P_PREFIX)]
    probs = df[columns].to_numpy(dtype=float) if columns else None
    where = {c.removeprefix(C.P_PREFIX): i for i, c in enumerate(columns)}
    out = []
    for row, ids in enumerate(themes):
        found = [probs[row, where[t]] for t in ids if t in where and not math.isnan(probs[row, where[t]])]
        out.append(round(100 * max(found), 1) if found else math.nan)
    return out


def theme_counts_by(df: pd.DataFrame, codebook: Codebook | None, by_column: str, order,
                    theme_column: str = C.THEMES) -> pd.DataFrame:
    """Number of answers with each theme, by the answers in ``by_column`` (e.g. organisation type).

    Rows are the themes' Danish labels in code-frame order and a last row "Antal svar"
    (the base: answers per group); columns follow ``order``, then unexpected answers,
    "Ikke besvaret" and "I alt". An answer with two themes counts once for each.
    """
    groups = df[by_column].astype(object).where(df[by_column].notna(), IKKE_BESVARET)
    present = groups.unique().tolist()
    columns = list(order) + sorted(g for g in present if g not in order and g != IKKE_BESVARET)
    columns += [IKKE_BESVARET] if IKKE_BESVARET in present else []
    ids = theme_options(df, codebook, theme_column)
    # Answers per (theme set, group), then each set's themes: a product of two small tables
    # instead of one row per answer and theme.
    codes, sets = _distinct_themes(df[theme_column])
    per_set = pd.crosstab(codes, groups.to_numpy()).reindex(columns=columns, fill_value=0) if len(df) \
        else pd.DataFrame(0, index=[], columns=columns)
    position = {t: i for i, t in enumerate(ids)}
    carries = np.zeros((len(ids), len(sets)), dtype=np.int64)
    for j, themes in enumerate(sets):
        for t in dict.fromkeys(themes):
            carries[position[t], j] = 1
    counts = carries[:, per_set.index.to_numpy(dtype=np.int64)] @ per_set.to_numpy(dtype=np.int64)
    table = pd.DataFrame(counts, index=ids, columns=columns).astype(int)
    table.loc[ANTAL_SVAR] = groups.value_counts().reindex(columns, fill_value=0).astype(int)
    table[I_ALT] = table.sum(axis=1)
    table.index = [theme_label(codebook, i) for i in ids] + [ANTAL_SVAR]
    table.index.name = TEMA
    table.columns.name = None
    return table


def summary_line(shown: pd.DataFrame, total: int) -> str:
    """'12 af 59 svar, 3 til gennemsyn' (or '59 svar, …' when nothing is filtered out)."""
    n = len(shown)
    flagged = shown[C.NEEDS_REVIEW].astype(bool)
    if C.SOURCE in shown.columns:
        flagged &= ~shown[C.SOURCE].isin(C.HUMAN_SOURCES)
    review = int(flagged.sum()) if n else 0
    count = f"{n} svar" if n == total else f"{n} af {total} svar"
    return f"{count}, {review} til gennemsyn"


def escape_markdown(text: str) -> str:
    """Text that Streamlit's markdown shows literally (for error messages that may quote a file's values)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
