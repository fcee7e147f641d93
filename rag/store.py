"""The document and chunk store: Chroma (embedded or server) behind a small protocol.

Two collections per index key (embedding model + chunking + cleaner version, see
``Settings.index_key``): ``<prefix>_<key>_chunks`` holds chunk vectors, texts and
offsets; ``<prefix>_<key>_docs`` holds one record per document (clean text,
metadata, removal log) whose vector is the mean of its chunk vectors.

Write order makes an interrupted ingest harmless: chunks are upserted first, the
document record last (it is the commit marker), and readers ignore chunks whose
document has no record. ``gc()`` deletes such orphans; ingest calls it on start.

We call Chroma directly rather than through llama-index's ``ChromaVectorStore``
because we need content-hash ids, per-document replace, the docs collection and
our own typed chunks; the eval baseline wraps these same collections with
``ChromaVectorStore`` (documents and flat metadata stay compatible).
"""

from __future__ import annotations

import json
import os
import threading
from datetime import datetime, timezone
from typing import Protocol

import numpy as np

from rag.errors import StoreError
from rag.settings import Settings
from rag.types import Chunk, DocMeta, DocRecord, Removal, SourceDoc, Span, StoredDoc

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

_BATCH = 500


class Store(Protocol):
    """What the pipeline needs from a store. Duplicate policy: ids are content hashes, writes are upserts."""

    def list_documents(self) -> list[DocRecord]:
        """Committed documents, sorted by source."""
        ...

    def get_document(self, doc_id: str) -> StoredDoc | None:
        """A document with its clean text, or None."""
        ...

    def find_by_source(self, source: str) -> list[DocRecord]:
        """Committed documents ingested from this path."""
        ...

    def get_records(self, doc_ids: list[str]) -> dict[str, DocRecord]:
        """Records (no text) of these documents, by id; unknown ids are left out."""
        ...

    def write_document(self, doc: SourceDoc, chunks: list[Chunk], vectors: np.ndarray) -> DocRecord:
        """Store a document and its chunk vectors; the document record is written last."""
        ...

    def delete_document(self, doc_id: str) -> bool:
        """Remove a document and its chunks; False if it was not there."""
        ...

    def all_chunks(self) -> list[Chunk]:
        """Every chunk of a committed document (for BM25)."""
        ...

    def dense_search(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        """Nearest chunks by cosine similarity, best first."""
        ...

    def gc(self) -> int:
        """Delete chunks whose document record is missing; returns how many."""
        ...

    def revision(self) -> str:
        """Changes whenever the set of committed documents changes."""
        ...


# -- conversions between our types and Chroma's flat metadata ------------------

def _clean_meta(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


def _chunk_metadata(chunk: Chunk, doc: SourceDoc) -> dict:
    return _clean_meta(
        {
            "doc_id": chunk.doc_id,
            "index": chunk.index,
            "start": chunk.start,
            "end": chunk.end,
            "sentences": json.dumps([[s.start, s.end] for s in chunk.sentences]),
            "source": doc.source,
            "title": doc.meta.title,
        }
    )


def _chunk_from(cid: str, text: str, meta: dict) -> Chunk:
    return Chunk(
        chunk_id=cid,
        doc_id=meta["doc_id"],
        index=int(meta["index"]),
        start=int(meta["start"]),
        end=int(meta["end"]),
        text=text,
        sentences=[Span(start=a, end=b) for a, b in json.loads(meta["sentences"])],
    )


def _doc_metadata(doc: SourceDoc, n_chunks: int) -> dict:
    m = doc.meta
    return _clean_meta(
        {
            "source": doc.source,
            "file_hash": doc.file_hash,
            "title": m.title,
            "title_inferred": m.title_inferred,
            "author": m.author,
            "published": m.published,
            "date_text": m.date_text,
            "source_name": m.source_name,
            "dateline": m.dateline,
            "n_chunks": n_chunks,
            "n_chars": len(doc.text),
            "n_removed": len(doc.removed),
            "removed": json.dumps([r.model_dump() for r in doc.removed]),
            "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        }
    )


def _record_from(doc_id: str, meta: dict) -> DocRecord:
    return DocRecord(
        doc_id=doc_id,
        source=meta.get("source", ""),
        meta=DocMeta(
            title=meta.get("title", ""),
            title_inferred=bool(meta.get("title_inferred", False)),
            author=meta.get("author"),
            published=meta.get("published"),
            date_text=meta.get("date_text"),
            source_name=meta.get("source_name"),
            dateline=meta.get("dateline"),
        ),
        n_chunks=int(meta.get("n_chunks", 0)),
        n_chars=int(meta.get("n_chars", 0)),
        n_removed=int(meta.get("n_removed", 0)),
        ingested_at=meta.get("ingested_at", ""),
    )


def get_chroma_client(settings: Settings):
    """A Chroma client for the configured mode; telemetry off, no default embedding function ever used."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    cfg = settings.store
    try:
        if cfg.mode == "http":
            headers = {}
            if cfg.token_env and os.environ.get(cfg.token_env):
                headers["Authorization"] = f"Bearer {os.environ[cfg.token_env]}"
            return chromadb.HttpClient(host=cfg.host, port=cfg.port, ssl=cfg.ssl, headers=headers, settings=chroma_settings)
        path = settings.store_path
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as e:  # chromadb raises a variety of errors for unreachable servers / bad dirs
        where = f"{cfg.host}:{cfg.port}" if cfg.mode == "http" else str(settings.store_path)
        raise StoreError(f"Cannot open the Chroma store at {where}: {e}. Check store.* settings or --store.") from e


class ChromaStore:
    """Store on Chroma; works the same on a local directory or a Chroma server.

    Example:
        >>> store = ChromaStore(get_settings())
        >>> [d.meta.title for d in store.list_documents()]
    """

    def __init__(self, settings: Settings, client=None):
        self.settings = settings
        self.client = client or get_chroma_client(settings)
        base = f"{settings.store.collection_prefix}_{settings.index_key()}"
        try:
            # embedding_function=None: vectors always come from our embedder; Chroma's default would download a model.
            self.chunks = self.client.get_or_create_collection(
                f"{base}_chunks", embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
            self.docs = self.client.get_or_create_collection(
                f"{base}_docs", embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
            )
            # One record whose value changes on every write: a cheap revision any process (or server client) can read.
            self.meta = self.client.get_or_create_collection(f"{base}_meta", embedding_function=None)
        except Exception as e:
            raise StoreError(f"Cannot open collections in the Chroma store: {e}") from e
        self._lock = threading.Lock()
        self._chunk_cache: tuple[str, list[Chunk]] | None = None
        self._committed_cache: tuple[str, set[str]] | None = None

    # -- reads ---------------------------------------------------------------
    def _doc_metas(self) -> dict[str, dict]:
        res = self.docs.get(include=["metadatas"])
        return dict(zip(res["ids"], res["metadatas"]))

    def list_documents(self) -> list[DocRecord]:
        recs = [_record_from(i, m) for i, m in self._doc_metas().items()]
        return sorted(recs, key=lambda r: (r.source, r.doc_id))

    def get_document(self, doc_id: str) -> StoredDoc | None:
        res = self.docs.get(ids=[doc_id], include=["metadatas", "documents"])
        if not res["ids"]:
            return None
        meta = res["metadatas"][0]
        rec = _record_from(doc_id, meta)
        removed = [Removal(**r) for r in json.loads(meta.get("removed", "[]"))]
        return StoredDoc(**rec.model_dump(), text=res["documents"][0], removed=removed)

    def find_by_source(self, source: str) -> list[DocRecord]:
        res = self.docs.get(where={"source": source}, include=["metadatas"])
        return [_record_from(i, m) for i, m in zip(res["ids"], res["metadatas"])]

    def get_records(self, doc_ids: list[str]) -> dict[str, DocRecord]:
        if not doc_ids:
            return {}
        res = self.docs.get(ids=list(dict.fromkeys(doc_ids)), include=["metadatas"])
        return {i: _record_from(i, m) for i, m in zip(res["ids"], res["metadatas"])}

    def revision(self) -> str:
        res = self.meta.get(ids=["revision"], include=["metadatas"])
        return str(res["metadatas"][0]["value"]) if res["ids"] else "0"

    def _bump_revision(self) -> None:
        import uuid

        self.meta.upsert(ids=["revision"], embeddings=[[1.0]], metadatas=[{"value": uuid.uuid4().hex}])

    def _committed(self) -> set[str]:
        rev = self.revision()
        with self._lock:
            if self._committed_cache and self._committed_cache[0] == rev:
                return self._committed_cache[1]
        ids = set(self.docs.get(include=[])["ids"])
        with self._lock:
            self._committed_cache = (rev, ids)
        return ids

    def all_chunks(self) -> list[Chunk]:
        rev = self.revision()
        with self._lock:
            if self._chunk_cache and self._chunk_cache[0] == rev:
                return self._chunk_cache[1]
        committed = self._committed()
        res = self.chunks.get(include=["documents", "metadatas"])
        chunks = [
            _chunk_from(i, t, m)
            for i, t, m in zip(res["ids"], res["documents"], res["metadatas"])
            if m.get("doc_id") in committed
        ]
        chunks.sort(key=lambda c: (c.doc_id, c.index))
        with self._lock:
            self._chunk_cache = (rev, chunks)
        return chunks

    def dense_search(self, vector: np.ndarray, k: int) -> list[tuple[Chunk, float]]:
        n = self.chunks.count()
        if n == 0:
            return []
        res = self.chunks.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32).tolist()],
            n_results=min(k, n),
            include=["documents", "metadatas", "distances"],
        )
        committed = self._committed()
        out = []
        for cid, text, meta, dist in zip(res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0]):
            if meta.get("doc_id") in committed:
                out.append((_chunk_from(cid, text, meta), 1.0 - float(dist)))
        return out

    # -- writes --------------------------------------------------------------
    def write_document(self, doc: SourceDoc, chunks: list[Chunk], vectors: np.ndarray) -> DocRecord:
        if len(chunks) != len(vectors):
            raise StoreError(f"{len(chunks)} chunks but {len(vectors)} vectors for {doc.source}")
        if not chunks:
            raise StoreError(f"{doc.source}: no chunks to store")
        vectors = np.asarray(vectors, dtype=np.float32)
        try:
            for i in range(0, len(chunks), _BATCH):
                part = chunks[i : i + _BATCH]
                self.chunks.upsert(
                    ids=[c.chunk_id for c in part],
                    embeddings=vectors[i : i + _BATCH].tolist(),
                    documents=[c.text for c in part],
                    metadatas=[_chunk_metadata(c, doc) for c in part],
                )
            mean = vectors.mean(axis=0)
            mean = mean / max(float(np.linalg.norm(mean)), 1e-12)
            meta = _doc_metadata(doc, len(chunks))
            self.docs.upsert(ids=[doc.doc_id], embeddings=[mean.tolist()], documents=[doc.text], metadatas=[meta])
            self._bump_revision()
        except Exception as e:
            raise StoreError(f"Writing {doc.source} to the store failed: {e}. Re-run ingest to complete it.") from e
        return _record_from(doc.doc_id, meta)

    def delete_document(self, doc_id: str) -> bool:
        existed = bool(self.docs.get(ids=[doc_id])["ids"])
        # Record first: its chunks become invisible at once, then go.
        self.docs.delete(ids=[doc_id])
        self._bump_revision()
        self.chunks.delete(where={"doc_id": doc_id})
        return existed

    def gc(self) -> int:
        committed = set(self.docs.get(include=[])["ids"])
        res = self.chunks.get(include=["metadatas"])
        orphans = [i for i, m in zip(res["ids"], res["metadatas"]) if m.get("doc_id") not in committed]
        for i in range(0, len(orphans), _BATCH):
            self.chunks.delete(ids=orphans[i : i + _BATCH])
        return len(orphans)


_STORES: dict[tuple, ChromaStore] = {}
_STORES_LOCK = threading.Lock()


def get_store(settings: Settings) -> ChromaStore:
    """The store the settings describe; one client per location per process (Chroma wants that)."""
    key = (settings.store.mode, str(settings.store_path), settings.store.host, settings.store.port, settings.index_key())
    with _STORES_LOCK:
        if key not in _STORES:
            _STORES[key] = ChromaStore(settings)
        return _STORES[key]
