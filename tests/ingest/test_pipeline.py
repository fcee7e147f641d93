import shutil

import numpy as np
import pytest

from ingest.pipeline import ingest_paths, merge_sentence_vectors
from rag.errors import StoreError
from rag.settings import get_settings
from rag.store import ChromaStore
from rag.types import Chunk, Span
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit


@pytest.fixture
def setup(tmp_path, fake_embedder):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    settings = get_settings(overrides={"store.path": str(tmp_path / "store")})
    store = ChromaStore(settings)

    def run(*paths):
        return ingest_paths(list(paths) or [corpus], settings, store=store, embedder=fake_embedder)

    return corpus, store, run


def test_ingest_bundled_corpus_then_rerun_changes_nothing(setup):
    corpus, store, run = setup
    first = run()
    assert first.count("added") == 5 and first.chunks > 20
    ids = sorted(c.chunk_id for c in store.all_chunks())
    second = run()
    assert second.count("unchanged") == 5 and second.count("added") == 0 and second.chunks == 0
    assert sorted(c.chunk_id for c in store.all_chunks()) == ids


def test_changed_file_replaces_its_old_chunks(setup):
    corpus, store, run = setup
    run()
    path = sorted(corpus.glob("000_*.txt"))[0]
    old_id = [d.doc_id for d in store.list_documents() if d.source == str(path.resolve())][0]
    path.write_text(path.read_text(encoding="utf-8") + "\nA brand new closing sentence was added here.", encoding="utf-8")
    report = run()
    assert report.count("updated") == 1 and report.count("unchanged") == 4
    docs = store.find_by_source(str(path.resolve()))
    assert len(docs) == 1 and docs[0].doc_id != old_id
    assert not [c for c in store.all_chunks() if c.doc_id == old_id]
    assert store.chunks.get(where={"doc_id": old_id})["ids"] == [], "old chunks must be deleted, not just hidden"


def test_exact_duplicate_under_another_name_is_reported_not_stored(setup):
    corpus, store, run = setup
    run()
    dup = corpus / "copy_of_001.txt"
    shutil.copy(sorted(corpus.glob("001_*.txt"))[0], dup)
    report = run()
    res = [f for f in report.files if f.path.endswith("copy_of_001.txt")][0]
    assert res.status == "duplicate" and "001_" in res.reason
    assert len(store.list_documents()) == 5


def test_bad_files_are_skipped_with_reasons_and_the_rest_goes_in(setup, tmp_path):
    corpus, store, run = setup
    (corpus / "empty.txt").write_text("")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    (corpus / "image.png").write_bytes(b"\x89PNG")
    report = run(corpus, tmp_path / "missing.txt")
    skipped = {f.path.rsplit("/", 1)[-1]: f.reason for f in report.files if f.status == "skipped"}
    assert set(skipped) >= {"empty.txt", "binary.txt", "image.png", "missing.txt"}, skipped
    assert all(reason for reason in skipped.values())
    assert report.count("added") == 5


def fail_third_document_write(store, monkeypatch):
    """Commit one document at a time and make the third document-record write fail; returns the real upsert."""
    monkeypatch.setattr("ingest.pipeline.EMBED_GROUP", 1)
    real_upsert = store.docs.upsert
    calls = {"n": 0}

    def failing_upsert(*a, **kw):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full (simulated)")
        return real_upsert(*a, **kw)

    monkeypatch.setattr(store.docs, "upsert", failing_upsert)
    return real_upsert


def test_interrupted_ingest_leaves_store_usable_and_rerun_completes(setup, monkeypatch):
    corpus, store, run = setup
    real_upsert = fail_third_document_write(store, monkeypatch)
    with pytest.raises(StoreError, match="Re-run ingest"):
        run()
    committed = store.list_documents()
    assert len(committed) == 2, "documents written before the failure stay usable"
    visible = {c.doc_id for c in store.all_chunks()}
    assert visible == {d.doc_id for d in committed}, "chunks of the failed document must be invisible"
    monkeypatch.setattr(store.docs, "upsert", real_upsert)
    report = run()
    assert report.count("added") == 3 and report.count("unchanged") == 2
    assert report.orphans_removed > 0
    assert len(store.list_documents()) == 5


def test_merge_sentence_vectors_averages_the_overlap_and_drops_cut_off_sentences():
    s = [Span(start=0, end=5), Span(start=6, end=11), Span(start=12, end=17)]
    chunks = [Chunk(chunk_id=f"c{i}", doc_id="d", index=i, start=g[0].start, end=g[-1].end, text="x", sentences=g)
              for i, g in enumerate([s[:2], s[1:]])]
    a, b, c, d = np.eye(4, dtype=np.float32)
    merged = merge_sentence_vectors(chunks, [np.stack([a, b]), np.stack([c, np.full(4, np.nan)])])
    assert merged.spans == s[:2]
    assert np.allclose(merged.vectors[0], a)
    assert np.allclose(merged.vectors[1], (b + c) / np.linalg.norm(b + c)), "the shared sentence gets one mean vector"


@pytest.fixture
def span_setup(setup, span_embedder):
    corpus, store, _ = setup
    settings = store.settings

    def run(embedder=span_embedder):
        return ingest_paths([corpus], settings, store=store, embedder=embedder)

    return corpus, store, run


def test_ingest_stores_one_vector_per_sentence(span_setup):
    _, store, run = span_setup
    report = run()
    keys = {(c.doc_id, s.start) for c in store.all_chunks() for s in c.sentences}
    assert len(store.get_sentence_vectors(sorted(keys))) == len(keys) == store.sentences.count()
    assert sum(d.n_sentence_vectors for d in store.list_documents()) == len(keys)
    assert report.count("added") == 5 and run().count("unchanged") == 5


def test_store_built_without_sentence_vectors_is_reindexed_once(span_setup, fake_embedder):
    _, store, run = span_setup
    run(fake_embedder)  # an embedder that cannot pool: the store of an older version
    ids = sorted(c.chunk_id for c in store.all_chunks())
    assert store.sentences.count() == 0
    report = run()
    assert report.count("updated") == 5 and all(f.reason for f in report.files)
    assert sorted(c.chunk_id for c in store.all_chunks()) == ids and len(store.list_documents()) == 5
    assert store.sentences.count() > 0 and all(d.n_sentence_vectors for d in store.list_documents())
    assert run().count("unchanged") == 5


def test_interrupted_ingest_hides_and_collects_sentence_vectors(span_setup, monkeypatch):
    _, store, run = span_setup
    real_upsert = fail_third_document_write(store, monkeypatch)
    with pytest.raises(StoreError):
        run()
    committed = {d.doc_id for d in store.list_documents()}
    stored = store.sentences.get(include=["metadatas"])["metadatas"]
    orphan_keys = [(m["doc_id"], m["start"]) for m in stored if m["doc_id"] not in committed]
    assert orphan_keys, "the failed document's sentence vectors were written before its record"
    assert store.get_sentence_vectors(orphan_keys) == {}
    monkeypatch.setattr(store.docs, "upsert", real_upsert)
    run()
    assert store.sentences.count() == sum(d.n_sentence_vectors for d in store.list_documents())


def test_a_group_of_documents_is_written_with_one_upsert_per_collection(span_setup, monkeypatch):
    _, store, run = span_setup
    calls = []

    def logged(name, real):
        def upsert(*a, **kw):
            calls.append(name)
            return real(*a, **kw)
        return upsert

    for name in ("chunks", "sentences", "docs"):
        col = getattr(store, name)
        monkeypatch.setattr(col, "upsert", logged(name, col.upsert))
    assert run().count("added") == 5
    assert calls == ["chunks", "sentences", "docs"], "records (the commit markers) come last, once per group"
