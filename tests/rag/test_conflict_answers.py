"""Question-focused conflicts: per-source answers compared across sources (rag/conflicts/answers.py)."""

from __future__ import annotations

import pytest

from rag.conflicts.answers import (
    SourceAnswer,
    answer_conflicts,
    answers_agree,
    disagreement_answer,
    is_yes_no,
    only_question_words,
    question_coverage,
    source_answers,
    yes_no_stance,
)
from rag.settings import ConflictSettings
from rag.types import Evidence

pytestmark = pytest.mark.unit


def ev(key: int, text: str, doc: str = "", title: str = "Karl Weyprecht") -> Evidence:
    doc = doc or f"doc{key}"
    return Evidence(key=key, doc_id=doc, source=f"/c/{doc}.txt", title=title, start=10 * key, end=10 * key + len(text),
                    text=text)


def answer(e: Evidence, span: str, margin: float = 3.0, typed: bool = True) -> SourceAnswer:
    """A side's answer; typed (the date/number/name asked for) unless said otherwise."""
    i = e.text.index(span)
    return SourceAnswer(e, span, e.start + i, e.start + i + len(span), margin, f"{e.title} {e.text}", typed=typed)


SPANS = ConflictSettings(answer_min_margin=1.0, answer_min_coverage=0.5)  # QA spans count from margin 1


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("2 March 1881", "3 March 1881", False),
        ("1 February 1972", "10 February 1972", False),
        ("1972", "10 February 1972", True),  # less precise, not different
        ("April 1993", "May 1993", False),
        ("four", "three", False),
        ("a skunk", "a badger", False),
        ("a penitentiary", "a detention center", False),
        ("Maxi Curran", "Curran", True),
        ("Tinzaoutin", "Tin Zaouatine", True),  # spelling variants of one name
        ("1,333 km", "1333 km", True),
        ("62 km/h", "65 km/h", False),
        ("with glue", "with no glue", False),  # the extra word negates: not one answer contained in the other
        ("lead paint", "lead-free paint", False),
        ("classifying problems by difficulty", "complexity theory classifies problems by difficulty", True),  # inflected
        ("1933", "Admiral Byrd", None),  # a year against a name: not the same slot
        ("the", "a", None),
    ],
)
def test_answers_agree(a, b, expected):
    assert answers_agree(a, b) is expected


def test_two_sources_with_different_dates_are_a_conflict_quoting_both_sentences():
    q = "What day did Karl Weyprecht die?"
    e1 = ev(1, "Weyprecht died of tuberculosis on 2 March 1881 in Michelstadt.")
    e2 = ev(2, "He died on 3 March 1881, aged 42.")
    conflicts = answer_conflicts(q, [answer(e1, "2 March 1881"), answer(e2, "3 March 1881")], ConflictSettings())
    assert len(conflicts) == 1
    c = conflicts[0]
    assert c.kind == "date" and c.basis == "answers"
    assert {s.doc_id for s in c.sides} == {"doc1", "doc2"}
    assert {s.camp for s in c.sides} == {0, 1}
    assert {s.answer for s in c.sides} == {"2 March 1881", "3 March 1881"}
    assert all(s.text in (e1.text, e2.text) for s in c.sides)


def test_agreeing_or_weak_answers_are_not_a_conflict():
    q = "What day did Karl Weyprecht die?"
    e1 = ev(1, "Weyprecht died on 2 March 1881 in Michelstadt.")
    e2 = ev(2, "He died in 1881, aged 42.")
    e3 = ev(3, "He was buried on 5 March 1881.")
    assert answer_conflicts(q, [answer(e1, "2 March 1881"), answer(e2, "1881")], SPANS) == []
    # an untyped QA span below the margin does not count, and by default (no margin set) no QA span counts
    weak = answer(e3, "5 March 1881", margin=0.2, typed=False)
    assert answer_conflicts(q, [answer(e1, "2 March 1881"), weak], SPANS) == []
    strong = answer(e3, "5 March 1881", margin=3.0, typed=False)
    assert answer_conflicts(q, [answer(e1, "2 March 1881"), strong], SPANS)
    assert answer_conflicts(q, [answer(e1, "2 March 1881"), strong], ConflictSettings()) == []


def test_a_side_must_be_about_the_question():
    q = "What day did Karl Weyprecht die?"
    e1 = ev(1, "Weyprecht died on 2 March 1881.")
    e2 = ev(2, "The expedition ship sailed on 13 June 1872.", title="Austro-Hungarian North Pole expedition")
    cfg = ConflictSettings(answer_min_coverage=0.6)
    assert question_coverage(q, e2.title + " " + e2.text) < 0.6
    assert answer_conflicts(q, [answer(e1, "2 March 1881"), answer(e2, "13 June 1872")], cfg) == []


def test_an_answer_that_repeats_the_question_is_no_side():
    assert only_question_words("Karl Weyprecht", "What day did Karl Weyprecht die?")
    assert not only_question_words("2 March", "What day did Karl Weyprecht die?")


def test_one_passage_can_hold_both_sides():
    q = "How many small towns does the valley contain?"
    e1 = ev(1, "The valley contains four small towns.", doc="d", title="Mitta Mitta River")
    e2 = ev(2, "Only three small towns lie in the valley.", doc="d", title="Mitta Mitta River")
    conflicts = answer_conflicts(q, [answer(e1, "four"), answer(e2, "three")], ConflictSettings())
    assert conflicts and len({(s.start, s.end) for s in conflicts[0].sides}) == 2


def test_one_document_telling_two_events_is_no_conflict():
    q = "When was the harbour crane built?"
    e1 = ev(1, "The harbour crane was built in 1951 by the port company.", doc="d", title="Kestrel harbour")
    e2 = ev(2, "In 1995 the crane was sold to a shipping firm from Oslo.", doc="d", title="Kestrel harbour")
    assert answer_conflicts(q, [answer(e1, "1951"), answer(e2, "1995")], ConflictSettings()) == []
    # the same two sentences from two documents are two accounts
    e2b = ev(2, e2.text, doc="other", title="Kestrel harbour")
    assert answer_conflicts(q, [answer(e1, "1951"), answer(e2b, "1995")], ConflictSettings())
    # and a setting of None compares one document's sentences as before
    assert answer_conflicts(q, [answer(e1, "1951"), answer(e2, "1995")],
                            ConflictSettings(answer_same_document_min_overlap=None))


def test_yes_no_questions_get_a_stance_per_side():
    q = "Was Muhammad III of Alamut born in 1213?"
    assert is_yes_no(q) and not is_yes_no("When was he born?")
    assert yes_no_stance(q, "1213") == "yes"
    assert yes_no_stance(q, "1211") == "no"
    assert yes_no_stance("When was he born?", "1211") is None


@pytest.mark.parametrize(
    "question, answer, stance",
    [
        ("Was she born on the 1st February?", "1 February 1972", "yes"),  # the same date, one more field stated
        ("Was she born on the 1st February?", "10 February 1972", "no"),
        ("Was the total distance less than 1337 km (831 mi)?", "1,333 km", "yes"),  # the comparison it proposes
        ("Was the total distance greater than 1337 km (831 mi)?", "1,333 km", "no"),
        ("Was the hall built before 1911?", "1920", "no"),
        ("Did he attend a conclave after 1503?", "1513", "yes"),
        ("Did the precinct cover more than 1.4 hectares?", "1.6 hectares (4.0 acres)", "yes"),
        ("Is its operating speed 65 km/h?", "40 mph", "yes"),  # the same speed in other units, rounded
        ("Is its operating speed 65 km/h?", "62 km/h", "no"),
        ("Did the army take 50 prisoners?", "47 prisoners", "no"),
        ("Is Castle Donington considered a town?", "a market town", "yes"),  # the class it proposes, qualified
        ("Is Castle Donington considered a village?", "a market town", "no"),
        ("Was the site of the Carandiru massacre an actual penitentiary?", "detention center", "no"),
        ("Was the Carandiru site a penitentiary?", "Carandiru Penitentiary's wing", "yes"),
    ],
)
def test_a_side_is_yes_when_its_value_is_what_the_question_proposes(question, answer, stance):
    assert yes_no_stance(question, answer) == stance


def test_disagreement_answer_states_each_answer_with_its_citation():
    q = "Was Muhammad III of Alamut born in 1213?"
    e1 = ev(1, "Muhammad III was born in 1213.", title="Muhammad III of Alamut")
    e2 = ev(2, "He was born in 1211 at Alamut.", title="Muhammad III of Alamut")
    [c] = answer_conflicts(q, [answer(e1, "1213"), answer(e2, "1211")], ConflictSettings())
    numbers = {}
    text = disagreement_answer(q, c, lambda side: numbers.setdefault(side.start, len(numbers) + 1))
    assert "“1213” [1]" in text and "“1211” [2]" in text
    assert "says yes" in text and "says no" in text


def test_a_side_is_stated_with_the_list_its_sentence_gives():
    from rag.conflicts.wording import listed_with

    coaches = "The coaches of the harbour club in 2019 were Ann Kerr and Tom Lyle."
    assert listed_with("Ann Kerr", coaches, "Who coached the harbour club in 2019?") == "Ann Kerr and Tom Lyle"
    assert listed_with("Tom Lyle", coaches, "Who coached the harbour club in 2019?") == "Ann Kerr and Tom Lyle"
    losses = "The garrison lost 12 dead, 30 prisoners and 9 wounded at the ford."
    # figures join only when the question asks about what they count too
    assert listed_with("12 dead", losses, "How many dead, prisoners and wounded did the garrison lose?") == (
        "12 dead, 30 prisoners and 9 wounded")
    assert listed_with("12 dead", losses, "How many dead did the garrison lose?") == "12 dead"
    assert listed_with("Ann Kerr", "Ann Kerr coached the club; Tom Lyle chaired it.") == "Ann Kerr"
    q = "Who coached the harbour club in 2019?"
    e1 = ev(1, coaches, title="Harbour club")
    e2 = ev(2, "The coach of the harbour club in 2019 was Liam Roe.", title="Harbour club")
    [c] = answer_conflicts(q, [answer(e1, "Ann Kerr"), answer(e2, "Liam Roe")], ConflictSettings())
    assert "“Ann Kerr and Tom Lyle”" in disagreement_answer(q, c, lambda side: 1)


def test_categories_follow_the_conflicts_taxonomy():
    cfg = ConflictSettings()
    q = "How many convenience stores are located at fuel stations?"
    old = ev(1, "As of 2011, 120,000 convenience stores were located at fuel stations.", title="Convenience store")
    new = ev(2, "By 2019, 47,195 convenience stores were located at fuel stations.", title="Convenience store")
    [c] = answer_conflicts(q, [answer(old, "120,000"), answer(new, "47,195")], cfg)
    assert c.category == "outdated"
    q2 = "Is azelaic acid as effective as benzoyl peroxide for acne?"
    a = ev(1, "Azelaic acid is as effective as benzoyl peroxide for acne.", title="Azelaic acid")
    b = ev(2, "Studies suggest azelaic acid is less effective than benzoyl peroxide.", title="Azelaic acid")
    [c2] = answer_conflicts(q2, [answer(a, "as effective as", typed=False), answer(b, "less effective", typed=False)],
                            SPANS)
    assert c2.category == "opinion"
    assert disagreement_answer(q2, c2, lambda s: 1).startswith("Views differ")


class FakeQA:
    """Returns the first capitalised-month date in the passage, and records the context it was given."""

    def __init__(self):
        self.seen = []

    def answer(self, question, passage, title="", before=""):
        from rag.qa import SpanAnswer

        self.seen.append((title, before, passage))
        for word in ("2 March 1881", "3 March 1881"):
            if word in passage:
                i = passage.index(word)
                return SpanAnswer(word, i, i + len(word), 4.0)
        return SpanAnswer("", 0, 0, -5.0)


def test_a_typed_name_counts_as_a_side_only_when_the_qa_model_agrees_with_it():
    from dataclasses import replace

    q = "Who built the stockman's hut on Mount Pleasant?"
    t = "Mount Pleasant"
    e1 = ev(1, "The stockman's hut on Mount Pleasant was built by Charles Crawford in 1846.", title=t)
    e2 = ev(2, "The stockman's hut on Mount Pleasant, such as Hamilton huts, was later restored.", title=t)
    crawford = replace(answer(e1, "Charles Crawford", margin=4.0), span="Charles Crawford")
    hamilton = answer(e2, "Hamilton", margin=-11.0)  # the capitalised word beside the question's words
    cfg = ConflictSettings()
    # the QA model reads the second sentence as answering nothing and picks other words: no side
    assert answer_conflicts(q, [crawford, replace(hamilton, span="stockman's hut")], cfg) == []
    # it picks the same name, or reads the sentence as answering: a side
    assert answer_conflicts(q, [crawford, replace(hamilton, span="Hamilton huts")], cfg)
    assert answer_conflicts(q, [crawford, replace(hamilton, span="restored", margin=-2.0)], cfg)
    # off, or with no QA span kept (no QA model), every typed name counts; dates and figures never need it
    assert answer_conflicts(q, [crawford, replace(hamilton, span="stockman's hut")],
                            ConflictSettings(typed_name_min_margin=None))
    assert answer_conflicts(q, [crawford, hamilton], cfg)
    q2 = "When was the stockman's hut on Mount Pleasant built?"
    y1 = replace(answer(e1, "1846", margin=4.0), span="1846")
    e3 = ev(3, "The stockman's hut on Mount Pleasant was built in 1851 by the brothers.", title=t)
    assert answer_conflicts(q2, [y1, replace(answer(e3, "1851", margin=-11.0), span="brothers")], cfg)


def test_source_answers_keep_the_qa_models_own_span_beside_a_typed_answer():
    class OtherSpan(FakeQA):
        def answer(self, question, passage, title="", before=""):
            from rag.qa import SpanAnswer

            return SpanAnswer("Michelstadt", passage.index("Michelstadt"), passage.index("Michelstadt") + 11, 1.0)

    got = source_answers("When did Karl Weyprecht die?", [ev(1, "He died on 2 March 1881 in Michelstadt.")],
                         lambda e: "", OtherSpan())
    assert got[0].typed and got[0].text == "2 March 1881" and got[0].span == "Michelstadt"


def test_source_answers_read_each_sentence_with_its_title_and_previous_sentence():
    qa = FakeQA()
    e1 = ev(1, "He died on 2 March 1881.")
    e2 = ev(2, "Nothing about dates here.")
    got = source_answers("When did Karl Weyprecht die?", [e1, e2], lambda e: "Karl Weyprecht was an explorer.", qa)
    assert [a.text for a in got] == ["2 March 1881"]
    assert got[0].start == e1.start + e1.text.index("2 March")
    assert qa.seen[0] == ("Karl Weyprecht", "Karl Weyprecht was an explorer.", e1.text)


def test_an_outdated_conflict_gives_the_older_answer_first_and_prefers_the_newer():
    q = "How many convenience stores are located at fuel stations?"
    new = ev(1, "By 2019, 47,195 convenience stores were located at fuel stations.", title="Convenience store")
    old = ev(2, "As of 2011, 120,000 convenience stores were located at fuel stations.", title="Convenience store")
    [c] = answer_conflicts(q, [answer(new, "47,195", 5.0), answer(old, "120,000", 4.0)], ConflictSettings())
    numbers = {}
    text = disagreement_answer(q, c, lambda side: numbers.setdefault(side.start, len(numbers) + 1))
    assert text.index("2011") < text.index("120,000") < text.index("2019") < text.index("47,195")
    assert "more recent" in text


@pytest.mark.parametrize(
    "question, sentence, expected",
    [
        ("Was Muhammad III of Alamut born in 1213?", "Muhammad III was born in 1211 at Alamut.", "1211"),
        ("What day did Karl Weyprecht die?", "Weyprecht died of tuberculosis on 2 March 1881 in Michelstadt.",
         "2 March 1881"),
        ("How many gliders were used in the attack?", "The attack used 41 gliders carrying 493 troops.", "41 gliders"),
        ("In the 1840s, who built the hut near the peak?", "The hut was built by Joseph Greenwood in the 1840s.",
         "Joseph Greenwood"),
        # two names by as many question words: the one beside a question word ("built by X") answers
        ("In the 1920s, who built the shepherd's hut near the top of Green Hill?",
         "Lena Ward, the elder sister of Ross Ward stood by the hut on Green Hill built by Carl Moss", "Carl Moss"),
        ("In 2011, how many stores were located at fuel stations?", "In 2011, 120,000 stores were at fuel stations.",
         "120,000 stores"),
        # the counted noun is the question's word beside the value, even when the sentence names nothing else asked
        ("How many prisoners did the army have in the battle?", "On 15 March the royalists had 7 wounded and 50 prisoners.",
         "50 prisoners"),
        ("How many gliders did the army use in the attack?", "At dawn, forty-two gliders carrying the troops took off.",
         "forty-two gliders"),
        ("How many prisoners did the army have in the battle?", "On 15 March the royalists had 7 wounded.", None),
        # a measure asked is answered in its dimension, not by the count beside it
        ("What was the total distance of the race?", "The race had 8 stages and a total distance of 630 km.", "630 km"),
        ("What is the operating speed of the express?", "The express runs 1687 km in 26 hours (65 km/h) at speed.",
         "65 km/h"),
        ("What was the total distance of the race?", "The race had 8 stages over a long distance.", None),
        # a yes/no question asks in the dimension of the figure it proposes: the source's speed, not the train number
        ("Is the operating speed of the express 65 km/h?",
         "Train 20921 covers 1687 kilometres in 27 hours (62 km/h).", "62 km/h"),
        ("Does the adult brain weigh 1.5 kg on average?", "In 2010, 300 brains weighed on average 1.3 kg.", "1.3 kg"),
        ("Why did the hut burn down?", "The hut burned down after a lightning strike.", None),  # open: no type
        # class questions: what a sentence says the question's subject is
        ("What is Castle Donington?", "Castle Donington is a village in North West Leicestershire.", "village"),
        ("Is Castle Donington considered a town?", "Castle Donington is a market town and civil parish.", "market town"),
        ("What kind of animal is Scout Skunk?", "Scout Skunk is a badger.", "badger"),
        ("What kind of animal is Scout Skunk?", "The zoo is a popular attraction.", None),  # not about the subject
        ("What is the capital of France?", "Paris is the capital of France.", None),  # not a 'what is X' question
        # "who <verb>" asks for the verb's agent: not its object, unless the object is the agent after "by"
        ("Who appoints the harbour board?", "It appoints the Wardens and the harbour board each spring.", None),
        ("Who appoints the harbour board?", "The harbour board is appointed by the River Council each spring.",
         "River Council"),
        ("Who appoints the harbour board?", "The River Council appoints the Wardens and the harbour board.",
         "River Council"),
        # a name before a noun the question asks about describes that noun; the question's verb after it does not
        ("Who enforces harbour law?", "Under Kestrel harbour law, fines are set by the courts.", None),
        ("Who chairs the town council?", "The town council is chaired by the Riverside council leader.", None),
        ("Who won the sailing cup in 2019?", "Ada Moreau won the sailing cup in 2019 after a long race.", "Ada Moreau"),
        # a nationality before a noun describes someone; an abbreviation in brackets repeats the name before it
        ("Who developed the steam loom?", "The steam loom was developed by an American engineer in 1801.", None),
        ("Who developed the steam loom?", "The steam loom (SL) was developed further in 1801.", None),
        # a year inside another thing's name ("the 1994 Harbour Act") does not date the asked event
        ("When did the town join the harbour league?",
         "The town joined the harbour league after adopting the 1994 Harbour Act, and left in 2001.", "2001"),
        ("When did the town join the harbour league?",
         "The town was admitted to the harbour league at the 1994 Spring Congress.", "1994"),
        ("When was the Harbour Act passed?", "The cup was part of the 1994 Harbour Act that was passed in May.", "1994"),
    ],
)
def test_typed_answers_take_the_value_the_question_asks_for(question, sentence, expected):
    from rag.conflicts.answers import typed_answer

    got = typed_answer(question, sentence)
    assert (got[0] if got else None) == expected
    if got:
        assert sentence[got[1] : got[2]] == got[0]


def test_a_count_is_read_from_the_number_that_counts_the_asked_thing():
    from rag.conflicts.answers import typed_answer

    s = "The army had 10 dead, 47 prisoners and 17 wounded in the battle."
    assert typed_answer("How many prisoners did the army have in the battle?", s)[0].startswith("47")
    assert typed_answer("How many wounded did the army have in the battle?", s)[0].startswith("17")


def test_yes_no_stances_are_given_only_when_the_sides_take_different_ones():
    q = "Was Muhammad III of Alamut born in 1213?"
    e1 = ev(1, "He was born in 1211 at Alamut.", title="Muhammad III")
    e2 = ev(2, "He was born in 1215 at Alamut.", title="Muhammad III")
    [c] = answer_conflicts(q, [answer(e1, "1211"), answer(e2, "1215")], ConflictSettings())
    text = disagreement_answer(q, c, lambda s: 1)
    assert "says no" not in text and "“1211”" in text and "“1215”" in text


def test_an_outdated_answer_cites_only_the_sides_it_quotes_in_the_order_it_quotes_them():
    from rag.answer import Numbering

    q = "How many convenience stores are located at fuel stations?"
    new = ev(1, "By 2019, 47,195 convenience stores were located at fuel stations.", title="Convenience store")
    new2 = ev(3, "In 2019, 47,195 convenience stores were at fuel stations.", title="Convenience store")
    old = ev(2, "As of 2011, 120,000 convenience stores were located at fuel stations.", title="Convenience store")
    [c] = answer_conflicts(q, [answer(new, "47,195", 5.0), answer(new2, "47,195", 4.5), answer(old, "120,000", 4.0)],
                           ConflictSettings())
    assert c.category == "outdated" and len(c.sides) == 3
    numbering = Numbering([new, new2, old])
    text = disagreement_answer(q, c, numbering.cite_span)
    assert [cit.text for cit in numbering.citations] == [old.text, new.text], "no citation the text does not show"
    assert "[1]" in text and "[2]" in text and "[3]" not in text


GLIDERS_Q = "During the siege of Fort Eben-Emael, how many gliders were used by the German army in the assault?"
GLIDER_CHUNKS = [  # a store where "gliders" and "Eben-Emael" are rare and "German", "army", "used" common
    "Fort Eben-Emael fell to 42 gliders.", "The Germans landed 41 gliders at Eben-Emael.",
    *[f"The German army used {n} tanks in the assault on town {n}." for n in range(12)],
]


def test_a_side_naming_the_subjects_rare_words_in_other_words_counts_with_the_stores_term_weights():
    from rag.term_weights import term_weights

    e1 = ev(1, GLIDER_CHUNKS[0], title="")
    e2 = ev(2, GLIDER_CHUNKS[1], title="")
    sides = [answer(e1, "42 gliders"), answer(e2, "41 gliders")]
    assert question_coverage(GLIDERS_Q, e2.text) < ConflictSettings().answer_min_coverage  # by plain count: no
    assert answer_conflicts(GLIDERS_Q, sides, ConflictSettings()) == []
    weights = term_weights(GLIDER_CHUNKS)
    assert question_coverage(GLIDERS_Q, e2.text, weights) >= 0.45
    [c] = answer_conflicts(GLIDERS_Q, sides, ConflictSettings(), weights)
    assert {s.answer for s in c.sides} == {"42 gliders", "41 gliders"}
    off = ConflictSettings(answer_min_weighted_coverage=None)
    assert answer_conflicts(GLIDERS_Q, sides, off, weights) == []


def test_weighted_coverage_counts_rare_words_more_and_ignores_words_no_chunk_holds():
    from rag.term_weights import term_weights

    weights = term_weights(GLIDER_CHUNKS)
    assert weights["glider"] > weights["armi"] > 0
    # "siege" and "Eben-Emael"-less text: the common words alone weigh little
    common = "The German army used them in the assault."
    assert question_coverage(GLIDERS_Q, common, weights) < question_coverage(GLIDERS_Q, common)
    # "siege" is in no chunk: it is left out rather than counted as missing
    assert "sieg" not in weights
    full = "Eben-Emael fort: German army gliders used in the assault; many."
    assert question_coverage(GLIDERS_Q, full, weights) == 1.0 > question_coverage(GLIDERS_Q, full)


@pytest.mark.parametrize(
    "question, proposed",
    [
        ("Is Castle Donington considered a village?", "village"),
        ("Was the site of the Carandiru massacre an actual penitentiary?", "actual penitentiary"),
        ("Is Scout a member of the European Union?", None),  # more than a class: not read as one
        ("Was he born in 1213?", None),
        ("What is Castle Donington?", None),
    ],
)
def test_the_class_a_yes_no_question_proposes(question, proposed):
    from rag.question import Question

    assert Question.of(question).proposed_class == proposed


def test_a_yes_no_question_is_answered_by_the_sentences_own_value_not_by_the_name_it_shares_with_the_question():
    from rag.conflicts.answers import typed_answer

    q = "Was the final of the 2021 Harbour Cup played in 2021?"
    assert typed_answer(q, "The final of the 2021 Harbour Cup was played on 24 September 2019.")[0] == "24 September 2019"
    assert typed_answer(q, "The 2021 Harbour Cup was the 12th edition.") is None  # only the name's year
    assert typed_answer("Was he born in 1213?", "He was born in 1213 in Paris.")[0] == "1213"  # the proposed value


def test_a_side_close_in_meaning_but_worded_otherwise_counts_by_its_evidence_score():
    q = "In what year did the Whitehead torpedo enter service?"
    e1 = ev(1, "Whitehead torpedoes entered service in 1894.", title="Howell torpedo")
    e2 = ev(2, "The navy started using the Whitehead torpedo in 1892.", title="Howell torpedo")
    sides = [answer(e1, "1894"), answer(e2, "1892")]
    assert question_coverage(q, f"{e2.title} {e2.text}") < ConflictSettings().answer_min_coverage
    settings = ConflictSettings(answer_min_weighted_coverage=None)
    assert answer_conflicts(q, sides, settings) == [], "the evidence score is not known: by wording alone, no side"
    close = [answer(e1.model_copy(update={"score": 0.8}), "1894"), answer(e2.model_copy(update={"score": 0.65}), "1892")]
    [c] = answer_conflicts(q, close, settings)
    assert {s.answer for s in c.sides} == {"1894", "1892"}
    far = [close[0], answer(e2.model_copy(update={"score": 0.5}), "1892")]
    assert answer_conflicts(q, far, settings) == []
    assert answer_conflicts(q, close, settings.model_copy(update={"answer_min_evidence_score": None})) == []


def test_a_year_that_names_the_subject_is_no_value_a_yes_no_question_proposes():
    from rag.conflicts.answers import typed_answer
    from rag.conflicts.wording import value_holds
    from rag.question import Question

    # "the 1927 Volta" names the race; the question proposes a distance
    q = Question.of("Was the total distance of the 1927 Volta a Catalunya less than 1337 km?")
    assert (q.expected_type, q.measure, q.proposed_dates) == ("quantity", "length", ())
    sentence = "The 1927 Volta a Catalunya, from 28 August to 4 September, had a total distance of 1,333 km."
    assert typed_answer(q, sentence)[0] == "1,333 km"  # the race's distance, not its dates
    assert value_holds(q, "1,333 km") is True and value_holds(q, "1,342 km") is False
    # a year after a preposition of time, or after the name, is what it proposes
    q = Question.of("Was the play-off of the 2021 Carlow Championship played in 2021?")
    assert [d.text for d in q.proposed_dates] == ["2021"] and q.proposed_dates[0].start > 40
    assert Question.of("Was the bridge opened at the 1989 Harbour Festival?").expected_type == "date"


def test_a_side_about_another_edition_of_what_the_question_names_is_no_side():
    q = "What was the total distance of the 1927 Volta a Catalunya?"
    title = "Volta a Catalunya"
    a = ev(1, "The 1927 Volta a Catalunya had a total distance of 1,333 km.", title=title)
    b = ev(2, "The 1920 Volta a Catalunya had a total distance of 630 km.", title=title)
    c = ev(3, "The 1927 Volta a Catalunya had a total distance of 1,342 km.", title=title)
    settings = ConflictSettings(answer_min_coverage=0.5)
    # the 1920 race's figure is about another race, not a second account of this one
    assert not answer_conflicts(q, [answer(a, "1,333 km"), answer(b, "630 km")], settings)
    (conflict,) = answer_conflicts(q, [answer(a, "1,333 km"), answer(b, "630 km"), answer(c, "1,342 km")], settings)
    assert {s.answer for s in conflict.sides} == {"1,333 km", "1,342 km"}
    # the same for a yes/no question that proposes a figure
    yn = "Was the total distance of the 1927 Volta a Catalunya less than 1337 km?"
    assert not answer_conflicts(yn, [answer(a, "1,333 km"), answer(b, "630 km")], settings)
