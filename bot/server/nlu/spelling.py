"""Reading misspelled vocabulary words as the words they were meant to be.

"sholder", "lower bak" and "hedache" are read as "shoulder", "lower back" and "headache":
a word that is neither in the lexicon nor an English word (pyspellchecker's dictionary)
is taken for the one lexicon word within a small edit distance (rapidfuzz's
Damerau-Levenshtein). English words are never changed, so "half" stays "half" and does
not become "calf", and "bank" does not become "back"; a word with two equally close
readings is left alone. A lexicon word with an "s" that the lexicon does not list is the
word: people drop the apostrophe of "breathing's".

The known misspellings (data/lexicon/spellings.yml) are read as their word, in the terms
and in messages alike, and a correction goes through them too: "sholdr" is as close to
"sholder" as to "shouldr", and both are "shoulder", so that is its reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein, Indel, Levenshtein
from spellchecker import SpellChecker

SHORTEST = 3
"""Shorter words are too easily something else ("ab", "ok")."""
SHORTEST_GUESSED = 4
"""Shorter words are corrected only when listed: "bot", "bro", "erm" and "tmi" are one edit
from "both", "brow", "arm" and "tmj"."""

VOWELS = set("aeiouy")
KEYBOARD = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]


def max_edits(word: str) -> int:
    return 1 if len(word) <= 6 else 2


@cache
def english() -> SpellChecker:
    return SpellChecker(language="en", distance=1)


BRITISH = [
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ise", "ize"),
    ("yse", "yze"),
    ("ysing", "yzing"),
    ("ysed", "yzed"),
    ("our", "or"),
    ("tre", "ter"),
    ("ae", "e"),
    ("oe", "e"),
    ("lled", "led"),
    ("lling", "ling"),
    ("ogue", "og"),
]
"""British spellings and their American ones, the dictionary's: "realising" is a word."""


def is_english(word: str) -> bool:
    """A word of the English dictionary, in its American or its British spelling."""
    if word in english():
        return True
    return any(
        british in word and word.replace(british, american) in english()
        for british, american in BRITISH
    )


@cache
def _neighbours() -> dict[str, set[str]]:
    """The keys beside each letter on a QWERTY keyboard, rows above and below included."""
    near: dict[str, set[str]] = {}
    for r, row in enumerate(KEYBOARD):
        for c, key in enumerate(row):
            found = near.setdefault(key, set())
            for other_row in KEYBOARD[max(r - 1, 0) : r + 2]:
                found.update(other_row[max(c - 1, 0) : c + 2])
            found.discard(key)
    return near


def slip_cost(word: str, candidate: str) -> float:
    """How unlikely the edits from `candidate` to `word` are as slips: a letter swapped for
    a neighbouring key or a vowel for a vowel ("frunt" for "front") costs half of another
    change ("frunt" for "fruit")."""
    cost = 0.0
    for edit in Levenshtein.editops(candidate, word):
        if edit.tag == "replace":
            a, b = candidate[edit.src_pos], word[edit.dest_pos]
            alike = {a, b} <= VOWELS or b in _neighbours().get(a, ())
            cost += 0.5 if alike else 1.0
        else:
            cost += 1.0
    return cost


class Speller:
    def __init__(
        self,
        vocabulary: Iterable[str],
        spellings: Mapping[str, str] | None = None,
        kept: Iterable[str] = (),
    ):
        """`vocabulary` is the lexicon's words; `spellings` maps known misspellings to their
        word ("sholder" to "shoulder"); both are corrected towards, read as the word.
        `kept` are words that are no misspelling ("cafe", "swole")."""
        self.spellings = dict(spellings or {})
        words = {*vocabulary, *self.spellings}
        self.vocabulary = sorted({w for w in words if w.isalpha() and len(w) >= SHORTEST})
        self._known = set(self.vocabulary) | set(words) | set(kept)
        self.correct = cache(self._correct)

    def canonical(self, word: str) -> str:
        return self.spellings.get(word, word)

    def _correct(self, word: str) -> str | None:
        """The lexicon word a misspelled word stands for, or None."""
        if word in self.spellings:
            return self.spellings[word]
        if len(word) < SHORTEST or not word.isalpha() or word in self._known:
            return None
        if word.endswith("s") and word[:-1] in self._known:
            # a possessive without its apostrophe: "breathings gone funny", "necks stiff"
            return self.canonical(word[:-1])
        if len(word) < SHORTEST_GUESSED or is_english(word):
            return None
        # people rarely get the first letter wrong: "refered" is no "fevered", "erm" no "arm"
        found = [
            (candidate, distance)
            for candidate, distance, _ in process.extract(
                word,
                self.vocabulary,
                scorer=DamerauLevenshtein.distance,
                score_cutoff=max_edits(word),
                limit=None,
            )
            if candidate[0] == word[0]
        ]
        if not found:
            return None
        best = min(distance for _, distance in found)
        # each reading once, by its likeliest spelling: "sholdr" is "sholder" and "shouldr"
        readings: dict[str, str] = {}
        for candidate, distance in found:
            reading = self.canonical(candidate)
            if distance == best and (
                reading not in readings or self._likelier(word, candidate, readings[reading])
            ):
                readings[reading] = candidate
        if len(readings) == 1:
            return next(iter(readings))
        # "kneee" is "knee" rather than "knees": a dropped or doubled letter is likelier;
        # "frunt" is "front" rather than "fruit": a vowel for a vowel, or a key beside it
        ranked = sorted(readings.items(), key=lambda item: _rank(word, item[1]))
        first, second = ranked[0], ranked[1]
        return first[0] if _rank(word, first[1]) != _rank(word, second[1]) else None

    @staticmethod
    def _likelier(word: str, candidate: str, other: str) -> bool:
        return _rank(word, candidate) < _rank(word, other)


def _rank(word: str, candidate: str) -> tuple[float, float]:
    """How likely a misspelling of `candidate` `word` is, the likeliest lowest."""
    return (-Indel.normalized_similarity(word, candidate), slip_cost(word, candidate))
