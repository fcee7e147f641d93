import numpy as np
import pytest

from rag.errors import StoreError
from rag.settings import get_settings
from rag.store import ChromaStore, DocumentWrite
from rag.types import Chunk, DocMeta, Removal, SentenceVectors, SourceDoc, Span

pytestmark = pytest.mark.unit


def _doc(doc_id="d1", source="/x/a.txt", text="Alpha one. Beta two. Gamma three."):
    return SourceDoc(doc_id=doc_id, source=source, text=text, file_hash="f" * 64,
                     meta=DocMeta(title="T " + doc_id, author="Jane"), removed=[Removal(start=0, end=3, text="xyz", reason="junk")])


def _chunks(doc):
    spans = [Span(start=0, end=10), Span(start=11, end=20), Span(start=21, end=len(doc.text))]
    return [Chunk(chunk_id=f"{doc.doc_id}-{i}", doc_id=doc.doc_id, index=i, start=s.start, end=s.end,
                  text=doc.text[s.start:s.end], sentences=[s]) for i, s in enumerate(spans)]


def _vecs(n, seed=0):
    v = np.random.default_rng(seed).normal(size=(n, 8)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture
def store(tmp_path):
    return ChromaStore(get_settings(overrides={"store.path": str(tmp_path / "s")}))


def test_write_read_roundtrip_keeps_text_offsets_and_metadata(store):
    doc = _doc()
    rec = store.write_document(doc, _chunks(doc), _vecs(3))
    assert rec.n_chunks == 3 and rec.meta.author == "Jane"
    got = store.get_document("d1")
    assert got.text == doc.text and got.removed[0].reason == "junk"
    chunks = store.all_chunks()
    assert [c.text for c in chunks] == ["Alpha one.", "Beta two.", "Gamma three."]
    assert all(got.text[c.start:c.end] == c.text for c in chunks)


def test_dense_search_returns_nearest_first(store):
    doc = _doc()
    vecs = _vecs(3)
    store.write_document(doc, _chunks(doc), vecs)
    hits = store.dense_search(vecs[1], 3)
    assert hits[0][0].chunk_id == "d1-1" and hits[0][1] == pytest.approx(1.0, abs=1e-4)


def test_chunks_without_a_document_record_are_invisible_and_collected(store):
    doc = _doc()
    chunks = _chunks(doc)
    store.chunks.upsert(ids=[c.chunk_id for c in chunks], embeddings=_vecs(3).tolist(),
                        documents=[c.text for c in chunks],
                        metadatas=[{"doc_id": "d1", "index": c.index, "start": c.start, "end": c.end,
                                    "sentences": "[]"} for c in chunks])
    assert store.all_chunks() == [] and store.dense_search(_vecs(1)[0], 3) == []
    assert store.gc() == 3
    assert store.chunks.count() == 0


def test_delete_and_revision(store):
    r0 = store.revision()
    doc = _doc()
    store.write_document(doc, _chunks(doc), _vecs(3))
    r1 = store.revision()
    assert r1 != r0
    assert store.delete_document("d1") is True
    assert store.delete_document("d1") is False
    assert store.chunks.count() == 0 and store.list_documents() == []


def test_find_by_source_and_get_records(store):
    for i in range(2):
        d = _doc(doc_id=f"d{i}", source=f"/x/{i}.txt")
        store.write_document(d, _chunks(d), _vecs(3, i))
    assert [r.doc_id for r in store.find_by_source("/x/1.txt")] == ["d1"]
    assert set(store.get_records(["d0", "d1", "nope"])) == {"d0", "d1"}


def test_collections_are_named_by_index_key(tmp_path):
    a = ChromaStore(get_settings(overrides={"store.path": str(tmp_path)}))
    b = ChromaStore(get_settings(overrides={"store.path": str(tmp_path), "ingest.chunk_chars": "500"}))
    assert a.chunks.name != b.chunks.name, "changing chunking must never mix vectors in one collection"


def _sentences(doc, seed=7):
    spans = [c.sentences[0] for c in _chunks(doc)]
    return SentenceVectors(spans=spans, vectors=_vecs(len(spans), seed))


def test_sentence_vectors_roundtrip_by_doc_and_start(store):
    doc = _doc()
    sents = _sentences(doc)
    rec = store.write_document(doc, _chunks(doc), _vecs(3), sents)
    assert rec.n_sentence_vectors == 3 and store.list_documents()[0].n_sentence_vectors == 3
    got = store.get_sentence_vectors([("d1", 11), ("d1", 0), ("d1", 999), ("other", 0)])
    assert set(got) == {("d1", 0), ("d1", 11)}
    assert np.allclose(got[("d1", 11)], sents.vectors[1], atol=1e-6)


def test_store_without_sentence_vectors_reads_as_empty(store):
    doc = _doc()
    rec = store.write_document(doc, _chunks(doc), _vecs(3))
    assert rec.n_sentence_vectors == 0
    assert store.get_sentence_vectors([("d1", 0)]) == {} and store.get_sentence_vectors([]) == {}


def test_delete_removes_sentence_vectors(store):
    doc = _doc()
    store.write_document(doc, _chunks(doc), _vecs(3), _sentences(doc))
    store.delete_document("d1")
    assert store.sentences.count() == 0 and store.get_sentence_vectors([("d1", 0)]) == {}


def test_interrupted_write_leaves_no_visible_sentence_vectors_and_gc_removes_them(store, monkeypatch):
    doc = _doc()

    def fail(*a, **kw):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(store.docs, "upsert", fail)
    with pytest.raises(StoreError):
        store.write_document(doc, _chunks(doc), _vecs(3), _sentences(doc))
    assert store.sentences.count() == 3, "sentence vectors are written before the record"
    assert store.get_sentence_vectors([("d1", 0), ("d1", 11)]) == {}
    monkeypatch.undo()
    assert store.gc() == 3
    assert store.sentences.count() == 0


def test_write_documents_stores_a_batch_and_a_failed_batch_commits_nothing(store, monkeypatch):
    docs = [_doc(doc_id=f"d{i}", source=f"/x/{i}.txt") for i in range(2)]
    recs = store.write_documents([DocumentWrite(d, _chunks(d), _vecs(3, i), _sentences(d)) for i, d in enumerate(docs)])
    assert [r.doc_id for r in recs] == ["d0", "d1"] and len(store.all_chunks()) == 6
    more = [_doc(doc_id=f"e{i}", source=f"/y/{i}.txt") for i in range(2)]

    def fail(*a, **kw):
        raise RuntimeError("disk full (simulated)")

    monkeypatch.setattr(store.docs, "upsert", fail)
    with pytest.raises(StoreError, match="Re-run ingest"):
        store.write_documents([DocumentWrite(d, _chunks(d), _vecs(3), _sentences(d)) for d in more])
    assert {r.doc_id for r in store.list_documents()} == {"d0", "d1"}
    assert {c.doc_id for c in store.all_chunks()} == {"d0", "d1"}
    assert store.get_sentence_vectors([("e0", 0), ("e1", 0)]) == {}


def test_whole_collection_reads_are_paged(store, monkeypatch):
    # Chroma fails a whole-collection get beyond ~30 k rows ("too many SQL variables"); reads go in pages.
    import rag.store as store_mod

    monkeypatch.setattr(store_mod, "_PAGE", 2)
    calls = []
    real_get = type(store.chunks).get

    def spy(self, *a, **kw):
        calls.append(kw.get("limit"))
        return real_get(self, *a, **kw)

    monkeypatch.setattr(type(store.chunks), "get", spy)
    for i in range(3):
        doc = _doc(doc_id=f"d{i}", source=f"/x/{i}.txt")
        store.write_document(doc, _chunks(doc), _vecs(3, seed=i))
    store.chunks.add(ids=["orphan-0"], documents=["x"], embeddings=_vecs(1).tolist(),
                     metadatas=[{"doc_id": "gone", "index": 0, "start": 0, "end": 1, "sentences": "[]"}])
    assert len(store.all_chunks()) == 9
    assert len(store.list_documents()) == 3
    assert store.gc() == 1
    assert len(store.chunks.get(include=[])["ids"]) == 9
    assert 2 in calls, "whole-collection reads must pass a page size"
