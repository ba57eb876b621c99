"""Reading misspelled vocabulary words as the words they were meant to be.

"sholder", "lower bak" and "hedache" are read as "shoulder", "lower back" and "headache":
a word that is neither in the lexicon nor an English word (pyspellchecker's dictionary)
is taken for the one lexicon word within a small edit distance (rapidfuzz's
Damerau-Levenshtein). English words are never changed, so "half" stays "half" and does
not become "calf"; a word with two equally close readings is left alone. A lexicon word with
an "s" that the lexicon does not list is the word: people drop the apostrophe of "breathing's".
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Indel
from spellchecker import SpellChecker

SHORTEST = 3
"""Shorter words are too easily something else ("ab", "ok")."""


def max_edits(word: str) -> int:
    return 1 if len(word) <= 6 else 2


@cache
def english() -> SpellChecker:
    return SpellChecker(language="en", distance=1)


class Speller:
    def __init__(self, vocabulary: Iterable[str]) -> None:
        self.vocabulary = sorted({w for w in vocabulary if w.isalpha() and len(w) >= SHORTEST})
        self._known = set(self.vocabulary)
        self.correct = cache(self._correct)

    def _correct(self, word: str) -> str | None:
        """The lexicon word a misspelled word stands for, or None."""
        if len(word) < SHORTEST or not word.isalpha() or word in self._known:
            return None
        if word.endswith("s") and word[:-1] in self._known:
            # a possessive without its apostrophe: "breathings gone funny", "necks stiff"
            return word[:-1]
        if word in english():
            return None
        limit = max_edits(word)
        found = process.extract(
            word,
            self.vocabulary,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=limit,
            limit=None,
        )
        if not found:
            return None
        best = min(distance for _, distance, _ in found)
        closest = [candidate for candidate, distance, _ in found if distance == best]
        if len(closest) > 1:
            # "bak" is "back" rather than "bank": people rarely get the first letter wrong;
            # "kneee" is "knee" rather than "knees": a dropped or doubled letter is likelier
            closest = [c for c in closest if c[0] == word[0]]
            likeliest = max((Indel.normalized_similarity(word, c) for c in closest), default=0)
            closest = [c for c in closest if Indel.normalized_similarity(word, c) == likeliest]
        return closest[0] if len(closest) == 1 else None
