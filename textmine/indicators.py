"""What indicator and bottom-box tables count, and the Danish notes and sentences about them.

An indicator (``indicators:`` in the survey definition) is a share across
single/scale questions. Its base is the respondents who answered at least one
of its questions. With ``rule``

  any   at least one answer is one of the indicator's answers;
  all   every question the respondent was asked (``ask_if``) is answered, and
        every answer is one of them;
  none  every question the respondent was asked is answered, and no answer is
        one of them.

So a respondent who left the survey halfway is in the base, but can only count
under ``any``: what they would have said to the rest is unknown. Functions take
DataFrames and return new ones; they never change their input.
"""

from __future__ import annotations

import pandas as pd

from .survey import Indicator, Question, Survey


def answered(values: pd.Series) -> pd.Series:
    """True where a cell holds an answer (not blank)."""
    return values.notna() & (values.astype(str).str.strip() != "")


def asked(q: Question, survey: Survey, respondents: pd.DataFrame) -> pd.Series:
    """True for the respondents question ``q`` was put to (everyone, unless it has ``ask_if``)."""
    if q.ask_if is None:
        return pd.Series(True, index=respondents.index)
    return respondents[survey.question(q.ask_if.question).column].isin(q.ask_if.answers)


def indicator_counts(ind: Indicator, survey: Survey, respondents: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """(hit, base): boolean Series over respondents for one indicator.

    Examples
    --------
    >>> hit, base = indicator_counts(survey.indicators[0], survey, df)  # doctest: +SKIP
    >>> f"{hit.sum()} af {base.sum()} kender mindst én aktivitet"  # doctest: +SKIP
    '185 af 230 kender mindst én aktivitet'
    """
    questions = [survey.question(n) for n in ind.questions]
    given = pd.DataFrame({q.number: answered(respondents[q.column]) for q in questions}, index=respondents.index)
    match = pd.DataFrame({q.number: respondents[q.column].isin(ind.answers) & given[q.number] for q in questions},
                         index=respondents.index)
    owed = pd.DataFrame({q.number: asked(q, survey, respondents) & ~given[q.number] for q in questions},
                        index=respondents.index)
    base = given.any(axis=1)
    complete = ~owed.any(axis=1)
    if ind.rule == "any":
        hit = match.any(axis=1)
    elif ind.rule == "all":
        hit = complete & (match == given).all(axis=1)
    else:
        hit = complete & ~match.any(axis=1)
    return hit & base, base


def indicator_frames(ind: Indicator, survey: Survey, respondents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(hits, bases) as tables.build_table wants them: one column, the indicator's text."""
    hit, base = indicator_counts(ind, survey, respondents)
    return pd.DataFrame({ind.text: hit}), pd.DataFrame({ind.text: base})


def bottom_box_label(q: Question) -> str:
    """'I lav grad eller i meget lav grad' for a bottom-2 box."""
    low = list(q.labels[len(q.labels) - q.bottom_box:])
    return " eller ".join([low[0]] + [t[:1].lower() + t[1:] for t in low[1:]])


def bottom_box_frames(q: Question, respondents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(hits, bases) for the last ``bottom_box`` options; not-applicable answers are out of the base."""
    values = respondents[q.column]
    label = bottom_box_label(q)
    return (pd.DataFrame({label: values.isin(q.labels[len(q.labels) - q.bottom_box:])}),
            pd.DataFrame({label: values.isin(q.labels)}))


# --- Danish text ---

def _numbers_da(numbers) -> str:
    numbers = [str(n) for n in numbers]
    return numbers[0] if len(numbers) == 1 else ", ".join(numbers[:-1]) + " og " + numbers[-1]


def ask_if_note(q: Question) -> str:
    """'Spørgsmålet er kun stillet til respondenter, der har svaret 'Ja' til spørgsmål 2.'"""
    answers = " eller ".join(f"'{a}'" for a in q.ask_if.answers)
    return f"Spørgsmålet er kun stillet til respondenter, der har svaret {answers} til spørgsmål {q.ask_if.question}."


def indicator_notes(ind: Indicator, base: int) -> list[str]:
    """The 'Anm.' lines of an indicator table: its base and its rule."""
    one = len(ind.questions) == 1
    which = f"spørgsmål {ind.questions[0]}" if one else f"mindst ét af spørgsmålene {_numbers_da(ind.questions)}"
    answers = " eller ".join(f"'{a}'" for a in ind.answers)
    notes = [f"Basen er de {base} respondenter, der har besvaret {which}."]
    if ind.rule == "any":
        notes.append(f"Respondenten tælles med, når mindst ét svar er {answers}." if not one
                     else f"Respondenten tælles med ved svaret {answers}.")
    else:
        every = "alle svar er" if ind.rule == "all" else "intet svar er"
        notes.append(f"Respondenten tælles med, når {every} {answers}, og kun når alle de spørgsmål, "
                     "respondenten er blevet stillet, er besvaret. Respondenter, der har forladt "
                     "undersøgelsen undervejs, indgår derfor i basen, men ikke her.")
    return notes


def indicator_sentence(text: str, pct, n, base: int, min_cell: int) -> str:
    """'80 pct. kender mindst én af de fire aktiviteter (n=230).'"""
    if isinstance(n, str) or pct is None or pd.isna(pct):
        return f"Færre end {min_cell} af de {base} respondenter {text}."
    return f"{int(pct)} pct. {text} (n={base})."
