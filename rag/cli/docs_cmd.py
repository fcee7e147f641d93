"""``rag docs`` and ``rag remove``: what is in the store."""

from __future__ import annotations

import json

import click

from rag.cli import State, main


@main.command("docs")
@click.option("--json", "json_", is_flag=True, help="Print JSON.")
@click.option("--removed", is_flag=True, help="Also list what cleaning removed from each document.")
@click.pass_obj
def docs(state: State, json_: bool, removed: bool) -> None:
    """List the documents in the store: id, title, source file, chunks, date.

    \b
    Example:
        rag docs --json
    """
    from rag.store import get_store

    store = get_store(state.settings)
    records = store.list_documents()
    if json_:
        out = []
        for r in records:
            item = r.model_dump()
            if removed:
                doc = store.get_document(r.doc_id)
                item["removed"] = [x.model_dump() for x in doc.removed] if doc else []
            out.append(item)
        click.echo(json.dumps(out, indent=2))
        return
    if not records:
        click.echo("The store is empty. Add articles with: rag ingest PATH")
        return
    for r in records:
        date = r.meta.published or r.meta.date_text or "-"
        click.echo(f"{r.doc_id}  {r.n_chunks:>3} chunks  {date:<12}  {r.meta.title[:70]}")
        click.echo(f"{'':16}  {r.source}")
        if removed:
            doc = store.get_document(r.doc_id)
            for x in doc.removed if doc else []:
                click.echo(f"{'':18}- removed ({x.reason}): {' '.join(x.text.split())[:80]}")
    click.echo(f"{len(records)} documents, {sum(r.n_chunks for r in records)} chunks")


@main.command("remove")
@click.argument("doc_ids", nargs=-1, required=True)
@click.pass_obj
def remove(state: State, doc_ids: tuple[str, ...]) -> None:
    """Remove documents (by id, see `rag docs`) and their chunks from the store.

    \b
    Example:
        rag remove 3f2a9c0d1e2b4a5c
    """
    from rag.errors import InputError
    from rag.store import get_store

    store = get_store(state.settings)
    missing = [d for d in doc_ids if not store.delete_document(d)]
    if missing:
        raise InputError(f"Not in the store: {', '.join(missing)}. List documents with `rag docs`.")
    click.echo(f"removed {len(doc_ids)} document(s)")
