"""Reading survey exports and tables: CSV in Danish Excel flavours and XLSX.

Every cell is read as text, so "NA", "None" and "007" stay what the
respondent wrote; control characters are dropped and mojibake ("Ã¦") is
repaired. An export is checked against its survey definition and split
into a respondents table (closed answers) and an answers table (open text).
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Iterator

import pandas as pd

from . import columns as C
from .encoding import OLE2_MAGIC, decode, looks_binary, repair_mojibake, utf16_without_bom
from .errors import ExportError, InputError, Problem
from .safe import clean_text, uncsv_cell
from .survey import Survey

EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_DELIMITERS = (";", ",", "\t")
_HEADER_SEARCH = 5    # a title row or two may stand above the header
_REEXPORT = "Eksportér besvarelserne igen fra spørgeskemaværktøjet som CSV (UTF-8) eller XLSX."

csv.field_size_limit(max(csv.field_size_limit(), 1 << 28))   # one long answer is not an error


def read_table(path, *, required: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read a CSV or XLSX file with every cell as a string ("" for empty).

    CSV files may use ``;``, ``,`` or tab, and UTF-8 (with or without BOM),
    UTF-16 or cp1252 (Danish Excel). Columns in ``required`` must exist; in a
    workbook they also pick the sheet and the header row (below a title row).

    Examples
    --------
    >>> read_table("svar.csv", required=("text",))  # doctest: +SKIP
    """
    path = Path(path)
    table = _load(path, tuple(required))
    missing = [c for c in required if c not in table.df.columns]
    if missing:
        raise InputError(
            f"fil '{path}', række {table.header_row}: kolonnen '{missing[0]}' mangler. "
            f"Kolonner fundet: {list(table.df.columns)}"
        )
    return table.df


def read_chunks(path, columns: tuple[str, ...], rows: int = 20_000) -> Iterator[pd.DataFrame]:
    """``read_table(path, required=columns)[list(columns)]`` in pieces of at most ``rows`` rows.

    A UTF-8 or cp1252 CSV file is read as it goes, so a survey of a million answers is never in
    memory at once; cells and errors are those of ``read_table`` (a bad row is reported when it is
    reached). Workbooks, UTF-16 files and files whose header is not plainly right (a column
    missing or doubled) are read whole by ``read_table``. Yields at least one, maybe empty, frame.

    Examples
    --------
    >>> sum(len(part) for part in read_chunks("svar.csv", ("id", "text")))  # doctest: +SKIP
    """
    path, columns = Path(path), tuple(columns)
    stream = _csv_stream(path, columns)
    if stream is None:
        df = read_table(path, required=columns)[list(columns)]
        for start in range(0, max(len(df), 1), rows):
            yield df.iloc[start:start + rows].reset_index(drop=True)
        return
    header, records = stream
    width, picks = len(header), [header.index(c) for c in columns]
    part: list[list[str]] = []
    first = True
    for row, record in records:
        if not any(c.strip() for c in record):
            continue   # as in _frame
        extra = [c for c in record[width:] if c.strip()]
        if extra:
            raise _too_many_fields(path, row, record, width, extra[0])
        part.append([record[i] if i < len(record) else "" for i in picks])
        if len(part) == rows:
            yield pd.DataFrame(part, columns=list(columns), dtype=object)
            part, first = [], False
    if part or first:
        yield pd.DataFrame(part, columns=list(columns), dtype=object)


def _csv_stream(path: Path, hint: tuple[str, ...]):
    """(header, numbered records after it) of a UTF-8/cp1252 CSV read as it goes, or None where
    ``read_table`` must read the file whole (it then also says what is wrong with it)."""
    if path.suffix.lower() in EXCEL_SUFFIXES | {".xls"} or not path.is_file() or zipfile.is_zipfile(path):
        return None
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    # The same tests _read_csv makes on the whole file look at its first 8 KB only.
    if head.startswith((OLE2_MAGIC, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or looks_binary(head) \
            or utf16_without_bom(head):
        return None
    prefix, nonblank = [], 0
    for line in _text_lines(path):   # _delimiter looks at the first few non-blank lines
        prefix.append(line)
        nonblank += sum(1 for piece in line.splitlines() if piece.strip())
        if nonblank >= _HEADER_SEARCH:
            break
    if not nonblank:
        return None   # empty
    sep = _delimiter(path, "".join(prefix), hint)
    records = _numbered_records(path, sep)
    top = []
    for row, cells in records:
        top.append((row, cells))
        if sum(any(c.strip() for c in r) for _, r in top) >= _HEADER_SEARCH:
            break
    at = _find_header(top, hint) or 0
    header = [_clean_label(c) for c in top[at][1]] if top else []
    names = [h or f"Unnamed: {i}" for i, h in enumerate(header)]
    if len(set(names)) < len(names) or not set(hint) <= set(header):
        records.close()
        return None
    return header, chain(top[at + 1:], records)


def _text_lines(path: Path) -> Iterator[str]:
    """The lines of a UTF-8 file as ``decode`` reads it (stray cp1252 bytes kept), without NULs."""
    with open(path, "rb") as raw:
        if raw.read(len(codecs.BOM_UTF8)) != codecs.BOM_UTF8:
            raw.seek(0)
        with io.TextIOWrapper(raw, encoding="utf-8", errors="textmine-cp1252", newline="") as text:
            for line in text:
                yield line.replace("\x00", "")


def _numbered_records(path: Path, sep: str):
    reader = csv.reader(_text_lines(path), delimiter=sep)
    try:
        for i, r in enumerate(reader, start=1):
            yield i, [uncsv_cell(_clean_cell(c)) for c in r]
    except csv.Error as exc:
        raise _unreadable_csv(path, reader.line_num, exc) from None


@dataclass
class _Table:
    df: pd.DataFrame
    rows: list[int]       # the spreadsheet row of each df row
    header_row: int


def _load(path: Path, hint: tuple[str, ...]) -> _Table:
    if not path.exists():
        raise InputError(f"filen '{path}' findes ikke")
    if path.suffix.lower() == ".xls":
        raise InputError(f"'{path}' er i det gamle Excel-format (.xls); gem den som .xlsx eller CSV")
    if path.suffix.lower() in EXCEL_SUFFIXES or zipfile.is_zipfile(path):
        return _read_xlsx(path, hint)
    return _read_csv(path, hint)


def _read_xlsx(path: Path, hint: tuple[str, ...]) -> _Table:
    from openpyxl import load_workbook

    try:
        # Bytes, not the path: openpyxl refuses an .xlsx that was renamed to .csv.
        wb = load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    except Exception as exc:   # openpyxl raises many kinds for a zip that is no workbook
        raise InputError(f"fil '{path}' kan ikke læses som Excel-fil (.xlsx) ({type(exc).__name__}: {exc}). "
                         f"Åbn den i Excel og gem den som .xlsx, eller eksportér igen.") from None
    try:
        sheets = [(ws.title, [[_cell_text(v) for v in r] for r in ws.iter_rows(min_row=1, values_only=True)])
                  for ws in wb.worksheets]
    finally:
        wb.close()
    grids = [(title, list(enumerate(grid, start=1))) for title, grid in sheets]
    # The first sheet with the hinted columns: exports often carry a cover or codebook sheet.
    for title, numbered in grids:
        header = _find_header(numbered, hint)
        if header is not None:
            return _frame(path, numbered, header)
    return _frame(path, grids[0][1], _find_header(grids[0][1], ()) or 0)


def _cell_text(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))   # Excel stores 1 as 1.0
    # XLSX stores Unicode: no encoding went wrong in reading it, so nothing is "repaired".
    return clean_text(str(value))


def _clean_cell(text: str) -> str:
    return repair_mojibake(clean_text(text))


def _read_csv(path: Path, hint: tuple[str, ...]) -> _Table:
    raw = path.read_bytes()
    if raw.startswith(OLE2_MAGIC):
        raise InputError(f"fil '{path}' er en gammel Excel-fil (.xls) med forkert endelse; "
                         f"åbn den i Excel og gem den som .xlsx eller CSV")
    if looks_binary(raw):
        raise InputError(f"fil '{path}', række 1: ligner ikke en tekstfil (den indeholder binære data); "
                         f"er det den rigtige fil? {_REEXPORT}")
    try:
        text = decode(raw).replace("\x00", "")
    except UnicodeDecodeError as exc:
        raise InputError(f"fil '{path}': UTF-16-teksten er ødelagt ved byte {exc.start}. {_REEXPORT}") from None
    if not text.strip():
        raise InputError(f"fil '{path}', række 1: filen er tom (ingen overskrift og ingen rækker). {_REEXPORT}")
    sep = _delimiter(path, text, hint)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise _unreadable_csv(path, reader.line_num, exc) from None
    # Numbered as a spreadsheet shows them: a quoted answer over several lines is one row.
    numbered = [(i, [uncsv_cell(_clean_cell(c)) for c in r]) for i, r in enumerate(records, start=1)]
    return _frame(path, numbered, _find_header(numbered, hint) or 0)


def _delimiter(path: Path, text: str, hint: tuple[str, ...]) -> str:
    lines = [line for line in text.splitlines() if line.strip()][:_HEADER_SEARCH]
    header = lines[0]
    if header.strip().strip('"') in hint:
        return max(_DELIMITERS, key=header.count)   # a table with one column: its header is that column
    other = max("|:!^~#/", key=header.count)
    if not header.count(other):    # maybe a title line above the header: look further down
        header = next((line for line in lines if any(d in line for d in _DELIMITERS)), header)
    sep = max(_DELIMITERS, key=header.count)
    if sep in header or (len(hint) <= 1 and not header.count(other)):
        return sep     # found, or a table with one column
    used = f"; den ser ud til at bruge {other!r}" if header.count(other) else ""
    raise InputError(
        f"fil '{path}', række 1, værdi {header[:80]!r}: overskriften indeholder ingen af skilletegnene "
        f"semikolon (;), komma (,) eller tabulator{used}. Gem filen som CSV med semikolon eller komma "
        f"(i Excel: Gem som › CSV (semikolonsepareret)), eller eksportér igen."
    )


def _find_header(numbered: list[tuple[int, list[str]]], hint: tuple[str, ...]) -> int | None:
    """Index into ``numbered`` of the header row, or None when no row has ``hint[0]``."""
    filled = [i for i, (_, cells) in enumerate(numbered) if any(c.strip() for c in cells)][:_HEADER_SEARCH]
    if not filled:
        return None if hint else 0
    labels = [{_clean_label(c) for c in numbered[i][1]} for i in filled]
    if hint:
        full = [i for i, have in zip(filled, labels) if set(hint) <= have]
        some = [i for i, have in zip(filled, labels) if hint[0] in have]
        return (full or some or [None])[0]
    return filled[0]


def _frame(path: Path, numbered: list[tuple[int, list[str]]], at: int) -> _Table:
    header_row, cells = numbered[at] if numbered else (1, [])
    header = [_clean_label(c) for c in cells]
    width = len(header)
    data, rows = [], []
    for row, record in numbered[at + 1:]:
        if not any(c.strip() for c in record):
            continue   # blank lines and rows of bare delimiters hold no respondent
        extra = [c for c in record[width:] if c.strip()]
        if extra:
            raise _too_many_fields(path, row, record, width, extra[0])
        data.append(record[:width] + [""] * (width - len(record)))
        rows.append(row)
    names = [h or f"Unnamed: {i}" for i, h in enumerate(header)]
    df = pd.DataFrame(data, columns=names, dtype=object)
    unnamed = [n for n, h in zip(names, header) if not h and not (df[n] != "").any()]
    df = df.drop(columns=unnamed)
    dupes = sorted({n for n in df.columns if list(df.columns).count(n) > 1})
    if dupes:
        raise InputError(f"fil '{path}', række {header_row}, kolonne '{dupes[0]}': kolonnen står flere gange "
                         f"i overskriften; omdøb eller slet de ekstra kolonner.")
    return _Table(df, rows, header_row)


def _unreadable_csv(path: Path, line: int, exc: Exception) -> InputError:
    return InputError(f"fil '{path}', række {line}: kan ikke læses som CSV ({exc}). "
                      f"Tjek anførselstegnene i rækken. {_REEXPORT}")


def _too_many_fields(path: Path, row: int, record: list[str], width: int, value: str) -> InputError:
    return InputError(
        f"fil '{path}', række {row}, værdi {value[:80]!r}: rækken har {len(record)} felter, men "
        f"overskriften har {width}. Et svar med skilletegn skal stå i anførselstegn; eksportér igen."
    )


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
    table = _load(path, survey.required_columns)
    df = table.df
    missing = [c for c in survey.required_columns if c not in df.columns]
    if missing:
        raise ExportError([Problem(str(path), table.header_row, m, None, _missing_hint(m, list(df.columns), survey))
                           for m in missing])
    problems = _validate(df, table.rows, survey, str(path))
    if problems and on_error == "raise":
        raise ExportError(problems)
    bad = {p.row for p in problems}
    rows = df.assign(**{C.ROW: pd.Series(table.rows, index=df.index, dtype="int64")})
    kept = rows[~rows[C.ROW].isin(bad)]
    return Export(
        path=path,
        survey=survey,
        respondents=_respondents(kept, survey),
        answers=_answers(kept, survey),
        n_read=len(df),
        problems=problems,
    )


def _missing_hint(column: str, found: list[str], survey: Survey) -> str:
    near = difflib.get_close_matches(column, found, n=1, cutoff=0.75)
    rename = f"Omdøb kolonnen '{near[0]}' til '{column}', eller tjek" if near else "Tjek"
    return (f"kolonnen findes ikke i eksporten. Kolonner fundet: {found}. "
            f"{rename} at eksporten passer til '{survey.path.name}'.")


def _validate(df: pd.DataFrame, rows: list[int], survey: Survey, file: str) -> list[Problem]:
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
    for row, record in zip(rows, df.to_dict("records")):
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
