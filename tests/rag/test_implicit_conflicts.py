"""The corpus-wide scan's dates compared as answers to the question two sentences share (rag/conflicts/implicit.py)."""

from __future__ import annotations

import pytest

from rag.conflicts import scan_conflicts
from rag.conflicts.implicit import shared_question, shared_question_conflicts
from rag.settings import ConflictSettings
from rag.text.sentences import split_sentences
from rag.types import Evidence, Span

pytestmark = pytest.mark.unit


def ev(key: int, doc: str, text: str, title: str = "Ann Roe") -> Evidence:
    return Evidence(key=key, doc_id=doc, source=f"{doc}.txt", title=title, start=0, end=len(text), text=text)


def test_two_documents_that_date_one_event_differently_disagree(fake_embedder):
    a = ev(1, "a", "Ann Roe was born on 3 May 1950 in Leeds, England.")
    b = ev(2, "b", "Ann Roe (born 5 May 1950) is an English painter and printmaker.")
    [c] = shared_question_conflicts([a, b], fake_embedder, 0.3)
    assert [s.answer for s in c.sides] == ["3 May 1950", "5 May 1950"]
    assert c.kind == "date" and {s.doc_id for s in c.sides} == {"a", "b"}
    assert c.topic.startswith("When Ann Roe born")


@pytest.mark.parametrize(
    "first, second",
    [
        ("Ann Roe was born in 1950 in Leeds, England.", "Ann Roe (born 5 May 1950) is an English painter."),  # agree
        ("Ann Roe opened the gallery on Tuesday in Leeds.", "Ann Roe opened the gallery on Wednesday in York."),  # weekdays
        # each gives the other's date: one range, written twice
        ("From 1788 until the early 1790s, city councils met in Leeds.", "City councils of Leeds met from 1788 until the early 1790s."),
    ],
)
def test_dates_that_agree_or_date_nothing_across_articles_are_no_conflict(fake_embedder, first, second):
    assert shared_question_conflicts([ev(1, "a", first), ev(2, "b", second)], fake_embedder, 0.0) == []


def test_a_pair_is_asked_only_about_one_subject_and_one_event():
    same_title = ev(1, "a", "Ann Roe was born on 3 May 1950."), ev(2, "b", "Ann Roe (born 5 May 1950) paints.")
    assert shared_question(*same_title).text == "When Ann Roe born?"
    # two articles with other headlines: the same words with another month are mostly another month's figures
    budget = (ev(1, "a", "Leeds council approved the new budget in March 2020.", "Leeds budget"),
              ev(2, "b", "Leeds council approved the new budget in April 2020.", "Council news"))
    assert shared_question(*budget) is None
    # no event in common words: only the name is shared
    names = ev(1, "a", "Ann Roe, 1950."), ev(2, "b", "Ann Roe (1951).")
    assert shared_question(*names) is None


def test_a_value_the_other_document_also_states_is_not_against_it(fake_embedder):
    a = ev(1, "a", "In Europe, cameras on phones take 1.3 megapixel images.")
    b = ev(2, "b", "In Asia, cameras on phones take 3.2 megapixel images.")
    assert shared_question_conflicts([a, b], fake_embedder, 0.0)  # two copies of one story that differ
    # each copy tells both: two statements of one account
    a2 = ev(3, "a", "In Asia, phones take 3.2 megapixel pictures already.")
    b2 = ev(4, "b", "In Europe, phones take 1.3 megapixel pictures now.")
    assert shared_question_conflicts([a, a2, b, b2], fake_embedder, 0.0) == []


def test_the_store_scan_adds_them_unless_switched_off(fake_embedder):
    docs = []
    for doc, text in (("a", "Ann Roe was born on 3 May 1950 in Leeds, England. She studied in London."),
                      ("b", "Ann Roe (born 5 May 1950) is an English painter. Her prints are in York.")):
        spans = [Span(start=s.start, end=s.end) for s in split_sentences(text)]
        docs.append((doc, f"{doc}.txt", "Ann Roe", text, spans))
    on = ConflictSettings(nli="none", scan_values_min_similarity=0.3)
    found = scan_conflicts(docs, on, fake_embedder, None)
    assert any({s.answer for s in c.sides} == {"3 May 1950", "5 May 1950"} for c in found)
    off = on.model_copy(update={"scan_values": False})
    assert not any(c.basis == "answers" for c in scan_conflicts(docs, off, fake_embedder, None))


@pytest.mark.parametrize(
    "first, second, answers",
    [
        ("At dawn the army landed forty-two gliders at the fort of Eben.", "The army landed forty-one gliders at the fort of Eben.",
         {"forty-two gliders", "forty-one gliders"}),
        ("The Leeds express runs at an operating speed of 65 km/h.", "The Leeds express has an operating speed of 62 km/h.",
         {"65 km/h", "62 km/h"}),
        ("The Leeds express runs at an operating speed of 65 km/h.", "The Leeds express has an operating speed of 40 mph.",
         None),  # the same speed in other units
        ("The Leeds garrison had 10 dead and 7 wounded.", "The Leeds garrison had 10 dead and 47 prisoners.",
         None),  # different things counted
    ],
)
def test_two_documents_that_count_or_measure_one_thing_differently_disagree(fake_embedder, first, second, answers):
    found = shared_question_conflicts([ev(1, "a", first, "Leeds"), ev(2, "b", second, "Leeds")], fake_embedder, 0.0)
    assert ({s.answer for s in found[0].sides} if found else None) == answers
    assert shared_question_conflicts([ev(1, "a", first, "Leeds"), ev(2, "b", second, "Leeds")], fake_embedder, 0.0,
                                   figures=False) == []


def test_two_copies_of_one_story_do_not_disagree_with_themselves(fake_embedder):
    # each copy states both figures, written with what follows them, where the typed reading trims them ("four", "28")
    story = ["In Washington, Congress has been debating four anti-spyware bills.",
             "A survey found that, on average, each PC is infested with 28 separate spyware programs."]
    sentences = [ev(10 * i + n, doc, text, "Spyware fines")
                 for i, doc in enumerate(("a", "b")) for n, text in enumerate(story, start=1)]
    assert shared_question_conflicts(sentences, fake_embedder, 0.0) == []
