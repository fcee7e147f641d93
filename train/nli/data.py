"""Training and evaluation data for the Corroborate 3-way NLI cross-encoder.

Two kinds of pairs:

* bench pairs from ``../shared/bench/nli/NAME/SPLIT.jsonl`` (never a ``test`` split in training);
* in-domain news pairs made from BBC News sentences (``../shared/bench/bbc_news/docs``): every article
  is assigned to ``train`` or ``eval`` by a hash of its id, so held-out pairs come from unseen articles.

Everything is deterministic for a given seed. Labels are ``entailment``, ``neutral``, ``contradiction``
(the order of :data:`LABELS` is the order of the model's logits).

Example:
    >>> mix = training_mix(seed=13)
    >>> print(mix_table(mix))  # doctest: +SKIP
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

LABELS = ("entailment", "neutral", "contradiction")
LABEL_ID = {name: i for i, name in enumerate(LABELS)}

REPO = Path(__file__).resolve().parents[2]
BENCH = Path(__import__("os").environ.get("CORROBORATE_BENCH", REPO.parent / "shared" / "bench"))
NLI_DIR = BENCH / "nli"
BBC_DIR = BENCH / "bbc_news"

# Licence of every source the scripts can use (SEE: ../shared/bench/nli/SOURCES.md, bbc_news/SOURCE.json).
LICENCES = {
    "snli": "CC BY-SA 4.0",
    "snli_cad": "Apache-2.0 (annotations) + CC BY-SA 4.0 (SNLI text)",
    "mnli": "MultiNLI: OANC / CC BY-SA 3.0 / CC BY 3.0; TaxiNLI re-annotation C-UDA 1.0",
    "climate_fever": "no licence statement in the source repo",
    "fnc1": "no licence statement in the source repo",
    "healthver": "no licence statement in the source repo",
    "sick": "CC BY-NC-SA 3.0 (NON-COMMERCIAL)",
    "xnli_en": "CC BY-NC 4.0 (NON-COMMERCIAL)",
    "anli": "CC BY-NC 4.0 (NON-COMMERCIAL)",
    "breaking_nli": "CC BY-SA 4.0",
    "news_bbc": "generated from BBC articles: BBC copyright, research data set (Greene & Cunningham 2006)",
}
NON_COMMERCIAL = {"sick", "xnli_en", "anli"}


@dataclass(frozen=True)
class Pair:
    """One labelled premise/hypothesis pair."""

    premise: str
    hypothesis: str
    label: str
    source: str
    kind: str = ""  # how a generated pair was made (news) or the split it came from (bench)


@dataclass
class SourceSpec:
    """Which bench split feeds the training mix, and how much of it."""

    name: str
    split: str
    per_label_cap: int | None = None  # at most this many pairs of each label
    filter_: str = ""  # named row filter, see _keep_row
    extra: dict = field(default_factory=dict)


# The default mix: only sets whose licence allows use outside research (non-commercial sets are excluded;
# sets without a licence statement are included and flagged in the model card).
DEFAULT_MIX = [
    SourceSpec("snli", "dev", per_label_cap=2600),
    SourceSpec("snli_cad", "train", per_label_cap=2200),
    SourceSpec("mnli", "dev", per_label_cap=2900),
    SourceSpec("mnli", "train"),
    SourceSpec("climate_fever", "train", per_label_cap=1200),
    SourceSpec("fnc1", "train", per_label_cap=1200, filter_="related"),
    SourceSpec("healthver", "dev"),
]


# --------------------------------------------------------------------------- reading
def read_split(name: str, split: str) -> list[dict]:
    """Rows of ``nli/NAME/SPLIT.jsonl`` (or ``.jsonl.gz``)."""
    path = NLI_DIR / name / f"{split}.jsonl"
    if path.is_file():
        with path.open(encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    gz = path.with_suffix(".jsonl.gz")
    if gz.is_file():
        with gzip.open(gz, "rt", encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]
    raise FileNotFoundError(f"No {name}/{split} split under {NLI_DIR}")


def _keep_row(row: dict, filter_: str) -> bool:
    if filter_ == "related":  # FNC-1: 'unrelated' headline/body pairs are not NLI pairs
        return row.get("orig_label") != "unrelated"
    if filter_ == "gold":  # MNLI: only rows whose label is MultiNLI's gold label
        return row.get("label_source") == "gold"
    return True


_SENT_SPLIT = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_WORD = re.compile(r"[a-z0-9]+")
_STOP = set(
    "a an the of to in on at for by with from and or but is are was were be been being has have had do does did "
    "it its this that these those as not no he she they we you i his her their our your my will would can could "
    "should may might than then there here about after before into over under up down out said says say also".split()
)


def sentences(text: str) -> list[str]:
    """Split text into sentences (paragraphs first, then end punctuation followed by a capital)."""
    out = []
    for para in re.split(r"\n\s*\n|\n", text):
        para = para.strip()
        if para:
            out.extend(s.strip() for s in _SENT_SPLIT.split(para) if s.strip())
    return out


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1}


def focus_premise(body: str, claim: str, max_words: int = 80, max_sents: int = 3) -> str:
    """The sentences of a long ``body`` sharing most words with ``claim``, in their original order.

    FNC-1 bodies average 2,000 characters; a 128-token cross-encoder would see only the first lines.
    """
    sents = sentences(body)
    if len(body.split()) <= max_words or len(sents) <= 1:
        return body.strip()
    target = content_words(claim)
    scored = []
    for i, s in enumerate(sents):
        cw = content_words(s)
        overlap = len(cw & target) / (len(target) or 1)
        scored.append((overlap, -i, i))
    chosen, n_words = [], 0
    for _, _, i in sorted(scored, reverse=True):
        w = len(sents[i].split())
        if chosen and n_words + w > max_words:
            continue
        chosen.append(i)
        n_words += w
        if len(chosen) >= max_sents or n_words >= max_words:
            break
    return " ".join(sents[i] for i in sorted(chosen))


def bench_pairs(name: str, split: str, filter_: str = "") -> list[Pair]:
    """All usable pairs of one bench split (FNC-1 premises focused on the headline)."""
    out = []
    for row in read_split(name, split):
        if row.get("label") not in LABEL_ID or not _keep_row(row, filter_):
            continue
        premise = row["premise"]
        if name == "fnc1":
            premise = focus_premise(premise, row["hypothesis"])
        out.append(Pair(premise.strip(), row["hypothesis"].strip(), row["label"], name, split))
    return out


def cap_per_label(pairs: list[Pair], cap: int | None, rng: random.Random) -> list[Pair]:
    """Keep at most ``cap`` pairs of each label (random, seeded)."""
    if cap is None:
        return list(pairs)
    by_label: dict[str, list[Pair]] = defaultdict(list)
    for p in pairs:
        by_label[p.label].append(p)
    out = []
    for label in LABELS:
        group = by_label.get(label, [])
        rng.shuffle(group)
        out.extend(group[:cap])
    return out


# --------------------------------------------------------------------------- news pairs
def article_split(doc_id: str, eval_percent: int = 10) -> str:
    """'eval' for about ``eval_percent``% of articles (by md5 of the id), else 'train'."""
    h = int(hashlib.md5(doc_id.encode()).hexdigest(), 16) % 100
    return "eval" if h < eval_percent else "train"


def load_articles() -> dict[str, list[str]]:
    """BBC article id → body sentences (headline dropped, exact duplicates skipped)."""
    dupes = set()
    meta = BBC_DIR / "meta.jsonl"
    if meta.is_file():
        for line in meta.open(encoding="utf-8"):
            r = json.loads(line)
            if r.get("duplicate_of"):
                dupes.add(r["id"])
    out = {}
    for path in sorted((BBC_DIR / "docs").glob("*.txt")):
        if path.stem in dupes:
            continue
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n", 1)
        body = lines[1] if len(lines) > 1 else ""
        out[path.stem] = sentences(body)
    return out


MONTHS = "January February March April May June July August September October November December".split()
WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()
PLACES = (
    "UK Britain England Scotland Wales Ireland France Germany Italy Spain Portugal Netherlands Belgium Sweden "
    "Norway Denmark Finland Russia Ukraine Poland Greece Turkey China Japan India Pakistan Iran Iraq Israel Egypt "
    "Nigeria Kenya Australia Canada Brazil Argentina Mexico Chile Singapore Korea Switzerland Austria Hungary "
    "London Paris Berlin Madrid Rome Moscow Tokyo Beijing Shanghai Washington Brussels Dublin Edinburgh Glasgow "
    "Manchester Liverpool Birmingham Cardiff Belfast Leeds Sydney Melbourne Delhi Mumbai Dubai Geneva Milan Munich "
    "Chicago Boston Frankfurt Amsterdam Barcelona Lisbon Athens Vienna Zurich Hong Kong Toronto Seoul"
).split()
PLACES = [p for p in PLACES if p not in ("Hong", "Kong")] + ["Hong Kong", "New York", "Los Angeles", "South Africa"]
_AUX = ["is", "are", "was", "were", "has", "have", "had", "will", "would", "can", "could", "should", "must", "may"]
_PAST = {
    "rose": "rise", "fell": "fall", "won": "win", "lost": "lose", "beat": "beat", "grew": "grow", "made": "make",
    "took": "take", "gave": "give", "sold": "sell", "bought": "buy", "paid": "pay", "left": "leave", "met": "meet",
    "led": "lead", "told": "tell", "got": "get", "went": "go", "came": "come", "saw": "see", "set": "set",
    "agreed": "agree", "announced": "announce", "approved": "approve", "backed": "back", "blamed": "blame",
    "claimed": "claim", "confirmed": "confirm", "cut": "cut", "decided": "decide", "dropped": "drop",
    "earned": "earn", "expected": "expect", "failed": "fail", "finished": "finish", "gained": "gain",
    "increased": "increase", "jumped": "jump", "joined": "join", "launched": "launch", "warned": "warn",
    "opened": "open", "planned": "plan", "played": "play", "raised": "raise", "rejected": "reject",
    "released": "release", "reported": "report", "resigned": "resign", "scored": "score", "signed": "sign",
    "slipped": "slip", "started": "start", "suffered": "suffer", "supported": "support", "wanted": "want",
    "received": "receive", "reached": "reach", "returned": "return", "revealed": "reveal", "called": "call",
    "admitted": "admit", "accepted": "accept", "attacked": "attack", "boosted": "boost", "hit": "hit",
    "fined": "fine", "ruled": "rule", "voted": "vote", "welcomed": "welcome", "criticised": "criticise",
}
_SUBORDINATE = {"that", "whether", "if", "which", "who", "whom", "when", "because", "after", "before", "while",
                "although", "though", "unless", "until", "to", "where", "how", "what", "why", "as"}
_HAVE = {"has": "does not have", "have": "do not have", "had": "did not have"}
_PARTICIPLES = {"been", "made", "won", "lost", "said", "told", "had", "got", "done", "set", "cut", "hit", "put",
                "led", "paid", "sold", "bought", "left", "met", "brought", "come", "become", "run", "beat", "spent"}
_SAY = {"said": "denied", "says": "denies", "confirmed": "denied", "admitted": "denied", "insisted": "denied"}
_NEG = re.compile(r"\b(not|no|never|n't|nobody|none|nothing|neither|nor|without)\b", re.I)
_NUM = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(%|bn|m|k)?(?![\w.]*\d)")
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-2]\d)\b")
_PERSON_SAID = re.compile(r"\b([A-Z][a-z]+(?: [A-Z][a-z]+)?) (?:said|says|told)\b")
_SAID_PERSON = re.compile(r"\bsaid ((?:Mr|Mrs|Ms|Dr) [A-Z][a-z]+|[A-Z][a-z]+ [A-Z][a-z]+)\b")
_NOT_NAMES = set(MONTHS + WEEKDAYS + PLACES + ["The", "He", "She", "It", "They", "We", "But", "And", "A", "In", "This"])
_SAFE_ADVERBS = ["also", "sharply", "strongly", "significantly", "recently", "now", "still", "already", "finally",
                 "officially", "formally", "widely", "currently", "eventually"]
_TAIL = re.compile(
    r",? (?:on (?:" + "|".join(WEEKDAYS) + r")|in (?:" + "|".join(MONTHS) + r")(?: \d{4})?|in \d{4}|last (?:week|month|year)"
    r"|this (?:week|month|year)|earlier this (?:week|month|year)|next (?:week|month|year))(?=[.,])"
)


def person_names(articles: dict[str, list[str]]) -> list[str]:
    """People named as speakers anywhere in the corpus ('X Y said', 'said Mr X'), a gazetteer for swaps."""
    c: Counter = Counter()
    for sents in articles.values():
        for s in sents:
            for m in _PERSON_SAID.finditer(s):
                name = m.group(1)
                if " " in name and not set(name.split()) & _NOT_NAMES:
                    c[name] += 1
            for m in _SAID_PERSON.finditer(s):
                name = m.group(1)
                if not set(name.split()) & _NOT_NAMES:
                    c[name] += 1
    return sorted(n for n, k in c.items() if k >= 2)


def _fmt_like(old: str, value: float) -> str:
    if "," in old:
        return f"{int(round(value)):,}"
    if "." in old:
        decimals = len(old.split(".")[1])
        return f"{value:.{decimals}f}"
    return str(int(round(value)))


def change_number(s: str, rng: random.Random) -> str | None:
    """Replace one quantity with a clearly different one (76% → 34%); years are left to change_date."""
    cands = [m for m in _NUM.finditer(s) if not _YEAR.fullmatch(m.group(1))]
    if not cands:
        return None
    m = rng.choice(cands)
    num = m.group(1)
    value = float(num.replace(",", ""))
    if value == 0:
        new = rng.choice([3, 5, 12])
    else:
        factor = rng.choice([rng.uniform(0.25, 0.65), rng.uniform(1.5, 3.5)])
        new = value * factor
        if m.group(2) == "%" and new >= 100 and value < 100:
            new = value * rng.uniform(0.25, 0.65)
    text = _fmt_like(num, new)
    if text == num or float(text.replace(",", "") or 0) == value:
        text = _fmt_like(num, value + rng.choice([2, 3, 7]) if value >= 1 else value * 2 + 1)
    return s[: m.start(1)] + text + s[m.end(1) :]


def change_date(s: str, rng: random.Random) -> str | None:
    """Move a year, month or weekday to another one."""
    options = []
    for m in _YEAR.finditer(s):
        options.append((m.start(), m.end(), str(int(m.group()) + rng.choice([-3, -2, -1, 1, 2, 4]))))
    for names in (MONTHS, WEEKDAYS):
        for m in re.finditer(r"\b(" + "|".join(names) + r")\b", s):
            other = rng.choice([n for n in names if n != m.group()])
            options.append((m.start(), m.end(), other))
    if not options:
        return None
    a, b, text = rng.choice(options)
    return s[:a] + text + s[b:]


def swap_entity(s: str, rng: random.Random, people: list[str], avoid: str) -> str | None:
    """Swap a person or place for another of the same kind that the article never mentions."""
    options = []
    for p in PLACES:
        for m in re.finditer(r"\b" + re.escape(p) + r"\b", s):
            options.append((m.start(), m.end(), "place"))
    for m in _PERSON_SAID.finditer(s):
        if m.group(1) in people:
            options.append((m.start(1), m.end(1), "person"))
    for m in _SAID_PERSON.finditer(s):
        if m.group(1) in people:
            options.append((m.start(1), m.end(1), "person"))
    if not options:
        return None
    a, b, kind = rng.choice(options)
    pool = PLACES if kind == "place" else people
    for _ in range(20):
        other = rng.choice(pool)
        if other != s[a:b] and other not in avoid:
            return s[:a] + other + s[b:]
    return None


def negate(s: str, rng: random.Random) -> str | None:
    """Negate the main verb: 'rose' → 'did not rise', 'is' → 'is not', 'has' → 'does not have', 'X said' → 'X denied'.

    Only the first verb before any subordinating word counts, so 'assessing whether there is' is left alone.
    """
    if _NEG.search(s):
        return None
    tokens = s.split(" ")
    for i, tok in enumerate(tokens[:14]):
        word = tok.strip(",;:")
        low = word.lower()
        if low in _SUBORDINATE:
            return None
        if i == 0:
            continue
        if low in _SAY and rng.random() < 0.7:
            tokens[i] = tok.replace(word, _SAY[low])
            return " ".join(tokens)
        if low in _AUX and tok == word and i + 1 < len(tokens):
            nxt = tokens[i + 1].lower()
            if low in _HAVE and not (nxt.endswith(("ed", "en", "wn")) or nxt in _PARTICIPLES):
                tokens[i] = _HAVE[low]
            else:
                tokens[i] = "cannot" if low == "can" else f"{word} not"
            return " ".join(tokens)
        if low in _PAST and tok == word and tokens[i - 1].lower() not in ("the", "a", "an", "to", "had", "has", "have"):
            tokens[i] = f"did not {_PAST[low]}"
            return " ".join(tokens)
    return None


def weaken(s: str, rng: random.Random) -> tuple[str, str] | None:
    """A statement the sentence entails: drop a safe adverb, a time phrase, a ', which ...,' clause, or a conjunct."""
    options = []
    for adv in _SAFE_ADVERBS:
        for m in re.finditer(r" " + adv + r"\b", s):
            options.append(("drop_adverb", s[: m.start()] + s[m.end() :]))
    for m in _TAIL.finditer(s):
        options.append(("drop_time", s[: m.start()] + s[m.end() :]))
    for m in re.finditer(r", (?:which|who) [^,]{3,80}, ", s):
        options.append(("drop_clause", s[: m.start()] + " " + s[m.end() :]))
    m = re.search(r", (?:and|but|while) ", s)
    if m and len(s[: m.start()].split()) >= 6:
        options.append(("first_conjunct", s[: m.start()] + "."))
    if not options:
        return None
    kind, text = rng.choice(options)
    text = re.sub(r"\s+", " ", text).replace(" ,", ",").replace(" .", ".").strip()
    if text == s or len(text.split()) < 5:
        return None
    return kind, text


def _usable(s: str) -> bool:
    n = len(s.split())
    return 8 <= n <= 45 and not s.startswith(('"', "'")) and s[-1:] in ".!?\"'"


def news_pairs(split: str, n_per_label: int, seed: int = 13, eval_percent: int = 10) -> list[Pair]:
    """Balanced generated news pairs from the ``split`` ('train' or 'eval') articles.

    contradiction: number / date / entity change or negation of the sentence (premise = the original
    sentence, sometimes with its neighbour, and in a quarter of pairs the perturbed sentence is the premise);
    entailment: a weakened sentence (adverb, time phrase, clause or conjunct dropped) or the sentence itself
    inside a two-sentence premise; neutral: another sentence of the same article with little word overlap,
    or a weakened sentence as premise and the full sentence as hypothesis (it adds information).
    """
    rng = random.Random(f"{seed}-{split}")
    articles = load_articles()
    people = person_names(articles)
    ids = [a for a in sorted(articles) if article_split(a, eval_percent) == split]
    rng.shuffle(ids)
    out: dict[str, list[Pair]] = {label: [] for label in LABELS}
    kinds_c = ["number", "date", "entity", "negation"]

    def window(sents: list[str], i: int) -> str:
        """The sentence alone, or (35%) with its next/previous sentence, as a premise passage."""
        if rng.random() < 0.35 and len(sents) > 1:
            j = i + 1 if i + 1 < len(sents) else i - 1
            return " ".join(sents[k] for k in sorted((i, j)))
        return sents[i]

    for doc_id in ids * 4:  # several passes over the articles until every label is full
        if all(len(v) >= n_per_label for v in out.values()):
            break
        sents = articles[doc_id]
        usable = [i for i, s in enumerate(sents) if _usable(s)]
        if len(usable) < 2:
            continue
        i = rng.choice(usable)
        s = sents[i]
        doc_text = " ".join(sents)
        # contradiction
        if len(out["contradiction"]) < n_per_label:
            for kind in rng.sample(kinds_c, len(kinds_c)):
                if kind == "number":
                    h = change_number(s, rng)
                elif kind == "date":
                    h = change_date(s, rng)
                elif kind == "entity":
                    h = swap_entity(s, rng, people, doc_text)
                else:
                    h = negate(s, rng)
                if h and h != s:
                    if rng.random() < 0.25:
                        out["contradiction"].append(Pair(h, s, "contradiction", "news", kind + "_rev"))
                    else:
                        out["contradiction"].append(Pair(window(sents, i), h, "contradiction", "news", kind))
                    break
        # entailment
        if len(out["entailment"]) < n_per_label:
            w = weaken(s, rng)
            if w:
                out["entailment"].append(Pair(window(sents, i), w[1], "entailment", "news", w[0]))
            elif rng.random() < 0.25:
                j = i + 1 if i + 1 < len(sents) else i - 1
                passage = " ".join(sents[k] for k in sorted((i, j)))
                out["entailment"].append(Pair(passage, s, "entailment", "news", "sentence_of_passage"))
        # neutral
        if len(out["neutral"]) < n_per_label:
            w = weaken(s, rng) if rng.random() < 0.5 else None
            if w:
                out["neutral"].append(Pair(w[1], s, "neutral", "news", "added_" + w[0]))
            else:
                cw = content_words(s)
                others = [j for j in usable if abs(j - i) > 1 or len(usable) < 4]
                rng.shuffle(others)
                for j in others:
                    if j == i:
                        continue
                    ow = content_words(sents[j])
                    if len(cw & ow) / (len(ow) or 1) < 0.3:
                        out["neutral"].append(Pair(s, sents[j], "neutral", "news", "other_sentence"))
                        break
    pairs = [p for label in LABELS for p in out[label][:n_per_label]]
    rng.shuffle(pairs)
    return pairs


# --------------------------------------------------------------------------- the mix
def training_mix(
    seed: int = 13,
    specs: list[SourceSpec] | None = None,
    news_per_label: int = 3000,
    scale: float = 1.0,
    upsample_contradiction: dict[str, int] | None = None,
) -> list[Pair]:
    """The shuffled training pairs: capped bench splits plus generated news pairs.

    ``scale`` multiplies every per-label cap (and the news count) to fit a time budget;
    ``upsample_contradiction`` repeats the contradiction rows of the named sources (FNC-1 and
    Climate-FEVER have few) that many times in total.
    """
    rng = random.Random(seed)
    pairs: list[Pair] = []
    for spec in specs or DEFAULT_MIX:
        if spec.split == "test":
            raise ValueError(f"{spec.name}: test splits are never used for training")
        rows = bench_pairs(spec.name, spec.split, spec.filter_)
        cap = None if spec.per_label_cap is None else max(1, int(spec.per_label_cap * scale))
        kept = cap_per_label(rows, cap, rng)
        times = (upsample_contradiction or {}).get(spec.name, 1)
        pairs.extend(kept + [p for p in kept if p.label == "contradiction"] * (times - 1))
    if news_per_label:
        pairs.extend(news_pairs("train", int(news_per_label * scale), seed=seed))
    rng.shuffle(pairs)
    return pairs


def mix_table(pairs: list[Pair]) -> str:
    """Markdown table: pairs per source and label, with the licence."""
    c: Counter = Counter((p.source, p.label) for p in pairs)
    sources = sorted({p.source for p in pairs})
    lines = [
        "| source | entailment | neutral | contradiction | total | licence |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for s in sources:
        row = [c[(s, label)] for label in LABELS]
        lic = LICENCES.get("news_bbc" if s == "news" else s, "?")
        lines.append(f"| {s} | {row[0]} | {row[1]} | {row[2]} | {sum(row)} | {lic} |")
    tot = [sum(c[(s, label)] for s in sources) for label in LABELS]
    lines.append(f"| **all** | {tot[0]} | {tot[1]} | {tot[2]} | {sum(tot)} | |")
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description="Print the training mix and examples of generated news pairs.")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--examples", type=int, default=12)
    args = ap.parse_args()
    mix = training_mix(seed=args.seed, scale=args.scale)
    print(mix_table(mix))
    ev = news_pairs("eval", 400, seed=args.seed)
    print(f"\nheld-out news pairs: {len(ev)} {Counter(p.kind for p in ev)}")
    for p in ev[: args.examples]:
        print(f"[{p.label}/{p.kind}]\n  P: {p.premise}\n  H: {p.hypothesis}")
