"""Roles: an answer sentence must keep who did what to whom, as its cited span gives it (issue 12)."""

import pytest

from rag.roles import swapped_roles
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


def test_the_questions_own_name_as_framing_is_not_a_missing_name():
    # The question's names are its framing; the span need not repeat them (news questions restate a preamble).
    ev = _ev("The pod of pilot whales washed ashore on Tuesday.", title="Whales")
    q = "In what is believed to be the largest stranding on the Isle of Lewis, a pod of which species washed ashore?"
    ok, _, reasons = check_support("A pod of pilot whales washed ashore on the Isle of Lewis.", [ev], "", set(), 0.95,
                                   VerifySettings(), question=q)
    assert ok, reasons
