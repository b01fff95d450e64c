"""Danish sentences for the report, in the agency's style: "65 pct.", "(n=79)", "Anm.: …".

Every number comes from a suppressed table, so a cell shown as "<3" is never
spelled out in the text.
"""

from __future__ import annotations

import pandas as pd

from . import tables as T
from .stats import ALPHA
from .survey import Question


def pct_da(pct) -> str:
    return f"{int(pct)} pct."


def p_da(p: float) -> str:
    """'p = 0,09' or 'p < 0,001', with a Danish decimal comma."""
    if p < 0.001:
        return "p < 0,001"
    return "p = " + (f"{p:.3f}" if p < 0.01 else f"{p:.2f}").replace(".", ",")


def join_da(items) -> str:
    items = list(items)
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]


def q_da(label: str) -> str:
    return f"'{label}'"


def caption(number: int, title: str, n: int) -> str:
    """'Figur 1. Hvilken type organisation arbejder du i? (n=79)'"""
    return f"Figur {number}. {title} (n={n})"


def visible(table: pd.DataFrame, group: str = T.WHOLE) -> pd.DataFrame:
    """Rows of one group whose percentage may be shown."""
    rows = table[table[T.GROUP] == group]
    return rows[rows[T.PCT].notna() & ~T.is_suppressed(rows[T.N])]


def _ranked(rows: pd.DataFrame) -> pd.DataFrame:
    return rows.sort_values(T.PCT, ascending=False, kind="stable")


def _ranking(rows: pd.DataFrame, of: str = "") -> str:
    """"'Kommune' (65 pct.), efterfulgt af 'Krisecenter' (16 pct.) og 'Politi' (11 pct.)"."""
    top = _ranked(rows).head(4)
    parts = [f"{q_da(o)} ({pct_da(p)}{of if i == 0 else ''})" for i, (o, p) in enumerate(zip(top[T.OPTION], top[T.PCT]))]
    if len(parts) == 1:
        return parts[0]
    return parts[0] + ", efterfulgt af " + join_da(parts[1:])


def groups_shown(table: pd.DataFrame, min_cell: int) -> list[str]:
    """Groups with at least ``min_cell`` respondents in the base, in table order."""
    rows = table[(table[T.GROUP] != T.WHOLE) & (table[T.BASE] >= min_cell)]
    return list(dict.fromkeys(rows[T.GROUP]))


def by_group_top(table: pd.DataFrame, groups: list[str], grouping_short: str) -> str:
    parts = []
    for g in groups:
        rows = _ranked(visible(table, g))
        if len(rows):
            parts.append(f"{g}: {q_da(rows[T.OPTION].iat[0])} ({pct_da(rows[T.PCT].iat[0])})")
    if not parts:
        return ""
    return f"Det hyppigste svar fordelt på {grouping_short.lower()}: " + "; ".join(parts) + "."


def single_text(table: pd.DataFrame, q: Question, groups: list[str], grouping_short: str | None) -> list[str]:
    rows = visible(table)
    if rows.empty:
        return ["Der er for få besvarelser til at vise fordelingen."]
    base = int(table[table[T.GROUP] == T.WHOLE][T.BASE].iat[0])
    top = _ranked(rows).iloc[0]
    rest = _ranked(rows).iloc[1:4]
    first = f"har {pct_da(top[T.PCT])} svaret {q_da(top[T.OPTION])}"
    tail = [f"{q_da(o)} ({pct_da(p)})" for o, p in zip(rest[T.OPTION], rest[T.PCT])]
    out = [f"Blandt de {base} respondenter, der har besvaret spørgsmålet, {first}"
           + (f", efterfulgt af {join_da(tail)}." if tail else ".")]
    if groups and grouping_short:
        out.append(by_group_top(table, groups, grouping_short))
    return [s for s in out if s]


def multiple_text(table: pd.DataFrame, count: pd.DataFrame, q: Question, groups: list[str],
                  grouping_short: str | None) -> list[str]:
    rows = visible(table)
    named = rows[rows[T.OPTION] != (q.other.option if q.other else None)]
    if named.empty:
        return ["Der er for få besvarelser til at vise fordelingen."]
    top = _ranked(named).iloc[0]
    rest = _ranked(named).iloc[1:4]
    tail = [f"{q_da(o)} ({pct_da(p)})" for o, p in zip(rest[T.OPTION], rest[T.PCT])]
    out = [f"Der kan sættes flere krydser. Flest har valgt {q_da(top[T.OPTION])} "
           f"({pct_da(top[T.PCT])} af alle respondenter)" + (f", efterfulgt af {join_da(tail)}." if tail else ".")]
    more = visible(count)
    if len(more):
        out.append(f"{pct_da(more[T.PCT].iat[0])} af respondenterne har valgt mere end én svarmulighed.")
    if q.other:
        other = table[(table[T.GROUP] == T.WHOLE) & (table[T.OPTION] == q.other.option)]
        if len(other):
            n = other[T.N].iat[0]
            said = f"færre end {n[1:]}" if isinstance(n, str) else str(n)
            out.append(f"{said.capitalize()} respondenter har svaret {q_da(q.other.option)}; "
                       "hvad de har skrevet, er kodet i temaer nedenfor.")
    if groups and grouping_short:
        out.append(by_group_top(table, groups, grouping_short).replace("Det hyppigste svar", "Den hyppigste type"))
    return out


def scale_text(full: pd.DataFrame, top: pd.DataFrame, q: Question, groups: list[str],
               grouping_short: str | None, bottom: pd.DataFrame | None = None) -> list[str]:
    whole = visible(top)
    base = int(top[top[T.GROUP] == T.WHOLE][T.BASE].iat[0])
    labels = [q_da(x) for x in q.labels[:q.top_box]]
    if whole.empty:
        return [f"Færre end 3 af de {base} respondenter har svaret {join_da(labels).replace(' og ', ' eller ')}."]
    out = [f"{pct_da(whole[T.PCT].iat[0])} af respondenterne svarer {' eller '.join(labels)} (n={base})."]
    if bottom is not None:
        out.append(_rest_of_scale(full, bottom, q))
    shown = [g for g in groups if len(visible(top, g))]
    if shown and grouping_short:
        pcts = [int(visible(top, g)[T.PCT].iat[0]) for g in shown]
        if len(set(pcts)) == 1:
            out.append(f"Andelen er {pct_da(pcts[0])} i alle grupper ({grouping_short.lower()}), der kan vises.")
        else:
            out.append(f"Fordelt på {grouping_short.lower()} ligger andelen mellem {min(pcts)} og "
                       f"{pct_da(max(pcts))} i de grupper, der kan vises.")
    return out


def _rest_of_scale(full: pd.DataFrame, bottom: pd.DataFrame, q: Question) -> str:
    """'41 pct. svarer 'I nogen grad', og 25 pct. svarer 'I lav grad' eller 'I meget lav grad'.'"""
    middle = visible(full)
    middle = middle[middle[T.OPTION].isin(q.labels[q.top_box:len(q.labels) - q.bottom_box])]
    parts = [f"{pct_da(p)} svarer {q_da(o)}" for o, p in zip(middle[T.OPTION], middle[T.PCT])]
    low = visible(bottom)
    labels = " eller ".join(q_da(x) for x in q.labels[len(q.labels) - q.bottom_box:])
    n = bottom[bottom[T.GROUP] == T.WHOLE][T.N].iat[0]
    parts.append(f"{pct_da(low[T.PCT].iat[0])} svarer {labels}" if len(low) else f"færre end {n[1:]} svarer {labels}")
    text = ", ".join(parts[:-1]) + ", og " + parts[-1] if len(parts) > 1 else parts[0]
    return text[:1].upper() + text[1:] + "."


def theme_intro(table: pd.DataFrame, n_all: int, min_cell: int) -> list[str]:
    base = int(table[table[T.GROUP] == T.WHOLE][T.BASE].iat[0])
    if base < min_cell:
        return [f"Færre end {min_cell} respondenter har skrevet et svar, så temaerne vises ikke fordelt."]
    out = [f"{base} af de {n_all} respondenter ({pct_da(T.percent(base, n_all))}) har skrevet et svar."]
    rows = visible(table)
    rows = rows[rows[T.N].map(lambda n: not isinstance(n, str) and n > 0)]
    if len(rows):
        out.append(f"De hyppigste temaer er {_ranking(rows, ' af dem, der har svaret')}.")
    return out


def theme_summary(answered: pd.DataFrame, of_all: pd.DataFrame, theme_label: str, groups: list[str],
                  grouping_short: str | None, min_cell: int) -> str:
    """'Temaet nævnes i 24 af 59 svar (41 pct. af dem, der har svaret; 30 pct. af alle respondenter). …'"""
    row = answered[(answered[T.GROUP] == T.WHOLE) & (answered[T.OPTION] == theme_label)].iloc[0]
    if isinstance(row[T.N], str):
        return f"Temaet nævnes i færre end {min_cell} svar."
    if row[T.N] == 0:
        return "Temaet er ikke fundet i svarene."
    alle = of_all[(of_all[T.GROUP] == T.WHOLE) & (of_all[T.OPTION] == theme_label)][T.PCT].iat[0]
    text = (f"Temaet nævnes i {row[T.N]} af {row[T.BASE]} svar ({pct_da(row[T.PCT])} af dem, der har svaret; "
            f"{pct_da(alle)} af alle respondenter).")
    if groups and grouping_short:
        parts, hidden = [], []
        for g in groups:
            cell = answered[(answered[T.GROUP] == g) & (answered[T.OPTION] == theme_label)]
            if len(cell) and pd.notna(cell[T.PCT].iat[0]):
                parts.append(f"{g} {pct_da(cell[T.PCT].iat[0])}")
            elif len(cell):
                hidden.append(g)
        if parts:
            text += f" Fordelt på {grouping_short.lower()}: {join_da(parts)}"
            text += f" (færre end {min_cell} i {join_da(hidden)})." if hidden else ""
            text = text if text.endswith(".") else text + "."
    return text


def test_text(tests: pd.DataFrame, exclusive: bool) -> list[str]:
    """The test result(s) of one table as sentences, with the warning."""
    if tests.empty:
        return []
    warnings = list(dict.fromkeys(w for w in tests["warning"] if w))
    done = tests[tests["p"].notna()]
    if done.empty:
        return warnings
    if exclusive:
        r = done.iloc[0]
        verdict = "er statistisk signifikant" if r["p"] < ALPHA else "er ikke statistisk signifikant"
        return [f"Forskellen mellem grupperne {verdict} ({r['test']}, {p_da(r['p'])})."] + warnings
    sig = done[done["p"] < ALPHA]
    if sig.empty:
        return ["Ingen af forskellene mellem grupperne er statistisk signifikante (p ≥ 0,05)."] + warnings
    items = [f"{q_da(o)} ({p_da(p)})" for o, p in zip(sig[T.OPTION], sig["p"])]
    return [(f"Forskellen mellem grupperne er statistisk signifikant for {join_da(items)}; "
            "de øvrige forskelle er ikke statistisk signifikante.")] + warnings


def note(parts) -> str:
    return "Anm.: " + " ".join(p for p in parts if p)
