"""The MCP server driven by the official SDK's client: in-process over a fake pipeline, and `rag mcp` over stdio."""

from __future__ import annotations

import json
import os
import sys

import anyio
import pytest

from rag.serving.mcp_server import build_mcp_server
from tests.conftest import REPO

pytestmark = pytest.mark.unit


def run(coro_fn, *args, timeout: float = 60):
    async def bounded():
        with anyio.fail_after(timeout):
            return await coro_fn(*args)

    return anyio.run(bounded)


async def _call(server, name: str, arguments: dict | None = None):
    from mcp import Client

    async with Client(server) as client:
        return await client.call_tool(name, arguments or {})


async def _tools(server):
    from mcp import Client

    async with Client(server) as client:
        return (await client.list_tools()).tools


def test_lists_the_four_tools_with_schemas(served):
    tools = {t.name: t for t in run(_tools, build_mcp_server(served.service))}
    assert set(tools) == {"ask", "search", "conflicts", "list_documents"}
    assert tools["ask"].input_schema["required"] == ["question"]
    assert "citations" in tools["ask"].output_schema["properties"]
    assert tools["ask"].annotations.read_only_hint is True
    assert "[n] markers" in tools["ask"].description


def test_ask_returns_the_cited_answer_through_the_line(served):
    result = run(_call, build_mcp_server(served.service), "ask", {"question": " Where was the wreckage found? "})
    assert not result.is_error, result.content
    data = result.structured_content
    assert data["answer"] == served.answer.answer
    assert data["citations"][0]["text"] == served.answer.citations[0].text
    assert data["conflicts"][0]["kind"] == "quantity"
    assert json.loads(result.content[0].text)["citations"][0]["n"] == 1, "the text content is the same JSON"
    assert served.pipeline.asked == ["Where was the wreckage found?"]
    assert served.service.line.status()["running"] == 0


def test_search_runs_no_llm(served):
    result = run(_call, build_mcp_server(served.service), "search", {"question": "Where was the wreckage found?"})
    assert not result.is_error
    assert [e["text"] for e in result.structured_content["evidence"]] == [e.text for e in served.answer.evidence]
    assert served.pipeline.asked == []


def test_list_documents_and_conflicts(served, monkeypatch):
    import rag.conflicts

    monkeypatch.setattr(rag.conflicts, "scan_store", lambda settings, store=None, embedder=None, nli=None: [served.conflict])
    server = build_mcp_server(served.service)
    docs = run(_call, server, "list_documents").structured_content["documents"]
    assert [d["doc_id"] for d in docs] == [served.doc.doc_id]
    found = run(_call, server, "conflicts", {"min_score": 0.5}).structured_content["conflicts"]
    assert found[0]["sides"][1]["attributed_to"] == "Mali"
    assert run(_call, server, "conflicts", {"min_score": 0.95}).structured_content["conflicts"] == []
    bad = run(_call, server, "conflicts", {"min_score": 3})
    assert bad.is_error and "min_score must be between 0 and 1" in bad.content[0].text


def test_errors_reach_the_assistant_as_plain_tool_errors(served):
    server = build_mcp_server(served.service)
    result = run(_call, server, "ask", {"question": "x" * 3000})
    assert result.is_error
    assert "The question is 3000 characters long; the limit is 2000." in result.content[0].text
    assert "x" * 100 not in result.content[0].text
    served.service.line.max_waiting = 0
    holder = served.service.line.join()
    busy = run(_call, server, "ask", {"question": "Where?"})
    served.service.line.leave(holder)
    assert busy.is_error and "The server is busy" in busy.content[0].text


def test_rag_mcp_speaks_mcp_over_stdio(tmp_path):
    """The real command in a subprocess: the handshake and the tool list (no model is loaded)."""
    from mcp import Client, StdioServerParameters

    env = {**os.environ, "RAG_HOME": str(tmp_path), "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False",
           "PYTHONPATH": str(REPO)}
    params = StdioServerParameters(command=sys.executable, args=["-m", "rag", "mcp", "--no-warm-up"], env=env,
                                   cwd=str(tmp_path))

    async def tool_names():
        async with Client(params) as client:
            return sorted(t.name for t in (await client.list_tools()).tools)

    assert run(tool_names, timeout=90) == ["ask", "conflicts", "list_documents", "search"]
