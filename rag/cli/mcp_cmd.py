"""``rag mcp``: serve the corpus to MCP clients (Claude Desktop and other assistants) over stdio."""

from __future__ import annotations

import threading

import click

from rag.cli import State, main


@main.command("mcp")
@click.option("--no-warm-up", is_flag=True, help="Load the models on the first question instead of at start.")
@click.pass_obj
def mcp(state: State, no_warm_up: bool) -> None:
    """Serve MCP over stdin/stdout: tools ask, search, conflicts and list_documents.

    An MCP client starts this command itself; see docs/api.md for the Claude
    Desktop configuration. Logs go to stderr. Questions are answered one at a
    time (setting serve.llm_slots); others wait in line.

    \b
    Example:
        rag mcp
        rag --store ~/news-store mcp
    """
    from rag.serving.mcp_server import build_mcp_server
    from rag.serving.service import Service

    service = Service(state.settings)
    server = build_mcp_server(service)
    if not no_warm_up:
        # Load in the background so the client's handshake is answered at once.
        threading.Thread(target=_warm_up, args=(service,), name="corroborate-warm-up", daemon=True).start()
    server.run("stdio")


def _warm_up(service) -> None:
    from rag.errors import RagError

    try:
        service.pipeline().warm_up()
    except (RagError, ImportError) as e:  # each question then reports it
        click.echo(f"Warning: models did not load: {e}", err=True)
