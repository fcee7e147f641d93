"""Find article files and load each into a cleaned ``SourceDoc``.

Plain text, Markdown (with optional YAML front matter), HTML, PDF
(``ingest.pdf``) and Word .docx (``ingest.word``) are read, decoded, cleaned by
``ingest.clean.clean_text`` and described by ``ingest.metadata.extract_meta``.
``parse_document`` does the same for bytes fetched from a URL. Every failure is
an ``IngestError`` naming the file or URL, so a batch can report it and carry on.

Example:
    >>> files, skipped = iter_files([Path("corpus")], SUPPORTED)
    >>> doc = load_document(files[0])
    >>> doc.source.endswith(".txt")
    True
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import json
import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from ingest.clean import CleanResult, clean_text, normalize_newlines
from ingest.metadata import extract_meta
from rag.errors import IngestError
from rag.types import Removal, SourceDoc

if TYPE_CHECKING:
    from rag.settings import IngestSettings

log = logging.getLogger(__name__)

SUPPORTED = {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"}
"""File extensions ``load_document`` can read."""

HTML_EXTENSIONS = {".html", ".htm"}
MARKDOWN_EXTENSIONS = {".md", ".markdown"}

Kind = Literal["text", "markdown", "html", "pdf", "docx"]
"""How the bytes of a document are read."""

_KIND_BY_SUFFIX: dict[str, Kind] = {
    **{e: "html" for e in HTML_EXTENSIONS},
    **{e: "markdown" for e in MARKDOWN_EXTENSIONS},
    ".txt": "text",
    ".pdf": "pdf",
    ".docx": "docx",
}

_HTML_SNIFF_RE = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>])", re.I)
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")  # C0/C1 controls except tab and line breaks
_MB = 1024 * 1024  # ingest.max_file_mb is converted with the same factor
_MAX_CONTROL_SHARE = 0.01  # more control characters than this means it is not text


def doc_id_for(text: str) -> str:
    """Document key: sha256 of the whitespace-normalised clean text, first 16 hex digits."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def iter_files(
    paths: list[Path], extensions: set[str] | list[str]
) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand files and folders into the files to load, and the ones skipped with a reason.

    Folders are walked recursively in sorted order; hidden files and folders
    (names starting with '.') and metadata sidecars (``SIDECAR_NAMES``) inside
    them are ignored silently. Links to folders inside a folder are not followed
    and are reported, as are broken links. A path given explicitly is used
    whatever its name. Duplicates are loaded once.

    Example:
        >>> files, skipped = iter_files([Path("corpus"), Path("missing.txt")], {".txt"})
        >>> skipped
        [(PosixPath('missing.txt'), 'no such file or folder')]
    """
    wanted = {e.lower() if e.startswith(".") else f".{e.lower()}" for e in extensions}
    expected = ", ".join(sorted(wanted)) or "nothing"
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    seen: set[Path] = set()

    def consider(path: Path) -> None:
        if path.suffix.lower() not in wanted:
            skipped.append((path, f"unsupported file type '{path.suffix or '(none)'}' (expected {expected})"))
            return
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for raw_path in paths:
        path = Path(raw_path)
        if path.is_dir():
            found: list[Path] = []
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                # os.walk lists a link to a folder among the folders but does not enter it
                found += [Path(root) / d for d in dirs if (Path(root) / d).is_symlink()]
                found += [Path(root) / n for n in names if not n.startswith(".") and n not in SIDECAR_NAMES]
            for child in sorted(found):
                if child.is_symlink() and child.is_dir():
                    skipped.append((child, "link to a folder, not followed (pass the folder itself to ingest it)"))
                elif child.is_file():
                    consider(child)
                elif child.is_symlink():
                    skipped.append((child, f"broken link (points at {os.readlink(child)}, which does not exist)"))
                else:
                    skipped.append((child, "not a regular file"))
        elif path.is_file():
            consider(path)
        elif path.exists() or path.is_symlink():
            skipped.append((path, "not a regular file"))
        else:
            skipped.append((path, "no such file or folder"))
    return files, skipped


def load_document(path: Path, max_bytes: int = 20_000_000) -> SourceDoc:
    """Read, decode, clean and describe one article file.

    Raises:
        IngestError: ``"<path>: <reason>"`` for a missing, unreadable, empty,
            binary, undecodable, too large or unsupported file, or one with no
            article text left after cleaning. The CLI reports it and moves on.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        raise IngestError(f"{path}: is a folder, not a file (pass the folder to ingest to load what it holds)")
    if not path.exists():
        raise IngestError(f"{path}: no such file")
    if suffix not in SUPPORTED:
        raise IngestError(
            f"{path}: unsupported file type '{suffix or '(none)'}' (supported: {', '.join(sorted(SUPPORTED))})"
        )
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(
                f"{path}: file too large ({size / _MB:.1f} MB, limit {max_bytes / _MB:.1f} MB; "
                "raise ingest.max_file_mb to load it)"
            )
        data = path.read_bytes()
    except PermissionError:
        raise IngestError(f"{path}: permission denied (cannot read the file)") from None
    except OSError as exc:
        raise IngestError(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise IngestError(f"{path}: file too large ({len(data) / _MB:.1f} MB, limit {max_bytes / _MB:.1f} MB)")
    return parse_document(
        data, _KIND_BY_SUFFIX[suffix], source=str(path.resolve()), label=str(path),
        sidecar=sidecar_meta(path), max_bytes=max_bytes,
    )


def parse_document(
    data: bytes,
    kind: Kind,
    *,
    source: str,
    label: str,
    sidecar: dict[str, Any] | None = None,
    fallback_meta: dict[str, Any] | None = None,
    max_bytes: int = 20_000_000,
) -> SourceDoc:
    """Decode, clean and describe the bytes of one document, whatever its format.

    ``source`` is stored as the document's source (a resolved path or a URL) and ``label``
    starts every error message. ``sidecar`` metadata wins over what the document says about
    itself (except a Markdown header); ``fallback_meta`` (e.g. a feed item's) only fills gaps.
    For a PDF, ``meta.page_starts`` records where each page starts in the clean text.

    Raises:
        IngestError: ``"<label>: <reason>"``, as ``load_document``.
    """
    if not data:
        raise IngestError(f"{label}: empty file")
    html_meta: dict[str, Any] | None = None
    front_matter: dict[str, Any] | None = None
    page_starts: list[int] = []
    if kind == "pdf":
        from ingest.pdf import read_pdf

        pdf = read_pdf(data, label)
        body, result, page_starts = _clean_pages(pdf.pages)
        html_meta = pdf.meta
    elif kind == "docx":
        from ingest.word import read_docx

        body, html_meta = read_docx(data, label, max_bytes)
        result = clean_text(body)
    else:
        text = normalize_newlines(_decode(data, label))
        if not text.strip():
            raise IngestError(f"{label}: empty file (only whitespace)")
        if kind == "html" or (kind == "text" and _HTML_SNIFF_RE.match(text[:2000])):
            body, html_meta = extract_html(text.replace("\x00", ""), url=source if "://" in source else None)
            result = clean_text(body)
        elif kind == "markdown":
            front_matter, offset = split_front_matter(text)
            body = text[offset:]
            result = _shift(clean_text(body, markdown=True), text, offset)
        else:
            body = text
            result = clean_text(body)

    if not result.text.strip():
        raise IngestError(f"{label}: no article text left after cleaning (the file holds only page furniture)")
    if sidecar:
        front_matter = {**sidecar, **(front_matter or {})}  # the file's own header wins
    if fallback_meta:
        html_meta = {**fallback_meta, **{k: v for k, v in (html_meta or {}).items() if v}}
    meta = extract_meta(body, result.text, html_meta=html_meta, front_matter=front_matter)
    return SourceDoc(
        doc_id=doc_id_for(result.text),
        source=source,
        text=result.text,
        file_hash=hashlib.sha256(data).hexdigest(),
        meta=meta.model_copy(update={"page_starts": page_starts}) if page_starts else meta,
        removed=result.removed,
    )


def _clean_pages(pages: list[str]) -> tuple[str, CleanResult, list[int]]:
    """Clean each page on its own and join them, one line break apart.

    Returns the raw text (pages joined the same way), the result with removals in raw
    offsets, and the clean-text offset where each page starts; a page left empty starts
    where the next one does, so ``DocMeta.page_at`` never lands on it.
    """
    raw_parts, clean_parts, removed, starts = [], [], [], []
    raw_pos = clean_pos = 0
    for page in pages:
        page = normalize_newlines(page)
        result = clean_text(page)
        removed += [r.model_copy(update={"start": r.start + raw_pos, "end": r.end + raw_pos}) for r in result.removed]
        raw_parts.append(page)
        raw_pos += len(page) + 1
        if clean_parts and result.text:
            clean_pos += 1  # the line break joining it to the page before
        starts.append(clean_pos)
        if result.text:
            clean_parts.append(result.text)
            clean_pos += len(result.text)
    return "\n".join(raw_parts), CleanResult(text="\n".join(clean_parts), removed=removed), starts


_KIND_BY_MEDIA_TYPE: dict[str, Kind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}


def load_url(url: str, settings: IngestSettings, fallback_meta: dict[str, Any] | None = None) -> SourceDoc:
    """Fetch a web page (or a PDF/.docx/text file by URL) and load it like a file; the URL is the source.

    The article is extracted with trafilatura (title, author, date, site name); the site name
    falls back to the host. ``fallback_meta`` (e.g. from a feed item) fills what the page lacks.

    Raises:
        IngestError: ``"<url>: <reason>"`` from fetching (``ingest.fetch.fetch``) or loading.
    """
    from ingest.fetch import fetch

    page = fetch(url, settings, accept="text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,*/*;q=0.5")
    kind = _KIND_BY_MEDIA_TYPE.get(page.content_type) or _sniff_kind(page.data)
    if kind is None:
        raise IngestError(f"{url}: unsupported content type '{page.content_type or '(none)'}'")
    data = page.data
    if kind in ("html", "text", "markdown") and page.charset and page.charset.lower().replace("_", "-") not in (
        "utf-8", "utf8", "us-ascii", "ascii",
    ):
        try:
            data = data.decode(page.charset).encode("utf-8")
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown charset: let the usual decoding guess
    host = (urlsplit(page.url).hostname or "").removeprefix("www.")
    return parse_document(
        data, kind, source=url, label=url, fallback_meta={"sitename": host, **(fallback_meta or {})},
        max_bytes=int(settings.max_file_mb * _MB),
    )


def _sniff_kind(data: bytes) -> Kind | None:
    head = data[:2000].lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if _HTML_SNIFF_RE.match(head.decode("latin-1")):
        return "html"
    return None


SIDECAR_NAMES = ("docs_meta.jsonl", "meta.jsonl")


def sidecar_meta(path: Path) -> dict[str, Any] | None:
    """Metadata for ``path`` from a JSONL sidecar beside it or in its parent folder (``docs_meta.jsonl`` or
    ``meta.jsonl``): the row whose ``id`` is the file's stem. Plain-text passages carry no title of their own,
    and a sentence like "He died in 1881" needs one to be understood. A broken sidecar is ignored here
    (the documents still load) and its file and line are named by :func:`read_sidecar`."""
    for folder in (path.parent, path.parent.parent):
        for name in SIDECAR_NAMES:
            rows = read_sidecar(folder / name)
            if rows and path.stem in rows:
                return rows[path.stem]
    return None


@functools.lru_cache(maxsize=32)
def _sidecar_cached(path: str, mtime: float) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            log.warning("%s:%d: not JSON; metadata on that line ignored", path, lineno)
            continue
        if isinstance(row, dict) and isinstance(row.get("id"), str):
            out[row["id"]] = {k: v for k, v in row.items() if k in _SIDECAR_FIELDS and isinstance(v, str) and v}
    return out


_SIDECAR_FIELDS = {"title", "headline", "author", "authors", "date", "published", "source", "site", "publisher"}


def read_sidecar(path: Path) -> dict[str, dict[str, Any]] | None:
    """Rows of a metadata sidecar by document id, or None when there is no such file."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _sidecar_cached(str(path), mtime)


def split_front_matter(text: str) -> tuple[dict[str, Any] | None, int]:
    """Parse a leading YAML ``---`` block; returns ``(mapping or None, offset where the body starts)``.

    A block that is not a YAML mapping (e.g. a Markdown rule around a paragraph)
    is not front matter and is left in the text.
    """
    m = _FRONT_MATTER_RE.match(text)
    if not m:
        return None, 0
    import yaml  # only Markdown files need it

    try:
        data = yaml.safe_load(m.group(1) or "")
    except yaml.YAMLError:
        return None, 0
    if not isinstance(data, dict):
        return None, 0
    return data, m.end()


def extract_html(html: str, url: str | None = None) -> tuple[str, dict[str, Any]]:
    """Main article text and metadata (title, author, date, sitename) of an HTML page.

    Uses trafilatura (imported here, so plain-text ingest stays fast) with
    comments and tables left out; falls back to the page's paragraphs when it
    finds nothing. Dates come from markup only, never from the story text.
    """
    import trafilatura
    from trafilatura.settings import set_date_params

    text, meta = "", {}
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            include_images=False,
            include_links=False,
            favor_precision=True,
            date_extraction_params=set_date_params(extensive=False),
        )
    except Exception:  # trafilatura raises assorted errors on malformed pages; fall back below
        doc = None
    if doc is not None:
        get = doc.get if isinstance(doc, dict) else lambda k: getattr(doc, k, None)
        text = get("text") or ""
        meta = {k: get(k) for k in ("title", "author", "date", "sitename")}
    if url and meta.get("sitename") in (urlsplit(url).netloc, urlsplit(url).hostname):
        meta["sitename"] = None  # trafilatura's guess from the URL; a feed's title or the bare host are better
    fallback_text, tag_meta = _html_fallback(html)
    if not text.strip():
        text = fallback_text
    for key, value in tag_meta.items():
        meta[key] = meta.get(key) or value
    return normalize_newlines(text), {k: v for k, v in meta.items() if v}


def _html_fallback(html: str) -> tuple[str, dict[str, Any]]:
    """Paragraph text and meta tags read with lxml, for pages trafilatura cannot handle."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        try:
            root = lxml_html.fromstring(html)
        except ValueError:  # a str with an XML encoding declaration must be parsed as bytes
            root = lxml_html.fromstring(html.encode("utf-8"))
    except (etree.ParserError, ValueError):
        return "", {}
    meta: dict[str, Any] = {}
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or "").lower()
        value = (el.get("content") or "").strip()
        target = {
            "og:site_name": "sitename",
            "og:title": "title",
            "author": "author",
            "article:author": "author",
            "article:published_time": "date",
            "date": "date",
        }.get(key)
        if target and value and target not in meta:
            meta[target] = value
    title_el = root.find(".//title")
    if "title" not in meta and title_el is not None and (title_el.text or "").strip():
        meta["title"] = title_el.text.strip()
    junk = "//script|//style|//noscript|//template|//nav|//header|//footer|//aside|//form|//iframe|//svg|//button"
    for el in root.xpath(junk):
        el.drop_tree()
    blocks = root.xpath("//h1|//h2|//h3|//h4|//h5|//h6|//p|//li[not(.//p)]|//blockquote[not(.//p)]|//pre")
    lines = [" ".join(el.text_content().split()) for el in blocks]
    return "\n".join(line for line in lines if line), meta


def _decode(data: bytes, path: Path | str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252 when it is clearly text."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _check_text(data.decode("utf-16"), path)
        except UnicodeDecodeError:
            raise IngestError(f"{path}: undecodable text (bad UTF-16)") from None
    if data.count(b"\x00") > max(1, _MAX_CONTROL_SHARE * len(data)):
        # a stray NUL or two is damage in a text file (cleaning drops them); many mean it is not text
        raise IngestError(f"{path}: binary file (contains NUL bytes), not text")
    try:
        return _check_text(data.decode("utf-8-sig"), path)
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise IngestError(f"{path}: undecodable text (neither UTF-8 nor Windows-1252); save it as UTF-8") from None
    return _check_text(text, path)


def _check_text(text: str, path: Path | str) -> str:
    text = text.removeprefix("\ufeff")
    control = len(_CONTROL_RE.findall(text))
    if control > max(1, _MAX_CONTROL_SHARE * len(text)):
        raise IngestError(f"{path}: binary file (control characters), not text")
    return text


def _shift(result: CleanResult, text: str, offset: int) -> CleanResult:
    """Re-base removals on the whole file text and record the front matter as removed."""
    if not offset:
        return result
    removed = [Removal(start=0, end=offset, text=text[:offset], reason="front matter")]
    removed += [r.model_copy(update={"start": r.start + offset, "end": r.end + offset}) for r in result.removed]
    return CleanResult(text=result.text, removed=removed)
