"""Reading survey exports and tables: CSV in Danish Excel flavours and XLSX.

Every cell is read as text, so "NA", "None" and "007" stay what the
respondent wrote. An export is checked against its survey definition and split
into a respondents table (closed answers) and an answers table (open text).
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import columns as C
from .errors import ExportError, InputError, Problem
from .safe import uncsv_cell
from .survey import Survey

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_DELIMITERS = (";", ",", "\t")
_FIRST_DATA_ROW = 2   # the header is row 1, as a spreadsheet shows it


def read_table(path, *, required: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read a CSV or XLSX file with every cell as a string ("" for empty).

    CSV files may use ``;``, ``,`` or tab, and UTF-8 (with or without BOM),
    UTF-16 or cp1252 (Danish Excel). Columns in ``required`` must exist.

    Examples
    --------
    >>> read_table("svar.csv", required=("text",))  # doctest: +SKIP
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"filen '{path}' findes ikke")
    if path.suffix.lower() == ".xls":
        raise InputError(f"'{path}' er i det gamle Excel-format (.xls); gem den som .xlsx eller CSV")
    if path.suffix.lower() in EXCEL_SUFFIXES or zipfile.is_zipfile(path):
        df = _read_xlsx(path)
    else:
        df = _read_csv(path)
    df.columns = [_clean_label(c) for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise InputError(
            f"fil '{path}', række 1: kolonnen '{missing[0]}' mangler. Kolonner fundet: {list(df.columns)}"
        )
    return df


def _read_xlsx(path: Path) -> pd.DataFrame:
    try:
        df = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
    except (zipfile.BadZipFile, ValueError, KeyError, OSError) as exc:
        raise InputError(f"'{path}' kan ikke læses som Excel-fil (.xlsx): {exc}") from None
    return df.map(_cell_text).astype(object)


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))   # Excel stores 1 as 1.0
    return str(value)


def _read_csv(path: Path) -> pd.DataFrame:
    raw = path.read_bytes()
    text = _decode(raw, path)
    if not text.strip():
        raise InputError(f"filen '{path}' er tom")
    first_line = text.splitlines()[0]
    sep = max(_DELIMITERS, key=first_line.count)
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False,
                         na_filter=False, quoting=csv.QUOTE_MINIMAL, skip_blank_lines=True)
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputError(f"'{path}' kan ikke læses som CSV (skilletegn {sep!r}): {exc}") from None
    return df.map(uncsv_cell)


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    if b"\x00" in raw[:4096]:
        raise InputError(f"'{path}' ligner ikke en tekstfil (den indeholder binære data); er det den rigtige fil?")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Danish Excel saves "CSV (semikolonsepareret)" in Windows-1252.
        return raw.decode("cp1252", errors="replace")


def _clean_label(value) -> str:
    """Answer labels compare after NFC and outer whitespace: Mac exports write 'å' as 'a' + ring."""
    return unicodedata.normalize("NFC", str(value)).strip()


@dataclass
class Export:
    """An export read against its survey definition."""

    path: Path
    survey: Survey
    respondents: pd.DataFrame        # one row per respondent: id + closed answers (labels)
    answers: pd.DataFrame            # one row per non-empty open answer
    n_read: int
    problems: list[Problem] = field(default_factory=list)   # rows rejected, with why

    @property
    def rejected_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row is not None})

    @property
    def n_kept(self) -> int:
        return len(self.respondents)


def read_export(path, survey: Survey, *, on_error: str = "raise") -> Export:
    """Read a survey export and check it against ``survey``.

    ``on_error="raise"`` raises ExportError listing every problem;
    ``"reject"`` keeps the valid rows and lists the rejected ones in
    ``Export.problems`` (rows read = rows kept + rows rejected).

    Examples
    --------
    >>> ex = read_export("eksport.csv", load_survey("sikkerhedskonsulent-2024.yaml"))  # doctest: +SKIP
    >>> ex.answers.head()  # doctest: +SKIP
    """
    path = Path(path)
    df = read_table(path)
    missing = [c for c in survey.required_columns if c not in df.columns]
    if missing:
        raise ExportError([Problem(str(path), 1, m, None,
                                   f"kolonnen findes ikke i eksporten. Kolonner fundet: {list(df.columns)}. "
                                   f"Tjek at eksporten passer til '{survey.path.name}'.") for m in missing])
    problems = _validate(df, survey, str(path))
    if problems and on_error == "raise":
        raise ExportError(problems)
    bad = {p.row - _FIRST_DATA_ROW for p in problems if p.row is not None}
    rows = df.assign(**{C.ROW: range(_FIRST_DATA_ROW, _FIRST_DATA_ROW + len(df))})
    kept = rows.drop(index=[i for i in bad if i in rows.index])
    return Export(
        path=path,
        survey=survey,
        respondents=_respondents(kept, survey),
        answers=_answers(kept, survey),
        n_read=len(df),
        problems=problems,
    )


def _validate(df: pd.DataFrame, survey: Survey, file: str) -> list[Problem]:
    problems: list[Problem] = []
    checks: dict[str, tuple[str, ...]] = {}
    if survey.status:
        checks[survey.status.column] = survey.status.options
    for b in survey.background:
        if b.options:
            checks[b.column] = b.options
    for q in survey.questions:
        if q.kind in ("single", "scale"):
            checks[q.column] = q.allowed
        elif q.kind == "multiple":
            for o in q.options:
                checks[o.column] = ("0", "1")
    seen: dict[str, int] = {}
    for i, record in enumerate(df.to_dict("records")):
        row = i + _FIRST_DATA_ROW
        rid = str(record[survey.respondent_id]).strip()
        if not rid:
            problems.append(Problem(file, row, survey.respondent_id, rid, "respondent-id mangler"))
        elif rid in seen:
            problems.append(Problem(file, row, survey.respondent_id, rid,
                                    f"respondent-id'et findes også i række {seen[rid]}; hver respondent må kun stå én gang"))
        else:
            seen[rid] = row
        for column, allowed in checks.items():
            value = _clean_label(record[column])
            if value and value not in allowed and _as_flag(value) not in allowed:
                problems.append(Problem(file, row, column, record[column],
                                        f"ikke en svarmulighed; tilladt er {list(allowed)}"))
    return problems


def _as_flag(value: str) -> str:
    return {"1.0": "1", "0.0": "0"}.get(value, value)


def _respondents(df: pd.DataFrame, survey: Survey) -> pd.DataFrame:
    out = pd.DataFrame({C.RESPONDENT_ID: df[survey.respondent_id].map(_clean_label).to_numpy()})
    for col in survey.closed_columns:
        values = df[col].map(_clean_label).map(_as_flag)
        out[col] = values.replace("", None).to_numpy()
    for q in survey.questions:
        if q.kind == "multiple":
            for o in q.options:
                out[o.column] = pd.to_numeric(out[o.column]).astype("Int8")
    return out.assign(**{C.ROW: df[C.ROW].to_numpy()})


def _answers(df: pd.DataFrame, survey: Survey) -> pd.DataFrame:
    frames = []
    for f in survey.text_fields:
        texts = df[f.column].astype(str).str.strip()
        keep = texts != ""
        frames.append(pd.DataFrame({
            C.RESPONDENT_ID: df.loc[keep, survey.respondent_id].map(_clean_label).to_numpy(),
            C.QUESTION: f.question,
            C.COLUMN: f.column,
            C.TEXT: texts[keep].to_numpy(),
            C.ROW: df.loc[keep, C.ROW].to_numpy(),
        }))
    if not frames:
        return pd.DataFrame(columns=[C.RESPONDENT_ID, C.QUESTION, C.COLUMN, C.TEXT, C.ROW])
    return pd.concat(frames, ignore_index=True)
