"""Drive the real app (real models, bundled corpus) in headless Debian Chromium with Playwright.

Never runs ``playwright install``: it uses /usr/bin/chromium and skips when that is missing.
Gradio keeps a connection open, so every step waits for elements, never for 'networkidle'.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip("browser tests need Debian chromium at /usr/bin/chromium (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the playwright Python package")

from tests.ui._server import start_app  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.integration]

ARTIFACTS = REPO / "test-artifacts"
ANSWER_TIMEOUT = 150_000  # ms; one answer on 2 shared CPU cores can take a minute
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
EVIL_ARTICLE = (
    "Border post reopens after talks\n\n"
    "The Tinzaoutin border post reopened on Monday after two days of talks between officials. "
    "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\"> "
    "Traders said the crossing was busy again by the afternoon.\n"
)


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    url, demo = start_app(tmp_path_factory.mktemp("ui-browser"), {"llm.max_tokens": 120})
    yield url
    demo.close()


@pytest.fixture(scope="module")
def page(app_url):
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1440, "height": 1000})
        pg.set_default_timeout(30_000)
        pg.goto(app_url)
        pg.wait_for_selector("#cr-question textarea")
        yield pg
        browser.close()


def _ask(page, question: str):
    box = page.locator("#cr-question textarea")
    box.fill(question)
    box.press("Enter")  # Enter submits
    page.wait_for_selector(".cr-turn:last-child .cr-draft", timeout=30_000)
    page.wait_for_selector(".cr-turn:last-child .cr-answer", timeout=ANSWER_TIMEOUT)
    return page.locator(".cr-turn").last


IN_VIEW_JS = """(sel) => {
  const m = document.querySelector(sel + ' mark.cr-hl-target');
  if (!m) return false;
  let c = m.parentElement;
  while (c && !(c.scrollHeight > c.clientHeight && ['auto', 'scroll'].includes(getComputedStyle(c).overflowY))) c = c.parentElement;
  const r = m.getBoundingClientRect(), box = c ? c.getBoundingClientRect() : {top: 0, bottom: window.innerHeight};
  return r.top >= box.top - 1 && r.top < box.bottom;
}"""


def _wait_highlight_in_view(page, viewer: str = "#cr-viewer") -> None:
    """The viewer scrolls (smoothly) until the highlighted span is inside its visible area."""
    page.wait_for_function(IN_VIEW_JS, arg=viewer, timeout=10_000)


def _pwned(page) -> bool:
    return page.evaluate("() => window.__pwned !== undefined")


def test_cited_answer_and_highlighted_source(page):
    turn = _ask(page, "Where was the wreckage found according to Mali?")
    cites = turn.locator(".cr-answer-text button.cr-cite")
    assert cites.count() >= 1, f"expected a cited answer, got: {turn.inner_text()}"
    page.screenshot(path=str(ARTIFACTS / "ui-answer.png"))
    first = cites.first
    start, end = int(first.get_attribute("data-start")), int(first.get_attribute("data-end"))
    first.focus()
    page.keyboard.press("Enter")  # citation buttons work from the keyboard
    mark = page.locator("#cr-viewer mark.cr-hl-target")
    mark.wait_for()
    assert len(mark.inner_text()) == end - start, "the highlight covers exactly the cited span"
    assert mark.inner_text().strip() in turn.inner_text(), "the highlighted text is the quoted citation"
    _wait_highlight_in_view(page)  # the viewer scrolls to the highlighted span
    page.screenshot(path=str(ARTIFACTS / "ui-citation.png"))


def test_conflicting_question_shows_the_disagreement_flag(page):
    turn = _ask(page, "Who brought down the drone?")
    page.screenshot(path=str(ARTIFACTS / "ui-conflict.png"))
    flag = turn.locator(".cr-answer .cr-flag").first
    assert flag.is_visible() and "Sources disagree" in flag.inner_text(), turn.inner_text()
    sides = turn.locator(".cr-conflict").first.locator(".cr-side")
    assert sides.count() >= 2, "both sides are quoted"
    sides.first.locator("button.cr-ref").click()
    _wait_highlight_in_view(page)
    # for the README screenshot: the question at the top of the chat, the page itself not scrolled
    turn.locator(".cr-q").evaluate("""(el) => {
      let c = el.parentElement;
      while (c && !(c.scrollHeight > c.clientHeight && ['auto', 'scroll'].includes(getComputedStyle(c).overflowY))) c = c.parentElement;
      if (c) c.scrollTop += el.getBoundingClientRect().top - c.getBoundingClientRect().top;
      window.scrollTo(0, 0);
    }""")
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "ui-conflict-context.png"))
    if os.environ.get("RAG_UPDATE_SCREENSHOT") == "1":  # opt-in: a test run must not modify the checkout
        docs = REPO / "docs"
        docs.mkdir(exist_ok=True)
        shutil.copyfile(ARTIFACTS / "ui-conflict-context.png", docs / "screenshot.png")


def test_upload_a_text_file_and_see_it_listed(page, tmp_path):
    f = tmp_path / "border-post.txt"
    f.write_text(EVIL_ARTICLE, encoding="utf-8")
    page.get_by_role("tab", name="Corpus").click()
    page.locator("#cr-corpus table").wait_for()
    page.locator("#cr-upload-files input[type=file]").set_input_files(str(f))
    page.locator("#cr-upload-files").get_by_text("border-post.txt").first.wait_for()
    page.locator("#cr-ingest").click()
    results = page.locator("#cr-ingest-results")
    results.get_by_text("added", exact=True).wait_for(timeout=60_000)
    link = page.locator("#cr-corpus button.cr-doc-link", has_text="Border post reopens after talks")
    link.wait_for()
    link.click()
    page.get_by_text("Traders said the crossing").first.wait_for()
    # the cleaner drops the markup and lists it under "Cleaning removed": shown as text, never run
    viewer = page.locator("#cr-corpus-viewer")
    viewer.locator("details.cr-removed summary").click()
    viewer.get_by_text("window.__pwned=1").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "ui-corpus.png"), full_page=True)
    assert "<script>window.__pwned=1</script>" in viewer.inner_text(), "removed markup is shown as text"
    assert not _pwned(page), "article HTML must never run"
