"""Fine-tune the packaged all-MiniLM-L6-v2 into an extractive QA model with a "no answer" option (SQuAD 2.0 style).

Input ``[CLS] question [SEP] context [SEP]``; two logits per token (start, end). "No answer" is the span
(0, 0) on ``[CLS]``, as in BERT's SQuAD 2.0 recipe; the runtime compares the best span's score with it.

Data: ``train.qa.data`` (SQuAD 2.0 dev-split articles only, 6 for training, 2 held back for calibration; with
``--news N``, RealTimeQA's train quarter N times over). ``--contexts sentence`` (the default, the shipped model's
recipe) trains on one sentence at a time with its title and previous sentence, the shape the runtime asks in.
The loop is plain PyTorch (AdamW, linear warm-up then decay, gradient norm 1, length-grouped batches),
written out for the same reasons as ``train/nli/train.py``: no ``datasets``/``accelerate`` in the project.

Example:
    python -m train.qa.train --out /tmp/cqa --sentence-negatives 1 --epochs 3 --lr 1e-4   # ~28 min on 2 cores (then --news 3: model card)
    python -m train.qa.train --out /tmp/cqa --max-steps 10      # measure steps/s
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from train.nli.train import packaged_base, prepare_base  # noqa: E402
from rag.qa import best_span  # noqa: E402  (the runtime's own span decoding)
from train.qa.data import QAExample, build, build_news, build_perturbed, build_sentences, dev_articles  # noqa: E402

MAX_LENGTH = 384
MAX_ANSWER_TOKENS = 30


def encode(tokenizer, examples: list[QAExample]) -> list[dict]:
    """Token ids plus start/end token positions (0, 0 = no answer); an answer cut off by truncation is dropped."""
    out = []
    for ex in examples:
        enc = tokenizer(ex.question, ex.context, truncation="only_second", max_length=MAX_LENGTH,
                        return_offsets_mapping=True)
        seq = enc.sequence_ids()
        start_tok = end_tok = 0
        if ex.answer_start >= 0:
            a0, a1 = ex.answer_start, ex.answer_start + len(ex.answer_text)
            toks = [i for i, (s, e) in enumerate(enc["offset_mapping"]) if seq[i] == 1 and s < a1 and e > a0]
            if not toks:
                continue
            start_tok, end_tok = toks[0], toks[-1]
        out.append({"input_ids": enc["input_ids"], "token_type_ids": enc["token_type_ids"],
                    "start": start_tok, "end": end_tok})
    return out


def batches(n_items: list[int], batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    rng = random.Random(f"{seed}-{epoch}")
    idx = list(range(len(n_items)))
    rng.shuffle(idx)
    window = batch_size * 20
    out = []
    for k in range(0, len(idx), window):
        part = sorted(idx[k : k + window], key=lambda i: n_items[i])
        out.extend(part[j : j + batch_size] for j in range(0, len(part), batch_size))
    rng.shuffle(out)
    return out


def collate(rows: list[dict]) -> dict:
    width = max(len(r["input_ids"]) for r in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    tt = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    for i, r in enumerate(rows):
        n = len(r["input_ids"])
        ids[i, :n] = torch.tensor(r["input_ids"])
        tt[i, :n] = torch.tensor(r["token_type_ids"])
        mask[i, :n] = 1
    return {"input_ids": ids, "token_type_ids": tt, "attention_mask": mask,
            "start_positions": torch.tensor([r["start"] for r in rows]),
            "end_positions": torch.tensor([r["end"] for r in rows])}


@torch.no_grad()
def evaluate(model, tokenizer, examples: list[QAExample]) -> dict:
    """Span F1 on answerable examples and AUROC of (best span - null) for answerable vs not."""
    model.eval()
    f1s, margins, labels = [], [], []
    for ex in examples:
        enc = tokenizer(ex.question, ex.context, truncation="only_second", max_length=MAX_LENGTH,
                        return_offsets_mapping=True, return_tensors="pt")
        offsets = enc.pop("offset_mapping")[0].tolist()
        seq = enc.sequence_ids(0)
        o = model(**enc)
        st, en = o.start_logits[0].numpy(), o.end_logits[0].numpy()
        score, i, j = best_span(st, en, np.array([x == 1 for x in seq]), MAX_ANSWER_TOKENS)
        margins.append(score - float(st[0] + en[0]))
        labels.append(0 if ex.answer_start < 0 else 1)
        if ex.answer_start >= 0:
            pred = ex.context[offsets[i][0] : offsets[j][1]].lower().split()
            gold = ex.answer_text.lower().split()
            common = sum(min(pred.count(t), gold.count(t)) for t in set(pred))
            f1s.append(2 * common / (len(pred) + len(gold)) if common else 0.0)
    model.train()
    m, y = np.array(margins), np.array(labels)
    pos, neg = m[y == 1], m[y == 0]
    auc = float(np.mean([(p > neg).mean() + 0.5 * (p == neg).mean() for p in pos])) if len(pos) and len(neg) else float("nan")
    return {"span_f1": round(float(np.mean(f1s)), 4), "null_auroc": round(auc, 4), "n": len(examples)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--epochs", type=float, default=3.0)
    ap.add_argument("--lr", type=float, default=6e-5)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--max-steps", type=int, default=0)
    ap.add_argument("--negative-rate", type=float, default=0.5)
    ap.add_argument("--init", type=Path, default=None, help="continue from a saved model folder (OUT/final)")
    ap.add_argument("--contexts", choices=("paragraph", "sentence", "both"), default="sentence",
                    help="train on whole paragraphs, on single sentences as the runtime reads them, or both")
    ap.add_argument("--news", type=int, default=0,
                    help="add RealTimeQA's train part (news, sentence contexts) this many times over (0: none)")
    ap.add_argument("--sentence-negatives", type=int, default=2,
                    help="per question, how many sentences that do not answer it (sentence contexts)")
    ap.add_argument("--perturbed", type=float, default=0.0,
                    help="share of answerable questions that also get a near-miss copy labelled 'no answer' "
                         "(train.qa.data.build_perturbed; 0: none)")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    base = args.init or prepare_base(packaged_base(), args.out / "base")
    tokenizer = AutoTokenizer.from_pretrained(str(base), local_files_only=True)
    model = AutoModelForQuestionAnswering.from_pretrained(str(base), local_files_only=True)
    train_arts, calib_arts = dev_articles()
    train_ex: list[QAExample] = []
    if args.contexts in ("paragraph", "both"):
        train_ex += build(train_arts, negative_rate=args.negative_rate, seed=args.seed)
    if args.contexts in ("sentence", "both"):
        train_ex += build_sentences(train_arts, negatives=args.sentence_negatives, seed=args.seed)
    if args.perturbed:
        train_ex += build_perturbed(train_arts, rate=args.perturbed, seed=args.seed)
    train_ex += build_news() * args.news
    # Calibrated on the runtime's shape when it is trained on it.
    calib_ex = (build_sentences(calib_arts, seed=args.seed) if args.contexts != "paragraph"
                else build(calib_arts, negative_rate=args.negative_rate, seed=args.seed))
    rows = encode(tokenizer, train_ex)
    lengths = [len(r["input_ids"]) for r in rows]
    steps_per_epoch = math.ceil(len(rows) / args.batch_size)
    total = args.max_steps or int(steps_per_epoch * args.epochs)
    print(f"{len(rows)} training rows, {total} steps; calib {len(calib_ex)} examples", flush=True)
    no_decay = ("bias", "LayerNorm.weight")
    params = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(params, lr=args.lr)
    warm = max(1, int(0.1 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    model.train()
    step, epoch, t0, losses = 0, 0, time.time(), []
    while step < total:
        for b in batches(lengths, args.batch_size, args.seed, epoch):
            if step >= total:
                break
            loss = model(**collate([rows[i] for i in b])).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            losses.append(float(loss.detach()))
            step += 1
            if step % 50 == 0:
                print(f"step {step}/{total} loss {np.mean(losses[-50:]):.3f} {time.time() - t0:.0f}s", flush=True)
        epoch += 1
    final = args.out / "final"
    model.save_pretrained(final)
    tokenizer.save_pretrained(final)
    report = {"train_articles": train_arts, "calib_articles": calib_arts, "rows": len(rows), "steps": total,
              "epochs": args.epochs, "lr": args.lr, "seconds": round(time.time() - t0),
              "calib": evaluate(model, tokenizer, calib_ex)}
    (args.out / "report.json").write_text(json.dumps(report, indent=1))
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
