"""The HTTP API with the real packaged models and LLM: the `openai` client against `rag serve`'s app on 127.0.0.1."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.pipeline import ingest_paths
from rag.pipeline import Pipeline
from rag.settings import get_settings
from tests.conftest import CORPUS
from tests.ui._server import free_port

pytestmark = pytest.mark.integration
MODEL_CACHE = os.environ.get("RAG_TEST_MODEL_CACHE", str(Path.home() / ".corroborate" / "models"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The web app and the API over the real pipeline and the bundled corpus, on a free loopback port."""
    from rag.serving.api import ApiAuth, api_routes
    from rag.serving.service import Service
    from ui.app import build_app, launch

    settings = get_settings(overrides={"store.path": str(tmp_path_factory.mktemp("store")), "model_cache": MODEL_CACHE})
    ingest_paths([CORPUS], settings)
    pipeline = Pipeline(settings)
    pipeline.warm_up()  # the models load here, not inside the first request's time limit
    demo = build_app(settings, pipeline, bench_dirs=[])
    service = Service(settings, pipelines=demo.corroborate.pipelines, line=demo.corroborate.line)
    port = free_port()
    launch(demo, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True,
           api_routes=api_routes(service, ApiAuth(token="tok")))
    yield f"http://127.0.0.1:{port}", pipeline
    demo.close()


def test_the_openai_client_gets_a_verified_cited_answer_from_the_real_llm(server):
    from openai import OpenAI

    url, pipeline = server
    client = OpenAI(base_url=f"{url}/v1", api_key="tok", max_retries=0, timeout=600)
    q = "Where was the wreckage of the drone found according to Mali?"
    resp = client.chat.completions.create(model="corroborate", messages=[{"role": "user", "content": q}])
    text = resp.choices[0].message.content
    extra = resp.model_extra["corroborate"]
    assert extra["question"] == q and not extra["abstained"], text
    assert "9.5" in text and extra["citations"], text
    for c in extra["citations"]:  # every citation is an exact span of the stored article, and is cited in the text
        assert pipeline.store.get_document(c["doc_id"]).text[c["start"]:c["end"]] == c["text"]
        assert f"[{c['n']}]" in text

    stream = client.chat.completions.create(model="corroborate", stream=True, messages=[{"role": "user", "content": q}])
    chunks = list(stream)
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks)
    last = chunks[-1].model_extra["corroborate"]
    assert streamed == last["answer"], "the streamed pieces join to the verified answer"
    assert chunks[-1].choices[0].finish_reason == "stop" and last["citations"]
