"""The text layer, at the bottom of the core: one table or function per job, which ingest, retrieval,
evidence, answerability, verification, claims, conflicts and eval all read instead of keeping copies.

- :mod:`~rag.text.tokens`: folded word terms (``words``), offset tokens (``tokenize``), the one ``STOPWORDS``;
- :mod:`~rag.text.stems`: the one stemmer (Snowball) and its irregular-form exceptions (``claim_stem``);
- :mod:`~rag.text.terms`: stemmed content words (``content_terms``, ``content_stems``);
- :mod:`~rag.text.numerals`: number words, ordinals and scales, ``numbers``;
- :mod:`~rag.text.months`: month and weekday names;
- :mod:`~rag.text.units`: unit surface forms, currency symbols, ``TERM_ALIASES``;
- :mod:`~rag.text.names`: rough proper names, name keys (``normalize_name``, ``skeleton``, ``entity_key``);
- :mod:`~rag.text.sentences`: sentence spans with exact offsets (Punkt, loaded on first use).
- :mod:`~rag.text.opposites`: words of opposite meaning (WordNet 3.0, ``opposite``; loaded on first use).
- :mod:`~rag.text.wordlists`: the word lists shipped in ``rag/data`` (``data_lines``).

It imports nothing from ``rag`` but ``rag.types``. The helpers below are re-exported for the callers of the
former ``rag/text.py``.
"""

from rag.text.names import NAME, SENTENCE_OPENERS, proper_names
from rag.text.numerals import NUMBER, numbers
from rag.text.stems import stem
from rag.text.terms import content_terms
from rag.text.tokens import STOPWORDS, WORD, fold, title_key, words
from rag.text.units import TERM_ALIASES

__all__ = [
    "NAME", "NUMBER", "SENTENCE_OPENERS", "STOPWORDS", "TERM_ALIASES", "WORD",
    "content_terms", "fold", "numbers", "proper_names", "stem", "title_key", "words",
]
