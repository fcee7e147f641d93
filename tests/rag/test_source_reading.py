"""Each source's answer read by the LLM and checked against the source (rag/conflicts/source_reading.py)."""

from __future__ import annotations

import pytest

from rag.conflicts.source_reading import (
    answer_shape,
    asks_yes_no,
    build_reading_messages,
    group_sources,
    no_source_answers,
    parse_reading,
    read_sources,
    reading_conflicts,
    reading_views,
)
from rag.conflicts.wording import disagreement_answer
from rag.settings import ConflictSettings
from rag.types import Evidence

pytestmark = pytest.mark.unit

SETTINGS = ConflictSettings(answer_min_coverage=0.5)


def ev(key: int, text: str, doc: str, title: str = "Harbour bridge") -> Evidence:
    return Evidence(key=key, doc_id=doc, source=f"/c/{doc}.txt", title=title, start=100 * key,
                    end=100 * key + len(text), text=text)


BRIDGE = [
    ev(1, "The harbour bridge was painted with lead-free paint in its first decade.", "a"),
    ev(2, "The harbour bridge was repainted several times with lead paint until 1990.", "b"),
    ev(3, "A ferry crosses the bay every hour.", "c", title="Ferries"),
]


def groups_of(evidence, question="Was the harbour bridge painted with lead paint?"):
    return group_sources(question, evidence, 3, SETTINGS.answer_min_coverage)


def test_sources_are_grouped_by_document_and_only_those_about_the_question_are_read():
    groups = groups_of(BRIDGE)
    assert [(g.letter, g.doc_id) for g in groups] == [("A", "a"), ("B", "b")]  # the ferry article is not about it
    assert len(group_sources("Was the bridge painted?", BRIDGE, 1, 0.5)) == 1  # at most max_sources


GROOVES = [
    ev(1, "The grooves on Phobos formed in one event, when a large impact cracked the moon.", "a", "Phobos"),
    ev(2, "Phobos's striations built up over a long time, as debris from Mars struck it.", "b", "Phobos"),
    ev(3, "A single event formed the grooves of the Martian plain, a survey of the ground found.", "c", "Mars survey"),
]


def test_a_source_naming_the_questions_subject_is_read_at_a_lower_coverage():
    q = "Did the grooves on Phobos occur as a single event?"
    # b holds only 'Phobos' of the question's five words: under either floor it is not about the question
    assert [g.doc_id for g in group_sources(q, GROOVES, 3, 0.6)] == ["a", "c"]
    # named: a source naming Phobos needs less of the wording; c holds the words but not the subject
    assert [g.doc_id for g in group_sources(q, GROOVES, 3, 0.6, named_min_coverage=0.2)] == ["a", "b", "c"]
    assert [g.doc_id for g in group_sources(q, GROOVES, 3, 0.9, named_min_coverage=0.2)] == ["a", "b"]
    # a question that names nothing reads by wording only
    assert [g.doc_id for g in group_sources("Did the grooves occur as one event?", GROOVES, 3, 0.9, named_min_coverage=0.2)] == []


def test_another_version_of_an_article_about_the_question_is_read():
    q = "Was the Tyne Bridge painted with lead paint?"
    tyne = [ev(1, "The Tyne Bridge was painted with lead paint until 1990.", "a", "Tyne Bridge"),
            # a revised copy of article "a" (the same title) words it otherwise: by wording alone it is not read
            ev(2, "The Tyne Bridge got a new coating twice after the war.", "d", "Tyne Bridge"),
            ev(4, "The Tyne Bridge coating was changed twice.", "f", "Ferries")]  # another title
    assert [g.doc_id for g in group_sources(q, tyne, 3, 0.6)] == ["a"]
    groups = group_sources(q, tyne, 3, 0.6, same_title=True)
    assert [(g.doc_id, g.close) for g in groups] == [("a", True), ("d", False)]  # not close: it cannot abstain
    assert len(group_sources(q, tyne, 1, 0.6, same_title=True)) == 1  # max_sources still bounds the reading
    # a question that names no subject reads by wording only
    assert [g.doc_id for g in group_sources("Was the bridge painted with lead paint?", tyne, 3, 0.6,
                                            same_title=True)] == ["a"]


def test_two_versions_naming_the_questions_subject_are_read_together():
    q = "Did the grooves on Phobos occur as a single event?"
    versions = [ev(1, "Phobos's grooves came from one impact.", "a", "Phobos"),
                ev(2, "Phobos's striations built up over a long time.", "b", "Phobos"),
                ev(3, "Deimos has no grooves.", "c", "Deimos")]
    assert group_sources(q, versions, 3, 0.6) == []
    assert [g.doc_id for g in group_sources(q, versions, 3, 0.6, same_title=True)] == ["a", "b"]
    # one title, but only one of them names Phobos: no pair
    assert group_sources(q, [versions[0], ev(2, "They built up over a long time.", "b", "Moons")], 3, 0.6,
                         same_title=True) == []


def test_names_every_entity_matches_a_name_written_another_way():
    from rag.conflicts.source_reading import names_every_entity

    assert names_every_entity("When did Charles Darwin marry?", "Darwin married Emma Wedgwood in 1839.")
    assert not names_every_entity("When did Charles Darwin marry?", "The naturalist married in 1839.")
    assert not names_every_entity("when did the painter marry?", "The painter married in 1815.")


def test_the_prompt_shows_one_source_with_its_title_and_numbered_sentences():
    (_, system), (_, user) = build_reading_messages("Was it painted?", groups_of(BRIDGE)[1])
    assert "one source" in system
    assert "Harbour bridge\n[2] The harbour bridge was repainted" in user and "Question: Was it painted?" in user
    assert "[1]" not in user  # only this source's sentences


@pytest.mark.parametrize(
    "reply, answer, key",
    [
        ("No [2]", "no", 2),
        ("No (2)", "no", 2),  # the small model's other way of citing
        ("Yes, with lead paint [9]", "yes", 2),  # [9] is another source's sentence: the one sharing words stands in
        ("not stated", None, None),
        ("The source does not say.", None, None),
        ("Maybe [2]", None, None),  # no stance
        ("Yes", "yes", 2),  # the reader saw only this source: its best sentence stands in
    ],
)
def test_a_yes_no_reading_needs_a_stance_and_rests_on_a_sentence_of_its_own_source(reply, answer, key):
    q = "Was the harbour bridge painted with lead paint?"
    r = parse_reading(reply, q, groups_of(BRIDGE)[1], SETTINGS.reading_min_copied)
    assert r.answer == answer
    assert (r.evidence.key if r.evidence else None) == key


@pytest.mark.parametrize(
    "reply, answer",
    [
        ("lead paint [2]", "lead paint"),
        ("titanium white paint [2]", None),  # not the source's words: the reader made it up
        ("12 June 1904 [4]", None),  # the prompt's own example leaking into a reply
        ("the harbour bridge [2]", None),  # only the question's words
        ("The harbour bridge was repainted several times with lead paint until 1990. [2]", None),  # a whole sentence
        ("lead paint until 1990 [2]\nA second line is not read.", "lead paint until 1990"),
    ],
)
def test_an_open_reading_must_be_copied_from_its_source_and_answer_more_than_the_question(reply, answer):
    q = "What paint covered the harbour bridge?"
    r = parse_reading(reply, q, groups_of(BRIDGE, q)[1], SETTINGS.reading_min_copied)
    assert r.answer == answer


@pytest.mark.parametrize(
    "question, yes_no",
    [
        ("As of 2011, are more than 40 stores located at fuel stations?", True),  # a leading clause sets the scene
        ("When he was sentenced in 1980, was he under another name?", True),
        ("Sir Charles (1781-1845) was a painter. Was he married in 1803?", True),  # a preamble, then the question
        ("Was Mt. Everest climbed in 1953?", True),  # an abbreviation ends no sentence
        ("When was it built, and was it ever used?", False),  # the leading clause asks
        ("What, aside from coal, is burned in the firebox?", False),
        ("The Council, the legislative body, are made up of what type of people?", False),
        ("In the 1840s, who built the hut?", False),
    ],
)
def test_the_clause_that_asks_decides_whether_a_question_is_yes_no(question, yes_no):
    assert asks_yes_no(question) is yes_no


def test_a_choice_between_alternatives_is_not_a_yes_no_question():
    assert asks_yes_no("Is the bridge painted?")
    assert not asks_yes_no("Is Castleford a town or a village?")
    q = "Was the bridge painted with lead paint or lead-free paint?"
    r = parse_reading("lead-free paint [1]", q, groups_of(BRIDGE, q)[0], SETTINGS.reading_min_copied)
    assert r.answer == "lead-free paint" and r.stance is None


@pytest.mark.parametrize(
    "question, alternatives",
    [
        ("Was the site a penitentiary or a detention center?", ("penitentiary", "detention center")),
        ("Is Castleford considered to be a town or a village?", ("town", "village")),
        ("Where does the wave originate: the occipital lobe or the thalamus?", ("occipital lobe", "thalamus")),
        ("For what type of role (lead or supporting) was she considered?", ("lead", "supporting")),
        ('Which stamp was issued first: "Two Penny Blue" or "Penny Black"?', ("Two Penny Blue", "Penny Black")),
        ("Is it red or not?", ()),
        ("When was the bridge built?", ()),
    ],
)
def test_a_choice_question_names_its_alternatives(question, alternatives):
    from rag.question import Question

    assert Question.of(question).alternatives == alternatives


PRISON = [
    ev(1, "The massacre took place in a detention center, not a penitentiary, as the inmates were untried.", "a",
       "Carandiru massacre"),
    ev(2, "The massacre occurred on 2 October 1992 in Carandiru Penitentiary in São Paulo.", "b", "Carandiru massacre"),
]


def test_the_sources_own_words_pick_the_alternative_of_a_choice_question():
    q = "Was the site of the Carandiru massacre a penitentiary or a detention center?"
    a, b = group_sources(q, PRISON, 3, 0.5)
    # the small reader answers "Penitentiary" for both; the first source says "not a penitentiary"
    readings = [parse_reading("Penitentiary [1]", q, a, 0.75), parse_reading("Penitentiary [2]", q, b, 0.75)]
    assert [r.answer for r in readings] == ["detention center", "penitentiary"]
    # both are the question's own alternatives: a side needs no second reader, and a name's capital does not matter
    (c,) = reading_conflicts(q, readings, {1: "detention center", 2: "São Paulo"})
    assert [(s.doc_id, s.answer) for s in c.sides] == [("a", "detention center"), ("b", "penitentiary")]
    # a source that names both alternatives decides nothing; "not stated" stays not stated
    both = ev(3, "Some called the detention center a penitentiary.", "c", "Carandiru massacre")
    [g] = group_sources(q, [both], 3, 0.3)
    assert parse_reading("Penitentiary [3]", q, g, 0.75).answer == "Penitentiary"
    assert parse_reading("not stated", q, a, 0.75).answer is None


def test_opposite_stances_are_a_conflict_whose_answer_quotes_each_side():
    q = "Was the harbour bridge painted with lead paint?"
    a, b = groups_of(BRIDGE)
    readings = [parse_reading("No [1]", q, a, 0.75), parse_reading("Yes [2]", q, b, 0.75)]
    (c,) = reading_conflicts(q, readings)
    assert c.basis == "reading" and [(s.doc_id, s.answer) for s in c.sides] == [("a", "no"), ("b", "yes")]
    text = disagreement_answer(q, c, lambda s: {"a": 1, "b": 2}[s.doc_id])
    assert text == ("The sources disagree: one source says no: “The harbour bridge was painted with lead-free paint in "
                    "its first decade.” [1]; another says yes: “The harbour bridge was repainted several times with "
                    "lead paint until 1990.” [2].")


@pytest.mark.parametrize(
    "first, second, conflict",
    [
        ("Yes [1]", "Yes [2]", False),  # they agree
        ("No [1]", "not stated", False),  # one source answers: nothing to compare
        ("lead-free paint [1]", "lead paint [2]", True),  # different descriptions
        ("lead paint [1]", "lead paint until 1990 [2]", False),  # one contains the other: complementary
    ],
)
def test_only_two_checked_readings_that_differ_make_a_conflict(first, second, conflict):
    yes_no = first.startswith(("Yes", "No"))
    q = "Was the harbour bridge painted with lead paint?" if yes_no else "What paint covered the harbour bridge?"
    a, b = groups_of(BRIDGE, q)
    readings = [parse_reading(first, q, a, 0.75), parse_reading(second, q, b, 0.75)]
    qa_spans = {1: "lead-free paint", 2: "lead paint"}  # a second reader agreeing with the first
    assert bool(reading_conflicts(q, readings, qa_spans)) is conflict


def test_an_open_answer_is_a_side_only_where_a_second_reader_picks_the_same_words():
    q = "What paint covered the harbour bridge?"
    a, b = groups_of(BRIDGE, q)
    readings = [parse_reading("lead-free paint [1]", q, a, 0.75), parse_reading("lead paint [2]", q, b, 0.75)]
    assert reading_conflicts(q, readings, {1: "lead-free", 2: "lead paint"})
    assert not reading_conflicts(q, readings, {1: "lead-free", 2: "until 1990"})  # the QA model read another answer
    assert not reading_conflicts(q, readings)  # no second reader: only yes/no stances are compared


def two_read(q: str, first: str, second: str, replies: tuple[str, str]):
    """The reading conflicts of two one-sentence sources, each read as ``replies`` and both corroborated by a
    second reader picking the same words."""
    a, b = group_sources(q, [ev(1, first, "a"), ev(2, second, "b")], 3, 0.5)
    readings = [parse_reading(f"{r} [{n}]", q, g, 0.75) for n, (r, g) in enumerate(zip(replies, (a, b)), start=1)]
    return reading_conflicts(q, readings, {1: replies[0], 2: replies[1]})


def test_a_reading_from_a_sentence_about_another_office_is_no_side():
    q = "Who is the harbour's Port Director?"
    port = "The harbour's Port Director, Ana Ruiz, opened the bridge."
    names = ("Ana Ruiz", "Tom Wei")
    # "Finance Director" answers about another office
    assert not two_read(q, port, "The harbour's Finance Director Tom Wei signed the bridge contract.", names)
    # two accounts of the one office do disagree
    assert two_read(q, port, "The harbour's Port Director Tom Wei signed the bridge contract.", names)


def test_a_nationality_that_describes_another_noun_is_no_side():
    q = "What nationality was the ferry that sank?"
    greek = "The ferry that sank was a Greek ferry, officials said."
    # the coast guard is Turkish, not the ferry
    assert not two_read(q, greek, "The ferry that sank was stopped by the Turkish coast guard before it went down.",
                        ("Greek", "Turkish"))
    # two nationalities of the ferry do disagree
    assert two_read(q, greek, "The ferry that sank was a Turkish ferry, its owner said.", ("Greek", "Turkish"))


@pytest.mark.parametrize(
    "answer, sentence, other",
    [
        ("Algerian", "It was downed by the Algerian regime.", True),
        ("Turkish", "The Turkish drone fell.", False),  # the noun asked about
        ("French", "It was a French design.", False),  # predicated of the subject
        ("Apple", "Apple posted record revenue.", False),  # no nationality: a name before its verb
        ("Malian", "Officials said it was Malian.", False),  # no noun after it
    ],
)
def test_a_nationality_describes_the_noun_after_it(answer, sentence, other):
    from rag.conflicts.source_reading import describes_another_noun

    assert describes_another_noun("What nationality was the drone?", answer, sentence) is other


@pytest.mark.parametrize(
    "sentence, reply, stance",
    [
        ("The final of the 2021 Harbour Cup was played on 24 September 2019.", "Yes [1]", "no"),  # its date says no
        ("The final of the 2021 Harbour Cup was played on 3 October 2021.", "No [1]", "yes"),
        ("The 2021 Harbour Cup was the 12th edition of the tournament.", "Yes [1]", "yes"),  # no date of its own
    ],
)
def test_a_yes_no_reading_takes_its_stance_from_the_value_its_sentence_gives(sentence, reply, stance):
    q = "Was the final of the 2021 Harbour Cup played in 2021?"
    [g] = group_sources(q, [ev(1, sentence, "a", title="Harbour Cup")], 3, 0.3)
    assert parse_reading(reply, q, g, 0.75).stance == stance


@pytest.mark.parametrize(
    "sentence, stance",
    [
        ("Ward's wife joined him in Dacca in 1902–03.", "yes"),  # a span of years holds 1903
        ("Ward's wife joined him in Dacca in 1902-1903.", "yes"),
        ("Ward went abroad in 1899, and in 1905, Ward married his cousin.", "no"),
        ("Ward's wife joined him in Dacca in 1901–02.", "no"),
    ],
)
def test_a_question_set_up_by_a_statement_proposes_the_value_of_its_asking_sentence(sentence, stance):
    # the introduction's own years (1871–1950) are not what the question proposes, and a source about the marriage
    # is read though it repeats none of the introduction's words
    q = "Sir John Ward (1871–1950) was a British painter and official from Dacca. Was John Ward married in 1903?"
    [g] = group_sources(q, [ev(1, sentence, "a", title="John Ward")], 3, 0.5)
    assert parse_reading("Yes [1]", q, g, 0.75).stance == stance


def test_the_asking_sentence_is_a_question_of_its_own():
    from rag.question import Question

    q = Question.of("Sir John Ward (1871–1950) was a British painter. Was John Ward married in 1903?")
    assert q.asking.text == "Was John Ward married in 1903?"
    assert [d.year for d in q.asking.claim.dates] == [1903]
    one = Question.of("Was John Ward married in 1903?")
    assert one.asking is one
    # an asking sentence that proposes no value of its own leaves the statement's
    from rag.conflicts.wording import value_holds

    assert value_holds(Question.of("The tower opened in 1889. Did it open that year?"), "1889") is True
    assert value_holds(Question.of("The tower opened in 1889. Did it open that year?"), "1890") is False


def test_the_end_of_a_span_of_years_is_read_after_its_first_year():
    from rag.conflicts.source_reading import year_span_end

    def end(sentence: str, year: str) -> int | None:
        i = sentence.index(year)
        return year_span_end(sentence, year, i, i + len(year))

    assert end("They lived in Dacca in 1802–03.", "1802") == 1803
    assert end("The hall was used 1911 - 1946 as a depot.", "1911") == 1946
    assert end("The 1998-99 season.", "1998") == 1999
    assert end("In 1998, 2001 and 2004.", "1998") is None  # a list, not a span
    assert end("Score 12-14 at half time.", "12") is None  # no year
    assert end("From 1990–85 backwards.", "1990") is None  # a span runs forwards


GLIDERS = [
    ev(1, "The force used in the attack was dispersed around several locations.", "a", title="Fort"),
    ev(2, "At dawn, forty-two gliders carrying the 493 troops lifted off.", "a", title="Fort"),
    ev(3, "The attack on the fort used forty-one gliders in all.", "b", title="Fort"),
]


def test_a_figure_the_reader_writes_in_digits_is_copied_and_rests_on_the_sentence_that_gives_it():
    q = "How many gliders were used in the attack on the fort?"
    a, b = group_sources(q, GLIDERS, 3, 0.5)
    r = parse_reading("42 [1]", q, a, 0.75)  # 'forty-two' in the source; the reader cited the sentence before it
    assert r.answer == "42" and r.evidence.key == 2
    assert parse_reading("43 [2]", q, a, 0.75).answer is None  # a figure the source does not give


def test_a_figure_asked_for_is_a_side_when_its_own_sentence_gives_it_without_a_second_reader():
    q = "How many gliders were used in the attack on the fort?"
    a, b = group_sources(q, GLIDERS, 3, 0.5)
    readings = [parse_reading("42 [2]", q, a, 0.75), parse_reading("41 [3]", q, b, 0.75)]
    (c,) = reading_conflicts(q, readings)  # the QA model read '493' there: no second reader agrees
    assert [s.doc_id for s in c.sides] == ["a", "b"]
    agreeing = [readings[0], parse_reading("42 [3]", q, b, 0.75)]  # '42' is not in b's sentence: no side
    assert not reading_conflicts(q, agreeing)


def test_read_sources_asks_once_per_source_and_not_at_all_for_one_source(scripted_llm):
    q = "Was the harbour bridge painted with lead paint?"
    scripted_llm.enqueue("No [1]")
    scripted_llm.enqueue("Yes [2]")
    readings = read_sources(scripted_llm, q, BRIDGE, SETTINGS)
    assert [r.answer for r in readings] == ["no", "yes"] and len(scripted_llm.history) == 2
    assert read_sources(scripted_llm, q, BRIDGE[:1], SETTINGS) == [] and len(scripted_llm.history) == 2


@pytest.mark.parametrize(
    "answer, sentence, shape",
    [
        ("A lion", "Police said a lion had escaped from the circus.", "description"),
        ("Kimba", "The lion, named Kimba, escaped.", "name"),
        ("Louisiana congressman", "Mike Johnson, a Louisiana congressman, won the vote.", "mixed"),
        ("Fishing", "Fishing is what most residents do.", None),  # only at the sentence start: casing says nothing
        ("1934", "The base was set up in 1934.", "number"),
    ],
)
def test_an_answer_shape_comes_from_how_its_source_writes_it(answer, sentence, shape):
    assert answer_shape(answer, sentence) == shape


def test_a_name_and_a_description_of_the_same_thing_are_not_a_conflict():
    q = "Which animal escaped from the circus?"
    a = ev(1, "Police said a lion had escaped from the circus on Friday.", "a", title="Circus")
    b = ev(2, "The lion, named Kimba, escaped from the circus on Friday.", "b", title="Circus")
    ga, gb = group_sources(q, [a, b], 3, 0.5)
    readings = [parse_reading("a lion [1]", q, ga, 0.75), parse_reading("Kimba [2]", q, gb, 0.75)]
    assert not reading_conflicts(q, readings, {1: "lion", 2: "Kimba"})
    c = ev(3, "A tiger had escaped from the circus, police said on Friday.", "c", title="Circus")
    gc = group_sources(q, [a, c], 3, 0.5)[1]
    assert reading_conflicts(q, [readings[0], parse_reading("A tiger [3]", q, gc, 0.75)], {1: "lion", 3: "tiger"})


def test_no_source_answers_only_when_every_source_said_so():
    q = "Was the harbour bridge painted with lead paint?"
    a, b = groups_of(BRIDGE)
    stated = parse_reading("not stated", q, a, 0.75)
    assert no_source_answers([stated, parse_reading("It does not say.", q, b, 0.75)])
    assert not no_source_answers([stated, parse_reading("Yes [2]", q, b, 0.75)])
    assert not no_source_answers([stated, parse_reading("Maybe [2]", q, b, 0.75)])  # it found something there
    assert not no_source_answers([])  # nothing was read


def test_sources_read_only_for_naming_the_subject_do_not_make_the_reader_abstain():
    q = "Did the grooves on Phobos occur as a single event?"
    a, b, _ = group_sources(q, GROOVES, 3, 0.6, named_min_coverage=0.2)
    assert a.close and not b.close  # b is read for naming Phobos, not for holding the question's words
    silent = [parse_reading("not stated", q, a, 0.75), parse_reading("not stated", q, b, 0.75)]
    assert no_source_answers(silent, min_close=1)
    assert not no_source_answers(silent, min_close=2)  # one close source saying nothing is not "no source answers"


def test_each_article_is_shown_with_its_reading_and_the_ones_that_disagree_are_marked():
    q = "What paint covered the harbour bridge?"
    a, b = groups_of(BRIDGE, q)
    readings = [parse_reading("lead-free paint [1]", q, a, 0.75), parse_reading("lead paint [2]", q, b, 0.75)]
    views = reading_views(q, readings, BRIDGE, {1: "lead-free", 2: "lead paint"})
    assert [(v.doc_id, v.answer, v.disagrees, v.basis) for v in views] == [
        ("a", "lead-free paint", False, "reading"), ("b", "lead paint", True, "reading"), ("c", None, False, None)]
    first = views[0]
    assert BRIDGE[0].text[first.answer_start - BRIDGE[0].start:first.answer_end - BRIDGE[0].start] == "lead-free paint"
    # without a second reader the open answers are shown but not compared: no mark a flag would not make
    unchecked = reading_views(q, readings, BRIDGE)
    assert [v.answer for v in unchecked[:2]] == ["lead-free paint", "lead paint"] and not any(v.disagrees for v in unchecked)


def test_yes_no_readings_are_marked_by_stance_and_not_stated_is_no_answer():
    q = "Was the harbour bridge painted with lead paint?"
    a, b = groups_of(BRIDGE)
    views = reading_views(q, [parse_reading("No [1]", q, a, 0.75), parse_reading("Yes [2]", q, b, 0.75)], BRIDGE)
    assert [(v.answer, v.disagrees, v.answer_start) for v in views[:2]] == [("no", False, None), ("yes", True, None)]
    quiet = reading_views(q, [parse_reading("No [1]", q, a, 0.75), parse_reading("not stated", q, b, 0.75)], BRIDGE)
    assert [(v.doc_id, v.answer) for v in quiet] == [("a", "no"), ("b", None), ("c", None)]


def test_a_reading_from_a_source_about_another_edition_is_no_side():
    q = "Who won the 1927 Harbour Regatta?"
    # the 1920 regatta's winner answers nothing about the 1927 one
    assert not two_read(q, "Ana Ruiz won the 1927 Harbour Regatta by a length.",
                        "Tom Wei won the 1920 Harbour Regatta by a length.", ("Ana Ruiz", "Tom Wei"))
    # two accounts of the same edition still disagree
    assert two_read(q, "Ana Ruiz won the 1927 Harbour Regatta by a length.",
                    "Tom Wei won the 1927 Harbour Regatta by a length.", ("Ana Ruiz", "Tom Wei"))
