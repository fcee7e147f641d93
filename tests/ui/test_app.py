"""The web app builds, and its handlers work when called directly with a fake pipeline and a real store."""

import datetime
import os
import re
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import pytest

from rag.errors import EmptyStoreError, ModelError
from tests.conftest import cited_article
from ui import app as A
from ui import handlers as H
from ui import render as R

pytestmark = pytest.mark.unit

EVIL = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">"
ARTICLE = (
    "Drone downed near the border\n\n"
    "Algeria said its air defences shot down the drone after it entered 2km into its airspace. "
    "Mali said the wreckage was found 9.5km inside Malian territory. " + EVIL + " The ministry gave no more detail."
)


def no_progress(*args, **kwargs):
    pass


class FakePipeline:
    """What the app needs from a Pipeline: settings, store, embedder, ask(on_token=...), gather(), prepare(), by_source()."""

    def __init__(self, settings, store, embedder, answer=None, tokens=("Draft ", "text."), error=None):
        self.settings, self.store, self.embedder = settings, store, embedder
        self.answer, self.tokens, self.error = answer, tokens, error
        self.asked: list[str] = []
        self.prepared: list[str] = []
        self.days: list = []  # each ask's and each prepare's as_of, in order
        self.llm = self.nli = None

    def ask(self, question, id=None, on_token=None, as_of=None):
        self.asked.append(question)
        self.days.append(as_of)
        for t in self.tokens:
            if on_token:
                on_token(t)
        if self.error:
            raise self.error
        return self.answer.model_copy(update={"question": question})

    def gather(self, question):
        return [], SimpleNamespace(items=self.answer.evidence if self.answer else [], relevance=1.0)

    def prepare(self, question):
        self.prepared.append(getattr(question, "text", question))
        self.days.append(getattr(question, "as_of", None))
        return SimpleNamespace(evidence=self.gather(question)[1], answers=[])

    def by_source(self, question, prepared=None):
        """One view per evidence document; the second one disagrees (enough to check the Compare column)."""
        from rag.types import SourceView

        views, seen = [], set()
        for e in (self.answer.evidence if self.answer else []):
            if e.doc_id in seen:
                continue
            seen.add(e.doc_id)
            views.append(SourceView(doc_id=e.doc_id, source=e.source, title=e.title, answer=e.text.split()[0],
                                    quote=e, answer_start=e.start, answer_end=e.end, camp=len(views),
                                    disagrees=bool(views)))
        return views


@pytest.fixture
def env(tmp_path, fake_embedder):
    art = cited_article(tmp_path, fake_embedder, ARTICLE)
    settings, store, doc, answer = art.settings, art.store, art.doc, art.answer
    pipeline = FakePipeline(settings, store, fake_embedder, answer)
    ui = A.CorroborateUI(settings, pipeline, bench_dirs=[])
    return SimpleNamespace(settings=settings, store=store, doc=doc, pipeline=pipeline, ui=ui, answer=answer,
                           tmp=tmp_path, embedder=fake_embedder)


def test_build_app_returns_blocks_with_queue_and_named_api(env):
    demo = A.build_app(env.settings, env.pipeline, concurrency=3, bench_dirs=[])
    assert isinstance(demo, gr.Blocks)
    assert isinstance(demo.corroborate, A.CorroborateUI)
    names = {d.api_name for d in demo.fns.values()}
    assert {"ask", "compare", "scan"} <= names
    with pytest.raises(ValueError, match="concurrency must be greater than 0"):
        A.build_app(env.settings, env.pipeline, concurrency=0)


def test_ask_streams_a_marked_draft_then_the_verified_answer(env):
    outputs = list(env.ui.ask("  Where was the wreckage found?  ", [], {}))
    first_html, box, turns = outputs[0]
    assert box == "" and len(turns) == 1
    assert R.DRAFT_BADGE in first_html, "the draft is shown as unverified while it streams"
    final_html, _, turns = outputs[-1]
    assert env.pipeline.asked == ["Where was the wreckage found?"]
    assert turns[0].answer is not None and turns[0].draft == "Draft text."
    assert R.DRAFT_BADGE not in final_html, "the verified answer replaces the draft"
    assert 'class="cr-cite"' in final_html and R.DISAGREE_FLAG in final_html
    assert "Algeria says:" in final_html and "Mali says:" in final_html


def test_ask_empty_question_warns_and_adds_nothing(env):
    with pytest.warns(UserWarning, match="Type a question"):
        (html, box, turns), = list(env.ui.ask("   ", [], {}))
    assert turns == [] and env.pipeline.asked == []


@pytest.mark.parametrize(
    "error,expected",
    [
        (EmptyStoreError("The store is empty"), A.EMPTY_STORE_MESSAGE),
        (ModelError("Cannot reach the LLM server at http://x (refused)."), "Cannot reach the LLM server"),
        (RuntimeError("boom"), "Unexpected error (RuntimeError): boom"),
    ],
)
def test_ask_errors_are_shown_inline_without_traceback(env, monkeypatch, error, expected):
    monkeypatch.delenv("RAG_RAISE_ERRORS", raising=False)
    env.pipeline.error = error
    with pytest.warns(UserWarning):
        *_, (html, _, turns) = list(env.ui.ask("Who?", [], {}))
    assert turns[0].error and expected in turns[0].error
    assert R.esc(expected) in html and "Traceback" not in html
    assert "Unverified draft" in html, "the partial draft stays visible, marked unverified"


def test_viewer_highlights_the_cited_span_and_escapes_article_html(env):
    c = env.answer.citations[0]
    html = env.ui.on_ref(gr.EventData(None, {"doc_id": c.doc_id, "start": c.start, "end": c.end}))
    assert f'<mark class="cr-hl cr-hl-target" tabindex="-1">{R.esc(c.text)}</mark>' in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html and "<script" not in html
    assert R.esc(env.doc.meta.title) in html and R.esc(R.display_source(env.doc.source)) in html
    assert "no longer in the store" in env.ui.view("nope", 0, 3)
    assert "<mark" not in env.ui.view(c.doc_id, 0, 0), "an empty span opens the article without a highlight"
    assert env.ui.on_ref(gr.EventData(None, {})) == R.render_viewer_placeholder()


def test_compare_reuses_the_chat_answer_or_runs_retrieval_only(env):
    *_, (_, _, turns) = list(env.ui.ask("Where was the wreckage found?", [], {}))
    env.pipeline.asked.clear()
    html = env.ui.compare("where was the wreckage found?", turns, {})
    assert env.pipeline.asked == [], "compare must not ask the LLM again"
    assert 'class="cr-col"' in html and "cited [1]" in html
    assert html.count('class="cr-own-answer') == html.count('class="cr-col"'), "each column shows its own answer"
    if html.count('class="cr-col"') > 1:
        assert "≠ disagrees" in html, "an answer that differs from the leading one is marked"
    env.pipeline.prepared.clear()
    html = env.ui.compare("Another question", turns, {})
    assert 'class="cr-col"' in html and "cited [" not in html
    assert env.pipeline.prepared == ["Another question"], "one retrieval per compare"
    assert "Type a question" in env.ui.compare("", [], {})


# -- the "As of" day a question is asked on (rag ask --as-of, AskRequest.as_of) ---------------------------


def test_ask_passes_the_as_of_day_to_the_pipeline_and_shows_it(env):
    *_, (html, box, turns) = list(env.ui.ask("What happened this week?", [], {}, " 2023-01-05 "))
    assert env.pipeline.days == [datetime.date(2023, 1, 5)], "the parsed day reaches Pipeline.ask(as_of=)"
    assert turns[0].answer is not None and turns[0].as_of == datetime.date(2023, 1, 5)
    assert "as of 2023-01-05" in html, "the answer depends on the day, so the question says which"


@pytest.mark.parametrize("as_of", ["", "   ", None])
def test_ask_with_an_empty_as_of_asks_as_of_today(env, as_of):
    *_, (html, _, turns) = list(env.ui.ask("Where was the wreckage found?", [], {}, as_of))
    assert env.pipeline.days == [None] and turns[0].answer is not None
    assert "as of" not in html


def test_ask_with_a_bad_as_of_names_the_field_and_asks_nothing(env):
    *_, (_, _, before) = list(env.ui.ask("Where was the wreckage found?", [], {}))
    env.pipeline.asked.clear()
    message = "As of: '2023-13-01' is not a date; give it as YYYY-MM-DD"
    with pytest.warns(UserWarning, match=re.escape(R.esc(message))):  # toasts are HTML, so the text is escaped
        (html, box, turns), = list(env.ui.ask("What happened this week?", before, {}, "2023-13-01"))
    assert env.pipeline.asked == [], "no answer is produced for a bad day"
    assert box == "What happened this week?", "the question stays in its box"
    assert turns == before and len(turns) == 1, "the conversation is kept and no turn is added"
    assert R.esc(message) in html and "cr-notice-error" in html, "the message stays on the page, not only in a toast"
    assert env.ui.line.status()["waiting"] == 0, "the question never joined the line"


def test_compare_asks_as_of_the_day_given_or_the_chat_questions_day(env):
    *_, (_, _, turns) = list(env.ui.ask("Where was the wreckage found?", [], {}, "2023-01-05"))
    env.pipeline.prepared.clear()
    env.pipeline.days.clear()
    html = env.ui.compare("", turns, {})
    assert env.pipeline.days == [datetime.date(2023, 1, 5)], "an empty question is the chat's last, on its day"
    assert "cited [1]" in html and "as of 2023-01-05" in html, "the chat's answer for that day is reused"
    env.pipeline.days.clear()
    html = env.ui.compare("Where was the wreckage found?", turns, {}, "2023-02-01")
    assert env.pipeline.days == [datetime.date(2023, 2, 1)] and "as of 2023-02-01" in html
    assert "cited [" not in html, "an answer for another day is not reused"
    env.pipeline.days.clear()
    env.ui.compare("Another question", turns, {}, "")
    assert env.pipeline.days == [None]
    env.pipeline.prepared.clear()
    with pytest.warns(UserWarning, match=re.escape(R.esc("As of: 'soon' is not a date"))):
        html = env.ui.compare("Another question", turns, {}, "soon")
    assert env.pipeline.prepared == [] and "cr-notice-error" in html


def test_the_ask_and_compare_tabs_have_an_as_of_box_the_api_may_leave_out(env):
    demo = A.build_app(env.settings, env.pipeline, bench_dirs=[])
    boxes = {b.elem_id: b for b in demo.blocks.values() if isinstance(b, gr.Textbox)}
    for elem_id in ("cr-as-of", "cr-compare-as-of"):
        assert boxes[elem_id].label == "As of" and boxes[elem_id].placeholder == "YYYY-MM-DD (default: today)"
    api = demo.get_api_info()["named_endpoints"]
    for name in ("/ask", "/compare"):
        question, as_of = api[name]["parameters"]
        assert not question["parameter_has_default"], name
        assert as_of["parameter_name"] == "as_of" and as_of["parameter_has_default"], \
            f"{name}: a client that sends only the question asks as of today"


def test_corpus_lists_articles_with_cleaning_and_escapes_titles(env):
    html, dd = env.ui.corpus()
    assert "1 article(s)" in html and R.esc(env.doc.meta.title) in html
    assert dd["choices"][0][1] == env.doc.doc_id


def _upload(tmp, name, data: bytes):
    d = tmp / "gradio-upload" / str(abs(hash(name)))
    d.mkdir(parents=True)
    p = d / name
    p.write_bytes(data)
    return str(p)


def test_upload_ingests_allowed_files_and_refuses_the_rest(env):
    good = _upload(env.tmp, "new story.txt", b"Fresh report\n\nThe border post reopened on Monday after talks in Algiers.")
    evil = _upload(env.tmp, "evil.txt", ("Evil title\n\n" + EVIL + " The drone story continues here today.").encode())
    exe = _upload(env.tmp, "tool.exe", b"MZ")
    big = _upload(env.tmp, "big.txt", b"x" * 2048)
    link_target = _upload(env.tmp, "target.txt", b"secret")
    link = Path(link_target).parent / "link.txt"
    os.symlink(link_target, link)
    env.ui.settings = env.settings.model_copy(
        update={"ingest": env.settings.ingest.model_copy(update={"max_file_mb": 1024 / (1024 * 1024)})})
    with pytest.warns(UserWarning, match="skipped"):
        html, corpus_html, dd, f1, f2 = env.ui.ingest_uploads([good, evil, exe, big, str(link)], None, no_progress)
    assert f1 is None and f2 is None, "the upload boxes are cleared"
    assert "tool.exe: .exe not accepted" in html
    assert "big.txt is larger than the 0.000977 MB limit" in html or "larger than the" in html
    assert "link.txt: not a regular file" in html
    assert ">added<" in html and "new story.txt" in html
    uploads = env.settings.store_path / "uploads"
    assert sorted(p.name for p in uploads.iterdir()) == ["evil.txt", "new story.txt"]
    assert "Fresh report" in corpus_html and "<script" not in corpus_html
    assert len(dd["choices"]) == 3


def test_upload_names_are_sanitised(env):
    assert A.safe_filename("../../etc/passwd.txt") == "passwd.txt"
    assert A.safe_filename("C:\\\\Users\\\\x\\\\..\\\\a b.md") == "a b.md"
    assert A.safe_filename(".hidden.txt") == "hidden.txt"
    assert A.safe_filename("we<i>rd;name|.html") == "we_i_rd_name_.html"
    for bad in ("..", "/", "", "...", "a/"):
        with pytest.raises(A.UploadRejected):
            A.safe_filename(bad)
    uploads = env.tmp / "up"
    taken: set[str] = set()
    a = A.stage_upload(_upload(env.tmp, "same.txt", b"one"), uploads, env.settings, taken)
    b = A.stage_upload(_upload(env.tmp / "x", "same.txt", b"two"), uploads, env.settings, taken)
    assert (a.name, b.name) == ("same.txt", "same-2.txt") and a.parent == b.parent == uploads
    (uploads / "victim.txt").symlink_to(env.tmp / "outside.txt")
    c = A.stage_upload(_upload(env.tmp / "y", "victim.txt", b"three"), uploads, env.settings, set())
    assert not c.is_symlink() and c.read_bytes() == b"three" and not (env.tmp / "outside.txt").exists()


def test_failed_ingest_is_reported_not_raised(env, monkeypatch):
    import ingest.pipeline

    def broken(*a, **k):
        from rag.errors import StoreError

        raise StoreError("Writing x to the store failed: disk full.")

    monkeypatch.setattr(ingest.pipeline, "ingest_paths", broken)
    good = _upload(env.tmp, "ok.txt", b"Title\n\nA sentence that is long enough to keep.")
    with pytest.warns(UserWarning):
        html, *_ = env.ui.ingest_uploads([good], None, no_progress)
    assert "Ingest failed: Writing x to the store failed: disk full." in html


def test_remove_document_asks_then_deletes_store_entry_and_upload_copy(env):
    good = _upload(env.tmp, "gone.txt", b"Gone title\n\nThis article will be removed again shortly.")
    env.ui.ingest_uploads([good], None, no_progress)
    rec = next(r for r in env.store.list_documents() if r.source.endswith("gone.txt"))
    html, btn = env.ui.confirm_remove(rec.doc_id)
    assert "Remove “Gone title”" in html and btn["visible"] is True
    html, corpus_html, dd = env.ui.remove_document(rec.doc_id)
    assert "Removed" in html and env.store.get_document(rec.doc_id) is None
    assert not Path(rec.source).exists(), "the uploaded copy goes with the document"
    assert Path(env.doc.source).exists(), "files outside the uploads folder are never deleted"


def test_scan_groups_by_topic(env, monkeypatch):
    seen = {}

    def fake_scan_store(settings, store=None, embedder=None, nli=None):
        seen.update(settings=settings, store=store, embedder=embedder)
        return env.answer.conflicts

    monkeypatch.setattr(H, "scan_store", fake_scan_store)
    html = env.ui.scan(no_progress)
    assert "drone" in html and "Algeria says:" in html
    assert seen == {"settings": env.settings, "store": env.store, "embedder": env.embedder}, \
        "the scan uses the app's settings and the shared pipeline's store and embedder"


def test_scan_errors_and_empty_store_are_shown_as_notices(env, monkeypatch):
    from rag.errors import StoreError

    def broken(*a, **k):
        raise StoreError("Reading the store failed: disk gone.")

    monkeypatch.setattr(H, "scan_store", broken)
    with pytest.warns(UserWarning, match="disk gone"):
        html = env.ui.scan(no_progress)
    assert "cr-notice-error" in html and "Reading the store failed: disk gone." in html
    env.store.delete_document(env.doc.doc_id)
    assert A.EMPTY_STORE_MESSAGE in env.ui.scan(no_progress)


def test_scan_renders_what_the_real_scan_store_finds(env):
    from ingest.pipeline import ingest_paths
    from rag.conflicts import scan_store

    other = env.tmp / "other.txt"
    other.write_text("Drone wreck report\n\nAlgeria said its air defences shot down the drone after it entered "
                     "5km into its airspace. Officials in Bamako were not available.", encoding="utf-8")
    assert ingest_paths([other], env.settings, store=env.store, embedder=env.embedder).count("added") == 1, \
        "Test requires a second article that disagrees with the first"
    html = env.ui.scan(no_progress)
    assert "cr-notice-error" not in html and "cr-notice-warning" not in html
    assert "2 km" in html and "5 km" in html, "the 2 km vs 5 km disagreement is found although the check is off"
    assert html == R.render_scan(scan_store(env.settings, env.store, env.embedder)), \
        "Test assumes the scan is deterministic with the fake embedder"


def test_eval_tab_runs_a_set_and_renders_the_metrics(env, monkeypatch):
    import eval.runner
    from eval.schema import EvalRun
    from rag.errors import ConfigError

    calls = {}

    def fake_run_eval(set_path, settings, out_dir, corpus=None, limit=None, sample=None, seed=0, baseline=False,
                      progress=None, judge="support", embedder=None, llm=None, log=None):
        calls.update(set_path=set_path, settings=settings, out_dir=out_dir, limit=limit, embedder=embedder)
        progress(1, 2)
        log("Ingesting")
        return EvalRun(run_dir=str(out_dir), set_name="mini", n_questions=2, systems=["ours"], config_hash="abc",
                       judge="support", report_md="/r/report.md", report_html="/r/report.html",
                       metrics={"ours": {"answer_correctness": 0.5, "mrr": None, "latency": {"total": {"p50": 3.0}},
                                         "counts": {"questions": 2}}})

    sets = env.tmp / "repo" / "eval" / "sets"
    sets.mkdir(parents=True)
    (sets / "mini.jsonl").write_text('{"id": "1", "question": "Q?"}\n')
    monkeypatch.setattr(H, "REPO", env.tmp / "repo")
    monkeypatch.setattr(eval.runner, "run_eval", fake_run_eval)
    (label, path), = env.ui.eval_choices()
    assert label == "eval/sets/mini.jsonl"
    assert env.ui.refresh_eval_sets()["choices"] == [(label, path)]
    shown = []
    html, plot = env.ui.run_eval(path, 5, {}, lambda *a, **k: shown.append((a, k)))
    assert calls["limit"] == 5 and Path(calls["set_path"]) == Path(path)
    assert calls["settings"] is env.settings and calls["embedder"] is env.embedder
    assert Path(calls["out_dir"]).parent == env.settings.home / "runs"
    assert (((1, 2),), {"desc": "Evaluating"}) in shown and ((0.0,), {"desc": "Ingesting"}) in shown
    assert "answer_correctness" in html and "latency.total.p50" in html and "0.500" in html
    assert list(plot["metric"]) == ["answer_correctness"]
    env.ui.run_eval(path, 0, {}, no_progress)
    assert calls["limit"] is None, "0 questions means the whole set"
    assert "Unknown eval set" in env.ui.run_eval("/etc/passwd", 5, {}, no_progress)[0]
    assert "Pick an eval set first" in env.ui.run_eval(None, 5, {}, no_progress)[0]

    def refusing(*a, **k):
        raise ConfigError("/x holds a run made with settings 123, not 456; use another --out.")

    monkeypatch.setattr(eval.runner, "run_eval", refusing)
    with pytest.warns(UserWarning):
        html, plot = env.ui.run_eval(path, 5, {}, no_progress)
    assert "holds a run made with settings 123" in html and plot is None


def test_eval_result_normalisation_handles_eval_run_objects():
    from eval.schema import EvalRun

    run = EvalRun(run_dir="/r", set_name="bundled", n_questions=2, systems=["ours", "baseline"],
                  metrics={"ours": {"faithfulness": 0.9}, "baseline": {"faithfulness": 0.4}}, config_hash="abc",
                  judge="support", report_md="/r/report.md", report_html="/r/report.html")
    by_system, facts = A.normalise_eval_result(run)
    assert by_system == {"ours": {"faithfulness": 0.9}, "baseline": {"faithfulness": 0.4}}
    assert facts["report_html"] == "/r/report.html"


def test_settings_are_validated_and_pipelines_cached_per_config(env):
    made = []

    def factory(settings, base):
        made.append(settings)
        return FakePipeline(settings, base.store, base.embedder, env.answer)

    ui = A.CorroborateUI(env.settings, env.pipeline, pipeline_factory=factory)
    over, html = ui.apply_settings(10, 4, False, "embedded", "", env.settings.llm.api_model, {})
    assert over == {"retrieval.top_k": 10, "retrieval.evidence_sentences": 4}
    assert "top_k=10" in html
    p1 = ui.pipelines.get(over)
    assert p1 is ui.pipelines.get(dict(over)) and p1.settings.retrieval.top_k == 10 and len(made) == 1
    assert ui.pipelines.get({}) is env.pipeline, "the server's own settings use the shared base pipeline"
    kept, html = ui.apply_settings(6, 8, False, "openai", "", "m", over)
    assert kept == over and "Set the LLM endpoint URL" in html
    kept, html = ui.apply_settings(6, 8, False, "openai", "file:///etc/passwd", "m", over)
    assert kept == over and "http:// or https://" in html
    ok, _ = ui.apply_settings(6, 8, False, "openai", "http://localhost:11434/v1", "qwen", {})
    assert ok == {"llm.backend": "openai", "llm.api_base": "http://localhost:11434/v1", "llm.api_model": "qwen"}
    locked = A.CorroborateUI(env.settings, env.pipeline, allow_endpoint_edit=False)
    over, _ = locked.apply_settings(6, 8, False, "openai", "http://evil:1/v1", "x", {})
    assert over == {}, "endpoint edits are ignored when the server disallows them"
    assert ui.reset_settings()[6] == {}


# -- launching and the serve command -------------------------------------------------------


def test_loopback_detection_and_credentials(tmp_path):
    assert A.is_loopback("127.0.0.1") and A.is_loopback("localhost") and A.is_loopback("::1") and A.is_loopback("127.1.2.3")
    assert not A.is_loopback("0.0.0.0") and not A.is_loopback("192.168.1.5") and not A.is_loopback("example.com")
    auth = A.check_credentials([("ana", "s3cret")])
    assert auth("ana", "s3cret") and not auth("ana", "nope") and not auth("bob", "s3cret")
    f = tmp_path / "auth"
    f.write_text("# users\nana:s3cret\n\nbob:pa:ss\n")
    assert A.read_auth_file(f) == [("ana", "s3cret"), ("bob", "pa:ss")]
    f.write_text("nocolon\n")
    with pytest.raises(A.ConfigError, match="line 1"):
        A.read_auth_file(f)
    assert A.auth_from_env({}) is None
    assert A.auth_from_env({"RAG_UI_USER": "u", "RAG_UI_PASSWORD": "p"}) == [("u", "p")]
    with pytest.raises(A.ConfigError, match="both RAG_UI_USER and RAG_UI_PASSWORD"):
        A.auth_from_env({"RAG_UI_USER": "u"})


@pytest.fixture
def serve_cli(monkeypatch):
    from click.testing import CliRunner

    import rag.cli.serve_cmd  # noqa: F401  (registers the command until the lead adds it to rag/cli/__init__.py)
    from rag.cli import main

    launched = {}

    def fake_launch(demo, **kw):
        launched.update(kw, demo=demo)

    monkeypatch.setattr(A, "launch", fake_launch)
    monkeypatch.delenv("RAG_UI_USER", raising=False)
    monkeypatch.delenv("RAG_UI_PASSWORD", raising=False)
    return lambda *args, **kw: (CliRunner().invoke(main, ["-o", "conflicts.enabled=false", "serve", "--no-warm-up", *args], **kw), launched)


def test_serve_defaults_to_loopback_without_share(serve_cli):
    result, launched = serve_cli()
    assert result.exit_code == 0, result.output
    assert launched["host"] == "127.0.0.1" and launched["port"] == 7860 and launched["share"] is False
    assert launched["auth"] is None
    assert launched["demo"].corroborate.allow_endpoint_edit is True


def test_serve_refuses_public_host_without_login(serve_cli):
    result, launched = serve_cli("--host", "0.0.0.0")
    assert result.exit_code == 1 and not launched
    assert "Refusing to serve on host 0.0.0.0 without a login" in result.output
    result, launched = serve_cli("--share")
    assert result.exit_code == 1 and "public share link" in result.output


def test_serve_public_host_with_env_login_or_insecure_flag(serve_cli):
    result, launched = serve_cli("--host", "0.0.0.0", env={"RAG_UI_USER": "ana", "RAG_UI_PASSWORD": "s3cret-pw"})
    assert result.exit_code == 0, result.output
    assert launched["auth"] == [("ana", "s3cret-pw")] and "s3cret-pw" not in result.output
    assert launched["demo"].corroborate.allow_endpoint_edit is False, "remote users may not redirect the LLM by default"
    result, launched = serve_cli("--host", "0.0.0.0", "--insecure-no-auth")
    assert result.exit_code == 0 and "WITHOUT a login" in result.output
