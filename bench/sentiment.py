"""Sentiment accuracy on the gold set and on the tests' labelled list, with two baselines.

    PYTHONPATH=. python bench/sentiment.py [--split]

textmine      : textmine.sentiment with the survey supplement (the default)
asent-lexicon : the same scorer with asent's Danish lexicon alone (no supplement)
asent-spacy   : asent's own spaCy component "asent_da_v1" as shipped (blank Danish pipeline +
                sentencizer); a sentence counts as positive/negative from compound +/-0.05

--split also reports the gold set's even and odd rows separately (even rows were used to
look at errors while tuning; odd rows were not).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from textmine.sentiment import BLANDET, LABELS, NEGATIV, NEUTRAL, POSITIV, base_lexicon, sentiment

GOLD = ROOT / "data" / "gold" / "sikkerhedskonsulent-2024-q8.csv"


def asent_spacy(texts) -> list[str]:
    import spacy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import asent  # noqa: F401  (registers the asent_da_v1 factory)
    nlp = spacy.blank("da")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("asent_da_v1")
    out = []
    for doc in nlp.pipe([str(t) for t in texts]):
        signs = {1 if s._.polarity.compound >= 0.05 else -1 if s._.polarity.compound <= -0.05 else 0
                 for s in doc.sents}
        out.append(BLANDET if {1, -1} <= signs else POSITIV if 1 in signs else NEGATIV if -1 in signs
                   else NEUTRAL)
    return out


METHODS = {
    "textmine": sentiment,
    "asent-lexicon": lambda texts: sentiment(texts, lexicon=base_lexicon()),
    "asent-spacy": asent_spacy,
}


def report(name: str, texts, gold) -> None:
    gold = pd.Series(list(gold), name="guld")
    print(f"\n== {name}: {len(gold)} svar ({', '.join(f'{k} {v}' for k, v in gold.value_counts().items())})")
    for method, predict in METHODS.items():
        predicted = pd.Series(predict(list(texts)), name="forudsagt")
        accuracy = (predicted == gold).mean()
        f1 = _macro_f1(gold, predicted)
        print(f"{method:14} accuracy {accuracy:.3f}   macro-F1 {f1:.3f}")
        if method == "textmine":
            table = pd.crosstab(gold, predicted).reindex(index=LABELS, columns=LABELS, fill_value=0)
            print(table.to_string())


def _macro_f1(gold, predicted) -> float:
    scores = []
    for label in LABELS:
        tp = ((gold == label) & (predicted == label)).sum()
        fp = ((gold != label) & (predicted == label)).sum()
        fn = ((gold == label) & (predicted != label)).sum()
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", action="store_true", help="report even and odd gold rows separately")
    args = parser.parse_args()
    if GOLD.exists():
        gold = pd.read_csv(GOLD, dtype=str, keep_default_na=False)
        report(f"guld {GOLD.name}", gold["text"], gold["sentiment"])
        if args.split:
            for part, rows in (("lige rækker", gold.iloc[::2]), ("ulige rækker", gold.iloc[1::2])):
                report(f"guld, {part}", rows["text"], rows["sentiment"])
    else:
        print(f"{GOLD} findes ikke; kun testlisten")
    from test_sentiment import LABELLED

    texts, labels = zip(*LABELLED)
    report("testlisten i tests/test_sentiment.py", texts, labels)


if __name__ == "__main__":
    main()
