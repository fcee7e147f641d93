"""Uploaded files: sanitised names and a safe copy into the store's uploads folder (no Gradio import).

The web app's Corpus tab and the HTTP API's ``POST /v1/ingest`` both stage uploads through here.

Example:
    >>> safe_filename("../../etc/Report 2024.PDF")
    'Report 2024.PDF'
    >>> stage_upload("/tmp/a.txt", settings.store_path / "uploads", settings, set())   # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from rag.errors import IngestError

if TYPE_CHECKING:
    from rag.settings import Settings


class UploadRejected(IngestError):
    """An uploaded file was refused (type, size, name or kind); shown in the upload result table."""


_UNSAFE = re.compile(r"[^\w.\- ]+")


def safe_filename(name: str) -> str:
    """The basename of an uploaded file, reduced to safe characters (no separators, no leading dots).

    Raises:
        UploadRejected: nothing usable is left of the name.
    """
    base = re.split(r"[\\/]", name or "")[-1]
    base = unicodedata.normalize("NFKC", base)
    base = _UNSAFE.sub("_", base).strip().lstrip(".").strip()
    stem, ext = os.path.splitext(base)
    base = stem[:120] + ext[:16]
    if not stem or base in (".", ".."):
        raise UploadRejected(f"{name!r}: not a usable file name.")
    return base


def stage_upload(src: str | Path, uploads: Path, settings: Settings, taken: set[str]) -> Path:
    """Copy one uploaded file into ``uploads`` under its sanitised basename and return the copy.

    Only regular files with an allowed extension up to ``ingest.max_file_mb`` are accepted;
    symlinks are refused. A name already used in this batch gets a ``-2``, ``-3``... suffix; a
    file of the same name from an earlier upload is replaced (ingest then reports it 'updated').

    Raises:
        UploadRejected: the file is refused; the message says why.
    """
    src = Path(src)
    name = safe_filename(src.name)
    stem, ext = os.path.splitext(name)
    allowed = [e.lower() for e in settings.ingest.extensions]
    if ext.lower() not in allowed:
        raise UploadRejected(f"{name}: {ext or 'files without an extension'} not accepted; allowed: {', '.join(allowed)}.")
    try:
        st = os.lstat(src)
    except OSError as e:
        raise UploadRejected(f"{name}: the upload could not be read ({e.strerror}).") from e
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISREG(st.st_mode):
        raise UploadRejected(f"{name}: not a regular file (links and devices are refused).")
    limit_mb = settings.ingest.max_file_mb
    limit = int(limit_mb * 1024 * 1024)
    too_big = UploadRejected(f"{name} is larger than the {limit_mb:g} MB limit (setting ingest.max_file_mb).")
    if st.st_size > limit:
        raise too_big
    uploads.mkdir(parents=True, exist_ok=True)
    if uploads.is_symlink():
        raise UploadRejected(f"The uploads folder {uploads} is a symlink; refusing to write through it.")
    i = 2
    while name.lower() in taken:
        name = f"{stem}-{i}{ext}"
        i += 1
    taken.add(name.lower())
    root = uploads.resolve()
    dest = root / name
    if dest.parent != root or "/" in name or name in (".", ".."):  # belt and braces: the name has no separators
        raise UploadRejected(f"{name}: refusing a path outside the uploads folder.")
    fd, tmp_name = tempfile.mkstemp(prefix=".upload-", dir=root)
    try:
        with os.fdopen(os.open(src, os.O_RDONLY | os.O_NOFOLLOW), "rb") as fin, os.fdopen(fd, "wb") as out:
            copied = 0
            while block := fin.read(1 << 20):
                copied += len(block)
                if copied > limit:
                    raise too_big
                out.write(block)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, dest)  # replaces a symlink at dest instead of following it
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return dest
