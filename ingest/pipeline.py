"""Ingest files into the store: load, clean, chunk, embed, write.

Idempotent: documents are keyed by a hash of their clean text, so unchanged files
are skipped, a changed file replaces its old version, and an exact duplicate of a
stored document (under another path) is reported and not stored twice.
Resumable: ``store.gc()`` first drops chunks left by an interrupted run, and a
document is only visible once its record (written after its chunks) exists.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from ingest.chunk import chunk_document
from ingest.load import iter_files, load_document
from rag.embed import Embedder, get_embedder
from rag.errors import IngestError
from rag.settings import Settings
from rag.store import Store, get_store
from rag.types import Chunk, SourceDoc

FileStatus = Literal["added", "updated", "unchanged", "duplicate", "skipped"]

# Chunks embedded per call: large enough to keep the embedder busy across small documents.
EMBED_GROUP = 256


class FileResult(BaseModel):
    """What ingest did with one file."""

    path: str = Field(description="The file as found.")
    status: FileStatus = Field(description="added, updated, unchanged, duplicate or skipped.")
    doc_id: str | None = Field(default=None, description="Document id, when the file was read.")
    title: str | None = Field(default=None, description="Document title, when the file was read.")
    chunks: int = Field(default=0, description="Chunks written for it.")
    reason: str | None = Field(default=None, description="Why it was skipped, or what it duplicates.")


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

    def summary(self) -> str:
        """One line for humans."""
        rate = f", {self.chunks / self.seconds:.0f} chunks/s" if self.seconds and self.chunks else ""
        return (
            f"{self.count('added')} added, {self.count('updated')} updated, {self.count('unchanged')} unchanged, "
            f"{self.count('duplicate')} duplicate, {self.count('skipped')} skipped; "
            f"{self.chunks} chunks in {self.seconds:.1f}s{rate}"
        )


Progress = Callable[[int, int, str], None]


def ingest_paths(
    paths: list[Path | str],
    settings: Settings,
    store: Store | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Ingest files and folders; bad files are skipped with a reason and never stop the batch."""
    t0 = time.perf_counter()
    store = store or get_store(settings)
    embedder = embedder or get_embedder(settings)
    report = IngestReport(orphans_removed=store.gc())
    files, skipped = iter_files([Path(p) for p in paths], settings.ingest.extensions)
    report.files.extend(FileResult(path=str(p), status="skipped", reason=r) for p, r in skipped)

    existing = {d.doc_id: d for d in store.list_documents()}
    seen: dict[str, str] = {}
    pending: list[tuple[FileResult, SourceDoc, list[Chunk], list[str]]] = []
    pending_chunks = 0
    max_bytes = int(settings.ingest.max_file_mb * 1024 * 1024)

    def flush() -> None:
        nonlocal pending, pending_chunks
        if not pending:
            return
        texts = [c.text for _, _, chunks, _ in pending for c in chunks]
        te = time.perf_counter()
        vectors = embedder.embed_documents(texts)
        report.embed_seconds += time.perf_counter() - te
        offset = 0
        for result, doc, chunks, stale in pending:
            store.write_document(doc, chunks, vectors[offset : offset + len(chunks)])
            offset += len(chunks)
            for old in stale:
                store.delete_document(old)
            report.chunks += len(chunks)
        pending, pending_chunks = [], 0

    for i, path in enumerate(files):
        if progress:
            progress(i, len(files), str(path))
        try:
            doc = load_document(path, max_bytes=max_bytes)
        except IngestError as e:
            report.files.append(FileResult(path=str(path), status="skipped", reason=str(e)))
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
            if prior.source == doc.source:
                result.status = "unchanged"
            else:
                result.status, result.reason = "duplicate", f"same text as {prior.source}"
            continue
        chunks = chunk_document(
            doc.doc_id, doc.text, settings.ingest.chunk_chars, settings.ingest.chunk_overlap_sentences
        )
        if not chunks:
            result.status, result.reason = "skipped", f"{path}: no sentences found after cleaning"
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
        progress(len(files), len(files), "")
    report.seconds = time.perf_counter() - t0
    return report
