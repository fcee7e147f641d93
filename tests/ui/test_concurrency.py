"""Ten people asking at once: every question gets an answer from the one shared pipeline."""

from __future__ import annotations

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

    client = Client(app_url, verbose=False)
    t0 = time.perf_counter()
    jobs = [client.submit(q, api_name="/ask") for q in QUESTIONS]
    with ThreadPoolExecutor(len(jobs)) as pool:
        results = list(pool.map(lambda j: j.result(timeout=300), jobs))
    elapsed = time.perf_counter() - t0
    assert len(results) == len(QUESTIONS)
    for q, result in zip(QUESTIONS, results):
        html = result[0] if isinstance(result, (list, tuple)) else result
        assert 'class="cr-answer' in html, f"no answer for {q!r}: {html[:300]}"
        assert "cr-notice-error" not in html, f"error for {q!r}: {html[:500]}"
        assert "cr-draft" not in html, f"the final output for {q!r} is still a draft"
    answered = [r for r in results if "cr-mode-abstained" not in (r[0] if isinstance(r, (list, tuple)) else r)]
    assert len(answered) >= 6, "Test assumes the corpus questions are answered, not abstained"
    print(f"10 concurrent questions answered in {elapsed:.0f}s")
