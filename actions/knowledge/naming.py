"""Which muscle of the knowledge base a question names: "how do I stretch my lev scap?".

A muscle is known by its name up to the parenthesis ("Upper trapezius"), its code with
spaces ("levator scapulae"), and the names people use for it in
data/knowledge/muscle_naming.yml ("traps", "QL"). The longest name found wins ("rear delt"
over "delt"); a word of seven letters or more may be misspelt by a little ("piriformus").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from functools import cache

import yaml

from actions.settings import DATA_DIR

NAMING = DATA_DIR / "knowledge" / "muscle_naming.yml"
FORGIVEN_LENGTH = 7
"""Words this long or longer are matched with a typo or two; shorter ones ("lat", "ql",
"pec") only as written, or "pet" and "cat" would be muscles."""
CLOSENESS = 0.85


def words(text: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[a-z0-9]+", text.lower().replace("'s ", " ")))


@cache
def extra_names(path: str = str(NAMING)) -> dict[str, list[str]]:
    with open(path) as naming:
        return yaml.safe_load(naming)["names"]


def names_of(muscles: Mapping[str, str]) -> dict[tuple[str, ...], str]:
    """Every name, as words, and the muscle code it names; `muscles` maps code to the
    knowledge base's name."""
    found: dict[tuple[str, ...], str] = {}
    for code, name in muscles.items():
        for known in (name.split("(")[0], code.replace("_", " "), *extra_names().get(code, ())):
            found.setdefault(words(known), code)
    return found


class MuscleNames:
    """The names of the knowledge base's muscles, as a question may use them; `muscles` maps
    code to the knowledge base's name. Built once where many messages are read (the NLU)."""

    def __init__(self, muscles: Mapping[str, str]) -> None:
        self.names = names_of(muscles)
        self.vocabulary = {word for name in self.names for word in name}

    def named(self, text: str) -> str | None:
        """The code of the muscle the text names, or None."""
        said = tuple(_closest(word, self.vocabulary) for word in words(text))
        best: tuple[int, int, str] | None = None
        for name, code in self.names.items():
            size = len(name)
            for start in range(len(said) - size + 1):
                if said[start : start + size] == name:
                    candidate = (-sum(len(w) for w in name), start, code)
                    best = min(best, candidate) if best else candidate
                    break
        return best[2] if best else None


def named_muscle(text: str, muscles: Mapping[str, str]) -> str | None:
    """The code of the muscle the text names, or None."""
    return MuscleNames(muscles).named(text)


def _closest(word: str, vocabulary: set[str]) -> str:
    if word in vocabulary or len(word) < FORGIVEN_LENGTH:
        return word
    close = difflib.get_close_matches(word, vocabulary, n=1, cutoff=CLOSENESS)
    return close[0] if close else word
