"""Measure (and calibrate) the contradiction detector on the shared benchmark data.

Reads ``../shared/bench`` (or ``$RAG_BENCH_DIR``) at run time; nothing is copied into the repo.

(a) ``rgb_en_fact``: every question has real snippets (``pos``), synthetic copies with the
    answer swapped (``cf``) and noise. Each question is run twice: with the cf docs (should
    be flagged) and without them (should not). Evidence = the 12 sentences most similar to
    the question (at most 3 per document), as retrieval would give. Reported: precision,
    recall and F1 of "the question has a conflict", and how often a flagged conflict really
    sets a true-answer sentence against a fake-answer one.
(b) ``realtimeqa``: no question is a conflict. Evidence = the 12 best sentences of the 4
    passages most similar to the question. Reported: false-flag rate.
(d) ``wikicontradict_dev`` (``--wikicontradict``): the corpus-wide scan (``rag conflicts``, no question) over all
    its passages, as one store would hold them. Reported per part of ``split.json`` (dev, test): how many
    questions' two contradicting passages (``conflict_docs``) the scan sets against each other, and how many of
    the passage pairs it flags are such a pair. Questions whose contradiction lies inside one passage cannot be
    found by a scan across documents and are counted apart.
(c) ``nli/*/test`` (optional, ``--nli-pairs N``): premise/hypothesis pairs as two one-sentence
    documents; contradiction vs not, for the aegis NLI signal alone (p >= 0.5, both orders
    averaged) and for the whole detector.

``--fit`` also fits the logistic weights of the cheap signals on the candidate pairs of (a)
and (b) (label: a true-answer sentence against a fake-answer sentence) and prints them;
``--sweep`` prints question-level precision/recall/false flags for a range of thresholds.

Results with the defaults (threshold 0.7; 100 RGB questions x 2, 250 RealTimeQA questions):

    | NLI   | RGB precision | RGB recall | RGB F1 | RealTimeQA false flags | NLI test pairs (600): P / R |
    |-------|---------------|------------|--------|------------------------|-----------------------------|
    | aegis | 0.940         | 0.940      | 0.940  | 0 / 250                | detector 1.00 / 0.015       |
    | none  | 0.938         | 0.900      | 0.918  | 0 / 250                | detector 0.50 / 0.005       |
    aegis alone on the NLI test pairs (p >= 0.5): precision 0.50, recall 0.93.
    The 'none' RGB figures are from issue 14 (claims on the shared stopword list and stemmer; before: 0.937 /
    0.890 / 0.913); the other figures predate it and were not re-run.

Usage:
    python benchmarks/conflicts_calibration.py --wikicontradict --rgb 0 --rtqa 0
    python benchmarks/conflicts_calibration.py --no-nli --fit --sweep
    python benchmarks/conflicts_calibration.py --rgb 100 --rtqa 250 --nli-pairs 600
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from rag.conflicts import SIGNALS, analyze_pairs, conflicts_from_pairs, nli_center  # noqa: E402
from rag.conflicts.detect import scan_conflicts  # noqa: E402
from rag.embed import get_embedder  # noqa: E402
from rag.nli import get_nli  # noqa: E402
from rag.settings import ConflictSettings, Settings  # noqa: E402
from rag.text.sentences import split_sentences  # noqa: E402
from rag.types import Evidence  # noqa: E402

BENCH = Path(os.environ.get("RAG_BENCH_DIR", Path(__file__).resolve().parents[2] / "shared" / "bench"))
EVIDENCE_SENTENCES = 12
PER_DOC = 3


class CachedEmbedder:
    """Wraps an embedder so each distinct text is embedded once per run."""

    def __init__(self, inner):
        self.inner = inner
        self.name = inner.name
        self.cache: dict[str, np.ndarray] = {}

    def embed_documents(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self.cache]
        if todo:
            for t, v in zip(todo, self.inner.embed_documents(todo)):
                self.cache[t] = v
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([self.cache[t] for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def _read(folder: Path, doc_id: str) -> str:
    return (folder / "docs" / f"{doc_id}.txt").read_text(encoding="utf-8")


def sentences_of(doc_id: str, text: str) -> list[Evidence]:
    out = []
    for sp in split_sentences(text):
        out.append(Evidence(key=1, doc_id=doc_id, source=doc_id, title=doc_id, start=sp.start, end=sp.end,
                            text=text[sp.start : sp.end]))
    return out


def select_evidence(question: str, docs: dict[str, str], emb: CachedEmbedder, k: int = EVIDENCE_SENTENCES) -> list[Evidence]:
    """The k sentences most similar to the question, at most PER_DOC per document."""
    sents = [s for doc_id, text in docs.items() for s in sentences_of(doc_id, text)]
    if not sents:
        return []
    v = emb.embed_documents([s.text for s in sents])
    order = np.argsort(-(v @ emb.embed_query(question)), kind="stable")
    chosen, per = [], {}
    for i in order:
        d = sents[i].doc_id
        if per.get(d, 0) >= PER_DOC:
            continue
        per[d] = per.get(d, 0) + 1
        chosen.append(sents[i])
        if len(chosen) >= k:
            break
    return [s.model_copy(update={"key": n + 1}) for n, s in enumerate(chosen)]


def _contains(text: str, answers: list[str]) -> bool:
    low = text.lower()
    return any(a.lower() in low for a in answers if a)


# ---------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------


def run_set(cases, settings: ConflictSettings, emb, nli, label_pair=None):
    """cases: (case_id, question, docs, expected_flag, extra). Returns per-case records and pair rows."""
    records, rows = [], []
    center = nli_center(settings, nli)
    for case_id, question, docs, expected, extra in cases:
        ev = select_evidence(question, docs, emb)
        t0 = time.perf_counter()
        units, pairs = analyze_pairs(ev, settings, emb, nli)
        conflicts = conflicts_from_pairs(units, pairs, settings, question)
        dt = time.perf_counter() - t0
        correct = False
        if label_pair is not None:
            for p in pairs:
                lab = label_pair(units[p.a], units[p.b], extra)
                rows.append((p.features(center), lab, p.score, case_id))
                if lab and p.score >= settings.threshold:
                    correct = True
        else:
            rows += [(p.features(center), 0, p.score, case_id) for p in pairs]
        records.append({"id": case_id, "expected": expected, "flagged": bool(conflicts), "correct": correct,
                        "max_score": max((p.score for p in pairs), default=0.0), "secs": dt, "n_ev": len(ev),
                        "kinds": [c.kind for c in conflicts]})
    return records, rows


def rgb_cases(limit: int):
    folder = BENCH / "rgb_en_fact"
    meta = {m["id"]: m for m in map(json.loads, (folder / "docs_meta.jsonl").read_text().splitlines())}
    qs = [json.loads(line) for line in (folder / "questions.jsonl").read_text().splitlines()][:limit]
    for q in qs:
        fake = re.search(r"copies saying '(.+?)'", q["note"]).group(1)
        ids = [m for m, x in meta.items() if x["question_id"] == q["id"]]
        pos = [i for i in ids if meta[i]["role"] == "true"]
        cf = [i for i in ids if meta[i]["role"].startswith("counterfactual")]
        noise = [i for i in ids if meta[i]["role"] == "noise"]
        extra = {"true": q["answers"], "fake": [fake], "pos": set(pos), "cf": set(cf)}
        yield (q["id"] + "+cf", q["question"], {i: _read(folder, i) for i in pos + cf + noise}, True, extra)
        yield (q["id"] + "-clean", q["question"], {i: _read(folder, i) for i in pos + noise}, False, extra)


def rgb_label(a, b, extra) -> int:
    for x, y in ((a, b), (b, a)):
        if x.ev.doc_id in extra["pos"] and y.ev.doc_id in extra["cf"]:
            if _contains(x.text, extra["true"]) and _contains(y.text, extra["fake"]) and not _contains(y.text, extra["true"]):
                return 1
    return 0


def rtqa_cases(limit: int, emb: CachedEmbedder, top_docs: int = 4):
    folder = BENCH / "realtimeqa"
    qs = [json.loads(line) for line in (folder / "questions.jsonl").read_text().splitlines()][:limit]
    ids = sorted(p.stem for p in (folder / "docs").glob("*.txt"))
    texts = [_read(folder, i) for i in ids]
    dv = emb.embed_documents(texts)
    for q in qs:
        order = np.argsort(-(dv @ emb.embed_query(q["question"])), kind="stable")[:top_docs]
        yield (q["id"], q["question"], {ids[i]: texts[i] for i in order}, False, None)


def nli_cases(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    out = []
    for name in ("snli_cad", "xnli_en", "mnli"):
        rows = [json.loads(line) for line in (BENCH / "nli" / name / "test.jsonl").read_text().splitlines()]
        if name == "mnli":
            rows = [r for r in rows if r.get("label_source", "gold") == "gold"]
        pick = rng.choice(len(rows), size=min(n // 3, len(rows)), replace=False)
        out += [(name, rows[i]["premise"], rows[i]["hypothesis"], rows[i]["label"] == "contradiction") for i in pick]
    return out


def wikicontradict_scan(settings: ConflictSettings, emb, nli) -> dict[str, dict[str, int]]:
    """Part (d): the question-free scan over every WikiContradict passage; gold pairs found per split part."""
    from rag.types import Span

    folder = BENCH / "wikicontradict_dev"
    titles = {m["id"]: m["title"] for m in map(json.loads, (folder / "docs_meta.jsonl").read_text().splitlines())}
    docs = []
    for path in sorted((folder / "docs").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        spans = [Span(start=sp.start, end=sp.end) for sp in split_sentences(text)]
        docs.append((path.stem, path.stem, titles.get(path.stem, path.stem), text, spans))
    found = scan_conflicts(docs, settings, emb, nli)
    flagged = {frozenset(s.doc_id for s in c.sides) for c in found}
    flagged = {pair for pair in flagged if len(pair) == 2}
    split = json.loads((folder / "split.json").read_text())
    part_of = {qid: part for part in ("dev", "test") for qid in split[part]}
    gold_pairs: set[frozenset[str]] = set()
    out: dict[str, dict[str, int]] = {}
    for line in (folder / "questions.jsonl").read_text().splitlines():
        q = json.loads(line)
        sides = [set(side) if isinstance(side, list) else {side} for side in q["conflict_docs"]]
        docs_of = set().union(*sides)
        m = out.setdefault(part_of.get(q["id"], "other"), {"questions": 0, "two_passages": 0, "found": 0})
        m["questions"] += 1
        if len(docs_of) < 2:
            continue  # the contradiction is inside one passage
        m["two_passages"] += 1
        pairs = {frozenset((a, b)) for a in sides[0] for b in sides[-1] if a != b}
        gold_pairs |= pairs
        m["found"] += bool(pairs & flagged)
    out["scan"] = {"conflicts": len(found), "passage_pairs": len(flagged), "gold_pairs": len(flagged & gold_pairs)}
    return out


# ---------------------------------------------------------------------------
# Metrics and fitting
# ---------------------------------------------------------------------------


def prf(records) -> dict[str, float]:
    tp = sum(r["flagged"] and r["expected"] for r in records)
    fp = sum(r["flagged"] and not r["expected"] for r in records)
    fn = sum(not r["flagged"] and r["expected"] for r in records)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "fp": fp, "fn": fn}


def fit_logistic(rows, l2: float = 1.0, iters: int = 60):
    """Newton's method on the cheap signals (no NLI); classes balanced. Returns (bias, weights)."""
    names = [k for k in SIGNALS if k != "nli"]
    x = np.array([[f[k] for k in names] for f, _, _, _ in rows], dtype=np.float64)
    y = np.array([lab for _, lab, _, _ in rows], dtype=np.float64)
    x = np.hstack([np.ones((len(x), 1)), x])
    pos = max(1.0, y.sum())
    sw = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * max(1.0, len(y) - pos)))
    w = np.zeros(x.shape[1])
    reg = np.full(x.shape[1], l2)
    reg[0] = 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(x @ w)))
        g = x.T @ (sw * (p - y)) + reg * w
        h = (x * (sw * p * (1 - p))[:, None]).T @ x + np.diag(reg) + 1e-6 * np.eye(len(w))
        w -= np.linalg.solve(h, g)
    return float(w[0]), dict(zip(names, map(float, w[1:])))


def sweep(rgb_records_by_thr, rtqa_records_by_thr):
    print("\n| threshold | rgb precision | rgb recall | rgb F1 | realtimeqa false-flag rate |")
    print("|---:|---:|---:|---:|---:|")
    for thr in sorted(rgb_records_by_thr):
        m = prf(rgb_records_by_thr[thr])
        fpr = np.mean([r["flagged"] for r in rtqa_records_by_thr[thr]]) if rtqa_records_by_thr[thr] else float("nan")
        print(f"| {thr:.2f} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {fpr:.3f} |")


def _rethreshold(records, thr):
    return [dict(r, flagged=r["max_score"] >= thr) for r in records]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-nli", action="store_true", help="Run without an NLI model (same as --nli none).")
    ap.add_argument("--nli", default="corroborate", help="NLI model spec (rag/nli/): corroborate, aegis, none, ...")
    ap.add_argument("--nli-center", type=float, default=None, help="Override conflicts.nli_center (default: the model's).")
    ap.add_argument("--rgb", type=int, default=100, help="RGB questions (each run with and without the fake docs).")
    ap.add_argument("--rtqa", type=int, default=250, help="RealTimeQA questions (false flags).")
    ap.add_argument("--nli-pairs", type=int, default=0, help="NLI test pairs for part (c); 0 skips it.")
    ap.add_argument("--wikicontradict", action="store_true", help="Part (d): the corpus-wide scan over WikiContradict.")
    ap.add_argument("--fit", action="store_true", help="Fit the cheap-signal weights on the candidate pairs and print them.")
    ap.add_argument("--sweep", action="store_true", help="Print metrics over a range of thresholds.")
    ap.add_argument("--threshold", type=float, default=None, help="Override ConflictSettings.threshold.")
    args = ap.parse_args(argv)

    base = Settings()
    cs = base.conflicts.model_copy(update={"nli": "none" if args.no_nli else args.nli, "nli_center": args.nli_center})
    if args.threshold is not None:
        cs = cs.model_copy(update={"threshold": args.threshold})
    emb = CachedEmbedder(get_embedder(base))
    nli = get_nli(cs.nli)
    if nli is not None:
        nli.warm_up()
    print(f"settings: threshold={cs.threshold} nli={cs.nli} nli_max_pairs={cs.nli_max_pairs} "
          f"min_similarity={cs.min_similarity} max_pairs={cs.max_pairs}")
    print(f"bias={cs.bias} weights={cs.weights}")

    t0 = time.perf_counter()
    rgb_rec, rgb_rows = run_set(list(rgb_cases(args.rgb)), cs, emb, nli, rgb_label)
    t_rgb = time.perf_counter() - t0
    t0 = time.perf_counter()
    rt_rec, rt_rows = run_set(list(rtqa_cases(args.rtqa, emb)), cs, emb, nli)
    t_rt = time.perf_counter() - t0

    if args.wikicontradict:
        t0 = time.perf_counter()
        wc = wikicontradict_scan(cs, emb, nli)
        scan = wc.pop("scan")
        print(f"\nWikiContradict, corpus-wide scan (no question; {time.perf_counter() - t0:.0f} s): {scan['conflicts']} "
              f"conflicts over {scan['passage_pairs']} passage pairs, {scan['gold_pairs']} of them a question's two passages")
        print("| part | questions | two passages | their pair flagged |")
        print("|---|---:|---:|---:|")
        for part, m in sorted(wc.items()):
            print(f"| {part} | {m['questions']} | {m['two_passages']} | {m['found']} / {m['two_passages']} |")
    if not rgb_rec and not rt_rec:
        return
    m = prf(rgb_rec)
    flagged_pos = [r for r in rgb_rec if r["expected"] and r["flagged"]]
    fpr = float(np.mean([r["flagged"] for r in rt_rec])) if rt_rec else float("nan")
    secs = np.array([r["secs"] for r in rgb_rec + rt_rec])
    print("\n| set | n | precision | recall | F1 | false-flag rate | flagged pair is true-vs-fake |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(f"| rgb_en_fact (with / without fake docs) | {len(rgb_rec)} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} "
          f"| {m['fp'] / max(1, sum(not r['expected'] for r in rgb_rec)):.3f} "
          f"| {np.mean([r['correct'] for r in flagged_pos]) if flagged_pos else float('nan'):.3f} |")
    print(f"| realtimeqa (no conflicts) | {len(rt_rec)} | | | | {fpr:.3f} | |")
    print(f"\nfind_conflicts time per question (excluding evidence embedding cache misses): "
          f"median {np.median(secs) * 1000:.0f} ms, p95 {np.percentile(secs, 95) * 1000:.0f} ms, max {secs.max() * 1000:.0f} ms; "
          f"wall: rgb {t_rgb:.0f} s, realtimeqa {t_rt:.0f} s")
    kinds = {}
    for r in rgb_rec + rt_rec:
        for k in r["kinds"]:
            kinds[(r["expected"], k)] = kinds.get((r["expected"], k), 0) + 1
    print("conflict kinds (expected_conflict, kind): count =", dict(sorted(kinds.items())))
    fl = [r["id"] for r in rt_rec if r["flagged"]]
    if fl:
        print("realtimeqa false flags:", ", ".join(fl[:20]))

    if args.sweep:
        thrs = [round(x, 2) for x in np.arange(0.3, 0.96, 0.05)]
        sweep({t: _rethreshold(rgb_rec, t) for t in thrs}, {t: _rethreshold(rt_rec, t) for t in thrs})
    if args.fit:
        rows = rgb_rows + rt_rows
        bias, weights = fit_logistic(rows)
        print(f"\nfitted on {len(rows)} candidate pairs ({sum(r[1] for r in rows)} positive): bias={bias:.2f}")
        print("weights:", {k: round(v, 2) for k, v in weights.items()})
        act = {k: sum(1 for f, *_ in rows if f[k] > 0) for k in SIGNALS if k not in ("similarity", "nli")}
        print("pairs where each signal fires:", act)

    if args.nli_pairs:
        cases = nli_cases(args.nli_pairs)
        aegis = get_nli("aegis")
        y, p_nli, det, det_cheap = [], [], [], []
        cheap = cs.model_copy(update={"nli": "none"})
        t0 = time.perf_counter()
        for _, prem, hyp, lab in cases:
            y.append(lab)
            p_nli.append((aegis.predict(prem, hyp).contradiction + aegis.predict(hyp, prem).contradiction) / 2)
            ev = [Evidence(key=1, doc_id="p", source="p", title="p", start=0, end=len(prem), text=prem),
                  Evidence(key=2, doc_id="h", source="h", title="h", start=0, end=len(hyp), text=hyp)]
            units, pairs = analyze_pairs(ev, cs, emb, nli)
            det.append(bool(conflicts_from_pairs(units, pairs, cs)))
            units, pairs = analyze_pairs(ev, cheap, emb, None)
            det_cheap.append(bool(conflicts_from_pairs(units, pairs, cheap)))
        y = np.array(y)
        print(f"\nNLI test pairs: {len(y)} ({int(y.sum())} contradictions) from snli_cad, xnli_en, mnli; {time.perf_counter() - t0:.0f} s")
        print("| signal | precision | recall | F1 |")
        print("|---|---:|---:|---:|")
        for name, pred in (("aegis NLI alone (p >= 0.5)", np.array(p_nli) >= 0.5),
                           ("detector, with NLI" if nli else "detector (NLI off)", np.array(det)),
                           ("detector, cheap signals only", np.array(det_cheap))):
            tp = int((pred & y).sum())
            pp, rr = tp / max(1, pred.sum()), tp / max(1, y.sum())
            print(f"| {name} | {pp:.3f} | {rr:.3f} | {2 * pp * rr / max(1e-9, pp + rr):.3f} |")


if __name__ == "__main__":
    main()
