"""Metadata: titles found vs inferred, bylines, dates, site names and datelines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ingest.clean import clean_text
from ingest.metadata import (
    TITLE_MAX_CHARS,
    extract_meta,
    find_dateline,
    first_sentence,
    parse_date,
    title_from_text,
    truncate_title,
)
from rag.types import DocMeta

pytestmark = pytest.mark.unit

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
BODY = "Mali, however, maintains that the drone crashed 9.5km inside its territory and denies any airspace violation."
BODY2 = "The incident has sparked a diplomatic standoff between the two neighbours, and ambassadors were recalled."


def corpus_meta(prefix: str) -> DocMeta:
    matches = sorted(CORPUS.glob(f"{prefix}_*.txt"))
    assert matches, f"Test requires corpus/{prefix}_*.txt"
    raw = matches[0].read_text(encoding="utf-8")
    return extract_meta(raw, clean_text(raw).text)


def meta_for(raw: str, **kwargs) -> DocMeta:
    return extract_meta(raw, clean_text(raw).text, **kwargs)


@pytest.mark.parametrize(
    ("prefix", "title"),
    [
        ("002", "Escalating tensions : Mali-Algeria border conflict analyzed"),
        ("004", "Algeria-Mali Diplomatic Rift: Rising Tensions and Regional Implications"),
    ],
)
def test_corpus_headline_found(prefix, title):
    meta = corpus_meta(prefix)
    assert meta.title == title
    assert meta.title_inferred is False


def test_corpus_003_long_headline_found():
    meta = corpus_meta("003")
    assert meta.title.startswith("Exclusive – Sources Close to the Malian Army")
    assert meta.title.endswith("Coordinating with Its Military")
    assert meta.title_inferred is False


@pytest.mark.parametrize(
    ("prefix", "start"),
    [
        ("000", "Tensions have flared between Mali and Algeria"),
        ("001", "Tensions between Algeria and Mali have escalated dramatically"),  # dateline left out
    ],
)
def test_corpus_title_inferred_from_first_sentence(prefix, start):
    meta = corpus_meta(prefix)
    assert meta.title_inferred is True
    assert meta.title.startswith(start)
    assert meta.title.endswith("…")
    assert len(meta.title) <= TITLE_MAX_CHARS + 1


def test_corpus_001_byline_and_dateline():
    meta = corpus_meta("001")
    assert meta.author == "Mohammed Ghani"
    assert meta.dateline == "Algiers, Algeria"


def test_corpus_004_relative_date_text():
    meta = corpus_meta("004")
    assert meta.date_text == "4 months ago"
    assert meta.published is None, "a relative date cannot be turned into a calendar date"


def test_corpus_002_dates_of_other_stories_are_not_taken():
    meta = corpus_meta("002")
    assert meta.date_text is None, "'7 hours ago' belongs to a related story in the trailer"
    assert meta.author is None


def test_corpus_body_dates_are_never_published():
    for prefix in ("000", "001", "002", "003", "004"):
        assert corpus_meta(prefix).published is None, f"{prefix}: no date line at the top, so no published date"


def test_printed_date_line_near_top_gives_published_and_date_text():
    raw = "Drone downed near the border\nBy Jane Doe\nPublished: April 7, 2025 10:15 GMT\n" + BODY + "\n" + BODY2
    meta = meta_for(raw)
    assert meta.published == "2025-04-07"
    assert meta.date_text == "Published: April 7, 2025 10:15 GMT"
    assert meta.author == "Jane Doe"


def test_date_line_inside_the_story_is_ignored():
    raw = "Drone downed near the border\n" + BODY + "\n" + BODY2 + "\n" + BODY + "\nApril 9, 2025\n" + BODY2
    meta = meta_for(raw)
    assert meta.published is None
    assert meta.date_text is None


def test_byline_with_affiliation_and_two_authors():
    assert meta_for("Headline here\nBy Jane Doe, Reuters\n" + BODY).author == "Jane Doe"
    assert meta_for("Headline here\nBy Jane Doe and John Roe\n" + BODY).author == "Jane Doe and John Roe"


def test_html_meta_fills_fields_and_beats_the_text():
    raw = "Drone downed near the border\nBy Someone Else\n" + BODY + "\n" + BODY2
    meta = meta_for(
        raw,
        html_meta={"title": "Drone downed", "author": "Jane Doe", "date": "2025-04-07", "sitename": "Example News"},
    )
    assert meta.title == "Drone downed" and meta.title_inferred is False
    assert meta.author == "Jane Doe"
    assert meta.published == "2025-04-07"
    assert meta.source_name == "Example News"


def test_front_matter_beats_html_meta_and_accepts_lists_and_dates():
    meta = meta_for(
        BODY + "\n" + BODY2,
        html_meta={"title": "HTML title", "sitename": "HTML site"},
        front_matter={
            "Title": "Mali closes airspace",
            "authors": ["Jane Doe", "John Roe"],
            "date": dt.date(2025, 4, 7),
            "source": "Example Wire",
        },
    )
    assert meta.title == "Mali closes airspace" and meta.title_inferred is False
    assert meta.author == "Jane Doe, John Roe"
    assert meta.published == "2025-04-07"
    assert meta.source_name == "Example Wire"


def test_empty_text_gives_empty_title():
    meta = extract_meta("", "")
    assert meta.title == "" and meta.title_inferred is False


def test_single_line_document_title_is_inferred():
    title, inferred = title_from_text("Mali recalled its ambassador.")
    assert (title, inferred) == ("Mali recalled its ambassador.", True)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("What is your analysis of the escalation?", True),  # question headlines count
        ("Mali recalls its ambassador.", False),  # a sentence, not a headline
        ("the drone crashed near the border", False),  # starts lower-case
    ],
)
def test_title_detection_rules(line, expected):
    title, inferred = title_from_text(line + "\n" + BODY)
    assert (title == line and not inferred) is expected


def test_first_sentence_skips_abbreviations_and_initials():
    text = "Gen. Diop said the U.S. drone was not involved. Another sentence follows here."
    assert first_sentence(text) == "Gen. Diop said the U.S. drone was not involved."


def test_truncate_title_cuts_at_word_boundary():
    text = "word " * 40
    cut = truncate_title(text.strip())
    assert cut.endswith("word…") and len(cut) <= TITLE_MAX_CHARS + 1
    assert truncate_title("Short title.") == "Short title."


@pytest.mark.parametrize(
    ("para", "place"),
    [
        ("Algiers, Algeria – Tensions rose sharply on Sunday.", "Algiers, Algeria"),
        ("BAMAKO, Mali (Reuters) - Mali said the drone crashed.", "BAMAKO, Mali"),
        ("Rabat — Morocco and Rwanda are boosting cooperation.", "Rabat"),
        ("ALGIERS: The ministry said the drone was shot down.", "ALGIERS"),
        ("Lomé, Togo – Leaders met on Monday.", "Lomé, Togo"),
        ("BAMAKO, April 7 (Reuters) - Mali on Sunday accused Algeria.", "BAMAKO"),
        ("Exclusive – Sources close to the army said so.", None),
        ("Note: This is not a dateline.", None),
        ("Mali, however, maintains that the drone crashed.", None),
    ],
)
def test_find_dateline(para, place):
    assert find_dateline(para + "\n" + BODY) == place


def test_dateline_is_read_after_the_headline_only():
    clean = "Drone downed near the border\nBamako – " + BODY
    assert find_dateline(clean) == "Bamako"


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2025-04-07", "2025-04-07"),
        ("2025-04-07T10:00:00+00:00", "2025-04-07"),
        ("April 7, 2025", "2025-04-07"),
        ("Mon 7 Apr 2025 10.15 BST", "2025-04-07"),
        ("7th of April, 2025", "2025-04-07"),
        (dt.date(2025, 4, 7), "2025-04-07"),
        (dt.datetime(2025, 4, 7, 10, 0), "2025-04-07"),
        ("2025-02-30", None),
        ("4 months ago", None),
        (None, None),
    ],
)
def test_parse_date(value, iso):
    assert parse_date(value) == iso
