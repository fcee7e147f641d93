"""The line of questions: LLM work runs in a few slots, everyone else waits in order and can see their place.

One :class:`AskLine` is shared by the web app, the HTTP API and the MCP server of a process, so a
question is never refused or timed out because others are asking: it waits its turn (first come,
first served). Only when the line itself is full does a new question get a :class:`BusyError`, and
only a question that has waited past ``max_wait_s`` is told to ask again.

Example:
    >>> line = AskLine(slots=1, max_waiting=8)
    >>> with line.turn() as ticket:          # blocks until a slot is free
    ...     answer = "work that uses the LLM"
    >>> line.status()["running"]
    0
"""

from __future__ import annotations

import collections
import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from rag.errors import BusyError, TooManyRequestsError

TicketState = Literal["waiting", "running", "done", "cancelled", "timed_out"]


@dataclass(eq=False)
class Ticket:
    """One question's place: waiting in line, running in a slot, or finished."""

    client: str | None = None
    state: TicketState = "waiting"
    joined: float = field(default_factory=time.monotonic)
    started: float | None = None


def ordinal(n: int) -> str:
    """'1st', '2nd', '3rd', '4th', '11th', '22nd'.

    Example:
        >>> ordinal(2), ordinal(11), ordinal(23)
        ('2nd', '11th', '23rd')
    """
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def describe_wait(position: int, estimate_s: float | None) -> str:
    """What a waiting user reads: '2nd in line, about 40 s'.

    Example:
        >>> describe_wait(3, 75)
        '3rd in line, about 1 min'
    """
    text = f"{ordinal(position)} in line"
    if estimate_s is None:
        return text
    if estimate_s < 90:
        return f"{text}, about {max(5, int(round(estimate_s / 5.0)) * 5)} s"
    return f"{text}, about {int(round(estimate_s / 60.0))} min"


def _duration(seconds: float) -> str:
    return f"{seconds / 60:.0f} minutes" if seconds >= 120 else f"{seconds:g} s"


class AskLine:
    """A first-come, first-served line in front of ``slots`` workers; thread-safe.

    ``max_waiting`` bounds the line (a question beyond it gets :class:`BusyError` at once, unless it
    joins with ``limit=False``, as the web app does, whose own queue already bounds it);
    ``max_per_client`` bounds one client's questions (:class:`TooManyRequestsError`);
    ``max_wait_s`` is how long a question may wait for a slot.
    """

    def __init__(self, slots: int = 1, max_waiting: int = 16, max_wait_s: float = 600.0,
                 max_per_client: int | None = None, typical_s: float = 30.0):
        if slots < 1:
            raise ValueError(f"slots must be greater than 0. Currently, slots is {slots}")
        if max_waiting < 0:
            raise ValueError(f"max_waiting must be 0 or more. Currently, max_waiting is {max_waiting}")
        if max_wait_s <= 0:
            raise ValueError(f"max_wait_s must be greater than 0. Currently, max_wait_s is {max_wait_s}")
        self.slots = slots
        self.max_waiting = max_waiting
        self.max_wait_s = max_wait_s
        self.max_per_client = max_per_client
        self._typical = typical_s  # seconds one answer takes; updated from finished answers
        self._answered = 0
        self._waiting: collections.deque[Ticket] = collections.deque()
        self._running: set[Ticket] = set()
        self._cond = threading.Condition()

    @classmethod
    def from_settings(cls, settings) -> AskLine:
        """The line described by ``settings.serve``."""
        s = settings.serve
        return cls(s.llm_slots, s.max_waiting, s.max_wait_s, s.max_per_client)

    # -- joining and leaving
    def join(self, client: str | None = None, *, limit: bool = True) -> Ticket:
        """A ticket at the end of the line (it may already hold a slot when one was free).

        Raises:
            TooManyRequestsError: ``client`` already has ``max_per_client`` questions in line or running.
            BusyError: the line holds ``max_waiting`` questions (only when ``limit``).
        """
        with self._cond:
            if client is not None and self.max_per_client is not None:
                mine = sum(t.client == client for t in (*self._waiting, *self._running))
                if mine >= self.max_per_client:
                    raise TooManyRequestsError(
                        f"You already have {mine} question(s) in line or being answered; wait for an answer "
                        "before asking more.", retry_after=self._retry_after(len(self._waiting)))
            free = len(self._running) < self.slots and not self._waiting
            if limit and not free and len(self._waiting) >= self.max_waiting:
                raise BusyError(
                    f"The server is busy: {len(self._waiting)} question(s) are already waiting for an answer. "
                    "Please ask again in a little while.", retry_after=self._retry_after(len(self._waiting)))
            ticket = Ticket(client=client)
            self._waiting.append(ticket)
            self._dispatch()
            return ticket

    def wait(self, ticket: Ticket, on_wait: Callable[[int, float | None], None] | None = None,
             poll_s: float = 1.0) -> None:
        """Block until ``ticket`` holds a slot; ``on_wait(position, estimate_s)`` is called when the place changes.

        Raises:
            BusyError: it waited ``max_wait_s`` (it leaves the line), or it was cancelled.
        """
        deadline = ticket.joined + self.max_wait_s
        last = None
        while True:
            with self._cond:
                if ticket.state == "waiting":
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        self._remove(ticket, "timed_out")
                        raise BusyError(
                            f"Your question waited {_duration(self.max_wait_s)} in line without its turn coming: the "
                            "server is answering many questions. Please ask it again.",
                            retry_after=self._retry_after(len(self._waiting)))
                    position = self._waiting.index(ticket) + 1
                    if position != last:
                        last = position
                        estimate = self.estimate(position)
                    else:
                        self._cond.wait(min(remaining, poll_s))
                        continue
                elif ticket.state == "running":
                    return
                else:
                    raise BusyError("The question was withdrawn from the line before its turn.", retry_after=1)
            if on_wait is not None:  # outside the lock: the callback may be slow (a web page update)
                on_wait(position, estimate)

    def leave(self, ticket: Ticket) -> None:
        """Give the slot back (or leave the line); a finished answer's time improves the estimates."""
        with self._cond:
            if ticket.state == "running" and ticket.started is not None:
                took = time.monotonic() - ticket.started
                self._answered += 1
                weight = 1.0 / min(self._answered, 10)  # running mean of the last ~10 answers
                self._typical += weight * (took - self._typical)
                self._remove(ticket, "done")
            elif ticket.state == "waiting":
                self._remove(ticket, "cancelled")

    def cancel(self, ticket: Ticket) -> None:
        """Withdraw a question still in line (its asker left); a running one keeps its slot until it ends."""
        with self._cond:
            if ticket.state == "waiting":
                self._remove(ticket, "cancelled")

    @contextmanager
    def turn(self, client: str | None = None, *, limit: bool = True,
             on_wait: Callable[[int, float | None], None] | None = None) -> Iterator[Ticket]:
        """Join, wait for a slot, hold it for the ``with`` block, give it back."""
        ticket = self.join(client, limit=limit)
        try:
            self.wait(ticket, on_wait)
            yield ticket
        finally:
            self.leave(ticket)

    # -- reading
    def position(self, ticket: Ticket) -> int:
        """1 for the first in line, 2 for the next...; 0 when it holds a slot or left."""
        with self._cond:
            try:
                return self._waiting.index(ticket) + 1
            except ValueError:
                return 0

    def estimate(self, position: int) -> float | None:
        """Seconds until the question at ``position`` gets a slot (a rough guess), None before any answer."""
        if not self._answered:
            return None
        return math.ceil(position / self.slots) * self._typical

    def status(self) -> dict:
        """Slots, questions running and waiting, and the typical answer time (for /v1/status and tests)."""
        with self._cond:
            return {"slots": self.slots, "running": len(self._running), "waiting": len(self._waiting),
                    "max_waiting": self.max_waiting,
                    "typical_answer_s": round(self._typical, 1) if self._answered else None}

    # -- internals (call with the lock held)
    def _dispatch(self) -> None:
        while self._waiting and len(self._running) < self.slots:
            t = self._waiting.popleft()
            t.state, t.started = "running", time.monotonic()
            self._running.add(t)
        self._cond.notify_all()

    def _remove(self, ticket: Ticket, state: TicketState) -> None:
        if ticket in self._running:
            self._running.discard(ticket)
        else:
            try:
                self._waiting.remove(ticket)
            except ValueError:
                pass
        ticket.state = state
        self._dispatch()

    def _retry_after(self, waiting: int) -> int:
        return int(min(600, max(5, math.ceil((waiting + 1) / self.slots) * self._typical)))
