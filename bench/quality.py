"""Coding quality on the gold sets, textmine against plain baselines, 5-fold cross-validated.

    python bench/quality.py [--frames q8 q4-andet q1-andet] [--no-spacy] [--queue]

Routes, all trained on the same folds (plus, where they learn, the shipped examples):
  keywords   the code frame's keywords matched on lemmas, no learning
  tfidf+lr   TF-IDF on raw text + one-vs-rest logistic regression (C=10), at least one theme
  spacy      spaCy's own textcat_multilabel / textcat (bag of words), 10 epochs
  textmine   ThemeClassifier: lemmas, compounds, ae/oe/aa, char n-grams, keywords, frame, calibration
With --queue it also simulates coding in review-queue order against random order.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import KFold
from sklearn.multiclass import OneVsRestClassifier

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textmine import load_analyzer, load_codebook  # noqa: E402
from textmine.classify import ThemeClassifier, binarize, decide  # noqa: E402
from textmine.evaluate import cross_validate  # noqa: E402
from textmine.models import shipped_training_path  # noqa: E402
from textmine.queue import review_queue  # noqa: E402
from textmine.rules import KeywordMatcher  # noqa: E402
from textmine.training import read_labelled, read_shipped  # noqa: E402

FRAMES = {"q8": "sikkerhedskonsulent-q8.yaml", "q4-andet": "sikkerhedskonsulent-q4-andet.yaml",
          "q1-andet": "sikkerhedskonsulent-q1-andet.yaml"}


def scores(Y, P, multi: bool) -> dict:
    present = Y.sum(axis=0) > 0
    out = {"macro_f1": f1_score(Y[:, present], P[:, present], average="macro", zero_division=0),
           "exact": (Y == P).all(axis=1).mean()}
    if not multi:
        out["accuracy"] = out["exact"]
    return out


def one_label(P, proba, multi):
    """Single-label: the top theme. Multi-label: themes from 0.5, and the top one when none reaches it."""
    out = np.zeros_like(P) if not multi else P.copy()
    empty = out.sum(axis=1) == 0
    out[np.flatnonzero(empty), proba[empty].argmax(axis=1)] = 1
    return out


def keywords_route(texts, Y, cb, folds, extra):
    matcher = KeywordMatcher.from_codebook(cb, load_analyzer())
    hits = matcher.matrix(load_analyzer().analyze(texts))
    P = (hits > 0).astype(int)
    if cb.multi_label:
        ex = [cb.ids.index(t) for t in cb.exclusive_ids]
        for i in ex:   # "nej" inside a longer answer is not "no comment"
            P[(P.sum(axis=1) > 1) & (P[:, i] == 1), i] = 0
    return one_label(P, hits + 1e-9 * np.arange(hits.shape[1])[::-1], cb.multi_label)


def tfidf_route(texts, Y, cb, folds, extra):
    P = np.zeros_like(Y)
    ex_t, ex_y = extra
    for train, test in folds:
        xt = [texts[i] for i in train] + list(ex_t)
        yt = np.vstack([Y[train], ex_y]) if len(ex_t) else Y[train]
        vec = TfidfVectorizer()
        X = vec.fit_transform(xt)
        keep = yt.sum(axis=0) > 0
        clf = OneVsRestClassifier(LogisticRegression(C=10.0, max_iter=1000)).fit(X, yt[:, keep])
        proba = np.zeros((len(test), Y.shape[1]))
        proba[:, keep] = clf.predict_proba(vec.transform([texts[i] for i in test]))
        P[test] = one_label((proba >= 0.5).astype(int), proba, cb.multi_label)
    return P


def spacy_route(texts, Y, cb, folds, extra, epochs=10):
    import spacy
    from spacy.training import Example

    P = np.zeros_like(Y)
    ex_t, ex_y = extra
    pipe_name = "textcat_multilabel" if cb.multi_label else "textcat"
    for train, test in folds:
        nlp = spacy.blank("da")
        textcat = nlp.add_pipe(pipe_name, config={"model": {"@architectures": "spacy.TextCatBOW.v3",
                                                          "exclusive_classes": not cb.multi_label,
                                                          "ngram_size": 2, "no_output_layer": False}})
        for t in cb.ids:
            textcat.add_label(t)
        xt = [texts[i] for i in train] + list(ex_t)
        yt = np.vstack([Y[train], ex_y]) if len(ex_t) else Y[train]
        examples = [Example.from_dict(nlp.make_doc(t), {"cats": {c: float(v) for c, v in zip(cb.ids, y)}})
                    for t, y in zip(xt, yt)]
        optimizer = nlp.initialize(lambda: examples)
        rng = random.Random(0)
        for _ in range(epochs):
            rng.shuffle(examples)
            for batch in spacy.util.minibatch(examples, size=16):
                nlp.update(batch, sgd=optimizer)
        docs = list(nlp.pipe([texts[i] for i in test]))
        proba = np.array([[d.cats[c] for c in cb.ids] for d in docs])
        P[test] = one_label((proba >= 0.5).astype(int), proba, cb.multi_label)
    return P


def textmine_route(texts, labels, cb, extra_raw):
    ev = cross_validate(texts, labels, cb, k=5, extra=extra_raw)
    return ev


def queue_simulation(texts, labels, cb, extra_raw, batch=20, rounds=8, seed=0) -> dict:
    """Macro-F1 on a held-out fifth after coding answers in queue order versus random order."""
    idx = np.arange(len(texts))
    rng = np.random.default_rng(seed)
    rng.shuffle(idx)
    test, pool0 = idx[: len(idx) // 5], list(idx[len(idx) // 5:])
    batch = min(batch, max(1, len(pool0) // rounds))
    Yt = binarize([labels[i] for i in test], cb)
    curves = {}
    for strategy in ("queue", "random"):
        pool, coded = list(pool0), []
        order_rng = np.random.default_rng(seed + 1)
        curve = []
        for r in range(rounds + 1):
            xt = [texts[i] for i in coded] + list(extra_raw[0])
            yt = [labels[i] for i in coded] + list(extra_raw[1])
            model = ThemeClassifier(cb).fit(xt, yt)
            P = binarize([d.themes for d in model.decide(model.predict_proba([texts[i] for i in test]))], cb)
            curve.append(scores(Yt, P, cb.multi_label)["macro_f1"])
            if r == rounds:
                break
            if strategy == "queue":
                counts = {t: sum(t in labels[i] for i in coded) for t in cb.ids}
                q = review_queue([texts[i] for i in pool], model, coded_counts=counts)
                picked = [pool[p] for p in q["position"].iloc[:batch]]
            else:
                picked = list(order_rng.choice(pool, batch, replace=False))
            coded += picked
            pool = [i for i in pool if i not in set(picked)]
        curves[strategy] = curve
    return curves


def report_queue(name, texts, labels, cb, *, seeds: int, batch: int = 20, rounds: int = 8) -> None:
    """Mean learning curves over ``seeds`` splits, and how many coded answers each order needs."""
    runs = [queue_simulation(texts, labels, cb, ((), ()), batch=batch, rounds=rounds, seed=s) for s in range(seeds)]
    curves = {k: np.mean([r[k] for r in runs], axis=0) for k in ("queue", "random")}
    step = min(batch, max(1, (len(texts) - len(texts) // 5) // rounds))
    coded = [step * r for r in range(rounds + 1)]
    print(f"  learning order ({name}): macro-F1 on a held-out fifth, mean of {seeds} splits, starting from the"
          " frame alone")
    print(f"    {'coded':7} " + " ".join(f"{n:5d}" for n in coded))
    for strategy, curve in curves.items():
        print(f"    {strategy:7} " + " ".join(f"{v:.3f}" for v in curve))
    for target in np.round(np.linspace(curves["random"][0], max(curves["random"]), 5)[2:], 2):
        need = {k: next((n for n, v in zip(coded, c) if v >= target), None) for k, c in curves.items()}
        print(f"    to reach macro-F1 {target:.2f}: queue {need['queue']} answers, random {need['random']}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", nargs="*", default=list(FRAMES))
    ap.add_argument("--no-spacy", action="store_true")
    ap.add_argument("--queue", action="store_true")
    ap.add_argument("--seeds", type=int, default=12, help="held-out splits the learning-order curves average over")
    args = ap.parse_args()
    print(f"NLP: {load_analyzer().name}")
    print(f"{'frame':10} {'route':10} {'macro-F1':>9} {'exact':>7} {'flagged':>8} {'exact unflagged':>16} {'secs':>6}")
    for name in args.frames:
        cb = load_codebook(ROOT / "data" / "codebooks" / FRAMES[name])
        texts, labels = read_labelled(ROOT / "data" / "gold" / f"sikkerhedskonsulent-2024-{name}.csv", cb,
                                      empty_means_none=True)
        Y = binarize(labels, cb)
        shipped = read_shipped(shipped_training_path(cb), cb)
        extra = (shipped[0], binarize(shipped[1], cb))
        folds = list(KFold(5, shuffle=True, random_state=0).split(np.arange(len(texts))))
        routes = [("keywords", keywords_route), ("tfidf+lr", tfidf_route)]
        if not args.no_spacy:
            routes.append(("spacy", spacy_route))
        for route, fn in routes:
            t = time.time()
            s = scores(Y, fn(texts, Y, cb, folds, extra), cb.multi_label)
            print(f"{name:10} {route:10} {s['macro_f1']:9.3f} {s['exact']:7.3f} {'-':>8} {'-':>16} "
                  f"{time.time() - t:6.0f}", flush=True)
        t = time.time()
        s = textmine_route(texts, labels, cb, shipped).summary()
        print(f"{name:10} {'textmine':10} {s['macro_f1']:9.3f} {s['exact_match']:7.3f} "
              f"{s['needs_review_share']:8.3f} {s['exact_match_unflagged']:16.3f} {time.time() - t:6.0f}", flush=True)
        if args.queue:
            report_queue(name, texts, labels, cb, seeds=args.seeds)

if __name__ == "__main__":
    main()
