"""The lexicon's spaCy pipeline, built from the vocabulary files in data/lexicon.

`spacy.blank("en")` plus an entity ruler with one token pattern per term. Each pattern's
label is the kind of entity and its id the canonical code (a region code from
data/regions.yml, a cause, a finding of the triage policy, a side). The saved pipeline is
what Rasa's SpacyNLP loads; bot/server/nlu/extractor.py turns its entities into Rasa entities.

How a message is read (`entities`):
- its words' norms are corrected (bot/server/nlu/spelling.py: "sholdr" is "shoulder"), and
  the terms' words were read through the same known misspellings when the pipeline was
  built, so "bak of my hed" is "back of head";
- the ruler's matches are chosen longest first, places, causes and findings apart from
  sides: a side phrase never hides a place ("left-hand side of my neck" is the side of the
  neck, and left), and a place inside a longer side phrase is none ("on both sides",
  "right-hand side");
- the words of the context's cues are no place ("back then", "on the other hand", "the
  feeling came back"), unless the cue starts with the place and an owner stands before it
  ("my back then went"); a place in a figure of speech ("a pain in the neck") counts only
  when the message names no other place.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import spacy
import yaml
from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc, Span, Token

from actions.reading.typography import straight_quotes
from bot.server.nlu.context import FIGURE, Context
from bot.server.nlu.spelling import Speller

# Words people put inside a term without changing what it names: "top of my right
# shoulder" is "top of shoulder", "breathing is really hard" is "breathing is hard".
FILLERS = [
    "my",
    "the",
    "your",
    "his",
    "her",
    "a",
    "an",
    "both",
    "either",
    "left",
    "right",
    "very",
    "really",
    "so",
    "quite",
    "totally",
    "completely",
    "properly",
    "even",
]

PLACING = {"on", "to", "at", "towards", "toward", "onto"}
"""Words that, with "the", put a side word where the pain is: "sore on the right"."""

OWNERS = {
    "my",
    "me",
    "your",
    "his",
    "her",
    "our",
    "their",
    "lower",
    "upper",
    "left",
    "right",
    "sore",
    "bad",
    "stiff",
    "painful",
    "aching",
    "achy",
    "tight",
}
"""Words before a place that make it a place even where a cue starting with it is no place:
"I hurt my back then iced it" against "back then I was fine"."""

# Labels of the ruler's entities, and the Rasa entity each one becomes.
REGION, REGION_PLURAL, VAGUE, VAGUE_PLURAL, CAUSE, FINDING, SIDE = (
    "REGION",
    "REGION_PLURAL",
    "VAGUE_REGION",
    "VAGUE_REGION_PLURAL",
    "CAUSE",
    "FINDING",
    "SIDE",
)
DOUBTED_FINDING = "doubted_finding"
"""A finding its context leaves in doubt: not present, but its red-flag question comes next."""


ENTITY_OF_LABEL = {
    REGION: "body_region",
    REGION_PLURAL: "body_region",
    VAGUE: "vague_region",
    VAGUE_PLURAL: "vague_region",
    CAUSE: "cause",
    FINDING: "finding",
    SIDE: "side",
}
PLACES = {REGION, REGION_PLURAL, VAGUE, VAGUE_PLURAL}
PLURALS = {REGION_PLURAL, VAGUE_PLURAL}
IN_CONTEXT = {FINDING, CAUSE}
"""The entities whose words around them (data/lexicon/context.yml) can say they are absent."""
BOTH, CENTER, LEFT, RIGHT = "both", "center", "left", "right"
LINKS = {*FILLERS, "and", "&", ",", "/", "or", "-"}
"""Words between the sides named before a place: "left and right calves", "L/R calves"."""
VOCABULARY_FILES = ("regions", "causes", "findings", "sides", "context", "spellings")
TOKENS_KEPT_WHOLE = {"hed"}
"""Words spaCy's tokenizer splits as contractions ("hed" as "he'd") that are body words here."""


def lowercase_in_place(text: str) -> str:
    """The text in lower case, each character still where it was: the entities' offsets
    point into the person's own text, and `"İ".lower()` is two characters."""
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


class LexiconError(ValueError):
    """A vocabulary file is not valid; the message names the file and the term."""


def read(lexicon_dir: Path) -> dict[str, Any]:
    def load(name: str) -> dict[str, Any]:
        path = lexicon_dir / f"{name}.yml"
        try:
            return yaml.safe_load(path.read_text()) or {}
        except (OSError, yaml.YAMLError) as error:
            raise LexiconError(f"{path}: {error}") from error

    return {name: load(name) for name in VOCABULARY_FILES}


def entries(lexicon: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    """(label, id, term) for every term of every vocabulary file."""
    for code, region in lexicon["regions"]["regions"].items():
        for term in region.get("terms") or []:
            yield REGION, code, term
        for term in region.get("plural") or []:
            yield REGION_PLURAL, code, term
    for key, vague in (lexicon["regions"].get("vague") or {}).items():
        for term in vague["terms"]:
            yield VAGUE, key, term
        for term in vague.get("plural") or []:
            yield VAGUE_PLURAL, key, term
    for cause, terms in lexicon["causes"]["causes"].items():
        for term in terms:
            yield CAUSE, cause, term
    for code, finding in lexicon["findings"]["findings"].items():
        for term in finding["terms"]:
            yield FINDING, code, term
    for side, terms in lexicon["sides"]["sides"].items():
        for term in terms:
            yield SIDE, side, term


def spellings(lexicon: dict[str, Any]) -> dict[str, str]:
    """Each known misspelling and the word it misspells (data/lexicon/spellings.yml)."""
    found: dict[str, str] = {}
    for word, wrong in (lexicon.get("spellings", {}).get("spellings") or {}).items():
        for misspelling in wrong:
            misspelling = str(misspelling)
            if misspelling in found or misspelling == word:
                raise LexiconError(
                    f"data/lexicon/spellings.yml: {misspelling!r} is listed twice or as itself"
                )
            found[misspelling] = str(word)
    if twice := sorted(set(found) & set(found.values())):
        raise LexiconError(f"data/lexicon/spellings.yml: {twice} are words and misspellings")
    return found


def token_pattern(words: list[str]) -> list[dict[str, Any]]:
    """A term's words, with optional filler words allowed between them. Patterns match the
    tokens' norms: spaCy's ("can't" is "can not") with misspellings corrected."""
    pattern: list[dict[str, Any]] = []
    for i, word in enumerate(words):
        if i:
            pattern.append({"NORM": {"IN": FILLERS}, "OP": "*"})
        pattern.append({"NORM": word})
    return pattern


def term_words(nlp: Language, term: str, spelt: dict[str, str]) -> tuple[str, ...]:
    """A term's words as the ruler matches them: norms, known misspellings read as the word."""
    return tuple(
        spelt.get(t.norm_, t.norm_) for t in nlp.make_doc(str(term).lower()) if not t.is_space
    )


def patterns(lexicon: dict[str, Any], nlp: Language, spelt: dict[str, str]) -> list[dict[str, Any]]:
    seen: dict[tuple[str, ...], tuple[str, str]] = {}
    result = []
    for label, code, term in entries(lexicon):
        words = term_words(nlp, term, spelt)
        if not words:
            continue
        if words in seen:
            if seen[words] != (label, code):
                other = seen[words]
                raise LexiconError(
                    f"data/lexicon: the term {term!r} is both {other[0]}={other[1]} "
                    f"and {label}={code}"
                )
            continue  # a misspelling of a term already listed ("sholder blade")
        seen[words] = (label, code)
        pattern = token_pattern(list(words))
        result.append({"label": label, "id": code, "pattern": pattern})
    return result


def _key(words: Iterable[str]) -> str:
    """A term's words without the fillers, as one string: how a span is looked up."""
    return " ".join(w for w in words if w not in FILLERS)


def finding_causes(lexicon: dict[str, Any], nlp: Language, spelt: dict[str, str]) -> dict[str, str]:
    """The finding terms that name a cause as well ("a long flight" is posture)."""
    findings = {
        _key(term_words(nlp, term, spelt))
        for finding in lexicon["findings"]["findings"].values()
        for term in finding["terms"]
    }
    found = {}
    for cause, terms in (lexicon["causes"].get("in_findings") or {}).items():
        for term in terms:
            key = _key(term_words(nlp, term, spelt))
            if key not in findings:
                raise LexiconError(
                    f"data/lexicon/causes.yml: in_findings names {term!r}, not a finding's term"
                )
            found[key] = cause
    return found


def holding_places(lexicon: dict[str, Any], nlp: Language, spelt: dict[str, str]) -> list[str]:
    """The cause terms whose place words stay places ("put my back out" is an injury, and
    the back is where)."""
    causes = {
        _key(term_words(nlp, term, spelt))
        for terms in lexicon["causes"]["causes"].values()
        for term in terms
    }
    found = []
    for term in lexicon["causes"].get("holding_places") or ():
        key = _key(term_words(nlp, term, spelt))
        if key not in causes:
            raise LexiconError(f"data/lexicon/causes.yml: holding_places names {term!r}, no cause")
        found.append(key)
    return sorted(found)


def paired_places(lexicon: dict[str, Any]) -> dict[str, bool]:
    """Whether each region, and each vague place, is on a left and a right side (a vague
    place when all its parts are)."""
    regions = lexicon["regions"]["regions"]
    paired = {code: bool(region.get("paired")) for code, region in regions.items()}
    for key, vague in (lexicon["regions"].get("vague") or {}).items():
        paired[key] = all(paired.get(code, False) for code in vague["choices"])
    return paired


def side_words(lexicon: dict[str, Any], section: str) -> dict[str, str]:
    return {
        str(word): side
        for side, words in (lexicon["sides"].get(section) or {}).items()
        for word in words
    }


def build(lexicon_dir: Path, out_dir: Path) -> tuple[Path, int]:
    """Build and save the pipeline; returns its path and the number of patterns."""
    lexicon = read(lexicon_dir)
    nlp = spacy.blank("en")
    tokenizer: Any = nlp.tokenizer  # spaCy's Tokenizer, which has no stubs
    tokenizer.rules = {
        text: tokens
        for text, tokens in (tokenizer.rules or {}).items()
        if text.lower() not in TOKENS_KEPT_WHOLE
    }
    # add_pipe is typed to return any pipe; "entity_ruler" makes an EntityRuler
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", config={"validate": True}))
    spelt = spellings(lexicon)
    found = patterns(lexicon, nlp, spelt)
    ruler.add_patterns(found)
    nlp.add_pipe("sentencizer")  # the context's cues reach no further than their sentence
    nlp.meta["name"] = "knotbot_lexicon"
    nlp.meta["description"] = "KnotBot's body-region, cause, finding and side vocabulary"
    knotbot = {
        "context": lexicon["context"],
        "finding_places": {
            code: _place(finding["region"], lexicon["regions"])
            for code, finding in lexicon["findings"]["findings"].items()
            if finding.get("region")
        },
        "finding_causes": finding_causes(lexicon, nlp, spelt),
        "holding_places": holding_places(lexicon, nlp, spelt),
        "sides": {
            word: side for side, words in lexicon["sides"]["sides"].items() for word in words
        },
        "side_before_places": side_words(lexicon, "before_places"),
        "side_in_places": side_words(lexicon, "in_places"),
        "paired": paired_places(lexicon),
        "spellings": spelt,
        "not_misspellings": sorted(
            str(w) for w in lexicon["spellings"].get("not_misspellings") or ()
        ),
        "words": sorted({p["NORM"] for f in found for p in f["pattern"] if "OP" not in p}),
    }
    knotbot["fingerprint"] = fingerprint(found, knotbot, lexicon)
    nlp.meta["knotbot"] = knotbot
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out_dir)
    return out_dir, len(found)


def _place(name: str, regions: dict[str, Any]) -> tuple[str, str]:
    """The entity a finding's place becomes: a region code or a vague word."""
    if name in regions["regions"]:
        return ENTITY_OF_LABEL[REGION], name
    if name in (regions.get("vague") or {}):
        return ENTITY_OF_LABEL[VAGUE], name
    raise LexiconError(f"data/lexicon/findings.yml: unknown place {name!r}")


def fingerprint(found: list[dict[str, Any]], meta: dict[str, Any], lexicon: dict[str, Any]) -> str:
    blob = json.dumps(
        [found, lexicon["findings"], lexicon["sides"], meta, sorted(TOKENS_KEPT_WHOLE)],
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def saved_fingerprint(pipeline_dir: Path) -> str | None:
    """The fingerprint of a saved pipeline's vocabulary, None when it is not built."""
    meta = pipeline_dir / "meta.json"
    if not meta.exists():
        return None
    return json.loads(meta.read_text()).get("knotbot", {}).get("fingerprint")


def entities(nlp: Language, text: str) -> list[dict[str, Any]]:
    """The entities of a text, as Rasa entities whose values are codes. Besides the ruler's:
    - the side inside a place ("top of my right shoulder" is shoulder_top and right; "along
      my spine" is the middle), or just before it ("L knee");
    - for a plural place ("calves", "my shoulders") both sides: the role `both_sides` of a
      region, a `both` side beside a vague place; unless a side is named with it ("my left
      traps");
    - the place a finding names ("chest pain" is a pain in the chest, "the worst headache
      of my life" one in the head), and the cause ("a long flight" is posture);
    and without the findings and causes their context says are not present ("no fever",
    "my dad had a stroke"): those whose red-flag question should be asked next ("it went
    numb but it's fine now") become `doubted_finding` entities instead. The middle is no
    side of a place that has two ("the middle of my calf").
    """
    doc = nlp.make_doc(lowercase_in_place(straight_quotes(text)))
    meta: dict[str, Any] = nlp.meta.get("knotbot", {})
    speller = _speller(meta)
    for token in doc:
        if corrected := speller.correct(token.norm_):
            token.norm_ = corrected
    overlapping: list[Span] = []
    for _, component in nlp.pipeline:
        if isinstance(component, EntityRuler):
            overlapping = _choose(component, doc, set(meta.get("holding_places", ())))
        else:
            doc = component(doc)
    context = _context(nlp, meta)
    targets = [span for span in [*doc.ents, *overlapping] if span.label_ in IN_CONTEXT]
    doc = context(doc, targets)
    reader = _Reader(doc, meta, context.cue_spans(doc))
    found: list[dict[str, Any]] = []
    figures: list[dict[str, Any]] = []
    for span in sorted([*doc.ents, *overlapping], key=lambda s: (s.start, -len(s))):
        cue = reader.cue_over(span)
        if cue == FIGURE and span.label_ in PLACES:
            figures += reader.place(span)  # "a pain in the neck": only when alone
            continue
        if span.label_ == SIDE:
            word = reader.side_word(span)
            cue = reader.cue_over(word)
            if cue == FIGURE or _placed(word):
                cue = None  # "tmj ache rt side", "sore on the right after bench": a side
        if cue and span.label_ in PLACES | {SIDE}:
            continue  # "the feeling came back" says nothing of a back, "right now" of a side
        if span.label_ in IN_CONTEXT:
            verdict = context.verdict(span, is_cause=span.label_ == CAUSE)
            if not verdict.present:
                if verdict.ask_next:
                    found.append(entity(DOUBTED_FINDING, span.id_, span))
                continue
        if span.label_ in PLACES:
            found += reader.place(span)
        elif span.label_ == SIDE:
            found += reader.side(span)
        else:
            found += reader.other(span, context)
    if not any(e["entity"] in ("body_region", "vague_region") for e in found):
        found += figures
    else:  # the place of "tmj ache rt side" is the jaw, and its side still the right
        found += [e for e in figures if e["entity"] == "side"]
    return found


def _placed(word: Span | Token) -> bool:
    """A side word after "on the", "to the", "at the": a side, whatever follows ("on the
    right after bench press" is not "right after")."""
    start = word.start if isinstance(word, Span) else word.i
    before = [t.norm_ for t in word.doc[max(0, start - 2) : start]]
    return len(before) == 2 and before[1] == "the" and before[0] in PLACING


def _choose(ruler: EntityRuler, doc: Doc, holding: set[str]) -> list[Span]:
    """Set the doc's entities from the ruler's matches, longest first, sides apart from the
    rest, and the causes that hold a place ("I put my back out") apart too; returns the
    side phrases that overlap a place ("left-hand side of my neck") and those causes."""
    ids = ruler._ent_ids  # the (label, id) of each pattern's match id
    spans = []
    for match_id, start, end in ruler.match(doc):
        label, ent_id = ids.get(match_id, (match_id, ""))
        spans.append(Span(doc, start, end, label=label, span_id=ent_id))
    sides = _longest_first([s for s in spans if s.label_ == SIDE])
    holders = _longest_first(
        [s for s in spans if s.label_ == CAUSE and _key(t.norm_ for t in s) in holding]
    )
    others = [
        s
        for s in _longest_first(
            [
                s
                for s in spans
                if s.label_ != SIDE
                and s not in holders
                # what a cause that holds a place holds is that place, and no other cause
                and (s.label_ in PLACES or not any(_inside(s, h) for h in holders))
            ]
        )
        # "on both sides", "right-hand side": a place in a longer side phrase is none
        if not (
            s.label_ in PLACES and any(_inside(s, side) and len(side) > len(s) for side in sides)
        )
    ]
    alone = [s for s in sides if not any(_overlap(s, o) for o in others)]
    doc.set_ents(sorted([*others, *alone], key=lambda s: s.start))
    # a side word inside a place is the place's to read ("middle finger" is no middle)
    over = [s for s in sides if s not in alone and not any(_inside(s, o) for o in others)]
    return [*over, *holders]


def _longest_first(spans: list[Span]) -> list[Span]:
    taken: set[int] = set()
    chosen = []
    for span in sorted(spans, key=lambda s: (-len(s), s.start)):
        if not taken.intersection(range(span.start, span.end)):
            chosen.append(span)
            taken.update(range(span.start, span.end))
    return chosen


def _inside(span: Span, outer: Span) -> bool:
    return outer.start <= span.start and span.end <= outer.end


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


class _Reader:
    """The Rasa entities of one message's spans."""

    def __init__(self, doc: Doc, meta: dict[str, Any], cues: list[tuple[int, int, str]]):
        self.doc = doc
        self.cues = cues
        self.sides: dict[str, str] = meta.get("sides", {})
        self.before: dict[str, str] = meta.get("side_before_places", {})
        self.within: dict[str, str] = meta.get("side_in_places", {})
        self.paired: dict[str, bool] = meta.get("paired", {})
        # (entity, value) of a finding's place: a list once the pipeline is saved as JSON
        self.finding_places: dict[str, Sequence[str]] = meta.get("finding_places", {})
        self.finding_causes: dict[str, str] = meta.get("finding_causes", {})

    def cue_over(self, words: Span | Token) -> str | None:
        """The category of a cue whose words hold these, unless the cue starts with a
        place and an owner stands before it ("my back then")."""
        span = words if isinstance(words, Span) else words.doc[words.i : words.i + 1]
        for start, end, category in self.cues:
            if start <= span.start and span.end <= end:
                owned = (
                    start == span.start
                    and span.start > 0
                    and self.doc[span.start - 1].norm_ in OWNERS
                )
                if not owned:
                    return category
        return None

    def side_of(self, token: Token, within: bool = False) -> str | None:
        side = self.sides.get(token.lower_) or self.sides.get(token.norm_)
        if within:
            side = side or self.within.get(token.norm_)
        return side

    def place(self, span: Span) -> list[dict[str, Any]]:
        paired = self.paired.get(span.id_, False)
        found = []
        # the narrower entities first: where two overlap, Rasa's evaluation labels a
        # token by the first ("right" in "top of my right shoulder" is a side)
        named = []
        for token in span:
            side = self.side_of(token, within=True)
            if side and not (side == CENTER and paired):
                found.append(entity("side", side, token))
                named.append(side)
        for word in self._side_words_before(span):
            found.append(entity("side", self.before[word.norm_], word))
            named.append(self.before[word.norm_])
        found.append(entity(ENTITY_OF_LABEL[span.label_], span.id_, span))
        if span.label_ in PLURALS and not {LEFT, RIGHT} & {*named, *self._sides_before(span)}:
            if span.label_ == REGION_PLURAL:
                found[-1]["role"] = "both_sides"
            else:
                found.append(entity("side", BOTH, span))
        return found

    def _side_words_before(self, span: Span) -> list[Token]:
        """ "L knee", "L/R calves", "rt hip", "shoulder (L)": side words only a place beside
        them makes sides."""
        doc = self.doc
        found = []
        for token in reversed(doc[: span.start]):
            if token.norm_ in self.before:
                found.append(token)
            elif token.norm_ not in LINKS:
                break
        after = doc[span.end : span.end + 3]
        if (
            len(after) == 3
            and after[0].text == "("
            and after[2].text == ")"
            and after[1].norm_ in self.before
        ):
            found.append(after[1])
        return sorted(found, key=lambda t: t.i)

    def _sides_before(self, span: Span) -> set[str]:
        """The sides named just before a place ("my left calves", "left and right calves")."""
        found = set()
        for token in reversed(self.doc[: span.start]):
            side = self.side_of(token) or self.before.get(token.norm_)
            if side:
                found.add(side)
            elif token.norm_ not in LINKS:
                break
        return found

    def side(self, span: Span) -> list[dict[str, Any]]:
        side = span.id_  # a side phrase over a place is not among the doc's entities
        if side == CENTER and self._paired_place_after(span):
            return []  # "the middle of my calf" is along the calf, not the body's middle
        return [entity("side", side, self.side_word(span))]

    def side_word(self, span: Span) -> Span | Token:
        """The word of a side phrase that says the side: "left" of "left side", as people
        annotate it, "middle" of "right in the middle"."""
        words = [t for t in span if t.lower_ in self.sides]
        return next((t for t in words if self.sides[t.lower_] == span.id_), None) or (
            words[0] if words else span
        )

    def _paired_place_after(self, span: Span) -> bool:
        doc = self.doc
        i = span.end
        if i < len(doc) and doc[i].norm_ == "of":
            i += 1
            while i < len(doc) and doc[i].norm_ in FILLERS:
                i += 1
            place = next((e for e in doc.ents if e.start == i and e.label_ in PLACES), None)
            return bool(place and self.paired.get(place.id_, False))
        return False

    def other(self, span: Span, context: Context) -> list[dict[str, Any]]:
        found = []
        if span.label_ == FINDING and span.id_ in self.finding_places:
            kind, value = self.finding_places[span.id_]
            found.append(entity(kind, value, span))
        found.append(entity(ENTITY_OF_LABEL[span.label_], span.id_, span))
        if span.label_ == FINDING:
            cause = self.finding_causes.get(_key(t.norm_ for t in span))
            if cause and context.verdict(span, is_cause=True).present:
                found.append(entity("cause", cause, span))
        return found


_SPELLERS: dict[str | None, Speller] = {}


def _speller(meta: dict[str, Any]) -> Speller:
    """One speller per vocabulary, made the first time a pipeline reads a text."""
    key = meta.get("fingerprint")
    if key not in _SPELLERS:
        _SPELLERS[key] = Speller(
            meta.get("words", ()), meta.get("spellings", {}), meta.get("not_misspellings", ())
        )
    return _SPELLERS[key]


_CONTEXTS: dict[str | None, Context] = {}


def _context(nlp: Language, meta: dict[str, Any]) -> Context:
    """The context's cues as a ConText component, made the first time a pipeline reads a text."""
    key = meta.get("fingerprint")
    if key not in _CONTEXTS:
        speller = _speller(meta)
        _CONTEXTS[key] = Context(nlp, meta["context"], lambda n: speller.correct(n) or n)
    return _CONTEXTS[key]


def entity(kind: str, value: str, words: Span | Token) -> dict[str, Any]:
    start = words.start_char if isinstance(words, Span) else words.idx
    return {
        "entity": kind,
        "value": value,
        "start": start,
        "end": start + len(words.text),
        "confidence_entity": 1.0,
    }
