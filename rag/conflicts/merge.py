"""Merging: pairs at or above the threshold that are about one fact become one :class:`Conflict`.

Step 5 of the detector: pairs are grouped per fact, sides split into two camps, and each group
built into a conflict with a templated summary (:mod:`rag.conflicts.summary`).
"""

from __future__ import annotations

from collections import Counter, defaultdict

from rag.conflicts.signals import PairSignals, jaccard, shared_stems, topical_stems
from rag.conflicts.summary import camp_values, conflict_label, party_label, topic_of
from rag.conflicts.units import Unit
from rag.settings import ConflictSettings
from rag.types import Conflict, ConflictKind, ConflictSide


# ---------------------------------------------------------------------------
# Merging
# ---------------------------------------------------------------------------


def _kind(p: PairSignals, settings: ConflictSettings) -> ConflictKind:
    """The signal that contributes most to the pair's score."""
    w = settings.weights
    names = ("agent", "quantity", "date", "negation", "substitution")
    contrib = {k: w.get(k, 0.0) * p.values.get(k, 0.0) for k in names}
    k = max(names, key=lambda x: contrib[x])
    if contrib[k] < 1.0:  # the text only reports a disagreement ('while X claim..., Y insist...')
        return "general"
    if k == "substitution":
        return p.details["substitution"]["kind"]  # type: ignore[index,return-value]
    if k == "contrast":
        return "general"
    return k  # type: ignore[return-value]


def _fact(p: PairSignals, kind: str, units: list[Unit]) -> tuple[str, frozenset[str]]:
    """(facet, stems) naming the fact a pair disagrees about; pairs merge on these."""
    a, b = units[p.a], units[p.b]
    if kind == "quantity" and "quantity" in p.details:
        d = p.details["quantity"]
        return "quantity:" + d["dimension"], frozenset(topical_stems(d["a"].context + d["b"].context, a, b))
    if kind == "date" and "date" in p.details:
        d = p.details["date"]
        return "date", frozenset(topical_stems(d["a"].context + d["b"].context, a, b))
    if kind == "agent":
        d = p.details["agent"]
        return "action:" + d["key"], frozenset(d["action"].object_stems)
    if kind == "negation":
        n = p.details["negation"]["negation"]
        if n.actions:
            return "action:" + n.actions[0], frozenset(n.scope_stems)
        return "negation", frozenset(n.scope_stems)
    if p.values.get("contrast", 0) >= 1.0:
        return f"contrast:{a.sentence}", frozenset()
    return "general", frozenset(topical_stems(shared_stems(a, b), a, b))


def _same_fact(f1: tuple[str, frozenset[str]], f2: tuple[str, frozenset[str]]) -> bool:
    (k1, s1), (k2, s2) = f1, f2
    if k1 == k2:
        return k1 not in ("negation", "general") or jaccard(s1, s2) >= 0.5
    kinds = {k1.split(":")[0], k2.split(":")[0]}
    if kinds == {"quantity", "negation"}:  # '2 km into its airspace' vs 'denies any airspace violation'
        return bool(s1 & s2)
    return False


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _group(kept: list[PairSignals], units: list[Unit], settings: ConflictSettings) -> list[list[PairSignals]]:
    facts = [_fact(p, _kind(p, settings), units) for p in kept]
    uf = _UnionFind(len(kept))
    for i in range(len(kept)):
        for j in range(i + 1, len(kept)):
            if {kept[i].a, kept[i].b} & {kept[j].a, kept[j].b} and _same_fact(facts[i], facts[j]):
                uf.union(i, j)
    groups: dict[int, list[PairSignals]] = defaultdict(list)
    for i, p in enumerate(kept):
        groups[uf.find(i)].append(p)
    return list(groups.values())


def _camps(pairs: list[PairSignals]) -> dict[int, int]:
    """Two-colour the units, strongest pairs first, so each pair has one side in each camp."""
    colour: dict[int, int] = {}
    pending = sorted(pairs, key=lambda p: -p.score)
    while pending:
        rest = []
        for p in pending:
            if p.a in colour and p.b not in colour:
                colour[p.b] = 1 - colour[p.a]
            elif p.b in colour and p.a not in colour:
                colour[p.a] = 1 - colour[p.b]
            elif p.a not in colour and p.b not in colour:
                if colour:
                    rest.append(p)
                    continue
                colour[p.a], colour[p.b] = 0, 1
        if len(rest) == len(pending):
            p = rest[0]
            colour[p.a], colour[p.b] = 0, 1
            rest = rest[1:]
        pending = rest
    return colour


def _build(group: list[PairSignals], units: list[Unit], settings: ConflictSettings, question: str | None) -> Conflict:
    group = sorted(group, key=lambda p: (-p.score, p.a, p.b))
    weight: Counter[str] = Counter()
    for p in group:
        weight[_kind(p, settings)] += p.score
    kind = max(sorted(weight), key=lambda k: weight[k])
    lead = next(p for p in group if _kind(p, settings) == kind)
    ordered = [lead] + [p for p in group if p is not lead]
    colour = _camps(ordered)
    member_ids = sorted(colour, key=lambda i: (colour[i], units[i].ev.doc_id, units[i].start))
    members = [units[i] for i in member_ids]
    parts = []
    for c in (0, 1):
        camp = [units[i] for i in member_ids if colour[i] == c]
        if camp:
            vals = camp_values(kind, {u.idx for u in camp}, ordered, units)
            parts.append(f"{' / '.join(vals)} ({party_label(camp)})")
    summary = f"{conflict_label(kind, ordered, units, members)}: " + " vs ".join(parts)
    sides = [
        ConflictSide(doc_id=u.ev.doc_id, source=u.ev.source, title=u.ev.title, start=u.start, end=u.end, text=u.text,
                     attributed_to=u.party, camp=colour[u.idx])
        for u in members
    ]
    score = round(min(1.0, max(0.0, max(p.score for p in group))), 4)
    return Conflict(kind=kind, score=score, summary=summary, topic=topic_of(members, question), sides=sides)  # type: ignore[arg-type]


def conflicts_from_pairs(units: list[Unit], pairs: list[PairSignals], settings: ConflictSettings,
                         question: str | None = None) -> list[Conflict]:
    """Keep pairs at or above the threshold, merge them per fact and build the conflicts, strongest first."""
    kept = [p for p in pairs if p.score >= settings.threshold]
    conflicts = [_build(g, units, settings, question) for g in _group(kept, units, settings)]
    conflicts.sort(key=lambda c: (-c.score, c.topic, c.sides[0].doc_id, c.sides[0].start))
    return conflicts
