"""The words of a conflict: its one-line summary (label and what each camp says) and its topic."""

from __future__ import annotations

from collections import Counter
from typing import Iterable

from rag.claims import STOPWORDS, Negation, format_quantity, past_tense, same_entity, stem
from rag.conflicts.signals import PairSignals, shared_stems, topical_stems
from rag.conflicts.units import Unit


# ---------------------------------------------------------------------------
# Summaries
# ---------------------------------------------------------------------------


_DIMENSION_LABELS = {
    "length": "Distance", "mass": "Weight", "duration": "Duration", "speed": "Speed", "area": "Area",
    "percent": "Share", "count": "Number", "number": "Figure",
}


def _surface(units: list[Unit], stems_: Iterable[str], limit: int = 2) -> list[str]:
    """Readable words for stems, as first written in the units."""
    out: list[str] = []
    for s in stems_:
        for u in units:
            w = next((t.text for t in u.tokens if t.is_word and stem(t.text) == s), None)
            if w:
                out.append(w if w.isupper() or (w[0].isupper() and not w.istitle()) else w.lower())
                break
        if len(out) >= limit:
            break
    return out


def _names(units: list[Unit], min_units: int = 2) -> list[str]:
    """Names mentioned in at least ``min_units`` units, most frequent first (variants merged, shortest form shown)."""
    clusters: list[tuple[str, set[int]]] = []
    for u in units:
        for e in u.claim.entities:
            for k, (name, members) in enumerate(clusters):
                if same_entity(name, e.text):
                    members.add(u.idx)
                    if len(e.text) < len(name):
                        clusters[k] = (e.text, members)
                    break
            else:
                clusters.append((e.text, {u.idx}))
    clusters = [c for c in clusters if len(c[1]) >= min_units]
    clusters.sort(key=lambda c: (-len(c[1]), c[0]))
    return [c[0] for c in clusters]


def party_label(units: list[Unit]) -> str:
    """Who a camp of units is: its most frequent party, else its most frequent short article title."""
    parties = Counter(u.party for u in units if u.party)
    if parties:
        return parties.most_common(1)[0][0]
    titles = Counter(short_title(u.ev.title or u.ev.doc_id) for u in units)
    return titles.most_common(1)[0][0]


def short_title(title: str, limit: int = 40) -> str:
    """An article title cut at a word boundary with an ellipsis ('Escalating tensions: Mali-Algeria…'), not mid-word."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    cut = title[:limit].rsplit(" ", 1)[0].rstrip(" :,;–-")
    return f"{cut}…"


def _negation_phrase(u: Unit, n: Negation) -> str | None:
    """The denial as written, from the cue to the end of its scope: 'denies any airspace violation'."""
    if n.kind == "dispute" or n.scope_end <= n.start:
        return None
    return u.text[n.start : n.scope_end].strip(" ,.\u201c\u201d\"")


def _snippet(u: Unit, words: int = 10) -> str:
    """The claim part of a unit (after 'X said that'), at most ``words`` words, in quotes."""
    toks = [t for t in u.tokens if (t.is_word or t.text[0].isdigit()) and t.start >= u.claim_from]
    if u.claim_from == 0 and u.claim.speech_verb:
        verb = u.claim.speech_verb.split()[-1]
        k = next((i for i, t in enumerate(toks) if t.text == verb), -1)
        if 0 <= k < len(toks) - 2:
            toks = toks[k + 1 :]
    if toks and toks[0].low == "that":
        toks = toks[1:]
    if not toks:
        return f"\u201c{u.text[:60]}\u201d"
    cut = toks[:words]
    s = u.text[cut[0].start : cut[-1].end]
    return f"\u201c{s}\u2026\u201d" if len(toks) > words else f"\u201c{s}\u201d"


def camp_values(kind: str, ids: set[int], pairs: list[PairSignals], units: list[Unit]) -> list[str]:
    """What one camp says, for the summary: its values, agents, dates or denials."""
    quantities: list[str] = []
    denials: list[str] = []
    others: list[str] = []
    agent_keys: list[str] = []
    for p in pairs:
        d = p.details
        if "quantity" in d:
            quantities += [format_quantity(q) for side, q in ((p.a, d["quantity"]["a"]), (p.b, d["quantity"]["b"])) if side in ids]
        if "negation" in d and d["negation"]["negated"] in ids:
            phrase = _negation_phrase(units[d["negation"]["negated"]], d["negation"]["negation"])
            if phrase:
                denials.append(phrase)
        if kind == "date" and "date" in d:
            others += [x.text for side, x in ((p.a, d["date"]["a"]), (p.b, d["date"]["b"])) if side in ids]
        elif kind == "agent" and "agent" in d:
            ag = d["agent"]
            acts = ([ag["action"]] if ag["x"] in ids else []) + ([ag["other"]] if ag["y"] in ids and ag["other"] else [])
            for act in acts:
                if not any(same_entity(act.agent_key, k) for k in agent_keys):
                    agent_keys.append(act.agent_key)
                    others.append(act.agent)
            if ag["y"] in ids and ag["other"] is None:
                denials.append(f"not {ag['action'].agent}")
        elif "substitution" in d and (kind == "general" or kind not in d):
            sub = d["substitution"]
            others += [t for side, t in ((p.a, sub["a"]), (p.b, sub["b"])) if side in ids]
        elif kind == "general" and p.values.get("contrast", 0) > 0:
            others += [_snippet(units[side]) for side in (p.a, p.b) if side in ids]
    if kind == "quantity":
        vals = quantities + denials
    elif kind == "negation":
        vals = ([f"no: {denials[0]}"] if denials else ["yes"]) + quantities
    elif kind == "agent":
        vals = others or denials
    else:
        vals = others
    if not vals:
        vals = [_snippet(units[min(ids)])]
    out: list[str] = []
    for v in vals:
        if v and v not in out and not any(len(v) < 40 and len(s) < 40 and same_entity(v, s) for s in out):
            out.append(v)
    return out[:3]


def conflict_label(kind: str, pairs: list[PairSignals], units: list[Unit], members: list[Unit]) -> str:
    """The heading of a conflict's summary, e.g. 'Date (attack)' or 'Whether it happened', from its kind and lead pair."""
    lead = pairs[0]
    shared: Counter[str] = Counter()
    for p in pairs:
        for s in topical_stems(shared_stems(units[p.a], units[p.b]), units[p.a], units[p.b]):
            shared[s] += 1
    common = [s for s, _ in shared.most_common()]
    if kind in ("quantity", "date") and kind not in lead.details:
        words = _surface(members, common, 2)
        head = "Figure" if kind == "quantity" else "Date"
        return f"{head} ({', '.join(words)})" if words else head
    if kind == "quantity":
        d = lead.details["quantity"]
        dim, q = d["dimension"], d["a"]
        head = _DIMENSION_LABELS.get(dim, "Amount" if dim.startswith("money") else "Quantity")
        if dim == "count" and q.noun:
            # the noun as a side wrote it with a number other than one reads as a plural ('militants')
            head = "Number of " + next((x.noun for x in (d["a"], d["b"]) if x.noun and x.value != 1), q.noun)
        ctx = [s for s in dict.fromkeys(list(topical_stems(d["a"].context + d["b"].context, units[lead.a], units[lead.b])) + common)]
        words = _surface(members, [s for s in ctx if s in shared] or ctx, 2)
        return f"{head} ({', '.join(words)})" if words else head
    if kind == "agent":
        act = lead.details["agent"]["action"]
        # Names are not objects ("the Malian drone" -> drone), but a title-case headline makes every word a
        # "name" ("Downed Our Drone"): a stem some unit writes in lower case is a common word.
        lower = {stem(t.text) for u in members for t in u.tokens if t.is_word and t.text.islower()}
        names = (units[lead.a].name_stems | units[lead.b].name_stems) - lower
        # A passive "after being brought down by X" has no object of its own: take the object the other
        # side gives the same action ("Algeria downed our drone"), never a shared word such as "army".
        objects = list(act.object_stems) + [s_ for u in (units[lead.a], units[lead.b]) for other in u.claim.actions
                                            if other.key == act.key for s_ in other.object_stems]
        obj = _surface(members, [x for x in dict.fromkeys(objects) if x not in names], 1)
        verb = past_tense(act.base) if act.base else act.text.lower()
        return f"Who {verb} the {obj[0]}" if obj else f"Who {verb} it"
    if kind == "negation":
        n = lead.details["negation"]["negation"]
        x = units[lead.details["negation"]["negated"]]
        acts = [act for act in x.claim.actions if act.negated and act.key in n.actions and act.agent]
        if acts:  # 'not shot down by its forces' -> 'Whether Algerian forces shot down the drone'
            act = acts[0]
            obj = _surface(members, [s_ for s_ in act.object_stems if s_ not in x.name_stems], 1)
            return f"Whether {act.agent} {past_tense(act.base)} the {obj[0]}" if obj else f"Whether {act.agent} {past_tense(act.base)} it"
        scope = n.scope.strip(" ,.\u201c\u201d\"")
        return f"Whether {scope}" if scope else "Whether it happened"
    if kind == "date":
        d = lead.details["date"]
        words = _surface(members, list(topical_stems(d["a"].context + d["b"].context, units[lead.a], units[lead.b])) or common, 2)
        return f"Date ({', '.join(words)})" if words else "Date"
    if lead.values.get("contrast", 0) > 0 and "substitution" not in lead.details:
        firsts = []
        for u in (units[lead.a], units[lead.b]):
            topical = [stem(t.text) for t in u.tokens if t.is_word and t.start >= u.claim_from and t.low not in STOPWORDS]
            topical = [s for s in topical_stems(topical, u) if s in topical]
            firsts += _surface([u], [next((s for s in (stem(t.text) for t in u.tokens if t.is_word and t.start >= u.claim_from and t.low not in STOPWORDS) if s in topical), "")], 1)
        return f"Disagreement ({' / '.join(dict.fromkeys(firsts))})" if firsts else "Disagreement"
    words = _surface(members, common, 2)
    return f"Disagreement ({', '.join(words)})" if words else "Disagreement"


def topic_of(members: list[Unit], question: str | None) -> str:
    """A short topic for the conflict: the names and a noun its units share, else the question's start."""
    names = _names(members, 2)[:2] or _names(members, 1)[:2]
    counts: Counter[str] = Counter()
    for u in members:
        counts.update(topical_stems(set(u.claim.stems), u))
    nouns = [s for s, c in counts.most_common() if c >= 2]
    parts = names + _surface(members, nouns[:1], 1)
    if parts:
        return " / ".join(parts)
    return (question or "").strip()[:40]
