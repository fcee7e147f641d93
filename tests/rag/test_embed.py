"""Span pooling ("late chunking"): the pure pooling rule, and the real embedders keeping their chunk vectors."""

import numpy as np
import pytest

from rag.embed import OnnxEmbedder, OpenAIEmbedder, SentenceTransformerEmbedder, SpanEmbedder, pool_spans

TEXTS = [
    "Mali said the wreckage was found 9.5km inside its borders. Algeria said the drone entered its airspace.",
    "The Algerian army shot down the drone near Tinzaouaten.",
    "Short one.",
]


def _spans(text: str) -> list[tuple[int, int]]:
    """Sentence offsets of the test texts (split after '. ')."""
    out, start = [], 0
    while (cut := text.find(". ", start)) != -1:
        out.append((start, cut + 1))
        start = cut + 2
    return out + [(start, len(text))]


SPANS = [_spans(t) for t in TEXTS]


@pytest.mark.unit
def test_pool_spans_means_the_tokens_inside_each_span_plus_the_special_tokens():
    hidden = np.array([[1, 0], [0, 1], [0, 3], [5, 0], [1, 1]], dtype=np.float32)  # [CLS] a b c [SEP]
    offsets = np.array([[0, 0], [0, 3], [4, 6], [7, 9], [0, 0]])
    special = np.array([True, False, False, False, True])
    got = pool_spans(hidden, offsets, special, [(0, 6), (7, 9)])
    first = hidden[[0, 1, 2, 4]].mean(0)
    second = hidden[[0, 3, 4]].mean(0)
    assert np.allclose(got[0], first / np.linalg.norm(first))
    assert np.allclose(got[1], second / np.linalg.norm(second))


@pytest.mark.unit
def test_pool_spans_gives_nan_for_a_span_with_no_token():
    hidden = np.ones((3, 2), dtype=np.float32)
    offsets = np.array([[0, 0], [0, 3], [0, 0]])
    special = np.array([True, False, True])
    got = pool_spans(hidden, offsets, special, [(0, 3), (10, 20)])
    assert np.isfinite(got[0]).all() and np.isnan(got[1]).all()


@pytest.mark.unit
def test_only_local_backends_pool_spans():
    assert not isinstance(OpenAIEmbedder("http://127.0.0.1:1", "m"), SpanEmbedder)
    assert isinstance(OnnxEmbedder.__new__(OnnxEmbedder), SpanEmbedder)
    assert isinstance(SentenceTransformerEmbedder.__new__(SentenceTransformerEmbedder), SpanEmbedder)


def _onnx_reference(emb: OnnxEmbedder, texts: list[str]) -> np.ndarray:
    """embed_documents as it was before span pooling existed (batched by length, masked mean, L2)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    ordered = [texts[i] for i in order]
    out = []
    for i in range(0, len(ordered), emb.batch_size):
        enc = emb._tok.encode_batch(ordered[i : i + emb.batch_size])
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        (hidden,) = emb._session.run(None, feed)
        m = mask[..., None].astype(np.float32)
        out.append((hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9))
    vecs = np.empty((len(texts), out[0].shape[1]), dtype=np.float32)
    cat = np.concatenate(out).astype(np.float32)
    vecs[order] = cat / np.maximum(np.linalg.norm(cat, axis=-1, keepdims=True), 1e-12)
    return vecs


def _check_pooled(emb, out) -> None:
    """Properties every real span embedder must have on TEXTS/SPANS."""
    assert [v.shape[0] for v in out.spans] == [len(s) for s in SPANS]
    # A one-sentence text pools exactly to its own vector.
    assert np.allclose(out.spans[1][0], out.texts[1], atol=1e-6)
    assert np.allclose(out.spans[2][0], out.texts[2], atol=1e-6)
    # A sentence pooled inside its chunk stays close to the same sentence embedded alone.
    a, b = SPANS[0][0]
    alone = emb.embed_documents([TEXTS[0][a:b]])[0]
    assert float(out.spans[0][0] @ alone) > 0.8
    assert np.allclose(np.linalg.norm(np.concatenate(out.spans), axis=1), 1.0, atol=1e-5)


@pytest.mark.integration
def test_onnx_span_pooling_keeps_chunk_vectors_bit_identical():
    emb = OnnxEmbedder(batch_size=2)  # several batches, like a real ingest
    emb.warm_up()
    out = emb.embed_documents_with_spans(TEXTS, SPANS)
    assert np.array_equal(out.texts, _onnx_reference(emb, TEXTS))
    assert np.array_equal(out.texts, emb.embed_documents(TEXTS))
    _check_pooled(emb, out)


@pytest.mark.integration
def test_onnx_span_cut_off_by_truncation_is_nan():
    emb = OnnxEmbedder()
    long = "Word " * 400 + "Last sentence here."
    out = emb.embed_documents_with_spans([long], [[(0, 10), (2000, len(long))]])
    assert np.isfinite(out.spans[0][0]).all() and np.isnan(out.spans[0][1]).all()


@pytest.mark.integration
@pytest.mark.slow
def test_sentence_transformers_span_pooling_keeps_chunk_vectors():
    emb = SentenceTransformerEmbedder(batch_size=2)
    out = emb.embed_documents_with_spans(TEXTS, SPANS)
    assert np.array_equal(out.texts, emb.embed_documents(TEXTS))
    _check_pooled(emb, out)
