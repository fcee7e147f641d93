"""Fetch one web page or feed over http(s), within bounds.

Only ``http``/``https`` URLs are fetched. Every address a host name resolves to is
checked before connecting, at each redirect too, and the connection goes to the
checked address, so a page cannot lead us to loopback, private, link-local or other
non-public addresses (a cloud metadata service, a router, the user's own services)
unless ``ingest.allow_private_urls`` is set. Redirects are capped
(``ingest.max_redirects``), every socket operation and the whole download are timed
(``ingest.fetch_timeout_s``), and the body may not exceed ``ingest.max_file_mb``.
Proxies from the environment are not used: the address check needs a direct connection.

Example:
    >>> page = fetch("https://example.org/news/story", get_settings().ingest)  # doctest: +SKIP
    >>> page.content_type
    'text/html'
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from rag.errors import IngestError
from rag.settings import IngestSettings

REDIRECTS = {301, 302, 303, 307, 308}
_READ_BLOCK = 64 * 1024


@dataclass(frozen=True)
class Fetched:
    """A downloaded body and what the server said about it."""

    url: str  # the URL finally fetched, after redirects
    data: bytes
    content_type: str  # media type, lower case, without parameters ('' when not given)
    charset: str | None


def is_url(text: str) -> bool:
    """True for something that names a web address (``http://``/``https://``, any case) rather than a path."""
    return urlsplit(str(text)).scheme.lower() in ("http", "https") and "://" in str(text)


def fetch(url: str, settings: IngestSettings, accept: str = "text/html,*/*;q=0.8") -> Fetched:
    """GET ``url`` within the limits of ``settings`` (``ingest`` section), following capped redirects.

    Raises:
        IngestError: ``"<url>: <reason>"`` for a refused scheme or address, a failed connection,
            a timeout, too many redirects, an HTTP error status or a body over the size limit.
    """
    max_bytes = int(settings.max_file_mb * 1024 * 1024)
    deadline = time.monotonic() + settings.fetch_timeout_s
    current = url
    for _ in range(settings.max_redirects + 1):
        response, conn = _request(url, current, settings, accept)
        try:
            if response.status in REDIRECTS:
                location = response.getheader("Location")
                if not location:
                    raise IngestError(f"{url}: HTTP {response.status} redirect without a Location")
                current = urljoin(current, location.strip())
                continue
            if not 200 <= response.status < 300:
                raise IngestError(f"{url}: HTTP {response.status} {response.reason}".rstrip())
            data = _read_body(url, response, max_bytes, deadline)
            content_type = response.getheader("Content-Type") or ""
        finally:
            conn.close()
        media, _, params = content_type.partition(";")
        charset = next(
            (v.strip().strip("\"'") for k, _, v in (p.partition("=") for p in params.split(";"))
             if k.strip().lower() == "charset" and v.strip()),
            None,
        )
        return Fetched(url=current, data=data, content_type=media.strip().lower(), charset=charset)
    raise IngestError(f"{url}: more than {settings.max_redirects} redirects (ingest.max_redirects)")


def _request(url: str, current: str, settings: IngestSettings, accept: str):
    """Open a checked connection to ``current`` and send the GET; returns (response, connection)."""
    parts = urlsplit(current)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        where = "" if current == url else f" (redirected to {current})"
        raise IngestError(f"{url}: only http and https URLs are fetched, not '{scheme or 'no scheme'}:'{where}")
    host = parts.hostname
    if not host:
        raise IngestError(f"{url}: the URL names no host")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise IngestError(f"{url}: bad port in {current}") from None
    address = _checked_address(url, host, port, settings.allow_private_urls)
    timeout = settings.fetch_timeout_s

    def connect(_addr, timeout=timeout, source_address=None):
        return socket.create_connection((address, port), timeout, source_address)

    if scheme == "https":
        conn = http.client.HTTPSConnection(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    conn._create_connection = connect  # connect to the address we checked, not to a second DNS answer
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("GET", path, headers={
            "User-Agent": settings.user_agent, "Accept": accept, "Accept-Encoding": "identity",
        })
        return conn.getresponse(), conn
    except (TimeoutError, socket.timeout):
        conn.close()
        raise IngestError(f"{url}: no answer within {timeout:g} s (ingest.fetch_timeout_s)") from None
    except ssl.SSLError as exc:
        conn.close()
        raise IngestError(f"{url}: TLS failed ({exc.reason or exc})") from None
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        raise IngestError(f"{url}: cannot fetch ({getattr(exc, 'strerror', None) or exc})") from None


def _checked_address(url: str, host: str, port: int, allow_private: bool) -> str:
    """The first address of ``host``, after refusing the lot if any is not public (unless allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise IngestError(f"{url}: cannot resolve {host} ({exc.strerror or exc})") from None
    addresses = [info[4][0] for info in infos]
    if not allow_private:
        for addr in addresses:
            ip = ipaddress.ip_address(addr.split("%", 1)[0])
            if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
                ip = ip.ipv4_mapped
            if not ip.is_global or ip.is_multicast:
                raise IngestError(
                    f"{url}: {host} is a loopback, private or otherwise non-public address ({addr}); "
                    "set ingest.allow_private_urls = true to fetch it"
                )
    return addresses[0]


def _read_body(url: str, response: http.client.HTTPResponse, max_bytes: int, deadline: float) -> bytes:
    limit = f"{max_bytes / 1024 / 1024:g} MB (ingest.max_file_mb)"
    length = response.getheader("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise IngestError(f"{url}: the page is {int(length):,} bytes, over the limit of {limit}")
    blocks, size = [], 0
    try:
        while True:
            if time.monotonic() > deadline:
                raise IngestError(f"{url}: the download took longer than ingest.fetch_timeout_s")
            block = response.read1(_READ_BLOCK) if hasattr(response, "read1") else response.read(_READ_BLOCK)
            if not block:
                break
            size += len(block)
            if size > max_bytes:
                raise IngestError(f"{url}: the page is over the limit of {limit}")
            blocks.append(block)
    except (TimeoutError, socket.timeout):
        raise IngestError(f"{url}: the download stalled (ingest.fetch_timeout_s)") from None
    except (OSError, http.client.HTTPException) as exc:
        raise IngestError(f"{url}: the download failed ({exc})") from None
    return b"".join(blocks)
