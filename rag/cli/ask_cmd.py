"""``rag ask``: answer a question (or a JSONL batch) with verified citations."""

from __future__ import annotations

import json
import sys

import click

from rag.cli import State, main
from rag.types import Answer


def render_answer(a: Answer, show_evidence: bool = False) -> str:
    """Human-readable answer block for the terminal."""
    lines = [click.style("Answer: ", bold=True) + a.answer, ""]
    if a.citations:
        lines.append(click.style("Citations", bold=True))
        for c in a.citations:
            where = f"article record: {c.field}" if c.field else f"chars {c.start}-{c.end}"
            lines.append(f" [{c.n}] {c.title[:80]}  ({c.source}, {where})")
            lines.append(f"     “{' '.join(c.text.split())}”")
        lines.append("")
    if a.conflicts:
        lines.append(click.style("⚠ Sources disagree", fg="red", bold=True))
        for conf in a.conflicts:
            kind = conf.kind if conf.category == "factual" else f"{conf.kind}, {conf.category}"
            lines.append(f" {kind} (score {conf.score:.2f}): {conf.summary}")
            for s in conf.sides:
                who = f" [{s.attributed_to}]" if s.attributed_to else ""
                answer = f" → {s.answer}" if s.answer else ""
                lines.append(f"   - {s.title[:60]}{who}{answer}: “{' '.join(s.text.split())}”")
        lines.append("")
    if show_evidence:
        lines.append(click.style("Evidence shown to the model", bold=True))
        for e in a.evidence:
            lines.append(f" [{e.key}] ({e.score:.2f}) {' '.join(e.text.split())}")
        for v in a.verdicts:
            lines.append(f"   {v.status:<10} {v.sentence[:90]} {('- ' + '; '.join(v.reasons)) if v.reasons else ''}")
        lines.append("")
    counts: dict[str, int] = {}
    for v in a.verdicts:
        counts[v.status] = counts.get(v.status, 0) + 1
    t = a.timings
    speed = (f", first token {t.to_first_token:.1f}s after the question (prefill {t.first_token:.1f}s), "
             f"{t.tokens_per_s:.0f} tok/s" if t.to_first_token and t.first_token and t.tokens_per_s else "")
    verdicts = ", ".join(f"{n} {k}" for k, n in counts.items()) or "none"
    lines.append(click.style(
        f"mode {a.mode}; sentences: {verdicts}; retrieval {t.retrieval:.2f}s, generation {t.generation:.1f}s{speed}, "
        f"verification {t.verification:.2f}s, conflicts {t.conflicts:.2f}s, total {t.total:.1f}s", dim=True))
    return "\n".join(lines)


def render_by_source(question: str, views) -> str:
    """Each article's own answer, one block per article; '≠' marks answers that differ from the leading one."""
    lines = [click.style("Question: ", bold=True) + question, ""]
    if not views:
        return "\n".join([*lines, "No article holds evidence for this question."])
    for v in views:
        mark = click.style("≠ ", fg="red", bold=True) if v.disagrees else "  "
        lines.append(mark + click.style(v.title[:80] or "(untitled)", bold=True) + f"  ({v.source})")
        if v.answer is None:
            lines.append("    no answer in its evidence")
        else:
            where = f"chars {v.answer_start}-{v.answer_end}" if v.answer_start is not None else "its sentence below"
            how = "; read by the LLM, checked against the article" if v.basis == "reading" else ""
            lines.append(f"    answer: {' '.join(v.answer.split())}   ({where}{how})")
            lines.append(f"    “{' '.join(v.quote.text.split())}”")
        lines.append("")
    n = len({v.camp for v in views if v.camp is not None})
    if n > 1:
        lines.append(click.style(f"⚠ The articles give {n} different answers.", fg="red", bold=True))
    return "\n".join(lines)


def _batch(pipeline, path: str, debug: bool, as_of) -> None:
    from rag.errors import RagError
    from rag.recency import parse_day

    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                qid, question = item.get("id"), item["question"]
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as e:
                click.echo(json.dumps({"id": None, "line": lineno, "error": f"bad line: {e}"}))
                continue
            try:
                day = parse_day(item.get("as_of"), f"{path}:{lineno}: as_of") if "as_of" in item else as_of
                a = pipeline.ask(question, id=None if qid is None else str(qid), as_of=day)
                out = a.model_dump() if debug else a.public_dict()
            except RagError as e:
                out = {"id": qid, "question": question, "error": str(e)}
            click.echo(json.dumps(out, ensure_ascii=False))
            sys.stdout.flush()


@main.command("ask")
@click.argument("question", required=False)
@click.option("--json", "json_", is_flag=True, help="Print one JSON object (schema in the README).")
@click.option("--batch", type=click.Path(exists=True, dir_okay=False),
              help="JSONL file of {id, question}; prints one JSON object per line (implies --json).")
@click.option("--evidence", is_flag=True, help="Also show the evidence and each sentence's verification.")
@click.option("--debug", is_flag=True, help="With --json: include draft, verdicts, evidence and refusal_p.")
@click.option("--by-source", is_flag=True,
              help="Each article's own answer with its quote, marking the ones that disagree (typed values and QA "
              "spans; when fewer than two articles give one, the LLM reads each article: one short call per article).")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="Answer as of this day: articles published later are left out, and 'this week' is the week "
              "before it (default today). A --batch line's own \"as_of\" wins.")
@click.pass_obj
def ask(state: State, question: str | None, json_: bool, batch: str | None, evidence: bool, debug: bool,
        by_source: bool, as_of: str | None) -> None:
    """Answer QUESTION from the ingested articles, citing exact spans.

    The model's draft streams first (marked unverified); the answer printed
    after it has had every sentence checked against the spans it cites.

    \b
    Example:
        rag ask "Who brought the drone down?"
        rag ask --json "Where did the drone crash according to Mali?"
        rag ask --batch questions.jsonl > answers.jsonl
        rag ask --by-source "When was the drone downed?"
        rag ask --as-of 2025-04-05 "What happened this week?"
    """
    from rag.errors import InputError
    from rag.pipeline import Pipeline
    from rag.recency import parse_day
    from rag.question import Question

    day = parse_day(as_of, "--as-of")

    if batch and question:
        raise InputError("Give either a QUESTION or --batch FILE, not both.")
    if not batch and not question:
        raise InputError('No question given. Example: rag ask "Who brought the drone down?"')
    pipeline = Pipeline(state.settings)
    if by_source and not batch:
        views = pipeline.by_source(Question.parse(question, day))
        if json_:
            click.echo(json.dumps({"question": question, "sources": [v.model_dump() for v in views]},
                                  ensure_ascii=False, indent=2))
        else:
            click.echo(render_by_source(question, views))
        return
    if batch:
        _batch(pipeline, batch, debug, day)
        return
    if json_:
        a = pipeline.ask(question, as_of=day)
        click.echo(json.dumps(a.model_dump() if debug else a.public_dict(), ensure_ascii=False, indent=2))
        return
    started = False

    def on_token(piece: str) -> None:
        nonlocal started
        if not started:
            click.secho("Draft (unverified): ", dim=True, nl=False, err=True)
            started = True
        click.secho(piece, dim=True, nl=False, err=True)

    a = pipeline.ask(question, on_token=on_token, as_of=day)
    if started:
        click.echo("\n", err=True)
    click.echo(render_answer(a, show_evidence=evidence))
