"""The QA model's training examples have the shape the runtime asks in: one sentence, its title and the sentence before."""

from __future__ import annotations

import json

import pytest

from rag.qa import ExtractiveQA
from train.qa import data

pytestmark = pytest.mark.unit

DOC = (
    "Karl Weyprecht was an Austro-Hungarian explorer.\n"
    "He was born in Darmstadt. He died on 2 March 1881 in Michelstadt.\n"
)


def test_sentence_contexts_hold_title_previous_sentence_and_the_sentence():
    items = data.sentence_contexts(DOC)
    assert [sent for _, sent, _ in items] == [
        "Karl Weyprecht was an Austro-Hungarian explorer.",
        "He was born in Darmstadt.",
        "He died on 2 March 1881 in Michelstadt.",
    ]
    context, sent, off = items[2]
    assert context[off:] == sent
    # the runtime's head: the document's title (here its first sentence), a blank line, the previous sentence
    assert context[:off] == "Karl Weyprecht was an Austro-Hungarian explorer.\n\nHe was born in Darmstadt. "


def test_sentence_contexts_match_what_the_runtime_reads(monkeypatch):
    """rag/qa.py builds ``title\\n\\nbefore passage``; the training context must be that same text."""
    seen = {}

    class Tok:
        def encode(self, question, context):
            seen["context"] = context
            raise RuntimeError("stop")

    qa = ExtractiveQA.__new__(ExtractiveQA)
    monkeypatch.setattr(ExtractiveQA, "warm_up", lambda self: None, raising=False)
    qa._tok = Tok()
    context, sent, off = data.sentence_contexts(DOC)[2]
    from ingest.metadata import title_from_text

    with pytest.raises(RuntimeError):
        qa.answer("When did he die?", sent, title=title_from_text(DOC)[0], before="He was born in Darmstadt.")
    assert seen["context"] == context


def _bench(tmp_path, monkeypatch):
    squad = tmp_path / "squad2"
    (squad / "docs").mkdir(parents=True)
    (squad / "split.json").write_text(json.dumps({"dev": ["Alpha", "Beta"], "test": ["Gamma"]}))
    (squad / "docs" / "squad_alpha_00.txt").write_text(
        "The Alpha bridge opened in 1998. It carries trains over the river. Its architect was Ann Lee.")
    (squad / "docs" / "squad_alpha_01.txt").write_text("Alpha is a town. It has a market on Sundays.")
    rows = [
        {"id": "q1", "question": "When did the Alpha bridge open?", "answers": ["1998"], "unanswerable": False,
         "note": "article Alpha, paragraph 0"},
        {"id": "q2", "question": "When did the Alpha bridge close?", "answers": [], "unanswerable": True,
         "note": "article Alpha, paragraph 0"},
    ]
    (squad / "questions.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    monkeypatch.setattr(data, "SQUAD", squad)


def test_build_sentences_one_answering_sentence_and_hard_negatives(tmp_path, monkeypatch):
    _bench(tmp_path, monkeypatch)
    ex = data.build_sentences(["Alpha"], negatives=1, cross_rate=1.0)
    pos = [e for e in ex if e.answer_start >= 0]
    assert len(pos) == 1 and pos[0].context[pos[0].answer_start :].startswith("1998")
    assert pos[0].answer_start >= pos[0].passage_start  # the answer lies in the sentence, not in its head
    negs = [e for e in ex if e.qid.startswith("q1-")]
    assert negs and all("1998" not in e.context[e.passage_start :] for e in negs)
    # the unanswerable question: its paragraph's closest sentences, no answer
    assert [e.answer_start for e in ex if e.qid.startswith("q2-")] == [-1, -1]


def test_build_sentences_refuses_test_articles(tmp_path, monkeypatch):
    _bench(tmp_path, monkeypatch)
    with pytest.raises(ValueError, match="Gamma"):
        data.build_sentences(["Alpha", "Gamma"])


def test_rtqa_parts_are_fixed_quarters_of_the_md5():
    import hashlib

    for qid in (f"rtqa_{i}" for i in range(200)):
        h = hashlib.md5(qid.encode()).hexdigest()[0]
        assert data.rtqa_part(qid) == ("train" if h in "0123" else "dev" if h in "4567" else "test")


def test_build_news_reads_only_the_train_quarter(tmp_path, monkeypatch):
    rtqa = tmp_path / "realtimeqa"
    (rtqa / "docs").mkdir(parents=True)
    ids = [f"q{i}" for i in range(40)]
    rows = []
    for qid in ids:
        (rtqa / "docs" / f"{qid}.txt").write_text(
            "Storm hits coast\nThe storm reached Lisbon on Monday. Officials closed the port. Schools stayed open.")
        rows.append({"id": qid, "question": "Which city did the storm reach?", "answers": ["Lisbon"],
                     "gold_docs": [qid]})
    (rtqa / "questions.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    monkeypatch.setattr(data, "RTQA", rtqa)
    ex = data.build_news(negatives=1)
    assert {e.qid.split("-")[0] for e in ex} == {q for q in ids if data.rtqa_part(q) == "train"}
    pos = [e for e in ex if e.answer_start >= 0]
    assert pos and all(e.context[e.answer_start :].startswith("Lisbon") for e in pos)
    assert pos[0].context.startswith("Storm hits coast\n\n")  # the headline is the title the runtime reads
    assert all("Lisbon" not in e.context[e.passage_start :] for e in ex if e.answer_start < 0)


def test_perturb_swaps_an_opposite_when_the_sentence_has_the_word():
    import random

    seen = {data.perturb("What is the largest city of the region?", "Lodz is the largest city of the region.", "Lodz",
                         {}, random.Random(s), {"largest": "smallest", "smallest": "largest"}) for s in range(30)}
    # half the time the opposite (it goes first when there is one); else no other word of its kind to swap in
    assert seen == {"What is the smallest city of the region?", None}


def test_perturb_swaps_a_specific_for_one_of_the_same_kind_the_sentence_lacks():
    import random

    pool = {"cap": ["Krakow", "Poland"], "num4": ["1998", "2004"]}
    sentence = "In 1998 the Warsaw bridge was opened by the mayor."
    seen = {data.perturb("Who opened the Warsaw bridge in 1998?", sentence, "the mayor", pool, random.Random(s), {})
            for s in range(30)}
    seen.discard(None)
    # a capitalised word for a capitalised word, a year for a year; never a word the sentence has
    assert seen == {"Who opened the Krakow bridge in 1998?", "Who opened the Poland bridge in 1998?",
                    "Who opened the Warsaw bridge in 2004?"}


def test_perturb_leaves_the_answer_and_questions_it_cannot_change():
    import random

    # the only shared specific is the answer itself: nothing to swap, no auxiliary to negate
    assert data.perturb("Who opened Lodz?", "Lodz opened.", "Lodz", {"cap": ["Krakow"]}, random.Random(0), {}) is None


def test_build_perturbed_labels_the_answering_sentence_no_answer(tmp_path, monkeypatch):
    _bench(tmp_path, monkeypatch)
    ex = data.build_perturbed(["Alpha"], rate=1.0)
    assert all(e.answer_start == -1 and e.unanswerable for e in ex)
    assert all(e.question != "When did the Alpha bridge open?" for e in ex)
    assert all("1998" in e.context[e.passage_start :] for e in ex)  # asked of the sentence that answered the original
    with pytest.raises(ValueError, match="Gamma"):
        data.build_perturbed(["Alpha", "Gamma"])
