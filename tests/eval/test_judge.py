"""The judges: our support test with a fake embedder, and the NLI adapter with a fake model."""

import pytest

from eval.judge import NLIJudge, SupportJudge, entailment_probability, get_judge
from rag.errors import ConfigError
from rag.settings import Settings

pytestmark = pytest.mark.unit


def test_support_judge_accepts_paraphrase_and_rejects_wrong_numbers(fake_embedder):
    j = SupportJudge(fake_embedder)
    premise = "Mali, however, maintains that the drone crashed 9.5km inside its territory."
    assert j.supports("Mali maintains the drone crashed 9.5km inside its territory.", [premise])
    assert not j.supports("Mali maintains the drone crashed 12km inside its territory.", [premise])
    assert not j.supports("Anything at all.", [])
    assert "check_support" in j.name and "fake:hash" in j.name


def test_support_judge_reads_premises_together(fake_embedder):
    j = SupportJudge(fake_embedder)
    parts = ["Algeria said the drone penetrated 2km into its airspace.", "The drone was shot down near Tinzaoutin."]
    claim = "Algeria said the drone penetrated 2km into its airspace and was shot down near Tinzaoutin."
    assert not j.supports(claim, parts[1:])
    assert j.supports(claim, parts)


class FakeNLI:
    name = "fake-nli"

    def __init__(self, probs):
        self.probs = probs
        self.seen = []

    def entails(self, premise, hypothesis):
        self.seen.append((premise, hypothesis))
        return self.probs


def test_nli_judge_thresholds_entailment_and_joins_premises():
    model = FakeNLI({"entailment": 0.7, "neutral": 0.2, "contradiction": 0.1})
    j = NLIJudge(model, threshold=0.5)
    assert j.supports("h", ["p1", "p2"]) and model.seen == [("p1 p2", "h")]
    assert not NLIJudge(FakeNLI([0.3, 0.6, 0.1])).supports("h", ["p"])
    assert "fake-nli" in j.name
    with pytest.raises(ConfigError, match="needs a model with entails"):
        NLIJudge(object())
    with pytest.raises(ConfigError, match="Currently, threshold is 1.5"):
        NLIJudge(model, threshold=1.5)


def test_entailment_probability_shapes():
    from rag.nli import NLIScores

    assert entailment_probability({"entailment": 0.9}) == 0.9
    assert entailment_probability(NLIScores(entailment=0.4, neutral=0.1, contradiction=0.5)) == 0.4
    assert entailment_probability((0.2, 0.5, 0.3)) == 0.2
    with pytest.raises(ConfigError, match="2-class contradiction model"):
        entailment_probability(NLIScores(contradiction=0.3))


def test_nli_judge_takes_the_rag_nli_predict_protocol():
    from rag.nli import NLIScores

    class ThreeWay:
        name = "three-way"

        def predict(self, premise, hypothesis):
            return NLIScores(entailment=0.8 if premise == hypothesis else 0.1, neutral=0.1, contradiction=0.1)

    j = NLIJudge(ThreeWay())
    assert j.supports("a b", ["a b"]) and not j.supports("a b", ["c"])


def test_get_judge_nli_refuses_a_two_class_model(monkeypatch, fake_embedder):
    from rag.nli import NLIScores

    class TwoClass:
        name = "two-class"

        def predict(self, premise, hypothesis):
            return NLIScores(contradiction=0.4)

    monkeypatch.setattr("rag.nli.get_nli", lambda name, settings=None: TwoClass())
    with pytest.raises(ConfigError, match="Use --judge support"):
        get_judge("nli", Settings(), fake_embedder)


def test_get_judge_names(fake_embedder):
    assert isinstance(get_judge("support", Settings(), fake_embedder), SupportJudge)
    with pytest.raises(ConfigError, match="Unknown judge 'x'; choose one of: support, nli."):
        get_judge("x", Settings(), fake_embedder)


def test_get_judge_nli_spec_picks_the_model(monkeypatch, fake_embedder):
    from rag.nli import NLIScores

    asked = []

    class ThreeWay:
        name = "three-way"

        def predict(self, premise, hypothesis):
            return NLIScores(entailment=0.9, neutral=0.05, contradiction=0.05)

    def fake_get_nli(spec, settings=None):
        asked.append(spec)
        return ThreeWay()

    monkeypatch.setattr("rag.nli.get_nli", fake_get_nli)
    assert isinstance(get_judge("nli", Settings(), fake_embedder), NLIJudge)
    assert isinstance(get_judge("nli:cross-encoder:/m/deberta", Settings(), fake_embedder), NLIJudge)
    assert asked == ["corroborate", "cross-encoder:/m/deberta"]
