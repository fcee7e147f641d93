"""Export the trained QA model to int8 ONNX and write the shipped folder ``models/corroborate-qa``.

Steps: ``torch.onnx.export`` (outputs ``start_logits`` and ``end_logits``) → dynamic int8 quantisation
(per channel) → checks on the calibration articles (never trained on): span F1 and the AUROC of the
answer-vs-null margin, float vs int8, through the runtime ``rag.qa.ExtractiveQA`` itself →
``model.int8.onnx``, ``tokenizer.json``, ``qa.json``, ``SHA256SUMS``.

Needs ``onnx`` (``pip install -c constraints.txt onnx``) besides torch/transformers/onnxruntime.

Example:
    python -m train.qa.export --model /tmp/cqa/final
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402

from train.nli.export import write_sums  # noqa: E402
from train.qa.data import build, build_sentences, dev_articles  # noqa: E402
from train.qa.train import MAX_LENGTH  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def export_float(model_dir: Path, path: Path) -> None:
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    model = AutoModelForQuestionAnswering.from_pretrained(str(model_dir), local_files_only=True).eval()
    tok = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)

    class Spans(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            o = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return o.start_logits, o.end_logits

    enc = tok(["Who won?"] * 2, ["The home team won the cup."] * 2, padding=True, return_tensors="pt")
    dyn = {0: "batch", 1: "sequence"}
    with torch.no_grad():
        torch.onnx.export(
            Spans(model),
            (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"]),
            str(path),
            input_names=["input_ids", "attention_mask", "token_type_ids"],
            output_names=["start_logits", "end_logits"],
            dynamic_axes={"input_ids": dyn, "attention_mask": dyn, "token_type_ids": dyn,
                          "start_logits": dyn, "end_logits": dyn},
            opset_version=17,
            do_constant_folding=True,
            dynamo=False,
        )


def check(folder: Path, onnx_name: str, sentences: bool = False) -> dict:
    """Span F1 and null AUROC of the runtime on the calibration articles: whole paragraphs, or (``sentences``)
    one sentence at a time with its title and previous sentence, as the pipeline asks."""
    from rag.qa import ExtractiveQA

    qa = ExtractiveQA(folder, onnx_name=onnx_name)
    _, calib = dev_articles()

    def sentence(ex):  # the context is already the runtime's head + sentence; the head is read as "before"
        return qa.answer(ex.question, ex.context[ex.passage_start :], before=ex.context[: ex.passage_start])

    def paragraph(ex):
        title, _, body = ex.context.partition("\n\n")
        return qa.answer(ex.question, body, title=title)

    examples, read = (build_sentences(calib), sentence) if sentences else (build(calib), paragraph)
    f1s, margins, labels = [], [], []
    for ex in examples:
        a = read(ex)
        margins.append(a.margin)
        labels.append(int(ex.answer_start >= 0))
        if ex.answer_start >= 0:
            pred, gold = a.text.lower().split(), ex.answer_text.lower().split()
            common = sum(min(pred.count(t), gold.count(t)) for t in set(pred))
            f1s.append(2 * common / (len(pred) + len(gold)) if common else 0.0)
    m, y = np.array(margins), np.array(labels)
    pos, neg = m[y == 1], m[y == 0]
    auc = float(np.mean([(p > neg).mean() + 0.5 * (p == neg).mean() for p in pos]))
    return {"span_f1": round(float(np.mean(f1s)), 4), "null_auroc": round(auc, 4), "n": len(m)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", type=Path, required=True, help="OUT/final written by train.qa.train")
    ap.add_argument("--out", type=Path, default=REPO / "models" / "corroborate-qa")
    args = ap.parse_args(argv)
    from onnxruntime.quantization import QuantType, quantize_dynamic

    work = Path(tempfile.mkdtemp(prefix="cqa_export_"))
    export_float(args.model, work / "model.float.onnx")
    shutil.copy2(args.model / "tokenizer.json", work / "tokenizer.json")
    meta = {"max_length": MAX_LENGTH, "max_answer_tokens": 30, "base": "sentence-transformers/all-MiniLM-L6-v2",
            "trained_on": "one sentence at a time, as the runtime asks: SQuAD 2.0 dev-split articles of "
                          "../shared/bench/squad2 and RealTimeQA's train quarter (see train/qa/data.py)"}
    (work / "qa.json").write_text(json.dumps(meta, indent=1))
    quantize_dynamic(str(work / "model.float.onnx"), str(work / "model.int8.onnx"), per_channel=True,
                     weight_type=QuantType.QInt8)
    report = {"float": check(work, "model.float.onnx"), "int8": check(work, "model.int8.onnx"),
              "int8_sentences": check(work, "model.int8.onnx", sentences=True)}
    args.out.mkdir(parents=True, exist_ok=True)
    for name in ("model.int8.onnx", "tokenizer.json", "qa.json"):
        shutil.copy2(work / name, args.out / name)
    write_sums(args.out)
    (args.out / "EXPORT.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
