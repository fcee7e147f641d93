"""Quality check: evidence chosen with the sentence vectors pooled at ingest vs exact sentence embeddings.

    python benchmarks/sentence_vectors_check.py                    # default (ONNX) embedder
    python benchmarks/sentence_vectors_check.py --backend sentence-transformers

Ingests the bundled corpus into a temporary store, then for every question of
eval/sets/bundled.jsonl runs retrieval once and selects evidence twice: with the stored
(pooled) sentence vectors and with every candidate embedded on its own (the exact path).
Prints how far the two selections agree (overlap of the top 8, top-1), how the best score
moves (it decides abstention against retrieval.min_relevance), and whether the gold
documents are still covered. It reports; it does not assert.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.pipeline import ingest_paths  # noqa: E402
from rag.evidence import EvidenceSet, select_evidence  # noqa: E402
from rag.retrieve import Retriever  # noqa: E402
from rag.settings import Settings, get_settings  # noqa: E402

QUESTIONS = REPO / "eval" / "sets" / "bundled.jsonl"


@dataclass
class Comparison:
    """Pooled vs exact evidence for one question."""

    jaccard: float
    recall: float  # share of the exact top-n that the pooled selection also picked
    same_top1: bool
    relevance_delta: float  # pooled minus exact best score
    abstain_flip: bool  # one side is below retrieval.min_relevance, the other not
    gold_any: tuple[bool, bool] | None  # (exact, pooled): some gold document among the evidence
    gold_all: tuple[bool, bool] | None  # (exact, pooled): every gold document among the evidence


def _keys(ev: EvidenceSet) -> list[tuple[str, int]]:
    return [(e.doc_id, e.start) for e in ev.items]


def _gold(ev: EvidenceSet, stems: dict[str, str], gold: set[str]) -> tuple[bool, bool]:
    found = {stems[e.doc_id] for e in ev.items}
    return bool(found & gold), gold <= found


def compare(question: dict, r: Retriever, settings: Settings, stems: dict[str, str]) -> Comparison:
    cfg = settings.retrieval
    chunks = r.retrieve(question["question"])
    runs = [
        select_evidence(question["question"], chunks, r.store, r.embedder, cfg.evidence_sentences,
                        cfg.max_sentences_per_doc, stored_vectors=stored, focus_weight=cfg.focus_weight)
        for stored in (False, True)
    ]
    exact, pooled = runs
    a, b = set(_keys(exact)), set(_keys(pooled))
    gold = set(question.get("gold_docs") or [])
    answerable = gold and not question.get("unanswerable")
    ge, gp = (_gold(exact, stems, gold), _gold(pooled, stems, gold)) if answerable else (None, None)
    return Comparison(
        jaccard=len(a & b) / len(a | b) if a | b else 1.0,
        recall=len(a & b) / len(a) if a else 1.0,
        same_top1=_keys(exact)[:1] == _keys(pooled)[:1],
        relevance_delta=pooled.relevance - exact.relevance,
        abstain_flip=(exact.relevance < cfg.min_relevance) != (pooled.relevance < cfg.min_relevance),
        gold_any=(ge[0], gp[0]) if ge else None,
        gold_all=(ge[1], gp[1]) if ge else None,
    )


def report(rows: list[Comparison]) -> None:
    deltas = [c.relevance_delta for c in rows]
    gold = [c for c in rows if c.gold_any is not None]
    print(f"questions                      : {len(rows)} ({len(gold)} answerable with gold documents)")
    print(f"top-8 Jaccard, mean            : {statistics.mean(c.jaccard for c in rows):.3f}")
    print(f"recall of the exact top-8, mean: {statistics.mean(c.recall for c in rows):.3f}")
    print(f"same best sentence             : {statistics.mean(c.same_top1 for c in rows):.2f}")
    print(f"best-score change (pooled-exact): mean {statistics.mean(deltas):+.3f}, "
          f"min {min(deltas):+.3f}, max {max(deltas):+.3f}")
    print(f"abstention decisions flipped   : {sum(c.abstain_flip for c in rows)}")
    checks = (("some gold doc in evidence", lambda c: c.gold_any), ("all gold docs in evidence", lambda c: c.gold_all))
    for name, pick in checks:
        exact = sum(pick(c)[0] for c in gold)
        pooled = sum(pick(c)[1] for c in gold)
        print(f"{name:<31}: exact {exact}/{len(gold)}, pooled {pooled}/{len(gold)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", choices=["onnx", "sentence-transformers"], default="onnx", help="Embedding backend.")
    args = ap.parse_args()
    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        settings = get_settings(overrides={"store.path": str(Path(tmp) / "store"), "embedding.backend": args.backend})
        ingest_paths([REPO / "corpus"], settings)
        r = Retriever(settings)
        stems = {d.doc_id: Path(d.source).stem for d in r.store.list_documents()}
        print(f"embedder {r.embedder.name}, {sum(d.n_sentence_vectors for d in r.store.list_documents())} "
              f"stored sentence vectors")
        report([compare(q, r, settings, stems) for q in questions])


if __name__ == "__main__":
    main()
