"""run_eval end to end with fakes: fresh store in the run folder, resume, refusal of foreign runs, rescore."""

import json

import pytest

from eval.runner import RESULTS, append_result, load_results, rescore, run_eval
from eval.schema import EvalQuestion, ResultRecord
from rag.errors import ConfigError, EmptyStoreError
from rag.settings import get_settings
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit

REPLY = "Mali says the wreckage was found 9.5km inside its own borders [1]."
QUESTIONS = [
    {"id": "w", "question": "Where was the wreckage found according to Mali?", "answers": ["9.5km"],
     "gold_docs": ["001_4455a967edf0368c"], "tags": ["single"]},
    {"id": "c", "question": "How far inside Algeria did the drone go, according to Algeria?", "answers": ["2km"],
     "gold_docs": ["000_07cab8f2bad1be49"], "conflict": True,
     "conflict_docs": [["000_07cab8f2bad1be49"], ["001_4455a967edf0368c"]], "tags": ["conflict"]},
    {"id": "u", "question": "What is a good recipe for banana bread?", "unanswerable": True, "tags": ["offtopic"]},
]


@pytest.fixture
def qset(tmp_path):
    p = tmp_path / "set.jsonl"
    p.write_text("".join(json.dumps(q) + "\n" for q in QUESTIONS))
    return p


@pytest.fixture
def settings(tmp_path):
    return get_settings(overrides={"store.path": str(tmp_path / "user_store"), "conflicts.enabled": "false"})


def _fill(llm, n=12):
    for _ in range(n):
        llm.enqueue(REPLY)


def test_run_writes_results_report_and_never_touches_the_user_store(tmp_path, qset, settings, fake_embedder, scripted_llm):
    _fill(scripted_llm)
    seen = []
    out = tmp_path / "run"
    run = run_eval(qset, settings, out, corpus=CORPUS, baseline=True, progress=lambda d, t: seen.append((d, t)),
                   embedder=fake_embedder, llm=scripted_llm)
    assert not (tmp_path / "user_store").exists(), "the user's store must stay untouched"
    assert (out / "store").is_dir()
    assert seen[0] == (0, 6) and seen[-1] == (6, 6)
    recs = load_results(out)
    assert sorted(recs) == sorted((s, q["id"]) for q in QUESTIONS for s in ("ours", "baseline"))
    w = recs[("ours", "w")]
    assert w.answer["question"] == QUESTIONS[0]["question"] and "evidence" in w.answer and "timings" in w.answer
    assert w.judge.startswith("support")
    assert run.n_questions == 3 and run.systems == ["ours", "baseline"] and run.errors == 0
    assert set(run.metrics) == {"ours", "baseline"} and "answer_correctness" in run.ratios
    assert run.config_hash == settings.config_hash()
    for name in ("report.md", "report.html", "metrics.json", "run.json"):
        assert (out / name).is_file(), name
    info = json.loads((out / "run.json").read_text())
    assert info["questions"] == ["w", "c", "u"] and info["corpus"] == str(CORPUS)
    assert info["versions"]["python"] and info["settings"]["conflicts"]["enabled"] is False


def test_rerun_skips_done_questions_and_retries_errors(tmp_path, qset, settings, fake_embedder, scripted_llm):
    _fill(scripted_llm)
    out = tmp_path / "run"
    run_eval(qset, settings, out, corpus=CORPUS, limit=2, embedder=fake_embedder, llm=scripted_llm)
    assert len(load_results(out)) == 2
    calls = len(scripted_llm.history)
    run_eval(qset, settings, out, corpus=CORPUS, limit=2, embedder=fake_embedder, llm=scripted_llm)
    assert len(scripted_llm.history) == calls, "a resumed run must not ask done questions again"
    lines = (out / RESULTS).read_text().splitlines()
    assert len(lines) == 2

    # An errored answer is asked again; a torn last line is ignored.
    q = EvalQuestion.model_validate(QUESTIONS[0])
    append_result(out, ResultRecord(id="w", system="ours", question=q, error="ModelError: boom"))
    with (out / RESULTS).open("a") as fh:
        fh.write('{"id": "c", "sys')
    assert load_results(out)[("ours", "w")].error
    run = run_eval(qset, settings, out, corpus=CORPUS, embedder=fake_embedder, llm=scripted_llm)
    recs = load_results(out)
    assert recs[("ours", "w")].error is None and ("ours", "u") in recs
    assert run.n_questions == 3


def test_a_folder_from_other_settings_is_refused(tmp_path, qset, settings, fake_embedder, scripted_llm):
    _fill(scripted_llm)
    out = tmp_path / "run"
    run_eval(qset, settings, out, corpus=CORPUS, limit=1, embedder=fake_embedder, llm=scripted_llm)
    other = get_settings(settings, {"retrieval.top_k": "3"})
    with pytest.raises(ConfigError, match="holds a run made with settings .* use another --out"):
        run_eval(qset, other, out, corpus=CORPUS, limit=1, embedder=fake_embedder, llm=scripted_llm)


def test_conflict_detection_without_its_module_names_the_fix(tmp_path, qset, fake_embedder, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "rag.conflicts" else real(name, *a))
    s = get_settings(overrides={"store.path": str(tmp_path / "s"), "conflicts.enabled": "true"})
    with pytest.raises(ConfigError, match="run with -o conflicts.enabled=false"):
        run_eval(qset, s, tmp_path / "run", corpus=CORPUS, embedder=fake_embedder)


def test_without_corpus_the_configured_store_must_hold_documents(tmp_path, qset, settings, fake_embedder):
    with pytest.raises(EmptyStoreError, match="give --corpus DIR or run 'rag ingest' first"):
        run_eval(qset, settings, tmp_path / "run", embedder=fake_embedder)


def test_rescore_applies_corrected_gold_data(tmp_path, qset, settings, fake_embedder, scripted_llm):
    _fill(scripted_llm)
    out = tmp_path / "run"
    run_eval(qset, settings, out, corpus=CORPUS, limit=1, embedder=fake_embedder, llm=scripted_llm)
    before = load_results(out)[("ours", "w")]
    fixed = [dict(QUESTIONS[0], answers=["a string no answer holds"]), *QUESTIONS[1:]]
    qset.write_text("".join(json.dumps(q) + "\n" for q in fixed))
    run = rescore(out, settings, embedder=fake_embedder)
    after = load_results(out)[("ours", "w")]
    assert after.answer == before.answer
    assert after.question.answers == ["a string no answer holds"] and after.scores.correct is False
    assert run.metrics["ours"]["answer_correctness"] == 0.0


def test_gold_ids_of_duplicate_files_map_to_the_stored_copy(tmp_path, settings, fake_embedder, scripted_llm):
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    shutil.copy(corpus / "001_4455a967edf0368c.txt", corpus / "005_dup.txt")
    qset = tmp_path / "dup.jsonl"
    qset.write_text(json.dumps(dict(QUESTIONS[0], gold_docs=["005_dup"])) + "\n")
    _fill(scripted_llm)
    out = tmp_path / "run"
    run_eval(qset, settings, out, corpus=corpus, embedder=fake_embedder, llm=scripted_llm)
    assert json.loads((out / "run.json").read_text())["doc_aliases"] == {"005_dup": "001_4455a967edf0368c"}
    assert load_results(out)[("ours", "w")].question.gold_docs == ["001_4455a967edf0368c"]


def test_each_question_is_asked_as_of_its_own_day(tmp_path, settings, fake_embedder, scripted_llm, monkeypatch):
    import datetime

    from rag.pipeline import Pipeline

    p = tmp_path / "dated.jsonl"
    p.write_text(json.dumps({**QUESTIONS[0], "note": "RealTimeQA 2023/01/05 CNN news quiz"}) + "\n"
                 + json.dumps(QUESTIONS[2]) + "\n")
    seen = {}
    real = Pipeline.ask

    def ask(self, question, id=None, on_token=None, as_of=None):
        seen[id] = as_of
        return real(self, question, id=id, on_token=on_token, as_of=as_of)

    monkeypatch.setattr(Pipeline, "ask", ask)
    _fill(scripted_llm)
    run_eval(p, settings, tmp_path / "run", corpus=CORPUS, baseline=False, embedder=fake_embedder, llm=scripted_llm)
    assert seen == {"w": datetime.date(2023, 1, 5), "u": None}
