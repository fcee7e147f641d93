"""The verb lexicon: action verbs and their inflections, forms of 'be', reporting verbs.

Synonymous action verbs share a key ('shot down', 'brought down', 'downed' -> ``down``);
:func:`past_tense` renders a base form for summaries.
"""

from __future__ import annotations

import re

from rag.text.stems import claim_stem


# ---------------------------------------------------------------------------
# Action verbs
# ---------------------------------------------------------------------------

# base verb -> action key. Synonyms share a key; phrasal verbs are "verb particle".
_ACTION_BASES = {
    "shoot down": "down", "bring down": "down", "take down": "down", "knock down": "down", "down": "down",
    "intercept": "down", "destroy": "destroy", "kill": "kill", "attack": "attack", "strike": "strike",
    "bomb": "strike", "launch": "launch", "win": "win", "defeat": "win", "beat": "win", "acquire": "acquire",
    "buy": "acquire", "purchase": "acquire", "found": "found", "establish": "found", "direct": "direct",
    "award": "award", "invent": "invent", "discover": "discover", "sign": "sign", "arrest": "arrest",
    "recall": "recall", "summon": "summon", "ban": "ban", "elect": "elect", "appoint": "appoint",
    "nominate": "nominate", "fire": "fire", "hit": "hit", "capture": "capture", "seize": "capture",
    "release": "release", "publish": "publish", "write": "write", "compose": "write", "create": "create",
    "develop": "create", "design": "create", "build": "build", "host": "host", "lead": "lead", "murder": "kill",
    "assassinate": "kill", "shoot": "shoot", "sink": "destroy", "crash": "crash", "cause": "cause",
    "sponsor": "sponsor", "broker": "broker", "mediate": "broker", "close": "close", "withdraw": "withdraw",
    "target": "target", "invade": "invade", "occupy": "occupy", "produce": "produce", "play": "play",
    "star": "play", "score": "score", "marry": "marry", "succeed": "succeed", "replace": "succeed",
}
_IRREGULAR_FORMS = {
    "shoot": ["shot"], "bring": ["brought"], "take": ["took", "taken"], "win": ["won"], "beat": ["beaten"],
    "buy": ["bought"], "strike": ["struck", "stricken"], "hit": [], "write": ["wrote", "written"], "lead": ["led"],
    "build": ["built"], "sink": ["sank", "sunk"], "withdraw": ["withdrew", "withdrawn"], "found": [],
    "seize": [], "knock": [],
}


def past_tense(base: str) -> str:
    """'shoot down' -> 'shot down', 'attack' -> 'attacked' (for summaries)."""
    verb, _, rest = base.partition(" ")
    irregular = _IRREGULAR_FORMS.get(verb)
    if irregular:
        past = irregular[0]
    elif verb.endswith("e"):
        past = verb + "d"
    elif verb.endswith("y") and verb[-2:-1] not in ("a", "e", "o", "u"):
        past = verb[:-1] + "ied"
    else:
        past = verb + "ed"
    return f"{past} {rest}".strip()


def _inflections(verb: str) -> set[str]:
    forms = {verb, verb + "s", verb + "es"}
    if verb.endswith("e"):
        forms |= {verb + "d", verb[:-1] + "ing"}
    elif verb.endswith("y") and verb[-2] not in "aeiou":
        forms |= {verb[:-1] + "ied", verb[:-1] + "ies", verb + "ing"}
    else:
        forms |= {verb + "ed", verb + "ing"}
        if re.fullmatch(r".*[^aeiou][aeiou][bdgklmnprt]", verb) and len(verb) <= 5:
            forms |= {verb + verb[-1] + "ed", verb + verb[-1] + "ing"}
    forms |= set(_IRREGULAR_FORMS.get(verb, []))
    return forms


VERB_FORMS: dict[str, tuple[str, str]] = {}  # form -> (key, base)
PHRASAL_VERBS: dict[tuple[str, str], tuple[str, str]] = {}
for _base, _key in _ACTION_BASES.items():
    if " " in _base:
        _v, _p = _base.split()
        for _f in _inflections(_v):
            PHRASAL_VERBS[(_f, _p)] = (_key, _base)
    else:
        for _f in _inflections(_base):
            VERB_FORMS.setdefault(_f, (_key, _base))
# 'found' is far more often the past of 'find'; only treat it as 'establish' with 'founded'.
VERB_FORMS.pop("found", None)
VERB_FORMS.pop("close", None)  # adjective
VERB_FORMS.pop("closes", None)


BE_FORMS = frozenset("is are was were be been being am get got gets getting".split())


SPEECH_VERBS = frozenset(
    """say says said saying state states stated claim claims claimed claiming maintain maintains maintained insist
    insists insisted assert asserts asserted asserting announce announces announced report reports reported note
    notes noted argue argues argued add adds added confirm confirms confirmed confirming reiterate reiterates
    reiterated emphasize emphasizes emphasized emphasise emphasised stress stresses stressed explain explains
    explained allege alleges alleged alleging deny denies denied denying reject rejects rejected tell tells told
    contend contends contended acknowledge acknowledged acknowledges concede conceded declare declared declares
    believe believes insisting maintaining responded respond responds expressed clarified tweeted wrote writes
    suggest suggests suggested warned warns revealed reveals according accused accuses described describes
    dismissed dismisses concluded concludes""".split()
)
REPORTING_STEMS = frozenset(claim_stem(w) for w in SPEECH_VERBS | {"expressed", "express", "issued", "statement", "condemned"})
"""Stems of reporting verbs: shared 'said' or 'expressed' says nothing about two claims being about one fact."""
