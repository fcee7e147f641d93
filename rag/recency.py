"""The day a question is asked on: reading it from text, and which articles are of that time (retrieval and evidence
rank them higher)."""

from __future__ import annotations

import datetime

from rag.errors import InputError


def published_day(iso: str | None) -> datetime.date | None:
    """The day of an ISO publication date ('2023-01-05', '2023-01-05T10:00:00'), or None when missing or unreadable."""
    try:
        return datetime.date.fromisoformat(iso[:10]) if iso else None
    except ValueError:
        return None


def asked_day(as_of: datetime.date | None) -> datetime.date:
    """The day a question is asked on: ``as_of``, or today when it has none."""
    return as_of or datetime.date.today()


def in_window(day: datetime.date | None, as_of: datetime.date | None, days: int) -> bool:
    """Whether ``day`` falls in the ``days`` before ``as_of`` (default today), that day included.

    Example:
        >>> in_window(datetime.date(2023, 1, 3), datetime.date(2023, 1, 5), 7), in_window(None, None, 7)
        (True, False)
    """
    end = asked_day(as_of)
    return day is not None and end - datetime.timedelta(days=days) <= day <= end


def parse_day(value: object, where: str) -> datetime.date | None:
    """The day a question is asked on (``Pipeline.ask``'s ``as_of``) from YYYY-MM-DD text; None or blank: None (today).

    Every front end reads the day with this one function, so a bad day reads the same everywhere, naming
    ``where`` it came from (``--as-of``, a batch line, the web app's box).

    Example:
        >>> parse_day(" 2023-01-05 ", "--as-of"), parse_day("", "As of")
        (datetime.date(2023, 1, 5), None)
    """
    text = "" if value is None else str(value).strip()
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{where}: {text!r} is not a date; give it as YYYY-MM-DD, e.g. 2023-01-05.") from None
