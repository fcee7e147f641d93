"""The presets shipped in rag/configs/ (fast, accurate, server): each validates, and each changes what it says."""

from __future__ import annotations

import tomllib

import pytest
from click.testing import CliRunner

from rag.cli import main
from rag.settings import CONFIGS_DIR, Settings

pytestmark = pytest.mark.unit

PRESETS = sorted(p.stem for p in CONFIGS_DIR.glob("*.toml"))


def load(name: str) -> Settings:
    """The preset's values over the defaults, validated (extra="forbid": a key that is no setting fails)."""
    return Settings(**tomllib.loads((CONFIGS_DIR / f"{name}.toml").read_text(encoding="utf-8")))


@pytest.fixture
def file_values_only(monkeypatch):
    """Without the unit-test environment that turns the QA model and the LLM reader off, so the file's values show."""
    for name in ("RAG_ANSWERABILITY__QA", "RAG_CONFLICTS__ANSWERS", "RAG_CONFLICTS__READING", "RAG_ANSWERABILITY__READER"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def settings_of(monkeypatch):
    """Runs ``rag ARGS docs`` against a fake store and returns the settings the command built."""
    seen = {}

    class EmptyStore:
        def list_documents(self):
            return []

    def fake_get_store(settings):
        seen["settings"] = settings
        return EmptyStore()

    monkeypatch.setattr("rag.store.get_store", fake_get_store)

    def run(*args, env=None) -> Settings:
        r = CliRunner().invoke(main, [*args, "docs"], env=env)
        assert r.exit_code == 0, r.output
        return seen["settings"]

    return run


def test_the_advertised_presets_ship():
    assert {"fast", "accurate", "server"} <= set(PRESETS)
    assert not list(CONFIGS_DIR.glob("*.json")), "presets are TOML (commented), one file each"


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_loads_and_validates(name, file_values_only):
    s = load(name)
    assert s.config_hash() != Settings().config_hash(), f"{name} changes something"


def test_fast_is_lighter_than_the_defaults(file_values_only):
    s, d = load("fast"), Settings()
    assert s.retrieval.evidence_sentences < d.retrieval.evidence_sentences
    assert s.verify.nli == "none" and s.conflicts.nli == "none"
    assert s.conflicts.reading is False and s.answerability.reader is False
    assert s.store == d.store and s.llm == d.llm and s.embedding == d.embedding, "only the pipeline's work changes"


def test_accurate_reads_more_and_checks_everything(file_values_only):
    s, d = load("accurate"), Settings()
    assert s.retrieval.evidence_sentences > d.retrieval.evidence_sentences
    assert s.retrieval.candidates > d.retrieval.candidates and s.retrieval.top_k >= d.retrieval.top_k
    assert s.verify.nli != "none" and s.verify.contradiction_veto
    assert s.conflicts.enabled and s.conflicts.nli != "none" and s.conflicts.answers and s.conflicts.reading
    assert s.conflicts.reading_max_sources > d.conflicts.reading_max_sources
    assert s.conflicts.reading_named_min_coverage < d.conflicts.reading_named_min_coverage  # subjects named count
    assert s.answerability.qa and s.answerability.reader and s.answerability.specifics


def test_server_uses_chroma_and_an_llm_over_http_on_this_machine(file_values_only):
    s, d = load("server"), Settings()
    assert s.store.mode == "http" and s.store.host == "localhost"
    assert s.llm.backend == "openai" and s.llm.api_base.startswith("http://localhost:")
    assert s.embedding == d.embedding, "the same embedder, so a store ingested without the preset still matches"
    assert s.index_key() == d.index_key()


def test_a_preset_works_as_the_config_file(settings_of, file_values_only):
    s = settings_of(env={"RAG_CONFIG": str(CONFIGS_DIR / "fast.toml")})
    assert (s.retrieval.evidence_sentences, s.verify.nli, s.conflicts.reading, s.answerability.reader) == (5, "none", False, False)
    s = settings_of("-o", "retrieval.evidence_sentences=3", env={"RAG_CONFIG": str(CONFIGS_DIR / "fast.toml")})
    assert s.retrieval.evidence_sentences == 3 and s.verify.nli == "none", "-o still wins over the file"


def test_preset_fast_on_the_command_line(settings_of, file_values_only):
    s = settings_of("--preset", "fast")
    assert s.retrieval.evidence_sentences == 5 and s.verify.nli == "none" and s.conflicts.nli == "none"
    assert s.conflicts.reading is False and s.answerability.reader is False
    s = settings_of("--preset", "fast", "-o", "retrieval.evidence_sentences=3")
    assert s.retrieval.evidence_sentences == 3 and s.verify.nli == "none", "-o wins over the preset"
    assert settings_of("--preset", "server").store.mode == "http"


def test_a_preset_sits_below_the_environment_and_the_config_file(settings_of, tmp_path):
    cfg = tmp_path / "corroborate.toml"
    cfg.write_text("[retrieval]\nevidence_sentences = 9\n")
    s = settings_of("--preset", "fast", env={"RAG_CONFIG": str(cfg)})
    assert s.retrieval.evidence_sentences == 9 and s.verify.nli == "none", "the file wins; the preset fills the rest"
    s = settings_of("--preset", "fast", env={"RAG_RETRIEVAL__EVIDENCE_SENTENCES": "7"})
    assert s.retrieval.evidence_sentences == 7


def test_none_turns_an_optional_setting_off_and_a_required_one_refuses_it(monkeypatch):
    from rag.errors import ConfigError
    from rag.settings import get_settings

    s = get_settings(overrides={"conflicts.answer_min_weighted_coverage": "none", "answerability.llm_refusal": "Null"})
    assert s.conflicts.answer_min_weighted_coverage is None and s.answerability.llm_refusal is None
    assert get_settings(overrides={"conflicts.nli": "none"}).conflicts.nli == "none"  # a value of its own there
    monkeypatch.setenv("RAG_CONFLICTS__ANSWER_MIN_WEIGHTED_COVERAGE", "none")
    assert get_settings().conflicts.answer_min_weighted_coverage is None
    with pytest.raises(ConfigError, match="retrieval.top_k"):
        get_settings(overrides={"retrieval.top_k": "none"})
