"""Performance benchmark: prints figures and ratios against baselines measured in the same run.

    python benchmarks/bench.py                 # everything (BBC ingest ~2-4 min, answers ~2 min)
    python benchmarks/bench.py --skip-answers  # ingest and retrieval only
    python benchmarks/bench.py --bbc-docs 500  # a smaller BBC slice

Figures:
  1. ingest throughput (chunks/s) vs raw embedding throughput of the same model on the same chunk
     texts (target ratio >= 0.8);
  2. retrieval latency (hybrid retrieval + evidence selection) on the bundled corpus (target
     < 100 ms) and on the 2,225-article BBC set (target < 300 ms), with the sentence vectors
     stored at ingest and, as the baseline, with every candidate sentence embedded per question;
  3. per-question latency on the bundled corpus: retrieval, generation (time to first token,
     tokens/s), verification, conflicts, total (target < 15 s).
Nothing here is a test: it reports, it does not assert.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ingest.chunk import chunk_document  # noqa: E402
from ingest.load import iter_files, load_document  # noqa: E402
from ingest.pipeline import ingest_paths  # noqa: E402
from rag.embed import get_embedder  # noqa: E402
from rag.settings import get_settings  # noqa: E402

BBC = Path(os.environ.get("RAG_BENCH_DIR", REPO.parent / "shared" / "bench")) / "bbc_news" / "docs"
BUNDLED_QUESTIONS = [
    "Where was the drone's wreckage found according to Mali?",
    "Who brought the drone down?",
    "How far into Algerian airspace did the drone go according to Algeria?",
    "Which countries recalled their ambassadors from Algiers?",
    "What did Algeria ban after the drone incident?",
    "When did Mali's military take power?",
]
RETRIEVAL_QUESTIONS_BBC = [
    "How much did Time Warner's profits rise?",
    "Who won the Australian Open?",
    "What did the chancellor say about the budget?",
    "Which film won the Oscar for best picture?",
    "What happened to the dollar after Greenspan's speech?",
    "How many mobile phones were sold last year?",
    "Who is the new England rugby coach?",
    "What did the report say about broadband in the UK?",
]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def bench_ingest(n_docs: int, workdir: Path) -> None:
    settings = get_settings(overrides={"store.path": str(workdir / "bbc_store")})
    files, _ = iter_files([BBC], settings.ingest.extensions)
    files = files[:n_docs]
    sub = workdir / "bbc_docs"
    sub.mkdir()
    for f in files:
        (sub / f.name).symlink_to(f)
    embedder = get_embedder(settings)
    embedder.embed_query("warm up")
    # Baseline: the embedder alone on exactly the chunk texts ingest will produce.
    texts = []
    for f in files:
        doc = load_document(f)
        texts += [c.text for c in chunk_document(doc.doc_id, doc.text, settings.ingest.chunk_chars,
                                                 settings.ingest.chunk_overlap_sentences)]
    t = time.perf_counter()
    embedder.embed_documents(texts)
    raw = len(texts) / (time.perf_counter() - t)
    report = ingest_paths([sub], settings, embedder=embedder)
    rate = report.chunks / report.seconds
    print(f"\n== Ingest ({len(files)} BBC articles, {report.chunks} chunks, embedder {embedder.name})")
    print(f"raw embedding throughput : {raw:8.1f} chunks/s")
    print(f"ingest throughput        : {rate:8.1f} chunks/s  ({report.seconds:.1f} s; embedding {report.embed_seconds:.1f} s)")
    print(f"ratio ingest / raw       : {rate / raw:8.2f}   (target >= 0.80)")
    t = time.perf_counter()
    again = ingest_paths([sub], settings, embedder=embedder)
    print(f"re-ingest unchanged      : {time.perf_counter() - t:8.1f} s ({again.count('unchanged')} unchanged)")
    return settings


def bench_retrieval(settings, label: str, questions: list[str], target_ms: float) -> None:
    from rag.evidence import select_evidence
    from rag.retrieve import Retriever

    r = Retriever(settings)
    r.retrieve(questions[0])  # builds the BM25 index once
    stored = sum(d.n_sentence_vectors for d in r.store.list_documents())
    print(f"\n== Retrieval + evidence selection, {label} ({stored} stored sentence vectors)")
    # Interleaved per question so both modes see the same machine load.
    times: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(3):
        for q in questions:
            for use_stored in (True, False):
                t = time.perf_counter()
                chunks = r.retrieve(q)
                select_evidence(q, chunks, r.store, r.embedder, settings.retrieval.evidence_sentences,
                                settings.retrieval.max_sentences_per_doc, stored_vectors=use_stored,
                                focus_weight=settings.retrieval.focus_weight)
                times[use_stored].append((time.perf_counter() - t) * 1000)
    for use_stored, label2 in ((True, "stored sentence vectors"), (False, "embedded per question (baseline)")):
        ts = times[use_stored]
        print(f"{label2:<33}: p50 {statistics.median(ts):6.1f} ms   p95 {pct(ts, 0.95):6.1f} ms   "
              f"max {max(ts):6.1f} ms   ({len(ts)} queries; target < {target_ms:.0f} ms)")


def bench_bundled_retrieval(workdir: Path):
    settings = get_settings(overrides={"store.path": str(workdir / "bundled_store")})
    ingest_paths([REPO / "corpus"], settings)
    bench_retrieval(settings, "bundled corpus", BUNDLED_QUESTIONS, 100)
    return settings


def bench_answers(settings) -> None:
    from rag.pipeline import Pipeline

    p = Pipeline(settings)
    t = time.perf_counter()
    p.warm_up()
    print(f"\n== Answers on the bundled corpus (models warmed up in {time.perf_counter() - t:.1f} s)")
    print(f"{'question':<58} {'retr':>5} {'ttft':>5} {'tok/s':>5} {'gen':>5} {'verif':>5} {'confl':>5} {'total':>6}")
    totals = []
    for q in BUNDLED_QUESTIONS:
        a = p.ask(q)
        tm = a.timings
        totals.append(tm.total)
        print(f"{q[:58]:<58} {tm.retrieval:5.2f} {tm.first_token or 0:5.2f} {tm.tokens_per_s or 0:5.1f} "
              f"{tm.generation:5.1f} {tm.verification:5.2f} {tm.conflicts:5.2f} {tm.total:6.1f}")
    print(f"total per question: p50 {statistics.median(totals):.1f} s, max {max(totals):.1f} s (target < 15 s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bbc-docs", type=int, default=2225, help="BBC articles to ingest (default all 2,225).")
    ap.add_argument("--skip-answers", action="store_true", help="Skip the LLM answer benchmark.")
    ap.add_argument("--skip-ingest", action="store_true", help="Skip the BBC ingest and retrieval benchmark.")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} CPU cores, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if not args.skip_ingest:
            if not BBC.is_dir():
                print(f"(skipping BBC: {BBC} not found)")
            else:
                settings = bench_ingest(args.bbc_docs, work)
                bench_retrieval(settings, f"BBC ({args.bbc_docs} articles)", RETRIEVAL_QUESTIONS_BBC, 300)
        bundled = bench_bundled_retrieval(work)
        if not args.skip_answers:
            bench_answers(bundled)


if __name__ == "__main__":
    main()
