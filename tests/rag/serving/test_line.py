"""The line of questions: bounded slots, first come first served, visible places, plain refusals."""

from __future__ import annotations

import threading
import time

import pytest

from rag.errors import BusyError, TooManyRequestsError
from rag.serving.line import AskLine, describe_wait, ordinal

pytestmark = pytest.mark.unit


class SlowWork:
    """Work that holds its slot until released, recording how many run at once and in which order they started."""

    def __init__(self):
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.order: list[int] = []
        self.go = threading.Event()

    def __call__(self, n: int) -> None:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.order.append(n)
        self.go.wait(5)
        time.sleep(0.01)
        with self.lock:
            self.running -= 1


def wait_until(cond, timeout=5.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.01)
    return False


def test_ordinals_and_wait_text():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102)] == \
        ["1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "102nd"]
    assert describe_wait(2, None) == "2nd in line"
    assert describe_wait(2, 41) == "2nd in line, about 40 s"
    assert describe_wait(5, 300) == "5th in line, about 5 min"


@pytest.mark.parametrize("slots", [1, 2])
def test_ten_askers_all_get_their_turn_in_order_and_never_more_than_the_slots(slots):
    line = AskLine(slots=slots, max_waiting=16, max_wait_s=10)
    work = SlowWork()
    errors: list[BaseException] = []
    tickets = [line.join() for _ in range(10)]  # joined in this order

    def run(n):
        try:
            line.wait(tickets[n])
            work(n)
        except BaseException as e:
            errors.append(e)
        finally:
            line.leave(tickets[n])

    threads = [threading.Thread(target=run, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    assert wait_until(lambda: work.running == slots), "the first questions should hold every slot"
    assert line.status()["waiting"] == 10 - slots
    assert [line.position(t) for t in tickets[slots:slots + 2]] == [1, 2]
    work.go.set()
    for t in threads:
        t.join(10)
    assert not errors, errors
    assert work.most == slots, f"{work.most} ran at once with {slots} slot(s)"
    assert sorted(work.order) == list(range(10))
    if slots == 1:
        assert work.order == list(range(10)), "one slot serves the line in the order it was joined"
    assert line.status() == {"slots": slots, "running": 0, "waiting": 0, "max_waiting": 16,
                             "typical_answer_s": line.status()["typical_answer_s"]}
    assert line.status()["typical_answer_s"] is not None, "finished answers give an estimate"


def test_a_waiting_question_is_told_its_place_as_it_moves_up():
    line = AskLine(slots=1, max_waiting=4, max_wait_s=10)
    first = line.join()
    second = line.join()
    third = line.join()
    seen: list[int] = []
    done = threading.Event()

    def run():
        line.wait(third, on_wait=lambda pos, est: seen.append(pos), poll_s=0.02)
        done.set()
        line.leave(third)

    t = threading.Thread(target=run)
    t.start()
    assert wait_until(lambda: seen == [2])
    line.leave(first)
    assert wait_until(lambda: seen == [2, 1])
    line.wait(second)
    line.leave(second)
    assert done.wait(5), "the third question should get the slot once the others left"
    t.join(5)
    assert seen == [2, 1]


def test_a_full_line_refuses_at_once_with_a_retry_hint_but_the_web_app_may_still_join():
    line = AskLine(slots=1, max_waiting=2, max_wait_s=10)
    held = [line.join() for _ in range(3)]  # one running, two waiting
    assert [t.state for t in held] == ["running", "waiting", "waiting"]
    with pytest.raises(BusyError, match="The server is busy: 2 question") as e:
        line.join()
    assert e.value.retry_after >= 5
    assert not isinstance(e.value, TooManyRequestsError)
    web = line.join(limit=False)
    assert line.position(web) == 3


def test_one_client_may_hold_only_its_share():
    line = AskLine(slots=1, max_waiting=10, max_wait_s=10, max_per_client=2)
    line.join("10.0.0.5")
    line.join("10.0.0.5")
    with pytest.raises(TooManyRequestsError, match="You already have 2 question"):
        line.join("10.0.0.5")
    line.join("10.0.0.6")  # someone else is not affected
    line.join()  # nor the web app


def test_a_question_that_waits_too_long_is_told_plainly_and_leaves_the_line():
    line = AskLine(slots=1, max_waiting=4, max_wait_s=0.2)
    holder = line.join()
    late = line.join()
    with pytest.raises(BusyError, match=r"waited 0.2 s in line .* Please ask it again") as e:
        line.wait(late, poll_s=0.02)
    assert "timeout" not in str(e.value) and "setting" not in str(e.value), "no hint to change a setting"
    assert late.state == "timed_out" and line.status()["waiting"] == 0
    line.leave(holder)
    again = line.join()
    line.wait(again)  # a retry gets the free slot at once
    assert again.state == "running"


def test_a_cancelled_question_gives_up_its_place_and_the_next_moves_up():
    line = AskLine(slots=1, max_waiting=4, max_wait_s=10)
    holder, gone, next_ = line.join(), line.join(), line.join()
    line.cancel(gone)
    assert gone.state == "cancelled" and line.position(next_) == 1
    with pytest.raises(BusyError, match="withdrawn"):
        line.wait(gone)
    line.cancel(holder)  # a running question keeps its slot
    assert holder.state == "running"
    line.leave(holder)
    assert next_.state == "running"


def test_turn_releases_the_slot_when_the_work_fails():
    line = AskLine(slots=1, max_waiting=4, max_wait_s=5)
    with pytest.raises(RuntimeError):
        with line.turn():
            raise RuntimeError("boom")
    assert line.status()["running"] == 0
    with line.turn() as t:
        assert t.state == "running"


def test_bad_arguments_name_the_value():
    with pytest.raises(ValueError, match="slots must be greater than 0. Currently, slots is 0"):
        AskLine(slots=0)
    with pytest.raises(ValueError, match="max_wait_s must be greater than 0"):
        AskLine(max_wait_s=0)
