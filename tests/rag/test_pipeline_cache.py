"""rag.pipeline_cache: one pipeline per configuration, shared by the web app, the HTTP API and the MCP server."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from rag.errors import ConfigError
from rag.pipeline_cache import PipelineCache
from rag.settings import get_settings

pytestmark = pytest.mark.unit


def fake_pipeline(settings, base=None):
    return SimpleNamespace(settings=settings, store=getattr(base, "store", "store"), base=base)


@pytest.fixture
def settings(tmp_path):
    return get_settings(overrides={"home": str(tmp_path)})


def test_the_base_settings_share_the_base_pipeline(settings):
    base = fake_pipeline(settings)
    cache = PipelineCache(settings, base, factory=fake_pipeline)
    assert cache.base() is base and cache.get() is base and cache.get({}) is base
    assert cache.get({"retrieval.top_k": settings.retrieval.top_k}) is base, "an override that changes nothing"


def test_one_pipeline_per_configuration_derived_from_the_base(settings):
    made = []

    def factory(s, base):
        made.append(s)
        return fake_pipeline(s, base)

    base = fake_pipeline(settings)
    cache = PipelineCache(settings, base, factory=factory, size=2)
    p8 = cache.get({"retrieval.top_k": 8})
    assert p8.settings.retrieval.top_k == 8 and p8.base is base and p8.store is base.store
    assert cache.get({"retrieval.top_k": "8"}) is p8 and len(made) == 1, "same configuration, same pipeline"
    cache.get({"retrieval.top_k": 9})
    cache.get({"retrieval.top_k": 10})
    assert cache.get({"retrieval.top_k": 8}) is not p8 and len(made) == 4, "the least recently used one was dropped"


def test_invalid_overrides_and_sizes_are_refused(settings):
    cache = PipelineCache(settings, fake_pipeline(settings), factory=fake_pipeline)
    with pytest.raises(ConfigError, match="retrieval.top_k"):
        cache.settings_for({"retrieval.top_k": 0})
    with pytest.raises(ValueError, match="size must be greater than 0"):
        PipelineCache(settings, size=0)


def test_the_service_takes_its_pipeline_from_the_cache(settings):
    from rag.serving.service import Service

    base = fake_pipeline(settings)
    cache = PipelineCache(settings, base)
    assert Service(settings, pipelines=cache).pipeline() is base
    assert Service(settings, base).pipeline() is base, "a pipeline passed directly is the base of its own cache"


def test_derived_pipeline_shares_the_qa_model_only_when_it_is_the_same(tmp_path):
    from rag.pipeline_cache import derive_pipeline

    settings = get_settings(overrides={"store.path": str(tmp_path / "store")})
    model = object()
    base = SimpleNamespace(settings=settings, store=object(), embedder=object(), llm=object(), nli=None, qa=model)
    assert derive_pipeline(settings, base)._qa is model
    other = settings.model_copy(deep=True)
    other.answerability.qa_model = tmp_path / "another-qa-model"
    assert derive_pipeline(other, base)._qa is None
