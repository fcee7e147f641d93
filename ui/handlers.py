"""Every handler of the web app on :class:`CorroborateUI`, callable without a browser (tests pass a fake pipeline).

The handlers only call what the CLI calls (``Pipeline.ask``, ``ingest_paths``, the store,
``rag.conflicts.scan_store``, ``eval.runner.run_eval``) and render the typed results with :mod:`ui.render`;
:mod:`ui.layout` wires them to components.
"""

from __future__ import annotations

import logging
import os
import queue
import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from rag.conflicts import scan_store
from rag.errors import ConfigError, EmptyStoreError, InputError, RagError
from rag.recency import parse_day
from rag.pipeline_cache import PipelineCache
from rag.question import Question
from rag.serving.line import AskLine, describe_wait
from rag.settings import Settings
from rag.types import Answer
from ui import render as R
from ui.evals import REPO, list_eval_sets, normalise_eval_result
from ui.uploads import UploadRejected, safe_filename, stage_upload

log = logging.getLogger("corroborate.ui")

EMPTY_STORE_MESSAGE = "No articles ingested yet: ingest articles first (Corpus tab → upload files, or `rag ingest corpus/`)."
#: Settings a user may change from the Settings tab (anything else needs the config file).
UI_SETTINGS = ("retrieval.top_k", "retrieval.evidence_sentences", "conflicts.enabled", "llm.backend", "llm.api_base", "llm.api_model")
MAX_TURNS = 50  # a session keeps its last 50 questions (each holds its evidence)
#: The label of the boxes that take the day a question is asked as of; a bad day's message names it.
AS_OF_LABEL = "As of"


def _raise_errors() -> bool:
    return bool(os.environ.get("RAG_RAISE_ERRORS"))


def user_message(exc: BaseException) -> str:
    """What a user is told about an error: RagErrors as written, anything else briefly (details go to the log)."""
    if isinstance(exc, EmptyStoreError):
        return EMPTY_STORE_MESSAGE
    if isinstance(exc, RagError):
        return str(exc)
    log.error("Unexpected error in the web app", exc_info=exc)
    return f"Unexpected error ({type(exc).__name__}): {exc}. The server log has the details."


def notify(message: str, level: str = "warning") -> None:
    """A toast for the user; the text is escaped because Gradio renders toasts as HTML."""
    text = R.esc(message)
    if level == "info":
        gr.Info(text)
    else:
        gr.Warning(text)


def _progress_adapter(progress: Callable, desc: str) -> Callable[..., None]:
    """A ``progress(done, total[, label])`` callback (ingest, eval) that forwards to gr.Progress."""

    def cb(done: int, total: int, label: str = "") -> None:
        if not total:
            return
        try:
            progress((int(done), int(total)), desc=f"{desc}: {Path(label).name}" if label else desc)
        except Exception:  # progress is cosmetic; never fail a run over it
            pass

    return cb


_DONE = object()


class _Place(str):
    """A message from the line ('2nd in line, about 40 s') among the draft's tokens."""


class CorroborateUI:
    """Every handler of the web app, callable without a browser.

    Example:
        >>> ui = CorroborateUI(get_settings(), pipeline=my_pipeline)              # doctest: +SKIP
        >>> *_, (html, _, turns) = ui.ask("Who brought down the drone?", [], {})  # doctest: +SKIP
    """

    def __init__(
        self,
        settings: Settings,
        pipeline=None,
        *,
        pipeline_factory: Callable | None = None,
        allow_endpoint_edit: bool = True,
        bench_dirs: list[Path] | None = None,
        line: AskLine | None = None,
    ):
        self.settings = settings
        self.pipelines = PipelineCache(settings, pipeline, pipeline_factory)
        # one line for every question of the process: the HTTP API and the MCP server join the same one
        self.line = line or AskLine.from_settings(settings)
        self.allow_endpoint_edit = allow_endpoint_edit
        self.bench_dirs = bench_dirs
        self._store = pipeline.store if pipeline is not None else None
        self._removed_cache: tuple[tuple, dict] | None = None

    # -- shared helpers
    @property
    def store(self):
        """The document store (opened without loading any model)."""
        if self._store is None:
            from rag.store import get_store

            self._store = get_store(self.settings)
        return self._store

    @property
    def uploads_dir(self) -> Path:
        """Where uploaded files are kept: ``<store>/uploads``."""
        return self.settings.store_path / "uploads"

    def empty_hint(self) -> str:
        """The chat's placeholder text, which says so when nothing is ingested."""
        try:
            n = len(self.store.list_documents())
        except RagError as e:
            return user_message(e)
        if not n:
            return EMPTY_STORE_MESSAGE
        return f"Ask a question about the {n} ingested article(s). Answers cite exact spans; select [n] to read the source."

    def start_page(self) -> str:
        """The transcript placeholder, for page load."""
        return R.render_transcript([], self.empty_hint())

    # -- chat
    def ask(self, question: str, turns: list | None, overrides: dict | None,
            as_of: str | None = None) -> Iterator[tuple[str, str, list]]:
        """Stream one answer: the unverified draft as it is written, then the verified answer.

        ``as_of`` is the As of box: the day the question is asked on (YYYY-MM-DD; empty: today), as
        ``rag ask --as-of``. Yields (transcript HTML, new question box value, turns).
        """
        turns = list(turns or [])
        q = (question or "").strip()
        if not q:
            notify("Type a question first.")
            yield R.render_transcript(turns, self.empty_hint()), question or "", turns
            return
        try:
            day = parse_day(as_of, AS_OF_LABEL)
        except InputError as e:
            # Nothing is asked, and the question stays in its box to ask again once the day is mended.
            notify(str(e))
            yield R.render_transcript(turns, self.empty_hint()) + R.render_notice(str(e)), question, turns
            return
        turn = R.ChatTurn(question=q, as_of=day)
        turns = turns[-(MAX_TURNS - 1):] + [turn]
        yield R.render_transcript(turns), "", turns
        try:
            pipeline = self.pipelines.get(overrides)
        except Exception as e:
            if _raise_errors() and not isinstance(e, RagError):
                raise
            turn.error = user_message(e)
            notify(turn.error)
            yield R.render_transcript(turns), "", turns
            return
        pieces: queue.Queue = queue.Queue()
        result: dict[str, Any] = {}
        # The web app's own queue already bounds how many wait here, so a web question is never refused.
        ticket = self.line.join(limit=False)

        def work() -> None:
            try:
                self.line.wait(ticket, on_wait=lambda pos, est: pieces.put(_Place(describe_wait(pos, est))))
                pieces.put(_Place(""))
                result["answer"] = pipeline.ask(q, on_token=pieces.put, as_of=day)
            except BaseException as e:  # reported to the user below
                result["error"] = e
            finally:
                self.line.leave(ticket)
                pieces.put(_DONE)

        threading.Thread(target=work, name="corroborate-ask", daemon=True).start()
        done, last = False, 0.0
        try:
            while not done:
                try:
                    piece = pieces.get(timeout=0.5)
                except queue.Empty:
                    continue
                moved = False
                while True:
                    if piece is _DONE:
                        done = True
                        break
                    if isinstance(piece, _Place):
                        turn.waiting, moved = str(piece), True
                    else:
                        turn.draft += piece
                    try:
                        piece = pieces.get_nowait()
                    except queue.Empty:
                        break
                if not done and (moved or time.monotonic() - last > 0.1):
                    last = time.monotonic()
                    yield R.render_transcript(turns), "", turns
        finally:
            self.line.cancel(ticket)  # the page was closed while the question waited: give up its place
        if "error" in result:
            e = result["error"]
            if _raise_errors() and not isinstance(e, RagError):
                raise e
            turn.error = user_message(e)
            notify(turn.error)
        else:
            turn.answer = result["answer"]
        yield R.render_transcript(turns), "", turns

    def clear_chat(self) -> tuple[str, list]:
        """Forget the conversation."""
        return R.render_transcript([], self.empty_hint()), []

    # -- source viewer
    def view(self, doc_id: str, start: int | None = None, end: int | None = None) -> str:
        """The source article with ``[start, end)`` highlighted (no highlight when the span is empty)."""
        try:
            doc = self.store.get_document(str(doc_id))
        except RagError as e:
            return R.render_notice(user_message(e))
        if doc is None:
            return R.render_notice("This article is no longer in the store (it was removed or re-ingested).", "warning")
        if start is None or end is None or int(end) <= int(start):
            return R.render_document(doc)
        return R.render_document(doc, int(start), int(end))

    def on_ref(self, evt: gr.EventData) -> str:
        """Click on a citation / 'View in context' button (data from the page's JavaScript)."""
        data = getattr(evt, "_data", None) or {}
        if not isinstance(data, dict) or not data.get("doc_id"):
            return R.render_viewer_placeholder()
        try:
            start, end = int(data.get("start", 0)), int(data.get("end", 0))
        except (TypeError, ValueError):
            start = end = 0
        return self.view(str(data["doc_id"]), start, end)

    # -- compare
    def compare(self, question: str, turns: list | None, overrides: dict | None, as_of: str | None = None) -> str:
        """One column per article: its own answer to the question (marked when it disagrees) and its best evidence.

        ``as_of`` is the day it is asked on (YYYY-MM-DD; empty: today, or the chat's day for the chat's last
        question). Reuses the chat's answer to the same question asked as of the same day when there is one
        (with its citations and conflicts); otherwise runs retrieval and evidence selection only (no LLM call).
        """
        try:
            day = parse_day(as_of, AS_OF_LABEL)
        except InputError as e:
            notify(str(e))
            return R.render_notice(str(e))
        q = (question or "").strip()
        if not q:
            last = next((t for t in reversed(turns or []) if t.answer is not None), None)
            if last is not None:
                # "the last question asked" is the question as it was asked, on its day, unless a day is given
                q, day = last.question, day or last.as_of
        if not q:
            return R.render_notice("Type a question (or ask one in the Ask tab first).", "info")
        answer: Answer | None = None
        for t in reversed(turns or []):
            if t.answer is not None and t.question.strip().lower() == q.lower() and t.as_of == day:
                answer = t.answer
                break
        asked = Question.parse(q, day)
        try:
            pipeline = self.pipelines.get(overrides)
            pre = pipeline.prepare(asked)  # one retrieval serves the columns and each article's own answer
            views = pipeline.by_source(asked, pre)
            if answer is None:
                ev = pre.evidence
                answer = Answer(question=q, answer="", abstained=not ev.items, evidence=ev.items, mode="extractive")
            groups = R.group_by_document(answer)
            records = self.store.get_records([g.doc_id for g in groups])
        except Exception as e:
            if _raise_errors() and not isinstance(e, RagError):
                raise
            notify(user_message(e))
            return R.render_notice(user_message(e))
        return R.render_compare(answer, groups, records, views, as_of=day)

    # -- corpus
    def corpus(self) -> tuple[str, Any]:
        """The article table and the choices of the remove dropdown."""
        try:
            records = self.store.list_documents()
            # removal logs need the full documents: fetch them once per store revision, not per page load
            key = tuple((r.doc_id, r.ingested_at) for r in records[:500])
            cached = self._removed_cache
            if cached is None or cached[0] != key:
                removed = {}
                for r in records[:500]:
                    if r.n_removed:
                        doc = self.store.get_document(r.doc_id)
                        if doc is not None:
                            removed[r.doc_id] = doc.removed
                self._removed_cache = cached = (key, removed)
            removed = cached[1]
        except RagError as e:
            return R.render_notice(user_message(e)), gr.update(choices=[], value=None)
        # a dropdown of 100k entries would freeze the page; the table shows the same first 500
        choices = [(f"{r.meta.title or '(untitled)'} — {Path(r.source).name}", r.doc_id) for r in records[:500]]
        return R.render_corpus(records, removed), gr.update(choices=choices, value=None)

    def ingest_uploads(self, files: list | None, folder: list | None, progress: Any = gr.Progress()) -> tuple:
        """Copy uploads into the store's uploads folder and ingest them; per-file results table."""
        paths = [p for p in (list(files or []) + list(folder or [])) if p]
        paths = [getattr(p, "name", p) for p in paths]  # older Gradio passes file objects
        if not paths:
            notify("Choose files or a folder to upload first.")
            return (R.render_notice("No files were uploaded.", "info"), *self.corpus(), None, None)
        rows: list[dict] = []
        staged: dict[str, str] = {}
        taken: set[str] = set()
        progress(0.0, desc="Copying uploads")
        for p in paths:
            shown = Path(str(p)).name
            try:
                dest = stage_upload(p, self.uploads_dir, self.settings, taken)
                staged[str(dest)] = shown if shown == dest.name else f"{shown} → {dest.name}"
            except UploadRejected as e:
                rows.append({"file": shown, "status": "skipped", "reason": str(e)})
            except OSError as e:
                rows.append({"file": shown, "status": "skipped", "reason": f"could not copy the upload: {e.strerror or e}"})
        summary = ""
        if staged:
            try:
                from ingest.pipeline import ingest_paths

                base = self.pipelines.base()
                report = ingest_paths(list(staged), self.settings, store=base.store, embedder=base.embedder,
                                      progress=_progress_adapter(progress, "Ingesting"))
            except Exception as e:
                if _raise_errors() and not isinstance(e, RagError):
                    raise
                msg = f"Ingest failed: {user_message(e)}"
                notify(msg)
                return (R.render_notice(msg), *self.corpus(), None, None)
            for f in report.files:
                rows.append({"file": staged.get(f.path, Path(f.path).name), "status": f.status, "title": f.title or "",
                             "chunks": f.chunks, "reason": f.reason or ""})
            summary = report.summary()
        skipped = sum(1 for r in rows if r["status"] == "skipped")
        if skipped:
            notify(f"{skipped} file(s) skipped; see the reasons in the table.")
        elif staged:
            notify("Upload ingested.", "info")
        return (R.render_ingest_results(rows, summary), *self.corpus(), None, None)

    def ingest_url(self, url: str | None, is_feed: bool = False, progress: Any = gr.Progress()) -> tuple:
        """Fetch a web page (or every new item of an RSS/Atom feed) and ingest it; per-item results table.

        Fetching has the CLI's limits: http(s) only, no private addresses unless ``ingest.allow_private_urls``.
        """
        from ingest.fetch import is_url

        url = (url or "").strip()
        if not is_url(url):
            msg = "Enter a web address that starts with http:// or https://."
            notify(msg)
            return (R.render_notice(msg, "info"), *self.corpus(), url)
        try:
            from ingest.pipeline import ingest_paths

            base = self.pipelines.base()
            report = ingest_paths([] if is_feed else [url], self.settings, store=base.store, embedder=base.embedder,
                                  progress=_progress_adapter(progress, "Fetching"), feeds=[url] if is_feed else ())
        except Exception as e:
            if _raise_errors() and not isinstance(e, RagError):
                raise
            msg = f"Ingest failed: {user_message(e)}"
            notify(msg)
            return (R.render_notice(msg), *self.corpus(), url)
        rows = [{"file": f.path, "status": f.status, "title": f.title or "", "chunks": f.chunks, "reason": f.reason or ""}
                for f in report.files]
        if report.failed:
            notify(f"{len(report.failed)} page(s) skipped; see the reasons in the table.")
        else:
            notify("Fetched and ingested.", "info")
        return (R.render_ingest_results(rows, report.summary()), *self.corpus(), url if report.failed else "")

    def confirm_remove(self, doc_id: str | None) -> tuple[str, Any]:
        """First step of removing: say what will go and show the confirm button."""
        if not doc_id:
            return R.render_notice("Choose a document to remove.", "info"), gr.update(visible=False)
        rec = self.store.get_records([doc_id]).get(doc_id)
        if rec is None:
            return R.render_notice("That document is not in the store.", "info"), gr.update(visible=False)
        return (R.render_notice(f"Remove “{rec.meta.title or rec.source}” from the store? Its answers can no longer "
                                "be cited.", "warning"), gr.update(visible=True))

    def remove_document(self, doc_id: str | None) -> tuple:
        """Delete a document (and its uploaded copy, if it came from an upload)."""
        if not doc_id:
            notify("Choose a document to remove.")
            return (R.render_notice("Choose a document to remove.", "info"), *self.corpus())
        try:
            rec = self.store.get_records([doc_id]).get(doc_id)
            existed = self.store.delete_document(doc_id)
        except RagError as e:
            return (R.render_notice(user_message(e)), *self.corpus())
        if not existed:
            return (R.render_notice("That document was already gone.", "info"), *self.corpus())
        if rec is not None:
            src = Path(rec.source)
            try:
                if src.resolve().parent == self.uploads_dir.resolve() and not src.is_symlink() and src.is_file():
                    src.unlink()
            except OSError:
                pass
        title = rec.meta.title if rec else doc_id
        notify(f"Removed {title}.", "info")
        return (R.render_notice(f"Removed “{title}”.", "info"), *self.corpus())

    # -- disagreements
    def scan(self, progress: Any = gr.Progress()) -> str:
        """Every disagreement between the stored articles, grouped by topic."""
        try:
            if not self.store.list_documents():
                return R.render_notice(EMPTY_STORE_MESSAGE, "warning")
            progress(0.1, desc="Reading the corpus")
            base = self.pipelines.base()
            progress(0.3, desc="Comparing sentences across articles")
            conflicts = scan_store(self.settings, store=base.store, embedder=base.embedder, nli=base.nli)
        except Exception as e:
            if _raise_errors() and not isinstance(e, RagError):
                raise
            notify(user_message(e))
            return R.render_notice(user_message(e))
        return R.render_scan(conflicts)

    # -- evaluation
    def eval_choices(self) -> list[tuple[str, str]]:
        """Eval sets to offer."""
        return list_eval_sets(REPO, self.bench_dirs)

    def refresh_eval_sets(self) -> Any:
        """The eval set dropdown with the sets found now."""
        return gr.update(choices=self.eval_choices())

    def run_eval(self, set_path: str | None, limit: float | None, overrides: dict | None, progress: Any = gr.Progress()):
        """Run an eval set with ``eval.runner.run_eval``; metrics table and chart.

        The run goes to ``$RAG_HOME/runs/ui-<set>-<config>`` (resumed when run again with the same
        settings); the set's own documents are ingested into a store inside it, never the user's store.
        """
        if not set_path:
            return R.render_notice("Pick an eval set first.", "info"), None
        if set_path not in {p for _, p in self.eval_choices()}:
            return R.render_notice("Unknown eval set; pick one from the list.", "warning"), None
        path = Path(set_path)
        set_name = path.parent.name if path.name == "questions.jsonl" else path.stem
        try:
            from eval.runner import run_eval

            settings = self.pipelines.settings_for(overrides)
            out_dir = settings.home / "runs" / f"ui-{safe_filename(set_name)}-{settings.config_hash()}"
            pipeline = self.pipelines.get(overrides)
            progress(0.0, desc="Starting the evaluation")
            run = run_eval(path, settings, out_dir, limit=int(limit) if limit and limit > 0 else None,
                           progress=_progress_adapter(progress, "Evaluating"),
                           log=lambda msg: progress(0.0, desc=str(msg)[:120]), embedder=pipeline.embedder, llm=pipeline.llm)
        except Exception as e:
            if _raise_errors() and not isinstance(e, RagError):
                raise
            notify(user_message(e))
            return R.render_notice(user_message(e)), None
        by_system, facts = normalise_eval_result(run)
        html_ = R.render_metrics(by_system, facts, title=set_name)
        bars = [(k, float(v), system) for system, m in by_system.items() for k, v in m.items()
                if "." not in k and v is not None and 0 <= v <= 1 and k not in ("errors",)]
        plot = None
        if bars:
            import pandas as pd

            plot = pd.DataFrame(bars, columns=["metric", "value", "system"])
        return html_, plot

    # -- settings
    def settings_summary(self, overrides: dict | None) -> str:
        """The effective values of the UI-editable settings and the config hash."""
        try:
            s = self.pipelines.settings_for(overrides)
        except ConfigError as e:
            return R.render_notice(str(e))
        endpoint = "embedded model" if s.llm.backend == "embedded" else f"{s.llm.api_base} ({s.llm.api_model})"
        text = (f"Sources: top_k={s.retrieval.top_k} chunks, {s.retrieval.evidence_sentences} evidence sentences; "
                f"disagreement check {'on' if s.conflicts.enabled else 'off'}; LLM: {endpoint}; config {s.config_hash()}")
        return R.render_notice(text, "info")

    def apply_settings(self, top_k, evidence_sentences, conflicts_on, backend, api_base, api_model, overrides: dict | None):
        """Validate the Settings tab's values into this session's overrides (a new pipeline is made on first use)."""
        current = dict(overrides or {})
        new: dict[str, Any] = {
            "retrieval.top_k": int(top_k),
            "retrieval.evidence_sentences": int(evidence_sentences),
            "conflicts.enabled": bool(conflicts_on),
        }
        if self.allow_endpoint_edit:
            api_base = (api_base or "").strip() or None
            if backend == "openai":
                if not api_base:
                    return current, R.render_notice("Set the LLM endpoint URL (e.g. http://localhost:11434/v1) for the openai backend.")
                if not re.match(r"^https?://[^\s/]+", api_base):
                    return current, R.render_notice("The LLM endpoint must be an http:// or https:// URL.")
            new.update({"llm.backend": backend, "llm.api_base": api_base, "llm.api_model": (api_model or "").strip() or self.settings.llm.api_model})
        # keep only what differs from the app's settings, so the default config shares the base pipeline
        base = self.settings
        same = {
            "retrieval.top_k": base.retrieval.top_k, "retrieval.evidence_sentences": base.retrieval.evidence_sentences,
            "conflicts.enabled": base.conflicts.enabled, "llm.backend": base.llm.backend,
            "llm.api_base": base.llm.api_base, "llm.api_model": base.llm.api_model,
        }
        new = {k: v for k, v in new.items() if same.get(k) != v}
        try:
            self.pipelines.settings_for(new)
        except ConfigError as e:
            return current, R.render_notice(str(e))
        notify("Settings applied to your session.", "info")
        return new, self.settings_summary(new)

    def reset_settings(self):
        """Back to the server's settings; values for the Settings tab controls plus overrides and summary."""
        s = self.settings
        return (s.retrieval.top_k, s.retrieval.evidence_sentences, s.conflicts.enabled, s.llm.backend,
                s.llm.api_base or "", s.llm.api_model, {}, self.settings_summary({}))
