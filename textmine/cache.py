"""Analysed answers kept on disk, so re-coding after a code-frame change does not run spaCy again.

One SQLite file per pipeline version (spaCy, model or lookups, and textmine's normaliser and token
rules, see ``nlp.Analyzer.version``): a new version starts a new file and the old one is never
read. Rows are keyed by a hash of the normalised text and hold its tokens as JSON (not pickle: a
cache file must not be able to run code). The folder is ``$TEXTMINE_CACHE``, else
``$XDG_CACHE_HOME/textmine``, else ``~/.cache/textmine`` (``textmine classify --cache-dir``);
``textmine classify --no-cache`` goes without. Only ``classify`` uses it so far.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from pathlib import Path
from typing import Iterable, Sequence

log = logging.getLogger(__name__)

ENV_CACHE = "TEXTMINE_CACHE"
_BATCH = 900   # SQLite's default limit on ?-parameters is 999


def default_cache_dir() -> Path:
    """``$TEXTMINE_CACHE``, else the user's cache folder."""
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "textmine"


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class NlpCache:
    """Tokens per normalised text for one pipeline version; unreadable files are started afresh.

    Examples
    --------
    >>> cache = NlpCache(default_cache_dir(), load_analyzer().version)  # doctest: +SKIP
    >>> load_analyzer().analyze(["Svært at få fat i dem"], cache=cache)  # doctest: +SKIP
    """

    def __init__(self, folder, version: str):
        self.folder = Path(folder)
        self.path = self.folder / f"nlp-{hashlib.blake2b(version.encode(), digest_size=8).hexdigest()}.sqlite"
        self.version = version
        self._db: sqlite3.Connection | None = None
        self._pid = None

    def _connect(self) -> sqlite3.Connection | None:
        # A connection is per process: forked coding workers open their own.
        if self._db is not None and self._pid == os.getpid():
            return self._db
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._db = self._open()
        except sqlite3.DatabaseError as e:
            log.warning("NLP-cachen %s kunne ikke læses (%s); den startes forfra", self.path, e)
            try:
                self.path.unlink()
                self._db = self._open()
            except (OSError, sqlite3.DatabaseError) as e2:
                log.warning("NLP-cachen %s kan ikke bruges (%s); svarene analyseres uden", self.path, e2)
                self._db = None
        except OSError as e:
            log.warning("NLP-cachen %s kan ikke bruges (%s); svarene analyseres uden", self.path, e)
            self._db = None
        self._pid = os.getpid()
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60)
        db.execute("PRAGMA journal_mode=WAL")
        # No fsync per chunk: a power cut may lose the last rows of a cache, which are made again, but
        # never corrupts it (WAL); syncing cost more than the analysis with the blank pipeline.
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("CREATE TABLE IF NOT EXISTS tokens (key BLOB PRIMARY KEY, tokens TEXT NOT NULL)")
        db.execute("CREATE TABLE IF NOT EXISTS meta (version TEXT)")
        db.execute("SELECT count(*) FROM tokens WHERE key = x'00'").fetchone()   # fails on a corrupt file
        return db

    def get_many(self, keys: Sequence[bytes]) -> dict[bytes, list]:
        """Cached token rows (lists of [text, lemma, parts]) for the keys that have them."""
        db = self._connect()
        if db is None:
            return {}
        found: dict[bytes, list] = {}
        try:
            for start in range(0, len(keys), _BATCH):
                batch = keys[start:start + _BATCH]
                rows = db.execute(f"SELECT key, tokens FROM tokens WHERE key IN ({','.join('?' * len(batch))})",
                                  batch).fetchall()
                found.update((k, json.loads(v)) for k, v in rows)
        except (sqlite3.DatabaseError, ValueError) as e:
            log.warning("NLP-cachen %s kunne ikke læses (%s); svarene analyseres uden", self.path, e)
            return {}
        return found

    def put_many(self, items: Iterable[tuple[bytes, "list | str"]]) -> None:
        """Store token rows, as lists or already as their compact JSON (``Analyzer._doc_json``)."""
        db = self._connect()
        if db is None:
            return
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO tokens VALUES (?, ?)",
                               ((k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, separators=(",", ":")))
                                for k, v in items))
        except sqlite3.DatabaseError as e:
            log.warning("NLP-cachen %s kunne ikke skrives (%s)", self.path, e)
