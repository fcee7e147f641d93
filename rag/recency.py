"""The time a question is asked in: which articles are of that time (retrieval and evidence rank them higher)."""

from __future__ import annotations

import datetime


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
