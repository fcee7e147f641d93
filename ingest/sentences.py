"""Sentence spans: the splitter lives in the text layer (:mod:`rag.text.sentences`); re-exported for ingest callers."""

from rag.text.sentences import MAX_SENTENCE_CHARS, paragraph_starts, split_sentences

__all__ = ["MAX_SENTENCE_CHARS", "paragraph_starts", "split_sentences"]
