"""Negation and denial cues with their scope.

'not shot down by its forces', 'denies any airspace violation', "rejecting Algeria's claim that ...",
"contrary to X's assertions".
"""

from __future__ import annotations

from rag.claims.model import Negation
from rag.claims.phrases import Sentence, np_left
from rag.claims.verbs import BE_FORMS
from rag.text.stems import claim_stem
from rag.text.terms import content_stems
from rag.text.tokens import Token


# ---------------------------------------------------------------------------
# Negation and denial
# ---------------------------------------------------------------------------

_NEG_WORDS = frozenset({"not", "never", "no", "none", "nobody", "nothing", "neither", "nor", "cannot", "n't"})
_NEG_EXCEPT = {
    ("not", "only"), ("not", "just"), ("no", "longer"), ("no", "doubt"), ("no", "later"), ("not", "until"),
    ("no", "fewer"), ("no", "more"), ("no", "less"), ("not", "least"), ("not", "to"), ("no", "matter"),
}
_DENY = {
    "deny": "denial", "denies": "denial", "denied": "denial", "denying": "denial", "reject": "denial",
    "rejects": "denial", "rejected": "denial", "rejecting": "denial", "refute": "denial", "refutes": "denial",
    "refuted": "denial", "refuting": "denial", "dispute": "denial", "disputes": "denial", "disputed": "denial",
    "disputing": "denial", "dismiss": "denial", "dismisses": "denial", "dismissed": "denial", "dismissing": "denial",
    "challenging": "denial", "challenged": "denial", "challenges": "denial", "contradicting": "denial",
    "contradicts": "denial", "contradicted": "denial", "debunked": "denial", "disproved": "denial",
}
# Nouns that stand for someone's statement: denying one of them says nothing about the facts unless a 'that'-clause follows.
_SPEECH_NOUNS = frozenset(
    """claim claims assertion assertions accusation accusations allegation allegations explanation explanations
    report reports statement statements version narrative account accounts charge charges suggestion suggestions
    rumours rumors idea notion""".split()
)


def _scope_end(toks: list[Token], k: int, limit: int = 12) -> int:
    b = k
    while b < len(toks) and b - k < limit:
        t = toks[b]
        if t.text in (",", ";", ".", ":", "?", "!", "\u2014") or t.low in ("but", "while", "whereas", "although", "though", "because"):
            break
        if t.low == "and" and b + 1 < len(toks) and toks[b + 1].low.endswith(("ing", "ed")):
            break
        b += 1
    return b


def find_negations(s: Sentence, actions: list[tuple[int, int, str, str]]) -> tuple[list[Negation], list[tuple[int, int]]]:
    """The sentence's negations and denials, and the token spans they cover (the spans negate the actions in them)."""
    toks = s.tokens
    out: list[Negation] = []
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        t = toks[i]
        low = t.low
        nxt = toks[i + 1].low if i + 1 < len(toks) else ""
        kind = None
        if low == "no" and (nxt[:1].isdigit() or (nxt == "." and i + 2 < len(toks) and toks[i + 2].text[:1].isdigit())):
            i += 1  # 'No. 1', 'No1'
            continue
        if (low in _NEG_WORDS or low.endswith("n't")) and (low, nxt) not in _NEG_EXCEPT:
            kind = "negation"
        elif low in _DENY:
            kind = _DENY[low]
        elif low == "contrary" and nxt == "to":
            kind = "dispute"
        if kind is None:
            i += 1
            continue
        a = i + 1 + (1 if low == "contrary" else 0)
        denied_party = None
        if kind in ("denial", "dispute"):
            # 'rejecting Algeria's claim that P' -> P, denied party Algeria
            look = a
            while look < min(len(toks), a + 7) and toks[look].low not in _SPEECH_NOUNS:
                look += 1
            if look < len(toks) and toks[look].low in _SPEECH_NOUNS and look < a + 7:
                r = (a, look)
                if look > a:
                    d, key = s.party(*r) if any(x.is_cap for x in toks[a:look]) else (None, None)
                    denied_party = d.replace("'s", "").replace("\u2019s", "").strip() if d else None
                if look + 1 < len(toks) and toks[look + 1].low == "that":
                    a = look + 2
                elif kind == "dispute":
                    # 'Contrary to X's assertions, MAIN': MAIN is asserted, not negated
                    out.append(Negation(cue=s.text[t.start : toks[i + 1].end], start=t.start, end=toks[i + 1].end,
                                        scope="", scope_end=toks[look].end, denied_party=denied_party, kind=kind))
                    i = look + 1
                    continue
                else:
                    a = look + 1
                    if a < len(toks) and toks[a].low in ("of", "by"):
                        a = len(toks)  # 'dismissed claims of ...' without a proposition
                    else:
                        a = len(toks)
            elif kind == "denial" and i > 0 and toks[i - 1].low in BE_FORMS and a < len(toks) and toks[a].low == "by":
                # 'accusations were dismissed by Algeria': the scope is the subject, usually a speech noun
                r = np_left(toks, i - 2)
                stems_ = content_stems([x.text for x in toks[r[0] : r[1]]]) if r else []
                stems_ = [x for x in stems_ if x not in {claim_stem(w) for w in _SPEECH_NOUNS}]
                scope = s.span_text(*r) if r else ""
                out.append(Negation(cue=t.text, start=t.start, end=t.end, scope=scope, scope_stems=stems_, kind=kind,
                                    scope_end=t.end))
                i += 1
                continue
        b = _scope_end(toks, a, limit=16 if kind != "negation" else 10)
        if kind == "negation" and b - a < 2:
            b = min(len(toks), _scope_end(toks, a, limit=10))
        scope_toks = toks[a:b]
        scope_words = [x.text for x in scope_toks]
        stems_ = [x for x in content_stems(scope_words) if x not in {claim_stem(w) for w in _SPEECH_NOUNS}]
        acts = [key for (vi, vj, key, _) in actions if a <= vi < b]
        spans.append((i, b))
        out.append(
            Negation(
                cue=s.text[t.start : (toks[i + 1].end if low == "contrary" else t.end)], start=t.start,
                end=toks[i + 1].end if low == "contrary" else t.end, scope=s.span_text(a, b) if b > a else "",
                scope_stems=stems_, actions=acts, denied_party=denied_party, kind=kind,
                scope_end=toks[b - 1].end if b > a else t.end,
            )
        )
        i += 1
    return out, spans
