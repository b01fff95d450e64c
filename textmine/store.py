"""The review store: every coding decision, written at once to SQLite, with an audit trail.

``answers`` holds each answer's current themes and version; ``decisions`` every decision (who,
when, source, the themes it replaced). ``record`` names the version the analyst saw; a newer one
means someone else got there first, and the later writer gets a ``ConflictError`` instead of
silently overwriting. One ``BEGIN IMMEDIATE`` transaction per write: a killed process leaves the
whole decision or none of it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from .columns import join_themes, split_themes
from .errors import ConflictError, StoreError

SCHEMA_VERSION = 1
SOURCES = ("rule", "model", "human", "adjudicated")
ENV_STORE = "TEXTMINE_STORE"
BUSY_TIMEOUT_S = 10.0

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS answers (
    key TEXT PRIMARY KEY, survey TEXT, respondent_id TEXT, column_name TEXT,
    version INTEGER NOT NULL DEFAULT 0, themes TEXT NOT NULL DEFAULT '',
    source TEXT, coder TEXT, updated TEXT);
CREATE TABLE IF NOT EXISTS decisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL REFERENCES answers(key),
    version INTEGER NOT NULL, themes TEXT NOT NULL, previous TEXT NOT NULL,
    source TEXT NOT NULL CHECK(source IN ({", ".join(repr(s) for s in SOURCES)})),
    coder TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', at TEXT NOT NULL,
    UNIQUE (key, version));
CREATE INDEX IF NOT EXISTS decisions_key ON decisions(key, version);
"""


@dataclass(frozen=True)
class Decision:
    """The current coding of one answer."""

    key: str
    version: int
    themes: tuple[str, ...]
    source: str
    coder: str
    at: str


@dataclass(frozen=True)
class AuditEntry(Decision):
    """One decision in an answer's audit trail, with the themes it replaced."""

    previous: tuple[str, ...]
    note: str


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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _themes(themes) -> str:
    # Accept "a|b" as well as ["a", "b"]; dedupe so the same set always stores the same string.
    ids = split_themes(themes) if isinstance(themes, str) or themes is None else [str(t).strip() for t in themes]
    return join_themes(dict.fromkeys(t for t in ids if t))


def _decision(row) -> Decision | None:
    if row is None or row[1] == 0:
        return None
    return Decision(row[0], row[1], tuple(split_themes(row[2])), *row[3:])


class Store:
    """The review store of one survey; safe to share between threads, processes, app and CLI.

    Examples
    --------
    >>> with Store(default_store_path("svar_2024.xlsx")) as store:   # doctest: +SKIP
    ...     key = answer_key("sk2024", 17, "q8_kommentar")
    ...     store.record(key, ["tilgaengelighed"], coder="Mette", source="human", expected_version=0)
    """

    def __init__(self, path):
        self.path = Path(path)
        if not self.path.parent.is_dir():
            raise StoreError(f"kodningsdatabasen '{self.path}' kan ikke oprettes: mappen "
                             f"'{self.path.parent}' findes ikke. Opret mappen eller vælg en anden sti ({ENV_STORE}).")
        self._lock = threading.Lock()   # one connection, used by Streamlit's script threads in turn
        self._db = None
        try:
            self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                                       check_same_thread=False)
            self._db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._create_schema()
        except BaseException as exc:
            if self._db is not None:
                self._db.close()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"kodningsdatabasen '{self.path}' kan ikke åbnes: {exc}. "
                                 "Er det en textmine-database?") from None
            raise

    def _create_schema(self) -> None:
        # executescript commits on its own; IF NOT EXISTS makes a concurrent first open harmless.
        self._db.executescript(_SCHEMA)
        with _transaction(self) as db:
            row = db.execute("SELECT max(version) FROM schema_version").fetchone()
            if row[0] is None:
                db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
            elif row[0] > SCHEMA_VERSION:
                raise StoreError(f"kodningsdatabasen '{self.path}' har skemaversion {row[0]}, men denne "
                                 f"textmine kender kun op til {SCHEMA_VERSION}. Opdater textmine.")

    def current(self, key: str) -> Decision | None:
        """The answer's newest decision, or None while it has none."""
        with self._lock:
            row = self._db.execute("SELECT key, version, themes, source, coder, updated FROM answers "
                                   "WHERE key = ?", (key,)).fetchone()
        return _decision(row)

    def history(self, key: str) -> list[AuditEntry]:
        """The answer's audit trail, oldest decision first."""
        with self._lock:
            rows = self._db.execute("SELECT key, version, themes, source, coder, at, previous, note "
                                    "FROM decisions WHERE key = ? ORDER BY version, id", (key,)).fetchall()
        return [AuditEntry(k, v, tuple(split_themes(t)), s, c, at, tuple(split_themes(p)), n)
                for k, v, t, s, c, at, p, n in rows]

    def record(self, key: str, themes, *, coder: str, source: str, expected_version: int,
               note: str = "") -> Decision:
        """Write one decision if the answer is still at ``expected_version`` (0: never coded).

        Raises ``ConflictError`` (with ``.current``) when someone else wrote in between.
        """
        _check(source, coder)
        value, at = _themes(themes), _now()
        with _transaction(self) as db:
            row = db.execute("SELECT key, version, themes, source, coder, updated FROM answers "
                             "WHERE key = ?", (key,)).fetchone()
            version = row[1] if row else 0
            if version != expected_version:
                raise _conflict(key, expected_version, _decision(row))
            _write(db, key, version, row[2] if row else "", value, source, coder, note, at)
        return Decision(key, version + 1, tuple(split_themes(value)), source, coder, at)

    def seed(self, rows: Iterable[tuple[str, Sequence[str] | str]], source: str = "model",
             coder: str = "model") -> int:
        """Suggestions ``(key, themes)`` for answers without any decision yet; returns how many were new.

        Never touches an answer that already has a decision, so a rerun changes nothing.
        """
        _check(source, coder)
        at, added = _now(), 0
        with _transaction(self) as db:
            for key, themes in rows:
                if not db.execute("SELECT 1 FROM answers WHERE key = ? AND version > 0", (key,)).fetchone():
                    _write(db, key, 0, "", _themes(themes), source, coder, "", at)
                    added += 1
        return added

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextmanager
def _transaction(store: Store) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, or ``ROLLBACK`` on any error (a failed COMMIT too)."""
    with store._lock:
        # IMMEDIATE takes the write lock before the version is read, so two writers can never
        # both see the same version and both succeed.
        store._db.execute("BEGIN IMMEDIATE")
        try:
            yield store._db
            store._db.execute("COMMIT")
        except BaseException:
            if store._db.in_transaction:
                store._db.execute("ROLLBACK")
            raise


def _check(source: str, coder: str) -> None:
    if source not in SOURCES:
        raise StoreError(f"ukendt kilde {source!r} for en kodning; brug en af {', '.join(SOURCES)}")
    if not str(coder or "").strip():
        raise StoreError("en kodning skal have en koder (navn eller model); feltet er tomt")


def _write(db, key, version, previous, themes, source, coder, note, at) -> None:
    survey, respondent_id, column = ([""] * 3 + key.rsplit(":", 2))[-3:]
    db.execute("INSERT INTO answers (key, survey, respondent_id, column_name) VALUES (?, ?, ?, ?) "
               "ON CONFLICT(key) DO NOTHING", (key, survey, respondent_id, column))
    db.execute("INSERT INTO decisions (key, version, themes, previous, source, coder, note, at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (key, version + 1, themes, previous, source, coder, note, at))
    db.execute("UPDATE answers SET version = ?, themes = ?, source = ?, coder = ?, updated = ? WHERE key = ?",
               (version + 1, themes, source, coder, at, key))


def _conflict(key: str, expected: int, current: Decision | None) -> ConflictError:
    if current is None:
        return ConflictError(f"svaret {key} har ingen kodning endnu, men du så version {expected}. "
                             "Genindlæs svaret og prøv igen.", None)
    themes, when = ", ".join(current.themes) or "ingen temaer", current.at[:19].replace("T", " ")
    return ConflictError(f"svaret {key} blev ændret af {current.coder} ({current.source}) {when} UTC "
                         f"til: {themes}. Du så version {expected}, nu er det version {current.version}. "
                         "Se den nyeste kodning og gem igen, hvis du stadig er uenig.", current)
