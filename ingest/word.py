"""Text of a Word (.docx) file, one paragraph per line, with its core properties.

We read .docx with python-docx: MIT, maintained, and built on lxml, which we already
install; it gives body paragraphs in order and the core properties (title, author,
created). Old binary .doc files are not .docx and are refused by their extension.

Example:
    >>> text, meta = read_docx(Path("story.docx").read_bytes(), "story.docx", max_bytes=20_000_000)  # doctest: +SKIP
    >>> meta["title"]
    'Drone downed near the border'
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from rag.errors import IngestError

_MAX_EXPANSION = 20  # a .docx unpacking to more than this many times its limit is refused (a zip bomb)


def read_docx(data: bytes, label: str, max_bytes: int) -> tuple[str, dict[str, Any]]:
    """The document's paragraphs (one per line, tables left out like on web pages) and its title/author/date.

    Raises:
        IngestError: ``"<label>: <reason>"`` for a file that is not a .docx, is damaged or unpacks too large.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
    except zipfile.BadZipFile:
        raise IngestError(f"{label}: not a .docx file (it is not a zip package; an old .doc must be saved as .docx)") from None
    if unpacked > _MAX_EXPANSION * max_bytes:
        raise IngestError(f"{label}: the .docx unpacks to {unpacked:,} bytes, more than the limit allows")

    import docx
    from docx.opc.exceptions import OpcError

    try:
        document = docx.Document(io.BytesIO(data))
    except (OpcError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise IngestError(f"{label}: not a readable .docx ({type(exc).__name__}: {exc})") from None
    text = "\n".join(" ".join(p.text.split()) for p in document.paragraphs)
    props = document.core_properties
    meta = {"title": props.title, "author": props.author, "date": props.created}
    return text, {k: v for k, v in meta.items() if v}
