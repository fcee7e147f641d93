"""Loading: file discovery, decoding, bad files, HTML and Markdown."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.clean import clean_text
from ingest.load import SUPPORTED, doc_id_for, iter_files, load_document, split_front_matter
from rag.errors import IngestError
from rag.types import SourceDoc

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "corpus"
BODY = "Mali, however, maintains that the drone crashed 9.5km inside its territory and denies any airspace violation."
BODY2 = "The incident has sparked a diplomatic standoff between the two neighbours, and ambassadors were recalled."
ARTICLE = f"Drone downed near the border\n{BODY}\n{BODY2}\n"


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def load_error(path: Path, **kwargs) -> str:
    with pytest.raises(IngestError) as info:
        load_document(path, **kwargs)
    message = str(info.value)
    assert message.startswith(f"{path}: "), "IngestError must start with the file name"
    return message


# --- iter_files ---------------------------------------------------------------------


def test_supported_extensions():
    assert SUPPORTED == {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"}


def test_iter_files_on_a_mixed_folder(tmp_path):
    write(tmp_path / "b.txt", ARTICLE)
    write(tmp_path / "a.md", ARTICLE)
    write(tmp_path / "sub" / "c.HTML", "<html></html>")
    write(tmp_path / "sub" / "deeper" / "d.htm", "<html></html>")
    write(tmp_path / "notes.odt", b"PK")
    write(tmp_path / "data.json", "{}")
    write(tmp_path / ".hidden.txt", ARTICLE)
    write(tmp_path / ".git" / "e.txt", ARTICLE)
    write(tmp_path / "sub" / ".cache" / "f.md", ARTICLE)

    files, skipped = iter_files([tmp_path], SUPPORTED)

    assert files == [
        tmp_path / "a.md",
        tmp_path / "b.txt",
        tmp_path / "sub" / "c.HTML",
        tmp_path / "sub" / "deeper" / "d.htm",
    ]
    assert [p.name for p, _ in skipped] == ["data.json", "notes.odt"]
    assert all("unsupported file type" in reason for _, reason in skipped)
    assert "'.odt'" in dict(skipped)[tmp_path / "notes.odt"]


def test_iter_files_reports_missing_paths_and_accepts_extensions_without_dots(tmp_path):
    a = write(tmp_path / "a.txt", ARTICLE)
    b = write(tmp_path / "b.md", ARTICLE)
    missing = tmp_path / "nope.txt"
    files, skipped = iter_files([a, missing, b], ["txt"])
    assert files == [a]
    assert skipped[0] == (missing, "no such file or folder")
    assert skipped[1][0] == b and "unsupported file type '.md'" in skipped[1][1]


def test_iter_files_dedupes_and_keeps_explicit_hidden_files(tmp_path):
    a = write(tmp_path / "a.txt", ARTICLE)
    hidden = write(tmp_path / ".h.txt", ARTICLE)
    files, skipped = iter_files([a, tmp_path, hidden], SUPPORTED)
    assert files == [a, hidden]
    assert skipped == []


def test_iter_files_on_the_corpus():
    files, skipped = iter_files([CORPUS], SUPPORTED)
    assert len(files) == 5 and skipped == []
    assert files == sorted(files)


# --- load_document: the corpus and plain text -----------------------------------------


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_load_corpus_file(path):
    doc = load_document(path)
    raw_bytes = path.read_bytes()
    assert isinstance(doc, SourceDoc)
    assert doc.source == str(path.resolve())
    assert doc.file_hash == hashlib.sha256(raw_bytes).hexdigest()
    assert doc.text == clean_text(raw_bytes.decode("utf-8")).text
    assert doc.doc_id == doc_id_for(doc.text) and len(doc.doc_id) == 16
    raw = raw_bytes.decode("utf-8")
    for r in doc.removed:
        assert raw[r.start : r.end] == r.text
    assert doc.meta.title


def test_corpus_metadata_through_load():
    by_prefix = {p.name[:3]: load_document(p).meta for p in sorted(CORPUS.glob("*.txt"))}
    assert by_prefix["001"].author == "Mohammed Ghani"
    assert by_prefix["004"].date_text == "4 months ago"
    inferred = [by_prefix[k].title_inferred for k in ("000", "001", "002", "003", "004")]
    assert inferred == [True, True, False, False, False]


def test_doc_id_ignores_whitespace_differences():
    assert doc_id_for("Mali  said\nthis. ") == doc_id_for("Mali said this.")
    assert doc_id_for("Mali said this.") == hashlib.sha256(b"Mali said this.").hexdigest()[:16]
    assert doc_id_for("Mali said this.") != doc_id_for("Mali said that.")


def test_same_text_in_two_files_gets_the_same_doc_id(tmp_path):
    a = load_document(write(tmp_path / "a.txt", ARTICLE))
    b = load_document(write(tmp_path / "b.txt", ARTICLE.replace("\n", "\r\n") + "Share\n"))
    assert a.doc_id == b.doc_id
    assert a.file_hash != b.file_hash


def test_crlf_is_normalised(tmp_path):
    path = write(tmp_path / "a.txt", ARTICLE.replace("\n", "\r\n").encode())
    doc = load_document(path)
    assert "\r" not in doc.text
    assert doc.text == ARTICLE.strip()


@pytest.mark.parametrize(
    "encoded",
    [
        ARTICLE.replace("neighbours", "neighbours’ café").encode("utf-8-sig"),
        ARTICLE.replace("neighbours", "neighbours’ café").encode("cp1252"),
        ARTICLE.replace("neighbours", "neighbours’ café").encode("utf-16"),
    ],
    ids=["utf-8-sig", "cp1252", "utf-16"],
)
def test_other_text_encodings_decode(tmp_path, encoded):
    doc = load_document(write(tmp_path / "a.txt", encoded))
    assert "neighbours’ café" in doc.text
    assert not doc.text.startswith("\ufeff")


# --- load_document: bad files ------------------------------------------------------------


def test_empty_file(tmp_path):
    assert "empty file" in load_error(write(tmp_path / "a.txt", b""))


def test_whitespace_only_file(tmp_path):
    assert "empty file" in load_error(write(tmp_path / "a.txt", "  \n\n\t\n"))


def test_binary_file_with_nul_bytes(tmp_path):
    assert "binary file" in load_error(write(tmp_path / "a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10))


def test_binary_file_with_control_characters(tmp_path):
    assert "binary file" in load_error(write(tmp_path / "a.txt", bytes(range(1, 9)) * 50))


def test_undecodable_file(tmp_path):
    message = load_error(write(tmp_path / "a.txt", b"Mali \x81\x8d\x8f\x90\x9d drone " * 20))
    assert "undecodable" in message and "UTF-8" in message


def test_too_large_file(tmp_path):
    message = load_error(write(tmp_path / "a.txt", ARTICLE), max_bytes=50)
    assert "too large" in message and "limit" in message


def test_directory(tmp_path):
    (tmp_path / "folder.txt").mkdir()
    assert "is a folder" in load_error(tmp_path / "folder.txt")


def test_missing_file(tmp_path):
    assert "no such file" in load_error(tmp_path / "missing.txt")


def test_unsupported_extension(tmp_path):
    message = load_error(write(tmp_path / "a.odt", ARTICLE))
    assert "unsupported file type '.odt'" in message and ".txt" in message and ".pdf" in message


def test_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path / "a.txt", ARTICLE)

    def deny(self):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", deny)
    assert "permission denied" in load_error(path)


def test_file_of_only_page_furniture(tmp_path):
    message = load_error(write(tmp_path / "a.txt", "Print\n\nShare\n12\n4 months ago\nLeave a comment\n"))
    assert "no article text left after cleaning" in message


# --- HTML -----------------------------------------------------------------------------

PAGE = f"""<!doctype html>
<html><head><title>Drone downed near border | Example News</title>
<meta property="og:site_name" content="Example News">
<meta property="og:title" content="Drone downed near border">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2025-04-07T10:00:00Z">
<script>var tracking = "<b>evil</b>"; alert("tracker");</script>
<style>body {{ color: red }}</style>
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/menu">Navigation menu</a></nav>
<article>
<h1>Drone downed near border</h1>
<p>Algeria said the drone was shot down after it penetrated 2km into its airspace near the town of Tinzaoutin.</p>
<script>document.write("<p>injected junk</p>")</script>
<p>{BODY}</p>
<p>The incident has sparked a <b>diplomatic</b> standoff, and a reader wrote
&lt;script&gt;alert(1)&lt;/script&gt; today.</p>
<p>{BODY2}</p>
</article>
<footer>Copyright 2025 Example News. All rights reserved. <a href="/privacy">Privacy policy</a></footer>
</body></html>
"""


def test_html_article_text_and_metadata(tmp_path):
    doc = load_document(write(tmp_path / "page.html", PAGE))
    assert doc.text.split("\n")[0] == "Drone downed near border"
    assert BODY in doc.text and BODY2 in doc.text
    assert "The incident has sparked a diplomatic standoff, and a reader wrote today." in doc.text
    for junk in ("<", "tracker", "injected junk", "color: red", "Navigation menu", "Privacy policy", "Copyright"):
        assert junk not in doc.text, f"{junk!r} leaked from the page into the text"
    assert doc.meta.title == "Drone downed near border" and doc.meta.title_inferred is False
    assert doc.meta.source_name == "Example News"
    assert doc.meta.author == "Jane Doe"
    assert doc.meta.published == "2025-04-07"
    assert doc.file_hash == hashlib.sha256(PAGE.encode()).hexdigest()


def test_tiny_html_page_falls_back_to_paragraphs(tmp_path):
    page = (
        '<html><head><meta property="og:site_name" content="Tiny Site"><title>Short page</title></head>'
        "<body><nav>Menu</nav><p>Mali recalled its ambassador on Sunday.</p><script>alert(1)</script>"
        "<footer>footer junk</footer></body></html>"
    )
    doc = load_document(write(tmp_path / "tiny.htm", page))
    assert doc.text == "Mali recalled its ambassador on Sunday."
    assert doc.meta.source_name == "Tiny Site"
    assert doc.meta.title == "Short page"


def test_html_without_article_text_is_an_error(tmp_path):
    page = "<html><head><title>x</title><script>alert(1)</script></head><body><nav>Home</nav></body></html>"
    assert "no article text" in load_error(write(tmp_path / "empty.html", page))


def test_txt_file_holding_html_is_read_as_html(tmp_path):
    doc = load_document(write(tmp_path / "saved.txt", PAGE))
    assert "<" not in doc.text and BODY in doc.text
    assert doc.meta.source_name == "Example News"


# --- Markdown ---------------------------------------------------------------------------

MARKDOWN = (
    '---\ntitle: "Mali closes airspace"\nauthor: [Jane Doe, John Roe]\ndate: 2025-04-07\nsource: Example Wire\n---\n'
    "# Mali closes airspace\n\n![map](http://x/map.png)\n\n"
    "Bamako – Mali closed its airspace to **Algerian** aircraft, [the ministry said](http://x). "
    "The move followed the drone incident near the border.\n\nShare\n"
)


def test_markdown_front_matter_and_syntax(tmp_path):
    path = write(tmp_path / "a.md", MARKDOWN)
    doc = load_document(path)
    assert doc.text == (
        "Mali closes airspace\n\nBamako – Mali closed its airspace to Algerian aircraft, the ministry said. "
        "The move followed the drone incident near the border."
    )
    assert doc.meta.title == "Mali closes airspace" and not doc.meta.title_inferred
    assert doc.meta.author == "Jane Doe, John Roe"
    assert doc.meta.published == "2025-04-07"
    assert doc.meta.source_name == "Example Wire"
    assert doc.meta.dateline == "Bamako"
    raw = path.read_text(encoding="utf-8")
    assert doc.removed[0].reason == "front matter" and doc.removed[0].start == 0
    for r in doc.removed:
        assert raw[r.start : r.end] == r.text, f"{r.reason}: offsets must point into the whole file"
    reasons = {r.reason for r in doc.removed}
    assert {"markdown image", "markdown link syntax", "markdown emphasis", "UI label"} <= reasons


def test_markdown_without_front_matter(tmp_path):
    doc = load_document(write(tmp_path / "a.markdown", "## Drone downed\n\n" + BODY + "\n"))
    assert doc.text == "Drone downed\n\n" + BODY
    assert doc.meta.title == "Drone downed"


def test_rule_lines_around_prose_are_not_front_matter():
    text = "---\nMali recalled its ambassador.\n---\n" + BODY
    assert split_front_matter(text) == (None, 0)
    assert split_front_matter("---\ntitle: [unclosed\n---\n" + BODY) == (None, 0)
    data, offset = split_front_matter("---\ntitle: X\n---\n" + BODY)
    assert data == {"title": "X"} and offset == len("---\ntitle: X\n---\n")


# --- imports ---------------------------------------------------------------------------


def test_importing_load_does_not_import_trafilatura():
    code = "import sys, ingest.load; print('trafilatura' in sys.modules, 'yaml' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_a_metadata_sidecar_gives_plain_text_passages_their_title_and_date(tmp_path):
    docs = tmp_path / "set" / "docs"
    write(docs / "p1.txt", "He died on 2 March 1881 in Michelstadt, aged 42.\n")
    write(docs / "p2.txt", "# Own header\nThe expedition sailed in 1872.\n")
    write(tmp_path / "set" / "docs_meta.jsonl",
          '{"id": "p1", "title": "Karl Weyprecht", "date": "2023/01/05", "source": "Wikipedia"}\n'
          "not json\n"
          '{"id": "p2", "title": "Expedition"}\n')
    d1 = load_document(docs / "p1.txt")
    assert (d1.meta.title, d1.meta.published, d1.meta.source_name) == ("Karl Weyprecht", "2023-01-05", "Wikipedia")
    assert d1.text.startswith("He died"), "metadata never enters the clean text (offsets stay exact)"
    plain = write(tmp_path / "other" / "p1.txt", "He died on 2 March 1881 in Michelstadt, aged 42.\n")
    assert load_document(plain).meta.title != "Karl Weyprecht", "no sidecar, no borrowed title"


# --- reporting what is not loaded --------------------------------------------------------


def test_a_link_to_a_folder_inside_a_folder_is_reported_not_followed(tmp_path):
    outside = write(tmp_path / "elsewhere" / "x.txt", ARTICLE).parent
    corpus = tmp_path / "corpus"
    a = write(corpus / "a.txt", ARTICLE)
    (corpus / "linked").symlink_to(outside, target_is_directory=True)
    files, skipped = iter_files([corpus], SUPPORTED)
    assert files == [a], "the linked folder's file must not be loaded"
    assert skipped == [(corpus / "linked", "link to a folder, not followed (pass the folder itself to ingest it)")]


def test_a_broken_link_inside_a_folder_names_its_target(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    files, skipped = iter_files([tmp_path], SUPPORTED)
    assert files == []
    assert skipped == [(tmp_path / "gone.txt", f"broken link (points at {tmp_path / 'nowhere.txt'}, which does not exist)")]


def test_metadata_sidecars_in_a_folder_are_not_reported_as_unsupported(tmp_path):
    write(tmp_path / "a.txt", ARTICLE)
    write(tmp_path / "docs_meta.jsonl", '{"id": "a", "title": "T"}\n')
    files, skipped = iter_files([tmp_path], SUPPORTED)
    assert [p.name for p in files] == ["a.txt"] and skipped == []


def test_a_text_file_with_one_stray_nul_byte_is_cleaned_not_refused(tmp_path):
    damaged = ARTICLE.replace("drone crashed", "drone\x00 crashed")
    doc = load_document(write(tmp_path / "a.txt", damaged.encode()))
    assert "\x00" not in doc.text
    assert "the drone crashed 9.5km" in doc.text
    assert [(r.text, r.reason) for r in doc.removed] == [("\x00", "NUL byte")]
    assert damaged[doc.removed[0].start : doc.removed[0].end] == "\x00", "removal offsets point into the file text"


def test_a_short_text_file_with_one_nul_byte_is_cleaned_too(tmp_path):
    doc = load_document(write(tmp_path / "a.txt", b"Mali said the drone\x00 crashed inside its territory."))
    assert doc.text == "Mali said the drone crashed inside its territory."
