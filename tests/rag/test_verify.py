import pytest

from rag.settings import VerifySettings
from rag.text import content_terms
from rag.types import Evidence
from rag.verify import REWRITE_MIN_SIMILARITY, check_support, parse_keys, split_draft, verify_draft

pytestmark = pytest.mark.unit

EVIDENCE = [
    Evidence(key=1, doc_id="a", source="a.txt", title="A", start=0, end=10,
             text="Algeria said the drone was shot down after it penetrated 2km into its airspace near Tinzaoutin."),
    Evidence(key=2, doc_id="b", source="b.txt", title="B", start=5, end=20,
             text="Mali, however, maintains that the drone crashed 9.5km inside its territory and denies any airspace violation."),
    Evidence(key=3, doc_id="c", source="c.txt", title="C", start=0, end=10,
             text="Mali recalled its ambassador from Algiers."),
]


def test_parse_keys_handles_lists_and_ranges():
    assert parse_keys("1, 3") == [1, 3]
    assert parse_keys("2-4") == [2, 3, 4]
    assert parse_keys("5") == [5]


@pytest.mark.parametrize(
    "draft,expected",
    [
        ("The drone crashed 9.5km inside Mali [2]. Algeria says 2km [1].", [[2], [1]]),
        ("The drone crashed 9.5km inside Mali. [2] Algeria says 2km. [1]", [[2], [1]]),
        ("Both sides disagree [1][2].", [[1, 2]]),
        ("Both sides disagree [1, 2].", [[1, 2]]),
        ("No citation here.", [[]]),
    ],
)
def test_split_draft_attaches_citations_to_their_sentence(draft, expected):
    assert [s.cited for s in split_draft(draft)] == expected


def test_split_draft_strips_markers_from_text():
    (s,) = split_draft("Mali says the wreckage was 9.5km inside its territory [2].")
    assert s.text == "Mali says the wreckage was 9.5km inside its territory."


def test_support_rejects_numbers_absent_from_cited_text():
    ok, _, reasons = check_support("The drone crashed 12km inside Mali.", [EVIDENCE[1]], "", set(), 0.9, VerifySettings())
    assert not ok and any("numbers" in r for r in reasons)


def test_support_rejects_names_absent_from_cited_text():
    ok, _, reasons = check_support("Morocco shot down the drone near Tinzaoutin.", [EVIDENCE[0]], "", set(), 0.9, VerifySettings())
    assert not ok and any("morocco" in r for r in reasons)


def test_support_rejects_an_added_negation():
    ok, _, reasons = check_support("Algeria did not shoot down the drone.", [EVIDENCE[0]], "", set(), 0.9, VerifySettings())
    assert not ok and any("negation" in r for r in reasons)


def test_support_accepts_a_faithful_paraphrase():
    ok, score, reasons = check_support(
        "Mali maintains the drone crashed 9.5 kilometers inside its territory.", [EVIDENCE[1]], "", set(), 0.8, VerifySettings()
    )
    assert ok, reasons
    assert score > 0.5


def test_support_accepts_names_found_in_the_surrounding_chunk():
    ev = Evidence(key=1, doc_id="a", source="a", title="A", start=0, end=5, text="The drone crashed 9.5km inside its territory.")
    ok, _, reasons = check_support("Mali says the drone crashed 9.5km inside its territory.", [ev],
                                   "Mali, however, maintains that the drone crashed", set(), 0.9, VerifySettings())
    assert ok, reasons


def test_verify_draft_supported_recited_and_removed(fake_embedder):
    draft = (
        "Mali maintains that the drone crashed 9.5km inside its territory [2]. "
        "Mali recalled its ambassador from Algiers [1]. "
        "The drone was made in France and cost 40 million dollars [2]."
    )
    out = verify_draft(draft, EVIDENCE, "What happened to the drone?", fake_embedder, VerifySettings())
    statuses = [c.verdict.status for c in out]
    assert statuses == ["supported", "recited", "removed"]
    assert out[1].keys == [3], "the wrongly cited sentence should be re-cited to the evidence that supports it"
    assert out[2].keys == []


def test_verify_draft_drops_sentences_about_the_evidence(fake_embedder):
    out = verify_draft("Mali maintains that the drone crashed 9.5km inside its territory [2]. This can be found in evidence [2].",
                       EVIDENCE, "Where did it crash?", fake_embedder, VerifySettings())
    assert [c.verdict.status for c in out] == ["supported", "removed"]


def test_verify_draft_flags_unknown_keys(fake_embedder):
    out = verify_draft("Mali recalled its ambassador from Algiers [7].", EVIDENCE, "q", fake_embedder, VerifySettings())
    assert out[0].verdict.status == "recited"
    assert any("[7]" in r for r in out[0].verdict.reasons)


def test_support_matches_codes_with_punctuation():
    ev = Evidence(key=1, doc_id="a", source="a", title="A", start=0, end=5,
                  text="The statement noted that the drone, registered as TZ-98D, dropped vertically.")
    ok, _, reasons = check_support("The drone was registered as TZ-98D.", [ev], "", set(), 0.9, VerifySettings())
    assert ok, reasons


def test_contradiction_veto_rejects_a_sentence_that_disagrees_with_its_span(fake_embedder):
    calls = []

    def contradiction(sentence, spans):
        calls.append(sentence)
        return 0.99 if "12" in sentence or "not" in sentence else 0.0

    ok, _, reasons = check_support("Mali maintains the drone crashed 9.5 kilometers inside its territory.", [EVIDENCE[1]],
                                   "", set(), 0.9, VerifySettings(), contradiction)
    assert ok and calls, "the veto runs on otherwise supported sentences"
    out = verify_draft("Mali denies the drone did not crash 9.5km inside its territory [2].", EVIDENCE, "q",
                       fake_embedder, VerifySettings(), contradiction=contradiction)
    assert out[0].verdict.status != "supported"
    assert any("contradicts" in r for r in out[0].verdict.reasons)


def test_names_and_numbers_from_the_question_are_framing_not_new_claims():
    ev = Evidence(key=7, doc_id="a", source="a", title="A", start=0, end=5, text=(
        "Local and humanitarian sources insist that most of the victims were civilians, including around ten children."))
    sentence = "The victims of the August 2024 drone strike were civilians, including around ten children."
    ok, _, reasons = check_support(sentence, [ev], "", set(), 0.8, VerifySettings())
    assert not ok and any("2024" in r for r in reasons)
    ok, _, reasons = check_support(sentence, [ev], "", set(), 0.8, VerifySettings(),
                                   question="Who were the victims of the August 2024 drone strike?")
    assert ok, reasons


def test_a_sentence_inventing_a_name_is_removed_not_rewritten(fake_embedder):
    draft = ("Mali, however, maintains that the drone crashed 9.5km inside its territory and denies any airspace "
             "violation, UNESCO reported [2].")
    sim = float(fake_embedder.embed_query(draft) @ fake_embedder.embed_query(EVIDENCE[1].text))
    assert sim >= REWRITE_MIN_SIMILARITY, "Test requires a draft close enough to be rewritten if it were a paraphrase"
    out = verify_draft(draft, EVIDENCE, "What did the UN say?", fake_embedder, VerifySettings())
    assert out[0].verdict.status == "removed", out[0].verdict


class FixedNLI:
    """An NLI stand-in returning fixed probabilities and recording the pairs it saw."""

    name = "fixed"

    def __init__(self, entailment: float, contradiction: float):
        from rag.nli import NLIScores

        self.scores = NLIScores(entailment=entailment, neutral=max(0.0, 1 - entailment - contradiction),
                                contradiction=contradiction)
        self.pairs: list[tuple[str, str]] = []

    def predict(self, premise, hypothesis):
        self.pairs.append((premise, hypothesis))
        return self.scores


def test_nli_vetoes_a_lexically_supported_sentence_its_span_contradicts():
    sentence = "Mali maintains the drone crashed 9.5 kilometers inside its territory."
    ok, _, _ = check_support(sentence, [EVIDENCE[1]], "", set(), 0.8, VerifySettings(), nli=FixedNLI(0.05, 0.6))
    assert ok, "below the contradiction threshold the NLI model does not veto"
    nli = FixedNLI(0.02, 0.95)
    ok, _, reasons = check_support(sentence, [EVIDENCE[1]], "", set(), 0.8, VerifySettings(), nli=nli)
    assert not ok and reasons == ["contradicted by the cited text (NLI 0.95)"]
    assert nli.pairs == [(EVIDENCE[1].text, sentence)], "premise = the cited spans, hypothesis = the sentence"


def test_nli_entailment_rescues_only_a_loose_paraphrase():
    loose = "The envoy in Algiers was called home by Mali."  # few shared content words with the span
    ok, _, reasons = check_support(loose, [EVIDENCE[2]], "", set(), 0.3, VerifySettings())
    assert not ok and all(r.startswith(("content overlap", "similarity")) for r in reasons), reasons
    ok, _, reasons = check_support(loose, [EVIDENCE[2]], "", set(), 0.3, VerifySettings(), nli=FixedNLI(0.95, 0.01))
    assert ok and reasons == []
    ok, _, _ = check_support(loose, [EVIDENCE[2]], "", set(), 0.3, VerifySettings(), nli=FixedNLI(0.85, 0.01))
    assert not ok, "below nli_entailment the wording tests stand"
    # an invented name is never overruled by entailment
    ok, _, reasons = check_support("Morocco recalled its ambassador from Algiers.", [EVIDENCE[2]], "", set(), 0.9,
                                   VerifySettings(), nli=FixedNLI(0.99, 0.0))
    assert not ok and any("morocco" in r for r in reasons)


def test_the_questions_framing_stated_as_fact_needs_the_spans_to_entail_it():
    span = Evidence(key=1, doc_id="a", source="a", title="A", start=0, end=5,
                    text="Amazon plans to lay off more than 18,000 employees, the company announced this week.")
    question = "Which company is the latest tech giant to announce significant layoffs?"
    q_terms = set(content_terms(question))
    framed = "Amazon is the latest tech giant to announce significant layoffs."
    # the question's words count half as missing: the sentence passes the wording tests
    ok, _, reasons = check_support(framed, [span], "", q_terms, 0.8, VerifySettings(framing_min_entailment=None),
                                   question=question, nli=FixedNLI(0.2, 0.1))
    assert ok, reasons
    ok, _, reasons = check_support(framed, [span], "", q_terms, 0.8, VerifySettings(), question=question,
                                   nli=FixedNLI(0.2, 0.1))
    assert not ok and reasons[0].startswith("states the question's 'latest tech giant") and "0.20" in reasons[0]
    # entailed, or nothing of the question's framing missing from the span: it stands
    assert check_support(framed, [span], "", q_terms, 0.8, VerifySettings(), question=question,
                         nli=FixedNLI(0.7, 0.1))[0]
    plain = "Amazon plans to lay off more than 18,000 employees."
    assert check_support(plain, [span], "", q_terms, 0.8, VerifySettings(), question=question,
                         nli=FixedNLI(0.2, 0.1))[0]


def test_verify_draft_removes_a_sentence_the_nli_model_contradicts(fake_embedder):
    draft = "Algeria said the drone was shot down near Tinzaoutin [1]."
    kept = verify_draft(draft, EVIDENCE, "Who shot down the drone?", fake_embedder, VerifySettings())
    assert kept[0].verdict.status == "supported"
    gone = verify_draft(draft, EVIDENCE, "Who shot down the drone?", fake_embedder, VerifySettings(),
                        nli=FixedNLI(0.0, 0.99))
    assert gone[0].verdict.status == "removed", "a contradicted sentence is neither re-cited nor rewritten"


TRAJECTORY = [
    Evidence(key=1, doc_id="a", source="a.txt", title="A", start=0, end=10,
             text="The ministry further clarified that the aircraft had entered Algerian airspace, exited, and then "
                  "returned on an attack trajectory."),
    Evidence(key=2, doc_id="a", source="a.txt", title="A", start=20, end=40,
             text="According to Algeria's defense ministry, the drone penetrated our airspace over a distance of 2km "
                  "before being shot down."),
    Evidence(key=3, doc_id="b", source="b.txt", title="B", start=0, end=10, text="Mali recalled its ambassador from Algiers."),
]


def test_a_passing_sentence_is_pointed_at_the_span_holding_its_missing_words(fake_embedder):
    sentence = "According to Algeria's defense ministry, the drone returned into its airspace on an attack trajectory"
    q = "On what kind of trajectory did the drone return?"
    from rag.text import content_terms

    ok, _, why = check_support(sentence, [TRAJECTORY[1]], "", set(content_terms(q)), 0.8, VerifySettings())
    assert ok, why or "the premise of this test: the overlap test alone accepts the wrong span"
    checked = verify_draft(f"{sentence} [2].", TRAJECTORY, q, fake_embedder, VerifySettings())
    assert 1 in checked[0].keys and 3 not in checked[0].keys
    assert checked[0].verdict.status == "recited"


def test_a_sentence_fully_inside_its_span_keeps_its_citation(fake_embedder):
    checked = verify_draft("Mali recalled its ambassador from Algiers [3].", TRAJECTORY, "Who recalled an ambassador?",
                           fake_embedder, VerifySettings())
    assert checked[0].keys == [3] and checked[0].verdict.status == "supported"


HOSTILE = [
    Evidence(key=1, doc_id="a", source="a.txt", title="A", start=0, end=10,
             text="Mali recalled its ambassador from Algiers."),
    Evidence(key=2, doc_id="b", source="b.txt", title="B", start=0, end=10,
             text="Mali's Security Minister, General Daoud Aly Mohammedine, described the downing as a "
                  "premeditated hostile action."),
    Evidence(key=3, doc_id="c", source="c.txt", title="C", start=0, end=10,
             text="Algeria's Foreign Ministry called Mali's accusations pathetic."),
]


def test_a_recited_sentence_joining_two_spans_cites_both(fake_embedder):
    sentence = ("General Daoud Aly Mohammedine described the downing as a premeditated hostile action, "
                "and the foreign ministry called the accusations pathetic")
    q = "Who called the downing hostile, and how did Algeria describe the accusations?"
    from rag.text import content_terms

    ok, _, why = check_support(sentence, [HOSTILE[1]], "", set(content_terms(q)), 0.8, VerifySettings())
    assert ok, why or "the premise: one span alone passes the overlap test"
    checked = verify_draft(f"{sentence}.", HOSTILE, q, fake_embedder, VerifySettings())  # cites nothing
    assert checked[0].verdict.status == "recited" and checked[0].keys == [2, 3]


def test_a_citation_the_sentence_does_not_need_is_dropped(fake_embedder):
    checked = verify_draft("Mali recalled its ambassador from Algiers [1][3].", HOSTILE, "Who recalled an ambassador?",
                           fake_embedder, VerifySettings())
    assert checked[0].keys == [1], "[3] (the ministry's 'pathetic') neither supports the sentence nor adds a word to it"


def test_a_second_source_supporting_the_sentence_alone_is_kept(fake_embedder):
    both = HOSTILE + [Evidence(key=4, doc_id="d", source="d.txt", title="D", start=0, end=10,
                               text="Mali recalled its ambassador from Algiers on Sunday.")]
    checked = verify_draft("Mali recalled its ambassador from Algiers [1][4].", both, "Who recalled an ambassador?",
                           fake_embedder, VerifySettings())
    assert checked[0].keys == [1, 4], "corroboration by another article is the point, not noise"


def test_joined_spans_must_not_fuse_one_subjects_answer_with_anothers_claim():
    q = "The foreign minister Lamamra travelled to which capital this week?"
    lamamra = Evidence(key=1, doc_id="a", source="a.txt", title="A", start=0, end=10,
                       text="Foreign minister Lamamra travelled this week for talks with his counterparts.")
    other = Evidence(key=2, doc_id="b", source="b.txt", title="B", start=0, end=10,
                     text="The president arrived in Niamey for a two-day visit.")
    fused = "The foreign minister Lamamra travelled to Niamey this week."
    ok, _, why = check_support(fused, [lamamra, other], "", set(), 0.8, VerifySettings(), question=q)
    assert not ok and any(r.startswith("joins 'niamey'") for r in why), why
    # the span that names the answer names the question's subject (here through its chunk): no fusion
    ok, _, why = check_support(fused, [lamamra, other], "", set(), 0.8, VerifySettings(), question=q,
                               span_contexts=["", "Lamamra met the president, who arrived in Niamey."])
    assert not any(r.startswith("joins") for r in why), why
    both = Evidence(key=3, doc_id="c", source="c.txt", title="C", start=0, end=10,
                    text="Lamamra landed in Niamey on Tuesday.")
    ok, _, why = check_support(fused, [lamamra, both], "", set(), 0.8, VerifySettings(), question=q)
    assert not any(r.startswith("joins") for r in why), why
    # one span alone is never a fusion, and a question that names no one gives nothing to anchor
    ok, _, why = check_support(fused, [other], "", set(), 0.8, VerifySettings(), question=q)
    assert not any(r.startswith("joins") for r in why)
    ok, _, why = check_support("A minister travelled to Niamey.", [lamamra, other], "", set(), 0.8, VerifySettings(),
                               question="Who travelled where this week?")
    assert not any(r.startswith("joins") for r in why)
