"""Start the real web app on a free local port for browser and concurrency tests."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from tests.conftest import CORPUS

MODEL_CACHE = os.environ.get("RAG_TEST_MODEL_CACHE", str(Path.home() / ".corroborate" / "models"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(tmp: Path, overrides: dict | None = None, concurrency: int = 4):
    """Ingest the bundled corpus into a fresh store under ``tmp``, warm the models up, serve; returns (url, demo)."""
    from ingest.pipeline import ingest_paths
    from rag.settings import get_settings
    from ui.app import build_app, launch

    settings = get_settings(overrides={"home": str(tmp / "home"), "store.path": str(tmp / "store"),
                                       "model_cache": MODEL_CACHE, **(overrides or {})})
    demo = build_app(settings, concurrency=concurrency)
    pipeline = demo.corroborate.pipelines.base()
    report = ingest_paths([CORPUS], demo.corroborate.settings, store=pipeline.store, embedder=pipeline.embedder)
    assert report.count("added") == 5, f"Test requires the 5 bundled articles: {report.summary()}"
    pipeline.warm_up()
    port = free_port()
    launch(demo, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True)
    return f"http://127.0.0.1:{port}/", demo
