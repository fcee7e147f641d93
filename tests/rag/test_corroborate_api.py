"""The Python API (``from rag import Corroborate``) with the real packaged models on the bundled corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import CORPUS

MODEL_CACHE = os.environ.get("RAG_TEST_MODEL_CACHE", str(Path.home() / ".corroborate" / "models"))


@pytest.mark.unit
def test_import_rag_stays_light_and_names_the_api():
    import subprocess
    import sys

    code = "import sys, rag; assert 'rag.corroborate' not in sys.modules; from rag import Corroborate; print(Corroborate.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "Corroborate"
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        import rag

        rag.Nope  # noqa: B018


@pytest.mark.integration
def test_ingest_search_compare_and_ask_from_python(tmp_path):
    from rag import Corroborate
    from rag.errors import EmptyStoreError, InputError

    c = Corroborate(store=tmp_path / "store", overrides={"model_cache": MODEL_CACHE})
    with pytest.raises(EmptyStoreError):
        c.conflicts()
    assert c.ingest(CORPUS).count("added") == 5
    assert len(c.documents()) == 5
    q = "Where was the wreckage of the drone found according to Mali?"
    evidence, reason = c.search(q)
    assert reason is None and any("9.5" in e.text for e in evidence)
    a = c.ask(q)
    assert not a.abstained and "9.5" in a.answer and a.citations
    for cit in a.citations:
        assert c.pipeline.store.get_document(cit.doc_id).text[cit.start:cit.end] == cit.text
    with pytest.raises(InputError):
        c.ask("   ")
