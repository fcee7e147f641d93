"""Claim analysis of one sentence: what it asserts, in a form two sentences can be compared on.

``analyze(text)`` returns a :class:`Claim` with

* quantities with units, normalised to a base unit per dimension (``2km``, ``2 km``,
  ``two kilometers``, ``1.24 miles`` all become metres, so 2 km == 1.24 miles), plus counts
  (``twenty militants`` -> 20, counted noun ``militant``) and money (``$10.4 billion``);
* dates: absolute (``April 7``, ``August 25, 2024``, ``January 2024``, ``13 July 2014``),
  bare years and weekdays (``Sunday``);
* negation and denial cues with their scope (``not shot down by its forces``,
  ``denies any airspace violation``, ``rejecting Algeria's claim that ...``);
* actions and their agents (``Algeria shot down``, ``brought down by the Azawad Liberation
  Front``, ``downed by Algerian army``, ``accused Algeria of downing``), with pronoun
  agents (``its forces``) resolved to the nearest preceding named entity;
* attribution (``Algeria said``, ``according to Algeria's defense ministry``, ``Mali
  maintains``, ``dismissed by Algeria``);
* named entities, compared with :func:`same_entity`, which matches spelling variants
  (Tinzaoutin / Tinzaouaten / Tin Zaouatine share a consonant skeleton) and demonyms
  (Algeria / Algerian, Mali / Malian) by a general rule, not a list of names.

Everything is regular expressions and small word lists: no model, no network, and about
a tenth of a millisecond per sentence.

One module per step; ``analysis`` runs the extractors:

* ``names``: name matching (tokens, stopwords, stems, number words, months, units and name keys
  come from the text layer, :mod:`rag.text`);
* ``model``: the result types; ``verbs``: the action and reporting verb lexicon;
* ``phrases``: noun phrases and the parties they name;
* ``actions``: action verbs and their agents; ``entities``: capitalised names;
* ``dates`` and ``quantities``: parsing, comparison and display;
* ``negation``: negation and denial cues; ``attribution``: speakers and per-speaker clauses;
* ``analysis``: :func:`analyze`.

Example:
    >>> c = analyze("Algeria said the drone penetrated 2km into its airspace.")
    >>> c.quantities[0].base_value, c.quantities[0].dimension, c.attributed_to
    (2000.0, 'length', 'Algeria')
"""

from __future__ import annotations

from rag.claims.analysis import analyze
from rag.claims.attribution import split_clauses
from rag.claims.dates import dates_conflict, dates_overlap
from rag.claims.model import Action, Claim, Clause, DateMention, Entity, Negation, Quantity
from rag.claims.names import same_entity
from rag.claims.quantities import format_quantity, quantities_differ
from rag.claims.verbs import REPORTING_STEMS, past_tense
from rag.text.names import entity_key, normalize_name, skeleton
from rag.text.stems import claim_stem as stem  # the stem claims compare, under the name conflicts use
from rag.text.terms import content_stems
from rag.text.tokens import STOPWORDS, Token, tokenize

__all__ = [
    "REPORTING_STEMS",
    "STOPWORDS",
    "Action",
    "Claim",
    "Clause",
    "DateMention",
    "Entity",
    "Negation",
    "Quantity",
    "Token",
    "analyze",
    "content_stems",
    "dates_conflict",
    "dates_overlap",
    "entity_key",
    "format_quantity",
    "normalize_name",
    "past_tense",
    "quantities_differ",
    "same_entity",
    "skeleton",
    "split_clauses",
    "stem",
    "tokenize",
]
