"""Coding a file of any size: read, code, mask and write it a chunk at a time.

``textmine classify`` on a million answers must not hold them all, nor all their results, nor a
masked copy of everything. Each chunk of rows is coded, masked and turned into CSV bytes (in a
forked worker when there are several), and the parent process only reads chunks and appends the
bytes to the output file, in input order. The file is the one ``classify_table``, ``redact_table``
and ``write_csv`` make of the whole table (tests/test_stream.py compares them byte for byte).
"""

from __future__ import annotations

import gc
import multiprocessing as mp
from collections import deque
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import pandas as pd

from . import columns as C
from .codebook import Codebook
from .coding import Coder, Stopwatch, with_answers
from .io import read_chunks
from .nlp import load_analyzer
from .redact import redact_table
from .safe import atomic_path, csv_bytes, publish
from .sentiment import survey_lexicon

ROWS = 5_000   # rows per chunk: small enough to share out evenly between workers, big enough to batch


@dataclass(frozen=True)
class _Job:
    coder: Coder
    text_column: str
    id_column: str
    mask: bool


def classify_file(path, codebook: Codebook, out, *, text_column: str = C.TEXT, id_column: str = "id",
                  model_path=None, mask: bool = True, timer: Stopwatch | None = None, workers: int = 1,
                  cache=None, rows: int = ROWS) -> dict:
    """Code one text column of a CSV/XLSX file and write the coded CSV to ``out``, chunk by chunk.

    The output is ``write_csv(redact_table(classify_table(...)))`` of the whole file (unmasked
    with ``mask=False``). ``workers`` > 1 codes chunks in that many forked processes; never use
    it inside the app. ``timer`` adds up seconds per stage (summed over workers). Returns the
    number of answers, how many need review, and the model's name.

    Examples
    --------
    >>> classify_file("svar.csv", cb, "kodet.csv", text_column="kommentar")  # doctest: +SKIP
    {'answers': 1234, 'needs_review': 210, 'model': 'sikkerhedskonsulent-2024-q8 (medfølger)'}
    """
    timer = timer or Stopwatch()
    parts = _timed(read_chunks(path, tuple(dict.fromkeys((text_column, id_column))), rows), timer, "read")
    first = next(parts)   # a missing column fails here, before a model is loaded or trained
    coder = Coder.for_codebook(codebook, model_path)
    coder.cache = cache
    job = _Job(coder, text_column, id_column, mask)
    summary = {"answers": 0, "needs_review": 0, "model": coder.model_name}

    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = atomic_path(out)   # a bad row halfway through leaves no half-written file
    try:
        with open(tmp, "wb") as f:
            for data, n, flagged, seconds in _run(job, chain([first], parts), workers):
                with timer("write"):
                    f.write(data)
                summary["answers"] += n
                summary["needs_review"] += flagged
                for stage, sec in seconds.items():
                    timer.seconds[stage] = timer.seconds.get(stage, 0.0) + sec
        publish(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return summary


def _timed(items, timer: Stopwatch, stage: str):
    it = iter(items)
    while True:
        with timer(stage):
            item = next(it, None)
        if item is None:
            return
        yield item


def _code_part(job: _Job, part: pd.DataFrame, header: bool):
    """CSV bytes of one chunk, coded and masked, with its answer count, review count and stage seconds."""
    timer = Stopwatch()
    coded = with_answers(part, job.coder.code(part[job.text_column].tolist(), timer=timer),
                         job.text_column, job.id_column)
    if job.mask:
        with timer("mask"):
            coded = redact_table(coded, job.text_column, cache=job.coder.cache)
    with timer("write"):
        data = csv_bytes(coded, header=header)
    return data, len(coded), int(coded[C.NEEDS_REVIEW].sum()), timer.seconds


def _run(job: _Job, parts, workers: int):
    """``_code_part`` of each chunk in input order; with workers, a few chunks ahead at most, so
    neither the input nor the results pile up in memory."""
    parts = iter(parts)
    first = next(parts)
    second = next(parts, None)
    if second is None or workers <= 1 or "fork" not in mp.get_all_start_methods():
        for i, part in enumerate(chain([first], [] if second is None else [second], parts)):
            yield _code_part(job, part, header=i == 0)
        return
    global _JOB
    load_analyzer(), survey_lexicon()   # loaded once here, not once in every worker
    job.coder.model.ready()
    # Everything loaded so far lives as long as the process: the collector need not look at it
    # again in any worker (6% of a worker's time on 50,000 answers), and forked pages stay shared.
    gc.freeze()
    _JOB = job   # forked workers inherit pipeline, lexicon and model; only the chunks travel
    try:
        with mp.get_context("fork").Pool(workers) as pool:
            pending: deque = deque()
            for i, part in enumerate(chain([first, second], parts)):
                pending.append(pool.apply_async(_code_forked, (part, i == 0)))
                if len(pending) >= 2 * workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _JOB = None


_JOB: _Job | None = None


def _code_forked(part: pd.DataFrame, header: bool):
    return _code_part(_JOB, part, header)
