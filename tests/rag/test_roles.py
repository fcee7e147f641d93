"""Roles: an answer sentence must keep who did what to whom, as its cited span gives it (issue 12)."""

import pytest

from rag.roles import swapped_roles, unsupported_question_names
from rag.settings import VerifySettings
from rag.types import Evidence
from rag.verify import check_support, verify_draft

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "sentence,span",
    [
        ("Leeds thwarted Hull's plans.", "In 1990 Hull thwarted Leeds's plans for a new stadium."),
        ("The Normans were defeated by the English at Hastings.", "At Hastings the Normans defeated the English."),
        ("Osman succeeded Orhan as ruler.", "Osman was succeeded by Orhan as ruler in 1326."),
    ],
)
def test_a_swap_of_the_parties_is_caught(sentence, span):
    reason = swapped_roles(sentence, span)
    assert reason is not None and reason.startswith("roles swapped")


@pytest.mark.parametrize(
    "sentence,span",
    [
        ("Leeds thwarted Hull's plans.", "In 1990 Leeds thwarted Hull's plans for a new stadium."),
        # the passive says the same thing as the active
        ("The English were defeated by the Normans.", "At Hastings the Normans defeated the English."),
        ("Orhan succeeded Osman as ruler.", "Osman was succeeded by Orhan as ruler in 1326."),
        # relations that read the same both ways
        ("Germany partnered with France.", "France partnered with Germany on the project."),
        ("France and Germany signed the treaty.", "Germany and France signed the treaty in 1963."),
        # parties far apart are not one relation's
        ("Leeds won the cup.", "Hull lost the final, and after a long season of injuries and defeats in the league Leeds won."),
    ],
)
def test_the_same_roles_in_other_words_pass(sentence, span):
    assert swapped_roles(sentence, span) is None


def _ev(text: str, title: str = "Clubs", key: int = 1) -> Evidence:
    return Evidence(key=key, doc_id="d", source="d.txt", title=title, start=100, end=100 + len(text), text=text)


def test_check_support_fails_a_swapped_sentence_with_the_reason():
    ev = _ev("In 1990 Hull thwarted Leeds's plans for a new stadium.")
    ok, _, reasons = check_support("In 1990 Leeds thwarted Hull's plans for a new stadium.", [ev], "", set(), 0.95,
                                   VerifySettings(), question="Who thwarted Hull's plans for a new stadium?")
    assert not ok and any(r.startswith("roles swapped") for r in reasons)


def test_the_question_party_put_in_the_spans_place_fails():
    # The question asks about Spain; the span says Portugal did it. "Spain" is the question's own name, so the
    # plain names test lets it through.
    ev = _ev("Portugal's government has partnered with France and Italy on the new rail link.", title="Rail links")
    q = "Which countries has Spain partnered with on the new rail link?"
    ok, _, reasons = check_support("Spain has partnered with France and Italy on the new rail link.", [ev], "", set(), 0.95,
                                   VerifySettings(), question=q)
    assert not ok and any(r.startswith("question's names not in cited text: spain") for r in reasons)


def test_the_question_name_in_the_title_or_the_sentence_before_supports_a_pronoun_span():
    q = "When was Paul Smith born?"
    by_title = _ev("He was born in Leeds on 1 February 1972.", title="Paul Smith")
    ok, _, reasons = check_support("Paul Smith was born on 1 February 1972.", [by_title], "", set(), 0.95,
                                   VerifySettings(), question=q)
    assert ok, reasons
    span = "He was born in Leeds on 1 February 1972."
    chunk = "Paul Smith is a retired footballer. " + span + " He played for Hull."
    in_lead = _ev(span, title="Footballers")
    ok, _, reasons = check_support("Paul Smith was born on 1 February 1972.", [in_lead], chunk, set(), 0.95,
                                   VerifySettings(), question=q)
    assert ok, reasons
    # the same name further back in the chunk is not the pronoun's
    far = "Paul Smith is a retired footballer. " + "His brother played for many clubs in the north. " * 6 + span
    ok, _, reasons = check_support("Paul Smith was born on 1 February 1972.", [in_lead], far, set(), 0.95,
                                   VerifySettings(), question=q)
    assert not ok and any(r.startswith("question's names") for r in reasons)


def test_months_the_question_names_are_dates_not_parties():
    assert unsupported_question_names("The rift began after the August strike.", "What began after the August strike?",
                                      lambda n: False) == []


class _FlatEmbedder:
    def embed_documents(self, texts):
        import numpy as np

        return np.ones((len(texts), 4), dtype=np.float32) / 2.0


def test_a_swapped_sentence_is_removed_not_rewritten_into_the_span():
    # Rewriting quotes the closest span instead: that answers another question, so a swap is removed.
    ev = _ev("In 1990 Hull thwarted Leeds's plans for a new stadium.")
    (c,) = verify_draft("In 1990 Leeds thwarted Hull's plans for a new stadium [1].", [ev],
                        "Who thwarted Hull's plans for a new stadium?", _FlatEmbedder(), VerifySettings())
    assert c.verdict.status == "removed"
    assert any(r.startswith("roles swapped") for r in c.verdict.reasons)


def test_a_span_that_keeps_any_of_the_questions_names_is_framing_not_a_swap():
    # "Ahmed Attaf" is the question's framing; the span names him as "Attaf" and says nothing of the Sahel
    ev = _ev("Attaf said the institutional mechanism meets every three months.", title="Talks")
    q = "How often does the institutional mechanism on the Sahel described by Ahmed Attaf meet?"
    ok, _, reasons = check_support("The mechanism on the Sahel described by Ahmed Attaf meets every three months.", [ev],
                                   "", set(), 0.95, VerifySettings(), question=q)
    assert not any(r.startswith("question's names") for r in reasons), reasons
    assert unsupported_question_names("Ahmed Attaf's mechanism on the Sahel meets monthly.", q,
                                      lambda n: n == "attaf") == []
    assert unsupported_question_names("Ahmed Attaf's mechanism on the Sahel meets monthly.", q,
                                      lambda n: False) == ["ahmed", "attaf", "sahel"]
