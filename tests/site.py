"""A web site on 127.0.0.1 that a test starts itself: pages, feeds, redirects, slow and huge answers.

Use the ``site`` fixture: ``site.page("/story", body, "text/html")`` then fetch ``site.url("/story")``.
The server runs in a daemon thread, answers each request within ``SLOW_S`` seconds at most and is
shut down when the test ends.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

SLOW_S = 3.0  # a 'slow' route sleeps this long, far past the timeout the tests set


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    slow: bool = False
    no_length: bool = False  # stream the body without Content-Length, to the end of the connection


class Site:
    """Routes by path, and how often each path was asked for."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: dict[str, int] = {}
        handler = type("Handler", (_Handler,), {"site": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{path}"

    def page(self, path: str, body: str | bytes, content_type: str = "text/html; charset=utf-8", **kw) -> str:
        """Serve ``body`` at ``path``; returns its URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, headers={"Content-Type": content_type}, **kw)
        return self.url(path)

    def redirect(self, path: str, location: str, status: int = 302) -> str:
        self.routes[path] = Route(status=status, headers={"Location": location})
        return self.url(path)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    site: Site

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self.site.hits[self.path] = self.site.hits.get(self.path, 0) + 1
        route = self.site.routes.get(self.path) or Route(status=404, body=b"not here")
        if route.slow:
            time.sleep(SLOW_S)
        self.send_response(route.status)
        for key, value in route.headers.items():
            self.send_header(key, value)
        if route.no_length:
            self.send_header("Connection", "close")
        else:
            self.send_header("Content-Length", str(len(route.body)))
        self.end_headers()
        try:
            self.wfile.write(route.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading (a size limit): that is the point
        if route.no_length:
            self.close_connection = True

    def log_message(self, *args) -> None:  # keep test output clean
        pass


@pytest.fixture
def site():
    s = Site()
    yield s
    s.close()
