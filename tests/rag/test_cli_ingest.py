"""``rag ingest`` reports: every failed path named with its reason, and the exit status."""

import json

import pytest
from click.testing import CliRunner

from rag.cli import main
from tests.conftest import HashEmbedder
from tests.site import site  # noqa: F401 (fixture)

pytestmark = pytest.mark.unit

ARTICLE = (
    "Drone downed near the border\n"
    "Mali said on Monday that the drone crashed 9.5km inside its own territory, and Algeria disputed the account.\n"
    "Officials in Algiers said the aircraft had entered Algerian airspace before it was brought down.\n"
)


@pytest.fixture
def rag(tmp_path, monkeypatch):
    """Runs ``rag --store TMP ingest ARGS`` with a fake embedder."""
    emb = HashEmbedder()
    monkeypatch.setattr("ingest.pipeline.get_embedder", lambda s: emb)
    store = str(tmp_path / "store")

    def run(*args):
        return CliRunner().invoke(main, ["--store", store, "ingest", *args])

    return run


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE)
    return path


def test_an_unsupported_file_is_named_with_its_reason_and_fails(rag, tmp_path):
    odd = tmp_path / "report.xyz"
    odd.write_text(ARTICLE)
    r = rag(str(odd))
    assert r.exit_code == 1, r.output
    assert f"skipped   {odd}: unsupported file type '.xyz'" in r.output
    assert f"Error: nothing was ingested from {odd} (1 path(s) failed, see above)" in r.output


def test_a_missing_path_is_reported_and_fails_even_when_others_go_in(rag, article, tmp_path):
    missing = tmp_path / "missing.txt"
    r = rag(str(article), str(missing))
    assert r.exit_code == 1, r.output
    assert f"added     {article}" in r.output
    assert f"skipped   {missing}: no such file or folder" in r.output
    assert "Error: 1 path(s) could not be ingested; the rest went in (--keep-going exits 0 in this case)" in r.output


def test_keep_going_exits_0_on_partial_failure_but_not_when_nothing_went_in(rag, article, tmp_path):
    missing = tmp_path / "missing.txt"
    r = rag("--keep-going", str(article), str(missing))
    assert r.exit_code == 0, r.output
    assert f"skipped   {missing}: no such file or folder" in r.output
    r = rag("--keep-going", str(missing))
    assert r.exit_code == 1, "nothing ingested is a failure even with --keep-going"
    assert f"Error: nothing was ingested from {missing}" in r.output


def test_an_empty_folder_is_nothing_ingested(rag, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    r = rag(str(empty))
    assert r.exit_code == 1
    assert f"Error: nothing was ingested from {empty}: no files of a supported type found" in r.output


def test_a_folder_link_that_is_not_followed_is_reported(rag, article, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(ARTICLE)
    (corpus / "other").symlink_to(tmp_path, target_is_directory=True)
    r = rag(str(corpus))
    assert r.exit_code == 1
    assert f"skipped   {corpus / 'other'}: link to a folder, not followed" in r.output


def test_re_ingesting_unchanged_files_is_a_success(rag, article):
    assert rag(str(article)).exit_code == 0
    r = rag(str(article))
    assert r.exit_code == 0 and "0 added, 0 updated, 1 unchanged" in r.output


def test_json_report_names_the_path_and_the_reason_apart(rag, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    r = CliRunner().invoke(main, ["--store", str(tmp_path / "s"), "ingest", "--json", str(empty)])
    assert r.exit_code == 1
    report = json.loads(r.stdout)
    assert report["files"] == [
        {"path": str(empty), "status": "skipped", "doc_id": None, "title": None, "chunks": 0, "reason": "empty file"}
    ]


def test_a_stray_nul_byte_does_not_stop_a_file(rag, tmp_path):
    damaged = tmp_path / "damaged.txt"
    damaged.write_bytes(ARTICLE.replace("crashed", "cra\x00shed").encode())
    r = rag(str(damaged))
    assert r.exit_code == 0, r.output
    assert "1 added" in r.output


def test_a_pdf_and_a_docx_go_in_and_docs_shows_the_pdf_pages(rag, tmp_path):
    from tests.ingest.documents import make_docx, make_pdf

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(make_pdf([["Mali said the drone crashed inside its own territory."],
                              ["Algeria disputed the account on Tuesday."]], title="Drone row"))
    story = tmp_path / "story.docx"
    story.write_bytes(make_docx(["Algeria recalled its ambassador after the drone was downed."]))
    r = rag(str(pdf), str(story))
    assert r.exit_code == 0, r.output
    assert f"added     {pdf} (1 chunks) Drone row" in r.output and f"added     {story}" in r.output
    docs = CliRunner().invoke(main, ["--store", str(tmp_path / "store"), "docs", "--json"])
    pages = {d["source"].rsplit("/", 1)[-1]: d["meta"]["page_starts"] for d in json.loads(docs.output)}
    assert pages == {"report.pdf": [0, 54], "story.docx": []}


# --- URLs and feeds, served by a local server the test starts ---------------------------------

PAGE = (
    "<html><head><title>Drone downed near the border</title></head><body><article><h1>Drone downed near the border</h1>"
    "<p>Mali said on Monday that the drone crashed 9.5km inside its own territory, and Algeria disputed it.</p>"
    "<p>Officials in Algiers said the aircraft had entered Algerian airspace before it was brought down.</p>"
    "</article></body></html>"
)
FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Sahel Daily</title>'
    "<item><title>Drone downed</title><link>/story</link></item>"
    "<item><title>Gone</title><link>/gone</link></item></channel></rss>"
)


def test_a_url_is_refused_on_loopback_unless_allowed_by_option_or_env(rag, site, tmp_path):
    url = site.page("/story", PAGE)
    r = rag(url)
    assert r.exit_code == 1
    assert f"skipped   {url}: 127.0.0.1 is a loopback, private or otherwise non-public address" in r.output
    assert site.hits == {}
    r = CliRunner().invoke(main, ["-o", "ingest.allow_private_urls=true", "--store", str(tmp_path / "store"), "ingest", url])
    assert r.exit_code == 0, r.output
    assert f"added     {url} (1 chunks) Drone downed near the border" in r.output
    r = CliRunner().invoke(main, ["--store", str(tmp_path / "store"), "ingest", url], env={"RAG_INGEST__ALLOW_PRIVATE_URLS": "1"})
    assert r.exit_code == 0 and f"unchanged {url}" in r.output
    docs = json.loads(CliRunner().invoke(main, ["--store", str(tmp_path / "store"), "docs", "--json"]).output)
    assert [d["source"] for d in docs] == [url], "the URL is the document's source"


def test_a_feed_adds_new_items_reports_failed_ones_and_keep_going_accepts_that(rag, site, monkeypatch):
    monkeypatch.setenv("RAG_INGEST__ALLOW_PRIVATE_URLS", "true")
    site.page("/story", PAGE)
    feed = site.page("/feed.xml", FEED, "application/rss+xml")
    r = rag("--feed", feed)
    assert r.exit_code == 1, "one item failed"
    assert f"added     {site.url('/story')}" in r.output
    assert f"skipped   {site.url('/gone')}: HTTP 404 Not Found" in r.output
    r = rag("--keep-going", "--feed", feed)
    assert r.exit_code == 0, r.output
    assert f"unchanged {site.url('/story')}" in r.output and site.hits["/story"] == 1


def test_ingest_without_paths_or_feeds_is_a_usage_error(rag):
    r = rag()
    assert r.exit_code == 2 and "Give files, folders or URLs to ingest, or --feed URL." in r.output
