"""One sanitiser for everything textmine writes: no formulas, no characters that break files.

A respondent's text that starts with ``=``, ``+``, ``-``, ``@``, tab or
carriage return would become a live formula when a spreadsheet opens it. In
XLSX files such cells are typed as text; in CSV files they get a leading
apostrophe (which spreadsheets hide and ``read_table`` removes again).
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path

import pandas as pd

# Characters XML 1.0 forbids: openpyxl and python-docx refuse them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ONLY_DASHES = re.compile(r"^[-\s]+$")   # "-" or "--" means "no comment", not a formula


def clean_text(value) -> str:
    """Text without control characters that break XLSX, DOCX or terminals."""
    return _ILLEGAL.sub("", "" if value is None else str(value))


def is_formula_like(text: str) -> bool:
    return text.startswith(_FORMULA_START) and not _ONLY_DASHES.match(text)


def csv_cell(value):
    """A value safe to put in a CSV file that a spreadsheet will open."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    # Apostrophes already in front of a formula get one more, so uncsv_cell gives them back.
    return "'" + text if is_formula_like(text.lstrip("'")) else text


def _csv_column(column: pd.Series) -> pd.Series:
    """``csv_cell`` for a whole column: numbers pass, text columns are cleaned with string methods."""
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return column
    is_text = column.map(type) == str if column.dtype == object else column.notna()
    if column.dtype == object and not is_text.all():
        return column.map(csv_cell)          # mixed values: cell by cell
    text = column.astype(str).str.replace(_ILLEGAL, "", regex=True)
    bare = text.str.lstrip("'")
    formula = bare.str.startswith(_FORMULA_START) & ~bare.str.match(_ONLY_DASHES)
    out = text.where(~formula, "'" + text)
    return out.where(is_text, column)


def uncsv_cell(value):
    """Undo ``csv_cell`` when reading a CSV textmine (or a careful tool) wrote."""
    if isinstance(value, str) and value.startswith("'") and is_formula_like(value.lstrip("'")):
        return value[1:]
    return value


def atomic_path(path: Path):
    """A temporary file beside ``path``; ``publish`` renames it into place when written."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    return Path(tmp)


def publish(tmp: Path, path: Path, *, directory: bool = False) -> None:
    """Give ``tmp`` ordinary permissions (mkstemp makes it owner-only) and rename it to ``path``."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, (0o777 if directory else 0o666) & ~umask)
    os.replace(tmp, path)


def write_csv(df: pd.DataFrame, path) -> Path:
    """Write UTF-8, comma-separated CSV with formula-safe cells, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = atomic_path(path)
    try:
        tmp.write_bytes(csv_bytes(df))
        publish(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def csv_bytes(df: pd.DataFrame, header: bool = True) -> bytes:
    """``df`` as ``write_csv`` writes it; without ``header`` the rows only, to append to a file."""
    safe = df.apply(_csv_column)
    safe.columns = [csv_cell(str(c)) for c in df.columns]
    # CRLF rows (as Excel writes them) make the csv module quote a lone "\r" inside a cell.
    return safe.to_csv(index=False, header=header, lineterminator="\r\n").encode("utf-8")


def write_json(obj, path) -> Path:
    """Write JSON (UTF-8, indented) atomically."""
    import json

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = atomic_path(path)
    try:
        tmp.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        publish(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def write_xlsx(sheets: dict[str, pd.DataFrame], path) -> Path:
    """Write one sheet per DataFrame; every string cell is typed as text, never a formula."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = _workbook(sheets)
    tmp = atomic_path(path)
    try:
        wb.save(tmp)
        publish(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """The same workbook as ``write_xlsx``, in memory (for downloads)."""
    buffer = io.BytesIO()
    _workbook(sheets).save(buffer)
    return buffer.getvalue()


def _workbook(sheets: dict[str, pd.DataFrame]):
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    for name, df in sheets.items():
        ws = wb.create_sheet(title=_sheet_title(name))
        ws.append([clean_text(c) for c in df.columns])
        for record in df.itertuples(index=False):
            ws.append([_xlsx_value(v) for v in record])
        for row in ws.iter_rows(min_row=1):
            for cell in row:
                if isinstance(cell.value, str):
                    cell.data_type = "s"   # never "f": a respondent's "=..." stays text
        ws.freeze_panes = "A2"
        for i, col in enumerate(df.columns, start=1):
            width = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)])
            ws.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 80)
    return wb


def _xlsx_value(value):
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return clean_text(value)
    if hasattr(value, "item"):          # numpy scalars
        return value.item()
    return value


def _sheet_title(name: str) -> str:
    # Excel sheet titles: at most 31 characters, none of []:*?/\
    return re.sub(r"[\[\]:*?/\\]", "_", clean_text(name))[:31] or "Ark"
