"""Read an RSS or Atom feed into the list of article links it announces.

We parse with feedparser: BSD-2-Clause, the long-standing reference parser, and it
reads every RSS version and Atom with the same entry fields. It is given bytes that
``ingest.fetch`` downloaded within its limits, never a URL, so it fetches nothing
itself. Each item's page is then loaded like any URL (``ingest.load.load_url``).

Example:
    >>> feed = read_feed("https://example.org/world/rss.xml", get_settings().ingest)  # doctest: +SKIP
    >>> feed.items[0].link
    'https://example.org/world/story-1'
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

from ingest.fetch import fetch, is_url
from rag.errors import IngestError
from rag.settings import IngestSettings

FEED_ACCEPT = "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5"


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: its link (absolute, '' when it has none) and what the feed says about it."""

    link: str
    meta: dict[str, Any] = field(default_factory=dict)  # title, author, date, sitename: fill-ins for the page's own

    @property
    def title(self) -> str:
        """The item's title as the feed gives it."""
        return str(self.meta.get("title") or "")


@dataclass(frozen=True)
class Feed:
    """A parsed feed: its title and its items in the feed's order."""

    url: str
    title: str
    items: list[FeedItem]


def read_feed(url: str, settings: IngestSettings) -> Feed:
    """Fetch and parse a feed; at most ``settings.feed_max_items`` items, links made absolute.

    Raises:
        IngestError: ``"<url>: <reason>"`` when fetching fails or the document is not an RSS/Atom feed.
    """
    import feedparser

    if not is_url(url):
        raise IngestError(f"{url}: a feed must be an http or https URL")
    page = fetch(url, settings, accept=FEED_ACCEPT)
    parsed = feedparser.parse(page.data, response_headers={"content-location": page.url})
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise IngestError(f"{url}: not an RSS or Atom feed" + (f" ({problem})" if problem else ""))
    site = parsed.feed.get("title") or ""
    items = []
    for entry in parsed.entries[: settings.feed_max_items]:
        link = entry.get("link") or ""
        meta = {
            "title": entry.get("title"),
            "author": entry.get("author"),
            "date": _date(entry.get("published_parsed") or entry.get("updated_parsed")),
            "sitename": site,
        }
        items.append(FeedItem(link=urljoin(page.url, link) if link else "", meta={k: v for k, v in meta.items() if v}))
    return Feed(url=url, title=site, items=items)


def _date(parsed: time.struct_time | None) -> dt.date | None:
    """feedparser's normalised (UTC) date of an entry, when it gave one."""
    try:
        return dt.date(*parsed[:3]) if parsed else None
    except (TypeError, ValueError):
        return None
