"""Write the broken exports in this folder from ../eksport-lille.csv (a valid 7-row export).

Run ``python tests/data/bad/make_bad.py`` after changing the valid export; the
output is the same every run (only the zip timestamps inside the .xlsx files
differ). The 1 MB answer is not stored here: tests/test_bad_exports.py builds it
in a temporary folder with ``long_answer`` below.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
VALID = HERE.parent / "eksport-lille.csv"
FIXED_TIME = datetime.datetime(2024, 9, 20, 12, 0, 0)


def valid_text() -> str:
    return VALID.read_text(encoding="utf-8-sig")


def valid_rows() -> list[list[str]]:
    # The valid export has no quoted semicolons except in row 7 (respondent 506).
    import csv
    import io

    return list(csv.reader(io.StringIO(valid_text(), newline=""), delimiter=";"))


def _quote(cell: str, sep: str) -> str:
    return '"' + cell.replace('"', '""') + '"' if any(x in cell for x in sep + '"\n') else cell


def csv_text(rows: list[list[str]], sep: str = ";") -> str:
    return "".join(sep.join(_quote(c, sep) for c in r) + "\n" for r in rows)


def long_answer(n: int = 1_000_000) -> str:
    """A sane but very long comment: Danish words repeated to ``n`` characters."""
    words = "Konsulenten hjalp os med en svær sag om æresrelateret kontrol og sikkerhed. "
    return (words * (n // len(words) + 1))[:n]


def replaced(old: str, new: str) -> str:
    text = valid_text()
    assert old in text, old
    return text.replace(old, new, 1)


def _write_xlsx(path: Path, sheets: dict[str, list[list[str]]]) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        for cells in ws.iter_rows():
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"   # the "=HYPERLINK" answer stays text
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.save(path)


def main(out: Path = HERE) -> None:
    text = valid_text()
    lines = text.splitlines(keepends=True)
    utf8 = lambda name, t: (out / name).write_bytes(t.encode("utf-8"))  # noqa: E731

    utf8("skilletegn-lodret-streg.csv", text.replace(";", "|"))
    # Rows 2-4 saved by Danish Excel (cp1252), the rest UTF-8: someone pasted between files.
    (out / "cp1252-blandet.csv").write_bytes(
        "".join(lines[:1]).encode("utf-8") + "".join(lines[1:4]).encode("cp1252") + "".join(lines[4:]).encode("utf-8"))
    # UTF-8 read as cp1252 and saved again as UTF-8: "æ" became "Ã¦", "–" became "â€“".
    utf8("mojibake.csv", text.encode("utf-8").decode("cp1252"))
    (out / "utf16-tab.csv").write_bytes(csv_text(valid_rows(), "\t").encode("utf-16"))
    (out / "tom.csv").write_bytes(b"")
    utf8("kun-overskrift.csv", lines[0])
    utf8("dublet-id.csv", replaced("\n507;", "\n501;"))
    utf8("ukendt-svar.csv", replaced(";Krisecenter;;1 sag;", ";Krisecentret;;1 sag;"))
    utf8("mangler-kolonne.csv", csv_text([r[:6] + r[7:] for r in valid_rows()]))
    # A "browser" column in the middle and an empty one after the last (a trailing ";").
    utf8("ekstra-kolonner.csv", csv_text([r[:3] + ["Firefox 128" if i else "browser"] + r[3:] + [""]
                                          for i, r in enumerate(valid_rows())]))
    (out / "billede.csv").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)))
    rows = valid_rows()
    _write_xlsx(out / "titelraekke.xlsx", {"Eksport": [["Sikkerhedskonsulentordningen 2024 – eksport"]] + rows})
    _write_xlsx(out / "flere-ark.xlsx", {
        "Forside": [["Undersøgelse", "Sikkerhedskonsulentordningen 2024"], ["Eksporteret", "2024-09-20"]],
        "Spørgsmål": [["kolonne", "spørgsmål"], ["q1_organisation", "Hvilken type organisation arbejder du i?"]],
        "Besvarelser": rows,
    })
    dangerous = [
        "=1+1",
        "+45 12 34 56 78",
        "@SUM(A1:A2)",
        "<script>alert('hej')</script><b>Fed</b> tekst",
        "![billede](http://example.invalid/spor.png) Tak for hjælpen",
        "Super hjælp 👍🏽 ❤️ 🇩🇰",
        "Før\x00efter NUL",
        "Klokke\x07 og escape\x1b[31m rød og backspace\x08 og lodret\x0btab",
    ]
    answered = [rows[0]] + [r[:-1] + [dangerous[i]] for i, r in enumerate(rows[1:])]
    answered.append(["508"] + rows[1][1:-1] + [dangerous[7]])
    utf8("farlige-svar.csv", csv_text(answered))


if __name__ == "__main__":
    main()
