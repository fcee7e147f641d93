"""``rag conflicts``: every disagreement between the stored articles."""

from __future__ import annotations

import json

import click

from rag.cli import State, main


@main.command("conflicts")
@click.option("--json", "json_", is_flag=True, help="Print a JSON list of conflicts.")
@click.option("--min-score", type=click.FloatRange(0, 1), default=None, help="Only conflicts scoring at least this.")
@click.pass_obj
def conflicts(state: State, json_: bool, min_score: float | None) -> None:
    """Scan the whole store and print every disagreement, grouped by topic, with both quotes.

    \b
    Example:
        rag conflicts
        rag conflicts --json > conflicts.json
    """
    from rag.conflicts import scan_store
    from rag.errors import EmptyStoreError
    from rag.store import get_store

    store = get_store(state.settings)
    if not store.list_documents():
        raise EmptyStoreError("The store is empty: ingest articles first, e.g. `rag ingest corpus/`.")
    found = scan_store(state.settings, store)
    if min_score is not None:
        found = [c for c in found if c.score >= min_score]
    if json_:
        click.echo(json.dumps([c.model_dump() for c in found], indent=2, ensure_ascii=False))
        return
    topic = None
    for c in found:
        if c.topic != topic:
            topic = c.topic
            click.secho(f"\n## {topic or 'other'}", bold=True)
        click.secho(f"⚠ {c.kind} (score {c.score:.2f}): {c.summary}", fg="red")
        for s in c.sides:
            who = f"{s.attributed_to} — " if s.attributed_to else ""
            click.echo(f"   - {who}“{' '.join(s.text.split())}”")
            click.secho(f"     {s.title[:70]} ({s.source}, chars {s.start}-{s.end})", dim=True)
    click.secho(f"\n{len(found)} disagreement(s) across {len(store.list_documents())} documents", bold=True)
