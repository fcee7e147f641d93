"""The HTTP API over a fake pipeline (FastAPI's TestClient): answers, OpenAI shapes, auth, limits, the line."""

from __future__ import annotations

import base64
import json
import threading
import time

import pytest
from fastapi.testclient import TestClient

from rag.errors import ModelError
from rag.serving.api import ApiAuth, PublicAnswer, build_api_app, pieces, question_of, ChatMessage

pytestmark = pytest.mark.unit


def client_for(served, auth: ApiAuth | None = None, host: str = "testclient") -> TestClient:
    return TestClient(build_api_app(served.service, auth), client=(host, 50000))


def test_ask_returns_exactly_the_rag_ask_json_object(served):
    r = client_for(served).post("/v1/ask", json={"question": "  Where was the wreckage found?  ", "id": "q7"})
    assert r.status_code == 200, r.text
    expected = served.answer.model_copy(update={"question": "Where was the wreckage found?", "id": "q7"}).public_dict()
    assert r.json() == json.loads(json.dumps(expected)), "the body must be Answer.public_dict(), as rag ask --json"
    assert "draft" not in r.json() and "evidence" not in r.json()
    assert set(PublicAnswer.model_fields) == set(expected), "the OpenAPI model must list exactly the public fields"


def test_chat_completion_carries_markers_citations_and_conflicts(served):
    body = {"model": "corroborate", "temperature": 0.2, "messages": [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "An earlier question"},
        {"role": "assistant", "content": "An earlier answer"},
        {"role": "user", "content": [{"type": "text", "text": "Where was the wreckage found?"}]},
    ]}
    r = client_for(served).post("/v1/chat/completions", json=body)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["object"] == "chat.completion" and data["model"] == "corroborate"
    assert data["choices"][0]["message"] == {"role": "assistant", "content": served.answer.answer}
    assert "[1]" in data["choices"][0]["message"]["content"]
    extra = data["corroborate"]
    assert extra["question"] == "Where was the wreckage found?", "the last user message is the question"
    assert extra["citations"][0]["start"] == served.answer.citations[0].start
    assert extra["citations"][0]["text"] == served.doc.text[extra["citations"][0]["start"]:extra["citations"][0]["end"]]
    assert extra["conflicts"][0]["summary"].startswith("Distance")
    assert served.pipeline.asked == ["Where was the wreckage found?"]


def test_streamed_chat_ends_with_the_answer_and_corroborate_in_the_last_chunk(served):
    body = {"messages": [{"role": "user", "content": "Where was the wreckage found?"}], "stream": True}
    with client_for(served).stream("POST", "/v1/chat/completions", json=body) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in r.iter_lines() if line.startswith("data: ")]
    assert lines[-1] == "data: [DONE]"
    chunks = [json.loads(line[6:]) for line in lines[:-1]]
    assert all(c["object"] == "chat.completion.chunk" for c in chunks)
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text == served.answer.answer, "the streamed pieces join to the verified answer, never the draft"
    assert "Draft" not in text
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"
    assert chunks[-1]["corroborate"]["citations"][0]["n"] == 1
    assert all("corroborate" not in c for c in chunks[:-1])


def test_models_docs_status_and_openapi(served):
    c = client_for(served)
    assert c.get("/v1/models").json()["data"][0]["id"] == "corroborate"
    docs = c.get("/v1/docs").json()
    assert [d["doc_id"] for d in docs] == [served.doc.doc_id]
    assert docs[0]["meta"]["title"] == "Drone downed near the border"
    assert c.get("/v1/status").json()["slots"] == 1
    schema = c.get("/v1/openapi.json").json()
    assert {"/v1/ask", "/v1/chat/completions", "/v1/models", "/v1/docs", "/v1/conflicts", "/v1/ingest",
            "/v1/search", "/v1/status"} <= set(schema["paths"])
    names = set(schema["components"]["schemas"])
    assert {"PublicAnswer", "ChatCompletion", "Citation", "Conflict", "DocRecord", "ErrorResponse"} <= names
    ok = schema["paths"]["/v1/ask"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/PublicAnswer"}
    assert "503" in schema["paths"]["/v1/ask"]["post"]["responses"]


def test_search_gives_evidence_without_the_llm(served):
    r = client_for(served).post("/v1/search", json={"question": "Where was the wreckage found?"})
    assert r.status_code == 200, r.text
    assert [e["text"] for e in r.json()["evidence"]] == [e.text for e in served.answer.evidence]
    assert served.pipeline.asked == [], "search must not run the LLM"


def test_conflicts_are_scanned_once_per_store_version(served, monkeypatch):
    import rag.conflicts

    calls = []

    def fake_scan(settings, store=None, embedder=None, nli=None):
        calls.append(store)
        return [served.conflict]

    monkeypatch.setattr(rag.conflicts, "scan_store", fake_scan)
    c = client_for(served)
    assert c.get("/v1/conflicts").json()[0]["kind"] == "quantity"
    assert c.get("/v1/conflicts?min_score=0.95").json() == []
    assert len(calls) == 1, "an unchanged store is not scanned again"
    assert calls[0] is served.store
    assert c.get("/v1/conflicts?min_score=2").status_code == 400


def test_conflicts_on_an_empty_store_say_what_to_do(served):
    served.store.delete_document(served.doc.doc_id)
    r = client_for(served).get("/v1/conflicts")
    assert r.status_code == 400
    assert "ingest articles first" in r.json()["error"]["message"]


def test_ingest_uploads_a_file_and_rejects_a_bad_one(served):
    files = [("files", ("new-story.txt", b"Storm hits the coast\n\nThe storm reached the coast on Monday. "
                                         b"Officials said 300 homes lost power.", "text/plain")),
             ("files", ("evil.exe", b"MZ...", "application/octet-stream"))]
    r = client_for(served).post("/v1/ingest", files=files)
    assert r.status_code == 200, r.text
    by_name = {f["file"]: f for f in r.json()["files"]}
    assert by_name["new-story.txt"]["status"] == "added" and by_name["new-story.txt"]["chunks"] >= 1
    assert by_name["evil.exe"]["status"] == "skipped" and "not accepted" in by_name["evil.exe"]["reason"]
    assert len(served.store.list_documents()) == 2
    assert (served.settings.store_path / "uploads" / "new-story.txt").is_file()


def test_bad_requests_get_400_with_a_message_that_does_not_echo_the_question(served):
    c = client_for(served)
    huge = "x" * 5000
    r = c.post("/v1/ask", json={"question": huge})
    assert r.status_code == 400
    assert r.json()["error"]["message"] == "The question is 5000 characters long; the limit is 2000."
    assert huge not in r.text
    r = c.post("/v1/ask", json={"question": "   "})
    assert r.status_code == 400 and r.json()["error"]["message"] == "The question is empty."
    r = c.post("/v1/ask", json={"q": huge})
    assert r.status_code == 400 and r.json()["error"]["message"].startswith("Invalid request: question:")
    assert huge not in r.text, "validation errors must not echo the input"
    r = c.post("/v1/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["type"] == "invalid_request_error"
    r = c.post("/v1/chat/completions", json={"messages": [{"role": "system", "content": "hi"}]})
    assert r.status_code == 400 and "no user message" in r.json()["error"]["message"]
    assert served.pipeline.asked == []


def test_a_body_over_the_limit_gets_413(served):
    c = client_for(served)
    big = {"question": "q", "id": "x" * (300 * 1024)}
    r = c.post("/v1/ask", json=big)
    assert r.status_code == 413
    assert r.json()["error"] == {"message": "The request body is larger than the 256 KB this endpoint accepts.",
                                 "type": "too_large", "code": 413}


def test_bearer_token_is_required_when_set(served):
    auth = ApiAuth(token="s3cret")
    c = client_for(served, auth, host="203.0.113.9")
    r = c.get("/v1/docs")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert "Bearer" in r.json()["error"]["message"]
    assert c.get("/v1/docs", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert c.get("/v1/docs", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    # even from this machine, once a token is set
    assert client_for(served, auth).get("/v1/models").status_code == 401


def test_the_web_login_works_as_basic_auth(served):
    auth = ApiAuth(logins=[("ana", "pw")])
    c = client_for(served, auth, host="203.0.113.9")
    good = base64.b64encode(b"ana:pw").decode()
    bad = base64.b64encode(b"ana:nope").decode()
    assert c.get("/v1/models", headers={"Authorization": f"Basic {good}"}).status_code == 200
    assert c.get("/v1/models", headers={"Authorization": f"Basic {bad}"}).status_code == 401
    assert c.get("/v1/models", headers={"Authorization": "Basic %%%"}).status_code == 401


def test_without_credentials_only_this_machine_may_call(served):
    assert client_for(served, ApiAuth(), host="127.0.0.1").get("/v1/models").status_code == 200
    r = client_for(served, ApiAuth(), host="203.0.113.9").get("/v1/models")
    assert r.status_code == 401 and "RAG_API_TOKEN" in r.json()["error"]["message"]
    assert client_for(served, ApiAuth(allow_remote=True), host="203.0.113.9").get("/v1/models").status_code == 200


def test_auth_from_env_reads_the_token():
    assert ApiAuth.from_env(environ={"RAG_API_TOKEN": " t "}).token == "t"
    assert not ApiAuth.from_env(environ={}).required


def test_a_full_line_answers_503_with_retry_after_and_one_client_429(served):
    line = served.service.line
    line.max_waiting = 1
    holder = line.join()  # a question being answered
    waiting = line.join()  # one waiting: the line is full
    r = client_for(served).post("/v1/ask", json={"question": "Where?"})
    assert r.status_code == 503, r.text
    assert int(r.headers["retry-after"]) >= 5
    assert r.json()["error"]["type"] == "busy" and "Please ask again" in r.json()["error"]["message"]
    line.leave(waiting)
    line.max_waiting = 10
    line.max_per_client = 1
    remote = client_for(served, ApiAuth(allow_remote=True), host="203.0.113.9")
    line.join("203.0.113.9")
    r = remote.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": "Where?"}]})
    assert r.status_code == 429 and "retry-after" in r.headers
    line.leave(holder)


def test_model_errors_are_503_and_surprises_500_without_details(served):
    served.pipeline.error = ModelError("The LLM server at http://x did not answer; is it running?")
    r = client_for(served).post("/v1/ask", json={"question": "Where?"})
    assert r.status_code == 503 and "is it running" in r.json()["error"]["message"]
    served.pipeline.error = KeyError("secret-internal")
    app = build_api_app(served.service)
    for route in app.routes:
        if hasattr(route, "raise_errors"):
            type(route).raise_errors = False
    r = TestClient(app).post("/v1/ask", json={"question": "Where?"})
    assert r.status_code == 500 and r.json()["error"]["message"].startswith("Unexpected error (KeyError)")
    assert served.service.line.status()["running"] == 0, "a failed answer gives its slot back"


def test_concurrent_api_questions_run_one_at_a_time_and_all_get_answers(served):
    served.pipeline.delay = 0.05
    c = client_for(served)
    results: list[int] = []

    def ask(i):
        results.append(c.post("/v1/ask", json={"question": f"Question {i}?"}).status_code)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(6)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert results == [200] * 6
    assert served.pipeline.most == 1, "one slot: answers never overlap"
    assert time.perf_counter() - t0 >= 0.3


def test_helpers():
    assert question_of([ChatMessage(role="user", content="a"), ChatMessage(role="assistant", content="b")]) == "a"
    text = "one two three four five six seven eight [1]."
    assert "".join(pieces(text, 3)) == text
    assert pieces("", 3) == [""]


def test_ask_as_of_a_day_reaches_the_pipeline_and_a_bad_day_is_named(served):
    import datetime

    c = client_for(served)
    r = c.post("/v1/ask", json={"question": "What happened this week?", "as_of": "2023-01-05"})
    assert r.status_code == 200, r.text
    assert served.pipeline.days == [datetime.date(2023, 1, 5)]
    r = c.post("/v1/ask", json={"question": "What happened this week?", "as_of": "soon"})
    assert r.status_code == 400 and r.json()["error"]["message"].startswith("Invalid request: as_of:")
    assert served.pipeline.days == [datetime.date(2023, 1, 5)], "a bad day is refused before the pipeline"
