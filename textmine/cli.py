"""Command line: each command parses its arguments, calls one library function and prints the result."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import columns as C
from .codebook import load_codebook
from .coding import classify_table, code_survey
from .errors import TextmineError
from .io import read_table
from .models import PROJECT_ROOT, models_dir
from .safe import write_csv
from .training import train

log = logging.getLogger("textmine")


def cmd_classify(args) -> str:
    codebook = load_codebook(args.codebook)
    df = read_table(args.input, required=(args.text_column, args.id_column))
    coded = classify_table(df, codebook, text_column=args.text_column, id_column=args.id_column,
                           model_path=args.model)
    write_csv(coded, args.out)
    flagged = int(coded[C.NEEDS_REVIEW].sum())
    return f"{len(coded)} svar kodet med '{codebook.codebook}' ({coded[C.MODEL].iat[0] if len(coded) else '-'}); " \
           f"{flagged} markeret til gennemsyn -> {args.out}"


def cmd_train(args) -> str:
    codebook = load_codebook(args.codebook)
    meta = train(args.labelled, codebook, args.out, use_shipped=not args.no_shipped)
    m = meta["metrics"]
    figures = f"; {m['cv_folds']}-fold macro-F1 {m['macro_f1']:.2f}" if m else ""
    return f"model til '{codebook.codebook}' trænet på {meta['training']['n']} svar{figures} -> {args.out}"


def cmd_code(args) -> str:
    run = code_survey(args.export, args.survey, args.out, model_dir=args.models,
                      on_error="reject" if args.skip_invalid else "raise")
    rejected = f", {run['rows_rejected']} afvist (se rejected.csv)" if run["rows_rejected"] else ""
    return (f"{run['rows_read']} respondenter læst, {run['rows_kept']} beholdt{rejected}; "
            f"{run['answers']} åbne svar kodet, {run['needs_review']} til gennemsyn "
            f"-> {Path(args.out) / 'coded.csv'}, coded.xlsx")


def cmd_train_shipped(args) -> str:
    """Retrain models/<frame id>/ for every code frame in data/codebooks/ (maintainers)."""
    lines = []
    for path in sorted((PROJECT_ROOT / "data" / "codebooks").glob("*.yaml")):
        codebook = load_codebook(path)
        meta = train(None, codebook, models_dir() / codebook.codebook)
        lines.append(f"{codebook.codebook}: n={meta['training']['n']} {meta['metrics']}")
    return "\n".join(lines)


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
    k.add_argument("--skip-invalid", action="store_true",
                   help="afvis ugyldige rækker (listet i rejected.csv) i stedet for at stoppe")
    k.set_defaults(func=cmd_code)

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
