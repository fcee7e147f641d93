"""Find where evidence sentences contradict each other, and quote both sides.

The detector is deterministic: claim analysis (:mod:`rag.claims`) plus sentence
similarity, with an NLI signal (``rag/nli/``, our 3-way model by default). No LLM is involved.

1. **Units.** Each evidence sentence is one unit, except a sentence that reports two
   parties disagreeing ("while Bamako authorities claim X, local sources insist Y"),
   which becomes one unit per clause, each quoted with its own span and speaker.
2. **Candidate pairs.** Units from different documents, or from one document when they
   are attributed to different parties (or are the two clauses of one sentence), whose
   cosine similarity is at least ``settings.min_similarity``; highest similarity first,
   at most ``settings.max_pairs``.
3. **Signals** per pair, each in [0, 1]:

   ``quantity``
       same dimension (after unit conversion: 2 km == 1.24 miles), values apart by more
       than the tolerance, about the same thing (shared words near the numbers, or one
       quantity of that kind per sentence in closely related sentences);
   ``date``
       dates that disagree on a field both state, around the same words;
   ``negation``
       one side negates or denies ("not", "never", "denies", "rejecting X's claim that")
       what the other asserts (overlap of the negated words or action with the other side);
   ``agent``
       the same action (shot/brought down, downed...) done by different named agents, or an
       agent one side names and the other explicitly excludes ("not shot down by its forces");
   ``substitution``
       near-identical wording with a different name, number or date in the same slot
       (what copied-and-altered reports look like);
   ``contrast``
       the text itself reports the disagreement: two clauses of one sentence with
       different speakers, or "However, Mali ..." right after another party's claim;
   ``similarity`` (cosine - 0.5), ``same_party`` (both attributed to one party: people
   rarely contradict themselves) and ``nli`` (NLI contradiction probability - 0.5).

4. **Score** = logistic(bias + sum of weight x signal), with the defaults in
   ``ConflictSettings``: bias -4; quantity 5, date 4.5, negation 4, agent 5,
   substitution 4.5, contrast 6, similarity 3, same_party -2.5, nli 4 (NLI centred at
   0.75); threshold 0.7. One full-strength content signal between closely related
   sentences (cosine 0.6-0.9) gives 0.8-0.95; partial or weakly related evidence stays
   below 0.7. How they were chosen (``benchmarks/conflicts_calibration.py``):

   * A balanced logistic fit on 7,735 candidate pairs from RGB and RealTimeQA (736 true
     pairs) gave substitution 5.2, agent 5.1, date 2.6, quantity 2.1. We kept the
     hand-set, somewhat larger quantity/date weights (the corpus distances must pass with
     partial evidence). Negation and contrast almost never fire in that data (negation's
     fitted weight, -1.6, only reflects noise pairs), so they are set from the corpus
     cases. The fit's negative similarity weight comes from RGB's identical true/fake
     copies of non-answer sentences and was not adopted.
   * Among pairs near the threshold, aegis NLI separates true from false pairs with AUC
     0.78, but related non-conflicting pairs already average p = 0.77 (true ones 0.92).
     A fit of [cheap score, p] puts the neutral point at p = 0.72 with weight 4.1, hence
     ``nli_center`` 0.75 and weight 4: NLI can lower a score by up to 3 and raise it by up
     to 1. It confirms or vetoes cheap-signal candidates and never creates a conflict on its
     own (alone it has precision 0.50 on the NLI test sets).
   * Threshold sweep (question level; RGB questions run with and without their fake docs):

     ===========  ======  ==================  ===================  ===========================
     NLI          thr     RGB precision       RGB recall (F1)      RealTimeQA false flags
     ===========  ======  ==================  ===================  ===========================
     aegis        0.70    0.940               0.940 (0.940)        0 / 250
     none         0.70    0.937               0.890 (0.913)        0 / 250
     none         0.50    0.913               0.940 (0.926)        0 / 250
     ===========  ======  ==================  ===================  ===========================

   With our 3-way model (``conflicts.nli = "corroborate"``, the default since issue 6) the centre is its
   neutral point 0.5: RGB precision 0.959, recall 0.930, F1 0.944, RealTimeQA 0 / 250 false flags
   (centre 0.3: F1 0.926; 0.7: F1 0.933).

   NLI runs only on the ``nli_max_pairs`` candidates it could move across the threshold
   (least push needed first), one pair per call, both orders averaged; never on the two
   clauses of one sentence, where the text itself reports the disagreement.
5. **Merging.** Pairs at or above ``settings.threshold`` that share a sentence and are about
   the same fact (same kind and dimension/action, or overlapping shared words) become one
   :class:`Conflict`; sides are split into camps, and a one-line summary is templated from
   the extracted claims.

Modules, in pipeline order: ``units`` (steps 1-2), ``signals`` (3), ``scoring`` (4),
``merge`` and ``summary`` (5); ``detect`` holds the entry points (:func:`find_conflicts`,
:func:`scan_conflicts`, :func:`scan_store`, :func:`contradiction_score`, :func:`analyze_pairs`),
``relevance`` decides whether a conflict bears on the question (:func:`bears_on_question`).

Example:
    >>> settings = get_settings()  # doctest: +SKIP
    >>> conflicts = find_conflicts(evidence, settings.conflicts, get_embedder(settings))  # doctest: +SKIP
    >>> print(conflicts[0].summary)  # doctest: +SKIP
    Distance (border, airspace): 2 km (Algeria) vs 9.5 km / denies any airspace violation (Mali)
"""

from __future__ import annotations

from rag.conflicts.detect import (
    DocInput,
    analyze_pairs,
    contradiction_score,
    find_conflicts,
    scan_conflicts,
    scan_store,
)
from rag.conflicts.merge import conflicts_from_pairs
from rag.conflicts.relevance import bears_on_question
from rag.conflicts.scoring import nli_center, score_pairs
from rag.conflicts.signals import SIGNALS, PairSignals
from rag.conflicts.units import Unit

__all__ = [
    "SIGNALS",
    "DocInput",
    "PairSignals",
    "Unit",
    "analyze_pairs",
    "bears_on_question",
    "conflicts_from_pairs",
    "contradiction_score",
    "find_conflicts",
    "nli_center",
    "scan_conflicts",
    "scan_store",
    "score_pairs",
]
