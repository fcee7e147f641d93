"""``rag eval`` with CliRunner; models are faked."""

import json

import pytest
from click.testing import CliRunner

import rag.cli.eval_cmd  # noqa: F401  (registers the eval group until rag/cli/__init__.py imports it)
from rag.cli import main
from tests.conftest import CORPUS, HashEmbedder, make_scripted_llm

pytestmark = pytest.mark.unit

SET = [
    {"id": "w", "question": "Where was the wreckage found according to Mali?", "answers": ["9.5km"],
     "gold_docs": ["001_4455a967edf0368c"]},
    {"id": "u", "question": "What is a good recipe for banana bread?", "unanswerable": True},
]


@pytest.fixture
def cli(tmp_path, monkeypatch):
    emb = HashEmbedder()
    llm = make_scripted_llm()
    for _ in range(10):
        llm.enqueue("Mali says the wreckage was found 9.5km inside its own borders [1].")
    monkeypatch.setattr("rag.embed.get_embedder", lambda s: emb)
    monkeypatch.setattr("rag.llm.get_llm", lambda s: llm)
    qset = tmp_path / "set.jsonl"
    qset.write_text("".join(json.dumps(q) + "\n" for q in SET))

    def run(*args):
        return CliRunner().invoke(main, ["--store", str(tmp_path / "user_store"), *args])

    return run, qset


def test_help_shows_subcommands_and_examples():
    r = CliRunner().invoke(main, ["eval", "--help"])
    assert r.exit_code == 0 and "run" in r.output and "compare" in r.output and "Example:" in r.output
    r = CliRunner().invoke(main, ["eval", "run", "--help"])
    assert r.exit_code == 0 and "--sample" in r.output and "--baseline / --no-baseline" in r.output


def test_run_prints_metrics_and_writes_report(cli, tmp_path):
    run, qset = cli
    out = tmp_path / "run"
    r = run("-o", "conflicts.enabled=false", "eval", "run", str(qset), "--corpus", str(CORPUS), "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "Answer correctness" in r.output and "report:" in r.output
    assert "baseline" not in r.output.split("\n")[0], "baseline is off by default for a custom set"
    assert (out / "report.html").is_file()
    r = run("-o", "conflicts.enabled=false", "eval", "run", str(qset), "--corpus", str(CORPUS), "--out", str(out), "--json")
    assert r.exit_code == 0, r.output
    assert "Resuming: 2 of 2 answers already in" in r.output
    summary = json.loads(r.output[r.output.index("{"):])
    assert summary["n_questions"] == 2 and summary["systems"] == ["ours"]

    r = run("eval", "compare", str(out), str(out))
    assert r.exit_code == 0 and "Answer correctness" in r.output and "Better in B (0):" in r.output
    r = run("eval", "report", str(out))
    assert r.exit_code == 0 and "report:" in r.output


def test_run_errors_are_one_line_messages(cli, tmp_path):
    run, qset = cli
    r = run("eval", "run", str(tmp_path / "nope.jsonl"))
    assert r.exit_code == 1 and "Error: No eval set at" in r.output
    r = run("eval", "run", str(qset), "--corpus", str(CORPUS), "--out", str(tmp_path / "r"), "--sample", "0")
    assert r.exit_code == 1 and "Error: --sample must be at least 1. Currently, sample is 0" in r.output
