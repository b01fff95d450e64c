"""The review store: every coding decision, written at once to SQLite or PostgreSQL, with an audit trail.

``answers`` holds each answer's current themes and version per lane (lane "" is the shared coding,
a coder's name their blind double-coding); ``decisions`` every decision (who, when, source, the
themes it replaced). ``record`` names the version the analyst saw; a newer one means someone else
got there first, and the later writer gets a ``ConflictError`` instead of silently overwriting.
One transaction per write, locked before the version is read: a killed process leaves the whole
decision or none of it. Tables and connections: ``store_schema``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

import pandas as pd
from sqlalchemy import distinct, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from .columns import join_themes, split_themes
from .errors import ConflictError, StoreError
from .store_schema import (
    ENV_STORE, SCHEMA_VERSION, SOURCES, answers, assignments, connect, database_url, decisions, prepare,
    shown, sqlite_path, stars,
)

__all__ = ["ENV_STORE", "SCHEMA_VERSION", "SOURCES", "AuditEntry", "ConflictError", "Decision", "Store",
           "StoreError", "answer_key", "default_store_path", "open_store"]
JUDGEMENT_COLUMNS = ["key", "coder", "source", "lane", "themes", "at"]
HUMAN = ("human", "adjudicated")
_CHUNK = 5000
_CURRENT = (answers.c.key, answers.c.version, answers.c.themes, answers.c.source, answers.c.coder,
            answers.c.updated, answers.c.lane)


@dataclass(frozen=True)
class Decision:
    """The current coding of one answer in one lane ("" = the shared coding)."""

    key: str
    version: int
    themes: tuple[str, ...]
    source: str
    coder: str
    at: str
    lane: str = ""


@dataclass(frozen=True)
class AuditEntry(Decision):
    """One decision in an answer's audit trail, with the themes it replaced."""

    previous: tuple[str, ...] = ()
    note: str = ""


def answer_key(survey: str, respondent_id, column: str) -> str:
    """Key of one answer, e.g. ``answer_key("sk2024", 17, "q8_kommentar") == "sk2024:17:q8_kommentar"``."""
    return f"{survey}:{respondent_id}:{column}"


def default_store_path(export_path) -> Path:
    """The store beside an export (``svar.xlsx`` -> ``svar.xlsx.textmine.sqlite``), or ``$TEXTMINE_STORE``."""
    override = os.environ.get(ENV_STORE)
    if override:
        return Path(override)
    export = Path(export_path)
    return export.with_name(f"{export.name}.textmine.sqlite")


def open_store(export_path=None) -> Store:
    """The store in ``$TEXTMINE_STORE`` (a path or a team database URL), else the one beside the export.

    >>> open_store("svar_2024.xlsx").url   # doctest: +SKIP
    'sqlite:////data/svar_2024.xlsx.textmine.sqlite'
    """
    target = os.environ.get(ENV_STORE) or (None if export_path is None else default_store_path(export_path))
    if target is None:
        raise StoreError(f"ingen kodningsdatabase valgt: sæt {ENV_STORE} til en fil eller "
                         "postgresql+psycopg://..., eller åbn en eksport")
    return Store(target)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _themes(themes) -> str:
    # Accept "a|b" as well as ["a", "b"]; dedupe so the same set always stores the same string.
    ids = split_themes(themes) if isinstance(themes, str) or themes is None else [str(t).strip() for t in themes]
    return join_themes(dict.fromkeys(t for t in ids if t))


def _decision(row) -> Decision | None:
    if row is None or row[1] == 0:
        return None
    return Decision(row[0], row[1], tuple(split_themes(row[2])), row[3], row[4], row[5], row[6])


def _survey(key: str) -> str:
    return _answer(key, "")["survey"]


class Store:
    """The review store of one survey or a whole team; safe to share between threads, processes, app and CLI.

    ``target`` is a file path (SQLite) or a URL: ``sqlite:///kodning.sqlite``,
    ``postgresql+psycopg://bruger@server:5432/textmine``.

    Examples
    --------
    >>> with Store(default_store_path("svar_2024.xlsx")) as store:   # doctest: +SKIP
    ...     key = answer_key("sk2024", 17, "q8_kommentar")
    ...     store.record(key, ["tilgaengelighed"], coder="Mette", source="human", expected_version=0)
    """

    def __init__(self, target):
        url = database_url(target)
        self.path = sqlite_path(url)
        self._url = shown(url)
        if self.path is not None and not self.path.parent.is_dir():
            raise StoreError(f"kodningsdatabasen '{self.path}' kan ikke oprettes: mappen "
                             f"'{self.path.parent}' findes ikke. Opret mappen eller vælg en anden sti ({ENV_STORE}).")
        self._pg = url.get_backend_name() == "postgresql"
        self._insert = postgresql.insert if self._pg else sqlite.insert
        try:
            self._engine = connect(url)
        except ImportError as exc:
            raise StoreError(f"PostgreSQL-driveren mangler ({exc.name}): installer textmine igen "
                             "(pip install 'psycopg[binary]')") from None
        try:
            with self._engine.connect() as conn:
                conn.execution_options(write=True)
                with conn.begin():
                    prepare(conn, str(self.path or self._url))
        except BaseException as exc:
            self._engine.dispose()
            if isinstance(exc, DBAPIError):
                raise StoreError(self._open_failed(exc)) from None
            raise

    @property
    def url(self) -> str:
        """The database's URL, password masked (for the app's sidebar and logs)."""
        return self._url

    def _open_failed(self, exc: DBAPIError) -> str:
        reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
        if self._pg:
            return (f"kodningsdatabasen '{self._url}' kan ikke nås: {reason}. Kører PostgreSQL-serveren, "
                    f"og er adresse, bruger og database i {ENV_STORE} rigtige?")
        return f"kodningsdatabasen '{self.path or self._url}' kan ikke åbnes: {reason}. Er det en textmine-database?"

    @contextmanager
    def _connection(self, write: bool = False) -> Iterator:
        """One transaction: committed at the end, rolled back on any error (a failed COMMIT too)."""
        try:
            with self._engine.connect() as conn:
                conn.execution_options(write=write)
                with conn.begin():
                    yield conn
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
            raise StoreError(f"kodningsdatabasen '{self.path or self._url}' fejlede: {reason}. "
                             "Prøv igen om lidt; ændringen er ikke gemt.") from None

    def current(self, key: str, lane: str = "") -> Decision | None:
        """The answer's newest decision in ``lane``, or None while it has none."""
        with self._connection() as c:
            row = c.execute(select(*_CURRENT).where(answers.c.key == key, answers.c.lane == lane)).first()
        return _decision(row)

    def current_all(self, survey: str | None = None, lane: str = "") -> dict[str, Decision]:
        """Every decided answer's newest decision in ``lane`` (of one survey), by key; one query."""
        stmt = select(*_CURRENT).where(answers.c.lane == lane, answers.c.version > 0)
        if survey is not None:
            stmt = stmt.where(answers.c.survey == survey)
        with self._connection() as c:
            rows = c.execute(stmt).all()
        split: dict[str, tuple[str, ...]] = {}   # few distinct theme sets among many answers
        out = {}
        for key, version, themes, source, coder, at, row_lane in rows:
            ids = split.get(themes)
            if ids is None:
                ids = split[themes] = tuple(split_themes(themes))
            out[key] = Decision(key, version, ids, source, coder, at, row_lane)
        return out

    def history(self, key: str) -> list[AuditEntry]:
        """The answer's audit trail in every lane, oldest decision first."""
        d = decisions.c
        with self._connection() as c:
            rows = c.execute(select(d.key, d.version, d.themes, d.source, d.coder, d.at, d.lane, d.previous, d.note)
                             .where(d.key == key).order_by(d.id)).all()
        return [AuditEntry(k, v, tuple(split_themes(t)), s, co, at, ln, tuple(split_themes(p)), n)
                for k, v, t, s, co, at, ln, p, n in rows]

    def record(self, key: str, themes, *, coder: str, source: str, expected_version: int,
               note: str = "", lane: str = "") -> Decision:
        """Write one decision if the answer is still at ``expected_version`` in ``lane`` (0: never coded).

        Raises ``ConflictError`` (with ``.current``) when someone else wrote in between.
        """
        _check(source, coder)
        value, at, lane = _themes(themes), _now(), str(lane or "")
        with self._connection(write=True) as c:
            # The row exists before it is locked, so two first writes race for the same lock too.
            c.execute(self._insert(answers).values(_answer(key, lane)).on_conflict_do_nothing())
            row = c.execute(select(*_CURRENT).where(answers.c.key == key, answers.c.lane == lane)
                            .with_for_update()).first()
            if row.version != expected_version:
                raise _conflict(key, expected_version, _decision(row))
            c.execute(decisions.insert().values(key=key, lane=lane, version=row.version + 1, themes=value,
                                                previous=row.themes, source=source, coder=coder, note=note, at=at))
            c.execute(answers.update().where(answers.c.key == key, answers.c.lane == lane)
                      .values(version=row.version + 1, themes=value, source=source, coder=coder, updated=at))
        return Decision(key, row.version + 1, tuple(split_themes(value)), source, coder, at, lane)

    def seed(self, rows: Iterable[tuple[str, Sequence[str] | str]], source: str = "model",
             coder: str = "model") -> int:
        """Suggestions ``(key, themes)`` for answers without any decision yet; returns how many were new.

        Never touches an answer that already has a decision, so a rerun changes nothing.
        """
        _check(source, coder)
        at, wanted = _now(), {}
        for key, themes in rows:
            wanted.setdefault(key, _themes(themes))
        items, added = list(wanted.items()), 0
        upsert = self._insert(answers)
        upsert = upsert.on_conflict_do_update(
            index_elements=["key", "lane"], where=answers.c.version == 0,
            set_={c: upsert.excluded[c] for c in ("version", "themes", "source", "coder", "updated")},
        ).returning(answers.c.key)
        with self._connection(write=True) as c:
            for i in range(0, len(items), _CHUNK):
                chunk = dict(items[i:i + _CHUNK])
                params = [{**_answer(k, ""), "version": 1, "themes": t, "source": source, "coder": coder,
                           "updated": at} for k, t in chunk.items()]
                new = c.execute(upsert, params).scalars().all()
                if new:
                    c.execute(decisions.insert(), [
                        {"key": k, "lane": "", "version": 1, "themes": chunk[k], "previous": "", "source": source,
                         "coder": coder, "note": "", "at": at} for k in new])
                added += len(new)
        return added

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
        at = _now()
        params = [{"coder": coder, "key": k, "survey": _survey(k), "assigned_by": by, "at": at}
                  for k in dict.fromkeys(str(k) for k in keys)]
        if not params:
            return 0
        stmt = self._insert(assignments).on_conflict_do_nothing().returning(assignments.c.key)
        with self._connection(write=True) as c:
            return sum(len(c.execute(stmt, params[i:i + _CHUNK]).all()) for i in range(0, len(params), _CHUNK))

    def assigned(self, coder: str, survey: str | None = None) -> list[str]:
        """The keys drawn for ``coder``, in the order they were drawn."""
        a = assignments.c
        stmt = select(a.key).where(a.coder == " ".join(str(coder or "").split())).order_by(a.id)
        with self._connection() as c:
            return list(c.execute(stmt if survey is None else stmt.where(a.survey == survey)).scalars())

    def assignees(self, survey: str | None = None) -> list[str]:
        """Coders with a sample to double-code, by name."""
        stmt = select(distinct(assignments.c.coder)).order_by(assignments.c.coder)
        with self._connection() as c:
            return list(c.execute(stmt if survey is None else stmt.where(assignments.c.survey == survey)).scalars())

    def judgements(self, survey: str | None = None) -> pd.DataFrame:
        """Each coder's (and the model's) newest themes per answer over all lanes, for agreement.

        Columns ``key, coder, source, lane, themes, at``; themes joined with "|".
        """
        d = decisions.c
        newest = func.row_number().over(partition_by=(d.key, d.coder), order_by=d.id.desc()).label("n")
        inner = select(d.key, d.coder, d.source, d.lane, d.themes, d.at, newest)
        if survey is not None:
            inner = inner.select_from(decisions.join(
                answers, (answers.c.key == d.key) & (answers.c.lane == d.lane))).where(answers.c.survey == survey)
        sub = inner.subquery()
        stmt = select(*(sub.c[name] for name in JUDGEMENT_COLUMNS)).where(sub.c.n == 1).order_by(sub.c.key, sub.c.coder)
        with self._connection() as c:
            return pd.DataFrame(c.execute(stmt).all(), columns=JUDGEMENT_COLUMNS)

    def coded_count(self, survey: str | None = None, lane: str = "") -> int:
        """How many answers a person has decided (source human or adjudicated) in ``lane``."""
        stmt = select(func.count()).select_from(answers).where(
            answers.c.lane == lane, answers.c.version > 0, answers.c.source.in_(HUMAN))
        with self._connection() as c:
            return c.execute(stmt if survey is None else stmt.where(answers.c.survey == survey)).scalar_one()

    def star(self, key: str, on: bool = True, *, coder: str) -> bool:
        """Mark (or unmark) an answer as a quote for the report; True when that changed anything."""
        _check("human", coder)
        with self._connection(write=True) as c:
            if on:
                stmt = self._insert(stars).values(key=key, survey=_survey(key), coder=coder, at=_now())
                return c.execute(stmt.on_conflict_do_nothing()).rowcount > 0
            return c.execute(stars.delete().where(stars.c.key == key)).rowcount > 0

    def starred(self, survey: str | None = None) -> set[str]:
        """Keys of the answers starred as quotes."""
        stmt = select(stars.c.key)
        with self._connection() as c:
            return set(c.execute(stmt if survey is None else stmt.where(stars.c.survey == survey)).scalars())

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _answer(key: str, lane: str) -> dict:
    survey, respondent_id, column = ([""] * 3 + key.rsplit(":", 2))[-3:]
    return {"key": key, "lane": lane, "survey": survey, "respondent_id": respondent_id, "column_name": column}


def _check(source: str, coder: str) -> None:
    if source not in SOURCES:
        raise StoreError(f"ukendt kilde {source!r} for en kodning; brug en af {', '.join(SOURCES)}")
    if not str(coder or "").strip():
        raise StoreError("en kodning skal have en koder (navn eller model); feltet er tomt")


def _conflict(key: str, expected: int, current: Decision | None) -> ConflictError:
    if current is None:
        return ConflictError(f"svaret {key} har ingen kodning endnu, men du så version {expected}. "
                             "Genindlæs svaret og prøv igen.", None)
    themes, when = ", ".join(current.themes) or "ingen temaer", current.at[:19].replace("T", " ")
    return ConflictError(f"svaret {key} blev ændret af {current.coder} ({current.source}) {when} UTC "
                         f"til: {themes}. Du så version {expected}, nu er det version {current.version}. "
                         "Se den nyeste kodning og gem igen, hvis du stadig er uenig.", current)
