"""PDF and Word files, made by the tests: text, pages, metadata, exact offsets and bad files."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.chunk import chunk_document
from ingest.load import _clean_pages, load_document
from ingest.pdf import join_wrapped_lines
from ingest.pipeline import ingest_paths
from rag.errors import IngestError
from rag.settings import get_settings
from rag.store import get_store
from tests.ingest.documents import make_docx, make_pdf

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
PAGES = [
    [
        "Drone downed near the border",
        "Mali said on Monday that the drone crashed 9.5km inside its own",
        "territory, and Algeria disputed the account of the incident.",
    ],
    ["Officials in Algiers said the aircraft had entered Algerian airspace.", "2"],
    [],
    ["The two neighbours recalled their ambassadors after the incident.", "4"],
]


@pytest.fixture
def pdf(tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf(PAGES, title="Drone downed near the border", author="Jane Doe", created="20250407"))
    return path


def load_error(path: Path) -> str:
    with pytest.raises(IngestError) as info:
        load_document(path)
    assert str(info.value).startswith(f"{path}: "), "IngestError must start with the file name"
    return str(info.value)


# --- PDF ----------------------------------------------------------------------------------


def test_pdf_text_joins_wrapped_lines_and_drops_page_numbers(pdf):
    doc = load_document(pdf)
    assert doc.text == (
        "Drone downed near the border\n"
        "Mali said on Monday that the drone crashed 9.5km inside its own territory, and Algeria disputed the "
        "account of the incident.\n"
        "Officials in Algiers said the aircraft had entered Algerian airspace.\n"
        "The two neighbours recalled their ambassadors after the incident."
    )
    assert [r.text for r in doc.removed] == ["2", "4"]
    assert doc.source == str(pdf.resolve())


def test_pdf_pages_give_each_citation_its_page(pdf):
    doc = load_document(pdf)
    meta = doc.meta
    assert len(meta.page_starts) == 4, "one start per page, the empty page included"
    assert meta.page_at(doc.text.index("Mali said")) == 1
    assert meta.page_at(doc.text.index("Officials")) == 2
    assert meta.page_at(doc.text.index("Algerian airspace.")) == 2
    assert meta.page_at(doc.text.index("The two neighbours")) == 4, "page 3 is empty, so nothing lands on it"
    for n, start in enumerate(meta.page_starts[:2], 1):
        assert doc.text[start:].startswith(("Drone", "Officials")[n - 1])


def test_pdf_citation_offsets_are_exact_and_pages_hold_per_chunk_sentence(pdf):
    doc = load_document(pdf)
    for chunk in chunk_document(doc.doc_id, doc.text, 100, 0):
        assert doc.text[chunk.start : chunk.end] == chunk.text
        for sent in chunk.sentences:
            assert doc.meta.page_at(sent.start) == doc.meta.page_at(sent.end - 1), "no sentence spans a page break here"


def test_pdf_removals_point_into_the_raw_page_text():
    pages = [join_wrapped_lines("\n".join(lines)) for lines in PAGES]
    raw, result, starts = _clean_pages(pages)
    assert [raw[r.start : r.end] for r in result.removed] == ["2", "4"]
    assert starts[0] == 0 and result.text[starts[1] :].startswith("Officials")


def test_pdf_metadata_comes_from_the_info_dictionary(pdf):
    meta = load_document(pdf).meta
    assert (meta.title, meta.author, meta.published) == ("Drone downed near the border", "Jane Doe", "2025-04-07")


def test_a_pdf_title_that_is_a_file_name_is_ignored(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(make_pdf(PAGES, title="Microsoft Word - draft3.docx"))
    meta = load_document(path).meta
    assert meta.title == "Drone downed near the border", "the headline line is used instead"


def test_a_damaged_pdf_is_named_with_the_reason(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\nthis is not a PDF body at all\n")
    assert "not a readable PDF" in load_error(path)


def test_a_pdf_without_a_text_layer_says_so(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(make_pdf([[], []]))
    assert "no text layer" in load_error(path) and "OCR" in load_error(path)


def test_wrapped_lines_join_but_headings_sentence_ends_and_hyphens_are_kept():
    text = (
        "Heading\n"
        "A long line of a paragraph that the layout wrapped in the middle of its\n"
        "sentence, which goes on here.\n"
        "Another paragraph, a long line that ends its sentence right at the end.\n"
        "Next one begins with a word that the layout split with a well-\n"
        "known hyphen.\n"
    )
    assert join_wrapped_lines(text).split("\n") == [
        "Heading",
        "A long line of a paragraph that the layout wrapped in the middle of its sentence, which goes on here.",
        "Another paragraph, a long line that ends its sentence right at the end.",
        "Next one begins with a word that the layout split with a well-known hyphen.",
    ]


# --- Word -------------------------------------------------------------------------------


def test_docx_paragraphs_and_core_properties(tmp_path):
    path = tmp_path / "story.docx"
    path.write_bytes(make_docx(
        ["Mali said on Monday that the drone crashed 9.5km inside its own territory.",
         "Algeria disputed the account and recalled its ambassador."],
        heading="Drone downed near the border", title="Drone row", author="Jane Doe",
        created=dt.datetime(2025, 4, 7, 9, 30),
    ))
    doc = load_document(path)
    assert doc.text == (
        "Drone downed near the border\n"
        "Mali said on Monday that the drone crashed 9.5km inside its own territory.\n"
        "Algeria disputed the account and recalled its ambassador."
    )
    assert (doc.meta.title, doc.meta.author, doc.meta.published) == ("Drone row", "Jane Doe", "2025-04-07")
    assert doc.meta.page_starts == [] and doc.meta.page_at(5) is None


def test_a_file_named_docx_that_is_not_one(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0 an old binary Word file")
    assert "not a .docx file" in load_error(path)


def test_a_zip_that_is_not_a_word_document(tmp_path):
    import zipfile

    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    assert "not a readable .docx" in load_error(path)


# --- through the pipeline and the store ---------------------------------------------------


def test_pdf_pages_are_stored_with_the_document(pdf, tmp_path, fake_embedder):
    settings = get_settings(overrides={"store.path": str(tmp_path / "store")})
    store = get_store(settings)
    docx_path = tmp_path / "story.docx"
    docx_path.write_bytes(make_docx(["Algeria disputed the account and recalled its ambassador on Tuesday."]))
    report = ingest_paths([tmp_path], settings, store=store, embedder=fake_embedder)
    assert report.count("added") == 2, report.files
    stored = {Path(d.source).name: store.get_document(d.doc_id) for d in store.list_documents()}
    assert stored["report.pdf"].meta.page_starts == load_document(pdf).meta.page_starts
    assert stored["story.docx"].meta.page_starts == []


def test_importing_load_does_not_import_the_pdf_or_word_readers():
    code = "import sys, ingest.load; print('pypdf' in sys.modules, 'docx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
