"""The review store's tables, its connection to SQLite or PostgreSQL, and the upgrade of old files.

SQLAlchemy Core only: the same statements run on a SQLite file beside the export and on a team's
PostgreSQL server. Writes lock before they read (``BEGIN IMMEDIATE`` on SQLite, ``SELECT ... FOR
UPDATE`` on PostgreSQL), so two writers never both see the same version. Also the small helpers
``Store`` and its team methods share: row fields of a key, a fast fetch, validation.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    CheckConstraint, Column, ForeignKeyConstraint, Index, Integer, MetaData, PrimaryKeyConstraint,
    Table, Text, UniqueConstraint, create_engine, event, inspect, select, text,
)
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import StaticPool

from .errors import StoreError

SCHEMA_VERSION = 2        # 1: one coding per answer; 2: lanes, assignments, stars
SOURCES = ("rule", "model", "human", "adjudicated")
ENV_STORE = "TEXTMINE_STORE"
BUSY_TIMEOUT_S = 10.0
CHUNK = 5000              # rows per multi-row INSERT of a seed or a sample
PG_SCHEMA_LOCK = 0x7465_7874   # advisory lock: one process creates the tables, the others wait
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

meta = MetaData()
schema_version = Table("schema_version", meta, Column("version", Integer, nullable=False))
# The current coding per answer and lane; lane "" is the shared coding, a coder's name their double-coding.
answers = Table(
    "answers", meta,
    Column("key", Text, nullable=False), Column("lane", Text, nullable=False, server_default=""),
    Column("survey", Text, nullable=False, server_default=""), Column("respondent_id", Text),
    Column("column_name", Text), Column("version", Integer, nullable=False, server_default="0"),
    Column("themes", Text, nullable=False, server_default=""), Column("source", Text), Column("coder", Text),
    Column("updated", Text),
    PrimaryKeyConstraint("key", "lane"),
    Index("answers_lane_survey", "lane", "survey"),
)
decisions = Table(
    "decisions", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", Text, nullable=False), Column("lane", Text, nullable=False, server_default=""),
    Column("survey", Text, nullable=False, server_default=""),   # the answer's, so judgements need no join
    Column("version", Integer, nullable=False), Column("themes", Text, nullable=False),
    Column("previous", Text, nullable=False), Column("source", Text, nullable=False),
    Column("coder", Text, nullable=False), Column("note", Text, nullable=False, server_default=""),
    Column("at", Text, nullable=False),
    CheckConstraint(f"source IN ({', '.join(repr(s) for s in SOURCES)})", name="decisions_source"),
    ForeignKeyConstraint(["key", "lane"], ["answers.key", "answers.lane"]),
    UniqueConstraint("key", "lane", "version", name="decisions_key_lane_version"),
    Index("decisions_survey_coder", "survey", "key", "coder", "id"),
    sqlite_autoincrement=True,
)
# Answers a lead analyst drew for a second coder; the id keeps the order they were drawn in.
assignments = Table(
    "assignments", meta,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("coder", Text, nullable=False), Column("key", Text, nullable=False),
    Column("survey", Text, nullable=False), Column("assigned_by", Text, nullable=False),
    Column("at", Text, nullable=False),
    UniqueConstraint("coder", "key", name="assignments_coder_key"),
    Index("assignments_survey", "survey"),
    sqlite_autoincrement=True,
)
stars = Table(
    "stars", meta,
    Column("key", Text, primary_key=True), Column("survey", Text, nullable=False),
    Column("coder", Text, nullable=False), Column("at", Text, nullable=False),
    Index("stars_survey", "survey"),
)


def is_url(target) -> bool:
    return isinstance(target, str) and bool(_URL.match(target))


def database_url(target) -> URL:
    """The SQLAlchemy URL of a path or URL string; a plain ``postgresql://`` uses psycopg 3."""
    if not is_url(target):
        return URL.create("sqlite", database=str(Path(target).absolute()))
    try:
        url = make_url(target)
    except ArgumentError:
        raise StoreError(f"'{target}' er ikke en gyldig database-adresse ({ENV_STORE}); skriv fx "
                         "postgresql+psycopg://bruger@vært:5432/database eller en filsti") from None
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(f"databasetypen '{url.drivername}' i '{shown(url)}' understøttes ikke; "
                         "brug en SQLite-fil eller postgresql+psycopg://...")
    return url


def shown(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def sqlite_path(url: URL) -> Path | None:
    """The file of a SQLite URL, None for PostgreSQL and in-memory databases."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database)


def connect(url: URL) -> Engine:
    """An engine whose write transactions lock first: ``BEGIN IMMEDIATE`` on SQLite."""
    if url.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True)   # a team server may have closed idle connections
    memory = sqlite_path(url) is None
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_S, "check_same_thread": False},
                           **({"poolclass": StaticPool} if memory else {}))

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi, _record):
        dbapi.isolation_level = None      # we say BEGIN ourselves (SQLAlchemy's pysqlite recipe)
        for pragma in (f"busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}", "journal_mode = WAL", "foreign_keys = ON"):
            dbapi.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(conn):
        # IMMEDIATE takes the write lock before the version is read; reads stay concurrent (WAL).
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

    return engine


def prepare(conn: Connection, where: str) -> None:
    """Create the tables on a new database, upgrade a version-1 file; inside a write transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_SCHEMA_LOCK})
    found = None
    if inspect(conn).has_table("schema_version"):
        found = conn.execute(select(schema_version.c.version).order_by(schema_version.c.version.desc())).scalar()
    if found is not None and found > SCHEMA_VERSION:
        raise StoreError(f"kodningsdatabasen '{where}' har skemaversion {found}, men denne "
                         f"textmine kender kun op til {SCHEMA_VERSION}. Opdater textmine.")
    if found == SCHEMA_VERSION:
        return
    if found == 1 or (found is None and _unlaned(conn)):   # v1 wrote its version after its tables
        _upgrade_from_1(conn)
    meta.create_all(conn)
    conn.execute(schema_version.delete())
    conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))


def _unlaned(conn: Connection) -> bool:
    found = inspect(conn)
    return found.has_table("answers") and "lane" not in {c["name"] for c in found.get_columns("answers")}


def _upgrade_from_1(conn: Connection) -> None:
    # Version 1 existed on SQLite only. Renaming the old tables first makes SQLite point the old
    # foreign key at the renamed table, so both can be dropped with foreign keys on.
    for sql in ("DROP INDEX IF EXISTS decisions_key", "ALTER TABLE decisions RENAME TO decisions_v1",
                "ALTER TABLE answers RENAME TO answers_v1"):
        conn.exec_driver_sql(sql)
    meta.create_all(conn)
    conn.exec_driver_sql(
        "INSERT INTO answers (key, lane, survey, respondent_id, column_name, version, themes, source, coder, "
        "updated) SELECT key, '', coalesce(survey, ''), respondent_id, column_name, version, themes, source, "
        "coder, updated FROM answers_v1")
    conn.exec_driver_sql(
        "INSERT INTO decisions (id, key, lane, survey, version, themes, previous, source, coder, note, at) "
        "SELECT d.id, d.key, '', coalesce(a.survey, ''), d.version, d.themes, d.previous, d.source, d.coder, "
        "d.note, d.at FROM decisions_v1 d LEFT JOIN answers_v1 a ON a.key = d.key")
    conn.exec_driver_sql("DROP TABLE decisions_v1")
    conn.exec_driver_sql("DROP TABLE answers_v1")


def fetch(conn, stmt) -> list[tuple]:
    """All rows as plain tuples from the driver's cursor: no Row objects, for the big per-rerun reads."""
    compiled = stmt.compile(dialect=conn.dialect)
    params = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        cursor.execute(compiled.string, params)
        return cursor.fetchall()
    finally:
        cursor.close()


def answer_row(key: str, lane: str) -> dict:
    survey, respondent_id, column = ([""] * 3 + key.rsplit(":", 2))[-3:]
    return {"key": key, "lane": lane, "survey": survey, "respondent_id": respondent_id, "column_name": column}


def survey_of(key: str) -> str:
    return answer_row(key, "")["survey"]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def check(source: str, coder: str) -> None:
    if source not in SOURCES:
        raise StoreError(f"ukendt kilde {source!r} for en kodning; brug en af {', '.join(SOURCES)}")
    if not str(coder or "").strip():
        raise StoreError("en kodning skal have en koder (navn eller model); feltet er tomt")
