"""The Corpus tab takes PDFs, Word files, a web page URL and a feed; the viewer names a PDF citation's page."""

import pytest

from tests.ingest.documents import make_docx, make_pdf
from tests.site import site  # noqa: F401 (fixture)
from tests.ui.test_app import _upload, env, no_progress  # noqa: F401 (fixture)
from ui import render as R

pytestmark = pytest.mark.unit

PAGE = (
    "<html><head><title>Airspace row deepens</title></head><body><article><h1>Airspace row deepens</h1>"
    "<p>Algeria said on Tuesday that the aircraft had entered its airspace twice before it was brought down.</p>"
    "<p>Mali rejected the account and asked for an independent inquiry into the incident at the border.</p>"
    "</article></body></html>"
)


def allow_private(env):
    env.ui.settings = env.settings.model_copy(
        update={"ingest": env.settings.ingest.model_copy(update={"allow_private_urls": True})})


def test_a_pdf_and_a_docx_upload_go_in(env):
    pdf = _upload(env.tmp, "report.pdf", make_pdf([["Mali said the drone crashed inside its territory."],
                                                   ["Algeria disputed the account on Tuesday."]], title="Drone report"))
    story = _upload(env.tmp, "story.docx", make_docx(["Algeria recalled its ambassador after the incident."]))
    html, corpus_html, *_ = env.ui.ingest_uploads([pdf, story], None, no_progress)
    assert html.count(">added<") == 2, html
    assert "Drone report" in corpus_html


def test_the_viewer_names_the_page_of_a_pdf_citation(env):
    pdf = _upload(env.tmp, "report.pdf", make_pdf([["Mali said the drone crashed inside its territory."],
                                                   ["Algeria disputed the account on Tuesday."]]))
    env.ui.ingest_uploads([pdf], None, no_progress)
    doc = next(env.store.get_document(d.doc_id) for d in env.store.list_documents() if d.source.endswith(".pdf"))
    start = doc.text.index("Algeria")
    assert "Cited span on page 2 of 2" in R.render_document(doc, start, start + 7)
    assert "Cited span on page" not in R.render_document(env.doc, 0, 5), "a text file has no pages"


def test_a_url_is_fetched_into_the_corpus_and_the_box_cleared(env, site):
    allow_private(env)
    url = site.page("/airspace", PAGE)
    html, corpus_html, dd, box = env.ui.ingest_url(url, False, no_progress)
    assert ">added<" in html and url in html
    assert "Airspace row deepens" in corpus_html and box == ""


def test_a_private_url_is_refused_by_default_and_kept_in_the_box(env, site):
    url = site.page("/airspace", PAGE)
    with pytest.warns(UserWarning, match="skipped"):
        html, _, _, box = env.ui.ingest_url(url, False, no_progress)
    assert ">skipped<" in html and "non-public address" in html
    assert box == url and site.hits == {}


def test_a_feed_adds_its_items(env, site):
    allow_private(env)
    site.page("/airspace", PAGE)
    feed = site.page("/feed.xml", '<?xml version="1.0"?><rss version="2.0"><channel><title>Sahel Daily</title>'
                                  "<item><title>Airspace row</title><link>/airspace</link></item></channel></rss>",
                     "application/rss+xml")
    html, corpus_html, _, _ = env.ui.ingest_url(feed, True, no_progress)
    assert ">added<" in html and site.url("/airspace") in html


def test_text_that_is_not_a_url_gets_a_hint(env):
    with pytest.warns(UserWarning, match="http:// or https://"):
        html, *_ = env.ui.ingest_url("corpus/a.txt", False, no_progress)
    assert "http:// or https://" in html
