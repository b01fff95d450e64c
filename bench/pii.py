"""How well personal data is found in tests/data/pii/sentences.csv: recall and precision per kind,
and the share of organisation and place names (kind ORG) that were masked although they must stay.

    python bench/pii.py [sentences.csv] [--misses]

A labelled span counts as found when spans of its kind cover all of it; a found span counts as
right when it overlaps a labelled span of its kind.
"""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textmine.redact import KINDS, find_pii  # noqa: E402

SENTENCES = ROOT / "tests" / "data" / "pii" / "sentences.csv"
ORG = "ORG"


@dataclass
class Figures:
    support: int = 0        # labelled spans
    found: int = 0          # labelled spans covered by found spans of the kind
    predicted: int = 0      # found spans
    right: int = 0          # found spans overlapping a labelled span of the kind

    @property
    def recall(self) -> float:
        return self.found / self.support if self.support else float("nan")

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else float("nan")


@dataclass
class Result:
    kinds: dict[str, Figures] = field(default_factory=lambda: {k: Figures() for k in KINDS})
    org_support: int = 0
    org_masked: int = 0
    clean_sentences: int = 0          # sentences without personal data
    clean_masked: int = 0             # ... where something was masked anyway
    misses: list[str] = field(default_factory=list)

    @property
    def org_masked_share(self) -> float:
        return self.org_masked / self.org_support if self.org_support else 0.0


def load(path=SENTENCES) -> list[tuple[str, list[tuple[str, int, int]]]]:
    """The labelled sentences with each span's kind, start and end.

    The k-th label with the same text is that text's k-th occurrence in the sentence.
    """
    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            text, seen, spans = row["text"], {}, []
            for label in json.loads(row["spans"]):
                start = text.find(label["text"], seen.get(label["text"], 0))
                if start < 0:
                    raise ValueError(f"{path}: {label['text']!r} is not in {text!r}")
                seen[label["text"]] = start + 1
                spans.append((label["kind"], start, start + len(label["text"])))
            rows.append((text, spans))
    return rows


def measure(path=SENTENCES, find=find_pii) -> Result:
    result = Result()
    for text, gold in load(path):
        found = find(text)
        for kind, start, end in gold:
            if kind == ORG:
                result.org_support += 1
                if any(s.start < end and start < s.end for s in found):
                    result.org_masked += 1
                    result.misses.append(f"ORG masked  {text[start:end]!r} in {text!r}")
                continue
            figures = result.kinds[kind]
            figures.support += 1
            covered = {i for s in found if s.kind == kind for i in range(s.start, s.end)}
            if all(i in covered or text[i].isspace() for i in range(start, end)):
                figures.found += 1
            else:
                result.misses.append(f"{kind} missed  {text[start:end]!r} in {text!r}")
        for s in found:
            figures = result.kinds[s.kind]
            figures.predicted += 1
            if any(k == s.kind and s.start < e and b < s.end for k, b, e in gold):
                figures.right += 1
            else:
                result.misses.append(f"{s.kind} wrong   {s.text!r} in {text!r}")
        if all(kind == ORG for kind, _, _ in gold):
            result.clean_sentences += 1
            result.clean_masked += bool(found)
    return result


def report(result: Result) -> str:
    lines = [f"{'kind':<9}{'support':>9}{'recall':>9}{'precision':>11}"]
    for kind, f in result.kinds.items():
        lines.append(f"{kind:<9}{f.support:>9}{f.recall:>9.3f}{f.precision:>11.3f}  ({f.found} found, "
                     f"{f.predicted - f.right} wrongly masked)")
    lines.append(f"ORG masked: {result.org_masked} of {result.org_support} = {result.org_masked_share:.1%}")
    lines.append(f"sentences without personal data with a mask: {result.clean_masked} of {result.clean_sentences}")
    return "\n".join(lines)


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    paths = [a for a in args if not a.startswith("--")]
    result = measure(paths[0] if paths else SENTENCES)
    print(report(result))
    if "--misses" in args:
        print("\n".join(result.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
