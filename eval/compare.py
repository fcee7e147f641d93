"""Compare two eval runs: metrics side by side with deltas, and the questions that got better or worse."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from eval.metrics import METRICS, aggregate
from eval.runner import read_run_info, load_results
from eval.schema import ResultRecord
from rag.errors import InputError


class MetricDelta(BaseModel):
    """One metric in both runs."""

    key: str
    label: str
    a: float | None = Field(description="Value in run A.")
    b: float | None = Field(description="Value in run B.")
    delta: float | None = Field(description="b - a.")
    better: bool | None = Field(description="True when B is better (direction-aware), None when equal or undefined.")


class QuestionChange(BaseModel):
    """A question whose outcome changed between the runs."""

    id: str
    question: str
    change: str = Field(description="'better' or 'worse'.")
    what: list[str] = Field(description="Which scores changed, e.g. 'correct: False -> True'.")


class Comparison(BaseModel):
    """What ``rag eval compare`` prints."""

    run_a: str
    run_b: str
    system: str
    config_a: str
    config_b: str
    metrics: list[MetricDelta]
    changes: list[QuestionChange]
    common: int = Field(description="Questions present in both runs.")


def _outcome(r: ResultRecord) -> dict[str, float | bool | None]:
    s = r.scores
    q = r.question
    return {
        "correct": s.correct,
        "abstained right": (s.abstained == q.unanswerable) if r.answer is not None else False,
        "citation recall": s.citation_recall,
        "citation precision": s.citation_precision,
        "conflict right": (s.conflict_pred == q.conflict) if r.answer is not None else False,
        "both sides cited": s.both_sides_cited,
        "error": r.error is not None,
    }


def _records(run_dir: Path, system: str) -> dict[str, ResultRecord]:
    info = read_run_info(run_dir)
    if not info:
        raise InputError(f"{run_dir} is not an eval run folder (no run.json); give the folder 'rag eval run' printed.")
    results = load_results(run_dir)
    ids = info.get("questions") or sorted({i for _, i in results})
    return {i: results[(system, i)] for i in ids if (system, i) in results}


def compare_runs(run_a: Path, run_b: Path, system: str = "ours") -> Comparison:
    """Compare one system's results in two run folders, over the questions both runs answered."""
    run_a, run_b = Path(run_a).expanduser().resolve(), Path(run_b).expanduser().resolve()
    ra, rb = _records(run_a, system), _records(run_b, system)
    if not ra or not rb:
        empty = run_a if not ra else run_b
        raise InputError(f"{empty} has no results for system {system!r}.")
    common = [i for i in ra if i in rb]
    if not common:
        raise InputError(f"{run_a} and {run_b} have no question ids in common; compare runs of the same set.")
    ma, mb = aggregate([ra[i] for i in common]), aggregate([rb[i] for i in common])
    deltas = []
    for m in METRICS:
        a, b = ma.get(m.key), mb.get(m.key)
        d = (b - a) if (a is not None and b is not None) else None
        better = None if not d else (d > 0) == m.higher_is_better
        deltas.append(MetricDelta(key=m.key, label=m.label, a=a, b=b, delta=d, better=better))
    for stage in ("total", "generation"):
        a = ma["latency"][stage]["p50"]
        b = mb["latency"][stage]["p50"]
        d = (b - a) if (a is not None and b is not None) else None
        deltas.append(MetricDelta(key=f"latency_{stage}_p50", label=f"Latency {stage} p50 (s)", a=a, b=b, delta=d,
                                  better=None if not d else d < 0))
    changes = []
    for i in common:
        oa, ob = _outcome(ra[i]), _outcome(rb[i])
        up, down = [], []
        for k in oa:
            x, y = oa[k], ob[k]
            if x is None or y is None or x == y:
                continue
            improved = (y < x) if k == "error" else (y > x)
            (up if improved else down).append(f"{k}: {_short(x)} -> {_short(y)}")
        if up or down:
            change = "better" if len(up) > len(down) else "worse" if len(down) > len(up) else "mixed"
            changes.append(QuestionChange(id=i, question=ra[i].question.question, change=change, what=up + down))
    return Comparison(
        run_a=str(run_a), run_b=str(run_b), system=system,
        config_a=read_run_info(run_a).get("config_hash", ""), config_b=read_run_info(run_b).get("config_hash", ""),
        metrics=deltas, changes=changes, common=len(common),
    )


def _short(v) -> str:
    return f"{v:.2f}" if isinstance(v, float) else str(v)


def render_comparison(c: Comparison) -> str:
    """Plain-text rendering for the terminal."""

    def f(v):
        return "n/a" if v is None else f"{v:.3f}"

    lines = [f"A: {c.run_a} (config {c.config_a})", f"B: {c.run_b} (config {c.config_b})",
             f"system: {c.system}; metrics over the {c.common} questions both runs answered", "",
             f"{'metric':<28}{'A':>9}{'B':>9}{'B-A':>9}"]
    for m in c.metrics:
        mark = "" if m.better is None else ("  better" if m.better else "  worse")
        d = "n/a" if m.delta is None else f"{m.delta:+.3f}"
        lines.append(f"{m.label:<28}{f(m.a):>9}{f(m.b):>9}{d:>9}{mark}")
    for kind in ("better", "worse", "mixed"):
        items = [x for x in c.changes if x.change == kind]
        lines += ["", f"{kind.capitalize()} in B ({len(items)}):"]
        for x in items:
            lines.append(f"  {x.id}: {x.question[:80]}")
            lines.append(f"      {'; '.join(x.what)}")
    return "\n".join(lines)
