"""The web app's chat waits in the shared line and shows its place ('1st in line') until its turn."""

from __future__ import annotations

import time

import pytest

from rag.serving.line import AskLine
from tests.ui.test_app import env  # noqa: F401  (fixture: a store with one article and a fake pipeline)
from ui import app as A

pytestmark = pytest.mark.unit


def test_a_waiting_web_question_shows_its_place_then_its_answer(env):  # noqa: F811
    line = AskLine(slots=1, max_waiting=0, max_wait_s=30)
    ui = A.CorroborateUI(env.settings, env.pipeline, bench_dirs=[], line=line)
    holder = line.join()  # another question holds the only slot; the line is 'full' for the API
    steps = ui.ask("Where was the wreckage found?", [], {})
    next(steps)  # the question appears
    html, _, turns = next(steps)
    assert "1st in line" in html and "cr-waiting" in html, html[-600:]
    assert env.pipeline.asked == [], "no answer while another question holds the slot"
    assert line.status()["waiting"] == 1, "the web app joins even when the API would be refused"
    line.leave(holder)
    *_, (html, _, turns) = list(steps)
    assert turns[-1].answer is not None and "in line" not in html
    assert env.pipeline.asked == ["Where was the wreckage found?"]
    assert line.status() | {"typical_answer_s": None} == {"slots": 1, "running": 0, "waiting": 0, "max_waiting": 0,
                                                          "typical_answer_s": None}


def test_closing_the_page_gives_up_the_place_in_line(env):  # noqa: F811
    line = AskLine(slots=1, max_waiting=4, max_wait_s=30)
    ui = A.CorroborateUI(env.settings, env.pipeline, bench_dirs=[], line=line)
    holder = line.join()
    steps = ui.ask("Where was the wreckage found?", [], {})
    next(steps)
    next(steps)
    assert line.status()["waiting"] == 1
    steps.close()  # Gradio closes the generator when the user leaves
    assert line.status()["waiting"] == 0
    line.leave(holder)
    time.sleep(0.1)
    assert env.pipeline.asked == [], "a withdrawn question is not answered"


def test_a_question_that_waits_too_long_is_told_to_ask_again(env):  # noqa: F811
    line = AskLine(slots=1, max_waiting=4, max_wait_s=0.3)
    ui = A.CorroborateUI(env.settings, env.pipeline, bench_dirs=[], line=line)
    holder = line.join()
    *_, (html, _, turns) = list(ui.ask("Where was the wreckage found?", [], {}))
    assert "Please ask it again" in turns[-1].error
    assert "timeout" not in turns[-1].error
    line.leave(holder)


def test_build_app_handles_every_waiting_question_by_default(env):  # noqa: F811
    line = AskLine(slots=2, max_waiting=5)
    demo = A.build_app(env.settings, env.pipeline, bench_dirs=[], line=line)
    assert demo.corroborate.line is line
    limits = {d.concurrency_limit for d in demo.fns.values() if d.api_name == "ask"}
    assert limits == {7}, limits
