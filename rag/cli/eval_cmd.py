"""``rag eval``: run an eval set through the pipeline (and the llama-index baseline), compare runs."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from rag.cli import State, main


@main.group("eval")
def eval_group() -> None:
    """Measure answer quality on a question set: correctness, citations, abstention, conflicts, latency.

    \b
    Example:
        rag eval run bundled --out runs/bundled
        rag eval run ../shared/bench/realtimeqa --sample 200 --seed 0
        rag eval compare runs/bundled runs/bundled-top8
    """


class _Progress:
    """A click progress bar on stderr when it is a terminal, one line per answer otherwise (logs)."""

    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.bar = None
        self.tty = sys.stderr.isatty()
        self.last = -1

    def __call__(self, done: int, total: int) -> None:
        if self.quiet:
            return
        if not self.tty:
            if done != self.last:
                click.echo(f"[{datetime.now():%H:%M:%S}] {done}/{total} answers", err=True)
                self.last = done
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Answering", file=sys.stderr, show_eta=True)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def render_metrics(run) -> str:
    """The metric table printed after a run (ours, baseline, ratio)."""
    from eval.metrics import METRICS

    systems = run.systems
    head = f"{'metric':<36}" + "".join(f"{s:>10}" for s in systems) + ("     ratio" if "baseline" in systems else "")
    lines = [head]
    for m in METRICS:
        vals = [run.metrics[s].get(m.key) for s in systems]
        label = m.label if m.higher_is_better else f"{m.label} (lower=better)"
        row = f"{label:<36}" + "".join(f"{'n/a' if v is None else f'{v:.3f}':>10}" for v in vals)
        if "baseline" in systems:
            r = run.ratios.get(m.key)
            row += f"{'n/a' if r is None else f'{r:.2f}x':>10}"
        lines.append(row)
    for s in systems:
        lat = run.metrics[s]["latency"]["total"]
        if lat["p50"] is not None:
            lines.append(f"latency total [{s}]: p50 {lat['p50']:.1f}s, p95 {lat['p95']:.1f}s (n={lat['n']})")
    return "\n".join(lines)


@eval_group.command("run")
@click.argument("set_", metavar="SET")
@click.option("--corpus", type=click.Path(exists=True, path_type=Path),
              help="Documents to ingest into a fresh store in the run folder (default: the set's own docs/).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Run folder; re-run with the same folder to resume (default $RAG_HOME/eval/SET-TIME).")
@click.option("--limit", type=int, help="Only the first N questions (after sampling).")
@click.option("--sample", type=int, help="A random sample of N questions (see --seed).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed for --sample.")
@click.option("--split", type=click.Choice(["dev", "test"]),
              help="Only one part of the set's fixed split (split.json beside questions.jsonl): tune on dev, report test.")
@click.option("--baseline/--no-baseline", default=None,
              help="Also run the plain llama-index baseline (default: on for the bundled set).")
@click.option("--judge", default="support", show_default=True,
              help="Entailment judge for citation metrics: support, nli (our 3-way model) or nli:SPEC (see rag/nli/).")
@click.option("--json", "json_", is_flag=True, help="Print the run summary (metrics, paths) as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress output.")
@click.pass_obj
def run_cmd(state: State, set_: str, corpus: Path | None, out: Path | None, limit: int | None, sample: int | None,
            seed: int, split: str | None, baseline: bool | None, judge: str, json_: bool, quiet: bool) -> None:
    """Answer every question of SET and write a report (report.md, report.html) in the run folder.

    SET is a JSONL file (schema in eval/README.md), a bench folder with
    questions.jsonl and docs/ (the docs are ingested), or 'bundled' (the
    questions written for corpus/). Answers come from the same pipeline as
    'rag ask'; the user's store is never touched when a corpus is ingested.

    \b
    Example:
        rag eval run bundled --out runs/bundled
        rag eval run ../shared/bench/realtimeqa --sample 200 --seed 0
        rag -o retrieval.top_k=8 eval run bundled --out runs/bundled-top8
        rag eval run my_questions.jsonl --no-baseline   # against the configured store
    """
    from eval.loaders import load_set
    from eval.runner import finalize, run_eval

    settings = state.settings
    evset = load_set(set_)
    if baseline is None:
        baseline = evset.name == "bundled" or Path(evset.path).resolve() == Path(load_set("bundled").path).resolve()
    out = out or settings.home / "eval" / f"{evset.name}-{datetime.now():%Y%m%d-%H%M%S}"
    log = (lambda msg: None) if quiet else (lambda msg: click.echo(msg, err=True))
    log(f"Run folder: {out}")
    progress = _Progress(quiet or json_)
    try:
        run = run_eval(set_, settings, out, corpus=corpus, limit=limit, sample=sample, seed=seed,
                       baseline=baseline, split=split, progress=progress, judge=judge, log=log)
    except KeyboardInterrupt:
        progress.close()
        if (Path(out) / "run.json").is_file():
            finalize(out)
        raise click.ClickException(f"Interrupted. Results so far and a partial report are in {out}; "
                                   f"resume with the same command plus --out {out}.") from None
    finally:
        progress.close()
    if json_:
        click.echo(run.model_dump_json(indent=2))
        return
    click.echo(render_metrics(run))
    click.echo(f"judge: {run.judge}; config {run.config_hash}; {run.errors} errors")
    click.echo(f"report: {run.report_html}\n        {run.report_md}")


@eval_group.command("compare")
@click.argument("run_a", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("run_b", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--system", type=click.Choice(["ours", "baseline"]), default="ours", show_default=True,
              help="Which system's results to compare.")
@click.option("--json", "json_", is_flag=True, help="Print the comparison as JSON.")
def compare_cmd(run_a: Path, run_b: Path, system: str, json_: bool) -> None:
    """Show the metrics of two runs side by side with deltas, and the questions that got better or worse.

    \b
    Example:
        rag eval compare ~/.corroborate/eval/bundled-20250101-120000 runs/bundled-topk8
    """
    from eval.compare import compare_runs, render_comparison

    c = compare_runs(run_a, run_b, system=system)
    click.echo(c.model_dump_json(indent=2) if json_ else render_comparison(c))


@eval_group.command("report")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--rescore", is_flag=True, help="Score the stored answers again first (new gold data, metrics or judge).")
@click.option("--judge", default="support", show_default=True,
              help="Entailment judge for --rescore: support, nli or nli:SPEC.")
@click.option("--json", "json_", is_flag=True, help="Print the run summary as JSON.")
@click.pass_obj
def report_cmd(state: State, run_dir: Path, rescore: bool, judge: str, json_: bool) -> None:
    """Rebuild metrics.json, report.md and report.html of a run folder from its results.jsonl.

    \b
    Example:
        rag eval report runs/bundled
        rag eval report runs/bundled --rescore
    """
    from eval.runner import finalize
    from eval.runner import rescore as rescore_run

    run = rescore_run(run_dir, state.settings, judge=judge) if rescore else finalize(run_dir)
    click.echo(run.model_dump_json(indent=2) if json_ else render_metrics(run))
    if not json_:
        click.echo(f"report: {run.report_html}")
