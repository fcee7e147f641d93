"""Who may use the web app: loopback detection and the login (env or file), compared in constant time.

Example:
    >>> is_loopback("127.0.0.1"), is_loopback("0.0.0.0")
    (True, False)
    >>> auth = check_credentials([("ana", "s3cret")])
    >>> auth("ana", "s3cret"), auth("ana", "guess")
    (True, False)
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Callable
from pathlib import Path

from rag.errors import ConfigError

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine."""
    h = (host or "").strip().strip("[]").lower()
    if h in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(h).is_loopback
    except ValueError:
        return False


def check_credentials(pairs: list[tuple[str, str]]) -> Callable[[str, str], bool]:
    """A Gradio auth callable comparing in constant time; the pairs are never logged."""
    creds = [(u.encode(), p.encode()) for u, p in pairs]

    def auth(username: str, password: str) -> bool:
        ok = False
        for u, p in creds:
            ok |= hmac.compare_digest(u, (username or "").encode()) & hmac.compare_digest(p, (password or "").encode())
        return bool(ok)

    return auth


def read_auth_file(path: str | Path) -> list[tuple[str, str]]:
    """``user:password`` lines (blank lines and ``#`` comments ignored).

    Raises:
        ConfigError: the file is unreadable, has a malformed line or no entries.
    """
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise ConfigError(f"Cannot read the auth file {p}: {e.strerror}.") from e
    pairs = []
    for i, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        user, sep, password = line.partition(":")
        if not sep or not user or not password:
            raise ConfigError(f"{p}, line {i}: expected 'user:password'.")
        pairs.append((user, password))
    if not pairs:
        raise ConfigError(f"The auth file {p} has no 'user:password' lines.")
    return pairs


def auth_from_env(environ: dict | None = None) -> list[tuple[str, str]] | None:
    """Credentials from ``RAG_UI_USER`` / ``RAG_UI_PASSWORD``, or None when unset.

    Raises:
        ConfigError: only one of the two is set.
    """
    env = os.environ if environ is None else environ
    user, password = env.get("RAG_UI_USER"), env.get("RAG_UI_PASSWORD")
    if not user and not password:
        return None
    if not user or not password:
        raise ConfigError("Set both RAG_UI_USER and RAG_UI_PASSWORD to require a login (only one is set).")
    return [(user, password)]
