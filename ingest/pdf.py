"""Text of a PDF, page by page, with its document-info metadata.

We read PDFs with pypdf: BSD-3-Clause, pure Python (no native build, nothing to
download), maintained, and it gives each page's text layer separately, which keeps
page boundaries. PyMuPDF would extract faster but is AGPL, which the default
install must not carry. Scanned PDFs have no text layer; they are refused with a
message that says so rather than stored empty.

Example:
    >>> pdf = read_pdf(Path("report.pdf").read_bytes(), "report.pdf")  # doctest: +SKIP
    >>> len(pdf.pages), pdf.meta.get("title")
    (3, 'Drone downed near the border')
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from rag.errors import IngestError

# "Microsoft Word - draft3.docx", "untitled": a title the producing program made up, not the document's
_FILE_NAME_TITLE_RE = re.compile(r"^\s*(?:microsoft \w+ - |untitled\s*$)|\.(?:docx?|pdf|odt|rtf|txt|indd|tex)\s*$", re.I)
_SENTENCE_END = tuple(".!?…\"”’'")
_WRAPPED_SHARE = 0.7  # a line this close to the page's longest line was wrapped by the layout, not ended


@dataclass(frozen=True)
class PdfText:
    """The text of each page (wrapped lines joined) and the document-info metadata."""

    pages: list[str]
    meta: dict[str, Any] = field(default_factory=dict)


def read_pdf(data: bytes, label: str) -> PdfText:
    """Each page's text and the PDF's title, author and date.

    Raises:
        IngestError: ``"<label>: <reason>"`` for a damaged or encrypted PDF, or one without a text layer.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # it warns about every harmless quirk of a file
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(f"{label}: the PDF is encrypted with a password; save an unlocked copy and ingest that")
        pages = [join_wrapped_lines(page.extract_text() or "") for page in reader.pages]
        info = reader.metadata
    except IngestError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, RecursionError) as exc:
        raise IngestError(f"{label}: not a readable PDF ({type(exc).__name__}: {exc})") from None
    if not pages:
        raise IngestError(f"{label}: the PDF has no pages")
    if not any(p.strip() for p in pages):
        raise IngestError(f"{label}: the PDF has no text layer (a scan?); run OCR on it first")
    meta: dict[str, Any] = {}
    if info is not None:
        title = info.title if info.title and not _FILE_NAME_TITLE_RE.search(info.title) else None
        meta = {"title": title, "author": info.author}
        try:
            meta["date"] = info.creation_date
        except (ValueError, TypeError):  # a malformed date string in the info dictionary
            pass
    return PdfText(pages=pages, meta={k: v for k, v in meta.items() if v})


def join_wrapped_lines(text: str) -> str:
    """Join the lines a PDF layout wrapped, so each paragraph is one line as in our other formats.

    Sentences are split line by line, so a paragraph left wrapped would be cut into fragments.
    A line is joined to the next when it is nearly as long as the page's longest line and does
    not end a sentence; short lines (headings, a paragraph's last line), lines ending a sentence
    and blank lines end a paragraph. A line ending in a hyphen is joined without a space (the
    hyphen is kept: it may be part of the word).
    """
    lines = [" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    width = max((len(line) for line in lines), default=0)
    out: list[str] = []
    current = ""
    for line in lines:
        if not line:
            if current:
                out.append(current)
            current = ""
            continue
        current = f"{current}{'' if current.endswith('-') or not current else ' '}{line}"
        if len(line) < _WRAPPED_SHARE * width or line.endswith(_SENTENCE_END):
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return "\n".join(out)
