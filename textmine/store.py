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
from pathlib import Path
from typing import Self

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from .columns import join_themes, split_themes
from .errors import ConflictError, StoreError
from .store_schema import (
    CHUNK, ENV_STORE, SCHEMA_VERSION, SOURCES, answer_row, answers, check, connect, database_url, decisions,
    fetch, now, prepare, shown, sqlite_path, survey_of,
)
from .store_team import TeamMixin

__all__ = ["ENV_STORE", "SCHEMA_VERSION", "SOURCES", "AuditEntry", "ConflictError", "Decision", "Store",
           "StoreError", "answer_key", "default_store_path", "open_store"]
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


def _themes(themes) -> str:
    # Accept "a|b" as well as ["a", "b"]; dedupe so the same set always stores the same string.
    ids = split_themes(themes) if isinstance(themes, str) or themes is None else [str(t).strip() for t in themes]
    return join_themes(dict.fromkeys(t for t in ids if t))


def _decision(row) -> Decision | None:
    if row is None or row[1] == 0:
        return None
    return Decision(row[0], row[1], tuple(split_themes(row[2])), row[3], row[4], row[5], row[6])


class Store(TeamMixin):
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
        reason = _reason(exc)
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
        except (DBAPIError, self._engine.dialect.loaded_dbapi.Error) as exc:   # the latter from fetch()
            raise StoreError(f"kodningsdatabasen '{self.path or self._url}' fejlede: {_reason(exc)}. "
                             "Prøv igen om lidt (en kodning gemmes helt eller slet ikke).") from None

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
            rows = fetch(c, stmt)
        split: dict[str, tuple[str, ...]] = {}   # few distinct theme sets among many answers
        out, new, fill = {}, object.__new__, object.__setattr__
        for key, version, themes, source, coder, at, row_lane in rows:
            ids = split.get(themes)
            if ids is None:
                ids = split[themes] = tuple(split_themes(themes))
            # What Decision(...) does, a third faster: this runs for every answer on every rerun.
            out[key] = decision = new(Decision)
            fill(decision, "__dict__", {"key": key, "version": version, "themes": ids, "source": source,
                                        "coder": coder, "at": at, "lane": row_lane})
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
        check(source, coder)
        value, at, lane = _themes(themes), now(), str(lane or "")
        with self._connection(write=True) as c:
            # The row exists before it is locked, so two first writes race for the same lock too.
            c.execute(self._insert(answers).values(answer_row(key, lane)).on_conflict_do_nothing())
            row = c.execute(select(*_CURRENT).where(answers.c.key == key, answers.c.lane == lane)
                            .with_for_update()).first()
            if row.version != expected_version:
                raise _conflict(key, expected_version, _decision(row))
            c.execute(decisions.insert().values(key=key, lane=lane, survey=survey_of(key), version=row.version + 1,
                                                themes=value,
                                                previous=row.themes, source=source, coder=coder, note=note, at=at))
            c.execute(answers.update().where(answers.c.key == key, answers.c.lane == lane)
                      .values(version=row.version + 1, themes=value, source=source, coder=coder, updated=at))
        return Decision(key, row.version + 1, tuple(split_themes(value)), source, coder, at, lane)

    def seed(self, rows: Iterable[tuple[str, Sequence[str] | str]], source: str = "model",
             coder: str = "model") -> int:
        """Suggestions ``(key, themes)`` for answers without any decision yet; returns how many were new.

        Never touches an answer that already has a decision, so a rerun changes nothing.
        """
        check(source, coder)
        at, wanted = now(), {}
        for key, themes in rows:
            wanted.setdefault(key, _themes(themes))
        items, added = list(wanted.items()), 0
        upsert = self._insert(answers)
        upsert = upsert.on_conflict_do_update(
            index_elements=["key", "lane"], where=answers.c.version == 0,
            set_={c: upsert.excluded[c] for c in ("version", "themes", "source", "coder", "updated")},
        ).returning(answers.c.key)
        with self._connection(write=True) as c:
            for i in range(0, len(items), CHUNK):
                chunk = dict(items[i:i + CHUNK])
                params = [{**answer_row(k, ""), "version": 1, "themes": t, "source": source, "coder": coder,
                           "updated": at} for k, t in chunk.items()]
                new = c.execute(upsert, params).scalars().all()
                if new:
                    c.execute(decisions.insert(), [
                        {"key": k, "lane": "", "survey": survey_of(k), "version": 1, "themes": chunk[k],
                         "previous": "", "source": source, "coder": coder, "note": "", "at": at} for k in new])
                added += len(new)
        return added

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _reason(exc: Exception) -> str:
    error = getattr(exc, "orig", None) or exc
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _conflict(key: str, expected: int, current: Decision | None) -> ConflictError:
    if current is None:
        return ConflictError(f"svaret {key} har ingen kodning endnu, men du så version {expected}. "
                             "Genindlæs svaret og prøv igen.", None)
    themes, when = ", ".join(current.themes) or "ingen temaer", current.at[:19].replace("T", " ")
    return ConflictError(f"svaret {key} blev ændret af {current.coder} ({current.source}) {when} UTC "
                         f"til: {themes}. Du så version {expected}, nu er det version {current.version}. "
                         "Se den nyeste kodning og gem igen, hvis du stadig er uenig.", current)
