"""The Evaluation tab's data: which eval sets exist and an eval run's metrics reshaped for a table and a chart.

Example:
    >>> flatten_metrics({"mrr": 0.5, "latency": {"total": {"p50": 3.0}}, "by_tag": {"x": {}}})
    {'mrr': 0.5, 'latency.total.p50': 3.0}
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eval.schema import EvalRun

#: The repository root (eval sets are looked up in ``eval/sets/`` under it).
REPO = Path(__file__).resolve().parent.parent


def _num(v: Any) -> bool:
    return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))


def flatten_metrics(m: dict) -> dict[str, float | int | None]:
    """Numeric metrics of one system, nested dicts flattened to ``a.b.c``; per-tag breakdowns left out."""
    out: dict[str, float | int | None] = {}

    def walk(prefix: str, d: dict, depth: int) -> None:
        for k, v in d.items():
            name = f"{prefix}{k}"
            if k == "by_tag":
                continue
            if isinstance(v, bool):
                out[name] = int(v)
            elif _num(v):
                out[name] = v
            elif isinstance(v, dict) and depth < 3:
                walk(name + ".", v, depth + 1)

    walk("", m, 1)
    return out


def normalise_eval_result(run: EvalRun) -> tuple[dict[str, dict[str, float | int | None]], dict[str, Any]]:
    """Metrics by system (flat name -> value) and run facts (set, questions, errors, report) of an eval run."""
    by_system = {system: flatten_metrics(m) for system, m in run.metrics.items()}
    facts = {k: v for k in ("set_name", "n_questions", "errors", "config_hash", "judge", "run_dir", "report_html")
             if (v := getattr(run, k)) not in (None, "")}
    return by_system, facts


def list_eval_sets(repo: Path = REPO, bench_dirs: list[Path] | None = None) -> list[tuple[str, str]]:
    """(label, path) of JSONL eval sets: ``eval/sets/*.jsonl`` and ``<shared>/bench/*/questions.jsonl``."""
    out: list[tuple[str, str]] = []
    for p in sorted((repo / "eval" / "sets").glob("*.jsonl")):
        out.append((f"eval/sets/{p.name}", str(p)))
    seen: set[Path] = set()
    for d in bench_dirs if bench_dirs is not None else [repo.parent / "shared" / "bench", Path("/work/shared/bench")]:
        for p in sorted(d.glob("*/questions.jsonl")):
            rp = p.resolve()
            if rp not in seen:
                seen.add(rp)
                out.append((f"bench/{p.parent.name}", str(p)))
    return out
