"""The Gradio web app: chat with cited answers, source viewer, compare, corpus, disagreements, evaluation.

The app only calls the functions the CLI calls (``Pipeline.ask``, ``ingest_paths``, the store,
``rag.conflicts.scan_store``, ``eval.runner.run_eval``) and renders their typed results with :mod:`ui.render`.
Handlers live on :class:`CorroborateUI` so tests can call them directly with a fake pipeline;
:func:`build_app` only wires them to components.

Example:
    >>> demo = build_app(get_settings())                 # doctest: +SKIP
    >>> launch(demo, host="127.0.0.1", port=7860)        # doctest: +SKIP
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import os
import queue
import re
import stat
import tempfile
import threading
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from rag.conflicts import scan_store
from rag.errors import ConfigError, EmptyStoreError, IngestError, RagError
from rag.serving.line import AskLine, describe_wait
from rag.settings import Settings, get_settings
from rag.types import Answer
from ui import render as R

if TYPE_CHECKING:
    from eval.schema import EvalRun

log = logging.getLogger("corroborate.ui")

UI_DIR = Path(__file__).resolve().parent
REPO = UI_DIR.parent
CSS = (UI_DIR / "style.css").read_text(encoding="utf-8")
EMPTY_STORE_MESSAGE = "No articles ingested yet: ingest articles first (Corpus tab → upload files, or `rag ingest corpus/`)."
#: Settings a user may change from the Settings tab (anything else needs the config file).
UI_SETTINGS = ("retrieval.top_k", "retrieval.evidence_sentences", "conflicts.enabled", "llm.backend", "llm.api_base", "llm.api_model")
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
MAX_TURNS = 50  # a session keeps its last 50 questions (each holds its evidence)

# Clickable HTML: any <button data-doc> inside asks the server to open that span in the viewer.
REF_JS = """
element.addEventListener('click', (ev) => {
  const b = ev.target.closest('button[data-doc]');
  if (!b || !element.contains(b)) return;
  ev.preventDefault();
  trigger('click', {doc_id: b.dataset.doc, start: parseInt(b.dataset.start, 10) || 0,
                    end: parseInt(b.dataset.end, 10) || 0});
});
"""
# The viewer scrolls its highlighted span into view whenever it changes.
VIEWER_JS = """
const go = () => {
  const m = element.querySelector('mark.cr-hl-target');
  if (m) setTimeout(() => m.scrollIntoView({block: 'center', behavior: 'smooth'}), 50);
};
watch('value', go);
go();
"""


def _theme() -> gr.themes.Base:
    # System fonts only: the default theme would make every browser fetch fonts from Google.
    return gr.themes.Soft(
        font=["ui-sans-serif", "system-ui", "sans-serif"], font_mono=["ui-monospace", "Consolas", "monospace"]
    )


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


# -- uploads ---------------------------------------------------------------------------------


class UploadRejected(IngestError):
    """An uploaded file was refused (type, size, name or kind); shown in the upload result table."""


_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_filename(name: str) -> str:
    """The basename of an uploaded file, reduced to safe characters (no separators, no leading dots).

    Raises:
        UploadRejected: nothing usable is left of the name.
    """
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKC", base)
    base = _UNSAFE.sub("_", base).strip().lstrip(".").strip()
    stem, ext = os.path.splitext(base)
    base = stem[:120] + ext[:16]
    if not stem or base in (".", ".."):
        raise UploadRejected(f"{name!r}: not a usable file name.")
    return base


def stage_upload(src: str | Path, uploads: Path, settings: Settings, taken: set[str]) -> Path:
    """Copy one uploaded file into ``uploads`` under its sanitised basename and return the copy.

    Only regular files with an allowed extension up to ``ingest.max_file_mb`` are accepted;
    symlinks are refused. A name already used in this batch gets a ``-2``, ``-3``... suffix; a
    file of the same name from an earlier upload is replaced (ingest then reports it 'updated').

    Raises:
        UploadRejected: the file is refused; the message says why.
    """
    src = Path(src)
    name = safe_filename(src.name)
    stem, ext = os.path.splitext(name)
    allowed = [e.lower() for e in settings.ingest.extensions]
    if ext.lower() not in allowed:
        raise UploadRejected(f"{name}: {ext or 'files without an extension'} not accepted; allowed: {', '.join(allowed)}.")
    try:
        st = os.lstat(src)
    except OSError as e:
        raise UploadRejected(f"{name}: the upload could not be read ({e.strerror}).") from e
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISREG(st.st_mode):
        raise UploadRejected(f"{name}: not a regular file (links and devices are refused).")
    limit_mb = settings.ingest.max_file_mb
    limit = int(limit_mb * 1024 * 1024)
    too_big = UploadRejected(f"{name} is larger than the {limit_mb:g} MB limit (setting ingest.max_file_mb).")
    if st.st_size > limit:
        raise too_big
    uploads.mkdir(parents=True, exist_ok=True)
    if uploads.is_symlink():
        raise UploadRejected(f"The uploads folder {uploads} is a symlink; refusing to write through it.")
    i = 2
    while name.lower() in taken:
        name = f"{stem}-{i}{ext}"
        i += 1
    taken.add(name.lower())
    root = uploads.resolve()
    dest = root / name
    if dest.parent != root or "/" in name or name in (".", ".."):  # belt and braces: the name has no separators
        raise UploadRejected(f"{name}: refusing a path outside the uploads folder.")
    fd, tmp_name = tempfile.mkstemp(prefix=".upload-", dir=root)
    try:
        with os.fdopen(os.open(src, os.O_RDONLY | os.O_NOFOLLOW), "rb") as fin, os.fdopen(fd, "wb") as out:
            copied = 0
            while block := fin.read(1 << 20):
                copied += len(block)
                if copied > limit:
                    raise too_big
                out.write(block)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, dest)  # replaces a symlink at dest instead of following it
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return dest


# -- progress and eval results ---------------------------------------------------------------


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


def _num(v: Any) -> bool:
    return v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))


def flatten_metrics(m: dict) -> dict[str, float | int | None]:
    """Numeric metrics of one system, nested dicts flattened to ``a.b.c``; per-tag breakdowns left out."""
    out: dict[str, float | int | None] = {}

    def walk(prefix: str, d: dict, depth: int) -> None:
        for k, v in d.items():
            name = f"{prefix}{k}"
            if k == "by_tag":
                continue
            if isinstance(v, bool):
                out[name] = int(v)
            elif _num(v):
                out[name] = v
            elif isinstance(v, dict) and depth < 3:
                walk(name + ".", v, depth + 1)

    walk("", m, 1)
    return out


def normalise_eval_result(run: EvalRun) -> tuple[dict[str, dict[str, float | int | None]], dict[str, Any]]:
    """Metrics by system (flat name -> value) and run facts (set, questions, errors, report) of an eval run."""
    by_system = {system: flatten_metrics(m) for system, m in run.metrics.items()}
    facts = {k: v for k in ("set_name", "n_questions", "errors", "config_hash", "judge", "run_dir", "report_html")
             if (v := getattr(run, k)) not in (None, "")}
    return by_system, facts


def list_eval_sets(repo: Path = REPO, bench_dirs: list[Path] | None = None) -> list[tuple[str, str]]:
    """(label, path) of JSONL eval sets: ``eval/sets/*.jsonl`` and ``<shared>/bench/*/questions.jsonl``."""
    out: list[tuple[str, str]] = []
    for p in sorted((repo / "eval" / "sets").glob("*.jsonl")):
        out.append((f"eval/sets/{p.name}", str(p)))
    seen: set[Path] = set()
    for d in bench_dirs if bench_dirs is not None else [repo.parent / "shared" / "bench", Path("/work/shared/bench")]:
        for p in sorted(d.glob("*/questions.jsonl")):
            rp = p.resolve()
            if rp not in seen:
                seen.add(rp)
                out.append((f"bench/{p.parent.name}", str(p)))
    return out


# -- pipelines -------------------------------------------------------------------------------


def _llm_key(s: Settings) -> str:
    return json.dumps(s.llm.model_dump(mode="json", exclude={"max_tokens"}), sort_keys=True)


def derive_pipeline(settings: Settings, base):
    """A Pipeline for ``settings`` sharing the base pipeline's store, embedder and (when compatible) models."""
    from rag.pipeline import Pipeline

    llm = base.llm if _llm_key(settings) == _llm_key(base.settings) else None
    nli = None
    if settings.conflicts.enabled and settings.conflicts.nli == base.settings.conflicts.nli:
        nli = base.nli
    return Pipeline(settings, store=base.store, embedder=base.embedder, llm=llm, nli=nli, qa=getattr(base, "qa", None))


class PipelineCache:
    """One shared pipeline per configuration (keyed by config hash); models are loaded once.

    Example:
        >>> cache = PipelineCache(get_settings())                       # doctest: +SKIP
        >>> cache.get({"retrieval.top_k": 8}).settings.retrieval.top_k   # doctest: +SKIP
        8
    """

    def __init__(self, settings: Settings, pipeline=None, factory: Callable | None = None, size: int = 6):
        if size < 1:
            raise ValueError(f"size must be greater than 0. Currently, size is {size}")
        self.settings = settings
        self._base = pipeline
        self._factory = factory or derive_pipeline
        self._size = size
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Any] = OrderedDict()

    def base(self):
        """The pipeline for the app's own settings, built on first use."""
        with self._lock:
            if self._base is None:
                from rag.pipeline import Pipeline

                self._base = Pipeline(self.settings)
            return self._base

    def settings_for(self, overrides: dict | None) -> Settings:
        """The app's settings with a session's overrides applied (validated).

        Raises:
            ConfigError: an override is invalid; the message names the field.
        """
        return get_settings(self.settings, dict(overrides)) if overrides else self.settings

    def get(self, overrides: dict | None = None):
        """The pipeline for these overrides, shared by every session using the same configuration."""
        base = self.base()
        settings = self.settings_for(overrides)
        key = settings.config_hash()
        if key == base.settings.config_hash():
            return base
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        pipeline = self._factory(settings, base)
        with self._lock:
            pipeline = self._cache.setdefault(key, pipeline)
            self._cache.move_to_end(key)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return pipeline


# -- handlers --------------------------------------------------------------------------------

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
    def ask(self, question: str, turns: list | None, overrides: dict | None) -> Iterator[tuple[str, str, list]]:
        """Stream one answer: the unverified draft as it is written, then the verified answer.

        Yields (transcript HTML, new question box value, turns).
        """
        turns = list(turns or [])
        q = (question or "").strip()
        if not q:
            notify("Type a question first.")
            yield R.render_transcript(turns, self.empty_hint()), question or "", turns
            return
        turn = R.ChatTurn(question=q)
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
                result["answer"] = pipeline.ask(q, on_token=pieces.put)
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
    def compare(self, question: str, turns: list | None, overrides: dict | None) -> str:
        """One column per article: its own answer to the question (marked when it disagrees) and its best evidence.

        Reuses the chat's answer to the same question when there is one (with its citations and
        conflicts); otherwise runs retrieval and evidence selection only (no LLM call).
        """
        q = (question or "").strip()
        if not q:
            for t in reversed(turns or []):
                if t.answer is not None:
                    q = t.question
                    break
        if not q:
            return R.render_notice("Type a question (or ask one in the Ask tab first).", "info")
        answer: Answer | None = None
        for t in reversed(turns or []):
            if t.answer is not None and t.question.strip().lower() == q.lower():
                answer = t.answer
                break
        try:
            pipeline = self.pipelines.get(overrides)
            pre = pipeline.prepare(q)  # one retrieval serves the columns and each article's own answer
            views = pipeline.by_source(q, pre)
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
        return R.render_compare(answer, groups, records, views)

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


# -- the Blocks app --------------------------------------------------------------------------


def build_app(
    settings: Settings,
    pipeline=None,
    *,
    concurrency: int | None = None,
    allow_endpoint_edit: bool = True,
    pipeline_factory: Callable | None = None,
    bench_dirs: list[Path] | None = None,
    line: AskLine | None = None,
) -> gr.Blocks:
    """The Corroborate web app.

    ``pipeline`` (optional) is shared by every user; otherwise one is built from ``settings`` on
    first use. Answers run in the ``line``'s slots (``serve.llm_slots``; built from the settings when not
    given), and a waiting question shows its place in line. ``concurrency`` questions are handled at once
    (default: the slots plus ``serve.max_waiting``, so every waiting question sees its place; more wait in
    Gradio's queue). The handlers are on ``demo.corroborate`` (a CorroborateUI).
    """
    line = line or AskLine.from_settings(settings)
    if concurrency is None:
        concurrency = min(64, line.slots + max(1, line.max_waiting))
    if concurrency < 1:
        raise ValueError(f"concurrency must be greater than 0. Currently, concurrency is {concurrency}")
    ui = CorroborateUI(settings, pipeline, pipeline_factory=pipeline_factory,
                       allow_endpoint_edit=allow_endpoint_edit, bench_dirs=bench_dirs, line=line)
    s = ui.settings
    with gr.Blocks(title="Corroborate", analytics_enabled=False) as demo:
        turns = gr.State([])
        overrides = gr.State({})
        gr.HTML('<h1 class="cr-h1">Corroborate</h1><p class="cr-muted">Answers from your news articles with '
                "exact cited spans, and a flag where the sources disagree.</p>", js_on_load=None)
        with gr.Tabs():
            with gr.Tab("Ask", id="ask"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        transcript = gr.HTML(R.render_transcript([], ""), js_on_load=REF_JS, elem_id="cr-transcript",
                                             min_height=260, max_height=640, autoscroll=True)
                        with gr.Row():
                            question = gr.Textbox(label="Question", placeholder="e.g. Who brought down the drone?  (Enter to ask)",
                                                  lines=1, max_lines=3, scale=6, autofocus=True, elem_id="cr-question")
                            ask_btn = gr.Button("Ask", variant="primary", scale=1, min_width=80, elem_id="cr-ask")
                        clear_btn = gr.Button("Clear conversation", size="sm", variant="secondary")
                    with gr.Column(scale=2, elem_classes="cr-sticky"):
                        viewer = gr.HTML(R.render_viewer_placeholder(), js_on_load=VIEWER_JS, elem_id="cr-viewer",
                                         elem_classes="cr-viewer", label="Source", max_height=640, container=True)
            with gr.Tab("Compare", id="compare"):
                gr.Markdown("What each article says about one question, side by side. Uses the chat's answer when "
                            "you asked the same question there; otherwise retrieval only (no LLM).")
                with gr.Row():
                    cmp_q = gr.Textbox(label="Question", lines=1, scale=6, elem_id="cr-compare-question",
                                       placeholder="Leave empty to use the last question asked")
                    cmp_btn = gr.Button("Compare sources", variant="primary", scale=1, min_width=80)
                cmp_out = gr.HTML("", js_on_load=REF_JS, elem_id="cr-compare")
                cmp_viewer = gr.HTML(R.render_viewer_placeholder(), js_on_load=VIEWER_JS, elem_classes="cr-viewer",
                                     elem_id="cr-compare-viewer",
                                     max_height=520, container=True)
            with gr.Tab("Disagreements", id="disagreements"):
                gr.Markdown("Every disagreement between the ingested articles, grouped by topic.")
                scan_btn = gr.Button("Scan the corpus for disagreements", variant="primary")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        scan_out = gr.HTML("", js_on_load=REF_JS, elem_id="cr-scan")
                    with gr.Column(scale=2, elem_classes="cr-sticky"):
                        scan_viewer = gr.HTML(R.render_viewer_placeholder(), js_on_load=VIEWER_JS, elem_id="cr-scan-viewer",
                                              elem_classes="cr-viewer", max_height=640, container=True)
            with gr.Tab("Corpus", id="corpus"):
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3):
                        corpus_html = gr.HTML("", js_on_load=REF_JS, elem_id="cr-corpus")
                        refresh_btn = gr.Button("Refresh list", size="sm")
                    with gr.Column(scale=2, elem_classes="cr-sticky"):
                        corpus_viewer = gr.HTML(R.render_viewer_placeholder(), js_on_load=VIEWER_JS, elem_id="cr-corpus-viewer",
                                                elem_classes="cr-viewer", max_height=520, container=True)
                gr.Markdown(f"**Add articles** ({', '.join(s.ingest.extensions)}; up to {s.ingest.max_file_mb:g} MB each)")
                with gr.Row():
                    up_files = gr.File(label="Files", file_count="multiple", file_types=list(s.ingest.extensions),
                                       type="filepath", elem_id="cr-upload-files")
                    up_folder = gr.File(label="Folder", file_count="directory", type="filepath", elem_id="cr-upload-folder")
                ingest_btn = gr.Button("Ingest uploads", variant="primary", elem_id="cr-ingest")
                with gr.Row():
                    url_box = gr.Textbox(label="Web page or feed URL", placeholder="https://…", scale=4,
                                         elem_id="cr-url")
                    url_feed = gr.Checkbox(label="RSS/Atom feed: add every new item", value=False, scale=2)
                    url_btn = gr.Button("Fetch", variant="primary", scale=1, min_width=80, elem_id="cr-fetch")
                ingest_out = gr.HTML("", js_on_load=None, elem_id="cr-ingest-results")
                with gr.Row():
                    remove_dd = gr.Dropdown(label="Remove a document", choices=[], scale=4)
                    remove_btn = gr.Button("Remove", variant="secondary", scale=1, min_width=80)
                    confirm_btn = gr.Button("Yes, remove it", variant="stop", scale=1, min_width=80, visible=False)
                remove_out = gr.HTML("", js_on_load=None)
            with gr.Tab("Evaluation", id="evaluation"):
                with gr.Row():
                    eval_set = gr.Dropdown(label="Eval set", choices=ui.eval_choices(), scale=4)
                    eval_limit = gr.Number(label="Max questions (0 = all)", value=20, precision=0, minimum=0, scale=1)
                    eval_btn = gr.Button("Run", variant="primary", scale=1, min_width=80)
                eval_out = gr.HTML("", js_on_load=None)
                eval_plot = gr.BarPlot(None, x="metric", y="value", color="system", y_lim=[0, 1], title="Metrics (0-1)",
                                       x_label_angle=-30, height=320)
            with gr.Tab("Settings", id="settings"):
                gr.Markdown("These apply to your session only; the server's configuration file is not changed.")
                with gr.Row():
                    top_k = gr.Slider(1, 30, value=s.retrieval.top_k, step=1, label="Chunks retrieved (retrieval.top_k)")
                    n_ev = gr.Slider(1, 30, value=s.retrieval.evidence_sentences, step=1,
                                     label="Evidence sentences (retrieval.evidence_sentences)")
                conflicts_on = gr.Checkbox(value=s.conflicts.enabled, label="Check answers for disagreeing sources")
                with gr.Row():
                    backend = gr.Radio(["embedded", "openai"], value=s.llm.backend, label="LLM backend",
                                       interactive=allow_endpoint_edit)
                    api_base = gr.Textbox(value=s.llm.api_base or "", label="LLM endpoint (llm.api_base)",
                                          placeholder="http://localhost:11434/v1", interactive=allow_endpoint_edit)
                    api_model = gr.Textbox(value=s.llm.api_model, label="Model name (llm.api_model)",
                                           interactive=allow_endpoint_edit)
                if not allow_endpoint_edit:
                    gr.Markdown("_Changing the LLM endpoint is disabled on this server (`rag serve --allow-endpoint-edit`)._")
                with gr.Row():
                    apply_btn = gr.Button("Apply", variant="primary")
                    reset_btn = gr.Button("Reset to server settings")
                settings_out = gr.HTML(ui.settings_summary({}), js_on_load=None)

        # chat
        ask_args = dict(fn=ui.ask, inputs=[question, turns, overrides], outputs=[transcript, question, turns],
                        concurrency_id="ask", concurrency_limit=concurrency, show_progress="hidden")
        question.submit(**ask_args, api_name="ask")
        ask_btn.click(**ask_args, api_visibility="private")
        clear_btn.click(ui.clear_chat, outputs=[transcript, turns], api_visibility="private")
        # every clickable reference opens its tab's viewer
        for source, target in ((transcript, viewer), (cmp_out, cmp_viewer), (scan_out, scan_viewer),
                               (corpus_html, corpus_viewer)):
            source.click(ui.on_ref, outputs=target, api_visibility="private", show_progress="minimal")
        cmp_args = dict(fn=ui.compare, inputs=[cmp_q, turns, overrides], outputs=cmp_out, concurrency_id="ask",
                        concurrency_limit=concurrency)
        cmp_btn.click(**cmp_args, api_name="compare")
        cmp_q.submit(**cmp_args, api_visibility="private")
        scan_btn.click(ui.scan, outputs=scan_out, concurrency_id="heavy", concurrency_limit=1, api_name="scan")
        # corpus
        refresh_btn.click(ui.corpus, outputs=[corpus_html, remove_dd], api_visibility="private")
        ingest_btn.click(ui.ingest_uploads, inputs=[up_files, up_folder],
                         outputs=[ingest_out, corpus_html, remove_dd, up_files, up_folder],
                         concurrency_id="heavy", concurrency_limit=1, api_visibility="private")
        url_args = dict(fn=ui.ingest_url, inputs=[url_box, url_feed], outputs=[ingest_out, corpus_html, remove_dd, url_box],
                        concurrency_id="heavy", concurrency_limit=1, api_visibility="private")
        url_btn.click(**url_args)
        url_box.submit(**url_args)
        # two steps: "Remove" asks, "Yes, remove it" deletes
        remove_dd.change(lambda: gr.update(visible=False), outputs=confirm_btn, api_visibility="private")
        remove_btn.click(ui.confirm_remove, inputs=remove_dd, outputs=[remove_out, confirm_btn], api_visibility="private")
        confirm_btn.click(ui.remove_document, inputs=remove_dd, outputs=[remove_out, corpus_html, remove_dd],
                          api_visibility="private").then(lambda: gr.update(visible=False), outputs=confirm_btn,
                                                         api_visibility="private")
        # evaluation
        eval_btn.click(ui.run_eval, inputs=[eval_set, eval_limit, overrides], outputs=[eval_out, eval_plot],
                       concurrency_id="heavy", concurrency_limit=1, api_visibility="private")
        # settings
        apply_btn.click(ui.apply_settings, inputs=[top_k, n_ev, conflicts_on, backend, api_base, api_model, overrides],
                        outputs=[overrides, settings_out], api_visibility="private")
        reset_btn.click(ui.reset_settings, outputs=[top_k, n_ev, conflicts_on, backend, api_base, api_model, overrides,
                                                    settings_out], api_visibility="private")
        demo.load(ui.start_page, outputs=transcript, api_visibility="private")
        demo.load(ui.corpus, outputs=[corpus_html, remove_dd], api_visibility="private")
        demo.load(ui.refresh_eval_sets, outputs=eval_set, api_visibility="private")
    demo.queue(default_concurrency_limit=concurrency, max_size=max(32, 8 * concurrency))
    demo.corroborate = ui  # type: ignore[attr-defined]
    return demo


# -- launching -------------------------------------------------------------------------------


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    h = (host or "").strip().strip("[]").lower()
    if h in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def check_credentials(pairs: list[tuple[str, str]]) -> Callable[[str, str], bool]:
    """A Gradio auth callable comparing in constant time; the pairs are never logged."""
    creds = [(u.encode(), p.encode()) for u, p in pairs]

    def auth(username: str, password: str) -> bool:
        ok = False
        for u, p in creds:
            ok |= hmac.compare_digest(u, (username or "").encode()) & hmac.compare_digest(p, (password or "").encode())
        return bool(ok)

    return auth


def read_auth_file(path: str | Path) -> list[tuple[str, str]]:
    """``user:password`` lines (blank lines and ``#`` comments ignored).

    Raises:
        ConfigError: the file is unreadable, has a malformed line or no entries.
    """
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ConfigError(f"Cannot read the auth file {p}: {e.strerror}.") from e
    pairs = []
    for i, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user or not password:
            raise ConfigError(f"{p}, line {i}: expected 'user:password'.")
        pairs.append((user, password))
    if not pairs:
        raise ConfigError(f"The auth file {p} has no 'user:password' lines.")
    return pairs


def auth_from_env(environ: dict | None = None) -> list[tuple[str, str]] | None:
    """Credentials from ``RAG_UI_USER`` / ``RAG_UI_PASSWORD``, or None when unset.

    Raises:
        ConfigError: only one of the two is set.
    """
    env = os.environ if environ is None else environ
    user, password = env.get("RAG_UI_USER"), env.get("RAG_UI_PASSWORD")
    if not user and not password:
        return None
    if not user or not password:
        raise ConfigError("Set both RAG_UI_USER and RAG_UI_PASSWORD to require a login (only one is set).")
    return [(user, password)]


def launch(
    demo: gr.Blocks,
    host: str = "127.0.0.1",
    port: int = 7860,
    share: bool = False,
    auth: list[tuple[str, str]] | None = None,
    prevent_thread_lock: bool = False,
    quiet: bool = False,
    api_routes: list | None = None,
):
    """Start the server with the app's CSS and theme; upload size is capped at ``ingest.max_file_mb``.

    ``api_routes`` (``rag.serving.api.api_routes``) are served by the same FastAPI app, ahead of Gradio's own.
    """
    ui: CorroborateUI | None = getattr(demo, "corroborate", None)
    max_mb = ui.settings.ingest.max_file_mb if ui else 20
    return demo.launch(
        app_kwargs={"routes": list(api_routes)} if api_routes else None,
        server_name=host,
        server_port=port,
        share=share,
        auth=check_credentials(auth) if auth else None,
        auth_message="Corroborate: please log in." if auth else None,
        prevent_thread_lock=prevent_thread_lock,
        quiet=quiet,
        show_error=False,
        max_file_size=f"{max_mb:g}mb",
        css=CSS,
        theme=_theme(),
        ssr_mode=False,
        mcp_server=False,
        pwa=False,
        enable_monitoring=False,
        footer_links=["api", "settings"],
    )
