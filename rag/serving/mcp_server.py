"""``rag mcp``: the corpus as MCP tools (official ``mcp`` SDK) for assistants such as Claude Desktop.

Tools: ``ask`` (a verified answer with cited spans, through the line), ``search`` (evidence only, no LLM),
``conflicts`` (the corpus-wide disagreement report) and ``list_documents``. Each returns the same JSON
objects as the HTTP API (docs/api.md), as structured content and as text.

Example:
    >>> server = build_mcp_server(Service(get_settings()))   # doctest: +SKIP
    >>> server.run("stdio")                                   # doctest: +SKIP
"""

from __future__ import annotations

import logging

from pydantic import BaseModel, Field

from rag.errors import RagError
from rag.serving.api import PublicAnswer, SearchResult, app_version
from rag.serving.service import Service
from rag.types import Conflict, DocRecord

log = logging.getLogger("corroborate.mcp")

INSTRUCTIONS = (
    "Corroborate answers questions from a fixed set of news articles. Every answer sentence is verified against "
    "the exact spans it cites ([n] markers; each citation gives the document, character offsets and text), and "
    "where sources disagree the answer says so and lists the conflicting spans. Prefer `ask` for a question; use "
    "`search` to read the evidence without generating; `conflicts` lists every disagreement in the corpus."
)


class ConflictReport(BaseModel):
    """Every disagreement between the stored articles."""

    conflicts: list[Conflict] = Field(description="The disagreements, grouped by topic, strongest first within a topic.")


class DocumentList(BaseModel):
    """The documents in the store."""

    documents: list[DocRecord] = Field(description="One record per document (no text).")


def build_mcp_server(service: Service):
    """An ``mcp.server.mcpserver.MCPServer`` whose tools call ``service``.

    Raises:
        ImportError: the ``mcp`` package is missing (it is a dependency; reinstall with scripts/install.sh).
    """
    try:
        from mcp.server.mcpserver import MCPServer
        from mcp.server.mcpserver.exceptions import ToolError
        from mcp_types import ToolAnnotations
    except ImportError as e:  # pragma: no cover - a broken install
        raise ImportError("The MCP server needs the 'mcp' package: pip install -c constraints.txt -e .") from e

    server = MCPServer("corroborate", title="Corroborate", instructions=INSTRUCTIONS, version=app_version())
    read_only = ToolAnnotations(readOnlyHint=True, openWorldHint=False)

    def call(fn, *args):
        try:
            return fn(*args)
        except RagError as e:  # shown to the assistant as the tool's error text
            raise ToolError(str(e)) from e

    @server.tool(annotations=read_only)
    def ask(question: str) -> PublicAnswer:
        """Answer a question from the news articles. The answer text carries [n] markers; each citation gives the
        document, its character offsets and the exact cited text; conflicts lists sources that disagree.
        Takes a while (a local LLM writes and the answer is verified); questions are answered one at a time."""
        answer = call(lambda q: service.ask(q), question)
        return PublicAnswer.model_validate(answer.public_dict())

    @server.tool(annotations=read_only)
    def search(question: str) -> SearchResult:
        """The evidence sentences the articles hold for a question (exact spans, best first), without writing an
        answer; abstain_reason says why an answer would be refused. Fast: no LLM."""
        evidence, reason = call(service.search, question)
        return SearchResult(question=question.strip(), evidence=evidence, abstain_reason=reason)

    @server.tool(annotations=read_only)
    def conflicts(min_score: float | None = None) -> ConflictReport:
        """Every disagreement between the stored articles (numbers, dates, who did what), each with the quoted
        spans of both sides. min_score (0-1) keeps only the surer ones."""
        if min_score is not None and not 0 <= min_score <= 1:
            raise ToolError(f"min_score must be between 0 and 1. Currently, min_score is {min_score}")
        return ConflictReport(conflicts=call(service.conflicts, min_score))

    @server.tool(annotations=read_only)
    def list_documents() -> DocumentList:
        """The articles in the store: id, title, source, date and size."""
        return DocumentList(documents=call(service.documents))

    return server
