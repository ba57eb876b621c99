"""The lexicon's spaCy pipeline, built from the vocabulary files in data/lexicon.

`spacy.blank("en")` plus an entity ruler with one token pattern per term. Each pattern's
label is the kind of entity and its id the canonical code (a region code from
data/regions.yml, a cause, a finding of the triage policy, a side). The saved pipeline is
what Rasa's SpacyNLP loads; bot/server/nlu/extractor.py turns its entities into Rasa entities.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import spacy
import yaml
from spacy.language import Language
from spacy.pipeline import EntityRuler
from spacy.tokens import Span, Token

from actions.reading.typography import straight_quotes
from bot.server.nlu.context import Context
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

# Labels of the ruler's entities, and the Rasa entity each one becomes.
REGION, REGION_PLURAL, VAGUE, CAUSE, FINDING, SIDE = (
    "REGION",
    "REGION_PLURAL",
    "VAGUE_REGION",
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
    CAUSE: "cause",
    FINDING: "finding",
    SIDE: "side",
}
PLACES = {REGION, REGION_PLURAL, VAGUE}
IN_CONTEXT = {FINDING, CAUSE}
"""The entities whose words around them (data/lexicon/context.yml) can say they are absent."""


def lowercase_in_place(text: str) -> str:
    """The text in lower case, each character still where it was: the entities' offsets
    point into the person's own text, and `"İ".lower()` is two characters."""
    return "".join(low if len(low := c.lower()) == 1 else c for c in text)


class LexiconError(ValueError):
    """A vocabulary file is not valid; the message names the file and the term."""


def read(lexicon_dir: Path) -> dict[str, Any]:
    def load(name: str) -> dict[str, Any]:
        path = lexicon_dir / name
        try:
            return yaml.safe_load(path.read_text())
        except (OSError, yaml.YAMLError) as error:
            raise LexiconError(f"{path}: {error}") from error

    return {
        "regions": load("regions.yml"),
        "causes": load("causes.yml"),
        "findings": load("findings.yml"),
        "sides": load("sides.yml"),
        "context": load("context.yml"),
    }


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
    for cause, terms in lexicon["causes"]["causes"].items():
        for term in terms:
            yield CAUSE, cause, term
    for code, finding in lexicon["findings"]["findings"].items():
        for term in finding["terms"]:
            yield FINDING, code, term
    for side, terms in lexicon["sides"]["sides"].items():
        for term in terms:
            yield SIDE, side, term


def token_pattern(words: list[str]) -> list[dict[str, Any]]:
    """A term's words, with optional filler words allowed between them. Patterns match the
    tokens' norms: spaCy's ("can't" is "can not") with misspellings corrected."""
    pattern: list[dict[str, Any]] = []
    for i, word in enumerate(words):
        if i:
            pattern.append({"NORM": {"IN": FILLERS}, "OP": "*"})
        pattern.append({"NORM": word})
    return pattern


def patterns(lexicon: dict[str, Any], nlp: Language) -> list[dict[str, Any]]:
    seen: dict[tuple[str, ...], tuple[str, str]] = {}
    result = []
    for label, code, term in entries(lexicon):
        words = tuple(t.norm_ for t in nlp.make_doc(str(term).lower()) if not t.is_space)
        if not words:
            continue
        if words in seen and seen[words] != (label, code):
            other = seen[words]
            raise LexiconError(
                f"data/lexicon: the term {term!r} is both {other[0]}={other[1]} and {label}={code}"
            )
        seen[words] = (label, code)
        pattern = token_pattern(list(words))
        result.append({"label": label, "id": code, "pattern": pattern})
    return result


def build(lexicon_dir: Path, out_dir: Path) -> tuple[Path, int]:
    """Build and save the pipeline; returns its path and the number of patterns."""
    lexicon = read(lexicon_dir)
    nlp = spacy.blank("en")
    # add_pipe is typed to return any pipe; "entity_ruler" makes an EntityRuler
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", config={"validate": True}))
    found = patterns(lexicon, nlp)
    ruler.add_patterns(found)
    nlp.add_pipe("sentencizer")  # the context's cues reach no further than their sentence
    nlp.meta["name"] = "knotbot_lexicon"
    nlp.meta["description"] = "KnotBot's body-region, cause, finding and side vocabulary"
    nlp.meta["knotbot"] = {
        "context": lexicon["context"],
        "finding_places": {
            code: _place(finding["region"], lexicon["regions"])
            for code, finding in lexicon["findings"]["findings"].items()
            if finding.get("region")
        },
        "sides": {
            word: side for side, words in lexicon["sides"]["sides"].items() for word in words
        },
        "words": sorted({p["NORM"] for f in found for p in f["pattern"] if "OP" not in p}),
        "fingerprint": fingerprint(found, lexicon),
    }
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


def fingerprint(found: list[dict[str, Any]], lexicon: dict[str, Any]) -> str:
    blob = json.dumps(
        [found, lexicon["findings"], lexicon["sides"], lexicon["context"]], sort_keys=True
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
    - the side inside a place ("top of my right shoulder" is shoulder_top and right);
    - the role `both_sides` for a plural place ("calves");
    - the place a finding names ("chest pain" is a pain in the chest, "the worst headache
      of my life" one in the head);
    and without the findings and causes their context says are not present ("no fever",
    "my dad had a stroke"): those whose red-flag question should be asked next ("it went
    numb but it's fine now") become `doubted_finding` entities instead.
    """
    doc = nlp.make_doc(lowercase_in_place(straight_quotes(text)))
    meta: dict[str, Any] = nlp.meta.get("knotbot", {})
    speller = _speller(meta)
    for token in doc:
        if corrected := speller.correct(token.norm_):
            token.norm_ = corrected
    for _, component in nlp.pipeline:
        doc = component(doc)
    context = _context(nlp, meta)
    doc = context(doc, [span for span in doc.ents if span.label_ in IN_CONTEXT])
    cue_words = context.cue_tokens(doc)
    sides: dict[str, str] = meta.get("sides", {})
    # (entity, value) of a finding's place: a list once the pipeline is saved as JSON
    finding_places: dict[str, Sequence[str]] = meta.get("finding_places", {})
    found = []
    for span in doc.ents:
        if span.label_ in PLACES and cue_words.issuperset(range(span.start, span.end)):
            continue  # "the feeling came back" says nothing of a back
        if span.label_ in IN_CONTEXT:
            verdict = context.verdict(span, is_cause=span.label_ == CAUSE)
            if not verdict.present:
                if verdict.ask_next:
                    found.append(entity(DOUBTED_FINDING, span.ent_id_, span))
                continue
        # the narrower entities first: where two overlap, Rasa's evaluation labels a
        # token by the first ("right" in "top of my right shoulder" is a side)
        if span.label_ in PLACES:
            found += [entity("side", sides[t.lower_], t) for t in span if t.lower_ in sides]
        if span.label_ == FINDING and span.ent_id_ in finding_places:
            kind, value = finding_places[span.ent_id_]
            found.append(entity(kind, value, span))
        words: Span | Token = span
        if span.label_ == SIDE:
            # "left" of "left side", as people annotate it
            words = next((t for t in span if t.lower_ in sides), span)
        found.append(entity(ENTITY_OF_LABEL[span.label_], span.ent_id_, words))
        if span.label_ == REGION_PLURAL:
            found[-1]["role"] = "both_sides"
    return found


_SPELLERS: dict[str | None, Speller] = {}


def _speller(meta: dict[str, Any]) -> Speller:
    """One speller per vocabulary, made the first time a pipeline reads a text."""
    key = meta.get("fingerprint")
    if key not in _SPELLERS:
        _SPELLERS[key] = Speller(meta.get("words", ()))
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
