"""Analysed answers kept on disk, so re-coding after a code-frame change does not analyse them again.

What does not depend on the code frame is kept per answer: its tokens (text, lemma, compound
parts), its sentiment and its masked text. One SQLite file per pipeline version (spaCy, model or
lookups, and textmine's normaliser and token rules, see ``nlp.Analyzer.version``): a new version
starts a new file and the old one is never read. Sentiment labels and masked texts are stored
under a fingerprint of their rules as well (``sentiment.fingerprint``, ``redact.fingerprint``), so
a changed lexicon, name list or rule is worked out anew. Masked texts are keyed by the exact text,
not the normalised one, as masking keeps the respondent's spacing.

The hashed n-gram features are not stored: they are made from the tokens read back, each distinct
token's and bigram's columns once per process (``features._Tokens``). Storing them was measured
(2026-12-04, 50,000 synthetic answers): 77 MB, ten times the tokens, read back in 0.22 s before
decoding, against 0.58 s to make them; at a million answers 1.5 GB of cache for a few seconds of a
50-second warm run.

Layout: each distinct token once in ``forms`` (as JSON, not pickle: a cache file must not be able
to run code), each answer as the little-endian uint32 ids of its tokens, keyed by a hash of the
normalised text. Reading an answer back is then a slice of bytes and a list look-up per word;
the first layout (a JSON list of tokens per answer) took twice as long to read as the blank
pipeline took to analyse (bench/RESULTS.md).

The folder is ``$TEXTMINE_CACHE``, else ``$XDG_CACHE_HOME/textmine``, else ``~/.cache/textmine``
(``--cache-dir``); ``--no-cache`` goes without. ``textmine classify`` and ``textmine code`` use it,
and so does the app when it codes a survey (a new one, or again after retraining), opening it in
the thread that codes: a connection belongs to one thread (``coding.user_cache``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

log = logging.getLogger(__name__)

ENV_CACHE = "TEXTMINE_CACHE"
FORMAT = 3     # the file layout; part of the file name, so a file of another layout is never read
_BATCH = 900   # SQLite's default limit on ?-parameters is 999


def default_cache_dir() -> Path:
    """``$TEXTMINE_CACHE``, else the user's cache folder."""
    if os.environ.get(ENV_CACHE):
        return Path(os.environ[ENV_CACHE])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "textmine"


def rules_digest(files: Sequence, extra: bytes = b"") -> str:
    """A hash of source files (and ``extra``): what cached labels are stored under, so a change to
    the rules that made them has them worked out again, with no version number to remember."""
    source = b"".join(Path(f).read_bytes() for f in files)
    return hashlib.blake2b(source + extra, digest_size=16).hexdigest()


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _batches(items: Sequence, size: int = _BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _form(token) -> str:
    return json.dumps([token.text, token.lemma, list(token.parts)], ensure_ascii=False, separators=(",", ":"))


class NlpCache:
    """Tokens and sentiment per normalised text for one pipeline version; unreadable files are started afresh.

    Examples
    --------
    >>> cache = NlpCache(default_cache_dir(), load_analyzer().version)  # doctest: +SKIP
    >>> load_analyzer().analyze(["Svært at få fat i dem"], cache=cache)  # doctest: +SKIP
    """

    def __init__(self, folder, version: str):
        self.folder = Path(folder)
        digest = hashlib.blake2b(f"{version}; cache format {FORMAT}".encode(), digest_size=8).hexdigest()
        self.path = self.folder / f"nlp-{digest}.sqlite"
        self.version = version
        self._db: sqlite3.Connection | None = None
        self._pid = None
        self._tokens: dict[int, object] = {}    # form id -> Token, as this process has read or written them
        self._ids: dict[int, tuple] = {}        # id(Token) -> (Token, form id)

    def _connect(self) -> sqlite3.Connection | None:
        # A connection is per process: forked coding workers open their own.
        if self._db is not None and self._pid == os.getpid():
            return self._db
        self._tokens, self._ids = {}, {}
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
        db.execute("CREATE TABLE IF NOT EXISTS forms (id INTEGER PRIMARY KEY, form TEXT UNIQUE NOT NULL)")
        # Rows kept in their key's B-tree (WITHOUT ROWID), not in a table plus a key index, and a
        # page cache of 16 MB instead of 2: storing a million labels took 4.8 s instead of 7.4.
        db.execute("PRAGMA cache_size=-16384")
        db.execute("CREATE TABLE IF NOT EXISTS answers (key BLOB PRIMARY KEY, forms BLOB NOT NULL) WITHOUT ROWID")
        db.execute("CREATE TABLE IF NOT EXISTS labels (key BLOB PRIMARY KEY, label TEXT NOT NULL) WITHOUT ROWID")
        db.execute("SELECT count(*) FROM answers WHERE key = x'00'").fetchone()   # fails on a corrupt file
        return db

    def _read_failed(self, e: Exception) -> None:
        log.warning("NLP-cachen %s kunne ikke læses (%s); svarene analyseres uden", self.path, e)

    def _write_failed(self, e: Exception) -> None:
        log.warning("NLP-cachen %s kunne ikke skrives (%s)", self.path, e)

    # tokens ---------------------------------------------------------------------------------------

    def get_many(self, keys: Sequence[bytes], make_token: Callable[[str, str, tuple], object]) -> dict[bytes, list]:
        """Cached token lists for the keys that have them; ``make_token(text, lemma, parts)`` builds a
        token the first time this process meets its form."""
        db = self._connect()
        if db is None:
            return {}
        try:
            found = {}
            for batch in _batches(list(keys)):
                rows = db.execute(f"SELECT key, forms FROM answers WHERE key IN ({','.join('?' * len(batch))})",
                                  batch).fetchall()
                found.update((k, np.frombuffer(v, dtype="<u4").tolist()) for k, v in rows)
            tokens = self._tokens
            missing = list({i for ids in found.values() for i in ids if i not in tokens})
            for batch in _batches(missing):
                for i, form in db.execute(f"SELECT id, form FROM forms WHERE id IN ({','.join('?' * len(batch))})",
                                          batch):
                    text, lemma, parts = json.loads(form)
                    t = tokens[i] = make_token(text, lemma, tuple(parts))
                    self._ids[id(t)] = (t, i)
            return {k: [tokens[i] for i in ids] for k, ids in found.items()}
        except (sqlite3.DatabaseError, ValueError, KeyError, TypeError) as e:
            self._read_failed(e)
            return {}

    def put_many(self, items: Iterable[tuple[bytes, list]]) -> None:
        """Store each key's token list (tokens with ``text``, ``lemma`` and ``parts``)."""
        db = self._connect()
        if db is None:
            return
        items = list(items)
        try:
            with db:
                tokens = [t for _, doc in items for t in doc]
                known = self._form_ids(db, tokens)
                # All answers' form ids in one array, then each answer's slice of its bytes.
                flat = np.array([known[id(t)][1] for t in tokens], dtype="<u4").tobytes()
                ends = np.cumsum([4 * len(doc) for _, doc in items]).tolist()
                db.executemany("INSERT OR REPLACE INTO answers VALUES (?, ?)",
                               ((k, flat[end - 4 * len(doc):end]) for (k, doc), end in zip(items, ends)))
        except sqlite3.DatabaseError as e:
            self._write_failed(e)

    def _form_ids(self, db: sqlite3.Connection, tokens: list) -> dict[int, tuple]:
        """``id(token)`` -> (token, form id) for each token, adding the forms the file does not have yet
        (within the caller's transaction, so another process's forms get their own ids)."""
        known = self._ids
        new = {}
        for t in tokens:
            hit = known.get(id(t))
            if hit is None or hit[0] is not t:
                new.setdefault(id(t), t)
        if new:
            forms: dict[str, list] = {}   # equal tokens may be distinct objects (a trained pipeline's lemmas)
            for t in new.values():
                forms.setdefault(_form(t), []).append(t)
            db.executemany("INSERT OR IGNORE INTO forms (form) VALUES (?)", ((f,) for f in forms))
            for batch in _batches(list(forms)):
                for i, form in db.execute(f"SELECT id, form FROM forms WHERE form IN ({','.join('?' * len(batch))})",
                                          batch):
                    for t in forms[form]:
                        known[id(t)] = (t, i)
                    self._tokens.setdefault(i, forms[form][0])
        return known

    # sentiment and other per-answer labels ----------------------------------------------------------

    def get_labels(self, keys: Sequence[bytes], rules: str) -> dict[bytes, str]:
        """Labels stored under ``rules`` (a fingerprint of what made them) for the keys that have them."""
        db = self._connect()
        if db is None:
            return {}
        salted = {_salt(k, rules): k for k in keys}
        found = {}
        try:
            for batch in _batches(list(salted)):
                rows = db.execute(f"SELECT key, label FROM labels WHERE key IN ({','.join('?' * len(batch))})", batch)
                found.update((salted[k], label) for k, label in rows)
        except sqlite3.DatabaseError as e:
            self._read_failed(e)
            return {}
        return found

    def put_labels(self, items: Iterable[tuple[bytes, str]], rules: str) -> None:
        db = self._connect()
        if db is None:
            return
        try:
            with db:
                db.executemany("INSERT OR REPLACE INTO labels VALUES (?, ?)", ((_salt(k, rules), v) for k, v in items))
        except sqlite3.DatabaseError as e:
            self._write_failed(e)


def _salt(key: bytes, rules: str) -> bytes:
    return hashlib.blake2b(key + rules.encode(), digest_size=16).digest()
