"""Several coders on one review store: samples to double-code, judgements for agreement, starred quotes.

Mixed into ``Store``; the methods use its ``_connection`` and ``_insert``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import func, or_, select

from .errors import StoreError
from .store_schema import CHUNK, answers, assignments, check, decisions, fetch, now, stars, survey_of

JUDGEMENT_COLUMNS = ["key", "coder", "source", "lane", "themes", "at"]
CURRENT_COLUMNS = ["key", "version", "themes", "source", "coder"]
HUMAN = ("human", "adjudicated")


class TeamMixin:
    """``Store`` methods for a team: who double-codes what, and what each coder decided."""

    def assign(self, keys: Iterable[str], coder: str, *, by: str) -> int:
        """Draw answers for ``coder`` to double-code in their own lane; returns how many were new.

        >>> store.assign(["sk2024:17:q8_kommentar"], "Ali", by="Mette")   # doctest: +SKIP
        1
        """
        coder, by = " ".join(str(coder or "").split()), " ".join(str(by or "").split())
        if not coder:
            raise StoreError("en stikprøve skal have en anden koder; feltet er tomt")
        if not by:
            raise StoreError("skriv dit eget navn, før du udtrækker en stikprøve; feltet er tomt")
        at = now()
        params = [{"coder": coder, "key": k, "survey": survey_of(k), "assigned_by": by, "at": at}
                  for k in dict.fromkeys(str(k) for k in keys)]
        if not params:
            return 0
        stmt = self._insert(assignments).on_conflict_do_nothing().returning(assignments.c.key)
        with self._connection(write=True) as c:
            return sum(len(c.execute(stmt, params[i:i + CHUNK]).all()) for i in range(0, len(params), CHUNK))

    def assigned(self, coder: str, survey: str | None = None) -> list[str]:
        """The keys drawn for ``coder``, in the order they were drawn."""
        a = assignments.c
        stmt = select(a.key).where(a.coder == " ".join(str(coder or "").split())).order_by(a.id)
        with self._connection() as c:
            return list(c.execute(stmt if survey is None else stmt.where(a.survey == survey)).scalars())

    def assignees(self, survey: str | None = None) -> list[str]:
        """Coders with a sample to double-code, by name."""
        stmt = select(assignments.c.coder).distinct().order_by(assignments.c.coder)
        with self._connection() as c:
            return list(c.execute(stmt if survey is None else stmt.where(assignments.c.survey == survey)).scalars())

    def last_change(self) -> int:
        """The id of the newest decision in the whole store (0 when empty): it changes with every write.

        One look-up of the primary key's maximum, so the app can ask on every rerun whether
        anything it holds in memory is out of date.
        """
        with self._connection() as c:
            return int(c.execute(select(func.max(decisions.c.id))).scalar() or 0)

    def change_mark(self) -> tuple[int, int]:
        """(id of the newest decision, number of decisions): it changes with every committed write.

        The count catches a write committed after a later one (PostgreSQL hands out ids before
        the commit), which the newest id alone would not show.
        """
        with self._connection() as c:
            newest, count = c.execute(select(func.max(decisions.c.id), func.count())
                                      .select_from(decisions)).one()
        return int(newest or 0), int(count)

    def current_frame(self, survey: str | None = None, lane: str = "", *, since: int = 0) -> pd.DataFrame:
        """``current_all`` as a table (columns ``key, version, themes, source, coder``; themes joined with "|").

        With ``since`` only the answers decided after the decision with that id (``last_change``),
        so a table held in memory is brought up to date with the few rows that changed.
        """
        a = answers.c
        stmt = select(a.key, a.version, a.themes, a.source, a.coder).where(a.lane == lane, a.version > 0)
        if survey is not None:
            stmt = stmt.where(a.survey == survey)
        if since:
            stmt = stmt.where(a.key.in_(select(decisions.c.key).where(decisions.c.id > since,
                                                                      decisions.c.lane == lane)))
        with self._connection() as c:
            return pd.DataFrame.from_records(fetch(c, stmt), columns=CURRENT_COLUMNS)

    def judgements(self, survey: str | None = None) -> pd.DataFrame:
        """Each coder's (and the model's) newest themes per answer over all lanes, for agreement.

        Only answers a person has coded are included: the model's suggestion alone agrees or
        disagrees with nobody. Columns ``key, coder, source, lane, themes, at``; themes joined with "|".
        """
        d = decisions.c
        # Spelled out rather than in_(): fetch() sends the compiled SQL as it is, without expanding lists.
        human = select(d.key).where(or_(*(d.source == s for s in HUMAN)))
        human = human if survey is None else human.where(d.survey == survey)
        newest = select(func.max(d.id)).where(d.key.in_(human)).group_by(d.key, d.coder)
        newest = newest if survey is None else newest.where(d.survey == survey)
        stmt = select(*(d[name] for name in JUDGEMENT_COLUMNS)).where(d.id.in_(newest)).order_by(d.key, d.coder)
        with self._connection() as c:
            return pd.DataFrame.from_records(fetch(c, stmt), columns=JUDGEMENT_COLUMNS)

    def coded_count(self, survey: str | None = None, lane: str = "") -> int:
        """How many answers a person has decided (source human or adjudicated) in ``lane``."""
        stmt = select(func.count()).select_from(answers).where(
            answers.c.lane == lane, answers.c.version > 0, answers.c.source.in_(HUMAN))
        with self._connection() as c:
            return c.execute(stmt if survey is None else stmt.where(answers.c.survey == survey)).scalar_one()

    def star(self, key: str, on: bool = True, *, coder: str) -> bool:
        """Mark (or unmark) an answer as a quote for the report; True when that changed anything."""
        check("human", coder)
        with self._connection(write=True) as c:
            if on:
                stmt = self._insert(stars).values(key=key, survey=survey_of(key), coder=coder, at=now())
                stmt = stmt.on_conflict_do_nothing()
            else:
                stmt = stars.delete().where(stars.c.key == key)
            return c.execute(stmt.returning(stars.c.key)).first() is not None

    def starred(self, survey: str | None = None) -> set[str]:
        """Keys of the answers starred as quotes."""
        stmt = select(stars.c.key)
        with self._connection() as c:
            return set(c.execute(stmt if survey is None else stmt.where(stars.c.survey == survey)).scalars())
