"""Command line: each command parses its arguments, calls one library function and prints the result."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from . import columns as C
from .cache import NlpCache, default_cache_dir
from .codebook import load_codebook
from .coding import Stopwatch, code_survey, user_cache
from .errors import TextmineError
from .evaluate import evaluate_file, format_evaluation
from .io import read_table
from .models import PROJECT_ROOT, models_dir, shipped_training_path
from .redact import redact_table
from .safe import write_csv, write_json, write_xlsx
from .stream import classify_file
from .training import train

log = logging.getLogger("textmine")


def cmd_classify(args) -> str:
    timer = Stopwatch()
    codebook = load_codebook(args.codebook)
    run = classify_file(args.input, codebook, args.out, text_column=args.text_column, id_column=args.id_column,
                        model_path=args.model, mask=not args.no_mask, timer=timer, workers=args.workers,
                        cache=nlp_cache(args))
    if args.timings:
        write_json({"answers": run["answers"], "workers": args.workers, "seconds": timer.seconds}, args.timings)
    return f"{run['answers']} svar kodet med '{codebook.codebook}' ({run['model'] if run['answers'] else '-'}); " \
           f"{run['needs_review']} markeret til gennemsyn -> {args.out}"


def nlp_cache(args) -> NlpCache | None:
    """The NLP cache (tokens, sentiment and masking per answer), unless ``--no-cache``. It pays even
    with the blank tokenizer: at 100,000 answers a second run took 6.9 s against 11.2 s
    (bench/RESULTS.md)."""
    return None if args.no_cache else user_cache(args.cache_dir)


def cmd_train(args) -> str:
    codebook = load_codebook(args.codebook)
    meta = train(args.labelled, codebook, args.out, use_shipped=not args.no_shipped)
    m = meta["metrics"]
    figures = f"; {m['cv_folds']}-fold macro-F1 {m['macro_f1']:.2f}" if m else ""
    return f"model til '{codebook.codebook}' trænet på {meta['training']['n']} svar{figures} -> {args.out}"


def cmd_code(args) -> str:
    run = code_survey(args.export, args.survey, args.out, model_dir=args.models,
                      on_error="reject" if args.skip_invalid else "raise", mask=not args.no_mask,
                      cache=nlp_cache(args))
    rejected = f", {run['rows_rejected']} afvist (se rejected.csv)" if run["rows_rejected"] else ""
    return (f"{run['rows_read']} respondenter læst, {run['rows_kept']} beholdt{rejected}; "
            f"{run['answers']} åbne svar kodet, {run['needs_review']} til gennemsyn "
            f"-> {Path(args.out) / 'coded.csv'}, coded.xlsx")


def cmd_evaluate(args) -> str:
    codebook = load_codebook(args.codebook)
    ev, curve, title = evaluate_file(args.gold, codebook, model_path=args.model, cv=args.cv, curve=args.curve)
    if args.json:
        result = {"title": title, **ev.to_dict()}
        if curve is not None:
            result["curve"] = curve.to_dict("records")
        return json.dumps(result, indent=2, ensure_ascii=False)
    text = format_evaluation(ev, title)
    if curve is not None:
        text += "\n\nLæringskurve (andel af træningsfoldene; guldfilen og koderammen alene):\n" + curve.to_string(index=False)
    return text


def cmd_report(args) -> str:
    from .report import (
        build_report,  # matplotlib and python-docx load only when a report is made
    )

    run = build_report(args.export, args.survey, args.out, coded=args.coded, by=args.by, min_cell=args.min_cell,
                       fold_backcoded=args.fold_backcoded)
    moved = f"; {run['moved']} 'Andet'-svar tilbagekodet" if args.fold_backcoded else ""
    return (f"{run['respondents']} respondenter, {run['tables']} tabeller ({run['cells']} celler, "
            f"{run['suppressed']} vist som '<{args.min_cell}'), {len(run['figures'])} figurer, "
            f"{run['quotes']} citater{moved} -> {run['docx']}, report.xlsx, tables.csv")


def cmd_discover(args) -> str:
    from .discover import candidates_frame, discover, format_candidates

    codebook = load_codebook(args.codebook)
    texts = read_table(args.input, required=(args.text_column,))[args.text_column].tolist()
    candidates = discover(texts, codebook, seed=args.seed, threshold=args.threshold)
    text = format_candidates(candidates, len(texts), codebook)
    if args.out:
        write_csv(candidates_frame(candidates), args.out)
        text += f"\n\n-> {args.out}"
    return text


def cmd_redact(args) -> str:
    masked = redact_table(read_table(args.input, required=(args.text_column,)), args.text_column)
    if Path(args.out).suffix.lower() == ".xlsx":
        write_xlsx({"Maskeret": masked}, args.out)
    else:
        write_csv(masked, args.out)
    return f"{len(masked)} tekster, {masked.attrs['masks']} maskeringer -> {args.out}"


def cmd_train_shipped(args) -> str:
    """Retrain models/<frame id>/ for every code frame in data/codebooks/ (maintainers)."""
    lines = []
    for path in sorted((PROJECT_ROOT / "data" / "codebooks").glob("*.yaml")):
        codebook = load_codebook(path)
        if shipped_training_path(codebook) is None:
            lines.append(f"{codebook.codebook}: ingen eksempler i data/training/ (koderammen alene bruges)")
            continue
        meta = train(None, codebook, models_dir() / codebook.codebook)
        lines.append(f"{codebook.codebook}: n={meta['training']['n']} {meta['metrics']}")
    return "\n".join(lines)


def cache_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-cache", action="store_true", help="analysér alle svar, også dem der er analyseret før")
    parser.add_argument("--cache-dir", type=Path, default=default_cache_dir(),
                        help="mappe til analyserede svar (standard: $TEXTMINE_CACHE eller ~/.cache/textmine)")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="textmine", description="Kod åbne svar i danske spørgeskemaer.")
    p.add_argument("-v", "--verbose", action="store_true", help="vis log (pipeline, modeller)")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("classify", help="kod en tekstkolonne i en CSV/XLSX-fil")
    c.add_argument("input")
    c.add_argument("--codebook", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("--text-column", default=C.TEXT)
    c.add_argument("--id-column", default="id")
    c.add_argument("--model", default=None, help="modelmappe (standard: den medfølgende til kodearket)")
    c.add_argument("--no-mask", action="store_true", help="skriv teksterne umaskerede")
    cache_options(c)
    c.add_argument("--timings", default=None, help="skriv sekunder pr. trin (JSON) til denne fil")
    c.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="processer der koder samtidig (standard: antal kerner)")
    c.set_defaults(func=cmd_classify)

    t = sub.add_parser("train", help="træn en model på kodede svar (kolonner text, themes)")
    t.add_argument("labelled")
    t.add_argument("--codebook", required=True)
    t.add_argument("--out", required=True)
    t.add_argument("--no-shipped", action="store_true", help="brug ikke de medfølgende eksempler")
    t.set_defaults(func=cmd_train)

    k = sub.add_parser("code", help="kod alle åbne svar i en eksport")
    k.add_argument("export")
    k.add_argument("--survey", required=True)
    k.add_argument("--out", required=True)
    k.add_argument("--models", default=None, help="mappe med én modelmappe pr. kodeark-id")
    k.add_argument("--no-mask", action="store_true",
                   help="skriv svarene umaskerede (kun til analytikere, der må se personoplysninger)")
    k.add_argument("--skip-invalid", action="store_true",
                   help="afvis ugyldige rækker (listet i rejected.csv) i stedet for at stoppe")
    cache_options(k)
    k.set_defaults(func=cmd_code)

    e = sub.add_parser("evaluate", help="mål kodningen mod en guldstandard (kolonner text, themes)")
    e.add_argument("gold")
    e.add_argument("--codebook", required=True)
    e.add_argument("--model", default=None, help="modelmappe (standard: den medfølgende til kodearket)")
    e.add_argument("--cv", type=int, default=None, metavar="K", help="K-fold krydsvalidering på guldfilen")
    e.add_argument("--curve", action="store_true", help="macro-F1 ved 10/25/50/100 %% af træningsfoldene")
    e.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    e.set_defaults(func=cmd_evaluate)

    r = sub.add_parser("report", help="skriv tabeller, figurer, Excel- og Word-rapport for en eksport")
    r.add_argument("export")
    r.add_argument("--survey", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--coded", default=None, help="kodede svar fra 'textmine code' (standard: kod nu)")
    r.add_argument("--by", type=int, default=None, metavar="SPØRGSMÅL",
                   help="opdel tabellerne på dette spørgsmål (standard: spørgeskemaets group_by)")
    r.add_argument("--min-cell", type=int, default=3, metavar="N",
                   help="celler med færre end N respondenter vises som '<N' (standard: 3)")
    r.add_argument("--fold-backcoded", action="store_true",
                   help="tæl 'Andet'-svar, der hører under en fast svarmulighed, under den")
    r.set_defaults(func=cmd_report)

    d = sub.add_parser("discover", help="foreslå nye temaer blandt svar, som intet tema i kodearket passer til")
    d.add_argument("input")
    d.add_argument("--codebook", required=True)
    d.add_argument("--text-column", default=C.TEXT)
    d.add_argument("--out", default=None, help="skriv forslagene som CSV")
    d.add_argument("--threshold", type=float, default=0.5,
                   help="et svar passer ikke, når dets bedste tema har lavere sandsynlighed (standard: 0.5)")
    d.add_argument("--seed", type=int, default=0, help="frø til klyngedelingen (samme frø, samme resultat)")
    d.set_defaults(func=cmd_discover)

    x = sub.add_parser("redact", help="masker navne, CPR, telefon, e-mail og adresser i en tekstkolonne")
    x.add_argument("input")
    x.add_argument("--out", required=True, help="CSV eller XLSX (efter endelsen)")
    x.add_argument("--text-column", default=C.TEXT)
    x.set_defaults(func=cmd_redact)

    s = sub.add_parser("train-shipped", help="gentræn de medfølgende modeller fra data/training/")
    s.set_defaults(func=cmd_train_shipped)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        print(args.func(args))
    except TextmineError as exc:
        print(f"textmine: fejl: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("textmine: afbrudt", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: the analyst gets one line, the details go to a log file
        log_path = _log_crash(argv)
        print(f"textmine: uventet fejl ({type(exc).__name__}: {str(exc)[:200]}). Detaljerne står i {log_path}; "
              "send filen til udviklerne.", file=sys.stderr)
        return 3
    return 0


def _log_crash(argv) -> Path:
    import tempfile
    import traceback
    from datetime import datetime, timezone

    path = Path(tempfile.gettempdir()) / "textmine-fejl.log"
    with open(path, "a", encoding="utf-8") as f:
        f.write(f"--- {datetime.now(timezone.utc).isoformat(timespec='seconds')} textmine {argv or sys.argv[1:]}\n")
        f.write(traceback.format_exc())
    return path


if __name__ == "__main__":
    sys.exit(main())
