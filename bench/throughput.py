"""Throughput of `textmine classify` against the plain spaCy routes, at 1k to 1M answers.

    python bench/throughput.py              # 1k, 10k, 100k, 1M (the 1M run takes a few minutes)
    python bench/throughput.py --quick      # 1k and 10k
    python bench/throughput.py --sizes 1000 100000 --no-results

Answers are synthetic but built from our own vocabulary: fragments of the
shipped training answers (data/training/*.csv), recombined to realistic
lengths (1-120 words, most short), with a few words swapped for other words
of the corpus and a few misspelt (ae/oe/aa, dropped or swapped letters), so
the vocabulary keeps growing with the number of answers as it does in real
surveys. The generator is seeded: the same size gives the same file.

For each size `textmine classify` runs in a fresh child process (twice: cold
NLP cache, then warm, as after a code-frame change), and its peak memory is
the largest PSS of that child and its forked workers together, sampled every
50 ms. The plain routes run in another child on the
same texts: (a) pandas ``Series.apply(nlp)`` with the blank Danish pipeline +
lookup lemmatizer, one call per text (at 1M extrapolated from 100k), and
(b) ``nlp.pipe`` with the blank Danish pipeline alone (tokenising only), and (c) the floor: a
fresh process, timed as textmine's is, that starts Python and spaCy, reads the CSV with the csv
module, tokenises with the blank pipeline and writes a CSV, nothing else.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = ROOT / "data" / "codebooks" / "sikkerhedskonsulent-q8.yaml"
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Throughput: `textmine classify` (bench/throughput.py)"
GENERATOR_VERSION = 1
SIZES = (1_000, 10_000, 100_000, 1_000_000)
APPLY_LIMIT = 100_000       # above this the per-text apply route is extrapolated, not run
_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)


# -- synthetic answers ----------------------------------------------------------------
def _corpus() -> tuple[list[list[str]], list[str]]:
    """Fragments (word lists split at punctuation) and every word token of the training answers."""
    fragments, words = [], []
    for path in sorted((ROOT / "data" / "training").glob("*.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                for piece in re.split(r"[.,;:!?()\n]+", row["text"]):
                    tokens = piece.split()
                    if tokens:
                        fragments.append(tokens)
                        words.extend(t for t in tokens if t.isalpha())
    return fragments, words


def _misspell(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    for danish, ascii_ in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        if danish in word and rng.random() < 0.5:
            return word.replace(danish, ascii_)
    i = rng.randrange(1, len(word) - 1)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1:]                     # a dropped letter
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:]   # two letters swapped


def synthetic_answers(n: int, seed: int = 0) -> list[str]:
    """``n`` Danish answers, 1-120 words each (median about 12), deterministic for a seed.

    About 2 % are empty, as in real exports where a respondent skipped the question.
    """
    rng = random.Random(seed)
    fragments, words = _corpus()
    out = []
    for _ in range(n):
        if rng.random() < 0.02:
            out.append("")
            continue
        target = max(1, min(120, int(rng.lognormvariate(2.5, 0.9))))
        answer: list[str] = []
        while len(answer) < target:
            piece = list(rng.choice(fragments))
            for i in range(len(piece)):
                r = rng.random()
                if r < 0.08:
                    piece[i] = rng.choice(words)                 # frequency-weighted: Zipfian
                elif r < 0.10:
                    piece[i] = _misspell(piece[i], rng)
            if answer:
                answer[-1] += "." if rng.random() < 0.3 else ","
            answer.extend(piece)
        answer = answer[:target]
        answer[0] = answer[0][:1].upper() + answer[0][1:]
        out.append(" ".join(answer))
    return out


def write_answers(texts: list[str], path) -> Path:
    path = Path(path)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "text"])
        w.writerows((f"r{i}", t) for i, t in enumerate(texts, start=1))
    return path


def answers_file(n: int, workdir: Path, seed: int = 0) -> Path:
    """The CSV of ``n`` synthetic answers, made once per size, seed and generator version."""
    path = workdir / f"answers-{n}-s{seed}-g{GENERATOR_VERSION}.csv"
    if not path.exists():
        tmp = path.with_suffix(".tmp")
        write_answers(synthetic_answers(n, seed), tmp)
        tmp.replace(path)
    return path


# -- measuring ------------------------------------------------------------------------
def _tree_rss_mb(pid: int) -> float:
    """Memory of a process and all its descendants (forked coding workers count too), as PSS: pages
    a forked worker shares with its parent are counted once, not once per process."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("Pss:")) * 1024
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError):
            continue
    return total / 2**20


def run_measured(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak summed PSS of the process tree (MB, sampled every 50 ms) and stdout."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_mb(proc.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    out, err = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{err[-2000:]}")
    return seconds, peak, out


def classify(path: Path, workdir: Path, cache_dir: Path, workers: int) -> dict:
    out, timings = workdir / f"{path.stem}.coded.csv", workdir / f"{path.stem}.timings.json"
    cmd = [sys.executable, "-m", "textmine.cli", "classify", str(path), "--codebook", str(CODEBOOK),
           "--out", str(out), "--timings", str(timings), "--cache-dir", str(cache_dir),
           "--workers", str(workers)]
    seconds, peak, _ = run_measured(cmd)
    stages = json.loads(timings.read_text())["seconds"]
    return {"seconds": seconds, "peak_mb": peak, "stages": stages}


PLAIN = r"""
import csv, json, sys, time
import pandas as pd, spacy
csv.field_size_limit(10**9)
texts = pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False)["text"]
limit = int(sys.argv[2])
nlp = spacy.blank("da"); nlp.add_pipe("lemmatizer", config={"mode": "lookup"}); nlp.initialize()
part = texts.iloc[:limit]
start = time.perf_counter(); lemmas = part.apply(lambda t: [w.lemma_ for w in nlp(t)])
apply_s = (time.perf_counter() - start) * len(texts) / len(part)
blank = spacy.blank("da")
start = time.perf_counter(); n = sum(len(d) for d in blank.pipe(texts.tolist(), batch_size=1000))
print(json.dumps({"apply": apply_s, "apply_run": len(part), "pipe": time.perf_counter() - start, "tokens": n}))
"""


def plain_routes(path: Path, n: int) -> dict:
    _, _, out = run_measured([sys.executable, "-c", PLAIN, str(path), str(min(n, APPLY_LIMIT))])
    routes = json.loads(out)
    routes["floor"], _, _ = run_measured([sys.executable, "-c", FLOOR, str(path), str(path.with_suffix(".floor.csv"))])
    return routes


# (c) The least any spaCy-based `classify` does, end to end in a fresh process as textmine's run is
# timed: start Python and spaCy, read the CSV (csv module), tokenise, write a CSV. No classifier
# library, lemma table or model is loaded, so the floor is lower than any real classify's.
FLOOR = r"""
import csv, sys
import spacy
csv.field_size_limit(10**9)
nlp = spacy.blank("da")
with open(sys.argv[1], encoding="utf-8", newline="") as f, open(sys.argv[2], "w", encoding="utf-8", newline="") as out:
    rows, w = csv.reader(f), csv.writer(out)
    w.writerow(next(rows) + ["tokens"])
    while True:
        chunk = [row for _, row in zip(range(5000), rows)]
        if not chunk:
            break
        w.writerows(row + [len(d)] for row, d in zip(chunk, nlp.tokenizer.pipe([row[1] for row in chunk])))
"""


def machine() -> str:
    cpu = "?"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import spacy
    from importlib.metadata import version

    return (f"{cpu}, {os.cpu_count()} cores, {ram:.0f} GiB RAM; Python {platform.python_version()}, "
            f"spaCy {spacy.__version__}, spacy-lookups-data {version('spacy-lookups-data')}, "
            f"pipeline blank:da + lookup lemmatizer (da_core_news_sm not installed)")


def measure(n: int, workdir: Path, workers: int) -> dict:
    path = answers_file(n, workdir)
    cache_dir = workdir / f"cache-{n}"
    for old in cache_dir.glob("*"):
        old.unlink()
    load = os.getloadavg()[0]
    cold = classify(path, workdir, cache_dir, workers)
    print(f"{n:>9,} answers, cold: {cold['seconds']:.1f} s, peak {cold['peak_mb']:,.0f} MB, stages {cold['stages']}",
          flush=True)
    warm = classify(path, workdir, cache_dir, workers)
    plain = plain_routes(path, n)
    row = {"n": n, "cold": cold, "warm": warm, "plain": plain, "load": load}
    st = cold["stages"]
    print(f"{n:>9,} answers: {cold['seconds']:7.1f} s ({n / cold['seconds']:,.0f}/s), peak {cold['peak_mb']:,.0f} MB; "
          f"warm cache {warm['seconds']:.1f} s; apply {plain['apply']:.1f} s "
          f"(x{cold['seconds'] / plain['apply']:.2f}), nlp.pipe {plain['pipe']:.1f} s "
          f"(x{cold['seconds'] / plain['pipe']:.2f}); floor {plain['floor']:.1f} s "
          f"(x{cold['seconds'] / plain['floor']:.2f}; the floor itself is x{plain['floor'] / plain['pipe']:.2f} "
          "nlp.pipe); stages " + ", ".join(f"{k} {v:.1f}" for k, v in st.items())
          + "; warm stages " + ", ".join(f"{k} {v:.1f}" for k, v in warm["stages"].items()) + f"; load {load:.2f}",
          flush=True)
    return row


def table(rows: list[dict], workers: int) -> str:
    stages = ("read", "nlp", "features", "predict", "sentiment", "mask", "write")
    lines = [f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {machine()}. "
             f"`textmine classify --workers {workers}` on synthetic answers (1-120 words, median about 12), "
             "in a fresh process; peak = largest summed PSS of the process and its workers (sampled every "
             "50 ms). Stage seconds are summed over workers, so they can add up to more than the wall time. "
             "Route (a) = pandas `apply` of blank da + lookup lemmatizer per text "
             f"(extrapolated from the first {APPLY_LIMIT:,} above that); (b) = `spacy.blank('da').pipe` "
             "(tokenising only, timed inside its process); (c) = the floor of any spaCy-based classify, a fresh "
             "process timed as textmine's run is: Python and spaCy start, the csv module reads the file in "
             "chunks, `spacy.blank('da')` tokenises, a CSV is written, nothing else (no classifier library, "
             "lemma table or model). warm = the same "
             "run again with the NLP cache filled (as after a code-frame change: tokens, sentiment and masking "
             "read back, not worked out), with its nlp, sentiment and mask stage seconds. Load = 1-minute load "
             "average when the size started (other agents' work shares the 2 cores).", "",
             "| answers | end to end s | answers/s | peak MB | ÷ (a) apply | ÷ (b) nlp.pipe | (c) floor s | ÷ (c) floor "
             "| warm s | warm nlp s | warm sentiment s | warm mask s | "
             + " | ".join(f"{s} s" for s in stages) + " | load |",
             "|" + "---:|" * (13 + len(stages))]
    for r in rows:
        c, p = r["cold"], r["plain"]
        lines.append(f"| {r['n']:,} | {c['seconds']:.1f} | {r['n'] / c['seconds']:,.0f} | {c['peak_mb']:,.0f} | "
                     f"{c['seconds'] / p['apply']:.2f} | {c['seconds'] / p['pipe']:.2f} | {p['floor']:.1f} | "
                     f"{c['seconds'] / p['floor']:.2f} | {r['warm']['seconds']:.1f} | "
                     f"{r['warm']['stages'].get('nlp', 0):.1f} | {r['warm']['stages'].get('sentiment', 0):.1f} | "
                     f"{r['warm']['stages'].get('mask', 0):.1f} | "
                     + " | ".join(f"{c['stages'].get(s, 0):.1f}" for s in stages) + f" | {r['load']:.2f} |")
    return "\n".join(lines)


def write_results(text: str) -> None:
    """Replace the body of the Throughput section of bench/RESULTS.md (other sections untouched)."""
    doc = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    start = doc.find(SECTION)
    if start < 0:
        doc = doc.rstrip("\n") + f"\n\n{SECTION}\n\n{text}\n"
    else:
        end = doc.find("\n## ", start + len(SECTION))
        end = len(doc) if end < 0 else end
        doc = doc[:start] + f"{SECTION}\n\n{text}\n" + doc[end:]
    RESULTS.write_text(doc, encoding="utf-8")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=SIZES)
    ap.add_argument("--quick", action="store_true", help="1k and 10k only")
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "textmine-throughput")
    ap.add_argument("--no-results", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = ap.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    sizes = (1_000, 10_000) if args.quick else args.sizes
    rows = [measure(n, args.workdir, args.workers) for n in sizes]
    text = table(rows, args.workers)
    print(text)
    if not args.no_results:
        write_results(text)


if __name__ == "__main__":
    main()
