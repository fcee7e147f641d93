"""Evidence replay: does the evidence shown to the LLM hold a gold answer, and which conflicts are flagged?

    python benchmarks/evidence_recall.py runs/bundled runs/rtqa200 runs/rgb
    python benchmarks/evidence_recall.py runs/bundled -b retrieval.top_k=8     # another baseline

Reads the questions of finished ``rag eval run`` folders (``results.jsonl``) and searches each
run's own store (``RUN/store``), so nothing is ingested and no LLM is called: a retrieval or
evidence change can be checked on hundreds of questions in seconds, before a full eval run.

Retrieval and evidence selection run twice per question, with the current settings and with the
baseline overrides (default: the question-focus list and bonus switched off, ``-b KEY=VALUE``
replaces them), and both are scored the same way:

- answer-in-evidence: the share of answerable questions with gold answers where some gold answer
  (normalised as in answer correctness) occurs in the evidence sentences;
- conflicts: questions labelled as conflicts that the detector flags on that evidence, and flags on
  questions not labelled as conflicts (the pipeline would skip detection on an abstention; this
  replay does not abstain, so it counts more flags than a full run, never fewer).

It reports, with the questions each configuration gained or lost; it does not assert.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from eval.metrics import contains_answer  # noqa: E402
from eval.runner import load_results  # noqa: E402
from rag.pipeline import Pipeline  # noqa: E402
from rag.settings import get_settings  # noqa: E402

DEFAULT_BASELINE = ["retrieval.focus_search=false", "retrieval.focus_weight=0"]


@dataclass
class Replay:
    """One configuration's outcome on one run's questions."""

    answer_found: dict[str, bool] = field(default_factory=dict)  # answerable questions with gold answers
    flagged: dict[str, bool] = field(default_factory=dict)  # every question
    conflict: dict[str, bool] = field(default_factory=dict)  # the question's label


def replay(run_dir: Path, overrides: dict[str, str], embedder=None, nli=None, conflicts: bool = True) -> Replay:
    """Gather evidence (and detect conflicts) for every question of ``run_dir`` under ``overrides``."""
    settings = get_settings(overrides={"store.path": str(run_dir / "store"), **overrides})
    if "conflicts.nli" in overrides:
        nli = None  # the pipeline loads the one asked for
    pipe = Pipeline(settings, embedder=embedder, nli=nli)
    out = Replay()
    for (system, qid), rec in sorted(load_results(run_dir).items()):
        if system != "ours":
            continue
        q = rec.question
        _, ev = pipe.gather(q.question)
        if q.answers and not q.unanswerable:
            out.answer_found[qid] = contains_answer(" ".join(e.text for e in ev.items), q.answers)
        if conflicts:
            out.conflict[qid] = bool(q.conflict)
            out.flagged[qid] = bool(pipe.detect_conflicts(q.question, ev.items))
    return out


def _diff(a: dict[str, bool], b: dict[str, bool]) -> tuple[list[str], list[str]]:
    """Questions true in ``b`` only (gained) and in ``a`` only (lost)."""
    return sorted(k for k in a if b.get(k) and not a[k]), sorted(k for k in a if a[k] and not b.get(k))


def report(name: str, base: Replay, cur: Replay) -> list[str]:
    lines = [f"## {name}"]
    n = len(cur.answer_found)
    if n:
        b, c = sum(base.answer_found.values()), sum(cur.answer_found.values())
        ratio = f"{c / b:.3f}" if b else "-"
        gained, lost = _diff(base.answer_found, cur.answer_found)
        lines += [f"answer-in-evidence: current {c}/{n} ({c / n:.3f}), baseline {b}/{n} ({b / n:.3f}), ratio {ratio}",
                  f"  gained: {' '.join(gained) or '-'}", f"  lost:   {' '.join(lost) or '-'}"]
    if cur.flagged:
        for label, r in (("current", cur), ("baseline", base)):
            pos = [k for k, v in r.conflict.items() if v]
            tp = sum(r.flagged[k] for k in pos)
            fp = sum(r.flagged[k] for k, v in r.conflict.items() if not v)
            lines.append(f"conflicts, {label}: flagged {tp}/{len(pos)} conflict questions, "
                         f"{fp} flags on {len(r.conflict) - len(pos)} others")
        gained, lost = _diff(base.flagged, cur.flagged)
        lines += [f"  newly flagged: {' '.join(gained) or '-'}", f"  no longer flagged: {' '.join(lost) or '-'}"]
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("runs", nargs="+", type=Path, help="eval run folders (each with results.jsonl and store/)")
    ap.add_argument("-b", "--baseline", action="append", metavar="KEY=VALUE",
                    help=f"baseline setting overrides (default: {' '.join(DEFAULT_BASELINE)})")
    ap.add_argument("--no-conflicts", action="store_true", help="skip conflict detection (faster)")
    args = ap.parse_args(argv)
    baseline = dict(kv.split("=", 1) for kv in (args.baseline or DEFAULT_BASELINE))
    from rag.embed import get_embedder
    from rag.nli import get_nli

    settings = get_settings()
    embedder = get_embedder(settings)  # loaded once for every run and both configurations
    nli = None if args.no_conflicts else get_nli(settings.conflicts.nli, settings)
    print(f"baseline overrides: {baseline}")
    for run in args.runs:
        if not (run / "store").is_dir() or not (run / "results.jsonl").is_file():
            print(f"## {run}: not an eval run folder (needs results.jsonl and store/)", file=sys.stderr)
            return 2
        cur = replay(run, {}, embedder, nli, not args.no_conflicts)
        base = replay(run, baseline, embedder, nli, not args.no_conflicts)
        print("\n".join(report(str(run), base, cur)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
