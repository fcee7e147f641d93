"""The eval-set schema, loaders, sampling, and the bundled set checked against the corpus text."""

import json
import re
from collections import Counter

import pytest

from eval.loaders import NAMED_SETS, doc_key, load_questions, load_set, select
from eval.metrics import contains_answer
from eval.schema import EvalQuestion
from rag.errors import InputError
from tests.conftest import CORPUS, SHARED

pytestmark = pytest.mark.unit

QUOTE = re.compile(r"\[(\d{3}_[0-9a-f]{16})\] (.*?)(?= \| \[\d{3}_| \|\| |$)")


def test_flat_conflict_docs_split_into_true_and_counterfactual_sides():
    q = EvalQuestion(id=1, question="Who acquired Instagram?", gold_docs=["p0", "p1"],
                     conflict=True, conflict_docs=["p0", "p1", "cf0", "cf1"])
    assert q.id == "1"
    assert q.conflict_docs == [["p0", "p1"], ["cf0", "cf1"]]
    q2 = EvalQuestion(id="x", question="?", conflict=True, conflict_docs=["a", "b"])
    assert q2.conflict_docs == [["a"], ["b"]], "without gold docs every document is its own side"


def test_conflict_answers_must_match_sides():
    with pytest.raises(ValueError, match="conflict_answers has 1 sides but conflict_docs has 2"):
        EvalQuestion(id="x", question="?", conflict_docs=[["a"], ["b"]], conflict_answers=[["x"]])


def test_bad_lines_name_file_line_and_field(tmp_path):
    p = tmp_path / "s.jsonl"
    p.write_text('{"id": "a", "question": "Q?"}\n{"id": "b"}\n')
    with pytest.raises(InputError, match=r"s.jsonl:2: question: Field required"):
        load_questions(p)
    p.write_text('{"id": "a", "question": "Q?"}\n{"id": "a", "question": "R?"}\n')
    with pytest.raises(InputError, match=r"s.jsonl:2: duplicate id 'a'"):
        load_questions(p)
    p.write_text("{nope\n")
    with pytest.raises(InputError, match=r"s.jsonl:1: not JSON"):
        load_questions(p)


def test_load_set_accepts_folder_file_and_name(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "questions.jsonl").write_text(json.dumps({"id": "q", "question": "Q?"}) + "\n")
    s = load_set(tmp_path)
    assert s.corpus == str(tmp_path / "docs") and s.name == tmp_path.name
    assert load_set(tmp_path / "questions.jsonl").corpus == str(tmp_path / "docs")
    b = load_set("bundled")
    assert b.corpus == str(NAMED_SETS["bundled"][1]) and len(b.questions) >= 40
    assert load_set(NAMED_SETS["bundled"][0]).corpus == b.corpus, "the bundled file by path gets its corpus too"
    with pytest.raises(InputError, match="No eval set at"):
        load_set(tmp_path / "missing.jsonl")


def test_sample_is_seeded_ordered_and_limit_applies_after():
    qs = [EvalQuestion(id=str(i), question="?") for i in range(50)]
    a = select(qs, sample=10, seed=3)
    assert [q.id for q in a] == [q.id for q in select(qs, sample=10, seed=3)]
    assert [int(q.id) for q in a] == sorted(int(q.id) for q in a)
    assert select(qs, sample=10, seed=4) != a
    assert [q.id for q in select(qs, sample=10, seed=3, limit=4)] == [q.id for q in a[:4]]
    with pytest.raises(InputError, match="sample is 0"):
        select(qs, sample=0)


def test_doc_key_is_the_source_stem():
    assert doc_key("/work/main/corpus/001_4455a967edf0368c.txt") == "001_4455a967edf0368c"
    assert doc_key("") == ""


@pytest.mark.parametrize("name", ["realtimeqa", "rgb_en_fact"])
def test_shared_bench_folders_load_as_they_are(name):
    folder = SHARED / "bench" / name
    if not folder.is_dir():
        pytest.skip(f"Test requires {folder}")
    s = load_set(folder)
    assert s.corpus == str(folder / "docs") and len(s.questions) >= 100
    if name == "rgb_en_fact":
        q = s.questions[0]
        assert q.conflict and len(q.conflict_docs) == 2
        assert all("_pos" in d for d in q.conflict_docs[0]) and all("_cf" in d for d in q.conflict_docs[1])


# -- the bundled set, checked against the articles ------------------------------------------


@pytest.fixture(scope="module")
def bundled():
    return load_set("bundled").questions


@pytest.fixture(scope="module")
def corpus_text():
    return {p.stem: " ".join(p.read_text(encoding="utf-8").split()) for p in CORPUS.glob("*.txt")}


def test_bundled_set_covers_every_category(bundled):
    tags = Counter(t for q in bundled for t in q.tags)
    assert len(bundled) >= 40
    assert tags["single"] >= 10 and tags["shared"] >= 5 and tags["multi"] >= 4
    assert tags["conflict"] >= 3 and tags["unanswerable"] >= 8 and tags["offtopic"] >= 3
    assert all(q.unanswerable == ("unanswerable" in q.tags) for q in bundled)
    assert all(q.conflict == ("conflict" in q.tags) for q in bundled)


def test_bundled_quotes_are_verbatim_and_hold_the_answers(bundled, corpus_text):
    for q in bundled:
        if q.unanswerable:
            assert not q.answers and not q.gold_docs, f"{q.id}: unanswerable questions carry no gold"
            continue
        quotes = QUOTE.findall(q.note.split(" || ")[0])
        assert quotes, f"{q.id}: note must quote the supporting sentence as '[doc] sentence'"
        for doc, quote in quotes:
            assert doc in q.gold_docs, f"{q.id}: quoted doc {doc} is not in gold_docs"
            assert " ".join(quote.split()) in corpus_text[doc], f"{q.id}: quote not found in {doc}: {quote[:60]}"
        joined = " ".join(quote for _, quote in quotes)
        assert contains_answer(joined, q.answers), f"{q.id}: no answer string in the quoted text"
        for part in q.answer_parts:
            assert contains_answer(joined, part), f"{q.id}: answer part {part} not in the quoted text"
        for a in q.answers:
            assert not contains_answer(q.question, [a]), f"{q.id}: answer {a!r} is in the question itself"
        assert set(q.gold_docs) <= set(corpus_text), f"{q.id}: unknown gold doc"


def test_bundled_conflicts_name_sides_that_exist(bundled, corpus_text):
    for q in (q for q in bundled if q.conflict):
        assert len(q.conflict_docs) >= 2 and "Sides:" in q.note, q.id
        for i, side in enumerate(q.conflict_docs):
            assert side, f"{q.id}: side {i} is empty"
            if q.conflict_answers:
                assert any(contains_answer(corpus_text[d], q.conflict_answers[i]) for d in side), (
                    f"{q.id}: no document on side {i} contains its marks"
                )


def test_split_part_selects_by_question_id_or_by_article_named_in_the_note(tmp_path):
    from eval.loaders import split_part

    folder = tmp_path / "bench"
    folder.mkdir()
    rows = [
        {"id": "a1", "question": "Q1?", "note": "SQuAD, article Force, paragraph 0"},
        {"id": "a2", "question": "Q2?", "note": "SQuAD, article Warsaw, paragraph 3"},
        {"id": "a3", "question": "Q3?", "note": ""},
    ]
    (folder / "questions.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    with pytest.raises(InputError, match="split.json"):
        split_part(load_set(folder), "dev")
    (folder / "split.json").write_text(json.dumps({"dev": ["Force", "a3"], "test": ["Warsaw"]}))
    evset = load_set(folder)
    assert [q.id for q in split_part(evset, "dev")] == ["a1", "a3"]
    assert [q.id for q in split_part(evset, "test")] == ["a2"]
    with pytest.raises(InputError, match="no part 'train'"):
        split_part(evset, "train")


@pytest.mark.skipif(not (SHARED / "bench" / "wikicontradict_dev" / "split.json").is_file(), reason="no shared bench")
def test_bench_splits_are_disjoint_and_complete():
    from eval.loaders import split_part

    for name in ("wikicontradict_dev", "squad2"):
        evset = load_set(SHARED / "bench" / name)
        dev, test = split_part(evset, "dev"), split_part(evset, "test")
        assert not {q.id for q in dev} & {q.id for q in test}
        assert len(dev) + len(test) == len(evset.questions)


def test_the_day_a_question_was_asked_comes_from_its_field_or_its_dated_note():
    import datetime

    q = EvalQuestion(id="a", question="Which pope was laid to rest this week?",
                     note="RealTimeQA 2023/01/05 CNN news quiz; multiple choice A | B")
    assert q.asked_at == datetime.date(2023, 1, 5)
    given = EvalQuestion(id="b", question="?", asked_at="2024-02-29", note="RealTimeQA 2023/01/05 CNN news quiz")
    assert given.asked_at == datetime.date(2024, 2, 29), "an explicit date wins over the note"
    for note in ("SQuAD 2.0 dev, article Warsaw, paragraph 3", "[001_4455a967edf0368c] On 2025/04/01 it fell. || x", ""):
        assert EvalQuestion(id="c", question="?", note=note).asked_at is None, note
    with pytest.raises(ValueError, match="asked_at"):
        EvalQuestion(id="d", question="?", asked_at="last Tuesday")
