"""Metric definitions on hand-made answers with a keyword judge."""

import pytest

from eval.metrics import (
    aggregate,
    answer_sentences,
    both_sides_cited,
    citation_scores,
    contains_answer,
    faithfulness,
    normalize_answer,
    percentiles,
    ratios,
    retrieval_scores,
    score_answer,
)
from eval.schema import EvalQuestion
from rag.types import Conflict, ConflictSide
from tests.eval.conftest import cite, evidence, make_answer, make_record

pytestmark = pytest.mark.unit

A, B = "/c/000_aa.txt", "/c/001_bb.txt"


@pytest.mark.parametrize(
    "text, gold",
    [
        ("Mali says it crashed 9.5km inside Mali [2].", "9.5 km"),
        ("It came down 9.5 kilometres inside Mali.", "9.5km"),
        ("About two kilometers inside Algeria", "2 km"),
        ("The Tin Zaouatine strike", "tin zaouatine"),
        ("General Abdoulaye Maiga spoke.", "Abdoulaye Maïga"),
        ("More than 30,000 migrants", "30000"),
        ("It was the third violation.", "Third"),
        ("signed on June 15, 2015.", "June 15 2015"),
    ],
)
def test_normalisation_matches_equivalent_forms(text, gold):
    assert contains_answer(text, [gold])


def test_matching_is_on_whole_words_and_ignores_citation_markers():
    assert not contains_answer("It flew 19.5 km.", ["9.5 km"])
    assert not contains_answer("Algerians protested", ["Algeria"])
    assert not contains_answer("See [2].", ["2"]), "citation markers are not answers"
    assert normalize_answer("The drone, an aircraft!") == "drone aircraft"


def test_answer_sentences_attach_markers_after_quotes_and_drop_framing():
    s = answer_sentences("The articles say: “It fell 9.5km inside Mali.” [1] “Algeria shot it down.” [2]")
    assert [(x.text, x.cited) for x in s] == [("“It fell 9.5km inside Mali.”", [1]), ("“Algeria shot it down.”", [2])]
    s = answer_sentences("Sources disagree: Algeria: “It went 2km in.” [1]; Mali: “It fell inside Mali.” [2].")
    assert [x.cited for x in s] == [[1], [2]]
    assert [x.cited for x in answer_sentences("One claim here [1]. Another claim [2][3].")] == [[1], [2, 3]]
    s = answer_sentences('Sources disagree: “A title with no stop” [1]; Mali: “It said \"never.\"” [2]; “Third side.” [3].')
    assert [x.cited for x in s] == [[1], [2], [3]] and s[1].text.startswith("Mali:")


def test_a_disagreement_answer_is_judged_on_its_quotes_not_its_framing():
    s = answer_sentences("The sources disagree: one source gives “2 March 1881” [1]; another gives “3 March 1881” [2].")
    assert [(x.text.strip("“”. "), x.cited) for x in s] == [("2 March 1881", [1]), ("3 March 1881", [2])]
    s = answer_sentences("The sources disagree: one source says no: “The hut was built by Smith.” [1]; "
                         "another says yes, giving “Jones” [2].")
    assert [(x.text.strip("“”. "), x.cited) for x in s] == [("The hut was built by Smith", [1]), ("Jones", [2])]


def test_citation_recall_and_precision_follow_alce(judge):
    cits = [cite(1, "the drone crashed inside mali"), cite(2, "algeria denies everything"),
            cite(3, "the drone crashed"), cite(4, "inside mali")]
    sents = answer_sentences("The drone crashed inside Mali [1][2]. Algeria denies everything [2]. Unicorns exist [1]. No cite here.")
    recall, precision, supported = citation_scores(sents, cits, judge)
    assert supported == [True, True, False, False]
    assert recall == pytest.approx(2 / 4)
    # [1] supports alone; [2] neither supports alone nor is needed -> irrelevant; sentence 2: [2] correct;
    # sentence 3: unsupported, its citation is not correct. 2 correct of 4 citations.
    assert precision == pytest.approx(2 / 4)

    # Two partial citations that are each needed are both correct.
    sents = answer_sentences("The drone crashed inside Mali [3][4].")
    recall, precision, _ = citation_scores(sents, cits, judge)
    assert recall == 1.0 and precision == 1.0


def test_citation_scores_undefined_without_sentences_or_citations(judge):
    assert citation_scores([], [], judge) == (None, None, [])
    r, p, _ = citation_scores(answer_sentences("A claim without any marker."), [], judge)
    assert r == 0.0 and p is None


def test_faithfulness_uses_any_evidence_alone_or_in_pairs(judge):
    sents = answer_sentences("The drone crashed inside Mali. Algeria denies it. Unicorns exist.")
    ev = ["the drone crashed", "inside mali", "algeria denies it"]
    assert faithfulness(sents, ev, judge) == pytest.approx(2 / 3)
    assert faithfulness([], ev, judge) is None


def test_retrieval_recall_at_k_and_rank():
    q = EvalQuestion(id="x", question="?", gold_docs=["b", "d"])
    rank, rec = retrieval_scores(q, ["a", "b", "c", "d"])
    assert rank == 2 and rec == {"1": 0.0, "3": 0.5, "5": 1.0}
    assert retrieval_scores(q, ["a"]) == (None, {"1": 0.0, "3": 0.0, "5": 0.0})
    assert retrieval_scores(EvalQuestion(id="u", question="?", unanswerable=True, gold_docs=["b"]), ["b"]) == (None, {})


def test_both_sides_cited_by_document_and_by_claim():
    q = EvalQuestion(id="c", question="?", conflict=True, conflict_docs=[["000_aa"], ["001_bb"]])
    assert both_sides_cited(q, [cite(1, "x", A), cite(2, "y", B)]) is True
    assert both_sides_cited(q, [cite(1, "x", A), cite(2, "y", A)]) is False
    same_doc = EvalQuestion(id="c2", question="?", conflict=True, conflict_docs=[["000_aa"], ["000_aa"]],
                            conflict_answers=[["2 km"], ["9.5 km"]])
    assert both_sides_cited(same_doc, [cite(1, "went 2km in", A)]) is False
    assert both_sides_cited(same_doc, [cite(1, "went 2km in", A), cite(2, "fell 9.5km inside Mali", A)]) is True
    assert both_sides_cited(EvalQuestion(id="n", question="?"), []) is None


def test_score_answer_lists_what_went_wrong(judge):
    q = EvalQuestion(id="q", question="Where did it crash?", answers=["9.5km"], gold_docs=["001_bb"],
                     conflict=True, conflict_docs=[["000_aa"], ["001_bb"]])
    ev = [evidence(1, "it went 2km into algeria", A)]
    a = make_answer("It went 2km into Algeria [1]. It was loud.", [cite(1, "it went 2km into algeria", A)], ev)
    s = score_answer(q, a, judge)
    assert s.correct is False and s.citation_recall == 0.5 and s.gold_rank is None
    assert s.failures == [
        "wrong answer (no gold answer string found)",
        "missing citation (1 of 2 sentences uncited)",
        "sentence not backed by any evidence (faithfulness 0.50)",
        "no gold document retrieved",
        "conflict missed",
        "only one side of the conflict cited",
    ]
    side = ConflictSide(doc_id="d", source=A, title="t", start=0, end=1, text="x")
    good = make_answer("It fell 9.5km inside Mali [1].", [cite(1, "it fell 9.5km inside mali", B)],
                       [evidence(1, "it fell 9.5km inside mali", B)],
                       conflicts=[Conflict(kind="quantity", score=0.9, summary="s", sides=[side, side])])
    s = score_answer(q, good, judge)
    assert s.correct and s.citation_recall == 1.0 and s.cites_gold and s.conflict_pred
    assert s.failures == ["only one side of the conflict cited"]


def test_abstention_scoring(judge):
    un = EvalQuestion(id="u", question="Who won the World Cup?", unanswerable=True)
    ans = EvalQuestion(id="a", question="Who?", answers=["Mali"])
    s = score_answer(un, make_answer("The articles do not say who won.", abstained=True), judge)
    assert s.failures == [] and s.correct is None and s.citation_recall is None
    assert score_answer(un, make_answer("Argentina won [1].", [cite(1, "argentina won")]), judge).failures[0] == (
        "not abstained on an unanswerable question")
    assert score_answer(ans, make_answer("The articles do not say.", abstained=True), judge).failures == ["false abstention"]


def _rec(q, abstained, conflict_pred, correct=None, total=1.0, system="ours"):
    from eval.schema import QuestionScores

    a = make_answer("x", abstained=abstained, total=total)
    return make_record(q, a, QuestionScores(abstained=abstained, conflict_pred=conflict_pred, correct=correct), system=system)


def test_aggregate_abstention_and_conflict_confusion():
    un = [EvalQuestion(id=f"u{i}", question="?", unanswerable=True, tags=["unanswerable"]) for i in range(4)]
    an = [EvalQuestion(id=f"a{i}", question="?", answers=["x"], conflict=i < 2, tags=["single"]) for i in range(6)]
    recs = [_rec(un[0], True, False), _rec(un[1], True, False), _rec(un[2], False, False), _rec(un[3], False, True)]
    recs += [_rec(an[0], False, True, True), _rec(an[1], False, False, True), _rec(an[2], True, False, False)]
    recs += [_rec(an[i], False, False, i % 2 == 0) for i in range(3, 6)]
    recs.append(make_record(EvalQuestion(id="e", question="?"), None, error="boom"))
    m = aggregate(recs)
    assert m["abstention_precision"] == pytest.approx(2 / 3)
    assert m["abstention_recall"] == pytest.approx(2 / 4)
    assert m["false_abstention_rate"] == pytest.approx(1 / 6)
    assert m["conflict_confusion"] == {"tp": 1, "fp": 1, "fn": 1, "tn": 7}
    assert m["conflict_precision"] == 0.5 and m["conflict_recall"] == 0.5 and m["conflict_f1"] == 0.5
    assert m["answer_correctness"] == pytest.approx(3 / 6)
    assert m["counts"]["errors"] == 1 and m["counts"]["questions"] == 11
    assert m["by_tag"]["unanswerable"]["abstained"] == 0.5
    assert m["latency"]["total"]["n"] == 10


def test_conflict_f1_is_zero_when_nothing_is_flagged():
    q = EvalQuestion(id="c", question="?", conflict=True)
    m = aggregate([_rec(q, False, False)])
    assert m["conflict_precision"] is None and m["conflict_recall"] == 0.0 and m["conflict_f1"] == 0.0


def test_percentiles_and_ratios():
    p = percentiles([1.0, 2.0, 3.0, 4.0, 100.0])
    assert p["p50"] == 3.0 and p["p95"] == pytest.approx(80.8) and p["n"] == 5
    assert percentiles([])["p50"] is None
    r = ratios({"answer_correctness": 0.6, "mrr": 0.5}, {"answer_correctness": 0.3, "mrr": 0.0})
    assert r["answer_correctness"] == pytest.approx(2.0) and r["mrr"] is None


def test_both_answers_given_needs_two_sides_answers_in_the_text():
    from eval.metrics import both_answers_given
    from eval.schema import EvalQuestion
    from rag.types import Answer

    q = EvalQuestion(id="w", question="When did he die?", answers=["2 March 1881", "3 March 1881"], conflict=True,
                     conflict_docs=["c1", "c2"], gold_docs=["c1", "c2"])
    both = Answer(question=q.question, answer="The sources disagree: one gives “2 March 1881” [1]; another gives "
                  "“3 March 1881” [2].", abstained=False)
    one = Answer(question=q.question, answer="He died on 2 March 1881 [1].", abstained=False)
    assert both_answers_given(q, both) is True
    assert both_answers_given(q, one) is False
    plain = EvalQuestion(id="p", question="When?", answers=["1881"])
    assert both_answers_given(plain, one) is None


class _NeverJudge:
    """A judge that supports nothing: what passes under it was checked without it."""

    def supports(self, hypothesis, premises, question=""):
        return False


def test_a_claim_that_is_only_a_quotation_is_supported_by_being_found_word_for_word():
    s = answer_sentences("The sources disagree: one source gives “1860” [1]; another gives “10” [2].")
    assert [x.quote for x in s] == ["1860", "10"]
    found = [cite(1, "María Josefa Zozaya would die in 1860 at the age of 38."), cite(2, "They had 10 dead.")]
    assert citation_scores(s, found, _NeverJudge())[:2] == (1.0, 1.0)
    # not there, or only inside a longer number: unsupported whatever the judge
    elsewhere = [cite(1, "She died in 1846."), cite(2, "It was built in 1910.")]
    assert citation_scores(s, elsewhere, _NeverJudge())[:2] == (0.0, 0.0)
    # a sentence that is not only a quotation is still the judge's to read
    plain = answer_sentences("Mali said “1860” was wrong [1].")
    assert plain[0].quote is None and citation_scores(plain, found[:1], _NeverJudge())[0] == 0.0
