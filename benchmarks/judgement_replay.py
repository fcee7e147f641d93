"""Replay the pipeline's judgement before the LLM on large bench sets: does it abstain, does it flag a conflict?

    python benchmarks/judgement_replay.py collect --part dev      # retrieval + evidence + QA per sentence, cached
    python benchmarks/judgement_replay.py sweep --part dev        # thresholds on the cache: choose here
    python benchmarks/judgement_replay.py report --part test      # the chosen (current) settings on held-out data
    python benchmarks/judgement_replay.py read --part dev         # + the LLM's reading of each source, cached

``collect`` calls no LLM: ``Pipeline.prepare`` runs as in ``rag ask`` (retrieval, evidence, the extractive QA model
on every evidence sentence), with the QA abstention switched off while collecting so every question's
per-sentence answers are kept; the abstention threshold and the answer-conflict rules are then applied to
the cached answers, which makes a threshold sweep instant. ``read`` adds the one LLM call of
``rag/conflicts/source_reading.py`` per question (each source's own answer), caching the reply by prompt,
so ``report`` and ``sweep`` apply the reading's checks without calling the LLM again.

Sets and their fixed dev/test parts (every threshold is chosen on ``dev`` only):

- ``wikicontradict``: ``../shared/bench/wikicontradict_dev`` with its ``split.json`` (by question group).
  Every question is a real contradiction. Reported: flagged, and both passages quoted as sides.
- ``squad2``: ``../shared/bench/squad2`` with its ``split.json`` (by article). The QA model was trained on
  6 of the 8 dev articles, so ``dev`` here means the other 2 (``train/qa/data.py``: calib articles).
  Reported: unanswerable questions refused, answerable ones refused.
- ``realtimeqa``: 571 answerable news questions, no conflicts; split by the first hex digit of the md5 of
  the question id: 0-3 train the QA model (since session 10; before, 0-7 were dev), 4-7 dev, 8-f test.
  Reported: false conflict flags, answerable refused.
- ``bundled``: ``eval/sets/bundled.jsonl`` on ``corpus/`` (its thresholds were set on it earlier, so it is a
  dev set only). Reported: flags on consistent questions and on the 5 conflict questions, refusals.
- ``rgb``: RGB's swapped-answer set (dev only, like bundled): does the abstention gate cost conflicts there?

Stores are ingested once into ``--stores`` (default ``/tmp/corroborate-bench-stores``).

Not replayed: a question that asks two things is read whole here, while ``rag ask`` answers it part by part
(``rag/parts.py``); a part's own conflicts show only in a ``rag eval`` run (session 15 found one that way).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from dataclasses import asdict, replace
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from eval.loaders import doc_key, load_set, split_part  # noqa: E402
from rag.answerability import (  # noqa: E402
    negation_added, negation_unmatched, opposite_qualifier, substituted_specific)
from rag.answerability import asked_years as _asked_years  # noqa: E402
from rag.conflicts.answers import SourceAnswer, answer_conflicts  # noqa: E402
from rag.conflicts.relevance import asks_one_party  # noqa: E402
from rag.conflicts.source_reading import no_source_answers, reading_conflicts, second_reader  # noqa: E402
from rag.question import Question  # noqa: E402
from rag.settings import get_settings  # noqa: E402
from rag.types import Evidence  # noqa: E402

BENCH = Path(os.environ.get("RAG_BENCH_DIR", REPO.parent / "shared" / "bench"))
SETS = {
    "wikicontradict": (BENCH / "wikicontradict_dev", BENCH / "wikicontradict_dev" / "docs"),
    "squad2": (BENCH / "squad2", BENCH / "squad2" / "docs"),
    "realtimeqa": (BENCH / "realtimeqa", BENCH / "realtimeqa" / "docs"),
    "bundled": ("bundled", REPO / "corpus"),
    "rgb": (BENCH / "rgb_en_fact", BENCH / "rgb_en_fact" / "docs"),
}


def questions_of(name: str, part: str):
    evset = load_set(SETS[name][0])
    if name == "wikicontradict":
        return split_part(evset, part)
    if name == "squad2":
        if part == "test":
            return split_part(evset, "test")
        from train.qa.data import dev_articles

        train, calib = dev_articles()
        # "qa-train": the dev articles the QA model was trained on. Its margins are optimistic there, but every rule
        # after it reads them as it reads unseen text: what a rule costs answerable questions on other articles.
        arts = train if part == "qa-train" else calib
        return [q for q in split_part(evset, "dev") if any(f"article {a}," in q.note for a in arts)]
    if name == "realtimeqa":  # md5 quarters 0-3 train the QA model (train/qa/data.py), 4-7 dev, 8-f test
        from train.qa.data import rtqa_part

        return [q for q in evset.questions if rtqa_part(q.id) == part]
    return evset.questions if part == "dev" else []  # bundled and RGB: their thresholds were set on them


def store_for(name: str, stores: Path, settings):
    from ingest.pipeline import ingest_paths
    from rag.store import get_store

    path = stores / name
    s = settings.model_copy(update={"store": settings.store.model_copy(update={"path": path, "mode": "local"})})
    store = get_store(s)
    if not store.list_documents():
        print(f"ingesting {SETS[name][1]} into {path}", file=sys.stderr)
        ingest_paths([SETS[name][1]], s, store=store)
    return s


def store_weights(name: str, stores: Path) -> dict[str, float]:
    """The term weights of a set's store (``rag/term_weights.py``), as the pipeline computes them over it."""
    from rag.store import get_store
    from rag.term_weights import StoreTermWeights

    return dict(StoreTermWeights().of(get_store(store_for(name, stores, get_settings()))))


def collect(name: str, part: str, stores: Path, cache: Path, sample: int | None = None) -> Path:
    from eval.loaders import select
    from rag.answerability import missing_specifics
    from rag.pipeline import Pipeline, evidence_context

    out = cache / f"{name}-{part}.jsonl"
    qs = select(questions_of(name, part), sample=sample, seed=0)
    if not qs:
        return out
    done = set()
    if out.is_file():
        done = {json.loads(line)["id"] for line in out.read_text().splitlines() if line.strip()}
    settings = store_for(name, stores, get_settings(overrides={"answerability.min_qa_margin": -1e9,
                                                               "answerability.specifics": False}))
    pipe = Pipeline(settings)
    with out.open("a") as f:
        for i, q in enumerate(qs):
            if q.id in done:
                continue
            pre = pipe.prepare(Question.parse(q.question, q.asked_at))  # as rag eval asks it: as of its day
            rec = {
                "id": q.id, "question": q.question, "conflict": q.conflict, "unanswerable": q.unanswerable,
                "conflict_docs": q.conflict_docs, "answers_gold": q.answers, "reason": pre.abstain_reason,
                "answers": [{**asdict(a), "evidence": a.evidence.model_dump()} for a in pre.answers],
                "missing": missing_specifics(q.question, evidence_context(pre.chunks, pre.evidence.items)),
            }
            f.write(json.dumps(rec) + "\n")
            f.flush()
            if (i + 1) % 50 == 0:
                print(f"{name}-{part}: {i + 1}/{len(qs)}", file=sys.stderr)
    return out


def evidence_of(rec: dict) -> list[Evidence]:
    """The evidence sentences of a cached question (every sentence the QA model read), in key order."""
    by_key = {a.evidence.key: a.evidence for a in rec["answers"]}
    return [by_key[k] for k in sorted(by_key)]


def reading_prompt(rec: dict, settings) -> tuple[list, list[list[tuple[str, str]]], str]:
    """The reader's source groups and per-source prompts for a cached question, and one hash over the prompts."""
    from rag.conflicts.source_reading import build_reading_messages, group_sources

    cfg = settings.conflicts
    groups = group_sources(rec["question"], evidence_of(rec), cfg.reading_max_sources, cfg.reading_min_coverage,
                           cfg.reading_max_sentences, cfg.reading_named_min_coverage,
                           cfg.reading_same_title)
    if len(groups) < cfg.reading_min_sources:
        return [], [], ""
    msgs = [build_reading_messages(rec["question"], g) for g in groups]
    return groups, msgs, _hash(msgs)


def _hash(obj) -> str:
    return hashlib.sha256(json.dumps(obj).encode()).hexdigest()[:16]


def cached_replies(path: Path, recs: list[dict], settings) -> dict[str, str]:
    """The reader's cached reply for each prompt (by prompt hash). Lines are ``{"prompt", "reply"}``; older lines
    hold one question's replies under a hash of all its prompts, matched under these and the default settings."""
    per: dict[str, str] = {}
    combined: dict[str, list[str]] = {}
    if path.is_file():
        for x in path.read_text().splitlines():
            if x.strip():
                r = json.loads(x)
                if "prompt" in r:
                    per[r["prompt"]] = r["reply"]
                else:
                    combined[r["hash"]] = r["replies"]
    if combined:
        for rec in recs:
            for cfg in (settings, get_settings()):
                _, prompts, h = reading_prompt(rec, cfg)
                if h in combined:
                    per.update({_hash(m): t for m, t in zip(prompts, combined[h])})
    return per


def read(name: str, part: str, cache: Path, settings, sample: int | None = None) -> None:
    """Run the LLM reader on every cached question of a set (or a seeded sample); replies cached by prompt."""
    from llama_index.core.llms import ChatMessage

    from rag.llm import generate, get_llm

    out = cache / f"{name}-{part}-reading.jsonl"
    recs = load_cache(cache / f"{name}-{part}.jsonl")
    done = cached_replies(out, recs, settings)
    if sample is not None and sample < len(recs):
        import random

        recs = random.Random(0).sample(recs, sample)
    llm = None
    with out.open("a") as f:
        for i, rec in enumerate(recs):
            _, prompts, _ = reading_prompt(rec, settings)
            if rec["reason"]:
                continue
            for msgs in prompts:
                h = _hash(msgs)
                if h in done:
                    continue
                llm = llm or get_llm(settings)
                gen = generate(llm, [ChatMessage(role=r, content=c) for r, c in msgs],
                               settings.conflicts.reading_max_tokens, stop=["\n"])
                f.write(json.dumps({"id": rec["id"], "prompt": h, "reply": gen.text, "s": round(gen.total_s, 2)}) + "\n")
                f.flush()
                done[h] = gen.text
            if (i + 1) % 25 == 0:
                print(f"{name}-{part} reading: {i + 1}/{len(recs)}", file=sys.stderr)


def attach_readings(recs: list[dict], path: Path, settings) -> None:
    """Put each cached question's checked readings (if every source was read under today's prompt) on
    ``rec['readings']``."""
    from rag.conflicts.source_reading import parse_reading

    replies = cached_replies(path, recs, settings)
    for rec in recs:
        groups, prompts, _ = reading_prompt(rec, settings)
        got = [replies.get(_hash(m)) for m in prompts]
        rec["readings"] = None if not prompts or None in got else [
            parse_reading(t, rec["question"], g, settings.conflicts.reading_min_copied) for t, g in zip(got, groups)]


def load_cache(path: Path) -> list[dict]:
    recs = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    for r in recs:
        # the question's tests on the best sentence ("the question asks what did not happen, ...") are run again by
        # judge() with today's code; the reason cached with the evidence is that of the code that collected it
        if r["reason"] and r["reason"].startswith("the question asks "):
            r["reason"] = None
        r["answers"] = retyped(r["question"], [SourceAnswer(**{**a, "evidence": Evidence(**a["evidence"]),
                                                                "span": _span(a)}) for a in r["answers"]])
    return recs


def _span(a: dict) -> str | None:
    """The QA model's own span in a cached answer's sentence: the cached text when the answer was not typed; for a
    typed one, the span kept with it (caches collected before session 23 kept none: None)."""
    return a.get("span") if a.get("typed") else a["text"]


def retyped(question: str, answers: list[SourceAnswer]) -> list[SourceAnswer]:
    """The cached answers with each sentence's typed value read again by today's ``typed_answer``, so a change to it
    shows in the replay without collecting again. A sentence whose cached answer was typed and now has none keeps an
    empty answer (its QA span was not cached; QA spans count as sides only under ``answer_min_margin``), so the
    evidence and its margins, which the question's tests read, stay as collected."""
    from rag.conflicts.reading import typed_answer

    out = []
    for a in answers:
        typed = typed_answer(question, a.evidence.text)
        if typed is not None:
            text, start, end = typed
            out.append(replace(a, text=text, start=a.evidence.start + start, end=a.evidence.start + end, typed=True,
                               span=a.span))
        elif a.typed:
            out.append(replace(a, text="", start=a.evidence.start, end=a.evidence.start, typed=False))
        else:
            out.append(a)
    return out


def judge(recs: list[dict], min_qa_margin: float, cfg, specifics: bool = False, reader: bool = False,
          negation: bool = False, opposites: bool = False, substitution: bool = False, weights=None,
          asked_years: bool = False) -> dict:
    """Abstentions and answer-conflict flags under these thresholds (``weights``: the set's store term weights)."""
    out = {"n": len(recs), "unans": 0, "unans_refused": 0, "ans": 0, "ans_refused": 0, "conflict": 0,
           "flagged": 0, "both_docs": 0, "two_doc": 0, "consistent": 0, "false_flags": 0, "flagged_ids": []}
    for r in recs:
        best = max((a.margin for a in r["answers"]), default=float("-inf"))
        # as Pipeline.prepare: a year the asking clause names that no retrieved chunk has (``missing`` holds them)
        year = asked_years and any(y in (r.get("missing") or [])
                                   for y in _asked_years(Question.parse(r["question"], r.get("as_of"))))
        before_margin = bool(r["reason"]) or (specifics and bool(r.get("missing"))) or year
        margin_only = not before_margin and best < min_qa_margin
        refused = before_margin or margin_only
        # as Pipeline.prepare: a question about what did not happen, answered by a sentence with no negation
        refused = refused or (negation and (negation_unmatched(r["question"], r["answers"])
                                            or negation_added(r["question"], r["answers"]) is not None))
        refused = refused or (opposites and opposite_qualifier(r["question"], r["answers"]) is not None)
        refused = refused or (substitution and substituted_specific(r["question"], r["answers"]) is not None)
        # as Pipeline._ask_one: typed answers first; the reader (read only when they found no conflict) may abstain,
        # else its readings may conflict
        one_party = asks_one_party(r["question"])
        flags = [] if refused or one_party else answer_conflicts(r["question"], r["answers"], cfg, weights)
        if not refused and not flags and r.get("readings"):
            if reader and no_source_answers(r["readings"], cfg.reading_min_sources):
                refused = True
            elif cfg.reading and not one_party:
                flags = reading_conflicts(r["question"], r["readings"], second_reader(r["answers"]))
        # as Pipeline._ask_one: a refusal on the QA margin alone gives way to sources the reader finds disagreeing
        if margin_only and cfg.reading and cfg.reading_when_unsure and not one_party and r.get("readings"):
            flags = reading_conflicts(r["question"], r["readings"], second_reader(r["answers"]))
            refused = not flags
        if r["unanswerable"]:
            out["unans"] += 1
            out["unans_refused"] += refused
        else:
            out["ans"] += 1
            out["ans_refused"] += refused
        if r["conflict"]:
            out["conflict"] += 1
            out["flagged"] += bool(flags)
            gold = {d for side in r["conflict_docs"] for d in side} if r["conflict_docs"] and isinstance(
                r["conflict_docs"][0], list) else set(r["conflict_docs"])
            if len(gold) >= 2:
                out["two_doc"] += 1
                if flags and gold <= {doc_key(s.source) for s in flags[0].sides}:
                    out["both_docs"] += 1
        else:
            out["consistent"] += 1
            out["false_flags"] += bool(flags)
            if flags:
                out["flagged_ids"].append(r["id"])
    return out


def fmt(name: str, m: dict) -> str:
    def pct(a, b):
        return f"{a}/{b} ({a / b:.0%})" if b else "-"

    cols = [name.ljust(16)]
    if m["unans"]:
        cols.append(f"unanswerable refused {pct(m['unans_refused'], m['unans'])}")
    if m["ans"]:
        cols.append(f"answerable refused {pct(m['ans_refused'], m['ans'])}")
    if m["conflict"]:
        cols.append(f"conflicts flagged {pct(m['flagged'], m['conflict'])}, both passages {pct(m['both_docs'], m['two_doc'])}")
    if m["consistent"]:
        cols.append(f"false flags {pct(m['false_flags'], m['consistent'])}")
    return " | ".join(cols)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=["collect", "read", "sweep", "report"])
    ap.add_argument("--part", choices=["dev", "test", "qa-train"], default="dev",
                    help="qa-train: SQuAD 2.0 only, the dev articles the QA model was trained on")
    ap.add_argument("--sets", default="wikicontradict,realtimeqa,squad2,bundled")
    ap.add_argument("--stores", type=Path, default=Path("/tmp/corroborate-bench-stores"))
    ap.add_argument("--cache", type=Path, default=Path("/tmp/corroborate-judgement-cache"))
    ap.add_argument("-o", "--override", action="append", default=[], help="KEY=VALUE settings for report")
    ap.add_argument("--sample", type=int, default=None, help="collect, read: a seeded sample of N questions per set")
    ap.add_argument("--taus", default="-16,-14,-13,-12,-11,-10,-8,-6,-4,0",
                    help="sweep: the abstention thresholds (QA margins) to try, comma-separated")
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    names = [n for n in args.sets.split(",") if n]
    if args.action == "collect":
        for n in names:
            collect(n, args.part, args.stores, args.cache, args.sample)
        return 0
    overrides = dict(kv.split("=", 1) for kv in args.override)
    settings = get_settings(overrides=overrides)
    if args.action == "read":
        for n in names:
            read(n, args.part, args.cache, settings, args.sample)
        return 0
    # a cache may hold more questions than the part has now (RealTimeQA's dev was 0-7 before session 10)
    caches: dict[str, list[dict]] = {}
    for n in names:
        path = args.cache / f"{n}-{args.part}.jsonl"
        if path.is_file():
            days = {q.id: q.asked_at for q in questions_of(n, args.part)}
            caches[n] = [{**r, "as_of": days[r["id"]]} for r in load_cache(path) if r["id"] in days]
    weights = {}
    for n, recs in caches.items():
        attach_readings(recs, args.cache / f"{n}-{args.part}-reading.jsonl", settings)
        weights[n] = store_weights(n, args.stores)
    if args.action == "report":
        print(f"part {args.part}; min_qa_margin {settings.answerability.min_qa_margin}; answer_min_margin "
              f"{settings.conflicts.answer_min_margin}; answer_min_coverage {settings.conflicts.answer_min_coverage}")
        for n, recs in caches.items():
            m = judge(recs, settings.answerability.min_qa_margin, settings.conflicts, settings.answerability.specifics,
                      settings.answerability.reader, settings.answerability.negation, settings.answerability.opposites,
                      settings.answerability.substitution, weights[n], settings.answerability.asked_years)
            print(fmt(n, m))
            if m["flagged_ids"]:
                print("   false flags:", ", ".join(m["flagged_ids"][:20]))
        return 0
    # sweep
    for tau, spec, neg in [(t, sp, ng) for ng in (False, True) for sp in (False, True)
                           for t in (-1e9, *(float(x) for x in args.taus.split(",")))]:
        line = [f"min_qa_margin {tau:>5} specifics {spec!s:5} negation {neg!s:5}:"]
        for n, recs in caches.items():
            m = judge(recs, tau, settings.conflicts, spec, negation=neg, weights=weights[n])
            line.append(f"{n}: unans {m['unans_refused']}/{m['unans']} ans {m['ans_refused']}/{m['ans']}")
        print("  ".join(line))
    for wcov in (None, 0.55, 0.5, 0.45, 0.4, 0.35):  # answer_min_weighted_coverage
        cfg = settings.conflicts.model_copy(update={"answer_min_weighted_coverage": wcov})
        line = [f"weighted coverage {wcov!s:>4}:"]
        for n, recs in caches.items():
            m = judge(recs, settings.answerability.min_qa_margin, cfg, settings.answerability.specifics,
                      settings.answerability.reader, settings.answerability.negation, settings.answerability.opposites,
                      settings.answerability.substitution, weights[n], settings.answerability.asked_years)
            if m["conflict"]:
                line.append(f"{n}: flagged {m['flagged']}/{m['conflict']} both {m['both_docs']}/{m['two_doc']}")
            if m["consistent"]:
                line.append(f"{n}: false {m['false_flags']}/{m['consistent']}")
        print("  ".join(line))
    for margin in (None, 0, 2, 4):
        for cov in (0.4, 0.5, 0.6, 0.7):
            cfg = settings.conflicts.model_copy(update={"answer_min_margin": margin, "answer_min_coverage": cov})
            line = [f"QA spans at margin {margin!s:>4}, coverage {cov}:"]
            for n, recs in caches.items():
                m = judge(recs, -1e9, cfg, weights=weights[n])
                if m["conflict"]:
                    line.append(f"{n}: flagged {m['flagged']}/{m['conflict']} both {m['both_docs']}/{m['two_doc']}")
                if m["consistent"]:
                    line.append(f"{n}: false {m['false_flags']}/{m['consistent']}")
            print("  ".join(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
