"""The answer LLM's runtime alone, on the pipeline's exact answer prompts: prefill, decode, first token, total.

    python benchmarks/llm_runtime.py                         # 4 bundled questions, prompts built here
    python benchmarks/llm_runtime.py --questions 6 --save-prompts /tmp/prompts.json
    other-venv/bin/python benchmarks/llm_runtime.py --prompts /tmp/prompts.json   # same prompts, other build

The prompts are what ``Pipeline.ask`` sends to the answer LLM: the bundled corpus is ingested into a
temporary store, ``Pipeline.prepare(question)`` picks the evidence (questions it abstains on have no
LLM call and are skipped), and ``rag.answer.build_messages`` writes the messages. They then go to
``rag.llm.get_llm`` + ``rag.llm.generate`` and nothing else (no retrieval, reading or verification).
Then, in the same run (unless ``--no-pipeline`` or ``--prompts``), the runtime is reloaded (an empty prompt
cache again) and ``Pipeline.ask`` answers the same questions with the same LLM: its runtime first token,
the wait from the question (retrieval, the reader's calls, the prefill) and total, beside the runtime alone's
and as ratios of the medians (issue 16 asks for the pipeline within 1.1x of the runtime alone).

Building prompts needs the whole project installed; ``--prompts FILE`` needs only ``rag.llm``'s own
imports (xllamacpp, llama-index-core, pydantic, pydantic-settings, numpy), so the runtime of another
virtualenv (e.g. a native xllamacpp build) can be timed on the very same prompts. The interpreter that
runs this script decides which xllamacpp is measured; ``xllamacpp.get_system_info()`` is printed.

Per prompt: tokens prefilled (``prompt_n``; the runtime's prompt cache reuses a shared prefix, ``cache_n``),
prefill tokens/s and decode tokens/s (llama.cpp's own timings), time to first token and total as
``rag.llm.generate`` measures them. The load average is printed before and after: other work on the
machine slows every figure. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
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

from pydantic import PrivateAttr  # noqa: E402

from rag.llm import XLlamaCppLLM, generate, get_llm  # noqa: E402
from rag.settings import get_settings  # noqa: E402


class TimedLLM(XLlamaCppLLM):
    """The embedded LLM, keeping llama.cpp's ``timings`` of the last request (``generate`` drops them)."""

    _timings: dict = PrivateAttr(default_factory=dict)

    def _chunks(self, payload):
        self._timings = {}
        with contextlib.closing(super()._chunks(payload)) as chunks:
            for chunk in chunks:
                if chunk.get("timings"):
                    self._timings = chunk["timings"]
                yield chunk


def build_prompts(n: int, store_dir: Path) -> list[dict]:
    """The answer messages for the first ``n`` bundled questions the pipeline does not abstain on (the bundled
    corpus is ingested into ``store_dir``)."""
    from benchmarks.bench import BUNDLED_QUESTIONS
    from ingest.pipeline import ingest_paths
    from rag.answer import build_messages
    from rag.pipeline import Pipeline

    settings = store_settings(store_dir)
    ingest_paths([REPO / "corpus"], settings)
    pipeline = Pipeline(settings)
    out = []
    for q in BUNDLED_QUESTIONS:
        pre = pipeline.prepare(q)
        if pre.abstain_reason:
            print(f"(skipped, the pipeline abstains: {q})")
            continue
        out.append({"question": q, "messages": build_messages(q, pre.evidence.items,
                                                              max_chars=settings.retrieval.prompt_chars)})
        if len(out) == n:
            break
    return out


def store_settings(store_dir: Path):
    return get_settings(overrides={"store.path": str(store_dir / "store")})


def time_pipeline(prompts: list[dict], store_dir: Path, llm: TimedLLM) -> list[dict]:
    """``Pipeline.ask`` on the same questions with the same LLM, from a freshly loaded runtime (so its prompt cache
    starts as empty as the runtime-alone pass's did): what a person waits, reader calls and all."""
    from rag.llm.server import unload_models
    from rag.pipeline import Pipeline

    unload_models()
    llm.warm_up()
    pipeline = Pipeline(store_settings(store_dir), llm=llm)
    rows = []
    for p in prompts:
        a = pipeline.ask(p["question"])
        t = a.timings
        rows.append({"mode": a.mode, "reading": t.reading, "first_token": t.first_token or 0.0,
                     "to_first_token": t.to_first_token or 0.0, "total": t.total})
    return rows


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", type=int, default=4, help="Answered bundled questions to time (default 4).")
    ap.add_argument("--prompts", type=Path, help="Time these saved prompts instead of building them.")
    ap.add_argument("--save-prompts", type=Path, help="Write the prompts used to this JSON file.")
    ap.add_argument("--max-tokens", type=int, help="Generated tokens at most (default llm.max_tokens).")
    ap.add_argument("--threads", type=int, help="Runtime threads (default llm.threads; 0 = all cores).")
    ap.add_argument("--no-pipeline", dest="pipeline", action="store_false",
                    help="Skip the second pass through Pipeline.ask (only without --prompts).")
    args = ap.parse_args()

    import xllamacpp
    from llama_index.core.llms import ChatMessage

    print(f"python {sys.version.split()[0]} ({sys.executable}), {os.cpu_count()} CPUs")
    print(f"xllamacpp {xllamacpp.__version__} from {Path(xllamacpp.__file__).parent}")
    print(f"system info: {xllamacpp.get_system_info().strip()}")
    print(f"load average before (1/5/15 min): {load()}")

    tmp = tempfile.TemporaryDirectory()
    store_dir = Path(tmp.name)
    if args.prompts:
        prompts = json.loads(args.prompts.read_text())[: args.questions]
    else:
        prompts = build_prompts(args.questions, store_dir)
    if args.save_prompts:
        args.save_prompts.write_text(json.dumps(prompts, indent=1))

    settings = get_settings()
    base = get_llm(settings)
    if not isinstance(base, XLlamaCppLLM):
        raise SystemExit("This benchmark times the embedded runtime; set llm.backend=embedded.")
    fields = ("model_path", "context_window", "max_tokens", "temperature", "threads", "parallel", "timeout_s")
    llm = TimedLLM(**{f: getattr(base, f) for f in fields})
    if args.threads is not None:
        llm.threads = args.threads
    t = time.perf_counter()
    llm.warm_up()
    max_tokens = args.max_tokens or settings.llm.max_tokens
    print(f"model loaded in {time.perf_counter() - t:.1f} s; threads {llm.threads or os.cpu_count()}, "
          f"max_tokens {max_tokens}, {len(prompts)} prompts\n")

    head = f"{'question':<44} {'prompt':>6} {'cached':>6} {'prefill/s':>9} {'decode/s':>8} {'gen':>4} {'ttft s':>6} {'total s':>7}"
    print(head)
    rows = []
    for p in prompts:
        messages = [ChatMessage(role=r, content=c) for r, c in p["messages"]]
        gen = generate(llm, messages, max_tokens=max_tokens)
        tm = llm._timings
        row = {
            "prompt": tm.get("prompt_n", 0),
            "cached": tm.get("cache_n", 0),
            "prefill": tm.get("prompt_per_second") or 0.0,
            "decode": tm.get("predicted_per_second") or gen.tokens_per_s or 0.0,
            "tokens": gen.tokens,
            "ttft": gen.first_token_s or 0.0,
            "total": gen.total_s,
        }
        rows.append(row)
        print(f"{p['question'][:44]:<44} {row['prompt']:6d} {row['cached']:6d} {row['prefill']:9.1f} "
              f"{row['decode']:8.1f} {row['tokens']:4d} {row['ttft']:6.2f} {row['total']:7.2f}")
    if rows:
        med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
        print(f"{'median':<44} {med['prompt']:6.0f} {med['cached']:6.0f} {med['prefill']:9.1f} "
              f"{med['decode']:8.1f} {med['tokens']:4.0f} {med['ttft']:6.2f} {med['total']:7.2f}")
    if rows and not args.prompts and args.pipeline:
        print_pipeline(prompts, rows, time_pipeline(prompts, store_dir, llm))
    tmp.cleanup()
    print(f"\nload average after (1/5/15 min): {load()}")


def print_pipeline(prompts: list[dict], alone: list[dict], piped: list[dict]) -> None:
    """The pipeline's own figures beside the runtime alone's, question by question, and the ratios of medians."""
    print("\nthe pipeline (Pipeline.ask) on the same questions, from a fresh runtime:")
    print(f"{'question':<44} {'mode':>11} {'reading':>7} {'ttft':>6} {'wait':>6} {'total':>6}   alone: {'ttft':>6} {'total':>6}")
    for p, a, r in zip(prompts, alone, piped):
        print(f"{p['question'][:44]:<44} {r['mode']:>11} {r['reading']:7.2f} {r['first_token']:6.2f} "
              f"{r['to_first_token']:6.2f} {r['total']:6.2f}          {a['ttft']:6.2f} {a['total']:6.2f}")
    gen = [(a, r) for a, r in zip(alone, piped) if r["first_token"]]  # answers the LLM wrote (not disagreements)
    if not gen:
        return
    med = {k: statistics.median(r[k] for _, r in gen) for k in ("first_token", "to_first_token", "total")}
    alone_ttft = statistics.median(a["ttft"] for a, _ in gen)
    alone_total = statistics.median(a["total"] for a, _ in gen)
    print(f"medians over the {len(gen)} answers the LLM wrote: pipeline first token {med['first_token']:.2f} s, "
          f"wait from the question {med['to_first_token']:.2f} s ({med['to_first_token'] / alone_ttft:.2f}x the "
          f"runtime alone's {alone_ttft:.2f} s), total {med['total']:.2f} s ({med['total'] / alone_total:.2f}x "
          f"{alone_total:.2f} s)")


if __name__ == "__main__":
    main()
