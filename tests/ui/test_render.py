"""Unit tests for ui.render: escaping, exact span highlighting, conflicts, compare grouping."""

import re
from html.parser import HTMLParser

import pytest

from rag.types import Answer, Citation, Conflict, ConflictSide, DocMeta, Evidence, Removal, StoredDoc, Timings
from ui import render as R

pytestmark = pytest.mark.unit

EVIL = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def _doc(text: str, title: str = "T", removed=()) -> StoredDoc:
    return StoredDoc(doc_id="d1", source="/tmp/a.txt", meta=DocMeta(title=title, published="2025-04-07"), n_chunks=1,
                     n_chars=len(text), ingested_at="2025-04-08T00:00:00+00:00", text=text, removed=list(removed))


def _side(doc_id, text, who=None, title="A"):
    return ConflictSide(doc_id=doc_id, source=f"/c/{doc_id}.txt", title=title, start=0, end=len(text), text=text,
                        attributed_to=who)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [f"{tag}.{k}" for k, _ in attrs if k.lower().startswith("on")]


def _assert_inert(html: str) -> None:
    p = _Tags()
    p.feed(html)
    assert not {"script", "img", "iframe", "object"} & set(p.tags), f"live tag in rendered HTML: {p.tags}"
    assert not p.handlers, f"live event-handler attribute in rendered HTML: {p.handlers}"


def test_esc_escapes_markup_and_quotes():
    assert R.esc('<a href="x">&\'</a>') == "&lt;a href=&quot;x&quot;&gt;&amp;&#x27;&lt;/a&gt;"
    assert R.esc(None) == ""


def test_document_text_and_title_are_escaped():
    html = R.render_document(_doc("Before. " + EVIL + " After.", title=EVIL, removed=[Removal(start=0, end=3, text=EVIL, reason=EVIL)]))
    _assert_inert(html)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html


def test_answer_citations_and_conflicts_are_escaped():
    cite = Citation(n=1, doc_id='d"1', source="/x/<b>.txt", title=EVIL, start=0, end=5, text=EVIL)
    conflict = Conflict(kind="agent", score=0.9, summary=EVIL, topic=EVIL,
                        sides=[_side("a", EVIL, who=EVIL, title=EVIL), _side("b", "fine", title="B")])
    a = Answer(question=EVIL, answer=f"{EVIL} said so [1].", abstained=False, citations=[cite], conflicts=[conflict])
    html = R.render_turn(R.ChatTurn(question=EVIL, answer=a))
    _assert_inert(html)
    assert 'data-doc="d&quot;1"' in html, "attribute values are escaped too"


def test_draft_and_errors_are_escaped():
    _assert_inert(R.render_turn(R.ChatTurn(question="q", draft=EVIL)))
    _assert_inert(R.render_turn(R.ChatTurn(question="q", draft=EVIL, error=EVIL)))
    _assert_inert(R.render_notice(EVIL))
    _assert_inert(R.render_ingest_results([{"file": EVIL, "status": "skipped", "reason": EVIL}]))


def test_citation_markers_become_buttons_only_for_known_citations():
    cite = Citation(n=1, doc_id="d1", source="s", title="T", start=3, end=9, text="abcdef")
    html = R.link_citations("Yes [1]. No [7].", [cite])
    assert html.count('class="cr-cite"') == 1
    assert 'data-start="3" data-end="9"' in html
    assert "[7]" in html and "<button" not in html.split("No")[1]


@pytest.mark.parametrize(
    "text,start,end",
    [
        ("Mali said the drone crashed 9.5km inside Mali.", 5, 9),
        ("Émile’s café — “naïve” 😀 report: the drone fell.", 27, 48),  # unicode (incl. astral emoji) before the span
        ("The end of the text is cited here.", 26, 34),  # span at the very end
        ("Whole.", 0, 6),
    ],
)
def test_highlight_marks_exact_offsets(text, start, end):
    html = R.highlight(text, start, end)
    m = re.search(r'<mark class="cr-hl cr-hl-target"[^>]*>(.*?)</mark>', html)
    assert m, "Test assumes the target span is rendered as a <mark>"
    assert m.group(1) == R.esc(text[start:end])
    before, after = html[: m.start()], html[m.end():]
    assert before == R.esc(text[:start]) and after == R.esc(text[end:])


def test_highlight_escapes_inside_and_around_the_span():
    text = "a <b> " + EVIL + " c"
    start = text.index("<script>")
    html = R.highlight(text, start, start + len("<script>"))
    _assert_inert(html)
    assert '<mark class="cr-hl cr-hl-target" tabindex="-1">&lt;script&gt;</mark>' in html


def test_highlight_clamps_and_ignores_empty_spans():
    assert "<mark" not in R.highlight("abc", 2, 2)
    html = R.highlight("abc", 1, 99)
    assert html.endswith('<mark class="cr-hl cr-hl-target" tabindex="-1">bc</mark>')


def test_highlight_other_spans_never_nest_with_target():
    html = R.highlight("0123456789", 3, 6, others=[(1, 4), (5, 8)])
    assert "<mark" not in re.sub(r"<mark[^>]*>[^<]*</mark>", "", html), "marks must not nest"
    assert 'cr-hl-target" tabindex="-1">345</mark>' in html
    assert '<mark class="cr-hl cr-hl-other">12</mark>' in html and '<mark class="cr-hl cr-hl-other">67</mark>' in html


def test_document_viewer_shows_title_source_date_and_warns_on_stale_span():
    html = R.render_document(_doc("Short text."), 0, 5)
    assert "2025-04-07" in html and "/tmp/a.txt" in html and ">T<" in html
    assert "cr-notice" not in html
    stale = R.render_document(_doc("Short text."), 5, 500)
    assert "outside this document" in stale


def test_conflict_block_shows_both_sides_with_sources_and_view_buttons():
    c = Conflict(kind="quantity", score=0.8, summary="Distance: 2 km (Algeria) vs 9.5 km (Mali)", topic="drone",
                 sides=[_side("alg", "The drone penetrated 2km.", who="Algeria", title="Algiers daily"),
                        _side("mal", "It crashed 9.5km inside Mali.", who="Mali", title="Bamako news")])
    html = R.render_conflicts([c])
    assert R.DISAGREE_FLAG in html
    for s in c.sides:
        assert R.esc(s.text) in html and R.esc(s.title) in html and R.esc(s.source) in html
        assert f"{s.attributed_to} says:" in html
        assert f'data-doc="{s.doc_id}" data-start="0" data-end="{len(s.text)}"' in html
    assert R.render_conflicts([]) == ""


def test_answer_without_conflicts_has_no_flag_and_with_conflicts_has_it():
    a = Answer(question="q", answer="x", abstained=False)
    assert R.DISAGREE_FLAG not in R.render_answer(a)
    c = Conflict(kind="agent", score=0.7, summary="s", sides=[_side("a", "x"), _side("b", "y")])
    assert R.DISAGREE_FLAG in R.render_answer(a.model_copy(update={"conflicts": [c]}))


def test_group_by_document_one_group_per_article_best_first_with_cited_numbers():
    ev = [
        Evidence(key=1, doc_id="A", source="a.txt", title="A", start=0, end=5, text="a one", score=0.4),
        Evidence(key=2, doc_id="B", source="b.txt", title="B", start=10, end=20, text="b one", score=0.9),
        Evidence(key=3, doc_id="A", source="a.txt", title="A", start=30, end=40, text="a two", score=0.7),
        Evidence(key=4, doc_id="A", source="a.txt", title="A", start=50, end=60, text="a three", score=0.1),
    ]
    cites = [Citation(n=1, doc_id="A", source="a.txt", title="A", start=0, end=5, text="a one")]
    a = Answer(question="q", answer="It was [1].", abstained=False, evidence=ev, citations=cites)
    groups = R.group_by_document(a, per_doc=2)
    assert [g.doc_id for g in groups] == ["B", "A"], "articles ordered by their best evidence score"
    a_group = groups[1]
    assert [e.text for e in a_group.items] == ["a one", "a two"], "cited sentence first, then by score, capped"
    assert a_group.cited == {(0, 5): 1}
    html = R.render_compare(a, groups)
    assert html.count('class="cr-col"') == 2
    assert "cited [1]" in html


def test_corpus_table_and_scan_grouping():
    from rag.types import DocRecord

    rec = DocRecord(doc_id="d", source="/x/" + "a.txt", meta=DocMeta(title=EVIL, date_text="4 months ago"), n_chunks=3,
                    n_chars=100, n_removed=1, ingested_at="t")
    html = R.render_corpus([rec], {"d": [Removal(start=0, end=1, text="[image]", reason="image placeholder")]})
    _assert_inert(html)
    assert "4 months ago" in html and "image placeholder" in html
    assert "ingest" in R.render_corpus([])
    c1 = Conflict(kind="agent", score=0.6, summary="s1", topic="drone", sides=[_side("a", "x"), _side("b", "y")])
    c2 = Conflict(kind="date", score=0.9, summary="s2", topic="date of attack", sides=[_side("a", "x"), _side("c", "z")])
    c3 = Conflict(kind="agent", score=0.8, summary="s3", topic="drone", sides=[_side("a", "x"), _side("d", "w")])
    groups = R.group_by_topic([c1, c2, c3])
    assert list(groups) == ["date of attack", "drone"]
    assert [c.summary for c in groups["drone"]] == ["s3", "s1"]
    assert "drone" in R.render_scan([c1, c3]) and "No disagreements" in R.render_scan([])


def test_metrics_table_has_a_column_per_system():
    html = R.render_metrics({"ours": {"answer_correctness": 0.5, "mrr": None}, "baseline": {"answer_correctness": 0.25}},
                            {"set_name": "bundled"}, title="bundled")
    assert "<th class='cr-num'>ours</th>" in html and "<th class='cr-num'>baseline</th>" in html
    assert "0.500" in html and "0.250" in html and "–" in html


def test_every_answer_mode_renders_with_its_badge():
    # a mode without a badge used to raise KeyError in the web app (disagreement answers)
    from typing import get_args

    for mode in get_args(Answer.model_fields["mode"].annotation):
        html = R.render_answer(Answer(question="q", answer="a", abstained=mode == "abstained", mode=mode))
        assert f"cr-mode-{mode}" in html and "cr-badge" in html


def test_a_metadata_citation_says_it_quotes_the_article_record_and_highlights_nothing():
    c = Citation(n=1, doc_id="d1", source="/c/a.txt", title="Airspace ban", start=0, end=11, text="Jane Porter",
                 field="author")
    html = R.render_answer(Answer(question="Who wrote the article?", answer="Written by Jane Porter [1].",
                                abstained=False, citations=[c], mode="metadata"))
    assert "article record · author:" in html and "from the article's record" in html
    assert 'data-start="0" data-end="0"' in html


def test_the_answer_says_how_long_the_first_word_took_from_the_question():
    t = Timings(retrieval=0.4, reading=3.0, first_token=2.1, to_first_token=5.6, tokens_per_s=12.0, total=9.0)
    html = R.render_answer(Answer(question="q", answer="a", abstained=False, mode="generated", timings=t))
    assert "first word after 5.6s" in html and "12 tok/s" in html
    assert "first word" not in R.render_answer(Answer(question="q", answer="a", abstained=True, mode="abstained"))
