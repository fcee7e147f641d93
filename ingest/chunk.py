"""Pack whole sentences into chunks that keep exact offsets into the clean text."""

from __future__ import annotations

import hashlib

from rag.text.sentences import paragraph_starts, split_sentences
from rag.types import Chunk, Span


def chunk_id_for(doc_id: str, start: int, end: int, text: str) -> str:
    """Stable content hash of a chunk: re-ingesting the same text gives the same ids."""
    return hashlib.sha256(f"{doc_id}\x00{start}\x00{end}\x00{text}".encode()).hexdigest()[:24]


def chunk_document(doc_id: str, text: str, chunk_chars: int = 700, overlap: int = 1) -> list[Chunk]:
    """Split ``text`` into chunks of whole sentences of about ``chunk_chars`` characters.

    A chunk prefers to end at a paragraph break once it is half full; the last ``overlap``
    sentences of a chunk open the next one so a fact straddling a boundary is retrievable.
    """
    sentences = split_sentences(text)
    if not sentences:
        return []
    para = paragraph_starts(text)
    groups: list[list[Span]] = []
    current: list[Span] = []
    for s in sentences:
        if current:
            too_long = s.end - current[0].start > chunk_chars
            half_full = current[-1].end - current[0].start >= chunk_chars // 2
            if too_long or (half_full and s.start in para):
                groups.append(current)
                keep = current[-overlap:] if overlap and len(current) > overlap else []
                # Overlap only when it still leaves room for the new sentence.
                current = keep if keep and s.end - keep[0].start <= chunk_chars else []
        current.append(s)
    if current:
        groups.append(current)
    chunks = []
    for idx, group in enumerate(groups):
        start, end = group[0].start, group[-1].end
        body = text[start:end]
        chunks.append(
            Chunk(
                chunk_id=chunk_id_for(doc_id, start, end, body),
                doc_id=doc_id,
                index=idx,
                start=start,
                end=end,
                text=body,
                sentences=list(group),
            )
        )
    return chunks
