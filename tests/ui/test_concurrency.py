"""Ten people asking at once: every question gets an answer from the one shared pipeline."""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.ui._server import start_app

pytestmark = pytest.mark.integration

# Four corpus questions asked twice each (the LLM answers one at a time, and a repeated prompt is
# served from llama.cpp's prompt cache) plus two the corpus cannot answer (abstained before the LLM).
QUESTIONS = [
    "Where was the wreckage found according to Mali?",
    "Who is Mali's Security Minister?",
    "What registration number did the downed Malian drone carry?",
    "How far into Algerian airspace did the drone go according to Algeria?",
] * 2 + ["Who won the 2022 FIFA World Cup final?", "What is the boiling point of mercury?"]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    # Short answers and small prompts keep ten questions on 2 shared cores within about two minutes.
    url, demo = start_app(tmp_path_factory.mktemp("ui-load"),
                          {"llm.max_tokens": 16, "retrieval.evidence_sentences": 4, "conflicts.enabled": False},
                          concurrency=4)
    yield url
    demo.close()


def test_ten_simultaneous_questions_all_get_answers(app_url):
    from gradio_client import Client

    # One client (one browser session) per person: a session keeps its own transcript, so a shared
    # client would put every question's turn into every transcript.
    t0 = time.perf_counter()
    clients = [Client(app_url, verbose=False) for _ in QUESTIONS]
    jobs = [client.submit(q, api_name="/ask") for client, q in zip(clients, QUESTIONS)]
    with ThreadPoolExecutor(len(jobs)) as pool:
        results = list(pool.map(lambda j: j.result(timeout=300), jobs))
    elapsed = time.perf_counter() - t0
    assert len(results) == len(QUESTIONS)
    for q, result in zip(QUESTIONS, results):
        html = result[0] if isinstance(result, (list, tuple)) else result
        assert html.count('class="cr-turn"') == 1, f"another session's turn leaked into {q!r}"
        assert 'class="cr-answer' in html, f"no answer for {q!r}: {html[:300]}"
        assert "cr-notice-error" not in html, f"error for {q!r}: {html[:500]}"
        assert "cr-draft" not in html, f"the final output for {q!r} is still a draft"
    modes = [re.findall(r"cr-mode-([a-z]+)", r[0] if isinstance(r, (list, tuple)) else r)[0] for r in results]
    assert modes[-2:] == ["abstained", "abstained"], modes
    assert sum(m != "abstained" for m in modes[:8]) >= 6, f"corpus questions should be answered: {modes}"
    print(f"10 concurrent questions answered in {elapsed:.0f}s")
