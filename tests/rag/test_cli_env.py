"""Every environment variable the README's configuration section documents, run through the CLI."""

import json
import socket

import pytest
from click.testing import CliRunner

from rag.cli import main
from tests.conftest import HashEmbedder
from tests.rag.test_cli_ingest import ARTICLE  # one short article for both CLI test files

pytestmark = pytest.mark.unit


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "article.txt"
    path.write_text(ARTICLE)
    return path


@pytest.fixture
def rag(monkeypatch):
    """Runs ``rag ARGS`` with a fake embedder and the given environment; the LLM is the real factory."""
    emb = HashEmbedder()
    monkeypatch.setattr("ingest.pipeline.get_embedder", lambda s: emb)
    monkeypatch.setattr("rag.pipeline.get_embedder", lambda s: emb)
    monkeypatch.delenv("RAG_STORE", raising=False)

    def run(*args, env=None):
        return CliRunner().invoke(main, ["-o", "conflicts.enabled=false", *args], env=env)

    return run


def test_rag_store_sets_the_store_folder(rag, article, tmp_path):
    store = tmp_path / "my-store"
    r = rag("ingest", str(article), env={"RAG_STORE": str(store)})
    assert r.exit_code == 0, r.output
    assert f"store: {store}" in r.output
    assert store.is_dir(), "RAG_STORE should have created the store folder"
    docs = json.loads(rag("docs", "--json", env={"RAG_STORE": str(store)}).output)
    assert [d["source"] for d in docs] == [str(article.resolve())]


def test_rag_store_reaches_the_settings_object_too(monkeypatch, tmp_path):
    from rag.settings import get_settings

    monkeypatch.setenv("RAG_STORE", str(tmp_path / "s"))
    assert get_settings().store_path == tmp_path / "s"
    monkeypatch.setenv("RAG_STORE__PATH", str(tmp_path / "explicit"))
    assert get_settings().store_path == tmp_path / "explicit", "the section key is more specific than RAG_STORE"


def test_rag_home_holds_the_default_store(rag, article, isolated_home):
    r = rag("ingest", str(article))
    assert r.exit_code == 0, r.output
    assert f"store: {isolated_home / 'store'}" in r.output


def test_rag_section_key_sets_a_field(rag, article):
    r = rag("ingest", str(article), env={"RAG_INGEST__MAX_FILE_MB": "0.0001"})
    assert r.exit_code == 1, "the only file was refused, so nothing was ingested"
    assert f"skipped   {article}: file too large" in r.output
    r = rag("docs", env={"RAG_RETRIEVAL__TOP_K": "0"})
    assert r.exit_code == 1
    assert "retrieval.top_k: Input should be greater than or equal to 1" in r.output


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_rag_llm_api_base_is_the_server_asked(rag, article):
    assert rag("ingest", str(article)).exit_code == 0
    base = f"http://127.0.0.1:{_closed_port()}/v1"
    r = rag("ask", "Where did the drone crash?", env={"RAG_LLM__BACKEND": "openai", "RAG_LLM__API_BASE": base})
    assert r.exit_code == 1, r.output
    assert f"Cannot reach the LLM server at {base}" in r.output


def test_rag_config_names_the_toml_file(rag, article, tmp_path):
    store = tmp_path / "from-toml"
    config = tmp_path / "my.toml"
    config.write_text(f'[store]\npath = "{store}"\n')
    r = rag("ingest", str(article), env={"RAG_CONFIG": str(config)})
    assert r.exit_code == 0, r.output
    assert f"store: {store}" in r.output
    r = rag("docs", env={"RAG_CONFIG": str(tmp_path / "missing.toml")})
    assert r.exit_code == 1
    assert f"RAG_CONFIG points at {tmp_path / 'missing.toml'}, which is not a file." in r.output


def test_rag_model_cache_is_where_the_packaged_llm_goes(rag, article, tmp_path):
    assert rag("ingest", str(article)).exit_code == 0
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    r = rag("ask", "Where did the drone crash?", env={"RAG_MODEL_CACHE": str(blocker / "models")})
    assert r.exit_code == 1, r.output
    assert f"Cannot create the models folder {blocker / 'models'}" in r.output
