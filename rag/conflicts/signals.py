"""The signals of one candidate pair, each in [0, 1]: quantity, date, negation, agent, substitution...

Step 3 of the detector (see :mod:`rag.conflicts` for what each signal means and how it was calibrated).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Iterable

from rag.claims import (
    REPORTING_STEMS,
    STOPWORDS,
    Negation,
    Quantity,
    Token,
    analyze,
    dates_conflict,
    normalize_name,
    quantities_differ,
    same_entity,
)
from rag.conflicts.units import MIN_WORDS, Unit, same_party
from rag.settings import ConflictSettings
from rag.text.months import MONTHS


# ---------------------------------------------------------------------------
# Signals
# ---------------------------------------------------------------------------


SIGNALS = ("quantity", "date", "negation", "agent", "substitution", "contrast", "similarity", "same_party", "nli")
"""Names of the signals, as used in ``ConflictSettings.weights``."""


@dataclass
class PairSignals:
    """Signals of one candidate pair (unit indices ``a`` < ``b``); used by the calibration script."""

    a: int
    b: int
    similarity: float
    values: dict[str, float] = field(default_factory=dict)
    nli: float | None = None
    details: dict[str, object] = field(default_factory=dict)
    score: float = 0.0

    def features(self, nli_center: float = 0.75) -> dict[str, float]:
        """Signal values as the logistic sees them: similarity centred at 0.5, NLI at ``nli_center`` (0 when not run)."""
        f = {k: float(self.values.get(k, 0.0)) for k in SIGNALS if k not in ("similarity", "nli")}
        f["similarity"] = self.similarity - 0.5
        f["nli"] = 0.0 if self.nli is None else self.nli - nli_center
        return f


def _soft_overlap(xs: Iterable[str], ys: set[str]) -> int:
    """How many of xs occur in ys, counting demonyms and spelling variants of names as equal."""
    n = 0
    for x in xs:
        if x in ys or (len(x) >= 4 and any(y[:1] == x[:1] and same_entity(x, y) for y in ys if len(y) >= 4)):
            n += 1
    return n


def topical_stems(stems_: Iterable[str], *units: Unit) -> set[str]:
    """Stems that say what a number or date is about: no reporting verbs, no names."""
    names = frozenset().union(*(u.name_stems for u in units))
    return {s for s in stems_ if s not in REPORTING_STEMS and s not in names}


def _ramp(x: float, lo: float, hi: float) -> float:
    return float(min(1.0, max(0.0, (x - lo) / (hi - lo))))


def _quantity_signal(a: Unit, b: Unit, sim: float, tol: float, frame: float = 0.0) -> tuple[float, dict]:
    qa = [q for q in a.claim.quantities if q.dimension != "number"]
    qb = [q for q in b.claim.quantities if q.dimension != "number"]
    if not qa or not qb:
        return 0.0, {}

    def compatible(x: Quantity, ys: list[Quantity]) -> bool:
        return any(y.dimension == x.dimension and (x.dimension != "count" or x.counted == y.counted)
                   and quantities_differ(x, y, tol) == 0.0 for y in ys)

    best, detail = 0.0, {}
    for x in qa:
        if compatible(x, qb):
            continue
        for y in qb:
            if y.dimension != x.dimension or compatible(y, qa):
                continue
            d = quantities_differ(x, y, tol)
            if d <= 0:
                continue
            shared = _soft_overlap(topical_stems(x.context, a, b), topical_stems(y.context, a, b))
            match = min(1.0, shared / 2)
            single = sum(q.dimension == x.dimension for q in qa) == 1 and sum(q.dimension == y.dimension for q in qb) == 1
            if single and x.dimension in _PHYSICAL and len(topical_stems(shared_stems(a, b), a, b)) >= 2:
                # one distance per sentence in two closely related sentences: very likely the same distance
                match = max(match, 0.9 * _ramp(sim, 0.55, 0.7))
            match *= _period_factor(a, b)
            match = max(match, _ramp(frame, 0.75, 0.9))  # the same sentence with another figure
            s = d * match
            if s > best:
                best, detail = s, {"a": x, "b": y, "dimension": x.dimension}
    return best, detail


_PHYSICAL = frozenset({"length", "mass", "area", "speed"})


def _period_factor(a: Unit, b: Unit) -> float:
    """0.3 when the two sentences name years and share none ('revenue in Q1 2021' vs 'in Q1 2023'): likely different periods."""
    ya = {d.year for d in a.claim.dates if d.year}
    yb = {d.year for d in b.claim.dates if d.year}
    return 0.3 if ya and yb and not (ya & yb) else 1.0


def _date_signal(a: Unit, b: Unit, sim: float, frame: float = 0.0) -> tuple[float, dict]:
    da, db = a.claim.dates, b.claim.dates
    if not da or not db:
        return 0.0, {}
    best, detail = 0.0, {}
    for x in da:
        if any(not dates_conflict(x, y) for y in db):
            continue
        for y in db:
            if any(not dates_conflict(y, z) for z in da):
                continue
            shared = _soft_overlap(topical_stems(x.context, a, b), topical_stems(y.context, a, b))
            match = min(1.0, shared / 2)
            if x.month is None and x.weekday is None or y.month is None and y.weekday is None:
                match *= 0.5  # bare years are mostly background ('since 2020')
            match = max(match, _ramp(frame, 0.75, 0.9))  # the same sentence with another date
            if match > best:
                best, detail = match, {"a": x, "b": y}
    return best, detail


def _negation_signal(a: Unit, b: Unit) -> tuple[float, dict]:
    best, detail = 0.0, {}
    for x, y in ((a, b), (b, a)):
        ystems = set(y.claim.stems)
        for n in x.claim.negations:
            scope = [s for s in dict.fromkeys(n.scope_stems) if s not in STOPWORDS]
            if not scope and not n.actions:
                continue
            # names in the scope only say what it is about; the negated predicate must recur too
            predicate = topical_stems(scope, x, y)
            hit = _soft_overlap(scope, ystems)
            s = (hit / len(scope)) * min(1.0, hit / 2) if scope and _soft_overlap(predicate, ystems) else 0.0
            if n.actions:
                s = max(s, _negated_action_match(x, n, y))
            if s < 0.2:
                continue
            # both sides negate the same thing: agreement, not conflict
            if any(_soft_overlap(scope, set(m.scope_stems)) >= max(1, len(scope) // 2) for m in y.claim.negations):
                continue
            if n.denied_party and y.party_key and same_entity(normalize_name(n.denied_party), y.party_key):
                s = min(1.0, s + 0.25)
            if s > best:
                best, detail = s, {"negated": x.idx, "negation": n, "other": y.idx}
    return best, detail


def _negated_action_match(x: Unit, n: Negation, y: Unit) -> float:
    """How directly y asserts an action that x negates.

    'not shot down by its forces' only conflicts with a side that names those forces, or
    where they themselves report the action in the passive ('Algeria said the drone was
    shot down'); a side naming another agent agrees with the negation.
    """
    negated_agents = [act.agent_key for act in x.claim.actions if act.negated and act.key in n.actions and act.agent_key]
    best = 0.0
    for act in y.claim.actions:
        if act.negated or act.key not in n.actions:
            continue
        if not negated_agents:
            best = max(best, 0.4)
        elif act.agent_key:
            if any(same_entity(act.agent_key, k) for k in negated_agents):
                best = max(best, 1.0)
        elif y.party_key and any(same_entity(y.party_key, k) for k in negated_agents):
            best = max(best, 0.6)
        else:
            best = max(best, 0.3)
    return best


def _agent_signal(a: Unit, b: Unit, sim: float) -> tuple[float, dict]:
    best, detail = 0.0, {}
    for x, y in ((a, b), (b, a)):
        for ax in x.claim.actions:
            if not ax.agent_key or ax.negated:
                continue
            same_key = [ay for ay in y.claim.actions if ay.key == ax.key and ay.agent_key]
            if not same_key:
                continue
            pos_y = [ay for ay in same_key if not ay.negated]
            neg_y = [ay for ay in same_key if ay.negated]
            s = 0.0
            if any(same_entity(ax.agent_key, ay.agent_key) for ay in neg_y):
                s = 1.0 * _ramp(sim, 0.35, 0.55)  # 'not shot down by its forces'
            elif pos_y and not any(same_entity(ax.agent_key, ay.agent_key) for ay in pos_y):
                pos_x = [q for q in x.claim.actions if q.key == ax.key and q.agent_key and not q.negated]
                if any(same_entity(q.agent_key, ay.agent_key) for q in pos_x for ay in pos_y):
                    continue
                # each side naming the other's agent too ('Halep beat Williams' / 'Williams lost to Halep') is no conflict
                if _mentions(y, ax.agent_key) or any(_mentions(x, ay.agent_key) for ay in pos_y):
                    continue
                objs = [jaccard(frozenset(ax.object_stems), frozenset(ay.object_stems)) for ay in pos_y]
                obj = max(objs) if any(ax.object_stems) else 0.0
                s = 0.9 * max(min(1.0, obj * 2), 0.5 * _ramp(sim, 0.6, 0.8)) * _period_factor(x, y)
            if s > best:
                other = pos_y[0] if pos_y else None
                best, detail = s, {"x": x.idx, "action": ax, "y": y.idx, "other": other, "key": ax.key}
    return best, detail


def _mentions(u: Unit, key: str | None) -> bool:
    return bool(key) and any(same_entity(key, e.text) for e in u.claim.entities)


def _is_speaker(u: Unit, segment: str) -> bool:
    return bool(u.party) and (segment in u.party or (u.party_key is not None and same_entity(segment, u.party_key)))


def _slot_type(tokens: list[Token]) -> str:
    if any(t.is_word and t.is_cap and t.low not in STOPWORDS for t in tokens):
        return "name"  # 'Toy Story 4' is a name
    return "number"


def _informative(tokens: list[Token]) -> bool:
    return any((t.is_word and t.is_cap and t.low not in STOPWORDS) or t.text[0].isdigit() for t in tokens)


def _substitution_signal(a: Unit, b: Unit, tol: float) -> tuple[float, dict]:
    ta = [t for t in a.tokens if (t.is_word or t.text[0].isdigit()) and t.start >= a.claim.body_start]
    tb = [t for t in b.tokens if (t.is_word or t.text[0].isdigit()) and t.start >= b.claim.body_start]
    if len(ta) < MIN_WORDS or len(tb) < MIN_WORDS:
        return 0.0, {}
    la, lb = [t.low for t in ta], [t.low for t in tb]
    sm = SequenceMatcher(None, la, lb, autojunk=False)
    ratio = sm.ratio()
    if ratio < 0.3:
        return 0.0, {}
    ops = sm.get_opcodes()
    best, detail = 0.0, {}
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag != "replace" or i2 - i1 > 5 or j2 - j1 > 5:
            continue
        sa, sb = ta[i1:i2], tb[j1:j2]
        if not (_informative(sa) and _informative(sb)) or _slot_type(sa) != _slot_type(sb):
            continue
        if max(len(sa), len(sb)) > 2 * min(len(sa), len(sb)) + 1:
            continue  # '2019' vs '106th edition of the': a rewording, not a swapped value
        text_a = a.text[sa[0].start : sa[-1].end]
        text_b = b.text[sb[0].start : sb[-1].end]
        if same_entity(text_a, text_b):
            continue
        if _is_speaker(a, text_a) or _is_speaker(b, text_b):
            continue  # 'Mali said X' vs 'Bamako said X': two parties agreeing
        qa, qb = analyze(text_a).quantities, analyze(text_b).quantities
        if qa and qb and all(quantities_differ(x, y, tol) == 0.0 for x in qa for y in qb):
            continue
        left = ops[k - 1][2] - ops[k - 1][1] if k > 0 and ops[k - 1][0] == "equal" else 0
        right = ops[k + 1][2] - ops[k + 1][1] if k + 1 < len(ops) and ops[k + 1][0] == "equal" else 0
        flank = min(left, 3) + min(right, 3)
        s = min(1.0, flank / 4) * _ramp(ratio, 0.3, 0.7)
        if s > best:
            da, db = analyze(text_a).dates, analyze(text_b).dates
            kind = "quantity" if (qa and qb) else ("date" if (da and db) else "general")
            best, detail = s, {"a": text_a, "b": text_b, "kind": kind}
    return best, detail


#: How far (characters) after another party's claim a "However, ..." sentence still answers it.
CONTRAST_REACH = 300


def _contrast_signal(a: Unit, b: Unit, sim: float) -> float:
    if a.sentence == b.sentence and a.clause and b.clause:
        return 1.0
    for x, y in ((a, b), (b, a)):
        # 'Contrary to the Algerian army's assertions, ...' against what the Algerian army says
        for n in x.claim.negations:
            if not (n.denied_party and y.party_key and same_entity(normalize_name(n.denied_party), y.party_key)):
                continue
            if n.kind == "dispute":
                return 0.7 * _ramp(sim, 0.4, 0.6)
            # 'rejecting Algeria's claim that the drone entered Algerian airspace' against Algeria saying it did:
            # the sentence reports the disagreement itself. NLI reads the embedded claim as agreement, so this
            # structural cue has to carry the pair.
            scope = [s for s in dict.fromkeys(n.scope_stems) if s not in STOPWORDS]
            if n.kind == "denial" and scope and _soft_overlap(scope, set(y.claim.stems)) >= max(2, len(scope) // 2):
                return 0.7 * _ramp(sim, 0.4, 0.6)
    if a.ev.doc_id == b.ev.doc_id and a.party_key and b.party_key and not same_party(a, b):
        first, second = (a, b) if a.start < b.start else (b, a)
        # "However, Mali denies ..." answers the other party's claim a sentence or two earlier, not only the
        # sentence right before it (which retrieval may not have picked)
        if 0 <= second.start - first.end <= CONTRAST_REACH and second.claim.contrast:
            return 0.7
    return 0.0


def _frame_ratio(a: Unit, b: Unit) -> float:
    """Similarity of the two word sequences with numbers and month names left out: 1.0 = same sentence, other figures."""
    def frame(u: Unit) -> list[str]:
        return [t.low for t in u.tokens if t.is_word and t.start >= u.claim.body_start and t.low not in _MONTH_WORDS]
    fa, fb = frame(a), frame(b)
    if len(fa) < MIN_WORDS or len(fb) < MIN_WORDS:
        return 0.0
    return SequenceMatcher(None, fa, fb, autojunk=False).ratio()


_MONTH_WORDS = frozenset(MONTHS)


def pair_signals(a: Unit, b: Unit, sim: float, settings: ConflictSettings) -> PairSignals:
    """Every conflict signal (quantity, date, negation, agent, substitution, ...) for one pair of units."""
    p = PairSignals(a=a.idx, b=b.idx, similarity=sim)
    tol = settings.quantity_tolerance
    frame = _frame_ratio(a, b) if sim >= 0.7 else 0.0
    for name, (v, d) in (
        ("quantity", _quantity_signal(a, b, sim, tol, frame)),
        ("date", _date_signal(a, b, sim, frame)),
        ("negation", _negation_signal(a, b)),
        ("agent", _agent_signal(a, b, sim)),
        ("substitution", _substitution_signal(a, b, tol)),
    ):
        p.values[name] = v
        if v > 0:
            p.details[name] = d
    # signals only count between sentences about the same thing
    gate = _ramp(sim, 0.42, 0.6)
    for name in ("quantity", "date", "negation", "substitution"):
        p.values[name] *= gate
    p.values["contrast"] = _contrast_signal(a, b, sim)
    p.values["same_party"] = 1.0 if same_party(a, b) else 0.0
    return p


def shared_stems(a: Unit, b: Unit) -> set[str]:
    """The content stems the two units' claims share."""
    return set(a.claim.stems) & set(b.claim.stems)


def jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    """Jaccard overlap of two stem sets (0 when both are empty)."""
    return len(x & y) / max(1, len(x | y))
