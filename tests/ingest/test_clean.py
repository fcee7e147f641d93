"""Cleaning: each junk kind is removed and recorded; article text survives verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.clean import CLEANER_VERSION, CleanResult, clean_text, junk_reason

pytestmark = pytest.mark.unit

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

BODY1 = (
    "Algeria said the drone was shot down after it reportedly penetrated 2km into its airspace near the town of "
    "Tinzaoutin."
)
BODY2 = "Mali, however, maintains that the drone crashed 9.5km inside its territory and denies any airspace violation."
BODY3 = "The incident has sparked a diplomatic standoff between the two neighbours, and ambassadors were recalled."


def corpus_raw(prefix: str) -> str:
    matches = sorted(CORPUS.glob(f"{prefix}_*.txt"))
    assert matches, f"Test requires corpus/{prefix}_*.txt"
    return matches[0].read_text(encoding="utf-8")


def assert_offsets(raw: str, result: CleanResult) -> None:
    for r in result.removed:
        assert raw[r.start : r.end] == r.text, f"removal {r.reason!r} offsets do not match the raw text"
        assert r.end > r.start


def removed_with(result: CleanResult, text: str) -> list[str]:
    return [r.reason for r in result.removed if r.text == text]


def article(*middle: str) -> str:
    return "\n".join(["Drone downed near the border", BODY1, *middle, BODY2, BODY3]) + "\n"


def test_cleaner_version_bumped():
    assert CLEANER_VERSION == "2"


def test_clean_text_returns_clean_result_with_text_and_removals():
    res = clean_text(article("Share"))
    assert isinstance(res, CleanResult)
    assert res.text == "\n".join(["Drone downed near the border", BODY1, BODY2, BODY3])
    assert [(r.text, r.reason) for r in res.removed] == [("Share", "UI label")]


@pytest.mark.parametrize(
    ("junk", "reason"),
    [
        ("AD_4nXdJCuRuiPOzijAe4VTKzF5j3GspO5YR-w4QHd-oqE5f0fzmERfHuOHEVje-_I1nTNh47B6 (800×455)", "image placeholder"),
        ("Algeria_Map.jpg (1032×1238)", "image placeholder"),
        ("wreckage-photo.webp", "image placeholder"),
        ("Print", "UI label"),
        ("Share", "UI label"),
        ("Leave a comment", "UI label"),
        ("Hashtags", "UI label"),
        ("Advertisement", "UI label"),
        ("Share on Facebook", "UI label"),
        ("12", "lone number"),
        ("1/5", "lone number"),
        ("°", "stray symbols"),
        ("* * *", "stray symbols"),
        ("4 months ago", "relative date"),
        ("Updated 3 hours ago", "relative date"),
        ("an hour ago", "relative date"),
        ("12 comments", "counter"),
        ("1.2K shares", "counter"),
        ("No comments yet...", "comment widget"),
        ("Be the first to comment", "comment widget"),
        ("Try Our AI Features", "promotion"),
        ("Explore what Daily8 AI can do for you:", "promotion"),
        ("Follow us on Twitter", "promotion"),
        ("Read more: Mali recalls its ambassador", "related-story link"),
        ("#Mali #Algeria #Sahel", "hashtags"),
        ("https://example.com/world/africa/mali-drone", "bare link"),
        ("Home » World » Africa", "breadcrumb"),
        ("Photo: AFP", "image credit"),
        ("Copyright 2025 Example News. All rights reserved.", "copyright notice"),
        ("By Mohammed Ghani", "byline"),
    ],
)
def test_each_junk_line_is_removed_and_recorded(junk, reason):
    raw = article(junk)
    res = clean_text(raw)
    assert junk not in res.text.split("\n"), f"{junk!r} should be removed"
    assert removed_with(res, junk) == [reason]
    assert_offsets(raw, res)
    for sentence in (BODY1, BODY2, BODY3):
        assert sentence in res.text


@pytest.mark.parametrize(
    "line",
    [
        BODY1,
        "What is your analysis of the recent escalation between Mali and Algeria?",
        "Malian sovereignty",
        "A Serious Violation",
        "Aside from Mali, Algeria has tensions with most of its neighbors...",
        "By Sunday, the ministry had recalled its ambassador.",
        "Copyright law was changed in Mali this year",
        "The drone was found 9.5 kilometers from the border.",
        "- Mali",
    ],
)
def test_article_lines_are_not_junk(line):
    assert junk_reason(line, in_head=True) is None


def test_removal_offsets_point_into_raw_and_cover_the_junk():
    raw = "Title line here\n" + BODY1 + "\n\nPrint\n\n12\n\n" + BODY2 + "\n  Share  \n" + BODY3
    res = clean_text(raw)
    assert_offsets(raw, res)
    assert [(r.text, r.start) for r in res.removed] == [
        ("Print", raw.index("Print")),
        ("12", raw.index("\n12\n") + 1),
        ("Share", raw.index("Share")),
    ]


def test_crlf_offsets_refer_to_newline_normalised_text():
    raw = "Drone downed near the border\r\n" + BODY1 + "\r\nShare\r\n" + BODY2 + "\r\n"
    res = clean_text(raw)
    normalised = raw.replace("\r\n", "\n")
    assert "\r" not in res.text
    assert_offsets(normalised, res)
    assert removed_with(res, "Share") == ["UI label"]


def test_weather_widget_run_is_removed_as_one_block():
    widget = "Thu 6:00\nscattered clouds\n12.38\n°\nC\nFri\n15.89\nmostlycloudy\nSat\n16.26\nmostlycloudy"
    raw = article() + "\n" + widget + "\n"
    res = clean_text(raw)
    assert_offsets(raw, res)
    assert res.text.endswith(BODY3)
    blocks = [r for r in res.removed if r.reason.startswith("widget")]
    assert len(blocks) == 1 and blocks[0].text == widget


def test_four_line_run_needs_numbers_to_be_a_widget():
    raw = article("Algiers", "12°C", "Bamako", "31°C")
    assert "Bamako" not in clean_text(raw).text
    raw = article("Algiers", "Sunny spells", "Bamako", "Clear skies")
    assert "Bamako\nClear skies" in clean_text(raw).text


def test_short_run_without_numbers_is_kept():
    raw = article("Background", "Key players", "Mali", "Algeria")
    res = clean_text(raw)
    assert "Key players\nMali\nAlgeria" in res.text


def test_bullet_list_at_the_end_survives():
    raw = article() + "The bloc's members:\n- Mali\n- Niger\n- Burkina Faso\n"
    assert clean_text(raw).text.endswith("- Mali\n- Niger\n- Burkina Faso")


def test_related_articles_trailer_cuts_everything_after_it():
    other = "UNHRC criticizes Algeria for mass expulsions of sub-Saharan migrants"
    raw = article() + "Related Articles\n\nYa Biladi\n7 hours ago\n- Ya Biladi\n" + other + "\n" + BODY1 + "\n"
    res = clean_text(raw)
    assert_offsets(raw, res)
    assert "UNHRC" not in res.text
    assert res.text.count(BODY1) == 1
    trailer = [r for r in res.removed if r.reason.startswith("trailer")]
    assert len(trailer) == 1 and trailer[0].text.startswith("Related Articles") and trailer[0].text.endswith(BODY1)


@pytest.mark.parametrize("heading", ["Read more", "More from Ya Biladi", "You may also like", "Most read", "Trending"])
def test_other_trailer_headings_cut(heading):
    raw = article() + heading + "\n" + "Some other story about Morocco and its parliament was published today.\n"
    res = clean_text(raw)
    assert "Morocco" not in res.text
    assert res.text.endswith(BODY3)


def test_trailer_heading_before_the_body_only_removes_the_line():
    raw = "Trending\n" + article()
    res = clean_text(raw)
    assert res.text.startswith("Drone downed near the border")
    assert BODY3 in res.text
    assert removed_with(res, "Trending") == ["UI label"]


def test_section_labels_above_the_headline_are_removed():
    raw = "World\nAfrica\nMali accuses Algeria of shooting down drone\n" + BODY1 + "\n" + BODY2 + "\n"
    res = clean_text(raw)
    assert res.text.split("\n")[0] == "Mali accuses Algeria of shooting down drone"
    assert removed_with(res, "World") == ["section label"] and removed_with(res, "Africa") == ["section label"]


def test_short_headline_is_not_taken_for_a_section_label():
    raw = "Drone row\n" + BODY1 + "\n" + BODY2 + "\n"
    assert clean_text(raw).text.startswith("Drone row\n")


def test_navigation_menu_run_is_removed():
    raw = "Skip to content\nHome\nNews\nSport\nWeather\nSounds\n" + article()
    res = clean_text(raw)
    assert res.text.startswith("Drone downed near the border\n")
    assert [r.reason for r in res.removed] == ["widget (run of short fragments)"]


def test_image_caption_lines_are_removed():
    raw = article("Image source, Getty Images", "Image caption, Mali's military rulers accuse Algeria")
    res = clean_text(raw)
    assert "Getty" not in res.text and "Image caption" not in res.text
    assert BODY2 in res.text


def test_page_furniture_before_a_comments_trailer_is_trimmed():
    furniture = "Hashtags\n\nTry Our AI Features\nExplore what Daily8 AI can do for you:\nComments\nNo comments yet...\n"
    raw = article() + furniture
    res = clean_text(raw)
    assert res.text.endswith(BODY3)
    assert_offsets(raw, res)
    assert removed_with(res, "Explore what Daily8 AI can do for you:")


def test_trailing_short_unpunctuated_line_is_trimmed():
    raw = article() + "Tap to view the gallery of the week\n"
    res = clean_text(raw)
    assert res.text.endswith(BODY3)
    assert removed_with(res, "Tap to view the gallery of the week") == ["trailing page furniture"]


def test_byline_removed_but_dateline_and_headline_kept():
    raw = "Drone downed near the border\nBy Mohammed Ghani\nAlgiers, Algeria – " + BODY1 + "\n" + BODY2 + "\n"
    res = clean_text(raw)
    assert res.text.split("\n")[0] == "Drone downed near the border"
    assert "Algiers, Algeria – " + BODY1 in res.text
    assert removed_with(res, "By Mohammed Ghani") == ["byline"]


def test_printed_date_line_near_top_removed_but_kept_in_body():
    raw = "\n".join(["Drone downed near the border", "Published: April 7, 2025", BODY1, BODY2, "April 9, 2025", BODY3])
    res = clean_text(raw)
    assert removed_with(res, "Published: April 7, 2025") == ["date line"]
    assert "April 9, 2025" in res.text


def test_blank_runs_collapse_and_trailing_whitespace_is_stripped():
    raw = "Drone downed near the border  \n\n\n\nPrint\n\n\n" + BODY1 + "\u00a0\n\n\n\n" + BODY2 + "\n\n\n"
    res = clean_text(raw)
    assert res.text == "Drone downed near the border\n\n" + BODY1 + "\n\n" + BODY2


def test_html_script_and_tags_never_survive():
    raw = (
        "Drone downed near the border\n<p>" + BODY1 + "</p>\n<script>var x = '<b>evil</b>';\nalert(1);</script>\n"
        "The <b>diplomatic</b> standoff deepened as ambassadors were recalled, <!-- ad --> officials said on Sunday.\n"
    )
    res = clean_text(raw)
    assert_offsets(raw, res)
    assert "<" not in res.text and "alert" not in res.text
    assert BODY1 in res.text
    assert "The diplomatic standoff deepened as ambassadors were recalled, officials said on Sunday." in res.text


def test_markdown_syntax_removed_only_with_markdown_flag():
    raw = (
        "# Drone downed\n\n![map](http://x/map.png)\n\n"
        "Mali said **the drone** crashed, [the ministry said](http://x).\n"
    )
    md = clean_text(raw, markdown=True)
    assert_offsets(raw, md)
    assert md.text == "Drone downed\n\nMali said the drone crashed, the ministry said."
    plain = clean_text(raw)
    assert "![map]" not in plain.text, "image links are junk in any text"
    assert "**the drone**" in plain.text and "[the ministry said](http://x)" in plain.text


def test_cleaning_is_idempotent_on_the_corpus():
    for path in sorted(CORPUS.glob("*.txt")):
        once = clean_text(path.read_text(encoding="utf-8")).text
        assert clean_text(once).text == once, f"{path.name}: cleaning its own output changed it"


# --- the bundled corpus -------------------------------------------------------------

JUNK = [
    "AD_4nX",
    "Algeria_Map.jpg",
    "(800×455)",
    "Thu 6:00",
    "scattered clouds",
    "mostlycloudy",
    "12.38",
    "Leave a comment",
    "4 months ago",
    "Hashtags",
    "Try Our AI Features",
    "Explore what Daily8 AI",
    "No comments yet",
    "Related Articles",
    "Ya Biladi",
    "UNHRC",
    "PARLACEN",
    "Morocco, Rwanda Deepen Military Ties",
    "By Mohammed Ghani",
]
JUNK_LINES = ["Print", "Share", "12", "Comments", "°", "C", "Fri"]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_corpus_file_is_clean(prefix):
    raw = corpus_raw(prefix)
    res = clean_text(raw)
    assert_offsets(raw, res)
    for junk in JUNK:
        assert junk not in res.text, f"{prefix}: {junk!r} survived cleaning"
    lines = res.text.split("\n")
    for junk in JUNK_LINES:
        assert junk not in lines, f"{prefix}: junk line {junk!r} survived cleaning"
    raw_lines = {line.rstrip() for line in raw.split("\n")}
    for line in lines:
        assert not line or line in raw_lines, f"{prefix}: kept line was altered: {line[:60]!r}"
    assert "\n\n\n" not in res.text
    assert res.text == res.text.strip()


@pytest.mark.parametrize(
    ("prefix", "sentence"),
    [
        ("000", "Mali, however, maintains that the drone crashed 9.5km inside its territory and denies any airspace "
         "violation."),
        ("000", "The road ahead calls for cooler heads and urgent diplomacy, or the region risks descending further "
         "into conflict and chaos."),
        ("001", "Algiers, Algeria – Tensions between Algeria and Mali have escalated dramatically"),
        ("001", "However, Mali denies the drone violated Algerian airspace, claiming the wreckage was found 9.5km "
         "inside its own borders."),
        ("002", "What is your analysis of the recent escalation between Mali and Algeria, especially after the "
         "Algerian army claimed to have shot down a Malian drone?"),
        ("002", "Can Algeria regain its influence in Mali?"),
        ("002", "Do rising tensions between Mali and Algeria benefit Morocco?"),
        ("002", "will reinforce Morocco's influence and help fulfill its strategic vision for the region."),
        ("003", "Debris from the aircraft was later found only 9.5 kilometers from the Algerian border"),
        ("003", "The statement noted that the drone, registered as TZ-98D, dropped vertically in a sudden manner"),
        ("003", "placing bilateral relations at one of their most tense and precarious points in recent memory."),
        ("004", "Malian sovereignty"),
        ("004", "A Serious Violation"),
        ("004", "One of the key reasons was an airstrike carried out by the Malian military using drones on "
         "August 25, 2024"),
        ("004", "raising fears of wider regional repercussions in the Sahel."),
    ],
)
def test_corpus_article_sentences_survive_verbatim(prefix, sentence):
    assert sentence in corpus_raw(prefix), "Test requires the sentence in the raw file"
    assert sentence in clean_text(corpus_raw(prefix)).text


@pytest.mark.parametrize(
    ("prefix", "first_line"),
    [
        ("002", "Escalating tensions : Mali-Algeria border conflict analyzed"),
        ("003", "Exclusive – Sources Close to the Malian Army"),
        ("004", "Algeria-Mali Diplomatic Rift: Rising Tensions and Regional Implications"),
    ],
)
def test_corpus_headline_stays_first_line(prefix, first_line):
    assert clean_text(corpus_raw(prefix)).text.split("\n")[0].startswith(first_line)


def test_corpus_002_related_block_is_one_trailer_removal():
    raw = corpus_raw("002")
    res = clean_text(raw)
    trailer = [r for r in res.removed if r.reason.startswith("trailer")]
    assert len(trailer) == 1
    assert "UNHRC criticizes Algeria" in trailer[0].text
    assert trailer[0].end == len(raw.rstrip())


def test_corpus_004_top_junk_removed_with_reasons():
    res = clean_text(corpus_raw("004"))
    assert removed_with(res, "4 months ago") == ["relative date"]
    assert removed_with(res, "12") == ["lone number"]
    assert removed_with(res, "Print") == ["UI label"]
    assert removed_with(res, "Algeria_Map.jpg (1032×1238)") == ["image placeholder"]
