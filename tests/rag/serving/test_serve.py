"""`rag serve` serves the API beside the web app: one process, one pipeline, one line (fake pipeline, 127.0.0.1)."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from tests.ui._server import free_port

pytestmark = pytest.mark.unit


@pytest.fixture
def server(served):
    """The web app and the API on a free loopback port, over the fake pipeline."""
    from rag.serving.api import ApiAuth, api_routes
    from rag.serving.service import Service
    from ui.app import build_app, launch

    demo = build_app(served.settings, served.pipeline, bench_dirs=[])
    ui = demo.corroborate
    service = Service(served.settings, pipelines=ui.pipelines, line=ui.line)
    port = free_port()
    launch(demo, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True,
           api_routes=api_routes(service, ApiAuth(token="tok")))
    yield f"http://127.0.0.1:{port}", demo
    demo.close()


def test_openai_client_against_the_running_server(server, served):
    from openai import OpenAI

    url, demo = server
    client = OpenAI(base_url=f"{url}/v1", api_key="tok", max_retries=0, timeout=30)
    assert [m.id for m in client.models.list()] == ["corroborate"]
    resp = client.chat.completions.create(model="corroborate",
                                          messages=[{"role": "user", "content": "Where was the wreckage found?"}])
    assert resp.choices[0].message.content == served.answer.answer
    extra = resp.model_extra["corroborate"]
    assert extra["citations"][0]["doc_id"] == served.doc.doc_id
    assert extra["conflicts"][0]["kind"] == "quantity"

    stream = client.chat.completions.create(model="corroborate", stream=True,
                                            messages=[{"role": "user", "content": "Where was the wreckage found?"}])
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == served.answer.answer
    assert chunks[-1].choices[0].finish_reason == "stop"
    assert chunks[-1].model_extra["corroborate"]["citations"][0]["n"] == 1

    bad = OpenAI(base_url=f"{url}/v1", api_key="wrong", max_retries=0, timeout=30)
    from openai import AuthenticationError

    with pytest.raises(AuthenticationError, match="Missing or wrong credentials"):
        bad.models.list()


def test_the_web_app_and_the_api_share_one_line_and_one_pipeline(server, served):
    url, demo = server
    assert httpx.get(url + "/", timeout=30).status_code == 200, "the web app is still served at /"
    served.pipeline.delay = 0.3
    holder = demo.corroborate.line.join()  # a web question holds the only slot
    got: dict = {}

    def ask():
        got["r"] = httpx.post(url + "/v1/ask", json={"question": "Where?"}, headers={"Authorization": "Bearer tok"},
                              timeout=30)

    t = threading.Thread(target=ask)
    t.start()
    deadline = time.monotonic() + 10
    while demo.corroborate.line.status()["waiting"] < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert demo.corroborate.line.status()["waiting"] == 1, "the API question waits behind the web one"
    assert served.pipeline.asked == []
    demo.corroborate.line.leave(holder)
    t.join(30)
    assert got["r"].status_code == 200 and got["r"].json()["answer"] == served.answer.answer
    schema = httpx.get(url + "/v1/openapi.json", timeout=30).json()
    assert "/v1/chat/completions" in schema["paths"]
    assert not any(p.startswith("/gradio_api") for p in schema["paths"]), "only the API's own routes"


@pytest.fixture
def serve_cli(monkeypatch):
    from click.testing import CliRunner

    import ui.app as A
    from rag.cli import main

    launched: dict = {}
    monkeypatch.setattr(A, "launch", lambda demo, **kw: launched.update(kw, demo=demo))
    for name in ("RAG_UI_USER", "RAG_UI_PASSWORD", "RAG_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return lambda *args, **kw: (CliRunner().invoke(main, ["-o", "conflicts.enabled=false", "serve", "--no-warm-up",
                                                          *args], **kw), launched)


def test_serve_passes_the_api_and_the_slots(serve_cli):
    result, launched = serve_cli("--slots", "2", env={"RAG_API_TOKEN": "t0k"})
    assert result.exit_code == 0, result.output
    paths = {getattr(r, "path", "") for r in launched["api_routes"]}
    assert {"/v1/ask", "/v1/chat/completions", "/v1/openapi.json"} <= paths
    line = launched["demo"].corroborate.line
    assert line.slots == 2
    assert "API: http://127.0.0.1:7860/v1 (Bearer token; 2 slot(s)" in result.output
    assert "t0k" not in result.output
