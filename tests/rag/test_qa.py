"""The extractive QA runtime: span decoding with a fake session (unit), the shipped model (integration)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from rag.errors import ModelError
from rag.qa import ExtractiveQA, default_model_dir


def _tiny_tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers, processors

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "when", "did", "he", "die", "?", "karl", "died", "in", "1881",
             "march", "2", ".", "the", "ship", "sailed"]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    return tok


class FakeSession:
    """Start/end logits that point at the token '1881' when present, else at [CLS] ('no answer')."""

    def __init__(self, target: int = 12):
        self.target = target

    def get_inputs(self):
        from types import SimpleNamespace

        return [SimpleNamespace(name=n) for n in ("input_ids", "attention_mask", "token_type_ids")]

    def run(self, _, feeds):
        ids = feeds["input_ids"][0]
        start = np.full(len(ids), -5.0)
        end = np.full(len(ids), -5.0)
        start[0] = end[0] = 1.0
        hits = np.where(ids == self.target)[0]
        for h in hits:
            start[h] = end[h] = 4.0
        return [start[None], end[None]]


def _fake_qa(tmp_path, monkeypatch):
    folder = tmp_path / "qa"
    folder.mkdir()
    (folder / "qa.json").write_text(json.dumps({"max_length": 64, "max_answer_tokens": 5}))
    (folder / "model.int8.onnx").write_bytes(b"fake")
    _tiny_tokenizer().save(str(folder / "tokenizer.json"))
    monkeypatch.setattr("rag.qa.onnx_session", lambda path, threads: FakeSession())
    return ExtractiveQA(folder)


@pytest.mark.unit
def test_answer_is_a_span_of_the_passage_never_of_its_context(tmp_path, monkeypatch):
    qa = _fake_qa(tmp_path, monkeypatch)
    a = qa.answer("when did he die ?", "karl died in 1881 .", title="karl", before="the ship sailed in 1881 .")
    assert a.text == "1881" and "karl died in 1881 ."[a.start : a.end] == "1881"
    assert a.answers and a.margin == pytest.approx(6.0)
    none = qa.answer("when did he die ?", "the ship sailed .", before="karl died in 1881 .")
    assert not none.answers, "an answer in the context sentence is not the passage's answer"


@pytest.mark.unit
def test_missing_model_files_are_named(tmp_path):
    with pytest.raises(ModelError, match="lacks .*tokenizer.json"):
        ExtractiveQA(tmp_path).warm_up()


@pytest.mark.integration
def test_shipped_model_answers_and_declines():
    qa = ExtractiveQA()
    a = qa.answer("In what year did the expedition return to Vienna?",
                  "The expedition returned to Vienna in 1874, two years after it had left.",
                  title="Austro-Hungarian North Pole expedition")
    assert "1874" in a.text
    off = qa.answer("In what year did the expedition return to Vienna?",
                    "Bananas are rich in potassium and are eaten all over the world.", title="Banana")
    assert off.margin < a.margin


@pytest.mark.integration
def test_shipped_model_files_match_their_checksums():
    import hashlib

    folder = default_model_dir()
    for line in (folder / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split()
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, name
