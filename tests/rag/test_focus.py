"""The question's focus: what it asks for, as stems, and derivation-tolerant matching."""

import pytest

from rag.focus import focus_share, focus_terms, stems_match

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "question, focus",
    [
        ("Who were the victims of the August 2024 Malian drone strikes near Tin Zaouatine?", ["victim"]),
        ("Who is the director of the Assassin's Creed movie?", ["director"]),
        ("What registration number did the downed Malian drone carry?", ["registr", "number"]),
        ("What is the name of the town where the drone fell?", []),  # "town" is the answer's type
        ("According to Algeria, on what kind of trajectory did the drone return?", ["trajectori"]),
        ("What are the tournaments informally called?", ["tournament"]),
        # an answer type alone is left out: the answering sentence rarely repeats it ("Beijing hosted...")
        ("Which city hosted the olympic games in 2008?", []),
        ("Which company manufactured the downed drone?", []),  # "manufactured the": a verb, dropped
        ("Which two teams won their matches on the first day?", []),
        ("Which former pope was laid to rest this week?", ["former", "pope"]),
        # questions naming no thing
        ("Who shot down the drone?", []),
        ("What did Algeria say about the wreckage?", []),
        ("When was the drone downed?", []),
        ("On what date was the agreement signed?", []),
    ],
)
def test_focus_terms(question, focus):
    assert focus_terms(question) == focus


def test_attribute_compounds_can_be_left_out():
    assert focus_terms("What registration number did the drone carry?", attributes=False) == []
    assert focus_terms("Who were the victims of the strikes?", attributes=False) == ["victim"]


@pytest.mark.parametrize(
    "a, b, match",
    [("regist", "registr", True), ("victim", "victim", True), ("organ", "organis", True),
     ("nation", "nationalist", False), ("war", "ward", False), ("drone", "dron", False)],
)
def test_stems_match_allows_short_derivational_endings_only(a, b, match):
    assert stems_match(a, b) is match and stems_match(b, a) is match


def test_focus_share_counts_derivations():
    focus = focus_terms("What registration number did the drone carry?")
    assert focus_share(focus, "The drone, registered as TZ-98D, dropped vertically.") == 0.5
    assert focus_share(focus, "Its registration number was TZ-98D.") == 1.0
    assert focus_share(focus, "The drone fell near the border.") == 0.0
    assert focus_share([], "anything") == 0.0
