"""The CLI with CliRunner: exit codes, exact error text, JSON output. Models are faked."""

import json

import pytest
from click.testing import CliRunner

from prompts import CANNOT_ANSWER_PHRASE
from rag.cli import main
from tests.conftest import CORPUS, HashEmbedder, make_scripted_llm

pytestmark = pytest.mark.unit


@pytest.fixture
def cli(tmp_path, monkeypatch):
    emb = HashEmbedder()
    llm = make_scripted_llm()
    monkeypatch.setattr("ingest.pipeline.get_embedder", lambda s: emb)
    monkeypatch.setattr("rag.pipeline.get_embedder", lambda s: emb)
    monkeypatch.setattr("rag.llm.get_llm", lambda s: llm)
    store = str(tmp_path / "store")
    runner = CliRunner()

    def run(*args, input=None):
        return runner.invoke(main, ["--store", store, "-o", "conflicts.enabled=false", *args], input=input)

    return run, llm


def test_help_lists_commands_with_examples():
    r = CliRunner().invoke(main, ["--help"])
    assert r.exit_code == 0
    for cmd in ("ingest", "ask", "docs", "remove"):
        assert cmd in r.output


def test_ask_without_question_is_a_clear_error(cli):
    run, _ = cli
    r = run("ask")
    assert r.exit_code == 1
    assert 'Error: No question given. Example: rag ask "Who brought the drone down?"' in r.output


def test_invalid_override_names_field_and_message(cli):
    run, _ = cli
    r = run("-o", "retrieval.top_k=0", "docs")
    assert r.exit_code == 1
    assert "retrieval.top_k: Input should be greater than or equal to 1" in r.output


def test_override_without_equals_sign(cli):
    run, _ = cli
    r = run("-o", "retrieval.top_k", "docs")
    assert r.exit_code == 2 and "-o expects key=value" in r.output


def test_ingest_docs_and_remove(cli):
    run, _ = cli
    r = run("ingest", str(CORPUS))
    assert r.exit_code == 0, r.output
    assert "5 added, 0 updated, 0 unchanged, 0 duplicate, 0 skipped" in r.output
    docs = json.loads(run("docs", "--json").output)
    assert len(docs) == 5 and all(d["n_chunks"] > 0 for d in docs)
    r = run("remove", docs[0]["doc_id"])
    assert r.exit_code == 0 and "removed 1 document(s)" in r.output
    r = run("remove", "nope")
    assert r.exit_code == 1 and "Not in the store: nope" in r.output


def test_empty_store_message(cli):
    run, llm = cli
    r = run("ask", "Who shot down the drone?")
    assert r.exit_code == 1
    assert "The store is empty: ingest articles first, e.g. `rag ingest corpus/`." in r.output


def test_ask_json_and_batch(cli, tmp_path):
    run, llm = cli
    run("ingest", str(CORPUS))
    llm.enqueue(CANNOT_ANSWER_PHRASE)
    r = run("ask", "--json", "What colour was the drone according to Mali?")
    assert r.exit_code == 0, r.output
    obj = json.loads(r.output)
    assert obj["abstained"] is True and obj["citations"] == []
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "question": "What colour was the drone according to Mali?"}\nnot json\n'
                     '{"id": 7, "question": "What colour was the drone according to Algeria?"}\n')
    llm.enqueue(CANNOT_ANSWER_PHRASE)
    llm.enqueue(CANNOT_ANSWER_PHRASE)
    r = run("ask", "--batch", str(batch))
    lines = [json.loads(x) for x in r.output.strip().splitlines()]
    assert [x.get("id") for x in lines] == ["a", None, "7"]
    assert "bad line" in lines[1]["error"]


def test_ask_by_source_lists_each_articles_own_answer_without_the_llm(cli):
    run, llm = cli
    run("ingest", str(CORPUS))
    typed_only = ("-o", "conflicts.answers=true")  # no QA model in unit tests: the typed answers still list
    r = run(*typed_only, "ask", "--by-source", "How far inside Algerian airspace was the drone, in kilometres?")
    assert r.exit_code == 0, r.output
    assert "Question:" in r.output and "answer: " in r.output
    r = run(*typed_only, "ask", "--by-source", "--json", "How far inside Algerian airspace was the drone, in kilometres?")
    obj = json.loads(r.output)
    assert obj["sources"] and all({"doc_id", "answer", "disagrees", "camp"} <= set(s) for s in obj["sources"])
    assert llm.history == [], "--by-source never calls the LLM"


def test_ask_as_of_a_day_names_a_bad_date_and_a_batch_line_keeps_going(cli, tmp_path):
    run, llm = cli
    r = run("ask", "--as-of", "yesterday", "Who brought the drone down?")
    assert r.exit_code == 1
    assert "--as-of: 'yesterday' is not a date; give it as YYYY-MM-DD" in r.output
    run("ingest", str(CORPUS))
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "a", "question": "What colour was the drone according to Mali?", "as_of": "01/04/2025"}\n'
                     '{"id": "b", "question": "What colour was the drone according to Algeria?", "as_of": "2025-04-05"}\n')
    llm.enqueue(CANNOT_ANSWER_PHRASE)
    lines = [json.loads(x) for x in run("ask", "--batch", str(batch)).output.strip().splitlines()]
    assert f"{batch}:1: as_of: '01/04/2025' is not a date" in lines[0]["error"]
    assert lines[1]["id"] == "b" and "error" not in lines[1]
