"""The 3-way MiniLM NLI runtime (rag/nli/corroborate.py): loading and label handling with a fake session (unit), the shipped model (integration)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from rag.errors import ModelError
from rag.nli import NLIModel, NLIScores, entails
from rag.nli.corroborate import LABELS, MiniLMNLI, default_model_dir


# --------------------------------------------------------------------------- unit (fake ONNX session)
def _tiny_tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "a", "b", "c", "rise", "fall"])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    return tok


class FakeSession:
    """Stands in for onnxruntime.InferenceSession: logits depend only on the pair's own tokens."""

    calls: list = []

    def __init__(self, path, opts=None, providers=None):
        self.path = path

    def get_inputs(self):
        class I:
            def __init__(self, name):
                self.name = name

        return [I("input_ids"), I("attention_mask"), I("token_type_ids")]

    def run(self, _outputs, feed):
        ids = feed["input_ids"]
        FakeSession.calls.append(ids.shape)
        # logit j = count of token id (4 + j): 'a' → first logit, 'b' → second, 'c' → third
        out = np.stack([(ids == 4 + j).sum(1) for j in range(3)], axis=1).astype(np.float32)
        return [out]


@pytest.fixture
def fake_model_dir(tmp_path, monkeypatch):
    import onnxruntime

    folder = tmp_path / "nli"
    folder.mkdir()
    _tiny_tokenizer().save(str(folder / "tokenizer.json"))
    (folder / "model.int8.onnx").write_bytes(b"not used by the fake session")
    (folder / "labels.json").write_text(json.dumps({"labels": list(LABELS), "max_length": 16}))
    monkeypatch.setattr(onnxruntime, "InferenceSession", FakeSession)
    FakeSession.calls = []
    return folder


@pytest.mark.unit
def test_satisfies_protocol_and_loads_lazily():
    model = MiniLMNLI()
    assert isinstance(model, NLIModel)
    assert model._session is None, "constructing the adapter must not load onnxruntime"


@pytest.mark.unit
def test_label_order_follows_labels_json(fake_model_dir):
    model = MiniLMNLI(fake_model_dir)
    s = model.predict("a a a", "b")  # logits (3, 1, 0) in file order E, N, C
    assert s.entailment > s.neutral > s.contradiction
    # the same logits, but the file says the model's outputs are ordered C, E, N
    (fake_model_dir / "labels.json").write_text(json.dumps({"labels": ["contradiction", "entailment", "neutral"]}))
    s2 = MiniLMNLI(fake_model_dir).predict("a a a", "b")
    assert s2.contradiction == pytest.approx(s.entailment), "logit 0 must be read as contradiction now"
    assert s2.entailment == pytest.approx(s.neutral)


@pytest.mark.unit
def test_probabilities_sum_to_one(fake_model_dir):
    model = MiniLMNLI(fake_model_dir)
    for premise, hypothesis in [("a b c", "c"), ("", ""), ("rise", "fall fall")]:
        s = model.predict(premise, hypothesis)
        assert isinstance(s, NLIScores)
        assert s.entailment + s.neutral + s.contradiction == pytest.approx(1.0, abs=1e-9)


@pytest.mark.unit
def test_one_unpadded_pair_per_call(fake_model_dir):
    model = MiniLMNLI(fake_model_dir)
    pairs = [("a", "b"), ("a b c a b c", "c c c c")]
    many = model.predict_many(pairs)
    assert [shape[0] for shape in FakeSession.calls] == [1, 1], "every pair goes to the session alone"
    assert FakeSession.calls[0][1] == 5 and FakeSession.calls[1][1] == 13, "no padding to the longest pair"
    assert many == [model.predict(*p) for p in pairs]


@pytest.mark.unit
def test_missing_model_dir_names_the_fix(tmp_path):
    with pytest.raises(ModelError, match=r"lacks model\.int8\.onnx.*MiniLMNLI\(model_dir=\.\.\.\)"):
        MiniLMNLI(tmp_path / "nowhere").warm_up()


@pytest.mark.unit
def test_lfs_pointer_is_reported(tmp_path):
    folder = tmp_path / "nli"
    folder.mkdir()
    _tiny_tokenizer().save(str(folder / "tokenizer.json"))
    (folder / "labels.json").write_text(json.dumps({"labels": list(LABELS)}))
    (folder / "model.int8.onnx").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 1\n")
    with pytest.raises(ModelError, match="git lfs pull"):
        MiniLMNLI(folder).warm_up()


@pytest.mark.unit
def test_bad_labels_file(fake_model_dir):
    (fake_model_dir / "labels.json").write_text(json.dumps({"labels": ["yes", "no"]}))
    with pytest.raises(ModelError, match="must list"):
        MiniLMNLI(fake_model_dir).warm_up()


@pytest.mark.unit
def test_threads_validated():
    with pytest.raises(ValueError, match="threads must be >= 0. Currently, threads is -1"):
        MiniLMNLI(threads=-1)


# --------------------------------------------------------------------------- integration (shipped model)
@pytest.fixture(scope="module")
def nli():
    assert (default_model_dir() / "model.int8.onnx").is_file(), "Test requires the shipped models/corroborate-nli"
    model = MiniLMNLI()
    model.warm_up()
    return model


def _top(s: NLIScores) -> str:
    return max(LABELS, key=lambda name: getattr(s, name))


@pytest.mark.integration
@pytest.mark.parametrize(
    "premise, hypothesis, expected",
    [
        ("A man is playing a guitar on stage.", "A man is playing an instrument.", "entailment"),
        ("A man is playing a guitar on stage.", "Nobody is playing any instrument.", "contradiction"),
        ("A man is playing a guitar on stage.", "The man is playing at his sister's wedding.", "neutral"),
        ("Quarterly profits at Time Warner jumped 76% to $1.13bn.", "Time Warner's quarterly profits jumped 34%.", "contradiction"),
        ("The minister resigned on Tuesday after a week of pressure.", "The minister resigned.", "entailment"),
        ("The vote is due to be taken on Wednesday.", "The vote is due to be taken on Friday.", "contradiction"),
        ("Shares in the company rose sharply on Monday.", "The company's shares did not rise on Monday.", "contradiction"),
        ("Shares in the company rose sharply on Monday.", "The company plans to open a new factory in Wales.", "neutral"),
    ],
)
def test_obvious_pairs(nli, premise, hypothesis, expected):
    s = nli.predict(premise, hypothesis)
    assert _top(s) == expected, f"{premise!r} / {hypothesis!r}: {s}"
    assert s.entailment + s.neutral + s.contradiction == pytest.approx(1.0, abs=1e-6)


@pytest.mark.integration
def test_scores_do_not_depend_on_other_pairs(nli):
    pair = ("The drone was shot down by the Algerian army.", "The drone was brought down by the Azawad Liberation Front.")
    first = nli.predict(*pair)
    nli.predict_many([("The meeting is on Monday.", "The meeting is on Tuesday."), ("x " * 300, "y")])
    assert nli.predict(*pair) == first, "one pair per call: other pairs must not change its score"
    assert nli.predict_many([("a b", "c"), pair])[1] == first


@pytest.mark.integration
def test_loads_from_any_local_path(nli, tmp_path):
    copy = tmp_path / "my-nli"
    shutil.copytree(default_model_dir(), copy)
    other = MiniLMNLI(copy)
    pair = ("Rain is expected on Friday.", "No rain is expected on Friday.")
    assert other.predict(*pair) == nli.predict(*pair)


@pytest.mark.integration
def test_entails_uses_the_shipped_model():
    s = entails("Shares fell 5% on Monday.", "Shares did not fall on Monday.")
    assert s.contradiction > 0.5, s


@pytest.mark.integration
def test_shipped_files_match_checksums():
    import hashlib

    folder = default_model_dir()
    lines = (folder / "SHA256SUMS").read_text().split("\n")
    sums = dict(reversed(line.split("  ", 1)) for line in lines if line.strip())
    assert {"model.int8.onnx", "tokenizer.json", "labels.json"} <= set(sums), "SHA256SUMS must cover the model files"
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, f"{name} changed since export"
