"""Actions and their agents.

'Algeria shot down', 'brought down by the Azawad Liberation Front', 'accused Algeria of downing':
each action verb with its agent, voice, negation and the thing acted on.
"""

from __future__ import annotations

from rag.claims.model import Action
from rag.claims.phrases import Sentence, np_left, np_right
from rag.claims.verbs import BE_FORMS, PHRASAL_VERBS, VERB_FORMS
from rag.text.terms import content_stems
from rag.text.tokens import Token


# ---------------------------------------------------------------------------
# Actions and agents
# ---------------------------------------------------------------------------


_DETERMINERS = frozenset("a an the this that these those its their his her our my your further any every each another".split())


_SKIP_LEFT = frozenset(
    """also deliberately reportedly allegedly intentionally accidentally had has have having did does do will would
    could may might must to then later first eventually actually apparently successfully previously just never not
    n't finally subsequently initially already still""".split()
)
_CLAIM_VERBS = frozenset(
    """claimed claims claim said says say alleged alleges appeared appears seemed seems reported reports believed
    believes thought expected""".split()
)


def _separated_particle(toks: list[Token], i: int, span: int = 4) -> int | None:
    """Index of a particle split from its verb by a short object: 'brought [the drone] down'."""
    for j in range(i + 2, min(len(toks), i + 2 + span)):
        if not toks[j].is_word:
            return None
        if (toks[i].low, toks[j].low) in PHRASAL_VERBS:
            return j
    return None


def find_actions(s: Sentence) -> list[tuple[int, int, str, str]]:
    """(verb index, end index, key, base) for each action verb."""
    out = []
    toks = s.tokens
    words = [t for t in toks if t.is_word]
    headline = len(words) >= 3 and sum(t.is_cap for t in words) / len(words) > 0.6
    for i, t in enumerate(toks):
        if not t.is_word:
            continue
        if t.is_cap and i > 0 and not headline:
            continue  # part of a name: 'Academy Award'
        low = t.low
        nxt = toks[i + 1].low if i + 1 < len(toks) else ""
        if (low, nxt) in PHRASAL_VERBS:
            key, base = PHRASAL_VERBS[(low, nxt)]
            out.append((i, i + 2, key, base))
        elif (j := _separated_particle(toks, i)) is not None:
            key, base = PHRASAL_VERBS[(low, toks[j].low)]
            out.append((i, j + 1, key, base))
        elif low in VERB_FORMS and not (low == "down" and not (i > 0 and toks[i - 1].low in ("the",) or nxt in ("by",) or (i > 0 and toks[i - 1].is_word and toks[i - 1].is_cap))):
            if i > 0 and (toks[i - 1].low, low) in PHRASAL_VERBS:
                continue
            if i > 0 and toks[i - 1].low in _DETERMINERS and not low.endswith("ing"):
                continue  # a noun: 'a further sign', 'the attack'
            if i > 1 and toks[i - 2].low in _DETERMINERS and not toks[i - 1].is_cap and toks[i - 1].low.endswith(("er", "al", "ful", "ous", "ive")) and not low.endswith("ing"):
                continue
            key, base = VERB_FORMS[low]
            if low in ("downed", "downing") or base != "down":
                out.append((i, i + 1, key, base))
    return out


def find_agents(s: Sentence, negs: list[tuple[int, int]]) -> list[Action]:
    """Each action with its voice, negation, agent and object (the agent read after 'by' in the passive, else on the left)."""
    out: list[Action] = []
    toks = s.tokens
    for i, j, key, base in find_actions(s):
        # voice: a form of 'be' shortly before, or 'by' right after (participle: 'downed by ...')
        left = [t.low for t in toks[max(0, i - 3) : i]]
        passive = any(w in BE_FORMS for w in left) or (j < len(toks) and toks[j].low == "by")
        nominal = i > 0 and toks[i - 1].low in ("the", "a", "its", "their") and toks[i].low.endswith("ing")
        negated = any(a <= i < b for a, b in negs) or any(w in ("not", "never", "n't") or w.endswith("n't") for w in left)
        agent = agent_key = None
        obj: list[str] = []
        if passive and not nominal:
            # the agent follows 'by' within a few words
            for k2 in range(j, min(len(toks), j + 4)):
                if toks[k2].low == "by":
                    # 'by hostile action from the Algerian regime': first name or party in the next words
                    for a in range(k2 + 1, min(len(toks), k2 + 8)):
                        if toks[a].text in (",", ";", ".") or toks[a].low in ("but", "after", "before", "while"):
                            break
                        r = np_right(toks, a)
                        if r:
                            d, kk = s.party(*r)
                            if kk:
                                agent, agent_key = d, kk
                                break
                    break
            # the thing acted on is the subject before 'was'
            r = np_left(toks, max(0, i - 1 - sum(1 for w in left if w in BE_FORMS or w in _SKIP_LEFT)))
            if r:
                obj = content_stems([t.text for t in toks[r[0] : r[1]]])
        elif nominal:
            # 'the downing of X': no agent; object after 'of'
            if j < len(toks) and toks[j].low == "of":
                r = np_right(toks, j + 1)
                if r:
                    obj = content_stems([t.text for t in toks[r[0] : r[1]]])
        else:
            k = i - 1
            # 'accused Algeria of downing': agent before 'of'
            if k >= 0 and toks[k].low == "of" and toks[i].low.endswith("ing"):
                k -= 1
            while k >= 0 and (toks[k].low in _SKIP_LEFT or toks[k].low.endswith("ly") and toks[k].is_word and not toks[k].is_cap):
                k -= 1
            infinitive = any(toks[x].low == "to" for x in range(k + 1, i))
            if k >= 0 and toks[k].low in _CLAIM_VERBS and infinitive:  # 'claimed to have shot down'
                k -= 1
                while k >= 0 and toks[k].low in _SKIP_LEFT:
                    k -= 1
                infinitive = False
            if k >= 0 and not infinitive:  # 'X beat Y to win': the subject of 'win' is not Y
                r = np_left(toks, k)
                if r:
                    agent, agent_key = s.party(*r)
            r = np_right(toks, j)
            if r:
                obj = content_stems([t.text for t in toks[r[0] : r[1]]])
        out.append(
            Action(
                key=key, base=base, text=s.text[toks[i].start : toks[j - 1].end], start=toks[i].start, end=toks[j - 1].end,
                agent=agent, agent_key=agent_key, passive=passive, negated=negated, object_stems=obj,
            )
        )
    return out
