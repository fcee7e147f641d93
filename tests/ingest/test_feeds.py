"""RSS and Atom feeds from a local server the test starts: new items go in, known ones are not fetched again."""

from __future__ import annotations

import pytest

from ingest.feeds import read_feed
from ingest.pipeline import ingest_paths
from rag.errors import IngestError
from rag.settings import get_settings
from rag.store import get_store
from tests.site import site  # noqa: F401 (fixture)

pytestmark = pytest.mark.unit


def article(title: str, sentence: str) -> str:
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{sentence} Officials gave no further details on Monday, and the inquiry continues.</p>"
            f"<p>Both governments said they would publish their findings once the investigation ends.</p>"
            "</article></body></html>")


def rss(items: list[tuple[str, str]]) -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><author>desk@sahel.example (Jane Doe)</author>"
        "<pubDate>Mon, 07 Apr 2025 09:00:00 GMT</pubDate></item>"
        for title, link in items
    )
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Sahel Daily</title>'
            f"<link>http://sahel.example/</link>{entries}</channel></rss>")


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Border Watch</title><id>urn:bw</id><updated>2025-04-08T00:00:00Z</updated>
<entry><title>Ambassadors recalled</title><link href="/a/ambassadors"/><id>urn:1</id>
<updated>2025-04-08T10:00:00Z</updated><author><name>Sam Roe</name></author></entry>
</feed>"""


@pytest.fixture
def settings(tmp_path):
    return get_settings(overrides={
        "store.path": str(tmp_path / "store"), "ingest.allow_private_urls": "true", "ingest.fetch_timeout_s": "2",
    })


@pytest.fixture
def news(site):
    """A site with two article pages and an RSS feed of three items (the third page is missing)."""
    site.page("/a/drone", article("Drone downed near the border", "Mali said the drone crashed inside its territory."))
    site.page("/a/airspace", article("Airspace row deepens", "Algeria said the aircraft entered its airspace."))
    site.page("/feed.xml", rss([
        ("Drone downed near the border", "/a/drone"),
        ("Airspace row deepens", site.url("/a/airspace")),
        ("Gone story", "/a/gone"),
    ]), "application/rss+xml")
    return site


def test_an_rss_feed_lists_absolute_links_with_item_metadata(news, settings):
    feed = read_feed(news.url("/feed.xml"), settings.ingest)
    assert feed.title == "Sahel Daily"
    assert [i.link for i in feed.items] == [news.url("/a/drone"), news.url("/a/airspace"), news.url("/a/gone")]
    first = feed.items[0]
    assert first.title == "Drone downed near the border" and str(first.meta["date"]) == "2025-04-07"
    assert first.meta["sitename"] == "Sahel Daily"


def test_an_atom_feed_is_read_too(site, settings):
    url = site.page("/atom", ATOM, "application/atom+xml")
    feed = read_feed(url, settings.ingest)
    assert [(i.link, i.title, i.meta["author"]) for i in feed.items] == [
        (site.url("/a/ambassadors"), "Ambassadors recalled", "Sam Roe")
    ]


def test_a_page_that_is_not_a_feed_is_named(site, settings):
    url = site.page("/page", "<html><body><p>Just a page.</p></body></html>")
    with pytest.raises(IngestError, match=r"not an RSS or Atom feed"):
        read_feed(url, settings.ingest)


def test_feed_max_items_caps_the_items_read(news, settings):
    capped = settings.ingest.model_copy(update={"feed_max_items": 2})
    assert len(read_feed(news.url("/feed.xml"), capped).items) == 2


def test_ingesting_a_feed_adds_new_items_and_skips_known_ones_without_fetching(news, settings, fake_embedder):
    store = get_store(settings)
    feed = news.url("/feed.xml")
    report = ingest_paths([], settings, store=store, embedder=fake_embedder, feeds=[feed])
    by_path = {f.path: f for f in report.files}
    assert by_path[news.url("/a/drone")].status == "added"
    assert by_path[news.url("/a/airspace")].status == "added"
    gone = by_path[news.url("/a/gone")]
    assert gone.status == "skipped" and gone.reason == "HTTP 404 Not Found"
    assert {d.source for d in store.list_documents()} == {news.url("/a/drone"), news.url("/a/airspace")}
    drone = next(d for d in store.list_documents() if d.source.endswith("/a/drone"))
    assert drone.meta.title == "Drone downed near the border" and drone.meta.published == "2025-04-07"
    assert drone.meta.source_name == "Sahel Daily", "the feed's title names the site when the page does not"

    again = ingest_paths([], settings, store=store, embedder=fake_embedder, feeds=[feed])
    statuses = {f.path: (f.status, f.reason) for f in again.files}
    assert statuses[news.url("/a/drone")] == ("unchanged", f"already in the store (item of {feed})")
    assert news.hits["/a/drone"] == 1 and news.hits["/a/airspace"] == 1, "known items must not be fetched again"
    assert news.hits["/a/gone"] == 2, "a failed item is tried again on the next run"


def test_a_feed_that_cannot_be_fetched_is_reported(site, settings, fake_embedder):
    url = site.url("/no-feed")
    report = ingest_paths([], settings, store=get_store(settings), embedder=fake_embedder, feeds=[url])
    assert [(f.path, f.status, f.reason) for f in report.files] == [(url, "skipped", "HTTP 404 Not Found")]
    assert report.nothing_ingested
