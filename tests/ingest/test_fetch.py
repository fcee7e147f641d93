"""Web pages by URL from a local server the test starts: article extraction and every fetching limit."""

from __future__ import annotations

import time

import pytest

from ingest.fetch import fetch, is_url
from ingest.load import load_url
from rag.errors import IngestError
from rag.settings import get_settings
from tests.ingest.documents import make_pdf
from tests.site import site  # noqa: F401 (fixture)

pytestmark = pytest.mark.unit

PAGE = """<!doctype html>
<html><head>
<title>Drone downed near the border | Sahel Daily</title>
<meta property="og:title" content="Drone downed near the border">
<meta property="og:site_name" content="Sahel Daily">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2025-04-07T09:00:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Drone downed near the border</h1>
<p>Mali said on Monday that the drone crashed 9.5km inside its own territory, and Algeria disputed the account.</p>
<p>Officials in Algiers said the aircraft had entered Algerian airspace before it was brought down by air defences.</p>
<p>The two neighbours recalled their ambassadors on Tuesday as the dispute over the incident deepened further.</p>
</article>
<footer>Copyright Sahel Daily. Share this story.</footer>
</body></html>"""


def settings(**ingest):
    """Settings with private addresses allowed (the test server is on 127.0.0.1) unless a test says otherwise."""
    values = {"allow_private_urls": True, "fetch_timeout_s": 1.0, **ingest}
    return get_settings(overrides={f"ingest.{k}": v for k, v in values.items()}).ingest


def fetch_error(url: str, **ingest) -> str:
    with pytest.raises(IngestError) as info:
        fetch(url, settings(**ingest))
    assert str(info.value).startswith(f"{url}: "), "the error must start with the URL"
    return str(info.value)


def test_a_page_by_url_is_its_article_with_title_author_date_and_site(site):
    url = site.page("/news/drone", PAGE)
    doc = load_url(url, settings())
    assert doc.source == url
    assert doc.text.startswith("Drone downed near the border\nMali said on Monday that the drone crashed 9.5km")
    assert "Home" not in doc.text and "Copyright" not in doc.text
    meta = doc.meta
    assert (meta.title, meta.author, meta.published, meta.source_name) == (
        "Drone downed near the border", "Jane Doe", "2025-04-07", "Sahel Daily",
    )


def test_the_site_name_falls_back_to_the_host(site):
    url = site.page("/report.txt", "Mali said the drone crashed inside its territory. " * 3, "text/plain")
    assert load_url(url, settings()).meta.source_name == "127.0.0.1"
    url = site.page("/bare", "<html><body><p>" + "Mali said the drone crashed inside its territory. " * 3 + "</p></body></html>")
    assert load_url(url, settings()).meta.source_name == "127.0.0.1", "the host without the port"


def test_a_page_in_another_charset_is_decoded_with_it(site):
    body = PAGE.replace("Mali said", "Malí said").encode("iso-8859-15")
    url = site.page("/latin", body, "text/html; charset=iso-8859-15")
    assert "Malí said on Monday" in load_url(url, settings()).text


def test_a_pdf_by_url_keeps_its_pages(site):
    pdf = make_pdf([["Mali said the drone crashed inside its territory."], ["Algeria disputed the account."]])
    url = site.page("/report", pdf, "application/pdf")
    doc = load_url(url, settings())
    assert doc.meta.page_at(doc.text.index("Algeria")) == 2 and doc.source == url


def test_loopback_is_refused_unless_allowed_and_nothing_is_sent(site):
    url = site.page("/news/drone", PAGE)
    message = fetch_error(url, allow_private_urls=False)
    assert "is a loopback, private or otherwise non-public address (127.0.0.1)" in message
    assert "ingest.allow_private_urls = true" in message
    assert site.hits == {}, "the refused request must never reach the server"


@pytest.mark.parametrize("host", ["localhost", "10.1.2.3", "192.168.0.1", "169.254.169.254", "[::1]", "0.0.0.0"])
def test_private_and_local_hosts_are_refused_before_connecting(host):
    assert "non-public address" in fetch_error(f"http://{host}:9/x", allow_private_urls=False)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a.txt", "gopher://example.org/"])
def test_only_http_and_https_are_fetched(url):
    assert "only http and https URLs are fetched" in fetch_error(url)


def test_is_url_tells_urls_from_paths():
    assert is_url("https://example.org/a") and is_url("HTTP://example.org")
    assert not is_url("corpus/a.txt") and not is_url("file:///etc/passwd") and not is_url("http:relative")


def test_redirects_are_followed_up_to_the_cap(site):
    target = site.page("/final", PAGE)
    site.redirect("/r2", target)
    site.redirect("/r1", "/r2")  # relative Location
    page = fetch(site.url("/r1"), settings(max_redirects=2))
    assert page.url == target and page.content_type == "text/html" and page.charset == "utf-8"
    message = fetch_error(site.url("/r1"), max_redirects=1)
    assert "more than 1 redirects (ingest.max_redirects)" in message


def test_a_redirect_to_a_file_url_is_refused(site):
    url = site.redirect("/sneaky", "file:///etc/passwd")
    assert f"only http and https URLs are fetched, not 'file:' (redirected to file:///etc/passwd)" in fetch_error(url)


def test_an_http_error_status_is_named(site):
    assert fetch_error(site.url("/missing")).endswith("HTTP 404 Not Found")


def test_a_page_over_the_size_limit_is_refused_with_or_without_content_length(site):
    big = "<html><body>" + "<p>" + "x" * 5000 + "</p>" * 1 + "</body></html>"
    site.page("/big", big)
    site.page("/stream", big, no_length=True)
    limit = 2000 / (1024 * 1024)
    assert "over the limit" in fetch_error(site.url("/big"), max_file_mb=limit)
    assert "over the limit" in fetch_error(site.url("/stream"), max_file_mb=limit)
    assert len(fetch(site.url("/stream"), settings()).data) == len(big), "without a limit the whole body arrives"


def test_a_server_that_does_not_answer_times_out(site):
    site.page("/slow", PAGE, slow=True)
    t0 = time.monotonic()
    message = fetch_error(site.url("/slow"), fetch_timeout_s=0.3)
    assert "no answer within 0.3 s (ingest.fetch_timeout_s)" in message
    assert time.monotonic() - t0 < 2, "the timeout must bound the wait"


def test_an_unsupported_content_type_is_named(site):
    url = site.page("/logo", b"\x89PNG\r\n\x1a\n....", "image/png")
    with pytest.raises(IngestError, match="unsupported content type 'image/png'"):
        load_url(url, settings())


def test_a_connection_refused_is_named():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    assert "cannot fetch" in fetch_error(f"http://127.0.0.1:{port}/")
