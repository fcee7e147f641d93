"""``run_eval``: answer an eval set with the real pipeline (and optionally the baseline), score, report.

A run lives in one folder::

    run.json        what was run: set, corpus, questions, settings, config hash, judge, versions
    store/          a fresh Chroma store, when a corpus is ingested (the user's store is never touched)
    results.jsonl   one ResultRecord per (question, system), appended as each finishes
    metrics.json    aggregate metrics per system and the ours/baseline ratios
    report.md, report.html

Re-running with the same folder resumes: (question, system) pairs already in ``results.jsonl``
without an error are skipped. A folder made with different settings is refused.
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from importlib import metadata as importlib_metadata
from pathlib import Path

from eval.judge import Judge, get_judge
from eval.loaders import EvalSet, doc_key, load_set, select, split_part
from eval.metrics import aggregate, ratios, score_answer
from eval.schema import EvalQuestion, EvalRun, QuestionScores, ResultRecord, System
from rag.errors import ConfigError, EmptyStoreError, InputError, RagError
from rag.settings import Settings
from rag.types import Answer

RESULTS = "results.jsonl"
RUN_INFO = "run.json"
METRICS = "metrics.json"
PACKAGES = (
    "corroborate", "llama-index-core", "llama-index-vector-stores-chroma", "chromadb", "xllamacpp",
    "onnxruntime", "sentence-transformers", "tokenizers", "nltk", "pydantic", "numpy",
)

Progress = Callable[[int, int], None]


def versions() -> dict[str, str | None]:
    """Python, platform and installed package versions (read from metadata, nothing is imported)."""
    out: dict[str, str | None] = {"python": sys.version.split()[0], "platform": platform.platform()}
    for name in PACKAGES:
        try:
            out[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            out[name] = None
    return out


def load_results(run_dir: Path) -> dict[tuple[str, str], ResultRecord]:
    """Records in ``results.jsonl`` by (system, id); a later line replaces an earlier one. Torn last lines are skipped."""
    path = Path(run_dir) / RESULTS
    out: dict[tuple[str, str], ResultRecord] = {}
    if not path.is_file():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            rec = ResultRecord.model_validate_json(line)
        except ValueError:
            continue  # an interrupted write; the question is simply run again
        out[(rec.system, rec.id)] = rec
    return out


def append_result(run_dir: Path, rec: ResultRecord) -> None:
    """Append one record and flush it to disk, so an interrupted run loses at most the current question."""
    path = Path(run_dir) / RESULTS
    torn = False
    if path.is_file() and path.stat().st_size:
        with path.open("rb") as fh:
            fh.seek(-1, os.SEEK_END)
            torn = fh.read(1) != b"\n"  # a write cut short: start on a fresh line
    with path.open("a", encoding="utf-8") as fh:
        fh.write(("\n" if torn else "") + rec.model_dump_json() + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def check_conflicts_available(settings: Settings) -> None:
    """Fail early, naming the fix, when conflict detection is on but its module is not installed yet."""
    if settings.conflicts.enabled and importlib.util.find_spec("rag.conflicts") is None:
        raise ConfigError(
            "Conflict detection is enabled but rag/conflicts/ does not exist yet; "
            "run with -o conflicts.enabled=false (conflict metrics will then measure nothing)."
        )


def _llm_name(settings: Settings) -> str:
    cfg = settings.llm
    if cfg.backend == "openai":
        return f"openai-compatible: {cfg.api_model} at {cfg.api_base}"
    if cfg.model_path:
        return str(cfg.model_path)
    from rag.llm import PACKAGED_MODEL_FILE

    return f"packaged: {PACKAGED_MODEL_FILE}"


def read_run_info(run_dir: Path) -> dict:
    """The run.json of a run folder, or {} when there is none."""
    path = run_dir / RUN_INFO
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    tmp.replace(path)


def doc_aliases(report, store) -> dict[str, str]:
    """Stems of files ingest skipped as duplicates -> stem of the stored copy.

    Gold ids name files, but an answer can only cite the copy that was stored, so a gold id of a
    duplicate file is scored as the stored copy (RealTimeQA reuses some passages across weeks).
    """
    dups = [f for f in report.files if f.status == "duplicate" and f.doc_id]
    records = store.get_records([f.doc_id for f in dups])
    out = {}
    for f in dups:
        rec = records.get(f.doc_id)
        if rec is not None and doc_key(rec.source) != doc_key(f.path):
            out[doc_key(f.path)] = doc_key(rec.source)
    return out


def with_aliases(q: EvalQuestion, aliases: dict[str, str]) -> EvalQuestion:
    """The question with gold and conflict document ids mapped through ``aliases`` (a copy)."""
    if not aliases:
        return q

    def m(ids: list[str]) -> list[str]:
        return list(dict.fromkeys(aliases.get(d, d) for d in ids))

    return q.model_copy(update={"gold_docs": m(q.gold_docs), "conflict_docs": [m(side) for side in q.conflict_docs]})


def answer_one(system_obj, q: EvalQuestion, system: System, judge: Judge) -> ResultRecord:
    """Ask one system one question and score the answer; a failure becomes an error record."""
    t0 = time.perf_counter()
    try:
        a: Answer = system_obj.ask(q.question, id=q.id, as_of=q.asked_at)
    except KeyboardInterrupt:
        raise
    except Exception as e:  # one bad question must not stop a long run
        if os.environ.get("RAG_RAISE_ERRORS") and not isinstance(e, RagError):
            raise
        return ResultRecord(
            id=q.id, system=system, question=q, error=f"{type(e).__name__}: {e}", judge=judge.name,
            scores=QuestionScores(failures=[f"error: {type(e).__name__}: {e}"]), seconds=time.perf_counter() - t0,
        )
    scores = score_answer(q, a, judge)
    return ResultRecord(
        id=q.id, system=system, question=q, answer=a.model_dump(mode="json"), scores=scores, judge=judge.name,
        seconds=time.perf_counter() - t0,
    )


def run_eval(
    set_path: Path | str,
    settings: Settings,
    out_dir: Path,
    corpus: Path | None = None,
    limit: int | None = None,
    sample: int | None = None,
    seed: int = 0,
    baseline: bool = False,
    split: str | None = None,
    progress: Progress | None = None,
    judge: str = "support",
    embedder=None,
    llm=None,
    log: Callable[[str], None] | None = None,
) -> EvalRun:
    """Run an eval set end to end and write the report; resumable (see the module docstring).

    ``set_path`` is a JSONL file, a bench folder (``questions.jsonl`` + ``docs/``) or ``"bundled"``.
    ``corpus`` defaults to the set's own documents (the bench folder's ``docs/``, the repo corpus
    for ``bundled``); when there is one it is ingested into ``out_dir/store``, otherwise the
    configured store is used as it is. ``progress(done, total)`` counts (question, system) pairs.
    ``embedder`` and ``llm`` default to the ones the settings describe (tests pass fakes);
    ``log`` receives one-line status messages (ingest, resume).

    Raises:
        InputError: bad set file or arguments. ConfigError: the run folder holds a run made with
        other settings, or conflict detection is on without its module. EmptyStoreError: nothing to ask.
    """
    from rag.embed import get_embedder
    from rag.pipeline import Pipeline
    from rag.store import get_store

    evset: EvalSet = load_set(set_path)
    pool = split_part(evset, split) if split else evset.questions
    questions = select(pool, sample=sample, seed=seed, limit=limit)
    out_dir = Path(out_dir).expanduser().resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    check_conflicts_available(settings)

    config_hash = settings.config_hash()
    prior = read_run_info(out_dir)
    if prior.get("config_hash") and prior["config_hash"] != config_hash:
        raise ConfigError(
            f"{out_dir} holds a run made with settings {prior['config_hash']}, not {config_hash}; "
            f"use another --out, or the same settings to resume it."
        )
    corpus_dir = Path(corpus).expanduser().resolve() if corpus else (Path(evset.corpus) if evset.corpus else None)
    if corpus_dir is not None and not corpus_dir.exists():
        raise InputError(f"The corpus {corpus_dir} does not exist.")
    run_settings = settings
    if corpus_dir is not None:
        run_settings = settings.model_copy(update={"store": settings.store.model_copy(update={"path": out_dir / "store", "mode": "local"})})

    embedder = embedder or get_embedder(run_settings)
    store = get_store(run_settings)
    say = log or (lambda msg: None)
    ingest_summary = None
    aliases: dict[str, str] = {}
    if corpus_dir is not None:
        from ingest.pipeline import ingest_paths

        say(f"Ingesting {corpus_dir} into {run_settings.store_path}")
        report = ingest_paths([corpus_dir], run_settings, store=store, embedder=embedder)
        ingest_summary = report.summary()
        aliases = doc_aliases(report, store)
        say(f"Ingest: {ingest_summary}")
    if not store.list_documents():
        raise EmptyStoreError(
            f"The store at {run_settings.store_path} is empty; give --corpus DIR or run 'rag ingest' first."
        )

    systems: list[System] = ["ours", "baseline"] if baseline else ["ours"]
    judge_obj = get_judge(judge, run_settings, embedder)
    info = {
        "set": evset.name,
        "set_path": evset.path,
        "corpus": str(corpus_dir) if corpus_dir else None,
        "store": str(run_settings.store_path),
        "ingest": ingest_summary,
        "doc_aliases": aliases,
        "questions": [q.id for q in questions],
        "sample": sample,
        "split": split,
        "seed": seed,
        "limit": limit,
        "systems": systems,
        "judge": judge_obj.name,
        "config_hash": config_hash,
        "answer_config_hash": run_settings.config_hash(),
        "conflicts_enabled": settings.conflicts.enabled,
        "settings": settings.model_dump(mode="json"),
        "versions": versions(),
        "models": {
            "embedder": getattr(embedder, "name", type(embedder).__name__),
            "llm": _llm_name(settings),
        },
        "started": prior.get("started") or datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    _write_json(out_dir / RUN_INFO, info)

    done = load_results(out_dir)
    pending = [(q, s) for q in questions for s in systems if (s, q.id) not in done or done[(s, q.id)].error]
    total = len(questions) * len(systems)
    finished = total - len(pending)
    if finished:
        say(f"Resuming: {finished} of {total} answers already in {out_dir / RESULTS}")
    if progress:
        progress(finished, total)
    pipeline = baseline_obj = None
    for q, system in pending:
        if system == "ours":
            if pipeline is None:
                pipeline = Pipeline(run_settings, store=store, embedder=embedder, llm=llm)
            obj = pipeline
        else:
            if baseline_obj is None:
                from eval.baseline import BaselinePipeline

                if pipeline is None:
                    pipeline = Pipeline(run_settings, store=store, embedder=embedder, llm=llm)
                baseline_obj = BaselinePipeline(run_settings, store=store, embedder=embedder, llm=pipeline.llm)
            obj = baseline_obj
        rec = answer_one(obj, with_aliases(q, aliases), system, judge_obj)
        append_result(out_dir, rec)
        finished += 1
        if progress:
            progress(finished, total)

    info["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    _write_json(out_dir / RUN_INFO, info)
    return finalize(out_dir)


def rescore(run_dir: Path, settings: Settings, judge: str = "support", embedder=None) -> EvalRun:
    """Score every stored answer again (new metric code, fixed gold data, another judge), then rebuild the report.

    Gold data is re-read from the set file named in run.json when it still exists, so corrections apply.
    """
    from eval.loaders import load_questions

    run_dir = Path(run_dir).expanduser().resolve()
    info = read_run_info(run_dir)
    if not info:
        raise InputError(f"{run_dir} is not an eval run folder (no {RUN_INFO}).")
    current: dict[str, EvalQuestion] = {}
    set_path = info.get("set_path")
    if set_path and Path(set_path).is_file():
        current = {q.id: q for q in load_questions(Path(set_path))}
    judge_obj = get_judge(judge, settings, embedder)
    aliases = info.get("doc_aliases") or {}
    records = load_results(run_dir)
    lines = []
    for rec in records.values():
        q = with_aliases(current.get(rec.id, rec.question), aliases)
        if rec.answer is not None:
            rec = rec.model_copy(update={"question": q, "judge": judge_obj.name,
                                         "scores": score_answer(q, Answer.model_validate(rec.answer), judge_obj)})
        lines.append(rec.model_dump_json())
    tmp = run_dir / (RESULTS + ".tmp")
    tmp.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    tmp.replace(run_dir / RESULTS)
    info["judge"] = judge_obj.name
    _write_json(run_dir / RUN_INFO, info)
    return finalize(run_dir)


def finalize(run_dir: Path) -> EvalRun:
    """Aggregate ``results.jsonl`` for the questions in ``run.json``, write metrics.json and the reports."""
    from eval.report import write_reports

    run_dir = Path(run_dir).expanduser().resolve()
    info = read_run_info(run_dir)
    if not info:
        raise InputError(f"{run_dir} is not an eval run folder (no {RUN_INFO}).")
    results = load_results(run_dir)
    ids = info.get("questions") or sorted({i for _, i in results})
    systems: list[System] = info.get("systems") or ["ours"]
    by_system = {s: [results[(s, i)] for i in ids if (s, i) in results] for s in systems}
    metrics = {s: aggregate(recs) for s, recs in by_system.items()}
    rat = ratios(metrics["ours"], metrics["baseline"]) if "baseline" in metrics else {}
    _write_json(run_dir / METRICS, {"metrics": metrics, "ratios": rat, "judge": info.get("judge"), "config_hash": info.get("config_hash")})
    md, html = write_reports(run_dir, info, by_system, metrics, rat)
    return EvalRun(
        run_dir=str(run_dir),
        set_name=info.get("set", ""),
        n_questions=len(ids),
        systems=systems,
        metrics=metrics,
        ratios=rat,
        config_hash=info.get("config_hash", ""),
        judge=info.get("judge", ""),
        errors=sum(1 for recs in by_system.values() for r in recs if r.error),
        report_md=str(md),
        report_html=str(html),
    )
