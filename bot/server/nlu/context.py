"""What the words around a finding or a cause say about it, read with medspaCy's ConText.

"no fever", "what if it goes numb?", "my dad had a stroke", "it went numb but it's fine
now", "my face might be drooping": the vocabulary finds the finding in each, and the cues of
data/lexicon/context.yml (kept in the built pipeline's meta) say that it is not present,
and for some of them that its red-flag question should be asked next. ConText limits each
cue to its sentence (the sentencizer in the lexicon pipeline sets them), to `reach` words
and to its clause; a list carries a cue past its commas ("not swollen, warm or red").
Clauses end at the `breaks` as written ("thinks" ends one, "think" does not: "I don't
think I injured it" is no injury).

The same matcher finds the phrases that modify nothing but whose words are no place or
side (`not_places`: "back then", "right now") and the figures of speech whose place counts
only when no other is named (`figures`: "a pain in the neck"); bot/server/nlu/lexicon.py
reads them through `cue_spans`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from medspacy.context import ConText, ConTextRule
from spacy.language import Language
from spacy.tokens import Doc, Span

PSEUDO = "PSEUDO"
NOT_PLACE = "NOT_PLACE"
"""Phrases whose body words are no place ("back then", "on the other hand", "foot the bill")."""
FIGURE = "FIGURE"
"""Figures of speech whose place is one only when no other is named ("a pain in the neck")."""
NUMBER = "#"
"""In a cue, any number: "6 feet tall", "fell 10 feet"."""
TARGETS = "knotbot_context_targets"
DIRECTIONS = {"before": "FORWARD", "after": "BACKWARD", "around": "BIDIRECTIONAL"}
LISTED = "knotbot_listed"
"""The doc's record of the findings a cue reached only through a list's commas (their ends)."""


class ContextError(ValueError):
    """data/lexicon/context.yml is not a valid set of cues."""


@dataclass(frozen=True)
class Verdict:
    """What the context makes of one finding or cause."""

    present: bool
    ask_next: bool = False
    """Not present, but the red-flag question about it is asked next."""


class Context:
    """The cues of data/lexicon/context.yml as a ConText component over the findings and
    causes the vocabulary found."""

    def __init__(self, nlp: Language, spec: dict[str, Any], normal: Callable[[str], str]):
        """`normal` is what a word's norm becomes in a message (the speller's reading), so
        the cues are written in the same words as what they are matched against."""
        self.normal = normal
        self.ask_next = {c.upper() for c in spec.get("ask_next", [])}
        self.keeps_cause = {c.upper() for c in spec.get("keeps_cause", [])}
        self.keeps_finding = {c.upper() for c in spec.get("keeps_finding", [])}
        self.unbroken = {c.upper() for c in spec.get("unbroken", [])}
        self.reach = int(spec["reach"])
        # the words themselves, not their corrected norms: the speller reads "thinks" as
        # "think" (a plural it does not list), and "I don't think I injured it" is no break
        self.breaks = [
            tuple(t.lower_ for t in nlp.make_doc(b.lower()) if not t.is_space)
            for b in spec.get("breaks", [])
        ]
        # A cue inside a finding's own words ("can't breathe") is no cue. medspaCy 1.3.1
        # hands `prune_on_target_overlap` to the graph as its `prune_on_modifier_overlap`,
        # the switch that drops such cues, so that is the one to set.
        self.component = ConText(
            nlp,
            rules=None,
            span_attrs=None,
            prune_on_target_overlap=True,
            input_span_type="group",
            span_group_name=TARGETS,
        )
        self.component.add(list(self._rules(nlp, spec)))

    def _norms(self, nlp: Language, literal: str) -> tuple[str, ...]:
        doc = nlp.make_doc(literal.lower())
        return tuple(self.normal(t.norm_) for t in doc if not t.is_space)

    def _rules(self, nlp: Language, spec: dict[str, Any]) -> Iterable[ConTextRule]:
        def pattern(literal: str) -> list[dict[str, Any]]:
            return [
                {"LIKE_NUM": True} if norm == NUMBER else {"NORM": norm}
                for norm in self._norms(nlp, literal)
            ]

        for literal in spec["cues"].get("pseudo", []):
            yield ConTextRule(literal, PSEUDO, pattern=pattern(literal), direction="PSEUDO")
        # phrases that modify nothing, matched for their words only: no place, no side
        for category, key in ((NOT_PLACE, "not_places"), (FIGURE, "figures")):
            for literal in spec.get(key, []):
                yield ConTextRule(literal, category, pattern=pattern(literal), direction="PSEUDO")
        for category, cues in spec["cues"].items():
            if category == "pseudo":
                continue
            if not isinstance(cues, dict) or not set(cues) <= {*DIRECTIONS, "only"}:
                raise ContextError(
                    f"data/lexicon/context.yml: cues.{category} takes lists named "
                    f"{', '.join(DIRECTIONS)} (and `only`, the codes it acts on)"
                )
            name = category.upper()
            unbroken = name in self.unbroken
            only = frozenset(cues.get("only") or ())
            for side in DIRECTIONS:
                for literal in cues.get(side) or []:
                    yield ConTextRule(
                        literal,
                        name,
                        pattern=pattern(literal),
                        direction=DIRECTIONS[side],
                        max_scope=None if unbroken else self.reach,
                        on_modifies=self._reaches(unbroken, only),
                    )

    def _reaches(self, unbroken: bool, only: frozenset[str]) -> Callable[[Span, Span, Span], bool]:
        def reaches(target: Span, modifier: Span, _: Span) -> bool:
            # medspaCy's own span between includes a backward cue, so it is not used
            if only and target.ent_id_ not in only:
                return False
            if unbroken:
                return True
            doc = target.doc
            if modifier.start < target.start:
                return self._unbroken(doc, modifier.end, target.start, target.end)
            return self._unbroken(doc, target.end, modifier.start, target.end)

        return reaches

    def _unbroken(self, doc: Doc, start: int, end: int, after_target: int) -> bool:
        """No clause ends between `start` and `end`, or only the commas of what may be a
        list ending in "or" or "nor" ("not swollen, warm or red"). What a cue reaches only
        through such commas is in doubt: "no fever, stiff neck or..." may list a symptom."""
        words = [t.lower_ for t in doc[start:end]]
        broken = [b for b in self.breaks if _contains(words, b)]
        if not broken:
            return True
        closing = {t.lower_ for t in doc[after_target : after_target + 2]} | set(words)
        if broken != [(",",)] or not closing & {"or", "nor"}:
            return False
        doc.user_data.setdefault(LISTED, set()).add(after_target)
        return True

    def __call__(self, doc: Doc, targets: list[Span]) -> Doc:
        doc.spans[TARGETS] = targets
        return self.component(doc)

    def cue_spans(self, doc: Doc) -> list[tuple[int, int, str]]:
        """(start, end, category) of the cues found: words like "came back" or "back then"
        are no place on the body, and a figure's ("a pain in the neck") is one only alone."""
        graph = doc._.context_graph
        if not graph:
            return []
        return [(*m.modifier_span, m.category) for m in graph.modifiers]

    def verdict(self, span: Span, is_cause: bool) -> Verdict:
        categories = {m.category for m in span._.modifiers} - {PSEUDO}
        if not categories:
            return Verdict(present=True)
        if is_cause:
            return Verdict(present=categories <= self.keeps_cause)
        if categories <= self.keeps_finding:
            return Verdict(present=True)
        listed = span.end in span.doc.user_data.get(LISTED, ())
        return Verdict(present=False, ask_next=listed or bool(categories & self.ask_next))


def _contains(words: list[str], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(tuple(words[i : i + n]) == phrase for i in range(len(words) - n + 1))
