"""The document and chunk store: Chroma (embedded or server) behind a small protocol.

Collections per index key (embedding model + chunking + cleaner version, see
``Settings.index_key``): ``<prefix>_<key>_chunks`` holds chunk vectors, texts and
offsets; ``<prefix>_<key>_sentences`` holds the sentence vectors pooled at ingest
(id ``<doc_id>:<start>``; optional, stores built before it simply lack them);
``<prefix>_<key>_docs`` holds one record per document (clean text, metadata,
removal log) whose vector is the mean of its chunk vectors.

Write order makes an interrupted ingest harmless: chunks and sentence vectors are
upserted first, the document record last (it is the commit marker), and readers
ignore chunks and sentences whose document has no record. ``gc()`` deletes such
orphans; ingest calls it on start. ``write_documents`` writes a batch of documents
with one upsert per collection (each upsert costs a disk sync, ~40 ms, whatever its
size), all records last.

We call Chroma directly rather than through llama-index's ``ChromaVectorStore``
because we need content-hash ids, per-document replace, the docs collection and
our own typed chunks; the eval baseline wraps these same collections with
``ChromaVectorStore`` (documents and flat metadata stay compatible).
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

import numpy as np

from rag.errors import StoreError
from rag.settings import Settings
from rag.types import Chunk, DocMeta, DocRecord, Removal, SentenceKey, SentenceVectors, SourceDoc, Span, StoredDoc
from rag.offline import apply_offline_env

apply_offline_env()  # before any model or Chroma import: no hub, no telemetry (rag/offline.py)

_BATCH = 500
# Chroma's SQLite backend binds one variable per row in a whole-collection get, so a get() without
# a limit fails ("too many SQL variables") beyond ~30 k rows: read big collections in pages.
_PAGE = 5000


def _get_all(collection, include: list[str]) -> dict:
    """Every row of ``collection`` (ids plus ``include``), read page by page."""
    out: dict = {"ids": [], **{k: [] for k in include}}
    offset = 0
    while True:
        res = collection.get(include=include, limit=_PAGE, offset=offset)
        out["ids"].extend(res["ids"])
        for k in include:
            out[k].extend(res[k] if res.get(k) is not None else [])
        if len(res["ids"]) < _PAGE:
            return out
        offset += _PAGE


@dataclass(frozen=True)
class DocumentWrite:
    """One document to store: its chunks, their vectors and, optionally, its sentence vectors."""

    doc: SourceDoc
    chunks: list[Chunk]
    vectors: np.ndarray
    sentences: SentenceVectors | None = None


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

    def write_document(
        self, doc: SourceDoc, chunks: list[Chunk], vectors: np.ndarray, sentences: SentenceVectors | None = None
    ) -> DocRecord:
        """Store a document, its chunk vectors and optional sentence vectors; the document record is written last."""
        ...

    def write_documents(self, items: list[DocumentWrite]) -> list[DocRecord]:
        """Store several documents; every record is written after every chunk and sentence vector."""
        ...

    def get_sentence_vectors(self, keys: list[SentenceKey]) -> dict[SentenceKey, np.ndarray]:
        """Stored vectors of these sentences of committed documents; sentences without one are left out."""
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
        """Delete chunks and sentence vectors whose document record is missing; returns how many chunks."""
        ...

    def revision(self) -> str:
        """Changes whenever the set of committed documents changes."""
        ...


T = TypeVar("T")


class RevisionCache(Generic[T]):
    """A value computed from a store, rebuilt when the store's revision changes (thread-safe): the BM25 index,
    the term weights, the documents' dates are each one pass over the store that every question reads."""

    def __init__(self, build: Callable[[Store], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._rev: str | None = None
        self._value: T | None = None

    def of(self, store: Store) -> T:
        """The value for ``store`` as it is now."""
        with self._lock:
            rev = store.revision()
            if rev != self._rev or self._value is None:
                self._value = self._build(store)
                self._rev = rev
            return self._value


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


def _sentence_id(key: SentenceKey) -> str:
    return f"{key[0]}:{key[1]}"


def _check_write(item: DocumentWrite) -> None:
    doc, n_vec = item.doc, len(item.vectors)
    if len(item.chunks) != n_vec:
        raise StoreError(f"{len(item.chunks)} chunks but {n_vec} vectors for {doc.source}")
    if not item.chunks:
        raise StoreError(f"{doc.source}: no chunks to store")
    sents = item.sentences
    if sents is not None and len(sents.spans) != len(sents.vectors):
        raise StoreError(f"{len(sents.spans)} sentences but {len(sents.vectors)} vectors for {doc.source}")


def _n_sentences(item: DocumentWrite) -> int:
    return len(item.sentences.spans) if item.sentences is not None else 0


def _mean_vector(vectors: np.ndarray) -> list[float]:
    """A document's vector: the normalised mean of its chunk vectors."""
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).tolist()


def _chunk_rows(items: list[DocumentWrite]) -> tuple[list[str], list, list[dict], list[str]]:
    """ids, embeddings, metadatas and texts of every chunk of ``items``."""
    ids, vecs, metas, texts = [], [], [], []
    for it in items:
        ids += [c.chunk_id for c in it.chunks]
        vecs += np.asarray(it.vectors, dtype=np.float32).tolist()
        metas += [_chunk_metadata(c, it.doc) for c in it.chunks]
        texts += [c.text for c in it.chunks]
    return ids, vecs, metas, texts


def _sentence_rows(items: list[DocumentWrite]) -> tuple[list[str], list, list[dict]]:
    """ids, embeddings and metadatas of every sentence vector of ``items``."""
    ids, vecs, metas = [], [], []
    for it in items:
        if it.sentences is None:
            continue
        doc_id = it.doc.doc_id
        ids += [_sentence_id((doc_id, s.start)) for s in it.sentences.spans]
        vecs += np.asarray(it.sentences.vectors, dtype=np.float32).tolist()
        metas += [{"doc_id": doc_id, "start": s.start, "end": s.end} for s in it.sentences.spans]
    return ids, vecs, metas


def _doc_metadata(doc: SourceDoc, n_chunks: int, n_sentence_vectors: int) -> dict:
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
            "page_starts": json.dumps(m.page_starts) if m.page_starts else None,
            "n_chunks": n_chunks,
            "n_sentence_vectors": n_sentence_vectors,
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
            page_starts=json.loads(meta.get("page_starts") or "[]"),
        ),
        n_chunks=int(meta.get("n_chunks", 0)),
        n_chars=int(meta.get("n_chars", 0)),
        n_removed=int(meta.get("n_removed", 0)),
        ingested_at=meta.get("ingested_at", ""),
        n_sentence_vectors=int(meta.get("n_sentence_vectors", 0)),
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
            # Read by id only, never searched; created empty in stores built before sentence vectors existed.
            self.sentences = self.client.get_or_create_collection(
                f"{base}_sentences", embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
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
        res = _get_all(self.docs, ["metadatas"])
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
        ids = set(_get_all(self.docs, [])["ids"])
        with self._lock:
            self._committed_cache = (rev, ids)
        return ids

    def all_chunks(self) -> list[Chunk]:
        rev = self.revision()
        with self._lock:
            if self._chunk_cache and self._chunk_cache[0] == rev:
                return self._chunk_cache[1]
        committed = self._committed()
        res = _get_all(self.chunks, ["documents", "metadatas"])
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

    def get_sentence_vectors(self, keys: list[SentenceKey]) -> dict[SentenceKey, np.ndarray]:
        if not keys:
            return {}
        ids = list(dict.fromkeys(_sentence_id(k) for k in keys))
        res = self.sentences.get(ids=ids, include=["embeddings", "metadatas"])
        committed = self._committed()
        return {
            (m["doc_id"], int(m["start"])): np.asarray(v, dtype=np.float32)
            for v, m in zip(res["embeddings"], res["metadatas"])
            if m.get("doc_id") in committed
        }

    # -- writes --------------------------------------------------------------
    def write_document(
        self, doc: SourceDoc, chunks: list[Chunk], vectors: np.ndarray, sentences: SentenceVectors | None = None
    ) -> DocRecord:
        return self.write_documents([DocumentWrite(doc, chunks, vectors, sentences)])[0]

    def write_documents(self, items: list[DocumentWrite]) -> list[DocRecord]:
        for item in items:
            _check_write(item)
        try:
            self._upsert(self.chunks, *_chunk_rows(items))
            self._upsert(self.sentences, *_sentence_rows(items))
            metas = [_doc_metadata(it.doc, len(it.chunks), _n_sentences(it)) for it in items]
            # The commit markers: only now do these documents' chunks and sentences become visible.
            self._upsert(self.docs, [it.doc.doc_id for it in items], [_mean_vector(it.vectors) for it in items],
                         metas, [it.doc.text for it in items])
            if items:
                self._bump_revision()
        except Exception as e:
            sources = ", ".join(it.doc.source for it in items)
            raise StoreError(f"Writing {sources} to the store failed: {e}. Re-run ingest to complete it.") from e
        return [_record_from(it.doc.doc_id, m) for it, m in zip(items, metas)]

    @staticmethod
    def _upsert(
        collection, ids: list[str], embeddings: list, metadatas: list[dict], documents: list[str] | None = None
    ) -> None:
        """Upsert rows in pieces Chroma accepts."""
        for i in range(0, len(ids), _BATCH):
            part = slice(i, i + _BATCH)
            extra = {"documents": documents[part]} if documents is not None else {}
            collection.upsert(ids=ids[part], embeddings=embeddings[part], metadatas=metadatas[part], **extra)

    def delete_document(self, doc_id: str) -> bool:
        existed = bool(self.docs.get(ids=[doc_id])["ids"])
        # Record first: its chunks and sentences become invisible at once, then go.
        self.docs.delete(ids=[doc_id])
        self._bump_revision()
        self.chunks.delete(where={"doc_id": doc_id})
        self.sentences.delete(where={"doc_id": doc_id})
        return existed

    def gc(self) -> int:
        committed = set(_get_all(self.docs, [])["ids"])
        orphans = self._orphans(self.chunks, committed)
        self._orphans(self.sentences, committed)
        return orphans

    @staticmethod
    def _orphans(collection, committed: set[str]) -> int:
        """Delete the entries of ``collection`` whose document is not committed; returns how many."""
        res = _get_all(collection, ["metadatas"])
        orphans = [i for i, m in zip(res["ids"], res["metadatas"]) if m.get("doc_id") not in committed]
        for i in range(0, len(orphans), _BATCH):
            collection.delete(ids=orphans[i : i + _BATCH])
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
