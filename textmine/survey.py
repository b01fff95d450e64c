"""Survey definitions: what each column of a survey tool's export means.

A survey definition is a small YAML file an analyst writes once per survey
(see ``data/surveys/sikkerhedskonsulent-2024.yaml``). It is loaded into frozen
dataclasses that hold labels and paths, never respondents' data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import SurveyDefinitionError, read_yaml_mapping
from .survey_logic import AskIf, Indicator, check_logic, parse_ask_if, parse_indicator

KINDS = ("single", "multiple", "scale", "text")


@dataclass(frozen=True)
class Option:
    """One answer option. For multiple choice it has its own 0/1 column."""

    label: str
    column: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class TextField:
    """A free-text column and the code frame that codes it."""

    column: str
    question: int
    codebook: Path | None
    option: str | None = None   # the "Andet" option the text belongs to, if any

    @property
    def is_other(self) -> bool:
        return self.option is not None


@dataclass(frozen=True)
class Question:
    number: int
    text: str
    kind: str
    short: str
    column: str | None = None                     # single, scale, text
    options: tuple[Option, ...] = ()
    not_applicable: tuple[str, ...] = ()          # scale answers left out of the base
    top_box: int = 2
    other: TextField | None = None                # "Andet" text field
    codebook: Path | None = None                  # kind == "text"
    bottom_box: int | None = None                 # scale: also count the last N options
    ask_if: AskIf | None = None                   # blank for those not asked is expected

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(o.label for o in self.options)

    @property
    def allowed(self) -> tuple[str, ...]:
        """Every label the export may write in this question's column."""
        return self.labels + self.not_applicable

    @property
    def closed_columns(self) -> tuple[str, ...]:
        if self.kind == "text":
            return ()
        if self.kind == "multiple":
            return tuple(o.column for o in self.options)
        return (self.column,)

    @property
    def text_fields(self) -> tuple[TextField, ...]:
        if self.kind == "text":
            return (TextField(self.column, self.number, self.codebook),)
        return (self.other,) if self.other else ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.closed_columns + tuple(f.column for f in self.text_fields)

    def option_for_column(self, column: str) -> Option | None:
        return next((o for o in self.options if o.column == column), None)


@dataclass(frozen=True)
class Background:
    """A column the survey tool adds (region, unit) that is not a question."""

    column: str
    label: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Status:
    column: str
    complete: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class Survey:
    survey: str
    title: str
    path: Path
    respondent_id: str
    questions: tuple[Question, ...]
    status: Status | None = None
    background: tuple[Background, ...] = ()
    group_by: int | None = None
    language: str = "da"
    indicators: tuple[Indicator, ...] = ()

    def question(self, number: int) -> Question:
        for q in self.questions:
            if q.number == number:
                return q
        raise SurveyDefinitionError(
            f"{self.path}: spørgsmål {number} findes ikke; spørgsmål: {[q.number for q in self.questions]}"
        )

    @property
    def text_fields(self) -> tuple[TextField, ...]:
        return tuple(f for q in self.questions for f in q.text_fields)

    @property
    def closed_columns(self) -> tuple[str, ...]:
        """Columns of the respondents table, in export order."""
        cols = [self.status.column] if self.status else []
        cols += [b.column for b in self.background]
        cols += [c for q in self.questions for c in q.closed_columns]
        return tuple(cols)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return (self.respondent_id,) + self.closed_columns + tuple(f.column for f in self.text_fields)

    def column_labels(self) -> dict[str, str]:
        """Readable Danish names for closed columns (for the app and reports)."""
        labels = {}
        if self.status:
            labels[self.status.column] = "Status"
        for b in self.background:
            labels[b.column] = b.label
        for q in self.questions:
            if q.kind == "multiple":
                for o in q.options:
                    labels[o.column] = f"{q.number}. {o.label}"
            elif q.kind != "text":
                labels[q.column] = f"{q.number}. {q.short}"
        return labels

    def text_field(self, column: str) -> TextField:
        for f in self.text_fields:
            if f.column == column:
                return f
        raise SurveyDefinitionError(f"{self.path}: '{column}' er ikke et tekstfelt i spørgeskemaet")


def load_survey(path) -> Survey:
    """Load and check a survey definition.

    Examples
    --------
    >>> s = load_survey("data/surveys/sikkerhedskonsulent-2024.yaml")  # doctest: +SKIP
    >>> s.question(1).labels[0]  # doctest: +SKIP
    'Kommune'
    """
    path = Path(path)
    raw = read_yaml_mapping(path, SurveyDefinitionError, "spørgeskemadefinitionen", ("survey", "questions"))
    return _parse_survey(raw, path)


def _need(raw: dict, key: str, where: str, path: Path):
    if key not in raw or raw[key] in (None, ""):
        raise SurveyDefinitionError(f"{path}: {where} mangler feltet '{key}'")
    return raw[key]


def _parse_survey(raw: dict, path: Path) -> Survey:
    base = path.parent
    questions = tuple(_parse_question(q, i, base, path) for i, q in enumerate(_need(raw, "questions", "filen", path)))
    numbers = [q.number for q in questions]
    if len(set(numbers)) != len(numbers):
        raise SurveyDefinitionError(f"{path}: spørgsmålsnumre gentages: {numbers}")
    status = None
    if raw.get("status"):
        s = raw["status"]
        status = Status(
            column=_need(s, "column", "status", path),
            complete=str(_need(s, "complete", "status", path)),
            options=tuple(str(o) for o in s.get("options") or [s["complete"]]),
        )
    background = tuple(
        Background(column=_need(b, "column", "background", path), label=str(b.get("label", b["column"])),
                   options=tuple(str(o) for o in b.get("options") or ()))
        for b in raw.get("background") or ()
    )
    survey = Survey(
        survey=str(_need(raw, "survey", "filen", path)),
        title=str(raw.get("title", raw["survey"])),
        path=path,
        respondent_id=str(raw.get("respondent_id", "respondent_id")),
        questions=questions,
        status=status,
        background=background,
        group_by=raw.get("group_by"),
        language=str(raw.get("language", "da")),
        indicators=tuple(parse_indicator(x, i, path) for i, x in enumerate(raw.get("indicators") or ())),
    )
    check_logic(survey)
    columns = list(survey.required_columns)
    dupes = sorted({c for c in columns if columns.count(c) > 1})
    if dupes:
        raise SurveyDefinitionError(f"{path}: kolonner bruges af flere spørgsmål: {dupes}")
    if survey.group_by is not None:
        survey.question(survey.group_by)
    return survey


def _parse_question(raw: dict, index: int, base: Path, path: Path) -> Question:
    where = f"spørgsmål nr. {index + 1} i listen"
    number = int(_need(raw, "number", where, path))
    where = f"spørgsmål {number}"
    kind = _need(raw, "kind", where, path)
    if kind not in KINDS:
        raise SurveyDefinitionError(f"{path}: {where} har kind '{kind}'; brug en af {list(KINDS)}")
    text = str(_need(raw, "text", where, path))
    options: tuple[Option, ...] = ()
    if kind == "multiple":
        options = tuple(
            Option(label=str(_need(o, "label", where, path)), column=_need(o, "column", where, path), note=o.get("note"))
            for o in _need(raw, "options", where, path)
        )
    elif kind in ("single", "scale"):
        options = tuple(Option(label=str(o)) for o in _need(raw, "options", where, path))
    column = None if kind == "multiple" else _need(raw, "column", where, path)
    codebook = _codebook_path(raw.get("codebook"), base, where, path) if kind == "text" else None
    other = None
    if raw.get("other"):
        o = raw["other"]
        label = str(_need(o, "option", f"{where} 'other'", path))
        if label not in [opt.label for opt in options]:
            raise SurveyDefinitionError(
                f"{path}: {where}: 'other.option' er '{label}', men svarmulighederne er {[x.label for x in options]}"
            )
        other = TextField(
            column=_need(o, "column", f"{where} 'other'", path),
            question=number,
            codebook=_codebook_path(o.get("codebook"), base, where, path),
            option=label,
        )
    return Question(
        number=number,
        text=text,
        kind=kind,
        short=str(raw.get("short", text)),
        column=column,
        options=options,
        not_applicable=tuple(str(x) for x in raw.get("not_applicable") or ()),
        top_box=int(raw.get("top_box", 2)),
        other=other,
        codebook=codebook,
        bottom_box=_box(raw, "bottom_box", kind, options, where, path),
        ask_if=parse_ask_if(raw.get("ask_if"), where, path),
    )


def _box(raw: dict, key: str, kind: str, options, where: str, path: Path) -> int | None:
    if raw.get(key) is None:
        return None
    value = raw[key]
    if kind != "scale" or not isinstance(value, int) or not 1 <= value < len(options):
        raise SurveyDefinitionError(
            f"{path}: {where}: '{key}: {value}' skal være et helt tal fra 1 til {max(len(options) - 1, 1)} "
            f"på et spørgsmål af typen scale")
    return value


def _codebook_path(value, base: Path, where: str, path: Path) -> Path | None:
    if not value:
        return None
    resolved = (base / value).resolve()
    if not resolved.exists():
        raise SurveyDefinitionError(f"{path}: {where} peger på kodearket '{value}', som ikke findes ({resolved})")
    return resolved
