"""The Word report: a Danish section per question with figure, table, tests, themes, quotes and notes.

Layout follows SIRI's notes: "Heading 1/2/3", the caption "Figur N. <titel>
(n=…)" above each figure, "65 pct." in the text and "Anm.: …" under the
tables. Every string passes ``safe.clean_text``, so a respondent's control
characters cannot break the file; the numbers come suppressed from the tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from . import prose
from . import tables as T
from .indicators import indicator_sentence
from .safe import atomic_path, clean_text, publish

if TYPE_CHECKING:
    from .report import ReportContent

WHOLE_LABEL = "I alt"
FIGURE_WIDTH = Cm(16)
TEXT_WIDTH = Cm(16)
FIRST_COLUMN = Cm(6.5)
LANGUAGE = "da-DK"


def write_docx(content: ReportContent, path) -> Path:
    """Write the report section to ``path`` (atomically)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = Document()
    _danish(doc)
    doc.core_properties.title = clean_text(content.survey.title)
    doc.core_properties.language = LANGUAGE
    writer = _Writer(doc, content)
    writer.intro()
    writer.indicators()
    for q in content.survey.questions:
        writer.question(q)
    tmp = atomic_path(path)
    try:
        doc.save(str(tmp))
        publish(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _danish(doc) -> None:
    """Danish proofing language and a readable body size."""
    for name in ("Normal", "Caption", "Quote"):
        style = doc.styles[name]
        rpr = style.element.get_or_add_rPr()
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), LANGUAGE)
        rpr.append(lang)
    doc.styles["Normal"].font.size = Pt(10.5)


class _Writer:
    def __init__(self, doc, content: ReportContent):
        self.doc, self.c = doc, content
        self.tables_written = 0

    # --- building blocks ---

    def p(self, text: str, style: str | None = None):
        return self.doc.add_paragraph(clean_text(text), style=style)

    def heading(self, text: str, level: int):
        return self.doc.add_heading(clean_text(text), level=level)

    def note(self, notes: list[str]):
        notes = list(dict.fromkeys(n for n in notes if n))
        if notes:
            para = self.p(prose.note(notes))
            para.paragraph_format.space_before = Pt(6)    # clear of a table above
            for run in para.runs:
                run.font.size = Pt(8.5)

    def figure(self, table_id: str):
        for f in self.c.figures:
            if f.table == table_id:
                self.p(f.caption, style="Caption")
                self.doc.add_picture(str(f.path), width=FIGURE_WIDTH)

    def wide_table(self, rows: pd.DataFrame, title: str, first_header: str) -> list[str]:
        """Options down, 'I alt' and each group across; percentages or '<3'.

        Groups smaller than the minimum cell size get no column of their own
        (every cell would be '<3'); the returned note names them.
        """
        base = rows.drop_duplicates(T.GROUP).set_index(T.GROUP)[T.BASE]
        groups = [g for g in base.index if g != T.WHOLE]
        shown = [g for g in groups if base[g] >= self.c.min_cell]
        hidden = [f"{g} (n={int(base[g])})" for g in groups if g not in shown]
        columns = [T.WHOLE] + shown
        options = list(dict.fromkeys(rows[T.OPTION]))
        self.tables_written += 1
        self.p(f"Tabel {self.tables_written}. {title} (n={int(base.get(T.WHOLE, 0))})", style="Caption")
        table = self.doc.add_table(rows=1 + len(options), cols=1 + len(columns))
        table.style = "Table Grid"
        table.autofit = False
        header = [first_header] + [f"{WHOLE_LABEL if g == T.WHOLE else g} (n={int(base[g])})" for g in columns]
        cell_of = {(o, g): (n, p) for o, g, n, p in zip(rows[T.OPTION], rows[T.GROUP], rows[T.N], rows[T.PCT])}
        widths = [FIRST_COLUMN] + [(TEXT_WIDTH - FIRST_COLUMN) // len(columns)] * len(columns)
        for j, width in enumerate(widths):
            table.columns[j].width = width     # LibreOffice reads the grid, Word the cells
        for j, text in enumerate(header):
            self._cell(table.cell(0, j), text, widths[j], bold=True)
        for i, option in enumerate(options, start=1):
            self._cell(table.cell(i, 0), option, widths[0])
            for j, g in enumerate(columns, start=1):
                n, pct = cell_of.get((option, g), (None, None))
                text = n if isinstance(n, str) else ("–" if pct is None or pd.isna(pct) else str(int(pct)))
                self._cell(table.cell(i, j), text, widths[j])
        if not hidden:
            return []
        return [(f"{prose.join_da(hidden)} har færre end {self.c.min_cell} respondenter og vises ikke særskilt "
                "i tabellen, men indgår i 'I alt'.")]

    @staticmethod
    def _cell(cell, text: str, width, bold: bool = False):
        cell.text = ""
        cell.width = width
        run = cell.paragraphs[0].add_run(clean_text(text))
        run.font.size = Pt(8)
        run.bold = bold

    def tests(self, table_id: str, exclusive: bool):
        if self.c.grouping is None:
            return
        tests = self.c.tests[self.c.tests[T.TABLE] == table_id]
        for i, sentence in enumerate(prose.test_text(tests, exclusive)):
            para = self.p(sentence)
            if i == 0:
                para.paragraph_format.space_before = Pt(6)

    # --- sections ---

    def intro(self):
        c = self.c
        self.heading(c.survey.title, 1)
        self.p(f"Afsnittet præsenterer resultaterne af spørgeskemaundersøgelsen. {c.n_respondents} respondenter "
               f"indgår i opgørelsen (eksport: {c.export_name}). Andelene er angivet i hele procent af dem, der har "
               "besvaret det enkelte spørgsmål, medmindre andet er nævnt.")
        if c.grouping:
            self.p(f"Resultaterne er desuden opdelt på {c.grouping.short.lower()} (spørgsmål {c.grouping.question}). "
                   "Forskelle mellem grupperne er testet med en chi-i-anden-test eller, hvor der er få besvarelser, "
                   f"Fishers eksakte test. Grupper med færre end {c.min_cell} respondenter indgår ikke i testene, og "
                   "p-værdierne er ikke korrigeret for, at der testes flere gange.")
        self.note([(f"Celler med færre end {c.min_cell} respondenter vises som "
                   f"'{T.suppressed_label(c.min_cell)}' af hensyn til anonymiteten, og der vises ikke citater fra "
                   f"grupper med færre end {c.min_cell} respondenter. Citater er maskeret for navne, "
                   "telefonnumre, e-mailadresser og cpr-numre.")])

    def indicators(self):
        """A section with each indicator across questions: a sentence, a table by group, notes."""
        c = self.c
        specs = [s for s in c.specs if s.kind == T.INDICATOR]
        if not specs:
            return
        self.heading("Samlede mål på tværs af spørgsmål", 2)
        for spec in specs:
            table = c.table(spec.id)
            whole = table[table[T.GROUP] == T.WHOLE].iloc[0]
            self.p(indicator_sentence(spec.indicator.text, whole[T.PCT], whole[T.N], int(whole[T.BASE]),
                                      c.min_cell))
            hidden = self.wide_table(table, f"{spec.title}, andel i pct.", "Mål")
            self.tests(spec.id, True)
            self.note(c.notes.get(spec.id, []) + hidden)

    def question(self, q):
        self.heading(f"Spørgsmål {q.number}. {q.short}", 2)
        self.p(q.text).runs[0].italic = True
        specs = [s for s in self.c.specs if s.question == q.number and s.indicator is None]
        if q.kind != "text":
            self.closed(q, specs)
        for f in q.text_fields:
            spec = next((s for s in specs if s.field == f and s.kind == T.THEMES), None)
            if spec is not None:
                self.themes(q, spec, next(s for s in specs if s.field == f and s.kind == T.THEMES_ALL))

    def closed(self, q, specs):
        c = self.c
        main = next(s for s in specs if s.kind in (T.SINGLE, T.MULTIPLE, T.SCALE))
        extra = [s for s in specs if s.kind in (T.MULTIPLE_COUNT, T.TOP_BOX, T.BOTTOM_BOX)]
        table = c.table(main.id)
        groups = c.groups(main.id)
        short = c.grouping.short if c.grouping else None
        if main.kind == T.SINGLE:
            sentences = prose.single_text(table, q, groups, short)
        elif main.kind == T.MULTIPLE:
            sentences = prose.multiple_text(table, c.table(extra[0].id), q, groups, short)
        else:
            bottom = next((c.table(s.id) for s in extra if s.kind == T.BOTTOM_BOX), None)
            sentences = prose.scale_text(table, c.table(extra[0].id), q, groups, short, bottom)
        for s in sentences:
            self.p(s)
        self.figure(main.id)
        rows = table[~table[T.OPTION].isin(q.not_applicable)]
        rows = pd.concat([rows] + [c.table(s.id) for s in extra], ignore_index=True)
        hidden = self.wide_table(rows, f"{T.question_title(q)}, andel i pct.", "Svar")
        self.tests(main.id, main.exclusive)
        for s in extra:
            if s.kind in (T.TOP_BOX, T.BOTTOM_BOX):
                self.tests(s.id, True)
        self.note([n for s in [main] + extra for n in c.notes.get(s.id, [])] + hidden)

    def themes(self, q, spec, spec_all):
        c = self.c
        level = 3
        if spec.field.is_other:
            self.heading(f"Svar i {prose.q_da(spec.field.option)}", 3)
            level = 4
        table = c.table(spec.id)
        for s in prose.theme_intro(table, c.n_respondents, c.min_cell):
            self.p(s)
        whole_base = int(table[table[T.GROUP] == T.WHOLE][T.BASE].iat[0])
        notes = list(c.notes.get(spec.id, []))
        if whole_base >= c.min_cell:
            self.figure(spec.id)
            found = table[(table[T.GROUP] == T.WHOLE) & (table[T.N].astype(str) != "0")][T.OPTION]
            if len(found) < table[T.OPTION].nunique():
                notes.append("Temaer, der ikke er fundet i svarene, er udeladt.")
            if len(found):   # no table when no answer got a theme (it would have no rows)
                notes += self.wide_table(table[table[T.OPTION].isin(found)],
                                         f"{spec.title}, andel i pct. af dem, der har svaret", "Tema")
            self.tests(spec.id, False)
            groups = c.groups(spec.id)
            short = c.grouping.short if c.grouping else None
            cb = c.codebooks[spec.field.column]
            for theme in cb.themes:
                whole = table[(table[T.GROUP] == T.WHOLE) & (table[T.OPTION] == theme.label)]
                if whole.empty or whole[T.N].iat[0] == 0:
                    continue
                self.heading(theme.label, level)
                self.p(prose.theme_summary(table, c.table(spec_all.id), theme.label, groups, short, c.min_cell))
                quotes = c.quotes[(c.quotes["column"] == spec.field.column) & (c.quotes["theme"] == theme.id)]
                for text, group in zip(quotes["quote"], quotes["group"]):
                    self.p(f"»{text}«" + (f" ({group})" if group else ""), style="Quote")
        self.note(notes)
