"""Ingest files, web pages and feed items into the store: load, clean, chunk, embed, write.

Idempotent: documents are keyed by a hash of their clean text, so unchanged files
are skipped, a changed file replaces its old version, and an exact duplicate of a
stored document (under another path) is reported and not stored twice.
Resumable: ``store.gc()`` first drops chunks left by an interrupted run, and a
document is only visible once its record (written after its chunks) exists.
With an embedder that pools span vectors (``rag.embed.SpanEmbedder``), every
sentence also gets a vector from its chunk's forward pass, stored for evidence
selection; documents stored without them are re-indexed once to add them.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, Field

from ingest.chunk import chunk_document
from ingest.feeds import read_feed
from ingest.fetch import is_url
from ingest.load import iter_files, load_document, load_url
from rag.embed import Embedder, SpanEmbedder, get_embedder
from rag.errors import IngestError
from rag.settings import Settings
from rag.store import DocumentWrite, Store, get_store
from rag.types import Chunk, SentenceVectors, SourceDoc, Span

FileStatus = Literal["added", "updated", "unchanged", "duplicate", "skipped"]

# Chunks embedded per call: large enough to keep the embedder busy across small documents.
EMBED_GROUP = 256


class FileResult(BaseModel):
    """What ingest did with one file."""

    path: str = Field(description="The file as found, or the URL.")
    status: FileStatus = Field(description="added, updated, unchanged, duplicate or skipped.")
    doc_id: str | None = Field(default=None, description="Document id, when the file was read.")
    title: str | None = Field(default=None, description="Document title, when the file was read.")
    chunks: int = Field(default=0, description="Chunks written for it.")
    reason: str | None = Field(
        default=None, description="Why it was skipped or re-indexed, or what it duplicates (without the path)."
    )


class IngestReport(BaseModel):
    """Summary of one ingest run."""

    files: list[FileResult] = Field(default_factory=list, description="One result per file seen.")
    chunks: int = Field(default=0, description="Chunks written in this run.")
    seconds: float = Field(default=0.0, description="Wall time.")
    embed_seconds: float = Field(default=0.0, description="Time spent inside the embedder.")
    orphans_removed: int = Field(default=0, description="Chunks left by an interrupted run and removed.")

    def count(self, status: FileStatus) -> int:
        """Number of files with this status."""
        return sum(1 for f in self.files if f.status == status)

    @property
    def failed(self) -> list[FileResult]:
        """Paths that could not be ingested, each with its reason."""
        return [f for f in self.files if f.status == "skipped"]

    @property
    def nothing_ingested(self) -> bool:
        """True when no document was read: every path failed, or the paths held no files at all."""
        return not any(f.status != "skipped" for f in self.files)

    def summary(self) -> str:
        """One line for humans."""
        rate = f", {self.chunks / self.seconds:.0f} chunks/s" if self.seconds and self.chunks else ""
        return (
            f"{self.count('added')} added, {self.count('updated')} updated, {self.count('unchanged')} unchanged, "
            f"{self.count('duplicate')} duplicate, {self.count('skipped')} skipped; "
            f"{self.chunks} chunks in {self.seconds:.1f}s{rate}"
        )


Progress = Callable[[int, int, str], None]


def merge_sentence_vectors(chunks: list[Chunk], pooled: list[np.ndarray]) -> SentenceVectors:
    """One vector per sentence of a document, from the span vectors pooled in each of its chunks.

    A sentence in the overlap of two chunks is pooled twice: at the end of one chunk (context
    before it only) and at the start of the next (context after it only). Both are edge
    positions, so neither is better; their mean sees context on both sides, like a sentence
    inside a chunk. Sentences cut off by the model's window (NaN rows) are left out:
    evidence selection embeds those itself.
    """
    found: dict[int, tuple[Span, list[np.ndarray]]] = {}
    for chunk, vecs in zip(chunks, pooled):
        for span, vec in zip(chunk.sentences, vecs):
            if np.isfinite(vec).all():
                found.setdefault(span.start, (span, []))[1].append(vec)
    starts = sorted(found)
    if not starts:
        return SentenceVectors(spans=[], vectors=np.zeros((0, 0), dtype=np.float32))
    means = np.stack([np.mean(found[s][1], axis=0) for s in starts]).astype(np.float32)
    means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
    return SentenceVectors(spans=[found[s][0] for s in starts], vectors=means)


def _reason(error: IngestError, label: str) -> str:
    """The error's reason without the leading '<path>: ' (the report names the path itself)."""
    return str(error).removeprefix(f"{label}: ")


def _feed_items(
    feeds: list[str] | tuple[str, ...], settings: Settings, known: set[str], report: IngestReport
) -> list[tuple[str, Callable[[], SourceDoc]]]:
    """Loaders for the items of ``feeds`` not yet in ``known`` sources; the rest are reported (updates ``known``)."""
    loaders: list[tuple[str, Callable[[], SourceDoc]]] = []
    for url in dict.fromkeys(feeds):
        try:
            feed = read_feed(url, settings.ingest)
        except IngestError as e:
            report.files.append(FileResult(path=url, status="skipped", reason=_reason(e, url)))
            continue
        if not feed.items:
            report.files.append(FileResult(path=url, status="skipped", reason="the feed has no items"))
        for n, item in enumerate(feed.items, 1):
            if not item.link:
                report.files.append(FileResult(
                    path=f"{url} item {n}", status="skipped", title=item.title or None, reason="the item has no link"
                ))
            elif item.link in known:
                report.files.append(FileResult(
                    path=item.link, status="unchanged", title=item.title or None,
                    reason=f"already in the store (item of {url})",
                ))
            else:
                known.add(item.link)
                loaders.append((item.link, functools.partial(load_url, item.link, settings.ingest, item.meta)))
    return loaders


def _chunk_spans(chunks: list[Chunk]) -> list[list[tuple[int, int]]]:
    """Sentence offsets relative to each chunk's text, as the embedder pools them."""
    return [[(s.start - c.start, s.end - c.start) for s in c.sentences] for c in chunks]


def ingest_paths(
    paths: list[Path | str],
    settings: Settings,
    store: Store | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    feeds: list[str] | tuple[str, ...] = (),
) -> IngestReport:
    """Ingest files, folders, URLs (``http(s)://``) and the new items of RSS/Atom ``feeds``.

    A bad file, page or feed is skipped with a reason and never stops the batch. A feed item
    whose link is already a source in the store is reported unchanged and not fetched again.
    """
    t0 = time.perf_counter()
    store = store or get_store(settings)
    embedder = embedder or get_embedder(settings)
    pools_sentences = isinstance(embedder, SpanEmbedder)
    report = IngestReport(orphans_removed=store.gc())
    urls = list(dict.fromkeys(str(p) for p in paths if is_url(str(p))))
    files, skipped = iter_files([Path(p) for p in paths if not is_url(str(p))], settings.ingest.extensions)
    report.files.extend(FileResult(path=str(p), status="skipped", reason=r) for p, r in skipped)

    existing = {d.doc_id: d for d in store.list_documents()}
    max_bytes = int(settings.ingest.max_file_mb * 1024 * 1024)
    loaders: list[tuple[str, Callable[[], SourceDoc]]] = [
        (str(p), functools.partial(load_document, p, max_bytes=max_bytes)) for p in files
    ]
    loaders += [(u, functools.partial(load_url, u, settings.ingest)) for u in urls]
    loaders += _feed_items(feeds, settings, {d.source for d in existing.values()} | set(urls), report)
    seen: dict[str, str] = {}
    pending: list[tuple[FileResult, SourceDoc, list[Chunk], list[str]]] = []
    pending_chunks = 0

    def flush() -> None:
        nonlocal pending, pending_chunks
        if not pending:
            return
        all_chunks = [c for _, _, chunks, _ in pending for c in chunks]
        texts = [c.text for c in all_chunks]
        te = time.perf_counter()
        pooled = None
        if pools_sentences:
            out = embedder.embed_documents_with_spans(texts, _chunk_spans(all_chunks))
            vectors, pooled = out.texts, out.spans
        else:
            vectors = embedder.embed_documents(texts)
        report.embed_seconds += time.perf_counter() - te
        writes, offset = [], 0
        for _, doc, chunks, _ in pending:
            part = slice(offset, offset + len(chunks))
            sentences = merge_sentence_vectors(chunks, pooled[part]) if pooled is not None else None
            writes.append(DocumentWrite(doc, chunks, vectors[part], sentences))
            offset += len(chunks)
        # One write for the whole group: each store write costs a disk sync whatever its size.
        store.write_documents(writes)
        for _, _, chunks, stale in pending:
            for old in stale:
                store.delete_document(old)
            report.chunks += len(chunks)
        pending, pending_chunks = [], 0

    for i, (path, load) in enumerate(loaders):
        if progress:
            progress(i, len(loaders), path)
        try:
            doc = load()
        except IngestError as e:
            report.files.append(FileResult(path=path, status="skipped", reason=_reason(e, path)))
            continue
        result = FileResult(path=str(path), status="added", doc_id=doc.doc_id, title=doc.meta.title)
        report.files.append(result)
        same_source = [d.doc_id for d in existing.values() if d.source == doc.source]
        if doc.doc_id in seen:
            result.status, result.reason = "duplicate", f"same text as {seen[doc.doc_id]}"
            continue
        seen[doc.doc_id] = doc.source
        if doc.doc_id in existing:
            prior = existing[doc.doc_id]
            stale = [d for d in same_source if d != doc.doc_id]
            for old in stale:  # left over from an interrupted update
                store.delete_document(old)
            if prior.source != doc.source:
                result.status, result.reason = "duplicate", f"same text as {prior.source}"
                continue
            if not (pools_sentences and prior.n_sentence_vectors == 0):
                result.status = "unchanged"
                continue
            # Stored before sentence vectors existed: write it again (same ids, so upserts) to add them.
            result.status, result.reason = "updated", "re-indexed to add sentence vectors"
            same_source = []  # nothing stale: the rewrite replaces the document in place
        chunks = chunk_document(
            doc.doc_id, doc.text, settings.ingest.chunk_chars, settings.ingest.chunk_overlap_sentences
        )
        if not chunks:
            result.status, result.reason = "skipped", "no sentences found after cleaning"
            continue
        if same_source:
            result.status = "updated"
        result.chunks = len(chunks)
        pending.append((result, doc, chunks, same_source))
        pending_chunks += len(chunks)
        if pending_chunks >= EMBED_GROUP:
            flush()
    flush()
    if progress:
        progress(len(loaders), len(loaders), "")
    report.seconds = time.perf_counter() - t0
    return report
