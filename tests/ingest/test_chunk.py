import pytest

from ingest.chunk import chunk_document
from rag.text.sentences import split_sentences
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_chunk_and_sentence_spans_equal_the_text_at_their_offsets(path):
    text = path.read_text(encoding="utf-8")
    chunks = chunk_document("d", text, chunk_chars=700, overlap=1)
    assert chunks, "Test requires a corpus file that yields chunks"
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert c.sentences[0].start == c.start and c.sentences[-1].end == c.end
        for s in c.sentences:
            assert c.start <= s.start < s.end <= c.end
            assert text[s.start : s.end].strip() == text[s.start : s.end]


def test_chunks_respect_size_and_overlap_one_sentence():
    text = " ".join(f"Sentence number {i} says something about topic {i}." for i in range(60))
    chunks = chunk_document("d", text, chunk_chars=300, overlap=1)
    assert len(chunks) > 3
    for a, b in zip(chunks, chunks[1:]):
        assert b.sentences[0] == a.sentences[-1], "consecutive chunks should share one sentence"
    assert all(len(c.text) <= 300 for c in chunks)


def test_chunk_prefers_paragraph_breaks_once_half_full():
    para1 = " ".join(["Alpha beta gamma delta epsilon."] * 6)
    para2 = " ".join(["Zeta eta theta iota kappa."] * 6)
    text = para1 + "\n\n" + para2
    chunks = chunk_document("d", text, chunk_chars=350, overlap=0)
    assert len(chunks) == 2, "two paragraphs of ~190 chars fit in 350 only separately"
    assert chunks[1].text.startswith("Zeta"), [c.text[:20] for c in chunks]


def test_chunk_ids_are_stable_and_depend_on_doc_and_text():
    text = "One sentence here. Another sentence there."
    a = chunk_document("doc1", text)
    assert [c.chunk_id for c in a] == [c.chunk_id for c in chunk_document("doc1", text)]
    assert a[0].chunk_id != chunk_document("doc2", text)[0].chunk_id


def test_sentences_split_lines_and_keep_abbreviations():
    text = "Headline Without Period\nGen. Smith said the U.S. team left at 5 p.m. on Monday. It rained.\n\nBy Jane Doe"
    got = [text[s.start : s.end] for s in split_sentences(text)]
    assert got[0] == "Headline Without Period"
    assert "By Jane Doe" in got
    assert "It rained." in got


def test_overlong_sentence_is_broken_below_limit():
    from rag.text.sentences import MAX_SENTENCE_CHARS

    text = ", ".join(["a clause with several words in it"] * 60) + "."
    spans = split_sentences(text)
    assert len(spans) > 1
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in spans)
