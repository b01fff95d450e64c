"""Skip logic and indicators of a survey definition: ``ask_if`` on a question, ``indicators:`` across questions.

``ask_if: {question: 2, answers: [Ja]}`` says a question is only put to those
who gave one of ``answers`` to question 2; the others leave it blank, which is
"not asked", not "missing". An indicator counts, across single/scale
questions, those whose answers meet a rule (any/all/none); see
``textmine.indicators`` for how its table is counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import SurveyDefinitionError

if TYPE_CHECKING:
    from .survey import Survey

RULES = ("any", "all", "none")


@dataclass(frozen=True)
class AskIf:
    """The question is only put to respondents whose answer to ``question`` is one of ``answers``."""

    question: int
    answers: tuple[str, ...]


@dataclass(frozen=True)
class Indicator:
    """A measure across questions: the share whose answers meet ``rule`` (any/all/none)."""

    id: str
    text: str
    questions: tuple[int, ...]
    answers: tuple[str, ...]
    rule: str = "any"


def parse_ask_if(raw, where: str, path: Path) -> AskIf | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise SurveyDefinitionError(f"{path}: {where}: 'ask_if' skal skrives som {{question: 2, answers: [Ja]}}")
    answers = _need(raw, "answers", f"{where} 'ask_if'", path)
    return AskIf(int(_need(raw, "question", f"{where} 'ask_if'", path)),
                 tuple(str(a) for a in (answers if isinstance(answers, list) else [answers])))


def parse_indicator(raw: dict, index: int, path: Path) -> Indicator:
    where = f"indikator nr. {index + 1} i 'indicators'"
    if not isinstance(raw, dict):
        raise SurveyDefinitionError(f"{path}: {where} skal have felterne id, text, questions, answers og rule")
    ident = str(_need(raw, "id", where, path))
    where = f"indikatoren '{ident}'"
    questions, answers = _need(raw, "questions", where, path), _need(raw, "answers", where, path)
    rule = str(raw.get("rule", "any"))
    if rule not in RULES:
        raise SurveyDefinitionError(f"{path}: {where} har rule '{rule}'; brug en af {list(RULES)}")
    return Indicator(id=ident, text=str(_need(raw, "text", where, path)),
                     questions=tuple(int(q) for q in (questions if isinstance(questions, list) else [questions])),
                     answers=tuple(str(a) for a in (answers if isinstance(answers, list) else [answers])), rule=rule)


def check_logic(survey: Survey) -> None:
    """ask_if and indicators may only name questions and answer labels that exist."""
    path, numbers = survey.path, [q.number for q in survey.questions]

    def labels_of(number: int, where: str) -> tuple[str, ...]:
        if number not in numbers:
            raise SurveyDefinitionError(f"{path}: {where} nævner spørgsmål {number}, som ikke findes; "
                                        f"spørgsmål: {numbers}")
        q = survey.question(number)
        if q.kind not in ("single", "scale"):
            raise SurveyDefinitionError(f"{path}: {where} nævner spørgsmål {number}, men det er '{q.kind}'; "
                                        "kun spørgsmål med ét svar (single/scale) kan bruges")
        return q.allowed

    def check_answers(answers, allowed, where: str) -> None:
        for a in answers:
            if a not in allowed:
                raise SurveyDefinitionError(f"{path}: {where} nævner svaret '{a}', som ikke er en svarmulighed; "
                                            f"svarmuligheder: {list(dict.fromkeys(allowed))}")

    for q in survey.questions:
        if q.ask_if:
            where = f"spørgsmål {q.number} 'ask_if'"
            if q.ask_if.question == q.number:
                raise SurveyDefinitionError(f"{path}: {where} peger på spørgsmålet selv")
            check_answers(q.ask_if.answers, labels_of(q.ask_if.question, where), where)
    ids = [i.id for i in survey.indicators]
    for ind in survey.indicators:
        where = f"indikatoren '{ind.id}'"
        if ids.count(ind.id) > 1 or len(ind.id) > 31 or not ind.id.replace("_", "").isalnum():
            raise SurveyDefinitionError(f"{path}: {where}: id skal være entydigt, højst 31 tegn og kun "
                                        "bogstaver, tal og '_' (det bliver navnet på et ark i report.xlsx)")
        allowed = tuple(a for n in ind.questions for a in labels_of(n, where))
        check_answers(ind.answers, allowed, where)


def _need(raw: dict, key: str, where: str, path: Path):
    if key not in raw or raw[key] in (None, "", []):
        raise SurveyDefinitionError(f"{path}: {where} mangler feltet '{key}'")
    return raw[key]
