"""The WordNet opposites table: how scripts/build_wordnet_opposites.py derives it, and how rag.text.opposites reads
it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[2]

# A few synsets in WordNet's data-file format: offset, lexicographer file, type, word count (hex), words, pointers.
ADJ = """\
  1 This software and database is being provided to you, the LICENSEE, by Princeton University
00000100 00 a 01 large 0 002 ! 00000200 a 0101 & 00000300 s 0000 | above average in size
00000200 00 a 01 small 0 001 ! 00000100 a 0101 | below average in size
00000300 00 s 02 huge 0 big 0 001 & 00000100 a 0000 | unusually great in size
00000400 00 a 01 new 0 001 ! 00000500 a 0101 | not of long duration
00000500 00 a 01 old 0 001 ! 00000400 a 0101 | of long duration
"""
# "new" and "old" also share a sense (as if WordNet had one): close in meaning, so no opposites
NOUN = """\
00000600 03 n 02 new 0 old 0 000 | a sense both words share
"""


def _builder():
    spec = importlib.util.spec_from_file_location("build_wordnet_opposites", ROOT / "scripts" / "build_wordnet_opposites.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_table_holds_antonyms_and_satellites_against_the_heads_antonym_but_no_close_pairs(tmp_path):
    wn = tmp_path / "dict"
    wn.mkdir()
    (wn / "data.adj").write_text(ADJ, encoding="utf-8")
    (wn / "data.noun").write_text(NOUN, encoding="utf-8")
    (wn / "data.verb").write_text("", encoding="utf-8")
    (wn / "data.adv").write_text("", encoding="utf-8")
    (wn / "adj.exc").write_text("bigger big\nlarger large\nolder old\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    assert _builder().main([str(wn), "--out", str(out)]) == 0
    pairs = [line for line in (out / "wordnet_opposites.txt").read_text().splitlines() if not line.startswith("#")]
    assert pairs == ["big small", "huge small", "large small"]  # no "big huge" / "huge large", no "new old"
    assert "Princeton University" in (out / "wordnet_opposites.txt").read_text()  # the licence notice travels with it
    inflections = (out / "wordnet_inflections.txt").read_text().splitlines()
    assert "bigger big" in inflections and "larger large" in inflections
    assert "older old" not in inflections  # "old" is in no pair


def test_wordnet_opposites_reduce_inflected_forms_and_leave_paraphrases_alone():
    from rag.text.opposites import base_forms, opposite

    assert opposite("smaller", "larger") and opposite("worse", "better") and opposite("increased", "decreased")
    assert opposite("cooperative", "competitive") and opposite("horizontal", "vertical")
    assert not opposite("use", "utilize") and not opposite("scientific", "mathematical")
    assert not opposite("new", "latest") and not opposite("large", "large")
    assert base_forms("largest") == {"large"} and "bad" in base_forms("worse")
    assert base_forms("qwxz") == frozenset()
    assert (ROOT / "rag" / "data" / "wordnet_opposites.txt").read_text().count("\n") > 30000
